//! The Ethereum Address Manager (ID 10). Every EVM contract is created here, at the address
//! Ethereum would give it: `CREATE`'s `keccak(rlp(sender, nonce))`, `CREATE2`'s
//! `keccak(0xff ++ sender ++ salt ++ keccak(initcode))`. The new actor gets that address as
//! its f410 address (namespace 10), through the init actor's `Exec4`.

use actor_runtime::{
    caller_type, decode_params, require_caller, return_cbor, ActorError, ActorResult, MethodResult,
};
use actor_types::{
    builtin::{Type, EAM_ACTOR_ID, INIT_ACTOR_ADDR, METHOD_CONSTRUCTOR, SYSTEM_ACTOR_ID},
    eam::{method, Create2Params, CreateExternalParams, CreateParams, CreateReturn},
    evm::{self, ConstructorParams},
    init::{self, Exec4Params, ExecReturn},
    EthAddress,
};
use alloy_primitives::{keccak256, Address as AlloyAddress, B256};
use fvm_ipld_encoding::{ipld_block::IpldBlock, RawBytes};
use fvm_shared::{address::Address, sys::SendFlags, ActorID};

#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub extern "C" fn invoke(params: u32) -> u32 {
    actor_runtime::entry_point(params, dispatch)
}

/// Routes a method to its implementation. Like builtin-actors' EAM, every method is exported
/// (contracts call `Create`/`Create2`).
pub fn dispatch(method: u64, params: Option<IpldBlock>) -> MethodResult {
    match method {
        METHOD_CONSTRUCTOR => constructor(),
        method::CREATE => create(params),
        method::CREATE2 => create2(params),
        method::CREATE_EXTERNAL => create_external(params),
        _ => Err(ActorError::unhandled_message(method)),
    }
}

fn constructor() -> MethodResult {
    require_caller(SYSTEM_ACTOR_ID)?;
    if fvm_sdk::message::receiver() != EAM_ACTOR_ID {
        return Err(ActorError::forbidden("the EAM must be deployed at f010"));
    }
    Ok(None)
}

/// `CREATE` from a contract.
fn create(params: Option<IpldBlock>) -> MethodResult {
    let params: CreateParams = decode_params(params)?;
    let creator = calling_contract()?;
    let address = create_address(&creator, params.nonce);
    create_actor(creator, address, params.initcode)
}

/// `CREATE2` from a contract.
fn create2(params: Option<IpldBlock>) -> MethodResult {
    let params: Create2Params = decode_params(params)?;
    let creator = calling_contract()?;
    let address = create2_address(&creator, &params.salt, &params.initcode);
    create_actor(creator, address, params.initcode)
}

/// A deployment transaction from an account: the address derives from the sender's Ethereum
/// address and the message's nonce, as Ethereum derives it from the transaction's.
fn create_external(params: Option<IpldBlock>) -> MethodResult {
    let CreateExternalParams(initcode) = decode_params(params)?;
    let caller = fvm_sdk::message::caller();
    if caller != fvm_sdk::message::origin() {
        return Err(ActorError::forbidden(
            "CreateExternal must be called by the message's sender",
        ));
    }
    let (owner, stable) = match caller_type() {
        Some(Type::EthAccount) => {
            let eth = delegated_eth_address(caller)
                .ok_or_else(|| ActorError::forbidden("the EthAccount has no f410 address"))?;
            (eth, eth)
        }
        Some(Type::Account) => {
            let key = account_key_address(caller)?;
            let digest = keccak256(key.to_bytes());
            (
                EthAddress::from_id(caller),
                EthAddress(digest[12..].try_into().expect("20 bytes")),
            )
        }
        _ => {
            return Err(ActorError::forbidden(
                "only accounts and EthAccounts may deploy contracts directly",
            ))
        }
    };
    let address = create_address(&stable, fvm_sdk::message::nonce());
    create_actor(owner, address, initcode)
}

/// The Ethereum address of the EVM contract calling, which must have one.
fn calling_contract() -> ActorResult<EthAddress> {
    if caller_type() != Some(Type::Evm) {
        return Err(ActorError::forbidden(
            "only EVM contracts may call Create/Create2",
        ));
    }
    delegated_eth_address(fvm_sdk::message::caller())
        .ok_or_else(|| ActorError::forbidden("caller has no Ethereum address"))
}

fn delegated_eth_address(id: ActorID) -> Option<EthAddress> {
    EthAddress::from_f410(&fvm_sdk::actor::lookup_delegated_address(id)?)
}

fn account_key_address(id: ActorID) -> ActorResult<Address> {
    const PUBKEY_ADDRESS: u64 = actor_types::account::method::PUBKEY_ADDRESS;
    let response = fvm_sdk::send::send(
        &Address::new_id(id),
        PUBKEY_ADDRESS,
        None,
        Default::default(),
        None,
        SendFlags::READ_ONLY,
    )
    .map_err(|e| ActorError::assertion_failed(format!("asking the account for its key: {e:?}")))?;
    if !response.exit_code.is_success() {
        return Err(ActorError::new(
            response.exit_code,
            "the account did not report its key",
        ));
    }
    decode_params(response.return_data)
}

