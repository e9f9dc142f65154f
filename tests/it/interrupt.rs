//! Ctrl-C: an interrupted `check` still writes its report, with what was not checked marked
//! `not-checked`, and exits 130. The binary is spawned directly (not through the harness, which
//! waits for it) and sent SIGINT with `kill`, so no signal crate is needed.

#![cfg(unix)]

use std::io::Read as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::faults::{TITLE, brief, page};
use crate::support::{Reply, TestServer};

/// Sends `signal` (`INT`, `TERM`…) to `pid` with the system's `kill`.
fn kill(signal: &str, pid: u32) {
    let status = Command::new("kill").arg(format!("-{signal}")).arg(pid.to_string()).status().expect("run kill");
    assert!(status.success(), "kill -{signal} {pid} failed");
}

/// Polls `done` every 20 ms until it holds or `limit` passes.
fn wait_for(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let until = Instant::now() + limit;
    while Instant::now() < until {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    done()
}

#[test]
fn ctrl_c_writes_the_report_with_the_rest_not_checked_and_exits_130() {
    let server =
        TestServer::builder().route("/quick.test/page", Reply::ok_html(page(TITLE))).fallback(Reply::hang()).start();
    let dir = tempfile::tempdir().unwrap();
    let file = brief(
        &dir,
        "interrupted.md",
        &[
            (TITLE, "https://quick.test/page"),
            (TITLE, "https://hang.test/one"),
            (TITLE, "https://hang.test/two"),
            (TITLE, "https://other.test/three"),
        ],
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_citecheck"))
        .args(["check", "--format", "json", "--allow-private", "--no-progress", "--host-interval", "0ms"])
        .args(["--host-concurrency", "8"])
        .arg("--remap")
        .arg(format!(r"^https?://([^/]+)/(.*)$ {}/$1/$2", server.base_url()))
        .args(["--timeout", "60s", "--deadline", "5m", &file])
        .env("SOURCE_DATE_EPOCH", "1742808600")
        .env("NO_COLOR", "1")
        // Never the user's own cache (see harness.rs).
        .env("CITECHECK_CACHE", dir.path().join("cache.sqlite3"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn citecheck");
    // Interrupt once every URL has been asked for: the quick one is answered, the others hang.
    let asked = wait_for(Duration::from_secs(20), || server.requests().len() >= 4);
    // The quick page's answer is read and parsed after its request arrived: give it time to
    // land before the interruption, which is what the report is expected to keep.
    std::thread::sleep(Duration::from_millis(1000));
    let started = Instant::now();
    kill("INT", child.id());
    // Reading to the end of stdout waits for the process; a bounded wait guards the test.
    let waited = wait_for(Duration::from_secs(20), || child.try_wait().ok().flatten().is_some());
    if !waited {
        let _ = child.kill();
        panic!("citecheck did not stop within 20 s of SIGINT");
    }
    let stopped = started.elapsed();
    let status = child.wait().expect("the exit status");
    let mut stdout = String::new();
    let mut stderr = String::new();
    child.stdout.take().expect("stdout").read_to_string(&mut stdout).unwrap();
    child.stderr.take().expect("stderr").read_to_string(&mut stderr).unwrap();
    assert!(asked, "the server never got the four requests: {:?}", server.requests());
    assert_eq!(status.code(), Some(130), "exit status {status:?}\nstderr:\n{stderr}");
    assert!(stopped < Duration::from_secs(5), "took {stopped:?} to stop after SIGINT");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let report: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("stdout is not a complete JSON report ({e}):\n{stdout}\nstderr:\n{stderr}"));
    let refs = report["documents"][0]["references"].as_array().expect("references");
    let verdicts: Vec<&str> = refs.iter().map(|r| r["check"]["verdict"].as_str().unwrap_or("?")).collect();
    assert_eq!(verdicts, ["ok", "not-checked", "not-checked", "not-checked"]);
    assert_eq!(report["summary"]["verdicts"]["not-checked"], 3);
    let rules: Vec<&str> = report["documents"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert_eq!(rules.iter().filter(|r| **r == "not-checked").count(), 3, "{rules:?}");
}

#[test]
fn ctrl_c_with_human_output_still_prints_the_summary() {
    let server = TestServer::builder().fallback(Reply::hang()).start();
    let dir = tempfile::tempdir().unwrap();
    let file = brief(&dir, "interrupted.md", &[(TITLE, "https://hang.test/one")]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_citecheck"))
        .args(["check", "--allow-private", "--no-progress", "--remap"])
        .arg(format!(r"^https?://([^/]+)/(.*)$ {}/$1/$2", server.base_url()))
        .arg(&file)
        .env("NO_COLOR", "1")
        // Never the user's own cache (see harness.rs).
        .env("CITECHECK_CACHE", dir.path().join("cache.sqlite3"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn citecheck");
    assert!(wait_for(Duration::from_secs(20), || !server.requests().is_empty()), "no request arrived");
    kill("INT", child.id());
    if !wait_for(Duration::from_secs(20), || child.try_wait().ok().flatten().is_some()) {
        let _ = child.kill();
        panic!("citecheck did not stop within 20 s of SIGINT");
    }
    let output = child.wait_with_output().expect("output");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(130), "{stdout}");
    assert!(stdout.contains("not-checked"), "{stdout}");
    assert!(stdout.contains("1 reference"), "{stdout}");
}
