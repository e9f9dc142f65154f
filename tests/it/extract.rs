//! `citecheck extract`: the seed corpus, input errors and exit codes.

use serde_json::Value;

use crate::harness::citecheck;

const BRIEF: &str = "seeds/issi-brief-resetting-ties.txt";

fn refs(report: &Value) -> &Vec<Value> {
    report["documents"][0]["references"].as_array().expect("references array")
}

#[test]
fn seed_brief_gives_its_nine_references() {
    let (out, report) = citecheck(["extract", "--format", "json", BRIEF]).json();
    out.code(0);
    assert_eq!(report["version"], 1);
    assert_eq!(report["summary"]["references"], 9);
    assert_eq!(report["summary"]["errors"], 0);
    let refs = refs(&report);
    // (label, author, title, publication, date)
    type Row<'a> = (&'a str, Option<&'a str>, &'a str, Option<&'a str>, &'a str);
    let expected: [Row; 9] = [
        ("1", Some("Kamran Yousaf"), "Envoy wraps up fruitful Kabul trip", Some("Express Tribune"), "2025-03-24"),
        (
            "2",
            Some("Tahir Khan"),
            "Peace and progress in Afghanistan necessary for regional stability: envoy",
            Some("Dawn"),
            "2025-03-23",
        ),
        (
            "3",
            Some("Shaukat Piracha"),
            "Major breakthrough in Pakistan-Afghanistan relations as joint committee meeting scheduled",
            Some("Aaj Tv"),
            "2025-03-24",
        ),
        (
            "4",
            None,
            "Torkham border reopens after 27-day closure following jirga talks",
            Some("The Nation"),
            "2025-03-22",
        ),
        (
            "5",
            Some("Abid Hussain"),
            "Pakistan Taliban ends ceasefire with gov't, threatens new attacks",
            Some("Al Jazeera"),
            "2022-11-28",
        ),
        (
            "6",
            None,
            "Rise in terrorism in 2024 pushes Pakistan towards pre-APS era",
            Some("Pakistan Institute for Peace Studies (PIPS)"),
            "2025-01-01",
        ),
        (
            "7",
            Some("Jon Boone"),
            "Pakistan 'walking the talk' on peace in Afghanistan",
            Some("The Guardian"),
            "2012-12-01",
        ),
        (
            "8",
            None,
            "Text of Agreement on Strategic Partnership between the Republic of India and the Islamic Republic of Afghanistan",
            None,
            "2011-10-04",
        ),
        ("9", None, "Afghanistan Signs Strategic Cooperation Agreement With Iran", Some("Tolo News"), "2013-08-05"),
    ];
    assert_eq!(refs.len(), expected.len());
    for (r, (label, author, title, container, date)) in refs.iter().zip(expected) {
        assert_eq!(r["label"], label);
        let authors: Vec<&str> = r["authors"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
        assert_eq!(authors, author.into_iter().collect::<Vec<_>>(), "authors of note {label}");
        assert_eq!(r["title"], title, "title of note {label}");
        if let Some(container) = container {
            assert_eq!(r["container"], container, "container of note {label}");
        }
        assert_eq!(r["date"], date, "date of note {label}");
        assert_eq!(r["markers"].as_array().unwrap().len(), 1, "note {label} has one marker");
        assert!(r["url"].as_str().unwrap().starts_with("https://"), "url of note {label}");
    }
    assert_eq!(refs[0]["url"], "https://tribune.com.pk/story/2536087/envoy-wraps-up-fruitful-kabul-trip");
    assert_eq!(refs[1]["url"], "https://www.dawn.com/news/amp/1899846");
    assert_eq!(refs[5]["url"], "https://www.pakpips.com/article/8253");
    assert_eq!(refs[7]["accessed"], "2025-03-25");
    assert_eq!(
        refs[7]["url"],
        "https://www.mea.gov.in/bilateral-documents.htm?dtl/5383/Text+of+Agreement+on+Strategic+Partnership+between+the+Republic+of+India+and+the+Islamic+Republic+of+Afghanistan"
    );
    // Positions: note 1 starts line 22; its marker is "Azizi. ¹" on line 18.
    assert_eq!((refs[0]["line"].as_u64(), refs[0]["column"].as_u64()), (Some(22), Some(1)));
    assert_eq!(refs[0]["markers"][0]["line"], 18);
    assert_eq!(refs[0]["markers"][0]["column"], 415);
}

#[test]
fn seeds_without_footnotes_are_normal() {
    for seed in [
        "seeds/dar-kabul-visit-recalibrating-ties.txt",
        "seeds/rescuing-pakistan-afghanistan-relations.txt",
        "seeds/pakistan-afghanistan-counterterrorism-accord.txt",
        "seeds/doha-istanbul-talks-collapse.txt",
    ] {
        citecheck(["extract", seed]).run().code(0).stdout_has("no footnoted references found");
        let (_, report) = citecheck(["extract", "--format", "json", seed]).json();
        assert_eq!(report["summary"]["references"], 0, "{seed}");
        assert_eq!(report["documents"][0]["findings"].as_array().unwrap().len(), 0, "{seed}");
    }
}

