// Solidity reaching Filecoin's built-in actors through the node's Ethereum JSON-RPC, driven by
// ethers v6, on a chain running the network bundle (`--actors hybrid` or `fevm`): the
// contracts of host/tests/contracts call the market, power and miner actors and f099 through
// the `call_actor_id` precompile, and every amount is checked to the atto against what the
// node's Ethereum and Filecoin methods say.
import { strict as assert } from 'node:assert';
import { ethers } from 'ethers';
import { compileContract } from './compile.mjs';

const RPC_URL = process.env.RPC_URL || 'http://127.0.0.1:8545';
const KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
// No response cache: ethers keeps an answer 250 ms, and this node mines faster than that, so
// a cached eth_getTransactionCount would hand a transaction its predecessor's nonce.
const provider = new ethers.JsonRpcProvider(RPC_URL, undefined, { cacheTimeout: -1 });
const wallet = new ethers.Wallet(KEY, provider);
const FIL = 10n ** 18n;

async function filecoin(method, ...params) {
  return provider.send(`Filecoin.${method}`, params);
}

async function deploy(name) {
  const { abi, bytecode } = compileContract(`host/tests/contracts/${name}.sol`, name);
  const contract = await new ethers.ContractFactory(abi, bytecode, wallet).deploy();
  await contract.waitForDeployment();
  return contract;
}

/// An ID address's bytes: protocol 0, then the ID as unsigned LEB128.
function idAddressBytes(id) {
  const bytes = [0];
  let rest = BigInt(id);
  do {
    let byte = Number(rest & 0x7fn);
    rest >>= 7n;
    if (rest) byte |= 0x80;
    bytes.push(byte);
  } while (rest);
  return ethers.hexlify(Uint8Array.from(bytes));
}

async function actorId(address) {
  const f410 = await filecoin('EthAddressToFilecoinAddress', address);
  return BigInt((await filecoin('StateLookupID', f410, null)).slice(2));
}

/// A Filecoin big integer's bytes: empty for zero, else a sign byte and the magnitude.
function bigIntegerBytes(value) {
  if (value === 0n) return '0x';
  return ethers.concat(['0x00', ethers.toBeArray(value)]);
}

/// The CBOR items of `hex` this test meets: unsigned integers, byte strings, arrays, booleans
/// and null.
function cbor(hex) {
  const bytes = ethers.getBytes(hex);
  let at = 0;
  const length = (info) => {
    if (info < 24) return info;
    const size = 1 << (info - 24);
    let value = 0;
    for (let i = 0; i < size; i++) value = value * 256 + bytes[at++];
    return value;
  };
  const item = () => {
    const head = bytes[at++];
    const [major, info] = [head >> 5, head & 31];
    if (major === 0) return BigInt(length(info));
    if (major === 2) {
      const n = length(info);
      const out = bytes.slice(at, at + n);
      at += n;
      return out;
    }
    if (major === 4) return Array.from({ length: length(info) }, item);
    if (head === 0xf4 || head === 0xf5) return head === 0xf5;
    if (head === 0xf6) return null;
    throw new Error(`unexpected CBOR ${head.toString(16)} in ${hex}`);
  };
  return item();
}

function bigIntegerOf(bytes) {
  return bytes.length === 0 ? 0n : BigInt(ethers.hexlify(bytes.slice(1)));
}

// --- The market: escrow added, read and withdrawn.
const market = await deploy('MarketEscrow');
const marketAddress = await market.getAddress();
const me = idAddressBytes(await actorId(marketAddress));
const added = await (await market.addBalance(me, { value: 5n * FIL })).wait();
assert.equal(added.status, 1);
const called = market.interface.parseLog(added.logs[0]);
assert.deepEqual([called.args.method, called.args.exitCode], [822473126n, 0n]);
async function escrow() {
  const [exitCode, ret] = await market.getBalance.staticCall(me);
  assert.equal(exitCode, 0n);
  const [balance, locked] = cbor(ret);
  return [bigIntegerOf(balance), bigIntegerOf(locked)];
}
assert.deepEqual(await escrow(), [5n * FIL, 0n]);
const f410 = await filecoin('EthAddressToFilecoinAddress', marketAddress);
assert.deepEqual(await filecoin('StateMarketBalance', f410, null), {
  Escrow: (5n * FIL).toString(),
  Locked: '0',
});
const amount = 2n * FIL + 123n;
const before = await provider.getBalance(marketAddress);
const withdrawn = await (await market.withdrawBalance(me, bigIntegerBytes(amount))).wait();
assert.equal(withdrawn.status, 1);
assert.equal(await provider.getBalance(marketAddress), before + amount);
assert.deepEqual(await escrow(), [5n * FIL - amount, 0n]);

// --- Power and the genesis storage provider.
const calls = await deploy('FilecoinCalls');
const callsAddress = await calls.getAddress();
const READ_ONLY = 1n;
async function read(actor, method, params = '0x') {
  const [exitCode, ret] = await calls.callActor.staticCall(actor, method, 0n, READ_ONLY, params);
  assert.equal(exitCode, 0n, `method ${method} of f0${actor}`);
  return cbor(ret);
}
assert.equal(await read(4n, 1987646258n), 1n, 'one miner: the genesis storage provider');
const head = await filecoin('ChainHead');
const miner = BigInt(head.Blocks[0].Miner.slice(2));
const [raw, meetsMinimum] = await read(4n, 3753401894n, cborUnsigned(miner));
assert.equal(bigIntegerOf(raw), 0n, 'no sectors, no power');
assert.equal(meetsMinimum, false, 'below the consensus minimum');
// Its owner (an ID address's bytes) is the node's secp256k1 key.
const [owner] = await read(miner, 3275365574n);
assert.equal(owner[0], 0, 'an ID address');
const ownerKey = await filecoin('StateAccountKey', `f0${leb128(owner.slice(1))}`, null);
assert(ownerKey.startsWith('f1'), `the owner is the node's secp256k1 key: ${ownerKey}`);

/// An unsigned integer as CBOR (major type 0).
function cborUnsigned(value) {
  if (value < 24n) return ethers.toBeHex(value, 1);
  for (const [size, head] of [[1, 0x18], [2, 0x19], [4, 0x1a], [8, 0x1b]]) {
    if (value < 1n << BigInt(8 * size)) {
      return ethers.concat([Uint8Array.of(head), ethers.toBeHex(value, size)]);
    }
  }
  throw new Error(`${value} is too large`);
}

/// An unsigned LEB128 number's value (an ID address's payload).
function leb128(bytes) {
  let value = 0n;
  let shift = 0n;
  for (const byte of bytes) {
    value |= BigInt(byte & 0x7f) << shift;
    shift += 7n;
  }
  return value;
}

// --- Burning to f099, as payment contracts burn fees: exactly the value and the gas burnt.
await (await wallet.sendTransaction({ to: callsAddress, value: 2n * FIL })).wait();
const burntAddress = '0xff00000000000000000000000000000000000063';
const burntBefore = await provider.getBalance(burntAddress);
const burn = await (await calls.callActor(99n, 0n, FIL, 0n, '0x')).wait();
assert.equal(burn.status, 1);
const gasBurnt = burn.gasUsed * burn.gasPrice;
assert.equal(await provider.getBalance(burntAddress), burntBefore + FIL + gasBurnt);
assert.equal(await provider.getBalance(callsAddress), FIL);

console.log(`PASS filecoin-solidity: escrow ${ethers.formatEther(5n * FIL - amount)} FIL, miner f0${miner}, owner ${ownerKey}`);
