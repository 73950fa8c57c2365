//! Tables and aggregates of neutrality activity (polars).
//!
//! (Implementation in progress.)
