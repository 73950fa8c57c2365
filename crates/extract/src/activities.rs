//! Neutrality activities from trigger rules in `rules/activities.json`: one activity per
//! (sentence, type). See the rule file's `_doc` for the decisions on threats and reports.

use crate::literals::{self, Unit};
use crate::text::is_ascii_word_byte;
use std::ops::Range;
use std::sync::OnceLock;

use regex::{Regex, RegexBuilder};
use serde::Deserialize;
use warta_core::ActivityType;

static RULES_JSON: &str = include_str!("../rules/activities.json");

/// Examples a rule must find (positive) and must not find (negative); run by the tests, each
/// example a passage whose sentences are tried in turn, each with the one before.
#[cfg_attr(not(test), allow(dead_code))]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Examples {
    pub positive: Vec<String>,
    pub negative: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) struct RuleDef {
    pub id: String,
    /// Literals (ASCII case-insensitive) one of which every trigger match contains: the
    /// prefilter.
    keywords: Vec<String>,
    /// A narrower prefilter, optional: literals matched ASCII case-insensitively (`narrow`)
    /// or byte for byte (`narrow_cased`), one of which every trigger match written in ASCII
    /// contains, each containing one of `keywords`. With them the rule is tried when one of
    /// them occurs, or when a keyword occurs in a sentence with a character whose case
    /// folds to an ASCII letter ([`FOLD_CHARS`]): the case-insensitive trigger matches
    /// those too, so such a sentence is tried exactly as with `keywords` alone.
    #[serde(default)]
    narrow: Vec<String>,
    #[serde(default)]
    narrow_cased: Vec<String>,
    #[serde(rename = "type")]
    pub activity_type: ActivityType,
    trigger: String,
    #[serde(default)]
    requires: Option<String>,
    /// `requires` may be met in the sentence before instead: the subject the rule asks for
    /// (civil servants, neutrality, a finding) was named there (`Laporan itu menyangkut dua
    /// ASN. Keduanya sudah diperiksa Inspektorat.`).
    #[serde(default)]
    pub requires_before: bool,
    #[serde(default)]
    unless: Option<String>,
    #[serde(default)]
    exclude: Option<String>,
    pub examples: Examples,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(rename = "_doc")]
    _doc: String,
    rules: Vec<RuleDef>,
}

struct Compiled {
    trigger: Regex,
    /// The trigger as a [`LiteralPattern`], when it is one: searched without the regex in a
    /// sentence with none of [`FOLD_CHARS`].
    trigger_literal: Option<LiteralPattern>,
    /// The most bytes a trigger match can run before the first keyword occurrence in it,
    /// when the trigger is a finite set of literals each holding a keyword; else `None`.
    lead: Option<usize>,
    requires: Option<Regex>,
    unless: Option<Regex>,
    exclude: Option<Regex>,
    /// The bit of `exclude` among the literal sets ([`gate_literal_sets`]), when it is a
    /// [`literal_set`].
    exclude_bit: Option<u32>,
    /// The bit of `requires` among the literal sets, when it is a [`literal_set`].
    requires_bit: Option<u32>,
    /// `requires` is a plain alternation of words (letters, digits and spaces between `|`):
    /// it matches exactly where one of them occurs up to case, so an occurrence found
    /// ASCII case-insensitively is a match.
    requires_plain: bool,
    /// The bit of `requires` among the bounded sets ([`gate_bounded_sets`]), when it is a
    /// [`bounded_set`].
    requires_bounded_bit: Option<u32>,
}

impl Compiled {
    /// Whether `requires` matches in a sentence with these gate answers: `Some` when the
    /// answers tell (no `requires`, or a literal set none of whose strings occurs, or with
    /// exact answers a plain or bounded set), `None` when the regex must be searched.
    fn may_require(&self, at: Sets) -> Option<bool> {
        if self.requires.is_none() {
            return Some(true);
        }
        // A `requires` literal set none of whose strings occurs cannot match.
        if self.requires_bit.is_some_and(|b| at.sets & (1 << b) == 0) {
            return Some(false);
        }
        if let Some(b) = self.requires_bounded_bit.filter(|_| at.exact) {
            return Some(at.bounded & (1 << b) != 0);
        }
        (self.requires_plain && at.exact && self.requires_bit.is_some()).then_some(true)
    }
}

/// What the keyword gate found in one sentence, for the `requires` and `exclude` patterns
/// (see [`find_keyed`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sets {
    /// Bit `b` when a string of literal set `b` ([`gate_literal_sets`]) occurs.
    pub sets: u64,
    /// Bit `b` when a string of bounded set `b` ([`gate_bounded_sets`]) occurs with word
    /// bounds around it.
    pub bounded: u64,
    /// The bits are the occurrences themselves: the sentence holds none of [`FOLD_CHARS`].
    pub exact: bool,
}

impl Sets {
    /// Answers that rule nothing out: every pattern is searched.
    pub(crate) const UNKNOWN: Sets = Sets {
        sets: u64::MAX,
        bounded: 0,
        exact: false,
    };
}

