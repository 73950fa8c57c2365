//! The finite sets of strings that rule patterns match, read from their syntax trees.
//!
//! Several rules are searched faster without the regex engine when their pattern matches only
//! a few strings: the keyword gate looks for the strings themselves, and a trigger is found by
//! comparing bytes at the few places it can start. What a pattern matches is read here from
//! the tree `regex-syntax` parses it into, as the rules are compiled: case-insensitive, with
//! ASCII word bounds (`\b` is `(?-u:\b)` in every rule, [`crate::activities`]). The tree is
//! parsed with ASCII case folding; it matches what the rule's Unicode regex matches in a
//! text with none of the characters that fold to an ASCII letter (`ſ`, the Kelvin sign), and
//! the callers check a text for those before they rely on it.

use crate::text::is_ascii_word_byte;
use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// The most strings a pattern is read into; a larger set is left to the regex.
const MAX_STRINGS: usize = 4096;

/// One step of a string a pattern matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    /// This byte, exactly (inside `(?-i:...)`, or a byte with no other case).
    Byte(u8),
    /// This ASCII letter (lower case) in either case.
    Fold(u8),
    /// An ASCII word bound (`\b`): zero-width.
    Bound,
}

/// A string a pattern matches, as [`Unit`]s.
pub(crate) type Units = Vec<Unit>;

/// `pattern` parsed as the rules are compiled, with ASCII case folding and ASCII classes;
/// `None` when it does not parse so.
pub(crate) fn parse(pattern: &str) -> Option<Hir> {
    regex_syntax::ParserBuilder::new()
        .case_insensitive(true)
        .unicode(false)
        .build()
        .parse(pattern)
        .ok()
}

/// Every string `pattern` matches, in the order a leftmost-first search prefers them at one
/// start (alternatives in order; `?` tries its text first, `??` last); `None` when the set
/// is infinite, larger than a few thousand strings, or uses a look-around other than `\b`.
pub(crate) fn strings(pattern: &str) -> Option<Vec<Units>> {
    strings_of(&parse(pattern)?)
}

/// [`strings`] of a parsed pattern.
pub(crate) fn strings_of(hir: &Hir) -> Option<Vec<Units>> {
    match hir.kind() {
        HirKind::Empty => Some(vec![Vec::new()]),
        HirKind::Literal(lit) => Some(vec![lit.0.iter().map(|&b| Unit::Byte(b)).collect()]),
        HirKind::Class(class) => {
            let units = class_units(class)?;
            Some(units.into_iter().map(|u| vec![u]).collect())
        }
        HirKind::Look(Look::WordAscii | Look::WordUnicode) => Some(vec![vec![Unit::Bound]]),
        HirKind::Look(_) => None,
        HirKind::Capture(cap) => strings_of(&cap.sub),
        HirKind::Repetition(rep) => {
            let sub = strings_of(&rep.sub)?;
            match (rep.min, rep.max) {
                (1, Some(1)) => Some(sub),
                (0, Some(0)) => Some(vec![Vec::new()]),
                (0, Some(1)) => {
                    let mut out = Vec::with_capacity(sub.len() + 1);
                    if !rep.greedy {
                        out.push(Vec::new());
                    }
                    out.extend(sub);
                    if rep.greedy {
                        out.push(Vec::new());
                    }
                    Some(out)
                }
                _ => None,
            }
        }
        HirKind::Concat(parts) => {
            let mut out: Vec<Units> = vec![Vec::new()];
            for part in parts {
                let tails = strings_of(part)?;
                if out.len().saturating_mul(tails.len()) > MAX_STRINGS {
                    return None;
                }
                out = out
                    .iter()
                    .flat_map(|head| {
                        tails.iter().map(move |tail| {
                            let mut s = head.clone();
                            s.extend_from_slice(tail);
                            s
                        })
                    })
                    .collect();
            }
            Some(out)
        }
        HirKind::Alternation(alts) => {
            let mut out: Vec<Units> = Vec::new();
            for alt in alts {
                out.extend(strings_of(alt)?);
                if out.len() > MAX_STRINGS {
                    return None;
                }
            }
            Some(out)
        }
    }
}

