//! The node's database: one redb file holding the FVM's IPLD blocks, the chain's blocks,
//! transactions and receipts.
//!
//! Execution writes IPLD blocks into a pending set in memory ([`ChainStore`]); sealing a block
//! writes those, the block record, its transactions and the new head in one redb write
//! transaction. A node killed at any moment therefore reopens at its last sealed block with
//! nothing half-written: redb commits are atomic and durable once `commit` returns.

use alloy_primitives::B256;
use anyhow::{Context, Result};
use cid::Cid;
use fvm_ipld_blockstore::Blockstore;
use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};
use std::{
    collections::HashMap,
    path::Path,
    sync::{Arc, RwLock},
};

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

const HEAD: &str = "head";
const CHAIN_ID: &str = "chain_id";

/// The database.
#[derive(Clone)]
pub struct Db(Arc<Database>);

impl Db {
    /// Opens (or creates) the database file at `path`. A file that is not a valid redb
    /// database, or is damaged beyond redb's repair, is an error, never a fresh chain.
    pub fn open(path: &Path) -> Result<Self> {
        let db = Database::create(path)
            .with_context(|| format!("opening the database {}", path.display()))?;
        Self::init(db)
    }

    /// A database that lives in memory only (`--in-memory`).
    pub fn memory() -> Result<Self> {
        let db = Database::builder()
            .create_with_backend(redb::backends::InMemoryBackend::new())
            .context("creating an in-memory database")?;
        Self::init(db)
    }

    fn init(db: Database) -> Result<Self> {
        let write = db.begin_write()?;
        write.open_table(IPLD)?;
        write.open_table(BLOCKS)?;
        write.open_table(BLOCK_HASHES)?;
        write.open_table(TRANSACTIONS)?;
        write.open_table(META)?;
        write.open_table(STATE)?;
        write.commit()?;
        Ok(Db(Arc::new(db)))
    }

    /// The head block number and chain id, if a chain was ever sealed here.
    pub fn head(&self) -> Result<Option<(u64, u64)>> {
        let read = self.0.begin_read()?;
        let meta = read.open_table(META)?;
        let head = meta.get(HEAD)?.map(|v| v.value());
        let chain_id = meta.get(CHAIN_ID)?.map(|v| v.value());
        Ok(head.zip(chain_id))
    }

