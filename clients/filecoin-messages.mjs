// Filecoin-native messages through the node's `Filecoin.*` methods, on a chain running the
// network bundle (`--actors hybrid` or `fevm`), as a Lotus devnet user sends them: messages
// signed by a key of the user's own (Zondax's signing library, which Glif's wallet uses, with
// secp256k1 and BLS keys) and pushed with `MpoolPush`, and messages the node signs with its
// own keys (`MpoolPushMessage`: the verified registry's root key, the storage provider's
// owner). With them the root key makes the user a verifier, the user grants a Solidity
// contract DataCap, the contract spends it (ethers), and the storage provider's owner hands the
// miner to a contract, which names the user beneficiary. Every receipt is read back with
// `StateWaitMsg`, and every amount is checked to the atto.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { ethers } from 'ethers';
import glifRpc from '@glif/filecoin-rpc-client';
import filecoinMessage from '@glif/filecoin-message';
import signer from '@zondax/filecoin-signing-tools';
import {
  FIL, RPC_URL, actorId, addressBytes, bigIntegerBytes, bigIntegerOf, cbor, deploy, encodeCbor,
  filecoin, idAddressBytes, provider, wallet,
} from './filecoin-common.mjs';

const LotusRpcEngine = glifRpc.default ?? glifRpc;
const lotus = new LotusRpcEngine({ apiAddress: RPC_URL });
const { Message, getFEVMHexFromCid } = filecoinMessage;

// The node's keys come from the dev mnemonic at Filecoin's coin type, as it prints them.
const MNEMONIC = 'test test test test test test test test test test test junk';
const nodeKey = (index) => signer.keyDerive(MNEMONIC, `m/44'/461'/0'/0/${index}`, '', 'en');
const root = nodeKey(0);
const owner = nodeKey(1);
// The user's own key, which the node does not hold.
const user = nodeKey(9);
const BASE_FEE = 100n;

// Methods, from builtin-actors v18.
const ADD_VERIFIER = 2n;
const ADD_VERIFIED_CLIENT = 3916220144n;
const DATACAP = 7n;
const DATACAP_BALANCE = 3261979605n;
const TOTAL_SUPPLY = 114981429n;
const NAME = 48890204n;
const SYMBOL = 2061153854n;
const INCREASE_ALLOWANCE = 1777121560n;
const ALLOWANCE = 4205072950n;
const TRANSFER = 80475954n;
const TRANSFER_FROM = 3621052141n;
const CHANGE_OWNER_ADDRESS = 23n;
const CHANGE_OWNER_ADDRESS_EXPORTED = 1010589339n;
const GET_BENEFICIARY = 4158972569n;
const CHANGE_BENEFICIARY_EXPORTED = 1570634796n;
const CHANGE_BENEFICIARY = 30n;
const UNITS_PER_BYTE = 10n ** 18n;
const MIB = 1n << 20n;
const DAY = 2880n;

const base64 = (hex) => Buffer.from(ethers.getBytes(hex)).toString('base64');

/// Sends `message` from one of the node's keys (`MpoolPushMessage`) and waits for its receipt.
async function nodeSends(message) {
  const signed = await lotus.request('MpoolPushMessage', message, null);
  assert.equal(signed.Message.From, message.From);
  return [signed, await succeeded(signed.CID)];
}

/// Builds, estimates and signs `message` from `key` with Glif's and Zondax's libraries, pushes
/// it (`MpoolPush`) and waits for its receipt.
async function userSends(key, message) {
  const nonce = await lotus.request('MpoolGetNonce', key.address);
  const draft = new Message({ ...message, from: key.address, nonce }).toLotusType();
  const estimated = await lotus.request('GasEstimateMessageGas', draft, null, null);
  const { GasLimit, GasFeeCap, GasPremium } = estimated;
  const filled = Message.fromLotusType({ ...draft, GasLimit, GasFeeCap, GasPremium }).toLotusType();
  const signed = signer.transactionSignLotus(filled, key.private_base64);
  const cid = await lotus.request('MpoolPush', signed);
  // Lotus names a BLS message by its unsigned message's CID (blocks aggregate BLS signatures).
  const named = signed.Signature.Type === 2 ? signer.getCid(signed.Message) : signer.getCid(signed);
  assert.equal(cid['/'], named, 'the node names the message as Lotus does');
  return [filled, await succeeded(cid)];
}

