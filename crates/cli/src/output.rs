//! Outputs written atomically: into a temporary file beside the target, renamed into place only
//! when complete, so a crash or an error never leaves a half-written file under the final name.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Serialize;

/// A file that appears under its name only when [`AtomicFile::commit`] succeeds.
pub struct AtomicFile {
    target: PathBuf,
    tmp: PathBuf,
    out: Option<BufWriter<File>>,
}

impl AtomicFile {
    pub fn create(target: &Path) -> Result<AtomicFile> {
        let dir = target.parent().unwrap_or(Path::new("."));
        let name = target
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("output");
        let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let file =
            File::create(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
        Ok(AtomicFile {
            target: target.to_path_buf(),
            tmp,
            out: Some(BufWriter::with_capacity(1 << 20, file)),
        })
    }

    pub fn commit(mut self) -> Result<PathBuf> {
        let out = self.out.take().expect("committed once");
        let file = out
            .into_inner()
            .map_err(|e| e.into_error())
            .with_context(|| format!("cannot write {}", self.tmp.display()))?;
        file.sync_all()
            .with_context(|| format!("cannot sync {}", self.tmp.display()))?;
        fs::rename(&self.tmp, &self.target).with_context(|| {
            format!(
                "cannot move {} to {}",
                self.tmp.display(),
                self.target.display()
            )
        })?;
        Ok(self.target.clone())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.as_mut().expect("not committed").write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.out.as_mut().expect("not committed").flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.out.is_some() {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// A JSON Lines file written atomically.
pub struct JsonlWriter {
    file: AtomicFile,
    pub rows: u64,
}

impl JsonlWriter {
    pub fn create(target: &Path) -> Result<JsonlWriter> {
        Ok(JsonlWriter {
            file: AtomicFile::create(target)?,
            rows: 0,
        })
    }
    /// Appends `rows` lines already serialised (each ending in a newline).
    pub fn write_encoded(&mut self, lines: &[u8], rows: u64) -> Result<()> {
        self.file.write_all(lines)?;
        self.rows += rows;
        Ok(())
    }
    pub fn commit(self) -> Result<PathBuf> {
        self.file.commit()
    }
}

/// Write a value as pretty JSON, atomically.
pub fn write_json<T: Serialize>(target: &Path, value: &T) -> Result<PathBuf> {
    let mut f = AtomicFile::create(target)?;
    serde_json::to_writer_pretty(&mut f, value)?;
    f.write_all(b"\n")?;
    f.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uncommitted_file_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.jsonl");
        {
            let mut w = JsonlWriter::create(&target).unwrap();
            w.write_encoded(b"{\"x\":1}\n", 1).unwrap();
        }
        assert!(!target.exists());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn committed_file_has_every_row() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.jsonl");
        let mut w = JsonlWriter::create(&target).unwrap();
        w.write_encoded(b"1\n", 1).unwrap();
        w.write_encoded(b"2\n", 1).unwrap();
        assert_eq!(w.rows, 2);
        w.commit().unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "1\n2\n");
    }
}
