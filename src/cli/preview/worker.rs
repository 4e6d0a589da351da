//! A background thread that computes what the window shows, so the window never waits.
//!
//! The window submits jobs; a job that has not started yet is replaced by a newer one (holding
//! a key down asks for many pictures, only the last matters), except jobs marked `keep` (a
//! save must happen for the picture the user saw). Results come back in order on a channel.

use std::collections::VecDeque;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, TryRecvError};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::Instant;

/// Jobs waiting to start, and whether the worker should stop.
struct Pending<J> {
    jobs: VecDeque<(J, bool)>,
    closed: bool,
}

struct Slot<J> {
    pending: Mutex<Pending<J>>,
    ready: Condvar,
}

impl<J> Slot<J> {
    /// Waits for the next job; `None` once closed.
    fn next(&self) -> Option<J> {
        let mut p = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if p.closed {
                return None;
            }
            if let Some((job, _)) = p.jobs.pop_front() {
                return Some(job);
            }
            p = self.ready.wait(p).unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// A thread running `compute` on submitted jobs, newest first.
pub struct Worker<J, O> {
    slot: Arc<Slot<J>>,
    results: Receiver<O>,
    thread: Option<JoinHandle<()>>,
}

impl<J: Send + 'static, O: Send + 'static> Worker<J, O> {
    /// Starts the thread. It ends when the worker is dropped (after the job it is running) or
    /// when the results are no longer received.
    pub fn spawn(mut compute: impl FnMut(J) -> O + Send + 'static) -> Self {
        let slot = Arc::new(Slot {
            pending: Mutex::new(Pending {
                jobs: VecDeque::new(),
                closed: false,
            }),
            ready: Condvar::new(),
        });
        let (tx, results) = mpsc::channel();
        let theirs = Arc::clone(&slot);
        let thread = thread::Builder::new()
            .name("preview-worker".into())
            .spawn(move || {
                while let Some(job) = theirs.next() {
                    if tx.send(compute(job)).is_err() {
                        break;
                    }
                }
            })
            .ok();
        Worker {
            slot,
            results,
            thread,
        }
    }

    /// Queues `job`, replacing a queued job that is not `keep`.
    pub fn submit(&self, job: J, keep: bool) {
        let mut p = self
            .slot
            .pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if matches!(p.jobs.back(), Some((_, false))) {
            p.jobs.pop_back();
        }
        p.jobs.push_back((job, keep));
        self.slot.ready.notify_one();
    }

    /// The next finished result, if any, without waiting. `Err` when the thread has ended
    /// (it could not start, or `compute` panicked).
    pub fn try_result(&self) -> Result<Option<O>, WorkerGone> {
        match self.results.try_recv() {
            Ok(o) => Ok(Some(o)),
            Err(TryRecvError::Empty) => Ok(None),
            Err(TryRecvError::Disconnected) => Err(WorkerGone),
        }
    }

    /// Waits for the next result.
    pub fn wait_result(&self) -> Result<O, WorkerGone> {
        self.results.recv().map_err(|_| WorkerGone)
    }

    /// Waits for the next result until `deadline` at the latest.
    pub fn result_before(&self, deadline: Instant) -> Result<Option<O>, WorkerGone> {
        let wait = deadline.saturating_duration_since(Instant::now());
        match self.results.recv_timeout(wait) {
            Ok(o) => Ok(Some(o)),
            Err(RecvTimeoutError::Timeout) => Ok(None),
            Err(RecvTimeoutError::Disconnected) => Err(WorkerGone),
        }
    }
}

impl<J, O> Drop for Worker<J, O> {
    fn drop(&mut self) {
        {
            let mut p = self
                .slot
                .pending
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            p.closed = true;
            p.jobs.clear();
        }
        self.slot.ready.notify_all();
        if let Some(t) = self.thread.take() {
            // A panic in the thread was already reported by the panic hook; nothing to add.
            let _ = t.join();
        }
    }
}

/// The worker thread has stopped: it could not be started, or its computation panicked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the preview's background thread stopped unexpectedly")]
pub struct WorkerGone;

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::sync_channel;
    use std::time::Duration;

    #[test]
    fn results_come_back_in_order() {
        let w = Worker::spawn(|x: u32| x * 2);
        w.submit(1, true);
        w.submit(2, true);
        assert_eq!(w.wait_result(), Ok(2));
        assert_eq!(w.wait_result(), Ok(4));
    }

    #[test]
    fn queued_jobs_are_replaced_by_newer_ones_unless_kept() {
        // The first job blocks until released, so the others queue up behind it.
        let (release, gate) = sync_channel::<()>(0);
        let gate = Mutex::new(gate);
        let w = Worker::spawn(move |x: u32| {
            if x == 0 {
                gate.lock().unwrap().recv().unwrap();
            }
            x
        });
        w.submit(0, false);
        // Wait until job 0 has started (the queue is empty again).
        while !w.slot.pending.lock().unwrap().jobs.is_empty() {
            thread::sleep(Duration::from_millis(1));
        }
        w.submit(1, false);
        w.submit(2, true); // replaces 1
        w.submit(3, false); // kept behind 2
        w.submit(4, false); // replaces 3
        release.send(()).unwrap();
        let got: Vec<u32> = (0..3).map(|_| w.wait_result().unwrap()).collect();
        assert_eq!(got, vec![0, 2, 4]);
        assert_eq!(w.try_result(), Ok(None));
    }

    #[test]
    fn waiting_for_a_result_ends_at_the_deadline() {
        let w = Worker::spawn(|x: u32| x);
        let soon = Instant::now() + Duration::from_millis(20);
        assert_eq!(w.result_before(soon), Ok(None));
        assert!(Instant::now() >= soon);
        w.submit(5, false);
        let later = Instant::now() + Duration::from_secs(10);
        assert_eq!(w.result_before(later), Ok(Some(5)));
    }

    #[test]
    fn a_panicking_computation_is_reported_not_hung() {
        let w = Worker::spawn(|x: u32| {
            assert!(x != 7, "seven");
            x
        });
        w.submit(7, true);
        assert_eq!(w.wait_result(), Err(WorkerGone));
        assert_eq!(w.try_result(), Err(WorkerGone));
    }
}
