//! Read a corpus, clean each article, drop repeated paragraphs, cluster syndicated copies.
//!
//! (Implementation in progress.)
