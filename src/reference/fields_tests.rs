//! Tests of the field parser: the seed brief's notes, each citation style, URL, date and
//! robustness cases.

use super::*;

fn iso(s: &str) -> PartialDate {
    PartialDate::parse_iso(s).unwrap_or_else(|| panic!("bad test date {s}"))
}

/// Every field a note should yield.
#[derive(Debug, Default)]
struct Want<'a> {
    urls: &'a [&'a str],
    title: Option<&'a str>,
    authors: &'a [&'a str],
    container: Option<&'a str>,
    date: Option<&'a str>,
    accessed: Option<&'a str>,
    doi: Option<&'a str>,
}

fn check(text: &str, want: Want<'_>) -> Fields {
    check_with(text, &[], want)
}

fn check_with(text: &str, links: &[Link], want: Want<'_>) -> Fields {
    let f = parse(text, links);
    assert_eq!(f.urls, want.urls, "urls of {text}");
    assert_eq!(f.title.as_deref(), want.title, "title of {text}");
    assert_eq!(f.authors, want.authors, "authors of {text}");
    assert_eq!(f.container.as_deref(), want.container, "container of {text}");
    assert_eq!(f.date, want.date.map(iso), "date of {text}");
    assert_eq!(f.accessed, want.accessed.map(iso), "accessed of {text}");
    assert_eq!(f.doi.as_deref(), want.doi, "doi of {text}");
    assert_eq!(f.repeat, None, "repeat of {text}");
    assert!(f.malformed.is_empty(), "malformed in {text}: {:?}", f.malformed);
    f
}

const SEED: [&str; 9] = [
    "Kamran Yousaf, “Envoy wraps up fruitful Kabul trip”, *Express Tribune*, March 24, 2025, <https://tribune.com.pk/story/2536087/envoy-wraps-up-fruitful-kabul-trip>",
    "Tahir Khan, “Peace and progress in Afghanistan necessary for regional stability: envoy”, *Dawn*, March 23, 2025, <https://www.dawn.com/news/amp/1899846>",
    "Shaukat Piracha, “Major breakthrough in Pakistan-Afghanistan relations as joint committee meeting scheduled”, *Aaj Tv*, March 24, 2025, <https://english.aaj.tv/news/330408470/major-breakthrough-in-pakistan-afghanistan-relations-as-joint-committee-meeting-scheduled>",
    "“Torkham border reopens after 27-day closure following jirga talks”, *The Nation*, March 22, 2025, <https://www.nation.com.pk/22-Mar-2025/torkham-border-reopens-after-27-day-closure-following-jirga-talks>",
    "Abid Hussain, \"Pakistan Taliban ends ceasefire with gov't, threatens new attacks\", Al Jazeera, November 28, 2022, <https://www.aljazeera.com/news/2022/11/28/pakistan-taliban-ends-ceasefire-with-govt-threatens-new-attacks>",
    "\"Rise in terrorism in 2024 pushes Pakistan towards pre-APS era\", Pakistan Institute for Peace Studies (PIPS), January 1, 2025, <https://www.pakpips.com/article/8253>",
    "Jon Boone , “Pakistan 'walking the talk' on peace in Afghanistan”, The Guardian, December 1, 2012, <https://www.theguardian.com/world/2012/nov/30/pakistan-walking-walk-afghanistan-peace>",
    "Text of Agreement on Strategic Partnership between the Republic of India and the Islamic Republic of Afghanistan.\" October 4, 2011. Ministry of External Affairs, Government of India. Accessed March 25, 2025. <https://www.mea.gov.in/bilateral-documents.htm?dtl/5383/Text+of+Agreement+on+Strategic+Partnership+between+the+Republic+of+India+and+the+Islamic+Republic+of+Afghanistan>.",
    "“Afghanistan Signs Strategic Cooperation Agreement With Iran”, Tolo News, August 5, 2013, <https://tolonews.com/afghanistan/afghanistan-signs-strategic-cooperation-agreement-iran>",
];

#[test]
fn seed_note_1() {
    check(
        SEED[0],
        Want {
            urls: &["https://tribune.com.pk/story/2536087/envoy-wraps-up-fruitful-kabul-trip"],
            title: Some("Envoy wraps up fruitful Kabul trip"),
            authors: &["Kamran Yousaf"],
            container: Some("Express Tribune"),
            date: Some("2025-03-24"),
            ..Want::default()
        },
    );
}

#[test]
fn seed_note_2() {
    check(
        SEED[1],
        Want {
            urls: &["https://www.dawn.com/news/amp/1899846"],
            title: Some("Peace and progress in Afghanistan necessary for regional stability: envoy"),
            authors: &["Tahir Khan"],
            container: Some("Dawn"),
            date: Some("2025-03-23"),
            ..Want::default()
        },
    );
}

#[test]
fn seed_note_3() {
    check(
        SEED[2],
        Want {
            urls: &[
                "https://english.aaj.tv/news/330408470/major-breakthrough-in-pakistan-afghanistan-relations-as-joint-committee-meeting-scheduled",
            ],
            title: Some("Major breakthrough in Pakistan-Afghanistan relations as joint committee meeting scheduled"),
            authors: &["Shaukat Piracha"],
            container: Some("Aaj Tv"),
            date: Some("2025-03-24"),
            ..Want::default()
        },
    );
}

#[test]
fn seed_note_4_has_no_author() {
    check(
        SEED[3],
        Want {
            urls: &[
                "https://www.nation.com.pk/22-Mar-2025/torkham-border-reopens-after-27-day-closure-following-jirga-talks",
            ],
            title: Some("Torkham border reopens after 27-day closure following jirga talks"),
            container: Some("The Nation"),
            date: Some("2025-03-22"),
            ..Want::default()
        },
    );
}

