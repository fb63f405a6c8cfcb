// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// Takes and forwards value.
contract Vault {
    uint256 public received;
    event Deposit(address from, uint256 amount);

    receive() external payable {
        received += msg.value;
        emit Deposit(msg.sender, msg.value);
    }

    function deposit() external payable {
        received += msg.value;
        emit Deposit(msg.sender, msg.value);
    }

    function forward(address payable to, uint256 amount) external {
        (bool ok, ) = to.call{value: amount}("");
        require(ok, "forward failed");
    }

    function balance() external view returns (uint256) {
        return address(this).balance;
    }

    function notPayable() external {}
}
