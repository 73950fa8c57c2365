//! Counts of people and things with their role: `sebanyak 2.500 ASN ... berikrar` (pledgers),
//! `diikuti sebanyak 800 peserta` (participants), violations, sanctioned.
//!
//! A count is a number ([`crate::numbers::find_numbers`]) directly followed by a countable noun
//! from `rules/counts.json`, optionally through a classifier (`3 (tiga) orang ASN`). A number
//! with no such noun is not a count: years, percentages (`50 persen`), money (`Rp 1,5 juta`),
//! times (`10.00 WIB`), decree numbers, `Pasal 9`, ordinals (`ke-3`). Numbers right after a word
//! in `excluded_before` (`tahun`, `Pasal`, `No.`, `Rp`, `pukul`, `ke` ...) or next to a slash are
//! skipped too.
//!
//! `Dua di antaranya` ("two of them") after a count in the same paragraph counts that
//! count's noun (rule `count.elided_noun`).
//!
//! The role (rule `count.noun_role`): a noun with its own role (`pelanggaran`, `kasus`,
//! `laporan`, `temuan` are violations) keeps it. Otherwise the sentence's cue words decide, in
//! priority order: sanctioned (`dijatuhi`, `diberhentikan`, `sanksi kepada` ...), pledgers
//! (`ikrar`, `berikrar`, `deklarasi`, `menandatangani` ...; an ikrar `diikuti oleh 30 kepala
//! OPD` is pledgers), participants (`diikuti`, `dihadiri`, `peserta` ...), violations
//! (`dilaporkan`, `melanggar` ...); then the noun's default role (`peserta` is participants),
//! else other.

use crate::text::HashMap;
use std::sync::OnceLock;

use regex::Regex;
use serde::Deserialize;
use warta_core::{CountRole, CountValue, Label};

use crate::numbers::{alternation, find_numbers};

