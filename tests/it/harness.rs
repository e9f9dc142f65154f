//! A small fluent harness for running the `citecheck` binary and reading its JSON report.

use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::Value;

/// The repository root (where `seeds/` and `fixtures/` live).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A run of the binary being set up.
pub struct Run {
    cmd: Command,
    stdin: Option<Vec<u8>>,
    /// Where this run's result cache lives: every run gets its own, so no test reads another's
    /// answers or the user's real cache. Tests of the cache pass `--cache PATH` to share one.
    _cache_dir: tempfile::TempDir,
}

/// What a finished run gave.
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// `citecheck <args…>`, run from the repository root.
pub fn citecheck<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut cmd = Command::cargo_bin("citecheck").expect("the binary is built");
    cmd.current_dir(root()).args(args).env("NO_COLOR", "1").env_remove("GITHUB_STEP_SUMMARY");
    // Reproducible output: the report's time is fixed (snapshots compare it).
    cmd.env("SOURCE_DATE_EPOCH", "1742808600");
    cmd.timeout(std::time::Duration::from_secs(60));
    let cache_dir = tempfile::tempdir().expect("a temporary directory");
    cmd.env("CITECHECK_CACHE", cache_dir.path().join("cache.sqlite3"));
    Run { cmd, stdin: None, _cache_dir: cache_dir }
}

impl Run {
    pub fn arg(mut self, arg: impl AsRef<std::ffi::OsStr>) -> Self {
        self.cmd.arg(arg);
        self
    }

    /// Runs from `dir` instead of the repository root.
    pub fn env(mut self, key: &str, value: impl AsRef<std::ffi::OsStr>) -> Self {
        self.cmd.env(key, value);
        self
    }

    /// Removes a variable from the run's environment.
    pub fn env_remove(mut self, key: &str) -> Self {
        self.cmd.env_remove(key);
        self
    }

    pub fn current_dir(mut self, dir: impl AsRef<std::path::Path>) -> Self {
        self.cmd.current_dir(dir);
        self
    }

    pub fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.stdin = Some(bytes.into());
        self
    }

    pub fn run(mut self) -> Output {
        if let Some(bytes) = self.stdin.take() {
            self.cmd.write_stdin(bytes);
        }
        let out = self.cmd.output().expect("the binary runs");
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Runs and parses standard output as the JSON report.
    pub fn json(self) -> (Output, Value) {
        let out = self.run();
        let value = serde_json::from_str(&out.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}\nstderr:\n{}", out.stdout, out.stderr));
        (out, value)
    }
}

impl Output {
    #[track_caller]
    pub fn code(&self, expected: i32) -> &Self {
        assert_eq!(self.code, expected, "exit code\nstdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        self
    }

    #[track_caller]
    pub fn stdout_has(&self, needle: &str) -> &Self {
        assert!(self.stdout.contains(needle), "stdout lacks {needle:?}:\n{}", self.stdout);
        self
    }

    #[track_caller]
    pub fn stderr_has(&self, needle: &str) -> &Self {
        assert!(self.stderr.contains(needle), "stderr lacks {needle:?}:\n{}", self.stderr);
        self
    }
}
