//! EVM logs from FVM actor events (entries `t1`..`t4` are topics, `d` is the data).

use actor_types::EthAddress;
use anyhow::Result;
use fvm::state_tree::StateTree;
use fvm_ipld_blockstore::Blockstore;
use fvm_shared::event::StampedEvent;

/// One EVM log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvmLog {
    /// The emitting contract.
    pub address: EthAddress,
    pub topics: Vec<[u8; 32]>,
    pub data: Vec<u8>,
}

/// Each of `events`, in order, as an EVM log, or `None` where it is not shaped like one (an
/// event of another actor).
pub fn from_events<B: Blockstore>(
    events: &[StampedEvent],
    tree: &StateTree<B>,
) -> Result<Vec<Option<EvmLog>>> {
    let mut logs = Vec::with_capacity(events.len());
    for stamped in events {
        let Some(log) = parse(stamped) else {
            logs.push(None);
            continue;
        };
        let address = tree
            .get_actor(stamped.emitter)?
            .and_then(|actor| actor.delegated_address)
            .and_then(|address| EthAddress::from_f410(&address))
            .unwrap_or_else(|| EthAddress::from_id(stamped.emitter));
        logs.push(Some(EvmLog { address, ..log }));
    }
    Ok(logs)
}

fn parse(stamped: &StampedEvent) -> Option<EvmLog> {
    let mut topics = Vec::new();
    let mut data = Vec::new();
    for entry in &stamped.event.entries {
        match entry.key.as_str() {
            "t1" | "t2" | "t3" | "t4" => topics.push(entry.value.as_slice().try_into().ok()?),
            "d" => data = entry.value.clone(),
            _ => return None,
        }
    }
    Some(EvmLog {
        address: EthAddress::NULL,
        topics,
        data,
    })
}
