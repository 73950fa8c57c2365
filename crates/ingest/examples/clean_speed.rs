//! Single-thread speed of `clean_article` over the `.txt` files of a folder, repeated.
//!
//! `cargo run --release -p warta-ingest --example clean_speed -- corpus 50`

use std::time::Instant;

use warta_core::Provenance;
use warta_ingest::clean_article;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().unwrap_or_else(|| "corpus".into());
    let times: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(50);
    let texts: Vec<String> = walk(std::path::Path::new(&dir));
    let bytes: usize = texts.iter().map(String::len).sum();
    let warm = Instant::now();
    let _ = clean_article("warm", "Pemanasan.", Provenance::default());
    println!(
        "first call (rules compiled): {:.3} s",
        warm.elapsed().as_secs_f64()
    );
    let start = Instant::now();
    let mut kept = 0;
    for _ in 0..times {
        for t in &texts {
            kept += clean_article("x", t, Provenance::default())
                .paragraphs
                .len();
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let n = texts.len() * times;
    println!(
        "{n} articles ({kept} paragraphs) in {secs:.2} s: {:.0} articles/s, {:.1} MB/s",
        n as f64 / secs,
        (bytes * times) as f64 / 1e6 / secs
    );
}

fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map(|r| r.filter_map(Result::ok).collect())
        .unwrap_or_default();
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p.extension().is_some_and(|x| x == "txt") {
            if let Ok(t) = std::fs::read_to_string(&p) {
                out.push(t);
            }
        }
    }
    out
}
