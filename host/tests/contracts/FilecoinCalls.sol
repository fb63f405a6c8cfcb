// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// Calls any built-in actor's method through FEVM's call_actor_id precompile, with DAG-CBOR
/// params the caller built (what filecoin-solidity's libraries do for each method).
contract FilecoinCalls {
    address constant CALL_ACTOR_ID = 0xfe00000000000000000000000000000000000005;
    uint64 constant DAG_CBOR = 0x51;

    /// FRC-46's universal receiver hook: what a token actor calls on a recipient.
    uint64 constant RECEIVER_HOOK = 3726118371;

    receive() external payable {}

    /// Filecoin methods sent to this contract: it takes tokens (DataCap minted or sent to it)
    /// and refuses anything else.
    function handle_filecoin_method(uint64 method, uint64, bytes calldata)
        external
        pure
        returns (uint32 exitCode, uint64 codec, bytes memory ret)
    {
        require(method == RECEIVER_HOOK, "unsupported Filecoin method");
        return (0, 0, "");
    }

    function callActor(uint64 actor, uint64 method, uint256 value, uint64 flags, bytes calldata params)
        external
        payable
        returns (int256 exitCode, bytes memory ret)
    {
        uint64 codec = params.length == 0 ? 0 : DAG_CBOR;
        return send(abi.encode(method, value, flags, codec, params, actor));
    }

    function send(bytes memory input) internal returns (int256 exitCode, bytes memory ret) {
        (bool ok, bytes memory out) = CALL_ACTOR_ID.delegatecall(input);
        require(ok, "call_actor_id failed");
        (exitCode, , ret) = abi.decode(out, (int256, uint64, bytes));
    }
}
