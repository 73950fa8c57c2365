//! `warta query`: SQL over the tables written by `warta run`.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use warta_analytics::OutputFormat;

use crate::args::{QueryArgs, QueryFormat};
use crate::exit;

pub fn query(args: &QueryArgs) -> Result<ExitCode> {
    let mut stdout = std::io::stdout().lock();
    if args.schema {
        for (table, columns) in warta_analytics::schema(&args.dir)? {
            writeln!(stdout, "{table}")?;
            for (name, dtype) in columns {
                writeln!(stdout, "  {name}: {dtype}")?;
            }
        }
        return Ok(ExitCode::from(exit::OK));
    }
    let sql = args.sql.as_deref().unwrap_or_default();
    let mut df = warta_analytics::query(&args.dir, sql)?;
    let format = match args.format {
        QueryFormat::Table => OutputFormat::Table,
        QueryFormat::Csv => OutputFormat::Csv,
        QueryFormat::Json => OutputFormat::Json,
    };
    let text = warta_analytics::format_frame(&mut df, format)?;
    stdout.write_all(text.as_bytes())?;
    if !text.ends_with('\n') {
        writeln!(stdout)?;
    }
    Ok(ExitCode::from(exit::OK))
}
