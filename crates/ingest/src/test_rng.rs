//! A fixed pseudo-random sequence for the unit tests that compare a fast path with a plain one
//! over many generated inputs.

/// Marsaglia's xorshift64 from a fixed seed: the same sequence on every run.
pub(crate) fn xorshift() -> impl FnMut() -> u64 {
    let mut x = 0x2545_f491_4f6c_dd1du64;
    move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    }
}
