// Hardhat 3 project (hardhat --init's mocha + ethers sample, plus a network-helpers test) run
// against any JSON-RPC endpoint (our fvm-devnet, or anvil for comparison):
// `RPC_URL=... npx hardhat test mocha --network fvm`. See clients/hardhat3.sh, which runs it with
// the Node 22 this project installs (the `node` devDependency; Hardhat 3 needs Node >= 22.13).
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import hardhatToolboxMochaEthersPlugin from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { defineConfig } from "hardhat/config";

const SOLC_VERSION = "0.8.28";

// Compile offline with the solc-js pinned in the repository root's package.json instead of
// downloading a compiler (the root's `npm ci` installs it). Hardhat 3 takes a local compiler
// through the solidity config's `path`: a native solc binary or, as here, a solc-js soljson.js.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const soljson = path.join(
  path.dirname(createRequire(path.join(root, "package.json")).resolve("solc/package.json")),
  "soljson.js",
);

export default defineConfig({
  plugins: [hardhatToolboxMochaEthersPlugin],
  solidity: {
    version: SOLC_VERSION,
    path: soljson,
    settings: { evmVersion: "cancun", optimizer: { enabled: true, runs: 200 } },
  },
  networks: {
    fvm: {
      type: "http",
      chainType: "l1",
      url: process.env.RPC_URL || "http://127.0.0.1:8545",
      // The node's dev accounts sign (eth_accounts, eth_sendTransaction).
      accounts: "remote",
      // FVM transactions take longer than Ethereum dev nodes' (milliseconds).
      timeout: 120_000,
    },
  },
  test: {
    mocha: { timeout: 300_000 },
  },
});
