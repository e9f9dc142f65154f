//! The `citecheck` command line: arguments → validated config → library → rendered report → exit code.

mod cli;

fn main() -> std::process::ExitCode {
    // The PDF library panics on some malformed files; the library catches that and reports the
    // file as unreadable, so the panic's own message would only be noise on the terminal.
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().name() != Some(citecheck::pdf::THREAD_NAME) {
            default(info);
        }
    }));
    cli::run()
}
