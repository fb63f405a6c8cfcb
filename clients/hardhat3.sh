#!/usr/bin/env bash
# Hardhat 3 acceptance test: the project in clients/hardhat3 (hardhat-toolbox-mocha-ethers: ethers,
# chai matchers, network helpers, mocha) runs its mocha tests against the node with
# `hardhat test mocha --network fvm`.
# Usage: RPC_URL=http://127.0.0.1:8545 bash clients/hardhat3.sh
#        bash clients/hardhat3.sh --install   (only the packages)
# Hardhat 3 needs Node >= 22.13: clients/hardhat3/node-runtime pins the npm package `node` (which
# installs an official Node build for the platform) and its node_modules/.bin is put first on
# PATH, so npm ci of the project, npx, Hardhat and its solc-js subprocess all run on that Node.
# The node's dev accounts sign (accounts: "remote"). Runs `npm ci` in node-runtime and in the
# project when their node_modules is missing or older than their package-lock.json; compiles
# with the root's solc-js.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROJECT="$HERE/hardhat3"
RUNTIME="$PROJECT/node-runtime"
export RPC_URL="${RPC_URL:-http://127.0.0.1:8545}"
export HARDHAT_DISABLE_TELEMETRY=true
SECONDS=0

fail() { echo "FAIL hardhat3: $*" >&2; exit 1; }

[ -f "$HERE/../node_modules/solc/soljson.js" ] ||
  fail "no solc-js in $(cd "$HERE/.." && pwd)/node_modules/solc; run npm ci in the repository root"

# shellcheck source=clients/hardhat-common.sh
. "$HERE/hardhat-common.sh"

# First the Node: the `node` package's preinstall script (allowed by allowScripts) fetches the
# official build for this platform. Any Node that runs npm will do for this step.
npm_ci_if_changed "$RUNTIME" hardhat3
export PATH="$RUNTIME/node_modules/.bin:$PATH"
[ "$(command -v node)" = "$RUNTIME/node_modules/.bin/node" ] && node_version="$(node --version)" ||
  fail "no working $RUNTIME/node_modules/.bin/node (the node package's preinstall did not run?)"
node -e '
  const [major, minor] = process.versions.node.split(".").map(Number);
  process.exit(major > 22 || (major === 22 && minor >= 13) ? 0 : 1);
' || fail "Node $node_version in $RUNTIME; Hardhat 3 needs >= 22.13"
echo "hardhat3: Node $node_version ($RUNTIME/node_modules/.bin/node)" >&2

# Then the project, with npm running on that Node: npm skips an optional dependency whose
# "engines" the running Node does not satisfy, and Hardhat's EDR platform packages
# (@nomicfoundation/edr-linux-x64-gnu, ...) require Node >= 22.
npm_ci_if_changed "$PROJECT" hardhat3
[ "${1:-}" != "--install" ] || exit 0

require_reachable
run_hardhat_tests hardhat3 "$PROJECT" test mocha --network fvm
