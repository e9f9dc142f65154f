//! The deterministic news web: which page lives at which path of which host, what it says about
//! itself, and its HTML. Everything follows from the seed, so the server and the brief generator
//! agree without sharing files, and two runs serve byte-identical pages.

use bytes::Bytes;

/// splitmix64: a tiny, well-mixed generator; the same seed gives the same web on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(parts: &[u64]) -> Rng {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for p in parts {
            state = mix(state ^ p.wrapping_mul(0xbf58_476d_1ce4_e5b9));
        }
        Rng(state)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.0)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }

    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below((hi - lo + 1) as u64) as usize
    }

    pub fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// What a cited path answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// 200 with the article.
    Ok,
    /// `/news/…` answers 301 to `/article/…`, which serves the article.
    Redirect,
    /// 404 with a not-found page.
    NotFound,
}

/// One article of one host.
#[derive(Debug, Clone)]
pub struct Article {
    pub n: u64,
    pub kind: Kind,
    pub title: String,
    pub slug: String,
    pub site: String,
    pub author: String,
    pub year: u16,
    pub month: u8,
    pub day: u8,
    pub section: &'static str,
    /// Size of the whole `<head>` element, in bytes (10–30 KB).
    pub head_bytes: usize,
    /// Which of the shared body texts follows the head.
    pub body: usize,
}

const SITE_WORDS: &[&str] = &[
    "Northern", "Capital", "Daily", "Evening", "Morning", "Frontier", "Valley", "Coastal", "Metro", "National",
    "Eastern", "Western", "Harbour", "Union", "Republic", "Citizen", "Plains", "Highland", "River", "Central",
];
const SITE_KINDS: &[&str] =
    &["Herald", "Tribune", "Times", "Post", "Observer", "Chronicle", "Gazette", "Courier", "Ledger", "Dispatch"];
const SUBJECTS: &[&str] = &[
    "Ministers", "Regional leaders", "Farmers", "Central bank", "Port authority", "Trade envoys", "Lawmakers",
    "Health officials", "Election commission", "Railway operator", "Energy regulator", "City council",
    "Water board", "Teachers union", "Border agency", "Court of appeal", "Planning committee", "Exporters",
];
const VERBS: &[&str] = &[
    "agree", "reject", "delay", "announce", "review", "expand", "suspend", "approve", "question", "defend",
    "unveil", "revise", "extend", "debate", "finalise", "welcome",
];
const OBJECTS: &[&str] = &[
    "new trade corridor", "flood relief package", "fuel price formula", "grain export quota", "rail freight plan",
    "budget for clinics", "tariff on steel", "electricity subsidy", "customs reform", "water sharing accord",
    "transit agreement", "housing scheme", "fisheries ban", "road toll increase", "digital census",
    "textile incentive", "airport expansion", "mining licence rules",
];
const TAILS: &[&str] = &[
    "after border talks resume", "amid rising costs", "ahead of winter", "despite protests", "as deadline nears",
    "following court ruling", "in surprise move", "after months of delay", "to ease shortages",
    "under donor pressure", "before key summit", "as prices climb", "after heavy rains", "in joint statement",
];
const SECTIONS: &[&str] = &["world", "business", "politics", "region", "economy", "national"];
const SYLLABLES: &[&str] = &[
    "ka", "ve", "lo", "mi", "ra", "nu", "te", "sa", "do", "ri", "fa", "zel", "mon", "tar", "bel", "quin", "sor",
    "van", "dil", "pe",
];
pub const MONTHS: &[&str] = &[
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
];
const WORDS: &[&str] = &[
    "the", "government", "said", "on", "which", "would", "market", "officials", "report", "province", "in",
    "of", "a", "trade", "and", "during", "meeting", "statement", "prices", "week", "analysts", "expected",
    "increase", "policy", "to", "with", "after", "region", "according", "data", "from", "ministry", "year",
    "plan", "was", "for", "its", "by", "at", "an", "spokesperson", "committee", "agreement", "reforms",
];

/// A made-up name from syllables: never a real person's.
fn name(rng: &mut Rng) -> String {
    let mut word = |n: usize| {
        let mut w = String::new();
        for _ in 0..n {
            w.push_str(rng.pick(SYLLABLES));
        }
        let mut c = w.chars();
        c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
    };
    let first = word(2);
    let last = word(3);
    format!("{first} {last}")
}

/// The name of the site on host number `host`.
pub fn site(seed: u64, host: usize) -> String {
    let mut rng = Rng::new(&[seed, 1, host as u64]);
    format!("The {} {}", rng.pick(SITE_WORDS), rng.pick(SITE_KINDS))
}

