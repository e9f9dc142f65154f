#!/usr/bin/env python3
"""Turns the measurements of bench/network.sh into bench/RESULTS.md (Markdown on stdout).

Arguments: OUT_DIR CITECHECK_VERSION LYCHEE_VERSION RTT_MS SETUP_RTTS MAX_WINDOW GLOBAL PER_HOST
INTERVAL_MS HAS_CACHE
"""

import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time

out, cc_version, ly_version = sys.argv[1:4]
rtt_ms, setup_rtts, max_window, glob, per_host, interval_ms, has_cache = map(int, sys.argv[4:11])

runs = [json.loads(line) for line in open(os.path.join(out, "runs.jsonl")) if line.strip()]
extract_path = os.path.join(out, "extract.jsonl")
extracts = [json.loads(line) for line in open(extract_path) if line.strip()] if os.path.exists(extract_path) else []


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
    except OSError:
        return ""


def median(rows, key):
    values = [r[key] for r in rows]
    return statistics.median(values) if values else float("nan")


def fmt_s(x):
    return f"{x:.2f}"


def fmt_mb(b):
    return f"{b / 1e6:.1f}"


def ratio(a, b):
    return f"{a / b:.2f}" if b else "–"


def bound(net, refs, hosts, size):
    """The least time any checker can take at these settings: the per-host interval between
    request starts on the busiest host, or the round trips the concurrency limits allow (connection set-up once, then
    one round trip per request), whichever is longer."""
    requests = size["requests"]
    # A redirect is answered by the host it was asked of, so the busiest host may have more
    # than its share (briefs written before this was recorded give the average).
    per_host_requests = size.get("busiest_host_requests") or math.ceil(requests / hosts)
    interval = (per_host_requests - 1) * interval_ms / 1000
    if net == "flat":
        return interval, "interval"
    slots = min(glob, per_host * hosts)
    rtt = rtt_ms / 1000
    trips = setup_rtts * rtt + math.ceil(requests / slots) * rtt
    return (interval, "interval") if interval >= trips else (trips, "round trips")


settings = []
for r in runs:
    if r["setting"] not in settings:
        settings.append(r["setting"])

net_names = {
    "h1": f"HTTP/1.1, {rtt_ms} ms RTT",
    "h2": f"HTTP/2 (TLS), {rtt_ms} ms RTT",
    "flat": "HTTP/1.1, no modelled latency",
}
p = print
p("# Network benchmark: citecheck against lychee")
p()
p("Written by `bench/network.sh` (see `bench/README.md`); every figure below comes from the same")
p("machine, both tools run alternately in the same session. Nothing here is a test: timings on a")
p("shared 2-core machine are noisy, so each figure is the median of the runs.")


def measured_on(name):
    path = os.path.join(out, name)
    if not os.path.exists(path):
        return None
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(os.path.getmtime(path)))


# `NETS=""` or `EXTRACT=0` keep one part's last measurements: say when each was made.
when = [(what, measured_on(name)) for what, name in (("network runs", "runs.jsonl"), ("extraction", "extract.jsonl"))]
p("Measured: " + "; ".join(f"{what} {at}" for what, at in when if at) + ".")
p()
p("## Machine and versions")
p()
cpu_model = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip()
mem_gb = sh("free -g | awk '/Mem:/ {print $2}'")
load = sh("cat /proc/loadavg").split()[:3]
p(f"- {platform.system()} {platform.release()}, {sh('nproc')} CPUs ({cpu_model}), {mem_gb} GB RAM")
p(f"- shared with other jobs: load average {' '.join(load)} when the report was written")
p(f"- {cc_version}; {ly_version}")
p(f"- modelled network: {rtt_ms} ms round trip, {setup_rtts} set-up round trips per new connection,")
p(f"  congestion window 14.6 KB doubling per round trip up to {max_window / 1000:.0f} KB, per connection")
p(f"- both tools: {glob} requests at once, {per_host} per host, {interval_ms} ms between request starts per host")
p()
p("## Commands")
p()
p("```sh")
for name in sorted(os.listdir(out)):
    if name.startswith("cmd-") and name.endswith(".txt") and name[4:-4].split("-", 1)[-1] in settings:
        words = open(os.path.join(out, name)).read().strip().replace(out + "/", "").split(" ")
        # The binaries by name, not by where this machine keeps them.
        words[0] = os.path.basename(words[0])
        p(f"# {name[4:-4]}")
        p(" ".join(words))
