//! What a new chain holds at genesis besides the dev accounts: the CREATE2 deployer (whose
//! bytes forge checks) and Multicall3, whose runtime code must be what its source in
//! `node/contracts/` compiles to with the repository's solc-js, and which answers as tools call
//! it (viem's `multicall`, ethers' and wagmi's batching).

mod common;

use alloy_primitives::{address, Address, Bytes, U256};
use alloy_sol_types::{sol, SolCall};
use common::{dev_key, DevNode};
use serde_json::json;

const MULTICALL3: Address = address!("cA11bde05977b3631167028862bE2a173976CA11");

sol! {
    struct Call3 { address target; bool allowFailure; bytes callData; }
    struct Result { bool success; bytes returnData; }
    function aggregate3(Call3[] calldata calls) external payable returns (Result[] memory returnData);
    function getEthBalance(address addr) external view returns (uint256);
    function getBlockNumber() external view returns (uint256);
    function getChainId() external view returns (uint256);
}

#[test]
fn multicall3_is_its_source_compiled() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("contracts");
    let source = std::fs::read_to_string(dir.join("Multicall3.sol")).unwrap();
    let compiled = solc::Solc::start()
        .unwrap()
        .compile(&[("Multicall3.sol", &source)], &solc::Settings::default())
        .unwrap();
    let committed = std::fs::read_to_string(dir.join("Multicall3.runtime.hex")).unwrap();
    let fresh = alloy_primitives::hex::encode(&compiled["Multicall3"].deployed_bytecode);
    if std::env::var_os("UPDATE_PREDEPLOYS").is_some() {
        std::fs::write(dir.join("Multicall3.runtime.hex"), format!("{fresh}\n")).unwrap();
        return;
    }
    assert!(
        committed.trim() == fresh,
        "node/contracts/Multicall3.runtime.hex is not what Multicall3.sol compiles to: run \
         UPDATE_PREDEPLOYS=1 cargo test -p fvm-devnet --test predeploys"
    );
}

#[test]
fn multicall3_answers_at_its_address() {
    let node = DevNode::start(&["--in-memory", "--silent"]);
    let code = node.result("eth_getCode", json!([MULTICALL3, "latest"]));
    let committed = include_str!("../contracts/Multicall3.runtime.hex").trim();
    assert_eq!(code, json!(format!("0x{committed}")));

    let account = dev_key(0).address();
    let calls = vec![
        Call3 {
            target: MULTICALL3,
            allowFailure: false,
            callData: getEthBalanceCall { addr: account }.abi_encode().into(),
        },
        Call3 {
            target: MULTICALL3,
            allowFailure: false,
            callData: getChainIdCall {}.abi_encode().into(),
        },
        // A call that fails (no such function), allowed to.
        Call3 {
            target: MULTICALL3,
            allowFailure: true,
            callData: Bytes::from_static(&[0xff; 4]),
        },
    ];
    let input = Bytes::from(aggregate3Call { calls }.abi_encode());
    let output = node.result(
        "eth_call",
        json!([{"to": MULTICALL3, "data": input}, "latest"]),
    );
    let output: Bytes = serde_json::from_value(output).unwrap();
    let results = aggregate3Call::abi_decode_returns(&output).unwrap();
    assert_eq!(results.len(), 3);
    assert!(results[0].success && results[1].success);
    assert_eq!(
        U256::from_be_slice(&results[0].returnData),
        node.balance(account)
    );
    assert_eq!(
        U256::from_be_slice(&results[1].returnData),
        U256::from(common::CHAIN_ID)
    );
    assert!(!results[2].success);
}
