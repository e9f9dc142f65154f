//! Data-parallel maps: the one way CPU work is shared between the cores (judging in the checker,
//! a long Markdown document's sections, the fields of a long document's notes, a long
//! document's streamed JSON). Results keep their input order, so the output is the same on any
//! number of cores.

/// `items.map(f)`, in order, on up to as many threads as the machine has cores, each taking one
/// contiguous share of at least `min_per_thread` items (below that, starting a thread costs more
/// than it saves). Scoped threads: they borrow, and all have ended when this returns. A panic on
/// any of them is carried on.
pub(crate) fn map<T: Send, R: Send>(items: Vec<T>, min_per_thread: usize, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let most = items.len() / min_per_thread.max(1);
    // Asked only when there is enough for two: it reads the process's cgroup files each time.
    let threads = if most < 2 { 1 } else { cores().min(most) };
    if threads == 1 {
        return items.into_iter().map(f).collect();
    }
    let share = items.len().div_ceil(threads);
    let mut items = items.into_iter();
    let mut shares: Vec<Vec<T>> = (0..threads).map(|_| items.by_ref().take(share).collect()).collect();
    let f = &f;
    // The first share is mapped on the calling thread: one thread fewer to start.
    let first = shares.remove(0);
    std::thread::scope(|scope| {
        let running: Vec<_> =
            shares.into_iter().map(|share| scope.spawn(move || share.into_iter().map(f).collect::<Vec<R>>())).collect();
        let mut out: Vec<R> = first.into_iter().map(f).collect();
        for thread in running {
            out.extend(thread.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
        out
    })
}

/// The cores this process may use, asked once.
pub(crate) fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_their_order_whatever_the_shares() {
        for n in [0, 1, 5, 31, 32, 64, 65, 1000] {
            let items: Vec<usize> = (0..n).collect();
            let expected: Vec<usize> = items.iter().map(|i| i * 3).collect();
            assert_eq!(map(items.clone(), 1, |i| i * 3), expected);
            assert_eq!(map(items.clone(), 32, |i| i * 3), expected);
            assert_eq!(map(items, 0, |i| i * 3), expected);
        }
    }

    #[test]
    fn a_panic_on_a_share_is_carried_on() {
        let caught = std::panic::catch_unwind(|| map((0..100).collect(), 1, |i: i32| assert!(i != 99)));
        assert!(caught.is_err());
    }
}
