// Shared bits of the JavaScript client tests: configuration from the environment,
// the compiled Greeter artifact, and assertions that fail loudly.
import { compileGreeter } from './compile.mjs';

// anvil's (and our node's) dev account 0: first key of "test test test ... junk".
export const DEFAULT_PRIVATE_KEY =
  '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

export const RPC_URL = process.env.RPC_URL || 'http://127.0.0.1:8545';
export const PRIVATE_KEY = process.env.PRIVATE_KEY || DEFAULT_PRIVATE_KEY;
export const REVERT_REASON = 'empty greeting';
// How long to wait for a transaction to be mined, and for any single RPC request.
export const RECEIPT_TIMEOUT_MS = 1000 * Number(process.env.RECEIPT_TIMEOUT || 120);
export const REQUEST_TIMEOUT_MS = 60_000;

// eth_chainId straight from the node, with a timeout, so that a dead endpoint fails fast
// (ethers' provider would otherwise retry network detection forever).
export async function fetchChainId() {
  let res;
  try {
    res = await fetch(RPC_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (e) {
    throw new CheckError(`cannot reach ${RPC_URL}: ${e.cause?.message || e.message}`);
  }
  const body = await res.json().catch(() => null);
  if (!body || typeof body.result !== 'string') {
    throw new CheckError(`eth_chainId: bad answer from ${RPC_URL}: HTTP ${res.status} ${JSON.stringify(body)}`);
  }
  return BigInt(body.result);
}

export function loadGreeter() {
  return compileGreeter();
}

export class CheckError extends Error {}

export function check(cond, what) {
  if (!cond) throw new CheckError(what);
}

export function checkEq(actual, expected, what) {
  const show = (v) => (typeof v === 'bigint' ? `${v}n` : JSON.stringify(v));
  if (actual !== expected) {
    throw new CheckError(`${what}: expected ${show(expected)}, got ${show(actual)}`);
  }
}

// Runs an async check that must throw; returns the error so the caller can inspect it.
export async function expectError(fn, what) {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  throw new CheckError(`${what}: expected an error, but the call succeeded`);
}

// Runs main(), prints one summary line on success, exits non-zero with the reason otherwise.
export async function run(name, main) {
  const started = Date.now();
  try {
    const summary = await main();
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`PASS ${name}: ${summary} (${secs}s, ${RPC_URL})`);
  } catch (e) {
    if (e instanceof CheckError) {
      console.error(`FAIL ${name}: ${e.message}`);
    } else {
      console.error(`FAIL ${name}: unexpected error against ${RPC_URL}`);
      console.error(e);
    }
    process.exit(1);
  }
}
