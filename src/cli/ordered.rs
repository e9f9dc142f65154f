//! `extract` on every core: inputs are read and extracted by worker threads and handed on in
//! input order, so the report is the same bytes as one read in turn.

use std::collections::BTreeMap;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

/// How many inputs past the last one handed on may be worked on at once, per worker: enough to
/// keep every worker busy while one input takes longer than its neighbours, and few enough that
/// a run never holds more than a handful of documents' results.
const AHEAD_PER_WORKER: usize = 4;

struct State<T, R> {
    items: std::vec::IntoIter<T>,
    /// Index of the next item to be taken.
    next: usize,
    /// How many results have been handed on.
    handed: usize,
    done: BTreeMap<usize, R>,
    /// A worker panicked, or the consumer stopped: everyone stops.
    stop: bool,
    /// Workers waiting for room, and whether the consumer waits for its next result: a
    /// condition variable is signalled only when someone waits (each signal is a system call,
    /// and this runs once per document).
    workers_waiting: usize,
    consumer_waiting: bool,
}

struct Shared<T, R> {
    state: Mutex<State<T, R>>,
    /// Signalled when the consumer has taken a result (room for more work) or stopped.
    room: Condvar,
    /// Signalled when a result is ready, or a worker stopped.
    ready: Condvar,
    len: usize,
    ahead: usize,
}

impl<T, R> Shared<T, R> {
    fn lock(&self) -> MutexGuard<'_, State<T, R>> {
        // A poisoned lock means a worker panicked; that panic is carried on when the scope ends.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Sets `stop` if the worker holding it unwinds, so that the consumer does not wait for a
/// result that will never come.
struct StopOnPanic<'a, T, R>(&'a Shared<T, R>);

impl<T, R> Drop for StopOnPanic<'_, T, R> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.lock().stop = true;
            self.0.ready.notify_all();
            self.0.room.notify_all();
        }
    }
}

/// Calls `consume` with `items.map(work)` in input order, the work done on up to `threads`
/// worker threads (inline when one would do). `consume` may stop early; the workers then stop
/// after their current item.
pub(crate) fn map_in_order<T: Send, R: Send, O>(
    items: Vec<T>,
    threads: usize,
    work: impl Fn(T) -> R + Sync,
    consume: impl FnOnce(&mut dyn Iterator<Item = R>) -> O,
) -> O {
    let threads = threads.min(items.len());
    if threads <= 1 {
        return consume(&mut items.into_iter().map(work));
    }
    let shared = Shared {
        len: items.len(),
        ahead: threads * AHEAD_PER_WORKER,
        state: Mutex::new(State {
            items: items.into_iter(),
            next: 0,
            handed: 0,
            done: BTreeMap::new(),
            stop: false,
            workers_waiting: 0,
            consumer_waiting: false,
        }),
        room: Condvar::new(),
        ready: Condvar::new(),
    };
    let (shared, work) = (&shared, &work);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(move || worker(shared, work));
        }
        let mut results = InOrder { shared, at: 0 };
        consume(&mut results)
        // `results` is dropped here, stopping the workers if `consume` left early; the scope
        // then joins them and carries on any panic.
    })
}

fn worker<T, R>(shared: &Shared<T, R>, work: &(impl Fn(T) -> R + Sync)) {
    let _guard = StopOnPanic(shared);
    loop {
        let (i, item) = {
            let mut st = shared.lock();
            loop {
                if st.stop || st.next >= shared.len {
                    return;
                }
                if st.next < st.handed + shared.ahead {
                    break;
                }
                st.workers_waiting += 1;
                st = shared.room.wait(st).unwrap_or_else(PoisonError::into_inner);
                st.workers_waiting -= 1;
            }
            let Some(item) = st.items.next() else { return };
            st.next += 1;
            (st.next - 1, item)
        };
        let result = work(item);
        let mut st = shared.lock();
        st.done.insert(i, result);
        let wanted = st.consumer_waiting && i == st.handed;
        drop(st);
        if wanted {
            shared.ready.notify_one();
        }
    }
}

/// The results, in input order, as they become ready.
struct InOrder<'a, T, R> {
    shared: &'a Shared<T, R>,
    at: usize,
}

impl<T, R> Iterator for InOrder<'_, T, R> {
    type Item = R;

    fn next(&mut self) -> Option<R> {
        if self.at >= self.shared.len {
            return None;
        }
        let mut st = self.shared.lock();
        let result = loop {
            if let Some(r) = st.done.remove(&self.at) {
                break r;
            }
            if st.stop {
                return None;
            }
            st.consumer_waiting = true;
            st = self.shared.ready.wait(st).unwrap_or_else(PoisonError::into_inner);
            st.consumer_waiting = false;
        };
        self.at += 1;
        st.handed = self.at;
        let waiting = st.workers_waiting > 0;
        drop(st);
        if waiting {
            self.shared.room.notify_all();
        }
        Some(result)
    }
}

impl<T, R> Drop for InOrder<'_, T, R> {
    fn drop(&mut self) {
        self.shared.lock().stop = true;
        self.shared.room.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_input_order_whatever_the_timing() {
        for threads in [1, 2, 3, 8] {
            let items: Vec<u64> = (0..200).collect();
            // Uneven work, so that later items often finish first.
            let got = map_in_order(
                items,
                threads,
                |i| {
                    std::thread::sleep(std::time::Duration::from_micros((i * 7919) % 13 * 50));
                    i * 2
                },
                |results| results.collect::<Vec<_>>(),
            );
            assert_eq!(got, (0..200).map(|i| i * 2).collect::<Vec<_>>());
        }
    }

    #[test]
    fn no_more_is_worked_on_than_the_window_allows() {
        let started = std::sync::atomic::AtomicUsize::new(0);
        let seen = map_in_order(
            (0..100).collect::<Vec<usize>>(),
            2,
            |i| {
                started.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                i
            },
            |results| {
                let first = results.next();
                std::thread::sleep(std::time::Duration::from_millis(50));
                (first, started.load(std::sync::atomic::Ordering::SeqCst))
            },
        );
        assert_eq!(seen.0, Some(0));
        // One handed on, and at most the window's worth beyond it.
        assert!(seen.1 <= 1 + 2 * AHEAD_PER_WORKER, "{} started", seen.1);
    }

    #[test]
    fn a_consumer_that_stops_early_stops_the_workers() {
        let first_two = map_in_order(
            (0..10_000).collect::<Vec<u32>>(),
            4,
            |i| i + 1,
            |results| results.take(2).collect::<Vec<_>>(),
        );
        assert_eq!(first_two, vec![1, 2]);
    }

    #[test]
    fn a_panicking_worker_is_carried_on_not_waited_for() {
        let caught = std::panic::catch_unwind(|| {
            map_in_order((0..50).collect::<Vec<u32>>(), 2, |i| assert!(i != 7), |results| results.count())
        });
        assert!(caught.is_err());
    }
}
