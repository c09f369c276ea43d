//! The client's address for per-IP limits: the socket peer, unless the peer is one of
//! `TRUSTED_PROXIES`, whose `X-Forwarded-For` is then believed as far as it goes
//! through trusted hops; and the key the limits count it under.

use std::net::{IpAddr, SocketAddr};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

/// What the per-address limits count a client as: an IPv4 address by itself, an IPv6
/// address by its /64 (one subscriber's whole prefix: rotating addresses inside it
/// is free), IPv4-mapped IPv6 as the IPv4 address. `2001:db8:1:2::/64`, `198.51.100.7`.
pub fn limit_key(addr: IpAddr) -> String {
    match addr.to_canonical() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => Ipv6Net::new(v6, 64)
            .map(|net| net.trunc().to_string())
            .unwrap_or_else(|_| v6.to_string()),
    }
}

/// The network an address is shown as in the account's activity: never the whole
/// address, only its /24 (IPv4) or /48 (IPv6). `77.88.8.0/24`, `2a02:6b8::/48`.
pub fn network(addr: IpAddr) -> String {
    match addr.to_canonical() {
        IpAddr::V4(v4) => Ipv4Net::new(v4, 24).map(|net| net.trunc().to_string()),
        IpAddr::V6(v6) => Ipv6Net::new(v6, 48).map(|net| net.trunc().to_string()),
    }
    .unwrap_or_default()
}

/// One `X-Forwarded-For` entry: a bare address, or with a port (`1.2.3.4:5678`,
/// `[2001:db8::1]:443`), bracketed or quoted as RFC 7239's node syntax has it.
fn forwarded_address(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim().trim_matches('"');
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|socket| socket.ip()))
        .or_else(|| {
            entry
                .strip_prefix('[')
                .and_then(|rest| rest.strip_suffix(']'))
                .and_then(|inner| inner.parse::<IpAddr>().ok())
        })
}

/// The proxies (CIDR blocks) allowed to say who the client is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// A comma-separated list: `10.0.0.0/8, 127.0.0.1, ::1`. A bare address is one host.
    pub fn parse(list: &str) -> Option<Self> {
        list.split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| {
                item.parse::<IpNet>()
                    .ok()
                    .or_else(|| item.parse::<IpAddr>().ok().map(IpNet::from))
            })
            .collect::<Option<Vec<_>>>()
            .map(Self)
    }

    pub fn trusts(&self, addr: IpAddr) -> bool {
        let addr = addr.to_canonical();
        self.0.iter().any(|net| net.contains(&addr))
    }

    /// The address a request comes from. `forwarded_for` holds the `X-Forwarded-For`
    /// header values in order; each proxy appends the address it got the request from,
    /// so the list is read from the right, through trusted hops, and the first address
    /// no trusted proxy owns is the client. An entry that names no address ends the
    /// trust there.
    pub fn client_ip<'a>(
        &self,
        peer: IpAddr,
        forwarded_for: impl IntoIterator<Item = &'a str>,
    ) -> IpAddr {
        let mut client = peer.to_canonical();
        if !self.trusts(client) {
            return client;
        }
        let hops: Vec<&str> = forwarded_for
            .into_iter()
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .collect();
        for hop in hops.iter().rev() {
            match forwarded_address(hop) {
                Some(addr) => {
                    client = addr.to_canonical();
                    if !self.trusts(client) {
                        break;
                    }
                }
                None => break,
            }
        }
        client
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("address")
    }

    fn proxies(list: &str) -> TrustedProxies {
        TrustedProxies::parse(list).expect("proxies")
    }

    #[test]
    fn parses_blocks_and_bare_addresses() {
        let p = proxies("10.0.0.0/8, 192.168.1.7 ,::1");
        assert!(p.trusts(ip("10.200.3.4")));
        assert!(p.trusts(ip("192.168.1.7")));
        assert!(!p.trusts(ip("192.168.1.8")));
        assert!(p.trusts(ip("::1")));
        assert!(
            p.trusts(ip("::ffff:10.0.0.1")),
            "IPv4-mapped peers count as IPv4"
        );
        assert_eq!(TrustedProxies::parse(""), Some(TrustedProxies::default()));
        assert_eq!(TrustedProxies::parse("10.0.0.0/33"), None);
        assert_eq!(TrustedProxies::parse("example.com"), None);
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_says() {
        let p = proxies("10.0.0.0/8");
        assert_eq!(
            p.client_ip(ip("203.0.113.9"), ["1.2.3.4"]),
            ip("203.0.113.9")
        );
        assert_eq!(
            TrustedProxies::default().client_ip(ip("10.0.0.1"), ["1.2.3.4"]),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn a_trusted_peer_is_believed_through_trusted_hops_only() {
        let p = proxies("10.0.0.0/8");
        let peer = ip("10.0.0.2");
        assert_eq!(p.client_ip(peer, ["198.51.100.7"]), ip("198.51.100.7"));
        // The client forged the first entry; the rightmost untrusted one is real.
        assert_eq!(
            p.client_ip(peer, ["6.6.6.6, 198.51.100.7, 10.1.1.1"]),
            ip("198.51.100.7")
        );
        assert_eq!(
            p.client_ip(peer, ["6.6.6.6", "198.51.100.7"]),
            ip("198.51.100.7")
        );
        assert_eq!(p.client_ip(peer, ["garbage, 10.1.1.1"]), ip("10.1.1.1"));
        assert_eq!(p.client_ip(peer, ["198.51.100.7, garbage"]), peer);
        assert_eq!(p.client_ip(peer, std::iter::empty()), peer);
    }

    #[test]
    fn forwarded_entries_may_carry_ports_brackets_and_quotes() {
        let p = proxies("10.0.0.0/8");
        let peer = ip("10.0.0.2");
        for (header, client) in [
            ("198.51.100.7:5678", "198.51.100.7"),
            ("[2001:db8::1]:443", "2001:db8::1"),
            ("[2001:db8::1]", "2001:db8::1"),
            ("\"[2001:db8::1]:443\"", "2001:db8::1"),
            ("6.6.6.6, 198.51.100.7:1, 10.0.0.9:80", "198.51.100.7"),
            ("::ffff:198.51.100.7", "198.51.100.7"),
        ] {
            assert_eq!(p.client_ip(peer, [header]), ip(client), "{header}");
        }
        assert_eq!(p.client_ip(peer, ["unknown"]), peer);
        assert_eq!(p.client_ip(peer, ["1.2.3.4:99999"]), peer);
    }

    #[test]
    fn activity_shows_networks_not_addresses() {
        assert_eq!(network(ip("77.88.8.8")), "77.88.8.0/24");
        assert_eq!(network(ip("::ffff:77.88.8.8")), "77.88.8.0/24");
        assert_eq!(network(ip("2a02:6b8:b010:a4fc::1")), "2a02:6b8:b010::/48");
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64() {
        assert_eq!(limit_key(ip("198.51.100.7")), "198.51.100.7");
        assert_eq!(limit_key(ip("::ffff:198.51.100.7")), "198.51.100.7");
        assert_eq!(limit_key(ip("2001:db8:1:2::1")), "2001:db8:1:2::/64");
        assert_eq!(
            limit_key(ip("2001:db8:1:2:ffff:ffff:ffff:ffff")),
            "2001:db8:1:2::/64"
        );
        assert_ne!(
            limit_key(ip("2001:db8:1:3::1")),
            limit_key(ip("2001:db8:1:2::1"))
        );
        assert_eq!(limit_key(ip("::1")), "::/64");
    }
}
