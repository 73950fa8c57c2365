//! Legal and administrative instruments: `UU Nomor 5 Tahun 2014 tentang ASN`, `PP 42/2004`,
//! `Surat Keputusan Bersama (SKB)`, `surat edaran Gubernur`, `keputusan Gubernur tentang ...`.
//!
//! Rules (`rules/instruments.json`):
//! - `instrument.typed`: an instrument type in its long form (`Undang-Undang`, `surat edaran`,
//!   `keputusan`) or short form (`UU`, `SE`, `SKB`, `Permendagri`; short forms are matched with
//!   their case, so `se`/`pp` in running text are not read), optionally followed by the other form
//!   in parentheses (`Undang-Undang (UU)`, `SKB (Surat Keputusan Bersama)`). Then, in order:
//!   an issuer (`Gubernur`, `Bupati Sintang`, `Menteri PANRB`; normalised through `issuer_norm`),
//!   a number (`Nomor 5 Tahun 2014`, `No. 10 Th. 2016`, `7/2017`, `Nomor B/71/M.SM.00.00/2017`),
//!   and a `tentang ...` subject. Short subjects without `tentang` follow `UU` (`UU ASN`,
//!   `UU ITE`). Bare `keputusan` and `instruksi`, and the short forms that collide with degrees
//!   or common abbreviations (`SE`, `SK`, `PP`), count only with an issuer, number or subject,
//!   so `keputusan politik` or `Budi SE` are not instruments.
//! - `instrument.signatory`: in a list of decree numbers by signatory (`Mendagri No.
//!   800-2836/2020, BKN No. 167/Kep/2020`), each item is an instrument of the type last named in
//!   the sentence (else `SK`).
//! - Numbers are kept as written. `N/YYYY` (and `N-M/YYYY`) is read as number N of year YYYY;
//!   longer letter numbers (`B/2355/M.PANRB/07/2015`) stay whole and give their trailing year.
//! - The subject runs to the end of the noun phrase: it stops at punctuation (`,` `.` `;` `:`
//!   quotes, brackets), at a stop word (`yang`, `telah`, `akan`, `oleh`, `pada tanggal` ...), at a
//!   lower-case verb-like word (prefix `me-`/`di-`/`ber-`/`ter-`, six letters or more, minus a
//!   few prepositions/adjectives), at `dan` before such a verb, and after 25 words.
//! - Issue date: an explicit day- or month-precision date in the same sentence, introduced by
//!   `pada`/`tanggal`/`tertanggal`/`bulan`, in a sentence with an issuing verb (`dikeluarkan`,
//!   `diterbitkan`, `ditandatangani` ...) or right after the instrument; it goes to the nearest
//!   instrument.
//!
//! [`link_instruments`] gives repeated mentions one index: same type, number and year; a later
//! unnumbered mention with the same subject (or a subject word of the earlier one, `UU ASN` after
//! `UU Nomor 5 Tahun 2014 tentang ASN`) or the same issuer; a bare type repeat refers to the last
//! instrument of that type.

use crate::text::HashMap;
use std::sync::OnceLock;

use regex::Regex;
use serde::Deserialize;
use warta_core::{DateAnchor, LegalInstrument, PartialDate, Precision};

use crate::dates::{find_dates, DateContext};
use crate::numbers::{alternation, unicode_space, Prefilter};

