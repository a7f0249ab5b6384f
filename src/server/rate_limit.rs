//! A token bucket per client address for `/token`, so that a page shared through the tunnel
//! cannot be made to mint tokens in bulk.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

pub struct RateLimit {
    /// Requests per minute; also the burst a client may spend at once. 0 turns the limit off.
    per_minute: u32,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// Bounds memory when many addresses call (through the tunnel, say).
const MAX_CLIENTS: usize = 10_000;

impl RateLimit {
    pub fn per_minute(per_minute: u32) -> Self {
        RateLimit {
            per_minute,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// `Ok` when `client` may go ahead now; otherwise how long until it may.
    pub fn check(&self, client: IpAddr, now: Instant) -> Result<(), Duration> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let client = bucket_of(client);
        let capacity = f64::from(self.per_minute);
        let per_second = capacity / 60.0;
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        if buckets.len() >= MAX_CLIENTS && !buckets.contains_key(&client) {
            // A full bucket has nothing to remember; drop those first.
            buckets.retain(|_, b| {
                b.tokens + per_second * now.duration_since(b.updated).as_secs_f64() < capacity
            });
            if buckets.len() >= MAX_CLIENTS {
                buckets.clear();
            }
        }
        let bucket = buckets.entry(client).or_insert(Bucket {
            tokens: capacity,
            updated: now,
        });
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * per_second).min(capacity);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / per_second))
        }
    }
}

/// The bucket an address counts in. An IPv6 client holds a whole /64 (one address per request
/// would otherwise be one bucket per request), and `::ffff:a.b.c.d` is `a.b.c.d`.
fn bucket_of(client: IpAddr) -> IpAddr {
    match client {
        IpAddr::V4(_) => client,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from(v6.to_bits() & !u128::from(u64::MAX))),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_a_burst_then_refills_per_client() {
        let limit = RateLimit::per_minute(3);
        let (a, b) = ("127.0.0.1".parse().unwrap(), "10.0.0.1".parse().unwrap());
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(limit.check(a, t0).is_ok());
        }
        let wait = limit.check(a, t0).unwrap_err();
        assert!(
            wait <= Duration::from_secs(20) && wait > Duration::from_secs(19),
            "{wait:?}"
        );
        assert!(
            limit.check(b, t0).is_ok(),
            "another client has its own bucket"
        );
        assert!(limit.check(a, t0 + Duration::from_secs(20)).is_ok());
    }

    #[test]
    fn zero_means_no_limit() {
        let limit = RateLimit::per_minute(0);
        let a = "127.0.0.1".parse().unwrap();
        assert!((0..1000).all(|_| limit.check(a, Instant::now()).is_ok()));
    }

    #[test]
    fn an_ipv6_network_is_one_client_and_mapped_ipv4_is_ipv4() {
        let limit = RateLimit::per_minute(2);
        let t0 = Instant::now();
        let ip = |text: &str| text.parse::<IpAddr>().unwrap();
        assert!(limit.check(ip("2001:db8::1"), t0).is_ok());
        assert!(limit.check(ip("2001:db8::2:3"), t0).is_ok());
        assert!(
            limit.check(ip("2001:db8::ffff"), t0).is_err(),
            "the same /64"
        );
        assert!(
            limit.check(ip("2001:db8:0:1::1"), t0).is_ok(),
            "another /64"
        );
        assert!(limit.check(ip("192.0.2.1"), t0).is_ok());
        assert!(limit.check(ip("::ffff:192.0.2.1"), t0).is_ok());
        assert!(
            limit.check(ip("192.0.2.1"), t0).is_err(),
            "one bucket for both"
        );
    }
}
