//! DOIs end to end: `check` against a loopback server that speaks the DOI protocol: a resolver
//! that redirects (303) to a registration agency when CSL JSON is asked for and to the landing
//! page otherwise, an agency that honours `Accept`, a 404 for unknown DOIs, and an agency that
//! does not negotiate (406, or the landing page whatever is asked).

use serde_json::Value;

use crate::harness::{Output, citecheck, root};
use crate::support::{Reply, TestServer};

const CSL: &str = "application/vnd.citationstyles.csl+json";

fn fixture(name: &str) -> String {
    std::fs::read_to_string(root().join("fixtures/doi").join(name)).expect("fixture")
}

fn asks_for_csl(r: &crate::support::RecordedRequest) -> bool {
    r.header("accept").is_some_and(|a| a.contains(CSL))
}

/// The resolver, two agencies and the publishers, on one server.
fn doi_web() -> TestServer {
    let crossref = fixture("crossref-article.json");
    let datacite = fixture("datacite-dataset.json");
    // A registered title that differs from what the brief cites.
    let retitled = crossref
        .replace("Cross-border trade after the <i>Torkham</i> closure", "Fisheries policy in the Arabian Sea")
        .replace("JRS.2023.1187", "JRS.2023.1188");
    let landing = |title: &str| {
        format!("<!doctype html><html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>")
    };
    let resolve = |agency: &'static str, landing: &'static str| {
        Reply::from_fn(
            move |r| if asks_for_csl(r) { Reply::redirect(303, agency) } else { Reply::redirect(302, landing) },
        )
    };
    let agency = move |body: String| {
        Reply::from_fn(move |r| if asks_for_csl(r) { Reply::bytes(200, CSL, body.clone()) } else { Reply::status(406) })
    };
    TestServer::builder()
        // Crossref-like: metadata by negotiation; the publisher's page blocks robots.
        .route("/10.5555/jrs.2023.1187", resolve("/agency/crossref/10.5555/jrs.2023.1187", "/journal/article/1187"))
        .route("/agency/crossref/10.5555/jrs.2023.1187", agency(crossref))
        .route("/journal/article/1187", Reply::status(403))
        .route("/10.5555/jrs.2023.1188", resolve("/agency/crossref/10.5555/jrs.2023.1188", "/journal/article/1188"))
        .route("/agency/crossref/10.5555/jrs.2023.1188", agency(retitled))
        .route("/journal/article/1188", Reply::ok_html(landing("Fisheries policy in the Arabian Sea")))
        // DataCite-like.
        .route("/10.5061/dryad.8515", resolve("/agency/datacite/10.5061/dryad.8515", "/repository/8515"))
        .route("/agency/datacite/10.5061/dryad.8515", agency(datacite))
        // An agency that does not negotiate: 406 for CSL JSON, the landing page otherwise.
        .route("/10.7777/report.9", resolve("/agency/plain/10.7777/report.9", "/institute/report-9"))
        .route("/agency/plain/10.7777/report.9", Reply::status(406))
        .route("/institute/report-9", Reply::ok_html(landing("Water security in the Indus basin")))
        // An agency that sends its landing page whatever is asked for.
        .route("/10.8888/brief.3", Reply::redirect(302, "/institute/brief-3"))
        .route("/institute/brief-3", Reply::ok_html(landing("Heat and health in South Asian cities")))
        // A registered DOI whose agency answers with something that is not CSL JSON.
        .route("/10.9999/broken.1", Reply::redirect(303, "/agency/broken/1"))
        .route(
            "/agency/broken/1",
            Reply::from_fn(|r| {
                if asks_for_csl(r) {
                    Reply::bytes(200, CSL, format!("{}\"x\"{}", "[".repeat(5000), "]".repeat(5000)))
                } else {
                    Reply::ok_html("<title>Monsoon forecasting at district level</title>")
                }
            }),
        )
        .fallback(Reply::html(404, "<!doctype html><title>Error: DOI Not Found</title>"))
        .start()
}

