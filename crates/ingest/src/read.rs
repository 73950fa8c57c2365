//! Finding input files and reading them into raw documents, on a reader thread.

use std::cell::Cell;
use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::mpsc::SyncSender;

use flate2::read::MultiGzDecoder;
use serde_json::{Map, Value};
use walkdir::WalkDir;
use warta_core::Provenance;

use crate::clean::RawMeta;
use crate::ids::IdSet;
use crate::{IngestOptions, InputFile, InputFormat, SkipReason, Skipped};

/// One article as read, before cleaning.
pub(crate) struct RawDoc {
    pub id: String,
    pub text: String,
    pub provenance: Provenance,
    pub meta: RawMeta,
    pub extra: Map<String, Value>,
}

/// What the reader thread sends to the cleaning side, in input order.
pub(crate) enum Msg {
    Doc(RawDoc),
    Skip(Skipped),
    /// Bytes of input consumed so far, over all files.
    Progress(u64),
}

impl InputFormat {
    /// The format named in provenance records: `txt`, `jsonl`, `txt.gz`, `jsonl.gz`.
    pub fn as_str(self) -> &'static str {
        match self {
            InputFormat::Txt => "txt",
            InputFormat::Jsonl | InputFormat::Stdin => "jsonl",
            InputFormat::TxtGz => "txt.gz",
            InputFormat::JsonlGz => "jsonl.gz",
        }
    }

    /// The format of a file from its name, and the name without its extension.
    pub fn of_path(path: &Path) -> Option<(InputFormat, String)> {
        let name = path.file_name()?.to_string_lossy().into_owned();
        let lower = name.to_lowercase();
        let table = [
            (".jsonl.gz", InputFormat::JsonlGz),
            (".ndjson.gz", InputFormat::JsonlGz),
            (".txt.gz", InputFormat::TxtGz),
            (".jsonl", InputFormat::Jsonl),
            (".ndjson", InputFormat::Jsonl),
            (".txt", InputFormat::Txt),
        ];
        table
            .iter()
            .find(|(ext, _)| lower.ends_with(ext))
            .map(|(ext, f)| {
                let stem = name
                    .get(..name.len() - ext.len())
                    .unwrap_or(&name)
                    .to_string();
                (*f, stem)
            })
    }
}

fn skipped(
    path: &str,
    line: Option<u64>,
    reason: SkipReason,
    detail: impl Into<String>,
) -> Skipped {
    Skipped {
        path: path.to_string(),
        line,
        reason,
        detail: detail.into(),
    }
}

fn io_reason(e: &io::Error) -> SkipReason {
    match e.kind() {
        io::ErrorKind::NotFound => SkipReason::NotFound,
        // ELOOP: too many levels of symbolic links.
        _ if e.raw_os_error() == Some(40) => SkipReason::SymlinkLoop,
        _ => SkipReason::Unreadable,
    }
}

