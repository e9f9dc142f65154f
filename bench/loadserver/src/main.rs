//! The network benchmark's load server and brief generator (see `bench/README.md`).
//!
//! ```text
//! loadserver serve [--hosts 10] [--port 8080] [--tls h2,http/1.1] [--ca-out ca.pem] [--rtt-ms 50]
//!                  [--setup-rtts 2] [--initial-window 14600] [--max-window 640000] [--seed 1]
//!                  [--stats-out stats.json]
//! loadserver brief --refs 1000 --hosts 10 --origin-scheme https --port 8443 [--docs 1]
//!                  [--bytes 0] [--seed 1] --out brief.md|DIR
//! ```

mod brief;
mod model;
mod net;
mod server;

use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else {
        eprintln!("usage: loadserver serve|brief [--option value]…");
        return ExitCode::from(2);
    };
    let mut options = HashMap::new();
    let mut it = rest.iter();
    while let Some(k) = it.next() {
        let Some(name) = k.strip_prefix("--") else {
            eprintln!("unexpected argument {k:?}");
            return ExitCode::from(2);
        };
        let Some(v) = it.next() else {
            eprintln!("--{name} needs a value");
            return ExitCode::from(2);
        };
        options.insert(name.to_owned(), v.clone());
    }
    let result = match command.as_str() {
        "serve" => serve(&options),
        "brief" => brief::run(&options),
        other => Err(format!("unknown command {other:?}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("loadserver: {e}");
            ExitCode::FAILURE
        }
    }
}

pub fn num<T: std::str::FromStr>(options: &HashMap<String, String>, name: &str, default: T) -> Result<T, String> {
    match options.get(name) {
        None => Ok(default),
        Some(v) => v.parse().map_err(|_| format!("--{name}: {v:?} is not a number")),
    }
}

fn serve(options: &HashMap<String, String>) -> Result<(), String> {
    let net = net::Net {
        rtt: Duration::from_millis(num(options, "rtt-ms", 50)?),
        setup_rtts: num(options, "setup-rtts", 2)?,
        initial_window: num(options, "initial-window", 14_600)?,
        max_window: num(options, "max-window", 640_000)?,
    };
    let hosts: usize = num(options, "hosts", 10)?;
    if hosts == 0 || hosts > 60_000 {
        return Err("--hosts must be between 1 and 60000".into());
    }
    let tls = options.get("tls").map(|list| list.split(',').map(|p| p.trim().as_bytes().to_vec()).collect());
    let settings = server::Settings {
        hosts,
        port: num(options, "port", 8080)?,
        seed: num(options, "seed", 1)?,
        net,
        tls,
        ca_out: options.get("ca-out").map(Into::into),
    };
    let stats_out: Option<std::path::PathBuf> = options.get("stats-out").map(Into::into);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let stats = Arc::new(net::Stats::default());
        server::serve(settings.clone(), stats.clone()).await.map_err(|e| format!("cannot listen: {e}"))?;
        println!(
            "serving {} hosts {}..{} port {} ({})",
            settings.hosts,
            server::host_ip(0),
            server::host_ip(settings.hosts - 1),
            settings.port,
            if settings.tls.is_some() { "TLS" } else { "plain HTTP/1.1" }
        );
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .map_err(|e| e.to_string())?;
        tokio::select! {
            _ = term.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
        if let Some(path) = stats_out {
            std::fs::write(&path, stats.json()).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        Ok(())
    })
}
