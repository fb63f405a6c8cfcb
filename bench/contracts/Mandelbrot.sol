// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// A compute workload of our own: the Mandelbrot set on a `size` x `size` grid in 16.16 fixed
/// point, up to `maxIter` iterations per point. Pure arithmetic and branches, no syscalls.
contract Mandelbrot {
    int256 constant ONE = 1 << 16;

    function render(uint256 size, uint256 maxIter) external pure returns (uint256 inside, uint256 iterations) {
        int256 n = int256(size);
        for (int256 py = 0; py < n; py++) {
            int256 ci = (py * 3 * ONE) / n - (3 * ONE) / 2;
            for (int256 px = 0; px < n; px++) {
                int256 cr = (px * 3 * ONE) / n - 2 * ONE;
                int256 zr = 0;
                int256 zi = 0;
                uint256 i = 0;
                while (i < maxIter) {
                    int256 zr2 = (zr * zr) >> 16;
                    int256 zi2 = (zi * zi) >> 16;
                    if (zr2 + zi2 > 4 * ONE) break;
                    zi = ((2 * zr * zi) >> 16) + ci;
                    zr = zr2 - zi2 + cr;
                    i++;
                }
                iterations += i;
                if (i == maxIter) inside++;
            }
        }
    }
}
