//! `warta run`: ingest, extract and aggregate, then print the province × cycle summary.

use std::process::ExitCode;

use anyhow::Result;

use crate::args::{RunArgs, SummaryFormat};
use crate::pipeline::{self, Outputs};

pub fn run(args: &RunArgs) -> Result<ExitCode> {
    let outputs = Outputs {
        articles: args.jsonl,
        facts: args.jsonl,
        mentions: args.mentions,
        tables: true,
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
                crate::outln!("Tables (Parquet + CSV) in {}/:", tables.dir.display())?;
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
