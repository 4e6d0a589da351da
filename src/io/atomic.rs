//! Writing files so that a crash never leaves half a file: everything is written to a
//! temporary file in the target's folder and renamed over the target only when complete.
//!
//! The temporary file for a target `NAME` is `.NAME.XXXXXX.tmp` in the same folder (`XXXXXX`:
//! six random ASCII letters or digits). A process killed while writing leaves that file behind;
//! [`is_temporary_for`] recognises it so a resumed run can remove it.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::{self, BufWriter, Seek, Write};
use std::path::Path;

/// The number of random characters in a temporary file's name.
const RANDOM_CHARS: usize = 6;

/// Writes `path` atomically: `write` fills a buffered temporary file beside `path`, which is
/// flushed and renamed to `path` only if `write` succeeds. On any error the temporary file is
/// removed and an existing `path` is left untouched.
///
/// ```
/// use std::io::Write;
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("hello.txt");
/// edgegrad::io::atomic::write_atomically(&path, |w| w.write_all(b"hello"))?;
/// assert_eq!(std::fs::read(&path)?, b"hello");
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_atomically<F>(path: &Path, write: F) -> io::Result<()>
where
    F: FnOnce(&mut dyn Write) -> io::Result<()>,
{
    write_temporary(path, |w| write(w))
}

/// A writer that can also seek back, as formats that patch their headers need (TIFF).
pub trait WriteSeek: Write + Seek {}

impl<W: Write + Seek + ?Sized> WriteSeek for W {}

/// [`write_atomically`] with a writer that can seek (the TIFF encoder writes offsets back).
///
/// ```
/// use std::io::{Seek, SeekFrom, Write};
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("patched.txt");
/// edgegrad::io::atomic::write_atomically_seekable(&path, |w| {
///     w.write_all(b"?ello")?;
///     w.seek(SeekFrom::Start(0))?;
///     w.write_all(b"h")
/// })?;
/// assert_eq!(std::fs::read(&path)?, b"hello");
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_atomically_seekable<F>(path: &Path, write: F) -> io::Result<()>
where
    F: FnOnce(&mut dyn WriteSeek) -> io::Result<()>,
{
    write_temporary(path, |w| write(w))
}

