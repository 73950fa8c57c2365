//! SQL over the tables: the aggregate definitions (`sql/*.sql`) and ad hoc queries.

use std::fs;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use polars::sql::{extract_table_identifiers, SQLContext};

use crate::{io_err, AnalyticsError};

pub(crate) const PROVINCE_CYCLE_SUMMARY: &str = "province_cycle_summary";

/// The aggregates, in the order they are computed: name and SQL text. Each runs unchanged in
/// polars SQL and in DuckDB (see `tests/interop/check_duckdb.py`).
pub const AGGREGATES: [(&str, &str); 5] = [
    (
        "activity_by_region_cycle",
        include_str!("../sql/activity_by_region_cycle.sql"),
    ),
    (
        "instruments_by_cycle",
        include_str!("../sql/instruments_by_cycle.sql"),
    ),
    (
        "officials_by_region",
        include_str!("../sql/officials_by_region.sql"),
    ),
    (
        "activity_by_month",
        include_str!("../sql/activity_by_month.sql"),
    ),
    (
        PROVINCE_CYCLE_SUMMARY,
        include_str!("../sql/province_cycle_summary.sql"),
    ),
];

/// The Parquet tables in `dir`, by name (file stem), sorted by name.
fn parquet_tables(dir: &Path) -> Result<Vec<(String, PathBuf)>, AnalyticsError> {
    if !dir.is_dir() {
        return Err(AnalyticsError::NoTables {
            dir: dir.to_path_buf(),
        });
    }
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| io_err(dir, e))? {
        let path = entry.map_err(|e| io_err(dir, e))?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("parquet") {
            continue;
        }
        if let Some(stem) = path.file_stem().and_then(|s| s.to_str()) {
            out.push((stem.to_string(), path.clone()));
        }
    }
    if out.is_empty() {
        return Err(AnalyticsError::NoTables {
            dir: dir.to_path_buf(),
        });
    }
    out.sort();
    Ok(out)
}

fn scan(path: &Path) -> Result<LazyFrame, AnalyticsError> {
    let p = PlRefPath::try_from_path(path)?;
    Ok(LazyFrame::scan_parquet(p, ScanArgsParquet::default())?)
}

/// A context with every Parquet table of `dir` registered by name.
fn context(dir: &Path) -> Result<(SQLContext, Vec<(String, PathBuf)>), AnalyticsError> {
    let tables = parquet_tables(dir)?;
    let ctx = SQLContext::new();
    for (name, path) in &tables {
        ctx.register(name, scan(path)?);
    }
    Ok((ctx, tables))
}

/// Whether the aggregates read table `name` (names each query's FROM and JOIN clauses give;
/// every table when the SQL cannot be parsed, which a test rules out).
pub(crate) fn aggregates_read(name: &str) -> bool {
    AGGREGATES.iter().any(|(_, sql)| {
        extract_table_identifiers(sql, false, true)
            .map(|tables| tables.iter().any(|t| t == name))
            .unwrap_or(true)
    })
}

/// Runs one SQL query over the tables in `dir` (each `NAME.parquet` registered as `NAME`).
///
/// Only the query's result is returned; nothing in `dir` is changed.
pub fn query(dir: &Path, sql: &str) -> Result<DataFrame, AnalyticsError> {
    let (mut ctx, tables) = context(dir)?;
    match ctx.execute(sql).and_then(|lf| lf.collect()) {
        Ok(df) => Ok(df),
        Err(e) => {
            let message = e.to_string();
            let known: Vec<&str> = tables.iter().map(|(n, _)| n.as_str()).collect();
            let unknown = extract_table_identifiers(sql, false, true)
                .unwrap_or_default()
                .into_iter()
                .find(|t| !known.contains(&t.as_str()) && message.contains(t.as_str()));
            match unknown {
                Some(name) => Err(AnalyticsError::UnknownTable {
                    name,
                    tables: describe_tables(dir)?,
                }),
                None => Err(AnalyticsError::Sql {
                    message,
                    tables: known.join(", "),
                }),
            }
        }
    }
}

/// A table's columns: name and SQL-style type.
type Columns = Vec<(String, String)>;

/// The tables in `dir` with their columns and types, sorted by table name.
pub fn schema(dir: &Path) -> Result<Vec<(String, Columns)>, AnalyticsError> {
    let mut out = Vec::new();
    for (name, path) in parquet_tables(dir)? {
        let schema = scan(&path)?.collect_schema()?;
        let cols = schema
            .iter()
            .map(|(n, dt)| (n.to_string(), dtype_name(dt)))
            .collect::<Vec<_>>();
        out.push((name, cols));
    }
    Ok(out)
}

/// SQL-style names of the types warta writes.
fn dtype_name(dt: &DataType) -> String {
    match dt {
        DataType::String => "VARCHAR".into(),
        DataType::Int64 => "BIGINT".into(),
        DataType::Int32 => "INTEGER".into(),
        DataType::UInt32 => "UINTEGER".into(),
        DataType::UInt64 => "UBIGINT".into(),
        DataType::Float64 => "DOUBLE".into(),
        DataType::Boolean => "BOOLEAN".into(),
        other => other.to_string(),
    }
}

/// `table(col type, ...)` lines for error messages.
fn describe_tables(dir: &Path) -> Result<String, AnalyticsError> {
    let mut s = String::new();
    for (name, cols) in schema(dir)? {
        let cols: Vec<String> = cols.iter().map(|(c, t)| format!("{c} {t}")).collect();
        s.push_str(&format!("  {name}({})\n", cols.join(", ")));
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aggregates_read_exactly_the_tables_their_sql_names() {
        let read: Vec<&str> = crate::tables::FACT_TABLES
            .iter()
            .map(|t| t.name)
            .filter(|n| aggregates_read(n))
            .collect();
        assert_eq!(
            read,
            [
                "articles",
                "article_cycles",
                "officials",
                "instruments",
                "activities"
            ]
        );
        assert!(!aggregates_read("regions"));
    }
}