#[test]
fn seed_note_5_keeps_the_apostrophe() {
    check(
        SEED[4],
        Want {
            urls: &[
                "https://www.aljazeera.com/news/2022/11/28/pakistan-taliban-ends-ceasefire-with-govt-threatens-new-attacks",
            ],
            title: Some("Pakistan Taliban ends ceasefire with gov't, threatens new attacks"),
            authors: &["Abid Hussain"],
            container: Some("Al Jazeera"),
            date: Some("2022-11-28"),
            ..Want::default()
        },
    );
}

#[test]
fn seed_note_6_ignores_the_year_in_the_title() {
    check(
        SEED[5],
        Want {
            urls: &["https://www.pakpips.com/article/8253"],
            title: Some("Rise in terrorism in 2024 pushes Pakistan towards pre-APS era"),
            container: Some("Pakistan Institute for Peace Studies (PIPS)"),
            date: Some("2025-01-01"),
            ..Want::default()
        },
    );
}

#[test]
fn seed_note_7_keeps_nested_single_quotes() {
    check(
        SEED[6],
        Want {
            urls: &["https://www.theguardian.com/world/2012/nov/30/pakistan-walking-walk-afghanistan-peace"],
            title: Some("Pakistan 'walking the talk' on peace in Afghanistan"),
            authors: &["Jon Boone"],
            container: Some("The Guardian"),
            date: Some("2012-12-01"),
            ..Want::default()
        },
    );
}

#[test]
fn seed_note_8_unbalanced_quote() {
    check(
        SEED[7],
        Want {
            urls: &[
                "https://www.mea.gov.in/bilateral-documents.htm?dtl/5383/Text+of+Agreement+on+Strategic+Partnership+between+the+Republic+of+India+and+the+Islamic+Republic+of+Afghanistan",
            ],
            title: Some(
                "Text of Agreement on Strategic Partnership between the Republic of India and the Islamic Republic of Afghanistan",
            ),
            container: Some("Ministry of External Affairs, Government of India"),
            date: Some("2011-10-04"),
            accessed: Some("2025-03-25"),
            ..Want::default()
        },
    );
}

#[test]
fn seed_note_9() {
    check(
        SEED[8],
        Want {
            urls: &["https://tolonews.com/afghanistan/afghanistan-signs-strategic-cooperation-agreement-iran"],
            title: Some("Afghanistan Signs Strategic Cooperation Agreement With Iran"),
            container: Some("Tolo News"),
            date: Some("2013-08-05"),
            ..Want::default()
        },
    );
}

const DAWN: &str = "https://www.dawn.com/news/1899846";
const TITLE: &str = "Peace and progress in Afghanistan necessary for regional stability: Envoy";

#[test]
fn apa() {
    check(
        "Khan, T. (2025, March 23). Peace and progress in Afghanistan necessary for regional stability: Envoy. *Dawn*. https://www.dawn.com/news/1899846",
        Want {
            urls: &[DAWN],
            title: Some(TITLE),
            authors: &["Khan, T."],
            container: Some("Dawn"),
            date: Some("2025-03-23"),
            ..Want::default()
        },
    );
    check(
        "Khan, T., & Yousaf, K. (2025). Peace and progress in Afghanistan necessary for regional stability: Envoy. *Dawn*. Retrieved March 25, 2025, from https://www.dawn.com/news/1899846",
        Want {
            urls: &[DAWN],
            title: Some(TITLE),
            authors: &["Khan, T.", "Yousaf, K."],
            container: Some("Dawn"),
            date: Some("2025"),
            accessed: Some("2025-03-25"),
            ..Want::default()
        },
    );
    // An APA title with a question mark, an initialism and a quoted phrase inside it.
    check(
        "Khan, T., et al. (2024). Is U.S. \"strategic depth\" over? Why it matters. *Journal of Peace*, *12*(3), 45–67. https://doi.org/10.1234/JP.2024.5",
        Want {
            urls: &["https://doi.org/10.1234/JP.2024.5"],
            title: Some("Is U.S. \"strategic depth\" over? Why it matters"),
            authors: &["Khan, T.", "et al."],
            container: Some("Journal of Peace"),
            date: Some("2024"),
            doi: Some("10.1234/jp.2024.5"),
            ..Want::default()
        },
    );
    // A book: the italic is the title, the publisher follows.
    check(
        "Rashid, A. (2000). *Taliban: Militant Islam, oil and fundamentalism in Central Asia*. Yale University Press.",
        Want {
            title: Some("Taliban: Militant Islam, oil and fundamentalism in Central Asia"),
            authors: &["Rashid, A."],
            container: Some("Yale University Press"),
            date: Some("2000"),
            ..Want::default()
        },
    );
}

#[test]
fn harvard() {
    check(
        "Khan, T. (2025) 'Peace and progress in Afghanistan necessary for regional stability: Envoy', *Dawn*, 23 March. Available at: https://www.dawn.com/news/1899846 (Accessed: 25 March 2025).",
        Want {
            urls: &[DAWN],
            title: Some(TITLE),
            authors: &["Khan, T."],
            container: Some("Dawn"),
            date: Some("2025-03-23"),
            accessed: Some("2025-03-25"),
            ..Want::default()
        },
    );
    check(
        "Ministry of Foreign Affairs (2024) *Annual report 2023–24*. Available at: https://mofa.gov.pk/report (Accessed: 2 January 2025).",
        Want {
            urls: &["https://mofa.gov.pk/report"],
            title: Some("Annual report 2023–24"),
            authors: &["Ministry of Foreign Affairs"],
            date: Some("2024"),
            accessed: Some("2025-01-02"),
            ..Want::default()
        },
    );
}

