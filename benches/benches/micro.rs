//! Micro-benchmarks of warta's hot paths on the bundled seed articles: cleaning, repeated
//! paragraph removal, extraction, number parsing, date finding and gazetteer matching.
//!
//! Short settings (about 2 s per benchmark) so the whole suite runs in a few minutes:
//! `cargo bench -p warta-benches --bench micro`.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use warta_core::{Article, Provenance};
use warta_extract::dates::{find_dates, DateContext};

/// The five seed articles, byte-exact, by file stem.
fn seeds() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus/seeds");
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("corpus/seeds")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .map(|p| {
            let stem = p
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("seed")
                .to_string();
            let text = std::fs::read_to_string(&p).expect("seed text");
            (stem, text)
        })
        .collect();
    out.sort();
    out
}

fn short(stem: &str) -> &str {
    stem.split('_').next().unwrap_or(stem)
}

fn prov(raw: &str) -> Provenance {
    Provenance {
        path: "bench.txt".into(),
        line: None,
        format: "txt".into(),
        bytes: raw.len() as u64,
    }
}

fn cleaning(c: &mut Criterion) {
    let mut g = c.benchmark_group("clean_article");
    for (stem, raw) in seeds() {
        g.throughput(Throughput::Bytes(raw.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(short(&stem)), &raw, |b, raw| {
            b.iter(|| warta_ingest::clean_article("seed", black_box(raw), prov(raw)))
        });
    }
    g.finish();
}

/// Seed 000 carries its body twice (body, copyright line, paragraphs 2..n again). Cleaning the
/// single body against the doubled one shows what finding and dropping the repeat costs.
fn repeats(c: &mut Criterion) {
    let seeds = seeds();
    let (_, raw) = seeds
        .iter()
        .find(|(s, _)| s.starts_with("000"))
        .expect("seed 000");
    let cut = raw
        .find("COPYRIGHT")
        .map(|i| raw[i..].find('\n').map_or(raw.len(), |j| i + j))
        .unwrap_or(raw.len());
    let single = &raw[..cut];
    let tripled = format!("{raw}\n{}", &raw[raw.find('\n').map_or(0, |i| i + 1)..]);
    let mut g = c.benchmark_group("repeated_paragraphs");
    for (name, text) in [
        ("seed000_single", single.to_string()),
        ("seed000_doubled", raw.clone()),
        ("seed000_tripled", tripled),
    ] {
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(name), &text, |b, t| {
            b.iter(|| warta_ingest::clean_article("seed", black_box(t), prov(t)))
        });
    }
    g.finish();
}

fn extraction(c: &mut Criterion) {
    let cleaned: Vec<(String, Article)> = seeds()
        .into_iter()
        .map(|(stem, raw)| {
            let a = warta_ingest::clean_article(&stem, &raw, prov(&raw));
            (stem, a)
        })
        .collect();
    let mut g = c.benchmark_group("extract");
    for (stem, a) in &cleaned {
        g.throughput(Throughput::Bytes(a.kept_bytes() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(short(stem)), a, |b, a| {
            b.iter(|| warta_extract::extract(black_box(a)))
        });
    }
    g.finish();
}

/// Number forms from DOMAIN.md: dot thousands, decimal comma with scale word, spelled, vague,
/// `-an`, digits with a spelled echo.
const NUMBERS: &[&str] = &[
    "2.500",
    "800",
    "1,5 juta",
    "9 ribu",
    "10.000",
    "tiga puluh",
    "seribu",
    "ratusan",
    "puluhan",
    "700-an",
    "3 (tiga)",
    "30",
    "2,5 miliar",
    "tiga",
    "sebelas",
    "dua ratus lima puluh",
];

fn numbers(c: &mut Criterion) {
    let bytes: usize = NUMBERS.iter().map(|s| s.len()).sum();
    let mut g = c.benchmark_group("numbers");
    g.throughput(Throughput::Elements(NUMBERS.len() as u64));
    g.bench_function("parse_number_16_forms", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for s in NUMBERS {
                n += usize::from(warta_extract::numbers::parse_number(black_box(s)).is_some());
            }
            n
        })
    });
    let _ = bytes;
    g.finish();
}

/// Paragraphs of the seeds that hold dates, plus hard forms from DOMAIN.md.
fn date_paragraphs() -> Vec<String> {
    let mut out: Vec<String> = seeds()
        .iter()
        .flat_map(|(_, raw)| raw.lines().map(str::to_string).collect::<Vec<_>>())
        .filter(|l| {
            l.len() > 40
                && [
                    "Februari", "Mei", "Desember", "November", "/20", "Kamis", "Jumat", "Rabu",
                    "Selasa",
                ]
                .iter()
                .any(|k| l.contains(k))
        })
        .collect();
    out.extend(
        [
            "Apel digelar Senin (15/7/25) dan dilanjutkan Jumat (6/8/2024) di halaman kantor bupati.",
            "Sabtu, Februari 14, 2026 Rapat koordinasi berlangsung Selasa (6/2) pekan lalu.",
            "Surat edaran terbit pada bulan Mei 2023, tiga bulan sebelum tahun 2024 mendatang.",
        ]
        .map(str::to_string),
    );
    out
}

fn dates(c: &mut Criterion) {
    let paras = date_paragraphs();
    let bytes: usize = paras.iter().map(String::len).sum();
    let ctx = DateContext {
        published: None,
        article_year: Some(2024),
    };
    let mut g = c.benchmark_group("dates");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function(format!("find_dates_{}_paragraphs", paras.len()), |b| {
        b.iter(|| {
            paras
                .iter()
                .map(|p| find_dates(black_box(p), &ctx).len())
                .sum::<usize>()
        })
    });
    g.finish();
}

fn gazetteer(c: &mut Criterion) {
    let gz = warta_gazetteer::gazetteer();
    let mut g = c.benchmark_group("gazetteer_find");
    for (stem, raw) in seeds() {
        g.throughput(Throughput::Bytes(raw.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(short(&stem)), &raw, |b, raw| {
            b.iter(|| gz.find(black_box(raw)).len())
        });
    }
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20)
        .configure_from_args()
}

criterion_group! {
    name = micro;
    config = config();
    targets = cleaning, repeats, extraction, numbers, dates, gazetteer
}
criterion_main!(micro);
