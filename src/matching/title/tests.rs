use super::*;
use crate::page::TitleSource;

fn cands(texts: &[&str]) -> Vec<TitleCandidate> {
    texts.iter().map(|t| TitleCandidate { source: TitleSource::HtmlTitle, text: t.to_string() }).collect()
}

fn grade(cited: &str, page: &str) -> TitleGrade {
    compare_titles(cited, &cands(&[page]), None, None).map(|m| m.grade).unwrap_or(TitleGrade::Mismatch)
}

fn grade_at(cited: &str, page: &str, site: Option<&str>, host: Option<&str>) -> TitleGrade {
    compare_titles(cited, &cands(&[page]), site, host).map(|m| m.grade).unwrap_or(TitleGrade::Mismatch)
}

use TitleGrade::{Match, Mismatch, Near};

#[test]
fn equal_after_normalisation_is_a_match() {
    assert_eq!(
        grade(
            "Pakistan ‘walking the talk’ on peace in Afghanistan",
            "Pakistan 'walking the talk' on peace in Afghanistan"
        ),
        Match
    );
    assert_eq!(
        grade(
            "Pakistan Taliban ends ceasefire with gov't, threatens new attacks",
            "Pakistan Taliban ends ceasefire with govt, threatens new attacks"
        ),
        Match
    );
    assert_eq!(grade("Law &amp; order in *Karachi*", "Law and Order in Karachi"), Match);
    let m = compare_titles(
        "Envoy wraps up fruitful Kabul trip",
        &cands(&["Envoy wraps up fruitful Kabul trip"]),
        None,
        None,
    );
    assert_eq!(m.map(|m| (m.grade, m.score)), Some((Match, 1.0)));
}

#[test]
fn site_affixes_subtitles_and_articles_are_allowed() {
    let guardian = "Pakistan 'walking the talk' on peace in Afghanistan | Pakistan | The Guardian";
    assert_eq!(
        grade_at("Pakistan “walking the talk” on peace in Afghanistan", guardian, None, Some("www.theguardian.com")),
        Match
    );
    let dawn = "Peace and progress in Afghanistan necessary for regional stability: envoy - Pakistan - DAWN.COM";
    let cited = "Peace and progress in Afghanistan necessary for regional stability: envoy";
    assert_eq!(grade_at(cited, dawn, Some("DAWN.COM"), Some("www.dawn.com")), Match);
    assert_eq!(grade(cited, dawn), Match);
    // The cited title drops the page's subtitle, or the other way round.
    assert_eq!(grade("Peace and progress in Afghanistan necessary for regional stability", cited), Match);
    assert_eq!(grade(cited, "Peace and progress in Afghanistan necessary for regional stability"), Match);
    assert_eq!(grade("The Taliban's new order", "Taliban's new order"), Match);
    assert_eq!(
        grade_at("Al Jazeera: Taliban ends ceasefire", "Taliban ends ceasefire", Some("Al Jazeera"), None),
        Match
    );
}

#[test]
fn the_seed_slip_is_near() {
    let m = compare_titles(
        "Rise in terrorism in 2024 pushes Pakistan towards pre-APS era",
        &cands(&["Rise is terrorism in 2024 pushes Pakistan towards pre-APS era"]),
        Some("PIPS"),
        Some("www.pakpips.com"),
    )
    .expect("a verdict");
    assert_eq!(m.grade, Near);
    assert!(m.score > 0.9 && m.score < 1.0, "{}", m.score);
    assert_eq!(
        m.diff[..3],
        [WordDiff::Same("Rise".into()), WordDiff::Missing("in".into()), WordDiff::Extra("is".into())]
    );
}