/// Article `n` of host `host`.
pub fn article(seed: u64, host: usize, n: u64) -> Article {
    let mut rng = Rng::new(&[seed, 2, host as u64, n]);
    let roll = rng.below(100);
    let kind = match roll {
        0..3 => Kind::NotFound,
        3..8 => Kind::Redirect,
        _ => Kind::Ok,
    };
    let title = format!(
        "{} {} {} {} (report {n})",
        rng.pick(SUBJECTS),
        rng.pick(VERBS),
        rng.pick(OBJECTS),
        rng.pick(TAILS)
    );
    let slug = title
        .to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    Article {
        n,
        kind,
        title,
        slug,
        site: site(seed, host),
        author: name(&mut rng),
        year: 2020 + rng.below(6) as u16,
        month: 1 + rng.below(12) as u8,
        day: 1 + rng.below(28) as u8,
        section: SECTIONS[rng.below(SECTIONS.len() as u64) as usize],
        head_bytes: rng.range(10_000, 30_000),
        body: rng.below(BODIES as u64) as usize,
    }
}

impl Article {
    /// The path the brief cites.
    pub fn cited_path(&self) -> String {
        format!("/news/{}/{}", self.n, self.slug)
    }

    /// Where the article is served (after the redirect, for redirected articles).
    pub fn served_path(&self) -> String {
        match self.kind {
            Kind::Redirect => format!("/article/{}/{}", self.n, self.slug),
            _ => self.cited_path(),
        }
    }

    pub fn date_iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    pub fn date_long(&self) -> String {
        format!("{} {}, {}", MONTHS[usize::from(self.month - 1)], self.day, self.year)
    }
}

/// How many shared body texts there are (sizes spread over 100–300 KB).
pub const BODIES: usize = 16;

/// Prose of about `bytes` bytes, in sentences.
pub fn prose(rng: &mut Rng, bytes: usize) -> String {
    let mut s = String::with_capacity(bytes + 200);
    while s.len() < bytes {
        let words = rng.range(8, 22);
        for i in 0..words {
            let w = rng.pick(WORDS);
            if i == 0 {
                let mut c = w.chars();
                if let Some(f) = c.next() {
                    s.push(f.to_ascii_uppercase());
                    s.push_str(c.as_str());
                }
            } else {
                s.push(' ');
                s.push_str(w);
            }
        }
        s.push_str(". ");
    }
    s
}

/// The shared article bodies: paragraphs, asides, scripts and a footer, as news sites send.
pub fn bodies(seed: u64) -> Vec<Bytes> {
    (0..BODIES)
        .map(|i| {
            let mut rng = Rng::new(&[seed, 3, i as u64]);
            let target = 100_000 + i * 200_000 / (BODIES - 1);
            let mut s = String::with_capacity(target + 4096);
            s.push_str("<div class=\"article-body\">\n");
            while s.len() < target {
                match rng.below(10) {
                    0 => {
                        s.push_str("<aside class=\"related\"><h3>Related</h3><ul>");
                        for k in 0..5 {
                            s.push_str(&format!("<li><a href=\"/news/{}/related-{k}\">", rng.below(100_000)));
                            s.push_str(&prose(&mut rng, 60));
                            s.push_str("</a></li>");
                        }
                        s.push_str("</ul></aside>\n");
                    }
                    1 => {
                        s.push_str("<script>window.__ads=window.__ads||[];window.__ads.push({slot:\"");
                        s.push_str(&format!("{:016x}", rng.next()));
                        s.push_str("\",sizes:[[300,250],[728,90]],targeting:{section:\"news\"}});</script>\n");
                    }
                    _ => {
                        s.push_str("<p>");
                        let n = rng.range(300, 900);
                        s.push_str(&prose(&mut rng, n));
                        s.push_str("</p>\n");
                    }
                }
            }
            s.push_str("</div>\n<footer class=\"site-footer\"><p>All rights reserved.</p></footer>\n");
            s.push_str("</article></main></body></html>\n");
            Bytes::from(s)
        })
        .collect()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;")
}