#[test]
fn mla() {
    check(
        "Khan, Tahir. \"Peace and Progress in Afghanistan Necessary for Regional Stability: Envoy.\" *Dawn*, 23 Mar. 2025, www.dawn.com/news/1899846. Accessed 25 Mar. 2025.",
        Want {
            urls: &[DAWN],
            title: Some("Peace and Progress in Afghanistan Necessary for Regional Stability: Envoy"),
            authors: &["Khan, Tahir"],
            container: Some("Dawn"),
            date: Some("2025-03-23"),
            accessed: Some("2025-03-25"),
            ..Want::default()
        },
    );
}

#[test]
fn ieee() {
    let want = || Want {
        urls: &[DAWN],
        title: Some(TITLE),
        authors: &["T. Khan"],
        container: Some("Dawn"),
        date: Some("2025-03-23"),
        ..Want::default()
    };
    check(
        "T. Khan, \"Peace and progress in Afghanistan necessary for regional stability: Envoy,\" *Dawn*, Mar. 23, 2025. [Online]. Available: https://www.dawn.com/news/1899846",
        want(),
    );
    check(
        "T. Khan, “Peace and progress in Afghanistan necessary for regional stability: Envoy,” *Dawn*, Mar. 23, 2025. https://www.dawn.com/news/1899846",
        want(),
    );
    check(
        "T. Khan, \"Peace and progress in Afghanistan necessary for regional stability: Envoy,\" Dawn, Mar. 23, 2025. [Online]. Available: https://www.dawn.com/news/1899846 (accessed Mar. 25, 2025).",
        Want { accessed: Some("2025-03-25"), ..want() },
    );
}

#[test]
fn chicago_bibliography_and_notes() {
    check(
        "Yousaf, Kamran. “Envoy Wraps Up Fruitful Kabul Trip.” *Express Tribune*, March 24, 2025. https://tribune.com.pk/story/2536087/envoy-wraps-up-fruitful-kabul-trip.",
        Want {
            urls: &["https://tribune.com.pk/story/2536087/envoy-wraps-up-fruitful-kabul-trip"],
            title: Some("Envoy Wraps Up Fruitful Kabul Trip"),
            authors: &["Yousaf, Kamran"],
            container: Some("Express Tribune"),
            date: Some("2025-03-24"),
            ..Want::default()
        },
    );
    check(
        "Ahmed Rashid, *Taliban: Militant Islam, Oil and Fundamentalism in Central Asia* (New Haven: Yale University Press, 2000), 45.",
        Want {
            title: Some("Taliban: Militant Islam, Oil and Fundamentalism in Central Asia"),
            authors: &["Ahmed Rashid"],
            container: Some("Yale University Press"),
            date: Some("2000"),
            ..Want::default()
        },
    );
    // A journal article: the italic after the quoted title is the journal.
    check(
        "Kamran Yousaf and Tahir Khan, “Border Diplomacy,” in *Journal of South Asian Studies* 12, no. 3 (2020): 45–67, doi:10.1234/JSAS.12.3.",
        Want {
            urls: &["https://doi.org/10.1234/JSAS.12.3"],
            title: Some("Border Diplomacy"),
            authors: &["Kamran Yousaf", "Tahir Khan"],
            container: Some("Journal of South Asian Studies"),
            date: Some("2020"),
            doi: Some("10.1234/jsas.12.3"),
            ..Want::default()
        },
    );
}

#[test]
fn unquoted_title_before_an_italic_newspaper() {
    check(
        "Kamran Yousaf, Envoy wraps up fruitful Kabul trip, *Express Tribune*, March 24, 2025, https://tribune.com.pk/story/2536087",
        Want {
            urls: &["https://tribune.com.pk/story/2536087"],
            title: Some("Envoy wraps up fruitful Kabul trip"),
            authors: &["Kamran Yousaf"],
            container: Some("Express Tribune"),
            date: Some("2025-03-24"),
            ..Want::default()
        },
    );
}

#[test]
fn url_only_and_prose_only() {
    check(DAWN, Want { urls: &[DAWN], ..Want::default() });
    check("<https://www.dawn.com/news/1899846>.", Want { urls: &[DAWN], ..Want::default() });
    check("See the discussion in chapter 2.", Want::default());
    check("", Want::default());
}

#[test]
fn original_and_archive() {
    check(
        "Tahir Khan, “Peace and progress”, *Dawn*, March 23, 2025, https://www.dawn.com/news/1899846. Archived at https://web.archive.org/web/20250325000000/https://www.dawn.com/news/1899846.",
        Want {
            urls: &[DAWN, "https://web.archive.org/web/20250325000000/https://www.dawn.com/news/1899846"],
            title: Some("Peace and progress"),
            authors: &["Tahir Khan"],
            container: Some("Dawn"),
            date: Some("2025-03-23"),
            ..Want::default()
        },
    );
    // Archive date and access date are neither the publication date.
    check(
        "“Peace and progress”, Dawn, https://www.dawn.com/news/1899846, archived from the original on 26 March 2025, retrieved 27 March 2025.",
        Want {
            urls: &[DAWN],
            title: Some("Peace and progress"),
            container: Some("Dawn"),
            accessed: Some("2025-03-27"),
            ..Want::default()
        },
    );
}

#[test]
fn markdown_links() {
    check(
        "Kamran Yousaf, [Envoy wraps up fruitful Kabul trip](https://tribune.com.pk/story/2536087), *Express Tribune*, March 24, 2025.",
        Want {
            urls: &["https://tribune.com.pk/story/2536087"],
            title: Some("Envoy wraps up fruitful Kabul trip"),
            authors: &["Kamran Yousaf"],
            container: Some("Express Tribune"),
            date: Some("2025-03-24"),
            ..Want::default()
        },
    );
    // A quoted title wins over the link text; "Archived" is no title.
    check(
        "“[Envoy wraps up fruitful Kabul trip](https://tribune.com.pk/story/2536087)”, _Express Tribune_, 24 March 2025 ([Archived](https://web.archive.org/web/2025/https://tribune.com.pk/story/2536087)).",
        Want {
            urls: &[
                "https://tribune.com.pk/story/2536087",
                "https://web.archive.org/web/2025/https://tribune.com.pk/story/2536087",
            ],
            title: Some("Envoy wraps up fruitful Kabul trip"),
            container: Some("Express Tribune"),
            date: Some("2025-03-24"),
            ..Want::default()
        },
    );
    check(
        "**Dawn**, [link](https://www.dawn.com/news/1899846), <https://www.dawn.com/news/1899846>",
        Want { urls: &[DAWN], ..Want::default() },
    );
}

