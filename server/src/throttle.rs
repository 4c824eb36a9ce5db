//! Brute-force protection of client authentication (RFC 6749 2.3.1: a
//! server that checks client passwords MUST protect the endpoints that do
//! against brute force).
//!
//! The engine reports every failed client authentication in its outcome
//! (`SecurityEvent::ClientAuthenticationFailed`). This counts them in fixed
//! windows, per client id and source address, and per source address over
//! all client ids (ten times the budget, so that spraying many client ids
//! from one address is throttled too). Past a budget the token, revocation
//! and introspection endpoints answer `429 Too Many Requests` with
//! `Retry-After` (RFC 6585 4) until the window ends, without running the
//! request: a right secret is refused as well, so a lockout tells an
//! attacker nothing. The budget (default ten failures a minute) is one an
//! honest client with a typo never meets, and the same client from another
//! address is not affected.
//!
//! Counts live in this process: with several processes behind a load
//! balancer each has its own budget. A failure is counted when its request
//! ends, so the requests in flight when a budget runs out still get their
//! answer: an attacker with many parallel connections gets more guesses
//! than the budget (bound connections per address in front of the server). The source address is the TCP peer;
//! behind a reverse proxy that is the proxy, so throttle there instead.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};

use grant_engine::{ClientId, TokenHash};

/// At most this many counters are kept; past it, expired ones are dropped
/// (see `Throttle::make_room`).
pub const MAX_COUNTERS: usize = 65_536;

/// How much more an address may fail over all client ids than for one.
pub const ADDRESS_FACTOR: u32 = 10;

/// A budget: at most `failures` failed authentications per `window_seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Failures allowed in one window (at least 1).
    pub failures: u32,
    /// The window's length in seconds (at least 1).
    pub window_seconds: u64,
}

impl Budget {
    /// The default: ten failures a minute.
    pub const DEFAULT: Budget = Budget {
        failures: 10,
        window_seconds: 60,
    };

    /// Parses `FAILURES/SECONDS` (`10/60`), both at least 1.
    pub fn parse(text: &str) -> Result<Budget, String> {
        let bad = || format!("--throttle: {text:?} is not FAILURES/SECONDS, such as 10/60");
        let (failures, seconds) = text.split_once('/').ok_or_else(bad)?;
        let failures: u32 = failures.parse().map_err(|_| bad())?;
        let window_seconds: u64 = seconds.parse().map_err(|_| bad())?;
        if failures == 0 || window_seconds == 0 {
            return Err(bad());
        }
        Ok(Budget {
            failures,
            window_seconds,
        })
    }
}

/// Whose failures a counter counts. A client id is kept as its SHA-256
/// digest: a counter costs the same whatever the length of the id a
/// request made up.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    /// One client id (or none named) from one address.
    Client(Option<TokenHash>, IpAddr),
    /// Every client id from one address.
    Address(IpAddr),
}

impl Key {
    fn client(client: Option<&ClientId>, address: IpAddr) -> Key {
        Key::Client(client.map(|id| TokenHash::of(id.as_str())), address)
    }
}

/// Failures counted since `start` (unix seconds).
#[derive(Debug, Clone, Copy)]
struct Window {
    start: u64,
    failures: u32,
}

/// The failure counters of this process.
#[derive(Debug)]
pub struct Throttle {
    budget: Budget,
    counters: Mutex<HashMap<Key, Window>>,
}

impl Throttle {
    /// No failures counted yet.
    pub fn new(budget: Budget) -> Throttle {
        Throttle {
            budget,
            counters: Mutex::new(HashMap::new()),
        }
    }

