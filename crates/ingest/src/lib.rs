//! Read a news corpus, strip outlet boilerplate, drop repeated paragraphs, cluster syndicated
//! copies.
//!
//! The stage has three parts:
//! - [`discover`] walks the inputs (files, folders, `-` for JSON Lines on stdin);
//! - [`clean_article`] cleans one raw text: boilerplate lines (rules in `rules/boilerplate.json`,
//!   each removal recorded with its reason and rule id), header matter (section label, title,
//!   standfirst), the dateline (outlets that open stories in its place are listed in
//!   `rules/dateline_outlets.txt`), repeated paragraphs, and metadata (outlet, publication
//!   date);
//! - [`ingest`] streams files through cleaning in parallel batches and groups near-duplicate
//!   articles (MinHash + LSH) into syndication clusters, delivering articles in input order.
//!
//! Choices worth knowing:
//! - Every raw line is accounted for: kept in a paragraph, recorded in [`Article::removed`]
//!   (reason + rule id; sign-offs cut from a content line are recorded with the cut text), or,
//!   for the dateline, in [`Article::dateline`]. Empty lines are paragraph breaks and are not
//!   recorded; lines of only whitespace (`\u{a0}`, `Â`) are recorded as `blank`.
//! - Paragraphs: one per non-empty line; a line that does not end a sentence and is directly
//!   followed by a line starting in lower case is joined with it (hard-wrapped copies).
//! - Every article with kept text gets a [`warta_core::Cluster`]: the first article of a story
//!   is the representative of its own cluster (similarity 1.0), later copies point to it.
//!   `IngestReport::clusters` counts clusters of two or more.
//! - In folders, files other than `.txt`, `.jsonl`, `.ndjson` (and their `.gz`) are ignored
//!   without a report entry.
//!
//! ```
//! use warta_core::{Provenance, RemovalReason};
//! let raw = "Pj Bupati tekankan netralitas ASN\n\
//!            Buntok (ANTARA) -\n\
//!            Penjabat Bupati Barito Selatan berkomitmen menjaga netralitas ASN.\n\
//!            Baca juga: Sekda Barsel buka seleksi direktur\n\
//!            COPYRIGHT © ANTARA 2024";
//! let a = warta_ingest::clean_article("a1", raw, Provenance::default());
//! assert_eq!(a.title.as_deref(), Some("Pj Bupati tekankan netralitas ASN"));
//! assert_eq!(a.dateline.as_ref().unwrap().raw, "Buntok (ANTARA) -");
//! assert_eq!(a.text(), "Penjabat Bupati Barito Selatan berkomitmen menjaga netralitas ASN.");
//! assert!(a.removed.iter().any(|r| r.reason == RemovalReason::CrossLink));
//! ```

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::mpsc::sync_channel;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use warta_core::Article;

mod clean;
mod dedup;
mod forward;
mod ids;
mod minhash;
mod read;
mod rules;
#[cfg(test)]
mod test_rng;
mod text;

pub use clean::clean_article;
pub use read::discover;

use clean::clean_keeping_tokens;
use dedup::Dedup;
use minhash::{signature, Clusterer};
use read::{Msg, RawDoc};

/// Options of [`ingest`].
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// Articles per parallel batch (default 256).
    pub batch_size: usize,
    /// A `.txt` article (or a JSON line) bigger than this is skipped with
    /// [`SkipReason::TooLarge`] (default 64 MiB). JSON Lines files are streamed line by line, so
    /// the limit applies to each line, not to the whole file.
    pub max_file_bytes: u64,
    /// Share of word-bigram shingles (of the shorter text) two articles must have in common to
    /// be copies of one story, estimated by MinHash (default 0.35). Rewritten copies of one
    /// press release measure 0.44 to 0.69 on the bundled corpus, unrelated articles on the same
    /// topic at most 0.21. [`warta_core::Cluster::similarity`] reports the estimated Jaccard.
    pub syndication_threshold: f32,
    /// Group syndicated copies into clusters (default true).
    pub cluster: bool,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            batch_size: 256,
            max_file_bytes: 64 << 20,
            syndication_threshold: 0.35,
            cluster: true,
        }
    }
}

