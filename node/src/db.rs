//! The node's database: one redb file holding the FVM's IPLD blocks, the chain's blocks,
//! transactions and receipts. An in-memory database (`--in-memory`) keeps its IPLD blocks in
//! a map beside redb's in-memory backend.
//!
//! Execution writes IPLD blocks into a pending set in memory ([`crate::store::ChainStore`]);
//! sealing a block writes those, the block record, its transactions and the new head in one
//! redb write transaction. A node killed at any moment therefore reopens at its last sealed block with
//! nothing half-written: redb commits are atomic and durable once `commit` returns. A block is
//! sealed with the state after its messages while the end of its epoch may still run; the
//! database then says the head owes it ([`Db::owed_epoch_end`]) until a later write records it,
//! and a node reopened meanwhile runs it again.
//!
//! Nothing read back is trusted blindly: an IPLD block must hash to its CID, and every record
//! (block, transaction) carries a Keccak-256 checksum of its bytes. A damaged file therefore
//! yields an error that names the damage, never a wrong balance or receipt. (redb checks its
//! own structure when it opens a file, not the bytes of every value it returns.)

use alloy_primitives::{keccak256, B256};
use anyhow::{bail, ensure, Context, Result};
use cid::Cid;
use multihash_codetable::{Code, MultihashDigest};
use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};
use std::{
    collections::HashMap,
    path::Path,
    sync::{Arc, RwLock},
};

use host::TokenAmount;

use crate::records::{BlockRecord, TxRecord};

/// IPLD blocks of the FVM state: CID bytes to block bytes.
const IPLD: TableDefinition<&[u8], &[u8]> = TableDefinition::new("ipld");
/// Block number to its record (JSON).
const BLOCKS: TableDefinition<u64, &[u8]> = TableDefinition::new("blocks");
/// Block hash to block number.
const BLOCK_HASHES: TableDefinition<&[u8; 32], u64> = TableDefinition::new("block_hashes");
/// Transaction hash to its record (JSON): the transaction, where it landed and its receipt.
const TRANSACTIONS: TableDefinition<&[u8; 32], &[u8]> = TableDefinition::new("transactions");
/// Single values: the head block number and the chain id.
const META: TableDefinition<&str, u64> = TableDefinition::new("meta");
/// The current FVM state root: the head block's, or a later one made by a direct edit
/// (`anvil_setBalance`, `anvil_setCode`).
const STATE: TableDefinition<&str, &str> = TableDefinition::new("state");
const STATE_ROOT: &str = "root";
/// In STATE, while the state root is the head block's state after its messages and the end of
/// its epoch still has to run: the head's number and the tips its messages paid (attoFIL),
/// what running it again needs.
const OWED_EPOCH_END: &str = "owed_epoch_end";

const HEAD: &str = "head";
const CHAIN_ID: &str = "chain_id";
/// Which actors the chain runs, by position in `Actors::ALL` (absent: ours, the only choice
/// before there was one).
const ACTORS: &str = "actors";
/// Whose builtin-actors bundle the chain runs, by position in `Network::ALL` (absent:
/// mainnet's, the only one before there was a choice).
const NETWORK: &str = "network";
/// The ID of the storage provider whose blocks these are (on a chain with the network's
/// actors).
const PRODUCER: &str = "producer";
/// The layout version, in META: 2 is records with checksums.
const SCHEMA: &str = "schema";
const SCHEMA_VERSION: u64 = 2;
/// redb's page cache. Its default, 1 GiB, would let a long-running dev node's memory grow
/// with its database; the working set (the state's recent nodes, the head's records) is small.
const CACHE_BYTES: usize = 64 << 20;
/// The multihash code of an inline ("identity") CID, whose digest is the block itself.
const IDENTITY: u64 = 0x00;

/// The database.
#[derive(Clone)]
pub struct Db {
    redb: Arc<Database>,
    /// An in-memory database's IPLD blocks. redb's in-memory backend would copy every page a
    /// block touches into its cache and back, and pay a B-tree insert for each of a block's
    /// state nodes; a chain that lives in memory has no crash to survive, so a map holds them.
    memory_ipld: Option<MemoryIpld>,
}

type MemoryIpld = Arc<RwLock<HashMap<Cid, Vec<u8>>>>;

