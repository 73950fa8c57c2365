//! SQL over the tables: the aggregate definitions (`sql/*.sql`) and ad hoc queries.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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

/// Receives an aggregate's result in chunks, in the order its SQL gives: the aggregate's
/// name, the chunk, and whether it is the aggregate's last. Every aggregate gives at least one
/// chunk (an empty frame with its columns when it has no rows); aggregates come one after the
/// other in [`AGGREGATES`] order.
pub(crate) type EmitChunk<'e> =
    dyn FnMut(&'static str, DataFrame, bool) -> Result<(), AnalyticsError> + 'e;

/// Runs every aggregate over the fact tables in `dir` and hands each result to `emit`.
///
/// With more than one partition, each aggregate runs over one partition at a time (see
/// [`Running`]): a syndication cluster has one representative article and the aggregates
/// count only representatives, so every group of rows a query forms lies inside one partition
/// of whole articles, and partial results combine by [`MERGES`]. Partial results are kept by
/// bucket and spilled to Parquet files in `spill_dir` once more than `spill_rows` of them are
/// held, so memory is bounded by one partition's working set and the largest bucket of one
/// aggregate, however many partitions run and however large the aggregates grow.
pub(crate) fn run_aggregates(
    dir: &Path,
    partitions: &[Partition],
    spill_dir: &Path,
    spill_rows: usize,
    emit: &mut EmitChunk<'_>,
) -> Result<(), AnalyticsError> {
    let agg_err = |name: &str| {
        let name = name.to_string();
        move |source| AnalyticsError::Aggregate { name, source }
    };
    if partitions.len() <= 1 {
        for (name, sql) in AGGREGATES {
            // A fresh context per query: polars keeps CTE and subquery names in the context,
            // and one file's `combined` must not be another's.
            let (mut ctx, _) = context(dir)?;
            let df = ctx
                .execute(sql)
                .and_then(|lf| lf.collect())
                .map_err(agg_err(name))?;
            emit(name, df, true)?;
        }
        return Ok(());
    }

    let mut running = Vec::with_capacity(AGGREGATES.len());
    for (i, (name, sql)) in AGGREGATES.into_iter().enumerate() {
        let spill = spill_dir.join(format!("{i}-{name}"));
        running.push(Running::new(name, sql, spill, spill_rows).map_err(agg_err(name))?);
    }
    for partition in partitions {
        for run in &mut running {
            let name = run.name;
            let df = run_partition(dir, partition, run.sql).map_err(agg_err(name))?;
            run.add(df)?;
        }
    }
    for run in running {
        run.finish(emit)?;
    }
    Ok(())
}

/// Runs `sql` over one partition of the fact tables in `dir`.
fn run_partition(dir: &Path, partition: &Partition, sql: &str) -> PolarsResult<DataFrame> {
    let mut ctx = SQLContext::new();
    for &(table, offset, len) in &partition.ranges {
        let path = dir.join(format!("{table}.parquet"));
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        let len = IdxSize::try_from(len).unwrap_or(IdxSize::MAX);
        let p = PlRefPath::try_from_path(&path)?;
        ctx.register(
            table,
            LazyFrame::scan_parquet(p, ScanArgsParquet::default())?.slice(offset, len),
        );
    }
    ctx.execute(sql)?.collect()
}

/// The columns the last ORDER BY clause of `sql` sorts on, unquoted, in order.
fn order_columns(sql: &str) -> Vec<&str> {
    let Some(i) = sql.rfind("ORDER BY") else {
        return Vec::new();
    };
    sql[i + "ORDER BY".len()..]
        .trim()
        .trim_end_matches(';')
        .split(',')
        .filter_map(|term| term.split_whitespace().next())
        .map(|c| c.trim_matches('"'))
        .collect()
}

/// Leading ORDER BY columns that form a bucket key, at most (see [`Running`]).
const BUCKET_COLUMNS: usize = 2;

/// The values of a bucket's key columns.
type BucketKey = Vec<Option<String>>;

/// Where one bucket's merged rows lie in the spill files.
#[derive(Debug, Clone, Copy)]
struct SpilledRows {
    file: usize,
    offset: usize,
    len: usize,
}

/// A bucket of an aggregate's result: where its rows were spilled, and its first row (to
/// order the buckets).
struct Bucket {
    spilled: Vec<SpilledRows>,
    first: DataFrame,
}

/// One aggregate over the partitions seen so far.
///
/// A bucket holds the rows with one value of the leading ORDER BY columns of the aggregate
/// that are text keys (up to [`BUCKET_COLUMNS`]: province and region code for the region
/// tables, cycle and instrument type, month and cycle): every group of the final result lies
/// in one bucket, and the buckets in ORDER BY order give the result in its SQL's order.
///
/// Partial results are held in memory until the aggregate holds more than `spill_rows` of
/// them; then they are merged, sorted by the SQL's ORDER BY and written to one Parquet file, a
/// row group per bucket. If nothing was spilled, the end merges what is held in one go.
/// Otherwise each bucket reads back its rows from every spill file, is merged, sorted and
/// handed on, one bucket at a time. This matters for `officials_by_region`, whose rows grow
/// with the distinct officials a corpus names.
struct Running {
    name: &'static str,
    sql: &'static str,
    columns: &'static [(&'static str, Merge)],
    /// The output schema, from the first partial result.
    schema: Option<SchemaRef>,
    /// The key columns of the buckets (empty: one bucket).
    bucket_by: Vec<&'static str>,
    buckets: std::collections::BTreeMap<BucketKey, Bucket>,
    held: Vec<DataFrame>,
    held_rows: usize,
    spill_rows: usize,
    spill_dir: PathBuf,
    spill_files: Vec<PathBuf>,
}

