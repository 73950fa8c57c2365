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
    /// `base` is made only when `wanted` is taken (from `wanted`).
    fn unique_id(&mut self, wanted: String, base: impl FnOnce(&str) -> String) -> String {
        if self.used_ids.insert(&wanted) {
            return wanted;
        }
        let base = base(&wanted);
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
        let id = self.unique_id(stem, |_| {
            let ext = format!(".{}", file.format.as_str());
            file.display
                .strip_suffix(&ext)
                .unwrap_or(&file.display)
                .to_string()
        });
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
            match read_line(&mut reader, limit, &mut buf) {
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
        let record = match fast_record(text) {
            Some(r) => r,
            None => match value_record(text) {
                Ok(r) => r,
                Err((reason, detail)) => {
                    let detail = match detail {
                        RecordError::Json(e) => format!("{}:{line_no}: {e}", file.display),
                        RecordError::Text(d) => d.into(),
                    };
                    return skip(reason, detail);
                }
            },
        };
        let Record {
            text: body,
            id,
            meta,
            extra: obj,
        } = record;
        let id = id.filter(|s| !s.is_empty());
        let id = id.unwrap_or_else(|| format!("{stem}:{line_no}"));
        let id = self.unique_id(id, |id| format!("{id}~2"));
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

/// `reader.take(limit).read_until(b'\n', buf)`, with the newline found by a vectorised
/// search (`read_until` looks for it a word at a time).
fn read_line<R: BufRead>(reader: &mut R, limit: u64, buf: &mut Vec<u8>) -> io::Result<usize> {
    let mut read = 0u64;
    loop {
        let left = usize::try_from(limit.saturating_sub(read)).unwrap_or(usize::MAX);
        if left == 0 {
            return Ok(read as usize);
        }
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let available = available.get(..left).unwrap_or(available);
        let (done, used) = match memchr::memchr(b'\n', available) {
            Some(i) => (true, i + 1),
            None => (false, available.len()),
        };
        buf.extend_from_slice(available.get(..used).unwrap_or(available));
        reader.consume(used);
        read += used as u64;
        if done || used == 0 {
            return Ok(read as usize);
        }
    }
}

/// The fields of one JSON Lines record: the text, the id, the metadata cleaning reads, and
/// the other fields as they were.
struct Record {
    text: String,
    /// The `id` field as given (an empty one is replaced later).
    id: Option<String>,
    meta: RawMeta,
    extra: Map<String, Value>,
}

/// Why a line is not a record: a JSON error (its message, shown after the line's place) or a
/// missing text.
enum RecordError {
    Json(String),
    Text(&'static str),
}

/// A record read through [`serde_json::Value`]: any JSON, with serde_json's error messages.
fn value_record(text: &str) -> Result<Record, (SkipReason, RecordError)> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| (SkipReason::MalformedJson, RecordError::Json(e.to_string())))?;
    let Value::Object(mut obj) = value else {
        return Err((
            SkipReason::MalformedJson,
            RecordError::Json("expected a JSON object".into()),
        ));
    };
    let body = match obj.remove("text") {
        Some(Value::String(s)) => s,
        Some(_) => {
            return Err((
                SkipReason::MissingText,
                RecordError::Text("`text` is not a string"),
            ))
        }
        None => {
            return Err((
                SkipReason::MissingText,
                RecordError::Text("no `text` field"),
            ))
        }
    };
    let mut take_str = |k: &str| match obj.remove(k) {
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::Null) | None => None,
        Some(other) => Some(other.to_string()),
    };
    let id = take_str("id");
    let meta = RawMeta {
        url: take_str("url"),
        title: take_str("title"),
        published: take_str("published"),
        source: take_str("source"),
    };
    Ok(Record {
        text: body,
        id,
        meta,
        extra: obj,
    })
}

/// The usual shape of a record: only the fields cleaning reads, each a string or `null`, and a
/// string `text`. serde_json reads it straight into these fields, without building a
/// [`serde_json::Value`] and its map; a line of any other shape (another field, a number, a
/// repeated key) fails here and goes to [`value_record`], which reads or reports it.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PlainRecord {
    text: String,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    source: Option<String>,
}