/// One input file found under the given paths, with its size (for a progress bar).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    pub path: PathBuf,
    /// The path as shown in reports and provenance.
    pub display: String,
    pub format: InputFormat,
    /// Size on disk (compressed size for `.gz`; 0 for stdin).
    pub bytes: u64,
}

/// Input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InputFormat {
    /// One article per file; id = file stem.
    Txt,
    /// One JSON object per line: `id`, `url`, `title`, `published`, `source`, `text`, others kept.
    Jsonl,
    TxtGz,
    JsonlGz,
    /// JSON Lines on standard input (`-`).
    Stdin,
}

/// Why an input (a file or one line of it) was skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    NotFound,
    Unreadable,
    SymlinkLoop,
    InvalidUtf8,
    Binary,
    Empty,
    TooLarge,
    MalformedJson,
    MissingText,
    TruncatedGzip,
    /// A file named on the command line whose extension is not a known input format.
    Unsupported,
}

impl SkipReason {
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::NotFound => "not_found",
            SkipReason::Unreadable => "unreadable",
            SkipReason::SymlinkLoop => "symlink_loop",
            SkipReason::InvalidUtf8 => "invalid_utf8",
            SkipReason::Binary => "binary",
            SkipReason::Empty => "empty",
            SkipReason::TooLarge => "too_large",
            SkipReason::MalformedJson => "malformed_json",
            SkipReason::MissingText => "missing_text",
            SkipReason::TruncatedGzip => "truncated_gzip",
            SkipReason::Unsupported => "unsupported",
        }
    }
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An input, or one line of it, that was not read, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    pub path: String,
    /// 1-based line for JSON Lines inputs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    pub reason: SkipReason,
    pub detail: String,
}

/// What [`ingest`] did.
///
/// `skipped` holds what was skipped while reading; the caller adds what [`discover`] skipped
/// (`report.skipped.extend(...)`) so that one report accounts for every input.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IngestReport {
    /// Input files given to [`ingest`].
    pub files: usize,
    /// Articles delivered.
    pub articles: usize,
    /// Bytes of raw article text read.
    pub input_bytes: u64,
    /// Bytes of kept paragraph text.
    pub kept_bytes: u64,
    pub paragraphs_kept: usize,
    /// Removals by [`warta_core::RemovalReason`] name.
    pub removed_by_reason: BTreeMap<String, usize>,
    /// Clusters with two or more articles.
    pub clusters: usize,
    /// Articles in clusters with two or more articles.
    pub syndicated_articles: usize,
    pub skipped: Vec<Skipped>,
    /// Bytes the syndication index held at the end (heap capacities; not serialised).
    #[serde(skip)]
    pub syndication_index_bytes: usize,
}

/// Error of the batch callback.
pub type BatchError = Box<dyn std::error::Error + Send + Sync>;

/// Fatal errors of [`ingest`]. Bad inputs are never fatal: they become [`Skipped`] entries.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The batch callback failed (for example: the disk is full).
    #[error("handing over a batch of articles failed: {0}")]
    Batch(#[source] BatchError),
}

