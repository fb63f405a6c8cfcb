//! Where messages run: on a thread with the native stack the FVM needs.
//!
//! The FVM needs far more stack than a caller's thread (a tokio worker, a test thread) usually
//! has. A thread started with [`FVM_STACK_BYTES`] that says so ([`declare_fvm_stack`]: the dev
//! node's runtime threads do) runs its messages itself. Any other caller hands each message to
//! a pool of long-lived threads with that stack. Spawning a thread per message instead took
//! about 90 µs (a 64 MiB stack mapped, then unmapped) and a pooled thread's hand-over about
//! 30 µs, against a dev-node transfer of about 2 ms. Callers that run messages at the same
//! time (several chains in one process) each get a pooled thread: the pool grows to the highest
//! concurrency seen. A job can also go on after handing its first results back ([`start`]):
//! the end of a block's epoch runs so, after the block's messages.

use std::{
    cell::Cell,
    panic::{catch_unwind, AssertUnwindSafe},
    sync::{mpsc, Mutex, OnceLock},
};

use anyhow::{anyhow, Context, Result};

/// The native stack the FVM needs to execute: at least 64 MiB.
pub const FVM_STACK_BYTES: usize = 64 << 20;

thread_local! {
    /// Whether this thread was started with [`FVM_STACK_BYTES`] of stack.
    static HAS_FVM_STACK: Cell<bool> = const { Cell::new(false) };
}

/// Declares that the calling thread was started with at least [`FVM_STACK_BYTES`] of stack,
/// so that the messages it runs from now on run on it. Called on a thread with less, a deep
/// message would overflow its stack and abort the process.
pub fn declare_fvm_stack() {
    HAS_FVM_STACK.set(true);
}

type Job = Box<dyn FnOnce() + Send>;

/// A thread waiting for jobs.
struct Worker {
    jobs: mpsc::Sender<Job>,
}

/// Threads between jobs.
static IDLE: Mutex<Vec<Worker>> = Mutex::new(Vec::new());

/// What each pooled thread runs first ([`on_pooled_thread_start`]).
static ON_START: OnceLock<Box<dyn Fn() + Send + Sync>> = OnceLock::new();

/// Has every pooled thread started from now on run `hook` before its first job: the dev node
/// places its block threads on a CPU of their own so. Takes effect once; returns whether it
/// did.
pub fn on_pooled_thread_start(hook: impl Fn() + Send + Sync + 'static) -> bool {
    ON_START.set(Box::new(hook)).is_ok()
}

/// Runs `job` on a thread with the FVM's stack (this one if it has it) and returns what it
/// returns. A job that panics is an error; a pooled thread it panicked on ends rather than
/// serve another job from a state the panic may have left.
pub fn run<T: Send + 'static>(job: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    if HAS_FVM_STACK.get() {
        return catch_unwind(AssertUnwindSafe(job)).map_err(|_| anyhow!("the FVM panicked"));
    }
    start(job)?.join()
}

/// A job running on a pooled FVM thread while its caller goes on ([`start`]).
pub struct Running<T> {
    result: mpsc::Receiver<T>,
    /// Its thread, back to the pool once the job is joined, unless a job queued behind it
    /// ([`Running::then`]) took it. Dropped unjoined, the thread finishes its jobs and ends.
    worker: Option<Worker>,
}

impl<T> Running<T> {
    /// Waits for the job and returns what it returned; a panic is an error.
    pub fn join(self) -> Result<T> {
        let value = self
            .result
            .recv()
            .map_err(|_| anyhow!("the FVM panicked"))?;
        if let Some(worker) = self.worker {
            idle().push(worker);
        }
        Ok(value)
    }

    /// Queues `next` on this job's thread, to start the moment this job ends (no thread wakes
    /// in between), and returns it running. This job is still joined as before. If the thread
    /// ended (this job panicked) or a job is already queued behind, `next` starts on another.
    pub fn then<U: Send + 'static>(
        &mut self,
        next: impl FnOnce() -> U + Send + 'static,
    ) -> Result<Running<U>> {
        let (done, result) = mpsc::sync_channel(1);
        let mut job: Job = Box::new(move || {
            let _ = done.send(next());
        });
        if let Some(worker) = self.worker.take() {
            match worker.jobs.send(job) {
                Ok(()) => {
                    return Ok(Running {
                        result,
                        worker: Some(worker),
                    })
                }
                Err(mpsc::SendError(unsent)) => job = unsent,
            }
        }
        Ok(Running {
            result,
            worker: Some(hand_over(job)?),
        })
    }
}

/// Starts `job` on a pooled thread with the FVM's stack, whatever the caller's stack, and
/// returns at once: the job may hand results back before it ends (through a channel of its
/// own) and go on working.
pub fn start<T: Send + 'static>(job: impl FnOnce() -> T + Send + 'static) -> Result<Running<T>> {
    let (done, result) = mpsc::sync_channel(1);
    let job: Job = Box::new(move || {
        let _ = done.send(job());
    });
    Ok(Running {
        result,
        worker: Some(hand_over(job)?),
    })
}