/// Walk the inputs: files, folders (sorted by file name, symlinks followed, loops reported), and
/// `-` for JSON Lines on stdin. In folders, files that are not `.txt`, `.jsonl`, `.ndjson` (or
/// those `.gz`) are ignored silently (README.md, images); a file named directly on the command
/// line with another extension is reported as [`SkipReason::Unsupported`].
pub fn discover(inputs: &[PathBuf]) -> (Vec<InputFile>, Vec<Skipped>) {
    let mut files = Vec::new();
    let mut skips = Vec::new();
    for input in inputs {
        if input.as_os_str() == "-" {
            files.push(InputFile {
                path: input.clone(),
                display: "-".into(),
                format: InputFormat::Stdin,
                bytes: 0,
            });
            continue;
        }
        let display = input.display().to_string();
        let meta = match std::fs::metadata(input) {
            Ok(m) => m,
            Err(e) => {
                let dangling =
                    e.kind() == io::ErrorKind::NotFound && std::fs::symlink_metadata(input).is_ok();
                let detail = if dangling {
                    format!("dangling symbolic link: {e}")
                } else {
                    e.to_string()
                };
                skips.push(skipped(&display, None, io_reason(&e), detail));
                continue;
            }
        };
        if !meta.is_dir() {
            match InputFormat::of_path(input) {
                Some((format, _)) => files.push(InputFile {
                    path: input.clone(),
                    display,
                    format,
                    bytes: meta.len(),
                }),
                None => skips.push(skipped(
                    &display,
                    None,
                    SkipReason::Unsupported,
                    "not a .txt, .jsonl or .ndjson file (optionally .gz)",
                )),
            }
            continue;
        }
        for entry in WalkDir::new(input).follow_links(true).sort_by_file_name() {
            match entry {
                Ok(ent) => {
                    if !ent.file_type().is_file() {
                        continue;
                    }
                    let Some((format, _)) = InputFormat::of_path(ent.path()) else {
                        continue;
                    };
                    let bytes = ent.metadata().map(|m| m.len()).unwrap_or(0);
                    files.push(InputFile {
                        path: ent.path().to_path_buf(),
                        display: ent.path().display().to_string(),
                        format,
                        bytes,
                    });
                }
                Err(e) => {
                    let path = e
                        .path()
                        .map(|p| p.display().to_string())
                        .unwrap_or_else(|| display.clone());
                    let (reason, detail) = if let Some(anc) = e.loop_ancestor() {
                        (
                            SkipReason::SymlinkLoop,
                            format!("symbolic link loop back to {}", anc.display()),
                        )
                    } else if let Some(io) = e.io_error() {
                        let dangling = io.kind() == io::ErrorKind::NotFound
                            && e.path()
                                .is_some_and(|p| std::fs::symlink_metadata(p).is_ok());
                        let detail = if dangling {
                            format!("dangling symbolic link: {io}")
                        } else {
                            io.to_string()
                        };
                        (io_reason(io), detail)
                    } else {
                        (SkipReason::Unreadable, e.to_string())
                    };
                    skips.push(skipped(&path, None, reason, detail));
                }
            }
        }
    }
    (files, skips)
}

/// Counts bytes read from the underlying file (compressed bytes for `.gz`).
struct Counting<R> {
    inner: R,
    count: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

struct Reader<'a> {
    opts: &'a IngestOptions,
    tx: SyncSender<Msg>,
    done_before: u64,
    used_ids: IdSet,
    /// Per id base: the number of the next `base~n` to try (1 stands for `base` itself).
    next_suffix: HashMap<String, usize>,
}

