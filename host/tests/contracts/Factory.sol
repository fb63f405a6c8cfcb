// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract Child {
    uint256 public value;
    address public parent;

    constructor(uint256 v) payable {
        value = v;
        parent = msg.sender;
    }
}

/// Creates children with CREATE and CREATE2.
contract Factory {
    event Created(address child);

    function create(uint256 v) external returns (address) {
        Child child = new Child(v);
        emit Created(address(child));
        return address(child);
    }

    function create2(bytes32 salt, uint256 v) external returns (address) {
        Child child = new Child{salt: salt}(v);
        emit Created(address(child));
        return address(child);
    }

    function childInitcodeHash(uint256 v) external pure returns (bytes32) {
        return keccak256(abi.encodePacked(type(Child).creationCode, abi.encode(v)));
    }
}

contract Phoenix {
    uint256 public generation;

    /// Asks its creator, mid-creation, how many times it hatched: the creator's state must be
    /// visible to this re-entrant call.
    constructor() {
        generation = Nest(msg.sender).hatches();
    }

    function die() external {
        selfdestruct(payable(msg.sender));
    }
}

/// Creates a Phoenix at a fixed CREATE2 address, again after it died.
contract Nest {
    uint256 public hatches;

    function hatch() external returns (address) {
        hatches += 1;
        return address(new Phoenix{salt: bytes32(0)}());
    }
}

/// Answers Filecoin methods (numbers >= 1024 that are not the EVM actor's own).
contract FilecoinMethods {
    uint64 public lastMethod;

    function handle_filecoin_method(uint64 method, uint64 codec, bytes calldata params)
        external
        returns (uint32 exitCode, uint64 returnCodec, bytes memory data)
    {
        lastMethod = method;
        if (method == 4444) {
            return (17, 0, "");
        }
        // Echo the params back as the return block.
        return (0, codec, params);
    }
}
