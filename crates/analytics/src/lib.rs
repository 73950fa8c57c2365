//! Tables and aggregates of neutrality activity by region and election cycle (polars).
//!
//! A [`TableSink`] takes each article with its facts while a corpus runs and streams one row
//! per fact into Parquet tables (`articles`, `article_cycles`, `officials`, `regions`, `dates`,
//! `counts`, `instruments`, `activities`; also as CSV with [`TableSink::with_fact_csv`]), in
//! bounded chunks so memory stays flat, and folds each row into the aggregates as it goes.
//! The SQL files in `sql/` define the aggregates: a test runs them over the fact tables and
//! compares, and they run unchanged in DuckDB. [`TableSink::finish`] writes each aggregate as
//! Parquet and CSV and moves everything into the output directory at once. [`query`] runs SQL
//! over a finished directory, [`schema`] lists its tables and columns, and [`format_frame`]
//! prints a result. The schemas and how each aggregate counts are in the crate README.
//!
//! ```
//! use warta_analytics::{query, TableSink};
//! use warta_core::{Article, ArticleFacts};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let mut sink = TableSink::create(dir.path()).unwrap();
//! let article = Article::new("a1");
//! let facts = ArticleFacts { article_id: "a1".into(), ..Default::default() };
//! sink.push(&article, &facts).unwrap();
//! let run = sink.finish().unwrap();
//! assert!(run.tables.iter().any(|t| t.name == "articles" && t.rows == 1));
//! let df = query(dir.path(), "SELECT article_id FROM articles").unwrap();
//! assert_eq!(df.height(), 1);
//! ```

use std::path::{Path, PathBuf};

pub use polars::prelude::DataFrame;
use polars::prelude::PolarsError;

mod format;
mod sink;
mod sql;
mod stream;
mod tables;

pub use format::{format_frame, render_table, OutputFormat};
pub use sink::{TableSink, DEFAULT_CHUNK_ROWS, DEFAULT_PARTITION_ROWS};
pub use sql::{query, schema, AGGREGATES};

/// What went wrong writing or querying tables.
#[derive(Debug, thiserror::Error)]
pub enum AnalyticsError {
    /// The directory does not exist or holds no `.parquet` tables.
    #[error("no tables in {}: run `warta run` first to write them", dir.display())]
    NoTables { dir: PathBuf },
    /// A query names a table that is not in the directory.
    #[error("unknown table `{name}`; the tables are:\n{tables}")]
    UnknownTable { name: String, tables: String },
    /// polars could not parse or run a query.
    #[error("SQL error: {message}\n(tables: {tables})")]
    Sql { message: String, tables: String },
    /// One of the built-in aggregate queries failed.
    #[error("computing aggregate `{name}`: {source}")]
    Aggregate { name: String, source: PolarsError },
    #[error("polars: {0}")]
    Polars(#[from] PolarsError),
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

pub(crate) fn io_err(path: &Path, source: std::io::Error) -> AnalyticsError {
    AnalyticsError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// One table written by a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableInfo {
    pub name: String,
    pub rows: usize,
    pub parquet: PathBuf,
    /// The CSV copy: always for aggregates, for fact tables only with
    /// [`TableSink::with_fact_csv`].
    pub csv: Option<PathBuf>,
}

impl TableInfo {
    fn new(dir: &Path, name: String, rows: usize, csv: bool) -> Self {
        TableInfo {
            parquet: dir.join(format!("{name}.parquet")),
            csv: csv.then(|| dir.join(format!("{name}.csv"))),
            name,
            rows,
        }
    }
}

/// What [`TableSink::finish`] wrote.
#[derive(Debug, Clone)]
pub struct RunTables {
    /// The output directory.
    pub dir: PathBuf,
    /// Fact tables first, then aggregates.
    pub tables: Vec<TableInfo>,
    /// The `province_cycle_summary` aggregate, for the terminal.
    pub summary: DataFrame,
}
