//! `warta-gen`: writes a synthetic corpus of news articles for benchmarks.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use warta_benches::gen::{generate, Format, GenOptions};

/// Generate a realistic corpus of N articles from the bundled real ones.
#[derive(Parser, Debug)]
#[command(name = "warta-gen", version)]
struct Args {
    /// Folder of real `.txt` articles to recombine (searched recursively), e.g. `corpus`.
    #[arg(long, default_value = "corpus")]
    from: PathBuf,
    /// Output folder (must be outside the repository).
    #[arg(long)]
    out: PathBuf,
    /// Number of articles.
    #[arg(long, default_value_t = 10_000)]
    articles: u64,
    /// Output formats, comma-separated: txt, jsonl, jsonl.gz.
    #[arg(long, default_value = "jsonl")]
    format: String,
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Folder with regions.csv and aliases.csv [default: crates/gazetteer/data next to --from].
    #[arg(long)]
    gazetteer: Option<PathBuf>,
    /// Worker threads (0 = all cores).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// gzip level for jsonl.gz.
    #[arg(long, default_value_t = 1)]
    gzip_level: u32,
}

fn gazetteer_near(from: &Path) -> Option<PathBuf> {
    let from = std::fs::canonicalize(from).ok()?;
    from.ancestors()
        .map(|a| a.join("crates/gazetteer/data"))
        .find(|d| d.join("regions.csv").is_file())
}

fn run() -> anyhow::Result<ExitCode> {
    let args = Args::parse();
    let formats = args
        .format
        .split(',')
        .map(Format::parse)
        .collect::<Result<Vec<_>, _>>()?;
    let gazetteer = match args.gazetteer {
        Some(g) => g,
        None => gazetteer_near(&args.from)
            .context("cannot find crates/gazetteer/data above --from; pass --gazetteer")?,
    };
    let opts = GenOptions {
        from: args.from,
        gazetteer,
        out: args.out,
        articles: args.articles,
        formats,
        seed: args.seed,
        threads: args.threads,
        gzip_level: args.gzip_level,
    };
    let m = generate(&opts).with_context(|| format!("generating into {}", opts.out.display()))?;
    eprintln!(
        "warta-gen: {} articles, {:.1} MB of text ({} syndicated, {} same-page copies of {} originals: planted clusters cover {} articles; {} repeated bodies) in {:.1}s -> {}",
        m.articles,
        m.text_bytes as f64 / 1e6,
        m.syndicated,
        m.same_page,
        m.copied_originals,
        m.syndicated + m.same_page + m.copied_originals,
        m.repeated_bodies,
        m.seconds,
        opts.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("warta-gen: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
