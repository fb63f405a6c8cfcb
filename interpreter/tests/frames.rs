//! The interpreter's contract with its embedder, checked against a host that records what it is
//! asked and answers with canned outcomes.

use interpreter::{
    execute, Address, Bytes, CallKind, CallOutcome, CallRequest, Config, CreateOutcome,
    CreateRequest, CreateScheme, Crypto, ExitStatus, FrameStatus, Halt, Host, Log, Message,
    StorageWrite, B256, U256,
};
use precompiles::NativeCrypto;
use std::collections::BTreeMap;

#[derive(Default)]
struct RecordingHost {
    storage: BTreeMap<U256, U256>,
    transient: BTreeMap<U256, U256>,
    gas_available: u64,
    calls: Vec<CallRequest>,
    creates: Vec<CreateRequest>,
    call_output: Bytes,
    created: Address,
    /// `SLOAD` of this key fails with an embedder error.
    broken_key: Option<U256>,
    /// `TLOAD` and `TSTORE` fail with an embedder error.
    broken_transient: bool,
    /// `LOG0`..`LOG4` fail with an embedder error.
    broken_log: bool,
    logs: Vec<Log>,
    /// What the host was asked to hash with Keccak-256.
    hashed: std::cell::RefCell<Vec<Vec<u8>>>,
}

impl Crypto for RecordingHost {
    fn keccak256(&self, data: &[u8]) -> B256 {
        self.hashed.borrow_mut().push(data.to_vec());
        NativeCrypto.keccak256(data)
    }
    fn sha256(&self, data: &[u8]) -> [u8; 32] {
        NativeCrypto.sha256(data)
    }
    fn ripemd160(&self, data: &[u8]) -> [u8; 20] {
        NativeCrypto.ripemd160(data)
    }
    fn ecrecover(&self, hash: &B256, signature: &[u8; 64], recovery_id: u8) -> Option<Address> {
        NativeCrypto.ecrecover(hash, signature, recovery_id)
    }
}

impl Host for RecordingHost {
    type Error = String;

    fn sload(&mut self, key: U256) -> Result<U256, String> {
        if self.broken_key == Some(key) {
            return Err(format!("slot {key} is unreadable"));
        }
        Ok(self.storage.get(&key).copied().unwrap_or_default())
    }
    fn sstore(&mut self, key: U256, value: U256) -> Result<StorageWrite, String> {
        let present = self.storage.insert(key, value).unwrap_or_default();
        Ok(StorageWrite {
            original: present,
            present,
        })
    }
    fn tload(&mut self, key: U256) -> Result<U256, String> {
        if self.broken_transient {
            return Err("transient storage is unreadable".into());
        }
        Ok(self.transient.get(&key).copied().unwrap_or_default())
    }
    fn tstore(&mut self, key: U256, value: U256) -> Result<(), String> {
        if self.broken_transient {
            return Err("transient storage is unwritable".into());
        }
        self.transient.insert(key, value);
        Ok(())
    }
    fn balance(&mut self, _: Address) -> Result<U256, String> {
        Ok(U256::from(1000))
    }
    fn code_size(&mut self, _: Address) -> Result<usize, String> {
        Ok(7)
    }
    fn code_hash(&mut self, _: Address) -> Result<B256, String> {
        Ok(B256::repeat_byte(0x33))
    }
    fn code(&mut self, _: Address) -> Result<Bytes, String> {
        Ok(Bytes::from_static(&[1, 2, 3, 4, 5, 6, 7]))
    }
    fn block_number(&self) -> u64 {
        100
    }
    fn timestamp(&self) -> u64 {
        1_700_000_000
    }
    fn chain_id(&self) -> u64 {
        314
    }
    fn base_fee(&self) -> U256 {
        U256::from(100)
    }
    fn blob_base_fee(&self) -> U256 {
        U256::from(1)
    }
    fn coinbase(&self) -> Address {
        Address::ZERO
    }
    fn block_gas_limit(&self) -> u64 {
        30_000_000
    }
    fn prevrandao(&self) -> B256 {
        B256::repeat_byte(0x44)
    }
    fn origin(&self) -> Address {
        Address::repeat_byte(0x99)
    }
    fn gas_price(&self) -> U256 {
        U256::from(100)
    }
    fn block_hash(&mut self, number: u64) -> Result<B256, String> {
        Ok(B256::from(U256::from(number)))
    }
    fn log(&mut self, log: Log) -> Result<(), String> {
        if self.broken_log {
            return Err("the event was refused".into());
        }
        self.logs.push(log);
        Ok(())
    }
    fn selfdestruct(&mut self, _: Address) -> Result<(), String> {
        Ok(())
    }
    fn gas_available(&self) -> u64 {
        self.gas_available
    }
    fn call(&mut self, request: CallRequest) -> Result<CallOutcome, String> {
        self.calls.push(request);
        Ok(CallOutcome {
            status: FrameStatus::Success,
            output: self.call_output.clone(),
            gas_used: 0,
        })
    }
    fn create(&mut self, request: CreateRequest) -> Result<CreateOutcome, String> {
        self.creates.push(request);
        Ok(CreateOutcome {
            status: FrameStatus::Success,
            address: self.created,
            output: Bytes::new(),
            gas_used: 0,
        })
    }
}

