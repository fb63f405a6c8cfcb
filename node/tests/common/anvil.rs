//! anvil, from the npm package `./scripts/setup` installs, for tests that compare answers.

use std::{
    io::{BufRead, BufReader},
    path::PathBuf,
    process::{Child, Command, Stdio},
};

use super::Rpc;

/// anvil from the npm package `./scripts/setup` installs, killed when dropped.
pub struct Anvil {
    child: Child,
    pub rpc: Rpc,
}

impl Anvil {
    pub fn start() -> Anvil {
        let platform = match (std::env::consts::OS, std::env::consts::ARCH) {
            ("linux", "x86_64") => "linux-amd64",
            ("linux", "aarch64") => "linux-arm64",
            ("macos", "x86_64") => "darwin-amd64",
            ("macos", "aarch64") => "darwin-arm64",
            other => panic!("no anvil package for {other:?}"),
        };
        let binary: PathBuf = [
            env!("CARGO_MANIFEST_DIR"),
            "..",
            "node_modules",
            "@foundry-rs",
            &format!("anvil-{platform}"),
            "bin",
            "anvil",
        ]
        .iter()
        .collect();
        let mut child = Command::new(&binary)
            // Steps tracing: anvil's struct logger answers with no steps without it.
            .args(["--port", "0", "--steps-tracing"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "starting {} (run ./scripts/setup npm): {e}",
                    binary.display()
                )
            });
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let address = loop {
            let line = lines.next().expect("anvil exited").unwrap();
            if let Some(address) = line.strip_prefix("Listening on ") {
                break address.to_string();
            }
        };
        std::thread::spawn(move || lines.for_each(drop));
        Anvil {
            child,
            rpc: Rpc {
                url: format!("http://{address}"),
            },
        }
    }
}

impl Drop for Anvil {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