impl Reader<'_> {
    /// Sends a message; false when the receiving side has stopped.
    fn send(&self, msg: Msg) -> bool {
        self.tx.send(msg).is_ok()
    }

    fn skip(
        &self,
        file: &InputFile,
        line: Option<u64>,
        reason: SkipReason,
        detail: impl Into<String>,
    ) -> bool {
        self.send(Msg::Skip(skipped(&file.display, line, reason, detail)))
    }

    /// `wanted` if no article had it yet, else `base` (then `base~2`, `base~3` ...).
    ///
    /// Per base, the number of the last id tried is kept (ids once used stay used), so a base
    /// shared by many articles costs one probe each, not one per earlier article.
    fn unique_id(&mut self, wanted: String, base: String) -> String {
        if self.used_ids.insert(&wanted) {
            return wanted;
        }
        let n = self.next_suffix.entry(base.clone()).or_insert(1);
        loop {
            let id = if *n <= 1 {
                base.clone()
            } else {
                format!("{base}~{n}")
            };
            *n += 1;
            if self.used_ids.insert(&id) {
                return id;
            }
        }
    }

    fn run(&mut self, files: &[InputFile]) {
        for file in files {
            let count = Rc::new(Cell::new(0u64));
            let go_on = match file.format {
                InputFormat::Stdin => {
                    let stdin = io::stdin();
                    let r = Counting {
                        inner: stdin.lock(),
                        count: count.clone(),
                    };
                    self.read_jsonl(file, r, &count, false)
                }
                _ => self.read_file(file, &count),
            };
            self.done_before += count.get().max(file.bytes);
            if !go_on || !self.send(Msg::Progress(self.done_before)) {
                return;
            }
        }
    }

    fn read_file(&mut self, file: &InputFile, count: &Rc<Cell<u64>>) -> bool {
        let len = match std::fs::metadata(&file.path) {
            Ok(m) if m.is_dir() => {
                return self.skip(file, None, SkipReason::Unreadable, "is a directory")
            }
            Ok(m) => m.len(),
            Err(e) => return self.skip(file, None, io_reason(&e), e.to_string()),
        };
        let is_txt = matches!(file.format, InputFormat::Txt | InputFormat::TxtGz);
        if is_txt && len > self.opts.max_file_bytes {
            return self.skip(
                file,
                None,
                SkipReason::TooLarge,
                format!(
                    "{len} bytes, more than the limit of {} bytes",
                    self.opts.max_file_bytes
                ),
            );
        }
        let f = match File::open(&file.path) {
            Ok(f) => f,
            Err(e) => return self.skip(file, None, io_reason(&e), e.to_string()),
        };
        let raw = Counting {
            inner: f,
            count: count.clone(),
        };
        match file.format {
            InputFormat::Txt => self.read_txt(file, raw, false),
            InputFormat::TxtGz => self.read_txt(file, MultiGzDecoder::new(raw), true),
            InputFormat::Jsonl | InputFormat::Stdin => self.read_jsonl(file, raw, count, false),
            InputFormat::JsonlGz => self.read_jsonl(file, MultiGzDecoder::new(raw), count, true),
        }
    }

    fn read_txt<R: Read>(&mut self, file: &InputFile, r: R, gz: bool) -> bool {
        let limit = self.opts.max_file_bytes;
        // The size on disk is the text's size for a plain file: read it without regrowing.
        let hint = if gz { 0 } else { file.bytes.min(limit) };
        let mut buf = Vec::with_capacity(usize::try_from(hint).unwrap_or(0).saturating_add(1));
        let mut truncated = None;
        if let Err(e) = r.take(limit.saturating_add(1)).read_to_end(&mut buf) {
            if gz {
                truncated = Some(e);
            } else {
                return self.skip(file, None, io_reason(&e), e.to_string());
            }
        }
        if buf.len() as u64 > limit {
            return self.skip(
                file,
                None,
                SkipReason::TooLarge,
                format!("more than the limit of {limit} bytes once decompressed"),
            );
        }
        if let Some(e) = &truncated {
            if !self.skip(
                file,
                None,
                SkipReason::TruncatedGzip,
                format!(
                    "gzip stream broken after {} bytes of text (kept what was read): {e}",
                    buf.len()
                ),
            ) {
                return false;
            }
        }
        if buf.iter().all(u8::is_ascii_whitespace) {
            return self.skip(file, None, SkipReason::Empty, "no text");
        }
        if let Some(at) = memchr::memchr(0, &buf) {
            return self.skip(
                file,
                None,
                SkipReason::Binary,
                format!("NUL byte at byte offset {at}: not a text file"),
            );
        }
        let text = match String::from_utf8(buf) {
            Ok(t) => t,
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                return self.skip(
                    file,
                    None,
                    SkipReason::InvalidUtf8,
                    format!("invalid UTF-8 at byte offset {at}"),
                );
            }
        };
        let stem = InputFormat::of_path(&file.path)
            .map(|(_, s)| s)
            .unwrap_or_else(|| file.display.clone());
        // Two files share a stem: the path (without extension) tells them apart.
        let ext = format!(".{}", file.format.as_str());
        let base = file
            .display
            .strip_suffix(&ext)
            .unwrap_or(&file.display)
            .to_string();
        let id = self.unique_id(stem, base);
        let provenance = Provenance {
            path: file.display.clone(),
            line: None,
            format: file.format.as_str().into(),
            bytes: text.len() as u64,
        };
        self.send(Msg::Doc(RawDoc {
            id,
            text,
            provenance,
            meta: RawMeta::default(),
            extra: Map::new(),
        }))
    }

    fn read_jsonl<R: Read>(
        &mut self,
        file: &InputFile,
        r: R,
        count: &Rc<Cell<u64>>,
        gz: bool,
    ) -> bool {
        let mut reader = BufReader::with_capacity(1 << 16, r);
        let mut buf = Vec::new();
        let mut line_no = 0u64;
        let mut any = false;
        let stem = InputFormat::of_path(&file.path)
            .map(|(_, s)| s)
            .unwrap_or_else(|| file.display.clone());
        loop {
            buf.clear();
            let limit = self.opts.max_file_bytes.saturating_add(1);
            match (&mut reader).take(limit).read_until(b'\n', &mut buf) {
                Ok(0) => break,
                Ok(n) if n as u64 == limit && buf.last() != Some(&b'\n') => {
                    // One line longer than the limit: skip the rest of it, report it.
                    line_no += 1;
                    // A read error here shows again on the next read and is reported there.
                    let _ = reader.skip_until(b'\n');
                    let detail = format!(
                        "line longer than the limit of {} bytes",
                        self.opts.max_file_bytes
                    );
                    if !self.skip(file, Some(line_no), SkipReason::TooLarge, detail) {
                        return false;
                    }
                    any = true;
                    continue;
                }
                Ok(_) => {}
                Err(e) => {
                    let (reason, what) = if gz {
                        (SkipReason::TruncatedGzip, "gzip stream broken")
                    } else {
                        (io_reason(&e), "read failed")
                    };
                    let detail =
                        format!("{what} after line {line_no} (the lines before it are kept): {e}");
                    return self.skip(file, Some(line_no + 1), reason, detail);
                }
            }
            line_no += 1;
            let line = buf.strip_suffix(b"\n").unwrap_or(&buf);
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            any = true;
            let msg = self.json_line(file, &stem, line_no, line);
            if !self.send(msg) {
                return false;
            }
            if line_no % 256 == 0 && !self.send(Msg::Progress(self.done_before + count.get())) {
                return false;
            }
        }
        if !any {
            return self.skip(file, None, SkipReason::Empty, "no JSON lines");
        }
        true
    }

    fn json_line(&mut self, file: &InputFile, stem: &str, line_no: u64, line: &[u8]) -> Msg {
        let skip = |reason, detail: String| {
            Msg::Skip(skipped(&file.display, Some(line_no), reason, detail))
        };
        if let Some(at) = memchr::memchr(0, line) {
            return skip(
                SkipReason::Binary,
                format!("NUL byte at byte {at} of the line"),
            );
        }
        let text = match std::str::from_utf8(line) {
            Ok(t) => t,
            Err(e) => {
                return skip(
                    SkipReason::InvalidUtf8,
                    format!("invalid UTF-8 at byte {} of the line", e.valid_up_to()),
                )
            }
        };
        let value: Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                return skip(
                    SkipReason::MalformedJson,
                    format!("{}:{line_no}: {e}", file.display),
                )
            }
        };
        let Value::Object(mut obj) = value else {
            return skip(
                SkipReason::MalformedJson,
                format!("{}:{line_no}: expected a JSON object", file.display),
            );
        };
        let body = match obj.remove("text") {
            Some(Value::String(s)) => s,
            Some(_) => return skip(SkipReason::MissingText, "`text` is not a string".into()),
            None => return skip(SkipReason::MissingText, "no `text` field".into()),
        };
        let mut take_str = |k: &str| match obj.remove(k) {
            Some(Value::String(s)) => Some(s),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(Value::Null) | None => None,
            Some(other) => Some(other.to_string()),
        };
        let id = take_str("id").filter(|s| !s.is_empty());
        let meta = RawMeta {
            url: take_str("url"),
            title: take_str("title"),
            published: take_str("published"),
            source: take_str("source"),
        };
        let id = id.unwrap_or_else(|| format!("{stem}:{line_no}"));
        let id = self.unique_id(id.clone(), format!("{id}~2"));
        let provenance = Provenance {
            path: file.display.clone(),
            line: Some(line_no),
            format: file.format.as_str().into(),
            bytes: body.len() as u64,
        };
        Msg::Doc(RawDoc {
            id,
            text: body,
            provenance,
            meta,
            extra: obj,
        })
    }
}

