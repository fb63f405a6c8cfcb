//! Ethereum's classic VM tests, run on the interpreter with an in-memory world.
//!
//! Each case is one frame of EVM code with a pre-state; the runner checks the output, the post
//! storage and the logs hash, or that a case without post-state fails. Ethereum gas is metered
//! (Frontier schedule, see [`run::SPEC`]) so that out-of-gas cases fail where they should, but
//! the gas left is only reported, never required: on the FVM EVM gas is not the cost model.

pub mod case;
pub mod report;
pub mod run;
pub mod world;

/// Where the conformance data lives (the same rule in every crate that reads it):
/// `$CONFORMANCE_DIR` when set, else `../shared/conformance` beside the checkout, else
/// `.conformance/` in the repository, where `./scripts/setup conformance` (run by
/// `./scripts/test`) downloads it. Panics, saying how to get the data, when none exists.
pub fn conformance_dir() -> std::path::PathBuf {
    find_conformance_dir().unwrap_or_else(|e| panic!("{e}"))
}

/// [`conformance_dir`], or why there is none and how to get it.
pub fn find_conformance_dir() -> Result<std::path::PathBuf, String> {
    const HOW: &str = "run `./scripts/setup conformance` (./scripts/test runs it) to download it \
        into .conformance/ at the pinned upstream versions, or set CONFORMANCE_DIR to a folder \
        holding solidity-semantic-tests/, ethereum-vmtests/ and precompile-vectors/";
    if let Some(dir) = std::env::var_os("CONFORMANCE_DIR") {
        let dir = std::path::PathBuf::from(dir);
        if !dir.is_dir() {
            let shown = dir.display();
            return Err(format!(
                "CONFORMANCE_DIR is set to {shown}, which is not a folder; {HOW}"
            ));
        }
        return Ok(dir);
    }
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let shared = repo.join("../shared/conformance");
    if shared.is_dir() {
        return Ok(shared);
    }
    // The fetched copy counts when all of it is there (scripts/setup installs each folder whole).
    let fetched = repo.join(".conformance");
    let missing: Vec<&str> = [
        "solidity-semantic-tests",
        "ethereum-vmtests",
        "precompile-vectors",
    ]
    .into_iter()
    .filter(|folder| !fetched.join(folder).is_dir())
    .collect();
    match missing.len() {
        0 => Ok(fetched),
        3 => Err(format!(
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
