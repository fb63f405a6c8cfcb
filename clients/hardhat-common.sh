# shellcheck shell=bash
# Sourced by hardhat.sh and hardhat3.sh, which define `fail` and $RPC_URL first.

# npm ci in DIR when DIR/node_modules is missing or was installed from another
# package-lock.json (a stamp file holds the lock's SHA-256).
npm_ci_if_changed() {
  local dir="$1" label="$2" lock_hash stamp
  lock_hash="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  stamp="$dir/node_modules/.installed-lock-sha256"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
    echo "$label: npm ci in $dir (Node $(node --version))" >&2
    (cd "$dir" && npm ci --no-audit --no-fund >&2) || fail "npm ci in $dir failed"
    echo "$lock_hash" >"$stamp"
  fi
}

# A dead endpoint fails here within seconds rather than in every test.
require_reachable() {
  node -e '
    fetch(process.env.RPC_URL, { method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(10000) })
    .then((r) => r.json()).then((b) => { if (typeof b.result !== "string") throw new Error(JSON.stringify(b)); })
    .catch((e) => { console.error(e.cause?.message || e.message); process.exit(1); });
  ' || fail "cannot reach $RPC_URL (eth_chainId)"
}

# Runs `npx hardhat ARGS...` in DIR and prints `PASS LABEL: N tests`, or fails with mocha's
# counts: any failing test, no passing one or a non-zero exit is a failure.
run_hardhat_tests() {
  local label="$1" dir="$2" log status passing failing
  shift 2
  log="$(mktemp)"
  set +e
  (cd "$dir" && npx --no-install hardhat "$@") 2>&1 | tee "$log"
  status="${PIPESTATUS[0]}"
  set -e
  passing="$(sed -n 's/^ *\([0-9][0-9]*\) passing.*/\1/p' "$log" | tail -1)"
  failing="$(sed -n 's/^ *\([0-9][0-9]*\) failing.*/\1/p' "$log" | tail -1)"
  rm -f "$log"
  if [ "$status" -ne 0 ] || [ -n "$failing" ] || [ -z "$passing" ]; then
    fail "${failing:-?} failing, ${passing:-0} passing (exit $status; ${SECONDS}s, $RPC_URL)"
  fi
  echo "PASS $label: $passing tests (${SECONDS}s, $RPC_URL)"
}
