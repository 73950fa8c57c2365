//! Indonesian numbers: `2.500`, `1,5 juta`, `3 (tiga)`, `tiga puluh`, `seribu`, `ribuan`, `700-an`.
//!
//! Conventions (Indonesian): the dot groups thousands and the comma is the decimal mark, so
//! `2.500` is 2500 and `1,5 juta` is 1 500 000. A dot followed by one or two digits (`1.5`) is read
//! as a decimal point. A parenthesised spelled form right after digits (`3 (tiga)`) belongs to the
//! same number. Vague quantities (`ratusan`, `puluhan ribu`) have no value and are approximate,
//! as are numbers after a hedge (`sekitar`, `kurang lebih`, `hampir`, `lebih dari`) and `700-an`.
//!
//! Word lists live in `rules/numbers.json`.

use crate::text::HashMap;
use std::sync::OnceLock;

use regex::Regex;
use serde::Deserialize;

/// A parsed number: its value (None for vague quantities like `ratusan`) and whether it is approximate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Number {
    pub value: Option<f64>,
    pub approximate: bool,
}

/// How a number was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberForm {
    /// Digits, possibly with a scale word, `-an` or a parenthesised spelled form.
    Digits,
    /// Spelled out: `tiga puluh`.
    Spelled,
    /// Vague: `ratusan`.
    Vague,
}

/// A number found in a text, with byte offsets relative to that text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NumberHit {
    pub start: usize,
    pub end: usize,
    /// Start of the number proper, after a hedge such as `sekitar`.
    pub core_start: usize,
    pub number: Number,
    pub form: NumberForm,
    /// Plain four digits 1900..=2099 without scale or separators: probably a year.
    pub year_like: bool,
    pub rule: &'static str,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NumberRules {
    units: HashMap<String, f64>,
    se_words: HashMap<String, f64>,
    teen: String,
    small_scales: HashMap<String, f64>,
    big_scales: HashMap<String, f64>,
    vague: Vec<String>,
    approx_prefixes: Vec<String>,
    #[allow(dead_code)]
    examples: Vec<NumberExample>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub(crate) struct NumberExample {
    pub rule: String,
    pub text: String,
    #[serde(default)]
    pub value: Option<f64>,
    #[serde(default)]
    pub approx: bool,
    #[serde(default)]
    pub none: bool,
}

pub(crate) struct Compiled {
    rules: NumberRules,
    /// Every word a number can end with, lower case: units, `se-` words, `belas`, scale words
    /// and the last word of each vague quantity (see [`end_words`]).
    end_words: crate::text::HashSet<String>,
    re: Regex,
    /// Any number word: texts with neither a digit nor one of these have no number.
    words: Prefilter,
    groups: crate::dates::Groups,
}

/// A cheap test run before the regexes: ASCII case-insensitive literal search.
pub(crate) struct Prefilter(crate::scan::Keywords, Vec<String>);

impl Prefilter {
    pub(crate) fn new<'a>(words: impl IntoIterator<Item = &'a str>) -> Prefilter {
        let words: Vec<&str> = words.into_iter().filter(|w| !w.is_empty()).collect();
        Prefilter(
            crate::scan::Keywords::new(&words, true),
            words.iter().map(|w| w.to_string()).collect(),
        )
    }
    /// The words, for [`crate::scan::gate`].
    pub(crate) fn words(&self) -> &[String] {
        &self.1
    }
    pub(crate) fn is_match(&self, text: &str) -> bool {
        self.0.is_match(text)
    }
}

/// Patterns are compiled in ASCII mode for speed (`(?i-u)`); this makes their `\s` match
/// Unicode whitespace again (non-breaking spaces survive in cleaned text).
pub(crate) fn unicode_space(pattern: &str) -> String {
    pattern.replace(r"\s", r"(?u:\s)")
}

/// True when `text` holds an ASCII digit. Eight bytes at a time: most paragraphs are read
/// to the end (the dates prefilter runs on every one).
/// The words of the number prefilter (units, `se-` words, vague quantities), for
/// [`crate::scan::gate`]: a text with neither a digit nor one of them has no number.
pub(crate) fn gate_words() -> &'static [String] {
    compiled().words.words()
}

pub(crate) fn has_ascii_digit(text: &str) -> bool {
    first_ascii_digit(text).is_some()
}