/// Gives `job` to an idle pooled thread (a new one if none is idle) and returns that thread.
fn hand_over(mut job: Job) -> Result<Worker> {
    loop {
        let Some(worker) = idle().pop() else { break };
        match worker.jobs.send(job) {
            Ok(()) => return Ok(worker),
            // It ended after a panic, with a job queued behind it.
            Err(mpsc::SendError(unsent)) => job = unsent,
        }
    }
    let worker = spawn()?;
    worker
        .jobs
        .send(job)
        .map_err(|_| anyhow!("an FVM thread ended"))?;
    Ok(worker)
}

fn idle() -> std::sync::MutexGuard<'static, Vec<Worker>> {
    // The list stays consistent whatever panicked while holding it (push and pop only).
    IDLE.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn spawn() -> Result<Worker> {
    let (jobs, queue) = mpsc::channel::<Job>();
    std::thread::Builder::new()
        .name("fvm".into())
        .stack_size(FVM_STACK_BYTES)
        .spawn(move || {
            declare_fvm_stack();
            if let Some(hook) = ON_START.get() {
                hook();
            }
            for job in &queue {
                if catch_unwind(AssertUnwindSafe(job)).is_err() {
                    // Jobs queued behind it run elsewhere.
                    for queued in queue.try_iter() {
                        let _ = hand_over(queued);
                    }
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
    fn a_thread_that_declares_the_fvm_stack_runs_jobs_itself() {
        let (own, ran_on) = std::thread::Builder::new()
            .stack_size(FVM_STACK_BYTES)
            .spawn(|| {
                declare_fvm_stack();
                let own = std::thread::current().id();
                (own, run(|| std::thread::current().id()).unwrap())
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(own, ran_on);
        // A thread without the declaration (this test's) hands its job to a pooled thread.
        let caller = std::thread::current().id();
        assert_ne!(run(|| std::thread::current().id()).unwrap(), caller);
    }

    #[test]
    fn threads_started_after_a_hook_is_set_run_it_before_their_first_job() {
        thread_local!(static HOOKED: Cell<bool> = const { Cell::new(false) });
        assert!(on_pooled_thread_start(|| HOOKED.set(true)));
        assert!(!on_pooled_thread_start(|| ()), "a second hook took effect");
        // Twenty jobs that wait for each other need twenty threads at once: more than other
        // tests leave idle, so some are started after the hook.
        let all_running = std::sync::Arc::new(std::sync::Barrier::new(20));
        let jobs: Vec<_> = (0..20)
            .map(|_| {
                let all_running = std::sync::Arc::clone(&all_running);
                start(move || {
                    all_running.wait();
                    HOOKED.get()
                })
                .unwrap()
            })
            .collect();
        let hooked = jobs
            .into_iter()
            .map(|job| job.join().unwrap())
            .filter(|&ran_the_hook| ran_the_hook)
            .count();
        assert!(hooked > 0, "no new thread ran the hook");
    }

    #[test]
    fn a_started_job_runs_on_a_pooled_thread_while_its_caller_goes_on() {
        let (handed, early) = mpsc::sync_channel(1);
        let (go_on, wait) = mpsc::sync_channel::<()>(1);
        let running = start(move || {
            handed.send(std::thread::current().id()).unwrap();
            wait.recv().unwrap();
            7
        })
        .unwrap();
        // The job handed a result back and still runs, on another thread.
        assert_ne!(early.recv().unwrap(), std::thread::current().id());
        go_on.send(()).unwrap();
        assert_eq!(running.join().unwrap(), 7);
    }

    #[test]
    fn a_job_queued_behind_another_runs_after_it_on_its_thread() {
        let (go_on, wait) = mpsc::sync_channel::<()>(1);
        let order = std::sync::Arc::new(Mutex::new(Vec::new()));
        let first_order = order.clone();
        let mut first = start(move || {
            wait.recv().unwrap();
            first_order.lock().unwrap().push(1);
            std::thread::current().id()
        })
        .unwrap();
        let next_order = order.clone();
        let next = first
            .then(move || {
                next_order.lock().unwrap().push(2);
                std::thread::current().id()
            })
            .unwrap();
        go_on.send(()).unwrap();
        let next_thread = next.join().unwrap();
        assert_eq!(first.join().unwrap(), next_thread, "the same thread");
        assert_eq!(*order.lock().unwrap(), [1, 2], "in order");

        // Behind a job that panics, the queued one runs on another thread.
        let (go_on, wait) = mpsc::sync_channel::<()>(1);
        let mut failing = start(move || -> u32 {
            wait.recv().unwrap();
            panic!("boom")
        })
        .unwrap();
        let after = failing.then(|| 7).unwrap();
        go_on.send(()).unwrap();
        assert!(failing.join().is_err());
        assert_eq!(after.join().unwrap(), 7);
    }

    #[test]
    fn a_panicking_job_is_an_error_and_later_jobs_still_run() {
        let error = run(|| panic!("boom")).unwrap_err();
        assert!(error.to_string().contains("panicked"), "{error}");
        assert_eq!(run(|| 7).unwrap(), 7);
    }
}
