//! Golden test: every input under `corpus/` is ingested and compared with its expected
//! article in `fixtures/ingest/<id>.json`. `WARTA_BLESS=1` rewrites the fixtures.

use std::path::{Path, PathBuf};

use similar::TextDiff;
use warta_core::Article;
use warta_ingest::{discover, ingest_all, IngestOptions};

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

fn ingest_corpus() -> Vec<Article> {
    let (files, skipped) = discover(&[root().join("corpus")]);
    assert!(skipped.is_empty(), "discover skipped: {skipped:?}");
    let (articles, _) = ingest_all(&files, &IngestOptions::default()).expect("ingest");
    articles
}

/// The syndication groups listed in corpus/README.md: each group is one cluster, and the
/// groups are apart.
#[test]
fn corpus_syndication_groups_are_found() {
    let groups: [&[&str]; 4] = [
        &[
            "pemkab_sikka_2024_apel_netralitas",
            "antara_ntt_2024_ikrar_maumere",
            "floresnews_2024_asn_sikka_netral",
        ],
        &[
            "pemkot_bogor_2018_ikrar_asn_balaikota",
            "tribunbogor_2018_netralitas_kota_bogor",
        ],
        &[
            "antara_sulsel_2024_bawaslu_gowa",
            "detiksulsel_2024_asn_gowa_langgar",
        ],
        &[
            "tribunjateng_2024_purbalingga_kades",
            "tribunjateng_amp_2024_purbalingga_kades",
        ],
    ];
    let articles = ingest_corpus();
    let cluster_of = |id: &str| -> String {
        let a = articles
            .iter()
            .find(|a| a.id == id)
            .unwrap_or_else(|| panic!("{id} not in corpus"));
        a.cluster
            .as_ref()
            .map(|c| c.id.clone())
            .unwrap_or_else(|| panic!("{id} has no cluster"))
    };
    let mut seen = Vec::new();
    for group in groups {
        let ids: Vec<String> = group.iter().map(|id| cluster_of(id)).collect();
        assert!(
            ids.iter().all(|c| *c == ids[0]),
            "{group:?} split over clusters {ids:?}"
        );
        assert!(
            !seen.contains(&ids[0]),
            "two groups share cluster {}",
            ids[0]
        );
        seen.push(ids[0].clone());
    }
    // The rest of the corpus is distinct stories: each its own cluster.
    let in_groups: Vec<&str> = groups.iter().flat_map(|g| g.iter().copied()).collect();
    for a in &articles {
        if !in_groups.contains(&a.id.as_str()) {
            let c = a
                .cluster
                .as_ref()
                .expect("every article with text has a cluster");
            assert!(
                !seen.contains(&c.id),
                "{} joined a syndication group ({})",
                a.id,
                c.id
            );
        }
    }
}

#[test]
fn corpus_matches_fixtures() {
    let root = root();
    let (files, skipped) = discover(&[root.join("corpus")]);
    assert!(skipped.is_empty(), "discover skipped: {skipped:?}");
    assert!(!files.is_empty(), "no corpus files");
    let (articles, report) = ingest_all(&files, &IngestOptions::default()).expect("ingest");
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