/// A count found in a sentence, with byte offsets relative to that sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct CountHit {
    pub start: usize,
    pub end: usize,
    pub value: CountValue,
    pub rule: &'static str,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NounRule {
    noun: String,
    forms: Vec<String>,
    #[serde(default)]
    role: Option<CountRole>,
    #[serde(default)]
    default_role: Option<CountRole>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleRule {
    role: CountRole,
    cues: Vec<String>,
    /// Cues of this role count only within this many bytes of the count (weak cues).
    #[serde(default)]
    window: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct CountExample {
    text: String,
    found: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CountRules {
    nouns: Vec<NounRule>,
    classifiers: Vec<String>,
    roles: Vec<RoleRule>,
    excluded_before: Vec<String>,
    #[allow(dead_code)]
    examples: Vec<CountExample>,
}

pub(crate) struct Compiled {
    rules: CountRules,
    /// Lower-cased, whitespace-collapsed form -> index into `rules.nouns`.
    forms: HashMap<String, usize>,
    noun: Regex,
    cues: Regex,
    /// Lower-cased cue -> role.
    cue_roles: HashMap<String, CountRole>,
    /// `rules.excluded_before` as a set.
    excluded_before: crate::text::HashSet<String>,
    /// Something a number can end with, whitespace, an optional classifier and whitespace,
    /// then the first word of a noun form: a count needs this (see [`may_have_count`]).
    shape: Regex,
}

const RULES_JSON: &str = include_str!("../rules/counts.json");
const B: &str = r"(?-u:\b)";

pub(crate) fn compiled() -> &'static Compiled {
    static C: OnceLock<Compiled> = OnceLock::new();
    C.get_or_init(|| {
        let rules: CountRules =
            serde_json::from_str(RULES_JSON).expect("rules/counts.json is valid");
        let mut forms = HashMap::default();
        for (i, n) in rules.nouns.iter().enumerate() {
            for f in &n.forms {
                forms.insert(f.to_lowercase(), i);
            }
        }
        let nouns = alternation(forms.keys().map(String::as_str));
        let classifiers = alternation(rules.classifiers.iter().map(String::as_str));
        let noun = Regex::new(&crate::numbers::unicode_space(&format!(
            r"(?i-u)^\s+(?:(?P<cls>{classifiers}){B}\s+)?(?P<noun>{nouns}){B}"
        )))
        .expect("noun regex compiles");
        let mut cue_roles = HashMap::default();
        for r in &rules.roles {
            for c in &r.cues {
                cue_roles.insert(c.to_lowercase(), r.role);
            }
        }
        let cues = Regex::new(&crate::numbers::unicode_space(&format!(
            r"(?i-u){B}(?:{}){B}",
            alternation(cue_roles.keys().map(String::as_str))
        )))
        .expect("cue regex compiles");
        let head_words = alternation(
            forms
                .keys()
                .filter_map(|f| f.split(' ').next())
                .filter(|w| !w.is_empty()),
        );
        let classifiers_alt = alternation(rules.classifiers.iter().map(String::as_str));
        // Looser than the number pattern on purpose: any digit or `)`, any word ending in a
        // number word or `-an`, no word boundaries. It only has to hold wherever a count is.
        let shape = Regex::new(&crate::numbers::unicode_space(&format!(
            r"(?i-u)(?:[0-9)]|-an|{})\s+(?:(?:{classifiers_alt})\s+)?(?:{head_words})",
            alternation(crate::numbers::end_words())
        )))
        .expect("count shape regex compiles");
        let excluded_before = rules.excluded_before.iter().cloned().collect();
        Compiled {
            excluded_before,
            rules,
            forms,
            noun,
            cues,
            cue_roles,
            shape,
        }
    })
}

/// The word right before byte `start` (to be lower-cased), and the byte just before the
/// number.
fn word_before(text: &str, start: usize) -> (&str, Option<u8>) {
    let head = &text[..start];
    let prev_byte = head.as_bytes().last().copied();
    let w = head
        .trim_end()
        .rsplit(|c: char| !(c.is_alphanumeric() || c == '.'))
        .next()
        .unwrap_or("")
        .trim_end_matches('.');
    (w, prev_byte)
}

/// The noun of a match of the noun pattern (`\s+`, an optional classifier and `\s+`, the
/// noun), without running the pattern again for its groups. The optional classifier is
/// greedy, so when the text after the leading whitespace is a classifier, whitespace and a
/// noun form, the pattern took that reading (it would have taken a longer noun after the
/// classifier, had there been one, and then the match would be longer); else it is all noun.
fn noun_of<'a>(c: &Compiled, matched: &'a str) -> &'a str {
    let t = matched.trim_start();
    if let Some((first, rest)) = t.split_once(char::is_whitespace) {
        let rest = rest.trim_start();
        if c.rules
            .classifiers
            .iter()
            .any(|k| k.eq_ignore_ascii_case(first))
            && crate::text::with_collapsed_lower(rest, |r| c.forms.contains_key(r))
        {
            return rest;
        }
    }
    t
}

/// The role the sentence's cue words give (see the module doc for the priority).
fn sentence_cues(c: &Compiled, sentence: &str) -> Vec<(CountRole, usize, usize)> {
    c.cues
        .find_iter(sentence)
        .filter_map(|m| {
            let role =
                crate::text::with_collapsed_lower(m.as_str(), |w| c.cue_roles.get(w).copied())?;
            Some((role, m.start(), m.end()))
        })
        .collect()
}

/// The highest-priority role among the cues; cues of a role with a `window` count only within
/// that many bytes of the count.
fn role_for(
    c: &Compiled,
    cues: &[(CountRole, usize, usize)],
    start: usize,
    end: usize,
) -> Option<CountRole> {
    c.rules.roles.iter().find_map(|r| {
        let near = |&&(role, s, e): &&(CountRole, usize, usize)| {
            role == r.role
                && r.window.is_none_or(|w| {
                    let gap = if s >= end {
                        s - end
                    } else {
                        start.saturating_sub(e)
                    };
                    gap <= w
                })
        };
        cues.iter().find(near).map(|_| r.role)
    })
}

/// False when `sentence` cannot hold a count: nowhere does a noun (or a classifier and a
/// noun) follow whitespace after something a number can end with. A count is a number,
/// whitespace, an optional classifier and whitespace, then a noun, so this is a necessary
/// condition; one pass of a small automaton spares the number pattern on most sentences.
fn may_have_count(c: &Compiled, sentence: &str) -> bool {
    c.shape.is_match(sentence)
}

