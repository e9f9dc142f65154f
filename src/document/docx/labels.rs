//! Note labels as Word shows them: footnotes 1, 2, 3… and endnotes i, ii, iii… by default, or in
//! the format, start and restart rule of the document's settings and of each section.

/// Footnote or endnote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum NoteKind {
    Footnote,
    Endnote,
}

impl NoteKind {
    pub(crate) fn name(self) -> &'static str {
        match self {
            NoteKind::Footnote => "footnote",
            NoteKind::Endnote => "endnote",
        }
    }
}

/// Numbering properties (`w:footnotePr`/`w:endnotePr`); unset fields inherit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct NotePr {
    pub(crate) fmt: Option<String>,
    pub(crate) start: Option<u32>,
    pub(crate) restart_each_section: Option<bool>,
}

impl NotePr {
    /// Sets one property from its element (`numFmt`, `numStart`, `numRestart`) and `w:val`.
    pub(crate) fn set(&mut self, local: &[u8], val: Option<String>) {
        let Some(val) = val else { return };
        match local {
            b"numFmt" => self.fmt = Some(val),
            b"numStart" => self.start = val.trim().parse().ok(),
            // "eachPage" needs the page layout, which a .docx does not hold: counted on.
            b"numRestart" => self.restart_each_section = Some(val == "eachSect"),
            _ => {}
        }
    }

    /// `self` with what it leaves unset taken from `base`.
    pub(crate) fn over(&self, base: &NotePr) -> NotePr {
        NotePr {
            fmt: self.fmt.clone().or_else(|| base.fmt.clone()),
            start: self.start.or(base.start),
            restart_each_section: self.restart_each_section.or(base.restart_each_section),
        }
    }
}

/// The label of the `n`th note (from 1) in a `w:numFmt` format. Formats with no cheap rendering
/// (ordinal words, other scripts) fall back to decimal, as does anything out of range.
pub(crate) fn format(n: u32, fmt: &str) -> String {
    match fmt {
        "lowerRoman" => roman(n).map(|r| r.to_lowercase()).unwrap_or_else(|| n.to_string()),
        "upperRoman" => roman(n).unwrap_or_else(|| n.to_string()),
        "lowerLetter" => letter(n).map(|l| l.to_lowercase()).unwrap_or_else(|| n.to_string()),
        "upperLetter" => letter(n).unwrap_or_else(|| n.to_string()),
        "chicago" => chicago(n).unwrap_or_else(|| n.to_string()),
        "decimalZero" if n < 10 => format!("0{n}"),
        _ => n.to_string(),
    }
}

fn roman(n: u32) -> Option<String> {
    if n == 0 || n >= 4000 {
        return None;
    }
    const TABLE: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut n = n;
    let mut out = String::new();
    for (value, digits) in TABLE {
        while n >= value {
            out.push_str(digits);
            n -= value;
        }
    }
    Some(out)
}

/// Word's letters: A…Z, then AA…ZZ, AAA… (the letter repeated, not a base-26 count).
fn letter(n: u32) -> Option<String> {
    if n == 0 || n > 780 {
        return None;
    }
    let c = char::from(b'A' + ((n - 1) % 26) as u8);
    Some(c.to_string().repeat(((n - 1) / 26 + 1) as usize))
}

/// Chicago's symbols: *, †, ‡, §, then doubled, tripled…
fn chicago(n: u32) -> Option<String> {
    if n == 0 || n > 400 {
        return None;
    }
    let symbol = ['*', '†', '‡', '§'][((n - 1) % 4) as usize];
    Some(symbol.to_string().repeat(((n - 1) / 4 + 1) as usize))
}

/// The default format: decimal footnotes, lower-roman endnotes.
pub(crate) fn default_format(kind: NoteKind) -> &'static str {
    match kind {
        NoteKind::Footnote => "decimal",
        NoteKind::Endnote => "lowerRoman",
    }
}

/// One label per reference, in order. `refs` gives each reference's kind, section and custom
/// mark; `sections[k]` the properties of section `k` (already merged over the document's).
pub(crate) fn number(
    refs: &[(NoteKind, usize, Option<&str>)],
    sections: &[(NotePr, NotePr)],
    doc: &(NotePr, NotePr),
) -> Vec<String> {
    let pr_of = |kind: NoteKind, section: usize| -> NotePr {
        let (f, e) = sections.get(section).unwrap_or(doc);
        match kind {
            NoteKind::Footnote => f.clone(),
            NoteKind::Endnote => e.clone(),
        }
    };
    // Per kind: the next number and the section it was counted in.
    let mut next: [(Option<u32>, usize); 2] = [(None, 0), (None, 0)];
    let mut out = Vec::with_capacity(refs.len());
    for &(kind, section, custom) in refs {
        if let Some(mark) = custom.map(str::trim).filter(|m| !m.is_empty()) {
            out.push(mark.to_owned());
            continue;
        }
        let pr = pr_of(kind, section);
        let slot = &mut next[kind as usize];
        let restart = pr.restart_each_section.unwrap_or(false) && slot.1 != section;
        let n = match slot.0 {
            Some(n) if !restart => n,
            _ => pr.start.unwrap_or(1),
        };
        *slot = (Some(n.saturating_add(1)), section);
        out.push(format(n, pr.fmt.as_deref().unwrap_or(default_format(kind))));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(format(4, "lowerRoman"), "iv");
        assert_eq!(format(1994, "upperRoman"), "MCMXCIV");
        assert_eq!(format(28, "lowerLetter"), "bb");
        assert_eq!(format(6, "chicago"), "††");
        assert_eq!(format(3, "decimalZero"), "03");
        assert_eq!(format(12, "ordinalText"), "12");
        assert_eq!(format(0, "lowerRoman"), "0");
        assert_eq!(format(u32::MAX, "upperLetter"), u32::MAX.to_string());
    }

    #[test]
    fn numbering_counts_per_kind_honours_custom_marks_and_restarts() {
        let doc = (NotePr::default(), NotePr::default());
        let refs = [
            (NoteKind::Footnote, 0, None),
            (NoteKind::Endnote, 0, None),
            (NoteKind::Footnote, 0, Some("*")),
            (NoteKind::Footnote, 0, None),
            (NoteKind::Endnote, 0, None),
        ];
        assert_eq!(number(&refs, &[], &doc), ["1", "i", "*", "2", "ii"]);

        let each = NotePr { restart_each_section: Some(true), start: Some(5), fmt: Some("upperLetter".into()) };
        let sections = vec![(each.clone(), NotePr::default()), (each, NotePr::default())];
        let refs = [(NoteKind::Footnote, 0, None), (NoteKind::Footnote, 0, None), (NoteKind::Footnote, 1, None)];
        assert_eq!(number(&refs, &sections, &doc), ["E", "F", "E"]);
    }

    #[test]
    fn properties_inherit_field_by_field() {
        let mut doc = NotePr::default();
        doc.set(b"numFmt", Some("chicago".into()));
        doc.set(b"numStart", Some("x".into()));
        let mut sect = NotePr::default();
        sect.set(b"numStart", Some("3".into()));
        let merged = sect.over(&doc);
        assert_eq!((merged.fmt.as_deref(), merged.start), (Some("chicago"), Some(3)));
    }
}
