//! The corpus generator behind `warta-gen`.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::sync_channel;
use std::time::Instant;

use flate2::write::GzEncoder;
use flate2::Compression;
use rayon::prelude::*;

pub mod compose;
pub mod rng;
pub mod source;

pub use compose::{Composer, Doc, Origin, Outlet, Rates};

/// What can go wrong while generating.
#[derive(Debug, thiserror::Error)]
pub enum GenError {
    #[error("{0}: {1}")]
    Io(PathBuf, #[source] std::io::Error),
    #[error("{0}")]
    Data(String),
    #[error("refusing to write into the repository at {repo}: give an --out outside it ({out})")]
    InsideRepo { out: PathBuf, repo: PathBuf },
    #[error("unknown format {0:?} (expected txt, jsonl or jsonl.gz)")]
    Format(String),
}

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `OUT/txt/NNNNN/wIIIIIIII.txt`, at most 1000 files a folder.
    Txt,
    /// `OUT/corpus.jsonl`: one `{"id","url","text"}` record a line.
    Jsonl,
    /// `OUT/corpus.jsonl.gz`: the same, gzip (one member).
    JsonlGz,
}

impl Format {
    pub fn parse(s: &str) -> Result<Format, GenError> {
        match s.trim() {
            "txt" => Ok(Format::Txt),
            "jsonl" => Ok(Format::Jsonl),
            "jsonl.gz" => Ok(Format::JsonlGz),
            other => Err(GenError::Format(other.to_string())),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Txt => "txt",
            Format::Jsonl => "jsonl",
            Format::JsonlGz => "jsonl.gz",
        }
    }
}

/// Files per folder of a `.txt` tree.
pub const FILES_PER_DIR: u64 = 1000;
/// Articles generated per batch (bounds memory: about 5 KB an article).
const BATCH: u64 = 2048;

/// Options of one generator run.
#[derive(Debug, Clone)]
pub struct GenOptions {
    /// Folder of bundled `.txt` articles (searched recursively).
    pub from: PathBuf,
    /// Folder holding `regions.csv` and `aliases.csv`.
    pub gazetteer: PathBuf,
    pub out: PathBuf,
    pub articles: u64,
    pub formats: Vec<Format>,
    pub seed: u64,
    /// Worker threads for composing (0 = rayon's default).
    pub threads: usize,
    /// gzip level for `jsonl.gz` (0..=9).
    pub gzip_level: u32,
}

/// What a run produced, written as `OUT/manifest.json`.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Manifest {
    pub seed: u64,
    pub articles: u64,
    pub formats: Vec<String>,
    pub files: Vec<String>,
    /// Source articles the stories were recombined from.
    pub sources: Vec<String>,
    /// Bytes of article text (UTF-8), the input size benchmarks divide by.
    pub text_bytes: u64,
    pub outlets: std::collections::BTreeMap<String, u64>,
    pub originals: u64,
    pub syndicated: u64,
    pub same_page: u64,
    /// Originals that have at least one copy: the planted clusters cover
    /// `syndicated + same_page + copied_originals` articles, the number to hold against
    /// ingest's "syndication: N clusters of copies covering M articles".
    pub copied_originals: u64,
    pub repeated_bodies: u64,
    pub rates: Option<Rates>,
    pub seconds: f64,
}

#[derive(serde::Serialize)]
struct Record<'a> {
    id: &'a str,
    url: &'a str,
    text: &'a str,
}

/// The git work tree holding `p`, if any.
fn repo_root(p: &Path) -> Option<PathBuf> {
    let p = std::fs::canonicalize(p).ok()?;
    p.ancestors()
        .find(|a| a.join(".git").exists())
        .map(Path::to_path_buf)
}

/// The absolute, canonical form of `p`, resolving its nearest existing ancestor.
fn resolve(p: &Path) -> PathBuf {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|c| c.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    };
    let mut tail = Vec::new();
    let mut cur = abs.as_path();
    loop {
        if let Ok(c) = std::fs::canonicalize(cur) {
            let mut out = c;
            for t in tail.iter().rev() {
                out.push(t);
            }
            return out;
        }
        match (cur.parent(), cur.file_name()) {
            (Some(parent), Some(name)) => {
                tail.push(name.to_os_string());
                cur = parent;
            }
            _ => return abs,
        }
    }
}

