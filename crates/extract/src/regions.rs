//! Region mentions and their roles, and the article's primary region.
//!
//! A region is the *subject* when the words just before it name a government, its civil
//! servants, an office or an election of it (`Pemprov Kalbar`, `ASN di Kabupaten Sintang`,
//! `BKD Kaltim`, `Pilkada Sintang`, the region of an official's office); the *dateline* when it
//! is the article's dateline place; *other* otherwise (a meeting place `di Bali`, a city where a
//! quote was given). The cue words are data: `rules/region_cues.txt`.

use crate::text::HashSet;
use std::sync::OnceLock;

use warta_core::{RegionLevel, RegionRole};
use warta_gazetteer::Region;

use crate::text::{char_at, is_word_char, skip_spaces, word_start_before};

static CUES: &str = include_str!("../rules/region_cues.txt");

pub(crate) fn cues() -> &'static HashSet<String> {
    static SET: OnceLock<HashSet<String>> = OnceLock::new();
    SET.get_or_init(|| {
        CUES.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_lowercase)
            .collect()
    })
}

/// Words skipped when looking back from a region (they belong to its name).
const PREFIX_WORDS: &[&str] = &[
    "provinsi",
    "kabupaten",
    "kota",
    "kab",
    "prov",
    "kepulauan",
    "administrasi",
];

/// Cue words naming civil servants, which make a region after `di` the subject.
const PEOPLE: &[&str] = &["asn", "pns", "pegawai", "aparatur"];

/// The role of a region name at `start` in `text`, from up to four words before it within the
/// sentence starting at `floor`. (The extractor calls [`context`] for the strength as well; this
/// form states the rule's examples in tests.)
#[cfg(test)]
pub(crate) fn role_from_context(text: &str, floor: usize, start: usize) -> RegionRole {
    context(text, floor, start).0
}

/// The role from context, and whether a subject role is *strong*: a government, office or
/// election word (`Pemkab Kubar`, `BKD Kaltim`) rather than civil servants located there
/// (`ASN di Denpasar`, which may be a meeting place).
pub(crate) fn context(text: &str, floor: usize, start: usize) -> (RegionRole, bool) {
    let cues = cues();
    let mut pos = start;
    let mut seen = 0;
    // After a locative (`di`, `ke`, `dari`) only people cues count: `ASN yang ada di Kalbar`
    // is subject, `Pemkab Kubar hadir di Bali` is not.
    let mut crossed_locative = false;
    while seen < 4 && pos > floor {
        // Step back over spaces and light punctuation inside a phrase (`/`, `.` of `Kab.`).
        let mut p = pos;
        while p > floor {
            match crate::text::char_before(text, p) {
                Some(c) if matches!(c, ' ' | '\u{a0}' | '.' | '/' | '(' | ')') => p -= c.len_utf8(),
                _ => break,
            }
        }
        if !crate::text::char_before(text, p).is_some_and(is_word_char) {
            break;
        }
        let Some(ws) = word_start_before(text, p) else {
            break;
        };
        if ws < floor {
            break;
        }
        pos = ws;
        // What the word is, read from its lower case (on the stack for a short ASCII word).
        let (prefix, cue, locative) = crate::text::with_lower(&text[ws..p], |w| {
            (
                PREFIX_WORDS.contains(&w),
                (cues.contains(w) && (!crossed_locative || PEOPLE.contains(&w)))
                    .then(|| !PEOPLE.contains(&w)),
                matches!(w, "di" | "ke" | "dari"),
            )
        });
        if prefix {
            continue;
        }
        if let Some(strong) = cue {
            return (RegionRole::Subject, strong);
        }
        if locative {
            crossed_locative = true;
        }
        seen += 1;
    }
    (RegionRole::Other, false)
}

/// True when the text between two region names is only a comma (`Kabupaten Sintang, Kalimantan
/// Barat`): the second then annotates the first.
pub(crate) fn is_annotation(text: &str, prev_end: usize, start: usize) -> bool {
    let p = skip_spaces(text, prev_end);
    char_at(text, p) == Some(',') && skip_spaces(text, p + 1) == start
}

/// A region mention candidate for primary-region selection.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SubjectVote {
    pub region: &'static Region,
    /// Order of occurrence in the article.
    pub order: usize,
    /// From an office or a government cue rather than from civil servants located there.
    pub strong: bool,
}

/// The most specific subject region: strong votes (offices, governments) over weak ones
/// (civil servants located somewhere), then regency/city over province, then most frequent,
/// ties by first occurrence.
pub(crate) fn primary(votes: &[SubjectVote]) -> Option<&'static Region> {
    let strong: Vec<SubjectVote> = votes.iter().filter(|v| v.strong).copied().collect();
    let votes = if strong.is_empty() {
        votes
    } else {
        &strong[..]
    };
    let specific = votes
        .iter()
        .any(|v| v.region.level != RegionLevel::Province);
    let mut best: Option<(&'static Region, usize, usize)> = None; // region, count, first order
    let mut seen: Vec<(&'static Region, usize, usize)> = Vec::new();
    for v in votes {
        if specific && v.region.level == RegionLevel::Province {
            continue;
        }
        match seen.iter_mut().find(|(r, _, _)| r.code == v.region.code) {
            Some(e) => e.1 += 1,
            None => seen.push((v.region, 1, v.order)),
        }
    }
    for &(r, n, first) in &seen {
        best = match best {
            Some((_, bn, bf)) if bn > n || (bn == n && bf <= first) => best,
            _ => Some((r, n, first)),
        };
    }
    best.map(|b| b.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_cues() {
        let t = "Pemprov Kalbar melalui BKD Provinsi Kalbar hadir di Bali bersama ASN yang ada di Kalbar.";
        let at = |w: &str, n: usize| t.match_indices(w).nth(n).map(|(i, _)| i).unwrap();
        assert_eq!(
            role_from_context(t, 0, at("Kalbar", 0)),
            RegionRole::Subject
        );
        assert_eq!(
            role_from_context(t, 0, at("Kalbar", 1)),
            RegionRole::Subject
        );
        assert_eq!(role_from_context(t, 0, at("Bali", 0)), RegionRole::Other);
        assert_eq!(
            role_from_context(t, 0, at("Kalbar", 2)),
            RegionRole::Subject
        );
        let q = "kata Alfian di Pontianak, Jumat.";
        assert_eq!(
            role_from_context(q, 0, q.find("Pontianak").unwrap()),
            RegionRole::Other
        );
        let k = "ASN di lingkungan pemerintah Kabupaten Sintang";
        assert_eq!(
            role_from_context(k, 0, k.find("Kabupaten").unwrap()),
            RegionRole::Subject
        );
    }

    #[test]
    fn annotation() {
        let t = "Kabupaten Sintang, Kalimantan Barat, menyampaikan";
        assert!(is_annotation(t, 17, 19));
        assert!(!is_annotation(t, 17, 20));
    }
}
