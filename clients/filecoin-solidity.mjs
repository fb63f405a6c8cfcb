// Solidity reaching Filecoin's built-in actors through the node's Ethereum JSON-RPC, driven by
// ethers v6, on a chain running the network bundle (`--actors hybrid` or `fevm`): the
// contracts of host/tests/contracts call the market, power and miner actors and f099 through
// the `call_actor_id` precompile, and every amount is checked to the atto against what the
// node's Ethereum and Filecoin methods say.
import { strict as assert } from 'node:assert';
import { ethers } from 'ethers';
import {
  FIL, actorId, bigIntegerBytes, bigIntegerOf, cbor, cborUnsigned, deploy, filecoin, idAddressBytes,
  leb128, provider, wallet,
} from './filecoin-common.mjs';

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
