//! A leftmost-first search over a list of alternatives that also says which alternative
//! matched: the match of `a|b|c`, found by one multi-pattern regex whose patterns are `a`, `b`
//! and `c` in that order (leftmost-first gives the earlier pattern priority, as the
//! alternation does). The rule modules used to find the match with the alternation and then
//! ask a `RegexSet` of the anchored alternatives which one it was: a second search per match.

use regex_automata::meta::Regex;
use regex_automata::util::prefilter::Prefilter;
use regex_automata::{Anchored, Input, MatchKind};

/// Alternatives searched together.
pub(crate) struct Alternatives {
    re: Regex,
}

/// A match: the alternative that made it and its byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AltMatch {
    pub alt: usize,
    pub start: usize,
    pub end: usize,
}

impl Alternatives {
    /// The search over `patterns` (full regexes, each with its own flags), in priority order.
    /// `alternation` is the same language written as one pattern (`(?i-u)\b(?:a|b|c)`): the
    /// literal prefilter is taken from it, so that it is the one the single regex had.
    /// Literals extracted pattern by pattern are trimmed differently, and their union can make
    /// a slower prefilter (a many-literal Teddy where the alternation has a short one).
    pub(crate) fn new<P: AsRef<str>>(
        patterns: &[P],
        alternation: &str,
    ) -> Result<Alternatives, String> {
        let hir = regex_automata::util::syntax::parse(alternation).map_err(|e| e.to_string())?;
        let pre = Prefilter::from_hir_prefix(MatchKind::LeftmostFirst, &hir);
        let re = Regex::builder()
            .configure(Regex::config().prefilter(pre))
            .build_many(patterns)
            .map_err(|e| e.to_string())?;
        Ok(Alternatives { re })
    }

    /// The leftmost-first match starting at or after `from` (look-around sees the text before
    /// `from`, as `regex::Regex::find_at`).
    pub(crate) fn find_at(&self, text: &str, from: usize) -> Option<AltMatch> {
        if from > text.len() {
            return None;
        }
        let m = self.re.search(&Input::new(text).range(from..))?;
        Some(AltMatch {
            alt: m.pattern().as_usize(),
            start: m.start(),
            end: m.end(),
        })
    }

    /// The leftmost-first match starting exactly at `at` (look-around sees the whole text).
    pub(crate) fn find_anchored_at(&self, text: &str, at: usize) -> Option<AltMatch> {
        if at > text.len() {
            return None;
        }
        let input = Input::new(text).range(at..).anchored(Anchored::Yes);
        let m = self.re.search(&input)?;
        Some(AltMatch {
            alt: m.pattern().as_usize(),
            start: m.start(),
            end: m.end(),
        })
    }

    /// The search over `patterns` without a literal prefilter: the lazy DFA reads every
    /// byte. For searches that start where a match is likely, stopping at the prefilter's
    /// candidates costs more than the DFA does.
    pub(crate) fn without_prefilter<P: AsRef<str>>(patterns: &[P]) -> Result<Alternatives, String> {
        let re = Regex::builder()
            .configure(Regex::config().auto_prefilter(false))
            .build_many(patterns)
            .map_err(|e| e.to_string())?;
        Ok(Alternatives { re })
    }

    /// Every successive non-overlapping match starting at or after `from` (look-around sees
    /// the text before it), as `regex::Regex::find_iter` on the text from there.
    pub(crate) fn find_iter_from<'a>(
        &'a self,
        text: &'a str,
        from: usize,
    ) -> impl Iterator<Item = AltMatch> + 'a {
        let input = Input::new(text).range(from.min(text.len())..);
        self.re.find_iter(input).map(|m| AltMatch {
            alt: m.pattern().as_usize(),
            start: m.start(),
            end: m.end(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ALTS: [&str; 4] = [
        r"(?i-u)\b(?:ab|abc)",
        r"(?i-u)\b(?:abcd|b)",
        r"(?i-u)\b(?:a\s+[0-9]+)",
        r"(?i-u)\b(?:c)\b",
    ];

    fn alternation() -> String {
        let inner: Vec<&str> = ALTS
            .iter()
            .map(|a| a.trim_start_matches(r"(?i-u)\b"))
            .collect();
        format!(r"(?i-u)\b(?:{})", inner.join("|"))
    }

    /// The alternative of a match, the way the modules used to find it: the first anchored
    /// alternative matching at its start.
    fn reference(text: &str) -> Vec<AltMatch> {
        let inner: Vec<&str> = ALTS
            .iter()
            .map(|a| a.trim_start_matches(r"(?i-u)\b"))
            .collect();
        let re = regex::Regex::new(&alternation()).unwrap();
        let set = regex::RegexSet::new(inner.iter().map(|a| format!(r"(?i-u)^{a}"))).unwrap();
        re.find_iter(text)
            .map(|m| AltMatch {
                alt: set.matches(&text[m.start()..]).iter().next().unwrap(),
                start: m.start(),
                end: m.end(),
            })
            .collect()
    }

    #[test]
    fn same_matches_as_the_alternation() {
        let a = Alternatives::new(&ALTS, &alternation()).unwrap();
        let t = "abcd abc ab b c cc a 12 A\u{a0}7 xab";
        assert_eq!(a.find_iter_from(t, 0).collect::<Vec<_>>(), reference(t));
        let later: Vec<AltMatch> = reference(t).into_iter().filter(|m| m.start >= 5).collect();
        assert_eq!(a.find_iter_from(t, 5).collect::<Vec<_>>(), later);
        assert_eq!(a.find_iter_from(t, t.len() + 1).count(), 0);
        assert_eq!(a.find_at(t, 1).map(|m| m.start), Some(5));
        assert_eq!(a.find_at(t, t.len() + 1), None);
        // Anchored: the leftmost match from a byte when it starts there.
        for at in 0..=t.len() + 1 {
            let want = a.find_at(t, at).filter(|m| m.start == at);
            assert_eq!(a.find_anchored_at(t, at), want, "at {at}");
        }
    }

    proptest! {
        #[test]
        fn same_matches_on_random_text(s in "(ab|abc|abcd|b|c|a| |1|x|é|\\.){0,16}") {
            let a = Alternatives::new(&ALTS, &alternation()).unwrap();
            prop_assert_eq!(a.find_iter_from(&s, 0).collect::<Vec<_>>(), reference(&s));
        }
    }
}