pub(crate) struct Rules {
    pub defs: Vec<RuleDef>,
    /// Every prefilter literal ([`gate_keywords`]) in one automaton, ASCII case-insensitive;
    /// pattern `i` is `literal[i]`.
    keywords: crate::scan::Keywords,
    literals: Vec<(usize, String, Literal)>,
    /// The strings of the `exclude` and `requires` patterns that are literal sets, each with
    /// the bit of its pattern (at most 64 patterns).
    literal_sets: Vec<(u32, String)>,
    /// The strings of the `requires` patterns that are bounded sets, each with the bit of its
    /// pattern (at most 64 patterns).
    bounded_sets: Vec<(u32, String)>,
    compiled: Vec<Compiled>,
}

/// Characters outside ASCII whose simple case folding is an ASCII letter (`ſ` is `s`, the
/// Kelvin sign `K` is `k`): a case-insensitive trigger matches a word written with them,
/// where no ASCII literal does.
pub(crate) const FOLD_CHARS: &[&str] = &["\u{17f}", "\u{212a}"];

/// How a prefilter literal of a rule counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Literal {
    /// Its occurrence (ASCII case-insensitive) makes the rule tried.
    Strong,
    /// Its occurrence, byte for byte, makes the rule tried.
    StrongCased,
    /// A keyword of a rule with a narrower prefilter: its occurrence makes the rule tried
    /// only in a sentence with one of [`FOLD_CHARS`].
    Weak,
}

/// The rules to try on a sentence from the literals found in it: `strong` and `weak` hold
/// bit `i` for rule `i` (< 64), `fold` whether one of [`FOLD_CHARS`] occurs.
pub(crate) fn keyed(strong: u64, weak: u64, fold: bool) -> u64 {
    if fold {
        strong | weak
    } else {
        strong
    }
}

/// Word boundaries are ASCII (`(?-u:\\b)`): the triggers are ASCII words, and Unicode
/// boundaries would keep the regex engine off its fast DFA path.
fn ascii_bounds(p: &str) -> String {
    p.replace("\\b", "(?-u:\\b)")
}

fn ci(p: &str) -> Regex {
    RegexBuilder::new(&ascii_bounds(p))
        .case_insensitive(true)
        .build()
        .expect("activity rule regex compiles")
}

/// The strings `pattern` matches ([`literals::strings`]), word bounds left out, letters as
/// written inside `(?-i:...)` and in lower case elsewhere; `None` when the set is not finite
/// and small.
fn literal_set(pattern: &str) -> Option<Vec<String>> {
    literals::strings(pattern)?
        .iter()
        .map(|units| String::from_utf8(literals::text(units)).ok())
        .collect()
}

/// The strings of `pattern` when every string it matches is `\b`, ASCII-case-insensitive
/// text with no other bound that starts and ends with an ASCII letter or digit, and `\b`;
/// `None` otherwise. Such a pattern (word bounds are ASCII, see [`ascii_bounds`]) matches
/// exactly where one of its strings occurs up to case with no ASCII letter, digit or `_`
/// right before or after it: in a sentence with none of [`FOLD_CHARS`], where one of them
/// occurs so ASCII case-insensitively.
fn bounded_set(pattern: &str) -> Option<Vec<String>> {
    let strings = literals::strings(pattern)?;
    let bounded = |units: &[Unit]| {
        let inner = units
            .strip_prefix(&[Unit::Bound])?
            .strip_suffix(&[Unit::Bound])?;
        let text = literals::text(inner);
        let word_ends = text.first().is_some_and(u8::is_ascii_alphanumeric)
            && text.last().is_some_and(u8::is_ascii_alphanumeric);
        (word_ends && !inner.contains(&Unit::Bound) && literals::folds(inner))
            .then(|| String::from_utf8(text).ok())
            .flatten()
    };
    let strings: Vec<String> = strings.iter().map(|u| bounded(u)).collect::<Option<_>>()?;
    (!strings.is_empty()).then_some(strings)
}

/// Whether `pattern` is a [`literal_set`] of ASCII-case-insensitive strings with no word
/// bound: in a sentence with none of [`FOLD_CHARS`] it matches exactly where one of its
/// strings occurs ASCII case-insensitively.
fn plain_set(pattern: &str) -> bool {
    literals::strings(pattern).is_some_and(|strings| {
        strings
            .iter()
            .all(|u| !u.is_empty() && !u.contains(&Unit::Bound) && literals::folds(u))
    })
}