/// The position of the first ASCII digit in `text`, read eight bytes at a time.
pub(crate) fn first_ascii_digit(text: &str) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = ONES * 0x80;
    let bytes = text.as_bytes();
    let mut chunks = bytes.chunks_exact(8);
    let mut at = 0;
    for c in &mut chunks {
        let x = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        // Per byte, with the top bit cleared (no carries between bytes): the top bit of
        // `low + (0x80 - k)` is set exactly when the byte is at least `k`.
        let low = x & !HIGH;
        let at_least_0 = low + ONES * (0x80 - u64::from(b'0'));
        let above_9 = low + ONES * (0x80 - u64::from(b'9') - 1);
        let digits = at_least_0 & !above_9 & !x & HIGH;
        if digits != 0 {
            return Some(at + digits.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(u8::is_ascii_digit)
        .map(|k| at + k)
}

const RULES_JSON: &str = include_str!("../rules/numbers.json");

/// Alternation of literal words, longest first, regex-escaped.
pub(crate) fn alternation<'a>(words: impl IntoIterator<Item = &'a str>) -> String {
    let mut v: Vec<&str> = words.into_iter().collect();
    v.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    v.dedup();
    v.iter()
        .map(|w| regex::escape(w).replace(' ', r"\s+"))
        .collect::<Vec<_>>()
        .join("|")
}

pub(crate) fn compiled() -> &'static Compiled {
    static C: OnceLock<Compiled> = OnceLock::new();
    C.get_or_init(|| {
        let rules: NumberRules =
            serde_json::from_str(RULES_JSON).expect("rules/numbers.json is valid");
        let approx = alternation(rules.approx_prefixes.iter().map(String::as_str));
        let big = alternation(rules.big_scales.keys().map(String::as_str));
        let vague = alternation(rules.vague.iter().map(String::as_str));
        let spelled_words = alternation(
            rules
                .units
                .keys()
                .chain(rules.se_words.keys())
                .chain(rules.small_scales.keys())
                .chain(rules.big_scales.keys().filter(|k| k.len() > 2))
                .map(String::as_str)
                .chain(std::iter::once(rules.teen.as_str())),
        );
        let starts = alternation(rules.units.keys().chain(rules.se_words.keys()).map(String::as_str));
        let b = r"(?-u:\b)";
        let pat = format!(
            r"(?i-u)(?:(?P<approx>{approx})\s*)?(?:{b}(?P<dig>[0-9]+(?:[.,][0-9]+)*)(?:\s*(?P<scale>{big}){b})?(?P<an>-an{b})?(?:\s*\((?P<paren>(?:[a-z]|\s){{3,60}})\))?|{b}(?P<vague>{vague}){b}|{b}(?P<sp>(?:{starts}){b}(?:\s+(?:{spelled_words}){b})*))"
        );
        let re = Regex::new(&unicode_space(&pat)).expect("number regex compiles");
        let words = Prefilter::new(
            rules
                .units
                .keys()
                .chain(rules.se_words.keys())
                .chain(rules.vague.iter())
                .map(String::as_str),
        );
        let groups = crate::dates::Groups::new(&re);
        let end_words = rules
            .units
            .keys()
            .chain(rules.se_words.keys())
            .chain(rules.small_scales.keys())
            .chain(rules.big_scales.keys())
            .map(|w| w.to_lowercase())
            .chain(std::iter::once(rules.teen.to_lowercase()))
            .chain(
                rules
                    .vague
                    .iter()
                    .filter_map(|v| v.split_whitespace().last().map(str::to_lowercase)),
            )
            .collect();
        Compiled { rules, end_words, re, words, groups }
    })
}

/// Every word a number found by [`find_numbers`] can end with, lower case: units, `se-`
/// words, `belas`, scale words and the last word of each vague quantity. The count filter
/// builds on it.
pub(crate) fn end_words() -> impl Iterator<Item = &'static str> {
    compiled().end_words.iter().map(String::as_str)
}

/// Value of a digit string with Indonesian separators; `None` when the separators make no sense.
pub fn parse_digits(s: &str) -> Option<f64> {
    if s.is_empty()
        || !s
            .bytes()
            .all(|c| c.is_ascii_digit() || c == b'.' || c == b',')
    {
        return None;
    }
    let dots = s.bytes().filter(|&c| c == b'.').count();
    let commas = s.bytes().filter(|&c| c == b',').count();
    let (int_part, frac_part) = match s.split_once(',') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    if commas > 1 {
        return None;
    }
    let int_digits: String = if dots > 0 {
        let groups: Vec<&str> = int_part.split('.').collect();
        let thousands = !groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3);
        if thousands {
            groups.concat()
        } else if dots == 1 && frac_part.is_none() {
            // `1.5`, `10.00`: a decimal point.
            let (i, f) = int_part.split_once('.')?;
            if i.is_empty() || f.is_empty() || f.len() > 2 {
                return None;
            }
            return format!("{i}.{f}").parse().ok();
        } else {
            return None;
        }
    } else {
        int_part.to_string()
    };
    if int_digits.is_empty() {
        return None;
    }
    match frac_part {
        Some(f) if !f.is_empty() && !f.contains('.') => format!("{int_digits}.{f}").parse().ok(),
        Some(_) => None,
        None => int_digits.parse().ok(),
    }
}

