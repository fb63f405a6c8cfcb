//! `Filecoin.StateWaitMsg` on a node that mines only when asked: it waits for the block that
//! holds the message (on a timer, holding no thread), answers its receipt then, and refuses at
//! once a message neither pooled nor mined. And `StateMinerInfo` of the genesis storage
//! provider, read from its state, and of an actor that is no miner.

mod common;

use std::time::{Duration, Instant};

use common::DevNode;
use serde_json::json;

/// The verified registry's root key of the dev mnemonic, which the node holds.
const ROOT_KEY: &str = "f1qid3qslm4jax2jpohkdwomtidgd3x7xa7qvahea";

#[test]
fn state_wait_msg_waits_for_the_block_that_holds_the_message() {
    let node = DevNode::start(&["--in-memory", "--actors", "hybrid", "--no-mining"]);
    let message = json!({"To": "f099", "From": ROOT_KEY, "Value": "5", "Method": 0});
    let signed = node.result("Filecoin.MpoolPushMessage", json!([message, null]));
    let cid = signed["CID"].clone();
    let rpc = node.rpc.clone();
    let waiting = std::thread::spawn(move || {
        let found = rpc.result("Filecoin.StateWaitMsg", json!([cid, 1, -1, true]));
        (found, Instant::now())
    });
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        !waiting.is_finished(),
        "answered before the message was mined"
    );
    let mined_at = Instant::now();
    node.result("evm_mine", json!([]));
    let (found, answered) = waiting.join().unwrap();
    assert!(answered >= mined_at);
    assert_eq!(found["Receipt"]["ExitCode"], 0, "{found}");
    assert_eq!(found["Height"], 1, "{found}");
    assert_eq!(found["Message"], signed["CID"]);

    let unknown = json!({"/": "bafy2bzacea3ttncy4hkch2whyxxpexljwbupbhf2avdcze5kcudfjoqvato36"});
    let error = node.error("Filecoin.StateWaitMsg", json!([unknown, 1, -1, true]));
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("neither in the pool nor on the chain"),
        "{error}"
    );
}

#[test]
fn state_miner_info_reads_the_genesis_storage_provider() {
    let node = DevNode::start(&["--in-memory", "--actors", "hybrid"]);
    let head = node.result("Filecoin.ChainHead", json!([]));
    let miner = head["Blocks"][0]["Miner"].clone();
    let info = node.result("Filecoin.StateMinerInfo", json!([miner, null]));
    let key_of =
        |id: &serde_json::Value| node.result("Filecoin.StateAccountKey", json!([id, null]));
    assert_eq!(
        key_of(&info["Owner"]),
        "f14zh7ha4hrtjida77isj2oskt73ykwbrmppo7tny",
        "{info}"
    );
    assert!(
        key_of(&info["Worker"]).as_str().unwrap().starts_with("f3"),
        "{info}"
    );
    // Mainnet's bundle: 32 GiB sectors.
    let proof = fvm_shared::sector::RegisteredPoStProof::StackedDRGWindow32GiBV1P1;
    assert_eq!(info["SectorSize"], 32u64 << 30, "{info}");
    assert_eq!(info["WindowPoStProofType"], i64::from(proof), "{info}");
    assert_eq!(info["Beneficiary"], info["Owner"], "{info}");
    assert_eq!(
        info["PendingOwnerAddress"],
        serde_json::Value::Null,
        "{info}"
    );
    assert_eq!(info["NewWorker"], "<empty>", "{info}");
    let error = node.error("Filecoin.StateMinerInfo", json!(["f099", null]));
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("is not a miner actor"),
        "{error}"
    );
}
