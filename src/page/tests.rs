use super::*;

fn url(s: &str) -> Url {
    Url::parse(s).expect("test URL")
}

fn texts(meta: &PageMeta) -> Vec<(TitleSource, &str)> {
    meta.titles.iter().map(|t| (t.source, t.text.as_str())).collect()
}

/// A page shaped like a real news article: Yoast-style JSON-LD graph, Open Graph, a byline.
const ARTICLE: &str = r#"<!DOCTYPE html>
<html lang="en-GB" dir="ltr"><head>
<meta charset="utf-8">
<title>Peace and progress in Afghanistan necessary for regional stability: envoy - Pakistan - DAWN.COM</title>
<meta name="description" content="Special envoy says Pakistan wants  peaceful,
 stable Afghanistan.">
<meta property="og:site_name" content="DAWN.COM">
<meta property="og:type" content="article">
<meta property="og:title" content="Peace and progress in Afghanistan necessary for regional stability: envoy">
<meta name="twitter:title" content="Peace and progress in Afghanistan necessary for regional stability: envoy">
<meta property="article:published_time" content="2025-03-23T21:45:11+05:00">
<meta property="article:author" content="https://www.facebook.com/dawndotcom">
<meta name="author" content="Tahir Khan">
<link rel="canonical" href="/news/1899846/peace-and-progress">
<script type="application/ld+json">
{"@context":"https://schema.org","@graph":[
 {"@type":"NewsArticle","headline":"Peace and progress in Afghanistan necessary for regional stability: envoy",
  "datePublished":"2025-03-23T21:45:11+05:00","isAccessibleForFree":false,
  "author":{"@type":"Person","name":"Tahir Khan"},"publisher":{"@id":"https://www.dawn.com/#org"}},
 {"@type":"Organization","@id":"https://www.dawn.com/#org","name":"Dawn"}]}
</script>
<script src="/cdn-cgi/challenge-platform/scripts/jsd/main.js"></script>
</head>
<body><nav><a href="/">Home</a> <a href="/login">Log in</a></nav>
<h1 class="story__title">Peace and progress in Afghanistan necessary for regional stability: envoy</h1>
<span class="story__byline">Tahir Khan</span> <time datetime="2025-03-23T21:45:11+05:00">March 23, 2025</time>
<p>KABUL: Pakistan’s special representative said on Sunday that peace and progress in Afghanistan were
necessary for regional stability. Readers who hit a 404 or a captcha should reload the page.</p>
</body></html>"#;

#[test]
fn reads_a_news_article() {
    let m = extract(ARTICLE, Some(&url("https://www.dawn.com/news/amp/1899846")));
    let headline = "Peace and progress in Afghanistan necessary for regional stability: envoy";
    assert_eq!(
        texts(&m),
        [
            (TitleSource::JsonLdHeadline, headline),
            (
                TitleSource::HtmlTitle,
                "Peace and progress in Afghanistan necessary for regional stability: envoy - Pakistan - DAWN.COM"
            ),
        ]
    );
    assert_eq!(m.site.as_deref(), Some("DAWN.COM"));
    assert_eq!(m.date.map(|d| d.to_string()).as_deref(), Some("2025-03-23"));
    assert_eq!(m.authors, ["Tahir Khan"]);
    assert_eq!(m.canonical.as_deref(), Some("https://www.dawn.com/news/1899846/peace-and-progress"));
    assert_eq!(m.language.as_deref(), Some("en-GB"));
    assert_eq!(m.description.as_deref(), Some("Special envoy says Pakistan wants peaceful, stable Afghanistan."));
    assert_eq!(m.signals, PageSignals::default());
    assert_eq!(m.title(), Some(headline));
}

#[test]
fn splits_the_title_when_nothing_else_names_the_article() {
    let html = "<html><head><title>Peace and progress in Afghanistan necessary for regional stability: envoy - Pakistan - DAWN.COM</title></head>";
    let m = extract(html, Some(&url("https://www.dawn.com/news/amp/1899846")));
    assert_eq!(
        texts(&m),
        [
            (TitleSource::HtmlTitleMain, "Peace and progress in Afghanistan necessary for regional stability: envoy"),
            (
                TitleSource::HtmlTitle,
                "Peace and progress in Afghanistan necessary for regional stability: envoy - Pakistan - DAWN.COM"
            ),
        ]
    );
    let html = "<title>Pakistan 'walking the talk' on peace in Afghanistan | Pakistan | The Guardian</title>\
                <meta property='og:site_name' content='the Guardian'>";
    let m = extract(
        html,
        Some(&url("https://www.theguardian.com/world/2012/nov/30/pakistan-walking-walk-afghanistan-peace")),
    );
    assert_eq!(m.titles[0].text, "Pakistan 'walking the talk' on peace in Afghanistan");
    assert_eq!(m.titles[1].source, TitleSource::HtmlTitle);
    assert_eq!(m.date.map(|d| d.to_string()).as_deref(), Some("2012-11-30"));
}

