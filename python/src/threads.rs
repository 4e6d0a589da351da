//! The thread pool edgegrad's parallel work runs on, and `set_num_threads`.
//!
//! One pool per process, built on first use with rayon's defaults (the `RAYON_NUM_THREADS`
//! environment variable, else one thread per core) and rebuilt by `set_num_threads`. A process
//! forked from one that had a pool (Python's `multiprocessing` on Linux) has none of the pool's
//! threads: it builds its own instead of waiting on threads that do not exist. Work too small
//! for the library to split runs on the calling thread, where handing it to the pool and waiting
//! for it would cost more than the work itself.

use std::sync::{Arc, Mutex, MutexGuard};

use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use rayon::{ThreadPool, ThreadPoolBuilder};

/// Work on fewer elements than this runs on the calling thread: the library itself splits work
/// only from 2^16 elements on, so smaller work would occupy a single pool thread anyway.
const POOL_MIN_ELEMENTS: usize = 1 << 15;

/// The pool and the process that built it.
struct Pool {
    pid: u32,
    threads: Arc<ThreadPool>,
}

static POOL: Mutex<Option<Pool>> = Mutex::new(None);

fn lock() -> MutexGuard<'static, Option<Pool>> {
    // Nothing panics while holding the lock, but a poisoned lock still holds a valid pool.
    POOL.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A new pool of `threads` threads; 0 means rayon's default.
fn build(threads: usize) -> PyResult<Pool> {
    let pool = ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("edgegrad-{i}"))
        .build()
        .map_err(|e| PyRuntimeError::new_err(format!("cannot start edgegrad's threads: {e}")))?;
    Ok(Pool {
        pid: std::process::id(),
        threads: Arc::new(pool),
    })
}

/// Replaces the pool, leaving an inherited one alone: its threads are not in this process, so
/// dropping it could wait for them forever.
fn replace(slot: &mut Option<Pool>, new: Pool) {
    if let Some(old) = slot.replace(new) {
        if old.pid != std::process::id() {
            std::mem::forget(old);
        }
    }
}

/// This process's pool, built now if there is none yet.
fn current() -> PyResult<Arc<ThreadPool>> {
    let mut slot = lock();
    match slot.as_ref() {
        Some(pool) if pool.pid == std::process::id() => Ok(pool.threads.clone()),
        _ => {
            let pool = build(0)?;
            let threads = pool.threads.clone();
            replace(&mut slot, pool);
            Ok(threads)
        }
    }
}

/// Where one call's work runs: on the pool, or on the calling thread when it is small.
pub(crate) struct Runner(Option<Arc<ThreadPool>>);

impl Runner {
    /// The place for work on `elements` array elements.
    pub fn for_elements(elements: usize) -> PyResult<Self> {
        Ok(Runner(if elements >= POOL_MIN_ELEMENTS {
            Some(current()?)
        } else {
            None
        }))
    }

    /// Runs `work` there and returns its result.
    pub fn run<T: Send>(&self, work: impl FnOnce() -> T + Send) -> T {
        match &self.0 {
            Some(pool) => pool.install(work),
            None => work(),
        }
    }
}

/// The most threads `set_num_threads` starts: far beyond any machine's cores, and short of the
/// number at which starting them would exhaust the system.
const MAX_THREADS: usize = 1024;

/// Sets the number of threads edgegrad computes with (1 to [`MAX_THREADS`]).
#[pyfunction]
pub(crate) fn set_num_threads(n: isize) -> PyResult<()> {
    let threads = usize::try_from(n)
        .ok()
        .filter(|t| (1..=MAX_THREADS).contains(t))
        .ok_or_else(|| {
            PyValueError::new_err(format!("n must be from 1 to {MAX_THREADS}, got {n}"))
        })?;
    let pool = build(threads)?;
    replace(&mut lock(), pool);
    Ok(())
}

/// The number of threads edgegrad computes with.
#[pyfunction]
pub(crate) fn get_num_threads() -> PyResult<usize> {
    Ok(current()?.current_num_threads())
}
