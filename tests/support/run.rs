//! Running the `edgegrad` binary in the black-box tests of `edgegrad video`
//! (tests/video_raw.rs, tests/video_ffmpeg.rs).

use assert_cmd::Command;

/// The `edgegrad` binary built for the tests.
pub fn edgegrad() -> Command {
    Command::cargo_bin("edgegrad").unwrap()
}

/// Runs `command`, failing the test with its stderr unless it succeeds; returns its stdout.
pub fn stdout_of(command: &mut Command) -> Vec<u8> {
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}
