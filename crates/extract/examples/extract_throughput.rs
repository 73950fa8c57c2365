//! Extraction throughput on the cleaned fixture articles (`fixtures/ingest/*.json`).
//!
//! `cargo run --release -p warta-extract --example extract_throughput -- [passes] [path]` runs
//! [`warta_extract::extract`] over every article `passes` times (default 50) and prints the
//! paragraph bytes processed, the wall time and MB/s. On a shared machine read the CPU time
//! (`/usr/bin/time -v` user time) or instruction counts (`valgrind --tool=callgrind`) instead of
//! the wall time. It also prints a checksum of the serialized facts, so a speed change can be
//! checked to leave every result as it was. `path` is a folder of cleaned articles as JSON
//! files, or an `articles.jsonl` written by `warta extract` (one article per line).
//!
//! With `WARTA_EXTRACT_DUMP=<file>` set, the facts of every article are also written there as
//! one JSON line each, so that two builds can be compared byte for byte (`cmp`). With
//! `WARTA_EXTRACT_LIMIT=<n>` only the first `n` articles are used (for profiling runs).

use std::path::PathBuf;
use std::time::Instant;

use warta_core::Article;

/// The same allocator as the `warta` binary, so that the figures match what it does.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn load(path: &std::path::Path) -> Vec<Article> {
    if path.is_file() {
        let text =
            std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        return text
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect();
    }
    let mut paths: Vec<PathBuf> = std::fs::read_dir(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .filter_map(|p| serde_json::from_str(&std::fs::read_to_string(p).ok()?).ok())
        .collect()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let passes: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(50);
    let dir = args
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/ingest"));
    let mut articles = load(&dir);
    if let Some(n) = std::env::var("WARTA_EXTRACT_LIMIT")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        articles.truncate(n);
    }
    let mut dump = std::env::var_os("WARTA_EXTRACT_DUMP").map(|p| {
        let p = PathBuf::from(p);
        std::io::BufWriter::new(
            std::fs::File::create(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())),
        )
    });
    let bytes: usize = articles
        .iter()
        .flat_map(|a| a.paragraphs.iter())
        .map(|p| p.text.len())
        .sum();
    // Warm the compiled rules outside the timed loop.
    let mut checksum: u64 = 0xcbf2_9ce4_8422_2325;
    for a in &articles {
        let facts = warta_extract::extract(a);
        let line = serde_json::to_string(&facts).unwrap_or_default();
        for b in line.bytes() {
            checksum = (checksum ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        if let Some(w) = dump.as_mut() {
            use std::io::Write;
            writeln!(w, "{line}").unwrap_or_else(|e| panic!("dump: {e}"));
        }
    }
    drop(dump);
    let t = Instant::now();
    let mut mentions = 0usize;
    for _ in 0..passes {
        for a in &articles {
            mentions += warta_extract::extract(a).mentions.len();
        }
    }
    let secs = t.elapsed().as_secs_f64();
    let total = (bytes * passes) as f64;
    println!(
        "{} articles, {} bytes, {passes} passes, {mentions} mentions, {secs:.3} s wall, {:.1} MB/s wall, checksum {checksum:016x}",
        articles.len(),
        bytes,
        total / secs / 1e6
    );
}
