#!/bin/sh
# Seeds each fuzz target's corpus from the repository's fixtures, so that fuzzing starts from
# real documents and pages rather than from nothing. Run from anywhere; safe to run again.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
docs="$root/fixtures/docs"
web="$root/fixtures/web"

seed() { # seed TARGET FILE...
    dir="$here/corpus/$1"
    shift
    mkdir -p "$dir"
    for f in "$@"; do
        [ -f "$f" ] || continue
        # Flattened names keep seeds from different folders apart.
        name=$(printf '%s' "${f#"$root"/}" | tr '/' '_')
        cp "$f" "$dir/$name"
    done
}

seed parse_text $(find "$docs" "$root/seeds" -name '*.txt' | sort)
seed parse_markdown $(find "$docs" -name '*.md' | sort)
seed parse_html $(find "$docs" -name '*.html' | sort)
# parse_docx: whole files (first byte even), and their XML parts joined at "\n----\n" after an
# odd first byte (the target builds a package around them).
seed parse_docx $(find "$docs" -name '*.docx' | sort)
for f in $(find "$docs" -name '*.docx' | sort); do
    name=$(basename "$f" .docx)
    python3 - "$f" "$here/corpus/parse_docx/parts-$name" <<'PY'
import sys, zipfile
parts = ["word/document.xml", "word/footnotes.xml", "word/endnotes.xml", "word/settings.xml",
         "word/_rels/footnotes.xml.rels"]
with zipfile.ZipFile(sys.argv[1]) as z:
    names = set(z.namelist())
    pieces = [z.read(p) if p in names else b"" for p in parts]
open(sys.argv[2], "wb").write(b"\x01" + b"\n----\n".join(pieces))
PY
done
seed page_extract $(find "$web" -type f ! -name '*.http' ! -name '*.py' ! -name '*.md' ! -name '*.pdf' | sort)
seed page_extract $(find "$root/fixtures/pages" -name '*.html' | sort)
seed parse_pdf $(find "$docs" "$web" -name '*.pdf' | sort)

# The reference parser reads one note's text: seed it with every line of the fixture documents
# that cites something (a URL or a quoted title), one per file.
mkdir -p "$here/corpus/references" "$here/corpus/matching"
find "$docs" "$root/seeds" -type f \( -name '*.txt' -o -name '*.md' \) | sort | while IFS= read -r f; do
    grep -h -E 'https?://|“|"' "$f" | while IFS= read -r line; do
        printf '%s' "$line" > "$here/corpus/references/$(printf '%s' "$line" | cksum | cut -d' ' -f1)"
    done
done

# The matcher reads "cited\npage\nsite": seed it with the titles the expectations cite, each
# against itself and against a site-suffixed form.
for f in $(find "$docs/expected" -name '*.json' | sort); do
    grep -o '"title": "[^"]*"' "$f" | sed 's/^"title": "//; s/"$//' | while IFS= read -r t; do
        sum=$(printf '%s' "$t" | cksum | cut -d' ' -f1)
        printf '%s\n%s | The Daily Ledger\nThe Daily Ledger' "$t" "$t" > "$here/corpus/matching/$sum"
    done
done

for t in "$here"/corpus/*; do
    echo "$(basename "$t"): $(ls "$t" | wc -l) seeds"
done

# The configuration parser: the README's example file and the tests' configuration snippets.
mkdir -p "$here/corpus/config"
awk '/^```toml$/{on=1; n++; next} /^```$/{on=0} on{print > ("'"$here"'/corpus/config/readme-" n ".toml")}' "$root/README.md"

# The WARC reader: the committed replay archive, gzipped per record and plain.
seed warc_reader "$root/fixtures/replay/seed-brief.warc.gz"
gzip -dc "$root/fixtures/replay/seed-brief.warc.gz" > "$here/corpus/warc_reader/seed-brief.warc"