/// Read, clean, de-duplicate and cluster; deliver articles in deterministic order (input path
/// order, then line) in batches to `on_batch`, on the calling thread.
///
/// A reader thread reads the files in order and sends raw documents through a bounded channel
/// (meanwhile another thread compiles the dateline patterns);
/// this thread collects a batch, cleans it and computes MinHash signatures in parallel (rayon,
/// order kept), then assigns its clusters in input order while the next batch is cleaned
/// (the assignment is sequential: run alone it would leave the other threads idle), then calls
/// `on_batch`. Memory holds two batches, the channel and the reader's buffer, each cleaning
/// thread's repeat-check tables (kept between articles up to 4 MiB), plus the syndication index
/// (145 bytes per cluster head and 5.2 to 7.8 per band key: 173 bytes an article on 1M
/// generated articles). Every article
/// with some kept text gets a cluster: the first article of a story is the representative of
/// its own cluster (similarity 1.0); later near-duplicates point to it. Articles with no kept
/// text get no cluster. `on_progress(bytes_done)` reports input bytes consumed (compressed
/// bytes for `.gz`).
pub fn ingest<F, P>(
    files: &[InputFile],
    opts: &IngestOptions,
    mut on_progress: P,
    mut on_batch: F,
) -> Result<IngestReport, IngestError>
where
    F: FnMut(Vec<Article>) -> Result<(), BatchError>,
    P: FnMut(u64),
{
    let batch_size = opts.batch_size.max(1);
    let mut report = IngestReport {
        files: files.len(),
        ..Default::default()
    };
    let mut clusterer = Clusterer::new(opts.syndication_threshold);
    std::thread::scope(|s| {
        let (tx, rx) = sync_channel::<Msg>(batch_size.min(1024));
        // The dateline patterns compile while the first batch is read and while the first
        // cleaning thread compiles the boilerplate rules.
        s.spawn(clean::compile_patterns);
        s.spawn(move || read::read_all(files, opts, tx));
        let mut batch: Vec<RawDoc> = Vec::with_capacity(batch_size);
        // The batch cleaned last: its clusters are assigned while the next batch is cleaned.
        let mut pending: Option<Vec<Cleaned>> = None;
        for msg in rx.iter() {
            match msg {
                Msg::Doc(doc) => {
                    batch.push(doc);
                    if batch.len() >= batch_size {
                        let full = std::mem::replace(&mut batch, Vec::with_capacity(batch_size));
                        let (cleaned, done) = rayon::join(
                            || clean_batch(full, opts),
                            || finish(pending.take(), opts, &mut clusterer, &mut report),
                        );
                        pending = Some(cleaned);
                        if let Some(articles) = done {
                            on_batch(articles).map_err(IngestError::Batch)?;
                        }
                    }
                }
                Msg::Skip(skip) => report.skipped.push(skip),
                Msg::Progress(bytes) => on_progress(bytes),
            }
        }
        let (last, done) = rayon::join(
            || (!batch.is_empty()).then(|| clean_batch(batch, opts)),
            || finish(pending.take(), opts, &mut clusterer, &mut report),
        );
        for articles in [done, finish(last, opts, &mut clusterer, &mut report)]
            .into_iter()
            .flatten()
        {
            on_batch(articles).map_err(IngestError::Batch)?;
        }
        Ok(())
    })?;
    report.clusters = clusterer.clusters();
    report.syndicated_articles = clusterer.syndicated_articles;
    report.syndication_index_bytes = clusterer.heap_bytes();
    Ok(report)
}

/// [`ingest`] into memory: every article in input order, with the report. For small corpora
/// (gold sets, tests); a large corpus should stream through [`ingest`] instead.
pub fn ingest_all(
    files: &[InputFile],
    opts: &IngestOptions,
) -> Result<(Vec<Article>, IngestReport), IngestError> {
    let mut articles = Vec::new();
    let report = ingest(
        files,
        opts,
        |_| {},
        |batch| {
            articles.extend(batch);
            Ok(())
        },
    )?;
    Ok((articles, report))
}

/// An article cleaned, with its syndication signature.
type Cleaned = (Article, minhash::Signature);

/// Most bytes of de-duplicator tables a cleaning thread keeps between articles.
const DEDUP_KEPT_BYTES: usize = 4 << 20;

thread_local! {
    /// The de-duplicator of the cleaning thread, reused from article to article.
    static DEDUP: std::cell::RefCell<Dedup> = std::cell::RefCell::new(Dedup::default());
}

