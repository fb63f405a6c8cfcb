// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// Uses Filecoin's precompiles (FIP-0054) as FEVM documents them.
contract UsesFilecoinPrecompiles {
    address constant RESOLVE_ADDRESS = 0xFE00000000000000000000000000000000000001;
    address constant LOOKUP_DELEGATED_ADDRESS = 0xfE00000000000000000000000000000000000002;
    address constant CALL_ACTOR_ID = 0xfe00000000000000000000000000000000000005;

    constructor() payable {}

    function resolve(bytes calldata filecoinAddress) external view returns (bool ok, bytes memory out) {
        (ok, out) = RESOLVE_ADDRESS.staticcall(filecoinAddress);
    }

    function lookup(uint64 id) external view returns (bool ok, bytes memory out) {
        (ok, out) = LOOKUP_DELEGATED_ADDRESS.staticcall(abi.encode(id));
    }

    /// Sends `value` to actor `id` with method 0 (a plain transfer).
    function pay(uint64 id, uint256 value) external returns (int256 exitCode, uint64 codec, bytes memory data) {
        (bool ok, bytes memory out) = CALL_ACTOR_ID.delegatecall(
            abi.encode(uint64(0), value, uint64(0), uint64(0), bytes(""), id)
        );
        require(ok, "call_actor_id failed");
        return abi.decode(out, (int256, uint64, bytes));
    }

    /// call_actor_id on an input as it is, well formed or not.
    function callActorIdRaw(bytes calldata input) external returns (bool ok, bytes memory out) {
        (ok, out) = CALL_ACTOR_ID.delegatecall(input);
    }

    /// call_actor_id may only be reached by DELEGATECALL.
    function payByCall(uint64 id, uint256 value) external returns (bool ok) {
        (ok, ) = CALL_ACTOR_ID.call(abi.encode(uint64(0), value, uint64(0), uint64(0), bytes(""), id));
    }
}
