// Shared bits of the Filecoin client tests (filecoin-solidity.mjs, filecoin-messages.mjs): the
// ethers connection, the node's Filecoin methods, and the CBOR and address encodings the
// built-in actors take, written out here so that the tests check the node's answers against
// an encoding of their own.
import { ethers } from 'ethers';
import { newFromString } from '@glif/filecoin-address';
import { compileContract } from './compile.mjs';

export const RPC_URL = process.env.RPC_URL || 'http://127.0.0.1:8545';
// Dev account 0 of "test test ... junk", which the node funds.
export const KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
// No response cache: ethers keeps an answer 250 ms, and this node mines faster than that, so
// a cached eth_getTransactionCount would hand a transaction its predecessor's nonce.
export const provider = new ethers.JsonRpcProvider(RPC_URL, undefined, { cacheTimeout: -1 });
export const wallet = new ethers.Wallet(KEY, provider);
export const FIL = 10n ** 18n;

export async function filecoin(method, ...params) {
  return provider.send(`Filecoin.${method}`, params);
}

export async function deploy(name) {
  const { abi, bytecode } = compileContract(`host/tests/contracts/${name}.sol`, name);
  const contract = await new ethers.ContractFactory(abi, bytecode, wallet).deploy();
  await contract.waitForDeployment();
  return contract;
}

/// Unsigned LEB128, as addresses and CIDs write their numbers.
export function leb128Bytes(value) {
  const bytes = [];
  let rest = BigInt(value);
  do {
    let byte = Number(rest & 0x7fn);
    rest >>= 7n;
    if (rest) byte |= 0x80;
    bytes.push(byte);
  } while (rest);
  return bytes;
}

/// An ID address's bytes: protocol 0, then the ID as unsigned LEB128.
export function idAddressBytes(id) {
  return ethers.hexlify(Uint8Array.from([0, ...leb128Bytes(id)]));
}

/// Any address's bytes (f0, f1, f3, f410), from its string.
export function addressBytes(address) {
  return ethers.hexlify(newFromString(address).bytes);
}

/// The ID of the actor at an Ethereum address.
export async function actorId(address) {
  const f410 = await filecoin('EthAddressToFilecoinAddress', address);
  return BigInt((await filecoin('StateLookupID', f410, null)).slice(2));
}

/// A Filecoin big integer's bytes: empty for zero, else a sign byte and the magnitude.
export function bigIntegerBytes(value) {
  if (value === 0n) return '0x';
  return ethers.concat(['0x00', ethers.toBeArray(value)]);
}

export function bigIntegerOf(bytes) {
  return bytes.length === 0 ? 0n : BigInt(ethers.hexlify(bytes.slice(1)));
}

/// A CBOR item's head: its major type and its number (a length or an unsigned integer).
function cborHead(major, value) {
  const n = BigInt(value);
  if (n < 24n) return Uint8Array.of((major << 5) | Number(n));
  for (const [size, info] of [[1, 24], [2, 25], [4, 26], [8, 27]]) {
    if (n < 1n << BigInt(8 * size)) {
      return ethers.getBytes(ethers.concat([Uint8Array.of((major << 5) | info), ethers.toBeHex(n, size)]));
    }
  }
  throw new Error(`${value} is too large`);
}

/// CBOR of `value`: a BigInt is an unsigned integer, a hex string or Uint8Array a byte string,
/// an array an array, `{ cid: bytes }` a CID (tag 42), and null, true and false themselves.
export function encodeCbor(value) {
  if (typeof value === 'bigint') return ethers.hexlify(cborHead(0, value));
  if (value === null) return '0xf6';
  if (value === true) return '0xf5';
  if (value === false) return '0xf4';
  if (Array.isArray(value)) return ethers.concat([cborHead(4, value.length), ...value.map(encodeCbor)]);
  if (value.cid) {
    const bytes = ethers.getBytes(ethers.concat(['0x00', value.cid]));
    return ethers.concat(['0xd82a', cborHead(2, bytes.length), bytes]);
  }
  const bytes = ethers.getBytes(value);
  return ethers.concat([cborHead(2, bytes.length), bytes]);
}

/// The CBOR items of `hex` these tests meet: unsigned integers, byte strings, text, arrays,
/// booleans and null.
export function cbor(hex) {
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
    if (major === 2 || major === 3) {
      const n = length(info);
      const out = bytes.slice(at, at + n);
      at += n;
      return major === 2 ? out : new TextDecoder().decode(out);
    }
    if (major === 4) return Array.from({ length: length(info) }, item);
    if (head === 0xf4 || head === 0xf5) return head === 0xf5;
    if (head === 0xf6) return null;
    throw new Error(`unexpected CBOR ${head.toString(16)} in ${hex}`);
  };
  return item();
}

/// An unsigned integer as CBOR (major type 0).
export function cborUnsigned(value) {
  return encodeCbor(BigInt(value));
}

/// An unsigned LEB128 number's value (an ID address's payload).
export function leb128(bytes) {
  let value = 0n;
  let shift = 0n;
  for (const byte of bytes) {
    value |= BigInt(byte & 0x7f) << shift;
    shift += 7n;
  }
  return value;
}
