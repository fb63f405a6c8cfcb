//! `MUL`, `DIV`, `SDIV`, `SLT` and `SGT`, tuned for the actor's wasm.
//!
//! ruint computes 256-bit products and quotients with 64 x 64 -> 128-bit steps. Natively that
//! is one instruction; wasm has no 128-bit product or quotient, so each step becomes a call to
//! a compiler-rt routine (`__multi3`, `__udivti3`), and on the FVM every call and every branch
//! pays for gas and stack accounting. Measured with `bench --opcodes` on revm's instruction
//! loop, `PUSH8 PUSH8 MUL POP` cost 1,057 wasm instructions against 516 with `ADD`.
//!
//! * `MUL` on wasm forms each 64 x 64-bit limb product from 32-bit halves, whose products fit
//!   a native 64-bit multiply, and skips zero limbs of the smaller operand. Native builds keep
//!   ruint's.
//! * `DIV` and `SDIV` divide with one native 64-bit division when both operands fit in 64 bits,
//!   which is what Solidity's checked multiplication (`x * y / x == y`) and fixed-point code
//!   mostly divide.
//! * `SLT` and `SGT` compare with one borrow chain after flipping the sign bits, without
//!   branches; revm's compare the signs first, in a function the compiler keeps out of line.

use alloy_primitives::U256;
use revm_interpreter::{
    interpreter::EthInterpreter, popn_top, InstructionContext, InstructionExecResult,
};

/// These instructions use no host, so they take any.
type Context<'a, H> = InstructionContext<'a, H, EthInterpreter>;

/// `MUL(a, b)`: `a * b` modulo 2^256.
pub(crate) fn mul<H: ?Sized>(context: Context<'_, H>) -> InstructionExecResult {
    popn_top!([a], b, context.interpreter);
    *b = wrapping_mul(&a, b);
    Ok(())
}

/// `DIV(a, b)`: `a / b` rounded down, 0 when `b` is 0.
pub(crate) fn div<H: ?Sized>(context: Context<'_, H>) -> InstructionExecResult {
    popn_top!([a], b, context.interpreter);
    *b = if b.is_zero() {
        U256::ZERO
    } else {
        quotient(a, *b)
    };
    Ok(())
}

/// `SDIV(a, b)`: two's-complement `a / b` rounded towards zero, 0 when `b` is 0, and
/// `MIN / -1 = MIN`.
pub(crate) fn sdiv<H: ?Sized>(context: Context<'_, H>) -> InstructionExecResult {
    popn_top!([a], b, context.interpreter);
    *b = signed_quotient(a, *b);
    Ok(())
}

/// `SLT(a, b)`: 1 if `a < b` as two's-complement numbers, else 0.
pub(crate) fn slt<H: ?Sized>(context: Context<'_, H>) -> InstructionExecResult {
    popn_top!([a], b, context.interpreter);
    *b = U256::from(signed_less_than(a, *b));
    Ok(())
}

/// `SGT(a, b)`: 1 if `a > b` as two's-complement numbers, else 0.
pub(crate) fn sgt<H: ?Sized>(context: Context<'_, H>) -> InstructionExecResult {
    popn_top!([a], b, context.interpreter);
    *b = U256::from(signed_less_than(*b, a));
    Ok(())
}

/// Flipping the sign bit maps two's-complement order onto unsigned order; `a < b` unsigned is
/// the borrow out of `a - b`.
fn signed_less_than(a: U256, b: U256) -> bool {
    const SIGN: U256 = U256::from_limbs([0, 0, 0, 1 << 63]);
    (a ^ SIGN).overflowing_sub(b ^ SIGN).1
}

#[cfg(target_arch = "wasm32")]
fn wrapping_mul(a: &U256, b: &U256) -> U256 {
    wrapping_mul_without_u128(a, b)
}

#[cfg(not(target_arch = "wasm32"))]
fn wrapping_mul(a: &U256, b: &U256) -> U256 {
    a.wrapping_mul(*b)
}

/// Schoolbook multiplication on 64-bit limbs, keeping the low four limbs of the product, with
/// each 64 x 64-bit product formed from 32-bit halves ([`widening_mul`]). A zero limb of `b` is
/// skipped, and `b` is the operand with more of them: multiplying by a value below 2^64 (a
/// constant, an index, a fixed-point scale) takes 4 limb products instead of 10.
#[cfg(any(target_arch = "wasm32", test))]
fn wrapping_mul_without_u128(a: &U256, b: &U256) -> U256 {
    let (a, b) = if a.as_limbs()[1..] == [0; 3] {
        (b.as_limbs(), a.as_limbs())
    } else {
        (a.as_limbs(), b.as_limbs())
    };
    let mut product = [0u64; 4];
    for i in 0..4 {
        if b[i] == 0 {
            continue;
        }
        let mut carry = 0u64;
        for j in 0..3 - i {
            let (low, high) = widening_mul(a[j], b[i]);
            let (sum, overflow_1) = low.overflowing_add(product[i + j]);
            let (sum, overflow_2) = sum.overflowing_add(carry);
            product[i + j] = sum;
            // Cannot overflow: the full step `a * b + limb + carry` is below 2^128.
            carry = high + u64::from(overflow_1) + u64::from(overflow_2);
        }
        // The top limb keeps only the low half of its product.
        product[3] = product[3]
            .wrapping_add(a[3 - i].wrapping_mul(b[i]))
            .wrapping_add(carry);
    }
    U256::from_limbs(product)
}

