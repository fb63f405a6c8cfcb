//! Applying a block: its explicit messages in order, then, on a chain with the network's
//! actors, the end of its epoch (the block reward, cron), as a Filecoin node applies a tipset.
//!
//! One FVM machine runs them all, so the end of the epoch costs two messages, not a machine of
//! its own. The state is flushed after the messages too: that state is what a block's
//! transactions produced, and its root lets a caller answer for the block while the end of the
//! epoch still runs. [`Chain::start_block`] returns there, with the end of the epoch going on on
//! an FVM thread until [`Chain::finish_epoch_end`] takes its result; the dev node answers a
//! transaction's sender meanwhile. The next block's messages can be queued behind it on that
//! thread ([`Chain::start_block_after`]): they start the moment it has run, on the state it
//! left, with no thread to wake in between. [`Chain::apply_block`] does both in one go.

use anyhow::{anyhow, Context, Result};
use cid::Cid;
use fvm::{
    executor::{ApplyKind, DefaultExecutor, Executor},
    machine::Machine,
};
use fvm_shared::{address::Address, econ::TokenAmount, message::Message};
use std::sync::{mpsc, Arc, OnceLock};

use crate::{
    chain::{outcome_of, signed_length, Chain, ExecutorParts, Kernel},
    fvm_thread::{self, Running},
    network::{self, EpochEnd},
    Outcome,
};

/// What a block ran ([`Chain::apply_block`]).
#[derive(Debug, Clone)]
pub struct Block {
    /// Each message's outcome, in order.
    pub outcomes: Vec<Outcome>,
    /// The end of the epoch, on a chain with the network's actors.
    pub epoch_end: Option<EpochEnd>,
}

/// A block whose messages have run, its epoch's end perhaps still running
/// ([`Chain::start_block`]).
pub struct StartedBlock {
    /// Each message's outcome, in order.
    pub outcomes: Vec<Outcome>,
    /// The tips the messages paid, which the block reward passes on to the producer: what
    /// running the end of this epoch again needs ([`Chain::start_epoch_end`]).
    pub tips: TokenAmount,
    /// The end of the epoch, on a chain with the network's actors.
    pub epoch_end: Option<RunningEpochEnd>,
}

/// The end of an epoch running on an FVM thread; [`Chain::finish_epoch_end`] waits for it.
/// Dropped, it waits too (and its result is lost): nothing it writes comes after its handle.
pub struct RunningEpochEnd {
    running: Option<Running<Result<(EpochEnd, Cid)>>>,
    /// The state after it, once it has run: where a block queued behind it starts
    /// ([`Chain::start_block_after`]).
    ended_root: Arc<OnceLock<Cid>>,
}

impl RunningEpochEnd {
    fn join(mut self) -> Result<(EpochEnd, Cid)> {
        let running = self
            .running
            .take()
            .context("the end of the epoch was waited for")?;
        running.join()?
    }
}

impl Drop for RunningEpochEnd {
    fn drop(&mut self) {
        if let Some(running) = self.running.take() {
            let _ = running.join();
        }
    }
}

/// A block started behind its parent's end of epoch ([`Chain::start_block_after`]).
pub struct StartedAfter {
    /// How the parent's epoch ended, and the state after it.
    pub parent: Result<(EpochEnd, Cid)>,
    /// The block: its messages ran on the state the parent's end of epoch left (the state after
    /// the parent's messages, if that failed).
    pub block: Result<StartedBlock>,
}

/// The messages' outcomes and the state after them, handed back while the end of the epoch
/// runs.
type AfterMessages = Result<(Vec<Outcome>, Cid)>;