fn brief(dir: &tempfile::TempDir, notes: &[&str]) -> String {
    let mut text = String::from("# A brief\n\n");
    for i in 1..=notes.len() {
        text.push_str(&format!("Claim number {i}.[^{i}]\n"));
    }
    text.push('\n');
    for (i, note) in notes.iter().enumerate() {
        text.push_str(&format!("[^{}]: {note}\n", i + 1));
    }
    let path = dir.path().join("brief.md");
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn check(server: &TestServer, path: &str, extra: &[&str]) -> (Output, Value) {
    let mut run = citecheck(["check", "--format", "json", "--allow-private", "--no-progress", "--no-config"])
        .arg("--doi-resolver")
        .arg(server.base_url())
        .arg("--host-interval")
        .arg("0ms")
        .arg("--attempts")
        .arg("1");
    for a in extra {
        run = run.arg(a);
    }
    run.arg(path).json()
}

fn refs(report: &Value) -> Vec<Value> {
    report["documents"][0]["references"].as_array().unwrap().clone()
}

fn rules(reference: &Value) -> Vec<String> {
    reference["check"]["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap().to_owned()).collect()
}

fn messages(reference: &Value) -> String {
    reference["check"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

const ARTICLE: &str = "Sana Mirza and Omar Haider, “Cross-border trade after the Torkham closure”, *Journal of Regional Studies* 17, no. 2 (2023)";

#[test]
fn a_doi_only_note_is_judged_by_its_registered_metadata() {
    let server = doi_web();
    let dir = tempfile::tempdir().unwrap();
    let path = brief(
        &dir,
        &[
            &format!("{ARTICLE}, doi:10.5555/JRS.2023.1187."),
            &format!("{ARTICLE}, https://doi.org/10.5555/jrs.2023.1187"),
            "Benjamin Ollomo, “Data from: A new malaria agent in African hominids”, Dryad, 2011, http://dx.doi.org/10.5061/dryad.8515",
        ],
    );
    let (out, report) = check(&server, &path, &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for r in refs(&report) {
        let c = &r["check"];
        assert_eq!(c["verdict"], "ok", "{r:#}");
        assert_eq!(c["title_match"], "match", "{r:#}");
        assert_eq!(c["doi"]["source"], "registered-metadata");
        assert_eq!(c["doi"]["decides"], true);
        assert!(rules(&r).is_empty(), "{:?}", rules(&r));
    }
    let first = &refs(&report)[0];
    assert_eq!(first["check"]["doi"]["doi"], "10.5555/jrs.2023.1187");
    assert_eq!(first["check"]["doi"]["metadata"]["container"], "Journal of Regional Studies");
    assert_eq!(first["check"]["doi"]["metadata"]["authors"][1], "Omar Haider");
    assert_eq!(first["check"]["page_title"], "Cross-border trade after the Torkham closure");
    // Content negotiation survived the resolver's redirect; the landing page, which blocks
    // robots, was never asked for; one lookup served both notes citing the DOI.
    let agency = server.requests_for("/agency/crossref/10.5555/jrs.2023.1187");
    assert_eq!(agency.len(), 1);
    assert!(asks_for_csl(&agency[0]));
    assert_eq!(server.hits("/journal/article/1187"), 0);
}

#[test]
fn registered_metadata_that_disagrees_gives_findings_naming_it() {
    let server = doi_web();
    let dir = tempfile::tempdir().unwrap();
    let path = brief(
        &dir,
        &[
            &format!("{ARTICLE}, doi:10.5555/jrs.2023.1188"),
            "Amir Siddiqui, “Cross-border trade after the Torkham closure”, *Asian Affairs*, 2021, doi:10.5555/jrs.2023.1187",
        ],
    );
    let (out, report) = check(&server, &path, &[]);
    assert_eq!(out.code, 1);
    let refs = refs(&report);
    assert_eq!(refs[0]["check"]["verdict"], "title-mismatch");
    assert_eq!(rules(&refs[0]), ["title-mismatch"]);
    assert!(
        messages(&refs[0])
            .contains("the DOI's registered metadata gives the title “Fisheries policy in the Arabian Sea”")
    );
    assert_eq!(refs[1]["check"]["verdict"], "ok");
    let mut found = rules(&refs[1]);
    found.sort();
    assert_eq!(found, ["author-not-found", "date-differs", "publication-differs"]);
    let text = messages(&refs[1]);
    assert!(text.contains("cited date 2021, the DOI's registered metadata says 2023-03-01"), "{text}");
    assert!(text.contains("“Journal of Regional Studies” (published by “Regional Policy Press”)"), "{text}");
    assert!(
        text.contains("not among the authors in the DOI's registered metadata (Sana Mirza, Omar Haider)"),
        "{text}"
    );
}

#[test]
fn an_unregistered_doi_is_dead() {
    let server = doi_web();
    let dir = tempfile::tempdir().unwrap();
    let path = brief(&dir, &["“A report that never was”, doi:10.5555/missing.404"]);
    let (out, report) = check(&server, &path, &[]);
    assert_eq!(out.code, 1);
    let r = &refs(&report)[0];
    assert_eq!(r["check"]["verdict"], "dead");
    assert_eq!(r["check"]["status"], 404);
    assert_eq!(r["check"]["doi"]["error"], "not registered");
    assert!(messages(r).contains("DOI 10.5555/missing.404 is not registered (the resolver answered HTTP 404)"));
}

#[test]
fn agencies_that_do_not_negotiate_fall_back_to_the_landing_page() {
    let server = doi_web();
    let dir = tempfile::tempdir().unwrap();
    let path = brief(
        &dir,
        &[
            "“Water security in the Indus basin”, Institute report 9, doi:10.7777/report.9",
            "“Heat and health in South Asian cities”, doi:10.8888/brief.3",
            "“Monsoon forecasting at district level”, doi:10.9999/broken.1",
        ],
    );
    let (out, report) = check(&server, &path, &[]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    let refs = refs(&report);
    for r in &refs {
        assert_eq!(r["check"]["verdict"], "ok", "{r:#}");
        assert_eq!(r["check"]["title_match"], "match", "{r:#}");
        assert_eq!(r["check"]["doi"]["source"], "landing-page", "{r:#}");
    }
    assert!(refs[0]["check"]["doi"]["error"].as_str().unwrap().contains("HTTP 406"));
    assert!(refs[1]["check"]["doi"]["error"].as_str().unwrap().contains("text/html"));
    assert!(refs[2]["check"]["doi"]["error"].as_str().unwrap().contains("could not be read"), "{:#}", refs[2]);
    // The landing page was fetched without asking for metadata.
    let landing = server.requests_for("/institute/report-9");
    assert_eq!(landing.len(), 1);
    assert!(!asks_for_csl(&landing[0]));
    // An agency that answered with its landing page already was not asked twice.
    assert_eq!(server.hits("/institute/brief-3"), 1);
}

#[test]
fn a_url_and_a_doi_are_both_checked() {
    let server = doi_web();
    let dir = tempfile::tempdir().unwrap();
    let page = server.url("/journal/article/1188");
    let blocked = server.url("/journal/article/1187");
    let path = brief(
        &dir,
        &[
            // The page matches the cited title, its DOI is another work's.
            &format!("“Fisheries policy in the Arabian Sea”, {page}, doi:10.5555/jrs.2023.1187"),
            // No title cited: the page's title is held against the DOI's.
            &format!("<{page}>, doi:10.5555/jrs.2023.1187"),
            // The page blocks robots; the registered metadata verifies the citation.
            &format!("{ARTICLE}, {blocked}, doi:10.5555/jrs.2023.1187"),
            // An unregistered DOI next to a good page.
            &format!("“Fisheries policy in the Arabian Sea”, {page}, doi:10.5555/nowhere.1"),
        ],
    );
    let (out, report) = check(&server, &path, &[]);
    assert_eq!(out.code, 1);
    let refs = refs(&report);
    assert_eq!(refs[0]["check"]["verdict"], "ok");
    assert_eq!(rules(&refs[0]), ["title-mismatch"]);
    assert!(
        messages(&refs[0])
            .contains("the DOI's registered metadata gives the title “Cross-border trade after the Torkham closure”")
    );
    assert_eq!(refs[0]["check"]["doi"]["decides"], false);
    assert!(rules(&refs[1]).contains(&"title-mismatch".to_owned()), "{:?}", rules(&refs[1]));
    assert!(messages(&refs[1]).contains("the DOI may belong to another work"));
    assert_eq!(refs[2]["check"]["verdict"], "ok", "{:#}", refs[2]);
    assert_eq!(refs[2]["check"]["status"], 403);
    assert_eq!(refs[2]["check"]["doi"]["decides"], true);
    assert!(rules(&refs[2]).contains(&"unverifiable".to_owned()));
    assert_eq!(refs[3]["check"]["verdict"], "ok");
    assert_eq!(rules(&refs[3]), ["dead-link"]);
    assert!(messages(&refs[3]).contains("its DOI 10.5555/nowhere.1 is not registered"));
}

#[test]
fn lookups_can_be_turned_off_and_bad_resolvers_are_usage_errors() {
    let server = doi_web();
    let dir = tempfile::tempdir().unwrap();
    let path = brief(&dir, &["“Water security in the Indus basin”, doi:10.7777/report.9"]);
    // With lookups off, the DOI's link is fetched as a page (here: remapped onto the server).
    let remap = format!(r"^https://doi\.org/(.*)$ {}/$1", server.base_url());
    let (out, report) = check(&server, &path, &["--doi-resolver", "none", "--remap", &remap]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    let r = &refs(&report)[0];
    assert!(r["check"]["doi"].is_null());
    assert_eq!(r["check"]["verdict"], "ok");
    assert_eq!(server.hits("/agency/plain/10.7777/report.9"), 0);
    // The configuration key, and a mistake in it named by line and column.
    let toml = dir.path().join("citecheck.toml");
    std::fs::write(&toml, format!("doi-resolver = \"{}\"\nallow-private = true\n", server.base_url())).unwrap();
    let out = citecheck(["check", "--format", "json", "--no-progress", "--host-interval", "0ms"])
        .arg(&path)
        .current_dir(dir.path())
        .json()
        .1;
    assert_eq!(refs(&out)[0]["check"]["doi"]["source"], "landing-page");
    std::fs::write(&toml, "\ndoi-resolver = \"ftp://x\"\n").unwrap();
    let out = citecheck(["check", "--no-progress"]).arg(&path).current_dir(dir.path()).run();
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("citecheck.toml:2:") && out.stderr.contains("doi-resolver"), "{}", out.stderr);
    for bad in ["ftp://resolver.example", "not a url", "https://doi.org/?x=1"] {
        let out = citecheck(["check", "--no-config", "--doi-resolver", bad, &path]).run();
        assert_eq!(out.code, 2, "{bad}");
        assert!(out.stderr.contains("doi-resolver"), "{}", out.stderr);
    }
}

#[test]
fn the_human_report_names_the_evidence() {
    let server = doi_web();
    let dir = tempfile::tempdir().unwrap();
    let path = brief(
        &dir,
        &[
            &format!("{ARTICLE}, doi:10.5555/jrs.2023.1188"),
            "“Water security in the Indus basin”, doi:10.7777/report.9",
        ],
    );
    let out = citecheck(["check", "--allow-private", "--no-progress", "--no-config", "--color", "never"])
        .arg("--doi-resolver")
        .arg(server.base_url())
        .arg(&path)
        .run();
    assert!(out.stdout.contains("DOI 10.5555/jrs.2023.1188 · the DOI's registered metadata"), "{}", out.stdout);
    assert!(out.stdout.contains("DOI:   "), "{}", out.stdout);
    assert!(out.stdout.contains("DOI 10.7777/report.9 · the DOI's landing page (the registration agency answered HTTP 406 instead of metadata)"), "{}", out.stdout);
}
