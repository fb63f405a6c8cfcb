// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract Callee {
    error Oops(uint256 code, address who);
    uint256 public pokes;

    function poke() external returns (uint256) {
        pokes += 1;
        return pokes;
    }

    function failWithReason(string calldata reason) external pure {
        revert(reason);
    }

    function failWithError(uint256 code) external view {
        revert Oops(code, msg.sender);
    }
}

/// Calls a Callee and catches its failures.
contract Caller {
    string public lastReason;
    bytes public lastError;

    function pokeThrough(Callee callee) external returns (uint256) {
        return callee.poke();
    }

    function catchReason(Callee callee, string calldata reason) external returns (bool) {
        try callee.failWithReason(reason) {
            return false;
        } catch Error(string memory caught) {
            lastReason = caught;
            return true;
        }
    }

    function catchError(Callee callee, uint256 code) external returns (bool) {
        try callee.failWithError(code) {
            return false;
        } catch (bytes memory data) {
            lastError = data;
            return true;
        }
    }

    /// A failure not caught: this frame reverts with the callee's data.
    function bubble(Callee callee, string calldata reason) external view {
        callee.failWithReason(reason);
    }
}
