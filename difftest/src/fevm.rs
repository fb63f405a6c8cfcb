//! The fevm mode: each case on our EVM actor among the production actors (the hybrid bundle)
//! and on the production EVM actor (the FEVM bundle), both on ref-fvm, compared on everything
//! but gas. With the production actor as the oracle, the generator adds what revm cannot
//! model (`extras`).

use crate::{
    filecoin,
    observation::Log,
    program::{Case, Generator},
    storage,
    tally::Tally,
    vectors::vectors,
    Verdict,
};
use actor_types::{
    builtin::{Type, INIT_ACTOR_ADDR},
    evm, init,
    network::BLOCK_GAS_LIMIT,
    token::atto_to_wei,
    EthAddress,
};
use alloy_primitives::{Address, B256, U256};
use anyhow::{anyhow, Context, Result};
use cid::Cid;
use fvm_ipld_encoding::CborStore;
use fvm_shared::{address::Address as FilecoinAddress, ActorID};
use host::{Actors, Chain};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::{collections::BTreeMap, fmt::Debug};

/// The FVM's exit code for a message that ran out of gas.
const OUT_OF_GAS: u32 = 7;

/// Whether a message may have run out of gas somewhere: it did, or it used more than 90% of
/// its limit. A call gets at most 63/64 of the gas left (on either actor), so a call that ran
/// out leaves its message having used at least 63/64 of the gas there was when it started;
/// no message comes near that otherwise.
fn out_of_gas(receipt: &Receipt) -> bool {
    receipt.exit_code == OUT_OF_GAS || receipt.gas_used > BLOCK_GAS_LIMIT / 10 * 9
}

/// Where our actor differs from the production one on purpose: (case file in
/// `difftest/deliberate/fevm/`, why). The generator leaves these out unless `deliberate`;
/// `difftest/tests/regressions.rs` checks that each case still differs.
pub const DELIBERATE: &[(&str, &str)] = &[(
    "modexp-with-a-512-mib-base.json",
    "FEVM allocates a modexp operand as long as its length word says; past the wasm memory \
     limit that traps the whole message (exit 4). Ours fails the call, as an Ethereum node \
     does when the operation costs more than the gas it has.",
)];

/// The fevm mode's case for `seed`: the same seed (and `deliberate`) always gives the same
/// case.
pub fn case_for_seed(seed: u64, deliberate: bool) -> Result<Case> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    Ok(Generator::fevm(&mut rng, vectors()?, deliberate).case())
}

/// What a message's receipt says, gas aside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub exit_code: u32,
    /// The receipt's return data as it is (a CBOR byte string around the output).
    pub return_data: Vec<u8>,
    pub logs: Vec<Log>,
    /// FVM gas used: not compared (each actor burns its own), only looked at to set aside the
    /// cases that ran out of it somewhere.
    pub gas_used: u64,
}

/// An actor after the transactions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorView {
    /// The builtin actor type its code is (by the chain's bundle).
    pub kind: &'static str,
    /// Its f410 address, as an Ethereum address.
    pub address: Option<Address>,
    pub balance: U256,
    pub sequence: u64,
    pub contract: Option<ContractView>,
}

/// The EVM state of a contract (transient storage aside: it is only valid during its own
/// message, and the second transaction shows whether it is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractView {
    pub code: Vec<u8>,
    pub code_hash: B256,
    pub storage: BTreeMap<U256, U256>,
    /// The next CREATE nonce.
    pub nonce: u64,
    /// (origin actor ID, message nonce) of the SELFDESTRUCT, if any.
    pub tombstone: Option<(ActorID, u64)>,
}

/// What the case's transactions leave behind on one bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub receipts: Vec<Receipt>,
    /// Every actor by ID, singletons included.
    pub actors: BTreeMap<ActorID, ActorView>,
}

