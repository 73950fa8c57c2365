//! End-to-end tests of the `warta` binary, each in its own temporary folder.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn warta(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_warta"))
        .args(args)
        .current_dir(repo())
        .env("CI", "1")
        .output()
        .expect("warta runs")
}

/// Runs warta and checks that it succeeded, showing its stderr when it did not.
fn warta_ok(args: &[&str]) -> Output {
    let o = warta(args);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", text(&o.stderr));
    o
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn jsonl(path: &Path) -> Vec<serde_json::Value> {
    fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(|l| serde_json::from_str(l).expect("valid JSON line"))
        .collect()
}

#[test]
fn ingest_keeps_every_body_paragraph_of_the_seeds_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    warta_ok(&["ingest", "corpus/seeds", "-o", out]);
    let articles = jsonl(&dir.path().join("articles.jsonl"));
    assert_eq!(articles.len(), 5);
    let by_id = |id: &str| articles.iter().find(|a| a["id"] == id).unwrap().clone();
    let raw = fs::read_to_string(repo().join("corpus/seeds/000_5a24b41387be2e2a.txt")).unwrap();
    let body: Vec<&str> = raw.lines().take(10).collect();
    let kept: Vec<String> = by_id("000_5a24b41387be2e2a")["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["text"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        kept, body,
        "seed 000 keeps its ten body paragraphs once each and nothing else"
    );
    let kept_002 = by_id("002_3829e69f362b1223")["paragraphs"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(kept_002, 11);
    let report: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("ingest-report.json")).unwrap())
            .unwrap();
    assert_eq!(report["ingest"]["articles"], 5);
    assert!(report["ingest"]["skipped"].as_array().unwrap().is_empty());
}