#[test]
fn small_slips_are_near() {
    assert_eq!(
        grade("Pakistan organises regional security conference", "Pakistan organizes regional security conference"),
        Near
    );
    assert_eq!(
        grade("Neighbours meet at the trade centre in Kabul", "Neighbors meet at the trade center in Kabul"),
        Near
    );
    assert_eq!(grade("Three killed in Peshawar blast", "3 killed in Peshawar blast"), Near);
    assert_eq!(grade("Twenty-seven killed in Peshawar blast", "27 killed in Peshawar blast"), Near);
    assert_eq!(grade("Afghan e-mail leak reveals talks", "Afghan email leak reveals talks"), Near);
    assert_eq!(
        grade(
            "Torkham border reopens after closure following jirga talks",
            "Torkham border reopens after the closure following jirga talks"
        ),
        Near
    );
    assert_eq!(
        grade(
            "Afghanistan signs strategic cooperation agreement with Iran",
            "Afghanistan signs strategic coperation agreement with Iran"
        ),
        Near
    );
    assert_eq!(
        grade(
            "Rise in terrorism in 2024 pushes Pakistan…",
            "Rise in terrorism in 2024 pushes Pakistan towards pre-APS era"
        ),
        Near
    );
}

#[test]
fn content_changes_are_mismatches() {
    assert_eq!(grade("Envoy wraps up fruitful Kabul trip", "Envoy wraps up Kabul trip"), Mismatch);
    assert_eq!(grade("Envoy wraps up Kabul trip", "Envoy wraps up fruitful Kabul trip"), Mismatch);
    assert_eq!(
        grade(
            "Rise in terrorism in 2024 pushes Pakistan towards pre-APS era",
            "Rise in terrorism in 2025 pushes Pakistan towards pre-APS era"
        ),
        Mismatch
    );
    assert_eq!(grade("Pakistan Taliban ends ceasefire", "Pakistan Taliban extends ceasefire"), Mismatch);
    assert_eq!(grade("Torkham border reopens", "Chaman border closes after clashes"), Mismatch);
    // Three slips are more than a slip.
    assert_eq!(
        grade(
            "Rise in terrorism in 2024 pushes Pakistan towards pre-APS era",
            "Rise is terorism on 2024 pushes Pakistan towards pre-APS era"
        ),
        Mismatch
    );
}

#[test]
fn short_titles_get_no_slack() {
    assert_eq!(grade("Peace talks", "Peace talk"), Mismatch);
    assert_eq!(grade("Kabul diary", "Kabul dairy"), Mismatch);
    assert_eq!(grade("Defence budget", "Defense budget"), Near);
    assert_eq!(grade("Peace talks", "The peace talks"), Match);
}

#[test]
fn generic_page_titles_are_mismatches() {
    let m = compare_titles("Peace and progress in Afghanistan", &cands(&["DAWN.COM"]), None, Some("www.dawn.com"));
    assert_eq!(m.map(|m| m.grade), Some(Mismatch));
    assert_eq!(grade("Peace and progress in Afghanistan", "Home"), Mismatch);
    assert_eq!(
        grade_at("Peace and progress in Afghanistan", "The Express Tribune", Some("The Express Tribune"), None),
        Mismatch
    );
    // A main part must be a real title, not a site name or a single word.
    assert_eq!(grade("Home: peace and progress", "Home"), Mismatch);
}

#[test]
fn the_best_candidate_decides() {
    let page =
        cands(&["DAWN.COM", "Envoy wraps up Kabul trip", "Envoy wraps up fruitful Kabul trip - Pakistan - DAWN.COM"]);
    let m = compare_titles("Envoy wraps up fruitful Kabul trip", &page, Some("DAWN.COM"), Some("www.dawn.com"))
        .expect("a verdict");
    assert_eq!((m.grade, m.candidate, m.score), (Match, 2, 1.0));
    assert_eq!(compare_titles("Envoy", &[], None, None), None);
    assert_eq!(compare_titles(" — ", &page, None, None), None);
}