/// The most bytes a match of `trigger` runs before the first (ASCII case-insensitive)
/// occurrence of one of `keywords` in it, over every string the trigger matches; `None`
/// when the trigger is not a [`literal_set`] or one of its strings holds no keyword. A
/// trigger match in ASCII (a sentence with none of [`FOLD_CHARS`]) is one of those strings
/// up to ASCII case, so it starts at most this far before the first keyword occurrence in
/// its sentence.
fn lead(trigger: &str, keywords: &[String]) -> Option<usize> {
    let strings = literal_set(trigger)?;
    let keywords: Vec<String> = keywords.iter().map(|k| k.to_ascii_lowercase()).collect();
    let mut most = 0;
    for s in strings {
        let s = s.to_ascii_lowercase();
        let first = keywords.iter().filter_map(|k| s.find(k.as_str())).min()?;
        most = most.max(first);
    }
    Some(most)
}

/// A pattern that is a finite set of strings ([`literals::strings`]), each with the same
/// ASCII word bounds at its ends and none inside, each matched either up to ASCII case or
/// (inside `(?-i:...)`) byte for byte. In a sentence with none of [`FOLD_CHARS`] the
/// case-insensitive regex matches such a string exactly where it occurs so with its bounds
/// holding, and its leftmost-first match is the leftmost start at which one does, taking
/// there the first string in the order a leftmost-first search prefers them.
/// [`LiteralPattern::find_within`] finds that match without the regex engine.
pub(crate) struct LiteralPattern {
    /// The strings, ASCII lower-cased unless matched byte for byte (`true`), in order.
    strings: Vec<(Box<[u8]>, bool)>,
    /// Per string, its first (at most 16) bytes ASCII lower-cased as two little-endian
    /// words, and the masks of those bytes: a text whose next bytes, lower-cased, differ from
    /// them under the masks cannot match the string. Tried before comparing it byte by byte:
    /// a bucket of strings with one first letter may hold a hundred (`meminta kepada
    /// seluruh`, `meminta agar semua` ...).
    prefixes: Vec<[(u64, u64); 2]>,
    /// Per byte, 1 + the index in `buckets` of the strings starting with it up to ASCII
    /// case; 0 when none does.
    first: [u8; 256],
    /// The indices of the strings with one first byte, in order.
    buckets: Vec<Vec<u16>>,
    /// A word bound before the match, and after it.
    lead_bound: bool,
    trail_bound: bool,
}

/// The most strings a trigger is searched as without its regex ([`LiteralPattern`]).
const LITERAL_STRINGS_MAX: usize = 64;

/// A `(?-u:\b)` bound at `at` in `text`.
fn bound_at(text: &[u8], at: usize) -> bool {
    let before = at
        .checked_sub(1)
        .and_then(|i| text.get(i))
        .is_some_and(|&b| is_ascii_word_byte(b));
    let after = text.get(at).is_some_and(|&b| is_ascii_word_byte(b));
    before != after
}

impl LiteralPattern {
    fn new(pattern: &str) -> Option<LiteralPattern> {
        let all = literals::strings(pattern)?;
        // A large set (`laporan (itu )?(masih )?(kami )?(kaji|...)` spells out hundreds of
        // strings with one first word) is searched faster by the regex's automaton, in one
        // pass, than string by string at every start.
        if all.len() > LITERAL_STRINGS_MAX {
            return None;
        }
        let first = all.first()?;
        let lead_bound = first.first() == Some(&Unit::Bound);
        let trail_bound = first.len() > 1 && first.last() == Some(&Unit::Bound);
        let mut strings: Vec<(Box<[u8]>, bool)> = Vec::with_capacity(all.len());
        for units in &all {
            let inner = if lead_bound {
                units.strip_prefix(&[Unit::Bound])?
            } else {
                units
            };
            let inner = if trail_bound {
                inner.strip_suffix(&[Unit::Bound])?
            } else {
                inner
            };
            if inner.contains(&Unit::Bound) {
                return None;
            }
            // Letters matched in either case are compared in lower case; a string is matched
            // either so or byte for byte, not in part each way.
            let cased = if literals::folds(inner) {
                false
            } else if literals::cased(inner) {
                true
            } else {
                return None;
            };
            strings.push((literals::text(inner).into(), cased));
        }
        LiteralPattern::from_strings(strings, lead_bound, trail_bound)
    }

    fn from_strings(
        strings: Vec<(Box<[u8]>, bool)>,
        lead_bound: bool,
        trail_bound: bool,
    ) -> Option<LiteralPattern> {
        if strings.is_empty()
            || strings.len() > usize::from(u16::MAX)
            || strings.iter().any(|(s, _)| s.is_empty() || !s.is_ascii())
        {
            return None;
        }
        let mut first = [0u8; 256];
        let mut buckets: Vec<Vec<u16>> = Vec::new();
        for (i, (s, _)) in strings.iter().enumerate() {
            let lower = s[0].to_ascii_lowercase();
            let slot = match first[usize::from(lower)] {
                0 => {
                    buckets.push(Vec::new());
                    let slot = u8::try_from(buckets.len()).ok()?;
                    first[usize::from(lower)] = slot;
                    first[usize::from(lower.to_ascii_uppercase())] = slot;
                    slot
                }
                slot => slot,
            };
            buckets[usize::from(slot - 1)].push(i as u16);
        }
        let prefixes = strings
            .iter()
            .map(|(s, _)| {
                let mask = |n: usize| match n.min(8) {
                    8 => u64::MAX,
                    n => (1u64 << (8 * n)) - 1,
                };
                let tail = s.get(8..).unwrap_or_default();
                [
                    (lower_word(s), mask(s.len())),
                    (lower_word(tail), mask(tail.len())),
                ]
            })
            .collect();
        Some(LiteralPattern {
            strings,
            prefixes,
            first,
            buckets,
            lead_bound,
            trail_bound,
        })
    }

