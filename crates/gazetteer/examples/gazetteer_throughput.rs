//! Throughput of `Gazetteer::find` on the seed articles, one call per article.
//!
//! `cargo run --release -p warta-gazetteer --example gazetteer_throughput [REPEATS] [DIR]`

use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let repeats: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let dir = args
        .next()
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/../../corpus/seeds").to_owned());
    let mut texts = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("seed directory")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    for p in paths {
        texts.push(std::fs::read_to_string(p).expect("seed text"));
    }
    let g = warta_gazetteer::gazetteer();
    let bytes: usize = texts.iter().map(String::len).sum::<usize>() * repeats;
    let mut matches = 0;
    let cpu = cpu_ns();
    let t = Instant::now();
    for _ in 0..repeats {
        for text in &texts {
            matches += std::hint::black_box(g.find(text)).len();
        }
    }
    let secs = t.elapsed().as_secs_f64();
    // On a loaded machine the wall clock also counts waiting for a core.
    if let (Some(a), Some(b)) = (cpu, cpu_ns()) {
        let cpu_secs = (b - a) as f64 / 1e9;
        println!(
            "on-CPU {:.3} s: {:.1} MB/s",
            cpu_secs,
            bytes as f64 / 1e6 / cpu_secs
        );
    }
    println!(
        "{:.1} MB in {:.3} s: {:.1} MB/s, {} matches, {:.1} us per article",
        bytes as f64 / 1e6,
        secs,
        bytes as f64 / 1e6 / secs,
        matches,
        secs * 1e6 / (texts.len() * repeats) as f64
    );
}

/// Time this thread has run on a CPU, in nanoseconds (Linux only).
fn cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}
