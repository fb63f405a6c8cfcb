contract C {
    uint public x;
    function set(uint v) public returns (uint) { x = v; return v * 2; }
    function fail() public pure { revert("no"); }
}
// ====
// EVMVersion: >=cancun
// compileViaYul: also
// ----
// x() -> 0
// set(uint256): 21 -> 42
// x() -> 21
// fail() -> FAILURE, hex"08c379a0", 0x20, 2, "no"
// set(uint256), 1 ether: 1 -> FAILURE
