//! Regexes searched forward only, for patterns that need no match start from a search: a
//! whole-line test (`is_match`), or a pattern anchored at the start of the text (the match
//! starts there).
//!
//! `regex::Regex` compiles each pattern twice, forward and reversed (the reverse automaton
//! finds where a match starts). For the rules here the reverse half is never searched, and
//! for their Unicode classes (`\p{L}` under bounded repeats) it costs as much to compile as
//! the forward half. A [`ForwardRegex`] compiles the forward automaton only: a lazy DFA
//! searches it, and a PikeVM over the same automaton takes over where the lazy DFA gives up
//! and gives the capture groups. Both give the leftmost-first matches `regex::Regex` gives.

use std::panic::{RefUnwindSafe, UnwindSafe};

use regex_automata::hybrid::dfa::{Cache as DfaCache, DFA};
use regex_automata::hybrid::LazyStateID;
use regex_automata::nfa::thompson::backtrack::{BoundedBacktracker, Cache as BtCache};
use regex_automata::nfa::thompson::pikevm::{Cache as VmCache, PikeVM};
use regex_automata::nfa::thompson::{self, NFA};
use regex_automata::util::captures::Captures;
use regex_automata::util::pool::Pool;
use regex_automata::{Anchored, Input, MatchKind};
use regex_syntax::hir::Hir;

/// Bits of a table of first four bytes ([`ForwardRegex::start_quads`]): 512 bytes.
pub(crate) const QUAD_BITS: usize = 4096;
/// Most first fours a table of [`QUAD_BITS`] bits is made for.
pub(crate) const QUADS_MAX: usize = 1024;

/// The bit of four first bytes in a table of [`ForwardRegex::start_quads`]: the top bits of a
/// multiplicative hash, which mix all four bytes.
pub(crate) fn quad_bit(quad: [u8; 4]) -> usize {
    (u32::from_le_bytes(quad).wrapping_mul(0x9e37_79b1) >> (32 - QUAD_BITS.trailing_zeros()))
        as usize
}

/// Per-thread search state of one [`ForwardRegex`].
struct Caches {
    dfa: DfaCache,
    /// Made on first use (most searches never need the PikeVM).
    vm: Option<VmCache>,
}

type CachesFn = Box<dyn Fn() -> Caches + Send + Sync + UnwindSafe + RefUnwindSafe>;

/// A regex compiled forward only (see the module documentation).
pub(crate) struct ForwardRegex {
    dfa: DFA,
    vm: PikeVM,
    caches: Pool<Caches, CachesFn>,
}

impl std::fmt::Debug for ForwardRegex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ForwardRegex").finish_non_exhaustive()
    }
}

