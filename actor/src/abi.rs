//! Solidity ABI words read the way builtin-actors reads them, for the Filecoin precompiles'
//! inputs and `handle_filecoin_method`'s output.
//!
//! The data is taken as if followed by endless zeros: a word past the end is zero, an offset
//! past the end points at zeros, and a byte string is zero-padded to the length it claims. An
//! integer word whose high bytes are not zero is invalid (`None`).
//!
//! A claimed length is where FEVM's reader shows its machine. It allocates the padded string,
//! so a length over `i32::MAX` (more than a wasm32 `Vec` can hold) panics there, which ends the
//! actor with USR_ASSERTION_FAILED: [`Reader::bytes_at`] ends ours the same way. A string
//! longer than the FVM's largest block is read as [`Bytes::Oversized`] and never allocated:
//! everything FEVM does with one fails on the block limit, which the callers reproduce
//! without the memory (where FEVM's allocation itself runs out of wasm memory, it traps
//! instead; ours does not copy that).

use actor_runtime::{ActorError, ActorResult};
use interpreter::U256;

/// The FVM's largest IPLD block (its network config's `max_block_size`): no params, return or
/// exit data is larger.
const MAX_BLOCK_SIZE: usize = 1 << 20;

/// The longest byte string a wasm32 `Vec` can hold, and so FEVM's reader.
const MAX_WASM32_VEC: u32 = i32::MAX as u32;

/// A byte string read from ABI data.
#[derive(Debug, PartialEq, Eq)]
pub enum Bytes {
    /// At most a block's worth of bytes, padded with zeros to its claimed length.
    Fits(Vec<u8>),
    /// Longer than a block: only its length is kept.
    Oversized(usize),
}

/// ABI data, read at byte offsets.
pub struct Reader<'a>(pub &'a [u8]);

impl Reader<'_> {
    /// The word at `offset`.
    pub fn word(&self, offset: usize) -> U256 {
        let mut word = [0u8; 32];
        if offset < self.0.len() {
            let available = (self.0.len() - offset).min(32);
            word[..available].copy_from_slice(&self.0[offset..offset + available]);
        }
        U256::from_be_bytes(word)
    }

    pub fn u64_at(&self, offset: usize) -> Option<u64> {
        u64::try_from(self.word(offset)).ok()
    }

    pub fn u32_at(&self, offset: usize) -> Option<u32> {
        u32::try_from(self.word(offset)).ok()
    }

    /// The byte string at `offset`: a length word, then that many bytes. `Ok(None)` when the
    /// length is not a u32; an error (ending the actor) when it is beyond a wasm32 `Vec`.
    pub fn bytes_at(&self, offset: usize) -> ActorResult<Option<Bytes>> {
        let Some(len) = self.u32_at(offset) else {
            return Ok(None);
        };
        if len > MAX_WASM32_VEC {
            return Err(ActorError::assertion_failed(format!(
                "a byte string of {len} bytes claimed at offset {offset}: more than wasm32 holds"
            )));
        }
        let len = len as usize;
        if len > MAX_BLOCK_SIZE {
            return Ok(Some(Bytes::Oversized(len)));
        }
        let mut bytes = vec![0u8; len];
        let start = offset.saturating_add(32);
        if start < self.0.len() {
            let available = (self.0.len() - start).min(len);
            bytes[..available].copy_from_slice(&self.0[start..start + available]);
        }
        Ok(Some(Bytes::Fits(bytes)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(n: u64) -> [u8; 32] {
        U256::from(n).to_be_bytes()
    }

    #[test]
    fn words_past_the_end_are_zeros() {
        let data = [word(7).as_slice(), &[0xff]].concat();
        let reader = Reader(&data);
        assert_eq!(reader.u64_at(0), Some(7));
        assert_eq!(reader.word(32), U256::from(0xff) << 248);
        assert_eq!(reader.u32_at(32), None);
        assert_eq!(reader.u64_at(64), Some(0));
        assert_eq!(reader.u64_at(usize::MAX - 3), Some(0));
    }

    #[test]
    fn byte_strings_are_padded_to_their_claimed_length() {
        let data = [word(5).as_slice(), &[1, 2, 3]].concat();
        let reader = Reader(&data);
        assert_eq!(
            reader.bytes_at(0).unwrap(),
            Some(Bytes::Fits(vec![1, 2, 3, 0, 0]))
        );
        // An offset past the end reads a zero length, even next to usize::MAX.
        assert_eq!(
            reader.bytes_at(usize::MAX - 10).unwrap(),
            Some(Bytes::Fits(vec![]))
        );
    }

    #[test]
    fn claimed_lengths_beyond_a_block_or_wasm32_are_not_allocated() {
        let over_a_block = word(MAX_BLOCK_SIZE as u64 + 1);
        assert_eq!(
            Reader(&over_a_block).bytes_at(0).unwrap(),
            Some(Bytes::Oversized(MAX_BLOCK_SIZE + 1))
        );
        let over_wasm32 = word(u64::from(MAX_WASM32_VEC) + 1);
        let error = Reader(&over_wasm32).bytes_at(0).unwrap_err();
        assert_eq!(
            error.exit_code,
            fvm_shared::error::ExitCode::USR_ASSERTION_FAILED
        );
        assert_eq!(Reader(&word(1 << 32)).bytes_at(0).unwrap(), None);
    }
}