impl Db {
    /// Opens (or creates) the database file at `path`. A file that is not a valid redb
    /// database, or is damaged beyond redb's repair, is an error, never a fresh chain.
    pub fn open(path: &Path) -> Result<Self> {
        // Every open verifies every page's checksum, as the repair after a crash does anyway:
        // a plain open of a file shut down cleanly trusts it, and redb may panic on damage.
        let db = Database::builder()
            .set_cache_size(CACHE_BYTES)
            .set_check_integrity_on_open(true)
            .create(path)
            .with_context(|| format!("opening the database {}", path.display()))?;
        Self::init(db, None)
    }

    /// A database that lives in memory only (`--in-memory`).
    pub fn memory() -> Result<Self> {
        let db = Database::builder()
            .create_with_backend(redb::backends::InMemoryBackend::new())
            .context("creating an in-memory database")?;
        Self::init(db, Some(Arc::default()))
    }

    fn init(db: Database, memory_ipld: Option<MemoryIpld>) -> Result<Self> {
        let write = begin_write(&db)?;
        write.open_table(IPLD)?;
        write.open_table(BLOCKS)?;
        write.open_table(BLOCK_HASHES)?;
        write.open_table(TRANSACTIONS)?;
        write.open_table(STATE)?;
        {
            let mut meta = write.open_table(META)?;
            let schema = meta.get(SCHEMA)?.map(|v| v.value());
            let sealed_before = meta.get(HEAD)?.is_some();
            match schema {
                Some(SCHEMA_VERSION) => {}
                None if !sealed_before => {
                    meta.insert(SCHEMA, SCHEMA_VERSION)?;
                }
                other => bail!(
                    "the database has layout version {}, this fvm-devnet reads {SCHEMA_VERSION}: start with another --data-dir",
                    other.unwrap_or(1)
                ),
            }
        }
        write.commit()?;
        Ok(Db {
            redb: Arc::new(db),
            memory_ipld,
        })
    }

    /// The head block number and chain id, if a chain was ever sealed here.
    pub fn head(&self) -> Result<Option<(u64, u64)>> {
        let read = self.redb.begin_read()?;
        let meta = read.open_table(META)?;
        let head = meta.get(HEAD)?.map(|v| v.value());
        let chain_id = meta.get(CHAIN_ID)?.map(|v| v.value());
        Ok(head.zip(chain_id))
    }

    /// Which actors the stored chain runs (`Actors::ALL`'s position), if it says.
    pub fn actors(&self) -> Result<Option<u64>> {
        self.meta(ACTORS)
    }

    /// Records which actors a new chain runs (before its genesis block is sealed).
    pub fn set_actors(&self, actors: u64) -> Result<()> {
        self.set_meta(ACTORS, actors)
    }

    /// Whose bundle the stored chain runs (`Network::ALL`'s position), if it says.
    pub fn network(&self) -> Result<Option<u64>> {
        self.meta(NETWORK)
    }

    /// Records whose bundle a new chain runs (before its genesis block is sealed).
    pub fn set_network(&self, network: u64) -> Result<()> {
        self.set_meta(NETWORK, network)
    }

    /// The block producer's actor ID, if the chain has one.
    pub fn producer(&self) -> Result<Option<u64>> {
        self.meta(PRODUCER)
    }

    /// Records the block producer of a new chain (its genesis storage provider).
    pub fn set_producer(&self, id: u64) -> Result<()> {
        self.set_meta(PRODUCER, id)
    }

    fn meta(&self, key: &str) -> Result<Option<u64>> {
        let read = self.redb.begin_read()?;
        let meta = read.open_table(META)?;
        Ok(meta.get(key)?.map(|v| v.value()))
    }

    fn set_meta(&self, key: &str, value: u64) -> Result<()> {
        let write = begin_write(&self.redb)?;
        write.open_table(META)?.insert(key, value)?;
        write
            .commit()
            .with_context(|| format!("recording the chain's {key}"))?;
        Ok(())
    }

    /// The current state root, if one was stored.
    pub fn state_root(&self) -> Result<Option<Cid>> {
        let read = self.redb.begin_read()?;
        let state = read.open_table(STATE)?;
        let Some(root) = state.get(STATE_ROOT)? else {
            return Ok(None);
        };
        Ok(Some(
            root.value()
                .parse()
                .context("a damaged state root in the database")?,
        ))
    }

    /// Stores a state made outside any block, with the IPLD blocks it added; `ended` as in
    /// [`Db::seal`].
    pub fn set_state(
        &self,
        ipld: &HashMap<Cid, Vec<u8>>,
        root: &Cid,
        ended: Option<&BlockRecord>,
    ) -> Result<()> {
        let write = begin_write(&self.redb)?;
        self.insert_ipld(&write, ipld)?;
        rewrite(&write, ended)?;
        set_root(&write, &root.to_string(), None)?;
        write.commit().context("committing a state edit")?;
        Ok(())
    }