/// A record of the usual shape ([`PlainRecord`]); `None` for anything else.
fn fast_record(line: &str) -> Option<Record> {
    // serde reads a struct from an array too; a record is an object.
    if !line.trim_start().starts_with('{') {
        return None;
    }
    let r: PlainRecord = serde_json::from_str(line).ok()?;
    Some(Record {
        text: r.text,
        id: r.id,
        meta: RawMeta {
            url: r.url,
            title: r.title,
            published: r.published,
            source: r.source,
        },
        extra: Map::new(),
    })
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

    /// The fields of a record, for comparing the two readers.
    fn fields(r: &Record) -> String {
        format!(
            "{:?} {:?} {:?} {:?} {:?} {:?} {:?}",
            r.text, r.id, r.meta.url, r.meta.title, r.meta.published, r.meta.source, r.extra
        )
    }

    #[test]
    fn records_read_without_values_are_the_records_serde_json_reads() {
        let lines = [
            r#"{"id":"a1","url":"https://x.id/2024/11/07/a","text":"Baris satu.\nBaris \"dua\".\r\n\tTab \\ \/ \b\f"}"#,
            r#"  { "text" : "ASN netral" , "id" : null , "title": "Judul" , "published":"2024-11-07", "source":"ANTARA" }  "#,
            "{\"text\":\"\u{201c}Kami netral,\u{201d} ujar S\u{e9}kda.\"}",
            r#"{"text":""}"#,
            r#"{"id":"","text":"x"}"#,
            r#"{"text":"x","category":"Politik"}"#,
            r#"{"text":"x","id":12}"#,
            r#"{"text":"x","text":"y"}"#,
            r#"{"text":"\u0041x"}"#,
            r#"{"text":"x\qy"}"#,
            "{\"text\":\"a\tb\"}",
            r#"{"text":"x"} x"#,
            r#"{"text":"x",}"#,
            r#"{"text":null}"#,
            r#"{"id":"a"}"#,
            r#"{}"#,
            r#"[1]"#,
            r#"["x"]"#,
            r#"{"text":"unterminated}"#,
            r#"{"te\u0078t":"x"}"#,
            r#"{"text":"x" "id":"y"}"#,
            r#"{"text":"x"}}"#,
            r#"{"text":"x\"}"#,
        ];
        let mut fast = 0;
        for line in lines {
            let slow = value_record(line).ok();
            // `None`: left to serde_json, whatever it says.
            if let Some(r) = fast_record(line) {
                fast += 1;
                let slow = slow.unwrap_or_else(|| panic!("{line:?}: only the fast path reads it"));
                assert_eq!(fields(&r), fields(&slow), "{line:?}");
            }
        }
        // The plain records, `\u` escapes included (in a value or a key).
        assert_eq!(fast, 7, "the plain records take the fast path");
    }

    proptest::proptest! {
        #[test]
        fn any_string_fields_read_as_serde_json_reads_them(
            text in "[a-z \"\\\\/\n\r\t\u{8}\u{c}\u{1}\u{e9}\u{201c}]{0,30}",
            id in proptest::option::of("[a-z0-9\"]{0,4}"),
            url in proptest::option::of("[a-z:/.]{0,10}"),
        ) {
            let mut obj = serde_json::Map::new();
            if let Some(id) = id {
                obj.insert("id".into(), Value::String(id));
            }
            obj.insert("text".into(), Value::String(text));
            obj.insert("url".into(), url.map_or(Value::Null, Value::String));
            let line = Value::Object(obj).to_string();
            let slow = value_record(&line).ok().expect("serde_json reads its own output");
            match fast_record(&line) {
                Some(r) => proptest::prop_assert_eq!(fields(&r), fields(&slow)),
                None => proptest::prop_assert!(false, "a plain record left the fast path: {}", line),
            }
        }
    }

    #[test]
    fn lines_read_as_take_and_read_until_read_them() {
        let text = b"ab\ncdef\n\nlong line here\nno newline at the end".repeat(3);
        for cap in [1, 2, 3, 7, 64] {
            for limit in [1u64, 2, 3, 5, 100] {
                let mut ours = BufReader::with_capacity(cap, &text[..]);
                let mut std_ = BufReader::with_capacity(cap, &text[..]);
                loop {
                    let (mut a, mut b) = (Vec::new(), Vec::new());
                    let n = read_line(&mut ours, limit, &mut a).expect("read");
                    let m = (&mut std_)
                        .take(limit)
                        .read_until(b'\n', &mut b)
                        .expect("read");
                    assert_eq!((n, &a), (m, &b), "cap {cap} limit {limit}");
                    if n == 0 {
                        break;
                    }
                }
            }
        }
    }

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
        let mut id = |wanted: &str, base: &str| r.unique_id(wanted.into(), |_| base.into());
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
