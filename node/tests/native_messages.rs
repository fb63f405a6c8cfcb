//! `Filecoin.StateWaitMsg` on a node that mines only when asked: it waits for the block that
//! holds the message (on a timer, holding no thread), answers its receipt then, and refuses at
//! once a message neither pooled nor mined. And `StateMinerInfo` of the genesis storage
//! provider, read from its state, and of an actor that is no miner; and `StateCall`'s
//! execution trace, in Lotus's shape.

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

#[test]
fn state_call_answers_the_execution_trace_in_lotus_shape() {
    use base64::Engine as _;
    use fvm_shared::{address::Address, econ::TokenAmount};

    let node = DevNode::start(&["--in-memory", "--actors", "hybrid"]);
    // The registry's root key adds a verifier: the registry sends on to DataCap (is the new
    // verifier a client already?), so the trace nests.
    let verifier = Address::new_secp256k1(&[7u8; 65]).unwrap();
    let params = (verifier, TokenAmount::from_atto(1u64 << 20));
    let params = base64::engine::general_purpose::STANDARD
        .encode(fvm_ipld_encoding::to_vec(&params).unwrap());
    let message =
        json!({"To": "f06", "From": ROOT_KEY, "Value": "0", "Method": 2, "Params": params});
    let answer = node.result("Filecoin.StateCall", json!([message, null]));
    let trace = &answer["ExecutionTrace"];
    let root_id = node.result("Filecoin.StateLookupID", json!([ROOT_KEY, null]));
    assert_eq!(trace["Msg"]["From"], root_id, "{trace}");
    assert_eq!(trace["Msg"]["To"], "f06", "{trace}");
    assert_eq!(trace["Msg"]["Params"], params, "{trace}");
    assert_eq!(trace["Msg"]["ParamsCodec"], 0x51, "{trace}");
    assert_eq!(trace["MsgRct"]["ExitCode"], 0, "{answer}");
    assert_eq!(trace["InvokedActor"]["Id"], 6, "{trace}");
    let charges = trace["GasCharges"].as_array().expect("gas charges");
    assert!(
        charges.iter().any(|c| c["Name"] == "OnMethodInvocation"),
        "{trace}"
    );
    let subcalls = trace["Subcalls"].as_array().expect("subcalls");
    assert!(
        subcalls
            .iter()
            .all(|call| call["Msg"]["From"] == "f06" && call["MsgRct"]["ExitCode"] == 0),
        "{trace}"
    );
    assert!(
        subcalls.iter().any(|call| call["Msg"]["To"] == "f07"),
        "the registry asks DataCap: {trace}"
    );
}
