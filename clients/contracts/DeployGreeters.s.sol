// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Greeter} from "../src/Greeter.sol";

/// The cheatcodes this script uses (forge-std's `Vm`, which is not installed offline).
interface Vm {
    function startBroadcast() external;
    function stopBroadcast() external;
}

/// A forge script as projects write them: a contract deployed with a salt (through the CREATE2
/// deployer), one deployed plainly, and a call to each; four transactions, which forge sends
/// without waiting for one another.
contract DeployGreeters {
    Vm constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    bytes32 public constant SALT = bytes32(uint256(1));

    function run() external returns (Greeter salted, Greeter plain) {
        vm.startBroadcast();
        salted = new Greeter{salt: SALT}("salted");
        salted.setGreeting("set by the script");
        plain = new Greeter("plain");
        plain.setGreeting("also set by the script");
        vm.stopBroadcast();
    }
}