impl Chain {
    /// Runs a block and makes its state the chain's, the end of its epoch included (on a chain
    /// with the network's actors), for `producer`.
    pub fn apply_block(
        &mut self,
        messages: Vec<Message>,
        producer: Option<Address>,
    ) -> Result<Block> {
        let network = self.has_network_actors();
        if messages.is_empty() && !network {
            // Nothing runs: no machine either (its first start compiles every actor).
            return Ok(Block {
                outcomes: Vec::new(),
                epoch_end: None,
            });
        }
        let parts = self.executor_parts()?;
        let epoch_end = network.then(|| EpochEndFor {
            producer,
            earlier_tips: TokenAmount::default(),
            traced: self.config().trace_epoch_end,
        });
        let (after_messages, ended) = fvm_thread::run(move || {
            let mut after_messages = None;
            let ended = run_block(parts, messages, epoch_end, |after| {
                after_messages = Some(after)
            });
            (after_messages, ended)
        })?;
        let (outcomes, root) = after_messages.context("the block's messages were lost")??;
        // The chain moves only once the whole block ran.
        let (epoch_end, root) = match ended? {
            Some((epoch_end, root)) => (Some(epoch_end), root),
            None => (None, root),
        };
        self.set_state_root(root);
        Ok(Block {
            outcomes,
            epoch_end,
        })
    }

    /// Runs a block's messages and makes the state after them the chain's, then returns with
    /// the end of the epoch (on a chain with the network's actors) still running on an FVM
    /// thread. Until [`Chain::finish_epoch_end`] takes it, this chain must run nothing else.
    pub fn start_block(
        &mut self,
        messages: Vec<Message>,
        producer: Option<Address>,
    ) -> Result<StartedBlock> {
        if !self.has_network_actors() {
            let block = self.apply_block(messages, None)?;
            return Ok(StartedBlock {
                tips: tips(&block.outcomes),
                outcomes: block.outcomes,
                epoch_end: None,
            });
        }
        self.start(messages, producer, TokenAmount::default(), None)
    }

    /// [`Chain::start_block`] for a block whose parent's epoch still ends (`parent`): the
    /// block's messages are queued behind it on its FVM thread, to start the moment it has run,
    /// and the parent's end is then waited for too. The chain is left at the state after the
    /// block's messages; if they could not run, at the state its parent left.
    pub fn start_block_after(
        &mut self,
        mut parent: RunningEpochEnd,
        messages: Vec<Message>,
        producer: Option<Address>,
    ) -> StartedAfter {
        let block = self.start(
            messages,
            producer,
            TokenAmount::default(),
            Some(&mut parent),
        );
        let parent = parent.join();
        if let (Err(_), Ok((_, root))) = (&block, &parent) {
            self.set_state_root(*root);
        }
        StartedAfter { parent, block }
    }

    /// Starts the end of the current epoch again, for a block whose messages ran and paid
    /// `tips` but whose epoch did not end (a node stopped meanwhile), as [`Chain::start_block`]
    /// leaves it running.
    pub fn start_epoch_end(
        &mut self,
        producer: Option<Address>,
        tips: TokenAmount,
    ) -> Result<Option<RunningEpochEnd>> {
        if !self.has_network_actors() {
            return Ok(None);
        }
        Ok(self.start(Vec::new(), producer, tips, None)?.epoch_end)
    }

    /// Waits for the end of an epoch [`Chain::start_block`] left running and makes the state
    /// after it the chain's. If it failed, the chain stays at the state after the messages.
    pub fn finish_epoch_end(&mut self, running: RunningEpochEnd) -> Result<EpochEnd> {
        let (epoch_end, root) = running.join()?;
        self.set_state_root(root);
        Ok(epoch_end)
    }