impl Running {
    fn new(
        name: &'static str,
        sql: &'static str,
        spill_dir: PathBuf,
        spill_rows: usize,
    ) -> PolarsResult<Running> {
        let columns = MERGES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, c)| *c)
            .ok_or_else(|| polars_err!(ComputeError: "no merge rule for aggregate {name}"))?;
        Ok(Running {
            name,
            sql,
            columns,
            schema: None,
            bucket_by: Vec::new(),
            buckets: Default::default(),
            held: Vec::new(),
            held_rows: 0,
            spill_rows,
            spill_dir,
            spill_files: Vec::new(),
        })
    }

    fn err(&self) -> impl Fn(PolarsError) -> AnalyticsError {
        let name = self.name.to_string();
        move |source| AnalyticsError::Aggregate {
            name: name.clone(),
            source,
        }
    }

    /// Takes one partition's result.
    fn add(&mut self, df: DataFrame) -> Result<(), AnalyticsError> {
        if self.schema.is_none() {
            let names: Vec<&str> = self.columns.iter().map(|(c, _)| *c).collect();
            let found: Vec<&str> = df.schema().iter_names().map(|n| n.as_str()).collect();
            if names != found {
                return Err(self.err()(polars_err!(
                    ComputeError: "merge rule of {} lists {names:?}, the query gives {found:?}",
                    self.name
                )));
            }
            let schema = df.schema();
            self.bucket_by = order_columns(self.sql)
                .into_iter()
                .map_while(|c| {
                    self.columns
                        .iter()
                        .find(|(k, m)| *k == c && *m == Key)
                        .map(|(k, _)| *k)
                        .filter(|k| schema.get(k) == Some(&DataType::String))
                })
                .take(BUCKET_COLUMNS)
                .collect();
            self.schema = Some(schema.clone());
        }
        self.held_rows += df.height();
        self.held.push(df);
        if self.held_rows > self.spill_rows && !self.bucket_by.is_empty() {
            self.spill()?;
        }
        Ok(())
    }

    /// Merges the held rows, sorts them as the SQL does and writes them to a new spill file,
    /// a row group per bucket.
    fn spill(&mut self) -> Result<(), AnalyticsError> {
        let Some(schema) = self.schema.clone() else {
            return Ok(());
        };
        if self.held.is_empty() {
            return Ok(());
        }
        let err = self.err();
        let mut merged =
            merge(self.columns, &schema, self.sql, stack(&mut self.held)?).map_err(&err)?;
        self.held_rows = 0;
        merged.rechunk_mut_par();
        fs::create_dir_all(&self.spill_dir).map_err(|e| io_err(&self.spill_dir, e))?;
        let file = self.spill_files.len();
        let path = self.spill_dir.join(format!("{file}.parquet"));
        let f = fs::File::create(&path).map_err(|e| io_err(&path, e))?;
        let mut writer = ParquetWriter::new(f)
            .with_compression(ParquetCompression::Uncompressed)
            .set_parallel(false)
            .batched(&schema)
            .map_err(&err)?;
        for (key, offset, len) in runs(&merged, &self.bucket_by).map_err(&err)? {
            let rows = merged.slice(offset as i64, len);
            writer.write_batch(&rows).map_err(&err)?;
            let spilled = SpilledRows { file, offset, len };
            match self.buckets.get_mut(&key) {
                Some(bucket) => bucket.spilled.push(spilled),
                None => {
                    let bucket = Bucket {
                        spilled: vec![spilled],
                        first: rows.head(Some(1)),
                    };
                    self.buckets.insert(key, bucket);
                }
            }
        }
        writer.finish().map_err(&err)?;
        self.spill_files.push(path);
        Ok(())
    }

    /// Hands the aggregate over every partition to `emit`, in the order its SQL gives.
    fn finish(mut self, emit: &mut EmitChunk<'_>) -> Result<(), AnalyticsError> {
        let Some(schema) = self.schema.clone() else {
            return emit(self.name, DataFrame::empty(), true);
        };
        let err = self.err();
        if self.spill_files.is_empty() {
            let all = stack(&mut self.held)?;
            let merged = merge(self.columns, &schema, self.sql, all).map_err(&err)?;
            return emit(self.name, merged, true);
        }
        self.spill()?;
        let order = self.bucket_order().map_err(&err)?;
        let mut metadata = vec![None; self.spill_files.len()];
        let last = order.len().saturating_sub(1);
        for (i, key) in order.into_iter().enumerate() {
            let Some(bucket) = self.buckets.remove(&key) else {
                continue;
            };
            let mut frames = Vec::with_capacity(bucket.spilled.len());
            for part in bucket.spilled {
                let path = &self.spill_files[part.file];
                let f = fs::File::open(path).map_err(|e| io_err(path, e))?;
                let mut reader = ParquetReader::new(f).with_slice(Some((part.offset, part.len)));
                match &metadata[part.file] {
                    Some(md) => reader.set_metadata(Arc::clone(md)),
                    None => {
                        metadata[part.file] = Some(reader.get_metadata().map_err(&err)?.clone())
                    }
                }
                frames.push(reader.finish().map_err(&err)?);
            }
            let merged =
                merge(self.columns, &schema, self.sql, stack(&mut frames)?).map_err(&err)?;
            emit(self.name, merged, i == last)?;
        }
        for path in &self.spill_files {
            fs::remove_file(path).map_err(|e| io_err(path, e))?;
        }
        let _ = fs::remove_dir(&self.spill_dir);
        Ok(())
    }

    /// The bucket keys in the order the aggregate's ORDER BY puts their rows.
    fn bucket_order(&self) -> PolarsResult<Vec<BucketKey>> {
        let keys: Vec<BucketKey> = self.buckets.keys().cloned().collect();
        if keys.len() <= 1 {
            return Ok(keys);
        }
        // The buckets' first rows, tagged with their position, sorted as the SQL sorts: rows
        // of different buckets differ in the leading ORDER BY columns, so this is their order.
        let mut firsts = DataFrame::empty();
        for bucket in self.buckets.values() {
            firsts.vstack_mut(&bucket.first)?;
        }
        let tag: Vec<u32> = (0..keys.len() as u32).collect();
        firsts.with_column(Column::new("__bucket".into(), tag))?;
        let sorted = order_by(self.sql, firsts)?;
        let tags = sorted
            .column("__bucket")?
            .as_materialized_series()
            .u32()?
            .clone();
        Ok(tags
            .into_no_null_iter()
            .filter_map(|t| keys.get(t as usize).cloned())
            .collect())
    }
}

