//! The dev chain on Filecoin's own actors (`--actors hybrid`, `fevm`): every block ends its
//! epoch as a Filecoin node does (the block reward, then cron), mined blocks and `anvil_mine`'s
//! empty ones alike; a stored chain keeps the actors it was made with.

use actor_types::builtin::{BURNT_FUNDS_ACTOR_ID, REWARD_ACTOR_ID};
use alloy_primitives::U256;
use fvm_devnet::{
    accounts::dev_accounts,
    backend::{fees::RequestedFees, BlockRef, CallParams, Node, NodeSettings, WantedActors},
    db::Db,
};
use fvm_shared::address::Address as FilAddress;
use host::{network::INITIAL_REWARD_BALANCE_FIL, Actors, Chain, Network, TokenAmount};

fn settings(actors: Option<Actors>) -> NodeSettings {
    settings_on(actors, None)
}

fn settings_on(actors: Option<Actors>, network: Option<Network>) -> NodeSettings {
    NodeSettings {
        chain_id: None,
        actors: WantedActors {
            actors,
            new_chain_actors: Actors::Ours,
            network,
            car: None,
        },
        filecoin_keys: None,
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

/// The state at the head, once the end of its epoch has run.
fn head(node: &mut Node) -> Chain {
    node.settle();
    node.view(BlockRef::Latest).unwrap()
}

#[test]
fn every_block_ends_its_epoch() {
    let mut node = Node::open(Db::memory().unwrap(), settings(Some(Actors::Hybrid))).unwrap();
    assert_eq!(reward_epoch(&head(&mut node)), 0, "genesis");

    // A block with a transaction, then blocks one by one: cron runs at each, and the reward
    // actor (which the power actor's end of epoch updates) waits for the next.
    send_transfer(&mut node);
    assert_eq!(node.head().number, 1);
    assert_eq!(reward_epoch(&head(&mut node)), 2);
    for _ in 0..3 {
        node.mine_empty(1, None).unwrap();
        let number = node.head().number as i64;
        assert_eq!(reward_epoch(&head(&mut node)), number + 1);
    }

    // anvil_mine's thousand blocks in one write, each epoch ended all the same: each block's
    // reward goes to the genesis storage provider, none is burnt.
    let producer = node.state().producer().expect("a genesis storage provider");
    let producer = producer.id().unwrap();
    let before = head(&mut node);
    let started = std::time::Instant::now();
    node.mine_empty(1000, None).unwrap();
    eprintln!(
        "1,000 empty blocks on the network bundle: {:?}",
        started.elapsed()
    );
    let chain = head(&mut node);
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

/// A transfer of one wei between the first two dev accounts, mined at once.
fn send_transfer(node: &mut Node) {
    let transfer = CallParams {
        from: Some(node.accounts()[0].address()),
        to: Some(node.accounts()[1].address()),
        gas: None,
        value: U256::from(1),
        input: Default::default(),
    };
    let fees = RequestedFees::Eip1559 {
        max_fee_per_gas: None,
    };
    node.send(transfer, None, 100_000_000, fees).unwrap();
}

/// A block is sealed before the end of its epoch has run (a transaction's sender is answered
/// meanwhile); a node stopped before that was recorded runs it again when reopened, and one
/// shut down records it.
#[test]
fn the_end_of_an_epoch_a_stopped_node_did_not_record_runs_when_it_reopens() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("db")).unwrap();
    {
        let mut node = Node::open(db.clone(), settings(Some(Actors::Hybrid))).unwrap();
        send_transfer(&mut node);
        assert_eq!(node.head().number, 1);
        // Dropped as it is, as a node killed now would be.
    }
    let owed = db
        .owed_epoch_end()
        .unwrap()
        .expect("block 1 owes its epoch's end");
    assert_eq!(owed.block, 1);
    let sealed = db.block(1).unwrap().unwrap();
    assert_eq!(
        db.state_root().unwrap().unwrap().to_string(),
        sealed.state_root,
        "the state after the block's messages"
    );

    let mut node = Node::open(db.clone(), settings(None)).unwrap();
    let chain = head(&mut node);
    assert_eq!(reward_epoch(&chain), 2, "the epoch ended");
    let ended = chain.state_root().to_string();
    assert_ne!(ended, sealed.state_root);
    assert_eq!(node.head().state_root, ended);
    node.shut_down().unwrap();
    assert_eq!(db.owed_epoch_end().unwrap(), None);
    assert_eq!(db.state_root().unwrap().unwrap().to_string(), ended);
    let recorded = db.block(1).unwrap().unwrap();
    assert_eq!(recorded.state_root, ended, "the block's record says so too");
    assert_eq!(recorded.hash, sealed.hash, "the block itself is the same");
    drop(node);

    // The next block records the end of its parent's epoch with it.
    let mut node = Node::open(db.clone(), settings(None)).unwrap();
    send_transfer(&mut node);
    send_transfer(&mut node);
    let third = db.block(3).unwrap().unwrap();
    assert_eq!(db.owed_epoch_end().unwrap().map(|owed| owed.block), Some(3));
    let second = db.block(2).unwrap().unwrap();
    assert_eq!(second.state_root, third.parent_state_root);
    assert_eq!(reward_epoch(&head(&mut node)), 4);
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
        assert!(!head(&mut node).has_network_actors());
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

/// A native message signed by the node's root key (from its key address, then from its ID)
/// is pooled, mined and recorded with its CBOR and return value, under its CID's digest on
/// the Ethereum side too; a forged one is refused; both outlive a restart as they were.
#[test]
fn a_native_message_is_mined_recorded_and_kept() {
    use fvm_devnet::{
        accounts::DEV_MNEMONIC, backend::calls::estimate_message_gas, filecoin_keys::FilecoinKeys,
        tx::SignedTx,
    };
    use fvm_shared::message::Message;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db");
    let keys = FilecoinKeys::derive(DEV_MNEMONIC).unwrap();
    let owner = keys.owner_address();
    let (hash, signed, owner_before) = {
        let mut node =
            Node::open(Db::open(&path).unwrap(), settings(Some(Actors::Hybrid))).unwrap();
        let owner_before = head(&mut node).actor(&owner).unwrap().unwrap().balance;
        let message = Message {
            version: 0,
            from: keys.root_address(),
            to: owner,
            sequence: 0,
            value: TokenAmount::from_whole(5),
            method_num: 0,
            params: Default::default(),
            gas_limit: 0,
            gas_fee_cap: TokenAmount::default(),
            gas_premium: TokenAmount::default(),
        };
        let message = estimate_message_gas(head(&mut node), message).unwrap();
        let signed = node.sign_native(message).unwrap();
        let mut forged = signed.clone();
        forged.message.value = TokenAmount::from_whole(500);
        let refused = node.push_native(forged).unwrap_err();
        assert!(
            refused
                .to_string()
                .contains("signature verification failed"),
            "{refused}"
        );
        let hash = node.push_native(signed.clone()).unwrap();
        assert_eq!(hash, signed.eth_hash());
        // A sender named by its ID: the signature is checked against the key behind it.
        let root_id = head(&mut node)
            .actor_id(&keys.root_address())
            .unwrap()
            .unwrap();
        let mut by_id = signed.message.clone();
        by_id.from = FilAddress::new_id(root_id);
        by_id.sequence += 1;
        let by_id = node.sign_native(by_id).unwrap();
        node.push_native(by_id.clone()).unwrap();
        let mined = node.transaction(by_id.eth_hash()).unwrap().expect("mined");
        assert!(mined.receipt.success);
        (hash, signed, owner_before)
    };
    let mut node = Node::open(Db::open(&path).unwrap(), settings(None)).unwrap();
    let record = node.transaction(hash).unwrap().expect("mined and kept");
    assert!(record.receipt.success);
    assert_eq!(record.native, Some(signed.to_bytes()));
    assert_eq!(record.receipt.return_data, Some(Default::default()));
    assert_eq!(
        SignedTx::from_record(&record).unwrap().message(),
        signed.message
    );
    let shown = record.rpc_transaction(None).unwrap();
    assert_eq!(
        *shown.inner.tx_hash(),
        hash,
        "Ethereum tools know it by its CID"
    );
    let owner_after = head(&mut node).actor(&owner).unwrap().unwrap().balance;
    assert_eq!(owner_after - owner_before, TokenAmount::from_whole(10));
}

/// Another network's bundle (`--network devnet`): its policy takes the genesis storage
/// provider's small sectors, its epochs end as mainnet's do, and a stored chain keeps it.
#[test]
fn a_chain_on_the_devnet_bundle_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db");
    let settings = settings_on(Some(Actors::Hybrid), Some(Network::Devnet));
    {
        let mut node = Node::open(Db::open(&path).unwrap(), settings).unwrap();
        assert_eq!(head(&mut node).config().network, Network::Devnet);
        node.mine_empty(3, None).unwrap();
        assert_eq!(reward_epoch(&head(&mut node)), 4);
    }
    let mainnet = settings_on(None, Some(Network::Mainnet));
    let Err(error) = Node::open(Db::open(&path).unwrap(), mainnet) else {
        panic!("a devnet chain reopened on mainnet's bundle");
    };
    assert!(
        error.to_string().contains("running the devnet network"),
        "{error:#}"
    );
    let mut node = Node::open(Db::open(&path).unwrap(), settings_on(None, None)).unwrap();
    assert_eq!(head(&mut node).config().network, Network::Devnet);
    assert_eq!(node.head().number, 3);
}

/// A bundle CAR of one's own (`--actors PATH.car`, here testing-fake-proofs' release asset):
/// the chain runs it as it is; reopened, it finds its actors in its store without the CAR,
/// and refuses a CAR that is another bundle.
#[test]
fn a_chain_made_from_a_bundle_car_reopens_without_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db");
    let write_car = |network: &str| {
        let car = dir.path().join(format!("{network}.car"));
        std::fs::write(&car, bundle::production::car(network).unwrap()).unwrap();
        car
    };
    let ours = write_car("testing-fake-proofs");
    let from_car = |car: &std::path::Path| {
        let mut settings = settings_on(Some(Actors::Car), Some(Network::TestingFakeProofs));
        settings.actors.car = Some(car.to_path_buf());
        settings
    };
    {
        let mut node = Node::open(Db::open(&path).unwrap(), from_car(&ours)).unwrap();
        assert!(head(&mut node).has_network_actors());
        assert!(
            !head(&mut node).records_steps(),
            "the bundle's own EVM actor"
        );
        node.mine_empty(2, None).unwrap();
        assert_eq!(reward_epoch(&head(&mut node)), 3);
    }
    let mut node = Node::open(Db::open(&path).unwrap(), settings_on(None, None)).unwrap();
    assert_eq!(node.head().number, 2);
    assert_eq!(reward_epoch(&head(&mut node)), 3);
    drop(node);
    let other = write_car("mainnet");
    let Err(error) = Node::open(Db::open(&path).unwrap(), from_car(&other)) else {
        panic!("a chain reopened on another bundle");
    };
    assert!(
        format!("{error:#}").contains("is not the bundle this chain was made with"),
        "{error:#}"
    );
}