fn message() -> Message {
    Message {
        address: Address::repeat_byte(0xaa),
        caller: Address::repeat_byte(0xcc),
        value: U256::ZERO,
        input: Bytes::new(),
        is_static: false,
        depth: 0,
        gas_limit: 0,
    }
}

fn run(
    host: &mut RecordingHost,
    message: &Message,
    code: &str,
) -> Result<interpreter::ExecutionResult, String> {
    execute(
        host,
        message,
        hex::decode(code).unwrap().into(),
        &Config::platform(),
    )
}

fn word(value: u64) -> Vec<u8> {
    U256::from(value).to_be_bytes::<32>().to_vec()
}

#[test]
fn gas_reports_the_platform_gas_available() {
    let mut host = RecordingHost {
        gas_available: 123_456,
        ..Default::default()
    };
    // GAS PUSH0 MSTORE PUSH1 32 PUSH0 RETURN
    let result = run(&mut host, &message(), "5a5f5260205ff3").unwrap();
    assert_eq!(result.status, ExitStatus::Success);
    assert_eq!(result.output.to_vec(), word(123_456));
}

#[test]
fn keccak256_is_hashed_by_the_host() {
    let mut host = RecordingHost::default();
    // PUSH1 42 PUSH0 MSTORE PUSH1 32 PUSH0 KECCAK256 PUSH0 MSTORE PUSH1 32 PUSH0 RETURN
    let result = run(&mut host, &message(), "602a5f5260205f205f5260205ff3").unwrap();
    assert_eq!(result.status, ExitStatus::Success);
    assert_eq!(host.hashed.borrow().as_slice(), &[word(42)]);
    assert_eq!(
        result.output.to_vec(),
        NativeCrypto.keccak256(&word(42)).to_vec()
    );
}

#[test]
fn memory_past_the_limit_fails_cleanly() {
    let mut host = RecordingHost::default();
    // PUSH1 1, PUSH5 0xffffffffff, MSTORE: a terabyte offset.
    let result = run(&mut host, &message(), "600164ffffffffff5200").unwrap();
    assert_eq!(result.status, ExitStatus::Halt(Halt::MemoryLimit));
    // PUSH1 1, PUSH32 2^256-1, MSTORE: an offset that fits no integer.
    let result = run(&mut host, &message(), "60015f195200").unwrap();
    assert_eq!(result.status, ExitStatus::Halt(Halt::MemoryLimit));
}

#[test]
fn call_is_handed_to_the_host_with_capped_gas_and_resumed_with_its_outcome() {
    let mut host = RecordingHost {
        gas_available: 6400,
        call_output: Bytes::from(vec![0xab; 32]),
        ..Default::default()
    };
    let code = concat!(
        "63deadbeef5f52", // mem[28..32] = deadbeef
        "6020",
        "6040",
        "6004",
        "601c",
        "5f", // out 0x40+32, in 28+4, value 0
        "731111111111111111111111111111111111111111",
        "5f19", // to, gas = 2^256-1
        "f1",   // CALL
        "5f52",
        "3d6020",
        "52",       // mem[0]=success, mem[32]=RETURNDATASIZE
        "60605ff3"  // RETURN mem[0..96]
    );
    let result = run(&mut host, &message(), code).unwrap();
    assert_eq!(result.status, ExitStatus::Success);
    assert_eq!(host.calls.len(), 1);
    let call = &host.calls[0];
    assert_eq!(call.kind, CallKind::Call);
    assert_eq!(call.to, Address::repeat_byte(0x11));
    assert_eq!(call.input.to_vec(), hex::decode("deadbeef").unwrap());
    assert_eq!(call.gas_limit, 6300, "63/64 of the platform gas");
    assert!(!call.is_static);
    assert_eq!(result.output[..32], word(1)[..], "success pushed");
    assert_eq!(result.output[32..64], word(32)[..], "return data size");
    assert_eq!(
        result.output[64..96],
        [0xab; 32],
        "callee output copied to memory"
    );
}

