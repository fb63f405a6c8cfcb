#!/usr/bin/env node
// viem v2 acceptance test: deploy Greeter, call, transact, read the event, see a revert reason.
// The chain object is built from the node's eth_chainId; nothing is hard-coded.
// Usage: RPC_URL=http://127.0.0.1:8545 [PRIVATE_KEY=0x...] node clients/viem.mjs
import {
  createPublicClient, createWalletClient, defineChain, http, getAddress,
  parseEventLogs, BaseError, ContractFunctionRevertedError,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import {
  RPC_URL, PRIVATE_KEY, REVERT_REASON, RECEIPT_TIMEOUT_MS, REQUEST_TIMEOUT_MS, fetchChainId,
  loadGreeter, check, checkEq, expectError, run,
} from './common.mjs';

await run('viem', async () => {
  const { abi, bytecode } = loadGreeter();
  const account = privateKeyToAccount(PRIVATE_KEY);

  // Ask the node for its chain id, then describe that chain to viem.
  // (fetchChainId fails fast with a clear message when nothing answers at RPC_URL.)
  await fetchChainId();
  const transport = http(RPC_URL, { timeout: REQUEST_TIMEOUT_MS, retryCount: 0 });
  const probe = createPublicClient({ transport });
  const chainId = await probe.getChainId();
  const chain = defineChain({
    id: chainId,
    name: `node under test (${chainId})`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [RPC_URL] } },
  });
  const publicClient = createPublicClient({ chain, transport, pollingInterval: 250 });
  const walletClient = createWalletClient({ account, chain, transport });

  const balance = await publicClient.getBalance({ address: account.address });
  check(balance > 0n, `account ${account.address} has no balance`);

  // Deploy with a constructor argument (signed locally; gas estimated by the node).
  const deployHash = await walletClient.deployContract({ abi, bytecode, args: ['Hello from viem'] });
  const deployReceipt = await publicClient.waitForTransactionReceipt({ hash: deployHash, timeout: RECEIPT_TIMEOUT_MS });
  checkEq(deployReceipt.status, 'success', 'deploy receipt status');
  check(deployReceipt.contractAddress, 'deploy receipt has no contractAddress');
  const address = getAddress(deployReceipt.contractAddress);
  const code = await publicClient.getCode({ address });
  check(code && code !== '0x', `no code at deployed address ${address}`);

  // Reads.
  const read = (functionName) => publicClient.readContract({ address, abi, functionName });
  checkEq(await read('greet'), 'Hello from viem', 'greet() after deploy');
  checkEq(await read('count'), 0n, 'count() after deploy');

  // Simulate, then write, then wait for the receipt.
  const { request } = await publicClient.simulateContract({
    account, address, abi, functionName: 'setGreeting', args: ['Hola from viem'],
  });
  const hash = await walletClient.writeContract(request);
  const receipt = await publicClient.waitForTransactionReceipt({ hash, timeout: RECEIPT_TIMEOUT_MS });
  checkEq(receipt.status, 'success', 'setGreeting receipt status');
  checkEq(receipt.transactionHash, hash, 'receipt hash vs tx hash');
  check(receipt.gasUsed > 0n, 'setGreeting receipt gasUsed is 0');
  checkEq(await read('greet'), 'Hola from viem', 'greet() after setGreeting');
  checkEq(await read('count'), 1n, 'count() after setGreeting');

  // The event, from the receipt...
  const fromReceipt = parseEventLogs({ abi, eventName: 'GreetingChanged', logs: receipt.logs });
  checkEq(fromReceipt.length, 1, 'GreetingChanged events in the setGreeting receipt');
  checkEq(getAddress(fromReceipt[0].address), address, 'event address (receipt)');
  checkEq(fromReceipt[0].args.by, account.address, 'event arg by (receipt)');
  checkEq(fromReceipt[0].args.greeting, 'Hola from viem', 'event arg greeting (receipt)');

  // ...via eth_getLogs with the event ABI and an indexed-argument filter...
  const event = abi.find((x) => x.type === 'event' && x.name === 'GreetingChanged');
  const logs = await publicClient.getLogs({
    address, event, args: { by: account.address },
    fromBlock: deployReceipt.blockNumber, toBlock: receipt.blockNumber,
  });
  checkEq(logs.length, 2, 'GreetingChanged events from getLogs');
  checkEq(logs[0].args.greeting, 'Hello from viem', 'first event greeting (getLogs)');
  checkEq(logs[1].args.greeting, 'Hola from viem', 'second event greeting (getLogs)');
  checkEq(logs[1].transactionHash, hash, 'second event transactionHash (getLogs)');

  // ...and via getContractEvents.
  const evs = await publicClient.getContractEvents({
    address, abi, eventName: 'GreetingChanged', fromBlock: receipt.blockNumber, toBlock: receipt.blockNumber,
  });
  checkEq(evs.length, 1, 'GreetingChanged events from getContractEvents in the setGreeting block');
  checkEq(evs[0].args.greeting, 'Hola from viem', 'event greeting (getContractEvents)');

  // Revert reason: simulateContract (eth_call) and estimateContractGas (eth_estimateGas).
  for (const [how, fn] of [
    ['simulateContract', () => publicClient.simulateContract({ account, address, abi, functionName: 'setGreeting', args: [''] })],
    ['estimateContractGas', () => publicClient.estimateContractGas({ account, address, abi, functionName: 'setGreeting', args: [''] })],
  ]) {
    const err = await expectError(fn, `setGreeting("") via ${how}`);
    check(err instanceof BaseError, `setGreeting("") via ${how}: not a viem error: ${err}`);
    const reverted = err.walk((e) => e instanceof ContractFunctionRevertedError);
    const reason = reverted?.reason;
    check(
      reason === REVERT_REASON || String(err.message).includes(REVERT_REASON),
      `setGreeting("") via ${how}: error does not carry "${REVERT_REASON}": reason=${reason} message=${err.message}`,
    );
  }
  checkEq(await read('greet'), 'Hola from viem', 'greet() after reverted calls');

  return `deployed ${address} on chain ${chainId}, greet/setGreeting/event/revert ok`;
});
