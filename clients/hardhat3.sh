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

# npm ci in DIR when DIR/node_modules is missing or was installed from another package-lock.json.
npm_ci() {
  local dir="$1" lock_hash stamp
  lock_hash="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  stamp="$dir/node_modules/.installed-lock-sha256"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
    echo "hardhat3: npm ci in $dir (with Node $(node --version))" >&2
    (cd "$dir" && npm ci --no-audit --no-fund >&2) || fail "npm ci in $dir failed"
    echo "$lock_hash" >"$stamp"
  fi
}

# First the Node: the `node` package's preinstall script (allowed by allowScripts) fetches the
# official build for this platform. Any Node that runs npm will do for this step.
npm_ci "$RUNTIME"
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
npm_ci "$PROJECT"
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
(cd "$PROJECT" && npx --no-install hardhat test mocha --network fvm) 2>&1 | tee "$log"
status="${PIPESTATUS[0]}"
set -e
passing="$(sed -n 's/^ *\([0-9][0-9]*\) passing.*/\1/p' "$log" | tail -1)"
failing="$(sed -n 's/^ *\([0-9][0-9]*\) failing.*/\1/p' "$log" | tail -1)"
if [ "$status" -ne 0 ] || [ -n "$failing" ] || [ -z "$passing" ]; then
  fail "${failing:-?} failing, ${passing:-0} passing (exit $status; ${SECONDS}s, $RPC_URL)"
fi
echo "PASS hardhat3: $passing tests (${SECONDS}s, $RPC_URL)"
