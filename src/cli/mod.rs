//! Command-line arguments, their checks, and the mapping of errors to exit codes.

mod batch;
mod derivatives;
pub mod detect;
mod numeric;
mod points;
#[cfg(feature = "preview")]
mod preview;
pub mod video;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Image edge detection, numpy's np.gradient / np.diff on .npy files (bit for bit), and
/// derivatives beyond them (orders, accuracies, boundary modes, laplacian, hessian).
#[derive(Debug, Parser)]
#[command(name = "edgegrad", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Detect(detect::DetectArgs),
    Batch(batch::BatchArgs),
    Gradient(numeric::GradientArgs),
    Diff(numeric::DiffArgs),
    Derivative(derivatives::DerivativeArgs),
    Laplacian(derivatives::LaplacianArgs),
    Hessian(derivatives::HessianArgs),
    #[cfg(feature = "preview")]
    Preview(preview::PreviewArgs),
    Video(video::VideoArgs),
}

/// A mistake in how the command was called (exit code 2), as opposed to a failed run (1).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Runs the parsed command.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Detect(args) => detect::detect(args),
        Command::Batch(args) => batch::batch(args),
        Command::Gradient(args) => numeric::gradient(args),
        Command::Diff(args) => numeric::diff(args),
        Command::Derivative(args) => derivatives::derivative(args),
        Command::Laplacian(args) => derivatives::laplacian(args),
        Command::Hessian(args) => derivatives::hessian(args),
        #[cfg(feature = "preview")]
        Command::Preview(args) => preview::preview(args),
        Command::Video(args) => video::video(args),
    }
}

/// The exit code for an error: 2 for bad usage, 1 for everything else.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    let usage = err.chain().any(|e| {
        e.is::<UsageError>()
            || e.is::<edgegrad::numeric::gradient::GradientError>()
            || e.is::<edgegrad::numeric::diff::DiffError>()
            || e.is::<edgegrad::numeric::derivative::DerivativeError>()
    });
    if usage {
        2
    } else {
        1
    }
}

/// Whether clap stopped to print help or the version (which it prints as usual), rather than
/// for a mistake in the arguments.
pub fn is_request_for_help(err: &clap::Error) -> bool {
    use clap::error::ErrorKind::*;
    matches!(
        err.kind(),
        DisplayHelp | DisplayVersion | DisplayHelpOnMissingArgumentOrSubcommand
    )
}

/// clap's message for a mistake in the arguments on one line, without its usage block.
pub fn parse_error_line(err: &clap::Error) -> String {
    let text = err.render().to_string();
    let parts: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| {
            !l.is_empty() && !l.starts_with("Usage:") && !l.starts_with("For more information")
        })
        .collect();
    let message = parts.join(" ");
    let message = message.strip_prefix("error: ").unwrap_or(&message);
    format!("{message} (see --help)")
}

/// A run's timings as one line of JSON (`--timings`): every stage in the order it first ran,
/// then `total_ms`, milliseconds rounded to three decimals.
pub fn timings_json(t: &edgegrad::Timings) -> String {
    let round3 = |ms: f64| (ms * 1000.0).round() / 1000.0;
    let fields: Vec<String> = t
        .stages()
        .iter()
        .chain(std::iter::once(&("total_ms", t.elapsed_ms())))
        .map(|(k, v)| format!("{}:{}", serde_json::Value::from(*k), round3(*v)))
        .collect();
    format!("{{{}}}", fields.join(","))
}

/// The error and its causes on one line.
pub fn one_line(err: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        // Errors that show their cause in their own message (`cannot write: {0}`) name it once.
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line.replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }

    #[test]
    fn timings_are_one_json_object_in_stage_order_ending_with_the_total() {
        let mut t = edgegrad::Timings::new();
        t.add("edges_ms", 2.0);
        t.add("decode_ms", 1.23456);
        let line = super::timings_json(&t);
        assert!(
            line.starts_with(r#"{"edges_ms":2,"decode_ms":1.235,"total_ms":"#),
            "{line}"
        );
        let json: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert!(json["total_ms"].as_f64().unwrap() >= 0.0);
    }

    #[test]
    fn a_cause_shown_in_its_error_is_not_repeated() {
        #[derive(Debug, thiserror::Error)]
        #[error("cannot write: {0}")]
        struct Write(#[source] std::io::Error);
        let io = std::io::Error::other("disk full");
        let err = anyhow::Error::new(Write(io)).context("out.png");
        assert_eq!(super::one_line(&err), "out.png: cannot write: disk full");
        let plain = anyhow::anyhow!("first\nsecond").context("a.png");
        assert_eq!(super::one_line(&plain), "a.png: first second");
    }

    #[test]
    fn parse_errors_fit_on_one_line() {
        use clap::Parser;
        let err = super::Cli::try_parse_from(["edgegrad", "gradient"]).unwrap_err();
        let line = super::parse_error_line(&err);
        assert!(!line.contains('\n'), "{line}");
        assert!(
            line.contains("--out-dir <DIR>") && line.contains("<INPUT>"),
            "{line}"
        );
        assert!(!super::is_request_for_help(&err));
        let help = super::Cli::try_parse_from(["edgegrad", "--help"]).unwrap_err();
        assert!(super::is_request_for_help(&help));
    }
}
