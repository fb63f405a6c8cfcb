// Hardhat 2 project as a Filecoin Solidity developer would have it, run against any JSON-RPC
// endpoint (our fvm-devnet, or anvil for comparison): `RPC_URL=... npx hardhat test --network fvm`.
// See clients/hardhat.sh.
const path = require("path");
const { subtask } = require("hardhat/config");
const { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } = require("hardhat/builtin-tasks/task-names");
require("@nomicfoundation/hardhat-toolbox");

const SOLC_VERSION = "0.8.28";

// Compile offline with the solc-js pinned in the repository root's package.json instead of
// downloading a compiler (the root's `npm ci` installs it).
subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async ({ solcVersion }, _hre, runSuper) => {
  if (solcVersion !== SOLC_VERSION) return runSuper();
  const root = path.resolve(__dirname, "..", "..");
  const solcDir = path.dirname(require.resolve("solc/package.json", { paths: [root] }));
  const solc = require(solcDir);
  // "0.8.28+commit.7893614a.Emscripten.clang" -> "0.8.28+commit.7893614a"
  const longVersion = solc.version().replace(/\.Emscripten\.clang$/, "");
  if (!longVersion.startsWith(`${SOLC_VERSION}+`)) {
    throw new Error(`${solcDir} is solc ${longVersion}, expected ${SOLC_VERSION}; run npm ci in ${root}`);
  }
  return {
    compilerPath: path.join(solcDir, "soljson.js"),
    isSolcJs: true,
    version: SOLC_VERSION,
    longVersion,
  };
});

/** @type import('hardhat/config').HardhatUserConfig */
module.exports = {
  solidity: {
    version: SOLC_VERSION,
    settings: { evmVersion: "cancun", optimizer: { enabled: true, runs: 200 } },
  },
  defaultNetwork: "fvm",
  networks: {
    fvm: {
      url: process.env.RPC_URL || "http://127.0.0.1:8545",
      // The node's dev accounts sign (eth_sendTransaction, eth_signTypedData_v4, personal_sign).
      accounts: "remote",
      // FVM transactions take longer than Ethereum dev nodes' (milliseconds).
      timeout: 120_000,
    },
  },
  mocha: { timeout: 300_000 },
};
