//! Pushes a corpus written by `warta extract` through a [`TableSink`] several times over, to
//! measure the table stage at 10x-50x the corpus size.
//!
//! ```text
//! cargo run --release -p warta-analytics --example sink_scale -- EXTRACT_DIR OUT_DIR [REPEAT] [CHUNK_ROWS] [PARTITION_ROWS]
//! ```
//!
//! `EXTRACT_DIR` holds `articles.jsonl` and `facts.jsonl` (one `Article` / `ArticleFacts` per
//! line, in the same order). Each repetition gives every article, its facts and its cluster a
//! distinct id (`ID~rN`), so the tables grow as with a larger corpus of the same kind. The
//! files are read again on each repetition, so the reader holds one article at a time and the
//! peak RSS of the process is the sink's own. Prints push and finish seconds and rows.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use warta_analytics::TableSink;
use warta_core::{Article, ArticleFacts};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        return Err(
            "usage: sink_scale EXTRACT_DIR OUT_DIR [REPEAT] [CHUNK_ROWS] [PARTITION_ROWS]".into(),
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

    let mut push = Duration::ZERO;
    let mut articles = 0usize;
    for rep in 0..repeat {
        let a_lines = BufReader::new(File::open(input.join("articles.jsonl"))?).lines();
        let f_lines = BufReader::new(File::open(input.join("facts.jsonl"))?).lines();
        for (a, f) in a_lines.zip(f_lines) {
            let mut article: Article = serde_json::from_str(&a?)?;
            let mut facts: ArticleFacts = serde_json::from_str(&f?)?;
            if rep > 0 {
                let suffix = format!("~r{rep}");
                article.id.push_str(&suffix);
                facts.article_id.push_str(&suffix);
                if let Some(c) = article.cluster.as_mut() {
                    c.id.push_str(&suffix);
                }
            }
            let t = Instant::now();
            sink.push(&article, &facts)?;
            push += t.elapsed();
            articles += 1;
        }
    }
    let peak = sink.peak_buffered_rows();
    let hwm_push = peak_rss_mb();
    let t = Instant::now();
    let run = sink.finish()?;
    let finish = t.elapsed();

    println!("articles {articles}");
    println!("push_s {:.3}", push.as_secs_f64());
    println!("finish_s {:.3}", finish.as_secs_f64());
    println!("peak_buffered_rows {peak}");
    if let (Some(push), Some(all)) = (hwm_push, peak_rss_mb()) {
        println!("peak_rss_mb_after_push {push}");
        println!("peak_rss_mb_after_finish {all}");
    }
    for t in &run.tables {
        println!("rows {} {}", t.name, t.rows);
    }
    Ok(())
}

/// The process's peak resident set so far (Linux `VmHWM`), in MB.
fn peak_rss_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}
