// Hardhat 3's sample Ignition module (`hardhat --init`, mocha + ethers); not run by the tests.
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

export default buildModule("CounterModule", (m) => {
  const counter = m.contract("Counter");

  m.call(counter, "incBy", [5n]);

  return { counter };
});
