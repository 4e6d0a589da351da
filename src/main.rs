//! The `edgegrad` command: edge detection and numpy's gradient/diff from the command line.
//!
//! A thin front-end: arguments are parsed and checked in [`cli`], the work is the library's,
//! and every error ends here as one line on stderr with exit code 2 (bad usage) or 1 (a failed
//! run).

mod cli;

use std::process::ExitCode;

use clap::Parser;

/// Large buffers on transparent huge pages, as numpy does (see `edgegrad::alloc`); other
/// systems use their default allocator.
#[cfg(target_os = "linux")]
#[global_allocator]
static ALLOC: edgegrad::alloc::HugePageAlloc = edgegrad::alloc::HugePageAlloc;

fn main() -> ExitCode {
    let args = match cli::Cli::try_parse() {
        Ok(args) => args,
        Err(err) if cli::is_request_for_help(&err) => err.exit(),
        Err(err) => {
            eprintln!("edgegrad: error: {}", cli::parse_error_line(&err));
            return ExitCode::from(2);
        }
    };
    match cli::run(args) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("edgegrad: error: {}", cli::one_line(&err));
            ExitCode::from(cli::exit_code(&err))
        }
    }
}
