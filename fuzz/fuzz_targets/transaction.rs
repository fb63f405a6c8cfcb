//! `eth_sendRawTransaction`'s decoder: any bytes are decoded as an EIP-2718 transaction, its
//! signer recovered and its FVM message built, without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|raw: &[u8]| {
    if let Ok(tx) = fvm_devnet::tx::SignedTx::decode(raw) {
        let _ = tx.message();
        let _ = tx.max_cost();
        let _ = tx.effective_gas_price(100);
    }
});
