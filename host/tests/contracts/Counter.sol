// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract Counter {
    uint256 public count;
    event Incremented(address indexed by, uint256 count);

    constructor(uint256 start) {
        count = start;
    }

    function inc() external returns (uint256) {
        count += 1;
        emit Incremented(msg.sender, count);
        return count;
    }
}
