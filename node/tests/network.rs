//! The dev chain on Filecoin's own actors (`--actors hybrid`, `fevm`): every block ends its
//! epoch as a Filecoin node does (the block reward, then cron), mined blocks and `anvil_mine`'s
//! empty ones alike; a stored chain keeps the actors it was made with.

use actor_types::builtin::{BURNT_FUNDS_ACTOR_ID, REWARD_ACTOR_ID};
use alloy_primitives::U256;
use fvm_devnet::{
    accounts::dev_accounts,
    backend::{fees::RequestedFees, BlockRef, CallParams, Node, NodeSettings},
    db::Db,
};
use fvm_shared::address::Address as FilAddress;
use host::{network::INITIAL_REWARD_BALANCE_FIL, Actors, Chain, TokenAmount};

fn settings(actors: Option<Actors>) -> NodeSettings {
    NodeSettings {
        chain_id: None,
        actors,
        filecoin_keys: None,
        new_chain_actors: Actors::Ours,
        accounts: dev_accounts(2).unwrap(),
        balance: U256::from(1_000_000u64) * U256::from(10u64).pow(U256::from(18)),
        automine: true,
        console_logs: false,
        genesis_timestamp: None,
    }
}

fn reward_epoch(chain: &Chain) -> i64 {
    host::network::reward_epoch(chain).unwrap()
}

fn balance(chain: &Chain, id: u64) -> TokenAmount {
    chain
        .actor(&FilAddress::new_id(id))
        .unwrap()
        .map(|actor| actor.balance)
        .unwrap_or_default()
}

fn head(node: &Node) -> Chain {
    node.view(BlockRef::Latest).unwrap()
}

#[test]
fn every_block_ends_its_epoch() {
    let mut node = Node::open(Db::memory().unwrap(), settings(Some(Actors::Hybrid))).unwrap();
    assert_eq!(reward_epoch(&head(&node)), 0, "genesis");

    // A block with a transaction, then blocks one by one: cron runs at each, and the reward
    // actor (which the power actor's end of epoch updates) waits for the next.
    let from = node.accounts()[0].address();
    let to = node.accounts()[1].address();
    let transfer = CallParams {
        from: Some(from),
        to: Some(to),
        gas: None,
        value: U256::from(1),
        input: Default::default(),
    };
    node.send(
        transfer,
        None,
        100_000_000,
        RequestedFees::Eip1559 {
            max_fee_per_gas: None,
        },
    )
    .unwrap();
    assert_eq!(node.head().number, 1);
    assert_eq!(reward_epoch(&head(&node)), 2);
    for _ in 0..3 {
        node.mine_empty(1, None).unwrap();
        let number = node.head().number as i64;
        assert_eq!(reward_epoch(&head(&node)), number + 1);
    }

    // anvil_mine's thousand blocks in one write, each epoch ended all the same: each block's
    // reward goes to the genesis storage provider, none is burnt.
    let producer = node.state().producer().expect("a genesis storage provider");
    let producer = producer.id().unwrap();
    let before = head(&node);
    let started = std::time::Instant::now();
    node.mine_empty(1000, None).unwrap();
    eprintln!(
        "1,000 empty blocks on the network bundle: {:?}",
        started.elapsed()
    );
    let chain = head(&node);
    assert_eq!(node.head().number, 1004);
    assert_eq!(reward_epoch(&chain), 1005);
    assert_eq!(
        balance(&chain, BURNT_FUNDS_ACTOR_ID),
        balance(&before, BURNT_FUNDS_ACTOR_ID)
    );
    let earned = balance(&chain, producer) - balance(&before, producer);
    let paid = balance(&before, REWARD_ACTOR_ID) - balance(&chain, REWARD_ACTOR_ID);
    assert!(earned.is_positive());
    assert_eq!(earned, paid, "the rewards came from the reward actor");
    assert!(balance(&chain, REWARD_ACTOR_ID) < TokenAmount::from_whole(INITIAL_REWARD_BALANCE_FIL));

    // The blocks' own state roots are the epochs' ends: each differs from its parent's.
    let block = node.block(BlockRef::Number(1004)).unwrap().unwrap();
    assert_ne!(block.state_root, block.parent_state_root);
}

#[test]
fn our_bundle_ends_no_epoch_and_a_stored_chain_keeps_its_actors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db");
    {
        let mut node = Node::open(Db::open(&path).unwrap(), settings(None)).unwrap();
        node.mine_empty(2, None).unwrap();
        let block = node.block(BlockRef::Number(2)).unwrap().unwrap();
        assert_eq!(block.state_root, block.parent_state_root);
        assert!(!head(&node).has_network_actors());
    }
    let Err(error) = Node::open(Db::open(&path).unwrap(), settings(Some(Actors::Hybrid))) else {
        panic!("a chain of our actors reopened as hybrid");
    };
    assert!(
        error.to_string().contains("running the ours actors"),
        "{error:#}"
    );
    let node = Node::open(Db::open(&path).unwrap(), settings(None)).unwrap();
    assert_eq!(node.head().number, 2);
}