/// Stacks `frames` (emptying it) into one frame.
fn stack(frames: &mut Vec<DataFrame>) -> Result<DataFrame, AnalyticsError> {
    let mut frames = frames.drain(..);
    let mut all = frames.next().unwrap_or_default();
    for df in frames {
        all.vstack_mut_owned(df)?;
    }
    Ok(all)
}

/// The runs of consecutive rows of `df` with equal values in the text columns `by`: each
/// run's values, first row and length. Rows sorted on `by` give one run per bucket.
fn runs(df: &DataFrame, by: &[&str]) -> PolarsResult<Vec<(BucketKey, usize, usize)>> {
    let cols = by
        .iter()
        .map(|c| Ok(df.column(c)?.as_materialized_series().str()?.clone()))
        .collect::<PolarsResult<Vec<StringChunked>>>()?;
    let mut out: Vec<(BucketKey, usize, usize)> = Vec::new();
    let mut iters: Vec<_> = cols.iter().map(|c| c.iter()).collect();
    for row in 0..df.height() {
        let key: Vec<Option<&str>> = iters.iter_mut().map(|it| it.next().flatten()).collect();
        match out.last_mut() {
            Some((last, _, len)) if last.iter().map(Option::as_deref).eq(key.iter().copied()) => {
                *len += 1
            }
            _ => out.push((key.iter().map(|v| v.map(String::from)).collect(), row, 1)),
        }
    }
    Ok(out)
}

/// `df` in the order of the ORDER BY of `sql`, when it has one.
fn order_by(sql: &str, df: DataFrame) -> PolarsResult<DataFrame> {
    let Some(i) = sql.rfind("ORDER BY") else {
        return Ok(df);
    };
    let order = sql[i..].trim().trim_end_matches(';');
    let mut ctx = SQLContext::new();
    ctx.register("merged", df.lazy());
    ctx.execute(&format!("SELECT * FROM merged {order}"))?
        .collect()
}

