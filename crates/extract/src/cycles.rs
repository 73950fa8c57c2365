//! Election cycles: `Pemilu 2024`, `Pilkada serentak 2020`, `Pilkada Kaltim 2024`, `Pileg`,
//! `Pilpres`, `Pilgub`, `Pilbup`, `Pilwalkot`; and the cycles an article falls in by its date.

use warta_core::{ElectionCycle, PartialDate};

/// A cycle mention in a text, with byte offsets relative to that text.
#[derive(Debug, Clone, PartialEq)]
pub struct CycleHit {
    pub start: usize,
    pub end: usize,
    pub value: ElectionCycle,
    pub rule: &'static str,
}

/// Every election cycle mention in `text`; a mention without a year gets `year: None`
/// (the article-level step fills it from context).
pub fn find_cycles(text: &str) -> Vec<CycleHit> {
    let _ = text;
    Vec::new()
}

/// The cycle(s) an article dated `date` most plausibly concerns (the next election on or after
/// the date within the campaign season, or the one just past), from the election dates in the data.
pub fn cycles_by_date(date: PartialDate) -> Vec<ElectionCycle> {
    let _ = date;
    Vec::new()
}