async function succeeded(cid) {
  const found = await lotus.request('StateWaitMsg', cid, 1, -1, true);
  assert.equal(found.Message['/'], cid['/']);
  assert.equal(found.Receipt.ExitCode, 0, `message ${cid['/']}: ${JSON.stringify(found.Receipt)}`);
  return found;
}

const balance = async (address) => BigInt(await lotus.request('WalletBalance', address));

// --- The root key (the node signs) funds the user's new f1 account.
const [funding, funded] = await nodeSends({
  To: user.address, From: root.address, Value: (100n * FIL).toString(), Method: 0, Params: null,
});
assert.equal(await balance(user.address), 100n * FIL);
// Ethereum tools see the native message as Lotus shows it: the CID's digest as its hash.
const hash = getFEVMHexFromCid(funded.Message['/']);
const tx = await provider.getTransaction(hash);
assert.equal(tx.value, 100n * FIL);
assert.equal(tx.nonce, funding.Message.Nonce);
assert.equal(tx.from.toLowerCase(), ethers.toBeHex((0xffn << 152n) | await idOf(root.address), 20));
assert.equal(tx.to.toLowerCase(), ethers.toBeHex((0xffn << 152n) | await idOf(user.address), 20));
assert.equal(tx.data.slice(0, 10), '0x868e10c4', 'handle_filecoin_method(method 0, no params)');
const ethReceipt = await provider.getTransactionReceipt(hash);
assert.equal(ethReceipt.status, 1);
assert.equal(ethReceipt.blockNumber, funded.Height);
assert.deepEqual(await lotus.request('ChainGetMessage', funded.Message), funding.Message);

async function idOf(address) {
  return BigInt((await lotus.request('StateLookupID', address, null)).slice(2));
}

// --- The user signs (secp256k1) a transfer to a dev account's f410 address.
const devAccount = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const devF410 = await filecoin('EthAddressToFilecoinAddress', devAccount);
const devBefore = await provider.getBalance(devAccount);
const [sent, receipt] = await userSends(user, { to: devF410, value: (FIL + 7n).toString(), method: 0, params: '' });
assert.equal(await provider.getBalance(devAccount), devBefore + FIL + 7n);
// The estimate keeps the fee at the base fee on the gas used: nothing is burnt for
// over-estimation, and there is no tip.
assert.equal(await balance(user.address), 99n * FIL - 7n - BigInt(receipt.Receipt.GasUsed) * BASE_FEE);
assert.equal(sent.GasPremium, '0');

// --- A BLS key of the user's: funded by the root key, then signing a message of its own.
const bls = signer.keyRecoverBLS(blsSecret(), false);
assert(bls.address.startsWith('f3'), bls.address);
await nodeSends({ To: bls.address, From: root.address, Value: (3n * FIL).toString(), Method: 0, Params: null });
const burntBefore = await balance('f099');
const [, blsSent] = await userSends(bls, { to: 'f099', value: FIL.toString(), method: 0, params: '' });
// f099 gets the FIL and the base fee on the gas used.
assert.equal(await balance('f099'), burntBefore + FIL + BigInt(blsSent.Receipt.GasUsed) * BASE_FEE);

/// A BLS secret key: 32 random bytes, little-endian, below the curve's order.
function blsSecret() {
  const bytes = randomBytes(32);
  bytes[31] &= 0x3f;
  return bytes.toString('base64');
}