    pub fn block(&self, number: u64) -> Result<Option<BlockRecord>> {
        let read = self.redb.begin_read()?;
        let blocks = read.open_table(BLOCKS)?;
        let Some(bytes) = blocks.get(number)? else {
            return Ok(None);
        };
        let record: BlockRecord = unseal(bytes.value())
            .with_context(|| format!("block {number} is damaged in the database"))?;
        ensure!(
            record.number == number,
            "block {number} is damaged in the database: it says it is block {}",
            record.number
        );
        Ok(Some(record))
    }

    pub fn block_number(&self, hash: &[u8; 32]) -> Result<Option<u64>> {
        let read = self.redb.begin_read()?;
        let hashes = read.open_table(BLOCK_HASHES)?;
        Ok(hashes.get(hash)?.map(|v| v.value()))
    }

    /// The hashes of blocks `0..=head`, by number (what `BLOCKHASH` reads), from the hash
    /// index alone.
    pub fn block_hashes(&self, head: u64) -> Result<Vec<B256>> {
        let read = self.redb.begin_read()?;
        let index = read.open_table(BLOCK_HASHES)?;
        let mut hashes = vec![None; head as usize + 1];
        for entry in index.iter()? {
            let (hash, number) = entry?;
            if let Some(slot) = hashes.get_mut(number.value() as usize) {
                *slot = Some(B256::from(*hash.value()));
            }
        }
        hashes
            .into_iter()
            .enumerate()
            .map(|(n, hash)| {
                hash.with_context(|| format!("block {n} is missing from the database"))
            })
            .collect()
    }

    pub fn transaction(&self, hash: &[u8; 32]) -> Result<Option<TxRecord>> {
        let read = self.redb.begin_read()?;
        let transactions = read.open_table(TRANSACTIONS)?;
        let Some(bytes) = transactions.get(hash)? else {
            return Ok(None);
        };
        let damaged = || {
            format!(
                "transaction {} is damaged in the database",
                B256::from(*hash)
            )
        };
        let record: TxRecord = unseal(bytes.value()).with_context(damaged)?;
        ensure!(record.hash.0 == *hash, damaged());
        Ok(Some(record))
    }

    /// The IPLD block `cid`, checked against its hash (in a file: in memory nothing damages it).
    pub(crate) fn ipld(&self, cid: &Cid) -> Result<Option<Vec<u8>>> {
        if let Some(memory) = &self.memory_ipld {
            return Ok(memory.read().expect("IPLD lock").get(cid).cloned());
        }
        let read = self.redb.begin_read()?;
        let ipld = read.open_table(IPLD)?;
        let Some(bytes) = ipld.get(cid.to_bytes().as_slice())? else {
            return Ok(None);
        };
        let bytes = bytes.value().to_vec();
        let intact = match cid.hash().code() {
            IDENTITY => cid.hash().digest() == bytes.as_slice(),
            code => {
                let code = Code::try_from(code)
                    .with_context(|| format!("IPLD block {cid}: unknown hash function"))?;
                code.digest(&bytes) == *cid.hash()
            }
        };
        ensure!(
            intact,
            "IPLD block {cid} is damaged in the database: its bytes do not hash to its CID"
        );
        Ok(Some(bytes))
    }

    /// The end of epoch the head block still owes, if its state is the state after its messages.
    pub fn owed_epoch_end(&self) -> Result<Option<OwedEpochEnd>> {
        let read = self.redb.begin_read()?;
        let state = read.open_table(STATE)?;
        let Some(owed) = state.get(OWED_EPOCH_END)? else {
            return Ok(None);
        };
        let damaged = || format!("a damaged {OWED_EPOCH_END} in the database");
        let (block, tips) = owed.value().split_once(' ').with_context(damaged)?;
        Ok(Some(OwedEpochEnd {
            block: block.parse().with_context(damaged)?,
            tips: TokenAmount::from_atto(tips.parse::<u128>().with_context(damaged)?),
        }))
    }