/// Combines partial results of an aggregate (stacked in `parts`) into the one its SQL gives
/// over all their rows: group by its key columns, combine the others by [`Merge`], and order
/// by the ORDER BY of `sql` when it has one.
fn merge(
    columns: &[(&str, Merge)],
    schema: &Schema,
    sql: &str,
    parts: DataFrame,
) -> PolarsResult<DataFrame> {
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

    /// Spilling partial results bucket by bucket gives what one merge of all partials gives,
    /// in the order the SQL gives.
    #[test]
    fn running_merges_equal_one_merge() {
        let (name, sql) = AGGREGATES[3];
        assert_eq!(name, "activity_by_month");
        let part = |months: &[&str], n: i64| {
            let k = months.len();
            df!(
                "month" => months,
                "cycle" => vec!["pemilu-2024"; k],
                "activity_type" => vec!["pledge"; k],
                "articles" => vec![n; k],
                "events" => vec![2 * n; k],
                "pledgers" => vec![10.0 * n as f64; k],
            )
            .unwrap()
        };
        let parts = [
            part(&["2024-01", "2024-02"], 1),
            part(&["2024-03", "2024-02"], 2),
            part(&["2024-01"], 4),
        ];
        let spill = tempfile::tempdir().unwrap();
        let run = |spill_rows: usize| {
            let dir = spill.path().join(spill_rows.to_string());
            let mut running = Running::new(name, sql, dir.clone(), spill_rows).unwrap();
            for p in &parts {
                running.add(p.clone()).unwrap();
            }
            let mut chunks: Vec<(DataFrame, bool)> = Vec::new();
            running
                .finish(&mut |n, df, last| {
                    assert_eq!(n, name);
                    chunks.push((df, last));
                    Ok(())
                })
                .unwrap();
            // Spilled: one chunk per (month, cycle) bucket; held: one chunk. The last one is
            // marked, and the spill files are gone.
            let buckets = if spill_rows == 0 { 3 } else { 1 };
            assert_eq!(chunks.len(), buckets);
            let n = chunks.len();
            assert!(chunks
                .iter()
                .enumerate()
                .all(|(i, (_, l))| *l == (i + 1 == n)));
            assert!(!dir.exists() || fs::read_dir(&dir).unwrap().next().is_none());
            let mut frames: Vec<DataFrame> = chunks.into_iter().map(|(d, _)| d).collect();
            stack(&mut frames).unwrap()
        };
        // Spilled after every partial, and held in memory to the end.
        let stepwise = run(0);
        let at_once = run(usize::MAX);
        assert!(stepwise.equals_missing(&at_once), "{stepwise}\n{at_once}");
        let expected = df!(
            "month" => ["2024-01", "2024-02", "2024-03"],
            "cycle" => ["pemilu-2024"; 3],
            "activity_type" => ["pledge"; 3],
            "articles" => [5i64, 3, 2],
            "events" => [10i64, 6, 4],
            "pledgers" => [50.0, 30.0, 20.0],
        )
        .unwrap();
        assert!(stepwise.equals_missing(&expected), "{stepwise}");
    }

    #[test]
    fn runs_are_consecutive_rows_with_equal_keys() {
        let df = df!(
            "k" => [Some("a"), Some("a"), Some("a"), Some("b"), None, None],
            "j" => [Some("x"), Some("x"), Some("y"), Some("y"), Some("y"), Some("y")],
            "v" => [1i64, 2, 3, 4, 5, 6],
        )
        .unwrap();
        let key = |k: Option<&str>, j: Option<&str>| vec![k.map(String::from), j.map(String::from)];
        let got = runs(&df, &["k", "j"]).unwrap();
        let expected = vec![
            (key(Some("a"), Some("x")), 0, 2),
            (key(Some("a"), Some("y")), 2, 1),
            (key(Some("b"), Some("y")), 3, 1),
            (key(None, Some("y")), 4, 2),
        ];
        assert_eq!(got, expected);
        // No key columns: every row is one run.
        assert_eq!(runs(&df, &[]).unwrap(), vec![(vec![], 0, 6)]);
    }

    #[test]
    fn order_columns_are_read_from_the_last_order_by() {
        assert_eq!(
            order_columns("SELECT a FROM t ORDER BY province_code NULLS LAST, b"),
            ["province_code", "b"]
        );
        assert_eq!(
            order_columns("SELECT a FROM (SELECT b ORDER BY b) ORDER BY \"year\", a DESC;"),
            ["year", "a"]
        );
        assert!(order_columns("SELECT a FROM t").is_empty());
    }

    #[test]
    fn every_aggregate_has_a_merge_rule() {
        for (name, _) in AGGREGATES {
            assert!(MERGES.iter().any(|(n, _)| *n == name), "{name}");
        }
    }
}
