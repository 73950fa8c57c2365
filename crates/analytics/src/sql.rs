//! SQL over the tables: the aggregate definitions (`sql/*.sql`) and ad hoc queries.

use std::fs;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use polars::sql::{extract_table_identifiers, SQLContext};

use crate::tables::{TableDef, FACT_TABLES};
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
            ("pledge_events_counted", Sum),
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

/// A slice of the fact tables made of whole articles: per table, the Parquet file holding its
/// rows of the slice, or none when it has none there.
#[derive(Debug, Clone)]
pub(crate) struct Partition {
    pub parts: Vec<(&'static TableDef, Option<PathBuf>)>,
}

/// Receives an aggregate's result in chunks, in the order its SQL gives: the aggregate's
/// name, the chunk, and whether it is the aggregate's last. Every aggregate gives at least one
/// chunk (an empty frame with its columns when it has no rows); aggregates come one after the
/// other in [`AGGREGATES`] order.
pub(crate) type EmitChunk<'e> =
    dyn FnMut(&'static str, DataFrame, bool) -> Result<(), AnalyticsError> + 'e;

/// Runs every aggregate over the fact tables, given partition by partition, and hands each
/// result to `emit`.
///
/// With more than one partition, each aggregate runs over one partition at a time (see
/// [`Running`]): a syndication cluster has one representative article and the aggregates
/// count only representatives, so every group of rows a query forms lies inside one partition
/// of whole articles, and partial results combine by [`MERGES`]. Partial results are kept by
/// bucket and spilled to Parquet files in `spill_dir` once more than `spill_rows` of them are
/// held, so memory is bounded by one partition's working set and the largest bucket of one
/// aggregate, however many partitions run and however large the aggregates grow.
pub(crate) fn run_aggregates(
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
        // One partition (or none: every table empty) is the whole result.
        let whole = match partitions.first() {
            Some(p) => p.clone(),
            None => Partition {
                parts: FACT_TABLES.iter().map(|def| (*def, None)).collect(),
            },
        };
        for (name, sql) in AGGREGATES {
            let df = run_partition(&whole, sql).map_err(agg_err(name))?;
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
            let df = run_partition(partition, run.sql).map_err(agg_err(name))?;
            run.add(df)?;
        }
    }
    for run in running {
        run.finish(emit)?;
    }
    Ok(())
}

/// Runs `sql` over one partition of the fact tables, in a context of its own (polars keeps
/// CTE and subquery names in a context, and one query's `combined` must not be another's).
fn run_partition(partition: &Partition, sql: &str) -> PolarsResult<DataFrame> {
    let mut ctx = SQLContext::new();
    for (def, part) in &partition.parts {
        let frame = match part {
            Some(path) => LazyFrame::scan_parquet(
                PlRefPath::try_from_path(path)?,
                ScanArgsParquet::default(),
            )?,
            None => DataFrame::empty_with_schema(&def.schema()).lazy(),
        };
        ctx.register(def.name, frame);
    }
    ctx.execute(sql)?.collect()
}

/// The first column an ORDER BY clause sorts on, unquoted.
fn first_order_column(sql: &str) -> Option<&str> {
    let i = sql.rfind("ORDER BY")?;
    let rest = sql[i + "ORDER BY".len()..].trim_start();
    let end = rest
        .find(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .unwrap_or(rest.len());
    Some(rest[..end].trim_matches('"'))
}

/// The partial results of one bucket of an aggregate: files spilled so far, frames still in
/// memory, and its first row (to order the buckets).
struct Bucket {
    files: Vec<PathBuf>,
    frames: Vec<DataFrame>,
    first: DataFrame,
}

/// One aggregate over the partitions seen so far, as partial results by bucket.
///
/// A bucket holds the rows with one value of the column the aggregate's ORDER BY sorts on
/// first, when that column is a text key (the province code for the region tables, the cycle
/// or the month for the others): every group of the final result then lies in one bucket, and
/// the buckets in that column's order give the result in its SQL's order, one bucket at a
/// time. Without such a column everything is one bucket.
///
/// Partial results stay in memory until the aggregate holds more than `spill_rows` of them;
/// then each bucket's frames are merged and written to a Parquet file of its own. At the end
/// each bucket reads back its files, merges them with what is still in memory, and is handed
/// on, so the merge holds one bucket at a time. This matters for `officials_by_region`, whose
/// rows grow with the distinct officials a corpus names.
struct Running {
    name: &'static str,
    sql: &'static str,
    columns: &'static [(&'static str, Merge)],
    /// The output schema, from the first partial result.
    schema: Option<SchemaRef>,
    /// The column whose values split the result into buckets, if it qualifies.
    bucket_by: Option<&'static str>,
    buckets: std::collections::BTreeMap<Option<String>, Bucket>,
    /// Rows held in the buckets' in-memory frames.
    held_rows: usize,
    spill_rows: usize,
    spill_dir: PathBuf,
    spilled_files: usize,
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
            bucket_by: None,
            buckets: Default::default(),
            held_rows: 0,
            spill_rows,
            spill_dir,
            spilled_files: 0,
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
            let first = first_order_column(self.sql);
            self.bucket_by = self
                .columns
                .iter()
                .find(|(c, m)| *m == Key && Some(*c) == first)
                .map(|(c, _)| *c)
                .filter(|c| df.schema().get(c) == Some(&DataType::String));
            self.schema = Some(df.schema().clone());
        }
        self.held_rows += df.height();
        for (key, rows) in split(df, self.bucket_by).map_err(self.err())? {
            match self.buckets.get_mut(&key) {
                Some(bucket) => bucket.frames.push(rows),
                None => {
                    let bucket = Bucket {
                        files: Vec::new(),
                        first: rows.head(Some(1)),
                        frames: vec![rows],
                    };
                    self.buckets.insert(key, bucket);
                }
            }
        }
        if self.held_rows > self.spill_rows {
            self.spill()?;
        }
        Ok(())
    }

    /// Merges each bucket's frames and writes them to a file of their own.
    fn spill(&mut self) -> Result<(), AnalyticsError> {
        let Some(schema) = self.schema.clone() else {
            return Ok(());
        };
        fs::create_dir_all(&self.spill_dir).map_err(|e| io_err(&self.spill_dir, e))?;
        let err = self.err();
        for bucket in self.buckets.values_mut() {
            if bucket.frames.is_empty() {
                continue;
            }
            let mut merged =
                merge(self.columns, &schema, "", stack(&mut bucket.frames)?).map_err(&err)?;
            let path = self
                .spill_dir
                .join(format!("{}.parquet", self.spilled_files));
            self.spilled_files += 1;
            let file = fs::File::create(&path).map_err(|e| io_err(&path, e))?;
            ParquetWriter::new(file)
                .with_compression(ParquetCompression::Uncompressed)
                .set_parallel(false)
                .finish(&mut merged)
                .map_err(&err)?;
            bucket.files.push(path);
        }
        self.held_rows = 0;
        Ok(())
    }

    /// Hands the aggregate over every partition to `emit`, bucket by bucket in the order its
    /// SQL gives.
    fn finish(mut self, emit: &mut EmitChunk<'_>) -> Result<(), AnalyticsError> {
        let Some(schema) = self.schema.clone() else {
            return emit(self.name, DataFrame::empty(), true);
        };
        let err = self.err();
        let order = self.bucket_order().map_err(&err)?;
        let last = order.len().saturating_sub(1);
        if order.is_empty() {
            return emit(self.name, DataFrame::empty_with_schema(&schema), true);
        }
        for (i, key) in order.into_iter().enumerate() {
            let Some(mut bucket) = self.buckets.remove(&key) else {
                continue;
            };
            for path in &bucket.files {
                let file = fs::File::open(path).map_err(|e| io_err(path, e))?;
                let df = ParquetReader::new(file).finish().map_err(&err)?;
                bucket.frames.push(df);
                fs::remove_file(path).map_err(|e| io_err(path, e))?;
            }
            let stacked = stack(&mut bucket.frames)?;
            let merged = merge(self.columns, &schema, self.sql, stacked).map_err(&err)?;
            emit(self.name, merged, i == last)?;
        }
        let _ = fs::remove_dir(&self.spill_dir);
        Ok(())
    }

    /// The bucket keys in the order the aggregate's ORDER BY puts their rows.
    fn bucket_order(&self) -> PolarsResult<Vec<Option<String>>> {
        let keys: Vec<Option<String>> = self.buckets.keys().cloned().collect();
        if keys.len() <= 1 || self.bucket_by.is_none() {
            return Ok(keys);
        }
        // The buckets' first rows, tagged with their position, sorted as the SQL sorts: rows
        // of different buckets differ in the first ORDER BY column, so this is their order.
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

/// Splits `df` by the values of its text column `by` (one part per value, nulls in the `None`
/// part); everything in one `None` part without a column.
fn split(df: DataFrame, by: Option<&str>) -> PolarsResult<Vec<(Option<String>, DataFrame)>> {
    let Some(by) = by else {
        return Ok(vec![(None, df)]);
    };
    let values = df.column(by)?.as_materialized_series().str()?.clone();
    let mut out = Vec::new();
    let nulls = values.is_null();
    if nulls.any() {
        out.push((None, df.filter(&nulls)?));
    }
    let distinct = values.unique()?;
    for value in distinct.iter().flatten() {
        let mask = values.equal(value);
        out.push((Some(value.to_string()), df.filter(&mask)?));
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
            // One chunk per month (the bucket column), the last one marked, and the spill
            // files gone.
            assert_eq!(chunks.len(), 3);
            assert!(chunks.iter().enumerate().all(|(i, (_, l))| *l == (i == 2)));
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
    fn split_puts_each_value_and_the_nulls_apart() {
        let df = df!(
            "k" => [Some("a"), None, Some("b"), Some("a")],
            "v" => [1i64, 2, 3, 4],
        )
        .unwrap();
        let mut parts = split(df.clone(), Some("k")).unwrap();
        parts.sort_by(|a, b| a.0.cmp(&b.0));
        let got: Vec<(Option<String>, Vec<i64>)> = parts
            .iter()
            .map(|(k, d)| {
                let v = d
                    .column("v")
                    .unwrap()
                    .as_materialized_series()
                    .i64()
                    .unwrap();
                (k.clone(), v.into_no_null_iter().collect())
            })
            .collect();
        let expected = vec![
            (None, vec![2]),
            (Some("a".to_string()), vec![1, 4]),
            (Some("b".to_string()), vec![3]),
        ];
        assert_eq!(got, expected);
        // Without a bucket column everything is one part.
        let whole = split(df, None).unwrap();
        assert_eq!(whole.len(), 1);
        assert_eq!(whole[0].1.height(), 4);
    }

    #[test]
    fn the_first_order_column_is_read_from_the_last_order_by() {
        assert_eq!(
            first_order_column("SELECT a FROM t ORDER BY province_code NULLS LAST, b"),
            Some("province_code")
        );
        assert_eq!(
            first_order_column("SELECT a FROM (SELECT b ORDER BY b) ORDER BY \"year\", a;"),
            Some("year")
        );
        assert_eq!(first_order_column("SELECT a FROM t"), None);
    }

    #[test]
    fn every_aggregate_has_a_merge_rule() {
        for (name, _) in AGGREGATES {
            assert!(MERGES.iter().any(|(n, _)| *n == name), "{name}");
        }
    }
}