    /// The current state root, if one was stored.
    pub fn state_root(&self) -> Result<Option<Cid>> {
        let read = self.0.begin_read()?;
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

    /// Stores a state made outside any block, with the IPLD blocks it added.
    pub fn set_state(&self, ipld: &HashMap<Cid, Vec<u8>>, root: &Cid) -> Result<()> {
        let write = self.0.begin_write()?;
        insert_ipld(&write, ipld)?;
        write
            .open_table(STATE)?
            .insert(STATE_ROOT, root.to_string().as_str())?;
        write.commit().context("committing a state edit")?;
        Ok(())
    }

    pub fn block(&self, number: u64) -> Result<Option<BlockRecord>> {
        let read = self.0.begin_read()?;
        let blocks = read.open_table(BLOCKS)?;
        let Some(bytes) = blocks.get(number)? else {
            return Ok(None);
        };
        let record = serde_json::from_slice(bytes.value())
            .with_context(|| format!("block {number} is damaged in the database"))?;
        Ok(Some(record))
    }

    pub fn block_number(&self, hash: &[u8; 32]) -> Result<Option<u64>> {
        let read = self.0.begin_read()?;
        let hashes = read.open_table(BLOCK_HASHES)?;
        Ok(hashes.get(hash)?.map(|v| v.value()))
    }

    /// The hashes of blocks `0..=head`, by number (what `BLOCKHASH` reads), from the hash
    /// index alone.
    pub fn block_hashes(&self, head: u64) -> Result<Vec<B256>> {
        let read = self.0.begin_read()?;
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
        let read = self.0.begin_read()?;
        let transactions = read.open_table(TRANSACTIONS)?;
        let Some(bytes) = transactions.get(hash)? else {
            return Ok(None);
        };
        let record = serde_json::from_slice(bytes.value())
            .context("a transaction is damaged in the database")?;
        Ok(Some(record))
    }

    fn ipld(&self, cid: &Cid) -> Result<Option<Vec<u8>>> {
        let read = self.0.begin_read()?;
        let ipld = read.open_table(IPLD)?;
        Ok(ipld
            .get(cid.to_bytes().as_slice())?
            .map(|v| v.value().to_vec()))
    }

    /// Seals `block`: its IPLD blocks, record, transactions and the new head, atomically.
    pub fn seal(
        &self,
        chain_id: u64,
        ipld: &HashMap<Cid, Vec<u8>>,
        block: &BlockRecord,
        transactions: &[TxRecord],
    ) -> Result<()> {
        let write = self.0.begin_write()?;
        insert_ipld(&write, ipld)?;
        {
            let mut blocks = write.open_table(BLOCKS)?;
            blocks.insert(block.number, serde_json::to_vec(block)?.as_slice())?;
            let mut hashes = write.open_table(BLOCK_HASHES)?;
            hashes.insert(&block.hash.0, block.number)?;
            let mut table = write.open_table(TRANSACTIONS)?;
            for tx in transactions {
                table.insert(&tx.hash.0, serde_json::to_vec(tx)?.as_slice())?;
            }
            let mut meta = write.open_table(META)?;
            meta.insert(HEAD, block.number)?;
            meta.insert(CHAIN_ID, chain_id)?;
            write
                .open_table(STATE)?
                .insert(STATE_ROOT, block.state_root.as_str())?;
        }
        write.commit().context("committing a block")?;
        Ok(())
    }

    /// Drops every block after `number` with its transactions, and makes `number` the head
    /// with state `root` (`evm_revert`). IPLD blocks stay: they are content-addressed and
    /// harmless.
    pub fn truncate(&self, number: u64, root: &Cid) -> Result<()> {
        let head = self.head()?.map(|(head, _)| head).unwrap_or(0);
        let dropped: Vec<BlockRecord> = ((number + 1)..=head)
            .filter_map(|n| self.block(n).transpose())
            .collect::<Result<_>>()?;
        let write = self.0.begin_write()?;
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
            write
                .open_table(STATE)?
                .insert(STATE_ROOT, root.to_string().as_str())?;
        }
        write.commit().context("committing a revert")?;
        Ok(())
    }
}

fn insert_ipld(write: &redb::WriteTransaction, ipld: &HashMap<Cid, Vec<u8>>) -> Result<()> {
    let mut table = write.open_table(IPLD)?;
    for (cid, bytes) in ipld {
        table.insert(cid.to_bytes().as_slice(), bytes.as_slice())?;
    }
    Ok(())
}

/// The FVM's blockstore: reads see pending writes first, then the database; writes stay
/// pending until the block that made them is sealed (or thrown away).
#[derive(Clone)]
pub struct ChainStore {
    db: Db,
    pending: Arc<RwLock<HashMap<Cid, Vec<u8>>>>,
}

impl ChainStore {
    pub fn new(db: Db) -> Self {
        Self {
            db,
            pending: Arc::default(),
        }
    }

    /// Takes the pending writes (to seal them with a block).
    pub fn take_pending(&self) -> HashMap<Cid, Vec<u8>> {
        std::mem::take(&mut *self.pending.write().expect("pending lock"))
    }

    /// Puts back writes taken by [`ChainStore::take_pending`] whose sealing failed.
    pub fn restore_pending(&self, writes: HashMap<Cid, Vec<u8>>) {
        self.pending.write().expect("pending lock").extend(writes);
    }

    /// Forgets the pending writes (their block was not sealed).
    pub fn discard_pending(&self) {
        self.pending.write().expect("pending lock").clear();
    }
}

impl Blockstore for ChainStore {
    fn get(&self, k: &Cid) -> Result<Option<Vec<u8>>> {
        if let Some(block) = self.pending.read().expect("pending lock").get(k) {
            return Ok(Some(block.clone()));
        }
        self.db.ipld(k)
    }

    fn put_keyed(&self, k: &Cid, block: &[u8]) -> Result<()> {
        self.pending
            .write()
            .expect("pending lock")
            .insert(*k, block.to_vec());
        Ok(())
    }

    fn has(&self, k: &Cid) -> Result<bool> {
        Ok(self.get(k)?.is_some())
    }
}
