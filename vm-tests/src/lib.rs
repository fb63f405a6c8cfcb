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

pub use conformance_data::{dir as conformance_dir, find_dir as find_conformance_dir};