    /// Seals `block`: its IPLD blocks, record, transactions and the new head, atomically.
    /// `block.state_root` is the state after its messages; `owed`, if the end of its epoch has
    /// yet to run. `ended` is an earlier block whose epoch end has run since it was sealed, with
    /// the state after it.
    pub fn seal(
        &self,
        chain_id: u64,
        ipld: &HashMap<Cid, Vec<u8>>,
        (block, transactions): (&BlockRecord, &[TxRecord]),
        owed: Option<&OwedEpochEnd>,
        ended: Option<&BlockRecord>,
    ) -> Result<()> {
        let write = begin_write(&self.redb)?;
        self.insert_ipld(&write, ipld)?;
        rewrite(&write, ended)?;
        {
            let mut blocks = write.open_table(BLOCKS)?;
            blocks.insert(block.number, seal(block)?.as_slice())?;
            let mut hashes = write.open_table(BLOCK_HASHES)?;
            hashes.insert(&block.hash.0, block.number)?;
            let mut table = write.open_table(TRANSACTIONS)?;
            for tx in transactions {
                table.insert(&tx.hash.0, seal(tx)?.as_slice())?;
            }
            let mut meta = write.open_table(META)?;
            meta.insert(HEAD, block.number)?;
            meta.insert(CHAIN_ID, chain_id)?;
        }
        set_root(&write, &block.state_root, owed)?;
        write.commit().context("committing a block")?;
        Ok(())
    }

    /// Seals `blocks`, empty ones that follow the head in order, with the IPLD blocks their
    /// ends of epoch wrote (none on a chain without the network's actors), and makes the last
    /// the head, in one commit.
    pub fn seal_empty(
        &self,
        chain_id: u64,
        ipld: &HashMap<Cid, Vec<u8>>,
        blocks: &[BlockRecord],
        ended: Option<&BlockRecord>,
    ) -> Result<()> {
        let Some(last) = blocks.last() else {
            return Ok(());
        };
        let write = begin_write(&self.redb)?;
        self.insert_ipld(&write, ipld)?;
        rewrite(&write, ended)?;
        {
            let mut table = write.open_table(BLOCKS)?;
            let mut hashes = write.open_table(BLOCK_HASHES)?;
            for block in blocks {
                table.insert(block.number, seal(block)?.as_slice())?;
                hashes.insert(&block.hash.0, block.number)?;
            }
            let mut meta = write.open_table(META)?;
            meta.insert(HEAD, last.number)?;
            meta.insert(CHAIN_ID, chain_id)?;
        }
        set_root(&write, &last.state_root, None)?;
        write.commit().context("committing empty blocks")?;
        Ok(())
    }

    /// Drops every block after `number` with its transactions, and makes `number` the head
    /// with state `root` (`evm_revert`). IPLD blocks stay: they are content-addressed and
    /// harmless.
    /// `ended` as in [`Db::seal`] (the new head, if its epoch ended since it was sealed).
    pub fn truncate(&self, number: u64, root: &Cid, ended: Option<&BlockRecord>) -> Result<()> {
        let head = self.head()?.map(|(head, _)| head).unwrap_or(0);
        let dropped: Vec<BlockRecord> = ((number + 1)..=head)
            .filter_map(|n| self.block(n).transpose())
            .collect::<Result<_>>()?;
        let write = begin_write(&self.redb)?;
        {
            let mut blocks = write.open_table(BLOCKS)?;
            let mut hashes = write.open_table(BLOCK_HASHES)?;
            let mut transactions = write.open_table(TRANSACTIONS)?;
            for block in &dropped {
                blocks.remove(block.number)?;
                hashes.remove(&block.hash.0)?;
                for tx in &block.transactions {
                    transactions.remove(&tx.0)?;
                }
            }
            write.open_table(META)?.insert(HEAD, number)?;
        }
        rewrite(&write, ended)?;
        set_root(&write, &root.to_string(), None)?;
        write.commit().context("committing a revert")?;
        Ok(())
    }

    /// Stores `ipld` with `write`, or at once in an in-memory database (should `write` fail,
    /// they are unreferenced, as a reverted block's are).
    fn insert_ipld(
        &self,
        write: &redb::WriteTransaction,
        ipld: &HashMap<Cid, Vec<u8>>,
    ) -> Result<()> {
        if let Some(memory) = &self.memory_ipld {
            let mut memory = memory.write().expect("IPLD lock");
            memory.extend(ipld.iter().map(|(cid, block)| (*cid, block.clone())));
            return Ok(());
        }
        let mut table = write.open_table(IPLD)?;
        for (cid, bytes) in ipld {
            table.insert(cid.to_bytes().as_slice(), bytes.as_slice())?;
        }
        Ok(())
    }
}

/// The end of an epoch the head block owes ([`Db::owed_epoch_end`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwedEpochEnd {
    pub block: u64,
    /// What the block's messages paid in tips, which its block reward passes on.
    pub tips: TokenAmount,
}

