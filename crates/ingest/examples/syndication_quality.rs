//! Syndication clustering on a corpus from `warta-gen`: how many planted copies land in the
//! cluster of their original, how many other articles are clustered, and the peak memory of the
//! whole ingest (VmHWM) with and without clustering.
//!
//! `cargo run --release -p warta-ingest --example syndication_quality -- CORPUS.jsonl
//! [--seed 42] [--limit N] [--no-cluster] [--assignments OUT.tsv] [--trace-rss]`
//!
//! Planted copies are recognised the way the generator draws them (`benches/src/gen`:
//! `Composer::origin`): article `wNNNNNNNN` number `i` is a syndicated copy with probability
//! 0.08 and a same-page copy with probability 0.02 of an article at most 5000 before it, drawn
//! from the splitmix64 stream `(seed, i, 2)`. The counts printed are checked against the
//! corpus's `manifest.json` when `--limit` is not given. `--assignments` writes `id TAB
//! cluster` per article, to diff the decisions of two builds. `--trace-rss` prints the resident
//! set size (and the transparent huge pages in it) every 10,000 articles to standard error; the
//! summary line gives the index's own size.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use warta_ingest::{discover, ingest, IngestOptions};

/// The allocator of the `warta` binary, so that the numbers match it.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;
/// Default rates of the generator (`Rates::default`).
const SYNDICATED: f64 = 0.08;
const SAME_PAGE: f64 = 0.02;

fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The article that generated article `i` copies (directly), if it is a copy.
fn copied_from(seed: u64, i: u64) -> Option<u64> {
    if i == 0 {
        return None;
    }
    let mut state = mix64(seed ^ mix64(i.wrapping_mul(GOLDEN) ^ mix64(3)));
    let mut next = || {
        state = state.wrapping_add(GOLDEN);
        mix64(state)
    };
    let x = (next() >> 11) as f64 / (1u64 << 53) as f64;
    let back = 1 + ((u128::from(next()) * u128::from(i.min(5000))) >> 64) as u64;
    (x < SYNDICATED + SAME_PAGE).then_some(i - back)
}

/// No cluster (an article without kept text).
const NONE: u32 = u32::MAX;

/// The article number of a generated id (`w00001234` -> 1234); [`NONE`] for another id.
fn number(id: &str) -> u32 {
    id.strip_prefix('w')
        .and_then(|n| n.parse().ok())
        .unwrap_or(NONE)
}

fn root(seed: u64, mut i: u64) -> u64 {
    while let Some(of) = copied_from(seed, i) {
        i = of;
    }
    i
}