    /// Seconds until `client` may try again from `address`, if it is over
    /// a budget at `now`.
    pub fn retry_after(&self, client: Option<&ClientId>, address: IpAddr, now: u64) -> Option<u64> {
        let address = source(address);
        let counters = self.counters.lock().unwrap_or_else(PoisonError::into_inner);
        let key = Key::client(client, address);
        let over = |key: &Key, budget: u32| {
            counters
                .get(key)
                .filter(|w| w.failures >= budget && now < self.end(w))
                .map(|w| self.end(w) - now)
        };
        let address_budget = self.budget.failures.saturating_mul(ADDRESS_FACTOR);
        over(&key, self.budget.failures).max(over(&Key::Address(address), address_budget))
    }

    /// Counts one failed authentication of `client` from `address` at `now`.
    pub fn record_failure(&self, client: Option<&ClientId>, address: IpAddr, now: u64) {
        let address = source(address);
        let mut counters = self.counters.lock().unwrap_or_else(PoisonError::into_inner);
        for key in [Key::client(client, address), Key::Address(address)] {
            if !counters.contains_key(&key) && counters.len() >= MAX_COUNTERS {
                self.make_room(&mut counters, now);
            }
            let window = counters.entry(key).or_insert(Window {
                start: now,
                failures: 0,
            });
            if now >= self.end(window) {
                *window = Window {
                    start: now,
                    failures: 0,
                };
            }
            window.failures = window.failures.saturating_add(1);
        }
    }