/// Value of a spelled number (`dua ratus lima puluh`); `None` when the words do not form one.
pub fn parse_spelled(s: &str) -> Option<f64> {
    let r = &compiled().rules;
    let mut total = 0.0f64;
    let mut group = 0.0f64; // below one thousand
    let mut pending: Option<f64> = None; // a unit waiting for its multiplier
    let mut any = false;
    for w in s.split_whitespace() {
        let w = crate::text::lowercase(w);
        any = true;
        if let Some(&u) = r.units.get(&w) {
            if pending.is_some() {
                return None;
            }
            pending = Some(u);
        } else if w == r.teen {
            let u = pending.take()?;
            group += u + 10.0;
        } else if let Some(&m) = r.small_scales.get(&w) {
            let u = pending.take()?;
            group += u * m;
        } else if let Some(&v) = r.se_words.get(&w) {
            if pending.is_some() {
                return None;
            }
            if v >= 1000.0 {
                if group > 0.0 {
                    return None;
                }
                total += v;
            } else {
                group += v;
            }
        } else if let Some(&m) = r.big_scales.get(&w) {
            let g = group + pending.take().unwrap_or(0.0);
            if g == 0.0 {
                return None;
            }
            total += g * m;
            group = 0.0;
        } else {
            return None;
        }
    }
    if !any {
        return None;
    }
    Some(total + group + pending.unwrap_or(0.0))
}

/// Every number in `text`, in order, non-overlapping. Parenthesised spelled forms that do not
/// parse are left out of the span.
pub fn find_numbers(text: &str) -> Vec<NumberHit> {
    find_numbers_with(text, true)
}

/// The longest prefix of the spelled words `s` that parses, as its length and value.
fn spelled_prefix(s: &str) -> Option<(usize, f64)> {
    let mut best: Option<(usize, f64)> = None;
    let mut idx = 0;
    for w in s.split_whitespace() {
        let Some(pos) = s[idx..].find(w) else { break };
        idx += pos + w.len();
        if let Some(v) = parse_spelled(&s[..idx]) {
            best = Some((idx, v));
        }
    }
    best
}

