//! The streaming pipeline shared by `ingest`, `extract` and `run`: articles flow from the
//! ingest stage in batches (input order), are extracted in parallel, and are written out as
//! they come, so memory stays bounded whatever the corpus size.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use serde::Serialize;
use warta_core::{Article, ArticleFacts, Mention, MentionKind};
use warta_ingest::{IngestOptions, IngestReport};

use crate::args::PipelineArgs;
use crate::output::{write_json, JsonlWriter};

/// How far the pipeline goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    Ingest,
    Extract,
    Tables,
}

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
    /// Time spent writing tables and computing aggregates.
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

/// Per-kind JSONL file names written by `warta extract`.
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

struct Writers {
    articles: JsonlWriter,
    facts: Option<JsonlWriter>,
    mentions: Option<JsonlWriter>,
    per_kind: Vec<(MentionKind, JsonlWriter)>,
    sink: Option<warta_analytics::TableSink>,
}

pub fn run(args: &PipelineArgs, stage: Stage) -> Result<Outcome> {
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
        articles: JsonlWriter::create(&out.join("articles.jsonl"))?,
        facts: None,
        mentions: None,
        per_kind: Vec::new(),
        sink: None,
    };
    if stage >= Stage::Extract {
        w.facts = Some(JsonlWriter::create(&out.join("facts.jsonl"))?);
        w.mentions = Some(JsonlWriter::create(&out.join("mentions.jsonl"))?);
        for kind in MentionKind::ALL {
            w.per_kind
                .push((kind, JsonlWriter::create(&out.join(kind_file(kind)))?));
        }
    }
    if stage >= Stage::Tables {
        w.sink =
            Some(warta_analytics::TableSink::create(out).context("cannot prepare the tables")?);
    }

    let opts = IngestOptions {
        max_file_bytes: args.max_file_mib.saturating_mul(1 << 20),
        cluster: !args.no_cluster,
        ..IngestOptions::default()
    };
    let mut mention_counts: BTreeMap<&'static str, u64> = BTreeMap::new();
    let mut extract_time = Duration::ZERO;
    let mut ingest = warta_ingest::ingest(
        &files,
        &opts,
        |done| bar.set_position(done),
        |batch: Vec<Article>| -> Result<(), warta_ingest::BatchError> {
            if stage == Stage::Ingest {
                for a in &batch {
                    w.articles.write(a)?;
                }
                return Ok(());
            }
            let t = Instant::now();
            let facts: Vec<ArticleFacts> = batch.par_iter().map(warta_extract::extract).collect();
            extract_time += t.elapsed();
            write_batch(&mut w, &batch, &facts, &mut mention_counts)?;
            Ok(())
        },
    )
    .context("the pipeline stopped")?;
    bar.finish_and_clear();

    // Problems found while walking the inputs come first, then those found while reading.
    let mut skipped = discover_skipped;
    skipped.append(&mut ingest.skipped);
    ingest.skipped = skipped;

    let mut files_written = vec![w.articles.commit()?];
    if let Some(f) = w.facts {
        files_written.push(f.commit()?);
    }
    if let Some(m) = w.mentions {
        files_written.push(m.commit()?);
    }
    for (_, k) in w.per_kind {
        files_written.push(k.commit()?);
    }
    let report_name = match stage {
        Stage::Ingest => "ingest-report.json",
        Stage::Extract => "extract-report.json",
        Stage::Tables => "run-report.json",
    };
    let t = Instant::now();
    let tables = match w.sink {
        Some(sink) => Some(sink.finish().context("cannot write the tables")?),
        None => None,
    };
    let tables_time = t.elapsed();
    if let Some(t) = &tables {
        for info in &t.tables {
            files_written.push(info.parquet.clone());
            files_written.push(info.csv.clone());
        }
    }

    let mut outcome = Outcome {
        inputs: inputs.iter().map(|p| p.display().to_string()).collect(),
        output_dir: out.clone(),
        ingest,
        mentions: mention_counts,
        files_written,
        seconds: Timings {
            total: 0.0,
            extract: extract_time.as_secs_f64(),
            tables: tables_time.as_secs_f64(),
        },
        tables,
    };
    let report_path = out.join(report_name);
    outcome.files_written.push(report_path.clone());
    outcome.seconds.total = started.elapsed().as_secs_f64();
    write_json(&report_path, &outcome)?;
    Ok(outcome)
}

fn write_batch(
    w: &mut Writers,
    batch: &[Article],
    facts: &[ArticleFacts],
    counts: &mut BTreeMap<&'static str, u64>,
) -> Result<()> {
    for (article, f) in batch.iter().zip(facts) {
        w.articles.write(article)?;
        if let Some(fw) = w.facts.as_mut() {
            fw.write(f)?;
        }
        for m in &f.mentions {
            let row = MentionRow {
                article_id: &article.id,
                mention: m,
            };
            if let Some(mw) = w.mentions.as_mut() {
                mw.write(&row)?;
            }
            if let Some((_, kw)) = w.per_kind.iter_mut().find(|(k, _)| *k == m.kind) {
                kw.write(&row)?;
            }
            *counts.entry(m.kind.as_str()).or_default() += 1;
        }
        if let Some(sink) = w.sink.as_mut() {
            sink.push(article, f)?;
        }
    }
    Ok(())
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

/// The short summary printed after a run.
pub fn print_summary(o: &Outcome) -> std::io::Result<()> {
    let r = &o.ingest;
    crate::outln!(
        "{} files, {} articles, {:.1} MB read in {:.2}s; {} paragraphs kept",
        r.files,
        r.articles,
        r.input_bytes as f64 / 1e6,
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
