#!/usr/bin/env node
// ethers v6 acceptance test: deploy Greeter, call, transact, read the event, see a revert reason.
// Usage: RPC_URL=http://127.0.0.1:8545 [PRIVATE_KEY=0x...] node clients/ethers.mjs
import { ethers } from 'ethers';
import {
  RPC_URL, PRIVATE_KEY, REVERT_REASON, RECEIPT_TIMEOUT_MS, fetchChainId,
  loadGreeter, check, checkEq, expectError, run,
} from './common.mjs';

await run('ethers', async () => {
  const { abi, bytecode } = loadGreeter();
  // Chain id as the node reports it (no hard-coded chain); fixing the provider's network to it
  // keeps ethers from retrying network detection forever when the node is down.
  const rawChainId = await fetchChainId();
  const provider = new ethers.JsonRpcProvider(RPC_URL, undefined, {
    pollingInterval: 250,
    staticNetwork: ethers.Network.from(rawChainId),
    // No response cache: on a node that mines at once, a cached eth_getTransactionCount
    // would hand the second transaction the first one's nonce.
    cacheTimeout: -1,
  });
  const wallet = new ethers.Wallet(PRIVATE_KEY, provider);
  checkEq(BigInt(await provider.send('eth_chainId', [])), rawChainId, 'eth_chainId through the provider');
  const { chainId } = await provider.getNetwork();
  checkEq(chainId, rawChainId, 'getNetwork().chainId vs eth_chainId');
  const balance = await provider.getBalance(wallet.address);
  check(balance > 0n, `account ${wallet.address} has no balance`);

  // Deploy with a constructor argument; gas is estimated by the node.
  const factory = new ethers.ContractFactory(abi, bytecode, wallet);
  const contract = await factory.deploy('Hello from ethers');
  const deployTx = contract.deploymentTransaction();
  check(deployTx, 'deploy returned no deployment transaction');
  const deployReceipt = await deployTx.wait(1, RECEIPT_TIMEOUT_MS);
  checkEq(deployReceipt.status, 1, 'deploy receipt status');
  const address = await contract.getAddress();
  checkEq(deployReceipt.contractAddress, address, 'deploy receipt contractAddress');
  const code = await provider.getCode(address);
  check(code && code !== '0x', `no code at deployed address ${address}`);

  // Reads.
  checkEq(await contract.greet(), 'Hello from ethers', 'greet() after deploy');
  checkEq(await contract.count(), 0n, 'count() after deploy');

  // Write and wait for the receipt.
  const tx = await contract.setGreeting('Hola from ethers');
  const receipt = await tx.wait(1, RECEIPT_TIMEOUT_MS);
  checkEq(receipt.status, 1, 'setGreeting receipt status');
  checkEq(receipt.hash, tx.hash, 'receipt hash vs tx hash');
  check(receipt.gasUsed > 0n, 'setGreeting receipt gasUsed is 0');
  checkEq(await contract.greet(), 'Hola from ethers', 'greet() after setGreeting');
  checkEq(await contract.count(), 1n, 'count() after setGreeting');

  // The event, from the receipt...
  const parsed = receipt.logs
    .filter((l) => l.address.toLowerCase() === address.toLowerCase())
    .map((l) => contract.interface.parseLog(l))
    .filter((p) => p && p.name === 'GreetingChanged');
  checkEq(parsed.length, 1, 'GreetingChanged events in the setGreeting receipt');
  checkEq(parsed[0].args.by, wallet.address, 'event arg by (receipt)');
  checkEq(parsed[0].args.greeting, 'Hola from ethers', 'event arg greeting (receipt)');

  // ...and via eth_getLogs over the blocks since deployment (constructor event + setGreeting event).
  const events = await contract.queryFilter(
    contract.filters.GreetingChanged(wallet.address),
    deployReceipt.blockNumber,
    receipt.blockNumber,
  );
  checkEq(events.length, 2, 'GreetingChanged events from queryFilter');
  checkEq(events[0].args.greeting, 'Hello from ethers', 'first event greeting (queryFilter)');
  checkEq(events[1].args.greeting, 'Hola from ethers', 'second event greeting (queryFilter)');
  checkEq(events[1].transactionHash, tx.hash, 'second event transactionHash');
  checkEq(events[1].args.by, wallet.address, 'second event arg by (queryFilter)');

  // Revert reason, via eth_call (staticCall) and via eth_estimateGas.
  for (const [how, fn] of [
    ['staticCall', () => contract.setGreeting.staticCall('')],
    ['estimateGas', () => contract.setGreeting.estimateGas('')],
  ]) {
    const err = await expectError(fn, `setGreeting("") via ${how}`);
    check(
      err.reason === REVERT_REASON || String(err.message).includes(REVERT_REASON),
      `setGreeting("") via ${how}: error does not carry "${REVERT_REASON}": ` +
        `code=${err.code} reason=${err.reason} message=${err.message}`,
    );
  }
  // The failed attempts changed nothing.
  checkEq(await contract.greet(), 'Hola from ethers', 'greet() after reverted calls');

  return `deployed ${address} on chain ${chainId}, greet/setGreeting/event/revert ok`;
});