/// Every count in one sentence; the role is decided from the sentence's words.
pub fn find_counts(sentence: &str) -> Vec<CountHit> {
    find_counts_from(sentence, 0)
}

/// [`find_counts`] for a sentence in which no digit and no number word (unit, `se-` word or
/// vague quantity, [`crate::numbers::gate_words`], ASCII case-insensitive) starts before byte
/// `from`: callers pass the first start of either.
///
/// Every number starts its core with a digit or with such a word (a spelled number with a
/// unit or `se-` word, a vague one with its vague word), and what a count's shape needs
/// before the whitespace and the noun (a digit, `)`, `-an` or a word a number ends with) is
/// its end, at or after that start. So the shape lies wholly at or after `from`, and the
/// shape test reads the sentence from there; the search itself still reads all of it.
pub(crate) fn find_counts_from(sentence: &str, from: usize) -> Vec<CountHit> {
    find_counts_after(sentence, from, None)
}

/// [`find_counts_from`], with the count before this sentence in its paragraph
/// (`antecedent`): a number followed by `di antaranya` (`Dua di antaranya ...`, "two of
/// them") counts that count's noun (rule `count.elided_noun`); so it does after a count
/// earlier in the same sentence when there is none before it.
pub(crate) fn find_counts_after(
    sentence: &str,
    from: usize,
    antecedent: Option<&CountValue>,
) -> Vec<CountHit> {
    let c = compiled();
    let Some(rest) = sentence.get(from..) else {
        return Vec::new();
    };
    let elided = antecedent.filter(|_| rest.contains("antaranya"));
    if elided.is_none() && !may_have_count(c, rest) {
        return Vec::new();
    }
    let mut out = find_counts_unfiltered(c, sentence);
    add_elided(c, sentence, antecedent, &mut out);
    out
}

/// Adds to `out` (the sentence's counts) the counts whose noun is elided (`Dua di
/// antaranya`): of the last count before the cue in the sentence (`2.034 ASN dilaporkan, dan
/// 1.596 di antaranya terbukti`), else of `antecedent`, the count before the sentence.
fn add_elided(
    c: &'static Compiled,
    sentence: &str,
    antecedent: Option<&CountValue>,
    out: &mut Vec<CountHit>,
) {
    let Some(cue) = sentence.find("antaranya") else {
        return;
    };
    // The nearest count before the cue in the sentence comes first (`Dari 12 kasus itu, tiga
    // di antaranya`), then the one before the sentence.
    let within = out
        .iter()
        .filter(|h| h.end <= cue)
        .max_by_key(|h| h.start)
        .map(|h| h.value.clone());
    if let Some(a) = within.as_ref().or(antecedent) {
        elided_counts(c, sentence, a, out);
    }
}

/// What follows a number whose noun is the previous count's: `di antaranya` ("of them").
const ELIDED_CUE: &str = "di antaranya";

/// Counts of the form `<number> di antaranya`, with the noun of `antecedent`: its role when
/// the noun has one (`laporan` are violations), else the sentence's cues, else its role.
fn elided_counts(
    c: &'static Compiled,
    sentence: &str,
    antecedent: &CountValue,
    out: &mut Vec<CountHit>,
) {
    let Some(ni) = crate::text::with_collapsed_lower(&antecedent.noun, |n| c.forms.get(n).copied())
    else {
        return;
    };
    let noun = &c.rules.nouns[ni];
    let mut roles: Option<Vec<(CountRole, usize, usize)>> = None;
    for n in find_numbers(sentence) {
        let rest = &sentence[n.end..];
        let gap = rest.len() - rest.trim_start().len();
        let after = &rest[gap..];
        if gap == 0
            || !after
                .get(..ELIDED_CUE.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(ELIDED_CUE))
            || after[ELIDED_CUE.len()..]
                .chars()
                .next()
                .is_some_and(char::is_alphanumeric)
            || out.iter().any(|h| h.start == n.start)
        {
            continue;
        }
        let end = n.end + gap + ELIDED_CUE.len();
        let role = match noun.role {
            Some(r) => r,
            None => {
                let cues = roles.get_or_insert_with(|| sentence_cues(c, sentence));
                role_for(c, cues, n.start, end).unwrap_or(antecedent.role)
            }
        };
        out.push(CountHit {
            start: n.start,
            end,
            value: CountValue {
                value: n.number.value,
                approximate: n.number.approximate,
                noun: Label::Borrowed(noun.noun.as_str()),
                role,
            },
            rule: "count.elided_noun",
        });
    }
}

