#!/usr/bin/env bash
# forge (Foundry) acceptance test: `forge create` deploys Greeter with a constructor argument,
# then cast checks the deployed code against forge's artifact and calls greet().
# Forge compiles with clients/solc-wrapper (solc-js behind a native-solc command line), offline,
# in a throwaway project directory, so nothing is written into the repository.
# Usage: RPC_URL=http://127.0.0.1:8545 [PRIVATE_KEY=0x...] bash clients/forge.sh
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# forge and cast come from the npm packages @foundry-rs/{forge,cast}-<os>-<arch> for this machine
# (clients/foundry.sh); FORGE=... and CAST=... override them.
# shellcheck source=clients/foundry.sh
. "$HERE/foundry.sh"
FORGE="${FORGE:-$(foundry_bin forge || true)}"
CAST="${CAST:-$(foundry_bin cast || true)}"
SOLC="$HERE/solc-wrapper"
RPC_URL="${RPC_URL:-http://127.0.0.1:8545}"
PRIVATE_KEY="${PRIVATE_KEY:-0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80}"
export FOUNDRY_DISABLE_NIGHTLY_WARNING=1
# How long cast/forge wait for a sent transaction to be mined (seconds).
export ETH_TIMEOUT="${ETH_TIMEOUT:-${RECEIPT_TIMEOUT:-120}}"
SECONDS=0

fail() { echo "FAIL forge: $*" >&2; exit 1; }
[ -x "$FORGE" ] || fail "$(foundry_missing forge "$FORGE")"
[ -x "$CAST" ] || fail "$(foundry_missing cast "$CAST")"
rpc=(--rpc-url "$RPC_URL")
json_get() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{let v=JSON.parse(s);for(const k of process.argv[1].split("."))v=v==null?v:v[k];process.stdout.write(v==null?"":typeof v==="object"?JSON.stringify(v):String(v))})' "$1"; }
lower() { tr '[:upper:]' '[:lower:]'; }
expect_eq() { [ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"; }

# Throwaway forge project: foundry.toml + src/Greeter.sol, removed on exit.
PROJ="$(mktemp -d "${TMPDIR:-/tmp}/fvm-forge-XXXXXX")"
trap 'rm -rf "$PROJ"' EXIT
mkdir -p "$PROJ/src"
cp "$HERE/contracts/Greeter.sol" "$PROJ/src/Greeter.sol"
cat >"$PROJ/foundry.toml" <<TOML
[profile.default]
src = "src"
out = "out"
libs = []
cache_path = "cache"
evm_version = "cancun"
optimizer = false
offline = true
auto_detect_solc = false
solc = "$SOLC"
TOML

CHAIN_ID="$("$CAST" chain-id "${rpc[@]}")" || fail "cannot reach $RPC_URL"

# forge create: compiles (offline, with the wrapper), estimates gas, signs and broadcasts.
create_out="$(cd "$PROJ" && "$FORGE" create src/Greeter.sol:Greeter \
  --root "$PROJ" --use "$SOLC" --offline \
  --private-key "$PRIVATE_KEY" "${rpc[@]}" --broadcast --json \
  --constructor-args "Hello from forge" 2>&1)" || fail "forge create failed: $create_out"
# The JSON object runs from the last line that opens with "{" (compiler chatter may precede it).
create_json="$(awk '/^\{/{buf=""; on=1} on{buf=buf $0 "\n"} END{printf "%s", buf}' <<<"$create_out")"
grep -q '"deployedTo"' <<<"$create_json" || fail "forge create printed no JSON with deployedTo: $create_out"
ADDR="$(json_get deployedTo <<<"$create_json")"
TX="$(json_get transactionHash <<<"$create_json")"
DEPLOYER="$(json_get deployer <<<"$create_json")"
[[ "$ADDR" =~ ^0x[0-9a-fA-F]{40}$ ]] || fail "forge create deployedTo is '$ADDR'"
expect_eq "$(lower <<<"$DEPLOYER")" "$("$CAST" wallet address --private-key "$PRIVATE_KEY" | lower)" "deployer"

# The receipt says success and names the same address.
rcpt="$("$CAST" receipt "$TX" "${rpc[@]}" --json)" || fail "cast receipt $TX failed"
expect_eq "$(json_get status <<<"$rcpt")" "0x1" "deploy receipt status"
expect_eq "$(json_get contractAddress <<<"$rcpt" | lower)" "$(lower <<<"$ADDR")" "deploy receipt contractAddress"

# Deployed code equals the runtime bytecode in forge's artifact (compiled by solc-wrapper).
artifact="$PROJ/out/Greeter.sol/Greeter.json"
[ -f "$artifact" ] || fail "forge wrote no artifact at $artifact"
want_code="$(json_get deployedBytecode.object <<<"$(cat "$artifact")" | lower)"
have_code="$("$CAST" code "$ADDR" "${rpc[@]}" | lower)"
[ -n "$want_code" ] && [ "$want_code" != "0x" ] || fail "artifact has no deployedBytecode"
expect_eq "$have_code" "$want_code" "deployed code vs forge artifact deployedBytecode"

# Constructor argument landed.
expect_eq "$("$CAST" call "$ADDR" "greet()(string)" "${rpc[@]}")" '"Hello from forge"' "greet() after forge create"
expect_eq "$("$CAST" call "$ADDR" "count()(uint256)" "${rpc[@]}")" "0" "count() after forge create"

echo "PASS forge: forge create deployed $ADDR on chain $CHAIN_ID, code matches artifact, greet ok (${SECONDS}s, $RPC_URL)"