/// Refuses an output folder inside the repository the sources or the working folder belong to.
pub fn check_out(out: &Path, from: &Path) -> Result<(), GenError> {
    let out = resolve(out);
    let roots = [Some(from.to_path_buf()), std::env::current_dir().ok()];
    for root in roots.iter().flatten().filter_map(|p| repo_root(p)) {
        if out.starts_with(&root) {
            return Err(GenError::InsideRepo { out, repo: root });
        }
    }
    Ok(())
}

/// A JSON Lines output (plain or gzip).
struct Sink {
    path: PathBuf,
    w: Box<dyn Write + Send>,
}

impl Sink {
    fn open(out: &Path, f: Format, gzip_level: u32) -> Result<(Sink, String), GenError> {
        let name = match f {
            Format::Jsonl => "corpus.jsonl",
            _ => "corpus.jsonl.gz",
        };
        let path = out.join(name);
        let file = File::create(&path).map_err(|e| GenError::Io(path.clone(), e))?;
        let file = BufWriter::with_capacity(1 << 20, file);
        let w: Box<dyn Write + Send> = match f {
            Format::JsonlGz => Box::new(BufWriter::with_capacity(
                1 << 20,
                GzEncoder::new(file, Compression::new(gzip_level.min(9))),
            )),
            _ => Box::new(file),
        };
        Ok((Sink { path, w }, name.to_string()))
    }

    fn write(&mut self, d: &Doc) -> Result<(), GenError> {
        let rec = Record {
            id: &d.id,
            url: &d.url,
            text: &d.text,
        };
        serde_json::to_writer(&mut self.w, &rec)
            .map_err(|e| GenError::Io(self.path.clone(), std::io::Error::other(e)))?;
        self.w
            .write_all(b"\n")
            .map_err(|e| GenError::Io(self.path.clone(), e))
    }

    fn finish(mut self) -> Result<(), GenError> {
        self.w.flush().map_err(|e| GenError::Io(self.path, e))
    }
}

/// Writes `OUT/txt/NNNNN/<id>.txt` (the folder exists already).
fn write_txt(root: &Path, d: &Doc) -> Result<(), GenError> {
    let path = root
        .join(format!("{:05}", d.index / FILES_PER_DIR))
        .join(format!("{}.txt", d.id));
    std::fs::write(&path, d.text.as_bytes()).map_err(|e| GenError::Io(path, e))
}

