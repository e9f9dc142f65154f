//! The progress bar: shown on stderr only when stderr is a terminal and not under CI.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use url::Url;

use citecheck::check::Progress;

pub(crate) struct Bar(ProgressBar);

impl Bar {
    /// A bar, or `None` when it should stay hidden.
    pub(crate) fn new(disabled: bool) -> Option<Bar> {
        let under_ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false");
        if disabled || under_ci || !std::io::stderr().is_terminal() {
            return None;
        }
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template("{spinner} {pos}/{len} URLs {bar:30} {per_sec} {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar.enable_steady_tick(Duration::from_millis(120));
        Some(Bar(bar))
    }
}

impl Progress for Bar {
    fn start(&self, urls: usize) {
        self.0.set_length(urls as u64);
    }

    fn done(&self, url: &Url) {
        self.0.inc(1);
        self.0.set_message(url.host_str().unwrap_or("").to_owned());
    }

    fn lookups(&self, count: usize) {
        let style = ProgressStyle::with_template("{spinner} {pos}/{len} archived copies {bar:30} {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        self.0.set_style(style);
        self.0.set_position(0);
        self.0.set_length(count as u64);
        self.0.set_message("");
    }

    fn looked_up(&self, cited: &str) {
        self.0.inc(1);
        let host = Url::parse(cited).ok().and_then(|u| u.host_str().map(str::to_owned)).unwrap_or_default();
        self.0.set_message(host);
    }

    fn finish(&self) {
        self.0.finish_and_clear();
    }
}