    /// The regex's leftmost-first match starting at or after `from` in `text`, for a text
    /// with none of [`FOLD_CHARS`], when no match starts after `last`.
    fn find_within(&self, text: &str, from: usize, last: usize) -> Option<Range<usize>> {
        let bytes = text.as_bytes();
        let rest = bytes.get(from..=last.min(bytes.len().checked_sub(1)?))?;
        for (k, &b) in rest.iter().enumerate() {
            let slot = self.first[usize::from(b)];
            if slot == 0 {
                continue;
            }
            let p = from + k;
            if self.lead_bound && !bound_at(bytes, p) {
                continue;
            }
            let Some(list) = self.buckets.get(usize::from(slot - 1)) else {
                continue;
            };
            let head = bytes.get(p..).unwrap_or_default();
            let words = [
                lower_word(head),
                lower_word(head.get(8..).unwrap_or_default()),
            ];
            for &i in list {
                let (Some((s, cased)), Some([(p0, m0), (p1, m1)])) = (
                    self.strings.get(usize::from(i)),
                    self.prefixes.get(usize::from(i)),
                ) else {
                    continue;
                };
                if words[0] & m0 != *p0 || words[1] & m1 != *p1 {
                    continue;
                }
                let end = p + s.len();
                let Some(t) = bytes.get(p..end) else {
                    continue;
                };
                let same = if *cased {
                    t == &**s
                } else {
                    t.eq_ignore_ascii_case(s)
                };
                if same && (!self.trail_bound || bound_at(bytes, end)) {
                    return Some(p..end);
                }
            }
        }
        None
    }
}

/// The first (at most 8) bytes of `b`, ASCII lower-cased, as a little-endian word (zero
/// bytes past its end).
fn lower_word(b: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    for (d, s) in w.iter_mut().zip(b) {
        *d = s.to_ascii_lowercase();
    }
    u64::from_le_bytes(w)
}

pub(crate) fn rules() -> &'static Rules {
    static RULES: OnceLock<Rules> = OnceLock::new();
    RULES.get_or_init(|| {
        let file: RuleFile =
            serde_json::from_str(RULES_JSON).expect("rules/activities.json is valid");
        let defs = file.rules;
        let mut literals: Vec<(usize, String, Literal)> = Vec::new();
        for (i, r) in defs.iter().enumerate() {
            let narrowed = !r.narrow.is_empty() || !r.narrow_cased.is_empty();
            let kind = if narrowed {
                Literal::Weak
            } else {
                Literal::Strong
            };
            for k in &r.keywords {
                literals.push((i, k.clone(), kind));
            }
            for k in &r.narrow {
                literals.push((i, k.clone(), Literal::Strong));
            }
            for k in &r.narrow_cased {
                literals.push((i, k.clone(), Literal::StrongCased));
            }
        }
        let keywords = crate::scan::Keywords::new(literals.iter().map(|l| l.1.as_str()), true);
        let mut literal_sets: Vec<(u32, String)> = Vec::new();
        let mut next_bit = 0u32;
        let mut set_bit = |pattern: Option<&str>| -> Option<u32> {
            let strings = literal_set(pattern?)?;
            if next_bit >= 64 || strings.is_empty() || strings.iter().any(String::is_empty) {
                return None;
            }
            let bit = next_bit;
            next_bit += 1;
            literal_sets.extend(strings.into_iter().map(|s| (bit, s)));
            Some(bit)
        };
        let mut bounded_sets: Vec<(u32, String)> = Vec::new();
        let mut next_bounded = 0u32;
        let mut bounded_bit = |pattern: Option<&str>| -> Option<u32> {
            let strings = bounded_set(pattern?)?;
            if next_bounded >= 64 {
                return None;
            }
            let bit = next_bounded;
            next_bounded += 1;
            bounded_sets.extend(strings.into_iter().map(|s| (bit, s)));
            Some(bit)
        };
        let compiled = defs
            .iter()
            .map(|r| Compiled {
                trigger: ci(&r.trigger),
                trigger_literal: LiteralPattern::new(&r.trigger),
                lead: lead(&r.trigger, &r.keywords),
                requires: r.requires.as_deref().map(ci),
                unless: r.unless.as_deref().map(ci),
                exclude: r.exclude.as_deref().map(ci),
                exclude_bit: set_bit(r.exclude.as_deref()),
                requires_bit: set_bit(r.requires.as_deref()),
                requires_plain: r.requires.as_deref().is_some_and(plain_set),
                requires_bounded_bit: bounded_bit(r.requires.as_deref()),
            })
            .collect();
        Rules {
            defs,
            keywords,
            literals,
            literal_sets,
            bounded_sets,
            compiled,
        }
    })
}

