//! Keeps the block thread and the node's other threads on different CPUs (`--block-cpu`).
//!
//! A block's messages and the end of its epoch run one after another on a pooled FVM thread;
//! under a steady load of transactions that thread is the node's bottleneck. Left to the
//! scheduler, the threads that answer requests are woken onto its CPU and take turns with it,
//! and it moves between CPUs, leaving its caches behind. Placed, the pooled FVM threads run on
//! one CPU and every other thread of the node on the rest (docs/PERFORMANCE.md has what it
//! gains). Placing threads is done on Linux; elsewhere the scheduler decides.

use std::str::FromStr;

use anyhow::{bail, Context, Result};

/// Where the block thread runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockCpu {
    /// On a CPU the node chooses, if the process may use two or more.
    Auto,
    /// Wherever the scheduler puts it.
    Off,
    /// On this CPU.
    Cpu(usize),
}

impl FromStr for BlockCpu {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "auto" => Ok(Self::Auto),
            "off" => Ok(Self::Off),
            number => number
                .parse()
                .map(Self::Cpu)
                .map_err(|_| format!("{text:?} is not auto, off or a CPU number")),
        }
    }
}

/// The block thread's CPU and the other threads' ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub block: usize,
    pub others: Vec<usize>,
}

/// Chooses where threads go among the CPUs the process may use (`allowed`), `capacity` telling
/// how fast each is where the system says. `None`: the scheduler decides (`off`, or nothing
/// to separate).
pub fn plan(
    choice: BlockCpu,
    allowed: &[usize],
    capacity: impl Fn(usize) -> Option<u64>,
    pid: u32,
) -> Result<Option<Placement>> {
    let block = match choice {
        BlockCpu::Off => return Ok(None),
        BlockCpu::Cpu(cpu) if !allowed.contains(&cpu) => {
            bail!("--block-cpu {cpu}: this process may use CPUs {allowed:?}")
        }
        BlockCpu::Cpu(cpu) => cpu,
        BlockCpu::Auto => {
            // On a hybrid processor the efficient cores are slower: one of the fastest. Nodes
            // started side by side (a test suite's) spread over them by process id.
            let speed = |cpu: usize| capacity(cpu).unwrap_or(0);
            let fastest = allowed.iter().map(|&cpu| speed(cpu)).max().unwrap_or(0);
            let candidates: Vec<usize> = allowed
                .iter()
                .copied()
                .filter(|&cpu| speed(cpu) == fastest)
                .collect();
            match candidates.len() {
                0 => return Ok(None),
                n => candidates[pid as usize % n],
            }
        }
    };
    let others: Vec<usize> = allowed
        .iter()
        .copied()
        .filter(|&cpu| cpu != block)
        .collect();
    if others.is_empty() {
        return Ok(None);
    }
    Ok(Some(Placement { block, others }))
}

/// Places this process's threads as `choice` says: the calling thread (and every thread it
/// starts from now on) on the other CPUs, pooled FVM threads started from now on on the block
/// CPU. To be called before the node starts any thread. Returns the placement made.
pub fn place(choice: BlockCpu) -> Result<Option<Placement>> {
    let allowed = os::allowed().context("reading the CPUs this process may use")?;
    if allowed.is_empty() {
        if let BlockCpu::Cpu(cpu) = choice {
            bail!("--block-cpu {cpu}: placing threads on CPUs is done on Linux only");
        }
        return Ok(None);
    }
    let Some(placement) = plan(choice, &allowed, os::capacity, std::process::id())? else {
        return Ok(None);
    };
    os::pin(&placement.others).context("placing the node's threads")?;
    let block = placement.block;
    host::on_pooled_thread_start(move || {
        if let Err(e) = os::pin(&[block]) {
            tracing::warn!("placing an FVM thread on CPU {block}: {e}");
        }
    });
    Ok(Some(placement))
}

#[cfg(target_os = "linux")]
mod os {
    use std::io;