fn link(href: &str, text: &str) -> Link {
    Link { href: href.to_owned(), text: text.to_owned() }
}

#[test]
fn html_links() {
    // The lead's HTML reader hands the text with italics as *…* and the links apart.
    check_with(
        "Kamran Yousaf, Envoy wraps up fruitful Kabul trip, *Express Tribune*, March 24, 2025. Archived.",
        &[
            link("https://tribune.com.pk/story/2536087", "Envoy wraps up fruitful Kabul trip"),
            link("https://web.archive.org/web/2025/https://tribune.com.pk/story/2536087", "Archived"),
            link("#fnref1", "↩"),
            link("mailto:editor@example.org", "editor"),
        ],
        Want {
            urls: &[
                "https://tribune.com.pk/story/2536087",
                "https://web.archive.org/web/2025/https://tribune.com.pk/story/2536087",
            ],
            title: Some("Envoy wraps up fruitful Kabul trip"),
            authors: &["Kamran Yousaf"],
            container: Some("Express Tribune"),
            date: Some("2025-03-24"),
            ..Want::default()
        },
    );
    // Quoted title first; the link text that is the URL itself is no title; a shortened URL
    // shown for a link is not malformed.
    check_with(
        "“Peace and progress”, *Dawn*, 23 March 2025, https://www.dawn.com/news/…",
        &[link(DAWN, "https://www.dawn.com/news/…")],
        Want {
            urls: &[DAWN],
            title: Some("Peace and progress"),
            container: Some("Dawn"),
            date: Some("2025-03-23"),
            ..Want::default()
        },
    );
    check_with(
        "Dawn, 23 March 2025, here.",
        &[link(DAWN, "here")],
        Want { urls: &[DAWN], date: Some("2025-03-23"), ..Want::default() },
    );
}

#[test]
fn non_latin_titles() {
    check(
        "«پاکستان اور افغانستان کے تعلقات»، *روزنامہ جنگ*، 24 March 2025، <https://jang.com.pk/news/1>",
        Want {
            urls: &["https://jang.com.pk/news/1"],
            title: Some("پاکستان اور افغانستان کے تعلقات"),
            container: Some("روزنامہ جنگ"),
            date: Some("2025-03-24"),
            ..Want::default()
        },
    );
    check(
        "„Frieden in Afghanistan“, *Die Zeit*, 24. März 2025, https://www.zeit.de/politik/1",
        Want {
            urls: &["https://www.zeit.de/politik/1"],
            title: Some("Frieden in Afghanistan"),
            container: Some("Die Zeit"),
            // German month names are not read; the year alone is still right.
            date: Some("2025"),
            ..Want::default()
        },
    );
    check(
        "«السلام في أفغانستان», الجزيرة, 2025-03-24, https://www.aljazeera.net/news/1",
        Want {
            urls: &["https://www.aljazeera.net/news/1"],
            title: Some("السلام في أفغانستان"),
            container: Some("الجزيرة"),
            date: Some("2025-03-24"),
            ..Want::default()
        },
    );
    check(
        "‚Kurz‘ and ‹bref›: “Le «petit» titre”, Le Monde, 2025.",
        Want { title: Some("Le «petit» titre"), container: Some("Le Monde"), date: Some("2025"), ..Want::default() },
    );
}

#[test]
fn url_edge_cases() {
    let urls = |t: &str| parse(t, &[]).urls;
    assert_eq!(
        urls("“Foo”, Wikipedia, https://en.wikipedia.org/wiki/Foo_(bar)."),
        ["https://en.wikipedia.org/wiki/Foo_(bar)"]
    );
    assert_eq!(urls("(see https://www.dawn.com/news/1899846)."), [DAWN]);
    assert_eq!(urls("<https://x.org/a%20b~c/+d?q=1#f>."), ["https://x.org/a%20b~c/+d?q=1#f"]);
    assert_eq!(urls("https://x.org/a, https://x.org/a; <https://X.org/a>"), ["https://x.org/a"]);
    assert_eq!(
        urls("<https://www.nation.com.pk/22-Mar-2025/torkham-border- reopens-after-27-day-closure>"),
        ["https://www.nation.com.pk/22-Mar-2025/torkham-border-reopens-after-27-day-closure"]
    );
    let f = parse("Smith, “T”, doi:10.1000/ABC.", &[]);
    assert_eq!(f.urls, ["https://doi.org/10.1000/ABC"]);
    assert_eq!(f.doi.as_deref(), Some("10.1000/abc"));
}

#[test]
fn malformed_urls() {
    let bad = |t: &str| parse(t, &[]).malformed;
    assert_eq!(bad("“T”, Dawn, htp://dawn.com/x.")[0].0, "htp://dawn.com/x");
    assert_eq!(
        bad("“T”, Dawn, <https://exa mple.com>.")[0],
        ("https://exa mple.com".into(), "the host contains a space".into())
    );
    for t in ["https//dawn.com/x", "http:/dawn.com", "<https://>", "https://dawn/x", "https://da$wn.com/"] {
        let f = parse(t, &[]);
        assert_eq!(f.malformed.len(), 1, "{t}: {f:?}");
        assert!(f.urls.is_empty(), "{t}");
    }
    let f = parse("x", &[link("htps://dawn.com/1", "Dawn")]);
    assert_eq!(f.malformed.len(), 1);
}