#[test]
fn state_change_in_a_static_frame_halts() {
    let mut host = RecordingHost::default();
    let static_message = Message {
        is_static: true,
        ..message()
    };
    let result = run(&mut host, &static_message, "60015f5500").unwrap();
    assert_eq!(result.status, ExitStatus::Halt(Halt::StaticStateChange));
    assert!(host.storage.is_empty());
}

#[test]
fn precompile_without_value_runs_in_process() {
    let mut host = RecordingHost::default();
    // mem[29..32] = "abc"; STATICCALL(gas, 0x02, 29, 3, 0, 32); RETURN mem[0..32]
    let code = "626162635f52".to_owned() + "60205f6003601d60025f19fa50" + "60205ff3";
    let result = run(&mut host, &message(), &code).unwrap();
    assert!(host.calls.is_empty(), "the host was not asked");
    assert_eq!(
        hex::encode(&result.output),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

#[test]
fn call_with_value_to_a_precompile_goes_to_the_host() {
    let mut host = RecordingHost {
        gas_available: 1000,
        ..Default::default()
    };
    // CALL(gas, 0x02, value 1, 0, 0, 0, 0)
    let result = run(&mut host, &message(), "5f5f5f5f600160025f19f100").unwrap();
    assert_eq!(result.status, ExitStatus::Success);
    assert_eq!(host.calls.len(), 1);
    assert_eq!(host.calls[0].value, U256::from(1));
}

#[test]
fn call_at_the_depth_limit_fails_without_asking_the_host() {
    let mut host = RecordingHost::default();
    let deep = Message {
        depth: 1024,
        ..message()
    };
    // CALL(...) then return the success flag
    let code = "5f5f5f5f5f60115f19f15f5260205ff3";
    let result = run(&mut host, &deep, code).unwrap();
    assert!(host.calls.is_empty());
    assert_eq!(result.output.to_vec(), word(0));
}

#[test]
fn embedder_errors_abort_the_execution() {
    let mut host = RecordingHost {
        broken_key: Some(U256::from(7)),
        ..Default::default()
    };
    // SLOAD(7), then SSTORE(1, 1) which must never run
    let error = run(&mut host, &message(), "600754600160015500").unwrap_err();
    assert_eq!(error, "slot 7 is unreadable");
    assert!(host.storage.is_empty());
}

#[test]
fn transient_storage_and_log_errors_abort_the_execution() {
    // Each failing instruction, then SSTORE(1, 1) which must never run.
    let cases = [
        // TLOAD(1)
        ("60015c", "transient storage is unreadable"),
        // TSTORE(1, 1)
        ("600160015d", "transient storage is unwritable"),
        // LOG0 of no data
        ("5f5fa0", "the event was refused"),
        // LOG1 of no data with topic 7
        ("60075f5fa1", "the event was refused"),
    ];
    for (code, expected) in cases {
        let mut host = RecordingHost {
            broken_transient: true,
            broken_log: true,
            ..Default::default()
        };
        let error = run(&mut host, &message(), &format!("{code}600160015500")).unwrap_err();
        assert_eq!(error, expected, "{code}");
        assert!(host.storage.is_empty(), "{code}: ran on after the error");
        assert!(host.logs.is_empty() && host.transient.is_empty(), "{code}");
    }
}

#[test]
fn transient_storage_and_logs_reach_the_host() {
    let mut host = RecordingHost::default();
    // TSTORE(1, 5); LOG1(topic TLOAD(1)) of no data; TLOAD(1) to memory; return it
    let code = concat!("600560015d", "60015c5f5fa1", "60015c5f5260205ff3");
    let result = run(&mut host, &message(), code).unwrap();
    assert_eq!(result.output.to_vec(), word(5));
    assert_eq!(host.transient.get(&U256::from(1)), Some(&U256::from(5)));
    assert_eq!(host.logs.len(), 1);
    assert_eq!(host.logs[0].address, message().address);
    assert_eq!(host.logs[0].topics(), &[B256::from(U256::from(5))]);
}

#[test]
fn create2_passes_salt_and_initcode_and_pushes_the_address() {
    let mut host = RecordingHost {
        created: Address::repeat_byte(0x22),
        ..Default::default()
    };
    // mem[30..32] = 60 00; CREATE2(value 0, offset 30, size 2, salt 0x42); return the address
    let code = "6160005f52".to_owned() + "60426002601e5ff5" + "5f5260205ff3";
    let result = run(&mut host, &message(), &code).unwrap();
    assert_eq!(host.creates.len(), 1);
    assert_eq!(
        host.creates[0].scheme,
        CreateScheme::Create2 {
            salt: U256::from(0x42)
        }
    );
    assert_eq!(host.creates[0].initcode.to_vec(), vec![0x60, 0x00]);
    assert_eq!(
        result.output[..],
        Address::repeat_byte(0x22).into_word()[..]
    );
}

#[test]
fn revert_returns_its_data() {
    let mut host = RecordingHost::default();
    let result = run(&mut host, &message(), "61beef5f526002601efd").unwrap();
    assert_eq!(result.status, ExitStatus::Revert);
    assert_eq!(result.output.to_vec(), vec![0xbe, 0xef]);
}

#[test]
fn stack_is_limited_to_1024_items() {
    let mut host = RecordingHost::default();
    let result = run(&mut host, &message(), &"5f".repeat(1024)).unwrap();
    assert_eq!(result.status, ExitStatus::Success);
    let result = run(&mut host, &message(), &"5f".repeat(1025)).unwrap();
    assert_eq!(result.status, ExitStatus::Halt(Halt::StackOverflow));
}

#[test]
fn dup_tells_a_short_stack_from_a_full_one() {
    let mut host = RecordingHost::default();
    // DUP1 on an empty stack, DUP16 on 15 items: underflow.
    for code in ["80".to_string(), "5f".repeat(15) + "8f"] {
        let result = run(&mut host, &message(), &code).unwrap();
        assert_eq!(
            result.status,
            ExitStatus::Halt(Halt::StackUnderflow),
            "{code}"
        );
    }
    // DUP16 on 16 items works; DUP1 on a full stack overflows.
    let result = run(&mut host, &message(), &("5f".repeat(16) + "8f")).unwrap();
    assert_eq!(result.status, ExitStatus::Success);
    let result = run(&mut host, &message(), &("5f".repeat(1024) + "80")).unwrap();
    assert_eq!(result.status, ExitStatus::Halt(Halt::StackOverflow));
}

#[test]
fn cancun_opcodes_work_under_platform_metering() {
    let mut host = RecordingHost::default();
    // TSTORE(1, 5); TLOAD(1) -> mem[0]; MCOPY(dest 32, src 0, 32); RETURN mem[0..64]
    let code = "600560015d".to_owned() + "60015c5f52" + "60205f60205e" + "60405ff3";
    let result = run(&mut host, &message(), &code).unwrap();
    assert_eq!(result.status, ExitStatus::Success);
    assert_eq!(result.output[..32], word(5)[..]);
    assert_eq!(result.output[32..], word(5)[..]);
}

#[test]
fn account_queries_ask_the_host() {
    let mut host = RecordingHost::default();
    // EXTCODESIZE(0x11..), EXTCODEHASH(0x11..), BALANCE(0x11..) -> mem[0..96]
    let to = "731111111111111111111111111111111111111111";
    let code = format!("{to}3b5f52{to}3f602052{to}3160405260605ff3");
    let result = run(&mut host, &message(), &code).unwrap();
    assert_eq!(result.output[..32], word(7)[..]);
    assert_eq!(result.output[32..64], [0x33; 32]);
    assert_eq!(result.output[64..], word(1000)[..]);
}