/// The one-byte strings of an ASCII class, in byte order: a letter present in both cases is
/// one [`Unit::Fold`]. The members of a class are one byte long each and distinct, so their
/// order does not change which one a search takes.
fn class_units(class: &Class) -> Option<Vec<Unit>> {
    let mut members = [false; 128];
    let mut count = 0usize;
    let mut add = |lo: u32, hi: u32| -> Option<()> {
        if hi >= 128 {
            return None;
        }
        count += (hi - lo + 1) as usize;
        for b in lo..=hi {
            members[b as usize] = true;
        }
        Some(())
    };
    match class {
        Class::Bytes(c) => {
            for r in c.ranges() {
                add(u32::from(r.start()), u32::from(r.end()))?;
            }
        }
        Class::Unicode(c) => {
            for r in c.ranges() {
                add(u32::from(r.start()), u32::from(r.end()))?;
            }
        }
    }
    if count > 64 {
        return None;
    }
    let mut units = Vec::new();
    for b in 0u8..128 {
        if !members[usize::from(b)] {
            continue;
        }
        if b.is_ascii_alphabetic() {
            let (lower, upper) = (b.to_ascii_lowercase(), b.to_ascii_uppercase());
            if members[usize::from(lower)] && members[usize::from(upper)] {
                if b == lower {
                    units.push(Unit::Fold(lower));
                }
                continue;
            }
        }
        units.push(Unit::Byte(b));
    }
    Some(units)
}

/// The bytes of `units` without its bounds, letters in lower case unless matched byte for
/// byte.
pub(crate) fn text(units: &[Unit]) -> Vec<u8> {
    units
        .iter()
        .filter_map(|u| match *u {
            Unit::Byte(b) | Unit::Fold(b) => Some(b),
            Unit::Bound => None,
        })
        .collect()
}

/// Whether the letters of `units` are matched in either case: no letter is a
/// [`Unit::Byte`].
pub(crate) fn folds(units: &[Unit]) -> bool {
    !units
        .iter()
        .any(|u| matches!(u, Unit::Byte(b) if b.is_ascii_alphabetic()))
}

/// Whether every letter of `units` is matched byte for byte: none is a [`Unit::Fold`].
pub(crate) fn cased(units: &[Unit]) -> bool {
    !units.iter().any(|u| matches!(u, Unit::Fold(_)))
}

/// What follows the leading word of a pattern ([`leading_word`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AfterWord {
    /// Only a word bound: the pattern is the word.
    Bound,
    /// Text that is never empty and starts with a byte that is no ASCII letter, digit or `_`.
    OffWord,
}

/// The word of ASCII letters (matched in either case, returned in lower case) that every
/// match of `pattern` starts with, when what follows it is [`AfterWord::Bound`] or
/// [`AfterWord::OffWord`]; `None` for any other pattern. At a byte where an ASCII word
/// starts, such a pattern can match only when that word is its word.
pub(crate) fn leading_word(pattern: &str) -> Option<(Vec<u8>, AfterWord)> {
    let hir = parse(pattern)?;
    let HirKind::Concat(items) = hir.kind() else {
        return None;
    };
    let word: Vec<u8> = items.iter().map_while(folded_letter).collect();
    if word.is_empty() {
        return None;
    }
    let after = match items.get(word.len()..)? {
        [end] if matches!(end.kind(), HirKind::Look(Look::WordAscii)) => AfterWord::Bound,
        [next, ..] if starts_off_word(next) => AfterWord::OffWord,
        _ => return None,
    };
    Some((word, after))
}

/// The lower-case ASCII letter `hir` matches in either case, and nothing else.
fn folded_letter(hir: &Hir) -> Option<u8> {
    let HirKind::Class(class) = hir.kind() else {
        return None;
    };
    match class_units(class)?.as_slice() {
        [Unit::Fold(b)] => Some(*b),
        _ => None,
    }
}

