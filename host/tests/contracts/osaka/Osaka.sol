// SPDX-License-Identifier: MIT
// Compiled for osaka by solc 0.8.31 (npm `solc-osaka`): what builtin-actors v18 added to the
// EVM. CLZ (EIP-7939), and calls to the BLS12-381 (EIP-2537), P256VERIFY (EIP-7951) and
// get_randomness (FIP-0095) precompiles.
pragma solidity 0.8.31;

contract Osaka {
    address constant GET_RANDOMNESS = 0xfE00000000000000000000000000000000000006;

    function countLeadingZeros(uint256 x) external pure returns (uint256 zeros) {
        assembly {
            zeros := clz(x)
        }
    }

    /// A static call to `target`: whether it succeeded, and what it returned.
    function precompile(address target, bytes calldata input)
        external
        view
        returns (bool ok, bytes memory output)
    {
        (ok, output) = target.staticcall(input);
    }

    function randomness(uint256 epoch) external view returns (bool ok, bytes memory output) {
        (ok, output) = GET_RANDOMNESS.staticcall(abi.encode(epoch));
    }
}