p("# extraction")
p("citecheck extract --no-config --format json --max-notes 200000 extract-40mb.md")
p("citecheck extract --no-config --format json extract-2000/")
p("lychee --dump extract-40mb.md")
p("lychee --dump extract-2000/")
p("```")
p()
p("## Checking")
p()
p("Wall time is the median; connections, requests and bytes are what the load server counted (body")
p("bytes: response body bytes it released; full: what reading every final response whole takes).")
p("`bound` is the politeness or round-trip bound for the setting; `×bound` is citecheck's ratio to it.")
p()
p("| network | refs | hosts | tool | wall s | conns | requests | body MB | body/full | RSS MB | CPU s | cc/ly wall | bound s | ×bound |")
p("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
summary = {}
for s in settings:
    if ":cache" in s:
        continue
    net, refs, hosts = s.split(":")
    refs, hosts = int(refs), int(hosts)
    size_path = os.path.join(out, f"brief-{net}-{refs}-{hosts}.md.size.json")
    size = json.load(open(size_path))
    b, why = bound(net, refs, hosts, size)
    walls = {}
    for tool in ("citecheck", "lychee"):
        rows = [r for r in runs if r["setting"] == s and r["tool"] == tool]
        if not rows:
            continue
        wall = median(rows, "wall")
        walls[tool] = wall
        body = median(rows, "body_bytes")
        cols = [
            net_names.get(net, net), str(refs), str(hosts), tool, fmt_s(wall),
            f"{median(rows, 'connections'):.0f}", f"{median(rows, 'requests'):.0f}", fmt_mb(body),
            f"{body / size['full_body_bytes'] * 100:.0f} %", f"{median(rows, 'rss_kb') / 1024:.0f}",
            f"{median(rows, 'cpu'):.2f}",
        ]
        if tool == "citecheck":
            cols += ["", f"{b:.2f} ({why})", f"{wall / b:.2f}" if b else "–"]
            summary[s] = dict(wall=wall, bound=b, body=body / size["full_body_bytes"],
                              conns=median(rows, "connections"), rss=median(rows, "rss_kb") / 1024)
        else:
            cols += [ratio(walls.get("citecheck", 0), wall), "", ""]
            if s in summary:
                summary[s]["ratio"] = walls.get("citecheck", 0) / wall if wall else None
        p("| " + " | ".join(cols) + " |")
p()
cache_rows = [r for r in runs if ":cache" in r["setting"]]
warm_result = None
p("## Warm rerun with the cache")
p()
if has_cache and cache_rows:
    cold = [r for r in cache_rows if r["setting"].endswith("cache-cold")]
    warm = [r for r in cache_rows if r["setting"].endswith("cache-warm")]
    if cold and warm:
        cw, ww = statistics.median(r["wall"] for r in cold), statistics.median(r["wall"] for r in warm)
        wreq = max(r["requests"] for r in warm)
        p(f"Setting {cold[0]['setting'].rsplit(':', 1)[0]}: cold {cw:.2f} s (median of {len(cold)}), "
          f"{cold[0]['requests']} requests;")
        p(f"warm {ww:.3f} s (median of {len(warm)}; CPU {statistics.median(r['cpu'] for r in warm):.3f} s, "
          f"RSS {statistics.median(r['rss_kb'] for r in warm) / 1024:.0f} MB), at most {wreq} requests: "
          f"{cw / ww:.1f}× faster.")
        warm_result = (cw / ww, wreq)
else:
    p("Not measured: the benchmarked build of `citecheck check` has no `--cache` (it predates the")
    p("merge of the SQLite result cache). The script runs this step by itself (a cold, then a warm run")
    p("with `--cache`, on the first setting over HTTP/2) whenever `citecheck check --help` shows `--cache`.")
p()
p("## Extraction")
p()
if extracts:
    sizes = json.load(open(os.path.join(out, "extract-sizes.json")))
    p("Each figure is the median of the runs (at least five for citecheck; lychee's dump of the 40 MB")
    p("document runs once), with the best run in brackets: the machine is shared, and the best run is")
    p("the one least slowed by other jobs. Targets are judged on the median.")
    p()
    p("| corpus | MB | tool | runs | wall s (best) | MB/s (best) | CPU s | RSS MB | output lines |")
    p("|---|---:|---|---:|---:|---:|---:|---:|---:|")
    ext = {}
    for corpus, label, nbytes in (("big", "one document, 80 000 footnotes", sizes["big_bytes"]),
                                  ("many", "2 000 documents of 20 KB", sizes["many_bytes"])):
        for tool in ("citecheck", "lychee"):
            rows = [r for r in extracts if r["corpus"] == corpus and r["tool"] == tool]
            if not rows:
                continue
            wall = median(rows, "wall")
            best = min(r["wall"] for r in rows)
            ext[(corpus, tool)] = (wall, nbytes)
            p(f"| {label} | {fmt_mb(nbytes)} | {tool} | {len(rows)} | {wall:.2f} ({best:.2f}) | "
              f"{nbytes / 1e6 / wall:.1f} ({nbytes / 1e6 / best:.1f}) | {median(rows, 'cpu'):.2f} | "
              f"{median(rows, 'rss_kb') / 1024:.0f} | {median(rows, 'out_lines'):.0f} |")
    p()
    for corpus in ("big", "many"):
        if (corpus, "citecheck") in ext and (corpus, "lychee") in ext:
            c, l = ext[(corpus, "citecheck")][0], ext[(corpus, "lychee")][0]
            p(f"- {corpus}: lychee / citecheck = {l / c:.1f}×")
    p()
json.dump(summary, open(os.path.join(out, "summary.json"), "w"), indent=1)

# --- the targets against what was measured -------------------------------------------------
p("## Targets")
p()
p("| target | measured | met |")
p("|---|---|---|")


def row(target, measured, ok):
    p(f"| {target} | {measured} | {'yes' if ok else '**no**'} |")


for net, limit in (("h1", 0.5), ("h2", 0.8), ("flat", 1.0)):
    items = [(s, v) for s, v in summary.items() if s.startswith(net + ":") and v.get("ratio") is not None]
    if items:
        worst = max(v["ratio"] for _, v in items)
        detail = ", ".join(f"{s.split(':', 1)[1]}: {v['ratio']:.2f}" for s, v in items)
        row(f"wall ≤ {limit} × lychee, {net_names[net]}", f"worst {worst:.2f} ({detail})", worst <= limit)
if summary:
    worst = max(v["wall"] / v["bound"] for v in summary.values() if v["bound"])
    detail = ", ".join(f"{s}: {v['wall'] / v['bound']:.2f}" for s, v in summary.items() if v["bound"])
    row("within 1.2 × the politeness or round-trip bound", f"worst {worst:.2f} ({detail})", worst <= 1.2)
    worst = max(v["body"] for v in summary.values())
    row("body bytes ≤ 25 % of the full responses", f"worst {worst * 100:.0f} %", worst <= 0.25)
    over = []
    for s, v in summary.items():
        hosts = int(s.split(":")[2])
        if v["conns"] > hosts * per_host:
            over.append(f"{s}: {v['conns']:.0f} > {hosts * per_host}")
    row("connections ≤ hosts × per-host concurrency", "; ".join(over) or "all within", not over)
    big = [v["rss"] for s, v in summary.items() if s.split(":")[1] == "10000"]
    if big:
        row("peak RSS < 100 MB at 10 000 references", f"{max(big):.0f} MB", max(big) < 100)
if extracts:
    for corpus in ("big", "many"):
        if (corpus, "citecheck") in ext:
            wall, nbytes = ext[(corpus, "citecheck")]
            row(f"extraction ≥ 50 MB/s ({corpus})", f"{nbytes / 1e6 / wall:.1f} MB/s", nbytes / 1e6 / wall >= 50)
    if ("big", "citecheck") in ext and ("big", "lychee") in ext:
        r = ext[("big", "lychee")][0] / ext[("big", "citecheck")][0]
        row("≥ 50 × lychee on the 40 MB document", f"{r:.1f}× (lychee capped at its timeout if it hit it)", r >= 50)
if warm_result:
    speedup, wreq = warm_result
    row("warm cached rerun ≥ 20 × faster, zero requests", f"{speedup:.1f}×, {wreq} requests", speedup >= 20 and wreq == 0)
else:
    row("warm cached rerun ≥ 20 × faster, zero requests", "not measured", False)
p()
notes = os.path.join(os.path.dirname(os.path.abspath(__file__)), "network-notes.md")
if os.path.exists(notes):
    p(open(notes).read().rstrip())
