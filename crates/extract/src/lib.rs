//! Rule-based extraction of neutrality facts from cleaned articles.
//!
//! (Implementation in progress: the lexical extractors live in `dates`, `numbers`, `counts`,
//! `instruments` and `cycles`; article-level orchestration, officials, regions and activities
//! in the other modules.)

pub mod counts;
pub mod cycles;
pub mod dates;
pub mod instruments;
pub mod numbers;
