//! Runs every case and summarises: per folder, in total, and as JSON for other tools.

use crate::{
    case::NamedCase,
    run::{run_case, Verdict},
};
use serde::Serialize;
use std::{collections::BTreeMap, fmt::Write as _};

/// Cases not run, each with the reason the report prints. Empty: every case runs.
pub const SKIPPED: &[(&str, &str)] = &[];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Passed,
    Failed,
    Skipped,
}

/// One case's result, as written to the JSON report.
#[derive(Debug, Clone, Serialize)]
pub struct CaseResult {
    pub name: String,
    pub status: Status,
    pub reason: Option<String>,
    #[serde(skip)]
    pub folder: String,
    #[serde(skip)]
    pub gas_matches: Option<bool>,
}

/// The JSON report: `{"passed", "failed", "skipped", "cases": [{"name", "status", "reason"}]}`.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    pub cases: Vec<CaseResult>,
}

/// Runs all `cases`.
pub fn run_all(cases: &[NamedCase]) -> Report {
    let results: Vec<CaseResult> = cases.iter().map(run_one).collect();
    let count = |s| results.iter().filter(|r| r.status == s).count();
    Report {
        passed: count(Status::Passed),
        failed: count(Status::Failed),
        skipped: count(Status::Skipped),
        cases: results,
    }
}

fn run_one(named: &NamedCase) -> CaseResult {
    let name = format!("{}/{}", named.folder, named.name);
    let result = |status, reason, gas_matches| CaseResult {
        name: name.clone(),
        status,
        reason,
        folder: named.folder.clone(),
        gas_matches,
    };
    if let Some((_, reason)) = SKIPPED.iter().find(|(skipped, _)| *skipped == name) {
        return result(Status::Skipped, Some(reason.to_string()), None);
    }
    match run_case(&named.case) {
        Verdict::Passed { gas_matches } => result(Status::Passed, None, gas_matches),
        Verdict::Failed(reason) => result(Status::Failed, Some(reason), None),
    }
}

impl Report {
    /// The human-readable summary: a Markdown table per folder, then every skip and failure.
    pub fn render(&self) -> String {
        let mut folders: BTreeMap<&str, [usize; 3]> = BTreeMap::new();
        for case in &self.cases {
            let counts = folders.entry(&case.folder).or_default();
            counts[case.status as usize] += 1;
        }
        let mut out =
            String::from("| folder | passed | failed | skipped |\n|---|---:|---:|---:|\n");
        for (folder, [p, f, s]) in &folders {
            let _ = writeln!(out, "| {folder} | {p} | {f} | {s} |");
        }
        let _ = writeln!(
            out,
            "| **total** | **{}** | **{}** | **{}** |\n",
            self.passed, self.failed, self.skipped
        );
        let with_gas: Vec<bool> = self.cases.iter().filter_map(|c| c.gas_matches).collect();
        let gas_matched = with_gas.iter().filter(|&&m| m).count();
        let _ = writeln!(
            out,
            "Compared: output, post storage, logs hash, and failure for cases without post-state. \
             Ethereum gas is not compared (FVM gas is the cost model); for information, the gas \
             left matched the expected value in {gas_matched} of {} passing cases with post-state.",
            with_gas.len()
        );
        for (label, status) in [("Skipped", Status::Skipped), ("Failed", Status::Failed)] {
            let listed: Vec<_> = self.cases.iter().filter(|c| c.status == status).collect();
            if !listed.is_empty() {
                let _ = writeln!(out, "\n{label}:");
                for case in listed {
                    let _ = writeln!(
                        out,
                        "- {}: {}",
                        case.name,
                        case.reason.as_deref().unwrap_or("")
                    );
                }
            }
        }
        out
    }
}
