//! The `citecheck` command line: arguments → validated config → library → rendered report → exit code.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
