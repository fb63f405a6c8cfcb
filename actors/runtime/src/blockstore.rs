//! A blockstore over the FVM's IPLD syscalls.

use anyhow::{anyhow, ensure};
use cid::Cid;
use fvm_ipld_blockstore::{Block, Blockstore};
use multihash_codetable::Code;

/// Reads and writes blocks through `ipld::get` / `ipld::put`. The FVM only accepts
/// Blake2b-256 links and only returns blocks reachable from this actor's state or params.
#[derive(Debug, Clone, Copy, Default)]
pub struct ActorBlockstore;

impl Blockstore for ActorBlockstore {
    fn get(&self, cid: &Cid) -> anyhow::Result<Option<Vec<u8>>> {
        fvm_sdk::ipld::get(cid)
            .map(Some)
            .map_err(|e| anyhow!("reading block {cid}: {e:?}"))
    }

    fn put_keyed(&self, cid: &Cid, data: &[u8]) -> anyhow::Result<()> {
        let code = Code::try_from(cid.hash().code())
            .map_err(|e| anyhow!("unsupported hash in {cid}: {e:?}"))?;
        let written = self.put(code, &Block::new(cid.codec(), data))?;
        ensure!(
            written == *cid,
            "block written as {written}, expected {cid}"
        );
        Ok(())
    }

    fn put<D: AsRef<[u8]>>(&self, code: Code, block: &Block<D>) -> anyhow::Result<Cid> {
        use multihash_codetable::MultihashDigest;
        let size = code.digest(b"").size() as u32;
        fvm_sdk::ipld::put(code.into(), size, block.codec, block.data.as_ref())
            .map_err(|e| anyhow!("writing block: {e:?}"))
    }
}
