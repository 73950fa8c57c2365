//! Handing memory that the stages freed back to the operating system.
//!
//! mimalloc returns a thread's freed pages to the OS lazily, when that thread next allocates.
//! When the pipeline's streaming ends, the rayon workers go idle holding the pages they freed
//! last (the final batches, the ingest index), and `TableSink::finish` then runs its own
//! working set on top of them.

/// Asks every rayon worker, and the calling thread, to return its freed memory now.
pub fn release_freed() {
    rayon::broadcast(|_| collect());
    collect();
}

#[allow(unsafe_code)]
fn collect() {
    // SAFETY: `mi_collect` only walks the calling thread's own heap; it takes no pointers and
    // may be called at any time.
    unsafe { libmimalloc_sys::mi_collect(true) }
}