/// Why a pattern did not compile.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ForwardError {
    #[error("pattern does not parse: {0}")]
    Parse(#[from] Box<regex_syntax::Error>),
    #[error("pattern does not compile: {0}")]
    Build(#[from] Box<regex_automata::nfa::thompson::BuildError>),
    #[error("lazy DFA does not build: {0}")]
    Dfa(#[from] Box<regex_automata::hybrid::BuildError>),
}

impl ForwardRegex {
    /// Compiles `pattern` with the syntax options of `regex::Regex::new`.
    #[cfg(test)]
    pub fn new(pattern: &str) -> Result<ForwardRegex, ForwardError> {
        let hir = regex_syntax::parse(pattern).map_err(Box::new)?;
        ForwardRegex::from_hir(&hir)
    }

    /// Compiles a parsed pattern (parsed as `regex::Regex::new` parses it:
    /// `regex_syntax::parse`).
    pub fn from_hir(hir: &Hir) -> Result<ForwardRegex, ForwardError> {
        // The options `regex::Regex` gives its forward automaton.
        let nfa: NFA = thompson::Compiler::new()
            .configure(
                thompson::Config::new()
                    .utf8(true)
                    .shrink(false)
                    .nfa_size_limit(Some(10 * (1 << 20))),
            )
            .build_from_hir(hir)
            .map_err(Box::new)?;
        // The lazy DFA as `regex::Regex` configures it, without a prefilter: it gives up
        // (and the PikeVM searches) when its cache is cleared too often for too little
        // progress.
        let dfa = DFA::builder()
            .configure(
                DFA::config()
                    .match_kind(MatchKind::LeftmostFirst)
                    .unicode_word_boundary(true)
                    .cache_capacity(2 * (1 << 20))
                    .minimum_cache_clear_count(Some(3))
                    .minimum_bytes_per_state(Some(10)),
            )
            .build_from_nfa(nfa.clone())
            .map_err(Box::new)?;
        let vm = PikeVM::new_from_nfa(nfa).map_err(Box::new)?;
        let for_caches = dfa.clone();
        let create: CachesFn = Box::new(move || Caches {
            dfa: for_caches.create_cache(),
            vm: None,
        });
        Ok(ForwardRegex {
            dfa,
            vm,
            caches: Pool::new(create),
        })
    }

    /// Whether the pattern matches somewhere in `haystack`.
    pub fn is_match(&self, haystack: &str) -> bool {
        let input = Input::new(haystack).earliest(true);
        let mut caches = self.caches.get();
        match self.dfa.try_search_fwd(&mut caches.dfa, &input) {
            Ok(found) => found.is_some(),
            Err(_) => {
                let Caches { vm, .. } = &mut *caches;
                let vm_cache = vm.get_or_insert_with(|| self.vm.create_cache());
                self.vm.is_match(vm_cache, input)
            }
        }
    }

    /// For a pattern anchored at the start of the haystack: which pairs of first and second
    /// bytes a haystack of two bytes or more can start with for the pattern to match it, one
    /// bit per pair (`first * 256 + second`), for the first bytes marked in `firsts` (the
    /// others are left clear). A pair is kept unless the automaton is dead after reading it;
    /// every second byte is kept after a first byte on which it gives up or has matched.
    /// `None` when the automaton cannot tell (it gives up at the start, or matches there).
    pub fn start_pairs(&self, firsts: &[bool; 256]) -> Option<Box<[u64; 1024]>> {
        let mut cache = self.dfa.create_cache();
        let input = Input::new("").anchored(Anchored::Yes);
        let start = self.dfa.start_state_forward(&mut cache, &input).ok()?;
        if start.is_match() || start.is_quit() {
            return None;
        }
        let classes = self.dfa.byte_classes();
        let mut table = Box::new([0u64; 1024]);
        // The second bytes kept after each state reached by a first byte (the upper and lower
        // case of a letter mostly reach one state).
        let mut rows: Vec<(LazyStateID, [u64; 4])> = Vec::new();
        for (first, _) in (0..=255u8).zip(firsts).filter(|(_, &f)| f) {
            let seconds = match self.dfa.next_state(&mut cache, start, first) {
                Ok(s) if !s.is_match() && !s.is_quit() => {
                    match rows.iter().find(|(id, _)| *id == s) {
                        Some(&(_, seconds)) => seconds,
                        None => {
                            let seconds = self.live_after(&mut cache, classes, s);
                            rows.push((s, seconds));
                            seconds
                        }
                    }
                }
                _ => [u64::MAX; 4],
            };
            let row = usize::from(first) * 4;
            if let Some(cells) = table.get_mut(row..row + 4) {
                cells.copy_from_slice(&seconds);
            }
        }
        Some(table)
    }

    /// For a pattern anchored at the start of the haystack: a table of the first four bytes,
    /// all ASCII, a haystack can start with for the pattern to match it. Every four ASCII bytes
    /// after which the automaton is not dead set their bit ([`quad_bit`]); others may share a
    /// bit, so the table can say yes where the automaton says no, never the reverse. (Only
    /// ASCII bytes are walked: the automaton's states for the bytes of other chars, of classes
    /// such as `\p{L}`, cost the most to build, and lines starting with such chars are few.)
    /// `None` when the automaton cannot tell within four bytes (it gives up, or has matched,
    /// before the fourth byte), or when it keeps more than [`QUADS_MAX`] fours (the table
    /// would say yes to most).
    pub fn start_quads(&self) -> Option<Box<[u64; QUAD_BITS / 64]>> {
        let mut cache = self.dfa.create_cache();
        let input = Input::new("").anchored(Anchored::Yes);
        let start = self.dfa.start_state_forward(&mut cache, &input).ok()?;
        // The bytes of each class of the automaton's alphabet, which all lead to one state:
        // one step per class.
        let classes = self.dfa.byte_classes();
        let mut members: Vec<Vec<u8>> = vec![Vec::new(); 256];
        for b in 0..0x80u8 {
            if let Some(m) = members.get_mut(usize::from(classes.get(b))) {
                m.push(b);
            }
        }
        members.retain(|m| !m.is_empty());
        // The prefixes of each length the automaton is not dead after, with its state.
        let mut level: Vec<(LazyStateID, [u8; 4])> = vec![(start, [0; 4])];
        for len in 0..4 {
            let mut longer: Vec<(LazyStateID, [u8; 4])> = Vec::new();
            for &(s, prefix) in &level {
                // A match or a give-up before the fourth byte: the bytes after it do not
                // decide.
                if s.is_match() || s.is_quit() {
                    return None;
                }
                for bytes in &members {
                    let next = self.dfa.next_state(&mut cache, s, *bytes.first()?).ok()?;
                    if next.is_dead() {
                        continue;
                    }
                    if longer.len() + bytes.len() > QUADS_MAX {
                        return None;
                    }
                    for &b in bytes {
                        let mut p = prefix;
                        *p.get_mut(len)? = b;
                        longer.push((next, p));
                    }
                }
            }
            level = longer;
        }
        let mut table = Box::new([0u64; QUAD_BITS / 64]);
        for (_, prefix) in level {
            let bit = quad_bit(prefix);
            *table.get_mut(bit / 64)? |= 1 << (bit % 64);
        }
        // A cache cleared on the way would have made the states read before it stale.
        (cache.clear_count() == 0).then_some(table)
    }

    /// The bytes after which the automaton, in state `s`, is not dead, one bit per byte.
    /// Bytes of one class of the automaton's alphabet lead to the same state: one step per
    /// class.
    fn live_after(
        &self,
        cache: &mut DfaCache,
        classes: &regex_automata::util::alphabet::ByteClasses,
        s: LazyStateID,
    ) -> [u64; 4] {
        let mut live_by_class: [Option<bool>; 256] = [None; 256];
        let mut seconds = [0u64; 4];
        for second in 0..=255u8 {
            let class = usize::from(classes.get(second));
            let live = match live_by_class.get(class).copied().flatten() {
                Some(live) => live,
                None => {
                    let live = self
                        .dfa
                        .next_state(cache, s, second)
                        .map_or(true, |next| !next.is_dead());
                    if let Some(slot) = live_by_class.get_mut(class) {
                        *slot = Some(live);
                    }
                    live
                }
            };
            if live {
                seconds[usize::from(second / 64)] |= 1 << (second % 64);
            }
        }
        seconds
    }

    /// The end of the leftmost-first match that starts at the start of `haystack`: for a
    /// pattern anchored at the start (`^...`), where its match ends.
    pub fn end_at_start(&self, haystack: &str) -> Option<usize> {
        let input = Input::new(haystack).anchored(Anchored::Yes);
        let mut caches = self.caches.get();
        match self.dfa.try_search_fwd(&mut caches.dfa, &input) {
            Ok(found) => found.map(|m| m.offset()),
            Err(_) => {
                let Caches { vm, .. } = &mut *caches;
                let vm_cache = vm.get_or_insert_with(|| self.vm.create_cache());
                self.vm.find(vm_cache, input).map(|m| m.end())
            }
        }
    }

    /// The capture groups of the leftmost-first match that starts at the start of
    /// `haystack`.
    pub fn captures_at_start(&self, haystack: &str) -> Option<Captures> {
        let input = Input::new(haystack).anchored(Anchored::Yes);
        let mut caches = self.caches.get();
        let Caches { vm, .. } = &mut *caches;
        let vm_cache = vm.get_or_insert_with(|| self.vm.create_cache());
        let mut caps = self.vm.create_captures();
        self.vm.captures(vm_cache, input, &mut caps);
        caps.is_match().then_some(caps)
    }
}

/// Capture groups of a match whose span is known, found by a bounded backtracker searching
/// that span only (look-arounds still see the text around it). For a pattern anchored at the
/// start, given the end of its leftmost-first match, it finds that match's groups: a path the
/// search prefers fails inside the span as it failed on the whole text, and no path can end
/// past the span.
pub(crate) struct SpanCaptures {
    bt: BoundedBacktracker,
    caches: Pool<BtCache, BtCacheFn>,
}

type BtCacheFn = Box<dyn Fn() -> BtCache + Send + Sync + UnwindSafe + RefUnwindSafe>;

impl std::fmt::Debug for SpanCaptures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpanCaptures").finish_non_exhaustive()
    }
}