    /// How many counters are kept (for tests of the bound).
    pub fn len(&self) -> usize {
        self.counters
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Whether no counter is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn end(&self, window: &Window) -> u64 {
        window.start.saturating_add(self.budget.window_seconds)
    }

    /// Drops the expired counters, or if too few have expired, the half
    /// with the fewest failures (the oldest among equals): the counters of
    /// a client under attack, which are at or over the budget, outlive the
    /// ones a flood of made-up ids leaves at one failure each. Half at a
    /// time, so the scan is paid once per [`MAX_COUNTERS`] / 2 new counters.
    fn make_room(&self, counters: &mut HashMap<Key, Window>, now: u64) {
        counters.retain(|_, window| now < self.end(window));
        if counters.len() < MAX_COUNTERS {
            return;
        }
        tracing::warn!(
            counters = counters.len(),
            "throttle table full of live counters: dropping the weakest half"
        );
        let mut ranked: Vec<(u32, u64, Key)> = counters
            .iter()
            .map(|(key, w)| (w.failures, w.start, key.clone()))
            .collect();
        let half = ranked.len() / 2;
        ranked.select_nth_unstable_by(half, |a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        for (_, _, key) in ranked.iter().take(half) {
            counters.remove(key);
        }
    }
}

/// The source a counter is kept for: an IPv4 address (an IPv4-mapped
/// IPv6 one as IPv4), or an IPv6 address's /64, which one host or site
/// usually holds whole.
fn source(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(prefix.into())
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_800_000_000;
    const HOME: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1));
    const AWAY: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 2));

    fn client(name: &str) -> ClientId {
        ClientId::new(name).unwrap()
    }

    #[test]
    fn a_budget_parses_as_failures_per_seconds() {
        assert_eq!(Budget::parse("10/60"), Ok(Budget::DEFAULT));
        for bad in [
            "", "10", "0/60", "10/0", "-1/60", "ten/60", "10/60/1", "10 /60",
        ] {
            assert!(Budget::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_budget_holds_then_refuses_until_the_window_ends() {
        let throttle = Throttle::new(Budget::DEFAULT);
        let web = client("web");
        for i in 0..10 {
            assert_eq!(throttle.retry_after(Some(&web), HOME, NOW + i), None);
            throttle.record_failure(Some(&web), HOME, NOW + i);
        }
        assert_eq!(throttle.retry_after(Some(&web), HOME, NOW + 10), Some(50));
        assert_eq!(throttle.retry_after(Some(&web), HOME, NOW + 59), Some(1));
        assert_eq!(throttle.retry_after(Some(&web), HOME, NOW + 60), None);
        // The same client from another address, another client from this one.
        assert_eq!(throttle.retry_after(Some(&web), AWAY, NOW + 10), None);
        assert_eq!(throttle.retry_after(Some(&client("m2m")), HOME, NOW), None);
        // A new window after the old one ended.
        throttle.record_failure(Some(&web), HOME, NOW + 60);
        assert_eq!(throttle.retry_after(Some(&web), HOME, NOW + 61), None);
    }

    #[test]
    fn spraying_client_ids_from_one_address_meets_the_address_budget() {
        let throttle = Throttle::new(Budget::DEFAULT);
        for i in 0..100 {
            throttle.record_failure(Some(&client(&format!("c{i}"))), HOME, NOW);
        }
        let fresh = client("never-tried");
        assert_eq!(throttle.retry_after(Some(&fresh), HOME, NOW), Some(60));
        assert_eq!(throttle.retry_after(None, HOME, NOW), Some(60));
        assert_eq!(throttle.retry_after(Some(&fresh), AWAY, NOW), None);
    }

    #[test]
    fn the_counters_stay_bounded() {
        let throttle = Throttle::new(Budget::DEFAULT);
        let fill = |at: u64| {
            // Two counters per address: its client's and its own.
            for i in 0..(MAX_COUNTERS / 2) as u32 {
                throttle.record_failure(None, IpAddr::from((i + 1).to_be_bytes()), at);
            }
        };
        fill(NOW);
        assert_eq!(throttle.len(), MAX_COUNTERS);
        // Past the window every counter has expired and is dropped.
        throttle.record_failure(None, HOME, NOW + 60);
        assert_eq!(throttle.len(), 2);
        // An attacked client's counters, then a flood of one-failure ones:
        // the weakest half goes, the attacked client's budget stays spent.
        let web = client("web");
        for _ in 0..10 {
            throttle.record_failure(Some(&web), AWAY, NOW + 60);
        }
        fill(NOW + 61);
        throttle.record_failure(None, HOME, NOW + 62);
        assert!(throttle.len() <= MAX_COUNTERS, "{}", throttle.len());
        assert!(throttle.len() > MAX_COUNTERS / 4, "{}", throttle.len());
        assert_eq!(throttle.retry_after(Some(&web), AWAY, NOW + 62), Some(58));
    }

    #[test]
    fn a_long_made_up_client_id_costs_one_digest() {
        let throttle = Throttle::new(Budget::DEFAULT);
        let long = client(&"x".repeat(16 * 1024));
        throttle.record_failure(Some(&long), HOME, NOW);
        assert_eq!(
            Key::client(Some(&long), HOME),
            Key::client(Some(&long), HOME)
        );
        assert_ne!(Key::client(Some(&long), HOME), Key::client(None, HOME));
        assert_eq!(throttle.len(), 2);
    }

    #[test]
    fn an_ipv6_slash_64_counts_as_one_source() {
        let throttle = Throttle::new(Budget::DEFAULT);
        for i in 0..10u16 {
            let address = std::net::Ipv6Addr::new(0x2001, 0xdb8, 0, 1, 0, 0, 0, i);
            throttle.record_failure(None, IpAddr::V6(address), NOW);
        }
        let neighbour = std::net::Ipv6Addr::new(0x2001, 0xdb8, 0, 1, 9, 9, 9, 9);
        let elsewhere = std::net::Ipv6Addr::new(0x2001, 0xdb8, 0, 2, 0, 0, 0, 1);
        assert_eq!(
            throttle.retry_after(None, IpAddr::V6(neighbour), NOW),
            Some(60)
        );
        assert_eq!(throttle.retry_after(None, IpAddr::V6(elsewhere), NOW), None);
        let mapped = IpAddr::V6(std::net::Ipv4Addr::new(192, 0, 2, 1).to_ipv6_mapped());
        throttle.record_failure(None, mapped, NOW);
        assert_eq!(throttle.len(), 4);
        assert_eq!(source(mapped), HOME);
    }
}
