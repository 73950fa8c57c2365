//! Election cycles: `Pemilu 2024`, `Pilkada serentak 2020`, `Pilkada Kaltim 2024`, `Pileg`,
//! `Pilpres`, `Pilgub`, `Pilbup`, `Pilwalkot`; and the cycles an article falls in by its date.
//!
//! Forms (`rules/cycles.json`): a cycle keyword (`Pemilu`, `Pemilihan Umum (Pemilu)`, `Pilkada`,
//! `Pemilihan Kepala Daerah (Pilkada)`, `Pileg`, `Pilpres`, `Pilgub`, `Pilbup`, `Pilwalkot`,
//! `Pemilukada`, `pemilihan gubernur` ...), then optionally `serentak`, up to three capitalised
//! region words (`Kaltim`, `Kutai Barat`) and a year (`2024`, `tahun 2024`, or the voting day
//! `14 Februari 2024`, whose year is the cycle's). Region words are
//! only part of the span when a year follows them. The year is kept as written even when no
//! election of that kind fell in it. In `Pemilu dan Pilkada serentak 2024` the year applies to
//! both: a yearless cycle joined by `dan`/`serta`/`maupun` to a following cycle with a year
//! takes that year. Keywords right after `Komisi`, `Pengawas`, `Penyelenggara`, `UU` name a
//! body or a law, not a cycle.
//!
//! [`cycles_by_date`]: for each kind (Pemilu, Pilkada) separately, the nearest election of that
//! kind on or after the date within `ahead_days` (~18 months); failing that, the latest one
//! before the date within `behind_days` (~6 months). A month-precision date stands for its 15th.
//! A year-precision date takes an election of the kind held in that year, else stands for
//! 1 July. Results are ordered by election day.

use std::sync::OnceLock;

use regex::Regex;
use serde::Deserialize;
use warta_core::{ElectionCycle, ElectionKind, PartialDate, Precision};

use crate::dates::{midpoint_days, parse_iso};