/// Peak resident set size of this process, in MB.
fn vm_hwm_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Resident set size of this process now, in MB.
fn vm_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn main() {
    let mut input = None;
    let mut seed = 42u64;
    let mut limit = usize::MAX;
    let mut cluster = true;
    let mut assignments = None;
    let mut trace = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--seed" => seed = args.next().and_then(|s| s.parse().ok()).expect("--seed N"),
            "--limit" => limit = args.next().and_then(|s| s.parse().ok()).expect("--limit N"),
            "--no-cluster" => cluster = false,
            "--trace-rss" => trace = true,
            "--assignments" => assignments = Some(PathBuf::from(args.next().expect("a path"))),
            _ => input = Some(PathBuf::from(a)),
        }
    }
    let input = input.expect("a corpus .jsonl from warta-gen");
    let (files, _) = discover(std::slice::from_ref(&input));
    let opts = IngestOptions {
        cluster,
        ..IngestOptions::default()
    };
    let mut out = assignments.map(|p| {
        std::io::BufWriter::new(std::fs::File::create(p).expect("create the assignments file"))
    });
    // Article number -> the number of its cluster's head (`NONE`: no cluster), kept small so
    // that it adds little to the peak RSS measured (4 bytes an article).
    let mut clusters: Vec<u32> = Vec::new();
    let start = Instant::now();
    let report = ingest(
        &files,
        &opts,
        |_| {},
        |batch| {
            for a in batch {
                if clusters.len() >= limit {
                    break;
                }
                let c = a.cluster.map(|c| c.id);
                if let Some(o) = out.as_mut() {
                    writeln!(o, "{}\t{}", a.id, c.as_deref().unwrap_or("-"))?;
                }
                clusters.push(c.as_deref().map_or(NONE, number));
                if trace && clusters.len() % 10_000 == 0 {
                    let huge = std::fs::read_to_string("/proc/self/smaps_rollup")
                        .ok()
                        .and_then(|s| {
                            s.lines()
                                .find(|l| l.starts_with("AnonHugePages:"))
                                .map(str::to_string)
                        })
                        .unwrap_or_default();
                    eprintln!(
                        "{} articles: RSS {:.0} MB, {huge}",
                        clusters.len(),
                        vm_rss_mb()
                    );
                }
            }
            Ok(())
        },
    )
    .expect("ingest");
    let secs = start.elapsed().as_secs_f64();
    if let Some(mut o) = out {
        o.flush().expect("write the assignments");
    }
    let n = clusters.len();
    println!(
        "{n} articles in {secs:.1} s, peak RSS {:.0} MB{}",
        vm_hwm_mb(),
        if cluster { "" } else { " (no clustering)" }
    );
    if !cluster {
        return;
    }
    // Members: articles pointing to another article's cluster.
    let mut sizes: HashMap<u32, usize> = HashMap::new();
    for &c in clusters.iter().filter(|&&c| c != NONE) {
        *sizes.entry(c).or_default() += 1;
    }
    let multi = sizes.values().filter(|&&s| s > 1).count();
    let in_multi: usize = sizes.values().filter(|&&s| s > 1).sum();
    let (mut copies, mut found, mut members, mut syndicated, mut same_page) = (0, 0, 0, 0, 0);
    let mut copied_roots = std::collections::HashSet::new();
    for (i, &c) in clusters.iter().enumerate() {
        let is_member = c != NONE && c as usize != i;
        let i = i as u64;
        members += usize::from(is_member);
        if let Some(of) = copied_from(seed, i) {
            copies += 1;
            // The same draw as `copied_from`, to split the kinds of copy.
            let mut state = mix64(seed ^ mix64(i.wrapping_mul(GOLDEN) ^ mix64(3)));
            state = state.wrapping_add(GOLDEN);
            let x = (mix64(state) >> 11) as f64 / (1u64 << 53) as f64;
            if x < SYNDICATED {
                syndicated += 1;
            } else {
                same_page += 1;
            }
            let r = root(seed, of);
            copied_roots.insert(r);
            if is_member && clusters.get(r as usize) == Some(&c) {
                found += 1;
            }
        }
    }
    println!(
        "planted: {syndicated} syndicated + {same_page} same-page copies of {} originals",
        copied_roots.len()
    );
    println!(
        "clusters of 2+: {multi} covering {in_multi} articles; members {members}, of which planted copies in their original's cluster {found} of {copies} ({:.2}%), others {}",
        100.0 * found as f64 / copies.max(1) as f64,
        members - found
    );
    println!(
        "report: {} clusters, {} syndicated articles; index {:.1} MB",
        report.clusters,
        report.syndicated_articles,
        report.syndication_index_bytes as f64 / 1e6
    );
    if limit == usize::MAX {
        let manifest = input.with_file_name("manifest.json");
        if let Ok(m) = std::fs::read_to_string(&manifest) {
            let m: serde_json::Value = serde_json::from_str(&m).expect("manifest JSON");
            let want = |k: &str| m.get(k).and_then(serde_json::Value::as_u64);
            assert_eq!(
                want("syndicated"),
                Some(syndicated),
                "syndicated vs manifest"
            );
            assert_eq!(want("same_page"), Some(same_page), "same-page vs manifest");
            assert_eq!(
                want("copied_originals"),
                Some(copied_roots.len() as u64),
                "copied originals vs manifest"
            );
            println!("planted counts match {}", manifest.display());
        }
    }
}