/// Runs `case` on a fresh chain of `actors`: its transaction, `case.transactions` times.
pub fn run(case: &Case, actors: Actors) -> Result<Run> {
    let mut chain = filecoin::prepared(case, actors)?;
    let mut receipts = Vec::new();
    for _ in 0..case.transactions {
        let outcome = filecoin::send(&mut chain, case)?;
        receipts.push(Receipt {
            exit_code: outcome.exit_code.value(),
            return_data: outcome.return_data.to_vec(),
            logs: filecoin::logs_of(&outcome),
            gas_used: outcome.gas_used,
        });
    }
    Ok(Run {
        receipts,
        actors: actors_of(&chain)?,
    })
}

/// Every actor the init actor has handed an ID to (and the singletons below them).
fn actors_of(chain: &Chain) -> Result<BTreeMap<ActorID, ActorView>> {
    let init = chain
        .actor(&INIT_ACTOR_ADDR)?
        .ok_or_else(|| anyhow!("no init actor"))?;
    let init: init::State = chain
        .store()
        .get_cbor(&init.state)?
        .ok_or_else(|| anyhow!("init actor state missing"))?;
    let mut out = BTreeMap::new();
    for id in 0..init.next_id {
        let Some(actor) = chain.actor(&FilecoinAddress::new_id(id))? else {
            continue;
        };
        let kind = Type::ALL
            .into_iter()
            .find(|kind| chain.bundle().code_of(*kind) == actor.code)
            .map_or("unknown", Type::name);
        let contract = if kind == Type::Evm.name() {
            Some(contract_of(chain, id, &actor.state).with_context(|| format!("actor {id}"))?)
        } else {
            None
        };
        let view = ActorView {
            kind,
            address: actor
                .delegated_address
                .as_ref()
                .and_then(EthAddress::from_f410)
                .map(Address::from),
            balance: atto_to_wei(&actor.balance),
            sequence: actor.sequence,
            contract,
        };
        out.insert(id, view);
    }
    Ok(out)
}

/// Contract `id`, whose EVM state is the block `state`.
fn contract_of(chain: &Chain, id: ActorID, state: &Cid) -> Result<ContractView> {
    let state: evm::State = chain
        .store()
        .get_cbor(state)?
        .ok_or_else(|| anyhow!("contract state missing"))?;
    Ok(ContractView {
        code: chain.code(EthAddress::from_id(id))?,
        code_hash: B256::new(state.bytecode_hash.0),
        storage: storage::slots(chain.store(), &state.contract_state)?,
        nonce: state.nonce,
        tombstone: state.tombstone.map(|t| (t.origin, t.nonce)),
    })
}

/// Runs `case` on both bundles and compares, counting the production run into `tally`.
pub fn compare_counted(case: &Case, tally: &mut Tally) -> Result<Verdict> {
    let expected = run(case, Actors::Fevm).context("on the FEVM bundle")?;
    count(tally, &expected);
    let actual = run(case, Actors::Hybrid).context("on the hybrid bundle")?;
    let differences = differences_between(&expected, &actual);
    if differences.is_empty() {
        return Ok(Verdict::Agree);
    }
    // Each actor burns its own FVM gas: where one ran out, the case is about gas.
    let ran_out = |run: &Run| run.receipts.iter().any(out_of_gas);
    if ran_out(&expected) || ran_out(&actual) {
        tally.gas_dependent += 1;
        return Ok(Verdict::GasDependent);
    }
    Ok(Verdict::Diverge(differences))
}

/// How `case`'s runs differ (empty when they agree).
pub fn differences(case: &Case) -> Result<Vec<String>> {
    Ok(match compare_counted(case, &mut Tally::default())? {
        Verdict::Diverge(differences) => differences,
        Verdict::Agree | Verdict::GasDependent => Vec::new(),
    })
}