#[test]
fn title_candidates_follow_precedence_and_dedupe() {
    let html = r#"<html><head>
        <meta name="citation_title" content="Citation   title">
        <meta property="og:title" content="Rise is terrorism in 2024 pushes Pakistan towards pre-APS era">
        <meta name="twitter:title" content="Rise is terrorism in 2024 pushes Pakistan towards pre-APS era">
        <meta name="DC.Title" content="Dublin &amp; Core">
        <script type="application/ld+json">[{"@type":["WebPage"],"name":"Page name"},{"@type":"Report","headline":"Report headline","name":"Report name"}]</script>
        <title>Page name</title></head><body><h1> First   <em>heading</em> </h1><h1>Second</h1>"#;
    let m = extract(html, None);
    assert_eq!(
        texts(&m),
        [
            (TitleSource::CitationTitle, "Citation title"),
            (TitleSource::JsonLdHeadline, "Report headline"),
            (TitleSource::JsonLdName, "Report name"),
            (TitleSource::JsonLdName, "Page name"),
            (TitleSource::OgTitle, "Rise is terrorism in 2024 pushes Pakistan towards pre-APS era"),
            (TitleSource::DublinCore, "Dublin & Core"),
            (TitleSource::H1, "First heading"),
        ]
    );
    let json = serde_json::to_value(&m.titles[1]).expect("serialises");
    assert_eq!(json["source"], "json-ld-headline");
}

#[test]
fn site_date_and_author_fallbacks() {
    let html = r#"<head><script type="application/ld+json">{"@type":"NewsArticle","headline":"H",
        "author":[{"@type":"Person","name":"Kamran Yousaf"},"Shaukat Piracha and Amina Khan"],
        "publisher":{"name":"The Express Tribune"},"datePublished":"March 24, 2025"}</script>
        <meta name="citation_author" content="Khan, Tahir"><meta name="parsely-author" content="Kamran Yousaf">
        <meta name="application-name" content="Tribune"></head>"#;
    let m = extract(html, None);
    assert_eq!(m.site.as_deref(), Some("The Express Tribune"));
    assert_eq!(m.date.map(|d| d.to_string()).as_deref(), Some("2025-03-24"));
    assert_eq!(m.authors, ["Khan, Tahir", "Kamran Yousaf", "Shaukat Piracha", "Amina Khan"]);

    let m = extract(
        "<meta name=citation_journal_title content='Strategic Studies'><meta name=pubdate content=20221128>",
        None,
    );
    assert_eq!(m.site.as_deref(), Some("Strategic Studies"));
    assert_eq!(m.date.map(|d| d.to_string()).as_deref(), Some("2022-11-28"));

    let m = extract(
        "<body><time datetime='2013-08-05'>5 Aug</time>",
        Some(&url("https://www.nation.com.pk/22-Mar-2025/x")),
    );
    assert_eq!(m.date.map(|d| d.to_string()).as_deref(), Some("2013-08-05"));
    let m = extract("<title>x</title>", Some(&url("https://www.nation.com.pk/22-Mar-2025/torkham-border-reopens")));
    assert_eq!(m.date.map(|d| d.to_string()).as_deref(), Some("2025-03-22"));
    let m = extract(
        "<title>x</title>",
        Some(&url("https://www.aljazeera.com/news/2022/11/28/pakistan-taliban-ends-ceasefire")),
    );
    assert_eq!(m.date.map(|d| d.to_string()).as_deref(), Some("2022-11-28"));
}

#[test]
fn language_doi_and_canonical_forms() {
    let m = extract(
        "<meta property='og:locale' content='ur_PK'><meta name='citation_doi' content='doi:10.1234/ABC.5'>",
        None,
    );
    assert_eq!(m.language.as_deref(), Some("ur-PK"));
    assert_eq!(m.doi.as_deref(), Some("10.1234/abc.5"));
    let m = extract(
        "<meta http-equiv='Content-Language' content='fr, en'><link rel='alternate canonical' href='https://x.example/a'>",
        None,
    );
    assert_eq!(m.language.as_deref(), Some("fr"));
    assert_eq!(m.canonical.as_deref(), Some("https://x.example/a"));
    let m = extract("<link rel=canonical href='/relative'>", None);
    assert_eq!(m.canonical.as_deref(), Some("/relative"));
}