/// Cleans a batch and computes the signatures in parallel (order kept).
fn clean_batch(batch: Vec<RawDoc>, opts: &IngestOptions) -> Vec<Cleaned> {
    batch
        .into_par_iter()
        .map(|doc| {
            DEDUP.with(|cell| {
                // One de-duplicator per thread, emptied for each article (a fresh one if this
                // thread's is in use, which does not happen: cleaning does not nest).
                let mut held = cell.try_borrow_mut().ok();
                let mut fresh = None;
                let dedup = match held.as_deref_mut() {
                    Some(d) => d,
                    None => fresh.insert(Dedup::default()),
                };
                let mut a =
                    clean_keeping_tokens(doc.id, &doc.text, doc.provenance, doc.meta, dedup);
                a.extra = doc.extra;
                let sig = if opts.cluster {
                    signature(dedup.kept_tokens())
                } else {
                    None
                };
                // A very long text leaves big tables: not kept for the next article.
                if dedup.capacity_bytes() > DEDUP_KEPT_BYTES {
                    *dedup = Dedup::default();
                }
                (a, sig)
            })
        })
        .collect()
}

/// Assigns the clusters of a cleaned batch in input order and counts it in the report.
fn finish(
    cleaned: Option<Vec<Cleaned>>,
    opts: &IngestOptions,
    clusterer: &mut Clusterer,
    report: &mut IngestReport,
) -> Option<Vec<Article>> {
    let cleaned = cleaned?;
    let mut articles = Vec::with_capacity(cleaned.len());
    // Removals counted by reason for the batch (by the reason's number; a reason past the
    // table, were the enum to grow that far, in a short list compared by value), then added
    // to the report's map once per reason.
    let mut by_number: [(Option<warta_core::RemovalReason>, usize); 32] = [(None, 0); 32];
    let mut removed: Vec<(warta_core::RemovalReason, usize)> = Vec::new();
    for (mut a, sig) in cleaned {
        if opts.cluster {
            clusterer.assign(&mut a, &sig);
        }
        report.articles += 1;
        report.input_bytes += a.provenance.bytes;
        report.kept_bytes += a.kept_bytes() as u64;
        report.paragraphs_kept += a.paragraphs.len();
        for r in &a.removed {
            if let Some((reason, n)) = by_number.get_mut(r.reason as usize) {
                *reason = Some(r.reason);
                *n += 1;
                continue;
            }
            match removed.iter_mut().find(|(reason, _)| *reason == r.reason) {
                Some((_, n)) => *n += 1,
                None => removed.push((r.reason, 1)),
            }
        }
        articles.push(a);
    }
    removed.extend(
        by_number
            .iter()
            .filter_map(|&(reason, n)| reason.map(|reason| (reason, n))),
    );
    for (reason, count) in removed {
        // The name is copied only the first time a reason is counted.
        match report.removed_by_reason.get_mut(reason.as_str()) {
            Some(n) => *n += count,
            None => {
                report
                    .removed_by_reason
                    .insert(reason.as_str().to_string(), count);
            }
        }
    }
    Some(articles)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removals_by_reason_count_every_removal_of_every_batch() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("a.jsonl");
        let lines: Vec<String> = (0..7)
            .map(|i| {
                let text = format!(
                    "Judul berita netralitas ASN nomor {i}\nBuntok (ANTARA) -\nPenjabat Bupati \
                     menjaga netralitas ASN di wilayah setempat demi suksesnya pemilu {i}.\n\
                     Baca juga: Sekda buka seleksi direktur\n{}COPYRIGHT © ANTARA 2024",
                    "Editor: Budi\n".repeat(i % 3)
                );
                serde_json::json!({ "id": format!("a{i}"), "text": text }).to_string()
            })
            .collect();
        std::fs::write(&path, lines.join("\n")).expect("write the input");
        let (files, _) = discover(&[path]);
        let opts = IngestOptions {
            batch_size: 2,
            ..IngestOptions::default()
        };
        let (articles, report) = ingest_all(&files, &opts).expect("ingest");
        assert_eq!(articles.len(), 7);
        let mut expected: BTreeMap<String, usize> = BTreeMap::new();
        for r in articles.iter().flat_map(|a| &a.removed) {
            *expected.entry(r.reason.as_str().to_string()).or_default() += 1;
        }
        assert!(expected.len() >= 3, "{expected:?}");
        assert_eq!(report.removed_by_reason, expected);
    }
}
