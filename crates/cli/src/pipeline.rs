//! The streaming pipeline shared by `ingest`, `extract` and `run`: articles flow from the
//! ingest stage in batches (input order), are extracted in parallel, and are written out as
//! they come, so memory stays bounded whatever the corpus size.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use serde::Serialize;
use warta_core::{Article, ArticleFacts, Mention, MentionKind};
use warta_ingest::{IngestOptions, IngestReport};

use crate::args::PipelineArgs;
use crate::output::{write_json, JsonlWriter};

/// What a pipeline run produced.
#[derive(Debug, Serialize)]
pub struct Outcome {
    pub inputs: Vec<String>,
    pub output_dir: PathBuf,
    pub ingest: IngestReport,
    /// Mentions extracted, by kind.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub mentions: BTreeMap<&'static str, u64>,
    pub files_written: Vec<PathBuf>,
    pub seconds: Timings,
    #[serde(skip)]
    pub tables: Option<warta_analytics::RunTables>,
}

#[derive(Debug, Default, Serialize)]
pub struct Timings {
    pub total: f64,
    /// Time spent extracting (summed over the calling thread's batches; wall time of the parallel part).
    pub extract: f64,
    /// Time spent filling the tables and computing the aggregates.
    pub tables: f64,
}

impl Outcome {
    pub fn skipped_any(&self) -> bool {
        !self.ingest.skipped.is_empty()
    }
}

/// The bundled corpus: `corpus/` in the working directory, else the one beside the sources.
pub fn default_inputs() -> Vec<PathBuf> {
    let here = PathBuf::from("corpus");
    if here.is_dir() {
        return vec![here];
    }
    let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
    vec![bundled]
}

/// Per-kind JSONL file names written by `warta extract --mentions`.
fn kind_file(kind: MentionKind) -> &'static str {
    match kind {
        MentionKind::Official => "officials.jsonl",
        MentionKind::Region => "regions.jsonl",
        MentionKind::Date => "dates.jsonl",
        MentionKind::Count => "counts.jsonl",
        MentionKind::LegalInstrument => "instruments.jsonl",
        MentionKind::ElectionCycle => "cycles.jsonl",
        MentionKind::Activity => "activities.jsonl",
    }
}

/// One line of `mentions.jsonl`: the mention with the id of its article.
#[derive(Serialize)]
struct MentionRow<'a> {
    article_id: &'a str,
    #[serde(flatten)]
    mention: &'a Mention,
}

/// Which files a run writes.
#[derive(Debug, Clone, Copy)]
pub struct Outputs {
    /// `articles.jsonl`.
    pub articles: bool,
    /// `facts.jsonl`.
    pub facts: bool,
    /// `mentions.jsonl` and one JSONL per kind.
    pub mentions: bool,
    /// The tables: Parquet, and CSV for the aggregates.
    pub tables: bool,
    /// CSV copies of the fact tables too.
    pub fact_csv: bool,
}

impl Outputs {
    fn extracts(&self) -> bool {
        self.facts || self.mentions || self.tables
    }
}

struct Writers {
    articles: Option<JsonlWriter>,
    facts: Option<JsonlWriter>,
    mentions: Option<JsonlWriter>,
    per_kind: Vec<JsonlWriter>,
    sink: Option<warta_analytics::TableSink>,
}

/// The JSON Lines of a run of consecutive articles, serialised on a worker thread so that the
/// writer only copies bytes.
#[derive(Default)]
struct Encoded {
    articles: Vec<u8>,
    facts: Vec<u8>,
    mentions: Vec<u8>,
    per_kind: [Vec<u8>; MentionKind::ALL.len()],
    /// Articles encoded.
    rows: u64,
    /// Mentions by kind, in [`MentionKind::ALL`] order.
    counts: [u64; MentionKind::ALL.len()],
}

/// Articles serialised together: enough to amortise buffers, few enough to spread a batch
/// over the threads.
const ENCODE_CHUNK: usize = 32;

/// Batches in flight between the ingest stage and the extract/write stage.
const BATCHES_IN_FLIGHT: usize = 2;

