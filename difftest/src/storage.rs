//! Contract storage of either EVM actor, read the same way: every key/value pair reachable from
//! the root. The two actors lay it out differently (ours: a HAMT whose pointers are a link or
//! a list of pairs; builtin-actors': a KAMT whose pointers are `{"l": [link, ...]}` or
//! `{"v": pairs}`), and the host reads only ours; both encode a key and a value as big-endian
//! bytes without leading zeros, and a node as `[bitfield, pointers]`.

use alloy_primitives::U256;
use anyhow::{anyhow, bail, Result};
use cid::Cid;
use fvm_ipld_blockstore::Blockstore;
use ipld_core::ipld::Ipld;
use std::collections::BTreeMap;

/// Every non-zero slot of the storage trie at `root` (a zero one reads as unset).
pub fn slots(store: &impl Blockstore, root: &Cid) -> Result<BTreeMap<U256, U256>> {
    let mut out = BTreeMap::new();
    node(store, root, &mut out)?;
    Ok(out)
}

fn node(store: &impl Blockstore, cid: &Cid, out: &mut BTreeMap<U256, U256>) -> Result<()> {
    let block = store
        .get(cid)?
        .ok_or_else(|| anyhow!("storage node {cid} missing"))?;
    let Ipld::List(parts) = fvm_ipld_encoding::from_slice::<Ipld>(&block)? else {
        bail!("storage node {cid} is not a list");
    };
    let [_bitfield, Ipld::List(pointers)] = &parts[..] else {
        bail!("storage node {cid} is not [bitfield, pointers]");
    };
    for pointer in pointers {
        match pointer {
            Ipld::Link(child) => node(store, child, out)?,
            Ipld::List(pairs) => values(pairs, out)?,
            Ipld::Map(map) => match (map.get("l"), map.get("v")) {
                (Some(Ipld::List(link)), _) => match link.first() {
                    Some(Ipld::Link(child)) => node(store, child, out)?,
                    _ => bail!("storage node {cid}: a link pointer without a link"),
                },
                (_, Some(Ipld::List(pairs))) => values(pairs, out)?,
                _ => bail!("storage node {cid}: a pointer neither link nor values"),
            },
            _ => bail!("storage node {cid}: an unknown pointer"),
        }
    }
    Ok(())
}

fn values(pairs: &[Ipld], out: &mut BTreeMap<U256, U256>) -> Result<()> {
    for pair in pairs {
        let Ipld::List(pair) = pair else {
            bail!("a storage pair is not a list");
        };
        let [Ipld::Bytes(key), Ipld::Bytes(value)] = &pair[..] else {
            bail!("a storage pair is not [key, value]");
        };
        let value = word(value)?;
        if !value.is_zero() {
            out.insert(word(key)?, value);
        }
    }
    Ok(())
}

fn word(bytes: &[u8]) -> Result<U256> {
    U256::try_from_be_slice(bytes).ok_or_else(|| anyhow!("a storage word of {} bytes", bytes.len()))
}