/// Whether every match of `hir` is non-empty and starts with a byte that is no ASCII word
/// byte.
fn starts_off_word(hir: &Hir) -> bool {
    // Whether the code points `lo..=hi` include an ASCII letter, digit or `_`.
    let has_word_byte = |lo: u32, hi: u32| {
        [(b'0', b'9'), (b'A', b'Z'), (b'_', b'_'), (b'a', b'z')]
            .iter()
            .any(|&(a, b)| lo <= u32::from(b) && u32::from(a) <= hi)
    };
    match hir.kind() {
        HirKind::Literal(lit) => lit.0.first().is_some_and(|&b| !is_ascii_word_byte(b)),
        HirKind::Class(Class::Bytes(c)) => !c
            .ranges()
            .iter()
            .any(|r| has_word_byte(u32::from(r.start()), u32::from(r.end()))),
        HirKind::Class(Class::Unicode(c)) => !c
            .ranges()
            .iter()
            .any(|r| has_word_byte(u32::from(r.start()), u32::from(r.end()))),
        HirKind::Repetition(rep) => rep.min >= 1 && starts_off_word(&rep.sub),
        HirKind::Capture(cap) => starts_off_word(&cap.sub),
        HirKind::Concat(parts) => parts.first().is_some_and(starts_off_word),
        HirKind::Alternation(alts) => alts.iter().all(starts_off_word),
        HirKind::Empty | HirKind::Look(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(pattern: &str) -> Option<Vec<String>> {
        strings(pattern).map(|all| {
            all.iter()
                .map(|units| {
                    units
                        .iter()
                        .map(|u| match *u {
                            Unit::Byte(b) => format!("{}", b as char),
                            Unit::Fold(b) => format!("{}", (b as char).to_ascii_uppercase()),
                            Unit::Bound => "|".to_string(),
                        })
                        .collect()
                })
                .collect()
        })
    }

    #[test]
    fn strings_in_preference_order() {
        // Folded letters shown upper case, exact bytes as written, bounds as `|`.
        assert_eq!(
            shown(r"\b(surat edaran|(?-i:SE))\b").unwrap(),
            ["|SURAT EDARAN|", "|SE|"]
        );
        assert_eq!(shown(r"ab( \(c\))?").unwrap(), ["AB (C)", "AB"]);
        assert_eq!(shown(r"ab( c)??").unwrap(), ["AB", "AB C"]);
        assert_eq!(shown("x(a|b)y").unwrap(), ["XAY", "XBY"]);
        assert_eq!(shown("2[0-2]").unwrap(), ["20", "21", "22"]);
        assert_eq!(shown("a-b").unwrap(), ["A-B"]);
    }

    #[test]
    fn infinite_or_unknown_sets_are_refused() {
        for p in [r"a\s+b", "a.b", "a*", "^a", r"a\B", "a{2,}", "[^x]"] {
            assert!(shown(p).is_none(), "{p}");
        }
        assert_eq!(
            shown("[abcd]".repeat(6).as_str()).map(|s| s.len()),
            Some(4096)
        );
        // 4^7 strings: past the limit.
        assert!(shown(&"[abcd]".repeat(7)).is_none());
    }

    #[test]
    fn case_of_letters() {
        let s = strings(r"(?-i:SE)|se").unwrap();
        assert!(cased(&s[0]) && !folds(&s[0]));
        assert!(folds(&s[1]) && !cased(&s[1]));
        assert_eq!(text(&s[0]), b"SE");
        assert_eq!(text(&s[1]), b"se");
        let digits = strings("2024").unwrap();
        assert!(folds(&digits[0]) && cased(&digits[0]));
    }

    #[test]
    fn leading_words() {
        let word = |p: &str| leading_word(p).map(|(w, a)| (String::from_utf8(w).unwrap(), a));
        assert_eq!(
            word(r"pilkada\b"),
            Some(("pilkada".into(), AfterWord::Bound))
        );
        assert_eq!(
            word(r"Pemilihan\s+(?:umum\s+)?legislatif\b"),
            Some(("pemilihan".into(), AfterWord::OffWord))
        );
        assert_eq!(
            word(r"wali \(x\)"),
            Some(("wali".into(), AfterWord::OffWord))
        );
        // The word could run on, or the pattern match more than the word.
        for p in [
            r"pemilu",
            r"pil\s*kada",
            r"pil(kada)?\b",
            r"(?-i:SE)\b",
            r"pil\w",
            r"\bpilkada",
        ] {
            assert_eq!(word(p), None, "{p}");
        }
    }
}