#[test]
fn dates_in_every_form() {
    let date = |t: &str| parse(t, &[]).date.map(|d| d.to_string());
    assert_eq!(date("“T”, Dawn, March 24, 2025."), Some("2025-03-24".into()));
    assert_eq!(date("“T”, Dawn, 24 March 2025."), Some("2025-03-24".into()));
    assert_eq!(date("“T”, Dawn, Mar. 24, 2025."), Some("2025-03-24".into()));
    assert_eq!(date("“T”, Dawn, 24 Mar. 2025."), Some("2025-03-24".into()));
    assert_eq!(date("“T”, Dawn, March 2025."), Some("2025-03".into()));
    assert_eq!(date("“T”, Dawn, 2025-03-22."), Some("2025-03-22".into()));
    assert_eq!(date("“T”, Dawn, 22/03/2025."), Some("2025-03-22".into()));
    assert_eq!(date("“T”, Dawn, 05/06/2025. Accessed 7 June 2025."), Some("2025-06-05".into()));
    assert_eq!(date("“T”, Journal 4, Spring 2020."), Some("2020".into()));
    assert_eq!(date("Khan, T. (2025). T. Dawn."), Some("2025".into()));
    assert_eq!(date("Khan, T. (2025, March 23). T. Dawn."), Some("2025-03-23".into()));
    assert_eq!(date("“Events of March 2024”, Dawn, updated 2 April 2025."), Some("2025-04-02".into()));
}

#[test]
fn accessed_in_every_form() {
    let accessed = |t: &str| {
        let f = parse(t, &[]);
        assert_eq!(f.date, None, "{t}");
        f.accessed.map(|d| d.to_string())
    };
    for t in [
        "“T”, Dawn, Accessed March 25, 2025.",
        "“T”, Dawn, accessed on 25 March 2025.",
        "“T”, Dawn (Accessed: 25 March 2025).",
        "“T”, Dawn. Retrieved March 25, 2025, from https://x.org/a",
        "“T”, Dawn, viewed 25 March 2025.",
        "“T”, Dawn, last accessed 2025-03-25.",
    ] {
        assert_eq!(accessed(t), Some("2025-03-25".into()), "{t}");
    }
}

#[test]
fn repeats() {
    assert_eq!(parse("*Ibid.*, p. 4.", &[]).repeat, Some(Repeat::Ibid { pinpoint: Some("p. 4".into()) }));
    assert_eq!(
        parse("Khan, op. cit., p. 4", &[]).repeat,
        Some(Repeat::OpCit { author: Some("Khan".into()), pinpoint: Some("p. 4".into()) })
    );
    let f = parse("Yousaf, “Envoy wraps up”, 3.", &[]);
    assert_eq!(
        f.repeat,
        Some(Repeat::Short {
            author: Some("Yousaf".into()),
            title: "Envoy wraps up".into(),
            pinpoint: Some("3".into())
        })
    );
    assert_eq!(f.title, None);
    // A full citation without a URL is not a short form.
    assert_eq!(parse("Kamran Yousaf, “Envoy wraps up”, Express Tribune, 2025.", &[]).repeat, None);
}

#[test]
fn resolve_over_parsed_notes() {
    let notes: Vec<Fields> = [
        SEED[0],
        "Ibid.",
        "Ibid., 4.",
        SEED[1],
        "Yousaf, op. cit., 2.",
        "Khan, op. cit.",
        "Yousaf, “Envoy wraps up”, 3.",
    ]
    .iter()
    .map(|t| parse(t, &[]))
    .collect();
    assert_eq!(super::ibid::resolve(&notes, &[]), [None, Some(0), Some(0), None, Some(0), Some(3), Some(0)]);
}

/// Every char-boundary prefix of every seed note, and pseudo-random garbage: nothing panics,
/// and the time stays linear (a 32 KiB note of each kind finishes quickly).
#[test]
fn never_panics() {
    for note in SEED {
        for (i, _) in note.char_indices() {
            let _ = parse(&note[..i], &[]);
            let _ = parse(&note[i..], &[link(&note[i..], &note[..i])]);
        }
    }
    let alphabet: Vec<char> = "ab Z09.,;:()[]<>*_\"'“”‘’«»„/\\-–?!#%&=~+@ é漢۔؟،\u{E000}\u{200F}\n\tIbid op. cit. March 2025 https:// www. doi:10."
        .chars()
        .collect();
    let mut rng = fastrand::Rng::with_seed(7);
    for _ in 0..2000 {
        let len = rng.usize(0..120);
        let s: String = (0..len).map(|_| alphabet[rng.usize(0..alphabet.len())]).collect();
        let _ = parse(&s, &[link(&s, &s)]);
    }
    // Citation-shaped garbage: the pieces parsers key on, in random order.
    let tokens = [
        "https://",
        "http:/",
        "htp://",
        "www.",
        "x.org",
        "/",
        "(",
        ")",
        "[",
        "]",
        "<",
        ">",
        "*",
        "_",
        "**",
        "\"",
        "“",
        "”",
        "‘",
        "’",
        "'",
        "«",
        "»",
        "„",
        " ",
        ", ",
        ". ",
        "Ibid",
        "op. cit.",
        "March",
        "24",
        "2025",
        "(2025)",
        "Khan, T.",
        "Accessed",
        "doi:",
        "10.1234/",
        "é",
        "漢",
        "۔",
        "…",
        "...",
        "\\",
        "%20",
        "#",
        "?",
        "=",
        "&",
        "-",
        "\u{E000}",
        "](",
        "in ",
        "by ",
        "(Ed.)",
        "n.d.",
        "22/03/2025",
        "Spring",
        "Khan AR",
        "[Internet]",
        "[cited ",
        "Available from: ",
        ";34:",
        "(Geneva: WHO, 2024)",
        "[x][y]",
        "No. 12",
        "18th ed.",
    ];
    for _ in 0..1500 {
        let len = rng.usize(0..60);
        let s: String = (0..len).map(|_| tokens[rng.usize(0..tokens.len())]).collect();
        let _ = parse(&s, &[link(&s, &s)]);
    }
}

