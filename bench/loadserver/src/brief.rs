//! Briefs in Markdown whose footnotes cite the load server's articles with the titles, sites,
//! authors and dates the pages give, so that a checker does its full work (fetch, read the head,
//! match the title) on every reference. Also makes the extraction corpora (padding prose to a size).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use crate::model::{self, Rng};
use crate::num;
use crate::server::host_ip;

pub fn run(options: &HashMap<String, String>) -> Result<(), String> {
    let refs: u64 = num(options, "refs", 1000)?;
    let hosts: usize = num(options, "hosts", 10)?;
    let docs: u64 = num(options, "docs", 1)?;
    let bytes: u64 = num(options, "bytes", 0)?;
    let seed: u64 = num(options, "seed", 1)?;
    let port: u16 = num(options, "port", 8080)?;
    let scheme = options.get("origin-scheme").map_or("http", String::as_str);
    let out = options.get("out").ok_or("--out is required")?;
    if hosts == 0 || docs == 0 {
        return Err("--hosts and --docs must be at least 1".into());
    }
    let per_doc = refs.div_ceil(docs);
    let bytes_per_doc = bytes / docs;
    if docs > 1 {
        std::fs::create_dir_all(out).map_err(|e| format!("{out}: {e}"))?;
    }
    if docs == 1 {
        std::fs::write(format!("{out}.size.json"), sizes(seed, hosts, scheme, port, refs))
            .map_err(|e| format!("{out}.size.json: {e}"))?;
    }
    for d in 0..docs {
        let first = d * per_doc;
        let last = ((d + 1) * per_doc).min(refs);
        let text = document(seed, hosts, scheme, port, first..last, bytes_per_doc, d);
        let path = if docs > 1 { Path::new(out).join(format!("brief-{d:05}.md")) } else { Path::new(out).to_path_buf() };
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

/// The cited URL of reference `i`: references go round the hosts, each citing its own article.
pub fn cited(seed: u64, hosts: usize, scheme: &str, port: u16, i: u64) -> (model::Article, String) {
    let host = (i % hosts as u64) as usize;
    let a = model::article(seed, host, i / hosts as u64);
    let url = format!("{scheme}://{}:{port}{}", host_ip(host), a.cited_path());
    (a, url)
}

fn document(
    seed: u64,
    hosts: usize,
    scheme: &str,
    port: u16,
    refs: std::ops::Range<u64>,
    bytes: u64,
    doc: u64,
) -> String {
    let mut rng = Rng::new(&[seed, 9, doc]);
    let count = refs.end - refs.start;
    let mut notes = String::new();
    for (k, i) in refs.clone().enumerate() {
        let (a, url) = cited(seed, hosts, scheme, port, i);
        let _ = writeln!(notes, "[^{}]: {}, \"{},\" *{}*, {}, {url}.", k + 1, a.author, a.title, a.site, a.date_long());
    }
    let prose_budget = (bytes as usize).saturating_sub(notes.len());
    let per_note = if count == 0 { 0 } else { prose_budget / count as usize };
    let mut s = String::with_capacity(bytes as usize + notes.len() + 1024);
    let _ = writeln!(s, "# Regional trade and infrastructure: a policy brief ({doc})\n");
    for k in 0..count {
        let n = per_note.max(120);
        s.push_str(model::prose(&mut rng, n).trim_end());
        let _ = write!(s, "[^{}]", k + 1);
        s.push_str(if k % 4 == 3 { "\n\n" } else { " " });
    }
    s.push_str("\n\n## Notes\n\n");
    s.push_str(&notes);
    s
}

/// What reading every cited page whole costs: the body bytes of every final response, and the
/// requests (one per reference, plus one per redirect), as JSON.
fn sizes(seed: u64, hosts: usize, scheme: &str, port: u16, refs: u64) -> String {
    let bodies = model::bodies(seed);
    let (mut bytes, mut requests, mut redirects, mut missing) = (0u64, 0u64, 0u64, 0u64);
    // Requests per host: a redirect stays on its host, so the busiest host sets the interval bound.
    let mut per_host = vec![0u64; hosts.max(1)];
    for i in 0..refs {
        let (a, _) = cited(seed, hosts, scheme, port, i);
        let host = (i % hosts as u64) as usize;
        requests += 1;
        per_host[host] += 1;
        match a.kind {
            model::Kind::NotFound => {
                missing += 1;
                bytes += model::not_found(&model::site(seed, host), seed).len() as u64;
            }
            kind => {
                if kind == model::Kind::Redirect {
                    redirects += 1;
                    requests += 1;
                    per_host[host] += 1;
                }
                let origin = format!("{scheme}://{}:{port}", host_ip(host));
                bytes += (model::head(&a, &origin, seed).len()
                    + model::body_start(&a).len()
                    + bodies[a.body % bodies.len()].len()) as u64;
            }
        }
    }
    let busiest = per_host.iter().max().copied().unwrap_or(0);
    format!(
        "{{\"pages\":{refs},\"hosts\":{hosts},\"requests\":{requests},\"busiest_host_requests\":{busiest},\"redirects\":{redirects},\"not_found\":{missing},\"full_body_bytes\":{bytes}}}\n"
    )
}
