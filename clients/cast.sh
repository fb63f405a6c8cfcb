#!/usr/bin/env bash
# cast (Foundry) acceptance test: deploy Greeter, call, send, read the event, see a revert reason.
# Usage: RPC_URL=http://127.0.0.1:8545 [PRIVATE_KEY=0x...] bash clients/cast.sh
# cast comes from the npm package @foundry-rs/cast-<os>-<arch> for this machine (clients/foundry.sh;
# CAST=... overrides it).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=clients/foundry.sh
. "$HERE/foundry.sh"
CAST="${CAST:-$(foundry_bin cast || true)}"
RPC_URL="${RPC_URL:-http://127.0.0.1:8545}"
PRIVATE_KEY="${PRIVATE_KEY:-0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80}"
REVERT_REASON="empty greeting"
export FOUNDRY_DISABLE_NIGHTLY_WARNING=1
# How long cast/forge wait for a sent transaction to be mined (seconds).
export ETH_TIMEOUT="${ETH_TIMEOUT:-${RECEIPT_TIMEOUT:-120}}"
SECONDS=0

fail() { echo "FAIL cast: $*" >&2; exit 1; }
[ -x "$CAST" ] || fail "$(foundry_missing cast "$CAST")"
rpc=(--rpc-url "$RPC_URL")
# Field of a JSON document on stdin, via node (jq is not on every machine). Prints "" if absent.
json_get() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{let v=JSON.parse(s);for(const k of process.argv[1].split("."))v=v==null?v:v[k];process.stdout.write(v==null?"":typeof v==="object"?JSON.stringify(v):String(v))})' "$1"; }
lower() { tr '[:upper:]' '[:lower:]'; }
expect_eq() { [ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"; }

BYTECODE="$(node "$HERE/compile.mjs" --stdout | json_get bytecode)"
[ -n "$BYTECODE" ] || fail "compile.mjs produced no bytecode"
SENDER="$("$CAST" wallet address --private-key "$PRIVATE_KEY")"
CHAIN_ID="$("$CAST" chain-id "${rpc[@]}")" || fail "cannot reach $RPC_URL"
BALANCE="$("$CAST" balance "$SENDER" "${rpc[@]}")"
[ "$BALANCE" != "0" ] || fail "account $SENDER has no balance"

# Deploy with a constructor argument; gas and chain id come from the node.
# (cast's own options go before --create, which takes the rest of the line.)
deploy_json="$("$CAST" send --private-key "$PRIVATE_KEY" "${rpc[@]}" --json \
  --create "$BYTECODE" "constructor(string)" "Hello from cast")" || fail "cast send --create failed"
deploy_tx="$(json_get transactionHash <<<"$deploy_json")"
[ -n "$deploy_tx" ] || fail "cast send --create printed no transactionHash: $deploy_json"

# cast receipt (eth_getTransactionReceipt): status 1 and the contract address.
deploy_rcpt="$("$CAST" receipt "$deploy_tx" "${rpc[@]}" --json)" || fail "cast receipt $deploy_tx failed"
expect_eq "$(json_get status <<<"$deploy_rcpt")" "0x1" "deploy receipt status"
ADDR="$(json_get contractAddress <<<"$deploy_rcpt")"
[[ "$ADDR" =~ ^0x[0-9a-fA-F]{40}$ ]] || fail "deploy receipt contractAddress is '$ADDR'"
ADDR="$("$CAST" to-check-sum-address "$ADDR")"
expect_eq "$("$CAST" receipt "$deploy_tx" contractAddress "${rpc[@]}")" "$ADDR" "cast receipt <tx> contractAddress"
deploy_block="$("$CAST" to-dec "$(json_get blockNumber <<<"$deploy_rcpt")")"
code="$("$CAST" code "$ADDR" "${rpc[@]}")"
[ -n "$code" ] && [ "$code" != "0x" ] || fail "no code at deployed address $ADDR"

# Reads.
expect_eq "$("$CAST" call "$ADDR" "greet()(string)" "${rpc[@]}")" '"Hello from cast"' "greet() after deploy"
expect_eq "$("$CAST" call "$ADDR" "count()(uint256)" "${rpc[@]}")" "0" "count() after deploy"

# Send setGreeting and check its receipt.
set_json="$("$CAST" send "$ADDR" "setGreeting(string)" "Hola from cast" \
  --private-key "$PRIVATE_KEY" "${rpc[@]}" --json)" || fail "cast send setGreeting failed"
set_tx="$(json_get transactionHash <<<"$set_json")"
[ -n "$set_tx" ] || fail "cast send printed no transactionHash: $set_json"
set_rcpt="$("$CAST" receipt "$set_tx" "${rpc[@]}" --json)" || fail "cast receipt $set_tx failed"
expect_eq "$(json_get status <<<"$set_rcpt")" "0x1" "setGreeting receipt status"
set_block="$("$CAST" to-dec "$(json_get blockNumber <<<"$set_rcpt")")"
expect_eq "$("$CAST" call "$ADDR" "greet()(string)" "${rpc[@]}")" '"Hola from cast"' "greet() after setGreeting"
expect_eq "$("$CAST" call "$ADDR" "count()(uint256)" "${rpc[@]}")" "1" "count() after setGreeting"

# The event via eth_getLogs: signature + indexed sender, restricted to the contract address.
TOPIC0="$("$CAST" keccak "GreetingChanged(address,string)")"
logs_json="$("$CAST" logs --address "$ADDR" --from-block "$deploy_block" --to-block "$set_block" \
  "GreetingChanged(address indexed,string)" "$SENDER" "${rpc[@]}" --json)" || fail "cast logs failed"
n_logs="$(json_get length <<<"$logs_json")"
expect_eq "$n_logs" "2" "GreetingChanged logs from cast logs"
expect_eq "$(json_get 1.topics.0 <<<"$logs_json")" "$TOPIC0" "event topic0"
expect_eq "$(json_get 1.topics.1 <<<"$logs_json" | lower)" \
  "$("$CAST" abi-encode 'f(address)' "$SENDER")" "event topic1 (by)"
expect_eq "$(json_get 1.transactionHash <<<"$logs_json")" "$set_tx" "event transactionHash"
expect_eq "$("$CAST" abi-decode "f()(string)" "$(json_get 0.data <<<"$logs_json")")" '"Hello from cast"' "first event greeting"
expect_eq "$("$CAST" abi-decode "f()(string)" "$(json_get 1.data <<<"$logs_json")")" '"Hola from cast"' "second event greeting"
# The same event in the setGreeting receipt.
expect_eq "$(json_get logs.length <<<"$set_rcpt")" "1" "logs in the setGreeting receipt"
expect_eq "$(json_get logs.0.topics.0 <<<"$set_rcpt")" "$TOPIC0" "event topic0 in the setGreeting receipt"
expect_eq "$(json_get logs.0.address <<<"$set_rcpt" | lower)" "$(lower <<<"$ADDR")" "event address in the setGreeting receipt"

# Revert reason: cast call (eth_call) and cast send (eth_estimateGas) of setGreeting("").
if out="$("$CAST" call "$ADDR" "setGreeting(string)" "" --from "$SENDER" "${rpc[@]}" 2>&1)"; then
  fail "cast call setGreeting(\"\") succeeded; expected a revert: $out"
fi
grep -qF "$REVERT_REASON" <<<"$out" || fail "cast call setGreeting(\"\") error lacks '$REVERT_REASON': $out"
if out="$("$CAST" send "$ADDR" "setGreeting(string)" "" --private-key "$PRIVATE_KEY" "${rpc[@]}" 2>&1)"; then
  fail "cast send setGreeting(\"\") succeeded; expected a revert: $out"
fi
grep -qF "$REVERT_REASON" <<<"$out" || fail "cast send setGreeting(\"\") error lacks '$REVERT_REASON': $out"
expect_eq "$("$CAST" call "$ADDR" "greet()(string)" "${rpc[@]}")" '"Hola from cast"' "greet() after reverted calls"

echo "PASS cast: deployed $ADDR on chain $CHAIN_ID, greet/setGreeting/event/revert ok (${SECONDS}s, $RPC_URL)"