/// Long runs of hostile fragments: each must finish (a quadratic path would run into the test
/// runner's timeout; the extraction benchmark measures the real cost).
#[test]
fn long_hostile_notes_finish() {
    let units = [
        "“a ",
        "'a ",
        "‘a’s ",
        "*a ",
        "_a ",
        "<https://x.org/ ",
        "March 2025, ",
        "Accessed March 2025, ",
        "[a](",
        "https://x.org/(",
        "a. ",
        "\" ",
        "(2025) ",
        "x.com/ ",
        "note://",
        "www.a,",
        "htp://a<",
        "doi:10.1234/x,",
        "Khan AR, ",
        "Ab C. ",
        "A b, ",
        "(A: B, 2020) ",
        "[cited 2025 Jun 30]. ",
        "[a][b]",
        "A and B Authority, ",
    ];
    for unit in units {
        let note = unit.repeat(40_000 / unit.len());
        let _ = parse(&note, &[]);
    }
}

/// (title, authors joined with "; ", container, date) of a note, for compact tables.
fn summary(t: &str) -> (String, String, String, String) {
    let f = parse(t, &[]);
    (
        f.title.unwrap_or_default(),
        f.authors.join("; "),
        f.container.unwrap_or_default(),
        f.date.map(|d| d.to_string()).unwrap_or_default(),
    )
}

#[test]
fn more_styles_and_edge_cases() {
    let cases: [(&str, [&str; 4]); 23] = [
        (
            "<https://x.org/a> Some Report Title.\" Ministry of Things, 2020.",
            ["Some Report Title", "", "Ministry of Things", "2020"],
        ),
        ("Yousaf (2025) argues the opposite.", ["", "", "", "2025"]),
        ("Ahmed Rashid, *Taliban* (2000), 45.", ["Taliban", "Ahmed Rashid", "", "2000"]),
        ("Kamran Yousaf, Some Book Title (2000), 45.", ["", "", "", "2000"]),
        ("“Pakistan and the U.S.”, Dawn, 2025.", ["Pakistan and the U.S.", "", "Dawn", "2025"]),
        ("T. Khan, \"Pakistan and the U.S.,\" Dawn, 2025.", ["Pakistan and the U.S.", "T. Khan", "Dawn", "2025"]),
        (
            "Text of the Agreement.” October 4, 2011. Ministry of External Affairs.",
            ["Text of the Agreement", "", "Ministry of External Affairs", "2011-10-04"],
        ),
        ("Tahir Khan, “Title one,” Dawn, March 23, 2025.", ["Title one", "Tahir Khan", "Dawn", "2025-03-23"]),
        (
            "Human Rights Watch, “Pakistan: Halt Deportations”, November 2023, https://www.hrw.org/x",
            ["Pakistan: Halt Deportations", "Human Rights Watch", "", "2023-11"],
        ),
        (
            "Khan, T. (2025, March 23). Title five [Video]. YouTube. https://youtube.com/x",
            ["Title five", "Khan, T.", "YouTube", "2025-03-23"],
        ),
        (
            "Author Name, *Report Title* (Islamabad: ISSI, 2024), https://issi.org.pk/x.",
            ["Report Title", "Author Name", "ISSI", "2024"],
        ),
        (
            "Smith, J. (2020). Chapter title. In A. Editor (Ed.), *Book Title* (pp. 1–10). Publisher.",
            ["Chapter title", "Smith, J.", "Book Title", "2020"],
        ),
        ("“Title fourteen”—Dawn, March 2025.", ["Title fourteen", "", "Dawn", "2025-03"]),
        (
            "Yousaf, K. 2025. “Envoy wraps up.” Express Tribune, March 24.",
            ["Envoy wraps up", "Yousaf, K.", "Express Tribune", "2025-03-24"],
        ),
        (
            "Kamran Yousaf, ‘Envoy wraps up fruitful Kabul trip’, Express Tribune, 24 March 2025.",
            ["Envoy wraps up fruitful Kabul trip", "Kamran Yousaf", "Express Tribune", "2025-03-24"],
        ),
        ("Pakistan's foreign office said 'talks will resume' on Monday.", ["", "", "", ""]),
        ("_The Diplomat_, “Title”, 2025, <https://thediplomat.com/x>", ["Title", "", "The Diplomat", "2025"]),
        ("“A title with “nested” quotes”, Dawn, 2025.", ["A title with “nested” quotes", "", "Dawn", "2025"]),
        ("[Dawn](https://www.dawn.com/), 23 March 2025.", ["", "", "", "2025-03-23"]),
        ("“Title”, 'Dawn', 2025.", ["Title", "", "Dawn", "2025"]),
        (
            "Tahir Khan, “Title” in Dawn (Karachi), 23 March 2025.",
            ["Title", "Tahir Khan", "Dawn (Karachi)", "2025-03-23"],
        ),
        ("“Title,” *Dawn*, last modified March 25, 2025, https://dawn.com/q.", ["Title", "", "Dawn", "2025-03-25"]),
        ("“Title”, Reuters, 2025-03-22T10:00:00Z, https://reuters.com/x", ["Title", "", "Reuters", "2025-03-22"]),
    ];
    for (text, [title, authors, container, date]) in cases {
        let got = summary(text);
        assert_eq!(got, (title.to_owned(), authors.to_owned(), container.to_owned(), date.to_owned()), "{text}");
    }
}

