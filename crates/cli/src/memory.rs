//! How the allocator hands memory back to the operating system.
//!
//! mimalloc returns a thread's freed pages to the OS lazily: a page freed more than the purge
//! delay ago is returned when that thread next allocates or frees.

use std::os::raw::c_long;

/// `mi_option_purge_delay` in mimalloc v2's `mi_option_e` (the `v2` feature pins that line;
/// libmimalloc-sys names the options around it but not this one).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// mimalloc v2's own purge delay, in milliseconds.
const DEFAULT_PURGE_DELAY_MS: c_long = 10;

/// The purge delay while articles stream through the pipeline.
///
/// At 10 ms each batch's freed pages went back to the OS before the next batch allocated them
/// again, and the kernel zeroed them on the next touch: about 8% of a run's samples were page
/// clearing. 50 ms kept most of a batch's pages for the next one (system time of `warta run`
/// on 100k generated articles 4.6 → 2.8–3.5 s), but a 100k run still took 23k–54k page faults.
/// At 250 ms it takes 7k–8k: in alternating 100k runs (2 threads) the mean wall time fell 8%
/// (15.8 → 14.5 s) and one thread 11% (26.2 → 23.4 s), for ~15 MB more resident at the peak.
/// At 1M articles, though, the pages held back were ~50 MB at the peak: `run` with 2 threads
/// peaked at 503–506 MB with 250 ms on the corpus generated from 68 articles, against 456 MB
/// with 50 ms and 477 MB with 100 ms (101 s against 106–107 s of wall time). The resident
/// set at 1M is a target (under 500 MB) and the wall time is not within reach of its own, so
/// 50 ms it is.
const STREAMING_PURGE_DELAY_MS: c_long = 50;

/// The purge delay once streaming ends ([`release_freed`]): the aggregates' queries allocate
/// and free large buffers while the run is at its peak resident set, so freed pages must not
/// wait long there. It was shorter than the streaming delay while that one was 250 ms; the two
/// are equal now, and stay two settings because they answer to different phases (a 1M run with
/// this one at 0 ms peaked no lower: 504 against 503 MB).
const FINISH_PURGE_DELAY_MS: c_long = 50;

/// Whether `warta` chose the purge delay (the user did not, through `MIMALLOC_PURGE_DELAY`).
static TUNED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Sets the streaming purge delay, unless the user chose one with `MIMALLOC_PURGE_DELAY`.
pub fn tune() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    // Only where the option at that index holds v2's documented default: the index is right.
    if option(PURGE_DELAY) == DEFAULT_PURGE_DELAY_MS {
        set_option(PURGE_DELAY, STREAMING_PURGE_DELAY_MS);
        TUNED.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Asks every rayon worker, and the calling thread, to return its freed memory now.
///
/// When the pipeline's streaming ends, the workers go idle holding the pages they freed last
/// (the final batches, the ingest index), and `TableSink::finish` then runs its own working set
/// on top of them.
pub fn release_freed() {
    if TUNED.load(std::sync::atomic::Ordering::Relaxed) {
        set_option(PURGE_DELAY, FINISH_PURGE_DELAY_MS);
    }
    rayon::broadcast(|_| collect());
    collect();
}

#[allow(unsafe_code)]
fn collect() {
    // SAFETY: `mi_collect` only walks the calling thread's own heap; it takes no pointers and
    // may be called at any time.
    unsafe { libmimalloc_sys::mi_collect(true) }
}

#[allow(unsafe_code)]
fn option(option: libmimalloc_sys::mi_option_t) -> c_long {
    // SAFETY: reads one option's value; takes no pointers.
    unsafe { libmimalloc_sys::mi_option_get(option) }
}

#[allow(unsafe_code)]
fn set_option(option: libmimalloc_sys::mi_option_t, value: c_long) {
    // SAFETY: sets one option's value; takes no pointers. mimalloc keeps an option in one
    // aligned `long` that its purge decisions read on every thread: `release_freed` changes
    // one that `tune` already initialised, so no lazy initialisation runs concurrently, and
    // a thread reads either the old or the new delay.
    unsafe { libmimalloc_sys::mi_option_set(option, value) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_purge_delay_index_names_the_purge_delay() {
        // A test binary does not call `tune`: the option holds mimalloc v2's default unless
        // the environment set it.
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            assert_eq!(option(PURGE_DELAY), DEFAULT_PURGE_DELAY_MS);
        }
        // Its neighbours hold other defaults: eager_commit_delay (1) and use_numa_nodes (0).
        assert_eq!(option(PURGE_DELAY - 1), 1);
        assert_eq!(option(PURGE_DELAY + 1), 0);
    }
}