#[test]
fn hostile_inputs_are_each_reported_and_the_exit_code_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    fs::create_dir(&inp).unwrap();
    fs::write(
        inp.join("good.txt"),
        "Sintang - ASN di Kabupaten Sintang berikrar netral pada Pilkada 2020.\n",
    )
    .unwrap();
    fs::write(inp.join("latin1.txt"), b"Bupati \xe9\xe9 netral\n").unwrap();
    fs::write(inp.join("empty.txt"), b"").unwrap();
    fs::write(inp.join("binary.txt"), b"\x00\x01\x02ELF\x00").unwrap();
    fs::write(
        inp.join("feed.jsonl"),
        "{\"id\":\"a\",\"text\":\"Pj Bupati Barsel hadir.\"}\n{not json\n{\"id\":\"c\",\"text\":\"Sekda Kalbar hadir.\"}\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = warta(&[
        "ingest",
        inp.to_str().unwrap(),
        dir.path().join("missing.txt").to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(3),
        "exit 3 when inputs were skipped; stderr: {}",
        text(&o.stderr)
    );
    let report: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("ingest-report.json")).unwrap()).unwrap();
    let skipped = report["ingest"]["skipped"].as_array().unwrap();
    let reasons: Vec<(String, String)> = skipped
        .iter()
        .map(|s| {
            (
                s["path"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string(),
                s["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for (file, reason) in [
        ("latin1.txt", "invalid_utf8"),
        ("empty.txt", "empty"),
        ("binary.txt", "binary"),
        ("feed.jsonl", "malformed_json"),
        ("missing.txt", "not_found"),
    ] {
        assert!(
            reasons.contains(&(file.to_string(), reason.to_string())),
            "{file} {reason} in {reasons:?}"
        );
    }
    let bad_line = skipped
        .iter()
        .find(|s| s["reason"] == "malformed_json")
        .unwrap();
    assert_eq!(bad_line["line"], 2);
    // The good inputs went through: good.txt and two of the three JSON lines.
    assert_eq!(jsonl(&out.join("articles.jsonl")).len(), 3);
    assert!(
        text(&o.stderr).contains("feed.jsonl:2"),
        "stderr names file and line: {}",
        text(&o.stderr)
    );
}

#[test]
fn run_writes_tables_and_query_answers_from_them() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let o = warta_ok(&["run", "corpus/seeds", "-o", out]);
    let stdout = text(&o.stdout);
    assert!(
        stdout.contains("Kalimantan Barat"),
        "summary table printed: {stdout}"
    );

    let q = warta_ok(&[
        "query",
        "--dir",
        out,
        "--format",
        "csv",
        "SELECT province, cycle, SUM(pledgers) AS pledgers FROM activity_by_region_cycle GROUP BY 1, 2 ORDER BY 1, 2",
    ]);
    let csv = text(&q.stdout);
    assert!(
        csv.lines()
            .any(|l| l.starts_with("Kalimantan Barat,Pemilu 2024,2500")),
        "{csv}"
    );
    assert!(
        csv.lines()
            .any(|l| l.starts_with("Kalimantan Barat,Pilkada 2020,30")),
        "{csv}"
    );

    // The aggregates' own SQL files, which start with a comment, run as given on the
    // command line or from the file, and give the aggregate the run wrote.
    let sql_path = "crates/analytics/sql/province_cycle_summary.sql";
    let sql = fs::read_to_string(repo().join(sql_path)).unwrap();
    let written = warta_ok(&[
        "query",
        "--dir",
        out,
        "--format",
        "csv",
        "SELECT * FROM province_cycle_summary ORDER BY province_code NULLS LAST, cycle",
    ]);
    for from_file in [false, true] {
        let args: Vec<&str> = if from_file {
            vec!["query", "--dir", out, "--format", "csv", "--file", sql_path]
        } else {
            vec!["query", "--dir", out, "--format", "csv", &sql]
        };
        let again = warta_ok(&args);
        assert!(text(&again.stdout).contains("Kalimantan Barat"));
        assert_eq!(
            text(&again.stdout),
            text(&written.stdout),
            "from file: {from_file}"
        );
    }
    let missing = warta(&["query", "--dir", out, "--file", "no/such.sql"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        text(&missing.stderr).contains("no/such.sql"),
        "{}",
        text(&missing.stderr)
    );

    let bad = warta(&["query", "--dir", out, "SELECT nope FROM no_such_table"]);
    assert_eq!(bad.status.code(), Some(1));
    let err = text(&bad.stderr);
    assert!(
        err.contains("no_such_table") && err.contains("activity_by_region_cycle"),
        "{err}"
    );

    let schema = warta(&["query", "--dir", out, "--schema"]);
    assert_eq!(schema.status.code(), Some(0));
    assert!(text(&schema.stdout).contains("province_cycle_summary"));
}

/// The aggregates are computed while the rows stream through the tables; each one's SQL file,
/// run over the fact tables of the same run, gives the same rows in the same order.
#[test]
fn every_aggregate_equals_its_sql_over_the_fact_tables() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    warta_ok(&["run", "corpus", "-o", out, "--quiet"]);
    for name in [
        "activity_by_region_cycle",
        "instruments_by_cycle",
        "officials_by_region",
        "activity_by_month",
        "province_cycle_summary",
    ] {
        let sql_path = format!("crates/analytics/sql/{name}.sql");
        let by_sql = warta_ok(&[
            "query", "--dir", out, "--format", "csv", "--file", &sql_path,
        ]);
        let select = format!("SELECT * FROM {name}");
        let written = warta_ok(&["query", "--dir", out, "--format", "csv", &select]);
        let (by_sql, written) = (text(&by_sql.stdout), text(&written.stdout));
        assert!(by_sql.lines().count() > 2, "{name} has rows: {by_sql}");
        if by_sql != written {
            let diff: Vec<String> = by_sql
                .lines()
                .zip(written.lines())
                .enumerate()
                .filter(|(_, (a, b))| a != b)
                .take(5)
                .map(|(i, (a, b))| format!("line {}:\n  sql: {a}\n  run: {b}", i + 1))
                .collect();
            panic!(
                "{name}: the run wrote {} lines, its SQL gives {}; first differences:\n{}",
                written.lines().count(),
                by_sql.lines().count(),
                diff.join("\n")
            );
        }
    }
}

#[test]
fn run_summary_as_json_for_scripts() {
    let dir = tempfile::tempdir().unwrap();
    let o = warta_ok(&[
        "run",
        "corpus/seeds",
        "-o",
        dir.path().to_str().unwrap(),
        "--format",
        "json",
    ]);
    let v: serde_json::Value =
        serde_json::from_slice(&o.stdout).expect("stdout is one JSON document");
    assert_eq!(v["ingest"]["articles"], 5);
    assert!(v["mentions"]["official"].as_u64().unwrap() >= 16);
}

#[test]
fn eval_prints_f1_per_kind_on_the_fixtures() {
    let o = warta_ok(&["eval", "--gold", "fixtures/extract", "corpus"]);
    let table = text(&o.stdout);
    for kind in [
        "official",
        "region",
        "date",
        "count",
        "legal_instrument",
        "election_cycle",
        "activity",
    ] {
        assert!(table.contains(kind), "{kind} row in {table}");
    }
}

#[test]
fn usage_errors_exit_2() {
    let o = warta(&["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_closed_stdout_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_warta"))
        .args(["run", "corpus/seeds", "-o", dir.path().to_str().unwrap()])
        .current_dir(repo())
        .env("CI", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Close the reading end at once, as `warta run | head -0` would.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = text(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}

#[test]
fn extract_writes_facts_per_article_and_mentions_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain");
    warta_ok(&["extract", "corpus", "-o", plain.to_str().unwrap()]);
    let articles = jsonl(&plain.join("articles.jsonl"));
    let facts = jsonl(&plain.join("facts.jsonl"));
    assert!(articles.len() >= 40, "{}", articles.len());
    assert_eq!(articles.len(), facts.len(), "one facts line per article");
    assert!(!plain.join("mentions.jsonl").exists());
    assert!(!plain.join("officials.jsonl").exists());

    let full = dir.path().join("full");
    warta_ok(&[
        "extract",
        "corpus",
        "--mentions",
        "-o",
        full.to_str().unwrap(),
    ]);
    let in_facts: usize = jsonl(&full.join("facts.jsonl"))
        .iter()
        .map(|f| f["mentions"].as_array().unwrap().len())
        .sum();
    let mentions = jsonl(&full.join("mentions.jsonl"));
    assert_eq!(mentions.len(), in_facts);
    let per_kind: usize = [
        "officials",
        "regions",
        "dates",
        "counts",
        "instruments",
        "cycles",
        "activities",
    ]
    .iter()
    .map(|k| jsonl(&full.join(format!("{k}.jsonl"))).len())
    .sum();
    assert_eq!(per_kind, in_facts);
    // Lines come in input order: the first mention belongs to the first article with one.
    let first_with_mentions = jsonl(&full.join("facts.jsonl"))
        .iter()
        .position(|f| !f["mentions"].as_array().unwrap().is_empty())
        .unwrap();
    assert_eq!(
        mentions[0]["article_id"],
        jsonl(&full.join("articles.jsonl"))[first_with_mentions]["id"]
    );
}

#[test]
fn run_writes_jsonl_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let tables_only = dir.path().join("t");
    warta_ok(&["run", "corpus/seeds", "-o", tables_only.to_str().unwrap()]);
    assert!(tables_only.join("officials.parquet").exists());
    assert!(!tables_only.join("articles.jsonl").exists());
    // Fact tables are Parquet only unless asked; aggregates are CSV too.
    assert!(!tables_only.join("officials.csv").exists());
    assert!(tables_only.join("province_cycle_summary.csv").exists());

    let with_jsonl = dir.path().join("j");
    warta_ok(&[
        "run",
        "corpus/seeds",
        "--jsonl",
        "-o",
        with_jsonl.to_str().unwrap(),
    ]);
    assert_eq!(jsonl(&with_jsonl.join("articles.jsonl")).len(), 5);
    assert_eq!(jsonl(&with_jsonl.join("facts.jsonl")).len(), 5);

    let with_csv = dir.path().join("c");
    warta_ok(&[
        "run",
        "corpus/seeds",
        "--fact-csv",
        "-o",
        with_csv.to_str().unwrap(),
    ]);
    let officials = std::fs::read_to_string(with_csv.join("officials.csv")).unwrap();
    assert!(officials.starts_with("article_id,"), "{officials}");
    assert!(officials.lines().count() > 16, "{officials}");
}
