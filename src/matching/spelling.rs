//! Small word-level equivalences: British/American spelling, numbers in words, function words.

/// Whether two different words are the same word in British and American spelling.
pub(crate) fn spelling_variant(a: &str, b: &str) -> bool {
    a != b && a.len() >= 4 && b.len() >= 4 && american(a) == american(b)
}

/// A rough American form of a word, enough to make British and American spellings meet.
fn american(w: &str) -> String {
    const WORDS: &[(&str, &str)] = &[
        ("programme", "program"),
        ("programmes", "programs"),
        ("judgement", "judgment"),
        ("ageing", "aging"),
        ("grey", "gray"),
        ("mould", "mold"),
        ("plough", "plow"),
        ("cheque", "check"),
        ("tyre", "tire"),
        ("aluminium", "aluminum"),
        ("storey", "story"),
        ("pyjamas", "pajamas"),
        ("sceptic", "skeptic"),
        ("sceptical", "skeptical"),
        ("kerb", "curb"),
        ("draught", "draft"),
        ("gaol", "jail"),
        ("whilst", "while"),
        ("amongst", "among"),
        ("enrol", "enroll"),
        ("fulfil", "fulfill"),
    ];
    if let Some((_, us)) = WORDS.iter().find(|(uk, _)| *uk == w) {
        return us.to_string();
    }
    let mut w = w.to_string();
    const SUFFIXES: &[(&str, &str)] = &[
        ("isations", "izations"),
        ("isation", "ization"),
        ("ising", "izing"),
        ("ised", "ized"),
        ("ises", "izes"),
        ("ise", "ize"),
        ("ysing", "yzing"),
        ("ysed", "yzed"),
        ("yses", "yzes"),
        ("yse", "yze"),
        ("tres", "ters"),
        ("tre", "ter"),
        ("ences", "enses"),
        ("ence", "ense"),
        ("ogues", "ogs"),
        ("ogue", "og"),
    ];
    if let Some((uk, us)) = SUFFIXES.iter().find(|(uk, _)| w.ends_with(uk)) {
        w.truncate(w.len() - uk.len());
        w.push_str(us);
    }
    if w.len() >= 5 {
        w = w.replace("our", "or");
    }
    w.replace("ll", "l").replace("ae", "e").replace("oe", "e")
}

/// The value of a number written in words ("three", "twenty seven", "third"), one or two words.
pub(crate) fn number_in_words(words: &[&str]) -> Option<u32> {
    const UNITS: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 8] = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
    let unit = |w: &str| UNITS.iter().position(|u| *u == w).map(|v| v as u32);
    let ten = |w: &str| TENS.iter().position(|t| *t == w).map(|v| v as u32 * 10 + 20);
    match words {
        [w] => unit(w).or_else(|| ten(w)).or(match *w {
            "hundred" => Some(100),
            "thousand" => Some(1000),
            _ => None,
        }),
        [t, u] => Some(ten(t)? + unit(u).filter(|u| (1..=9).contains(u))?),
        _ => None,
    }
}

/// The value of an ordinal in words or digits ("third", "3rd").
pub(crate) fn ordinal(w: &str) -> Option<u32> {
    const ORD: [&str; 12] = [
        "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh",
        "twelfth",
    ];
    if let Some(i) = ORD.iter().position(|o| *o == w) {
        return Some(i as u32 + 1);
    }
    let digits = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &w[digits.len()..];
    (matches!(suffix, "st" | "nd" | "rd" | "th") && !digits.is_empty()).then(|| digits.parse().ok()).flatten()
}

/// Whether the words on each side write the same number (digits against words, or ordinals).
pub(crate) fn same_number(a: &[&str], b: &[&str]) -> bool {
    let digits = |w: &[&str]| match w {
        [d] if d.bytes().all(|c| c.is_ascii_digit()) => d.parse::<u32>().ok(),
        _ => None,
    };
    let ords = |w: &[&str]| match w {
        [o] => ordinal(o),
        _ => None,
    };
    let pair = |x: &[&str], y: &[&str]| digits(x).is_some_and(|n| number_in_words(y) == Some(n));
    pair(a, b) || pair(b, a) || (ords(a).is_some() && ords(a) == ords(b) && a != b)
}

/// Function words whose addition or loss is a slip, not a change of title.
pub(crate) fn is_function_word(w: &str) -> bool {
    const WORDS: &[&str] = &[
        "the", "a", "an", "of", "in", "on", "at", "to", "for", "and", "or", "with", "by", "from", "as", "is", "are",
        "was", "were", "be", "its", "it", "this", "that", "into", "onto", "upon", "over", "about", "than", "but",
        "has", "have", "had", "will", "s",
    ];
    WORDS.contains(&w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn british_and_american_spellings_meet() {
        for (uk, us) in [
            ("organisation", "organization"),
            ("recognised", "recognized"),
            ("analyse", "analyze"),
            ("colour", "color"),
            ("neighbours", "neighbors"),
            ("centre", "center"),
            ("defence", "defense"),
            ("travelled", "traveled"),
            ("catalogue", "catalog"),
            ("programme", "program"),
            ("paediatric", "pediatric"),
        ] {
            assert!(spelling_variant(uk, us), "{uk}/{us}");
        }
        assert!(!spelling_variant("peace", "piece"));
        assert!(!spelling_variant("fruitful", "fruitless"));
        assert!(!spelling_variant("color", "color"));
    }

    #[test]
    fn numbers_in_words() {
        assert!(same_number(&["3"], &["three"]));
        assert!(same_number(&["twenty", "seven"], &["27"]));
        assert!(same_number(&["third"], &["3rd"]));
        assert!(!same_number(&["3"], &["four"]));
        assert!(!same_number(&["2024"], &["2025"]));
        assert_eq!(number_in_words(&["twenty", "zero"]), None);
    }
}