/// The `<!doctype>` and the whole `<head>`, padded to the article's head size with what news
/// sites put there (preloads, inline configuration and styles).
pub fn head(a: &Article, origin: &str, seed: u64) -> String {
    let mut rng = Rng::new(&[seed, 4, a.n]);
    let title = escape(&a.title);
    let site = escape(&a.site);
    let url = format!("{origin}{}", a.served_path());
    let iso = a.date_iso();
    let mut s = String::with_capacity(a.head_bytes + 1024);
    s.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    s.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    s.push_str(&format!("<title>{title} | {site}</title>\n"));
    s.push_str(&format!("<meta name=\"description\" content=\"{}\">\n", escape(&prose(&mut rng, 150))));
    s.push_str(&format!("<link rel=\"canonical\" href=\"{url}\">\n"));
    s.push_str(&format!("<meta property=\"og:title\" content=\"{title}\">\n"));
    s.push_str(&format!("<meta property=\"og:site_name\" content=\"{site}\">\n"));
    s.push_str("<meta property=\"og:type\" content=\"article\">\n");
    s.push_str(&format!("<meta property=\"og:url\" content=\"{url}\">\n"));
    s.push_str(&format!("<meta property=\"og:image\" content=\"{origin}/img/{}.jpg\">\n", a.n));
    s.push_str(&format!("<meta property=\"article:published_time\" content=\"{iso}T08:30:00+00:00\">\n"));
    s.push_str(&format!("<meta property=\"article:section\" content=\"{}\">\n", a.section));
    s.push_str(&format!("<meta name=\"author\" content=\"{}\">\n", escape(&a.author)));
    s.push_str("<meta name=\"twitter:card\" content=\"summary_large_image\">\n");
    s.push_str(&format!("<meta name=\"twitter:title\" content=\"{title}\">\n"));
    s.push_str(&format!(
        "<script type=\"application/ld+json\">{{\"@context\":\"https://schema.org\",\"@type\":\"NewsArticle\",\
         \"headline\":\"{title}\",\"datePublished\":\"{iso}T08:30:00+00:00\",\"dateModified\":\"{iso}T09:10:00+00:00\",\
         \"author\":[{{\"@type\":\"Person\",\"name\":\"{}\"}}],\"publisher\":{{\"@type\":\"Organization\",\"name\":\"{site}\"}},\
         \"mainEntityOfPage\":\"{url}\",\"articleSection\":\"{}\"}}</script>\n",
        escape(&a.author),
        a.section
    ));
    let mut k = 0;
    while s.len() + 40 < a.head_bytes {
        match k % 4 {
            0 => s.push_str(&format!("<link rel=\"preload\" href=\"/static/{:x}.js\" as=\"script\">\n", rng.next())),
            1 => s.push_str(&format!(
                "<style>.c{k}{{margin:{}px;padding:{}px;color:#{:06x}}}.c{k} a{{text-decoration:none}}</style>\n",
                rng.below(40),
                rng.below(40),
                rng.below(0xffffff)
            )),
            2 => s.push_str(&format!(
                "<script>window.__cfg=window.__cfg||{{}};window.__cfg[\"k{k}\"]=\"{:016x}{:016x}\";</script>\n",
                rng.next(),
                rng.next()
            )),
            _ => s.push_str(&format!("<meta name=\"x-tracking-{k}\" content=\"{:016x}\">\n", rng.next())),
        }
        k += 1;
    }
    s.push_str("</head>\n");
    s
}

/// What follows the head before the shared body: the page's own headline and byline.
pub fn body_start(a: &Article) -> String {
    format!(
        "<body class=\"article {}\"><header><nav><a href=\"/\">{}</a></nav></header>\n<main><article>\n\
         <h1>{}</h1>\n<p class=\"byline\">By {} · {}</p>\n",
        a.section,
        escape(&a.site),
        escape(&a.title),
        escape(&a.author),
        a.date_long()
    )
}

/// The not-found page of a site: a full template (sites send their whole chrome with a 404).
pub fn not_found(site: &str, seed: u64) -> String {
    let mut rng = Rng::new(&[seed, 5]);
    let mut s = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Page not found | {}</title>\
         <meta name=\"robots\" content=\"noindex\"></head>\n<body><main><h1>Page not found</h1>\n",
        escape(site)
    );
    while s.len() < 30_000 {
        s.push_str("<p>");
        s.push_str(&prose(&mut rng, 400));
        s.push_str("</p>\n");
    }
    s.push_str("</main></body></html>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_web_is_deterministic_and_sized_as_announced() {
        let a = article(7, 3, 42);
        let b = article(7, 3, 42);
        assert_eq!(a.title, b.title);
        let head = head(&a, "http://127.0.0.5:8080", 7);
        assert!((10_000..=30_100).contains(&head.len()), "{}", head.len());
        assert!(head.ends_with("</head>\n"));
        let bodies = bodies(7);
        assert!(bodies.iter().all(|b| (100_000..=301_000).contains(&b.len())));
        let kinds: Vec<Kind> = (0..1000).map(|n| article(7, 0, n).kind).collect();
        let missing = kinds.iter().filter(|k| **k == Kind::NotFound).count();
        let moved = kinds.iter().filter(|k| **k == Kind::Redirect).count();
        assert!((10..60).contains(&missing) && (20..90).contains(&moved), "{missing} {moved}");
    }
}