#[test]
fn journal_volumes_are_not_part_of_the_publication() {
    let container = |t: &str| parse(t, &[]).container;
    for t in [
        "Ali Khan, “Title,” Water Policy 26, no. 4 (2024): 411–29.",
        "Ali Khan, “Title,” Water Policy 26 (2024): 2871.",
        "Ali Khan, “Title,” Water Policy 26 (March 2024): 2871.",
        "Ali Khan, “Title,” Water Policy vol. 26, issue 4 (2024).",
    ] {
        assert_eq!(container(t).as_deref(), Some("Water Policy"), "{t}");
    }
    // A number that is part of the name stays: nothing volume-like follows it.
    assert_eq!(container("“Title,” Channel 4, March 2, 2025.").as_deref(), Some("Channel 4"));
    assert_eq!(container("“Title,” Channel 4 (UK), March 2, 2025.").as_deref(), Some("Channel 4 (UK)"));
}

#[test]
fn vancouver_references() {
    check(
        "Khan AR, Memon S, Baig N. Excess mortality in Karachi: a time-series analysis. Lancet Reg Health Southeast Asia. 2025;34:100551. doi:10.1016/j.lansea.2025.100551",
        Want {
            urls: &["https://doi.org/10.1016/j.lansea.2025.100551"],
            title: Some("Excess mortality in Karachi: a time-series analysis"),
            authors: &["Khan AR", "Memon S", "Baig N"],
            container: Some("Lancet Reg Health Southeast Asia"),
            date: Some("2025"),
            doi: Some("10.1016/j.lansea.2025.100551"),
            ..Want::default()
        },
    );
    check(
        "Ghauri I. Edhi morgue runs out of space. Dawn [Internet]. 2024 Jun 26 [cited 2025 Jun 30]. Available from: https://www.dawn.com/news/1842517",
        Want {
            urls: &["https://www.dawn.com/news/1842517"],
            title: Some("Edhi morgue runs out of space"),
            authors: &["Ghauri I"],
            container: Some("Dawn"),
            date: Some("2024-06-26"),
            accessed: Some("2025-06-30"),
            ..Want::default()
        },
    );
    // An organisation as author, a book's "Place: Publisher; Year".
    check(
        "World Health Organization. Climate change: heat and health [Internet]. Geneva: WHO; 2024 [cited 2025 Jun 30]. Available from: https://www.who.int/x",
        Want {
            urls: &["https://www.who.int/x"],
            title: Some("Climate change: heat and health"),
            authors: &["World Health Organization"],
            container: Some("WHO"),
            date: Some("2024"),
            accessed: Some("2025-06-30"),
            ..Want::default()
        },
    );
    let (title, authors, container, date) = summary(
        "National Disaster Management Authority. Heatwave advisory No. 3 [Internet]. Islamabad: NDMA; 2025 May 20.",
    );
    assert_eq!(
        (title.as_str(), authors.as_str(), container.as_str(), date.as_str()),
        ("Heatwave advisory No. 3", "National Disaster Management Authority", "NDMA", "2025-05-20")
    );
    let (title, authors, _, date) = summary("van der Berg P, Raza M, et al. Night heat. Urban Clim. 2024;55:101942.");
    assert_eq!(
        (title.as_str(), authors.as_str(), date.as_str()),
        ("Night heat", "van der Berg P; Raza M; et al.", "2024")
    );
}

#[test]
fn vancouver_needs_its_own_shape() {
    // One name with bare initials and nothing else of Vancouver's: no guess.
    assert_eq!(summary("Ghauri I. Edhi morgue runs out of space. Dawn, 2024."), summary_of_nothing("2024"));
    // An organisation and a sentence are not Vancouver without a cue.
    assert_eq!(
        summary("World Health Organization. Climate change and heat. Geneva, 2024."),
        summary_of_nothing("2024")
    );
    // Prose that happens to open with a capitalised word and initials.
    assert_eq!(summary("Pakistan PM. He said so on Monday."), summary_of_nothing(""));
}

fn summary_of_nothing(date: &str) -> (String, String, String, String) {
    (String::new(), String::new(), String::new(), date.to_owned())
}

#[test]
fn chicago_titles_in_roman_type() {
    let cases: [(&str, [&str; 4]); 9] = [
        (
            "Gurpreet Bhasin, Crossing Borders for Faith: The Protocol of 1974 and Its Pilgrims (New Delhi: Penguin Random House India, 2021), 77–80.",
            [
                "Crossing Borders for Faith: The Protocol of 1974 and Its Pilgrims",
                "Gurpreet Bhasin",
                "Penguin Random House India",
                "2021",
            ],
        ),
        // A comma inside the title: the publication facts close it.
        (
            "Pranab Das, Border Haats: Trade, Livelihoods and Informality (New Delhi: Routledge India, 2021), 45–61.",
            ["Border Haats: Trade, Livelihoods and Informality", "Pranab Das", "Routledge India", "2021"],
        ),
        // Place and date only: no publisher.
        (
            "Independent Monitoring Board, Twenty-Third Report: The Last Mile (Geneva, November 2024), https://x.org/r.pdf.",
            ["Twenty-Third Report: The Last Mile", "Independent Monitoring Board", "", "2024-11"],
        ),
        (
            "World Bank, Afghanistan Economic Monitor, April 2025, https://x.org/m.",
            ["Afghanistan Economic Monitor", "World Bank", "", "2025-04"],
        ),
        (
            "World Health Organization, Polio Transition: Progress Report, report by the Director-General, A78/12, 2 May 2025.",
            ["Polio Transition: Progress Report", "World Health Organization", "", "2025-05-02"],
        ),
        (
            "Tahir Khan, Kamran Yousaf, and Jon Boone, The Long Border (Lahore: Vanguard, 2020).",
            ["The Long Border", "Tahir Khan; Kamran Yousaf; Jon Boone", "Vanguard", "2020"],
        ),
        // A day date after an unquoted name is a newspaper's, not a report's: no title.
        ("Tahir Khan, The Express Tribune, March 23, 2025, https://x.org/a.", ["", "", "", "2025-03-23"]),
        // Two capitalised parts: which one is the title is a guess.
        ("Kamran Yousaf, Envoy wraps up fruitful Kabul trip, Express Tribune, 2025.", ["", "", "", "2025"]),
        // Interviews cite people.
        ("Haji Gul, Torkham trader, interview by the author, 2025.", ["", "", "", "2025"]),
    ];
    for (text, [title, authors, container, date]) in cases {
        let got = summary(text);
        assert_eq!(got, (title.to_owned(), authors.to_owned(), container.to_owned(), date.to_owned()), "{text}");
    }
    // The author's name may continue after a comma: where the title starts is not guessed.
    assert_eq!(
        parse(
            "Ministry of Culture, Tourism and Civil Aviation, Tourism Plan 2016–2025 (Kathmandu: MoCTCA, 2016), 22.",
            &[]
        )
        .title,
        None
    );
}