/// Serialises `articles` and, when extraction ran, their `facts` (same order and length).
fn encode(
    articles: &[Article],
    facts: Option<&[ArticleFacts]>,
    outputs: Outputs,
) -> Result<Encoded> {
    let mut e = Encoded {
        rows: articles.len() as u64,
        ..Encoded::default()
    };
    for (i, article) in articles.iter().enumerate() {
        if outputs.articles {
            serde_json::to_writer(&mut e.articles, article)?;
            e.articles.push(b'\n');
        }
        let Some(f) = facts.and_then(|f| f.get(i)) else {
            continue;
        };
        if outputs.facts {
            serde_json::to_writer(&mut e.facts, f)?;
            e.facts.push(b'\n');
        }
        for m in &f.mentions {
            let k = m.kind.index();
            e.counts[k] += 1;
            if outputs.mentions {
                let row = MentionRow {
                    article_id: &article.id,
                    mention: m,
                };
                // Serialised once: the kind's file and mentions.jsonl share the line.
                let line_start = e.per_kind[k].len();
                serde_json::to_writer(&mut e.per_kind[k], &row)?;
                e.per_kind[k].push(b'\n');
                e.mentions.extend_from_slice(&e.per_kind[k][line_start..]);
            }
        }
    }
    Ok(e)
}

pub fn run(args: &PipelineArgs, outputs: Outputs) -> Result<Outcome> {
    let started = Instant::now();
    if let Some(n) = args.threads {
        // Only the first call in a process can set the global pool; later calls keep it.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global();
    }
    let inputs = if args.inputs.is_empty() {
        default_inputs()
    } else {
        args.inputs.clone()
    };
    let out = &args.output;
    fs::create_dir_all(out)
        .with_context(|| format!("cannot create output folder {}", out.display()))?;

    let (files, discover_skipped) = warta_ingest::discover(&inputs);
    let total_bytes: u64 = files.iter().map(|f| f.bytes).sum();
    let bar = progress_bar(total_bytes, args.quiet);

    let mut w = Writers {
        articles: None,
        facts: None,
        mentions: None,
        per_kind: Vec::new(),
        sink: None,
    };
    if outputs.articles {
        w.articles = Some(JsonlWriter::create(&out.join("articles.jsonl"))?);
    }
    if outputs.facts {
        w.facts = Some(JsonlWriter::create(&out.join("facts.jsonl"))?);
    }
    if outputs.mentions {
        w.mentions = Some(JsonlWriter::create(&out.join("mentions.jsonl"))?);
        for kind in MentionKind::ALL {
            w.per_kind
                .push(JsonlWriter::create(&out.join(kind_file(kind)))?);
        }
    }
    if outputs.tables {
        let sink = warta_analytics::TableSink::create(out)
            .and_then(|s| s.with_fact_csv(outputs.fact_csv))
            .context("cannot prepare the tables")?;
        w.sink = Some(sink);
    }

    let opts = IngestOptions {
        max_file_bytes: args.max_file_mib.saturating_mul(1 << 20),
        cluster: !args.no_cluster,
        ..IngestOptions::default()
    };

    // Three stages overlap: this thread ingests batch n+2 while a worker extracts and
    // serialises batch n+1 and a writer writes batch n and fills the tables with it. The
    // parallel parts of the first two go to the same rayon pool; the bounded channels keep at
    // most BATCHES_IN_FLIGHT batches waiting at each hand-over, so memory stays flat.
    let (ingest_result, extracted, written) = std::thread::scope(|s| {
        let (to_extract, extract_rx) = sync_channel::<Vec<Article>>(BATCHES_IN_FLIGHT);
        let (to_write, write_rx) = sync_channel::<Extracted>(BATCHES_IN_FLIGHT);
        let w = &mut w;
        let writer = s.spawn(move || -> Result<WriteTotals> {
            let mut totals = WriteTotals::default();
            let mut freeing: Option<Receiver<()>> = None;
            for batch in write_rx {
                let done = write(w, batch, &mut totals)?;
                freeing = Some(free_on_pool(done, freeing.take()));
            }
            if let Some(rx) = freeing {
                // Every batch is freed before the tables are finished.
                let _ = rx.recv();
            }
            Ok(totals)
        });
        let extractor = s.spawn(move || -> Result<Duration> {
            // The rules compile while this thread waits for the first batch, which the
            // ingest stage is reading and cleaning meanwhile.
            if outputs.extracts() {
                warta_extract::prepare();
            }
            let mut spent = Duration::ZERO;
            for batch in extract_rx {
                let t = Instant::now();
                let done = extract(batch, outputs)?;
                spent += t.elapsed();
                to_write
                    .send(done)
                    .map_err(|_| anyhow::anyhow!("the writing stage stopped"))?;
            }
            Ok(spent)
        });
        let ingest_result = warta_ingest::ingest(
            &files,
            &opts,
            |done| bar.set_position(done),
            |batch: Vec<Article>| -> Result<(), warta_ingest::BatchError> {
                to_extract
                    .send(batch)
                    .map_err(|_| "the extraction stage stopped".into())
            },
        );
        drop(to_extract);
        let extracted = extractor
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("the extraction stage panicked")));
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("the writing stage panicked")));
        (ingest_result, extracted, written)
    });
    // A later stage's own error (a full disk, say) explains a failed hand-over better than the
    // hand-over itself, so the last stage's error comes first.
    let totals = written.context("the pipeline stopped")?;
    let extract_time = extracted.context("the pipeline stopped")?;
    let mut ingest = ingest_result.context("the pipeline stopped")?;
    bar.finish_and_clear();

    // Problems found while walking the inputs come first, then those found while reading.
    let mut skipped = discover_skipped;
    skipped.append(&mut ingest.skipped);
    ingest.skipped = skipped;

    let mut files_written = Vec::new();
    for jw in [w.articles, w.facts, w.mentions].into_iter().flatten() {
        files_written.push(jw.commit()?);
    }
    for jw in w.per_kind {
        files_written.push(jw.commit()?);
    }
    let report_name = if outputs.tables {
        "run-report.json"
    } else if outputs.extracts() {
        "extract-report.json"
    } else {
        "ingest-report.json"
    };
    let t = Instant::now();
    let tables = match w.sink {
        Some(sink) => {
            crate::memory::release_freed();
            Some(sink.finish().context("cannot write the tables")?)
        }
        None => None,
    };
    let tables_time = t.elapsed();
    if let Some(t) = &tables {
        for info in &t.tables {
            files_written.push(info.parquet.clone());
            files_written.extend(info.csv.clone());
        }
    }
    let mut mentions = BTreeMap::new();
    if outputs.extracts() {
        for (kind, n) in MentionKind::ALL.iter().zip(totals.counts) {
            if n > 0 {
                mentions.insert(kind.as_str(), n);
            }
        }
    }

    let mut outcome = Outcome {
        inputs: inputs.iter().map(|p| p.display().to_string()).collect(),
        output_dir: out.clone(),
        ingest,
        mentions,
        files_written,
        seconds: Timings {
            total: 0.0,
            extract: extract_time.as_secs_f64(),
            tables: (totals.tables + tables_time).as_secs_f64(),
        },
        tables,
    };
    let report_path = out.join(report_name);
    outcome.files_written.push(report_path.clone());
    outcome.seconds.total = started.elapsed().as_secs_f64();
    write_json(&report_path, &outcome)?;
    Ok(outcome)
}

