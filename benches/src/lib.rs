//! Corpus generator and benchmark helpers for warta.
//!
//! [`gen`] builds large, realistic corpora from the few real articles bundled in `corpus/`:
//! stories recombine body paragraphs across articles, substitute officials' names, regions
//! (from the gazetteer tables), counts and dates, and are rendered in the page shapes of
//! ANTARA, Tribun, government press pages and other outlets, with their boilerplate, repeated
//! bodies and syndicated copies at stated rates ([`gen::Rates`]). Every article is a pure
//! function of `(seed, index)`, so a corpus is reproducible and can be composed in parallel.
//!
//! ```no_run
//! use std::path::PathBuf;
//! use warta_benches::gen::{generate, Format, GenOptions};
//! let m = generate(&GenOptions {
//!     from: PathBuf::from("corpus"),
//!     gazetteer: PathBuf::from("crates/gazetteer/data"),
//!     out: PathBuf::from("/tmp/warta-10k"),
//!     articles: 10_000,
//!     formats: vec![Format::Jsonl],
//!     seed: 42,
//!     threads: 0,
//!     gzip_level: 1,
//! })?;
//! println!("{} bytes of text", m.text_bytes);
//! # Ok::<(), warta_benches::gen::GenError>(())
//! ```

pub mod gen;
