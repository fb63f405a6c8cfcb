// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// A small contract that every client acceptance test deploys and drives:
/// constructor argument, a view call, a state-changing call with an event,
/// and a revert with a reason string.
contract Greeter {
    string private greeting;
    uint256 public count;

    event GreetingChanged(address indexed by, string greeting);

    constructor(string memory g) {
        greeting = g;
        emit GreetingChanged(msg.sender, g);
    }

    function greet() external view returns (string memory) {
        return greeting;
    }

    function setGreeting(string calldata g) external {
        require(bytes(g).length > 0, "empty greeting");
        greeting = g;
        count += 1;
        emit GreetingChanged(msg.sender, g);
    }
}
