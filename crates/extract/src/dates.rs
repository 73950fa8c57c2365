//! Date expressions: `14 Februari 2024`, `Mei 2023`, `Kamis (7/11/2024)`, `Selasa (6/2)`, `Jumat`,
//! `kemarin`, `tahun 2020` ... normalised to ISO at their precision and anchored.

use warta_core::{DateValue, PartialDate};

/// What relative and partial dates are anchored on.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DateContext {
    /// The article's publication date, when ingest found one (any precision).
    pub published: Option<PartialDate>,
    /// A year the article shows otherwise (explicit year in the text, copyright year).
    pub article_year: Option<i32>,
}

/// A date found in a text, with byte offsets relative to that text.
#[derive(Debug, Clone, PartialEq)]
pub struct DateHit {
    pub start: usize,
    pub end: usize,
    pub value: DateValue,
    /// Rule id, e.g. `date.weekday_dmy_paren`.
    pub rule: &'static str,
}

/// Every date expression in `text`, in order, non-overlapping.
pub fn find_dates(text: &str, ctx: &DateContext) -> Vec<DateHit> {
    let _ = (text, ctx);
    Vec::new()
}