fn count(tally: &mut Tally, run: &Run) {
    for receipt in &run.receipts {
        match receipt.exit_code {
            0 => tally.success += 1,
            33 => tally.revert += 1,
            _ => tally.halt += 1,
        }
        tally.logs += receipt.logs.len() as u64;
    }
    for actor in run.actors.values() {
        tally.accounts += u64::from(actor.address.is_some());
        tally.placeholders += u64::from(actor.kind == Type::Placeholder.name());
        if let Some(contract) = &actor.contract {
            tally.slots += contract.storage.len() as u64;
            tally.tombstones += u64::from(contract.tombstone.is_some());
        }
    }
}

/// The fields in which the production run (`expected`) and ours differ, for a report.
pub fn differences_between(expected: &Run, actual: &Run) -> Vec<String> {
    let mut out = Vec::new();
    for (i, (a, b)) in expected.receipts.iter().zip(&actual.receipts).enumerate() {
        let name = format!("transaction {}", i + 1);
        field(&mut out, &name, "exit code", &a.exit_code, &b.exit_code);
        if a.return_data != b.return_data {
            out.push(format!(
                "{name}: return data {}",
                bytes_difference(&a.return_data, &b.return_data)
            ));
        }
        field(&mut out, &name, "logs", &a.logs, &b.logs);
    }
    let ids: std::collections::BTreeSet<_> =
        expected.actors.keys().chain(actual.actors.keys()).collect();
    for id in ids {
        let name = format!("actor {id}");
        match (expected.actors.get(id), actual.actors.get(id)) {
            (Some(a), Some(b)) => out.extend(actor_differences(&name, a, b)),
            (a, b) => out.push(format!("{name}: {a:?} vs {b:?}")),
        }
    }
    out
}

fn actor_differences(name: &str, a: &ActorView, b: &ActorView) -> Vec<String> {
    let mut out = Vec::new();
    let name = match a.address {
        Some(address) => format!("{name} ({address})"),
        None => name.to_string(),
    };
    field(&mut out, &name, "kind", &a.kind, &b.kind);
    field(&mut out, &name, "address", &a.address, &b.address);
    field(&mut out, &name, "balance", &a.balance, &b.balance);
    field(&mut out, &name, "sequence", &a.sequence, &b.sequence);
    match (&a.contract, &b.contract) {
        (Some(a), Some(b)) => {
            if a.code != b.code {
                out.push(format!(
                    "{name}: code {}",
                    bytes_difference(&a.code, &b.code)
                ));
            }
            field(&mut out, &name, "code hash", &a.code_hash, &b.code_hash);
            field(&mut out, &name, "nonce", &a.nonce, &b.nonce);
            field(&mut out, &name, "tombstone", &a.tombstone, &b.tombstone);
            let slots: std::collections::BTreeSet<_> =
                a.storage.keys().chain(b.storage.keys()).collect();
            for slot in slots {
                let what = format!("slot {slot:#x}");
                field(
                    &mut out,
                    &name,
                    &what,
                    &a.storage.get(slot),
                    &b.storage.get(slot),
                );
            }
        }
        (a, b) => field(&mut out, &name, "contract", &a.is_some(), &b.is_some()),
    }
    out
}

/// Notes `what` of `name` when `a` and `b` differ.
fn field<T: PartialEq + Debug>(out: &mut Vec<String>, name: &str, what: &str, a: &T, b: &T) {
    if a != b {
        out.push(format!("{name}: {what} {a:?} vs {b:?}"));
    }
}

/// How two byte strings differ: both in hex when short, else their lengths and the first
/// byte where they part (a 1 MiB revert would drown the report).
fn bytes_difference(a: &[u8], b: &[u8]) -> String {
    if a.len().max(b.len()) <= 96 {
        return format!("0x{} vs 0x{}", hex::encode(a), hex::encode(b));
    }
    let at = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let around =
        |bytes: &[u8]| hex::encode(&bytes[at.min(bytes.len())..(at + 16).min(bytes.len())]);
    format!(
        "of {} vs {} bytes, from byte {at}: 0x{}.. vs 0x{}..",
        a.len(),
        b.len(),
        around(a),
        around(b)
    )
}
