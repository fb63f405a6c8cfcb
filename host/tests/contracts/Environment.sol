// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// Reports what the EVM sees of its environment.
contract Environment {
    function context() external view returns (uint256 number, uint256 timestamp, uint256 chainid, address sender, address origin) {
        return (block.number, block.timestamp, block.chainid, msg.sender, tx.origin);
    }

    function hashes(uint256 n) external view returns (bytes32) {
        return blockhash(n);
    }

    function recover(bytes32 hash, uint8 v, bytes32 r, bytes32 s) external pure returns (address) {
        return ecrecover(hash, v, r, s);
    }

    function sha(bytes calldata data) external pure returns (bytes32) {
        return sha256(data);
    }
}

/// Pays its balance out and dies.
contract Mortal {
    uint256 public value = 7;

    constructor() payable {}

    function destroy(address payable beneficiary) external {
        selfdestruct(beneficiary);
    }
}

/// Runs the raw bytes given to it as initcode (for deployments a compiler would refuse).
contract Raw {
    function deploy(bytes memory initcode) external returns (address created) {
        assembly {
            created := create(0, add(initcode, 32), mload(initcode))
        }
    }
}
