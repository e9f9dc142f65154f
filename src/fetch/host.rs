//! Politeness towards each host: at most `concurrency` requests in flight, request starts at least
//! `interval` apart, and a host that answered 429 (or 503 with `Retry-After`) is slowed down for
//! the rest of the run.
//!
//! Hosts are keyed by `host:port`, so two servers on one machine are two hosts.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// The longest interval a slowed-down host is given between request starts.
const MAX_INTERVAL: Duration = Duration::from_secs(30);
/// The least interval a host is given once it has asked citecheck to slow down.
const MIN_SLOWED_INTERVAL: Duration = Duration::from_secs(1);

/// The resolution of tokio's timer: a sleep ends on the first tick at or after its deadline.
const TIMER_TICK: Duration = Duration::from_millis(1);

/// The per-host state of one [`super::Fetcher`].
#[derive(Debug)]
pub(crate) struct Hosts {
    concurrency: usize,
    interval: Duration,
    map: Mutex<HashMap<String, Arc<Host>>>,
}

#[derive(Debug)]
struct Host {
    permits: Arc<Semaphore>,
    timing: Mutex<Timing>,
    /// The furthest byte at which one of the host's pages had given its metadata (0: none yet).
    head_end: AtomicU64,
    /// How the host answered a `Range`: [`RANGES_UNKNOWN`], [`RANGES_HONOURED`] or
    /// [`RANGES_IGNORED`].
    ranges: AtomicU8,
}

const RANGES_UNKNOWN: u8 = 0;
const RANGES_HONOURED: u8 = 1;
const RANGES_IGNORED: u8 = 2;

#[derive(Debug)]
struct Timing {
    interval: Duration,
    /// The earliest time the next request may start.
    next_start: Option<Instant>,
    /// When the last request was let start: a waiter that wakes late (a busy worker) must not
    /// take the next one's turn with it, so the spacing is held between actual starts too.
    last_start: Option<Instant>,
}

/// Held while a request to a host is in flight; dropping it frees the slot.
#[derive(Debug)]
pub(crate) struct Slot {
    _permit: Option<OwnedSemaphorePermit>,
}

impl Hosts {
    pub(crate) fn new(concurrency: usize, interval: Duration) -> Hosts {
        Hosts { concurrency: concurrency.max(1), interval, map: Mutex::new(HashMap::new()) }
    }

    fn host(&self, key: &str) -> Arc<Host> {
        self.host_with(key, self.concurrency, self.interval)
    }

    /// The state of `key`, created with these limits if it is new.
    fn host_with(&self, key: &str, concurrency: usize, interval: Duration) -> Arc<Host> {
        // A panic elsewhere while holding the lock leaves the map consistent, so poisoning is
        // ignored rather than propagated.
        let mut map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        map.entry(key.to_owned())
            .or_insert_with(|| {
                Arc::new(Host {
                    permits: Arc::new(Semaphore::new(concurrency.max(1))),
                    timing: Mutex::new(Timing { interval, next_start: None, last_start: None }),
                    head_end: AtomicU64::new(0),
                    ranges: AtomicU8::new(RANGES_UNKNOWN),
                })
            })
            .clone()
    }

    /// `acquire_limited` with the default limits.
    #[cfg(test)]
    pub(crate) async fn acquire(&self, key: &str) -> Slot {
        self.acquire_limited(key, self.concurrency, self.interval).await
    }

    /// Waits for a free slot on `key` and for its turn to start, then returns the slot. Each
    /// caller reserves its start time before sleeping, so waiters are spaced `interval` apart;
    /// on waking it also waits until `interval` has passed since the last start it let through,
    /// so two waiters woken late together still start `interval` apart (to within the timer's
    /// tick). A host's limits (its own settings, or the defaults) are fixed by its first request.
    pub(crate) async fn acquire_limited(&self, key: &str, concurrency: usize, interval: Duration) -> Slot {
        let host = self.host_with(key, concurrency, interval);
        // The semaphore is never closed, so acquiring cannot fail; if it somehow did, going ahead
        // unthrottled is better than failing the fetch.
        let permit = host.permits.clone().acquire_owned().await.ok();
        let mut start = {
            let mut t = host.timing.lock().unwrap_or_else(PoisonError::into_inner);
            let now = Instant::now();
            let start = t.next_start.map_or(now, |n| n.max(now));
            t.next_start = Some(start + t.interval);
            start
        };
        loop {
            tokio::time::sleep_until(start).await;
            let mut t = host.timing.lock().unwrap_or_else(PoisonError::into_inner);
            let now = Instant::now();
            let turn = t.last_start.map_or(start, |last| start.max(last + t.interval));
            if now >= turn {
                // The timer wakes on the tick after the turn, so up to a tick of lateness is the
                // timer's, not a busy worker's: counting it would push every later turn by up to
                // a tick, and over a run at the interval those add up (about 90 ms in 100
                // requests). Lateness beyond it moves the turns after this one.
                let started = now.checked_sub(TIMER_TICK).map_or(turn, |t| t.max(turn));
                t.last_start = Some(started);
                let next = started + t.interval;
                t.next_start = Some(t.next_start.map_or(next, |n| n.max(next)));
                break;
            }
            start = turn;
        }
        Slot { _permit: permit }
    }

    /// Records where a page of `key` had given its metadata, so later requests to it can ask for
    /// about that much.
    pub(crate) fn head_seen(&self, key: &str, end: u64) {
        let map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(host) = map.get(key) {
            host.head_end.fetch_max(end, Ordering::Relaxed);
        }
    }

