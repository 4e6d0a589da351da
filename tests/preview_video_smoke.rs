//! The preview playing a video under a virtual X server (Xvfb): frames advance, Space pauses
//! (the screen stops changing), `.` steps one frame, a view key changes the picture while
//! paused, the title shows the frame rate and the pipeline's time, and `q` quits.
//!
//! Needs `Xvfb`, `xdotool`, `xwd`, ImageMagick's `convert` and `ffmpeg` (`.ci/run` installs
//! them). Skipped, saying so, only when Xvfb cannot be started at all.
#![cfg(feature = "preview")]

mod support;

use std::process::Command;
use std::thread::sleep;
use std::time::Duration;

use support::xvfb::{
    differs, launch, press, screenshot, start_xvfb, wait_for_exit, wait_for_title,
};

#[test]
fn a_video_plays_pauses_steps_changes_view_and_quits() {
    let Some((_xvfb, display)) = start_xvfb("video preview smoke test") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let clip = dir.path().join("clip.mp4");
    let made = Command::new("ffmpeg")
        .args([
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=320x240:rate=25",
        ])
        .args(["-t", "60", "-pix_fmt", "yuv420p"])
        .arg(&clip)
        .status()
        .expect("ffmpeg is installed (.ci/run installs it)");
    assert!(made.success());
    let (mut preview, window) = launch(&display, dir.path(), &[clip.to_str().unwrap()]);
    // Playing: the title reports the rate, and the picture moves.
    let t = wait_for_title(&display, &window, " fps | pipeline ");
    assert!(t.contains("clip.mp4") && !t.contains("paused"), "{t}");
    let a = screenshot(&display, dir.path());
    sleep(Duration::from_millis(400));
    let b = screenshot(&display, dir.path());
    assert!(differs(&a, &b) > 0, "the frames do not advance");
    // Paused: the picture holds still.
    press(&display, &window, "space");
    wait_for_title(&display, &window, "| paused");
    sleep(Duration::from_millis(300));
    let c = screenshot(&display, dir.path());
    sleep(Duration::from_millis(500));
    let d = screenshot(&display, dir.path());
    assert_eq!(differs(&c, &d), 0, "the picture changes while paused");
    // One frame forward.
    press(&display, &window, "period");
    sleep(Duration::from_millis(700));
    let e = screenshot(&display, dir.path());
    assert!(differs(&d, &e) > 0, "stepping shows no new frame");
    // Another view of the same frame.
    press(&display, &window, "1");
    wait_for_title(&display, &window, "| 1 original |");
    sleep(Duration::from_millis(500));
    let f = screenshot(&display, dir.path());
    assert!(
        differs(&e, &f) > 1000,
        "the original view looks like the edges"
    );
    // Quit.
    press(&display, &window, "q");
    let status = wait_for_exit(&mut preview);
    assert!(status.success(), "{status}");
}