    /// The CPUs the calling thread may run on.
    pub fn allowed() -> io::Result<Vec<usize>> {
        // SAFETY: an all-zero cpu_set_t is a valid, empty set, and the kernel writes at most
        // its size.
        let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
        let size = std::mem::size_of::<libc::cpu_set_t>();
        if unsafe { libc::sched_getaffinity(0, size, &mut set) } != 0 {
            return Err(io::Error::last_os_error());
        }
        let cpus = (0..libc::CPU_SETSIZE as usize)
            .filter(|&cpu| unsafe { libc::CPU_ISSET(cpu, &set) })
            .collect();
        Ok(cpus)
    }

    /// Lets the calling thread run on `cpus` only.
    pub fn pin(cpus: &[usize]) -> io::Result<()> {
        // SAFETY: as in `allowed`; CPU_SET ignores numbers beyond the set.
        let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
        for &cpu in cpus {
            unsafe { libc::CPU_SET(cpu, &mut set) };
        }
        let size = std::mem::size_of::<libc::cpu_set_t>();
        if unsafe { libc::sched_setaffinity(0, size, &set) } != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// How fast `cpu` is against the others, where the kernel says (hybrid processors).
    pub fn capacity(cpu: usize) -> Option<u64> {
        let path = format!("/sys/devices/system/cpu/cpu{cpu}/cpu_capacity");
        std::fs::read_to_string(path).ok()?.trim().parse().ok()
    }
}

#[cfg(not(target_os = "linux"))]
mod os {
    use std::io;

    pub fn allowed() -> io::Result<Vec<usize>> {
        Ok(Vec::new())
    }

    pub fn pin(_cpus: &[usize]) -> io::Result<()> {
        Ok(())
    }

    pub fn capacity(_cpu: usize) -> Option<u64> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same_speed(_cpu: usize) -> Option<u64> {
        None
    }

    #[test]
    fn auto_gives_the_block_thread_one_cpu_and_the_rest_the_others() {
        let placed = plan(BlockCpu::Auto, &[0, 1, 2, 3], same_speed, 6).unwrap();
        assert_eq!(
            placed,
            Some(Placement {
                block: 2,
                others: vec![0, 1, 3]
            })
        );
        // Another process id, another CPU.
        assert_eq!(
            plan(BlockCpu::Auto, &[0, 1, 2, 3], same_speed, 7)
                .unwrap()
                .unwrap()
                .block,
            3
        );
    }

    #[test]
    fn auto_chooses_among_the_fastest_cpus() {
        // CPUs 0-3 performance cores, 4-7 efficient ones.
        let capacity = |cpu: usize| Some(if cpu < 4 { 1024 } else { 600 });
        for pid in 0..16 {
            let block = plan(BlockCpu::Auto, &[0, 1, 2, 3, 4, 5, 6, 7], capacity, pid)
                .unwrap()
                .unwrap()
                .block;
            assert!(block < 4, "process {pid} got efficient CPU {block}");
        }
    }

    #[test]
    fn one_cpu_or_off_leaves_threads_to_the_scheduler() {
        assert_eq!(plan(BlockCpu::Auto, &[5], same_speed, 1).unwrap(), None);
        assert_eq!(plan(BlockCpu::Cpu(5), &[5], same_speed, 1).unwrap(), None);
        assert_eq!(plan(BlockCpu::Off, &[0, 1], same_speed, 1).unwrap(), None);
    }

    #[test]
    fn a_named_cpu_must_be_one_the_process_may_use() {
        let placed = plan(BlockCpu::Cpu(0), &[0, 1], same_speed, 1).unwrap();
        assert_eq!(
            placed,
            Some(Placement {
                block: 0,
                others: vec![1]
            })
        );
        let refused = plan(BlockCpu::Cpu(4), &[0, 1], same_speed, 1).unwrap_err();
        assert!(
            refused.to_string().contains("may use CPUs [0, 1]"),
            "{refused}"
        );
    }

    #[test]
    fn the_option_reads_auto_off_or_a_number() {
        assert_eq!("auto".parse(), Ok(BlockCpu::Auto));
        assert_eq!("off".parse(), Ok(BlockCpu::Off));
        assert_eq!("3".parse(), Ok(BlockCpu::Cpu(3)));
        assert!("fast".parse::<BlockCpu>().is_err());
    }
}
