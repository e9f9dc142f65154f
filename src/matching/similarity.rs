//! Bounded string similarity: edit distances that give up past a limit, and similarity scores
//! whose cost has a ceiling however long the words (a page title may be one 1,000-character
//! "word", and Levenshtein is quadratic).

/// Longest text, in characters, whose similarity is always computed in full.
pub(crate) const MAX_SIMILARITY_CHARS: usize = 256;

/// Distances up to this are found exactly on text of any length, in time linear in its length.
const NEAR_DISTANCE: usize = 8;

/// The Levenshtein distance between `a` and `b`, counted in characters, when it is at most `k`;
/// `None` when it is larger. Only the diagonal band of width `2k + 1` is filled, so the cost is
/// `O(len × k)`, not `O(len²)`.
pub(crate) fn distance_within(a: &str, b: &str, k: usize) -> Option<usize> {
    if a == b {
        return Some(0);
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (n, m) = (a.len(), b.len());
    if n.abs_diff(m) > k {
        return None;
    }
    // Cells outside the band stand for "more than k".
    let over = k + 1;
    let mut prev: Vec<usize> = (0..=m).map(|j| j.min(over)).collect();
    let mut cur = vec![over; m + 1];
    for i in 1..=n {
        let lo = i.saturating_sub(k).max(1);
        let hi = (i + k).min(m);
        cur[0] = i.min(over);
        cur[lo - 1] = if lo == 1 { cur[0] } else { over };
        let mut row_min = cur[lo - 1];
        for j in lo..=hi {
            let substitute = prev[j - 1] + usize::from(a[i - 1] != b[j - 1]);
            let v = substitute.min(prev[j] + 1).min(cur[j - 1] + 1).min(over);
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if hi < m {
            cur[hi + 1] = over;
        }
        // A row's smallest distance never shrinks further down.
        if row_min > k {
            return None;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    Some(prev[m]).filter(|d| *d <= k)
}

/// `strsim::normalized_levenshtein`: `1 − distance / longer length`, in `0..=1`. Exact for text
/// up to [`MAX_SIMILARITY_CHARS`] characters and for longer text that differs by a few
/// characters; two long texts that differ more are scored on their first
/// [`MAX_SIMILARITY_CHARS`] characters.
pub(crate) fn similarity(a: &str, b: &str) -> f64 {
    let long = |s: &str| s.len() > MAX_SIMILARITY_CHARS && s.chars().nth(MAX_SIMILARITY_CHARS).is_some();
    if !(long(a) || long(b)) {
        return strsim::normalized_levenshtein(a, b);
    }
    if let Some(d) = distance_within(a, b, NEAR_DISTANCE) {
        let longest = a.chars().count().max(b.chars().count());
        return 1.0 - d as f64 / longest as f64;
    }
    strsim::normalized_levenshtein(prefix(a), prefix(b))
}

/// The first [`MAX_SIMILARITY_CHARS`] characters.
fn prefix(s: &str) -> &str {
    s.char_indices().nth(MAX_SIMILARITY_CHARS).map_or(s, |(i, _)| &s[..i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_distance_is_levenshtein_up_to_the_bound() {
        let pool: Vec<char> = "abcdeé巴 ".chars().collect();
        let mut rng = fastrand::Rng::with_seed(0x1e7);
        for _ in 0..20_000 {
            let word = |rng: &mut fastrand::Rng| -> String {
                let len = rng.usize(0..10);
                (0..len).map(|_| pool[rng.usize(0..pool.len())]).collect()
            };
            let a = word(&mut rng);
            // Often a small edit of the first, so that short distances are common.
            let b = if rng.bool() {
                let mut b: Vec<char> = a.chars().collect();
                for _ in 0..rng.usize(0..4) {
                    match rng.u8(0..3) {
                        0 if !b.is_empty() => {
                            b.remove(rng.usize(0..b.len()));
                        }
                        1 => b.insert(rng.usize(0..=b.len()), pool[rng.usize(0..pool.len())]),
                        _ if !b.is_empty() => {
                            let i = rng.usize(0..b.len());
                            b[i] = pool[rng.usize(0..pool.len())];
                        }
                        _ => {}
                    }
                }
                b.into_iter().collect()
            } else {
                word(&mut rng)
            };
            let exact = strsim::levenshtein(&a, &b);
            for k in 0..4 {
                let want = (exact <= k).then_some(exact);
                assert_eq!(distance_within(&a, &b, k), want, "{a:?} {b:?} within {k}");
            }
        }
    }

    #[test]
    fn similarity_is_strsims_on_words_and_bounded_on_long_text() {
        for (a, b) in [("kitten", "sitting"), ("", ""), ("", "x"), ("colour", "color"), ("巴基", "巴")] {
            assert_eq!(similarity(a, b), strsim::normalized_levenshtein(a, b), "{a} {b}");
        }
        let a = "x".repeat(1000);
        let mut b = a.clone();
        b.replace_range(500..501, "y");
        // A slip deep in a long word is still found exactly.
        assert_eq!(similarity(&a, &b), strsim::normalized_levenshtein(&a, &b));
        // Two long words that differ a lot: no quadratic work, and a score in range.
        let c = "ab".repeat(20_000);
        let d = "ba".repeat(20_000);
        let s = similarity(&c, &d);
        assert!((0.0..=1.0).contains(&s), "{s}");
        assert_eq!(distance_within(&c, &d, 2), Some(2));
        assert_eq!(distance_within(&c, &"cd".repeat(20_000), 2), None);
    }
}
