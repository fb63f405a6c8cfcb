//! A runner for the Solidity compiler's semantic test suite (`test/libsolidity/semanticTests`),
//! executing every test on the real FVM through our EVM actor.

pub mod error;
pub mod file;
pub mod parser;
mod scanner;
pub mod settings;

pub use conformance_data::{dir as conformance_dir, find_dir as find_conformance_dir};

/// The suite's root. Panics, saying how to get the data, when there is none.
pub fn suite_dir() -> std::path::PathBuf {
    conformance_dir().join("solidity-semantic-tests")
}

pub mod compile;
pub mod events;
pub mod report;
pub mod run;
pub mod skip;

use report::{Report, Status, TestResult};
use settings::Pipeline;
use std::{
    collections::VecDeque,
    io::Write as _,
    path::PathBuf,
    sync::{Arc, Mutex},
};

/// What to run and how.
#[derive(Debug, Clone)]
pub struct ExecuteOptions {
    /// The suite's folder; empty (the default when there is no conformance data) makes
    /// [`execute`] fail, saying how to get the data.
    pub root: PathBuf,
    /// Only tests whose path contains this.
    pub filter: Option<String>,
    /// At most this many tests from each top-level folder (a representative subset).
    pub per_folder: Option<usize>,
    pub jobs: usize,
    /// Compiler output cache.
    pub cache: PathBuf,
    /// Draw a progress bar on stderr.
    pub progress: bool,
    /// The bundle the chains run: ours, or the production one with our EVM actor or its own.
    pub actors: host::Actors,
}

impl Default for ExecuteOptions {
    fn default() -> Self {
        Self {
            root: find_conformance_dir()
                .map(|dir| dir.join("solidity-semantic-tests"))
                .unwrap_or_default(),
            filter: None,
            per_folder: None,
            jobs: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
            cache: std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/solc-cache"),
            progress: true,
            actors: host::Actors::Ours,
        }
    }
}

/// Runs the selected tests, both pipelines as each asks, on `jobs` workers (one solc-js each).
pub fn execute(options: &ExecuteOptions) -> anyhow::Result<Report> {
    let root = if options.root.as_os_str().is_empty() {
        // The default found no conformance data: say how to get it.
        find_conformance_dir()
            .map_err(anyhow::Error::msg)?
            .join("solidity-semantic-tests")
    } else {
        options.root.clone()
    };
    host::set_concurrency(options.jobs as u32);
    run::use_actors(options.actors)?;
    let mut results = Vec::new();
    let mut queue = VecDeque::new();
    let mut taken: std::collections::HashMap<String, usize> = Default::default();
    for path in file::discover(&root)? {
        let name = path
            .strip_prefix(&root)
            .unwrap_or(&path)
            .to_string_lossy()
            .into_owned();
        if options.filter.as_deref().is_some_and(|f| !name.contains(f)) {
            continue;
        }
        if let Some(limit) = options.per_folder {
            let folder = name
                .split_once('/')
                .map_or(".", |(folder, _)| folder)
                .to_string();
            let count = taken.entry(folder).or_default();
            if *count >= limit {
                continue;
            }
            *count += 1;
        }
        match file::read(&root, &path) {
            Err(e) => {
                for pipeline in [Pipeline::Legacy, Pipeline::Ir] {
                    results.push(TestResult {
                        path: name.clone(),
                        pipeline,
                        status: Status::Failed,
                        reason: Some(format!("parse error: {e}")),
                    });
                }
            }
            Ok(test) => {
                let test = Arc::new(test);
                let skip = skip::reason(&test);
                for pipeline in test.settings.pipelines() {
                    match &skip {
                        Some(reason) => results.push(TestResult {
                            path: name.clone(),
                            pipeline,
                            status: Status::Skipped,
                            reason: Some(reason.clone()),
                        }),
                        None => queue.push_back((test.clone(), pipeline)),
                    }
                }
            }
        }
    }
    let total = queue.len();
    let queue = Mutex::new(queue);
    let done = Mutex::new(Vec::new());
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let mut workers = Vec::new();
        for _ in 0..options.jobs.max(1) {
            workers.push(scope.spawn(|| -> anyhow::Result<()> {
                let mut compiler = compile::Compiler::new(options.cache.clone())?;
                loop {
                    let Some((test, pipeline)) = queue.lock().expect("queue").pop_front() else {
                        return Ok(());
                    };
                    let result = run_one(&test, pipeline, &mut compiler);
                    let mut done = done.lock().expect("results");
                    done.push(result);
                    if options.progress {
                        draw_progress(done.len(), total);
                    }
                }
            }));
        }
        for worker in workers {
            worker.join().expect("worker panicked")?;
        }
        Ok(())
    })?;
    if options.progress {
        eprintln!();
    }
    results.extend(done.into_inner().expect("results"));
    Ok(Report::new(results))
}

fn run_one(
    test: &file::TestFile,
    pipeline: Pipeline,
    compiler: &mut compile::Compiler,
) -> TestResult {
    let verdict = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        run::run(test, pipeline, compiler)
    }))
    .unwrap_or_else(|_| run::Verdict::Error("the runner panicked".into()));
    let (status, reason) = match verdict {
        run::Verdict::Passed => (Status::Passed, None),
        run::Verdict::Failed {
            call,
            expected,
            got,
        } => {
            let known = skip::known_failure(&test.name)
                .map(|why| format!(" (known difference: {why})"))
                .unwrap_or_default();
            (
                Status::Failed,
                Some(format!("`{call}`: expected {expected}, got {got}{known}")),
            )
        }
        run::Verdict::Error(e) => {
            let known = skip::known_failure(&test.name)
                .map(|why| format!(" (known difference: {why})"))
                .unwrap_or_default();
            (Status::Failed, Some(format!("{e}{known}")))
        }
    };
    // One line per test in the report.
    let reason = reason.map(|r| r.split_whitespace().collect::<Vec<_>>().join(" "));
    TestResult {
        path: test.name.clone(),
        pipeline,
        status,
        reason,
    }
}

fn draw_progress(done: usize, total: usize) {
    const WIDTH: usize = 40;
    let filled = (done * WIDTH).checked_div(total).unwrap_or(WIDTH);
    eprint!(
        "\r[{}{}] {done}/{total}",
        "#".repeat(filled),
        ".".repeat(WIDTH - filled)
    );
    let _ = std::io::stderr().flush();
}