/// Makes `root` the current state, owing the head's end of epoch if `owed` says so.
fn set_root(write: &redb::WriteTransaction, root: &str, owed: Option<&OwedEpochEnd>) -> Result<()> {
    let mut state = write.open_table(STATE)?;
    state.insert(STATE_ROOT, root)?;
    match owed {
        Some(owed) => {
            let owed = format!("{} {}", owed.block, owed.tips.atto());
            state.insert(OWED_EPOCH_END, owed.as_str())?;
        }
        None => {
            state.remove(OWED_EPOCH_END)?;
        }
    }
    Ok(())
}

/// Writes `block`'s record again (its epoch ended: its state root changed).
fn rewrite(write: &redb::WriteTransaction, block: Option<&BlockRecord>) -> Result<()> {
    if let Some(block) = block {
        write
            .open_table(BLOCKS)?
            .insert(block.number, seal(block)?.as_slice())?;
    }
    Ok(())
}

/// A write transaction that commits in two phases: its pages are flushed before the header
/// names them. A one-phase commit cannot tell damage to the last commit from a commit torn by
/// a crash, so redb's repair silently falls back to the commit before, and a node would serve
/// an older head as if nothing had happened, its last receipts gone. After a two-phase commit,
/// a damaged last commit is an error at start-up instead. It costs one more flush per block.
fn begin_write(db: &Database) -> Result<redb::WriteTransaction> {
    let mut write = db.begin_write()?;
    write.set_two_phase_commit(true);
    Ok(write)
}

/// A record as stored: the Keccak-256 of its JSON, then the JSON.
fn seal(record: &impl serde::Serialize) -> Result<Vec<u8>> {
    let json = serde_json::to_vec(record)?;
    let mut sealed = keccak256(&json).to_vec();
    sealed.extend_from_slice(&json);
    Ok(sealed)
}

/// The record in `sealed`, if its checksum holds.
fn unseal<T: serde::de::DeserializeOwned>(sealed: &[u8]) -> Result<T> {
    ensure!(sealed.len() >= 32, "the record is cut short");
    let (checksum, json) = sealed.split_at(32);
    ensure!(
        keccak256(json) == checksum,
        "the record's checksum does not match"
    );
    Ok(serde_json::from_slice(json)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use redb::ReadableTableMetadata;

    #[test]
    fn an_ipld_block_that_does_not_hash_to_its_cid_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("chain.redb")).unwrap();
        let good = b"a block".to_vec();
        let cid = Cid::new_v1(fvm_ipld_encoding::IPLD_RAW, Code::Blake2b256.digest(&good));
        let write = db.redb.begin_write().unwrap();
        db.insert_ipld(&write, &HashMap::from([(cid, b"a bleck".to_vec())]))
            .unwrap();
        write.commit().unwrap();
        let error = db.ipld(&cid).unwrap_err().to_string();
        assert!(error.contains("damaged"), "{error}");

        let write = db.redb.begin_write().unwrap();
        db.insert_ipld(&write, &HashMap::from([(cid, good.clone())]))
            .unwrap();
        write.commit().unwrap();
        assert_eq!(db.ipld(&cid).unwrap(), Some(good));
    }

    #[test]
    fn an_in_memory_database_keeps_ipld_blocks_outside_redb() {
        let db = Db::memory().unwrap();
        let block = b"a block".to_vec();
        let cid = Cid::new_v1(fvm_ipld_encoding::IPLD_RAW, Code::Blake2b256.digest(&block));
        let write = begin_write(&db.redb).unwrap();
        db.insert_ipld(&write, &HashMap::from([(cid, block.clone())]))
            .unwrap();
        // Readable at once, and never in redb's table.
        assert_eq!(db.ipld(&cid).unwrap(), Some(block));
        write.commit().unwrap();
        let read = db.redb.begin_read().unwrap();
        assert!(read.open_table(IPLD).unwrap().is_empty().unwrap());
    }

    #[test]
    fn a_record_with_a_changed_byte_fails_its_checksum() {
        let sealed = seal(&vec![1u64, 2, 3]).unwrap();
        assert_eq!(unseal::<Vec<u64>>(&sealed).unwrap(), vec![1, 2, 3]);
        let mut changed = sealed.clone();
        *changed.last_mut().unwrap() = b']';
        let position = changed.len() - 2;
        changed[position] = b'4';
        assert!(unseal::<Vec<u64>>(&changed).is_err());
        assert!(unseal::<Vec<u64>>(&sealed[..10]).is_err());
    }
}
