//! The JSON report: the serde form of [`Report`], pretty-printed, and the same bytes written as
//! the documents are produced ([`write_streaming`]), so that a large run never holds its whole
//! report (or the text of it) in memory.

use std::io::{self, Write};

use serde::Serialize;

use super::{Extraction, REPORT_VERSION, Report, RunInfo, Summary};
use crate::reference::Reference;

/// The JSON report, with a final newline.
pub fn render(report: &Report) -> String {
    let mut out = Vec::with_capacity(4096);
    // Writing to memory cannot fail, and every map key in a report is a string.
    let _ = write(report, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Writes the JSON report, with a final newline, to `out` as it is serialised: the same bytes
/// as [`render`] without ever holding them all (at 10 000 checked references the text is about
/// 20 MB, more than the report it is made from). `out` is buffered here.
pub fn write<W: Write>(report: &Report, out: W) -> io::Result<()> {
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    report
        .serialize(&mut serde_json::Serializer::with_formatter(&mut out, Pretty::default()))
        .map_err(io::Error::from)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// serde_json's `PrettyFormatter` (two spaces), writing each line break and its indentation in
/// one piece rather than one write per level: the same bytes, in a tenth of the calls.
#[derive(Default)]
struct Pretty {
    indent: usize,
    has_value: bool,
}

/// `,` then a line break then the indentation of the deepest level written in one piece.
const BREAK: &[u8] = b",\n                                                                                                                                ";

impl Pretty {
    /// A line break (after a comma unless `first`) and the current indentation.
    fn line<W: ?Sized + Write>(&self, writer: &mut W, first: bool) -> io::Result<()> {
        let from = usize::from(first);
        let width = 2 * self.indent;
        match BREAK.get(from..2 + width) {
            Some(piece) => writer.write_all(piece),
            None => {
                writer.write_all(&BREAK[from..2])?;
                for _ in 0..self.indent {
                    writer.write_all(b"  ")?;
                }
                Ok(())
            }
        }
    }
}

impl serde_json::ser::Formatter for Pretty {
    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.indent += 1;
        self.has_value = false;
        writer.write_all(b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.indent -= 1;
        if self.has_value {
            self.line(writer, true)?;
        }
        writer.write_all(b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        self.line(writer, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.indent += 1;
        self.has_value = false;
        writer.write_all(b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.indent -= 1;
        if self.has_value {
            self.line(writer, true)?;
        }
        writer.write_all(b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        self.line(writer, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// What [`write_streaming`] did: the totals of every document produced, and whether `out`
/// took all of the report.
#[derive(Debug)]
pub struct Streamed {
    /// Totals over every document `documents` yielded, written or not.
    pub summary: Summary,
    /// The first error writing to `out`; once it came, the remaining documents were still
    /// produced and counted, but not written.
    pub written: io::Result<()>,
}

/// Writes the JSON report of `run` and of the extractions `documents` yields, in order, to
/// `out` as each is produced: byte for byte what [`render`] gives for the report of the same
/// documents (each reference's `check` null). Returns the report's totals, computed as the
/// documents go.
pub fn write_streaming<W: Write>(out: W, run: &RunInfo, documents: impl Iterator<Item = Extraction>) -> Streamed {
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    let mut summary = Summary::default();
    let mut written = Ok(());
    let mut first = true;
    // The framing is `Report`'s serde form, written here so that each document is written as
    // it comes; a test holds the two together. Once the output fails, the documents left are
    // still produced and counted: the totals (and the exit code) do not depend on the reader.
    let mut write = |out: &mut io::BufWriter<W>, f: &mut dyn FnMut(&mut io::BufWriter<W>) -> io::Result<()>| {
        if written.is_ok() {
            written = f(out);
        }
    };
    write(&mut out, &mut |out| {
        out.write_all(b"{\n  \"version\": ")?;
        out.write_all(REPORT_VERSION.to_string().as_bytes())?;
        out.write_all(b",\n  \"run\": ")?;
        value(out, run, 1)?;
        out.write_all(b",\n  \"documents\": [")
    });
    for doc in documents {
        summary.add_extraction(&doc);
        let mut doc = Some(doc);
        write(&mut out, &mut |out| {
            out.write_all(if first { b"\n    " } else { b",\n    " })?;
            doc.take().map_or(Ok(()), |doc| document(out, doc))
        });
        first = false;
    }
    write(&mut out, &mut |out| {
        out.write_all(if first { b"],\n  \"summary\": " } else { b"\n  ],\n  \"summary\": " })?;
        value(out, &summary, 1)?;
        out.write_all(b"\n}\n")?;
        out.flush()
    });
    Streamed { summary, written }
}

/// `v` as serde writes it pretty-printed at nesting depth `depth` (its first line follows
/// what is already written; its last line is indented `depth` levels).
fn value<W: Write, T: Serialize + ?Sized>(out: &mut W, v: &T, depth: usize) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(out, Pretty { indent: depth, has_value: false });
    v.serialize(&mut ser).map_err(io::Error::from)
}

/// One document of the `documents` list (depth 2), as its `DocumentReport` is written.
fn document<W: Write>(out: &mut W, doc: Extraction) -> io::Result<()> {
    out.write_all(b"{\n      \"path\": ")?;
    string(out, &doc.path)?;
    out.write_all(b",\n      \"format\": ")?;
    string(out, doc.format.as_str())?;
    out.write_all(b",\n      \"references\": [")?;
    let listed_none = doc.references.is_empty();
    if doc.references.len() < 2 * REFERENCES_PER_PART {
        listed(out, &doc.references, true)?;
    } else {
        // A long document's references are written in rounds, each shared between the cores
        // in parts (a reference's bytes depend on it alone) and written in order: the same
        // bytes, with a round's text (a few megabytes) the most held at once. Each part's
        // references are dropped where they were rendered, which is work too.
        let mut refs = doc.references.into_iter();
        let mut first = true;
        while refs.len() > 0 {
            let parts: Vec<(bool, Vec<Reference>)> = (0..REFERENCES_PER_ROUND / REFERENCES_PER_PART)
                .map(|_| refs.by_ref().take(REFERENCES_PER_PART).collect::<Vec<_>>())
                .filter(|part| !part.is_empty())
                .map(|part| (std::mem::take(&mut first), part))
                .collect();
            let rendered = crate::parallel::map(parts, 1, |(first, refs)| {
                let mut text = Vec::with_capacity(refs.len() * 1024);
                listed(&mut text, &refs, first).map(|()| text)
            });
            for text in rendered {
                out.write_all(&text?)?;
            }
        }
    }
    out.write_all(if listed_none { b"],\n      \"findings\": " } else { b"\n      ],\n      \"findings\": " })?;
    value(out, &doc.findings, 3)?;
    out.write_all(b"\n    }")
}

/// References in a part of a long document's list, rendered on one core.
const REFERENCES_PER_PART: usize = 2048;

/// References in a round of a long document's list: a part for each of several cores.
const REFERENCES_PER_ROUND: usize = 4 * REFERENCES_PER_PART;

/// `refs` as items of the `references` list, `first` when they start it.
fn listed<W: Write>(out: &mut W, refs: &[Reference], first: bool) -> io::Result<()> {
    for (i, r) in refs.iter().enumerate() {
        out.write_all(if first && i == 0 { b"\n        " } else { b",\n        " })?;
        extracted(out, r)?;
    }
    Ok(())
}

/// A reference not checked (`"check": null`) at depth 4: the bytes serde writes for its
/// `ReferenceReport`, without serde's machinery, which was a tenth of extraction time.
fn extracted<W: Write>(out: &mut W, r: &Reference) -> io::Result<()> {
    const KEY: &[u8] = b",\n          \"";
    out.write_all(b"{\n          \"label\": ")?;
    string(out, &r.label)?;
    out.write_all(b",\n          \"line\": ")?;
    number(out, u64::from(r.span.line))?;
    out.write_all(b",\n          \"column\": ")?;
    number(out, u64::from(r.span.column))?;
    let field = |out: &mut W, name: &str| -> io::Result<()> {
        out.write_all(KEY)?;
        out.write_all(name.as_bytes())?;
        out.write_all(b"\": ")
    };
    field(out, "text")?;
    string(out, &r.text)?;
    field(out, "url")?;
    optional(out, r.url.as_deref())?;
    field(out, "urls")?;
    strings(out, &r.urls)?;
    field(out, "title")?;
    optional(out, r.title.as_deref())?;
    field(out, "authors")?;
    strings(out, &r.authors)?;
    field(out, "container")?;
    optional(out, r.container.as_deref())?;
    field(out, "date")?;
    date(out, r.date)?;
    field(out, "accessed")?;
    date(out, r.accessed)?;
    field(out, "doi")?;
    optional(out, r.doi.as_deref())?;
    if let Some(repeats) = &r.repeats {
        field(out, "repeats")?;
        string(out, repeats)?;
    }
    field(out, "markers")?;
    if r.markers.is_empty() {
        out.write_all(b"[]")?;
    } else {
        for (i, m) in r.markers.iter().enumerate() {
            out.write_all(if i == 0 {
                b"[\n            {\n              \"line\": "
            } else {
                b",\n            {\n              \"line\": "
            })?;
            number(out, u64::from(m.line))?;
            out.write_all(b",\n              \"column\": ")?;
            number(out, u64::from(m.column))?;
            out.write_all(b"\n            }")?;
        }
        out.write_all(b"\n          ]")?;
    }
    if let Some(page) = r.page {
        field(out, "page")?;
        number(out, u64::from(page))?;
    }
    if let Some(ignored) = &r.ignored {
        field(out, "ignored")?;
        string(out, ignored)?;
    }
    field(out, "check")?;
    out.write_all(b"null\n        }")
}

/// A list of strings at depth 5 (a reference's field).
fn strings<W: Write>(out: &mut W, items: &[String]) -> io::Result<()> {
    if items.is_empty() {
        return out.write_all(b"[]");
    }
    for (i, s) in items.iter().enumerate() {
        out.write_all(if i == 0 { b"[\n            " } else { b",\n            " })?;
        string(out, s)?;
    }
    out.write_all(b"\n          ]")
}

fn optional<W: Write>(out: &mut W, s: Option<&str>) -> io::Result<()> {
    match s {
        Some(s) => string(out, s),
        None => out.write_all(b"null"),
    }
}

/// A date as its ISO form (`PartialDate`'s serde form), or null.
fn date<W: Write>(out: &mut W, d: Option<crate::date::PartialDate>) -> io::Result<()> {
    let Some(d) = d else { return out.write_all(b"null") };
    let two = |v: u8| [b'0' + v / 10, b'0' + v % 10];
    if let Ok(year) = u16::try_from(d.year)
        && year <= 9999
        && d.month.is_none_or(|m| m < 100)
        && d.day.is_none_or(|m| m < 100)
    {
        // `{:04}` and `-{:02}`, as PartialDate's Display writes them.
        let y = [(year / 1000) as u8, (year / 100 % 10) as u8, (year / 10 % 10) as u8, (year % 10) as u8];
        let mut buf = [b'"', b'0' + y[0], b'0' + y[1], b'0' + y[2], b'0' + y[3], 0, 0, 0, 0, 0, 0, 0];
        let mut n = 5;
        if let Some(m) = d.month {
            buf[n] = b'-';
            buf[n + 1..n + 3].copy_from_slice(&two(m));
            n += 3;
            if let Some(day) = d.day {
                buf[n] = b'-';
                buf[n + 1..n + 3].copy_from_slice(&two(day));
                n += 3;
            }
        }
        buf[n] = b'"';
        return out.write_all(&buf[..=n]);
    }
    let mut buf = String::with_capacity(12);
    // PartialDate's Display is its serde form, and has nothing to escape.
    let _ = std::fmt::Write::write_fmt(&mut buf, format_args!("\"{d}\""));
    out.write_all(buf.as_bytes())
}

fn number<W: Write>(out: &mut W, n: u64) -> io::Result<()> {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.write_all(&buf[i..])
}

/// A JSON string as serde_json writes it: `"` and `\` escaped, and the control characters
/// below U+0020 (`\b \t \n \f \r` by name, the others as `\u00xx`); nothing else.
fn string<W: Write>(out: &mut W, s: &str) -> io::Result<()> {
    let b = s.as_bytes();
    // A fold over every byte vectorises; most strings have no control character, and only
    // quotes and backslashes (found with memchr) to escape.
    let controls = b.iter().fold(false, |any, &c| any | (c < 0x20));
    out.write_all(b"\"")?;
    if !controls {
        let mut start = 0;
        for i in memchr::memchr2_iter(b'"', b'\\', b) {
            out.write_all(&b[start..i])?;
            out.write_all(if b[i] == b'"' { b"\\\"" } else { b"\\\\" })?;
            start = i + 1;
        }
        out.write_all(&b[start..])?;
    } else {
        let mut start = 0;
        for (i, &c) in b.iter().enumerate() {
            let escape: &[u8] = match c {
                b'"' => b"\\\"",
                b'\\' => b"\\\\",
                0x08 => b"\\b",
                b'\t' => b"\\t",
                b'\n' => b"\\n",
                0x0C => b"\\f",
                b'\r' => b"\\r",
                c if c < 0x20 => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    out.write_all(&b[start..i])?;
                    out.write_all(&[b'\\', b'u', b'0', b'0', HEX[usize::from(c >> 4)], HEX[usize::from(c & 0xF)]])?;
                    start = i + 1;
                    continue;
                }
                _ => continue,
            };
            out.write_all(&b[start..i])?;
            out.write_all(escape)?;
            start = i + 1;
        }
        out.write_all(&b[start..])?;
    }
    out.write_all(b"\"")
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::DocumentReport;
    use super::*;
    use crate::document::{self, Format};

    fn reports() -> Vec<Extraction> {
        let md = "Claim.[^1] Other.[^2] Orphan.[^9]\n\n[^1]: Kamran Yousaf, “Envoy wraps up fruitful \
                  Kabul trip,” *Express Tribune*, March 24, 2025, <https://tribune.com.pk/story/1>.\n\
                  [^2]: Ibid.\n[^3]: \"Ctrl\u{1}chars \\\\ and \\\"quotes\\\"\", htp://bad.example/x\n";
        let txt = "Body text.¹\n\nNotes\n\n1. Dawn, 23 March 2025, https://www.dawn.com/news/1\n";
        vec![
            Extraction::of(&document::parse(Path::new("a.md"), md.as_bytes(), Some(Format::Markdown)).unwrap(), |_| {
                None
            }),
            Extraction::of(&document::parse(Path::new("b.txt"), txt.as_bytes(), None).unwrap(), |_| None),
        ]
    }

    /// A document whose references fill every field the JSON can show, and one with none.
    fn rich() -> Extraction {
        let mut doc = reports().remove(0);
        let mut r = doc.references[0].clone();
        r.label = "x\"\\\u{1}\u{7f}é".into();
        r.text = "ctrl \u{8}\u{c}\t\n\r\u{1f} “quotes” \"q\" back\\slash \u{2028}".into();
        r.urls = vec!["https://a.example/1".into(), "https://b.example/\"2".into()];
        r.url = r.urls.first().cloned();
        r.authors = vec!["A, B.".into(), "et al.".into()];
        r.accessed = crate::date::PartialDate::new(2025, Some(3), None);
        r.date = crate::date::PartialDate::new(998, None, None);
        r.doi = Some("10.1234/x".into());
        r.repeats = Some("1".into());
        r.page = Some(3);
        r.ignored = Some("paywalled".into());
        r.markers.push(crate::span::Span { line: 7, column: 4_000_000_000, start: 0, end: 0 });
        let mut bare = r.clone();
        bare.urls.clear();
        bare.url = None;
        bare.authors.clear();
        bare.markers.clear();
        bare.title = None;
        bare.container = None;
        bare.date = None;
        bare.accessed = None;
        bare.doi = None;
        bare.repeats = None;
        bare.page = None;
        bare.ignored = None;
        doc.references.push(r);
        doc.references.push(bare);
        doc
    }

    fn whole(docs: &[Extraction]) -> Report {
        Report::new(docs.iter().cloned().map(DocumentReport::from).collect()).with_run(run())
    }

    fn run() -> RunInfo {
        RunInfo {
            command: "extract".into(),
            started: Some("2025-01-01T00:00:00Z".into()),
            settings: vec![("max-notes".into(), "5".into())],
            ..RunInfo::default()
        }
    }

    #[test]
    fn streaming_writes_what_the_whole_report_serialises_to() {
        let no_refs = Extraction { references: Vec::new(), findings: Vec::new(), ..reports().remove(1) };
        // A long list is written in rounds and parts on several cores: lengths around their
        // borders, each reference told apart by its label.
        let long = |n: usize| {
            let mut doc = rich();
            let pattern = doc.references.clone();
            doc.references = (0..n)
                .map(|i| {
                    let mut r = pattern[i % pattern.len()].clone();
                    r.label = format!("{i}");
                    r
                })
                .collect();
            doc
        };
        let lengths =
            [2 * REFERENCES_PER_PART, REFERENCES_PER_ROUND, REFERENCES_PER_ROUND * 2 + REFERENCES_PER_PART + 1];
        for docs in [reports(), Vec::new(), vec![rich(), no_refs.clone()], vec![no_refs.clone()]]
            .into_iter()
            .chain(lengths.map(|n| vec![long(n), no_refs.clone()]))
        {
            let whole = whole(&docs);
            let mut out = Vec::new();
            let streamed = write_streaming(&mut out, &run(), docs.into_iter());
            streamed.written.unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), render(&whole));
            assert_eq!(streamed.summary, whole.summary);
        }
    }

    #[test]
    fn rendering_is_serde_jsons_pretty_form() {
        let mut doc = DocumentReport::from(rich());
        let check = crate::verdict::Check::without_fetch(crate::verdict::Verdict::Unverifiable, Some("x".into()));
        let mut checked = doc.references[0].clone();
        checked.check = Some(check);
        doc.references.push(checked);
        let report = Report::new(vec![doc]).with_run(run());
        assert_eq!(render(&report), serde_json::to_string_pretty(&report).unwrap() + "\n");
    }

    #[test]
    fn indentation_deeper_than_the_piece_is_still_serde_jsons() {
        let mut deep = serde_json::json!([1, {"a": []}, {}]);
        for _ in 0..80 {
            deep = serde_json::json!({ "k": [deep, "x"] });
        }
        let mut ours = Vec::new();
        deep.serialize(&mut serde_json::Serializer::with_formatter(&mut ours, Pretty::default())).unwrap();
        assert_eq!(String::from_utf8(ours).unwrap(), serde_json::to_string_pretty(&deep).unwrap());
    }

    /// A writer that takes `room` bytes, then fails.
    struct Full {
        room: usize,
    }

    impl Write for Full {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.room == 0 {
                return Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"));
            }
            let n = buf.len().min(self.room);
            self.room -= n;
            Ok(n)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failing_reader_still_gets_every_document_counted() {
        // Large enough documents that the buffer is flushed (and fails) before the end.
        let docs: Vec<Extraction> = (0..200).flat_map(|_| reports()).collect();
        let whole = whole(&docs);
        let mut produced = 0;
        let streamed = write_streaming(Full { room: 10 }, &run(), docs.into_iter().inspect(|_| produced += 1));
        assert_eq!(streamed.written.unwrap_err().kind(), io::ErrorKind::BrokenPipe);
        assert_eq!(produced, 400);
        assert_eq!(streamed.summary, whole.summary);
    }
}
