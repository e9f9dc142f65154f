//! `citecheck check` end to end: the binary against the fixture web served on 127.0.0.1, with
//! cited URLs remapped onto it (`https://host/path` → `http://127.0.0.1:PORT/host/path`).

use std::time::Duration;

use serde_json::Value;

use crate::harness::{Output, citecheck, root};
use crate::support::{Reply, TestServer};

pub fn fixture_web() -> TestServer {
    TestServer::builder().fixtures(root().join("fixtures/web")).start()
}

/// `check` with JSON output, remapped onto `server`, quick politeness for a loopback server.
fn check_json(server: &TestServer, extra: &[&str], paths: &[&str]) -> (Output, Value) {
    let mut run = citecheck(["check", "--format", "json", "--allow-private", "--no-progress"])
        .arg("--remap")
        .arg(format!(r"^https?://([^/]+)/(.*)$ {}/$1/$2", server.base_url()))
        .arg("--host-interval")
        .arg("0ms")
        .arg("--host-concurrency")
        .arg("8");
    for a in extra {
        run = run.arg(a);
    }
    for p in paths {
        run = run.arg(p);
    }
    run.json()
}

fn refs(report: &Value) -> Vec<&Value> {
    report["documents"].as_array().unwrap().iter().flat_map(|d| d["references"].as_array().unwrap()).collect()
}

