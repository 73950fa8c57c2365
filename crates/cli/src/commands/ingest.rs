//! `warta ingest` and `warta extract`: the pipeline up to cleaned articles, or up to facts.

use std::process::ExitCode;

use anyhow::Result;

use crate::args::{ExtractArgs, PipelineArgs, SummaryFormat};
use crate::exit;
use crate::pipeline::{self, Outcome, Outputs};

pub fn ingest(args: &PipelineArgs) -> Result<ExitCode> {
    let outputs = Outputs {
        articles: true,
        facts: false,
        mentions: false,
        tables: false,
        fact_csv: false,
    };
    let outcome = pipeline::run(args, outputs)?;
    report(args, &outcome)
}

pub fn extract(args: &ExtractArgs) -> Result<ExitCode> {
    let outputs = Outputs {
        articles: true,
        facts: true,
        mentions: args.mentions,
        tables: false,
        fact_csv: false,
    };
    let outcome = pipeline::run(&args.pipeline, outputs)?;
    report(&args.pipeline, &outcome)
}

/// Print the summary (text or JSON) and choose the exit code.
pub fn report(args: &PipelineArgs, outcome: &Outcome) -> Result<ExitCode> {
    match args.format {
        SummaryFormat::Json => crate::outln!("{}", serde_json::to_string_pretty(outcome)?)?,
        SummaryFormat::Text => {
            pipeline::print_summary(outcome)?;
            crate::outln!("written to {}/", outcome.output_dir.display())?;
        }
    }
    Ok(exit_code(outcome))
}

pub fn exit_code(outcome: &Outcome) -> ExitCode {
    if outcome.skipped_any() {
        ExitCode::from(exit::INPUTS_SKIPPED)
    } else {
        ExitCode::from(exit::OK)
    }
}
