//! The aggregates come out the same whether finish reads the fact tables whole or one
//! partition of articles at a time.

use polars::prelude::*;
use warta_analytics::{query, TableSink, AGGREGATES};

use crate::fixture;

/// Every aggregate of a run, as its file holds it. Each aggregate's ORDER BY covers all its
/// group keys (`level` follows from `region_code`), so the order of the rows is determined too.
fn aggregates(partition_rows: Option<usize>) -> Vec<(String, DataFrame)> {
    let dir = tempfile::tempdir().unwrap();
    let mut sink = TableSink::create(dir.path()).unwrap();
    if let Some(rows) = partition_rows {
        sink = sink.with_partition_rows(rows);
    }
    for (a, f) in fixture::corpus() {
        sink.push(&a, &f).unwrap();
    }
    sink.finish().unwrap();
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