#[test]
fn signals_on_whole_pages() {
    let not_found =
        "<html><head><title>Page not found - The Nation</title></head><body><h1>Oops! That page can’t be found.</h1>";
    assert!(extract(not_found, None).signals.not_found);
    let cf = r#"<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title></head><body>
        <div class="main-wrapper"><h1 class="zone-name-title h1">tribune.com.pk</h1><p>Verifying you are human. This may take a few seconds.</p></div>
        <script>(function(){window._cf_chl_opt={cvId: '3'};})();</script></body></html>"#;
    let s = extract(cf, None).signals;
    assert!(s.challenge && !s.not_found && !s.login && !s.paywall);
    let dd = r#"<html><head><title>tolonews.com</title></head><body><script>var dd={'rt':'c','cid':'x','hsh':'y','host':'geo.captcha-delivery.com'}</script>
        <script src="https://ct.captcha-delivery.com/c.js"></script></body></html>"#;
    assert!(extract(dd, None).signals.challenge);
    let login = r#"<html><head><title>Sign in | The Express Tribune</title></head><body><form><input name=email><input type=password></form>"#;
    assert!(extract(login, None).signals.login);
    let wall = r#"<html><head><title>Subscribe to continue reading</title>
        <script type="application/ld+json">{"@type":"NewsArticle","isAccessibleForFree":false}</script></head>"#;
    assert!(extract(wall, None).signals.paywall);
    // An ordinary article marked not free is not a paywall.
    assert!(!extract(ARTICLE, None).signals.paywall);
    // An article with a comment form's password box is not a sign-in page.
    let with_form = format!("{ARTICLE}<form><input type=password></form>");
    assert!(!extract(&with_form, None).signals.login);
}

#[test]
fn non_latin_pages() {
    let ur = "<html lang=ur><head><title>پاکستان اور افغانستان کے درمیان مذاکرات - ڈان نیوز</title><meta property='og:site_name' content='ڈان نیوز'></head>";
    let m = extract(ur, None);
    assert_eq!(m.titles[0].text, "پاکستان اور افغانستان کے درمیان مذاکرات");
    assert_eq!(m.language.as_deref(), Some("ur"));
    let zh = "<title>巴基斯坦与阿富汗恢复和谈｜新华网</title><meta property='og:site_name' content='新华网'>";
    assert_eq!(extract(zh, None).titles[0].text, "巴基斯坦与阿富汗恢复和谈");
    assert!(extract("<title>404 - 页面不存在</title>", None).signals.not_found);
}

#[test]
fn garbage_and_empty_input() {
    assert_eq!(extract("", None), PageMeta::default());
    assert_eq!(extract("\u{0}\u{feff}<<<>>>&&&;", None).titles.len(), 0);
    let m = extract("<title>   </title><h1></h1><meta property=og:title content=''>", None);
    assert!(m.titles.is_empty());
    let long = format!("<title>{}</title>", "word ".repeat(2000));
    let n = extract(&long, None).titles[0].text.chars().count();
    assert!((title::MAX_TITLE_CHARS - 5..=title::MAX_TITLE_CHARS).contains(&n), "{n}");
}

#[test]
fn never_panics_on_any_prefix() {
    let mut boundaries = 0;
    for (i, _) in ARTICLE.char_indices() {
        let m = extract(&ARTICLE[..i], Some(&url("https://www.dawn.com/news/amp/1899846")));
        assert!(m.titles.iter().all(|t| !t.text.is_empty()));
        boundaries += 1;
    }
    assert!(boundaries > 1500);
    // And on random bytes made text, and random tag soup.
    let mut rng = fastrand::Rng::with_seed(3);
    let parts = [
        "<title>",
        "</title>",
        "<meta property=og:title content='",
        "'>",
        "<script type=application/ld+json>",
        "{\"@type\":\"Article\",\"headline\":",
        "\"x\"}",
        "</script>",
        "<h1>",
        "&amp;",
        "<!--",
        "-->",
        "<svg>",
        "<",
        ">",
        "Page not found",
        " | ",
        " - ",
        "DAWN.COM",
        "\u{0}",
        "巴",
        "پ",
        "<time datetime=2025-01-01>",
        "<html lang=",
        "\"",
    ];
    for _ in 0..500 {
        let s: String = (0..rng.usize(0..40)).map(|_| parts[rng.usize(0..parts.len())]).collect();
        let _ = extract(&s, Some(&url("https://example.com/2022/11/28/x")));
    }
}

#[test]
fn a_large_page_is_read_quickly() {
    // About 200 KB: the head of ARTICLE and a long body.
    let para = "<p>Pakistan and Afghanistan held talks on trade, security and refugees in Kabul on Sunday, \
                officials said, adding that the joint committee would meet again next month.</p>\n";
    let mut page = ARTICLE.replace("</body></html>", "");
    while page.len() < 200 * 1024 {
        page.push_str(para);
    }
    page.push_str("</body></html>");
    let start = std::time::Instant::now();
    let m = extract(&page, None);
    let took = start.elapsed();
    println!("extract on a {} KB page: {took:?}", page.len() / 1024);
    assert_eq!(m.authors, ["Tahir Khan"]);
    assert!(!m.signals.not_found && !m.signals.challenge);
}
