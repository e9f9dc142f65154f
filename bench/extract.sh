#!/usr/bin/env bash
# Extraction throughput on generated corpora, side by side with a peer that only reads the
# bytes (grep counting superscript markers): the ratio shows what parsing costs on top of a
# single pass, and the sizes show that extraction is linear in the input.
#
# Usage: bench/extract.sh [MEGABYTES...]   (default: 10 20 40, plus a 100 MB single line)
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out
mkdir -p "$out"
cargo build --release --quiet
bin=target/release/citecheck
sizes=("${@:-10 20 40}")
sizes=(${sizes[*]})

run() { # prints seconds (best of 3) of a command
  python3 - "$@" <<'PY'
import subprocess, sys, time
best = None
for _ in range(3):
    t = time.perf_counter()
    subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=False)
    d = time.perf_counter() - t
    best = d if best is None else min(best, d)
print(f"{best:.3f}")
PY
}

printf '%-22s %8s %10s %10s %8s %8s\n' corpus MB citecheck grep ratio MB/s
for mb in "${sizes[@]}"; do
  f="$out/corpus-$mb.txt"
  [ -f "$f" ] || python3 bench/gen_corpus.py "$f" "$mb"
  c=$(run "$bin" extract --format json --fail-on never --max-notes 100000000 "$f")
  g=$(run grep -c '[¹²³⁴⁵⁶⁷⁸⁹]' "$f")
  python3 -c "import sys; mb,c,g=map(float,sys.argv[1:]); print(f'{\"notes-\"+sys.argv[1]:<22} {mb:8.0f} {c:10.3f} {g:10.3f} {c/g:8.1f} {mb/c:8.1f}')" "$mb" "$c" "$g"
done
# The issue-8 corpora (one ~40 MB Markdown brief, 2 000 briefs of ~20 KB), when bench/network.sh
# or `loadserver brief` has made them: the commands network.sh times.
for corpus in "$out/extract-40mb.md" "$out/extract-2000"; do
  [ -e "$corpus" ] || continue
  mb=$(du -sb "$corpus" | cut -f1)
  c=$(run "$bin" extract --no-config --format json --max-notes 200000 "$corpus")
  g=$(run grep -rc '\[\^' "$corpus")
  python3 -c "import sys; b,c,g=map(float,sys.argv[2:]); print(f'{sys.argv[1]:<22} {b/1e6:8.0f} {c:10.3f} {g:10.3f} {c/g:8.1f} {b/1e6/c:8.1f}')" "$(basename "$corpus")" "$mb" "$c" "$g"
done
f="$out/single-line-100.txt"
[ -f "$f" ] || python3 bench/gen_corpus.py "$f" 100 --single-line
c=$(run "$bin" extract --format json --fail-on never --max-notes 100000000 "$f")
g=$(run grep -c '[¹²³⁴⁵⁶⁷⁸⁹]' "$f")
python3 -c "import sys; c,g=map(float,sys.argv[1:]); print(f'{\"single-line\":<22} {100:8.0f} {c:10.3f} {g:10.3f} {c/g:8.1f} {100/c:8.1f}')" "$c" "$g"
