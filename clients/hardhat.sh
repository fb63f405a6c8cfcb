#!/usr/bin/env bash
# Hardhat 2 acceptance test: the project in clients/hardhat (hardhat-toolbox: ethers, chai matchers,
# network helpers) runs its mocha tests against the node with `hardhat test --network fvm`.
# Usage: RPC_URL=http://127.0.0.1:8545 bash clients/hardhat.sh
#        bash clients/hardhat.sh --install   (only the packages: scripts/setup runs this)
# The node's dev accounts sign (accounts: "remote"). Installs clients/hardhat/node_modules with
# `npm ci` when it is missing or older than package-lock.json; compiles with the root's solc-js.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROJECT="$HERE/hardhat"
export RPC_URL="${RPC_URL:-http://127.0.0.1:8545}"
export HARDHAT_DISABLE_TELEMETRY_PROMPT=true
SECONDS=0

fail() { echo "FAIL hardhat: $*" >&2; exit 1; }

[ -f "$HERE/../node_modules/solc/soljson.js" ] ||
  fail "no solc-js in $(cd "$HERE/.." && pwd)/node_modules/solc; run npm ci in the repository root"

# npm ci when node_modules is missing or was installed from another package-lock.json.
lock_hash="$(sha256sum "$PROJECT/package-lock.json" | cut -d' ' -f1)"
stamp="$PROJECT/node_modules/.installed-lock-sha256"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
  echo "hardhat: npm ci in $PROJECT" >&2
  (cd "$PROJECT" && npm ci --no-audit --no-fund >&2) || fail "npm ci in $PROJECT failed"
  echo "$lock_hash" >"$stamp"
fi
[ "${1:-}" != "--install" ] || exit 0

# A dead endpoint fails here within seconds rather than in every test.
node -e '
  fetch(process.env.RPC_URL, { method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    signal: AbortSignal.timeout(10000) })
  .then((r) => r.json()).then((b) => { if (typeof b.result !== "string") throw new Error(JSON.stringify(b)); })
  .catch((e) => { console.error(e.cause?.message || e.message); process.exit(1); });
' || fail "cannot reach $RPC_URL (eth_chainId)"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
(cd "$PROJECT" && npx --no-install hardhat test --network fvm) 2>&1 | tee "$log"
status="${PIPESTATUS[0]}"
set -e
passing="$(sed -n 's/^ *\([0-9][0-9]*\) passing.*/\1/p' "$log" | tail -1)"
failing="$(sed -n 's/^ *\([0-9][0-9]*\) failing.*/\1/p' "$log" | tail -1)"
if [ "$status" -ne 0 ] || [ -n "$failing" ] || [ -z "$passing" ]; then
  fail "${failing:-?} failing, ${passing:-0} passing (exit $status; ${SECONDS}s, $RPC_URL)"
fi
echo "PASS hardhat: $passing tests (${SECONDS}s, $RPC_URL)"
