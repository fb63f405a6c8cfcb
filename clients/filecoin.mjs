// A real Filecoin client (Glif's Lotus RPC client and address library, from npm) reads the
// dev chain on the network bundle (`--actors hybrid` or `fevm`) through the node's
// `Filecoin.*` methods: the head tipset, every singleton actor, the genesis storage provider,
// and a dev account under both its names, checked against the Ethereum methods.
import { strict as assert } from 'node:assert';
import glifRpc from '@glif/filecoin-rpc-client';
import { delegatedFromEthAddress, ethAddressFromDelegated, newFromString } from '@glif/filecoin-address';

const RPC_URL = process.env.RPC_URL || 'http://127.0.0.1:8545';
// A CommonJS module: its default export is under `default`.
const LotusRpcEngine = glifRpc.default ?? glifRpc;
const lotus = new LotusRpcEngine({ apiAddress: RPC_URL });

async function eth(method, ...params) {
  const res = await fetch(RPC_URL, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = await res.json();
  assert(!body.error, `${method}: ${JSON.stringify(body.error)}`);
  return body.result;
}

const version = await lotus.request('Version');
assert(version.Version.startsWith('fvm-devnet/'), JSON.stringify(version));
assert.equal(await lotus.request('StateNetworkName'), 'fvm-devnet');

// The head tipset: one block, at the Ethereum head's height, named by the same hash.
const head = await lotus.request('ChainHead');
const ethHead = await eth('eth_getBlockByNumber', 'latest', false);
assert.equal(head.Height, Number(ethHead.number));
assert.equal(head.Cids.length, 1);
const genesis = await lotus.request('ChainGetTipSetByHeight', 0, null);
assert.equal(genesis.Height, 0);
// A tipset found again by its key.
assert.deepEqual(await lotus.request('ChainGetTipSet', genesis.Cids), genesis);

// Every singleton, as a network has them.
for (const id of [0, 1, 2, 3, 4, 5, 6, 7, 10, 99]) {
  const actor = await lotus.request('StateGetActor', `f0${id}`, null);
  assert(actor && actor.Code['/'] && actor.Head['/'], `f0${id}: ${JSON.stringify(actor)}`);
}
const reward = await lotus.request('StateGetActor', 'f02', head.Cids);
assert(BigInt(reward.Balance) > 0n, 'the reward actor holds the block rewards');

// The genesis storage provider produces the blocks.
const miner = head.Blocks[0].Miner;
assert.equal(newFromString(miner).protocol(), 0, `an ID address: ${miner}`);
const minerActor = await lotus.request('StateGetActor', miner, null);
assert(minerActor, `no miner actor at ${miner}`);

// Dev account 0 under both names: Glif's mapping is the node's.
const account = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
const f410 = delegatedFromEthAddress(account).toString();
assert.equal(await lotus.request('EthAddressToFilecoinAddress', account), f410);
const back = await lotus.request('FilecoinAddressToEthAddress', f410, null);
assert.equal(back.toLowerCase(), account.toLowerCase());
assert.equal(ethAddressFromDelegated(f410).toLowerCase(), account.toLowerCase());
const id = await lotus.request('StateLookupID', f410, null);
assert.equal(await lotus.request('StateAccountKey', id, null), f410);
const balance = BigInt(await lotus.request('WalletBalance', f410));
assert.equal(balance, BigInt(await eth('eth_getBalance', account, 'latest')));
const nonce = await lotus.request('MpoolGetNonce', f410);
assert.equal(nonce, Number(await eth('eth_getTransactionCount', account, 'latest')));
const actor = await lotus.request('StateGetActor', id, null);
assert.equal(actor.DelegatedAddress, f410);
assert.deepEqual(await lotus.request('StateMarketBalance', f410, null), { Escrow: '0', Locked: '0' });
assert.equal(await lotus.request('StateVerifiedClientStatus', f410, null), null);

// Bad input gets Lotus-shaped errors, and the node goes on.
await assert.rejects(lotus.request('StateLookupID', 'not an address', null));
const nobody = delegatedFromEthAddress(`0x${'66'.repeat(20)}`).toString();
await assert.rejects(lotus.request('StateLookupID', nobody, null), /actor not found/);
assert.equal(await lotus.request('StateGetActor', nobody, null), null);

console.log(`PASS glif: head ${head.Height}, storage provider ${miner}, ${f410} = ${id}`);
