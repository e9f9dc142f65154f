//! Element names the page scanner's tree rules and collector know, as small numbers; any other
//! name gets a number of its own from [`Interner`] (numbers past [`KNOWN`]).

use std::collections::HashMap;
use std::sync::OnceLock;

/// An element name: one of the constants below, or an interned name.
pub(crate) type Name = u16;

macro_rules! known_names {
    ($($id:ident = $text:literal,)*) => {
        #[allow(non_camel_case_types, clippy::upper_case_acronyms, dead_code)]
        #[repr(u16)]
        enum Id { $($id,)* Count }
        $(pub(crate) const $id: Name = Id::$id as Name;)*
        /// How many names are known; interned names are numbered from here.
        pub(crate) const KNOWN: Name = Id::Count as Name;
        /// The text of each known name, by number.
        const TEXT: [&str; KNOWN as usize] = [$($text,)*];
    };
}

known_names! {
    A = "a", ADDRESS = "address", ANNOTATION_XML = "annotation-xml", APPLET = "applet", AREA = "area",
    ARTICLE = "article", ASIDE = "aside", B = "b", BASE = "base", BASEFONT = "basefont", BGSOUND = "bgsound",
    BIG = "big", BLOCKQUOTE = "blockquote", BODY = "body", BR = "br", BUTTON = "button", CAPTION = "caption",
    CENTER = "center", CODE = "code", COL = "col", COLGROUP = "colgroup", DD = "dd", DESC = "desc",
    DETAILS = "details", DIALOG = "dialog", DIR = "dir", DIV = "div", DL = "dl", DT = "dt", EM = "em",
    EMBED = "embed", FIELDSET = "fieldset", FIGCAPTION = "figcaption", FIGURE = "figure", FONT = "font",
    FOOTER = "footer", FOREIGNOBJECT = "foreignobject", FORM = "form", FRAME = "frame", FRAMESET = "frameset",
    H1 = "h1", H2 = "h2", H3 = "h3", H4 = "h4", H5 = "h5", H6 = "h6", HEAD = "head", HEADER = "header",
    HGROUP = "hgroup", HR = "hr", HTML = "html", I = "i", IFRAME = "iframe", IMAGE = "image", IMG = "img",
    INPUT = "input", ISINDEX = "isindex", KEYGEN = "keygen", LI = "li", LINK = "link", LISTING = "listing",
    MAIN = "main", MALIGNMARK = "malignmark", MARQUEE = "marquee", MATH = "math", MENU = "menu", META = "meta",
    MGLYPH = "mglyph", MI = "mi", MN = "mn", MO = "mo", MS = "ms", MTEXT = "mtext", NAV = "nav", NOBR = "nobr",
    NOEMBED = "noembed", NOFRAMES = "noframes", NOSCRIPT = "noscript", OBJECT = "object", OL = "ol",
    OPTGROUP = "optgroup", OPTION = "option", P = "p", PARAM = "param", PLAINTEXT = "plaintext", PRE = "pre",
    RB = "rb", RP = "rp", RT = "rt", RTC = "rtc", RUBY = "ruby", S = "s", SCRIPT = "script", SEARCH = "search",
    SECTION = "section", SELECT = "select", SMALL = "small", SOURCE = "source", SPAN = "span", STRIKE = "strike",
    STRONG = "strong", STYLE = "style", SUB = "sub", SUMMARY = "summary", SUP = "sup", SVG = "svg",
    TABLE = "table", TBODY = "tbody", TD = "td", TEMPLATE = "template", TEXTAREA = "textarea", TFOOT = "tfoot",
    TH = "th", THEAD = "thead", TIME = "time", TITLE = "title", TR = "tr", TRACK = "track", TT = "tt", U = "u",
    UL = "ul", VAR = "var", WBR = "wbr", XMP = "xmp",
}

/// Interned names beyond this many share one number (a page with that many distinct element
/// names is hostile; sharing only blurs which of them an end tag closes).
const MAX_NAMES: usize = 16 * 1024;
/// The number shared by names past [`MAX_NAMES`].
const OVERFLOW: Name = KNOWN + MAX_NAMES as Name;

/// A name of at most 16 bytes packed into one integer (names never contain NUL bytes).
fn key(name: &[u8]) -> Option<u128> {
    let mut packed = [0u8; 16];
    packed.get_mut(..name.len())?.copy_from_slice(name);
    Some(u128::from_be_bytes(packed))
}

/// Slots of the known-name table (a power of two, four times the names: few collisions).
const SLOTS: usize = 1024;

/// Where a name's search starts in the known-name table.
fn slot(name: &[u8]) -> usize {
    let (first, last) = (name.first().copied().unwrap_or(0), name.last().copied().unwrap_or(0));
    (name.len().wrapping_mul(131) ^ usize::from(first).wrapping_mul(31) ^ usize::from(last).wrapping_mul(7)) % SLOTS
}

/// The known name with this (lower-case) text.
pub(crate) fn known(name: &[u8]) -> Option<Name> {
    // Open addressing on length, first and last byte: a tag name costs one or two probes.
    static TABLE: OnceLock<Vec<(u128, Name)>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut t = vec![(0u128, Name::MAX); SLOTS];
        for (i, text) in TEXT.iter().enumerate() {
            let k = key(text.as_bytes()).unwrap_or(0);
            let mut s = slot(text.as_bytes());
            while t[s].1 != Name::MAX {
                s = (s + 1) % SLOTS;
            }
            t[s] = (k, i as Name);
        }
        t
    });
    let k = key(name)?;
    let mut s = slot(name);
    loop {
        let (candidate, n) = table[s];
        if n == Name::MAX {
            return None;
        }
        if candidate == k {
            return Some(n);
        }
        s = (s + 1) % SLOTS;
    }
}

/// Numbers for names that are not known, per page.
#[derive(Default)]
pub(crate) struct Interner {
    names: HashMap<Box<[u8]>, Name>,
}

impl Interner {
    /// The number of a (lower-case) element name.
    pub(crate) fn name(&mut self, name: &[u8]) -> Name {
        if let Some(n) = known(name) {
            return n;
        }
        if let Some(n) = self.names.get(name) {
            return *n;
        }
        if self.names.len() >= MAX_NAMES {
            return OVERFLOW;
        }
        let n = KNOWN + self.names.len() as Name;
        self.names.insert(name.into(), n);
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_name_is_found_and_nothing_else() {
        for (i, t) in TEXT.iter().enumerate() {
            assert_eq!(known(t.as_bytes()), Some(i as Name), "{t}");
        }
        for t in ["", "x", "divx", "h7", "annotation-xml2", "aaaaaaaaaaaaaaaaaaaaaaaaa", "DIV"] {
            assert_eq!(known(t.as_bytes()), None, "{t}");
        }
        let mut names = Interner::default();
        let custom = names.name(b"amp-img");
        assert!(custom >= KNOWN);
        assert_eq!(names.name(b"amp-img"), custom);
        assert_ne!(names.name(b"amp-ad"), custom);
        assert_eq!(names.name(b"p"), P);
    }
}
