//! The address policy: which IP addresses a fetch may connect to when private targets are refused.
//!
//! A citation checker fetches URLs written by someone else. Without this policy a brief could make
//! it probe the machine it runs on (`http://127.0.0.1:8080/admin`), the local network or a cloud
//! metadata service (`169.254.169.254`). The policy is an allow-list in spirit: an address must be
//! globally routable unicast, and an IPv6 address that embeds an IPv4 one (mapped, compatible,
//! NAT64, 6to4) is judged by the IPv4 address inside it.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why an address is refused, as a short noun phrase for messages ("a loopback address").
pub(crate) fn refusal_reason(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => v4_reason(v4),
        IpAddr::V6(v6) => v6_reason(v6),
    }
}

fn v4_reason(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    let reason = match (a, b, c) {
        (0, _, _) => "an unspecified (\"this network\") address",
        (10, _, _) => "a private address",
        (100, 64..=127, _) => "a shared (carrier-grade NAT) address",
        (127, _, _) => "a loopback address",
        (169, 254, _) => "a link-local address",
        (172, 16..=31, _) => "a private address",
        (192, 0, 0) => "a reserved (IETF protocol assignment) address",
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => "a documentation address",
        (192, 88, 99) => "a reserved (6to4 relay) address",
        (192, 168, _) => "a private address",
        (198, 18..=19, _) => "a benchmarking address",
        (224..=239, _, _) => "a multicast address",
        (255, 255, 255) if ip.is_broadcast() => "the broadcast address",
        (240..=255, _, _) => "a reserved address",
        _ => return None,
    };
    Some(reason)
}

fn v6_reason(ip: Ipv6Addr) -> Option<&'static str> {
    if ip.is_unspecified() {
        return Some("the unspecified address");
    }
    if ip.is_loopback() {
        return Some("a loopback address");
    }
    if let Some(v4) = embedded_v4(ip) {
        return v4_reason(v4);
    }
    let s = ip.segments();
    let reason = match s[0] {
        0x0064 if s[1] == 0xff9b && s[2] == 1 => "a local-use NAT64 address",
        0x0100 if s[1..4] == [0, 0, 0] => "a discard-only address",
        0x2001 if s[1] == 0x0db8 => "a documentation address",
        0x2001 if s[1] < 0x0200 => "a reserved (IETF protocol assignment) address",
        0x3fff if s[1] < 0x1000 => "a documentation address",
        0xfc00..=0xfdff => "a unique-local address",
        0xfe80..=0xfebf => "a link-local address",
        0xfec0..=0xfeff => "a site-local address",
        0xff00..=0xffff => "a multicast address",
        // Only 2000::/3 is allocated for global unicast; everything else is reserved.
        0x2000..=0x3fff => return None,
        _ => "a reserved address",
    };
    Some(reason)
}

/// The IPv4 address an IPv6 address stands for, when it is a translation or tunnelling form:
/// IPv4-mapped `::ffff:a.b.c.d`, the deprecated IPv4-compatible `::a.b.c.d`, NAT64
/// `64:ff9b::a.b.c.d` and 6to4 `2002:aabb:ccdd::`.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    if let IpAddr::V4(v4) = ip.to_canonical() {
        return Some(v4);
    }
    let s = ip.segments();
    let low = |hi: u16, lo: u16| Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8);
    if s[..6] == [0, 0, 0, 0, 0, 0] {
        return Some(low(s[6], s[7]));
    }
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return Some(low(s[6], s[7]));
    }
    if s[0] == 0x2002 {
        return Some(low(s[1], s[2]));
    }
    None
}

/// Whether a host name is one that always means this machine (RFC 6761), so it can be refused
/// before any lookup.
pub(crate) fn is_local_name(host: &str) -> bool {
    is_in_domain(host, "localhost")
}

