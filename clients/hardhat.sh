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

# shellcheck source=clients/hardhat-common.sh
. "$HERE/hardhat-common.sh"
npm_ci_if_changed "$PROJECT" hardhat
[ "${1:-}" != "--install" ] || exit 0
require_reachable
run_hardhat_tests hardhat "$PROJECT" test --network fvm
