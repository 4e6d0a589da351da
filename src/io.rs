//! Writing files so that a crash never leaves half a file: everything is written to a
//! temporary file in the target's folder and renamed over the target only when complete.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// Writes `path` atomically: `write` fills a buffered temporary file beside `path`, which is
/// flushed and renamed to `path` only if `write` succeeds. On any error the temporary file is
/// removed and an existing `path` is left untouched.
///
/// ```
/// use std::io::Write;
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("hello.txt");
/// edgegrad::io::write_atomically(&path, |w| w.write_all(b"hello"))?;
/// assert_eq!(std::fs::read(&path)?, b"hello");
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_atomically<F>(path: &Path, write: F) -> io::Result<()>
where
    F: FnOnce(&mut dyn Write) -> io::Result<()>,
{
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        // Like any new file: rw for everyone the umask allows (tempfile's default is 0600).
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let tmp = builder.tempfile_in(dir)?;
    {
        let mut w = BufWriter::with_capacity(1 << 20, tmp.as_file());
        write(&mut w)?;
        w.flush()?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// True when `a` and `b` name the same existing file (after following links).
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let p = dir.path().join("x");
/// std::fs::write(&p, b"1")?;
/// assert!(edgegrad::io::same_file(&p, &dir.path().join(".").join("x")));
/// assert!(!edgegrad::io::same_file(&p, &dir.path().join("y")));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (fs::canonicalize(a), fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
