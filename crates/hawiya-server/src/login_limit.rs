//! Failed admin logins, counted per user (tenancy and user name) and per client address in
//! fixed windows: beyond a limit, a login is refused (6007, HTTP 429, `Retry-After`) before
//! its password is checked, so guessing is slow whoever guesses.
//!
//! In memory and per process: several server processes each count their own (DECISIONS,
//! "Login attempts"). Hand-written: `governor` limits the rate of all requests, and this
//! counts failures only, so a user who logs in often is never slowed.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Length of a counting window.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Failed logins of one user per window.
pub const PER_USER: u32 = 10;
/// Failed logins from one client address per window (a proxy in front makes every client
/// one address, so this is generous).
pub const PER_ADDRESS: u32 = 100;
/// Keys kept at most; beyond it, windows that have ended are dropped, then the oldest.
const MAX_KEYS: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Window {
    start: Instant,
    failures: u32,
}

/// The failure counts.
#[derive(Debug, Default)]
pub struct LoginLimiter {
    windows: Mutex<HashMap<String, Window>>,
}

/// The counting keys of one login attempt.
pub struct Attempt {
    user: String,
    address: Option<String>,
}

impl Attempt {
    /// `tenancy` and `user` compare without case, as the lookups do.
    pub fn new(tenancy: &str, user: &str, address: Option<std::net::IpAddr>) -> Attempt {
        Attempt {
            user: format!(
                "user\u{1}{}\u{1}{}",
                tenancy.trim().to_lowercase(),
                user.trim().to_lowercase()
            ),
            address: address.map(|a| format!("address\u{1}{a}")),
        }
    }

    fn keys(&self) -> impl Iterator<Item = (&str, u32)> {
        std::iter::once((self.user.as_str(), PER_USER))
            .chain(self.address.as_deref().map(|a| (a, PER_ADDRESS)))
    }
}

impl LoginLimiter {
    /// `Err(seconds to wait)` when the attempt's user or address has used up its failures.
    pub fn check(&self, attempt: &Attempt, now: Instant) -> Result<(), u64> {
        let windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let wait = attempt
            .keys()
            .filter_map(|(key, limit)| {
                let w = windows.get(key)?;
                let left = WINDOW
                    .checked_sub(now.duration_since(w.start))
                    .filter(|left| !left.is_zero())?;
                (w.failures >= limit).then_some(left.as_secs().max(1))
            })
            .max();
        wait.map_or(Ok(()), Err)
    }

    /// Counts a failed attempt.
    pub fn failed(&self, attempt: &Attempt, now: Instant) {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() >= MAX_KEYS {
            windows.retain(|_, w| now.duration_since(w.start) < WINDOW);
            if windows.len() >= MAX_KEYS {
                if let Some(oldest) = windows
                    .iter()
                    .min_by_key(|(_, w)| w.start)
                    .map(|(k, _)| k.clone())
                {
                    windows.remove(&oldest);
                }
            }
        }
        for (key, _) in attempt.keys() {
            let w = windows.entry(key.to_string()).or_insert(Window {
                start: now,
                failures: 0,
            });
            if now.duration_since(w.start) >= WINDOW {
                *w = Window {
                    start: now,
                    failures: 0,
                };
            }
            w.failures += 1;
        }
    }

    /// A successful login clears its user's failures (not its address's).
    pub fn succeeded(&self, attempt: &Attempt) {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        windows.remove(&attempt.user);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_beyond_the_limit_wait_for_the_window() {
        let limiter = LoginLimiter::default();
        let t0 = Instant::now();
        let a = Attempt::new("Bank", "admin", None);
        for _ in 0..PER_USER {
            assert!(limiter.check(&a, t0).is_ok());
            limiter.failed(&a, t0);
        }
        let wait = limiter.check(&a, t0).unwrap_err();
        assert!(
            (WINDOW.as_secs() - 1..=WINDOW.as_secs()).contains(&wait),
            "{wait}"
        );
        // The same user in other case; another user of the tenancy is free.
        assert!(limiter
            .check(&Attempt::new(" bank", "ADMIN", None), t0)
            .is_err());
        assert!(limiter
            .check(&Attempt::new("bank", "other", None), t0)
            .is_ok());
        // After the window.
        assert!(limiter.check(&a, t0 + WINDOW).is_ok());
        // A success clears the user.
        limiter.succeeded(&a);
        assert!(limiter.check(&a, t0).is_ok());
    }

    #[test]
    fn one_address_guessing_many_users_is_limited_too() {
        let limiter = LoginLimiter::default();
        let t0 = Instant::now();
        let ip = Some(std::net::IpAddr::from([10, 0, 0, 7]));
        for i in 0..PER_ADDRESS {
            limiter.failed(&Attempt::new("bank", &format!("user{i}"), ip), t0);
        }
        assert!(limiter
            .check(&Attempt::new("bank", "fresh", ip), t0)
            .is_err());
        let elsewhere = Some(std::net::IpAddr::from([10, 0, 0, 8]));
        assert!(limiter
            .check(&Attempt::new("bank", "fresh", elsewhere), t0)
            .is_ok());
    }
}