/// Fills a buffered temporary file beside `path` with `write`, then renames it to `path`.
fn write_temporary<F>(path: &Path, write: F) -> io::Result<()>
where
    F: FnOnce(&mut BufWriter<&fs::File>) -> io::Result<()>,
{
    let tmp = temporary_beside(path)?;
    {
        let mut w = BufWriter::with_capacity(1 << 20, tmp.as_file());
        write(&mut w)?;
        w.flush()?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A new, empty temporary file in the folder of `path`, named `.{name}.XXXXXX.tmp` (what
/// [`is_temporary_for`] recognises) with the permissions of any new file; it is removed when
/// dropped unless persisted. Writers that cannot use [`write_atomically`] (another program
/// writes the file) rename it over `path` themselves once it is complete.
///
/// ```
/// use edgegrad::io::atomic::{is_temporary_for, temporary_beside};
/// let dir = tempfile::tempdir().unwrap();
/// let target = dir.path().join("out.mp4");
/// let tmp = temporary_beside(&target).unwrap();
/// assert_eq!(tmp.path().parent(), Some(dir.path()));
/// assert!(is_temporary_for(
///     target.file_name().unwrap(),
///     tmp.path().file_name().unwrap()
/// ));
/// ```
pub fn temporary_beside(path: &Path) -> io::Result<tempfile::NamedTempFile> {
    let dir = folder_of(path);
    let mut prefix = OsString::from(".");
    prefix.push(path.file_name().unwrap_or_default());
    prefix.push(".");
    let mut builder = tempfile::Builder::new();
    builder
        .prefix(&prefix)
        .suffix(".tmp")
        .rand_bytes(RANDOM_CHARS);
    #[cfg(unix)]
    {
        // Like any new file: rw for everyone the umask allows (tempfile's default is 0600).
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    builder.tempfile_in(dir).map_err(|e| without_path(e, dir))
}

/// The folder a file at `path` goes in (`.` for a bare file name), where its temporary is made.
///
/// ```
/// use std::path::Path;
/// use edgegrad::io::atomic::folder_of;
/// assert_eq!(folder_of(Path::new("out/e.png")), Path::new("out"));
/// assert_eq!(folder_of(Path::new("e.png")), Path::new("."));
/// ```
pub fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// `tempfile`'s error without the temporary file's name it adds (a name the user never gave):
/// the folder and the cause.
fn without_path(e: io::Error, dir: &Path) -> io::Error {
    if e.get_ref().is_none() {
        return e;
    }
    let kind = e.kind();
    let cause = match kind {
        io::ErrorKind::NotFound => "no such folder".to_string(),
        kind => kind.to_string(),
    };
    io::Error::new(
        kind,
        format!("cannot create a file in {}: {cause}", dir.display()),
    )
}

/// True when `candidate` is the name [`write_atomically`] gives the temporary file for a target
/// named `target` (`.{target}.XXXXXX.tmp`): such a file is left only by an interrupted write.
///
/// ```
/// use std::ffi::OsStr;
/// use edgegrad::io::atomic::is_temporary_for;
/// assert!(is_temporary_for(OsStr::new("a.jpg.png"), OsStr::new(".a.jpg.png.x7Gq2Z.tmp")));
/// assert!(!is_temporary_for(OsStr::new("a.jpg.png"), OsStr::new(".b.jpg.png.x7Gq2Z.tmp")));
/// assert!(!is_temporary_for(OsStr::new("a.jpg.png"), OsStr::new("a.jpg.png")));
/// ```
pub fn is_temporary_for(target: &OsStr, candidate: &OsStr) -> bool {
    let (target, candidate) = (target.as_encoded_bytes(), candidate.as_encoded_bytes());
    let Some(rest) = candidate.strip_prefix(b".") else {
        return false;
    };
    let Some(rest) = rest.strip_prefix(target) else {
        return false;
    };
    let Some(rest) = rest.strip_prefix(b".") else {
        return false;
    };
    let Some(random) = rest.strip_suffix(b".tmp") else {
        return false;
    };
    random.len() == RANDOM_CHARS && random.iter().all(u8::is_ascii_alphanumeric)
}

/// True when `a` and `b` name the same existing file (after following links).
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let p = dir.path().join("x");
/// std::fs::write(&p, b"1")?;
/// assert!(edgegrad::io::atomic::same_file(&p, &dir.path().join(".").join("x")));
/// assert!(!edgegrad::io::atomic::same_file(&p, &dir.path().join("y")));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (fs::canonicalize(a), fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_neither_target_nor_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.png");
        let err = write_atomically(&path, |w| {
            w.write_all(b"partial")?;
            Err(io::Error::other("boom"))
        });
        assert!(err.is_err());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_missing_folder_is_named_without_the_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing").join("out.png");
        let e = write_atomically(&path, |w| w.write_all(b"x")).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
        let text = e.to_string();
        assert!(!text.contains(".out.png."), "{text}");
        assert!(text.ends_with("missing: no such folder"), "{text}");
    }

    #[test]
    fn temporary_names_are_recognised() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.jpg.png");
        write_atomically(&path, |w| {
            let temps: Vec<_> = fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().file_name())
                .collect();
            assert_eq!(temps.len(), 1, "{temps:?}");
            assert!(
                is_temporary_for(OsStr::new("a.jpg.png"), &temps[0]),
                "{temps:?}"
            );
            assert!(
                !is_temporary_for(OsStr::new("a.jpg"), &temps[0]),
                "{temps:?}"
            );
            w.write_all(b"x")
        })
        .unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"x");
    }

    #[test]
    fn near_miss_names_are_not_temporaries() {
        let t = OsStr::new("a.png");
        for name in [
            ".a.png.abc12.tmp",
            ".a.png.abc1234.tmp",
            ".a.png.abc-12.tmp",
            "a.png.abc123.tmp",
            ".a.png.abc123.tm",
        ] {
            assert!(!is_temporary_for(t, OsStr::new(name)), "{name}");
        }
        assert!(is_temporary_for(t, OsStr::new(".a.png.abc123.tmp")));
    }
}
