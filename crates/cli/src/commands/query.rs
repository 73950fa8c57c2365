//! `warta query`: SQL over the tables written by `warta run`.

use std::io::{Read, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
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
    let sql = match &args.file {
        Some(path) => read_sql(path)?,
        None => args.sql.clone().unwrap_or_default(),
    };
    let mut df = warta_analytics::query(&args.dir, &sql)?;
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

/// The SQL in `path`, or on standard input for `-`.
fn read_sql(path: &Path) -> Result<String> {
    if path == Path::new("-") {
        let mut sql = String::new();
        std::io::stdin()
            .read_to_string(&mut sql)
            .context("reading SQL from standard input")?;
        return Ok(sql);
    }
    std::fs::read_to_string(path).with_context(|| format!("reading SQL from {}", path.display()))
}
