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
    /// A name the query takes with `FIRST` from rows that all name one code the same way (the
    /// tables take names from the gazetteer), so every partial result of a group holds the
    /// same value and any of them is the whole one's: `FIRST` costs far less than `MAX` over
    /// text in the final merge.
    First,
}

use Merge::{First, Key, Max, Min, Sum};

/// The output columns of each aggregate, in order, with how partial results combine. Must
/// match the SELECT lists in `sql/` (a test runs the aggregates partitioned and whole).
pub(crate) const MERGES: [(&str, &[(&str, Merge)]); 5] = [
    (
        "activity_by_region_cycle",
        &[
            ("level", Key),
            ("province_code", Key),
            ("province", First),
            ("region_code", Key),
            ("region", First),
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
            ("region", First),
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
            ("province", First),
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
            // One chunk per column: a part holds several row groups, and polars gathers text
            // from a column of several chunks value by value, copying each string, where it
            // copies only the views from one chunk (the aggregates' queries ran ~10% faster).
            Some(path) => LazyFrame::scan_parquet(
                PlRefPath::try_from_path(path)?,
                ScanArgsParquet {
                    rechunk: true,
                    ..Default::default()
                },
            )?,
            None => DataFrame::empty_with_schema(&def.schema()).lazy(),
        };
        ctx.register(def.name, frame);
    }
    ctx.execute(sql)?.collect()
}

