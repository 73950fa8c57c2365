//! `warta`: clean Indonesian regional news on civil-servant neutrality, extract its facts, and
//! aggregate them into tables.
//!
//! The binary is thin: it parses arguments ([`args`]) and calls the library crates
//! (`warta-ingest`, `warta-extract`, `warta-analytics`). Exit codes are documented in
//! [`exit`] and in the README.

mod args;
mod commands;
mod exit;
mod memory;
mod output;
mod pipeline;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator: extraction and cleaning allocate many small strings
/// from several threads, where glibc malloc spent about a fifth of a run's time.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    memory::tune();
    let cli = args::Cli::parse();
    match commands::dispatch(cli) {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::from(exit::OK);
            }
            eprintln!("error: {err:#}");
            ExitCode::from(exit::FAILURE)
        }
    }
}

/// A closed stdout (`warta query ... | head`) ends the program quietly.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// `println!` that returns the write error instead of panicking, so that a closed pipe
/// (`warta run | head`) ends the program quietly through [`is_broken_pipe`].
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout(), $($arg)*)
    }};
}