    /// The furthest metadata end seen on `key`, if any page of it was read. Never creates the
    /// host's state (its limits are fixed by its first request).
    pub(crate) fn head_hint(&self, key: &str) -> Option<u64> {
        let map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        map.get(key).map(|h| h.head_end.load(Ordering::Relaxed)).filter(|&e| e > 0)
    }

    /// Records whether `key` answered a page asked for with `Range` with `206` (honoured) or
    /// with the whole page (ignored). The first answer sticks.
    pub(crate) fn ranges_answered(&self, key: &str, honoured: bool) {
        let map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(host) = map.get(key) {
            let v = if honoured { RANGES_HONOURED } else { RANGES_IGNORED };
            let _ = host.ranges.compare_exchange(RANGES_UNKNOWN, v, Ordering::Relaxed, Ordering::Relaxed);
        }
    }

    /// Whether `key` is known to send whole pages whatever the `Range`: then asking is pointless,
    /// and costs the compression a ranged request gives up.
    pub(crate) fn ignores_ranges(&self, key: &str) -> bool {
        let map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        map.get(key).is_some_and(|h| h.ranges.load(Ordering::Relaxed) == RANGES_IGNORED)
    }

    /// Records that `key` asked to slow down: its interval doubles (at least
    /// [`MIN_SLOWED_INTERVAL`], at most [`MAX_INTERVAL`]) for the rest of the run, and no request
    /// to it starts before `retry_after` has passed.
    pub(crate) fn slow_down(&self, key: &str, retry_after: Option<Duration>) {
        let host = self.host(key);
        let mut t = host.timing.lock().unwrap_or_else(PoisonError::into_inner);
        t.interval = t.interval.saturating_mul(2).clamp(MIN_SLOWED_INTERVAL, MAX_INTERVAL);
        let now = Instant::now();
        let wait = retry_after.unwrap_or(Duration::ZERO).max(t.interval).min(MAX_INTERVAL);
        let not_before = now + wait;
        t.next_start = Some(t.next_start.map_or(not_before, |n| n.max(not_before)));
    }

    /// The current interval for `key` (for tests and diagnostics).
    #[cfg(test)]
    pub(crate) fn interval(&self, key: &str) -> Duration {
        self.host(key).timing.lock().unwrap_or_else(PoisonError::into_inner).interval
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn starts_are_spaced_per_host() {
        let hosts = Hosts::new(4, Duration::from_millis(250));
        let t0 = Instant::now();
        let _a = hosts.acquire("a:80").await;
        let _b = hosts.acquire("a:80").await;
        let _c = hosts.acquire("b:80").await;
        assert_eq!(Instant::now() - t0, Duration::from_millis(250));
        let _d = hosts.acquire("a:80").await;
        assert_eq!(Instant::now() - t0, Duration::from_millis(500));
    }

    #[tokio::test(start_paused = true)]
    async fn slowing_down_doubles_and_waits() {
        let hosts = Hosts::new(1, Duration::from_millis(250));
        drop(hosts.acquire("a:80").await);
        hosts.slow_down("a:80", Some(Duration::from_secs(3)));
        assert_eq!(hosts.interval("a:80"), Duration::from_secs(1));
        let t0 = Instant::now();
        drop(hosts.acquire("a:80").await);
        assert_eq!(Instant::now() - t0, Duration::from_secs(3));
        hosts.slow_down("a:80", None);
        assert_eq!(hosts.interval("a:80"), Duration::from_secs(2));
    }

    #[tokio::test(start_paused = true)]
    async fn a_host_with_its_own_limits_keeps_them() {
        let hosts = Hosts::new(4, Duration::from_millis(250));
        let t0 = Instant::now();
        let _a = hosts.acquire_limited("slow:80", 1, Duration::from_secs(2)).await;
        let _b = hosts.acquire("fast:80").await;
        let _c = hosts.acquire("fast:80").await;
        assert_eq!(Instant::now() - t0, Duration::from_millis(250));
        drop(_a);
        let _d = hosts.acquire_limited("slow:80", 1, Duration::from_secs(2)).await;
        assert_eq!(Instant::now() - t0, Duration::from_secs(2));
    }

    #[tokio::test(start_paused = true)]
    async fn waiters_woken_late_together_still_start_spaced() {
        let hosts = Arc::new(Hosts::new(4, Duration::from_millis(10)));
        let _first = hosts.acquire("a:80").await;
        let t0 = Instant::now();
        let waiters: Vec<_> = (0..2)
            .map(|_| {
                let hosts = hosts.clone();
                tokio::spawn(async move {
                    let slot = hosts.acquire("a:80").await;
                    (Instant::now(), slot)
                })
            })
            .collect();
        for _ in 0..4 {
            tokio::task::yield_now().await;
        }
        // Both turns (10 and 20 ms) pass while nothing runs, as on a worker kept busy.
        tokio::time::advance(Duration::from_millis(25)).await;
        let mut starts = Vec::new();
        for w in waiters {
            starts.push(w.await.unwrap().0);
        }
        starts.sort();
        assert_eq!(starts[0] - t0, Duration::from_millis(25));
        // The interval, less the tick the timer may have added to the first wake.
        assert_eq!(starts[1] - starts[0], Duration::from_millis(10) - TIMER_TICK);
        // A request queued now starts an interval after the last actual start.
        let t1 = Instant::now();
        let _next = hosts.acquire("a:80").await;
        assert_eq!(Instant::now(), (starts[1] + Duration::from_millis(10)).max(t1));
    }
}