#[test]
fn diff_marks_differing_words_with_original_spelling() {
    let m = compare_titles(
        "Envoy wraps up fruitful Kabul trip",
        &cands(&["Envoy wraps up Kabul trip, says FO"]),
        None,
        None,
    )
    .expect("a verdict");
    use WordDiff::{Extra, Missing, Same};
    assert_eq!(
        m.diff,
        [
            Same("Envoy".into()),
            Same("wraps".into()),
            Same("up".into()),
            Missing("fruitful".into()),
            Same("Kabul".into()),
            Same("trip".into()),
            Extra("says".into()),
            Extra("FO".into())
        ]
    );
    let json = serde_json::to_string(&m.diff[3]).expect("serialises");
    assert_eq!(json, r#"{"op":"missing","word":"fruitful"}"#);
    assert_eq!(serde_json::to_string(&m.grade).expect("serialises"), r#""mismatch""#);
}

#[test]
fn non_latin_titles() {
    // Urdu
    let ur = "پاکستان اور افغانستان کے درمیان مذاکرات";
    assert_eq!(grade(ur, ur), Match);
    assert_eq!(grade(ur, "پاکستان اور افغانستان کے درمیان مذاکرات - ڈان نیوز"), Match);
    assert_eq!(grade(ur, "پاکستان اور ایران کے درمیان مذاکرات"), Mismatch);
    // Arabic, with and without harakat
    assert_eq!(grade("باكستان وأفغانستان تتفقان على السلام", "بَاكِسْتَان وأفغانستان تتفقان على السلام"), Match);
    assert_eq!(grade("باكستان وأفغانستان تتفقان على السلام", "باكستان وإيران تتفقان على التجارة"), Mismatch);
    // Chinese: no spaces, compared per character
    assert_eq!(grade("巴基斯坦与阿富汗恢复和谈", "巴基斯坦与阿富汗恢复和谈_新华网"), Match);
    assert_eq!(grade("巴基斯坦与阿富汗恢复和谈", "巴基斯坦与阿富汗恢复和谈 | 新华网"), Match);
    assert_eq!(grade("巴基斯坦与阿富汗恢复和谈", "巴基斯坦与印度恢复和谈"), Mismatch);
    // Cyrillic
    assert_eq!(
        grade("Пакистан и Афганистан возобновили переговоры", "ПАКИСТАН И АФГАНИСТАН ВОЗОБНОВИЛИ ПЕРЕГОВОРЫ"),
        Match
    );
    assert_eq!(grade("Пакистан и Афганистан возобновили переговоры", "Пакистан и Индия прервали переговоры"), Mismatch);
}

#[test]
fn a_title_always_matches_itself() {
    let words = [
        "Pakistan",
        "Afghanistan",
        "peace",
        "talks",
        "the",
        "of",
        "in",
        "Kabul",
        "2024",
        "‘walking’",
        "gov't",
        "—",
        ":",
        "|",
        "-",
        "envoy",
        "DAWN.COM",
        "The",
        "A",
        "巴基斯坦",
        "پاکستان",
        "Пакистан",
        "&amp;",
        "*x*",
        "…",
        "...",
    ];
    let mut rng = fastrand::Rng::with_seed(7);
    for _ in 0..2000 {
        let n = rng.usize(1..12);
        let title: Vec<&str> = (0..n).map(|_| words[rng.usize(0..words.len())]).collect();
        let title = title.join(" ");
        if normalize(&title).is_empty() {
            assert_eq!(compare_titles(&title, &cands(&[&title]), None, None), None);
            continue;
        }
        let m = compare_titles(&title, &cands(&[&title]), None, None).expect("a verdict");
        assert_eq!((m.grade, m.score), (Match, 1.0), "{title}");
        assert!(m.diff.iter().all(|d| matches!(d, WordDiff::Same(_))), "{title}");
    }
}

#[test]
fn scores_are_bounded_and_deterministic() {
    let mut rng = fastrand::Rng::with_seed(11);
    let words = ["peace", "talks", "pakistan", "kabul", "the", "of", "envoy", "trip", "talk", "pece", "3", "three"];
    for _ in 0..1000 {
        let a: Vec<&str> = (0..rng.usize(1..9)).map(|_| words[rng.usize(0..words.len())]).collect();
        let b: Vec<&str> = (0..rng.usize(1..9)).map(|_| words[rng.usize(0..words.len())]).collect();
        let (a, b) = (a.join(" "), b.join(" "));
        let m1 = compare_titles(&a, &cands(&[&b]), None, None).expect("a verdict");
        let m2 = compare_titles(&a, &cands(&[&b]), None, None).expect("a verdict");
        assert_eq!(m1, m2);
        assert!((0.0..=1.0).contains(&m1.score));
        assert_eq!((m1.score * 100.0).round() / 100.0, m1.score);
    }
}