/// The first column the last ORDER BY clause of `sql` sorts on, unquoted.
fn first_order_column(sql: &str) -> Option<&str> {
    let rest = order_clause(sql).strip_prefix("ORDER BY")?.trim_start();
    let end = rest
        .find(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .unwrap_or(rest.len());
    Some(rest[..end].trim_matches('"'))
}

/// The partial results of one bucket of an aggregate: its rows in the spill files so far
/// (file, first row, rows), frames still in memory, and its first row (to order the buckets).
struct Bucket {
    spilled: Vec<(usize, usize, usize)>,
    frames: Vec<DataFrame>,
    first: DataFrame,
}

/// One aggregate over the partitions seen so far.
///
/// Each partition's result is held as it comes until the aggregate holds more than
/// `spill_rows` rows; then they are written to disk in one file, sorted by bucket (see
/// [`Running::spill`]). A bucket holds the rows with one value of the column the aggregate's
/// ORDER BY sorts on first, when that column is a text key (the province code for the region
/// tables, the cycle or the month for the others): every group of the final result then lies
/// in one bucket, and the buckets in that column's order give the result in its SQL's order,
/// one bucket at a time. Without such a column everything is one bucket.
///
/// At the end, an aggregate that never spilled is one merge of what it holds. One that did
/// reads back each bucket's rows from every file in turn, merges them with what is still in
/// memory and hands the bucket on, so the merge holds one bucket at a time. This matters for
/// `officials_by_region`, whose rows grow with the distinct officials a corpus names; the
/// small aggregates never spill and cost one merge each.
struct Running {
    name: &'static str,
    sql: &'static str,
    columns: &'static [(&'static str, Merge)],
    /// The output schema, from the first partial result.
    schema: Option<SchemaRef>,
    /// The column whose values split the result into buckets, if it qualifies.
    bucket_by: Option<&'static str>,
    /// Partial results not merged yet, one per partition.
    pending: Vec<DataFrame>,
    /// Rows in `pending`.
    held_rows: usize,
    /// Whether to merge what is pending before it is spilled (see [`Running::spill`]).
    merge_spills: bool,
    /// Merged partial results by bucket, once the aggregate has spilled.
    buckets: std::collections::BTreeMap<Option<String>, Bucket>,
    spill_rows: usize,
    spill_dir: PathBuf,
    /// The spill files written so far.
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
            bucket_by: None,
            pending: Vec::new(),
            held_rows: 0,
            merge_spills: true,
            buckets: Default::default(),
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
        self.pending.push(df);
        if self.held_rows > self.spill_rows {
            self.spill()?;
        }
        Ok(())
    }

    /// Takes what is pending as one frame sorted by bucket, with the rows of each bucket:
    /// merged and sorted by `merge_order` when given (an ORDER BY that sorts on the bucket
    /// column first), else only sorted by the bucket column.
    fn take_pending(
        &mut self,
        merge_order: Option<&str>,
    ) -> Result<Option<(DataFrame, Runs)>, AnalyticsError> {
        let Some(schema) = self.schema.clone().filter(|_| !self.pending.is_empty()) else {
            return Ok(None);
        };
        let stacked = stack(&mut self.pending)?;
        self.held_rows = 0;
        let err = self.err();
        let rows = match (merge_order, self.bucket_by) {
            (Some(order), _) => merge(self.columns, &schema, order, stacked).map_err(&err)?,
            (None, Some(by)) => {
                let options = SortMultipleOptions::default().with_nulls_last(true);
                stacked.sort([by], options).map_err(&err)?
            }
            (None, None) => stacked,
        };
        let runs = runs(&rows, self.bucket_by).map_err(&err)?;
        Ok(Some((rows, runs)))
    }

    /// The bucket of `key`, made with `rows`' first row when it is new.
    fn bucket(&mut self, key: Option<String>, rows: &DataFrame) -> &mut Bucket {
        self.buckets.entry(key).or_insert_with(|| Bucket {
            spilled: Vec::new(),
            frames: Vec::new(),
            first: rows.head(Some(1)),
        })
    }

    /// Writes what is pending to a file of its own, sorted by bucket (which costs far less
    /// than the SQL's whole order over several text columns: `finish` merges each bucket
    /// again and sorts it then). It is merged first while merging shrinks it: groups repeat
    /// across partitions, so it does for most aggregates, but hardly for `officials_by_region`,
    /// where most officials are named in one partition only. Once a merge keeps more than four
    /// rows in five, later spills only sort.
    fn spill(&mut self) -> Result<(), AnalyticsError> {
        let held = self.held_rows;
        let by_bucket = self
            .bucket_by
            .map(|c| format!("ORDER BY \"{c}\""))
            .unwrap_or_default();
        let merge_order = self.merge_spills.then_some(by_bucket.as_str());
        let Some((mut rows, runs)) = self.take_pending(merge_order)? else {
            return Ok(());
        };
        if merge_order.is_some() {
            self.merge_spills = rows.height() * 5 < held * 4;
        }
        fs::create_dir_all(&self.spill_dir).map_err(|e| io_err(&self.spill_dir, e))?;
        let index = self.spill_files.len();
        let path = self.spill_dir.join(format!("{index}.parquet"));
        let file = fs::File::create(&path).map_err(|e| io_err(&path, e))?;
        // A file read back once, by this program: no compression and no statistics.
        let no_statistics = StatisticsOptions {
            min_value: false,
            max_value: false,
            distinct_count: false,
            null_count: false,
            binary_statistics_truncate_length: None,
        };
        ParquetWriter::new(file)
            .with_compression(ParquetCompression::Uncompressed)
            .with_statistics(no_statistics)
            .set_parallel(false)
            .finish(&mut rows)
            .map_err(self.err())?;
        self.spill_files.push(path);
        for (key, start, len) in runs {
            let first = rows.slice(start as i64, 1);
            self.bucket(key, &first).spilled.push((index, start, len));
        }
        Ok(())
    }

    /// Hands the aggregate over every partition to `emit`: at once when it never spilled,
    /// else bucket by bucket in the order its SQL gives.
    fn finish(mut self, emit: &mut EmitChunk<'_>) -> Result<(), AnalyticsError> {
        let Some(schema) = self.schema.clone() else {
            return emit(self.name, DataFrame::empty(), true);
        };
        let err = self.err();
        let order = order_clause(self.sql);
        if self.buckets.is_empty() {
            let stacked = stack(&mut self.pending)?;
            let merged = merge(self.columns, &schema, order, stacked).map_err(&err)?;
            return emit(self.name, merged, true);
        }
        // In the SQL's order: a bucket with nothing on disk is emitted as it is.
        if let Some((merged, runs)) = self.take_pending(Some(order))? {
            for (key, start, rows) in runs {
                let rows = merged.slice(start as i64, rows);
                self.bucket(key, &rows).frames.push(rows);
            }
        }
        let keys = self.bucket_order().map_err(&err)?;
        let last = keys.len().saturating_sub(1);
        for (i, key) in keys.into_iter().enumerate() {
            let Some(mut bucket) = self.buckets.remove(&key) else {
                continue;
            };
            for &(index, offset, rows) in &bucket.spilled {
                let path = &self.spill_files[index];
                let file = fs::File::open(path).map_err(|e| io_err(path, e))?;
                let df = ParquetReader::new(file)
                    .with_slice(Some((offset, rows)))
                    .finish()
                    .map_err(&err)?;
                bucket.frames.push(df);
            }
            let merged = if bucket.spilled.is_empty() && bucket.frames.len() == 1 {
                bucket.frames.pop().unwrap_or_default()
            } else {
                let stacked = stack(&mut bucket.frames)?;
                merge(self.columns, &schema, order, stacked).map_err(&err)?
            };
            emit(self.name, merged, i == last)?;
        }
        for path in &self.spill_files {
            fs::remove_file(path).map_err(|e| io_err(path, e))?;
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

/// Stacks `frames` (emptying it) into one frame of one chunk per column.
fn stack(frames: &mut Vec<DataFrame>) -> Result<DataFrame, AnalyticsError> {
    let mut frames = frames.drain(..);
    let mut all = frames.next().unwrap_or_default();
    for df in frames {
        all.vstack_mut_owned(df)?;
    }
    // In one chunk, as the merges gather text from it (see `run_partition`).
    all.rechunk_mut();
    Ok(all)
}

/// Runs of rows with one value of a bucket column: the value, the first row and the number
/// of rows.
type Runs = Vec<(Option<String>, usize, usize)>;

/// The runs of rows of `df` with one value of its text column `by` (nulls too), in row order;
/// all of `df` is one `None` run without a column. An empty frame has no runs.
fn runs(df: &DataFrame, by: Option<&str>) -> PolarsResult<Runs> {
    if df.height() == 0 {
        return Ok(Vec::new());
    }
    let Some(by) = by else {
        return Ok(vec![(None, 0, df.height())]);
    };
    let values = df.column(by)?.as_materialized_series().str()?.clone();
    let mut out = Vec::new();
    let mut start = 0;
    let mut current = values.get(0);
    for (i, value) in values.iter().enumerate().skip(1) {
        if value != current {
            out.push((current.map(str::to_string), start, i - start));
            start = i;
            current = value;
        }
    }
    out.push((current.map(str::to_string), start, df.height() - start));
    Ok(out)
}

/// The last ORDER BY clause of `sql` (the one of its outer SELECT), or nothing.
fn order_clause(sql: &str) -> &str {
    sql.rfind("ORDER BY")
        .map(|i| sql[i..].trim().trim_end_matches(';'))
        .unwrap_or_default()
}

/// `df` in the order of the ORDER BY of `sql`, when it has one.
fn order_by(sql: &str, df: DataFrame) -> PolarsResult<DataFrame> {
    let order = order_clause(sql);
    if order.is_empty() {
        return Ok(df);
    }
    let mut ctx = SQLContext::new();
    ctx.register("merged", df.lazy());
    ctx.execute(&format!("SELECT * FROM merged {order}"))?
        .collect()
}

/// Combines partial results of an aggregate (stacked in `parts`) into the one its SQL gives
/// over all their rows: group by its key columns, combine the others by [`Merge`], and sort
/// by `order` (an ORDER BY clause, or empty).
fn merge(
    columns: &[(&str, Merge)],
    schema: &Schema,
    order: &str,
    parts: DataFrame,
) -> PolarsResult<DataFrame> {
    let select: Vec<String> = columns
        .iter()
        .map(|(c, m)| match m {
            Key => format!("\"{c}\""),
            Sum => format!("SUM(\"{c}\") AS \"{c}\""),
            Min => format!("MIN(\"{c}\") AS \"{c}\""),
            Max => format!("MAX(\"{c}\") AS \"{c}\""),
            First => format!("FIRST(\"{c}\") AS \"{c}\""),
        })
        .collect();
    let keys: Vec<String> = columns
        .iter()
        .filter(|(_, m)| *m == Key)
        .map(|(c, _)| format!("\"{c}\""))
        .collect();
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
            // Once spilled, one chunk per month (the bucket column); else one chunk. The
            // last one is marked, and the spill files are gone.
            let expected_chunks = if spill_rows == 0 { 3 } else { 1 };
            assert_eq!(chunks.len(), expected_chunks);
            assert!(chunks
                .iter()
                .enumerate()
                .all(|(i, (_, l))| *l == (i + 1 == expected_chunks)));
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
    fn runs_cut_where_the_value_changes() {
        let df = df!(
            "k" => [Some("a"), Some("a"), Some("b"), None, None, Some("a")],
            "v" => [1i64, 2, 3, 4, 5, 6],
        )
        .unwrap();
        let a = Some("a".to_string());
        let expected = vec![
            (a.clone(), 0, 2),
            (Some("b".to_string()), 2, 1),
            (None, 3, 2),
            (a, 5, 1),
        ];
        assert_eq!(runs(&df, Some("k")).unwrap(), expected);
        // Without a bucket column everything is one run; an empty frame has none.
        assert_eq!(runs(&df, None).unwrap(), vec![(None, 0, 6)]);
        assert!(runs(&df.head(Some(0)), Some("k")).unwrap().is_empty());
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
