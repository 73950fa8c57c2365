//! One file per subcommand.

mod eval;
mod ingest;
mod query;
mod run;

use std::process::ExitCode;

use anyhow::Result;

use crate::args::{Cli, Command};

pub fn dispatch(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Ingest(args) => ingest::ingest(&args),
        Command::Extract(args) => ingest::extract(&args),
        Command::Run(args) => run::run(&args),
        Command::Eval(args) => eval::eval(&args),
        Command::Query(args) => query::query(&args),
    }
}