/// `x * y` as (low, high) 64-bit halves, from four 32 x 32-bit products, each of which fits a
/// native 64-bit multiply.
#[cfg(any(target_arch = "wasm32", test))]
fn widening_mul(x: u64, y: u64) -> (u64, u64) {
    const LOW: u64 = 0xffff_ffff;
    let (x0, x1, y0, y1) = (x & LOW, x >> 32, y & LOW, y >> 32);
    let (low_low, low_high, high_low) = (x0 * y0, x0 * y1, x1 * y0);
    // Below 3 * 2^32: no overflow.
    let middle = (low_low >> 32) + (low_high & LOW) + (high_low & LOW);
    let low = (low_low & LOW) | (middle << 32);
    let high = x1 * y1 + (low_high >> 32) + (high_low >> 32) + (middle >> 32);
    (low, high)
}

/// `a / b` for a non-zero `b`.
fn quotient(a: U256, b: U256) -> U256 {
    match (u64::try_from(a), u64::try_from(b)) {
        (Ok(a), Ok(b)) => U256::from(a / b),
        _ => a / b,
    }
}

/// Two's-complement division: the quotient of the magnitudes, negated when the signs differ.
/// `MIN / -1` needs no special case: the magnitudes' quotient is 2^255, which is `MIN` again.
fn signed_quotient(a: U256, b: U256) -> U256 {
    if b.is_zero() {
        return U256::ZERO;
    }
    let (a_negative, b_negative) = (a.bit(255), b.bit(255));
    let magnitude = |value: U256, negative: bool| {
        if negative {
            value.wrapping_neg()
        } else {
            value
        }
    };
    let q = quotient(magnitude(a, a_negative), magnitude(b, b_negative));
    magnitude(q, a_negative != b_negative)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::{vec, vec::Vec};
    use core::cmp::Ordering;
    use revm_interpreter::instructions::i256::{i256_cmp, i256_div};

    /// A deterministic spread of operands: edge values, values around 2^64 and 2^255, and
    /// pseudo-random ones of every width.
    fn operands() -> Vec<U256> {
        let mut values = vec![
            U256::ZERO,
            U256::from(1),
            U256::from(2),
            U256::from(u64::MAX),
            U256::from(u64::MAX) + U256::from(1),
            U256::MAX,
            U256::MAX - U256::from(1),
            U256::from(1) << 255,
            (U256::from(1) << 255) + U256::from(1),
            (U256::from(1) << 255) - U256::from(1),
        ];
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for width in [8, 32, 63, 64, 65, 128, 200, 255, 256] {
            for _ in 0..12 {
                let value = U256::from_limbs([next(), next(), next(), next()]) >> (256 - width);
                values.push(value);
                values.push(value.wrapping_neg());
            }
        }
        values
    }

    #[test]
    fn multiplying_without_u128_matches_ruint() {
        for a in operands() {
            for b in operands() {
                assert_eq!(
                    wrapping_mul_without_u128(&a, &b),
                    a.wrapping_mul(b),
                    "{a} * {b}"
                );
            }
        }
    }

    #[test]
    fn widening_mul_matches_u128() {
        for x in operands().iter().map(|v| v.as_limbs()[0]) {
            for y in operands().iter().map(|v| v.as_limbs()[1]) {
                let (low, high) = widening_mul(x, y);
                let expected = u128::from(x) * u128::from(y);
                assert_eq!((low, high), (expected as u64, (expected >> 64) as u64));
            }
        }
    }

    #[test]
    fn signed_comparison_matches_revm() {
        for a in operands() {
            for b in operands() {
                let less = i256_cmp(&a, &b) == Ordering::Less;
                assert_eq!(signed_less_than(a, b), less, "{a} slt {b}");
            }
        }
    }

    #[test]
    fn quotients_match_ruint_and_revm() {
        for a in operands() {
            for b in operands() {
                if !b.is_zero() {
                    assert_eq!(quotient(a, b), a / b, "{a} / {b}");
                }
                assert_eq!(signed_quotient(a, b), i256_div(a, b), "{a} sdiv {b}");
            }
        }
    }
}
