//! The network's singleton actors on the production bundles: constructed at genesis by their
//! own constructors, and the reward and cron actors run at the end of every epoch.

use crate::common::*;
use actor_types::builtin::{Type, CRON_ACTOR_ID, MARKET_ACTOR_ID, POWER_ACTOR_ID, REWARD_ACTOR_ID};
use fvm::trace::ExecutionEvent;
use fvm_ipld_encoding::CborStore;
use fvm_shared::address::Address;
use host::{network::INITIAL_REWARD_BALANCE_FIL, Chain};

/// Every singleton, where a network has it.
const SINGLETONS: [(u64, Type); 10] = [
    (0, Type::System),
    (1, Type::Init),
    (2, Type::Reward),
    (3, Type::Cron),
    (4, Type::Power),
    (5, Type::Market),
    (6, Type::VerifiedRegistry),
    (7, Type::DataCap),
    (10, Type::Eam),
    (99, Type::Account),
];

fn reward_epoch(chain: &Chain) -> i64 {
    host::network::reward_epoch(chain).unwrap()
}

#[test]
fn singletons_are_constructed_at_genesis() {
    for actors in [Actors::Hybrid, Actors::Fevm] {
        let chain = chain_of(actors);
        let empty = chain
            .store()
            .put_cbor(&Vec::<()>::new(), multihash_codetable::Code::Blake2b256)
            .unwrap();
        for (id, kind) in SINGLETONS {
            let actor = chain
                .actor(&Address::new_id(id))
                .unwrap()
                .unwrap_or_else(|| panic!("no actor f0{id} on {}", actors.name()));
            assert_eq!(actor.code, chain.bundle().code_of(kind), "f0{id}");
            // The EAM keeps no state; every other constructor wrote its own.
            assert_eq!(actor.state == empty, kind == Type::Eam, "f0{id}");
        }
        let reward = chain.actor(&Address::new_id(REWARD_ACTOR_ID)).unwrap();
        assert_eq!(
            reward.unwrap().balance,
            fil(INITIAL_REWARD_BALANCE_FIL),
            "{}",
            actors.name()
        );
        assert_eq!(reward_epoch(&chain), 0);
    }
    // Our own bundle ships none of them.
    let ours = chain_of(Actors::Ours);
    assert!(ours
        .actor(&Address::new_id(CRON_ACTOR_ID))
        .unwrap()
        .is_none());
    assert!(!ours.has_network_actors());
}

#[test]
fn each_epoch_ends_with_the_block_reward_and_cron() {
    let mut chain = chain_of(Actors::Hybrid);
    chain.set_tracing(true);
    chain.set_epoch_end_tracing(true);
    let producer = Address::new_id(1000);
    for epoch in 1..=3 {
        chain.set_block(epoch, 30 * epoch as u64);
        let end = chain
            .end_epoch(Some(producer))
            .unwrap()
            .expect("the network's actors end the epoch");
        assert!(end.reward.is_success() && end.cron.is_success());
        // Cron's power tick updates the reward actor, which then awaits the next epoch.
        assert_eq!(reward_epoch(&chain), epoch + 1, "the reward actor follows");
        let cron_sends: Vec<(u64, u64)> = end
            .cron
            .trace
            .iter()
            .filter_map(|event| match event {
                ExecutionEvent::Call {
                    from, to, method, ..
                } if *from == CRON_ACTOR_ID => Some((to.id().ok()?, *method)),
                _ => None,
            })
            .collect();
        assert_eq!(
            cron_sends,
            [(POWER_ACTOR_ID, 5), (MARKET_ACTOR_ID, 9)],
            "cron ran power's and the market's end of epoch"
        );
    }
    // Our own bundle has nothing to run.
    let mut ours = chain_of(Actors::Ours);
    assert!(ours.end_epoch(None).unwrap().is_none());
}

