//! Inputs for the precompiles that garbage from scratch memory rarely gets past: the first
//! few success and failure vectors of each of go-ethereum's files in the conformance data
//! (read from there, not copied: a generated case carries the bytes it uses).

use anyhow::{Context, Result};
use serde::Deserialize;
use std::sync::OnceLock;

/// How many vectors of each file are kept.
const PER_FILE: usize = 4;

/// The vector files for each precompile address: successes, then failures (or `None`).
const FILES: &[(u16, &str, Option<&str>)] = &[
    (0x01, "ecRecover.json", None),
    (0x05, "modexp.json", None),
    (0x06, "bn256Add.json", None),
    (0x07, "bn256ScalarMul.json", None),
    (0x08, "bn256Pairing.json", None),
    (0x09, "blake2F.json", Some("fail-blake2f.json")),
    // KZG point evaluation: reserved but empty on Filecoin.
    (0x0a, "pointEvaluation.json", None),
    (0x0b, "blsG1Add.json", Some("fail-blsG1Add.json")),
    (0x0c, "blsG1MultiExp.json", Some("fail-blsG1MultiExp.json")),
    (0x0d, "blsG2Add.json", Some("fail-blsG2Add.json")),
    (0x0e, "blsG2MultiExp.json", Some("fail-blsG2MultiExp.json")),
    (0x0f, "blsPairing.json", Some("fail-blsPairing.json")),
    (0x10, "blsMapG1.json", Some("fail-blsMapG1.json")),
    (0x11, "blsMapG2.json", Some("fail-blsMapG2.json")),
    (0x0100, "eip7951_p256verify.json", None),
];

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Vector {
    input: String,
}

/// Precompile address (its last two bytes) and the inputs kept for it.
pub struct Vectors(pub Vec<(u16, Vec<Vec<u8>>)>);

/// The vectors, read once per process.
pub fn vectors() -> Result<&'static Vectors> {
    static VECTORS: OnceLock<std::result::Result<Vectors, String>> = OnceLock::new();
    VECTORS
        .get_or_init(|| load().map_err(|e| format!("{e:#}")))
        .as_ref()
        .map_err(|e| anyhow::anyhow!("{e}"))
}

fn load() -> Result<Vectors> {
    let dir = conformance_data::find_dir()
        .map_err(anyhow::Error::msg)?
        .join("precompile-vectors");
    let read = |file: &str| -> Result<Vec<Vec<u8>>> {
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let all: Vec<Vector> =
            serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        all.iter()
            .take(PER_FILE)
            .map(|v| hex::decode(&v.input).with_context(|| format!("an input in {file}")))
            .collect()
    };
    let mut out = Vec::new();
    for &(address, successes, failures) in FILES {
        let mut inputs = read(successes)?;
        if let Some(failures) = failures {
            inputs.extend(read(failures)?);
        }
        out.push((address, inputs));
    }
    Ok(Vectors(out))
}
