//! Rough throughput of the whole stage: ingests the given inputs N times over (the file list
//! repeated) with a given number of threads and prints articles and MB per second. With a
//! fourth argument, the articles are also written there as JSON Lines (to compare outputs).
//!
//! `cargo run --release -p warta-ingest --example ingest_throughput -- corpus 200 2 [out.jsonl]`

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use warta_ingest::{discover, ingest, IngestOptions};

/// The allocator of the `warta` binary, so that the numbers match it.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let input = PathBuf::from(args.next().unwrap_or_else(|| "corpus".into()));
    let times: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(100);
    let threads: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    let mut dump = args.next().map(|p| {
        std::io::BufWriter::new(std::fs::File::create(p).expect("create the output file"))
    });
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("thread pool");
    let (files, _) = discover(&[input]);
    let files: Vec<_> = std::iter::repeat_n(files, times).flatten().collect();
    let start = Instant::now();
    let mut n = 0usize;
    let report = pool
        .install(|| {
            ingest(
                &files,
                &IngestOptions::default(),
                |_| {},
                |batch| {
                    n += batch.len();
                    if let Some(out) = dump.as_mut() {
                        for a in &batch {
                            serde_json::to_writer(&mut *out, a)?;
                            out.write_all(b"\n")?;
                        }
                    }
                    Ok(())
                },
            )
        })
        .expect("ingest");
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{n} articles, {:.1} MB in {secs:.2} s: {:.0} articles/s, {:.1} MB/s; {} clusters of 2+, {} syndicated",
        report.input_bytes as f64 / 1e6,
        n as f64 / secs,
        report.input_bytes as f64 / 1e6 / secs,
        report.clusters,
        report.syndicated_articles
    );
}
