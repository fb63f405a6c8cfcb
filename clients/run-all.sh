#!/usr/bin/env bash
# Runs every client acceptance test against $RPC_URL (default http://127.0.0.1:8545),
# stopping at the first failure. The node under test must already be running.
# Usage: RPC_URL=http://127.0.0.1:8545 [PRIVATE_KEY=0x...] bash clients/run-all.sh
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
export RPC_URL="${RPC_URL:-http://127.0.0.1:8545}"
PY="$ROOT/.venv/bin/python"
[ -x "$PY" ] || { echo "error: $PY not found; run ./scripts/setup clients" >&2; exit 1; }

tests=(ethers viem web3py cast forge forge-script subscriptions hardhat hardhat3)
declare -A cmd=(
  [ethers]="node $HERE/ethers.mjs"
  [viem]="node $HERE/viem.mjs"
  [web3py]="$PY $HERE/web3py_test.py"
  [cast]="bash $HERE/cast.sh"
  [forge]="bash $HERE/forge.sh"
  [forge-script]="bash $HERE/forge-script.sh"
  [subscriptions]="node $HERE/subscriptions.mjs"
  [hardhat]="bash $HERE/hardhat.sh"
  [hardhat3]="bash $HERE/hardhat3.sh"
)
passed=()
for t in "${tests[@]}"; do
  echo "==> $t"
  if ! ${cmd[$t]}; then
    echo "client tests: passed: ${passed[*]:-none}; FAILED: $t (stopped there)" >&2
    exit 1
  fi
  passed+=("$t")
done
echo "client tests: passed: ${passed[*]}"
echo "${#passed[@]} passed, 0 failed"