/// An activity trigger in a sentence: the rule index and the trigger's byte range in the sentence.
#[derive(Debug, Clone)]
pub(crate) struct ActivityHit {
    pub rule: usize,
    pub activity_type: ActivityType,
    pub range: Range<usize>,
    /// `requires` was met only in the sentence before: the sentence goes on about an
    /// activity named there (`... mengucapkan ikrar netralitas. Ikrar dibacakan Sekda ...`).
    pub continued: bool,
}

/// Every rule's prefilter literals (rule index, literal, how it counts), for
/// [`crate::scan::gate`].
pub(crate) fn gate_keywords() -> impl Iterator<Item = (usize, &'static str, Literal)> {
    rules()
        .literals
        .iter()
        .map(|(i, l, kind)| (*i, l.as_str(), *kind))
}

/// The strings of the rules' `exclude` and `requires` patterns that are literal sets, each
/// with the bit of its pattern, for [`crate::scan::gate`]. A match of such a pattern is one
/// of its strings up to case, so in a sentence with none of [`FOLD_CHARS`] it holds one of
/// them ASCII case-insensitively: where none occurs, the pattern has no match (nothing is
/// excluded, or the requirement fails).
pub(crate) fn gate_literal_sets() -> impl Iterator<Item = (u32, &'static str)> {
    rules().literal_sets.iter().map(|(b, s)| (*b, s.as_str()))
}

/// The strings of the rules' `requires` patterns that are bounded sets ([`bounded_set`]),
/// each with the bit of its pattern, for [`crate::scan::gate`], which
/// records an occurrence with word bounds around it.
pub(crate) fn gate_bounded_sets() -> impl Iterator<Item = (u32, &'static str)> {
    rules().bounded_sets.iter().map(|(b, s)| (*b, s.as_str()))
}

/// The activities of one sentence, at most one per type, in rule order.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn find(sentence: &str) -> Vec<ActivityHit> {
    find_after(None, sentence)
}

/// [`find`], with the sentence before it (for the rules with `requires_before`).
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn find_after(before: Option<&str>, sentence: &str) -> Vec<ActivityHit> {
    let r = rules();
    let (mut strong, mut weak) = (0u64, 0u64);
    r.keywords.each(sentence, |start, end, k| {
        let Some((i, lit, kind)) = r.literals.get(k).filter(|l| l.0 < 64) else {
            return;
        };
        match kind {
            Literal::Strong => strong |= 1 << i,
            Literal::StrongCased if sentence.get(start..end) == Some(lit.as_str()) => {
                strong |= 1 << i
            }
            Literal::StrongCased => {}
            Literal::Weak => weak |= 1 << i,
        }
    });
    let fold = FOLD_CHARS.iter().any(|c| sentence.contains(c));
    find_keyed(
        sentence,
        keyed(strong, weak, fold),
        0,
        |_| None,
        Sets::UNKNOWN,
        before.map(|b| (b, Sets::UNKNOWN)),
    )
}

