//! What the fevm mode adds to the generator: what only Filecoin's machines model, so that our
//! actor is compared with the production one there too (revm cannot model any of it).
//!
//! * opcodes the revm mode leaves out that answer the same on every run of a case: `CLZ`, the
//!   block's values (`BLOCKHASH`, `COINBASE`, `PREVRANDAO`, `GASLIMIT`, `BASEFEE`, `GASPRICE`);
//!   `GAS` stays out (each actor burns its own gas); and, rarely, opcodes FEVM leaves undefined
//!   (the blob opcodes, unassigned ones);
//! * `SELFDESTRUCT` to any beneficiary (itself too), and a second transaction, which can
//!   resurrect what the first destroyed (CREATE2 to the same address);
//! * `CALLCODE`, which FEVM treats as an invalid instruction;
//! * `RETURN`/`REVERT` of around 1 MiB, the FVM's block limit;
//! * value sent to precompiles; calls to, and `BALANCE`/`EXTCODE*` of, the precompiles and the
//!   reserved addresses (`0x00..0a`, `0x00..0b..=11`, `0x00..0100`, `0xfe00..00..07`), and of
//!   actors by masked ID address (`0xff00..`), singletons and missing ones included;
//! * the BLS12-381, P256 and Ethereum precompiles on go-ethereum's vectors, as they are or with
//!   a byte flipped, cut or added;
//! * Filecoin's precompiles: `resolve_address`, `lookup_delegated_address`, `call_actor`,
//!   `call_actor_id` (ABI-encoded, valid and not) and `get_randomness`.
//!
//! Calls still only go forward (to later contracts, children, placeholders, singletons), so no
//! program recurses: a contract's own address is used only as a beneficiary.
//!
//! Where ours differs from FEVM on purpose, the generator leaves the trigger out unless it is
//! `deliberate` (the cases and reasons are `fevm::DELIBERATE`): modexp with a length of
//! hundreds of megabytes, where FEVM's allocation runs out of wasm memory and traps the
//! message (SYS_ILLEGAL_INSTRUCTION) and ours fails the call. So modexp's vectors are left
//! undamaged.

use crate::program::{accounts, Generator, Target, Unit};
use alloy_primitives::{Address, Bytes, U256};
use rand::{seq::IndexedRandom, Rng};

/// How often a unit is one of the extras, and a target one of the extra targets.
pub(crate) const EXTRA_UNITS: f64 = 0.25;
pub(crate) const EXTRA_TARGETS: f64 = 0.3;

/// Opcodes with the same answer on every run of a case on either actor: (op, inputs, outputs).
const FILECOIN_STACK_OPS: &[(u8, usize, usize)] = &[
    (0x1e, 1, 1), // CLZ
    (0x3a, 0, 1), // GASPRICE
    (0x41, 0, 1), // COINBASE
    (0x44, 0, 1), // PREVRANDAO
    (0x45, 0, 1), // GASLIMIT
    (0x48, 0, 1), // BASEFEE
];

/// Opcodes FEVM leaves undefined (they end the contract, so they come rarely).
const UNDEFINED_OPS: &[u8] = &[
    0x49, // BLOBHASH
    0x4a, // BLOBBASEFEE
    0x0c, 0x21, 0x4b, 0xef, // never assigned
];

/// The FVM's largest block (and so the largest return or revert data, CBOR header included).
const MAX_BLOCK: u32 = 1 << 20;

/// `InvokeEVM`, the EVM actor's method that runs a contract.
const INVOKE_CONTRACT: u64 = 3_844_450_837;

/// The first actor ID after the singletons, the caller's.
const CALLER_ID: u64 = 100;

