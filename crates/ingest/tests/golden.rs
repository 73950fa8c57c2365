//! Golden test: every input under `corpus/` is ingested and compared with its expected
//! article in `fixtures/ingest/<id>.json`. `WARTA_BLESS=1` rewrites the fixtures.

use std::path::{Path, PathBuf};

use similar::TextDiff;
use warta_core::Article;
use warta_ingest::{discover, ingest, IngestOptions};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repo root")
}

/// File name of an article's fixture: the id with path separators made safe.
pub fn fixture_name(id: &str) -> String {
    let safe: String = id
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{safe}.json")
}

#[test]
fn corpus_matches_fixtures() {
    let root = root();
    let (files, skipped) = discover(&[root.join("corpus")]);
    assert!(skipped.is_empty(), "discover skipped: {skipped:?}");
    assert!(!files.is_empty(), "no corpus files");
    let mut articles: Vec<Article> = Vec::new();
    let report = ingest(
        &files,
        &IngestOptions::default(),
        |_| {},
        |batch| {
            articles.extend(batch);
            Ok(())
        },
    )
    .expect("ingest");
    assert!(
        report.skipped.is_empty(),
        "ingest skipped: {:?}",
        report.skipped
    );

    let prefix = format!("{}/", root.display());
    let fixtures = root.join("fixtures/ingest");
    let bless = std::env::var("WARTA_BLESS").is_ok_and(|v| v == "1");
    let mut failures = Vec::new();
    for mut a in articles {
        if let Some(rel) = a.provenance.path.strip_prefix(&prefix) {
            a.provenance.path = rel.to_string();
        }
        let got = serde_json::to_string_pretty(&a).expect("serialise") + "\n";
        let path = fixtures.join(fixture_name(&a.id));
        if bless {
            std::fs::write(&path, &got).expect("write fixture");
            continue;
        }
        let want = match std::fs::read_to_string(&path) {
            Ok(w) => w,
            Err(e) => {
                failures.push(format!(
                    "{}: no fixture ({e}); run with WARTA_BLESS=1 and check it by hand",
                    path.display()
                ));
                continue;
            }
        };
        if want != got {
            let diff = TextDiff::from_lines(&want, &got);
            failures.push(format!(
                "{} differs (- fixture, + now):\n{}",
                path.display(),
                diff.unified_diff()
                    .context_radius(2)
                    .header("fixture", "now")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
