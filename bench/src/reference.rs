//! The production FEVM's numbers, read from `../shared/bench/README.md` (never copied here).

use std::collections::BTreeMap;

use anyhow::{Context, Result};

/// FVM gas of each workload row, by the row's label; rows that list several sizes
/// (`12.7M / 19.6M`) give one number per size, in order.
pub struct Reference {
    rows: BTreeMap<String, Vec<u64>>,
}

impl Reference {
    pub fn load(path: &std::path::Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the reference numbers in {}", path.display()))?;
        let mut rows = BTreeMap::new();
        for line in text.lines().filter(|l| l.starts_with("| ")) {
            let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
            if cells.len() < 2 {
                continue;
            }
            let numbers: Option<Vec<u64>> = cells[1].split(" / ").map(parse_gas).collect();
            if let Some(numbers) = numbers {
                rows.insert(cells[0].to_string(), numbers);
            }
        }
        Ok(Self { rows })
    }

    /// The gas of the row labelled `label`, the `index`th size of it.
    pub fn gas(&self, label: &str, index: usize) -> Option<u64> {
        self.rows.get(label)?.get(index).copied()
    }
}

/// `5,011,539` or `12.7M`.
fn parse_gas(text: &str) -> Option<u64> {
    let text = text.trim();
    if let Some(millions) = text.strip_suffix('M') {
        let value: f64 = millions.parse().ok()?;
        return Some((value * 1e6).round() as u64);
    }
    text.replace(',', "").parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_plain_and_abbreviated_numbers() {
        assert_eq!(parse_gas("5,011,539"), Some(5_011_539));
        assert_eq!(parse_gas("12.7M"), Some(12_700_000));
        assert_eq!(parse_gas("wall (median)"), None);
    }
}