/// An instrument found in a sentence, with byte offsets relative to that sentence.
/// `value.instrument` is 0 here; [`link_instruments`] assigns per-article identities.
#[derive(Debug, Clone, PartialEq)]
pub struct InstrumentHit {
    pub start: usize,
    pub end: usize,
    pub value: LegalInstrument,
    pub rule: &'static str,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum Tail {
    None,
    SubjectWord,
    IssuerCaps,
    Issuer,
    Region,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TypeRule {
    #[serde(rename = "type")]
    type_name: String,
    long: Vec<String>,
    #[serde(default)]
    long_needs_tail: Vec<String>,
    /// Long forms that are instruments only with a number (`surat ... Nomor ...`).
    #[serde(default)]
    long_needs_number: Vec<String>,
    abbr: Vec<String>,
    #[serde(default)]
    abbr_ci: bool,
    #[serde(default)]
    abbr_needs_tail: bool,
    tail: Tail,
    #[serde(default)]
    default_issuer: Option<String>,
    #[serde(default)]
    abbr_issuers: HashMap<String, String>,
    /// A joint instrument (`SKB`): the issuer may be a list of signatories (`Menteri PANRB,
    /// Mendagri, Kepala BKN dan Ketua KASN`), given as one issuer, joined with `, `.
    #[serde(default)]
    issuer_list: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct ExpectedHit {
    key: String,
    #[serde(default)]
    issuer: Option<String>,
    #[serde(default)]
    subject: Option<String>,
    #[serde(default)]
    issued: Option<String>,
    #[serde(default, rename = "match")]
    matched: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct InstrumentExample {
    text: String,
    found: Vec<ExpectedHit>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct InstrumentRules {
    types: Vec<TypeRule>,
    issuer_heads: Vec<String>,
    issuer_norm: HashMap<String, String>,
    signatory_issuers: Vec<String>,
    issuer_stop: Vec<String>,
    subject_stop: Vec<String>,
    subject_stop_phrases: Vec<String>,
    verb_prefixes: Vec<String>,
    verb_min_len: usize,
    verb_exceptions: Vec<String>,
    subject_max_words: usize,
    issue_verbs: Vec<String>,
    issue_date_cues: Vec<String>,
    #[allow(dead_code)]
    examples: Vec<InstrumentExample>,
}

pub(crate) struct Compiled {
    rules: InstrumentRules,
    types: Regex,
    heads: Regex,
    caps: Regex,
    number: Regex,
    /// The group indexes of `number`'s `num`, `year`, `snum`, `syear` and `yonly`, so that
    /// a capture is read without looking its name up.
    number_groups: [usize; 5],
    tentang: Regex,
    signatory: Regex,
    issue_verbs: Regex,
    cue_before: Regex,
    /// First words of the long forms and case-insensitive short forms, signatories.
    words: Prefilter,
    /// The part of `words` that a type needs (the rest are signatories'), and its automaton.
    type_words: Vec<String>,
    type_keywords: crate::scan::Keywords,
    signatory_words: Vec<String>,
    /// Case-sensitive short forms (`UU`, `SE` ...).
    upper: crate::scan::Keywords,
    upper_words: Vec<String>,
    /// Each alternative of `types` alone, anchored: the lowest-index one matching at a match's
    /// start is the alternative that made it (leftmost-first), so no captures are needed.
    type_alts: regex::RegexSet,
    /// Type index and long form (`true`) of each alternative of `type_alts`.
    type_alt_of: Vec<(usize, bool)>,
    /// An instrument type at the very start of a string (ends a subject: `... dan PP 53/2010`).
    type_start: Regex,
    /// The alternatives of `types` without its leading `\b`, as the patterns of one regex
    /// (in order, so that leftmost-first picks the alternative the alternation would),
    /// searched anchored at a candidate start: the match says which alternative made it.
    type_anchored: regex_automata::meta::Regex,
    /// The leading ASCII letters of every alternative, ASCII case-insensitive for the long
    /// forms and the case-insensitive short forms (lower case), as written for the others:
    /// every type match starts with one of them ([`type_start_words`]).
    start_words: Vec<String>,
    start_words_cased: Vec<String>,
}

const RULES_JSON: &str = include_str!("../rules/instruments.json");
const B: &str = r"(?-u:\b)";

pub(crate) fn compiled() -> &'static Compiled {
    static C: OnceLock<Compiled> = OnceLock::new();
    C.get_or_init(|| {
        let rules: InstrumentRules =
            serde_json::from_str(RULES_JSON).expect("rules/instruments.json is valid");
        let mut alts = Vec::new();
        let mut type_alt_of = Vec::new();
        for (i, t) in rules.types.iter().enumerate() {
            let abbr = alternation(t.abbr.iter().map(String::as_str));
            let abbr_cs = if t.abbr_ci { format!("(?:{abbr})") } else { format!("(?-i:{abbr})") };
            let mut long = t.long.clone();
            long.sort_by_key(|p| std::cmp::Reverse(p.len()));
            let long = long.join("|");
            if t.abbr.is_empty() {
                alts.push(format!(r"(?P<l{i}>(?:{long}){B})"));
                type_alt_of.push((i, true));
                continue;
            }
            type_alt_of.extend([(i, true), (i, false)]);
            alts.push(format!(
                r"(?P<l{i}>(?:{long}){B}(?:\s*\(\s*{abbr_cs}\s*\))?)|(?P<a{i}>{abbr_cs}{B}(?:\s*\(\s*(?:{long})\s*\))?)"
            ));
        }
        let types = Regex::new(&unicode_space(&format!(r"(?i-u){B}(?:{})", alts.join("|"))))
            .expect("types compile");
        // `alts` entries hold two alternatives (long|short) for types with short forms.
        let flat: Vec<String> = alts
            .iter()
            .flat_map(|a| top_level_alternatives(a))
            .map(|a| unicode_space(&format!(r"(?i-u)^(?:{a})")))
            .collect();
        assert_eq!(flat.len(), type_alt_of.len(), "one type per alternative");
        let type_alts = regex::RegexSet::new(&flat).expect("type alternatives compile");
        let unanchored: Vec<String> = flat
            .iter()
            .map(|a| a.replacen("(?i-u)^", "(?i-u)", 1))
            .collect();
        let type_anchored = regex_automata::meta::Regex::builder()
            .configure(regex_automata::meta::Regex::config().auto_prefilter(false))
            .build_many(&unanchored)
            .expect("anchored type alternatives compile");
        let lead = |w: &str| -> String { w.chars().take_while(char::is_ascii_alphabetic).collect() };
        let mut start_words: Vec<String> = Vec::new();
        let mut start_words_cased: Vec<String> = Vec::new();
        for t in &rules.types {
            start_words.extend(t.long.iter().map(|l| lead(l).to_lowercase()));
            for a in &t.abbr {
                if t.abbr_ci {
                    start_words.push(lead(a).to_lowercase());
                } else {
                    start_words_cased.push(lead(a));
                }
            }
        }
        assert!(
            start_words.iter().chain(&start_words_cased).all(|w| !w.is_empty()),
            "every instrument type starts with an ASCII letter"
        );
        let type_start =
            Regex::new(&unicode_space(&format!(r"(?i-u)^(?:{}){B}", alts.join("|"))))
                .expect("type start compiles");
        let mut heads = rules.issuer_heads.clone();
        heads.sort_by_key(|p| std::cmp::Reverse(p.len()));
        let heads = Regex::new(&format!(r"(?i)^\s+(?:{}){B}", heads.join("|"))).expect("heads compile");
        let caps = Regex::new(r"^(?:\s+(?:[A-Z][\w.'’-]*|[A-Z]))+").expect("caps compiles");
        let number = Regex::new(&format!(
            r"(?i)^\s*,?\s*(?:(?:nomor|no|nmr|num){B}\.?\s*:?\s*(?P<num>[A-Za-z0-9](?:[A-Za-z0-9./-]*[A-Za-z0-9])?)(?:\s*,?\s*(?:tahun|thn|th){B}\.?\s*(?P<year>(?:19|20)[0-9]{{2}}){B})?|(?P<snum>[0-9]+(?:-[0-9]+)?)\s*/\s*(?P<syear>(?:19|20)[0-9]{{2}}){B}|(?:tahun|thn|th){B}\.?\s*(?P<yonly>(?:19|20)[0-9]{{2}}){B})"
        ))
        .expect("number compiles");
        let group = |name: &str| {
            number
                .capture_names()
                .position(|n| n == Some(name))
                .expect("number has the group")
        };
        let number_groups = [
            group("num"),
            group("year"),
            group("snum"),
            group("syear"),
            group("yonly"),
        ];
        let tentang = Regex::new(r"(?i)^\s*,?\s*tentang\s+").expect("tentang compiles");
        let mut sig = rules.signatory_issuers.clone();
        sig.sort_by_key(|p| std::cmp::Reverse(p.len()));
        let signatory = Regex::new(&format!(
            r"(?i){B}(?P<iss>{}){B}(?:\s*,)?\s*(?:nomor|no|nmr){B}",
            sig.join("|")
        ))
        .expect("signatory compiles");
        let issue_verbs = Regex::new(&format!(
            r"(?i){B}(?:{}){B}",
            alternation(rules.issue_verbs.iter().map(String::as_str))
        ))
        .expect("issue verbs compile");
        let cue_before = Regex::new(&format!(
            r"(?i){B}(?:{})\s*$",
            alternation(rules.issue_date_cues.iter().map(String::as_str))
        ))
        .expect("cue compiles");
        let mut trig: Vec<String> = Vec::new();
        let mut upper: Vec<String> = Vec::new();
        for t in &rules.types {
            for l in &t.long {
                let first: String = l.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
                trig.push(first);
            }
            for a in &t.abbr {
                if t.abbr_ci {
                    trig.push(a.to_lowercase());
                } else {
                    upper.push(a.clone());
                }
            }
        }
        let type_words = trig.clone();
        let signatory_words: Vec<String> = rules
            .signatory_issuers
            .iter()
            .map(|s| s.chars().take_while(|c| c.is_ascii_alphabetic()).collect())
            .collect();
        trig.extend(signatory_words.iter().cloned());
        let words = Prefilter::new(trig.iter().map(String::as_str));
        let type_keywords = crate::scan::Keywords::new(&type_words, true);
        let upper_words = upper.clone();
        let upper = crate::scan::Keywords::new(&upper, false);
        Compiled {
            type_words,
            type_keywords,
            signatory_words,
            upper_words,
            type_start,
            type_anchored,
            start_words,
            start_words_cased,
            type_alts,
            type_alt_of,
            words,
            upper,
            rules,
            types,
            heads,
            caps,
            number_groups,
            number,
            tentang,
            signatory,
            issue_verbs,
            cue_before,
        }
    })
}

/// The top-level `|` alternatives of a pattern (outside groups and classes).
pub(crate) fn top_level_alternatives(pat: &str) -> Vec<String> {
    crate::dates::top_level_alternatives(pat)
}

fn collapse(s: &str) -> String {
    crate::text::collapse_spaces(s)
}

fn normalise_issuer(c: &Compiled, raw: &str) -> String {
    let s = collapse(raw.trim_end_matches(['.', ',']));
    if let Some(n) = c.rules.issuer_norm.get(&crate::text::lowercase(&s)) {
        return n.clone();
    }
    let mut out = String::with_capacity(s.len());
    for (i, w) in s.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let mut ch = w.chars();
        if let Some(f) = ch.next() {
            out.extend(f.to_uppercase());
            out.push_str(ch.as_str());
        }
    }
    out
}

/// The issuer right after `pos` (an issuer head and up to three capitalised words after it):
/// where it ends and its normalised name.
fn issuer_at(c: &Compiled, s: &str, pos: usize) -> Option<(usize, String)> {
    let h = c.heads.find(s.get(pos..)?)?;
    let mut end = pos + h.end();
    if let Some((len, _)) = caps_words(c, &s[end..], 3) {
        end += len;
    }
    Some((end, normalise_issuer(c, &s[pos..end])))
}

/// One more signatory of a joint instrument after `pos`: `, Mendagri`, ` dan Ketua KASN`,
/// `, serta Ketua Bawaslu`.
fn next_signatory(c: &Compiled, s: &str, pos: usize) -> Option<(usize, String)> {
    let rest = s.get(pos..)?;
    let after_comma = rest.strip_prefix(',').unwrap_or(rest);
    let trimmed = after_comma.trim_start();
    let word_len = trimmed
        .split(|ch: char| !ch.is_alphabetic())
        .next()
        .map_or(0, str::len);
    let word = &trimmed[..word_len];
    let joined = word.eq_ignore_ascii_case("dan") || word.eq_ignore_ascii_case("serta");
    let at = if joined {
        s.len() - trimmed.len() + word_len
    } else if after_comma.len() != rest.len() {
        s.len() - after_comma.len()
    } else {
        return None;
    };
    issuer_at(c, s, at)
}

/// Capitalised words right at the start of `rest`, up to `max` and cut at a stop word.
/// Returns the byte length consumed (from 0) and the words' text.
fn caps_words<'a>(c: &Compiled, rest: &'a str, max: usize) -> Option<(usize, &'a str)> {
    let m = c.caps.find(rest)?;
    let mut end = 0;
    let mut first: Option<usize> = None;
    let mut count = 0;
    let seg = &rest[..m.end()];
    let mut idx = 0;
    for w in seg.split_whitespace() {
        let Some(p) = seg[idx..].find(w) else { break };
        let ws = idx + p;
        idx = ws + w.len();
        let bare = w.trim_end_matches(['.', ',']);
        if bare.is_empty()
            || c.rules
                .issuer_stop
                .iter()
                .any(|s| s.eq_ignore_ascii_case(bare))
        {
            break;
        }
        first.get_or_insert(ws);
        end = ws + bare.len();
        count += 1;
        if count >= max || bare.len() != w.len() {
            break;
        }
    }
    let f = first?;
    Some((end, &rest[f..end]))
}

/// The `tentang` subject starting at `rest` (after `tentang `): its byte length and text.
fn subject_len(c: &Compiled, rest: &str) -> usize {
    let r = &c.rules;
    // The words and their offsets, as many as the loop below looks at (a word and the one
    // after it). Each word is a piece of `rest`: its offset is the distance of the pointers.
    let words: Vec<(usize, &str)> = rest
        .split_whitespace()
        .take(r.subject_max_words.saturating_add(1))
        .map(|w| {
            (
                (w.as_ptr() as usize).wrapping_sub(rest.as_ptr() as usize),
                w,
            )
        })
        .collect();
    // Each word is lower-cased once (as the next word, then kept for its own turn), and
    // one buffer holds the pairs of words.
    let mut ahead: Option<String> = None;
    let mut pair = String::new();
    let is_verb = |w: &str, lw: &String| {
        let first_lower = w.chars().next().is_some_and(char::is_lowercase);
        first_lower
            && w.chars().count() >= r.verb_min_len
            && r.verb_prefixes.iter().any(|p| lw.starts_with(p.as_str()))
            && !r.verb_exceptions.contains(lw)
    };
    let mut end = 0;
    for (k, &(pos, w)) in words.iter().enumerate() {
        if k >= r.subject_max_words {
            break;
        }
        let lw = ahead.take().unwrap_or_else(|| crate::text::lowercase(w));
        let lw = &lw;
        if r.subject_stop.contains(lw) {
            break;
        }
        if let Some(&(_, next)) = words.get(k + 1) {
            let next_lower = ahead.insert(crate::text::lowercase(next));
            pair.clear();
            pair.push_str(lw);
            pair.push(' ');
            pair.push_str(next_lower);
            if r.subject_stop_phrases.contains(&pair) {
                break;
            }
            if lw == "dan" && is_verb(next, next_lower) {
                break;
            }
            if matches!(lw.as_str(), "dan" | "serta" | "atau" | "maupun")
                && c.type_start.is_match(rest[pos + w.len()..].trim_start())
            {
                break;
            }
        }
        if is_verb(w, lw) {
            break;
        }
        // Punctuation inside the word ends the subject there.
        let cut = w.find([',', ';', ':', '!', '?', '"', '“', '”', '(', ')', '[', ']']);
        let piece = match cut {
            Some(i) => &w[..i],
            None => w,
        };
        let piece_trim = piece.trim_end_matches('.');
        if !piece_trim.is_empty() {
            end = pos + piece_trim.len();
        }
        if cut.is_some() || piece_trim.len() != piece.len() {
            break;
        }
    }
    end
}

struct Parsed {
    end: usize,
    number: Option<String>,
    year: Option<i32>,
}

/// A number tail at the start of `rest`.
fn parse_number_tail(c: &Compiled, rest: &str) -> Option<Parsed> {
    // The pattern is `^\s*,?\s*` and then `nomor`/`no`/`nmr`/`num`, a digit, or
    // `tahun`/`thn`/`th`: any other next character rules it out without the capture search
    // (`n` and `t` have no case-fold partners beyond `N` and `T`).
    let t = rest.trim_start();
    let t = t.strip_prefix(',').unwrap_or(t).trim_start();
    if !t.starts_with(|ch: char| matches!(ch, 'n' | 'N' | 't' | 'T' | '0'..='9')) {
        return None;
    }
    let caps = c.number.captures(rest)?;
    let m = caps.get(0)?;
    let [num, year, snum, syear, yonly] = c.number_groups;
    if let Some(n) = caps.get(num) {
        let s = n.as_str();
        if !s.bytes().any(|b| b.is_ascii_digit()) {
            return None;
        }
        let year_words = caps.get(year).and_then(|y| y.as_str().parse().ok());
        let (number, year) = if let Some((n, y)) = simple_number(s) {
            (n.to_string(), y.parse().ok())
        } else {
            (s.to_string(), trailing_year(s).and_then(|y| y.parse().ok()))
        };
        return Some(Parsed {
            end: m.end(),
            number: Some(number),
            year: year_words.or(year),
        });
    }
    if let (Some(n), Some(y)) = (caps.get(snum), caps.get(syear)) {
        return Some(Parsed {
            end: m.end(),
            number: Some(n.as_str().to_string()),
            year: y.as_str().parse().ok(),
        });
    }
    if let Some(y) = caps.get(yonly) {
        return Some(Parsed {
            end: m.end(),
            number: None,
            year: y.as_str().parse().ok(),
        });
    }
    None
}

/// A year as the number patterns write it: `(?:19|20)[0-9]{2}`, the whole of `y`.
fn is_year(y: &str) -> bool {
    y.len() == 4
        && (y.starts_with("19") || y.starts_with("20"))
        && y.bytes().all(|b| b.is_ascii_digit())
}

/// A number of the form `n/yyyy` (`^(?P<n>[0-9]+(?:-[0-9]+)?)/(?P<y>(?:19|20)[0-9]{2})$`): the
/// number and the year.
fn simple_number(s: &str) -> Option<(&str, &str)> {
    let (n, y) = s.split_once('/')?;
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let number = match n.split_once('-') {
        Some((a, b)) => digits(a) && digits(b),
        None => digits(n),
    };
    (number && is_year(y)).then_some((n, y))
}

/// The year of a number ending in `/yyyy` (`/(?P<y>(?:19|20)[0-9]{2})$`).
fn trailing_year(s: &str) -> Option<&str> {
    let y = s.get(s.len().checked_sub(5)?..)?.strip_prefix('/')?;
    is_year(y).then_some(y)
}

/// True when `s` holds `n` followed by `o` or `m`, both ASCII case-insensitively (a byte `b`
/// counts as `b | 0x20`): the pairs of [`<[u8]>::windows`] tested eight at a time, from two
/// overlapping words, instead of byte by byte.
fn has_no_or_nm(s: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW: u64 = ONES * 0x7f;
    // The top bit of each byte of `t` that is zero, and no other bit.
    let zero = |t: u64| !(((t & LOW) + LOW) | t | LOW);
    let word = |c: &[u8]| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
    let mut i = 0;
    while let Some(c) = s.get(i..i + 9) {
        let x = word(c) | (ONES * 0x20);
        let y = word(&c[1..]) | (ONES * 0x20);
        let n = zero(x ^ (ONES * u64::from(b'n')));
        let om = zero(y ^ (ONES * u64::from(b'o'))) | zero(y ^ (ONES * u64::from(b'm')));
        if n & om != 0 {
            return true;
        }
        i += 8;
    }
    s.get(i..).is_some_and(|t| {
        t.windows(2)
            .any(|w| (w[0] | 0x20) == b'n' && matches!(w[1] | 0x20, b'o' | b'm'))
    })
}

/// Number and `tentang` subject from `pos`; updates the instrument and returns the new end.
fn parse_number_and_subject(
    c: &Compiled,
    s: &str,
    mut pos: usize,
    li: &mut LegalInstrument,
) -> usize {
    if let Some(p) = parse_number_tail(c, &s[pos..]) {
        if p.number.is_some() {
            li.number = p.number;
        }
        li.year = p.year.or(li.year);
        pos += p.end;
    }
    if let Some(t) = c.tentang.find(&s[pos..]) {
        let start = pos + t.end();
        let len = subject_len(c, &s[start..]);
        if len > 0 {
            li.subject = Some(collapse(&s[start..start + len]));
            pos = start + len;
        }
    }
    pos
}

fn empty(type_name: &str) -> LegalInstrument {
    LegalInstrument {
        instrument_type: type_name.to_string(),
        number: None,
        year: None,
        issuer: None,
        subject: None,
        issued: None,
        instrument: 0,
    }
}

/// Every instrument in one sentence (with issuer, subject and issue date where the sentence gives them).
pub fn find_instruments(sentence: &str) -> Vec<InstrumentHit> {
    let c = compiled();
    if !c.words.is_match(sentence) && !c.upper.is_match(sentence) {
        return Vec::new();
    }
    find_instruments_passed(sentence, TypeStarts::Search, true)
}

/// The prefilter's words: the types' ASCII case-insensitive words, the signatories' (ASCII
/// case-insensitive) and the types' case-sensitive short forms; for [`crate::scan::gate`].
pub(crate) fn gate_words() -> (&'static [String], &'static [String], &'static [String]) {
    let c = compiled();
    (&c.type_words, &c.signatory_words, &c.upper_words)
}

/// True when a signatory's leading word (ASCII case-insensitive) or a character whose case
/// folds to an ASCII letter ([`crate::activities::FOLD_CHARS`]) occurs in `sentence`: else no
/// signatory matches (every signatory starts with its leading word, and the signatory pattern
/// folds case the Unicode way, which reaches ASCII letters only from those characters).
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn may_have_signatory(sentence: &str) -> bool {
    let c = compiled();
    static KEYWORDS: OnceLock<crate::scan::Keywords> = OnceLock::new();
    KEYWORDS
        .get_or_init(|| crate::scan::Keywords::new(&c.signatory_words, true))
        .is_match(sentence)
        || crate::activities::FOLD_CHARS
            .iter()
            .any(|f| sentence.contains(f))
}

/// True when a type word (ASCII case-insensitive, or a case-sensitive short form) occurs in
/// `sentence`: else no type matches (every type match starts with one; the type pattern
/// folds ASCII case only).
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn may_have_type(sentence: &str) -> bool {
    let c = compiled();
    c.type_keywords.is_match(sentence) || c.upper.is_match(sentence)
}

/// The words every instrument type match starts with: `(ASCII case-insensitive, as
/// written)`. Each alternative of the type pattern begins with the literal ASCII letters of
/// its long or short form (ASCII case-insensitive but for the case-sensitive short forms),
/// so a match starts where one of these words occurs; for [`crate::scan::gate`], which
/// gives their starts at an ASCII word boundary.
pub(crate) fn type_start_words() -> (&'static [String], &'static [String]) {
    let c = compiled();
    (&c.start_words, &c.start_words_cased)
}

/// Where the type pattern may match in a sentence.
#[derive(Debug, Clone, Copy)]
pub(crate) enum TypeStarts<'a> {
    /// Nowhere: no type word occurs in it ([`may_have_type`]).
    None,
    /// Anywhere: the pattern is searched for.
    Search,
    /// Only at these starts (ascending, offsets from `base`, the sentence's start): those
    /// where a word of [`type_start_words`] occurs at an ASCII word boundary. Every match
    /// starts at one of them, so the leftmost match at or after a byte is the first of them
    /// there where an alternative matches anchored.
    At(&'a [usize], usize),
}

/// The leftmost type match starting at or after `from`: its range and alternative.
fn next_type(
    c: &Compiled,
    s: &str,
    from: usize,
    starts: TypeStarts<'_>,
) -> Option<(usize, usize, usize)> {
    match starts {
        TypeStarts::None => None,
        TypeStarts::Search => {
            let m = c.types.find_at(s, from)?;
            // The alternative that matched: the first one matching at the match start. The
            // leading `\b` is left out of the anchored alternatives: it held at `m.start()`.
            // None is not expected: it is skipped as an unknown alternative.
            let k = c
                .type_alts
                .matches(&s[m.start()..])
                .iter()
                .next()
                .unwrap_or(usize::MAX);
            Some((m.start(), m.end(), k))
        }
        TypeStarts::At(at, base) => {
            let bytes = s.as_bytes();
            let first = at.partition_point(|&p| p < base + from);
            at[first..].iter().find_map(|&p| {
                let p = p.checked_sub(base).filter(|&p| p <= s.len())?;
                // The pattern's leading `(?-u:\b)`: the word starts with an ASCII letter.
                if p > 0
                    && bytes
                        .get(p - 1)
                        .is_some_and(|&b| crate::text::is_ascii_word_byte(b))
                {
                    return None;
                }
                let input = regex_automata::Input::new(s)
                    .range(p..)
                    .anchored(regex_automata::Anchored::Yes);
                let m = c.type_anchored.search(&input)?;
                Some((m.start(), m.end(), m.pattern().as_usize()))
            })
        }
    }
}

/// [`find_instruments`] for a sentence that passed its prefilter; `types` says where a type
/// can start ([`TypeStarts`]); `signatories` false when no signatory can match in it
/// ([`may_have_signatory`]), so that it does not run.
pub(crate) fn find_instruments_passed(
    sentence: &str,
    types: TypeStarts<'_>,
    signatories: bool,
) -> Vec<InstrumentHit> {
    let c = compiled();
    let s = sentence;
    let mut out: Vec<InstrumentHit> = Vec::new();
    let mut from = if matches!(types, TypeStarts::None) {
        s.len()
    } else {
        0
    };
    while from < s.len() {
        let Some((m_start, m_end, k)) = next_type(c, s, from, types) else {
            break;
        };
        let m_str = &s[m_start..m_end];
        from = m_end.max(m_start + 1);
        while from < s.len() && !s.is_char_boundary(from) {
            from += 1;
        }
        let Some(&(ti, is_long)) = c.type_alt_of.get(k) else {
            continue;
        };
        let t = &c.rules.types[ti];
        let mut li = empty(&t.type_name);
        let word = crate::text::lowercase(m_str.split('(').next().unwrap_or("").trim());
        let word = collapse(&word);
        if let Some(iss) = t.abbr_issuers.get(&word) {
            li.issuer = Some(iss.clone());
        }
        let mut pos = m_end;
        let mut tail_found = false;
        match t.tail {
            Tail::Issuer => {
                if let Some((end, issuer)) = issuer_at(c, s, pos) {
                    let mut issuer = issuer;
                    pos = end;
                    if t.issuer_list {
                        while let Some((end, next)) = next_signatory(c, s, pos) {
                            issuer.push_str(", ");
                            issuer.push_str(&next);
                            pos = end;
                        }
                    }
                    li.issuer = Some(issuer);
                    tail_found = true;
                }
            }
            Tail::IssuerCaps | Tail::Region => {
                if let Some(h) = c.heads.find(&s[pos..]) {
                    let mut end = pos + h.end();
                    if let Some((len, _)) = caps_words(c, &s[end..], 3) {
                        end += len;
                    }
                    li.issuer = Some(normalise_issuer(c, &s[pos..end]));
                    pos = end;
                } else if let Some((len, words)) = caps_words(c, &s[pos..], 4) {
                    let raw = match (&t.default_issuer, t.tail) {
                        (Some(d), Tail::Region) => format!("{d} {words}"),
                        _ => words.to_string(),
                    };
                    li.issuer = Some(normalise_issuer(c, &raw));
                    pos += len;
                }
            }
            Tail::SubjectWord => {
                if let Some((len, words)) = caps_words(c, &s[pos..], 3) {
                    li.subject = Some(collapse(words));
                    pos += len;
                    tail_found = true;
                }
            }
            Tail::None => {}
        }
        let before = (li.number.clone(), li.year, li.subject.clone());
        pos = parse_number_and_subject(c, s, pos, &mut li);
        if (li.number.clone(), li.year, li.subject.clone()) != before {
            tail_found = true;
        }
        if li.issuer.is_none() {
            li.issuer = t.default_issuer.clone();
        }
        let needs_tail = if is_long {
            t.long_needs_tail.contains(&word)
        } else {
            t.abbr_needs_tail
        };
        if needs_tail && !tail_found {
            continue;
        }
        if is_long && t.long_needs_number.contains(&word) && li.number.is_none() {
            continue;
        }
        from = from.max(pos);
        out.push(InstrumentHit {
            start: m_start,
            end: pos,
            value: li,
            rule: "instrument.typed",
        });
    }

    // Decree numbers listed by signatory: `Mendagri No. 800-2836/2020`.
    let mut extra = Vec::new();
    // Every signatory match ends in `nomor`, `no` or `nmr` (case-insensitive; none of these
    // letters has a non-ASCII case partner): without `no` or `nm` the search is skipped. The
    // signatories themselves (`BKN`, `KASN` ...) are common in these articles, so the search
    // would otherwise stop at many of them for nothing.
    let may_sign = signatories && has_no_or_nm(s.as_bytes());
    for sm in may_sign
        .then(|| c.signatory.captures_iter(s))
        .into_iter()
        .flatten()
    {
        let (Some(m), Some(iss)) = (sm.get(0), sm.name("iss")) else {
            continue;
        };
        if out.iter().any(|h| m.start() < h.end && h.start < m.end()) {
            continue;
        }
        let type_name = out
            .iter()
            .rfind(|h| h.start < m.start())
            .map_or("SK".to_string(), |h| h.value.instrument_type.clone());
        let mut li = empty(&type_name);
        li.issuer = Some(normalise_issuer(c, iss.as_str()));
        let num_start = iss.end();
        let end = parse_number_and_subject(c, s, num_start, &mut li);
        if li.number.is_none() {
            continue;
        }
        extra.push(InstrumentHit {
            start: m.start(),
            end,
            value: li,
            rule: "instrument.signatory",
        });
    }
    if !extra.is_empty() {
        out.extend(extra);
        out.sort_by_key(|h| h.start);
        let mut kept: Vec<InstrumentHit> = Vec::with_capacity(out.len());
        for h in out {
            if kept.last().is_some_and(|k| h.start < k.end) {
                continue;
            }
            kept.push(h);
        }
        out = kept;
    }

    if !out.is_empty() {
        attach_issue_dates(c, s, &mut out);
    }
    out
}

fn attach_issue_dates(c: &Compiled, s: &str, hits: &mut [InstrumentHit]) {
    // Only explicit dates finer than a year count, and every such date is written with
    // digits (without a context the relative and partial forms give none): without a digit
    // the date search has nothing to give.
    if !crate::numbers::has_ascii_digit(s) {
        return;
    }
    let has_verb = std::cell::OnceCell::new();
    let has_verb = || *has_verb.get_or_init(|| c.issue_verbs.is_match(s));
    for d in find_dates(s, &DateContext::default()) {
        if d.value.anchor != DateAnchor::Explicit || d.value.precision == Precision::Year {
            continue;
        }
        let head_start = s[..d.start]
            .char_indices()
            .rev()
            .nth(24)
            .map_or(0, |(i, _)| i);
        let cued = c.cue_before.is_match(&s[head_start..d.start])
            || s[d.start..d.end].to_lowercase().starts_with("tanggal")
            || s[d.start..d.end].to_lowercase().starts_with("bulan");
        let nearest = hits
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let gap = if d.start >= h.end {
                    d.start - h.end
                } else {
                    h.start.saturating_sub(d.end)
                };
                (gap, i)
            })
            .min();
        let Some((gap, i)) = nearest else { continue };
        let right_after = d.start >= hits[i].end && gap <= 30;
        if cued && (right_after || has_verb()) && hits[i].value.issued.is_none() {
            hits[i].value.issued = Some(PartialDate { ..d.value.date });
        }
    }
}

