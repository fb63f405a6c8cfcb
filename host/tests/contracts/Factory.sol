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
