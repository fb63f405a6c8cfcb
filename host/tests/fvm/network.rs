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
