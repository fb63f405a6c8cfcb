// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// Keeps storage-market escrow, as a deal client contract does: calls the market actor (f05)
/// through FEVM's call_actor_id precompile with CBOR params, the way filecoin-solidity does.
contract MarketEscrow {
    address constant CALL_ACTOR_ID = 0xfe00000000000000000000000000000000000005;
    uint64 constant MARKET_ACTOR = 5;
    uint64 constant DAG_CBOR = 0x51;
    uint64 constant READ_ONLY = 1;

    // The market's exported methods (FRC-42 numbers).
    uint64 constant ADD_BALANCE = 822473126;
    uint64 constant WITHDRAW_BALANCE = 2280458852;
    uint64 constant GET_BALANCE = 726108461;

    event MarketCalled(uint64 method, int256 exitCode);

    receive() external payable {}

    /// Deposits the value sent into the escrow of `account` (a Filecoin address's bytes).
    function addBalance(bytes calldata account) external payable returns (int256 exitCode) {
        (exitCode, ) = callMarket(ADD_BALANCE, msg.value, 0, cborBytes(account));
        emit MarketCalled(ADD_BALANCE, exitCode);
    }

    /// Withdraws `amount` (a Filecoin big integer's bytes) of `account`'s escrow.
    function withdrawBalance(bytes calldata account, bytes calldata amount)
        external
        returns (int256 exitCode, bytes memory ret)
    {
        bytes memory params = bytes.concat(hex"82", cborBytes(account), cborBytes(amount));
        (exitCode, ret) = callMarket(WITHDRAW_BALANCE, 0, 0, params);
        emit MarketCalled(WITHDRAW_BALANCE, exitCode);
    }

    /// `account`'s escrow and locked balance, as the market answers them (CBOR).
    function getBalance(bytes calldata account) external returns (int256 exitCode, bytes memory ret) {
        return callMarket(GET_BALANCE, 0, READ_ONLY, cborBytes(account));
    }

    function callMarket(uint64 method, uint256 value, uint64 flags, bytes memory params)
        internal
        returns (int256 exitCode, bytes memory ret)
    {
        (bool ok, bytes memory out) = CALL_ACTOR_ID.delegatecall(
            abi.encode(method, value, flags, DAG_CBOR, params, MARKET_ACTOR)
        );
        require(ok, "call_actor_id failed");
        uint64 codec;
        (exitCode, codec, ret) = abi.decode(out, (int256, uint64, bytes));
    }

    /// `data` as a CBOR byte string (major type 2).
    function cborBytes(bytes memory data) internal pure returns (bytes memory) {
        uint256 length = data.length;
        if (length < 24) {
            return bytes.concat(bytes1(uint8(0x40 + length)), data);
        }
        if (length < 256) {
            return bytes.concat(hex"58", bytes1(uint8(length)), data);
        }
        require(length < 65536, "too long");
        return bytes.concat(hex"59", bytes2(uint16(length)), data);
    }
}
