// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// A deployed library: its public functions are reached by DELEGATECALL, and run on the
/// caller's storage.
library Tally {
    struct Data {
        uint256 total;
        uint256 count;
    }

    function add(Data storage data, uint256 amount) public returns (uint256) {
        data.total += amount;
        data.count += 1;
        return data.total;
    }
}

contract UsesTally {
    Tally.Data public data;

    function add(uint256 amount) external returns (uint256) {
        return Tally.add(data, amount);
    }
}
