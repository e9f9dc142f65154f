use std::path::Path;

use super::*;

fn doc(name: &str, text: &str) -> Document {
    crate::document::parse(Path::new(name), text.as_bytes(), None).expect("parses")
}

/// The kinds found in a three-line text document, with their phrases.
fn found(text: &str) -> Vec<(ClaimKind, String)> {
    claims(&doc("t.txt", text)).into_iter().map(|c| (c.kind, c.phrase)).collect()
}

fn kinds(text: &str) -> Vec<ClaimKind> {
    let mut k: Vec<ClaimKind> = found(text).into_iter().map(|(k, _)| k).collect();
    k.sort();
    k.dedup();
    k
}

use ClaimKind::{Attribution, EventDate, Quotation, Statistic};

#[test]
fn statistics() {
    assert_eq!(found("Intro line.\nIrrigation takes about 93% of the water.\nEnd.")[0], (Statistic, "93%".into()));
    assert_eq!(kinds("Intro.\nExports fell by 28.4 per cent last year.\nEnd."), [Statistic]);
    assert_eq!(found("Intro.\nFlour cost Rs 120 a kilogram.\nEnd.")[0].1, "Rs 120");
    assert_eq!(found("Intro.\nThe losses reached $12 billion in all.\nEnd.")[0].1, "$12 billion");
    assert_eq!(found("Intro.\nThe border is 2,600 km long.\nEnd.")[0].1, "2,600 km");
    assert_eq!(found("Intro.\nOfficials counted 1,200 trucks at the gate.\nEnd.")[0].1, "1,200 trucks");
    assert_eq!(found("Intro.\nIt hosts over 4 million Afghans today.\nEnd.")[0].1, "over 4 million Afghans");
    assert_eq!(found("Intro.\nThere were five visits by the minister.\nEnd.")[0].1, "five visits");
    assert_eq!(kinds("Intro.\nTrade resumed after a 27-day closure.\nEnd."), [Statistic]);
}

#[test]
fn numbers_that_are_not_statistics() {
    for text in [
        "Intro.\nWe believe the reforms of Section 4.2 deserve a second look.\nEnd.",
        "Intro.\nIn Chapter 3 we look at the agreement.\nEnd.",
        "Intro.\nThe closure was the fourth this year.\nEnd.",
        "Intro.\nThe 2nd round of talks is due soon.\nEnd.",
        "Intro.\nThe 1960 treaty has held firm since then.\nEnd.",
        "Intro.\nThe two countries have struggled for decades.\nEnd.",
        "Intro.\nTrade could double within five years.\nEnd.",
        "Intro.\nWrite to Via Mario Greco 60, Buttigliera Alta, 10090, Torino.\nEnd.",
        "Intro.\nThe presence of the three guarantors matters.\nEnd.",
    ] {
        assert!(!kinds(text).contains(&Statistic), "{text}: {:?}", found(text));
    }
}

#[test]
fn quotations() {
    let q = found("Intro.\nCritics called it “a plan that pours concrete where policy is needed.”\nEnd.");
    assert_eq!(q[0], (Quotation, "a plan that pours concrete where policy is needed.".into()));
    assert!(kinds("Intro.\nHe said: \"We have cleared every consignment at the gate.\"\nEnd.").contains(&Quotation));
    // Short quotes and scare quotes are not quotations of anyone.
    assert!(!kinds("Intro.\nThey deny giving the group “free rein,” they say.\nEnd.").contains(&Quotation));
    assert!(
        !kinds("Intro.\nOne of them called the procedures 'a maze that never ends for anyone'.\nEnd.")
            .contains(&Quotation)
    );
}

#[test]
fn attributions() {
    for (text, phrase) in [
        ("Intro.\nAccording to the authority, the dam is full.\nEnd.", "According to"),
        ("Intro.\nA report by the World Bank put the cost high.\nEnd.", "A report by"),
        ("Intro.\nThe alarming revelations by the BBC shocked many.\nEnd.", "revelations by"),
        ("Intro.\nThe BBC reported that the weapons were sold.\nEnd.", "BBC reported"),
        ("Intro.\nThe ministry said in a statement that it agreed.\nEnd.", "said in a statement"),
        ("Intro.\nGroundwater supplies half, data from the ministry show.\nEnd.", "data from"),
        ("Intro.\nMr Dar assured that the return would be orderly.\nEnd.", "Mr Dar assured"),
        ("Intro.\nAs Reuters reported, the crossing is busy.\nEnd.", "Reuters reported"),
    ] {
        let f = found(text);
        assert!(f.contains(&(Attribution, phrase.to_owned())), "{text}: {f:?}");
    }
}

#[test]
fn what_is_not_an_attribution() {
    for text in [
        "Intro.\nMy years there revealed a desire for peace.\nEnd.",
        "Intro.\nBoth sides acknowledged that trust is vital.\nEnd.",
        "Intro.\nOfficials said that the talks went well.\nEnd.",
        "Intro.\nPakistan accuses the Taliban of breaking pledges.\nEnd.",
        "Intro.\nWater is life, as the saying goes.\nEnd.",
    ] {
        assert!(!kinds(text).contains(&Attribution), "{text}: {:?}", found(text));
    }
}

