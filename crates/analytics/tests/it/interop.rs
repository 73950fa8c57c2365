//! The aggregate SQL files give the same results in DuckDB as in polars.
//!
//! Runs `tests/interop/check_duckdb.py` over a run's output. Needs `python3` with the `duckdb`
//! module (`pip install duckdb`): when it is missing the test fails if the environment
//! variable `CI` is set, and otherwise prints a loud note and checks nothing.

use std::path::Path;
use std::process::Command;

use warta_analytics::TableSink;
use warta_core::*;

use crate::fixture::{self, activity, article, mention};

fn duckdb_available() -> bool {
    Command::new("python3")
        .args(["-c", "import duckdb"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

#[test]
fn duckdb_runs_the_same_sql_to_the_same_numbers() {
    if !duckdb_available() {
        let msg = "python3 with the duckdb module is needed for the interop test: \
                   run `pip install duckdb`";
        if std::env::var_os("CI").is_some() {
            panic!("{msg}");
        }
        eprintln!("\n*** SKIPPED duckdb_runs_the_same_sql_to_the_same_numbers: {msg} ***\n");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut sink = TableSink::create(dir.path()).unwrap();
    for (a, f) in fixture::corpus() {
        sink.push(&a, &f).unwrap();
    }
    // An article with no region, no cycle, and a month-only publication date: null group
    // keys and the empty cycle must group and compare alike in both engines.
    let mut a5 = article("a5", None, PartialDate::month(2024, 3));
    a5.title = None;
    let f5 = ArticleFacts {
        article_id: "a5".into(),
        mentions: vec![
            mention(
                activity(
                    ActivityType::Monitoring,
                    None,
                    None,
                    Some((12.0, CountRole::Violations)),
                    None,
                ),
                "pengawasan",
            ),
            mention(
                activity(ActivityType::Appeal, None, None, None, None),
                "imbauan",
            ),
        ],
        ..Default::default()
    };
    sink.push(&a5, &f5).unwrap();
    sink.finish().unwrap();

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/check_duckdb.py");
    let out = Command::new("python3")
        .arg(&script)
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "check_duckdb.py failed:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("DuckDB agrees with warta on 5 aggregates"),
        "{stdout}"
    );

    // The checker itself catches a difference: change one number in warta's CSV.
    let csv = dir.path().join("province_cycle_summary.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.contains(",3000.0,"), "{text}");
    std::fs::write(&csv, text.replace(",3000.0,", ",3001.0,")).unwrap();
    let out = Command::new("python3")
        .arg(&script)
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("province_cycle_summary.csv: row differs"),
        "{stderr}"
    );
}