#[derive(Default)]
struct WriteTotals {
    counts: [u64; MentionKind::ALL.len()],
    tables: Duration,
}

/// A batch after extraction: its articles, their facts (empty when only ingesting) and the
/// JSON Lines to write.
struct Extracted {
    articles: Vec<Article>,
    facts: Vec<ArticleFacts>,
    encoded: Vec<Encoded>,
}

/// The second stage for one batch: extract and serialise in parallel.
fn extract(articles: Vec<Article>, outputs: Outputs) -> Result<Extracted> {
    let facts: Vec<ArticleFacts> = if outputs.extracts() {
        articles.par_iter().map(warta_extract::extract).collect()
    } else {
        Vec::new()
    };
    let encoded: Vec<Encoded> = articles
        .par_chunks(ENCODE_CHUNK)
        .enumerate()
        .map(|(i, chunk)| {
            let start = i * ENCODE_CHUNK;
            encode(chunk, facts.get(start..start + chunk.len()), outputs)
        })
        .collect::<Result<_>>()?;
    Ok(Extracted {
        articles,
        facts,
        encoded,
    })
}

/// The third stage for one batch: write the JSON Lines in order and fill the tables. Gives the
/// batch back, to be freed by [`free_on_pool`].
fn write(w: &mut Writers, batch: Extracted, totals: &mut WriteTotals) -> Result<Extracted> {
    for e in &batch.encoded {
        if let Some(jw) = w.articles.as_mut() {
            jw.write_encoded(&e.articles, e.rows)?;
        }
        if let Some(jw) = w.facts.as_mut() {
            jw.write_encoded(&e.facts, e.rows)?;
        }
        if let Some(jw) = w.mentions.as_mut() {
            jw.write_encoded(&e.mentions, e.counts.iter().sum())?;
        }
        for (k, jw) in w.per_kind.iter_mut().enumerate() {
            jw.write_encoded(&e.per_kind[k], e.counts[k])?;
        }
        for (total, n) in totals.counts.iter_mut().zip(e.counts) {
            *total += n;
        }
    }
    if let Some(sink) = w.sink.as_mut() {
        let t = Instant::now();
        for (article, f) in batch.articles.iter().zip(&batch.facts) {
            sink.push(article, f)?;
        }
        totals.tables += t.elapsed();
    }
    Ok(batch)
}

