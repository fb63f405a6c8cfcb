//! A semantic test file: sources, settings and calls.

use crate::{
    error::ParseError,
    parser::{parse_calls, Call},
    settings::Settings,
};
use std::path::{Path, PathBuf};

/// Header lines the runner puts before every source, as upstream does.
const PREAMBLE: &str = "pragma solidity >=0.0;\n";
const LICENSE: &str = "// SPDX-License-Identifier: GPL-3.0\n";

/// A parsed test.
#[derive(Debug, Clone)]
pub struct TestFile {
    /// Path relative to the suite's root, e.g. `smoke/constructor.sol`.
    pub name: String,
    /// Source units in order, with the runner's preamble.
    pub sources: Vec<(String, String)>,
    /// The source whose last contract is deployed.
    pub main_source: String,
    pub settings: Settings,
    pub calls: Vec<Call>,
}

/// Every test file under `root`, sorted; folders starting with `_` hold helpers, not tests.
pub fn discover(root: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            if name.starts_with('_') || name.starts_with('.') || name.starts_with('~') {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if name.ends_with(".sol") {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Reads and parses one test file.
pub fn read(root: &Path, path: &Path) -> Result<TestFile, ParseError> {
    let name = path
        .strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned();
    let text =
        std::fs::read_to_string(path).map_err(|e| ParseError::new(format!("reading: {e}")))?;
    parse(&name, &text, path.parent().unwrap_or(root))
}

/// Parses a test's text; external sources are read relative to `dir`.
pub fn parse(name: &str, text: &str, dir: &Path) -> Result<TestFile, ParseError> {
    let mut sources: Vec<(String, String)> = Vec::new();
    let mut current_name = String::new();
    let mut current = String::new();
    let mut settings = Settings::default();
    let mut in_settings = false;
    let mut expectations = None;
    let lines: Vec<&str> = text.split('\n').collect();
    for (index, line) in lines.iter().enumerate() {
        if line.starts_with("// ----") {
            expectations = Some(lines[index + 1..].join("\n"));
            break;
        }
        if line.starts_with("// ====") {
            in_settings = true;
        } else if in_settings {
            let setting = line
                .strip_prefix("// ")
                .ok_or_else(|| ParseError::new(format!("bad settings line {line:?}")))?;
            let (key, value) = setting
                .split_once(':')
                .ok_or_else(|| ParseError::new(format!("bad setting {setting:?}")))?;
            settings.set(key.trim(), value.trim())?;
        } else if let Some(header) = line
            .strip_prefix("==== Source:")
            .and_then(|l| l.strip_suffix("===="))
        {
            if !(current_name.is_empty() && current.is_empty()) {
                sources.push((
                    std::mem::take(&mut current_name),
                    std::mem::take(&mut current),
                ));
            }
            current_name = header.trim().to_string();
            current.clear();
        } else if let Some(spec) = line
            .strip_prefix("==== ExternalSource:")
            .and_then(|l| l.strip_suffix("===="))
        {
            let spec = spec.trim();
            let (source_name, path) = spec
                .split_once('=')
                .map(|(n, p)| (n.trim(), p.trim()))
                .unwrap_or((spec, spec));
            let content = std::fs::read_to_string(dir.join(path))
                .map_err(|e| ParseError::new(format!("external source {path}: {e}")))?;
            sources.push((source_name.to_string(), content));
        } else {
            current.push_str(line);
            current.push('\n');
        }
    }
    let expectations = expectations.ok_or_else(|| ParseError::new("no // ---- section"))?;
    let main_source = current_name.clone();
    sources.push((current_name, current));
    if sources.iter().filter(|(n, _)| *n == main_source).count() > 1 {
        return Err(ParseError::new(format!(
            "source {main_source:?} defined twice"
        )));
    }
    let sources = sources
        .into_iter()
        .map(|(n, content)| (n, with_preamble(&content)))
        .collect();
    let calls = parse_calls(&expectations)?;
    Ok(TestFile {
        name: name.to_string(),
        sources,
        main_source,
        settings,
        calls,
    })
}

fn with_preamble(source: &str) -> String {
    let license = if source.contains("SPDX-License-Identifier:") {
        ""
    } else {
        LICENSE
    };
    format!("{PREAMBLE}{license}{source}")
}
