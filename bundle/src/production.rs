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
    /// A bundle CAR of one's own (another builtin-actors release, a local build), run as it
    /// is; not in [`Actors::ALL`], which lists the bundles this crate knows.
    Car,
}

impl Actors {
    pub const ALL: [Actors; 3] = [Actors::Ours, Actors::Hybrid, Actors::Fevm];

    pub fn name(self) -> &'static str {
        match self {
            Actors::Ours => "ours",
            Actors::Hybrid => "hybrid",
            Actors::Fevm => "fevm",
            Actors::Car => "car",
        }
    }

    /// Whether the chain's EVM actor is ours (so its step-tracing build can stand in for it).
    pub fn runs_our_evm(self) -> bool {
        matches!(self, Actors::Ours | Actors::Hybrid)
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

/// Which network's bundle of builtin-actors v18 a chain with Filecoin's actors runs: the
/// networks differ in policy (which sector sizes a miner may have, proving periods, deposits),
/// not in the EVM, EAM or EthAccount actors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, PartialOrd, Ord)]
pub enum Network {
    /// Production's policy: what contracts meet on Filecoin (32 and 64 GiB sectors).
    #[default]
    Mainnet,
    Calibrationnet,
    Butterflynet,
    Caterpillarnet,
    /// Small sectors (2 KiB) and short periods, as Lotus's local devnets run.
    Devnet,
    Testing,
    /// As `testing`, with proofs that always verify.
    TestingFakeProofs,
}

impl Network {
    pub const ALL: [Network; 7] = [
        Network::Mainnet,
        Network::Calibrationnet,
        Network::Butterflynet,
        Network::Caterpillarnet,
        Network::Devnet,
        Network::Testing,
        Network::TestingFakeProofs,
    ];

    /// Its name in the bundles' file names (`builtin-actors-<name>.car`).
    pub fn name(self) -> &'static str {
        match self {
            Network::Mainnet => "mainnet",
            Network::Calibrationnet => "calibrationnet",
            Network::Butterflynet => "butterflynet",
            Network::Caterpillarnet => "caterpillarnet",
            Network::Devnet => "devnet",
            Network::Testing => "testing",
            Network::TestingFakeProofs => "testing-fake-proofs",
        }
    }
}

impl std::str::FromStr for Network {
    type Err = anyhow::Error;

    fn from_str(name: &str) -> Result<Self> {
        Network::ALL
            .into_iter()
            .find(|network| network.name() == name)
            .ok_or_else(|| {
                let names: Vec<_> = Network::ALL.iter().map(|n| n.name()).collect();
                anyhow!("unknown network {name:?}: {}", names.join(", "))
            })
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
        // A CAR named as the release names them says whose it is; any other name is trusted.
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let whose = name
            .strip_prefix("builtin-actors-")
            .and_then(|rest| rest.strip_suffix(".car"));
        if let Some(whose) = whose.filter(|whose| *whose != network) {
            bail!(
                "{} is the {whose} bundle, not {network}'s: set BUILTIN_ACTORS_BUNDLE to Lotus's {ARCHIVE}, or to {network}'s CAR",
                path.display()
            );
        }
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
    if matches!(actors, Actors::Fevm | Actors::Car) {
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

/// The bundle whose manifest data (what the system actor's state names) is `manifest_data`,
/// already in `store`: how a chain made from a CAR finds its actors again without the CAR.
pub fn installed(store: &impl Blockstore, manifest_data: Cid) -> Result<Bundle> {
    let entries: Vec<(String, Cid)> = store
        .get_cbor(&manifest_data)?
        .ok_or_else(|| anyhow!("the chain's manifest {manifest_data} is not in its store"))?;
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
