#!/usr/bin/env python3
"""web3.py acceptance test: deploy Greeter, call, transact, read the event, see a revert reason.

Transactions are signed locally with PRIVATE_KEY (eth_account) and sent with
eth_sendRawTransaction; gas and chain id come from the node.

Usage: RPC_URL=http://127.0.0.1:8545 [PRIVATE_KEY=0x...] .venv/bin/python clients/web3py_test.py
"""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from web3 import Web3
from web3.exceptions import ContractLogicError

HERE = Path(__file__).resolve().parent
DEFAULT_PRIVATE_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
RPC_URL = os.environ.get("RPC_URL") or "http://127.0.0.1:8545"
PRIVATE_KEY = os.environ.get("PRIVATE_KEY") or DEFAULT_PRIVATE_KEY
REVERT_REASON = "empty greeting"
RECEIPT_TIMEOUT = float(os.environ.get("RECEIPT_TIMEOUT", "120"))


class CheckError(Exception):
    pass


def check(cond, what):
    if not cond:
        raise CheckError(what)


def check_eq(actual, expected, what):
    if actual != expected:
        raise CheckError(f"{what}: expected {expected!r}, got {actual!r}")


def load_greeter():
    out = subprocess.run(
        ["node", str(HERE / "compile.mjs"), "--stdout"],
        check=True, capture_output=True, text=True,
    ).stdout
    art = json.loads(out)
    return art["abi"], art["bytecode"]


def main():
    w3 = Web3(Web3.HTTPProvider(RPC_URL, request_kwargs={"timeout": 60}))
    check(w3.is_connected(), f"cannot reach {RPC_URL}")
    account = w3.eth.account.from_key(PRIVATE_KEY)
    chain_id = w3.eth.chain_id
    check(w3.eth.get_balance(account.address) > 0, f"account {account.address} has no balance")

    def send(tx_builder):
        """Fill in nonce/gas/fees from the node, sign locally, send raw, wait for the receipt."""
        tx = tx_builder.build_transaction({
            "from": account.address,
            "nonce": w3.eth.get_transaction_count(account.address, "pending"),
            "chainId": chain_id,
        })
        check("gas" in tx and tx["gas"] > 0, f"no gas estimate in built transaction: {tx}")
        signed = account.sign_transaction(tx)
        tx_hash = w3.eth.send_raw_transaction(signed.raw_transaction)
        receipt = w3.eth.wait_for_transaction_receipt(tx_hash, timeout=RECEIPT_TIMEOUT, poll_latency=0.25)
        check_eq(receipt["transactionHash"], tx_hash, "receipt hash vs sent hash")
        return receipt

    abi, bytecode = load_greeter()
    Greeter = w3.eth.contract(abi=abi, bytecode=bytecode)

    # Deploy with a constructor argument.
    deploy_receipt = send(Greeter.constructor("Hello from web3.py"))
    check_eq(deploy_receipt["status"], 1, "deploy receipt status")
    address = deploy_receipt["contractAddress"]
    check(address, "deploy receipt has no contractAddress")
    check(len(w3.eth.get_code(address)) > 0, f"no code at deployed address {address}")
    greeter = w3.eth.contract(address=address, abi=abi)

    # Reads.
    check_eq(greeter.functions.greet().call(), "Hello from web3.py", "greet() after deploy")
    check_eq(greeter.functions.count().call(), 0, "count() after deploy")

    # Write and wait for the receipt.
    receipt = send(greeter.functions.setGreeting("Hola from web3.py"))
    check_eq(receipt["status"], 1, "setGreeting receipt status")
    check(receipt["gasUsed"] > 0, "setGreeting receipt gasUsed is 0")
    check_eq(greeter.functions.greet().call(), "Hola from web3.py", "greet() after setGreeting")
    check_eq(greeter.functions.count().call(), 1, "count() after setGreeting")

    # The event, from the receipt...
    events = greeter.events.GreetingChanged().process_receipt(receipt)
    check_eq(len(events), 1, "GreetingChanged events in the setGreeting receipt")
    check_eq(events[0]["address"], address, "event address (receipt)")
    check_eq(events[0]["args"]["by"], account.address, "event arg by (receipt)")
    check_eq(events[0]["args"]["greeting"], "Hola from web3.py", "event arg greeting (receipt)")

    # ...and via eth_getLogs with an indexed-argument filter.
    logs = greeter.events.GreetingChanged.get_logs(
        from_block=deploy_receipt["blockNumber"],
        to_block=receipt["blockNumber"],
        argument_filters={"by": account.address},
    )
    check_eq(len(logs), 2, "GreetingChanged events from get_logs")
    check_eq(logs[0]["args"]["greeting"], "Hello from web3.py", "first event greeting (get_logs)")
    check_eq(logs[1]["args"]["greeting"], "Hola from web3.py", "second event greeting (get_logs)")
    check_eq(logs[1]["transactionHash"], receipt["transactionHash"], "second event transactionHash")

    # Revert reason, via eth_call and eth_estimateGas.
    for how, fn in (
        ("call", lambda: greeter.functions.setGreeting("").call({"from": account.address})),
        ("estimate_gas", lambda: greeter.functions.setGreeting("").estimate_gas({"from": account.address})),
    ):
        try:
            fn()
        except ContractLogicError as e:
            check(REVERT_REASON in str(e) or REVERT_REASON in str(e.message),
                  f'setGreeting("") via {how}: ContractLogicError without "{REVERT_REASON}": {e!r}')
        else:
            raise CheckError(f'setGreeting("") via {how}: expected ContractLogicError, but it succeeded')
    check_eq(greeter.functions.greet().call(), "Hola from web3.py", "greet() after reverted calls")

    return f"deployed {address} on chain {chain_id}, greet/setGreeting/event/revert ok"


if __name__ == "__main__":
    started = time.time()
    try:
        summary = main()
    except CheckError as e:
        print(f"FAIL web3.py: {e}", file=sys.stderr)
        sys.exit(1)
    except Exception as e:  # noqa: BLE001 - any other error is a failure too, shown in full
        import traceback
        print(f"FAIL web3.py: unexpected error against {RPC_URL}: {e!r}", file=sys.stderr)
        traceback.print_exc()
        sys.exit(1)
    print(f"PASS web3.py: {summary} ({time.time() - started:.1f}s, {RPC_URL})")
