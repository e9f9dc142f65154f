//! Same input, same report: the output does not depend on how many fetches run at once or in
//! which order they finish. The harness fixes the report's time (`SOURCE_DATE_EPOCH`); the runs
//! differ only in their settings, which the report records, so those are set aside.

use serde_json::Value;

use crate::faults::brief;
use crate::harness::citecheck;
use crate::support::TestServer;

/// Twenty-six fixture pages with every kind of verdict and finding, each cited once, some twice.
const CITES: &[(&str, &str)] = &[
    (
        "Council approves Riverton tram line after marathon session",
        "https://news.test/2024/04/council-approves-riverton-tram-line",
    ),
    ("Mayor resigns over expenses", "https://news.test/2023/11/mayor-resigns-over-expenses"),
    ("Harbour fire: live updates", "https://news.test/2019/07/harbour-fire-live-updates"),
    ("School budget vote", "https://news.test/2024/06/school-budget-vote"),
    ("Le conseil adopte le budget", "https://fr.news.test/2024/03/le-conseil-adopte-le-budget"),
    ("A deep article", "https://news.test/2024/05/deep-article"),
    ("At least five killed as Riverton bridge collapses", "https://news.test/2024/02/bridge-collapse-toll"),
    ("Water tariffs to rise by 8pc from July", "https://news.test/2024/03/water-tariffs-to-rise"),
    ("Council approves Riverton tram line after marathon session", "https://news.test/story/48213"),
    ("Council approves Riverton tram line after marathon session", "https://redirect.test/chain/start"),
    ("Loop", "https://redirect.test/loop/a"),
    ("Long", "https://redirect.test/long/1"),
    ("Port expansion plans", "https://shielded.test/2024/06/port-expansion-plans"),
    ("Fishing quota dispute", "https://shielded.test/2024/06/fishing-quota-dispute"),
    ("Annual review", "https://members.test/reports/2024/annual-review"),
    ("Board minutes", "https://members.test/private/board-minutes"),
    ("Forbidden", "https://status.test/forbidden"),
    ("Blocked article", "https://status.test/legal/blocked-article"),
    ("Stadium funding vote delayed until autumn", "https://news.test/amp/2024/03/stadium-funding-vote"),
    ("Annual Review of Border Trade 2024", "https://formats.test/2024/annual-review-of-border-trade.html"),
    ("", "https://news.test/2024/04/council-approves-riverton-tram-line#section"),
    ("Harbour pilots agree new contract", "https://meta.test/title-affix/pipe"),
    ("Harbour pilots agree new contract", "https://meta.test/2024/08/h1-only"),
    ("Harbour pilots agree new contract", "https://meta.test/2024/08/generic-site-title"),
    (
        "Café owners say “business is back” as Karachi’s rains end",
        "https://charset.test/2024/09/cafes-cp1252-undeclared.html",
    ),
    ("Border talks resume", "https://hostile.test/2024/10/border-talks-resume"),
    ("A missing page", "https://news.test/2024/13/no-such-page"),
];

fn run(server: &TestServer, file: &str, concurrency: &str, format: &str) -> String {
    let out = citecheck(["check", "--no-progress", "--allow-private", "--host-interval", "0ms", "--attempts", "1"])
        // Archived copies have their own determinism test (archived.rs); no lookups leave the machine.
        .arg("--no-archive-lookup")
        .args_from(["--format", format, "--max-concurrency", concurrency, "--host-concurrency", concurrency])
        .arg("--remap")
        .arg(format!(r"^https?://([^/]+)/(.*)$ {}/$1/$2", server.base_url()))
        .arg(file)
        .run();
    assert_eq!(out.code, 1, "the fixture has errors to report\n{}", out.stderr);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    out.stdout
}

trait ArgsFrom {
    fn args_from<const N: usize>(self, args: [&str; N]) -> Self;
}

impl ArgsFrom for crate::harness::Run {
    fn args_from<const N: usize>(mut self, args: [&str; N]) -> Self {
        for a in args {
            self = self.arg(a);
        }
        self
    }
}

/// The report without the settings of the run (which differ on purpose).
fn without_settings(json: &str) -> Value {
    let mut v: Value = serde_json::from_str(json).expect("a JSON report");
    v["run"]["settings"] = Value::Null;
    v
}

#[test]
fn output_is_byte_identical_whatever_the_concurrency() {
    let server = TestServer::builder().fixtures("fixtures/web").start();
    let dir = tempfile::tempdir().unwrap();
    let file = brief(&dir, "many.md", CITES);
    let serial = run(&server, &file, "1", "json");
    let parallel = run(&server, &file, "64", "json");
    let (a, b) = (without_settings(&serial), without_settings(&parallel));
    // Varied verdicts, so the comparison covers every path through judging.
    let verdicts = &a["summary"]["verdicts"];
    for v in ["ok", "dead", "soft-404", "title-mismatch", "unverifiable"] {
        assert!(verdicts[v].as_u64().unwrap_or(0) > 0, "no {v} among {verdicts}");
    }
    assert_eq!(a["documents"].to_string(), b["documents"].to_string(), "documents differ");
    assert_eq!(a["summary"], b["summary"]);
    assert_eq!(a, b, "reports differ beyond their settings");
    // Byte for byte once the settings lines are set aside: same order, same formatting.
    let strip = |s: &str| -> String {
        let v = without_settings(s);
        serde_json::to_string_pretty(&v).expect("serialise")
    };
    assert_eq!(strip(&serial), strip(&parallel));
    // The human rendering records no settings, so it must match as it is.
    let serial = run(&server, &file, "1", "human");
    let parallel = run(&server, &file, "64", "human");
    assert_eq!(serial, parallel, "human output differs between --max-concurrency 1 and 64");
    // And a second run at the same concurrency gives the same bytes again.
    assert_eq!(run(&server, &file, "64", "human"), parallel);
    // The CI formats too, once any line recording the concurrency setting is set aside.
    let settled =
        |s: String| -> String { s.lines().filter(|l| !l.contains("concurrency")).collect::<Vec<_>>().join("\n") };
    for format in ["sarif", "junit", "markdown"] {
        let serial = settled(run(&server, &file, "1", format));
        let parallel = settled(run(&server, &file, "64", format));
        assert!(!serial.is_empty());
        assert_eq!(serial, parallel, "{format} output differs between --max-concurrency 1 and 64");
    }
}
