// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.28;

// Hardhat 3's sample contract (`hardhat --init`, mocha + ethers), with the pragma lowered from
// ^0.8.34 to the root's solc-js 0.8.28.
contract Counter {
  uint public x;

  event Increment(uint by);

  function inc() public {
    x++;
    emit Increment(1);
  }

  function incBy(uint by) public {
    require(by > 0, "incBy: increment should be positive");
    x += by;
    emit Increment(by);
  }
}