impl<R: Rng> Generator<'_, R> {
    /// One of the extras (for a contract when `index` is given, else for a created child,
    /// which calls nothing).
    pub(crate) fn extra_unit(
        &mut self,
        units: &mut Vec<Unit>,
        depth: &mut usize,
        index: Option<usize>,
    ) {
        match self.rng.random_range(0..20) {
            6 => units.push(Unit::SelfDestruct {
                beneficiary: self.beneficiary(index),
            }),
            7 => units.push(self.big_halt()),
            8..=12 if index.is_some() => {
                units.push(self.vector_call());
                *depth += 1;
            }
            13..=18 if index.is_some() => {
                units.push(self.filecoin_precompile_call(index));
                *depth += 1;
            }
            // CALLCODE ends the contract on either actor: rarely, or little else would run.
            19 if index.is_some() && self.rng.random_bool(0.2) => {
                let mut call = self.call(index);
                if let Unit::Call { op, .. } = &mut call {
                    *op = 0xf2; // CALLCODE
                }
                units.push(call);
                *depth += 1;
            }
            _ => self.block_op(units, depth),
        }
    }

    /// An opcode the revm mode leaves out, fed from the stack (BLOCKHASH gets a recent block).
    fn block_op(&mut self, units: &mut Vec<Unit>, depth: &mut usize) {
        match self.rng.random_range(0..20) {
            0..=2 => {
                let block = accounts::BLOCK_NUMBER - self.rng.random_range(0..=3u64);
                units.push(Unit::Push(U256::from(block)));
                units.push(Unit::Op(0x40)); // BLOCKHASH
                *depth += 1;
                return;
            }
            3 => {
                let op = *UNDEFINED_OPS.choose(self.rng).expect("not empty");
                return units.push(Unit::Op(op));
            }
            _ => {}
        }
        let &(op, inputs, outputs) = FILECOIN_STACK_OPS.choose(self.rng).expect("not empty");
        self.feed(units, depth, inputs);
        units.push(Unit::Op(op));
        *depth = *depth - inputs + outputs;
    }

    /// An address no ordinary target names: a precompile or reserved address, or an actor by
    /// its ID.
    pub(crate) fn extra_target(&mut self, index: Option<usize>) -> Target {
        match self.rng.random_range(0..10) {
            0..=2 => Target::Precompile(
                *[0, 0x0a, 0x0b, 0x0e, 0x0f, 0x11, 0x12, 0xff]
                    .choose(self.rng)
                    .expect("not empty"),
            ),
            3 => Target::P256Verify,
            4..=5 => Target::Filecoin(self.rng.random_range(0..8)),
            _ => Target::Id(self.actor_id(index)),
        }
    }

    /// An actor ID that no call from contract `index` can recurse through: singletons, the
    /// caller, later contracts, children and placeholders, and IDs nobody has.
    fn actor_id(&mut self, index: Option<usize>) -> u64 {
        let first_later = CALLER_ID + 1 + index.map_or(self.contracts, |i| i + 1) as u64;
        let after_contracts = CALLER_ID + 1 + self.contracts as u64;
        match self.rng.random_range(0..6) {
            0 => *[0, 1, 2, 3, 4, 5, 6, 7, 10, 99]
                .choose(self.rng)
                .expect("not empty"),
            1 => CALLER_ID,
            2 if first_later < after_contracts => {
                self.rng.random_range(first_later..after_contracts)
            }
            2..=3 => self.rng.random_range(after_contracts..after_contracts + 6),
            4 => 4242,
            _ => *[u64::MAX, 1 << 32].choose(self.rng).expect("not empty"),
        }
    }

    /// Who a SELFDESTRUCT pays: the contract itself or any target. No code runs there (a
    /// payment is a plain send), so any contract will do.
    fn beneficiary(&mut self, index: Option<usize>) -> Target {
        if self.rng.random_bool(0.2) {
            return Target::Myself;
        }
        self.target(index)
    }

    /// RETURN or REVERT of about a block's worth of memory: the most that fits (with the CBOR
    /// byte string's 5-byte header), one byte less, and more.
    fn big_halt(&mut self) -> Unit {
        let op = *[0xf3, 0xfd].choose(self.rng).expect("not empty");
        // The first two fit, the rest do not.
        let all = [
            MAX_BLOCK - 6,
            MAX_BLOCK - 5,
            MAX_BLOCK - 4,
            MAX_BLOCK,
            3 * MAX_BLOCK,
        ];
        let len = *all.choose(self.rng).expect("not empty");
        Unit::BigHalt { op, len }
    }

    /// A call of a precompile on one of go-ethereum's vectors for it, perhaps damaged.
    fn vector_call(&mut self) -> Unit {
        let vectors = self.vectors.expect("the fevm mode's generator");
        let (address, inputs) = vectors.0.choose(self.rng).expect("not empty");
        let mut input = inputs.choose(self.rng).cloned().unwrap_or_default();
        // A damaged length can make modexp's input huge (module docs).
        if self.deliberate || *address != 0x05 {
            self.damage(&mut input);
        }
        let target = match address {
            0x0100 => Target::P256Verify,
            n => Target::Precompile(*n as u8),
        };
        self.call_with(target, input, [0.6, 0.25, 0.15])
    }

    /// Flips a byte, cuts the input short, or adds a byte, sometimes.
    fn damage(&mut self, input: &mut Vec<u8>) {
        match self.rng.random_range(0..10) {
            0 if !input.is_empty() => {
                let i = self.rng.random_range(0..input.len());
                input[i] ^= 1 << self.rng.random_range(0..8);
            }
            1 => input.truncate(self.rng.random_range(0..=input.len())),
            2 => input.push(self.rng.random()),
            _ => {}
        }
    }

    /// A call of `target` with `input`: CALL, STATICCALL and DELEGATECALL with weights `ops`.
    fn call_with(&mut self, target: Target, input: Vec<u8>, ops: [f64; 3]) -> Unit {
        let pick = self.rng.random_range(0.0..1.0);
        let op = if pick < ops[0] {
            0xf1
        } else if pick < ops[0] + ops[1] {
            0xfa
        } else {
            0xf4
        };
        let value = if op == 0xf1 && self.rng.random_bool(0.3) {
            self.value()
        } else {
            U256::ZERO
        };
        Unit::CallWith {
            op,
            target,
            value,
            input: Bytes::from(input),
            ret: (
                self.offset(),
                *[0, 32, 64, 100, 192].choose(self.rng).expect("not empty"),
            ),
        }
    }

    /// A call of one of Filecoin's precompiles (or a reserved address next to them) with an
    /// input made for it.
    fn filecoin_precompile_call(&mut self, index: Option<usize>) -> Unit {
        let n = *[1, 1, 2, 2, 3, 3, 3, 5, 5, 5, 6, 6, 0, 4, 7]
            .choose(self.rng)
            .expect("not empty");
        let mut input = match n {
            1 => self.filecoin_address(index),
            2 => word(U256::from(self.lookup_id(index))),
            3 => self.call_actor_input(index, false),
            5 => self.call_actor_input(index, true),
            6 => word(self.epoch()),
            _ => (0..self.rng.random_range(0..40))
                .map(|_| self.rng.random())
                .collect(),
        };
        self.damage(&mut input);
        // call_actor and call_actor_id only work by DELEGATECALL.
        let ops = if matches!(n, 3 | 5) {
            [0.15, 0.1, 0.75]
        } else {
            [0.5, 0.3, 0.2]
        };
        self.call_with(Target::Filecoin(n), input, ops)
    }

    /// An ID for lookup_delegated_address, which runs nothing.
    fn lookup_id(&mut self, index: Option<usize>) -> u64 {
        if self.rng.random_bool(0.3) {
            CALLER_ID + 1 + self.rng.random_range(0..4)
        } else {
            self.actor_id(index)
        }
    }

    /// An epoch for get_randomness: past, current, future, or not an epoch at all.
    fn epoch(&mut self) -> U256 {
        let block = accounts::BLOCK_NUMBER;
        *[
            U256::ZERO,
            U256::from(block - 1),
            U256::from(block),
            U256::from(block + 1),
            U256::from(1u64 << 63),
            U256::from(1) << 64,
            U256::MAX,
        ]
        .choose(self.rng)
        .expect("not empty")
    }

    /// The bytes of a Filecoin address: f410 of any account, f0 of an ID, f1 of a random
    /// key hash, or bytes that are no address.
    fn filecoin_address(&mut self, index: Option<usize>) -> Vec<u8> {
        match self.rng.random_range(0..6) {
            0 => f410(accounts::contract(self.rng.random_range(0..4))),
            1 => f410(
                *[
                    accounts::CALLER,
                    accounts::fresh(self.rng.random_range(0..4)),
                ]
                .choose(self.rng)
                .expect("not empty"),
            ),
            2..=3 => f0(self.actor_id(index)),
            4 => {
                let mut bytes = vec![0x01];
                bytes.extend((0..20).map(|_| self.rng.random::<u8>()));
                bytes
            }
            _ => [vec![], vec![0x09, 0x09], vec![0x04, 0x0a, 0x01], vec![0x00]]
                .choose(self.rng)
                .cloned()
                .expect("not empty"),
        }
    }

    /// The ABI input of call_actor (`by_id` false) or call_actor_id: method, value, flags,
    /// codec, params and the address or ID of an actor the call cannot recurse through.
    fn call_actor_input(&mut self, index: Option<usize>, by_id: bool) -> Vec<u8> {
        // 1024 and up reach a contract's handle_filecoin_method.
        let method = *[0, 0, 1023, 1024, 2, INVOKE_CONTRACT, INVOKE_CONTRACT]
            .choose(self.rng)
            .expect("not empty");
        let value = *[
            U256::ZERO,
            U256::ZERO,
            U256::from(1),
            U256::from(12_345),
            U256::from(1) << 200,
        ]
        .choose(self.rng)
        .expect("not empty");
        let flags = *[0u64, 0, 1, 6].choose(self.rng).expect("not empty");
        let (codec, params) = self.params();
        let mut input = Vec::new();
        for head in [
            U256::from(method),
            value,
            U256::from(flags),
            U256::from(codec),
            U256::from(6 * 32),
        ] {
            input.extend(word(head));
        }
        let params = abi_bytes(&params);
        if by_id {
            input.extend(word(U256::from(self.actor_id(index))));
            input.extend(params);
        } else {
            input.extend(word(U256::from(6 * 32 + params.len())));
            input.extend(params);
            let address = match self.rng.random_range(0..3) {
                0 => f410(self.forward_contract(index)),
                _ => f0(self.actor_id(index)),
            };
            input.extend(abi_bytes(&address));
        }
        input
    }

    /// A later contract's address (or a fresh one when there is none).
    fn forward_contract(&mut self, index: Option<usize>) -> Address {
        match index {
            Some(i) if i + 1 < self.contracts => {
                accounts::contract(self.rng.random_range(i + 1..self.contracts))
            }
            _ => accounts::fresh(self.rng.random_range(0..4)),
        }
    }

    /// A codec and params for call_actor: none, a CBOR byte string (the params InvokeEVM
    /// takes), or bytes that are not CBOR, under codec 0 (none), 0x51 (CBOR) or 0x71.
    fn params(&mut self) -> (u64, Vec<u8>) {
        let data: Vec<u8> = (0..self.rng.random_range(0..40))
            .map(|_| self.rng.random())
            .collect();
        match self.rng.random_range(0..6) {
            0..=1 => (0, Vec::new()),
            2..=3 => (0x51, cbor_bytes(&data)),
            4 => (0x51, data),
            _ => (
                *[0, 0x71].choose(self.rng).expect("not empty"),
                cbor_bytes(&data),
            ),
        }
    }
}

fn word(value: U256) -> Vec<u8> {
    value.to_be_bytes::<32>().to_vec()
}

/// ABI `bytes` (the tail part): length, then the bytes padded to a word.
fn abi_bytes(bytes: &[u8]) -> Vec<u8> {
    let mut out = word(U256::from(bytes.len()));
    out.extend_from_slice(bytes);
    out.resize(32 + bytes.len().div_ceil(32) * 32, 0);
    out
}

/// `bytes` as a CBOR byte string (shorter than 256 bytes).
fn cbor_bytes(bytes: &[u8]) -> Vec<u8> {
    let mut out = match bytes.len() {
        n @ 0..=23 => vec![0x40 + n as u8],
        n => vec![0x58, n as u8],
    };
    out.extend_from_slice(bytes);
    out
}

/// The f410 (EAM-delegated) address of `address`, as bytes.
fn f410(address: Address) -> Vec<u8> {
    actor_types::EthAddress(address.0 .0).to_f410().to_bytes()
}

/// The f0 (ID) address of `id`, as bytes.
fn f0(id: u64) -> Vec<u8> {
    fvm_shared::address::Address::new_id(id).to_bytes()
}
