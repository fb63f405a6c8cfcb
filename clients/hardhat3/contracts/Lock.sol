// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

// Hardhat's classic sample contract (funds locked until a given time, then withdrawable by the
// owner), with a custom error for a withdrawal by someone else.
contract Lock {
    uint256 public unlockTime;
    address payable public owner;

    event Withdrawal(uint256 amount, uint256 when);

    error NotOwner(address caller);

    constructor(uint256 _unlockTime) payable {
        require(block.timestamp < _unlockTime, "Unlock time should be in the future");
        unlockTime = _unlockTime;
        owner = payable(msg.sender);
    }

    function withdraw() public {
        require(block.timestamp >= unlockTime, "You can't withdraw yet");
        if (msg.sender != owner) revert NotOwner(msg.sender);

        emit Withdrawal(address(this).balance, block.timestamp);
        owner.transfer(address(this).balance);
    }
}