// --- DataCap: the root key makes the user a verifier, the user grants a contract 16 MiB.
const calls = await deploy('FilecoinCalls');
const callsAddress = await calls.getAddress();
const contractId = await actorId(callsAddress);
const userId = await idOf(user.address);
await nodeSends({
  To: 'f06', From: root.address, Value: '0', Method: Number(ADD_VERIFIER),
  Params: base64(encodeCbor([addressBytes(user.address), bigIntegerBytes(64n * MIB)])),
});
await userSends(user, {
  to: 'f06', value: '0', method: Number(ADD_VERIFIED_CLIENT),
  params: base64(encodeCbor([idAddressBytes(contractId), bigIntegerBytes(16n * MIB)])),
});
const contractF410 = await filecoin('EthAddressToFilecoinAddress', callsAddress);
assert.equal(await lotus.request('StateVerifiedClientStatus', contractF410, null), (16n * MIB).toString());

// The contract uses its DataCap as the FRC-46 token it is.
const READ_ONLY = 1n;
async function read(actor, method, params = '0x') {
  const [exitCode, ret] = await calls.callActor.staticCall(actor, method, 0n, READ_ONLY, params);
  assert.equal(exitCode, 0n, `method ${method} of f0${actor}`);
  return cbor(ret);
}
/// What the contract's call answers (run first as a call), then the call mined.
async function send(actor, method, params) {
  const [exitCode, ret] = await calls.callActor.staticCall(actor, method, 0n, 0n, params);
  assert.equal(exitCode, 0n, `method ${method} of f0${actor}`);
  const mined = await (await calls.callActor(actor, method, 0n, 0n, params)).wait();
  assert.equal(mined.status, 1);
  return ret === '0x' ? null : cbor(ret);
}
const tokens = (bytes) => bytes * UNITS_PER_BYTE;
assert.equal(await read(DATACAP, NAME), 'DataCap');
assert.equal(await read(DATACAP, SYMBOL), 'DCAP');
assert.equal(bigIntegerOf(await read(DATACAP, TOTAL_SUPPLY)), tokens(16n * MIB));
const contractBalance = async () => bigIntegerOf(await read(DATACAP, DATACAP_BALANCE, encodeCbor(idAddressBytes(contractId))));
assert.equal(await contractBalance(), tokens(16n * MIB));
// An allowance for the user, read back.
const allowance = await send(DATACAP, INCREASE_ALLOWANCE, encodeCbor([idAddressBytes(userId), bigIntegerBytes(tokens(2n * MIB))]));
assert.equal(bigIntegerOf(allowance), tokens(2n * MIB));
const allowanceOf = async () => bigIntegerOf(await read(DATACAP, ALLOWANCE, encodeCbor([idAddressBytes(contractId), idAddressBytes(userId)])));
assert.equal(await allowanceOf(), tokens(2n * MIB));
// 4 MiB to the registry (Transfer), an allocation with the storage provider.
const provider_ = BigInt((await lotus.request('ChainHead')).Blocks[0].Miner.slice(2));
const allocation = (size) => encodeCbor([[[provider_, { cid: pieceCid() }, size, 180n * DAY, 540n * DAY, 30n * DAY]], []]);
const [fromBalance, toBalance] = await send(DATACAP, TRANSFER, encodeCbor([idAddressBytes(6n), bigIntegerBytes(tokens(4n * MIB)), allocation(4n * MIB)]));
assert.equal(bigIntegerOf(fromBalance), tokens(12n * MIB));
assert.equal(bigIntegerOf(toBalance), tokens(4n * MIB));
// 1 MiB more by the user, as the contract's operator (TransferFrom, a native message).
await userSends(user, {
  to: 'f07', value: '0', method: Number(TRANSFER_FROM),
  params: base64(encodeCbor([idAddressBytes(contractId), idAddressBytes(6n), bigIntegerBytes(tokens(MIB)), allocation(MIB)])),
});
assert.equal(await contractBalance(), tokens(11n * MIB));
assert.equal(await allowanceOf(), tokens(MIB));
assert.equal(await lotus.request('StateVerifiedClientStatus', contractF410, null), (11n * MIB).toString());

/// A piece CID (fil-commitment-unsealed, sha2-256-trunc254-padded) of 32 bytes of 7.
function pieceCid() {
  return ethers.concat(['0x01', Uint8Array.of(0x81, 0xe2, 0x03), Uint8Array.of(0x92, 0x20, 0x20), new Uint8Array(32).fill(7)]);
}

