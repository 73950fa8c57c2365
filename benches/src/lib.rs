//! Corpus generator and benchmark helpers for warta (in progress).