/// `keccak256(rlp([creator, nonce]))[12..]`.
pub fn create_address(creator: &EthAddress, nonce: u64) -> EthAddress {
    AlloyAddress::from(*creator).create(nonce).into()
}

/// `keccak256(0xff ++ creator ++ salt ++ keccak256(initcode))[12..]`.
pub fn create2_address(creator: &EthAddress, salt: &[u8; 32], initcode: &[u8]) -> EthAddress {
    AlloyAddress::from(*creator)
        .create2(B256::from(*salt), keccak256(initcode))
        .into()
}

/// Creates (or resurrects) the contract at `address`, running `initcode` as `creator`, with
/// the value this message brought.
fn create_actor(creator: EthAddress, address: EthAddress, initcode: Vec<u8>) -> MethodResult {
    if address.is_precompile_range() || address.as_id().is_some() {
        return Err(ActorError::forbidden(format!(
            "cannot create a contract at reserved address {:?}",
            address.0
        )));
    }
    let constructor = ConstructorParams {
        creator,
        initcode: initcode.into(),
    };
    let constructor_params = RawBytes::serialize(&constructor)
        .map_err(|e| ActorError::serialization(format!("encoding constructor params: {e}")))?;
    let value = fvm_sdk::message::value_received();
    let f410 = address.to_f410();

    if let Some(id) = fvm_sdk::actor::resolve_address(&f410) {
        let code = fvm_sdk::actor::get_actor_code_cid(&Address::new_id(id));
        let kind = code
            .and_then(|c| fvm_sdk::actor::get_builtin_actor_type(&c))
            .and_then(|n| Type::from_number(n as u32));
        match kind {
            Some(Type::Evm) => {
                let params = IpldBlock::serialize_dag_cbor(&constructor).map_err(|e| {
                    ActorError::serialization(format!("encoding resurrect params: {e}"))
                })?;
                call(&Address::new_id(id), evm::method::RESURRECT, params, value)?;
                return return_cbor(&CreateReturn {
                    actor_id: id,
                    robust_address: None,
                    eth_address: address,
                });
            }
            Some(Type::Placeholder) => {}
            _ => {
                return Err(ActorError::forbidden(
                    "the address is taken by another actor",
                ))
            }
        }
    }

    let code_cid = fvm_sdk::actor::get_code_cid_for_type(Type::Evm as i32);
    let exec4 = Exec4Params {
        code_cid,
        constructor_params,
        subaddress: address.0.to_vec().into(),
    };
    let exec4 = IpldBlock::serialize_cbor(&exec4)
        .map_err(|e| ActorError::serialization(format!("encoding Exec4: {e}")))?;
    let created: ExecReturn =
        decode_params(call(&INIT_ACTOR_ADDR, init::method::EXEC4, exec4, value)?)?;
    let actor_id = created
        .id_address
        .id()
        .map_err(|_| ActorError::illegal_state("init returned a non-ID address"))?;
    return_cbor(&CreateReturn {
        actor_id,
        robust_address: Some(created.robust_address),
        eth_address: address,
    })
}

/// Sends and turns a failed callee into this method's failure, keeping its data (the
/// constructor's revert data reaches the deployer).
fn call(
    to: &Address,
    method: u64,
    params: Option<IpldBlock>,
    value: fvm_shared::econ::TokenAmount,
) -> ActorResult<Option<IpldBlock>> {
    let response = fvm_sdk::send::send(to, method, params, value, None, SendFlags::empty())
        .map_err(|e| ActorError::assertion_failed(format!("send to {to} failed: {e:?}")))?;
    if response.exit_code.is_success() {
        Ok(response.return_data)
    } else {
        Err(
            ActorError::new(response.exit_code, format!("{to} method {method} failed"))
                .with_data(response.return_data),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_addresses_match_ethereum() {
        // The first contract deployed by 0x6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0 (nonce 0),
        // a worked example of Ethereum's derivation.
        let sender = EthAddress(hex_array("6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0"));
        assert_eq!(
            create_address(&sender, 0).0,
            hex_array("cd234a471b72ba2f1ccf0a70fcaba648a5eecd8d")
        );
        assert_eq!(
            create_address(&sender, 1).0,
            hex_array("343c43a37d37dff08ae8c4a11544c718abb4fcf8")
        );
    }

    #[test]
    fn create2_address_matches_eip_1014_example() {
        // EIP-1014 example 0: deployer 0x00..00, salt 0, initcode 0x00.
        let address = create2_address(&EthAddress::NULL, &[0; 32], &[0x00]);
        assert_eq!(
            address.0,
            hex_array("4d1a2e2bb4f88f0250f26ffff098b0b30b26bf38")
        );
    }

    fn hex_array(s: &str) -> [u8; 20] {
        let bytes: Vec<u8> = (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect();
        bytes.try_into().unwrap()
    }
}
