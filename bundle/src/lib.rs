//! The actor bundle: the wasm code of every actor and the manifest that tells the FVM which is
//! which.
//!
//! The manifest lists all sixteen builtin actor types in builtin-actors' order, because the FVM
//! numbers types by manifest position and our actors (and anything else reading
//! `get_builtin_actor_type`) must agree with a Filecoin network on those numbers. Types this
//! bundle does not ship are filled by the `unsupported` actor, tagged per position.

use actor_types::builtin::Type;
use anyhow::{Context, Result};
use cid::Cid;
use fvm_ipld_blockstore::{Block, Blockstore};
use fvm_ipld_encoding::{CborStore, IPLD_RAW};
use multihash_codetable::Code;
use std::collections::BTreeMap;

pub mod production;

pub use production::{Actors, Network};

include!(concat!(env!("OUT_DIR"), "/actors.rs"));

/// Where the bundle's blocks landed in a blockstore.
#[derive(Debug, Clone)]
pub struct Bundle {
    /// The manifest envelope `[1, data]` (a bundle CAR's root; what `override_actors` takes).
    pub manifest: Cid,
    /// The manifest data: `[[name, code], ...]` (what the system actor's state holds).
    pub manifest_data: Cid,
    /// Code CID of each actor type.
    pub code: BTreeMap<Type, Cid>,
}

impl Bundle {
    /// The code CID of `kind`.
    pub fn code_of(&self, kind: Type) -> Cid {
        self.code[&kind]
    }
}

/// The wasm of the actor with this manifest name, if we build it.
pub fn wasm(name: &str) -> Option<&'static [u8]> {
    ACTOR_WASM
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, wasm)| *wasm)
}

/// Writes every actor's code and the manifest into `store`.
pub fn install(store: &impl Blockstore) -> Result<Bundle> {
    let mut code = BTreeMap::new();
    let mut entries = Vec::new();
    for kind in Type::ALL {
        let wasm = match wasm(kind.name()) {
            Some(wasm) => wasm.to_vec(),
            None => tagged(
                wasm("unsupported").context("the unsupported actor is missing")?,
                kind.name(),
            ),
        };
        let cid = store.put(Code::Blake2b256, &Block::new(IPLD_RAW, wasm.as_slice()))?;
        code.insert(kind, cid);
        entries.push((kind.name().to_string(), cid));
    }
    let manifest_data = store.put_cbor(&entries, Code::Blake2b256)?;
    let manifest = store.put_cbor(&(1u32, manifest_data), Code::Blake2b256)?;
    Ok(Bundle {
        manifest,
        manifest_data,
        code,
    })
}

/// Writes the EVM actor's step-tracing build into `store`, returning its code CID: what a
/// replay for the struct logger runs in place of the EVM actor (`actor_types::step_log`). It
/// is never part of a bundle.
pub fn install_step_tracing(store: &impl Blockstore) -> Result<Cid> {
    store.put(
        Code::Blake2b256,
        &Block::new(IPLD_RAW, EVM_STEP_TRACING_WASM),
    )
}

/// `wasm` with a custom section naming `name` appended, so each copy has its own CID.
fn tagged(wasm: &[u8], name: &str) -> Vec<u8> {
    const SECTION_NAME: &str = "fevm-rs-actor";
    let mut payload = vec![SECTION_NAME.len() as u8];
    payload.extend(SECTION_NAME.as_bytes());
    payload.extend(name.as_bytes());
    let mut out = wasm.to_vec();
    out.push(0); // custom section
    out.push(payload.len() as u8); // fits one LEB128 byte: names are short
    out.extend(payload);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use fvm_ipld_blockstore::MemoryBlockstore;

    #[test]
    fn every_type_has_distinct_code_in_builtin_order() {
        let store = MemoryBlockstore::new();
        let bundle = install(&store).unwrap();
        let distinct: std::collections::BTreeSet<_> = bundle.code.values().collect();
        assert_eq!(distinct.len(), 16);
        let entries: Vec<(String, Cid)> = store.get_cbor(&bundle.manifest_data).unwrap().unwrap();
        let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names[13], "evm");
        assert_eq!(names[14], "eam");
        assert_eq!(names[15], "ethaccount");
        for (position, kind) in Type::ALL.iter().enumerate() {
            assert_eq!(*kind as usize, position + 1);
        }
    }

    #[test]
    fn actors_are_wasm_modules() {
        for (name, wasm) in ACTOR_WASM {
            assert_eq!(&wasm[..4], b"\0asm", "{name}");
        }
    }
}