fn rules(reference: &Value) -> Vec<String> {
    reference["check"]["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap().to_owned()).collect()
}

/// A Markdown brief citing each URL with the given title, written to a temporary file.
fn brief(dir: &tempfile::TempDir, name: &str, cites: &[(&str, &str)]) -> String {
    let mut text = String::from("# A brief\n\n");
    for (i, _) in cites.iter().enumerate() {
        text.push_str(&format!("Claim number {}.[^{}]\n", i + 1, i + 1));
    }
    text.push('\n');
    for (i, (title, url)) in cites.iter().enumerate() {
        if title.is_empty() {
            text.push_str(&format!("[^{}]: <{url}>\n", i + 1));
        } else {
            text.push_str(&format!("[^{}]: “{title}”, *The Daily Ledger*, <{url}>\n", i + 1));
        }
    }
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn seed_brief_checks_against_its_cited_pages() {
    let server = fixture_web();
    let (out, report) = check_json(&server, &[], &["seeds/issi-brief-resetting-ties.txt"]);
    out.code(0);
    let refs = refs(&report);
    assert_eq!(refs.len(), 9);
    for r in &refs {
        assert_eq!(r["check"]["verdict"], "ok", "note {}: {}", r["label"], r["check"]);
        assert_eq!(r["check"]["status"], 200, "note {}", r["label"]);
    }
    // Note 6: the page's own typo, "Rise is terrorism": a near match, with a warning.
    assert_eq!(refs[5]["check"]["title_match"], "near");
    assert!(rules(refs[5]).contains(&"title-near-match".to_owned()), "{:?}", rules(refs[5]));
    // Note 2 cites the AMP page, whose canonical is the full article.
    assert!(rules(refs[1]).contains(&"canonical-differs".to_owned()), "{:?}", rules(refs[1]));
    // Note 7: slug says walking-walk, headline says walking the talk; dated a day apart: fine.
    assert_eq!(refs[6]["check"]["title_match"], "match");
    assert!(!rules(refs[6]).contains(&"date-differs".to_owned()), "{:?}", rules(refs[6]));
    for (i, r) in refs.iter().enumerate() {
        if i != 5 {
            assert_eq!(r["check"]["title_match"], "match", "note {}: {}", r["label"], r["check"]);
        }
        assert!(
            !rules(r).iter().any(|rule| rule == "publication-differs" || rule == "author-not-found"),
            "note {}: {:?}",
            r["label"],
            rules(r)
        );
    }
    assert_eq!(report["summary"]["verdicts"]["ok"], 9);
    // Every URL was fetched exactly once.
    assert_eq!(server.hits("/www.pakpips.com/article/8253"), 1);
}

/// The seed brief written in Word (fixtures/docs/docx, made by pandoc) checks exactly as its
/// text does: the URLs come from the footnotes' hyperlinks, and findings point at the
/// paragraph-per-line rendering.
#[test]
fn seed_brief_in_word_checks_like_its_text() {
    let server = fixture_web();
    let (out, report) = check_json(&server, &[], &["fixtures/docs/docx/resetting-ties.docx"]);
    out.code(0);
    assert_eq!(report["documents"][0]["format"], "docx");
    let refs = refs(&report);
    assert_eq!(refs.len(), 9);
    for r in &refs {
        assert_eq!(r["check"]["verdict"], "ok", "note {}: {}", r["label"], r["check"]);
    }
    assert_eq!(refs[5]["check"]["title_match"], "near");
    let near = report["documents"][0]["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .chain(refs[5]["check"]["findings"].as_array().into_iter().flatten())
        .find(|f| f["rule"] == "title-near-match")
        .cloned()
        .expect("a title-near-match finding");
    // Note 6 is the sixth footnote, rendered after the 24 body paragraphs.
    assert_eq!(near["line"], 30, "{near}");
    assert_eq!(report["summary"]["verdicts"]["ok"], 9);
}

#[test]
fn every_verdict_on_the_fixture_web() {
    let server = fixture_web();
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, &str, &str, Option<&str>)] = &[
        // (cited title, URL, expected verdict, a rule expected among the findings)
        (
            "Council approves Riverton tram line after marathon session",
            "https://news.test/2024/04/council-approves-riverton-tram-line",
            "ok",
            None,
        ),
        (
            "Mayor resigns over expenses",
            "https://news.test/2023/11/mayor-resigns-over-expenses",
            "dead",
            Some("dead-link"),
        ),
        (
            "Harbour fire: live updates",
            "https://news.test/2019/07/harbour-fire-live-updates",
            "dead",
            Some("dead-link"),
        ),
        ("School budget vote", "https://news.test/2024/06/school-budget-vote", "soft-404", Some("soft-404")),
        ("Le conseil adopte le budget", "https://fr.news.test/2024/03/le-conseil-adopte-le-budget", "soft-404", None),
        ("بجٹ منظور", "https://ur.news.test/2024/03/budget-manzoor", "soft-404", None),
        ("إقرار الميزانية", "https://ar.news.test/2024/03/iqrar-al-mizaniya", "soft-404", None),
        ("A deep article", "https://news.test/2024/05/deep-article", "soft-404", None),
        (
            "At least five killed as Riverton bridge collapses",
            "https://news.test/2024/02/bridge-collapse-toll",
            "title-mismatch",
            Some("title-mismatch"),
        ),
        (
            "Water tariffs to rise by 8pc from July",
            "https://news.test/2024/03/water-tariffs-to-rise",
            "ok",
            Some("title-near-match"),
        ),
        (
            "Council approves Riverton tram line after marathon session",
            "https://news.test/story/48213",
            "ok",
            Some("permanent-redirect"),
        ),
        ("Council approves Riverton tram line after marathon session", "https://redirect.test/chain/start", "ok", None),
        ("Loop", "https://redirect.test/loop/a", "dead", None),
        ("Long", "https://redirect.test/long/1", "dead", None),
        (
            "Port expansion plans",
            "https://shielded.test/2024/06/port-expansion-plans",
            "unverifiable",
            Some("unverifiable"),
        ),
        ("Fishing quota dispute", "https://shielded.test/2024/06/fishing-quota-dispute", "unverifiable", None),
        ("Annual review", "https://members.test/reports/2024/annual-review", "unverifiable", None),
        ("Board minutes", "https://members.test/private/board-minutes", "unverifiable", None),
        ("Forbidden", "https://status.test/forbidden", "unverifiable", None),
        ("Blocked article", "https://status.test/legal/blocked-article", "unverifiable", None),
        (
            "Stadium funding vote delayed until autumn",
            "https://news.test/amp/2024/03/stadium-funding-vote",
            "ok",
            Some("canonical-differs"),
        ),
        // A PDF behind an .html name: read as the PDF it is, its title matched.
        (
            "Annual Review of Border Trade 2024",
            "https://formats.test/2024/annual-review-of-border-trade.html",
            "ok",
            None,
        ),
        ("", "https://news.test/2024/04/council-approves-riverton-tram-line#section", "ok", Some("title-not-cited")),
    ];
    let cites: Vec<(&str, &str)> = cases.iter().map(|(t, u, _, _)| (*t, *u)).collect();
    let path = brief(&dir, "verdicts.md", &cites);
    let (out, report) = check_json(&server, &["--attempts", "1"], &[&path]);
    out.code(1);
    let refs = refs(&report);
    assert_eq!(refs.len(), cases.len());
    let mut wrong = Vec::new();
    for (r, (title, url, verdict, rule)) in refs.iter().zip(cases) {
        if r["check"]["verdict"] != *verdict {
            wrong.push(format!("{url} ({title}): {} expected {verdict}: {}", r["check"]["verdict"], r["check"]));
        }
        if let Some(rule) = rule
            && !rules(r).iter().any(|x| x == rule)
        {
            wrong.push(format!("{url}: finding {rule} missing: {:?}", rules(r)));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let pdf =
        refs.iter().find(|r| r["url"].as_str().is_some_and(|u| u.contains("annual-review-of-border-trade"))).unwrap();
    assert_eq!(pdf["check"]["title_match"], "match", "{}", pdf["check"]);
    assert!(rules(pdf).is_empty(), "{:?}", rules(pdf));
    // The tram-line article is cited three times (directly, with a fragment, and as the end of
    // redirects) but its URL is fetched once per distinct URL.
    assert_eq!(server.hits("/news.test/2024/04/council-approves-riverton-tram-line"), 3);
}

#[test]
fn titles_in_every_charset_match() {
    let server = fixture_web();
    let dir = tempfile::tempdir().unwrap();
    let english = "Café owners say “business is back” as Karachi’s rains end";
    let cases = [
        (english, "https://charset.test/2024/09/cafes-cp1252-declared.html"),
        (english, "https://charset.test/2024/09/cafes-cp1252-undeclared.html"),
        (english, "https://charset.test/2024/09/cafes-latin1-label.html"),
        (english, "https://charset.test/2024/09/cafes-mislabelled.html"),
        (english, "https://charset.test/2024/09/cafes-utf16le-bom.html"),
        (
            "کراچی میں بارشیں ختم، کیفے مالکان کا کہنا ہے کہ کاروبار بحال ہو گیا",
            "https://charset.test/2024/09/cafes-ur-utf8.html",
        ),
        ("أصحاب المقاهي في كراتشي: «العمل عاد» مع انتهاء الأمطار", "https://charset.test/2024/09/cafes-ar-utf8.html"),
        ("卡拉奇咖啡馆店主称雨季结束后“生意回来了”", "https://charset.test/2024/09/cafes-zh-utf8.html"),
        (
            "Владельцы кафе в Карачи: «бизнес вернулся» после сезона дождей",
            "https://charset.test/2024/09/cafes-ru-cp1251.html",
        ),
        ("カラチのカフェ店主「客足が戻った」　雨季明けで", "https://charset.test/2024/09/cafes-ja-shift-jis.html"),
    ];
    let path = brief(&dir, "charsets.md", &cases);
    let (_, report) = check_json(&server, &[], &[&path]);
    for (r, (_, url)) in refs(&report).iter().zip(cases) {
        assert_eq!(r["check"]["verdict"], "ok", "{url}: {}", r["check"]);
        assert_eq!(r["check"]["title_match"], "match", "{url}: {}", r["check"]);
    }
}

#[test]
fn metadata_shapes_give_the_headline() {
    let server = fixture_web();
    let dir = tempfile::tempdir().unwrap();
    let headline = "Harbour pilots agree new contract";
    let cases: Vec<(&str, &str)> = [
        "https://meta.test/title-affix/pipe",
        "https://meta.test/title-affix/dash",
        "https://meta.test/title-affix/em-dash",
        "https://meta.test/title-affix/site-prefix",
        "https://meta.test/2024/08/twitter-card-only",
        "https://meta.test/2024/08/h1-only",
        "https://meta.test/2024/08/no-head",
        "https://meta.test/2024/08/title-without-head-element",
        "https://meta.test/2024/08/generic-site-title",
    ]
    .into_iter()
    .map(|u| (headline, u))
    .collect();
    let path = brief(&dir, "shapes.md", &cases);
    let (_, report) = check_json(&server, &[], &[&path]);
    for (r, (_, url)) in refs(&report).iter().zip(&cases) {
        assert_eq!(r["check"]["title_match"], "match", "{url}: {}", r["check"]);
    }
}

#[test]
fn results_come_back_in_document_order_whatever_finishes_first() {
    let server = TestServer::builder()
        .route("/slow.test/first", Reply::ok_html("<title>First</title>").delay(Duration::from_millis(600)))
        .route("/fast.test/second", Reply::ok_html("<title>Second</title>"))
        .route("/fast.test/third", Reply::status(404))
        .start();
    let dir = tempfile::tempdir().unwrap();
    let path = brief(
        &dir,
        "order.md",
        &[
            ("First", "https://slow.test/first"),
            ("Second", "https://fast.test/second"),
            ("Third", "https://fast.test/third"),
        ],
    );
    let (out, report) = check_json(&server, &[], &[&path]);
    out.code(1);
    let verdicts: Vec<&str> = refs(&report).iter().map(|r| r["check"]["verdict"].as_str().unwrap()).collect();
    assert_eq!(verdicts, ["ok", "ok", "dead"]);
    let labels: Vec<&str> = refs(&report).iter().map(|r| r["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["1", "2", "3"]);
}

#[test]
fn each_url_is_fetched_once_across_documents() {
    let server = TestServer::builder().route("/one.test/page", Reply::ok_html("<title>The page</title>")).start();
    let dir = tempfile::tempdir().unwrap();
    let a = brief(&dir, "a.md", &[("The page", "https://one.test/page"), ("The page", "https://one.test/page#x")]);
    let b = brief(&dir, "b.md", &[("The page", "https://one.test/page")]);
    let (out, report) = check_json(&server, &[], &[&a, &b]);
    out.code(0);
    assert_eq!(refs(&report).len(), 3);
    assert_eq!(server.hits("/one.test/page"), 1);
}

#[test]
fn the_deadline_ends_the_run_and_marks_what_is_left() {
    let server = TestServer::builder()
        .route("/hang.test/forever", Reply::hang())
        .route("/ok.test/page", Reply::ok_html("<title>Fine</title>"))
        .start();
    let dir = tempfile::tempdir().unwrap();
    let path = brief(&dir, "deadline.md", &[("Fine", "https://ok.test/page"), ("Never", "https://hang.test/forever")]);
    let started = std::time::Instant::now();
    let (out, report) = check_json(&server, &["--deadline", "1s"], &[&path]);
    assert!(started.elapsed() < Duration::from_secs(30), "the run must end at its deadline");
    out.code(0);
    let verdicts: Vec<&str> = refs(&report).iter().map(|r| r["check"]["verdict"].as_str().unwrap()).collect();
    assert_eq!(verdicts, ["ok", "not-checked"]);
    citecheck::Rule::NotChecked.id(); // the rule exists as a public id
}

#[test]
fn private_addresses_are_refused_by_default() {
    let server = TestServer::builder().route("/page", Reply::ok_html("<title>Local</title>")).start();
    let dir = tempfile::tempdir().unwrap();
    let url = server.url("/page");
    let path = brief(&dir, "private.md", &[("Local", &url)]);
    let out = citecheck(["check", "--format", "json", "--no-progress", &path]).run();
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(refs(&report)[0]["check"]["verdict"], "excluded");
    assert_eq!(server.requests().len(), 0, "no request may reach a private address");
}

#[test]
fn no_url_invalid_url_and_excluded() {
    let server = fixture_web();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kinds.txt");
    std::fs::write(
        &path,
        "One.¹ Two.² Three.³\n\n¹ A book with no link, 2020.\n² “Broken”, 2021, <htp://example.com/x>\n³ “Excluded”, 2022, <https://news.test/2024/04/council-approves-riverton-tram-line>\n",
    )
    .unwrap();
    let (_, report) = check_json(&server, &["--exclude", "news\\.test"], &[path.to_str().unwrap()]);
    let verdicts: Vec<&str> = refs(&report).iter().map(|r| r["check"]["verdict"].as_str().unwrap()).collect();
    assert_eq!(verdicts, ["no-url", "invalid-url", "excluded"]);
    assert_eq!(server.requests().len(), 0);
}

#[test]
fn human_output_marks_problems_and_strips_escapes() {
    let server = fixture_web();
    let dir = tempfile::tempdir().unwrap();
    let path = brief(
        &dir,
        "human.md",
        &[
            ("At least five killed as Riverton bridge collapses", "https://news.test/2024/02/bridge-collapse-toll"),
            ("Border talks resume", "https://hostile.test/2024/10/border-talks-resume"),
        ],
    );
    let out = citecheck(["check", "--allow-private", "--no-progress", "--host-interval", "0ms", "--no-archive-lookup"])
        .arg("--remap")
        .arg(format!(r"^https?://([^/]+)/(.*)$ {}/$1/$2", server.base_url()))
        .arg(&path)
        .run();
    out.code(1).stdout_has("title-mismatch").stdout_has("cited:").stdout_has("page:").stdout_has("[-");
    assert!(!out.stdout.contains('\u{1b}'), "no escape sequence may reach the terminal: {:?}", out.stdout);
    assert!(out.stdout.contains("references (") && out.stdout.contains("title-mismatch"));
}

#[test]
fn every_url_of_a_note_is_checked() {
    let server = TestServer::builder()
        .route("/a.test/article", Reply::ok_html("<title>The article</title>"))
        .route("/a.test/archived", Reply::ok_html("<title>Archived copy</title>"))
        .start();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("two.txt");
    std::fs::write(
        &path,
        "A claim.¹ Another.²\n\n¹ “The article”, 2024, <https://a.test/article>; archived at <https://a.test/archived>\n² “The article”, 2024, <https://a.test/article>; see also <https://a.test/gone>\n",
    )
    .unwrap();
    let (out, report) = check_json(&server, &[], &[path.to_str().unwrap()]);
    out.code(1);
    let refs = refs(&report);
    assert_eq!(refs[0]["check"]["verdict"], "ok");
    assert_eq!(refs[0]["check"]["other_urls"][0]["verdict"], "ok");
    assert!(rules(refs[0]).is_empty(), "{:?}", rules(refs[0]));
    assert_eq!(refs[1]["check"]["verdict"], "ok");
    assert_eq!(refs[1]["check"]["other_urls"][0]["verdict"], "dead");
    assert_eq!(refs[1]["check"]["other_urls"][0]["status"], 404);
    assert!(rules(refs[1]).contains(&"dead-link".to_owned()));
    assert_eq!(server.hits("/a.test/article"), 1);
}

#[test]
fn waiting_in_a_polite_host_queue_does_not_eat_a_urls_time_budget() {
    let mut builder = TestServer::builder();
    for i in 0..6 {
        builder = builder.route(&format!("/one.test/{i}"), Reply::ok_html(format!("<title>Page {i}</title>")));
    }
    let server = builder.start();
    let dir = tempfile::tempdir().unwrap();
    let cites: Vec<(String, String)> = (0..6).map(|i| (format!("Page {i}"), format!("https://one.test/{i}"))).collect();
    let cites: Vec<(&str, &str)> = cites.iter().map(|(t, u)| (t.as_str(), u.as_str())).collect();
    let path = brief(&dir, "queue.md", &cites);
    // One request at a time, 400 ms apart: the last one waits 2 s in the queue, twice its budget.
    let (out, report) =
        check_json(&server, &["--host-concurrency", "1", "--host-interval", "400ms", "--url-timeout", "1s"], &[&path]);
    out.code(0);
    let verdicts: Vec<&str> = refs(&report).iter().map(|r| r["check"]["verdict"].as_str().unwrap()).collect();
    assert_eq!(verdicts, ["ok"; 6]);
}

#[test]
fn a_page_answered_206_to_a_range_is_judged_like_a_200() {
    let mut page = String::from(
        "<!doctype html><html><head><title>Council approves tram line | The Daily Ledger</title></head><body>",
    );
    page.push_str(&"<p>Text.</p>\n".repeat(20_000));
    let server = TestServer::builder().route("/ledger.test/tram", Reply::ranged_html(page)).start();
    let dir = tempfile::tempdir().unwrap();
    let file = brief(&dir, "ranged.md", &[("Council approves tram line", "https://ledger.test/tram")]);
    let (out, report) = check_json(&server, &[], &[&file]);
    out.code(0);
    let refs = refs(&report);
    assert_eq!(refs[0]["check"]["verdict"], "ok", "{}", refs[0]["check"]);
    assert_eq!(refs[0]["check"]["title_match"], "match");
    assert_eq!(refs[0]["check"]["status"], 206);
    assert!(server.requests()[0].header("range").is_some());
}