/// Reads every file in order and sends what it finds; stops when the receiver goes away.
pub(crate) fn read_all(files: &[InputFile], opts: &IngestOptions, tx: SyncSender<Msg>) {
    let mut reader = Reader {
        opts,
        tx,
        done_before: 0,
        used_ids: IdSet::default(),
        next_suffix: HashMap::new(),
    };
    reader.run(files);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_ids_take_the_base_then_numbered_forms_in_order() {
        let opts = IngestOptions::default();
        let (tx, _rx) = std::sync::mpsc::sync_channel(1);
        let mut r = Reader {
            opts: &opts,
            tx,
            done_before: 0,
            used_ids: IdSet::default(),
            next_suffix: HashMap::new(),
        };
        let mut id = |wanted: &str, base: &str| r.unique_id(wanted.into(), base.into());
        assert_eq!(id("a", "dir/a"), "a");
        assert_eq!(id("a", "dir/a"), "dir/a");
        assert_eq!(id("a", "dir/a"), "dir/a~2");
        // An id taken by hand in between is skipped.
        assert_eq!(id("dir/a~3", "x"), "dir/a~3");
        assert_eq!(id("a", "dir/a"), "dir/a~4");
        assert_eq!(id("b", "dir/a"), "b");
        assert_eq!(id("b", "dir/a"), "dir/a~5");
    }
}
