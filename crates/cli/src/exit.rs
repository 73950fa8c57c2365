//! Exit codes that scripts can rely on.
//!
//! | code | meaning |
//! |---:|---|
//! | 0 | success: every input was read |
//! | 1 | failure: nothing trustworthy was written (I/O error on output, bad SQL, missing tables ...) |
//! | 2 | usage error (bad arguments), as printed by the argument parser |
//! | 3 | finished, outputs written, but some inputs (files or JSON lines) were skipped: see the report |
//! | 4 | `warta eval`: an F1 score fell below `--min-f1` |

pub const OK: u8 = 0;
pub const FAILURE: u8 = 1;
pub const INPUTS_SKIPPED: u8 = 3;
pub const BELOW_THRESHOLD: u8 = 4;
