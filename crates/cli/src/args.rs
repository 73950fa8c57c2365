//! Command-line arguments, apart from the work the commands do.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "warta",
    version,
    about = "Clean Indonesian regional news on ASN neutrality, extract its facts, aggregate them.",
    after_help = "Exit codes: 0 ok, 1 failure, 2 usage error, 3 finished but some inputs were skipped, \
                  4 eval below --min-f1."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read and clean a corpus: write DIR/articles.jsonl and DIR/ingest-report.json.
    Ingest(PipelineArgs),
    /// Ingest and extract: write DIR/articles.jsonl, DIR/facts.jsonl (one line per article with
    /// its mentions) and DIR/extract-report.json.
    Extract(ExtractArgs),
    /// Ingest, extract and aggregate: write the tables (Parquet; aggregates also CSV) and
    /// DIR/run-report.json, and print the summary.
    Run(RunArgs),
    /// Compare extraction with hand-checked gold facts: precision, recall and F1 per kind.
    Eval(EvalArgs),
    /// Run SQL over the tables written by `warta run`.
    Query(QueryArgs),
}

#[derive(Debug, Args)]
pub struct PipelineArgs {
    /// Input files or folders: .txt, .jsonl/.ndjson, .gz of either; `-` reads JSON Lines from stdin.
    /// Default: the bundled corpus/.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Output folder (created if missing).
    #[arg(short, long, value_name = "DIR", default_value = "out")]
    pub output: PathBuf,
    /// Worker threads (default: all cores).
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,
    /// Do not group syndicated copies of a story.
    #[arg(long)]
    pub no_cluster: bool,
    /// Skip input files larger than this many MiB.
    #[arg(long, value_name = "MIB", default_value_t = 64)]
    pub max_file_mib: u64,
    /// Summary format on stdout.
    #[arg(long, value_enum, default_value_t = SummaryFormat::Text)]
    pub format: SummaryFormat,
    /// No progress bar.
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct ExtractArgs {
    #[command(flatten)]
    pub pipeline: PipelineArgs,
    /// Also write DIR/mentions.jsonl (one mention per line) and one JSONL per kind
    /// (officials.jsonl, regions.jsonl, ...).
    #[arg(long)]
    pub mentions: bool,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub pipeline: PipelineArgs,
    /// Also write what `warta extract` writes: articles.jsonl and facts.jsonl.
    #[arg(long)]
    pub jsonl: bool,
    /// With --jsonl: also write mentions.jsonl and one JSONL per kind.
    #[arg(long, requires = "jsonl")]
    pub mentions: bool,
    /// Also write each fact table as CSV (the aggregates always are). Large: about three times
    /// the input text, as every mention row repeats its evidence sentence.
    #[arg(long)]
    pub fact_csv: bool,
    /// Rows of the summary table to print (0: all).
    #[arg(long, value_name = "N", default_value_t = 60)]
    pub rows: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SummaryFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Folder of gold files: ArticleFacts JSON (fixtures/extract) or the lite format
    /// (fixtures/heldout/gold).
    #[arg(long, value_name = "DIR")]
    pub gold: PathBuf,
    /// Folder written by `warta extract` (facts.jsonl + articles.jsonl) to evaluate instead of
    /// extracting afresh.
    #[arg(long, value_name = "DIR")]
    pub pred: Option<PathBuf>,
    /// Raw articles to ingest and extract when --pred is not given (default: the bundled corpus/).
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// List every miss and false hit.
    #[arg(long)]
    pub details: bool,
    /// Exit with code 4 when the micro-averaged F1 is below this.
    #[arg(long, value_name = "F1")]
    pub min_f1: Option<f64>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = SummaryFormat::Text)]
    pub format: SummaryFormat,
}

#[derive(Debug, Args)]
pub struct QueryArgs {
    /// SQL over the tables by name, e.g. `SELECT province, cycle, SUM(pledgers) FROM
    /// activity_by_region_cycle GROUP BY 1, 2`. It may start with a `--` comment.
    #[arg(
        value_name = "SQL",
        allow_hyphen_values = true,
        required_unless_present_any = ["schema", "file"],
        conflicts_with = "file"
    )]
    pub sql: Option<String>,
    /// Read the SQL from this file (`-`: standard input), e.g. one of the aggregates' own
    /// `.sql` files.
    #[arg(short, long, value_name = "PATH")]
    pub file: Option<PathBuf>,
    /// Folder written by `warta run`.
    #[arg(short, long, value_name = "DIR", default_value = "out")]
    pub dir: PathBuf,
    #[arg(long, value_enum, default_value_t = QueryFormat::Table)]
    pub format: QueryFormat,
    /// List the tables and their columns.
    #[arg(long)]
    pub schema: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum QueryFormat {
    Table,
    Csv,
    Json,
}
