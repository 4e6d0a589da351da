//! Command-line arguments, their checks, and the mapping of errors to exit codes.

pub mod detect;
mod numeric;
#[cfg(feature = "preview")]
mod preview;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Image edge detection, and numpy's np.gradient / np.diff on .npy files, bit for bit.
#[derive(Debug, Parser)]
#[command(name = "edgegrad", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Detect(detect::DetectArgs),
    Gradient(numeric::GradientArgs),
    Diff(numeric::DiffArgs),
    #[cfg(feature = "preview")]
    Preview(preview::PreviewArgs),
}

/// A mistake in how the command was called (exit code 2), as opposed to a failed run (1).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Runs the parsed command.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Detect(args) => detect::detect(args),
        Command::Gradient(args) => numeric::gradient(args),
        Command::Diff(args) => numeric::diff(args),
        #[cfg(feature = "preview")]
        Command::Preview(args) => preview::preview(args),
    }
}

/// The exit code for an error: 2 for bad usage, 1 for everything else.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    let usage = err.chain().any(|e| {
        e.is::<UsageError>()
            || e.is::<edgegrad::gradient::GradientError>()
            || e.is::<edgegrad::diff::DiffError>()
    });
    if usage {
        2
    } else {
        1
    }
}

/// A clap error on one line: its first paragraph without the `error: ` prefix, e.g.
/// `invalid value 'x' for '--sigma <S>': invalid float literal (see --help)`.
pub fn clap_one_line(err: &clap::Error) -> String {
    let text = err.render().to_string();
    let first: Vec<&str> = text
        .lines()
        .map(str::trim)
        .take_while(|l| !l.is_empty())
        .collect();
    let line = first.join(" ");
    let line = line.strip_prefix("error: ").unwrap_or(&line);
    format!("{line} (see --help)")
}

/// The error and its causes on one line.
pub fn one_line(err: &anyhow::Error) -> String {
    format!("{err:#}").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
