//! `warta eval`: precision, recall and F1 per kind against hand-checked gold facts.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use warta_core::{Article, ArticleFacts};
use warta_ingest::IngestOptions;

use crate::args::{EvalArgs, SummaryFormat};
use crate::exit;
use crate::pipeline::default_inputs;

pub fn eval(args: &EvalArgs) -> Result<ExitCode> {
    let gold = warta_extract::eval::load_gold_dir(&args.gold)
        .with_context(|| format!("cannot read gold facts from {}", args.gold.display()))?;
    if gold.is_empty() {
        bail!("no gold files (*.json) in {}", args.gold.display());
    }
    let (articles, facts) = match &args.pred {
        Some(dir) => (
            read_jsonl::<Article>(&dir.join("articles.jsonl"))?,
            read_jsonl::<ArticleFacts>(&dir.join("facts.jsonl"))?,
        ),
        None => extract_inputs(args)?,
    };
    let report = warta_extract::eval::evaluate(&gold, &facts, &articles);
    match args.format {
        SummaryFormat::Json => crate::outln!("{}", serde_json::to_string_pretty(&report)?)?,
        SummaryFormat::Text => {
            crate::outln!("{}", report.table())?;
            if args.details {
                crate::outln!("{}", report.details())?;
            }
        }
    }
    if let Some(min) = args.min_f1 {
        if report.micro_f1() < min {
            eprintln!("micro F1 {:.3} is below --min-f1 {min}", report.micro_f1());
            return Ok(ExitCode::from(exit::BELOW_THRESHOLD));
        }
    }
    Ok(ExitCode::from(exit::OK))
}

/// Ingest and extract the inputs in memory (gold sets are small).
fn extract_inputs(args: &EvalArgs) -> Result<(Vec<Article>, Vec<ArticleFacts>)> {
    let inputs = if args.inputs.is_empty() {
        default_inputs()
    } else {
        args.inputs.clone()
    };
    let (files, skipped) = warta_ingest::discover(&inputs);
    for s in &skipped {
        eprintln!("skipped {}: {}", s.path, s.detail);
    }
    // Most of a small evaluation is compiling rules: the extraction rules compile on a
    // second thread while the inputs are read and cleaned.
    let (ingested, ()) = std::thread::scope(|s| {
        let prepared = s.spawn(warta_extract::prepare);
        let ingested = warta_ingest::ingest_all(&files, &IngestOptions::default());
        (ingested, prepared.join().unwrap_or(()))
    });
    let (articles, report) = ingested?;
    for s in &report.skipped {
        eprintln!("skipped {}: {}", s.path, s.detail);
    }
    let facts = articles.par_iter().map(warta_extract::extract).collect();
    Ok((articles, facts))
}

fn read_jsonl<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Vec<T>> {
    let file = File::open(path)
        .with_context(|| format!("cannot open {} (run `warta extract` first)", path.display()))?;
    let mut out = Vec::new();
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("{}:{}", path.display(), i + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        out.push(
            serde_json::from_str(&line)
                .with_context(|| format!("{}:{}: malformed record", path.display(), i + 1))?,
        );
    }
    Ok(out)
}
