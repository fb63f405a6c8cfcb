//! The suite's results: a Markdown summary per folder and pipeline, every skip with its
//! reason, every failure with its first mismatching call; and the JSON form other tools read.

use crate::settings::Pipeline;
use serde::Serialize;
use std::{collections::BTreeMap, fmt::Write as _};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Passed,
    Failed,
    Skipped,
}

/// One test under one pipeline.
#[derive(Debug, Clone, Serialize)]
pub struct TestResult {
    pub path: String,
    pub pipeline: Pipeline,
    pub status: Status,
    /// Why it was skipped, or how it failed (first mismatching call: expected vs got).
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Counts {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
}

impl Counts {
    fn add(&mut self, status: Status) {
        match status {
            Status::Passed => self.passed += 1,
            Status::Failed => self.failed += 1,
            Status::Skipped => self.skipped += 1,
        }
    }

    /// Passed as a share of those run.
    pub fn pass_rate(&self) -> f64 {
        percent(self.passed, self.passed + self.failed)
    }

    /// Passed as a share of every test this pipeline applies to (run or skipped).
    pub fn applicable_pass_rate(&self) -> f64 {
        percent(self.passed, self.passed + self.failed + self.skipped)
    }
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

/// `{"pipelines": {"legacy": {..}, "ir": {..}}, "tests": [..]}`.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub pipelines: BTreeMap<&'static str, Counts>,
    pub tests: Vec<TestResult>,
}

impl Report {
    pub fn new(mut tests: Vec<TestResult>) -> Self {
        tests.sort_by(|a, b| (&a.path, a.pipeline).cmp(&(&b.path, b.pipeline)));
        let mut pipelines = BTreeMap::new();
        for pipeline in [Pipeline::Legacy, Pipeline::Ir] {
            pipelines.insert(pipeline.name(), Counts::default());
        }
        for test in &tests {
            pipelines
                .get_mut(test.pipeline.name())
                .expect("both pipelines")
                .add(test.status);
        }
        Self { pipelines, tests }
    }

    /// The Markdown report.
    pub fn render(&self) -> String {
        let mut out = String::from("## Solidity semantic tests on the FVM\n\n| pipeline | passed | failed | skipped | passed of run | passed of applicable |\n|---|---:|---:|---:|---:|---:|\n");
        for (name, counts) in &self.pipelines {
            let _ = writeln!(
                out,
                "| {name} | {} | {} | {} | {:.1}% | {:.1}% |",
                counts.passed,
                counts.failed,
                counts.skipped,
                counts.pass_rate(),
                counts.applicable_pass_rate()
            );
        }
        out.push_str("\n`gas` expectation lines are parsed and ignored, as upstream does by default (without `--enforce-gas-cost`): they price Ethereum's gas schedule, and on the FVM execution is paid in FVM gas.\n");
        out.push_str("\nTests written for EVMs older than Cancun (`EVMVersion: <cancun` and the like) are compiled for the newest version they admit and run on the actor unchanged, as old bytecode runs on Ethereum after a fork.\n");

        let mut folders: BTreeMap<(String, &str), Counts> = BTreeMap::new();
        for test in &self.tests {
            let folder = test
                .path
                .split('/')
                .next()
                .filter(|_| test.path.contains('/'))
                .unwrap_or(".")
                .to_string();
            folders
                .entry((folder, test.pipeline.name()))
                .or_default()
                .add(test.status);
        }
        out.push_str("\n### By folder\n\n| folder | pipeline | passed | failed | skipped |\n|---|---|---:|---:|---:|\n");
        for ((folder, pipeline), counts) in &folders {
            let _ = writeln!(
                out,
                "| {folder} | {pipeline} | {} | {} | {} |",
                counts.passed, counts.failed, counts.skipped
            );
        }
        for (title, status) in [("Skipped", Status::Skipped), ("Failed", Status::Failed)] {
            let listed: Vec<_> = self.tests.iter().filter(|t| t.status == status).collect();
            if listed.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n### {title} ({})\n", listed.len());
            for test in listed {
                let _ = writeln!(
                    out,
                    "- `{}` ({}): {}",
                    test.path,
                    test.pipeline.name(),
                    test.reason.as_deref().unwrap_or("")
                );
            }
        }
        out
    }
}