#[test]
fn op_cit_of_a_corporate_author() {
    let notes: Vec<Fields> = [
        "Asian Development Bank, Trade Corridors: Costs and Options (Manila: ADB, 2024), 12, https://www.adb.org/t.",
        "World Bank, Afghanistan Economic Monitor, April 2025, https://www.worldbank.org/m.",
        "Asian Development Bank, op. cit., 31.",
    ]
    .iter()
    .map(|t| parse(t, &[]))
    .collect();
    assert_eq!(super::ibid::resolve(&notes, &[]), [None, None, Some(0)]);
}

#[test]
fn what_is_not_a_publication() {
    let cases: [(&str, [&str; 4]); 5] = [
        // A series number names the document, not its publisher.
        (
            "UNHCR, “Returns Emergency Response”, Flash Update No. 12, May 2025, <https://data.unhcr.org/x>",
            ["Returns Emergency Response", "UNHCR", "", "2025-05"],
        ),
        (
            "World Bank, “Water Project”, Project P174484, <https://projects.worldbank.org/P174484>",
            ["Water Project", "World Bank", "", ""],
        ),
        // After the cited URL comes commentary.
        (
            "International Monetary Fund, “First Review,” IMF Country Report No. 25/108, May 2025, https://www.imf.org/r. The figures are in Table 7 of the report.",
            ["First Review", "International Monetary Fund", "", "2025-05"],
        ),
        // An edition before the publication facts.
        (
            "*The Chicago Manual of Style*, 18th ed. (Chicago: University of Chicago Press, 2024), §13.37.",
            ["The Chicago Manual of Style", "", "University of Chicago Press", "2024"],
        ),
        // An italic journal with its volume before the date: the unquoted run before it is the title.
        (
            "Regulation (EU) 2023/956 of 10 May 2023 establishing a carbon border adjustment mechanism, *Official Journal of the European Union* L 130, 16 May 2023.",
            [
                "Regulation (EU) 2023/956 of 10 May 2023 establishing a carbon border adjustment mechanism",
                "",
                "Official Journal of the European Union",
                "2023-05-16",
            ],
        ),
    ];
    for (text, [title, authors, container, date]) in cases {
        let got = summary(text);
        assert_eq!(got, (title.to_owned(), authors.to_owned(), container.to_owned(), date.to_owned()), "{text}");
    }
    // A Markdown reference link is its text, and the title when its target is known.
    let f = parse(
        "[Chair's summary of the meeting][sco-1], SCO Secretariat, June 26, 2025.",
        &[link("https://eng.sectsco.org/20250626/1895534.html", "Chair's summary of the meeting")],
    );
    assert_eq!(f.title.as_deref(), Some("Chair's summary of the meeting"));
    assert_eq!(f.container.as_deref(), Some("SCO Secretariat"));
}

#[test]
fn wikipedia_citation_templates() {
    let f = parse(
        "Omrani, Bijan (2009). \"The Durand Line\". *Asian Affairs*. 40 (2): 177–195. doi:10.1080/03068370902871508.",
        &[link("https://doi.org/10.1080%2F03068370902871508", "10.1080/03068370902871508")],
    );
    // The DOI shown and the DOI linked are one citation; the link is kept as written.
    assert_eq!(f.urls, ["https://doi.org/10.1080%2F03068370902871508"]);
    assert_eq!(f.doi.as_deref(), Some("10.1080/03068370902871508"));
    assert_eq!(
        summary(
            "Qureshi, Farhan (22 March 2025). \"Torkham reopens\". *The Express Tribune*. Retrieved 23 March 2025."
        ),
        ("Torkham reopens".into(), "Qureshi, Farhan".into(), "The Express Tribune".into(), "2025-03-22".into())
    );
    // A format note is no publication; "Place: Publisher" is the publisher.
    assert_eq!(
        summary("Pakistan Institute for Peace Studies (January 2025). \"Security Report\" (PDF). Islamabad: PIPS."),
        ("Security Report".into(), "Pakistan Institute for Peace Studies".into(), "PIPS".into(), "2025-01".into())
    );
}

#[test]
fn the_author_year_guard_passes_everything_the_pattern_matches() {
    let texts = [
        "Khan, T. (2025, March 23). Title. *Dawn*.",
        "Ministry (n.d.). Report.",
        "Khan, T. ( 2025 ). Title.",
        "Khan, T. (\u{2003}2025a). Title.",
        "Khan (ed.) (2020): Title",
        "Kafa Dilmonte, \"Farmers welcome relief (report 0),\" *Herald*, October 28, 2024",
        "No parentheses at all, 2025.",
        "(2020)",
    ];
    for t in texts {
        if AUTHOR_YEAR.is_match(t) {
            assert!(may_be_author_year(t), "{t:?}");
        }
    }
    assert!(!may_be_author_year(texts[5]) && !may_be_author_year(texts[6]));
    assert!(texts[..5].iter().all(|t| AUTHOR_YEAR.is_match(t)), "the examples exercise the pattern");
}
