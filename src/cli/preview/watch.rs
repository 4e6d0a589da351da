//! `--watch`: noticing that the shown file changed on disk.
//!
//! The file's metadata (modification time, size, inode) is polled a few times a second. That
//! needs no extra dependency, costs one `stat` per poll, and sees every way a file is replaced
//! (rewritten in place, or written elsewhere and renamed over it). A change is reported once
//! the metadata has stayed the same for one poll, so a file still being written is not loaded
//! half-way.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

/// How often the file is looked at.
pub const POLL: Duration = Duration::from_millis(100);

/// What identifies one version of a file's content, as far as metadata can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
    inode: u64,
}

fn stamp(path: &Path) -> Option<Stamp> {
    let m = fs::metadata(path).ok()?;
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&m);
    #[cfg(not(unix))]
    let inode = 0;
    Some(Stamp {
        modified: m.modified().ok(),
        len: m.len(),
        inode,
    })
}

/// Watches one file at a time for changes.
#[derive(Debug)]
pub struct Watch {
    path: PathBuf,
    /// The version shown.
    shown: Option<Stamp>,
    /// What the last poll saw.
    seen: Option<Stamp>,
    last_poll: Instant,
}

impl Watch {
    /// Starts watching `path` as it is now.
    pub fn new(path: &Path, now: Instant) -> Self {
        let s = stamp(path);
        Watch {
            path: path.to_owned(),
            shown: s.clone(),
            seen: s,
            last_poll: now,
        }
    }

    /// Whether `path` (the file now shown; watching moves to it) has changed and settled since
    /// it was last reported, polling at most every [`POLL`].
    pub fn changed(&mut self, path: &Path, now: Instant) -> bool {
        if path != self.path {
            *self = Watch::new(path, now);
            return false;
        }
        if now.duration_since(self.last_poll) < POLL {
            return false;
        }
        self.last_poll = now;
        let s = stamp(path);
        let settled = s == self.seen;
        self.seen = s.clone();
        if settled && s.is_some() && s != self.shown {
            self.shown = s;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_is_reported_once_after_it_settles() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.png");
        fs::write(&a, b"one").unwrap();
        let t0 = Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        let mut w = Watch::new(&a, t0);
        assert!(!w.changed(&a, at(150)));
        fs::write(&a, b"three").unwrap();
        assert!(!w.changed(&a, at(160)), "polled too soon");
        assert!(!w.changed(&a, at(300)), "not settled yet");
        assert!(w.changed(&a, at(400)));
        assert!(!w.changed(&a, at(500)), "reported once");
    }

    #[test]
    fn a_file_replaced_by_rename_is_a_change() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.png");
        let b = dir.path().join("b.tmp");
        fs::write(&a, b"one").unwrap();
        let t0 = Instant::now();
        let mut w = Watch::new(&a, t0);
        fs::write(&b, b"two").unwrap();
        fs::rename(&b, &a).unwrap();
        assert!(!w.changed(&a, t0 + POLL));
        assert!(w.changed(&a, t0 + 2 * POLL));
    }

    #[test]
    fn a_missing_file_is_not_a_change_until_it_is_back() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.png");
        fs::write(&a, b"one").unwrap();
        let t0 = Instant::now();
        let mut w = Watch::new(&a, t0);
        fs::remove_file(&a).unwrap();
        assert!(!w.changed(&a, t0 + POLL));
        assert!(!w.changed(&a, t0 + 2 * POLL));
        fs::write(&a, b"again").unwrap();
        assert!(!w.changed(&a, t0 + 3 * POLL));
        assert!(w.changed(&a, t0 + 4 * POLL));
    }

    #[test]
    fn switching_files_starts_afresh() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.png");
        let b = dir.path().join("b.png");
        fs::write(&a, b"one").unwrap();
        fs::write(&b, b"two").unwrap();
        let t0 = Instant::now();
        let mut w = Watch::new(&a, t0);
        assert!(!w.changed(&b, t0 + POLL));
        assert!(!w.changed(&b, t0 + 3 * POLL));
    }
}
