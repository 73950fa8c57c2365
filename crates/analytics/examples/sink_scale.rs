//! Pushes a corpus written by `warta extract` through a [`TableSink`] several times over, to
//! measure the table stage at 10x-50x the corpus size.
//!
//! ```text
//! cargo run --release -p warta-analytics --example sink_scale -- EXTRACT_DIR OUT_DIR [REPEAT] [CHUNK_ROWS] [PARTITION_ROWS] [--vary-names]
//! ```
//!
//! `EXTRACT_DIR` holds `articles.jsonl` and `facts.jsonl` (one `Article` / `ArticleFacts` per
//! line, in the same order). Each repetition gives every article, its facts and its cluster a
//! distinct id (`ID~rN`), so the tables grow as with a larger corpus of the same kind. With
//! `--vary-names` each repetition also renames every official (`NAME rN`), so that the
//! distinct officials, and with them `officials_by_region`, grow with the corpus too (the
//! worst case for the aggregates' own output). The files are read again on each repetition, so
//! the reader holds one article at a time and the peak RSS of the process is the sink's own.
//!
//! Prints push and finish seconds (and the CPU seconds of finish, all threads), rows, the peak RSS after each phase (`VmHWM`), and the
//! resident set sampled every 100 ms: its largest value in each phase and at the end of each
//! repetition, which shows whether memory grows while rows stream.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use warta_analytics::TableSink;
use warta_core::{Article, ArticleFacts, MentionValue};

/// The allocator `warta` itself runs with, so that the resident set is the one a run sees.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Phases the sampler tells apart.
const PUSH: usize = 0;
const FINISH: usize = 1;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let vary_names = args.iter().any(|a| a == "--vary-names");
    args.retain(|a| a != "--vary-names");
    if args.len() < 2 {
        return Err(
            "usage: sink_scale EXTRACT_DIR OUT_DIR [REPEAT] [CHUNK_ROWS] \
                    [PARTITION_ROWS] [--vary-names]"
                .into(),
        );
    }
    let input = PathBuf::from(&args[0]);
    let out = PathBuf::from(&args[1]);
    let repeat: usize = args.get(2).map(|s| s.parse()).transpose()?.unwrap_or(1);
    let mut sink = TableSink::create(&out)?;
    if let Some(rows) = args.get(3) {
        sink = sink.with_chunk_rows(rows.parse()?);
    }
    if let Some(rows) = args.get(4) {
        sink = sink.with_partition_rows(rows.parse()?);
    }

    let sampler = Sampler::start();
    let mut push = Duration::ZERO;
    let mut articles = 0usize;
    let mut rss_after_rep = Vec::new();
    for rep in 0..repeat {
        let a_lines = BufReader::new(File::open(input.join("articles.jsonl"))?).lines();
        let f_lines = BufReader::new(File::open(input.join("facts.jsonl"))?).lines();
        for (a, f) in a_lines.zip(f_lines) {
            let mut article: Article = serde_json::from_str(&a?)?;
            let mut facts: ArticleFacts = serde_json::from_str(&f?)?;
            if rep > 0 {
                relabel(&mut article, &mut facts, rep, vary_names);
            }
            let t = Instant::now();
            sink.push(&article, &facts)?;
            push += t.elapsed();
            articles += 1;
        }
        rss_after_rep.push(rss_mb().unwrap_or(0));
    }
    let peak = sink.peak_buffered_rows();
    let hwm_push = peak_rss_mb();
    sampler.phase.store(FINISH, Ordering::Relaxed);
    let cpu_before = cpu_seconds();
    let t = Instant::now();
    let run = sink.finish()?;
    let finish = t.elapsed();
    let finish_cpu = cpu_seconds().zip(cpu_before).map(|(a, b)| a - b);
    let sampled = sampler.stop();

    println!("articles {articles}");
    println!("push_s {:.3}", push.as_secs_f64());
    println!("finish_s {:.3}", finish.as_secs_f64());
    if let Some(cpu) = finish_cpu {
        println!("finish_cpu_s {cpu:.2}");
    }
    println!("peak_buffered_rows {peak}");
    if let (Some(push), Some(all)) = (hwm_push, peak_rss_mb()) {
        println!("peak_rss_mb_after_push {push}");
        println!("peak_rss_mb_after_finish {all}");
    }
    for (phase, [rss, anon, file]) in ["push", "finish"].iter().zip(sampled) {
        println!("sampled_max_mb {phase} rss {rss} anon {anon} file {file}");
    }
    let reps: Vec<String> = rss_after_rep.iter().map(u64::to_string).collect();
    println!("rss_mb_after_each_repeat {}", reps.join(" "));
    for t in &run.tables {
        println!("rows {} {}", t.name, t.rows);
    }
    Ok(())
}

/// Gives repetition `rep` of an article distinct ids (and, with `vary_names`, distinct
/// official names).
fn relabel(article: &mut Article, facts: &mut ArticleFacts, rep: usize, vary_names: bool) {
    let suffix = format!("~r{rep}");
    article.id.push_str(&suffix);
    facts.article_id.push_str(&suffix);
    if let Some(c) = article.cluster.as_mut() {
        c.id.push_str(&suffix);
    }
    if !vary_names {
        return;
    }
    let suffix = format!(" r{rep}");
    for m in &mut facts.mentions {
        if let MentionValue::Official(o) = &mut m.value {
            if let Some(name) = o.name.as_mut() {
                name.push_str(&suffix);
            }
        }
    }
    for p in &mut facts.persons {
        p.name.push_str(&suffix);
    }
}

/// Samples the resident set every 100 ms and keeps the largest value per phase.
struct Sampler {
    phase: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    /// Per phase: largest VmRSS, RssAnon and RssFile seen.
    max: Arc<[[AtomicU64; 3]; 2]>,
    handle: std::thread::JoinHandle<()>,
}

impl Sampler {
    fn start() -> Sampler {
        let phase = Arc::new(AtomicUsize::new(PUSH));
        let stop = Arc::new(AtomicBool::new(false));
        let max: Arc<[[AtomicU64; 3]; 2]> = Arc::new(Default::default());
        let (p, s, m) = (phase.clone(), stop.clone(), max.clone());
        let handle = std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                let phase = &m[p.load(Ordering::Relaxed).min(1)];
                for (slot, field) in phase.iter().zip(["VmRSS:", "RssAnon:", "RssFile:"]) {
                    slot.fetch_max(status_mb(field).unwrap_or(0), Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        });
        Sampler {
            phase,
            stop,
            max,
            handle,
        }
    }

    fn stop(self) -> [[u64; 3]; 2] {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.handle.join();
        let load = |p: &[AtomicU64; 3]| p.each_ref().map(|v| v.load(Ordering::Relaxed));
        [load(&self.max[PUSH]), load(&self.max[FINISH])]
    }
}

/// A field of `/proc/self/status` in MB (Linux).
fn status_mb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}

/// The process's peak resident set so far (`VmHWM`).
fn peak_rss_mb() -> Option<u64> {
    status_mb("VmHWM:")
}

/// User and system CPU time of the process so far, in seconds (Linux, 100 ticks a second).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name, which is in parentheses and may hold spaces.
    let rest = &stat[stat.rfind(')')? + 2..];
    let mut fields = rest.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some((user + system) as f64 / 100.0)
}

/// The process's resident set now (`VmRSS`).
fn rss_mb() -> Option<u64> {
    status_mb("VmRSS:")
}
