//! Integration tests of warta-analytics, one binary with a module per topic.

mod aggregates;
mod atomic;
mod fixture;
mod interop;
mod memory;
mod partition;
mod sql;

use std::path::Path;

use polars::prelude::*;
use warta_analytics::{RunTables, TableSink};

/// Writes the fixture corpus into `dir`.
pub fn write_fixture(dir: &Path) -> RunTables {
    let mut sink = TableSink::create(dir).expect("create sink");
    for (article, facts) in fixture::corpus() {
        sink.push(&article, &facts).expect("push");
    }
    sink.finish().expect("finish")
}

/// Reads a table the run wrote.
pub fn read(dir: &Path, table: &str) -> DataFrame {
    warta_analytics::query(dir, &format!("SELECT * FROM {table}")).expect("read table")
}

/// The one row of `df` whose string columns equal `keys`; panics with the frame otherwise.
pub fn row(df: &DataFrame, keys: &[(&str, &str)]) -> usize {
    let found: Vec<usize> = (0..df.height())
        .filter(|&i| {
            keys.iter()
                .all(|(c, v)| str_at(df, c, i).as_deref() == Some(*v))
        })
        .collect();
    assert_eq!(found.len(), 1, "rows matching {keys:?}: {found:?} in\n{df}");
    found[0]
}

pub fn str_at(df: &DataFrame, col: &str, i: usize) -> Option<String> {
    match df.column(col).expect(col).get(i).expect("row") {
        AnyValue::Null => None,
        AnyValue::String(s) => Some(s.to_string()),
        AnyValue::StringOwned(s) => Some(s.to_string()),
        other => Some(other.to_string()),
    }
}

pub fn num_at(df: &DataFrame, col: &str, i: usize) -> f64 {
    let v = df.column(col).expect(col).get(i).expect("row");
    v.extract::<f64>()
        .unwrap_or_else(|| panic!("{col} is not a number: {v:?}"))
}