/// [`find`], given the rules (bit `i` for rule `i` < 64) whose keywords occur in the sentence
/// and where the first keyword occurrence of any rule starts (`from`; 0 when not known or
/// when the sentence holds one of [`FOLD_CHARS`]), or of rule `i` (`rule_from(i)`, when
/// known and the sentence holds none of them: where the first and the last occurrence of
/// one of its literals start; a literal of a rule holds one of its keywords and each of its
/// keywords is one of its literals, so no keyword occurs before the first, and with a
/// `lead` no trigger match starts after the last). Rules from the 64th on are tried
/// whenever an earlier rule's keyword occurs.
///
/// `here.sets` holds the bit of each literal set ([`gate_literal_sets`]) one of whose
/// strings occurs in the sentence (every bit when it holds one of [`FOLD_CHARS`], or when
/// not known): an `exclude` or `requires` pattern whose bit is clear has no match, and is
/// not searched (a rule whose `requires` has none is not tried). `here.exact` says the bits
/// are the occurrences themselves (known, and no [`FOLD_CHARS`] in the sentence): a plain
/// `requires` whose bit is set then matches, and is not searched either. With `exact`,
/// `here.bounded` holds the bit of each bounded set ([`gate_bounded_sets`]) one of whose
/// strings occurs with word bounds around it: a `requires` that is a bounded set matches
/// exactly when its bit is set (a rule whose `requires` does not is not tried, and one
/// whose `requires` does is not searched for it).
///
/// `before` is the sentence before, with its gate answers: a rule with `requires_before`
/// whose `requires` is not met in the sentence may have it met there.
pub(crate) fn find_keyed(
    sentence: &str,
    keyed: u64,
    from: usize,
    rule_from: impl Fn(usize) -> Option<(usize, usize)>,
    here: Sets,
    before: Option<(&str, Sets)>,
) -> Vec<ActivityHit> {
    let r = rules();
    let mut out: Vec<ActivityHit> = Vec::new();
    if keyed == 0 {
        return Vec::new();
    }
    let Sets {
        sets,
        bounded: _,
        exact,
    } = here;
    for i in (0..r.defs.len()).filter(|&i| i >= 64 || keyed & (1 << i) != 0) {
        let (def, c) = (&r.defs[i], &r.compiled[i]);
        if out.iter().any(|h| h.activity_type == def.activity_type) {
            continue;
        }
        // Where `requires` may still match: in the sentence, and for a rule that lets it, in
        // the sentence before.
        let in_here = c.may_require(here);
        let in_before = before
            .filter(|_| def.requires_before)
            .map(|(text, sets)| (text, c.may_require(sets)))
            .filter(|(_, m)| *m != Some(false));
        if in_here == Some(false) && in_before.is_none() {
            continue;
        }
        // The trigger is the most selective test: run it first. No match starts more than
        // `lead` bytes before the first keyword occurrence, so the search starts there.
        let mut lo = match c.lead {
            Some(lead) if i < 64 => rule_from(i)
                .map_or(from, |r| r.0)
                .saturating_sub(lead)
                .min(sentence.len()),
            _ => 0,
        };
        while !sentence.is_char_boundary(lo) {
            lo -= 1;
        }
        // With `exact` the sentence holds none of [`FOLD_CHARS`]: a literal trigger matches
        // as its regex does. It is searched so only where its match is known to start near
        // (within `lead` of the rule's first literal): the regex engine reads long stretches
        // faster, but each search costs it more to set up than a short scan.
        let last = rule_from(i).filter(|_| c.lead.is_some() && i < 64 && exact);
        let first = match c.trigger_literal.as_ref().zip(last) {
            Some((t, (_, last))) => t.find_within(sentence, lo, last),
            None => c.trigger.find_at(sentence, lo).map(|m| m.range()),
        };
        let Some(first) = first else {
            continue;
        };
        let required = |text: &str, known: Option<bool>| match (&c.requires, known) {
            (None, _) | (_, Some(true)) => true,
            (_, Some(false)) => false,
            (Some(re), None) => re.is_match(text),
        };
        let met_here = required(sentence, in_here);
        let continued = !met_here && in_before.is_some_and(|(text, known)| required(text, known));
        if !(met_here || continued) || c.unless.as_ref().is_some_and(|re| re.is_match(sentence)) {
            continue;
        }
        let excluding = c.exclude_bit.is_none_or(|b| sets & (1 << b) != 0);
        let hit = match &c.exclude {
            Some(ex) if excluding => {
                // The exclusions are the successive matches of `ex`, in order of their
                // starts (and ends: they do not overlap). A trigger match is clear when no
                // exclusion starting before its end reaches past its start, so they are
                // searched only as far as the trigger match being tested needs.
                let mut exclusions = ex.find_iter(sentence).map(|m| m.range()).fuse();
                let mut excluded: Vec<Range<usize>> = Vec::new();
                let mut clear = |m: &Range<usize>| {
                    while excluded.last().is_none_or(|x| x.start < m.end) {
                        match exclusions.next() {
                            Some(x) => excluded.push(x),
                            None => break,
                        }
                    }
                    !excluded.iter().any(|x| x.start < m.end && m.start < x.end)
                };
                // The first trigger match is already known: search again only past it.
                if clear(&first) {
                    Some(first)
                } else {
                    c.trigger
                        .find_iter(sentence)
                        .skip(1)
                        .map(|m| m.range())
                        .find(|m| clear(m))
                }
            }
            _ => Some(first),
        };
        if let Some(m) = hit {
            out.push(ActivityHit {
                rule: i,
                activity_type: def.activity_type,
                range: m,
                continued,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trigger_matches_contain_a_keyword() {
        for def in &rules().defs {
            let re = ci(&def.trigger);
            for ex in def.examples.positive.iter().chain(&def.examples.negative) {
                for m in re.find_iter(ex) {
                    let t = m.as_str().to_lowercase();
                    assert!(
                        def.keywords.iter().any(|k| t.contains(&k.to_lowercase())),
                        "{}: trigger match {:?} has no keyword",
                        def.id,
                        m.as_str()
                    );
                    if def.narrow.is_empty() && def.narrow_cased.is_empty() {
                        continue;
                    }
                    assert!(
                        def.narrow.iter().any(|k| t.contains(&k.to_lowercase()))
                            || def.narrow_cased.iter().any(|k| m.as_str().contains(k)),
                        "{}: trigger match {:?} has no narrow literal",
                        def.id,
                        m.as_str()
                    );
                }
            }
        }
    }

    #[test]
    fn bounded_sets() {
        let set = |p: &str| {
            bounded_set(p).map(|mut v| {
                v.sort();
                v
            })
        };
        assert_eq!(
            set(r"\b(kasus|dugaan (atas )?laporan)\b"),
            Some(vec![
                "dugaan atas laporan".into(),
                "dugaan laporan".into(),
                "kasus".into()
            ])
        );
        assert_eq!(
            set(r"\b(kasus|dugaan (lama|baru))\b"),
            Some(vec![
                "dugaan baru".into(),
                "dugaan lama".into(),
                "kasus".into()
            ])
        );
        assert_eq!(set(r"\b(a|\bb)\b"), None);
        assert_eq!(set(r"\b((?-i:SE)|surat)\b"), None);
        assert_eq!(set(r"netral|asn"), None);
        // The requires word lists with word bounds are bounded sets.
        let bounded = rules()
            .compiled
            .iter()
            .filter(|c| c.requires_bounded_bit.is_some())
            .count();
        assert!(bounded >= 3, "{bounded}");
    }

    #[test]
    fn literal_sets() {
        let set = |p: &str| {
            literal_set(p).map(|mut v| {
                v.sort();
                v
            })
        };
        assert_eq!(
            set(r"\b(rapat koordinasi|rakor)( \(rakor\))?\b"),
            Some(vec![
                "rakor".to_string(),
                "rakor (rakor)".to_string(),
                "rapat koordinasi".to_string(),
                "rapat koordinasi (rakor)".to_string()
            ])
        );
        assert_eq!(
            set(r"\b((?-i:SE)|a(b|c)d)"),
            Some(vec!["SE".into(), "abd".into(), "acd".into()])
        );
        assert_eq!(set(r"\bpe[a-z]+"), None);
        assert_eq!(set(r"\s+x"), None);
        assert_eq!(set(r"(a|b"), None);
        assert_eq!(
            lead(r"\b(pelanggaran|melanggar)\b", &["langgar".into()]),
            Some(2)
        );
        assert_eq!(lead(r"\b(akan|x) sanksi\b", &["sanksi".into()]), Some(5));
        assert_eq!(lead(r"\b(akan|sanksi)\b", &["sanksi".into()]), None);
    }

    /// Every string of a rule's literal set is a whole match of its trigger, and most rules
    /// have a lead (the search start the gate's keyword positions give).
    #[test]
    fn trigger_literal_sets_match_their_triggers() {
        let mut with_lead = 0;
        for (def, c) in rules().defs.iter().zip(&rules().compiled) {
            let Some(strings) = literal_set(&def.trigger) else {
                continue;
            };
            for s in &strings {
                let m = c.trigger.find(s).map(|m| m.range());
                assert_eq!(m, Some(0..s.len()), "{}: {s:?}", def.id);
            }
            with_lead += usize::from(c.lead.is_some());
        }
        assert!(with_lead * 2 > rules().defs.len(), "{with_lead}");
    }

    /// A narrow literal found means a keyword found: the narrower prefilter tries a rule only
    /// where the keywords would.
    #[test]
    fn narrow_literals_contain_a_keyword() {
        for def in &rules().defs {
            for n in def.narrow.iter().chain(&def.narrow_cased) {
                let n = n.to_ascii_lowercase();
                assert!(
                    def.keywords
                        .iter()
                        .any(|k| n.contains(&k.to_ascii_lowercase())),
                    "{}: narrow literal {n:?} holds no keyword",
                    def.id
                );
            }
        }
    }

    /// The rules the keywords alone would try (the prefilter before `narrow`).
    fn keyword_bits(s: &str) -> u64 {
        let lower = s.to_ascii_lowercase();
        let mut bits = 0;
        for (i, d) in rules().defs.iter().enumerate() {
            if d.keywords
                .iter()
                .any(|k| lower.contains(&k.to_ascii_lowercase()))
            {
                bits |= 1 << i;
            }
        }
        bits
    }

    fn spans(v: Vec<ActivityHit>) -> Vec<(usize, Range<usize>)> {
        v.into_iter().map(|h| (h.rule, h.range)).collect()
    }

    proptest::proptest! {
        /// A literal trigger found without the regex is the regex's match, from any start.
    #[test]
    fn literal_triggers_match_as_their_regexes(s in "(ikrar|Ikrar |berikrar|deklarasi|pengucapan  bersama|pengucapan janji|apel netralitas|tanda tangan|teken|diteken|sosialisasi|rakor|rakornis|Rapat Koordinasi|membentuk tim|membentukan satgas|tim pengawas netralitas|SE|Se|surat edaran|pengawasan|dipantau|monitoring|pelanggaran|melanggar|sanksi|dicopot|hukuman disiplin|mengimbau|meminta ASN|akan dikenai sanksi|bisa berujung pada sanksi|berujung sanksi|_|x|é|-| |, |\\. ){0,12}", from in 0usize..40) {
        for (def, c) in rules().defs.iter().zip(&rules().compiled) {
            let Some(t) = &c.trigger_literal else { continue };
            let mut from = from.min(s.len());
            while !s.is_char_boundary(from) {
                from -= 1;
            }
            let want = c.trigger.find_at(&s, from).map(|m| m.range());
            proptest::prop_assert_eq!(t.find_within(&s, from, usize::MAX), want.clone(), "{} {:?}", def.id, s);
            if let Some(w) = want {
                proptest::prop_assert_eq!(t.find_within(&s, from, w.start), Some(w.clone()));
                if w.start > from {
                    proptest::prop_assert_eq!(t.find_within(&s, from, w.start - 1), None);
                }
            }
        }
    }

    /// The narrower prefilter finds what the keywords alone find.
        #[test]
        fn narrow_prefilter_finds_what_the_keywords_find(s in "(bisa dikenai sanksi|akan berujung pada sanksi|dapat diberi  sanksi|pantau|dipantau|monitor|dimonitor|tim pengawas netralitas|tim pemantau|Bawaslu |pengawasan|pengawaſan|pengawas|\u{212a}|\u{17f}|SE|se|Se |surat edaran|Surat Edaran|diterbitkan|meminta ASN|meminta|mengajak|pajak|ASN|netral|membentuk tim|pembentukan satgas|bentuk|tim pengawas netralitas|satgas|akan mendapat sanksi|sanksi|imbau|pemantauan|monitoring| |, |\\. ){0,14}") {
            proptest::prop_assert_eq!(spans(find_keyed(&s, keyword_bits(&s), 0, |_| None, Sets::UNKNOWN, None)), spans(find(&s)));
        }
    }

    /// A sentence with a keyword and a folding character is tried as with the keywords
    /// alone: `ſ` makes `pengawaſan` a match of the monitoring trigger.
    #[test]
    fn folding_characters_keep_the_keyword_prefilter() {
        let hits = |s: &str| -> Vec<usize> { find(s).iter().map(|h| h.rule).collect() };
        let monitoring = rules()
            .defs
            .iter()
            .position(|d| d.id == "activity.monitoring")
            .expect("monitoring rule");
        assert!(hits("Bawaslu melakukan pengawaſan.").contains(&monitoring));
        assert!(hits("Bawaslu melakukan pengawasan.").contains(&monitoring));
        assert!(!hits("Bawaslu hadir.").contains(&monitoring));
    }

    /// The activities of each sentence of `text`, each sentence tried with the one before.
    fn find_in_passage(text: &str) -> Vec<ActivityHit> {
        let sentences: Vec<&str> = crate::sentences::split(text)
            .into_iter()
            .filter_map(|r| text.get(r))
            .collect();
        let mut out = Vec::new();
        for (i, s) in sentences.iter().enumerate() {
            let before = i.checked_sub(1).map(|b| sentences[b]);
            out.extend(find_after(before, s));
        }
        out
    }

    /// A rule with `requires_before` takes its requirement from the sentence before, not
    /// from one further back, and its `unless` only from its own sentence.
    #[test]
    fn requires_met_in_the_sentence_before() {
        let types = |before: Option<&str>, s: &str| -> Vec<ActivityType> {
            find_after(before, s)
                .iter()
                .map(|h| h.activity_type)
                .collect()
        };
        let inquiry = "Pemeriksaan dilakukan Inspektorat.";
        assert!(!types(None, inquiry).contains(&ActivityType::Violation));
        assert!(types(Some("Dua ASN dilaporkan ke Bawaslu."), inquiry)
            .contains(&ActivityType::Violation));
        assert!(!types(Some("Cuaca cerah."), inquiry).contains(&ActivityType::Violation));
        // The sentence before does not lift an `unless` of the sentence itself.
        assert!(!types(
            Some("Dua ASN dilaporkan ke Bawaslu."),
            "Pemeriksaan akan dilakukan Inspektorat."
        )
        .contains(&ActivityType::Violation));
        // Only the rules that say so look back.
        let lookers = rules().defs.iter().filter(|d| d.requires_before).count();
        assert!(lookers > 0 && lookers < rules().defs.len(), "{lookers}");
        let passage =
            "Dua ASN dilaporkan ke Bawaslu. Cuaca cerah. Pemeriksaan dilakukan Inspektorat.";
        assert!(!find_in_passage(passage)
            .iter()
            .any(|h| rules().defs[h.rule].id == "activity.violation_inquiry"));
    }

    #[test]
    fn rule_examples() {
        let mut failures = Vec::new();
        for def in &rules().defs {
            for ex in &def.examples.positive {
                if !find_in_passage(ex)
                    .iter()
                    .any(|h| h.activity_type == def.activity_type)
                {
                    failures.push(format!(
                        "{}: expected {:?} in {ex:?}",
                        def.id, def.activity_type
                    ));
                }
            }
            for ex in &def.examples.negative {
                if find_in_passage(ex)
                    .iter()
                    .any(|h| h.activity_type == def.activity_type)
                {
                    failures.push(format!(
                        "{}: unexpected {:?} in {ex:?}",
                        def.id, def.activity_type
                    ));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