/// [`find_numbers`]; with `one_word` the groups of a match that is one ASCII word are known
/// without running the pattern for them (see below), else every match but plain digits is
/// captured (the reference the tests compare with).
fn find_numbers_with(text: &str, one_word: bool) -> Vec<NumberHit> {
    let c = compiled();
    let mut out = Vec::new();
    if !has_ascii_digit(text) && !c.words.is_match(text) {
        return out;
    }
    for found in c.re.find_iter(text) {
        let ds = found.as_str();
        if ds
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
        {
            // Digits, and separators only (`2.500`, `1,5`): no hedge, scale, suffix or
            // bracket, so the groups are known without running the pattern for them.
            if out
                .last()
                .is_some_and(|l: &NumberHit| found.start() < l.end)
            {
                continue;
            }
            let value = if ds.bytes().all(|b| b.is_ascii_digit()) {
                ds.parse::<f64>().ok()
            } else {
                parse_digits(ds)
            };
            let Some(v) = value else { continue };
            out.push(NumberHit {
                start: found.start(),
                end: found.end(),
                core_start: found.start(),
                number: Number {
                    value: Some(v),
                    approximate: false,
                },
                form: NumberForm::Digits,
                year_like: ds.len() == 4 && (ds.starts_with("19") || ds.starts_with("20")),
                rule: "number.digits",
            });
            continue;
        }
        if one_word && ds.bytes().all(|b| b.is_ascii_alphabetic()) {
            // One ASCII word (`dua`, `ratusan`): no digit, so neither the digit alternative
            // nor a hedge (a hedge ends with a letter, and the `\b` its number needs cannot
            // stand between two letters). The vague alternative comes before the spelled
            // one, so the word is vague exactly when it is one of the vague words (which then
            // matches at this start), else it is spelled; either group is the whole match.
            let start = found.start();
            if out.last().is_some_and(|l: &NumberHit| start < l.end) {
                continue;
            }
            let hit = if c.rules.vague.iter().any(|v| v.eq_ignore_ascii_case(ds)) {
                NumberHit {
                    start,
                    end: found.end(),
                    core_start: start,
                    number: Number {
                        value: None,
                        approximate: true,
                    },
                    form: NumberForm::Vague,
                    year_like: false,
                    rule: "number.vague",
                }
            } else {
                let Some((len, v)) = spelled_prefix(ds) else {
                    continue;
                };
                NumberHit {
                    start,
                    end: start + len,
                    core_start: start,
                    number: Number {
                        value: Some(v),
                        approximate: false,
                    },
                    form: NumberForm::Spelled,
                    year_like: false,
                    rule: "number.spelled",
                }
            };
            out.push(hit);
            continue;
        }
        let Some(caps) = c.re.captures_at(text, found.start()) else {
            continue;
        };
        let Some(m) = caps.get(0) else { continue };
        let approx_prefix = c.groups.get(&caps, "approx");
        let mut end = m.end();
        let core_start = caps
            .name("dig")
            .or_else(|| c.groups.get(&caps, "vague"))
            .or_else(|| c.groups.get(&caps, "sp"))
            .map_or(m.start(), |g| g.start());
        let (number, form, rule, year_like) = if let Some(d) = c.groups.get(&caps, "dig") {
            let Some(mut v) = parse_digits(d.as_str()) else {
                continue;
            };
            let scale = c.groups.get(&caps, "scale");
            if let Some(s) = scale {
                v *= c
                    .rules
                    .big_scales
                    .get(&s.as_str().to_lowercase())
                    .copied()
                    .unwrap_or(1.0);
            }
            let an = c.groups.get(&caps, "an").is_some();
            let mut rule = if an {
                "number.digits_an"
            } else if scale.is_some() {
                "number.digits_scale"
            } else {
                "number.digits"
            };
            if let Some(p) = c.groups.get(&caps, "paren") {
                if parse_spelled(p.as_str()).is_some() {
                    rule = "number.digits_paren";
                } else {
                    // Cut the span before the parenthesis.
                    end = c
                        .groups
                        .get(&caps, "an")
                        .or(scale)
                        .map_or(d.end(), |g| g.end());
                }
            }
            let ds = d.as_str();
            let year_like = scale.is_none()
                && !an
                && ds.len() == 4
                && (ds.starts_with("19") || ds.starts_with("20"));
            (
                Number {
                    value: Some(v),
                    approximate: an || approx_prefix.is_some(),
                },
                NumberForm::Digits,
                rule,
                year_like,
            )
        } else if c.groups.get(&caps, "vague").is_some() {
            (
                Number {
                    value: None,
                    approximate: true,
                },
                NumberForm::Vague,
                "number.vague",
                false,
            )
        } else if let Some(sp) = c.groups.get(&caps, "sp") {
            // Shrink to the longest prefix of words that parses.
            let Some((len, v)) = spelled_prefix(sp.as_str()) else {
                continue;
            };
            end = sp.start() + len;
            (
                Number {
                    value: Some(v),
                    approximate: approx_prefix.is_some(),
                },
                NumberForm::Spelled,
                "number.spelled",
                false,
            )
        } else {
            continue;
        };
        let rule = if approx_prefix.is_some() && form != NumberForm::Vague {
            "number.approx"
        } else {
            rule
        };
        let start = if form == NumberForm::Vague {
            core_start.min(m.start())
        } else {
            m.start()
        };
        if let Some(last) = out.last() {
            let last: &NumberHit = last;
            if start < last.end {
                continue;
            }
        }
        out.push(NumberHit {
            start,
            end,
            core_start,
            number,
            form,
            year_like,
            rule,
        });
    }
    out
}

/// Parse a whole number expression (digits with Indonesian separators, scale words, spelled
/// numbers, vague quantities). `None` when `s` is not a number.
pub fn parse_number(s: &str) -> Option<Number> {
    let t = s.trim();
    let hits = find_numbers(t);
    match hits.as_slice() {
        [h] if h.start == 0 && h.end == t.len() => Some(h.number),
        _ => None,
    }
}

