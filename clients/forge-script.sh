#!/usr/bin/env bash
# forge script and cast against the node's transaction pool:
# - `forge script --broadcast --skip-simulation` runs clients/contracts/DeployGreeters.s.sol:
#   a deploy through the CREATE2 deployer (0x4e59b448...), a plain deploy and a call to each,
#   sent without waiting for one another. --skip-simulation is what works on the FVM: forge's
#   own simulation prices transactions in EVM gas, and the FVM needs millions more; skipped, it
#   asks the node (eth_estimateGas) for each transaction's gas.
# - `cast send --async` with a future nonce waits queued and is mined once the gap fills; a
#   transaction with the same nonce and a 10% higher fee replaces a waiting one.
# Usage: RPC_URL=http://127.0.0.1:8545 [PRIVATE_KEY=0x...] bash clients/forge-script.sh
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=clients/foundry.sh
. "$HERE/foundry.sh"
FORGE="${FORGE:-$(foundry_bin forge || true)}"
CAST="${CAST:-$(foundry_bin cast || true)}"
SOLC="$HERE/solc-wrapper"
RPC_URL="${RPC_URL:-http://127.0.0.1:8545}"
# Dev account 7 of the test mnemonic: a sender the other client tests leave alone.
PRIVATE_KEY="${SCRIPT_PRIVATE_KEY:-0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356}"
export FOUNDRY_DISABLE_NIGHTLY_WARNING=1
export ETH_TIMEOUT="${ETH_TIMEOUT:-${RECEIPT_TIMEOUT:-120}}"
SECONDS=0

fail() { echo "FAIL forge-script: $*" >&2; exit 1; }
[ -x "$FORGE" ] || fail "$(foundry_missing forge "$FORGE")"
[ -x "$CAST" ] || fail "$(foundry_missing cast "$CAST")"
rpc=(--rpc-url "$RPC_URL")
expect_eq() { [ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"; }
lower() { tr '[:upper:]' '[:lower:]'; }
rpc_call() { "$CAST" rpc "${rpc[@]}" "$@"; }
json_get() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{let v=JSON.parse(s);for(const k of process.argv[1].split("."))v=v==null?v:v[k];process.stdout.write(v==null?"":typeof v==="object"?JSON.stringify(v):String(v))})' "$1"; }

PROJ="$(mktemp -d "${TMPDIR:-/tmp}/fvm-forge-script-XXXXXX")"
trap 'rm -rf "$PROJ"' EXIT
mkdir -p "$PROJ/src" "$PROJ/script"
cp "$HERE/contracts/Greeter.sol" "$PROJ/src/Greeter.sol"
cp "$HERE/contracts/DeployGreeters.s.sol" "$PROJ/script/DeployGreeters.s.sol"
cat >"$PROJ/foundry.toml" <<TOML
[profile.default]
src = "src"
script = "script"
out = "out"
libs = []
cache_path = "cache"
evm_version = "cancun"
offline = true
auto_detect_solc = false
solc = "$SOLC"
TOML

SENDER="$("$CAST" wallet address --private-key "$PRIVATE_KEY")"
[ -n "$(rpc_call eth_getCode 0x4e59b44847b379578588920ca78fbf26c0b4956c latest | tr -d '"0x')" ] ||
  fail "no CREATE2 deployer at 0x4e59b44847b379578588920ca78fbf26c0b4956c"

# forge script: four transactions in flight at once.
out="$(cd "$PROJ" && "$FORGE" script script/DeployGreeters.s.sol:DeployGreeters --root "$PROJ" \
  --offline --private-key "$PRIVATE_KEY" "${rpc[@]}" --broadcast --skip-simulation --json 2>&1)" ||
  fail "forge script --broadcast failed: $out"
run="$(ls "$PROJ"/broadcast/DeployGreeters.s.sol/*/run-latest.json)" || fail "forge wrote no broadcast log: $out"
log="$(cat "$run")"
count="$(node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1]));console.log(r.receipts.filter(x=>x.status==="0x1").length+"/"+r.transactions.length)' "$run")"
expect_eq "$count" "4/4" "successful receipts of the script's transactions"
SALTED="$(json_get transactions.0.contractAddress <<<"$log")"
PLAIN="$(json_get transactions.2.contractAddress <<<"$log")"
# The salted one is where CREATE2 from the deployer puts it.
initcode="$(node -e 'const a=JSON.parse(require("fs").readFileSync(process.argv[1]));process.stdout.write(a.bytecode.object)' "$PROJ/out/Greeter.sol/Greeter.json")$("$CAST" abi-encode "constructor(string)" salted | sed 's/^0x//')"
want="$("$CAST" compute-address 0x4e59b44847b379578588920ca78fbf26c0b4956c --salt 0x0000000000000000000000000000000000000000000000000000000000000001 --init-code "$initcode" | sed 's/.*: //')"
expect_eq "$(lower <<<"$SALTED")" "$(lower <<<"$want")" "CREATE2 address of the salted Greeter"
expect_eq "$("$CAST" call "$SALTED" "greet()(string)" "${rpc[@]}")" '"set by the script"' "salted greet()"
expect_eq "$("$CAST" call "$PLAIN" "greet()(string)" "${rpc[@]}")" '"also set by the script"' "plain greet()"

# cast send with a future nonce: queued until the gap fills.
nonce="$("$CAST" nonce "$SENDER" "${rpc[@]}")"
to=0x00000000000000000000000000000000000f11ec
base_fee="$("$CAST" base-fee "${rpc[@]}")"
later="$("$CAST" send --async --nonce $((nonce + 1)) --private-key "$PRIVATE_KEY" "${rpc[@]}" "$to" --value 1 --gas-price $((base_fee * 10)) --priority-gas-price "$base_fee")" ||
  fail "cast send with nonce $((nonce + 1)) was refused"
expect_eq "$(rpc_call txpool_status | json_get queued)" "0x1" "txpool_status.queued after a future nonce"
# A 10% higher fee replaces the waiting one.
replacement="$("$CAST" send --async --nonce $((nonce + 1)) --private-key "$PRIVATE_KEY" "${rpc[@]}" "$to" --value 2 --gas-price $((base_fee * 11)) --priority-gas-price $((base_fee * 11 / 10)))" ||
  fail "the replacement by fee was refused"
"$CAST" send --nonce "$nonce" --private-key "$PRIVATE_KEY" "${rpc[@]}" "$to" --value 4 >/dev/null ||
  fail "cast send with the next nonce failed"
expect_eq "$("$CAST" receipt "$replacement" --json "${rpc[@]}" | json_get status)" "0x1" "the replacement's receipt status"
expect_eq "$(rpc_call eth_getTransactionReceipt "$later")" "null" "the replaced transaction's receipt"
expect_eq "$("$CAST" balance "$to" "${rpc[@]}")" "6" "balance after the gap filled"
expect_eq "$(rpc_call txpool_status | json_get queued)" "0x0" "txpool_status.queued at the end"

echo "PASS forge-script: forge script deployed $SALTED (CREATE2) and $PLAIN, 4 transactions in flight; a future nonce waited and its replacement by fee was mined (${SECONDS}s, $RPC_URL)"
