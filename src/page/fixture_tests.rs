//! The fixture web's pages (`fixtures/web/`) through `extract` and the matchers: the seed
//! brief's nine cited pages and the metadata, soft-404 and wall shapes.

use super::*;
use crate::matching::{TitleGrade, author_named, compare_titles, same_publication};

macro_rules! page {
    ($path:literal) => {
        (concat!("https://", $path), include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/web/", $path)))
    };
}

fn read((address, html): (&str, &str)) -> (PageMeta, Url) {
    let url = Url::parse(address).expect("fixture URL");
    (extract(html, Some(&url)), url)
}

/// One note of the seed brief: cited title, publication, author, date.
struct Cited {
    title: &'static str,
    container: &'static str,
    author: Option<&'static str>,
    date: &'static str,
    grade: TitleGrade,
    page_date: &'static str,
}

fn check(page: (&str, &str), cited: Cited) {
    let (meta, url) = read(page);
    let host = url.host_str();
    let m = compare_titles(cited.title, &meta.titles, meta.site.as_deref(), host).expect("the page has titles");
    assert_eq!(m.grade, cited.grade, "{}: {:?} against {:?}", cited.title, m.page_title, meta.titles);
    assert!(same_publication(cited.container, meta.site.as_deref(), host), "{} / {:?}", cited.container, meta.site);
    if let Some(author) = cited.author {
        assert!(author_named(author, &meta.authors, None), "{author} / {:?}", meta.authors);
    }
    assert_eq!(meta.date.map(|d| d.to_string()).as_deref().unwrap_or(""), cited.page_date, "{}", cited.title);
    let _ = cited.date;
    assert_eq!(meta.signals, PageSignals::default(), "{}", cited.title);
}

#[test]
fn seed_note_1_express_tribune() {
    check(
        page!("tribune.com.pk/story/2536087/envoy-wraps-up-fruitful-kabul-trip"),
        Cited {
            title: "Envoy wraps up fruitful Kabul trip",
            container: "Express Tribune",
            author: Some("Kamran Yousaf"),
            date: "2025-03-24",
            grade: TitleGrade::Match,
            page_date: "2025-03-24",
        },
    );
}

#[test]
fn seed_note_2_dawn_amp_and_canonical() {
    for p in [
        page!("www.dawn.com/news/amp/1899846"),
        page!("www.dawn.com/news/1899846/peace-and-progress-in-afghanistan-necessary-for-regional-stability-envoy"),
    ] {
        check(
            p,
            Cited {
                title: "Peace and progress in Afghanistan necessary for regional stability: envoy",
                container: "Dawn",
                author: Some("Tahir Khan"),
                date: "2025-03-23",
                grade: TitleGrade::Match,
                page_date: "2025-03-23",
            },
        );
    }
    let (meta, _) = read(page!("www.dawn.com/news/amp/1899846"));
    assert_eq!(
        meta.canonical.as_deref(),
        Some(
            "https://www.dawn.com/news/1899846/peace-and-progress-in-afghanistan-necessary-for-regional-stability-envoy"
        )
    );
}

#[test]
fn seed_note_3_aaj() {
    check(
        page!(
            "english.aaj.tv/news/330408470/major-breakthrough-in-pakistan-afghanistan-relations-as-joint-committee-meeting-scheduled"
        ),
        Cited {
            title: "Major breakthrough in Pakistan-Afghanistan relations as joint committee meeting scheduled",
            container: "Aaj Tv",
            author: Some("Shaukat Piracha"),
            date: "2025-03-24",
            grade: TitleGrade::Match,
            page_date: "2025-03-24",
        },
    );
}

#[test]
fn seed_note_4_the_nation() {
    check(
        page!("www.nation.com.pk/22-Mar-2025/torkham-border-reopens-after-27-day-closure-following-jirga-talks"),
        Cited {
            title: "Torkham border reopens after 27-day closure following jirga talks",
            container: "The Nation",
            author: None,
            date: "2025-03-22",
            grade: TitleGrade::Match,
            page_date: "2025-03-22",
        },
    );
}

#[test]
fn seed_note_5_al_jazeera() {
    check(
        page!("www.aljazeera.com/news/2022/11/28/pakistan-taliban-ends-ceasefire-with-govt-threatens-new-attacks"),
        Cited {
            title: "Pakistan Taliban ends ceasefire with gov't, threatens new attacks",
            container: "Al Jazeera",
            author: Some("Abid Hussain"),
            date: "2022-11-28",
            grade: TitleGrade::Match,
            page_date: "2022-11-28",
        },
    );
}

#[test]
fn seed_note_6_pips_typo_is_near() {
    check(
        page!("www.pakpips.com/article/8253"),
        Cited {
            title: "Rise in terrorism in 2024 pushes Pakistan towards pre-APS era",
            container: "Pakistan Institute for Peace Studies (PIPS)",
            author: None,
            date: "2025-01-01",
            grade: TitleGrade::Near,
            page_date: "",
        },
    );
}

#[test]
fn seed_note_7_guardian() {
    check(
        page!("www.theguardian.com/world/2012/nov/30/pakistan-walking-walk-afghanistan-peace"),
        Cited {
            title: "Pakistan 'walking the talk' on peace in Afghanistan",
            container: "The Guardian",
            author: Some("Jon Boone"),
            date: "2012-12-01",
            grade: TitleGrade::Match,
            page_date: "2012-11-30",
        },
    );
}

#[test]
fn seed_note_8_mea() {
    check(
        page!("www.mea.gov.in/bilateral-documents.htm"),
        Cited {
            title: "Text of Agreement on Strategic Partnership between the Republic of India and the Islamic Republic of Afghanistan",
            container: "Ministry of External Affairs, Government of India",
            author: None,
            date: "2011-10-04",
            grade: TitleGrade::Match,
            page_date: "",
        },
    );
}

#[test]
fn seed_note_9_tolonews() {
    check(
        page!("tolonews.com/afghanistan/afghanistan-signs-strategic-cooperation-agreement-iran"),
        Cited {
            title: "Afghanistan Signs Strategic Cooperation Agreement With Iran",
            container: "Tolo News",
            author: None,
            date: "2013-08-05",
            grade: TitleGrade::Match,
            page_date: "2013-08-05",
        },
    );
}

#[test]
fn seed_pages_reject_the_wrong_citation() {
    let (meta, url) = read(page!("tribune.com.pk/story/2536087/envoy-wraps-up-fruitful-kabul-trip"));
    let m = compare_titles("Envoy wraps up Kabul trip", &meta.titles, meta.site.as_deref(), url.host_str());
    assert_eq!(m.map(|m| m.grade), Some(TitleGrade::Mismatch));
    assert!(!same_publication("Dawn", meta.site.as_deref(), url.host_str()));
    assert!(!author_named("Tahir Khan", &meta.authors, None));
}

#[test]
fn news_test_shapes() {
    let grade = |p: (&str, &str), cited: &str| {
        let (meta, url) = read(p);
        compare_titles(cited, &meta.titles, meta.site.as_deref(), url.host_str()).map(|m| m.grade)
    };
    assert_eq!(
        grade(page!("news.test/2024/03/water-tariffs-to-rise"), "Water tariffs to rise by 8pc from July"),
        Some(TitleGrade::Near)
    );
    assert_eq!(
        grade(page!("news.test/2024/02/bridge-collapse-toll"), "At least five killed as Riverton bridge collapses"),
        Some(TitleGrade::Mismatch)
    );
    assert_eq!(
        grade(page!("news.test/amp/2024/03/stadium-funding-vote"), "Stadium funding vote delayed until autumn"),
        Some(TitleGrade::Match)
    );
    let (meta, _) = read(page!("news.test/2023/06/library-reopens-after-renovation"));
    assert_eq!(meta.date.map(|d| d.to_string()).as_deref(), Some("2023-06-14"));
}

#[test]
fn metadata_shapes_extract_the_same_headline() {
    let headline = "Harbour pilots agree new contract";
    for p in [
        page!("meta.test/title-affix/pipe"),
        page!("meta.test/title-affix/dash"),
        page!("meta.test/title-affix/em-dash"),
        page!("meta.test/title-affix/site-prefix"),
        page!("meta.test/2024/08/h1-only"),
        page!("meta.test/2024/08/no-head"),
        page!("meta.test/2024/08/title-without-head-element"),
        page!("meta.test/2024/08/twitter-card-only"),
        page!("meta.test/2024/08/generic-site-title"),
    ] {
        let (meta, url) = read(p);
        assert_eq!(meta.title(), Some(headline), "{url}");
        let m = compare_titles(headline, &meta.titles, meta.site.as_deref(), url.host_str()).expect("titles");
        assert_eq!((m.grade, m.page_title.as_str()), (TitleGrade::Match, headline), "{url}");
    }
}

#[test]
fn scholarly_and_repository_metadata() {
    let (meta, _) = read(page!("meta.test/journals/coastal-studies/article/view/1187"));
    assert_eq!(meta.titles[0].source, TitleSource::CitationTitle);
    assert_eq!(meta.authors, ["Okafor, Maria", "Reyes, Tom", "Lindqvist, Anna"]);
    assert_eq!(meta.site.as_deref(), Some("Journal of Coastal Studies"));
    assert_eq!(meta.doi.as_deref(), Some("10.5555/jcs.2023.1187"));
    assert_eq!(meta.date.map(|d| d.to_string()).as_deref(), Some("2023-11-02"));
    assert!(author_named("Maria Okafor", &meta.authors, None));

    let (meta, _) = read(page!("meta.test/repository/handle/20.500.12345/4410"));
    assert_eq!(meta.titles[0].source, TitleSource::DublinCore);
    assert_eq!(meta.authors.len(), 2);
    assert_eq!(meta.date.map(|d| d.to_string()).as_deref(), Some("2022-05-17"));

    let (meta, _) = read(page!("meta.test/2024/08/port-authority-publishes-annual-report/index.html"));
    assert_eq!(meta.title(), Some("Port authority publishes annual report"));
    assert_eq!(meta.authors, ["Ravi Menon"]);
}

#[test]
fn walls_and_error_pages() {
    let signals = |p: (&str, &str)| read(p).0.signals;
    let not_found = PageSignals { not_found: true, ..PageSignals::default() };
    let challenge = PageSignals { challenge: true, ..PageSignals::default() };
    let login = PageSignals { login: true, ..PageSignals::default() };
    assert_eq!(signals(page!("news.test/2024/06/school-budget-vote")), not_found);
    assert_eq!(signals(page!("news.test/2023/11/mayor-resigns-over-expenses")), not_found);
    assert_eq!(signals(page!("news.test/2019/07/harbour-fire-live-updates")), not_found);
    assert_eq!(signals(page!("fr.news.test/2024/03/le-conseil-adopte-le-budget")), not_found);
    assert_eq!(signals(page!("ur.news.test/2024/03/budget-manzoor")), not_found);
    assert_eq!(signals(page!("ar.news.test/2024/03/iqrar-al-mizaniya")), not_found);
    assert_eq!(signals(page!("shielded.test/2024/06/port-expansion-plans")), challenge);
    assert_eq!(signals(page!("shielded.test/2024/06/fishing-quota-dispute")), challenge);
    assert_eq!(signals(page!("shielded.test/2024/06/harbour-dredging-contract")), challenge);
    assert_eq!(signals(page!("shielded.test/2024/06/ferry-contract-award")), challenge);
    assert_eq!(signals(page!("members.test/account/login")), login);
    // A paywalled article keeps its real title: it is judged, not waved through.
    assert_eq!(signals(page!("paywall.test/2025/02/budget-analysis")), PageSignals::default());
    assert_eq!(signals(page!("large.test/2024/09/the-long-road-through-the-pass")), PageSignals::default());
}

#[test]
fn hostile_text_is_defused() {
    let (meta, _) = read(page!("hostile.test/2024/10/border-talks-resume"));
    for t in &meta.titles {
        assert!(!t.text.chars().any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)), "{:?}", t.text);
    }
    assert!(meta.authors.iter().all(|a| !a.chars().any(char::is_control)));
}

#[test]
fn every_prefix_of_a_seed_page_is_safe() {
    // The whole Dawn page, cut at every 61st character boundary (every one in the first 2 KB).
    let (address, html) = page!("www.dawn.com/news/amp/1899846");
    let url = Url::parse(address).expect("fixture URL");
    for (n, (i, _)) in html.char_indices().enumerate() {
        if i < 2048 || n % 61 == 0 {
            let m = extract(&html[..i], Some(&url));
            assert!(m.titles.iter().all(|t| !t.text.is_empty()));
        }
    }
}