/// [`find_counts`] without the [`may_have_count`] test.
fn find_counts_unfiltered(c: &'static Compiled, sentence: &str) -> Vec<CountHit> {
    let mut out = Vec::new();
    let mut roles: Option<Vec<(CountRole, usize, usize)>> = None;
    for n in find_numbers(sentence) {
        // The noun pattern starts with `\s+`: a number not followed by whitespace has no noun.
        // Checked first because it rules out most numbers (years in dates, `10.00`, `50%`)
        // without the allocation of `word_before`; every test below is a filter.
        if !sentence[n.end..].starts_with(char::is_whitespace) {
            continue;
        }
        let (before, prev_byte) = word_before(sentence, n.start);
        if crate::text::with_lower(before, |w| c.excluded_before.contains(w)) {
            continue;
        }
        if matches!(prev_byte, Some(b'/' | b'-' | b'.' | b','))
            || sentence[n.end..].starts_with(['/', '-', ':'])
        {
            continue;
        }
        let Some(m) = c.noun.find(&sentence[n.end..]) else {
            continue;
        };
        let noun = noun_of(c, m.as_str());
        let Some(ni) = crate::text::with_collapsed_lower(noun, |n| c.forms.get(n).copied()) else {
            continue;
        };
        let noun = &c.rules.nouns[ni];
        let role = match noun.role {
            Some(r) => r,
            None => {
                let cues = roles.get_or_insert_with(|| sentence_cues(c, sentence));
                role_for(c, cues, n.start, n.end + m.end())
                    .or(noun.default_role)
                    .unwrap_or(CountRole::Other)
            }
        };
        out.push(CountHit {
            start: n.start,
            end: n.end + m.end(),
            value: CountValue {
                value: n.number.value,
                approximate: n.number.approximate,
                noun: Label::Borrowed(noun.noun.as_str()),
                role,
            },
            rule: "count.noun_role",
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn show(text: &str, h: &CountHit) -> String {
        let v = match h.value.value {
            Some(v) => format!("{v}{}", if h.value.approximate { "~" } else { "" }),
            None => "~".to_string(),
        };
        format!(
            "{v}|{}|{}[{}]",
            h.value.noun,
            h.value.role.as_str(),
            &text[h.start..h.end]
        )
    }

    #[test]
    fn rule_examples() {
        let rules: CountRules = serde_json::from_str(RULES_JSON).unwrap();
        let mut failures = Vec::new();
        for ex in &rules.examples {
            let found: Vec<String> = find_counts(&ex.text)
                .iter()
                .map(|h| show(&ex.text, h))
                .collect();
            if found != ex.found {
                failures.push(format!(
                    "{:?}\n   expected {:?}\n   found    {:?}",
                    ex.text, ex.found, found
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
    fn elided_nouns_take_the_previous_count() {
        // The counts of `s` after the (only) count of `first`.
        let after = |first: &str, s: &str| -> Vec<String> {
            let a = find_counts(first);
            assert_eq!(a.len(), 1, "{first}");
            find_counts_after(s, 0, Some(&a[0].value))
                .iter()
                .map(|h| show(s, h))
                .collect()
        };
        let reports = "Bawaslu menerima 9 laporan dugaan ketidaknetralan ASN.";
        let s = "Dua di antaranya menyangkut camat yang kedapatan berfoto bersama calon.";
        assert_eq!(
            after(reports, s),
            ["2|laporan|violations[Dua di antaranya]"]
        );
        // Without a count before it, or without `di antaranya`, there is none.
        assert!(find_counts_after(s, 0, None).is_empty());
        assert!(after(reports, "Dua hari kemudian, laporan itu diteruskan.").is_empty());
        // A noun without its own role takes the sentence's cue, else the antecedent's role.
        assert_eq!(
            after(
                "Sebanyak 300 ASN mengikuti apel.",
                "Lima di antaranya kedapatan ikut kampanye."
            ),
            ["5|asn|violations[Lima di antaranya]"]
        );
    }

    #[test]
    fn seed_sentences_from_the_corpus() {
        let seeds = [
            (
                include_str!("../../../corpus/seeds/000_5a24b41387be2e2a.txt"),
                "2500|asn|pledgers[2.500 ASN]",
            ),
            (
                include_str!("../../../corpus/seeds/001_46d141651622e85a.txt"),
                "800|peserta|participants[800 peserta]",
            ),
            (
                include_str!("../../../corpus/seeds/002_3829e69f362b1223.txt"),
                "30|kepala opd|pledgers[30 kepala OPD]",
            ),
        ];
        for (text, want) in seeds {
            let found: Vec<String> = text
                .split(['\n'])
                .flat_map(|line| {
                    line.split_inclusive(". ")
                        .map(str::to_string)
                        .collect::<Vec<_>>()
                })
                .flat_map(|s| {
                    find_counts(&s)
                        .iter()
                        .map(|h| show(&s, h))
                        .collect::<Vec<_>>()
                })
                .collect();
            assert!(
                found.iter().any(|f| f == want),
                "want {want}, found {found:?}"
            );
        }
    }

    #[test]
    fn filter_keeps_every_example() {
        let c = compiled();
        let rules: CountRules = serde_json::from_str(RULES_JSON).unwrap();
        for ex in &rules.examples {
            let mut unfiltered = find_counts_unfiltered(c, &ex.text);
            add_elided(c, &ex.text, None, &mut unfiltered);
            assert_eq!(find_counts(&ex.text), unfiltered, "{:?}", ex.text);
        }
    }

    proptest! {
        // The filter only skips sentences the full search finds nothing in.
        #[test]
        fn filter_is_exact(s in r"(sebanyak |ratusan |puluhan ribu |[0-9.,]{1,6}|-an|tiga |belas |ribu |jt |orang |org |ASN|asn,|kepala OPD|peserta|desa/kelurahan|non-asn|ikrar|é|\u{a0}| |\(|\)|\(tiga\)|\.|x){0,14}") {
            let c = compiled();
            prop_assert_eq!(find_counts(&s), find_counts_unfiltered(c, &s));
        }

        // The shape test may start at the first digit or number word.
        #[test]
        fn shape_from_the_first_number_start_is_exact(s in r"(sebanyak |ratusan |tiga |dua puluh |Kedua |seratus |puluhan ribu |belasan |lima belas |Kalimantan |satu|[0-9.,]{1,6}|-an|jt |juta |ribu |rb |orang |org |ASN|asn,|kepala OPD|peserta|sekitar |kurang dari |\+/-|±|\(|\)|\(tiga\)|\(sekian\)|é|\u{a0}| |\.|x){0,14}") {
            let c = compiled();
            let words = crate::scan::Keywords::new(crate::numbers::gate_words(), true);
            let mut first = crate::numbers::first_ascii_digit(&s);
            words.each(&s, |start, _, _| first = Some(first.map_or(start, |f| f.min(start))));
            match first {
                Some(f) => prop_assert_eq!(find_counts_from(&s, f), find_counts_unfiltered(c, &s)),
                None => prop_assert_eq!(find_counts_unfiltered(c, &s), Vec::new()),
            }
        }

        #[test]
        fn never_panics_and_spans_are_sound(s in "\\PC{0,80}") {
            let mut last = 0;
            for h in find_counts(&s) {
                prop_assert!(h.start >= last && h.start < h.end && h.end <= s.len());
                prop_assert!(s.is_char_boundary(h.start) && s.is_char_boundary(h.end));
                last = h.end;
            }
        }

        #[test]
        fn countlike_never_panics(s in "(sebanyak |ratusan |[0-9.,]{1,6}|tiga |orang |ASN|kepala OPD|ikrar|é| |\\(|\\)){0,12}") {
            let mut last = 0;
            for h in find_counts(&s) {
                prop_assert!(h.start >= last && s.is_char_boundary(h.end));
                last = h.end;
            }
        }
    }
}
