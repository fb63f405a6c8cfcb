//! Long-lived threads with the native stack the FVM needs, reused from message to message.
//!
//! The FVM needs far more stack than a caller's thread (a tokio worker, a test thread) has, so
//! every message runs on a thread of its own. Spawning one per message cost about 90 µs (a
//! 64 MiB stack mapped, then unmapped), a tenth of a dev-node transaction; a pool of idle
//! threads makes that a channel send. Callers that run messages at the same time (several
//! chains in one process) each get a thread: the pool grows to the highest concurrency seen.

use std::{
    panic::{catch_unwind, AssertUnwindSafe},
    sync::{mpsc, Mutex},
};

use anyhow::{anyhow, Context, Result};

/// The FVM needs at least 64 MiB of native stack to execute.
const EXECUTION_STACK: usize = 64 << 20;

type Job = Box<dyn FnOnce() + Send>;

/// A thread waiting for jobs.
struct Worker {
    jobs: mpsc::Sender<Job>,
}

/// Threads between jobs.
static IDLE: Mutex<Vec<Worker>> = Mutex::new(Vec::new());

/// Runs `job` on an FVM thread and returns what it returns. A job that panics is an error, and
/// its thread ends rather than serve another job from a state the panic may have left.
pub fn run<T: Send + 'static>(job: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    let (done, result) = mpsc::sync_channel(1);
    let job: Job = Box::new(move || {
        let _ = done.send(job());
    });
    let worker = match idle().pop() {
        Some(worker) => worker,
        None => spawn()?,
    };
    worker
        .jobs
        .send(job)
        .map_err(|_| anyhow!("an FVM thread ended"))?;
    let value = result.recv().map_err(|_| anyhow!("the FVM panicked"))?;
    idle().push(worker);
    Ok(value)
}

fn idle() -> std::sync::MutexGuard<'static, Vec<Worker>> {
    // The list stays consistent whatever panicked while holding it (push and pop only).
    IDLE.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn spawn() -> Result<Worker> {
    let (jobs, queue) = mpsc::channel::<Job>();
    std::thread::Builder::new()
        .name("fvm".into())
        .stack_size(EXECUTION_STACK)
        .spawn(move || {
            for job in queue {
                if catch_unwind(AssertUnwindSafe(job)).is_err() {
                    break;
                }
            }
        })
        .context("starting an FVM thread")?;
    Ok(Worker { jobs })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_run_on_reused_threads_with_the_fvm_stack() {
        let threads: std::collections::HashSet<_> = (0..20)
            .map(|_| run(|| std::thread::current().id()).unwrap())
            .collect();
        // Other tests may hold a thread meanwhile, but a thread per job would make 20.
        assert!(threads.len() < 20, "{} threads for 20 jobs", threads.len());
        // 16 MiB on the stack overflows a default thread (2 MiB, or 8 MiB for main).
        let last = run(|| {
            let big = [7u8; 16 << 20];
            std::hint::black_box(&big)[(16 << 20) - 1]
        })
        .unwrap();
        assert_eq!(last, 7);
    }

    #[test]
    fn a_panicking_job_is_an_error_and_later_jobs_still_run() {
        let error = run(|| panic!("boom")).unwrap_err();
        assert!(error.to_string().contains("panicked"), "{error}");
        assert_eq!(run(|| 7).unwrap(), 7);
    }
}
