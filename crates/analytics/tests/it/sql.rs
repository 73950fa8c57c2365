//! Ad hoc SQL over a finished run: good, bad, unknown table, empty result, and the schema.

use warta_analytics::{format_frame, query, schema, AnalyticsError, OutputFormat};

use crate::{num_at, write_fixture};

#[test]
fn good_query_joins_tables() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path());
    let df = query(
        dir.path(),
        "SELECT a.outlet, COUNT(*) AS n FROM activities AS x \
         INNER JOIN articles AS a ON x.article_id = a.article_id \
         WHERE x.cluster_representative = TRUE GROUP BY a.outlet",
    )
    .unwrap();
    assert_eq!(df.height(), 1);
    assert_eq!(num_at(&df, "n", 0), 8.0);
}

#[test]
fn bad_query_says_what_polars_said_and_lists_tables() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path());
    let err = query(dir.path(), "SELEC * FROM articles").unwrap_err();
    assert!(matches!(err, AnalyticsError::Sql { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.starts_with("SQL error: "), "{msg}");
    assert!(msg.contains("SELEC"), "{msg}");
    assert!(
        msg.contains("activities") && msg.contains("province_cycle_summary"),
        "{msg}"
    );

    let err = query(dir.path(), "SELECT no_such_column FROM articles").unwrap_err();
    assert!(matches!(err, AnalyticsError::Sql { .. }), "{err:?}");
    assert!(err.to_string().contains("no_such_column"), "{err}");
}

#[test]
fn unknown_table_is_named_with_tables_and_columns() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path());
    let err = query(dir.path(), "SELECT * FROM pledges").unwrap_err();
    let msg = err.to_string();
    assert!(
        matches!(err, AnalyticsError::UnknownTable { ref name, .. } if name == "pledges"),
        "{msg}"
    );
    assert!(msg.contains("unknown table `pledges`"), "{msg}");
    assert!(msg.contains("activities(article_id VARCHAR"), "{msg}");
    assert!(msg.contains("count DOUBLE"), "{msg}");
}

#[test]
fn empty_result_keeps_columns() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path());
    let mut df = query(
        dir.path(),
        "SELECT article_id, title FROM articles WHERE outlet = 'none'",
    )
    .unwrap();
    assert_eq!(df.height(), 0);
    assert_eq!(df.width(), 2);
    let table = format_frame(&mut df, OutputFormat::Table).unwrap();
    assert!(table.starts_with("article_id  title\n"), "{table}");
    assert!(table.ends_with("(0 rows)\n"), "{table}");
    assert_eq!(
        format_frame(&mut df, OutputFormat::Csv).unwrap(),
        "article_id,title\n"
    );
    assert_eq!(format_frame(&mut df, OutputFormat::Json).unwrap(), "[]\n");
}

#[test]
fn missing_dir_says_to_run_first() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope");
    let err = query(&missing, "SELECT 1").unwrap_err();
    assert!(err.to_string().contains("run `warta run` first"), "{err}");
    assert!(schema(&missing).is_err());
    // An existing directory without tables says the same.
    let err = query(dir.path(), "SELECT 1").unwrap_err();
    assert!(matches!(err, AnalyticsError::NoTables { .. }), "{err:?}");
}

#[test]
fn schema_lists_every_table_with_types() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path());
    let s = schema(dir.path()).unwrap();
    let names: Vec<&str> = s.iter().map(|(n, _)| n.as_str()).collect();
    for t in [
        "activities",
        "activity_by_month",
        "activity_by_region_cycle",
        "article_cycles",
        "articles",
        "counts",
        "dates",
        "instruments",
        "instruments_by_cycle",
        "officials",
        "officials_by_region",
        "province_cycle_summary",
        "regions",
    ] {
        assert!(names.contains(&t), "{t} missing from {names:?}");
    }
    let summary = &s
        .iter()
        .find(|(n, _)| n == "province_cycle_summary")
        .unwrap()
        .1;
    let cols: Vec<(&str, &str)> = summary
        .iter()
        .map(|(c, t)| (c.as_str(), t.as_str()))
        .collect();
    assert_eq!(
        cols,
        [
            ("province_code", "VARCHAR"),
            ("province", "VARCHAR"),
            ("cycle", "VARCHAR"),
            ("articles", "BIGINT"),
            ("pledge_events", "BIGINT"),
            ("pledgers", "DOUBLE"),
            ("pledge_events_counted", "BIGINT"),
            ("violation_events", "BIGINT"),
            ("violations", "DOUBLE"),
            ("sanction_events", "BIGINT"),
            ("sanctions", "DOUBLE"),
        ]
    );
}

#[test]
fn formats_render_values() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path());
    let mut df = query(
        dir.path(),
        "SELECT province_code, cycle, pledgers FROM province_cycle_summary ORDER BY province_code, cycle",
    )
    .unwrap();
    let table = format_frame(&mut df, OutputFormat::Table).unwrap();
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines[0], "province_code  cycle         pledgers");
    assert_eq!(lines[2], "61             Pemilu 2024       3000");
    let csv = format_frame(&mut df, OutputFormat::Csv).unwrap();
    assert_eq!(csv.lines().nth(1), Some("61,Pemilu 2024,3000.0"));
    let json: serde_json::Value =
        serde_json::from_str(&format_frame(&mut df, OutputFormat::Json).unwrap()).unwrap();
    assert_eq!(json[0]["cycle"], "Pemilu 2024");
    assert_eq!(json[0]["pledgers"], 3000.0);
}
