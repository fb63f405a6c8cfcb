// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

// Per-account ether deposits; withdrawing more than the deposit reverts with a custom error.
contract Vault {
    error InsufficientBalance(uint256 available, uint256 required);

    mapping(address => uint256) public balances;

    event Deposited(address indexed account, uint256 amount);
    event Withdrawn(address indexed account, uint256 amount);

    function deposit() external payable {
        balances[msg.sender] += msg.value;
        emit Deposited(msg.sender, msg.value);
    }

    function withdraw(uint256 amount) external {
        uint256 available = balances[msg.sender];
        if (available < amount) revert InsufficientBalance(available, amount);
        balances[msg.sender] = available - amount;
        (bool ok, ) = msg.sender.call{value: amount}("");
        require(ok, "transfer failed");
        emit Withdrawn(msg.sender, amount);
    }
}
