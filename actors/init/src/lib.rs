//! The init actor (ID 1): hands out actor IDs, keeps the address -> ID map that the FVM itself
//! reads to resolve addresses, and is the only actor allowed to create others.

use actor_runtime::{
    decode_params, load_state, require_caller, restrict_internal_api, return_cbor, save_state,
    ActorBlockstore, ActorError, ActorResult, MethodResult,
};
use actor_types::{
    builtin::{Type, EAM_ACTOR_ID, METHOD_CONSTRUCTOR, SYSTEM_ACTOR_ID},
    init::{
        method, ConstructorParams, Exec4Params, ExecParams, ExecReturn, State,
        ADDRESS_MAP_BIT_WIDTH,
    },
};
use cid::Cid;
use fvm_ipld_encoding::{ipld_block::IpldBlock, RawBytes};
use fvm_ipld_hamt::{BytesKey, Hamt};
use fvm_shared::{address::Address, sys::SendFlags, ActorID};

type AddressMap = Hamt<ActorBlockstore, ActorID, BytesKey>;

#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub extern "C" fn invoke(params: u32) -> u32 {
    actor_runtime::entry_point(params, dispatch)
}

/// Routes a method to its implementation.
pub fn dispatch(method: u64, params: Option<IpldBlock>) -> MethodResult {
    restrict_internal_api(method)?;
    match method {
        METHOD_CONSTRUCTOR => constructor(params),
        method::EXEC => exec(params),
        method::EXEC4 => exec4(params),
        _ => Err(ActorError::unhandled_message(method)),
    }
}

fn constructor(params: Option<IpldBlock>) -> MethodResult {
    require_caller(SYSTEM_ACTOR_ID)?;
    let params: ConstructorParams = decode_params(params)?;
    let address_map = AddressMap::new_with_bit_width(ActorBlockstore, ADDRESS_MAP_BIT_WIDTH)
        .flush()
        .map_err(|e| ActorError::illegal_state(format!("creating the address map: {e}")))?;
    save_state(&State {
        address_map,
        next_id: actor_types::builtin::FIRST_NON_SINGLETON_ID,
        network_name: params.network_name,
    })?;
    Ok(None)
}

/// `Exec`: builtin-actors allow it only for multisig and payment-channel actors (and miners,
/// for the power actor). This bundle ships neither, so every request is refused as it would be
/// for any other type.
fn exec(params: Option<IpldBlock>) -> MethodResult {
    let params: ExecParams = decode_params(params)?;
    let allowed = matches!(
        code_type(&params.code_cid),
        Some(Type::Multisig | Type::PaymentChannel)
    );
    if !allowed {
        return Err(ActorError::forbidden(format!(
            "Exec may not create actors of code {}",
            params.code_cid
        )));
    }
    let robust = fvm_sdk::actor::next_actor_address();
    let mut state: State = load_state()?;
    let id = register(&mut state, None, &robust)?.0;
    create_and_construct(
        &mut state,
        id,
        &params.code_cid,
        None,
        params.constructor_params,
    )?;
    return_cbor(&ExecReturn {
        id_address: Address::new_id(id),
        robust_address: robust,
    })
}

/// `Exec4`: the EAM creates an actor with an f4 address in its namespace. An existing
/// placeholder at that address is taken over (keeping its balance).
fn exec4(params: Option<IpldBlock>) -> MethodResult {
    require_caller(EAM_ACTOR_ID)?;
    let params: Exec4Params = decode_params(params)?;
    let delegated = Address::new_delegated(EAM_ACTOR_ID, params.subaddress.bytes())
        .map_err(|e| ActorError::illegal_argument(format!("invalid subaddress: {e}")))?;
    let robust = fvm_sdk::actor::next_actor_address();
    let mut state: State = load_state()?;
    let (id, existing) = register(&mut state, Some(&delegated), &robust)?;
    if existing {
        let code = fvm_sdk::actor::get_actor_code_cid(&Address::new_id(id)).ok_or_else(|| {
            ActorError::forbidden(format!("f0{id} was deleted; its address cannot be reused"))
        })?;
        if code_type(&code) != Some(Type::Placeholder) {
            return Err(ActorError::forbidden(format!(
                "{delegated} is taken by a non-placeholder actor"
            )));
        }
    }
    create_and_construct(
        &mut state,
        id,
        &params.code_cid,
        Some(delegated),
        params.constructor_params,
    )?;
    return_cbor(&ExecReturn {
        id_address: Address::new_id(id),
        robust_address: robust,
    })
}

fn code_type(code: &Cid) -> Option<Type> {
    let number = fvm_sdk::actor::get_builtin_actor_type(code)?;
    Type::from_number(u32::try_from(number).ok()?)
}

/// Maps `delegated` (if any, reusing its ID when present) and `robust` to an ID. Returns the ID
/// and whether `delegated` was already mapped.
fn register(
    state: &mut State,
    delegated: Option<&Address>,
    robust: &Address,
) -> ActorResult<(ActorID, bool)> {
    let storage_error = |e| ActorError::illegal_state(format!("address map: {e}"));
    let mut map =
        AddressMap::load_with_bit_width(&state.address_map, ActorBlockstore, ADDRESS_MAP_BIT_WIDTH)
            .map_err(storage_error)?;
    let (id, existing) = match delegated {
        Some(address) => match map
            .get(&BytesKey(address.to_bytes()))
            .map_err(storage_error)?
        {
            Some(&id) => (id, true),
            None => {
                let id = take_id(state);
                map.set(BytesKey(address.to_bytes()), id)
                    .map_err(storage_error)?;
                (id, false)
            }
        },
        None => (take_id(state), false),
    };
    if !map
        .set_if_absent(BytesKey(robust.to_bytes()), id)
        .map_err(storage_error)?
    {
        return Err(ActorError::forbidden(format!(
            "robust address {robust} is already mapped"
        )));
    }
    state.address_map = map.flush().map_err(storage_error)?;
    Ok((id, existing))
}

fn take_id(state: &mut State) -> ActorID {
    let id = state.next_id;
    state.next_id += 1;
    id
}

/// Saves the address map, creates the actor and runs its constructor with the value received.
fn create_and_construct(
    state: &mut State,
    id: ActorID,
    code: &Cid,
    delegated: Option<Address>,
    constructor_params: RawBytes,
) -> ActorResult<()> {
    save_state(state)?;
    fvm_sdk::actor::create_actor(id, code, delegated)
        .map_err(|e| ActorError::forbidden(format!("creating actor f0{id}: {e:?}")))?;
    let response = fvm_sdk::send::send(
        &Address::new_id(id),
        METHOD_CONSTRUCTOR,
        constructor_params.into(),
        fvm_sdk::message::value_received(),
        None,
        SendFlags::empty(),
    )
    .map_err(|e| ActorError::assertion_failed(format!("constructing f0{id}: {e:?}")))?;
    if !response.exit_code.is_success() {
        return Err(
            ActorError::new(response.exit_code, format!("constructor of f0{id} failed"))
                .with_data(response.return_data),
        );
    }
    Ok(())
}
