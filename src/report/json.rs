//! The JSON report: the serde form of [`Report`], pretty-printed, and the same bytes written as
//! the documents are produced ([`write_streaming`]), so that a large run never holds its whole
//! report (or the text of it) in memory.

use std::cell::RefCell;
use std::io::{self, Write};

use serde::ser::{Error as _, SerializeSeq, SerializeStruct};
use serde::{Serialize, Serializer};

use super::{DocumentReport, REPORT_VERSION, Report, RunInfo, Summary};

/// The JSON report, with a final newline.
pub fn render(report: &Report) -> String {
    let mut out = Vec::with_capacity(4096);
    // Writing to memory cannot fail, and every map key in a report is a string.
    let _ = report.serialize(&mut serde_json::Serializer::with_formatter(&mut out, Pretty::default()));
    out.push(b'\n');
    String::from_utf8(out).unwrap_or_default()
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

/// Writes the JSON report of `run` and of the documents `documents` yields, in order, to `out`
/// as each is produced: byte for byte what [`render`] gives for the same report. Returns the
/// report's totals, computed as the documents go.
pub fn write_streaming<W: Write>(out: W, run: &RunInfo, documents: impl Iterator<Item = DocumentReport>) -> Streamed {
    let stream = Stream { run, documents: RefCell::new(Some(documents)), summary: RefCell::new(Summary::default()) };
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    let written = {
        let mut ser = serde_json::Serializer::with_formatter(&mut out, Pretty::default());
        stream.serialize(&mut ser).map_err(io::Error::from)
    };
    // The documents left when the output failed are still produced: the totals (and the exit
    // code that comes from them) do not depend on the reader.
    if let Some(rest) = stream.documents.borrow_mut().take() {
        let mut summary = stream.summary.borrow_mut();
        for doc in rest {
            summary.add(&doc);
        }
    }
    let written = written.and_then(|()| out.write_all(b"\n")).and_then(|()| out.flush());
    Streamed { summary: stream.summary.into_inner(), written }
}

/// A report whose documents are produced while it is serialised.
struct Stream<'a, I> {
    run: &'a RunInfo,
    documents: RefCell<Option<I>>,
    summary: RefCell<Summary>,
}

impl<I: Iterator<Item = DocumentReport>> Serialize for Stream<'_, I> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // The fields and their order are `Report`'s (a test holds the two together).
        let mut report = serializer.serialize_struct("Report", 4)?;
        report.serialize_field("version", &REPORT_VERSION)?;
        report.serialize_field("run", self.run)?;
        report.serialize_field("documents", &Documents(self))?;
        report.serialize_field("summary", &*self.summary.borrow())?;
        report.end()
    }
}

struct Documents<'s, 'a, I>(&'s Stream<'a, I>);

impl<I: Iterator<Item = DocumentReport>> Serialize for Documents<'_, '_, I> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Some(mut documents) = self.0.documents.borrow_mut().take() else {
            return Err(S::Error::custom("the documents were already written"));
        };
        // An empty list is written `[]` whether or not its length is known in advance.
        let mut seq = serializer.serialize_seq(None)?;
        for doc in documents.by_ref() {
            self.0.summary.borrow_mut().add(&doc);
            if let Err(e) = seq.serialize_element(&doc) {
                // Hand the rest back, to be counted without being written.
                *self.0.documents.borrow_mut() = Some(documents);
                return Err(e);
            }
        }
        seq.end()
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::document::{self, Format};

    fn reports() -> Vec<DocumentReport> {
        let md = "Claim.[^1] Other.[^2] Orphan.[^9]\n\n[^1]: Kamran Yousaf, “Envoy wraps up fruitful \
                  Kabul trip,” *Express Tribune*, March 24, 2025, <https://tribune.com.pk/story/1>.\n\
                  [^2]: Ibid.\n[^3]: \"Ctrl\u{1}chars \\\\ and \\\"quotes\\\"\", htp://bad.example/x\n";
        let txt = "Body text.¹\n\nNotes\n\n1. Dawn, 23 March 2025, https://www.dawn.com/news/1\n";
        vec![
            DocumentReport::extract(
                &document::parse(Path::new("a.md"), md.as_bytes(), Some(Format::Markdown)).unwrap(),
            ),
            DocumentReport::extract(&document::parse(Path::new("b.txt"), txt.as_bytes(), None).unwrap()),
        ]
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
        for docs in [reports(), Vec::new()] {
            let whole = Report::new(docs.clone()).with_run(run());
            let mut out = Vec::new();
            let streamed = write_streaming(&mut out, &run(), docs.into_iter());
            streamed.written.unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), render(&whole));
            assert_eq!(streamed.summary, whole.summary);
            let plain = serde_json::to_string_pretty(&whole).unwrap() + "\n";
            assert_eq!(render(&whole), plain);
        }
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
        let docs: Vec<DocumentReport> = (0..200).flat_map(|_| reports()).collect();
        let whole = Report::new(docs.clone());
        let mut produced = 0;
        let streamed = write_streaming(Full { room: 10 }, &run(), docs.into_iter().inspect(|_| produced += 1));
        assert_eq!(streamed.written.unwrap_err().kind(), io::ErrorKind::BrokenPipe);
        assert_eq!(produced, 400);
        assert_eq!(streamed.summary, whole.summary);
    }
}