#[test]
fn a_started_block_ends_its_epoch_as_an_applied_one_does() {
    let transfer = |chain: &Chain| {
        chain
            .message(
                &ALICE.to_filecoin(),
                BOB.to_filecoin(),
                0,
                Default::default(),
                fil(3),
            )
            .unwrap()
    };
    let producer = Some(Address::new_id(1000));
    let mut applied = chain_of(Actors::Hybrid);
    let mut started = chain_of(Actors::Hybrid);
    for chain in [&mut applied, &mut started] {
        chain.set_block(1, 30);
    }
    let block = applied
        .apply_block(vec![transfer(&applied)], producer)
        .unwrap();

    let before = started.state_root();
    let start = started
        .start_block(vec![transfer(&started)], producer)
        .unwrap();
    // The chain is at the state after the messages while the epoch ends.
    let after_messages = started.state_root();
    assert_ne!(after_messages, before);
    assert_eq!(started.balance(BOB).unwrap(), fil(1003));
    assert_eq!(reward_epoch(&started), 0, "the epoch has not ended yet");
    assert_eq!(start.outcomes.len(), 1);
    assert_eq!(start.outcomes[0].gas_used, block.outcomes[0].gas_used);
    assert_eq!(start.tips, block.outcomes[0].miner_tip);
    let running = start.epoch_end.expect("the network's actors end the epoch");
    let end = started.finish_epoch_end(running).unwrap();

    assert_ne!(started.state_root(), after_messages);
    assert_eq!(started.state_root(), applied.state_root(), "the same state");
    assert_eq!(reward_epoch(&started), 2);
    let applied_end = block.epoch_end.unwrap();
    assert_eq!(end.reward.gas_used, applied_end.reward.gas_used);
    assert_eq!(end.cron.gas_used, applied_end.cron.gas_used);

    // Run again from the state after the messages, with the tips they paid, the end of the
    // epoch comes to the same state (what a node that stopped meanwhile does).
    let mut again = started.at(after_messages);
    again.set_block(1, 30);
    let running = again
        .start_epoch_end(producer, block.outcomes[0].miner_tip.clone())
        .unwrap()
        .expect("the network's actors end the epoch");
    again.finish_epoch_end(running).unwrap();
    assert_eq!(again.state_root(), applied.state_root());
}

#[test]
fn a_block_queued_behind_its_parents_epoch_end_runs_on_the_state_it_left() {
    let transfer = |chain: &Chain| {
        let (from, to) = (ALICE.to_filecoin(), BOB.to_filecoin());
        let message = chain.message(&from, to, 0, Default::default(), fil(3));
        message.unwrap()
    };
    let producer = Some(Address::new_id(1000));
    let mut applied = chain_of(Actors::Hybrid);
    let mut queued = chain_of(Actors::Hybrid);
    let mut roots = Vec::new();
    let mut blocks = Vec::new();
    for epoch in 1..=2 {
        applied.set_block(epoch, 30 * epoch as u64);
        blocks.push(
            applied
                .apply_block(vec![transfer(&applied)], producer)
                .unwrap(),
        );
        roots.push(applied.state_root());
    }

    queued.set_block(1, 30);
    let first = queued
        .start_block(vec![transfer(&queued)], producer)
        .unwrap();
    let running = first.epoch_end.expect("the network's actors end the epoch");
    queued.set_block(2, 60);
    // The nonce is the one after the first block's messages: its end of epoch changes no sender.
    let second = transfer(&queued);
    let started = queued.start_block_after(running, vec![second], producer);

    let (parent_end, parent_root) = started.parent.unwrap();
    assert_eq!(parent_root, roots[0], "the parent's epoch ended as applied");
    let parent_applied = blocks[0].epoch_end.as_ref().unwrap();
    assert_eq!(parent_end.cron.gas_used, parent_applied.cron.gas_used);
    let block = started.block.unwrap();
    assert_eq!(block.outcomes[0].gas_used, blocks[1].outcomes[0].gas_used);
    assert_eq!(block.outcomes[0].exit_code, blocks[1].outcomes[0].exit_code);
    assert_eq!(
        reward_epoch(&queued),
        2,
        "ran on the state after epoch 1 ended"
    );
    queued.finish_epoch_end(block.epoch_end.unwrap()).unwrap();
    assert_eq!(
        queued.state_root(),
        roots[1],
        "the same state as one block after another"
    );
    assert_eq!(queued.balance(BOB).unwrap(), fil(1006));
}
