//! Name resolution that enforces the address policy: a host name is resolved with the system
//! resolver and every address the policy refuses is dropped before reqwest can connect to it, so a
//! name that points at 127.0.0.1 or 169.254.169.254 is refused just like the literal address.
//!
//! The check happens at connection time, on the very addresses the connection will use, so a DNS
//! answer that changes between a check and the connection (DNS rebinding) cannot slip through.

use std::fmt;
use std::net::SocketAddr;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use super::policy;

/// Every address of a host was refused by the policy.
#[derive(Debug)]
pub(crate) struct BlockedError {
    pub(crate) host: String,
    pub(crate) addr: std::net::IpAddr,
    pub(crate) reason: &'static str,
}

impl fmt::Display for BlockedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "refused to connect to {}: it resolves to {}, {}", self.host, self.addr, self.reason)
    }
}

impl std::error::Error for BlockedError {}

/// The name could not be resolved.
#[derive(Debug)]
pub(crate) struct DnsError {
    pub(crate) host: String,
    pub(crate) message: String,
}

impl fmt::Display for DnsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "could not resolve {}: {}", self.host, self.message)
    }
}

impl std::error::Error for DnsError {}

/// The resolver reqwest uses. With `allow_private` it only resolves (so that a failed lookup is
/// still told apart from a failed connection); without, it applies the address policy.
#[derive(Debug, Default)]
pub(crate) struct GuardedResolver {
    pub(crate) allow_private: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        let allow_private = self.allow_private;
        Box::pin(async move {
            let addrs = resolve_allowed(&host, allow_private).await?;
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// Resolves `host` and keeps only the addresses the policy allows (all of them with
/// `allow_private`).
pub(crate) async fn resolve_allowed(
    host: &str,
    allow_private: bool,
) -> Result<Vec<SocketAddr>, Box<dyn std::error::Error + Send + Sync>> {
    let found: Vec<SocketAddr> = tokio::net::lookup_host((host, 0))
        .await
        .map_err(|e| DnsError { host: host.to_owned(), message: e.to_string() })?
        .collect();
    filter_allowed(host, found, allow_private)
}

/// The addresses of one lookup's answer that the policy allows. This runs on every lookup, and
/// what it returns is all reqwest's connector ever connects to: there is no separate "check"
/// lookup whose answer could differ from the "connect" lookup, which is what DNS rebinding
/// needs.
pub(crate) fn filter_allowed(
    host: &str,
    found: Vec<SocketAddr>,
    allow_private: bool,
) -> Result<Vec<SocketAddr>, Box<dyn std::error::Error + Send + Sync>> {
    let mut refused = None;
    let allowed: Vec<SocketAddr> = found
        .into_iter()
        .filter(|a| match policy::refusal_reason(a.ip()).filter(|_| !allow_private) {
            Some(reason) => {
                refused.get_or_insert((a.ip(), reason));
                false
            }
            None => true,
        })
        .collect();
    match (allowed.is_empty(), refused) {
        (false, _) => Ok(allowed),
        (true, Some((addr, reason))) => Err(Box::new(BlockedError { host: host.to_owned(), addr, reason })),
        (true, None) => Err(Box::new(DnsError { host: host.to_owned(), message: "no addresses found".to_owned() })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_name_for_loopback_is_blocked() {
        // "localhost" comes from the hosts file, so this needs no network.
        let err = resolve_allowed("localhost", false).await.unwrap_err();
        let blocked = err.downcast_ref::<BlockedError>().expect("blocked, not a DNS failure");
        assert!(blocked.addr.is_loopback());
        assert!(blocked.to_string().starts_with("refused to connect to localhost: it resolves to"), "{blocked}");
        let allowed = resolve_allowed("localhost", true).await.unwrap();
        assert!(allowed.iter().all(|a| a.ip().is_loopback()));
    }

    fn addrs(list: &[&str]) -> Vec<SocketAddr> {
        list.iter().map(|a| SocketAddr::new(a.parse().unwrap(), 0)).collect()
    }

    #[test]
    fn a_rebinding_answer_is_refused_on_the_lookup_that_would_connect() {
        // A hostile name server answers a public address first and loopback the second time.
        let first = filter_allowed("rebind.test", addrs(&["93.184.215.14"]), false).unwrap();
        assert_eq!(first, addrs(&["93.184.215.14"]));
        let second = filter_allowed("rebind.test", addrs(&["127.0.0.1"]), false).unwrap_err();
        let blocked = second.downcast_ref::<BlockedError>().expect("blocked");
        assert_eq!(blocked.addr.to_string(), "127.0.0.1");
        // Mixing a private address into a public answer only gets the public one connected to.
        let mixed = filter_allowed("rebind.test", addrs(&["10.0.0.7", "93.184.215.14", "::1"]), false).unwrap();
        assert_eq!(mixed, addrs(&["93.184.215.14"]));
        let mapped = filter_allowed("rebind.test", addrs(&["::ffff:169.254.169.254"]), false).unwrap_err();
        assert!(mapped.to_string().contains("link-local"), "{mapped}");
        assert!(filter_allowed("empty.test", Vec::new(), false).unwrap_err().downcast_ref::<DnsError>().is_some());
    }

    #[tokio::test]
    async fn the_resolver_reqwest_calls_applies_the_policy() {
        let resolver = GuardedResolver { allow_private: false };
        let name: Name = "localhost".parse().unwrap();
        let err = match resolver.resolve(name).await {
            Ok(_) => panic!("localhost must not resolve to a connectable address"),
            Err(e) => e,
        };
        assert!(err.downcast_ref::<BlockedError>().is_some(), "{err}");
    }

    #[tokio::test]
    async fn a_literal_public_address_passes() {
        let addrs = resolve_allowed("192.0.43.10", false).await.unwrap();
        assert_eq!(addrs[0].ip().to_string(), "192.0.43.10");
    }
}
