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

/// How a column of an aggregate combines across partitions of the fact tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Merge {
    /// A GROUP BY column.
    Key,
    /// A count or a sum (`COUNT(DISTINCT cluster_id)` too: a cluster's rows lie in one partition).
    Sum,
    Min,
    Max,
}

use Merge::{Key, Max, Min, Sum};

/// The output columns of each aggregate, in order, with how partial results combine. Must
/// match the SELECT lists in `sql/` (a test runs the aggregates partitioned and whole).
pub(crate) const MERGES: [(&str, &[(&str, Merge)]); 5] = [
    (
        "activity_by_region_cycle",
        &[
            ("level", Key),
            ("province_code", Key),
            ("province", Max),
            ("region_code", Key),
            ("region", Max),
            ("cycle", Key),
            ("activity_type", Key),
            ("articles", Sum),
            ("events", Sum),
            ("pledgers", Sum),
            ("participants", Sum),
            ("violations", Sum),
            ("sanctioned", Sum),
            ("first_date", Min),
            ("last_date", Max),
        ],
    ),
    (
        "instruments_by_cycle",
        &[
            ("cycle", Key),
            ("instrument_type", Key),
            ("number", Key),
            ("year", Key),
            ("issuer", Max),
            ("subject", Max),
            ("articles", Sum),
            ("mentions", Sum),
        ],
    ),
    (
        "officials_by_region",
        &[
            ("province_code", Key),
            ("region_code", Key),
            ("region", Max),
            ("modifier", Key),
            ("title", Key),
            ("name", Key),
            ("articles", Sum),
            ("mentions", Sum),
            ("first_published", Min),
            ("last_published", Max),
        ],
    ),
    (
        "activity_by_month",
        &[
            ("month", Key),
            ("cycle", Key),
            ("activity_type", Key),
            ("articles", Sum),
            ("events", Sum),
            ("pledgers", Sum),
        ],
    ),
    (
        PROVINCE_CYCLE_SUMMARY,
        &[
            ("province_code", Key),
            ("province", Max),
            ("cycle", Key),
            ("articles", Sum),
            ("pledge_events", Sum),
            ("pledgers", Sum),
            ("violation_events", Sum),
            ("violations", Sum),
            ("sanction_events", Sum),
            ("sanctions", Sum),
        ],
    ),
];

/// Whether the aggregates read table `name` (names each query's FROM and JOIN clauses give;
/// every table when the SQL cannot be parsed, which a test rules out).
pub(crate) fn aggregates_read(name: &str) -> bool {
    AGGREGATES.iter().any(|(_, sql)| {
        extract_table_identifiers(sql, false, true)
            .map(|tables| tables.iter().any(|t| t == name))
            .unwrap_or(true)
    })
}

/// A slice of the fact tables made of whole articles: per table, its name, first row and
/// number of rows.
#[derive(Debug, Clone)]
pub(crate) struct Partition {
    pub ranges: Vec<(&'static str, usize, usize)>,
}

/// Runs every aggregate over the fact tables in `dir`.
///
/// With more than one partition, each aggregate runs over one partition at a time and the
/// partial results are merged ([`MERGES`]): a syndication cluster has one representative
/// article and the aggregates count only representatives, so every group of rows a query
/// forms lies inside one partition of whole articles.
pub(crate) fn run_aggregates(
    dir: &Path,
    partitions: &[Partition],
) -> Result<Vec<(&'static str, DataFrame)>, AnalyticsError> {
    let agg_err = |name: &str| {
        let name = name.to_string();
        move |source| AnalyticsError::Aggregate { name, source }
    };
    if partitions.len() <= 1 {
        let mut out = Vec::new();
        for (name, sql) in AGGREGATES {
            // A fresh context per query: polars keeps CTE and subquery names in the context,
            // and one file's `combined` must not be another's.
            let (mut ctx, _) = context(dir)?;
            let df = ctx
                .execute(sql)
                .and_then(|lf| lf.collect())
                .map_err(agg_err(name))?;
            out.push((name, df));
        }
        return Ok(out);
    }

    let mut parts: Vec<Vec<DataFrame>> = vec![Vec::new(); AGGREGATES.len()];
    for partition in partitions {
        for (i, (name, sql)) in AGGREGATES.iter().enumerate() {
            let ctx = SQLContext::new();
            for &(table, offset, len) in &partition.ranges {
                let path = dir.join(format!("{table}.parquet"));
                let offset = i64::try_from(offset).unwrap_or(i64::MAX);
                let len = IdxSize::try_from(len).unwrap_or(IdxSize::MAX);
                ctx.register(table, scan(&path)?.slice(offset, len));
            }
            let mut ctx = ctx;
            let df = ctx
                .execute(sql)
                .and_then(|lf| lf.collect())
                .map_err(agg_err(name))?;
            parts[i].push(df);
        }
    }
    let mut out = Vec::new();
    for ((name, sql), frames) in AGGREGATES.iter().zip(parts) {
        let df = merge(name, sql, frames).map_err(agg_err(name))?;
        out.push((*name, df));
    }
    Ok(out)
}

/// Combines the partial results of aggregate `name` into the one its SQL gives over all rows:
/// group by its key columns, combine the others by [`Merge`], order by its own ORDER BY.
fn merge(name: &str, sql: &str, frames: Vec<DataFrame>) -> PolarsResult<DataFrame> {
    let columns = MERGES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, c)| *c)
        .ok_or_else(|| polars_err!(ComputeError: "no merge rule for aggregate {name}"))?;
    let schema = match frames.first() {
        Some(df) => df.schema().clone(),
        None => return Ok(DataFrame::empty()),
    };
    let names: Vec<&str> = columns.iter().map(|(c, _)| *c).collect();
    let found: Vec<&str> = schema.iter_names().map(|n| n.as_str()).collect();
    polars_ensure!(
        names == found,
        ComputeError: "merge rule of {name} lists {names:?}, the query gives {found:?}"
    );
    let mut all = frames.into_iter();
    let mut parts = all.next().unwrap_or_default();
    for df in all {
        parts.vstack_mut_owned(df)?;
    }

    let select: Vec<String> = columns
        .iter()
        .map(|(c, m)| match m {
            Key => format!("\"{c}\""),
            Sum => format!("SUM(\"{c}\") AS \"{c}\""),
            Min => format!("MIN(\"{c}\") AS \"{c}\""),
            Max => format!("MAX(\"{c}\") AS \"{c}\""),
        })
        .collect();
    let keys: Vec<String> = columns
        .iter()
        .filter(|(_, m)| *m == Key)
        .map(|(c, _)| format!("\"{c}\""))
        .collect();
    let order = sql
        .rfind("ORDER BY")
        .map(|i| sql[i..].trim().trim_end_matches(';').to_string())
        .unwrap_or_default();
    let merge_sql = format!(
        "SELECT {} FROM parts GROUP BY {} {order}",
        select.join(", "),
        keys.join(", ")
    );
    let mut ctx = SQLContext::new();
    ctx.register("parts", parts.lazy());
    let casts: Vec<Expr> = schema
        .iter()
        .map(|(n, dt)| col(n.clone()).cast(dt.clone()))
        .collect();
    ctx.execute(&merge_sql)?.select(casts).collect()
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

/// The tables in `dir` with their columns and types, sorted by table name.
pub fn schema(dir: &Path) -> Result<Vec<(String, Vec<(String, String)>)>, AnalyticsError> {
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

    #[test]
    fn every_aggregate_has_a_merge_rule() {
        for (name, _) in AGGREGATES {
            assert!(MERGES.iter().any(|(n, _)| *n == name), "{name}");
        }
    }
}