impl SpanCaptures {
    /// Compiles a parsed pattern (see [`ForwardRegex::from_hir`]).
    pub fn from_hir(hir: &Hir) -> Result<SpanCaptures, ForwardError> {
        let nfa: NFA = thompson::Compiler::new()
            .configure(thompson::Config::new().utf8(true).shrink(false))
            .build_from_hir(hir)
            .map_err(Box::new)?;
        let bt = BoundedBacktracker::new_from_nfa(nfa).map_err(Box::new)?;
        let for_caches = bt.clone();
        let create: BtCacheFn = Box::new(move || for_caches.create_cache());
        Ok(SpanCaptures {
            bt,
            caches: Pool::new(create),
        })
    }

    /// The index of the group called `name`.
    pub fn group(&self, name: &str) -> Option<usize> {
        self.bt
            .get_nfa()
            .group_info()
            .to_index(regex_automata::PatternID::ZERO, name)
    }

    /// The groups of the match starting at the start of `haystack` within `..end`; `None`
    /// when there is none, or when the span is too long for the backtracker's bound.
    pub fn captures_within(&self, haystack: &str, end: usize) -> Option<Captures> {
        if end > self.bt.max_haystack_len() {
            return None;
        }
        let input = Input::new(haystack).range(..end).anchored(Anchored::Yes);
        let mut cache = self.caches.get();
        let mut caps = self.bt.create_captures();
        self.bt.try_captures(&mut cache, input, &mut caps).ok()?;
        caps.is_match().then_some(caps)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_and_ends_as_regex_does() {
        let patterns = [
            r"(?i)^(?:senin|selasa|rabu|kamis|jum'?at),?\s*\d{1,2}\s+\p{L}{3,9}\s+\d{4}$",
            r"^(?P<place>\p{Lu}\p{Ll}+(?: \p{Lu}\p{Ll}+){0,2})\s+[-–—]+\s+",
            r"^\p{Lu}[\p{L}.']*(?:\s\p{Lu}[\p{L}.']*){0,4}\s[-–|/]\s(?:detik\p{L}*)$",
            r"(?i)^copyright(?-u:\b).*(?-u:\b)(?:19|20)\d\d(?-u:\b).*$",
            r"^a*",
        ];
        let texts = [
            "",
            "Kamis, 7 November 2024",
            "Jum'at 15 Agustus 2025 x",
            "Makassar - Bawaslu",
            "Kota Baru Timur – ASN",
            "Éndé Barat — x",
            "Andi Wijaya - detikSulsel",
            "COPYRIGHT © ANTARA 2024",
            "copyright2024",
            "aaa",
            "baaa",
        ];
        for p in patterns {
            let re = regex::Regex::new(p).expect("pattern");
            let fwd = ForwardRegex::new(p).expect("pattern");
            let span =
                SpanCaptures::from_hir(&regex_syntax::parse(p).expect("pattern")).expect("pattern");
            for t in texts {
                assert_eq!(fwd.is_match(t), re.is_match(t), "{p} on {t:?}");
                let at_start = re.find(t).filter(|m| m.start() == 0).map(|m| m.end());
                assert_eq!(fwd.end_at_start(t), at_start, "{p} on {t:?}");
                let groups = |c: Option<regex::Captures<'_>>| {
                    c.filter(|c| c.get(0).is_some_and(|m| m.start() == 0))
                        .map(|c| c.name("place").map(|m| m.range()))
                };
                let mine = fwd
                    .captures_at_start(t)
                    .map(|c| c.get_group_by_name("place").map(|s| s.range()));
                assert_eq!(mine, groups(re.captures(t)), "{p} on {t:?}");
                if let Some(end) = at_start {
                    let within = span.captures_within(t, end).map(|c| {
                        span.group("place")
                            .and_then(|g| c.get_group(g))
                            .map(|s| s.range())
                    });
                    assert_eq!(within, groups(re.captures(t)), "{p} on {t:?}");
                }
            }
        }
    }
}
