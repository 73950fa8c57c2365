//! Counts of people and things with their role: `sebanyak 2.500 ASN ... berikrar` (pledgers),
//! `diikuti sebanyak 800 peserta` (participants), violations, sanctioned.

use warta_core::CountValue;

/// A count found in a sentence, with byte offsets relative to that sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct CountHit {
    pub start: usize,
    pub end: usize,
    pub value: CountValue,
    pub rule: &'static str,
}

/// Every count in one sentence; the role is decided from the sentence's words.
pub fn find_counts(sentence: &str) -> Vec<CountHit> {
    let _ = sentence;
    Vec::new()
}