/// Whether a host name is under `.invalid`, which never resolves (RFC 6761), so no lookup is
/// needed to fail it.
pub(crate) fn is_invalid_name(host: &str) -> bool {
    is_in_domain(host, "invalid")
}

/// `host` is `domain` or a name under it, ignoring case and a final dot.
fn is_in_domain(host: &str, domain: &str) -> bool {
    let host = host.trim_end_matches('.');
    if host.eq_ignore_ascii_case(domain) {
        return true;
    }
    let Some(cut) = host.len().checked_sub(domain.len() + 1) else { return false };
    host.as_bytes().get(cut) == Some(&b'.') && host.get(cut + 1..).is_some_and(|t| t.eq_ignore_ascii_case(domain))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(s: &str) -> bool {
        refusal_reason(s.parse().unwrap()).is_some()
    }

    #[test]
    fn refuses_non_public_ipv4() {
        for s in [
            "0.0.0.0",
            "0.1.2.3",
            "10.0.0.1",
            "10.255.255.255",
            "100.64.0.1",
            "100.127.255.254",
            "127.0.0.1",
            "127.255.0.9",
            "169.254.169.254",
            "172.16.0.1",
            "172.31.255.255",
            "192.0.0.8",
            "192.0.2.1",
            "192.168.1.1",
            "198.18.0.1",
            "198.19.255.255",
            "198.51.100.7",
            "203.0.113.9",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
        ] {
            assert!(refused(s), "{s} should be refused");
        }
    }

    #[test]
    fn allows_public_ipv4_next_to_the_ranges() {
        for s in [
            "1.1.1.1",
            "8.8.8.8",
            "9.255.255.255",
            "11.0.0.0",
            "100.63.255.255",
            "100.128.0.0",
            "126.255.255.255",
            "128.0.0.0",
            "169.253.0.1",
            "172.15.255.255",
            "172.32.0.0",
            "192.167.1.1",
            "192.169.0.0",
            "198.17.255.255",
            "198.20.0.0",
            "223.255.255.255",
        ] {
            assert!(!refused(s), "{s} should be allowed");
        }
    }

    #[test]
    fn refuses_non_public_ipv6_and_embedded_ipv4() {
        for s in [
            "::",
            "::1",
            "::ffff:127.0.0.1",
            "::ffff:10.1.2.3",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "64:ff9b::127.0.0.1",
            "64:ff9b::a00:1",
            "64:ff9b:1::1",
            "2002:7f00:1::",
            "2002:c0a8:101::1",
            "100::1",
            "2001:db8::1",
            "2001::1",
            "3fff::1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "febf::1",
            "fec0::1",
            "ff02::1",
            "4000::1",
            "1::1",
        ] {
            assert!(refused(s), "{s} should be refused");
        }
    }

    #[test]
    fn allows_public_ipv6_and_embedded_public_ipv4() {
        for s in
            ["2606:4700:4700::1111", "2a00:1450:4001::200e", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"]
        {
            assert!(!refused(s), "{s} should be allowed");
        }
    }

    #[test]
    fn reasons_name_the_range() {
        assert_eq!(refusal_reason("127.0.0.1".parse().unwrap()), Some("a loopback address"));
        assert_eq!(refusal_reason("::ffff:192.168.0.1".parse().unwrap()), Some("a private address"));
        assert_eq!(refusal_reason("fe80::1".parse().unwrap()), Some("a link-local address"));
    }

    #[test]
    fn local_names() {
        assert!(is_local_name("localhost"));
        assert!(is_local_name("LOCALHOST."));
        assert!(is_local_name("api.localhost"));
        assert!(!is_local_name("localhost.example"));
        assert!(!is_local_name("notlocalhost"));
        assert!(!is_local_name("example.com"));
        assert!(is_invalid_name("nowhere.invalid"));
        assert!(is_invalid_name("INVALID"));
        assert!(!is_invalid_name("invalid.example"));
        assert!(!is_invalid_name("xinvalid"));
    }
}