#[test]
fn a_directory_is_read_in_sorted_order() {
    let (out, report) = citecheck(["extract", "--format", "json", "seeds"]).json();
    out.code(0);
    let paths: Vec<&str> =
        report["documents"].as_array().unwrap().iter().map(|d| d["path"].as_str().unwrap()).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
    // The five seeds, and the folder's README (a Markdown document with no notes).
    assert_eq!(paths.iter().filter(|p| p.ends_with(".txt")).count(), 5);
    assert!(paths.iter().all(|p| p.ends_with(".txt") || p.ends_with("README.md")), "{paths:?}");
}

#[test]
fn human_output_is_a_table_per_document() {
    citecheck(["extract", BRIEF])
        .run()
        .code(0)
        .stdout_has("issi-brief-resetting-ties.txt · text · 9 references")
        .stdout_has("Kamran Yousaf")
        .stdout_has("https://www.dawn.com/news/amp/1899846")
        .stdout_has("9 references in 1 document: 0 errors");
}

#[test]
fn input_errors_name_the_file_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "  \n\n").unwrap();
    let binary = dir.path().join("image.txt");
    std::fs::write(&binary, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    let no_docs = dir.path().join("nothing");
    std::fs::create_dir(&no_docs).unwrap();
    std::fs::write(no_docs.join("data.csv"), "a,b\n").unwrap();

    for (path, says) in [
        (dir.path().join("missing.txt"), "missing.txt"),
        (empty, "the file is empty"),
        (binary, "binary file"),
        (no_docs, "no documents found"),
    ] {
        let out = citecheck(["extract".as_ref(), path.as_os_str()]).run();
        out.code(2).stderr_has(says);
        assert_eq!(out.stderr.lines().count(), 1, "one line: {}", out.stderr);
        assert!(!out.stderr.contains("panicked"));
    }
}

#[test]
fn one_bad_input_does_not_hide_the_others() {
    let out = citecheck(["extract", "missing.txt", BRIEF]).run();
    out.code(2).stderr_has("missing.txt").stdout_has("9 references");
}

#[test]
fn invalid_utf8_is_decoded_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cp1252.txt");
    // A Word export saved as windows-1252: curly quotes, an é, and a superscript one.
    let text = "The caf\u{e9} owners\u{2019} association said \u{201c}business is back\u{201d} in the old city, \
                and the municipality\u{2019}s figures agree.\u{b9}\n\n\u{b9} \u{201c}A title\u{201d}, 2020, \
                <https://a.example/x>\n";
    let bytes: Vec<u8> = encoding_rs::WINDOWS_1252.encode(text).0.into_owned();
    std::fs::write(&path, bytes).unwrap();
    let (out, report) = citecheck(["extract".as_ref(), "--format".as_ref(), "json".as_ref(), path.as_os_str()]).json();
    out.code(0);
    let rules: Vec<&str> =
        report["documents"][0]["findings"].as_array().unwrap().iter().filter_map(|f| f["rule"].as_str()).collect();
    assert!(rules.contains(&"input-decoding"), "{rules:?}");
    // Decoded as windows-1252, not replaced: the superscript and the curly quotes survive.
    assert_eq!(report["summary"]["references"], 1);
    assert_eq!(report["documents"][0]["references"][0]["title"], "A title");
    assert_eq!(report["documents"][0]["references"][0]["markers"][0]["line"], 1);
}

#[test]
fn stdin_is_read_with_a_dash_and_format_is_sniffed() {
    let md = "Trade resumed.[^1]\n\n[^1]: “Envoy wraps up”, *Dawn*, 2025, <https://www.dawn.com/news/1>\n";
    let (out, report) = citecheck(["extract", "--format", "json", "-"]).stdin(md).json();
    out.code(0);
    assert_eq!(report["documents"][0]["path"], "<stdin>");
    assert_eq!(report["documents"][0]["format"], "markdown");
    assert_eq!(report["summary"]["references"], 1);
    let (_, forced) = citecheck(["extract", "--format", "json", "--input-format", "text", "-"]).stdin(md).json();
    assert_eq!(forced["documents"][0]["format"], "text");
}

#[test]
fn error_findings_exit_1_and_fail_on_never_exits_0() {
    let text = "A claim.¹ Another.²\n\n¹ “T”, 2020, <https://a.example/1>\n";
    citecheck(["extract", "-"]).stdin(text).run().code(1).stdout_has("error[orphan-marker]");
    citecheck(["extract", "--fail-on", "never", "-"]).stdin(text).run().code(0);
}