#[cfg(test)]
pub(crate) fn examples() -> Vec<NumberExample> {
    let r: NumberRules = serde_json::from_str(RULES_JSON).unwrap();
    r.examples
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rule_examples() {
        let mut failures = Vec::new();
        for ex in examples() {
            let found = parse_number(&ex.text);
            let ok = if ex.none {
                found.is_none()
            } else {
                found.is_some_and(|n| n.value == ex.value && n.approximate == ex.approx)
            };
            if !ok {
                failures.push(format!(
                    "{}: {:?} expected value={:?} approx={} none={} found {:?}",
                    ex.rule, ex.text, ex.value, ex.approx, ex.none, found
                ));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn finds_numbers_in_seed_sentences() {
        let s =
            "\"Dalam Rakor ini, sebanyak 2.500 ASN telah menyatakan sikap dan berikrar netralitas,";
        let h = find_numbers(s);
        assert_eq!(h.len(), 1);
        assert_eq!(&s[h[0].start..h[0].end], "2.500");
        assert_eq!(h[0].number.value, Some(2500.0));
        let s = "Ikrar ASN untuk netral dalam Pilkada Sintang dan diikuti oleh 30 kepala OPD.";
        let h = find_numbers(s);
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].number.value, Some(30.0));
    }

    #[test]
    fn paren_spelled_joins_and_bad_paren_is_cut() {
        let s = "sebanyak 3 (tiga) orang";
        let h = find_numbers(s);
        assert_eq!(&s[h[0].start..h[0].end], "3 (tiga)");
        let s = "sebanyak 3 (ASN) orang";
        let h = find_numbers(s);
        assert_eq!(&s[h[0].start..h[0].end], "3");
        let s = "sekitar 10.000 ASN";
        let h = find_numbers(s);
        assert_eq!((h[0].start, h[0].core_start), (0, 8));
        assert!(h[0].number.approximate);
    }

    #[test]
    fn years_are_flagged() {
        let h = find_numbers("Pemilu 2024 dan 2.024 orang");
        assert!(h[0].year_like);
        assert!(!h[1].year_like);
    }

    #[test]
    fn digit_test_reads_every_byte() {
        for t in [
            "",
            "abc",
            "abcdefgh9",
            "/:0",
            "\u{b5}\u{b9}\u{b0}x",
            "tahun 2024",
            "é9",
        ] {
            assert_eq!(
                has_ascii_digit(t),
                t.bytes().any(|b| b.is_ascii_digit()),
                "{t:?}"
            );
        }
        // Every byte value at every position of a chunk.
        for b in 0u8..0x80 {
            for pos in 0..9 {
                let mut v = vec![b'a'; 9];
                v[pos] = b;
                let t = String::from_utf8(v).unwrap();
                assert_eq!(has_ascii_digit(&t), b.is_ascii_digit(), "{b} at {pos}");
                assert_eq!(
                    first_ascii_digit(&t),
                    b.is_ascii_digit().then_some(pos),
                    "{b} at {pos}"
                );
            }
        }
    }

    proptest! {
        /// A one-word match gives the groups the pattern would.
        #[test]
        fn one_word_groups_are_the_captured_ones(s in "(dua|Satu|TIGA|tujuh|ratusan|Ribuan|puluhan|puluhan ribu|ratus|belas|sebelas|seratus|se|puluh|lima puluh|sekitar|lebih dari|hampir|kurang lebih|juta|ribu|1|20|3.500|\\(tiga\\)|-an|ASN|orang|dan|x|é| |, ){0,12}") {
            prop_assert_eq!(find_numbers_with(&s, true), find_numbers_with(&s, false));
        }

        #[test]
        fn digit_test_matches_the_plain_one(s in "\\PC{0,40}") {
            prop_assert_eq!(has_ascii_digit(&s), s.bytes().any(|b| b.is_ascii_digit()));
            prop_assert_eq!(first_ascii_digit(&s), s.bytes().position(|b| b.is_ascii_digit()));
        }

        #[test]
        fn never_panics_and_spans_are_sound(s in "\\PC{0,80}") {
            let hits = find_numbers(&s);
            let mut last = 0;
            for h in hits {
                prop_assert!(h.start >= last && h.start < h.end && h.end <= s.len());
                prop_assert!(s.is_char_boundary(h.start) && s.is_char_boundary(h.end));
                last = h.end;
            }
            let _ = parse_number(&s);
        }

        #[test]
        fn numberish_never_panics(s in "(sekitar |ratusan |[0-9.,]{1,8}|tiga |puluh |belas |ribu |\\(|\\)| ){0,12}") {
            let _ = find_numbers(&s);
            let _ = parse_number(&s);
        }
    }
}
