//! Shrinks a diverging case to a small one that still diverges, so that a regression test
//! shows the bug and little else.

use crate::{
    program::{Case, Unit},
    Mode,
};
use alloy_primitives::U256;

/// Removes what it can from `case` while it still diverges in `mode`: whole contracts' code,
/// single units (and the units of created children), the calldata, the value and the second
/// transaction.
pub fn minimize(mut case: Case, mode: Mode) -> Case {
    let diverges = |case: &Case| {
        mode.differences(case)
            .map(|d| !d.is_empty())
            .unwrap_or(false)
    };
    loop {
        let before = case.clone();
        for candidate in candidates(&case) {
            if diverges(&candidate) {
                case = candidate;
                break;
            }
        }
        if case == before {
            return case;
        }
    }
}

/// Every case one step smaller than `case`.
fn candidates(case: &Case) -> Vec<Case> {
    let mut out = Vec::new();
    if !case.calldata.is_empty() {
        out.push(Case {
            calldata: Vec::new(),
            ..case.clone()
        });
    }
    if case.transactions > 1 {
        out.push(Case {
            transactions: 1,
            ..case.clone()
        });
    }
    if !case.value.is_zero() {
        out.push(Case {
            value: U256::ZERO,
            ..case.clone()
        });
    }
    for (index, units) in case.contracts.iter().enumerate() {
        if index > 0 && !units.is_empty() {
            let mut smaller = case.clone();
            smaller.contracts[index].clear();
            out.push(smaller);
        }
        for shorter in without_one_unit(units) {
            let mut smaller = case.clone();
            smaller.contracts[index] = shorter;
            out.push(smaller);
        }
    }
    out
}

/// `units` with one unit removed, or with one unit of a created child removed.
fn without_one_unit(units: &[Unit]) -> Vec<Vec<Unit>> {
    let mut out = Vec::new();
    for i in 0..units.len() {
        let mut shorter = units.to_vec();
        shorter.remove(i);
        out.push(shorter);
        if let Unit::Create { child, .. } = &units[i] {
            for constructor in without_one_unit(&child.constructor) {
                let mut changed = units.to_vec();
                if let Unit::Create { child, .. } = &mut changed[i] {
                    child.constructor = constructor;
                }
                out.push(changed);
            }
            for runtime in without_one_unit(&child.runtime) {
                let mut changed = units.to_vec();
                if let Unit::Create { child, .. } = &mut changed[i] {
                    child.runtime = runtime;
                }
                out.push(changed);
            }
        }
    }
    out
}