/// A cycle mention in a text, with byte offsets relative to that text.
#[derive(Debug, Clone, PartialEq)]
pub struct CycleHit {
    pub start: usize,
    pub end: usize,
    pub value: ElectionCycle,
    pub rule: &'static str,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Election {
    kind: ElectionKind,
    date: String,
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Form {
    id: String,
    kind: ElectionKind,
    #[serde(default)]
    sub: Option<String>,
    patterns: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct CycleExample {
    text: String,
    found: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct DateExample {
    date: String,
    cycles: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CycleRules {
    elections: Vec<Election>,
    ahead_days: i64,
    behind_days: i64,
    forms: Vec<Form>,
    /// Words for voting: a date right after one (`pemungutan suara pada 27 November`) is
    /// the voting day.
    voting_words: Vec<String>,
    /// Words that may stand between the voting words and the date (`pada`, `tanggal`).
    voting_joiners: Vec<String>,
    /// Words right after a cycle's mention that mark it as past (`Pemilu 2024 lalu`).
    past_after: Vec<String>,
    not_after: Vec<String>,
    joiners: Vec<String>,
    #[allow(dead_code)]
    examples: Vec<CycleExample>,
    #[allow(dead_code)]
    date_examples: Vec<DateExample>,
}

pub(crate) struct Compiled {
    rules: CycleRules,
    /// Rule ids leaked once so hits can carry `&'static str`.
    ids: Vec<&'static str>,
    /// (kind, day number, election date) sorted by day.
    calendar: Vec<(ElectionKind, i64, PartialDate)>,
    /// The forms' alternatives searched together: a match says which form made it.
    re: crate::alts::Alternatives,
    tail: Regex,
    joiner: Regex,
    /// `pemil`, `pil` (ASCII case-insensitive): every form contains one. Searched with
    /// the literal prefilter of `aho-corasick`, which skips fast to the rare `p`s.
    words: aho_corasick::AhoCorasick,
    /// Every pattern of every form starts with one of [`GATE_WORDS`] (its leading letters,
    /// ASCII case-insensitively), so a match starts where one of them does.
    starts_with_word: bool,
    /// The anchored match read from the word at its start (see [`WordForms`]), when the
    /// patterns allow it.
    word_forms: Option<WordForms>,
}

/// The patterns read by their first word ([`crate::literals::leading_word`]): every pattern
/// is a word of letters and either `\b` (`pilkada\b`, plain) or text that starts with a
/// byte that is no ASCII letter, digit or `_` (`pemilihan\s+...`). The patterns are `(?i-u)`
/// with ASCII bounds, so at a byte where an ASCII word (letters, digits, `_`) `w` starts, a
/// plain pattern matches exactly when it is `w` up to ASCII case (its bound needs the word to
/// end there), and any other pattern only when its first word is `w`. So with `w` a plain
/// word and no other pattern's first word, the anchored match is `w` with the first form (in
/// priority order) that has it; with `w` neither, there is none.
struct WordForms {
    /// Plain words, lower case, each with the first form that has it.
    plain: Vec<(u128, usize)>,
    /// The first words of the other patterns, lower case.
    heads: Vec<u128>,
}

/// A word of at most 16 ASCII letters (no zero byte), lower case, as one number: equal
/// numbers are equal words.
fn packed(word: &[u8]) -> Option<u128> {
    let mut b = [0u8; 16];
    b.get_mut(..word.len())?.copy_from_slice(word);
    b.make_ascii_lowercase();
    Some(u128::from_le_bytes(b))
}

/// What the anchored search gives at a word start, read from the word.
enum WordMatch {
    /// The match: the form and the end.
    Match(usize, usize),
    /// No pattern matches.
    None,
    /// The search has to run.
    Search,
}

impl WordForms {
    fn new(forms: &[Form]) -> Option<WordForms> {
        use crate::literals::AfterWord;
        let mut plain: Vec<(u128, usize)> = Vec::new();
        let mut heads: Vec<u128> = Vec::new();
        for (fi, f) in forms.iter().enumerate() {
            for p in &f.patterns {
                let (word, after) = crate::literals::leading_word(p)?;
                let word = packed(&word)?;
                match after {
                    AfterWord::Bound if !plain.iter().any(|(w, _)| *w == word) => {
                        plain.push((word, fi));
                    }
                    AfterWord::Bound => {}
                    AfterWord::OffWord => heads.push(word),
                }
            }
        }
        Some(WordForms { plain, heads })
    }

    fn at(&self, text: &str, at: usize) -> WordMatch {
        let rest = text.as_bytes().get(at..).unwrap_or(&[]);
        let len = rest
            .iter()
            .take_while(|&&b| crate::text::is_ascii_word_byte(b))
            .count();
        // Longer than every pattern word (at most 16 bytes): none of them.
        let Some(word) = rest.get(..len).and_then(packed) else {
            return WordMatch::None;
        };
        if self.heads.contains(&word) {
            return WordMatch::Search;
        }
        match self.plain.iter().find(|(w, _)| *w == word) {
            Some(&(_, fi)) => WordMatch::Match(fi, at + len),
            None => WordMatch::None,
        }
    }
}

const RULES_JSON: &str = include_str!("../rules/cycles.json");

pub(crate) fn compiled() -> &'static Compiled {
    static C: OnceLock<Compiled> = OnceLock::new();
    C.get_or_init(|| {
        let rules: CycleRules = serde_json::from_str(RULES_JSON).expect("rules/cycles.json is valid");
        let b = r"(?-u:\b)";
        let alts: Vec<String> = rules
            .forms
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let mut ps = f.patterns.clone();
                ps.sort_by_key(|p| std::cmp::Reverse(p.len()));
                format!("(?P<f{i}>{})", ps.join("|").replace(r"\b", b))
            })
            .collect();
        let searched: Vec<String> = alts
            .iter()
            .map(|a| crate::numbers::unicode_space(&format!(r"(?i-u){b}(?:{a})")))
            .collect();
        // The search runs anchored at the cycle words (see [`find_cycles_at_words`]): a
        // prefilter would only stop at the words it starts at.
        let re = crate::alts::Alternatives::without_prefilter(&searched)
            .expect("cycle regex compiles");
        let tail = Regex::new(&format!(
            r"(?i)^(?P<ser>\s+serentak{b})?(?:(?P<reg>(?:\s+(?-i:[A-Z][A-Za-z'-]*)){{1,3}}?)?(?P<ser2>\s+serentak{b})?\s*(?:(?:tahun|thn|th\.?)\s*|[0-9]{{1,2}}\s+(?:januari|februari|maret|april|mei|juni|juli|agustus|september|oktober|november|desember)\s+)?(?P<y>(?:19|20)[0-9]{{2}}){b})?"
        ))
        .expect("cycle tail compiles");
        let joiner = Regex::new(&format!(
            r"(?i)^\s*(?:{})\s*$",
            crate::numbers::alternation(rules.joiners.iter().map(String::as_str))
        ))
        .expect("joiner compiles");
        let ids = rules.forms.iter().map(|f| &*Box::leak(f.id.clone().into_boxed_str())).collect();
        let mut calendar: Vec<(ElectionKind, i64, PartialDate)> = rules
            .elections
            .iter()
            .filter_map(|e| {
                let d = parse_iso(&e.date)?;
                Some((e.kind, midpoint_days(&d), d))
            })
            .collect();
        calendar.sort_by_key(|c| c.1);
        let words = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(GATE_WORDS)
            .expect("cycle prefilter builds");
        let starts_with_word = rules.forms.iter().flat_map(|f| &f.patterns).all(|p| {
            let head: String = p
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_ascii_lowercase();
            GATE_WORDS.iter().any(|w| head.starts_with(w))
        });
        let word_forms = WordForms::new(&rules.forms);
        Compiled {
            rules,
            ids,
            calendar,
            re,
            tail,
            joiner,
            words,
            starts_with_word,
            word_forms,
        }
    })
}

/// Whether `before`, the text right before a date, ends with the words for voting
/// (`hari pemungutan suara pada`, `pencoblosan,`): the date is then the voting day.
pub(crate) fn ends_with_voting_words(before: &str) -> bool {
    let rules = &compiled().rules;
    let ends_with = |text: &str, w: &str| {
        text.len() >= w.len()
            && text
                .get(text.len() - w.len()..)
                .is_some_and(|tail| tail.eq_ignore_ascii_case(w))
            && !text.as_bytes()[..text.len() - w.len()]
                .last()
                .is_some_and(|b| b.is_ascii_alphanumeric())
    };
    let mut text = before.trim_end_matches(|c: char| c.is_whitespace() || c == ',');
    // At most one joiner (`pada`, `tanggal`) between the words and the date.
    if let Some(j) = rules.voting_joiners.iter().find(|j| ends_with(text, j)) {
        text =
            text[..text.len() - j.len()].trim_end_matches(|c: char| c.is_whitespace() || c == ',');
    }
    rules.voting_words.iter().any(|w| ends_with(text, w))
}

/// Whether `after`, the text right after a cycle's mention, marks the cycle as past: it
/// starts with one of the `past_after` words (`lalu`, `yang lalu`, `sebelumnya` ...).
pub(crate) fn marked_past(after: &str) -> bool {
    let after = after.trim_start();
    compiled().rules.past_after.iter().any(|w| {
        after
            .get(..w.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(w))
            && !after
                .as_bytes()
                .get(w.len())
                .is_some_and(|b| b.is_ascii_alphanumeric())
    })
}

/// The word right before `start` (to be lower-cased), if any.
fn word_before(text: &str, start: usize) -> &str {
    let head = text[..start].trim_end();
    head.rsplit(|c: char| c.is_whitespace() || c == '(' || c == ',' || c == '"')
        .next()
        .unwrap_or("")
}

/// Every election cycle mention in `text`; a mention without a year gets `year: None`
/// (the article-level step fills it from context).
pub fn find_cycles(text: &str) -> Vec<CycleHit> {
    find_cycles_gated(text, None)
}

/// The prefilter's words (`pemil`, `pil`), for [`crate::scan::gate`].
pub(crate) const GATE_WORDS: [&str; 2] = ["pemil", "pil"];

/// [`find_cycles`], with the prefilter already answered (`Some`) by [`crate::scan::gate`].
pub(crate) fn find_cycles_gated(text: &str, words: Option<bool>) -> Vec<CycleHit> {
    let c = compiled();
    if !words.unwrap_or_else(|| c.words.is_match(text)) {
        return Vec::new();
    }
    find_cycles_with(c, text, None)
}

/// [`find_cycles`], given `starts`: the starts of the [`GATE_WORDS`] words at an ASCII word
/// boundary in `text`, ascending (from [`crate::scan::gate`]). Every form's match starts at
/// such a word (`\b` and one of the words, see [`Compiled::starts_with_word`]), so the
/// leftmost match at or after a byte is the first anchored match at one of them from there.
pub(crate) fn find_cycles_at_words(text: &str, words: bool, starts: &[usize]) -> Vec<CycleHit> {
    let c = compiled();
    if !c.starts_with_word {
        return find_cycles_gated(text, Some(words));
    }
    find_cycles_with(c, text, Some(starts))
}

/// The cycles in `text`: searched for, or with `starts` tried anchored at those starts only
/// (see [`find_cycles_at_words`]).
fn find_cycles_with(c: &Compiled, text: &str, starts: Option<&[usize]>) -> Vec<CycleHit> {
    let mut out: Vec<CycleHit> = Vec::new();
    let mut pos = 0;
    let mut next = 0;
    while pos < text.len() {
        let found = match starts {
            None => c.re.find_at(text, pos),
            Some(starts) => {
                // Starts before `pos` are past: the positions only move forward.
                while starts.get(next).is_some_and(|&p| p < pos) {
                    next += 1;
                }
                let mut found = None;
                while let Some(&p) = starts.get(next) {
                    next += 1;
                    let read = c
                        .word_forms
                        .as_ref()
                        .map_or(WordMatch::Search, |w| w.at(text, p));
                    let m = match read {
                        WordMatch::Match(alt, end) => {
                            Some(crate::alts::AltMatch { alt, start: p, end })
                        }
                        WordMatch::None => None,
                        WordMatch::Search => c.re.find_anchored_at(text, p),
                    };
                    if let Some(m) = m {
                        found = Some(m);
                        break;
                    }
                }
                found
            }
        };
        let Some(m) = found else {
            break;
        };
        pos = m.end.max(m.start + 1);
        while pos < text.len() && !text.is_char_boundary(pos) {
            pos += 1;
        }
        let fi = m.alt;
        let before = word_before(text, m.start);
        if crate::text::with_lower(before, |w| c.rules.not_after.iter().any(|n| n == w)) {
            continue;
        }
        let (Some(form), Some(&id)) = (c.rules.forms.get(fi), c.ids.get(fi)) else {
            continue;
        };
        let mut end = m.end;
        let mut year = None;
        // The tail is optional throughout: it is empty (no year, no `serentak`) unless it
        // starts with whitespace, `t`/`T` (`tahun`, `thn`, `th`) or the `1`/`2` of a year, so
        // only then is it searched.
        let tail = &text[m.end..];
        let may_tail = tail
            .chars()
            .next()
            .is_some_and(|ch| ch.is_whitespace() || matches!(ch, 't' | 'T' | '1' | '2'));
        if may_tail {
            let (y, len) = tail_parts(c, tail);
            year = y;
            end = m.end + len;
        }
        pos = pos.max(end);
        out.push(CycleHit {
            start: m.start,
            end,
            value: ElectionCycle {
                kind: form.kind,
                sub: form.sub.clone(),
                year,
            },
            rule: id,
        });
    }
    // `Pemilu dan Pilkada serentak 2024`: the year applies to the joined yearless cycles before.
    for i in (0..out.len().saturating_sub(1)).rev() {
        if out[i].value.year.is_none() && out[i + 1].value.year.is_some() {
            let gap = &text[out[i].end..out[i + 1].start];
            if c.joiner.is_match(gap) {
                out[i].value.year = out[i + 1].value.year;
            }
        }
    }
    out
}

/// The year a cycle's tail gives and the tail's length, from the match of the tail pattern
/// alone. The match is empty when the tail has neither `serentak` nor a year; else it ends
/// with the year group (`(?P<y>(?:19|20)[0-9]{2})\b`, the last part of the pattern) when
/// there is one, or it is `serentak` alone (which ends in a letter): the groups are known
/// without capturing them.
fn tail_parts(c: &Compiled, tail: &str) -> (Option<i32>, usize) {
    let Some(e) = c.tail.find(tail).map(|t| t.end()).filter(|&e| e > 0) else {
        return (None, 0);
    };
    let year = if tail.as_bytes()[..e].last().is_some_and(u8::is_ascii_digit) {
        e.checked_sub(4)
            .and_then(|s| tail.get(s..e))
            .and_then(|y| y.parse().ok())
    } else {
        None
    };
    (year, e)
}

/// The cycle(s) an article dated `date` most plausibly concerns (the next election on or after
/// the date within the campaign season, or the one just past), from the election dates in the
/// data. See the module doc for the exact rule.
pub fn cycles_by_date(date: PartialDate) -> Vec<ElectionCycle> {
    let c = compiled();
    let d = midpoint_days(&date);
    let mut picks: Vec<(i64, ElectionCycle)> = Vec::new();
    for kind in [ElectionKind::Pemilu, ElectionKind::Pilkada] {
        let of_kind = c.calendar.iter().filter(|e| e.0 == kind);
        let pick = if date.precision() == Precision::Year {
            of_kind.clone().find(|e| e.2.year == date.year)
        } else {
            None
        }
        .or_else(|| {
            of_kind
                .clone()
                .filter(|e| e.1 >= d && e.1 - d <= c.rules.ahead_days)
                .min_by_key(|e| e.1)
        })
        .or_else(|| {
            of_kind
                .filter(|e| e.1 < d && d - e.1 <= c.rules.behind_days)
                .max_by_key(|e| e.1)
        });
        if let Some(e) = pick {
            picks.push((
                e.1,
                ElectionCycle {
                    kind,
                    sub: None,
                    year: Some(e.2.year),
                },
            ));
        }
    }
    picks.sort_by_key(|p| p.0);
    picks.into_iter().map(|p| p.1).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_after_voting_words() {
        use super::ends_with_voting_words as v;
        assert!(v("hingga hari pemungutan suara pada "));
        assert!(v("menjelang pencoblosan, "));
        assert!(v("Hari-H "));
        assert!(v("pemungutan suara tanggal "));
        assert!(!v("apel digelar pada "));
        assert!(!v("pada "));
        assert!(!v(""));
        assert!(!v("prapencoblosan "));
    }

    #[test]
    fn cycles_marked_past() {
        use super::marked_past;
        assert!(marked_past(" lalu seorang pegawai"));
        assert!(marked_past(" yang lalu."));
        assert!(marked_past(" sebelumnya, para ASN"));
        assert!(!marked_past(" lalulintas"));
        assert!(!marked_past(", ketika"));
        assert!(!marked_past(" mendatang"));
        assert!(!marked_past(""));
    }

    use super::*;

    #[test]
    fn every_form_starts_with_a_gate_word() {
        assert!(compiled().starts_with_word);
    }
    use proptest::prelude::*;

    fn show(text: &str, h: &CycleHit) -> String {
        format!(
            "{}={}|{}|{}[{}]",
            h.rule,
            match h.value.kind {
                ElectionKind::Pemilu => "Pemilu",
                ElectionKind::Pilkada => "Pilkada",
            },
            h.value.sub.as_deref().unwrap_or("-"),
            h.value.year.map_or("-".to_string(), |y| y.to_string()),
            &text[h.start..h.end]
        )
    }

    #[test]
    fn rule_examples() {
        let rules: CycleRules = serde_json::from_str(RULES_JSON).unwrap();
        let mut failures = Vec::new();
        for ex in &rules.examples {
            let found: Vec<String> = find_cycles(&ex.text)
                .iter()
                .map(|h| show(&ex.text, h))
                .collect();
            if found != ex.found {
                failures.push(format!(
                    "{:?}: expected {:?} found {:?}",
                    ex.text, ex.found, found
                ));
            }
        }
        for ex in &rules.date_examples {
            let date = parse_iso(&ex.date).unwrap();
            let found: Vec<String> = cycles_by_date(date)
                .iter()
                .map(ElectionCycle::label)
                .collect();
            if found != ex.cycles {
                failures.push(format!(
                    "by_date {}: expected {:?} found {:?}",
                    ex.date, ex.cycles, found
                ));
            }
        }
        assert!(
            failures.is_empty(),
            "{} failures:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }

    #[test]
    fn seed_003_title_and_label() {
        let s = "Netralitas ASN Terus Ditekankan Jelang Pilkada Kaltim 2024";
        let h = find_cycles(s);
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].value.year, Some(2024));
        assert_eq!(h[0].value.kind, ElectionKind::Pilkada);
    }

    proptest! {
        /// The anchored match read from the word is the anchored search's, at every byte.
        #[test]
        fn word_forms_read_as_the_search(s in "(pilkada|Pilkada|PILKADA|pilkada2024|pemilu|Pemilukada|pemilih|pemilihan umum|Pemilihan\u{a0}Kepala Daerah|pemilihan|pileg|Pilpres|pilgub|pilbup|pilwalkot|pilwali|PILWAKO|pilihan|pil|pemil|_|x|é|-|\\(| |, |2024){0,10}") {
            let c = compiled();
            let w = c.word_forms.as_ref().expect("the forms are read by their first word");
            for at in 0..=s.len() {
                if !s.is_char_boundary(at) {
                    continue;
                }
                let want = c.re.find_anchored_at(&s, at);
                let got = match w.at(&s, at) {
                    WordMatch::Match(alt, end) => Some(crate::alts::AltMatch { alt, start: at, end }),
                    WordMatch::None => None,
                    WordMatch::Search => want,
                };
                // The `\\b` before the patterns: the reading is for word starts.
                let bounded = at == 0 || !crate::text::is_ascii_word_byte(s.as_bytes()[at - 1]);
                if bounded {
                    prop_assert_eq!(got, want, "{:?} at {}", s, at);
                }
            }
        }

        #[test]
        fn never_panics_and_spans_are_sound(s in "\\PC{0,80}") {
            let mut last = 0;
            for h in find_cycles(&s) {
                prop_assert!(h.start >= last && h.start < h.end && h.end <= s.len());
                prop_assert!(s.is_char_boundary(h.start) && s.is_char_boundary(h.end));
                last = h.end;
            }
        }

        #[test]
        fn cyclelike_never_panics(s in "(Pemilu|Pilkada|serentak|tahun|dan|Kaltim|é|2024| |,|\\(|\\)){0,12}") {
            let mut last = 0;
            for h in find_cycles(&s) {
                prop_assert!(h.start >= last && s.is_char_boundary(h.end));
                last = h.end;
            }
        }

        /// A tail that does not start with whitespace, `t`/`T`, `1` or `2` is empty, so
        /// skipping its search changes nothing.
        #[test]
        fn tail_skipped_only_when_empty(s in "(serentak|tahun|thn|th\\.|Th|Kaltim|2024|1999|é|\u{a0}| |,|x|\\.){0,6}") {
            let may = s
                .chars()
                .next()
                .is_some_and(|ch| ch.is_whitespace() || matches!(ch, 't' | 'T' | '1' | '2'));
            if !may {
                let t = compiled().tail.captures(&s);
                prop_assert!(t.is_none_or(|t| t.get(0).is_none_or(|m| m.is_empty())));
            }
        }

        /// The tail's year and length from its match are those its groups give.
        #[test]
        fn tail_parts_are_the_captured_ones(s in "(serentak|Serentak|SERENTAK|tahun|thn|th\\.|Th|Kaltim|Kutai Barat|2024|1999|19|20|2019x|é|\u{a0}| |,|x|\\.){0,6}") {
            let t = compiled().tail.captures(&s);
            let want = match t.as_ref().and_then(|t| t.name("y")) {
                Some(y) => (y.as_str().parse().ok(), y.end()),
                None => (None, t.as_ref().and_then(|t| t.name("ser")).map_or(0, |m| m.end())),
            };
            prop_assert_eq!(tail_parts(compiled(), &s), want);
        }

        #[test]
        fn by_date_total(y in 1900i32..2100, m in 1u8..=12, d in 1u8..=28) {
            let _ = cycles_by_date(PartialDate::day(y, m, d));
            let _ = cycles_by_date(PartialDate::year(y));
        }
    }
}
