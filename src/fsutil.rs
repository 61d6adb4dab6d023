//! Writing files so that a crash, a full disk or a kill never leaves a
//! half-written file behind or destroys the old one: the bytes go to a
//! temporary file in the same folder, which is flushed to disk and then
//! renamed over the target in one step.

use crate::error::Error;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// A file being written; it appears at its path only on [`AtomicFile::commit`].
/// Dropped without a commit, the temporary file is removed.
pub struct AtomicFile {
    path: PathBuf,
    overwrite: bool,
    file: io::BufWriter<tempfile::NamedTempFile>,
}

fn write_err(path: &Path) -> impl Fn(io::Error) -> Error + '_ {
    move |source| Error::Write {
        path: path.to_path_buf(),
        source,
    }
}

impl AtomicFile {
    /// Starts writing `path`. With `overwrite` false, an existing file is
    /// refused now and again at commit time (never replaced by a race).
    pub fn create(path: &Path, overwrite: bool) -> Result<AtomicFile, Error> {
        if !overwrite && path.exists() {
            return Err(Error::Exists {
                path: path.to_path_buf(),
            });
        }
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(write_err(path))?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            overwrite,
            file: io::BufWriter::new(tmp),
        })
    }

    /// Flushes to disk and moves the file into place.
    pub fn commit(self) -> Result<(), Error> {
        let path = self.path;
        let tmp = self
            .file
            .into_inner()
            .map_err(|e| write_err(&path)(e.into_error()))?;
        tmp.as_file().sync_all().map_err(write_err(&path))?;
        let persisted = if self.overwrite {
            tmp.persist(&path).map(drop)
        } else {
            tmp.persist_noclobber(&path).map(drop)
        };
        persisted.map_err(|e| {
            if e.error.kind() == io::ErrorKind::AlreadyExists {
                Error::Exists { path: path.clone() }
            } else {
                write_err(&path)(e.error)
            }
        })?;
        sync_dir(&path);
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// Makes the rename itself durable (best effort; not all systems allow it).
fn sync_dir(path: &Path) {
    #[cfg(unix)]
    if let Some(dir) = path.parent() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
}

/// Writes `bytes` to `path` through a temporary file (see [`AtomicFile`]).
pub fn write_atomic(path: &Path, bytes: &[u8], overwrite: bool) -> Result<(), Error> {
    let mut f = AtomicFile::create(path, overwrite)?;
    f.write_all(bytes).map_err(write_err(path))?;
    f.commit()
}

/// Whether two paths name the same existing file (after following links).
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_replace_only_when_asked_and_leave_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.toml");
        write_atomic(&p, b"one", false).unwrap();
        assert!(matches!(
            write_atomic(&p, b"two", false),
            Err(Error::Exists { .. })
        ));
        assert_eq!(std::fs::read(&p).unwrap(), b"one");
        write_atomic(&p, b"three", true).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"three");
        // An abandoned write leaves the old file and no temporary file.
        let mut f = AtomicFile::create(&p, true).unwrap();
        f.write_all(b"partial").unwrap();
        drop(f);
        assert_eq!(std::fs::read(&p).unwrap(), b"three");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