#[test]
fn event_dates_but_not_bare_years() {
    assert_eq!(
        found("Intro.\nThe dam reached its dead level on 3 March 2024.\nEnd.")[0],
        (EventDate, "3 March 2024".into())
    );
    assert_eq!(found("Intro.\nThe agreement was signed in October 2010.\nEnd.")[0].1, "October 2010");
    assert_eq!(found("Intro.\nIt happened on March 23, 2025 at noon.\nEnd.")[0].1, "March 23, 2025");
    for text in [
        "Intro.\nAfter the withdrawal in 2021, things changed.\nEnd.",
        "Intro.\nThe network was built mostly before 1947.\nEnd.",
        "Intro.\nTrade resumed on Monday.\nEnd.",
        "Intro.\nPrices rose in January.\nEnd.",
        "A brief\n\nApril 7, 2025\n\nIt begins.",
    ] {
        assert!(!kinds(text).contains(&EventDate), "{text}: {:?}", found(text));
    }
}

#[test]
fn opinions_are_not_claims() {
    for text in [
        "Intro.\nNow is the time to turn pledges into policy.\nEnd.",
        "Intro.\nThis is both a moral and diplomatic necessity.\nEnd.",
        "Intro.\nPakistan has paid a heavy price for terrorism.\nEnd.",
    ] {
        assert!(found(text).is_empty(), "{text}: {:?}", found(text));
    }
}

#[test]
fn sentences_split_around_abbreviations_initials_decimals_and_quotes() {
    let d = doc(
        "t.txt",
        "Dr. Rahman met Mr. K. A. Durrani at 3.5 p.m. in the U.S. Embassy. He said: \"We are ready. We agree.\" Then they left.\nEnd.",
    );
    let s: Vec<String> = sentences(&d).into_iter().map(|s| s.text).collect();
    assert_eq!(
        s,
        [
            "Dr. Rahman met Mr. K. A. Durrani at 3.5 p.m. in the U.S. Embassy.",
            "He said: \"We are ready. We agree.\"",
            "Then they left.",
            "End."
        ]
    );
}

#[test]
fn a_marked_sentence_is_sourced_and_positions_are_the_phrase() {
    let text = "A claim of 93% of the water.¹ Another claim of 48% here.\n\n¹ “Water report”, <https://x.org/a>\n";
    let d = doc("t.txt", text);
    let s = sentences(&d);
    assert!(s[0].marked && !s[1].marked, "{s:?}");
    let hints = hints(&d);
    assert_eq!(hints.len(), 1, "{hints:?}");
    assert_eq!(hints[0].rule, Rule::UncitedClaim);
    assert_eq!((hints[0].span.line, hints[0].span.column), (1, 48));
    assert!(hints[0].message.contains("“48%”"), "{}", hints[0].message);
    let md = doc("t.md", "Intro.\n\nA claim of 93% of the water.[^1] Another of 48% here.\n\n[^1]: A note.\n");
    let c = claims(&md);
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].phrase, "48%");
    assert_eq!(&md.text[c[0].at..c[0].at + 3], "48%");
}

#[test]
fn html_bodies_and_headings() {
    let d = doc(
        "t.html",
        "<h1>Title here</h1><p>The chamber said in a statement that <em>4,500</em> workers lost jobs.</p><p>We call for calm.</p>",
    );
    let s: Vec<String> = sentences(&d).into_iter().map(|s| s.text).collect();
    assert!(s.contains(&"We call for calm.".to_owned()), "{s:?}");
    let k: Vec<ClaimKind> = claims(&d).into_iter().map(|c| c.kind).collect();
    assert_eq!(k, [Statistic, Attribution]);
}

#[test]
fn a_marker_sources_the_sentence_before_it_not_the_next() {
    // In HTML nothing need separate the marker from the next sentence's text.
    let html = "<p>Exports fell by 12% in 2024.<sup><a href=\"#fn1\" id=\"r1\">1</a></sup>Imports rose by 9% the same year.</p>\
                <ol class=\"footnotes\"><li id=\"fn1\">Trade data. <a href=\"#r1\">↩</a></li></ol>";
    let d = doc("t.html", html);
    let marked: Vec<(String, bool)> = sentences(&d).into_iter().map(|s| (s.text, s.marked)).collect();
    assert_eq!(
        marked,
        [("Exports fell by 12% in 2024.".to_owned(), true), ("Imports rose by 9% the same year.".to_owned(), false)]
    );
    let phrases: Vec<String> = claims(&d).into_iter().map(|c| c.phrase).collect();
    assert_eq!(phrases, ["9%"]);
}

#[test]
fn never_panics_on_odd_input() {
    for text in ["“", "\"\"\"", ". . .", "1.", "“unclosed quote that runs on and on. And on.", "Rs", "%"] {
        let d = doc("t.txt", text);
        let _ = hints(&d);
    }
    let long = "word ".repeat(10_000);
    assert!(hints(&doc("t.txt", &long)).is_empty());
}

#[test]
fn many_notes_stay_linear() {
    let mut text = String::new();
    for i in 1..=3000 {
        text.push_str(&format!("Claim {i} rests on 40% of the data.[^{i}]\n\n"));
    }
    for i in 1..=3000 {
        text.push_str(&format!("[^{i}]: A note.\n"));
    }
    let started = std::time::Instant::now();
    let d = doc("t.md", &text);
    assert!(hints(&d).is_empty(), "every claim carries its marker");
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
}