#[test]
fn a_long_single_line_document_is_handled() {
    // Linear time is measured by the benchmark; here it is enough that it completes and is right.
    let mut text = String::with_capacity(4 << 20);
    while text.len() < (4 << 20) {
        text.push_str("Trade across the border resumed after talks, ¹ and prices fell by 20 percent (2021). ");
    }
    text.push_str("\n\n¹ “Envoy wraps up fruitful Kabul trip”, *Express Tribune*, March 24, 2025, <https://tribune.com.pk/story/1>\n");
    let (out, report) = citecheck(["extract", "--format", "json", "-"]).stdin(text).json();
    out.code(0);
    assert_eq!(report["summary"]["references"], 1);
    assert!(refs(&report)[0]["markers"].as_array().unwrap().len() > 40_000);
}

#[test]
fn usage_errors_exit_2() {
    citecheck(["extract"]).run().code(2);
    citecheck(["extract", "--format", "yaml", BRIEF]).run().code(2);
    citecheck(["frobnicate"]).run().code(2);
    citecheck(["--help"]).run().code(0).stdout_has("Usage");
}

#[test]
fn every_output_format_is_reachable_from_the_command_line() {
    let lint = "fixtures/docs/lint/orphan-marker.txt";
    let sarif = citecheck(["extract", "--format", "sarif", lint]).run();
    let sarif: Value = serde_json::from_str(&sarif.stdout).expect("SARIF is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    citecheck(["extract", "--format", "junit", lint]).run().code(1).stdout_has("<testsuites");
    citecheck(["extract", "--format", "markdown", lint]).run().code(1).stdout_has("| ");
    citecheck(["extract", "--format", "html", lint]).run().code(1).stdout_has("<!DOCTYPE html>");
    citecheck(["extract", "--format", "github", lint]).run().code(1).stdout_has("::error file=");
}

#[test]
fn github_format_appends_a_step_summary() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    citecheck(["extract", "--format", "github", BRIEF]).env("GITHUB_STEP_SUMMARY", &summary).run().code(0);
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(text.starts_with("earlier step\n"), "appended, not replaced");
    assert!(text.contains("citecheck"), "{text}");
}

#[test]
fn the_recorded_time_can_be_fixed_for_reproducible_output() {
    let run = |extra: &[&str]| {
        let mut args = vec!["extract", "--format", "json"];
        args.extend_from_slice(extra);
        args.push(BRIEF);
        citecheck(args).json().1
    };
    assert_eq!(run(&["--timestamp", "2025-03-24T09:30:00Z"])["run"]["started"], "2025-03-24T09:30:00Z");
    assert_eq!(run(&["--timestamp", "0"])["run"]["started"], "1970-01-01T00:00:00Z");
    assert!(run(&["--timestamp", "none"])["run"]["started"].is_null());
    citecheck(["extract", "--timestamp", "soon", BRIEF]).run().code(2).stderr_has("--timestamp");
}

#[test]
fn limits_can_be_set_in_the_configuration_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("citecheck.toml"), "max-notes = 1\n").unwrap();
    let doc = dir.path().join("brief.txt");
    std::fs::write(&doc, "One.¹ Two.²\n\n¹ “A”, 2020, <https://a.example/1>\n² “B”, 2021, <https://a.example/2>\n")
        .unwrap();
    let (_, report) = citecheck(["extract", "--format", "json", "brief.txt"]).current_dir(dir.path()).json();
    assert_eq!(report["summary"]["references"], 1);
    let rules: Vec<&str> =
        report["documents"][0]["findings"].as_array().unwrap().iter().filter_map(|f| f["rule"].as_str()).collect();
    assert!(rules.contains(&"input-limit"), "{rules:?}");
}

#[test]
fn json_on_stdout_is_the_report_file_byte_for_byte() {
    // Standard output is written document by document as they are read; a report file is the
    // whole report rendered at the end. The two must agree, input errors and exit codes too.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.json");
    for inputs in [
        vec!["fixtures/docs", "seeds"],
        vec!["missing.txt", BRIEF, "fixtures/docs/lint"],
        vec![BRIEF, "--uncited", "--fail-on", "warning"],
    ] {
        let mut args: Vec<String> =
            ["extract", "--no-config", "--format", "json", "--timestamp", "0"].map(str::to_owned).to_vec();
        args.extend(inputs.iter().map(|s| (*s).to_owned()));
        let streamed = citecheck(&args).run();
        args.extend(["--report".to_owned(), format!("json={}", file.display())]);
        let whole = citecheck(&args).run();
        assert_eq!(streamed.code, whole.code, "{inputs:?}");
        assert_eq!(streamed.stderr, whole.stderr, "{inputs:?}");
        assert_eq!(streamed.stdout, std::fs::read_to_string(&file).unwrap(), "{inputs:?}");
        assert_eq!(streamed.stdout, whole.stdout, "{inputs:?}");
    }
    // Nothing readable: no report at all, exit 2.
    let out = citecheck(["extract", "--no-config", "--format", "json", "missing.txt"]).run();
    out.code(2).stderr_has("missing.txt");
    assert!(out.stdout.is_empty(), "{}", out.stdout);
}
