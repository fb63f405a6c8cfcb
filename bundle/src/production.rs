//! Filecoin's production actors (builtin-actors v18) as a bundle beside ours: as they are
//! ("FEVM"), or with our EVM actor in place of theirs ("hybrid").
//!
//! The bundles come as Lotus ships them, `builtin-actors-v18.tar.zst` with one CAR per network
//! (`builtin-actors-mainnet.car`, `-devnet`, `-testing-fake-proofs`, ...), or as builtin-actors'
//! release assets, one CAR each. Where they are found, first hit wins:
//! 1. `$BUILTIN_ACTORS_BUNDLE`: that archive, or a single bundle CAR (any network's);
//! 2. `../shared/actors/builtin-actors-v18.tar.zst` beside the repository;
//! 3. `.actors/builtin-actors-<network>.car` inside it (where `scripts/setup actors` puts the
//!    release asset it downloads and checks).

use std::{
    io::Read,
    path::{Path, PathBuf},
};

use actor_types::builtin::Type;
use anyhow::{anyhow, bail, Context, Result};
use cid::Cid;
use fvm_ipld_blockstore::{Block, Blockstore};
use fvm_ipld_encoding::{CborStore, IPLD_RAW};
use multihash_codetable::Code;

use crate::{wasm, Bundle};

/// The builtin-actors release whose bundles these are.
pub const VERSION: &str = "v18";

/// The archive's file name, as Lotus and `../shared` name it.
const ARCHIVE: &str = "builtin-actors-v18.tar.zst";

/// Which of our and Filecoin's actors a chain runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Actors {
    /// Our bundle: our system, init, EAM, EVM, EthAccount, account and placeholder actors.
    #[default]
    Ours,
    /// The production bundle with our EVM actor in place of its own.
    Hybrid,
    /// The production bundle as it is: Filecoin's own EVM actor.
    Fevm,
}

impl Actors {
    pub const ALL: [Actors; 3] = [Actors::Ours, Actors::Hybrid, Actors::Fevm];

    pub fn name(self) -> &'static str {
        match self {
            Actors::Ours => "ours",
            Actors::Hybrid => "hybrid",
            Actors::Fevm => "fevm",
        }
    }
}

impl std::str::FromStr for Actors {
    type Err = anyhow::Error;

    fn from_str(name: &str) -> Result<Self> {
        Actors::ALL
            .into_iter()
            .find(|actors| actors.name() == name)
            .ok_or_else(|| anyhow!("unknown actors {name:?}: ours, hybrid or fevm"))
    }
}

/// Where the production bundle of `network` is, if anywhere (see the module docs): an
/// archive of every network's, or that network's CAR.
pub fn archive(network: &str) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("BUILTIN_ACTORS_BUNDLE") {
        return Some(PathBuf::from(path));
    }
    let repository = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    [
        repository.join("../shared/actors").join(ARCHIVE),
        repository
            .join(".actors")
            .join(format!("builtin-actors-{network}.car")),
    ]
    .into_iter()
    .find(|path| path.is_file())
}

/// The bundle CAR of `network` (`mainnet`, `devnet`, `testing-fake-proofs`, ...).
pub fn car(network: &str) -> Result<Vec<u8>> {
    let path = archive(network).ok_or_else(|| {
        anyhow!(
            "no builtin-actors {VERSION} bundle for {network}: run `scripts/setup actors`, set \
             BUILTIN_ACTORS_BUNDLE, or put {ARCHIVE} in ../shared/actors"
        )
    })?;
    let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
    if path.extension().is_some_and(|e| e == "car") {
        return Ok(bytes);
    }
    let tar = ruzstd::decoding::StreamingDecoder::new(bytes.as_slice())
        .map_err(|e| anyhow!("{}: {e}", path.display()))?;
    let wanted = format!("builtin-actors-{network}.car");
    let mut archive = tar::Archive::new(tar);
    for entry in archive.entries()? {
        let mut entry = entry?;
        if entry.path()?.file_name().is_some_and(|n| *n == *wanted) {
            let mut car = Vec::new();
            entry.read_to_end(&mut car)?;
            return Ok(car);
        }
    }
    bail!("{} has no {wanted}", path.display())
}

/// Writes the bundle CAR `car` into `store`; with `Actors::Hybrid`, with our EVM actor's code
/// in place of the bundle's. `Actors::Ours` is [`crate::install`].
pub fn install(store: &impl Blockstore, car: &[u8], actors: Actors) -> Result<Bundle> {
    if actors == Actors::Ours {
        return crate::install(store);
    }
    let roots = fvm_ipld_car::load_car(store, car).context("loading the bundle CAR")?;
    let [manifest] = roots[..] else {
        bail!("a bundle CAR has one root, this one {}", roots.len());
    };
    let (version, manifest_data): (u32, Cid) = store
        .get_cbor(&manifest)?
        .ok_or_else(|| anyhow!("the bundle's manifest is missing"))?;
    anyhow::ensure!(version == 1, "manifest version {version}, expected 1");
    let mut entries: Vec<(String, Cid)> = store
        .get_cbor(&manifest_data)?
        .ok_or_else(|| anyhow!("the bundle's manifest data is missing"))?;
    if actors == Actors::Fevm {
        return bundle_of(manifest, manifest_data, &entries);
    }
    let ours = wasm(Type::Evm.name()).context("our EVM actor is missing")?;
    let ours = store.put(Code::Blake2b256, &Block::new(IPLD_RAW, ours))?;
    let evm = entries
        .iter_mut()
        .find(|(name, _)| name == Type::Evm.name())
        .ok_or_else(|| anyhow!("the bundle has no evm actor"))?;
    evm.1 = ours;
    let manifest_data = store.put_cbor(&entries, Code::Blake2b256)?;
    let manifest = store.put_cbor(&(1u32, manifest_data), Code::Blake2b256)?;
    bundle_of(manifest, manifest_data, &entries)
}

fn bundle_of(manifest: Cid, manifest_data: Cid, entries: &[(String, Cid)]) -> Result<Bundle> {
    let code = Type::ALL
        .into_iter()
        .map(|kind| {
            let (_, cid) = entries
                .iter()
                .find(|(name, _)| name == kind.name())
                .ok_or_else(|| anyhow!("the bundle has no {} actor", kind.name()))?;
            Ok((kind, *cid))
        })
        .collect::<Result<_>>()?;
    Ok(Bundle {
        manifest,
        manifest_data,
        code,
    })
}