/// Frees a written batch on the rayon pool, once the batch before it (`previous`) is freed;
/// the receiver returned answers when this one is.
///
/// The pool's threads allocated the batch's articles and facts. Freed on the writer's thread,
/// every block went back to its owner through the allocator's cross-thread queue, and the
/// owner took it up again cold from another core's cache. Waiting for the previous batch keeps
/// at most one written batch in memory besides the one being written.
fn free_on_pool(batch: Extracted, previous: Option<Receiver<()>>) -> Receiver<()> {
    if let Some(rx) = previous {
        let _ = rx.recv();
    }
    let (tx, rx) = sync_channel(1);
    let Extracted {
        articles, facts, ..
    } = batch;
    rayon::spawn(move || {
        articles.into_par_iter().for_each(drop);
        facts.into_par_iter().for_each(drop);
        let _ = tx.send(());
    });
    rx
}

/// A byte-based progress bar on stderr, shown only on a terminal and never in CI logs.
fn progress_bar(total: u64, quiet: bool) -> ProgressBar {
    let hidden = quiet || std::env::var_os("CI").is_some();
    let bar = if hidden {
        ProgressBar::hidden()
    } else {
        ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr())
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, eta {eta})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// `812 B`, `24.6 kB`, `246.7 MB`, `2.25 GB` (powers of 1000, as the benchmarks count).
fn human_bytes(n: u64) -> String {
    let n = n as f64;
    match n {
        n if n < 1e3 => format!("{n} B"),
        n if n < 1e6 => format!("{:.1} kB", n / 1e3),
        n if n < 1e9 => format!("{:.1} MB", n / 1e6),
        n => format!("{:.2} GB", n / 1e9),
    }
}

/// The short summary printed after a run.
pub fn print_summary(o: &Outcome) -> std::io::Result<()> {
    let r = &o.ingest;
    crate::outln!(
        "{} files, {} articles, {} read in {:.2}s; {} paragraphs kept",
        r.files,
        r.articles,
        human_bytes(r.input_bytes),
        o.seconds.total,
        r.paragraphs_kept
    )?;
    if !r.removed_by_reason.is_empty() {
        let parts: Vec<String> = r
            .removed_by_reason
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        crate::outln!("removed: {}", parts.join(", "))?;
    }
    crate::outln!(
        "syndication: {} clusters of copies covering {} articles",
        r.clusters,
        r.syndicated_articles
    )?;
    if !o.mentions.is_empty() {
        let parts: Vec<String> = o.mentions.iter().map(|(k, v)| format!("{k} {v}")).collect();
        crate::outln!("mentions: {}", parts.join(", "))?;
    }
    if !r.skipped.is_empty() {
        eprintln!("{} input(s) skipped:", r.skipped.len());
        for s in &r.skipped {
            let at = match s.line {
                Some(l) => format!("{}:{}", s.path, l),
                None => s.path.clone(),
            };
            let detail = s
                .detail
                .strip_prefix(&format!("{at}: "))
                .unwrap_or(&s.detail);
            eprintln!("  {at}: {detail} ({})", s.reason);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::human_bytes;

    #[test]
    fn byte_counts_read_at_every_scale() {
        assert_eq!(human_bytes(812), "812 B");
        assert_eq!(human_bytes(24_612), "24.6 kB");
        assert_eq!(human_bytes(246_700_000), "246.7 MB");
        assert_eq!(human_bytes(2_246_200_000), "2.25 GB");
    }
}
