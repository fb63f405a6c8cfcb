//! Where the conformance data lives, by one rule for every crate that reads it:
//! `$CONFORMANCE_DIR` when set, else `../shared/conformance` beside the checkout, else
//! `.conformance/` in the repository, where `./scripts/setup conformance` (run by
//! `./scripts/test`) downloads it at the pinned upstream versions.

use std::path::{Path, PathBuf};

/// The folders the data holds.
pub const FOLDERS: [&str; 3] = [
    "solidity-semantic-tests",
    "ethereum-vmtests",
    "precompile-vectors",
];

/// The conformance data's folder. Panics, saying how to get the data, when none exists.
pub fn dir() -> PathBuf {
    find_dir().unwrap_or_else(|e| panic!("{e}"))
}

/// [`dir`], or why there is none and how to get it.
pub fn find_dir() -> Result<PathBuf, String> {
    const HOW: &str = "run `./scripts/setup conformance` (./scripts/test runs it) to download it \
        into .conformance/ at the pinned upstream versions, or set CONFORMANCE_DIR to a folder \
        holding solidity-semantic-tests/, ethereum-vmtests/ and precompile-vectors/";
    if let Some(dir) = std::env::var_os("CONFORMANCE_DIR") {
        let dir = PathBuf::from(dir);
        if !dir.is_dir() {
            let shown = dir.display();
            return Err(format!(
                "CONFORMANCE_DIR is set to {shown}, which is not a folder; {HOW}"
            ));
        }
        return Ok(dir);
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let shared = repo.join("../shared/conformance");
    if shared.is_dir() {
        return Ok(shared);
    }
    // The fetched copy counts when all of it is there (scripts/setup installs each folder whole).
    let fetched = repo.join(".conformance");
    let missing: Vec<&str> = FOLDERS
        .into_iter()
        .filter(|folder| !fetched.join(folder).is_dir())
        .collect();
    match missing.len() {
        0 => Ok(fetched),
        n if n == FOLDERS.len() => Err(format!(
            "no conformance data: CONFORMANCE_DIR is not set, and neither \
             ../shared/conformance beside the checkout nor a fetched copy in .conformance/ is \
             there; {HOW}"
        )),
        _ => Err(format!(
            "the conformance data in .conformance/ lacks {}; {HOW}",
            missing.join(", ")
        )),
    }
}