fn same_subject(later: &str, earlier: &str) -> bool {
    let l = later.to_lowercase();
    let e = earlier.to_lowercase();
    let initials: String = earlier
        .split_whitespace()
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .filter_map(|w| w.chars().next())
        .collect::<String>()
        .to_lowercase();
    l == e
        || e.split_whitespace()
            .any(|w| w.trim_matches(['(', ')']) == l)
        || l.split_whitespace().any(|w| w == e)
        || (initials.len() >= 2 && initials == l)
}

/// Give every hit of one article its instrument index, so that repeated mentions of the same
/// instrument (`Surat Keputusan Bersama (SKB)` ... `SKB`) share one. Hits are in article order.
pub fn link_instruments(hits: &mut [InstrumentHit]) {
    let mut next = 0usize;
    for i in 0..hits.len() {
        let (earlier, rest) = hits.split_at_mut(i);
        let h = &mut rest[0].value;
        let same_type = |e: &&InstrumentHit| e.value.instrument_type == h.instrument_type;
        let found = if h.number.is_some() {
            earlier
                .iter()
                .filter(same_type)
                .rev()
                .find(|e| e.value.number == h.number && e.value.year == h.year)
        } else if let Some(subj) = &h.subject {
            earlier.iter().filter(same_type).rev().find(|e| {
                e.value
                    .subject
                    .as_deref()
                    .is_some_and(|es| same_subject(subj, es))
            })
        } else if h.issuer.is_some()
            && earlier
                .iter()
                .any(|e| same_type(&e) && e.value.issuer == h.issuer)
        {
            earlier
                .iter()
                .filter(same_type)
                .rev()
                .find(|e| e.value.issuer == h.issuer)
        } else if h.year.is_none() {
            earlier.iter().rfind(same_type)
        } else {
            None
        };
        h.instrument = match found {
            Some(e) => e.value.instrument,
            None => {
                next += 1;
                next - 1
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn number_forms_are_their_patterns(s in "(1|9|0|2|19|20|2024|1999|-|/|x|é|\\.){0,8}") {
            let simple = Regex::new(r"^(?P<n>[0-9]+(?:-[0-9]+)?)/(?P<y>(?:19|20)[0-9]{2})$").unwrap();
            let trailing = Regex::new(r"/(?P<y>(?:19|20)[0-9]{2})$").unwrap();
            let want = simple.captures(&s).map(|c| (c.name("n").unwrap().as_str(), c.name("y").unwrap().as_str()));
            proptest::prop_assert_eq!(simple_number(&s), want);
            let want = trailing.captures(&s).map(|c| c.name("y").unwrap().as_str());
            proptest::prop_assert_eq!(trailing_year(&s), want);
        }
    }

    /// Every type starts with one of its words: none is empty, so a sentence without them
    /// has no type (the types search is then skipped).
    #[test]
    fn type_words_are_not_empty() {
        let c = compiled();
        assert!(c.type_words.iter().all(|w| !w.is_empty()));
        assert!(c.upper_words.iter().all(|w| !w.is_empty()));
    }

    proptest::proptest! {
        /// Without a digit no date an instrument can take is found (the issue-date search is
        /// then skipped).
        #[test]
        fn no_issue_date_without_a_digit(s in "(Kamis|Senin, |Februari|Des\\.|bulan Mei|tanggal|tgl\\.|kemarin|pekan lalu|tahun lalu|pada|\\(|\\)|/|-|é| |, |x){0,12}") {
            for d in find_dates(&s, &DateContext::default()) {
                proptest::prop_assert!(
                    d.value.anchor != DateAnchor::Explicit || d.value.precision == Precision::Year
                );
            }
        }

        /// Without a type word the types search finds nothing, and without a signatory word
        /// (or a folding character) the signatory search finds nothing: skipping them changes
        /// nothing.
        #[test]
        fn no_type_without_a_type_word(s in "(UU|uu|Uu|SK|sk|SE|se|Perbup|PERBUP|perbup|KPU|BKN|Bawaslu|Mendagri|Nomor 5|No. 12/2020|tahun 2024|surat|Surat Edaran|keputusan|peraturan bupati|undang-undang|instruksi|Inpres|tentang|Netralitas ASN|Menpan-RB|menteri  panrb|KASN|Kasn|ka\u{17f}n|B\u{212a}N|kpu RI|Bawaslu ri|nomor|No.|nmr|\\(|\\)|é| |, ){0,12}") {
            proptest::prop_assert_eq!(
                find_instruments_passed(
                    &s,
                    if may_have_type(&s) { TypeStarts::Search } else { TypeStarts::None },
                    may_have_signatory(&s)
                ),
                find_instruments_passed(&s, TypeStarts::Search, true)
            );
            if !may_have_type(&s) {
                proptest::prop_assert!(compiled().types.find(&s).is_none());
            }
        }
    }
    use proptest::prelude::*;

    fn key(li: &LegalInstrument) -> String {
        format!(
            "{}|{}|{}",
            li.instrument_type,
            li.number.as_deref().unwrap_or(""),
            li.year.map(|y| y.to_string()).unwrap_or_default()
        )
    }

    #[test]
    fn rule_examples() {
        let rules: InstrumentRules = serde_json::from_str(RULES_JSON).unwrap();
        let mut failures = Vec::new();
        for ex in &rules.examples {
            let hits = find_instruments(&ex.text);
            let found: Vec<String> = hits
                .iter()
                .map(|h| {
                    format!(
                        "{} {} issuer={:?} subject={:?} issued={:?} [{}]",
                        h.rule,
                        key(&h.value),
                        h.value.issuer,
                        h.value.subject,
                        h.value.issued.map(|d| d.iso()),
                        &ex.text[h.start..h.end]
                    )
                })
                .collect();
            let ok = hits.len() == ex.found.len()
                && hits.iter().zip(&ex.found).all(|(h, e)| {
                    key(&h.value) == e.key
                        && e.issuer
                            .as_ref()
                            .is_none_or(|i| h.value.issuer.as_ref() == Some(i))
                        && e.subject
                            .as_ref()
                            .is_none_or(|i| h.value.subject.as_ref() == Some(i))
                        && e.issued
                            .as_ref()
                            .is_none_or(|i| h.value.issued.map(|d| d.iso()).as_ref() == Some(i))
                        && e.matched
                            .as_ref()
                            .is_none_or(|m| &ex.text[h.start..h.end] == m)
                });
            if !ok {
                failures.push(format!(
                    "{:?}\n   expected {:?}\n   found {:#?}",
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
    fn linking_shares_indices() {
        let sents = [
            "pemerintah telah menerbitkan Surat Keputusan Bersama (SKB) tentang Pedoman Pembinaan dan Pengawasan Netralitas Pegawai ASN.",
            "Sesuai Undang-Undang Nomor 5 Tahun 2014 tentang Aparatur Sipil Negara (ASN), ASN wajib netral.",
            "SKB itu ditandatangani lima lembaga.",
            "Hal itu juga diatur UU ASN dan UU Nomor 5 Tahun 2014.",
            "Ada juga UU 7/2017 tentang Pemilu.",
        ];
        let mut hits: Vec<InstrumentHit> = sents.iter().flat_map(|s| find_instruments(s)).collect();
        link_instruments(&mut hits);
        let idx: Vec<(String, usize)> = hits
            .iter()
            .map(|h| (key(&h.value), h.value.instrument))
            .collect();
        assert_eq!(
            idx,
            [
                ("SKB||".to_string(), 0),
                ("UU|5|2014".to_string(), 1),
                ("SKB||".to_string(), 0),
                ("UU||".to_string(), 1),
                ("UU|5|2014".to_string(), 1),
                ("UU|7|2017".to_string(), 2),
            ]
        );
    }

    proptest! {
        #[test]
        fn no_or_nm_is_the_pair_scan(s in proptest::collection::vec(prop_oneof![Just(b'n'), Just(b'N'), Just(b'o'), Just(b'O'), Just(b'm'), Just(b'M'), Just(0x4e_u8 ^ 0x80), Just(0xce), Just(b' '), Just(0x6f_u8 | 0x80), any::<u8>()], 0..40)) {
            let want = s.windows(2).any(|w| (w[0] | 0x20) == b'n' && matches!(w[1] | 0x20, b'o' | b'm'));
            prop_assert_eq!(has_no_or_nm(&s), want);
        }
    }

    proptest! {
        #[test]
        fn never_panics_and_spans_are_sound(s in "\\PC{0,80}") {
            let mut hits = find_instruments(&s);
            let mut last = 0;
            for h in &hits {
                prop_assert!(h.start >= last && h.start < h.end && h.end <= s.len());
                prop_assert!(s.is_char_boundary(h.start) && s.is_char_boundary(h.end));
                last = h.end;
            }
            link_instruments(&mut hits);
        }

        #[test]
        fn instrumentlike_never_panics(s in "(UU|SE|SKB|surat edaran|keputusan|Gubernur|Nomor|No\\.|tentang|Tahun|[0-9/.-]{1,6}|é|’|,| ){0,14}") {
            let mut last = 0;
            for h in find_instruments(&s) {
                prop_assert!(h.start >= last && s.is_char_boundary(h.start) && s.is_char_boundary(h.end));
                last = h.end;
            }
        }
    }
}