/// Generates a corpus and writes it in every requested format; returns the manifest, which is
/// also written to `OUT/manifest.json`.
pub fn generate(opts: &GenOptions) -> Result<Manifest, GenError> {
    let started = Instant::now();
    check_out(&opts.out, &opts.from)?;
    let regions = source::Regions::load(&opts.gazetteer)?;
    let sources = source::load_sources(&opts.from, &regions)?;
    std::fs::create_dir_all(&opts.out).map_err(|e| GenError::Io(opts.out.clone(), e))?;
    let composer = Composer::new(opts.seed, Rates::default(), sources, regions);

    let mut manifest = Manifest {
        seed: opts.seed,
        articles: opts.articles,
        formats: opts
            .formats
            .iter()
            .map(|f| f.as_str().to_string())
            .collect(),
        sources: composer.sources().iter().map(|s| s.name.clone()).collect(),
        rates: Some(composer.rates),
        ..Manifest::default()
    };
    let mut sinks = Vec::new();
    let mut txt_root = None;
    for f in &opts.formats {
        if *f == Format::Txt {
            let root = opts.out.join("txt");
            std::fs::create_dir_all(&root).map_err(|e| GenError::Io(root.clone(), e))?;
            txt_root = Some(root);
            manifest.files.push("txt/".to_string());
            continue;
        }
        let (sink, name) = Sink::open(&opts.out, *f, opts.gzip_level)?;
        sinks.push(sink);
        manifest.files.push(name);
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads)
        .build()
        .map_err(|e| GenError::Data(format!("thread pool: {e}")))?;

    let (tx, rx) = sync_channel::<Vec<Doc>>(2);
    let writer = std::thread::spawn(move || -> Result<(Vec<Sink>, Manifest), GenError> {
        let mut m = Manifest::default();
        let mut copied = std::collections::HashSet::new();
        for batch in rx {
            for d in &batch {
                for s in sinks.iter_mut() {
                    s.write(d)?;
                }
                m.text_bytes += d.text.len() as u64;
                *m.outlets.entry(d.outlet.as_str().to_string()).or_default() += 1;
                match d.origin {
                    Origin::Original => m.originals += 1,
                    Origin::Syndicated { .. } => m.syndicated += 1,
                    Origin::SamePage { .. } => m.same_page += 1,
                }
                m.repeated_bodies += u64::from(d.repeated_body);
                if d.original != d.index {
                    copied.insert(d.original);
                }
            }
        }
        m.copied_originals = copied.len() as u64;
        Ok((sinks, m))
    });
    let mut start = 0;
    while start < opts.articles {
        let end = (start + BATCH).min(opts.articles);
        // `.txt` files are written by the composing threads: creating a million small files is
        // bound by system time, which one writer thread would serialise.
        if let Some(root) = &txt_root {
            for n in start / FILES_PER_DIR..=(end - 1) / FILES_PER_DIR {
                let folder = root.join(format!("{n:05}"));
                std::fs::create_dir_all(&folder).map_err(|e| GenError::Io(folder.clone(), e))?;
            }
        }
        let batch: Vec<Doc> = pool.install(|| {
            (start..end)
                .into_par_iter()
                .map(|i| {
                    let d = composer.article(i);
                    match &txt_root {
                        Some(root) => write_txt(root, &d).map(|()| d),
                        None => Ok(d),
                    }
                })
                .collect::<Result<_, GenError>>()
        })?;
        if tx.send(batch).is_err() {
            break; // the writer stopped: its error is reported below
        }
        start = end;
    }
    drop(tx);
    let (sinks, counts) = writer
        .join()
        .map_err(|_| GenError::Data("writer thread panicked".into()))??;
    for s in sinks {
        s.finish()?;
    }
    manifest.text_bytes = counts.text_bytes;
    manifest.outlets = counts.outlets;
    manifest.originals = counts.originals;
    manifest.syndicated = counts.syndicated;
    manifest.same_page = counts.same_page;
    manifest.copied_originals = counts.copied_originals;
    manifest.repeated_bodies = counts.repeated_bodies;
    manifest.seconds = started.elapsed().as_secs_f64();
    let path = opts.out.join("manifest.json");
    let json =
        serde_json::to_string_pretty(&manifest).map_err(|e| GenError::Data(e.to_string()))?;
    std::fs::write(&path, json + "\n").map_err(|e| GenError::Io(path, e))?;
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
    }

    fn composer(seed: u64) -> Composer {
        let regions =
            source::Regions::load(&repo().join("crates/gazetteer/data")).expect("regions");
        let sources = source::load_sources(&repo().join("corpus"), &regions).expect("sources");
        Composer::new(seed, Rates::default(), sources, regions)
    }

    #[test]
    fn articles_are_a_pure_function_of_seed_and_index() {
        let a = composer(42);
        let b = composer(42);
        let c = composer(43);
        for i in [0u64, 1, 17, 999, 123_456] {
            assert_eq!(a.article(i).text, b.article(i).text);
        }
        assert_ne!(a.article(5).text, c.article(5).text);
    }

    #[test]
    fn corpus_mix_follows_the_rates() {
        let c = composer(7);
        let n = 4000;
        let docs: Vec<Doc> = (0..n).map(|i| c.article(i)).collect();
        let count =
            |f: &dyn Fn(&Doc) -> bool| docs.iter().filter(|d| f(d)).count() as f64 / n as f64;
        let synd = count(&|d| matches!(d.origin, Origin::Syndicated { .. }));
        assert!((0.06..0.10).contains(&synd), "syndicated {synd}");
        let antara = count(&|d| d.outlet == Outlet::Antara);
        assert!((0.40..0.50).contains(&antara), "antara {antara}");
        let repeated = count(&|d| d.repeated_body);
        assert!((0.05..0.20).contains(&repeated), "repeated {repeated}");
        assert!(count(&|d| d.text.contains("Baca juga: ")) > 0.2);
        assert!(count(&|d| d.text.contains("![]() |\n---|")) > 0.1);
        assert!(count(&|d| d.text.contains("COPYRIGHT © ANTARA")) > 0.2);
        let mean = docs.iter().map(|d| d.text.len()).sum::<usize>() as f64 / n as f64;
        assert!((1500.0..8000.0).contains(&mean), "mean length {mean}");
    }

    #[test]
    fn same_page_copies_repeat_their_original_text() {
        let c = composer(11);
        let i = (1..5000)
            .find(|&i| matches!(c.origin(i), Origin::SamePage { .. }))
            .expect("a copy");
        let Origin::SamePage { of } = c.origin(i) else {
            unreachable!()
        };
        let mut root = of;
        while let Origin::Syndicated { of } | Origin::SamePage { of } = c.origin(root) {
            root = of;
        }
        let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(squash(&c.article(i).text), squash(&c.article(root).text));
    }

    /// Word bigrams of an article body, taken inside each paragraph as ingest's syndication
    /// shingles are (lowercased; words = runs of letters and digits).
    fn shingles(paragraphs: &[String]) -> std::collections::HashSet<(String, String)> {
        let mut out = std::collections::HashSet::new();
        for p in paragraphs {
            let lower = p.to_lowercase();
            let words: Vec<&str> = lower
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            out.extend(
                words
                    .windows(2)
                    .map(|w| (w[0].to_string(), w[1].to_string())),
            );
        }
        out
    }

    #[test]
    fn unrelated_articles_share_few_bigrams_and_copies_share_most() {
        // Before sentence recombination, phrase slots and clause splicing, 0.12% of unrelated
        // pairs had a Jaccard above 0.3 and 1.2% a containment above 0.35 (ingest's
        // threshold), so that a 20,000-article corpus clustered 98% of its articles.
        let c = composer(3);
        let n = 400u64;
        let bodies: Vec<_> = (0..n).map(|i| shingles(&c.body(i))).collect();
        let roots: Vec<u64> = (0..n).map(|i| c.original_of(i)).collect();
        let (mut unrelated, mut over_j, mut over_c, mut sum_c) = (0usize, 0usize, 0usize, 0.0);
        let mut copies = Vec::new();
        for i in 0..n as usize {
            for j in 0..i {
                let (a, b) = (&bodies[i], &bodies[j]);
                let shared = a.intersection(b).count() as f64;
                let jaccard = shared / ((a.len() + b.len()) as f64 - shared).max(1.0);
                let contained = shared / a.len().min(b.len()).max(1) as f64;
                if roots[i] == roots[j] {
                    copies.push(contained);
                    continue;
                }
                unrelated += 1;
                sum_c += contained;
                over_j += usize::from(jaccard > 0.3);
                over_c += usize::from(contained > 0.35);
            }
        }
        let mean_c = sum_c / unrelated as f64;
        assert_eq!(over_j, 0, "unrelated pairs with Jaccard > 0.3");
        assert!(
            (over_c as f64) < 0.0005 * unrelated as f64,
            "{over_c} of {unrelated} unrelated pairs contained > 0.35"
        );
        // Same-topic articles still share the vocabulary of the domain.
        assert!(
            (0.03..0.10).contains(&mean_c),
            "mean containment {mean_c:.3}"
        );
        assert!(copies.len() >= 10, "{} copies", copies.len());
        assert!(
            copies.iter().all(|&x| x > 0.8),
            "copies contained {copies:?}"
        );
    }

    #[test]
    fn refuses_output_inside_the_repository() {
        let err = check_out(&repo().join("benches/tmp-out"), &repo().join("corpus"));
        assert!(matches!(err, Err(GenError::InsideRepo { .. })), "{err:?}");
        assert!(check_out(
            &std::env::temp_dir().join("warta-gen-x"),
            &repo().join("corpus")
        )
        .is_ok());
    }

    #[test]
    fn writes_every_format() {
        let dir = tempfile::tempdir().expect("tempdir");
        let opts = GenOptions {
            from: repo().join("corpus"),
            gazetteer: repo().join("crates/gazetteer/data"),
            out: dir.path().to_path_buf(),
            articles: 1500,
            formats: vec![Format::Txt, Format::Jsonl, Format::JsonlGz],
            seed: 1,
            threads: 2,
            gzip_level: 1,
        };
        let m = generate(&opts).expect("generate");
        assert_eq!(m.originals + m.syndicated + m.same_page, 1500);
        let lines = std::fs::read_to_string(dir.path().join("corpus.jsonl")).expect("jsonl");
        assert_eq!(lines.lines().count(), 1500);
        let first: serde_json::Value =
            serde_json::from_str(lines.lines().next().expect("a line")).expect("json");
        assert_eq!(first["id"], "w00000000");
        let text_bytes: u64 = lines
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).expect("json")["text"]
                    .as_str()
                    .expect("text")
                    .len() as u64
            })
            .sum();
        assert_eq!(text_bytes, m.text_bytes);
        assert!(dir.path().join("txt/00001/w00001499.txt").is_file());
        assert_eq!(
            std::fs::read_dir(dir.path().join("txt/00000"))
                .expect("dir")
                .count(),
            1000
        );
        let mut gz = String::new();
        std::io::Read::read_to_string(
            &mut flate2::read::GzDecoder::new(
                File::open(dir.path().join("corpus.jsonl.gz")).expect("gz"),
            ),
            &mut gz,
        )
        .expect("gunzip");
        assert_eq!(gz, lines);
    }
}