// --- The storage provider's owner hands the miner to a contract (a staking pool's first
// step), which names the user beneficiary with a quota; the user accepts.
const miner = `f0${provider_}`;
const before = await lotus.request('StateMinerInfo', miner, null);
assert.equal(await lotus.request('StateAccountKey', before.Owner, null), owner.address);
await nodeSends({
  To: miner, From: owner.address, Value: '0', Method: Number(CHANGE_OWNER_ADDRESS),
  Params: base64(encodeCbor(idAddressBytes(contractId))),
});
assert.equal((await lotus.request('StateMinerInfo', miner, null)).PendingOwnerAddress, `f0${contractId}`);
await send(provider_, CHANGE_OWNER_ADDRESS_EXPORTED, encodeCbor(idAddressBytes(contractId)));
const taken = await lotus.request('StateMinerInfo', miner, null);
assert.equal(taken.Owner, `f0${contractId}`);
assert.equal(taken.PendingOwnerAddress, null);
assert.equal(taken.Beneficiary, `f0${contractId}`, 'the beneficiary follows the owner');
const terms = [idAddressBytes(userId), bigIntegerBytes(10n * FIL), 1_000_000n];
await send(provider_, CHANGE_BENEFICIARY_EXPORTED, encodeCbor(terms));
const proposed = await lotus.request('StateMinerInfo', miner, null);
assert.deepEqual(proposed.PendingBeneficiaryTerm, {
  NewBeneficiary: `f0${userId}`, NewQuota: (10n * FIL).toString(), NewExpiration: 1_000_000,
  // The current beneficiary is the owner proposing: its approval is given.
  ApprovedByBeneficiary: true, ApprovedByNominee: false,
});
await userSends(user, { to: miner, value: '0', method: Number(CHANGE_BENEFICIARY), params: base64(encodeCbor(terms)) });
const changed = await lotus.request('StateMinerInfo', miner, null);
assert.equal(changed.Beneficiary, `f0${userId}`);
assert.deepEqual(changed.BeneficiaryTerm, { Quota: (10n * FIL).toString(), UsedQuota: '0', Expiration: 1_000_000 });
assert.equal(changed.PendingBeneficiaryTerm, null);
const [active] = await read(provider_, GET_BENEFICIARY);
assert.equal(ethers.hexlify(active[0]), idAddressBytes(userId), 'the contract reads the same beneficiary');

// --- StateCall runs a message without sending it.
const call = await lotus.request('StateCall', {
  To: 'f07', From: user.address, Value: '0', Method: Number(DATACAP_BALANCE),
  Params: base64(encodeCbor(idAddressBytes(contractId))),
}, null);
assert.equal(call.MsgRct.ExitCode, 0, call.Error);
assert.equal(bigIntegerOf(cbor(base64ToHex(call.MsgRct.Return))), tokens(11n * MIB));

function base64ToHex(text) {
  return ethers.hexlify(Buffer.from(text, 'base64'));
}

// --- Bad messages get clear errors, and the node goes on.
const forged = signer.transactionSignLotus(
  Message.fromLotusType({ ...sent, Nonce: sent.Nonce + 5 }).toLotusType(), root.private_base64,
);
await assert.rejects(lotus.request('MpoolPush', forged), /signature verification failed/);
await assert.rejects(
  lotus.request('MpoolPushMessage', { To: 'f099', From: user.address, Value: '1', Method: 0 }, null),
  /no key for/,
);
const stale = signer.transactionSignLotus(sent, user.private_base64);
await assert.rejects(lotus.request('MpoolPush', stale), /already known|nonce too low/);
assert.equal(await lotus.request('StateSearchMsg', [], { '/': 'bafy2bzaceaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' }, -1, true), null);

console.log(`PASS filecoin-messages: verifier ${user.address}, client f0${contractId} holds ${11n * MIB} bytes, miner ${miner} owned by f0${contractId}`);