    /// Starts a block on a chain with the network's actors, behind `parent`'s end of epoch if
    /// given (on the state it leaves); its own end of epoch also pays `earlier_tips`.
    fn start(
        &mut self,
        messages: Vec<Message>,
        producer: Option<Address>,
        earlier_tips: TokenAmount,
        parent: Option<&mut RunningEpochEnd>,
    ) -> Result<StartedBlock> {
        let mut parts = self.executor_parts()?;
        let epoch_end = EpochEndFor {
            producer,
            earlier_tips: earlier_tips.clone(),
            traced: self.config().trace_epoch_end,
        };
        let ended_root = Arc::new(OnceLock::new());
        let (handed, after_messages) = mpsc::sync_channel(1);
        let parent_root = parent.as_ref().map(|parent| Arc::clone(&parent.ended_root));
        let own_root = Arc::clone(&ended_root);
        let job = move || {
            // Without it (the parent's end failed), the block runs on the state after the
            // parent's messages: the chain's, which the parts were made with.
            if let Some(&root) = parent_root.as_ref().and_then(|root| root.get()) {
                parts.context.initial_state_root = root;
            }
            let ended = run_block(parts, messages, Some(epoch_end), |after| {
                let _ = handed.send(after);
            });
            let (epoch_end, root) = ended?.context("the epoch did not end")?;
            let _ = own_root.set(root);
            Ok((epoch_end, root))
        };
        let running = match parent.and_then(|parent| parent.running.as_mut()) {
            Some(parent) => parent.then(job)?,
            None => fvm_thread::start(job)?,
        };
        let after = match after_messages.recv() {
            Ok(after) => after,
            // The job ended without handing anything back: its own error says why.
            Err(_) => {
                return Err(running
                    .join()?
                    .err()
                    .unwrap_or_else(|| anyhow!("the block's messages were lost")))
            }
        };
        let (outcomes, root) = match after {
            Ok(after) => after,
            Err(e) => {
                // The job ends at once; its thread goes back to the pool.
                let _ = running.join();
                return Err(e);
            }
        };
        self.set_state_root(root);
        Ok(StartedBlock {
            tips: tips(&outcomes) + earlier_tips,
            outcomes,
            epoch_end: Some(RunningEpochEnd {
                running: Some(running),
                ended_root,
            }),
        })
    }
}

/// How a block's epoch ends: the block reward for `producer` (see [`network::end_of_epoch`]).
struct EpochEndFor {
    producer: Option<Address>,
    /// Tips paid before this block's messages, for the same block (a restarted end of epoch).
    earlier_tips: TokenAmount,
    /// Whether the end of the epoch is traced when the messages are.
    traced: bool,
}

/// Runs `messages` on a machine made of `parts`, hands their outcomes and the state after them
/// to `after_messages`, then ends the epoch if asked. Returns the end of the epoch's outcomes
/// and the state after it. A message that fails to run is handed on as the error.
fn run_block(
    parts: ExecutorParts,
    messages: Vec<Message>,
    epoch_end: Option<EpochEndFor>,
    after_messages: impl FnOnce(AfterMessages),
) -> Result<Option<(EpochEnd, Cid)>> {
    let mut executor = parts.executor()?;
    let ran = run_messages(&mut executor, messages);
    let (outcomes, root) = match ran {
        Ok(ran) => ran,
        Err(e) => {
            let failed = anyhow!("{e:#}");
            after_messages(Err(e));
            return Err(failed);
        }
    };
    let tips = tips(&outcomes);
    after_messages(Ok((outcomes, root)));
    let Some(epoch_end) = epoch_end else {
        return Ok(None);
    };
    let [reward, cron] = network::end_of_epoch(epoch_end.producer, tips + epoch_end.earlier_tips)?;
    executor.trace(epoch_end.traced);
    let mut implicit = |message: Message| -> Result<Outcome> {
        let ret = executor.execute_message(message, ApplyKind::Implicit, 0)?;
        Ok(outcome_of(ret, Vec::new(), executor.take_watched_calls()))
    };
    let reward = implicit(reward)?;
    network::succeeded(&reward, "the block reward")?;
    let cron = implicit(cron)?;
    network::succeeded(&cron, "cron")?;
    let root = executor.flush()?;
    Ok(Some((EpochEnd { reward, cron }, root)))
}

/// Runs `messages` in order, then flushes the state; their outcomes and the state root.
fn run_messages(
    executor: &mut DefaultExecutor<Kernel>,
    messages: Vec<Message>,
) -> Result<(Vec<Outcome>, Cid)> {
    let mut outcomes = Vec::with_capacity(messages.len());
    for message in messages {
        let raw_length = signed_length(&message);
        let ret = executor.execute_message(message, ApplyKind::Explicit, raw_length)?;
        let logs = crate::logs::from_events(&ret.events, executor.state_tree())?;
        outcomes.push(outcome_of(ret, logs, executor.take_watched_calls()));
    }
    Ok((outcomes, executor.flush()?))
}

/// The tips `outcomes` paid.
fn tips(outcomes: &[Outcome]) -> TokenAmount {
    outcomes.iter().map(|o| &o.miner_tip).sum()
}
