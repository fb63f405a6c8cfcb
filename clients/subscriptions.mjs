#!/usr/bin/env node
// Subscriptions and filters with ethers v6: newHeads, logs and newPendingTransactions over
// WebSocket (eth_subscribe), and the same event and transaction through polled filters over
// HTTP (eth_newFilter, eth_newPendingTransactionFilter, eth_getFilterChanges).
// Usage: RPC_URL=http://127.0.0.1:8545 [PRIVATE_KEY=0x...] node clients/subscriptions.mjs
import { ethers } from 'ethers';
import {
  RPC_URL, PRIVATE_KEY, RECEIPT_TIMEOUT_MS, fetchChainId, loadGreeter, check, checkEq, run,
} from './common.mjs';

/// Resolves with the first value `subscribe` hands its callback, or fails after `ms`.
function first(subscribe, ms, what) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
    subscribe((...args) => { clearTimeout(timer); resolve(args); });
  });
}

await run('subscriptions', async () => {
  const { abi, bytecode } = loadGreeter();
  const network = ethers.Network.from(await fetchChainId());
  const http = new ethers.JsonRpcProvider(RPC_URL, undefined, {
    staticNetwork: network, pollingInterval: 200, cacheTimeout: -1,
  });
  const ws = new ethers.WebSocketProvider(RPC_URL.replace(/^http/, 'ws'), network);
  try {
    const wallet = new ethers.Wallet(PRIVATE_KEY, http);
    const contract = await new ethers.ContractFactory(abi, bytecode, wallet).deploy('first');
    await contract.deploymentTransaction().wait(1, RECEIPT_TIMEOUT_MS);
    const address = await contract.getAddress();

    const viaWs = new ethers.Contract(address, abi, ws);
    const head = first((cb) => ws.once('block', cb), 30_000, 'newHeads notification');
    const wsEvent = first((cb) => viaWs.once('GreetingChanged', cb), 30_000, 'logs notification');
    const polledEvent = first((cb) => contract.once('GreetingChanged', cb), 30_000, 'filter change');
    const wsPending = first((cb) => ws.once('pending', cb), 30_000, 'newPendingTransactions notification');
    const polledPending = first((cb) => http.once('pending', cb), 30_000, 'pending-transaction filter change');
    // Let the subscriptions and the filter be installed before the transaction.
    await new Promise((r) => setTimeout(r, 1000));

    const sent = await contract.setGreeting('second');
    const receipt = await sent.wait(1, RECEIPT_TIMEOUT_MS);
    const [pendingWs] = await wsPending;
    checkEq(pendingWs, sent.hash, 'hash from the newPendingTransactions subscription');
    const [pendingPolled] = await polledPending;
    checkEq(pendingPolled, sent.hash, 'hash from the pending-transaction filter');
    const [blockNumber] = await head;
    check(blockNumber >= receipt.blockNumber - 1, `newHeads gave block ${blockNumber}, tx in ${receipt.blockNumber}`);
    const [byWs, greetingWs] = await wsEvent;
    checkEq(greetingWs, 'second', 'greeting from the logs subscription');
    checkEq(byWs, wallet.address, 'sender from the logs subscription');
    const [, greetingPolled] = await polledEvent;
    checkEq(greetingPolled, 'second', 'greeting from the polled filter');
    return `newHeads, logs and newPendingTransactions subscriptions, polled log and pending-transaction filters ok (block ${receipt.blockNumber})`;
  } finally {
    // `once` listeners uninstall their filter or subscription after firing: let those
    // requests finish before the providers go away.
    await new Promise((r) => setTimeout(r, 500));
    await ws.destroy();
    http.destroy();
  }
});
