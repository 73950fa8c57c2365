//! `warta run`: ingest, extract and aggregate, then print the province × cycle summary.

use std::process::ExitCode;

use anyhow::Result;

use crate::args::{RunArgs, SummaryFormat};
use crate::pipeline::{self, Outputs};

pub fn run(args: &RunArgs) -> Result<ExitCode> {
    limit_polars_threads(args.pipeline.threads);
    let outputs = Outputs {
        articles: args.jsonl,
        facts: args.jsonl,
        mentions: args.mentions,
        tables: true,
        fact_csv: args.fact_csv,
    };
    let outcome = pipeline::run(&args.pipeline, outputs)?;
    match args.pipeline.format {
        SummaryFormat::Json => crate::outln!("{}", serde_json::to_string_pretty(&outcome)?)?,
        SummaryFormat::Text => {
            pipeline::print_summary(&outcome)?;
            if let Some(tables) = &outcome.tables {
                crate::outln!()?;
                crate::outln!("Neutrality activity by province and election cycle (a syndicated story counts once):")?;
                let summary = if args.rows == 0 {
                    tables.summary.clone()
                } else {
                    tables.summary.head(Some(args.rows))
                };
                crate::outln!("{}", warta_analytics::render_table(&summary).trim_end())?;
                if args.rows != 0 && tables.summary.height() > args.rows {
                    crate::outln!(
                        "({} of {} rows; --rows 0 shows all)",
                        args.rows,
                        tables.summary.height()
                    )?;
                }
                crate::outln!()?;
                let csv = if args.fact_csv {
                    "Parquet + CSV"
                } else {
                    "Parquet; aggregates also CSV"
                };
                crate::outln!("Tables ({csv}) in {}/:", tables.dir.display())?;
                let names: Vec<String> = tables
                    .tables
                    .iter()
                    .map(|t| format!("{} ({})", t.name, t.rows))
                    .collect();
                crate::outln!("  {}", names.join(", "))?;
                crate::outln!(
                    "Query them: warta query --dir {} \"SELECT * FROM province_cycle_summary\"",
                    tables.dir.display()
                )?;
            }
        }
    }
    Ok(super::ingest::exit_code(&outcome))
}

/// Runs the aggregates on at most two polars threads (no more than the pipeline's
/// `--threads`), unless `POLARS_MAX_THREADS` says otherwise.
///
/// polars only writes the aggregates (they are computed while the rows stream) and prints the
/// summary, so more threads would add memory on larger machines for nothing. The pipeline's
/// own `--threads` are rayon's and are not affected.
fn limit_polars_threads(pipeline_threads: Option<usize>) {
    if std::env::var_os("POLARS_MAX_THREADS").is_none() {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let threads = pipeline_threads.unwrap_or(cores).clamp(1, 2);
        // Called before polars starts its pool and before this program starts any thread.
        std::env::set_var("POLARS_MAX_THREADS", threads.to_string());
    }
}
