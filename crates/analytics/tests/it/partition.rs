//! The aggregates come out the same however the run is cut into partitions, and the same as
//! their SQL over the fact tables.

use polars::prelude::*;
use warta_analytics::{query, TableSink, AGGREGATES};

use crate::fixture;

/// A run of the fixture corpus, cut into partitions of `partition_rows` (the default bound
/// when none), in a folder of its own.
fn fixture_run(partition_rows: Option<usize>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut sink = TableSink::create(dir.path()).unwrap();
    if let Some(rows) = partition_rows {
        sink = sink.with_partition_rows(rows);
    }
    for (a, f) in fixture::corpus() {
        sink.push(&a, &f).unwrap();
    }
    sink.finish().unwrap();
    dir
}

/// Every aggregate of a run, as its file holds it. Each aggregate's ORDER BY covers all its
/// group keys (`level` follows from `region_code`), so the order of the rows is determined too.
fn aggregates(partition_rows: Option<usize>) -> Vec<(String, DataFrame)> {
    let dir = fixture_run(partition_rows);
    AGGREGATES
        .iter()
        .map(|(name, _)| {
            let df = query(dir.path(), &format!("SELECT * FROM {name}")).unwrap();
            (name.to_string(), df)
        })
        .collect()
}

#[test]
fn partitioned_aggregates_equal_whole_ones() {
    let whole = aggregates(None);
    assert!(
        whole.iter().all(|(_, df)| df.height() > 0),
        "the fixture fills every aggregate"
    );
    // One article per partition, and a few articles per partition.
    for rows in [1, 7] {
        let parts = aggregates(Some(rows));
        for ((name, a), (_, b)) in whole.iter().zip(&parts) {
            assert_eq!(
                a.schema(),
                b.schema(),
                "{name} schema, partition rows {rows}"
            );
            assert!(
                a.equals_missing(b),
                "{name} with partition rows {rows}:\nwhole\n{a}\npartitioned\n{b}"
            );
        }
    }
}

/// The aggregates are folded while the rows stream (`officials_by_region` a partition at a
/// time, merged at the end); their `.sql` files, run over the fact tables the same run wrote,
/// give the same frames, row for row and in the same order.
#[test]
fn streamed_aggregates_equal_their_sql_over_the_fact_tables() {
    for rows in [None, Some(1), Some(7)] {
        let dir = fixture_run(rows);
        for (name, sql) in AGGREGATES {
            let want = query(dir.path(), sql).unwrap();
            let got = query(dir.path(), &format!("SELECT * FROM {name}")).unwrap();
            assert!(want.height() > 0, "{name}: the fixture fills it");
            assert_eq!(
                want.schema(),
                got.schema(),
                "{name} schema, partition rows {rows:?}"
            );
            assert!(
                want.equals_missing(&got),
                "{name}, partition rows {rows:?}:\nits SQL gives\n{want}\nthe run wrote\n{got}"
            );
        }
    }
}

/// Every fact table of a run and the entries left in its folder.
fn fact_tables(
    partition_rows: usize,
    chunk_rows: usize,
) -> (Vec<(String, DataFrame)>, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let mut sink = TableSink::create(dir.path())
        .unwrap()
        .with_partition_rows(partition_rows)
        .with_chunk_rows(chunk_rows);
    for (a, f) in fixture::corpus() {
        sink.push(&a, &f).unwrap();
    }
    let run = sink.finish().unwrap();
    let tables = run
        .tables
        .iter()
        .filter(|t| !AGGREGATES.iter().any(|(name, _)| *name == t.name))
        .map(|t| {
            let df = query(dir.path(), &format!("SELECT * FROM {}", t.name)).unwrap();
            assert_eq!(df.height(), t.rows, "{} rows", t.name);
            (t.name.clone(), df)
        })
        .collect();
    let mut entries: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    entries.sort();
    (tables, entries)
}

#[test]
fn fact_tables_come_out_whole_and_in_order_however_often_parts_are_cut() {
    // One part per table for the whole run, against a part cut after every article with
    // chunks of two rows inside each part.
    let (whole, whole_entries) = fact_tables(usize::MAX, 16_384);
    let (cut, cut_entries) = fact_tables(1, 2);
    assert!(whole.len() >= 8, "every fact table is listed");
    assert!(
        whole.iter().any(|(_, df)| df.height() > 3),
        "some table spans several parts"
    );
    for ((name, a), (_, b)) in whole.iter().zip(&cut) {
        assert!(
            a.equals_missing(b),
            "{name}:\none part\n{a}\ncut parts\n{b}"
        );
    }
    // The parts and the temporary folder are gone: only the tables are left.
    assert_eq!(whole_entries, cut_entries);
    assert!(
        cut_entries
            .iter()
            .all(|e| e.ends_with(".parquet") || e.ends_with(".csv")),
        "{cut_entries:?}"
    );
}

#[test]
fn a_run_without_articles_leaves_every_table_empty_with_its_columns() {
    let dir = tempfile::tempdir().unwrap();
    let run = TableSink::create(dir.path()).unwrap().finish().unwrap();
    assert_eq!(run.tables.len(), 8 + AGGREGATES.len());
    for t in &run.tables {
        assert_eq!(t.rows, 0, "{}", t.name);
        let df = query(dir.path(), &format!("SELECT * FROM {}", t.name)).unwrap();
        assert_eq!(df.height(), 0, "{}", t.name);
        assert!(df.width() > 0, "{} keeps its columns", t.name);
    }
}

#[test]
fn filtered_queries_over_joined_parts_see_every_matching_row() {
    // Parts cut after every article, two rows to a row group: the joined files carry each
    // part's pages and statistics as they were written, and a filter that skips row groups by
    // their statistics must still find every row it asks for.
    let dir = tempfile::tempdir().unwrap();
    let mut sink = TableSink::create(dir.path())
        .unwrap()
        .with_partition_rows(1)
        .with_chunk_rows(2);
    for (a, f) in fixture::corpus() {
        sink.push(&a, &f).unwrap();
    }
    sink.finish().unwrap();
    let mut checked = 0;
    for table in ["officials", "regions", "dates", "counts", "activities"] {
        let all = query(dir.path(), &format!("SELECT * FROM {table}")).unwrap();
        let paragraphs = all.column("paragraph").unwrap().i64().unwrap().clone();
        let max = paragraphs.max().unwrap_or(0);
        for at in 0..=max {
            let want = paragraphs.iter().filter(|p| *p == Some(at)).count();
            let got = query(
                dir.path(),
                &format!("SELECT * FROM {table} WHERE paragraph = {at}"),
            )
            .unwrap();
            assert_eq!(got.height(), want, "{table} WHERE paragraph = {at}");
            checked += want;
        }
        let ids = all.column("article_id").unwrap().str().unwrap().clone();
        for id in ids.iter().flatten().take(3) {
            let want = ids.iter().filter(|x| *x == Some(id)).count();
            let got = query(
                dir.path(),
                &format!("SELECT * FROM {table} WHERE article_id = '{id}'"),
            )
            .unwrap();
            assert_eq!(got.height(), want, "{table} WHERE article_id = '{id}'");
        }
    }
    assert!(checked > 20, "the filters matched rows: {checked}");
}
