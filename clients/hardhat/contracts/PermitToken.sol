// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

// An ERC-20 with EIP-2612 permit (gasless approvals signed as EIP-712 typed data).
contract PermitToken is ERC20, ERC20Permit {
    constructor(uint256 initialSupply) ERC20("Permit Token", "PTK") ERC20Permit("Permit Token") {
        _mint(msg.sender, initialSupply);
    }
}
