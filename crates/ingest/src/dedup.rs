//! Repeated paragraphs inside one article: exact, near and truncated repeats.
//!
//! Exact repeats are found by a hash of the normalised text; near repeats by word-set Jaccard,
//! computed only against kept paragraphs that share words with the new one (an inverted index
//! of word hashes counts the shared words, so the Jaccard needs no set operations); truncated copies by a hash
//! of the first [`PREFIX_CHARS`] normalised characters, then a prefix test.

use warta_core::RemovalReason;
use xxhash_rust::xxh3::xxh3_64;

#[cfg(test)]
use crate::text::normalise;
use crate::text::{prefix_of_at_least, push_word_hashes, HashKeyed};

/// End of a chain of postings.
const NO_POSTING: u32 = u32::MAX;
/// Word-set Jaccard at or above which a paragraph is a near repeat.
pub(crate) const NEAR_THRESHOLD: f32 = 0.85;
/// A truncated copy must keep at least this many characters of the original.
pub(crate) const PREFIX_CHARS: usize = 40;
/// Longest list of paragraphs kept per word in the inverted index.
const MAX_POSTINGS: usize = 64;
/// Also a near repeat: at most this many words differ (both ways) ...
const NEAR_MAX_DIFFERING: usize = 3;
/// ... between paragraphs of at least this many distinct words.
const NEAR_FEW_MIN_WORDS: usize = 10;
/// Near repeats are only looked for between paragraphs of at least this many distinct words.
const NEAR_MIN_WORDS: usize = 6;

/// What the de-duplicator decided about one paragraph.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Verdict {
    Keep,
    Repeat {
        reason: RemovalReason,
        rule: &'static str,
        of: usize,
        similarity: f32,
    },
}

/// The word hashes of one paragraph, in text order.
#[derive(Debug, Clone, Default)]
pub(crate) struct WordHashes {
    pub seq: Vec<u64>,
    /// The normalised text the hashes were made from.
    pub norm: String,
}

impl WordHashes {
    /// The word hashes of a normalised text, with that text (which the repeat check reads
    /// too).
    pub fn of_normalised(norm: String) -> WordHashes {
        let mut seq = Vec::new();
        push_word_hashes(&norm, &mut seq);
        WordHashes { seq, norm }
    }
}

#[derive(Default)]
pub(crate) struct Dedup {
    exact: HashKeyed<usize>,
    /// Prefix hash -> (first, last) kept paragraph with that prefix; the paragraphs of one
    /// prefix are chained in order through `prefix_next`.
    prefixes: HashKeyed<(u32, u32)>,
    /// Per kept paragraph: the next kept paragraph with its prefix hash, or [`NO_POSTING`].
    prefix_next: Vec<u32>,
    normalised: Vec<String>,
    /// The word hashes of the kept paragraphs, in text order, one after the other; paragraph
    /// `i` holds `tokens[token_ends[i - 1]..token_ends[i]]`.
    tokens: Vec<u64>,
    token_ends: Vec<usize>,
    sizes: Vec<usize>,
    /// Word hash -> (first posting, number of postings) of the kept paragraphs holding the
    /// word; the postings of one word are chained through `postings`. Also the words of the
    /// paragraph being checked, found once each through it.
    index: WordIndex,
    /// (kept paragraph, next posting of the same word or [`NO_POSTING`]).
    postings: Vec<(u32, u32)>,
    /// Scratch: the word hashes of the paragraph being checked, in order.
    toks: Vec<u64>,
    /// Scratch: the slots in `index` of the distinct words of the paragraph being checked.
    distinct: Vec<usize>,
    /// Scratch: the slots of `distinct` whose words have postings.
    with_postings: Vec<usize>,
    /// Scratch: shared-word count per kept paragraph, and the paragraphs counted.
    shared: Vec<usize>,
    touched: Vec<usize>,
}

/// Empties `v` and makes room for `n` items, keeping its allocation.
fn refill<T>(v: &mut Vec<T>, n: usize) {
    v.clear();
    v.reserve(n);
}

impl Dedup {
    /// Empties the de-duplicator for a new text of about `paragraphs` paragraphs of `bytes`
    /// bytes in all, keeping its allocations and making room for the text at once, so that
    /// its tables do not grow step by step: the verdicts are those of a new one.
    pub fn reset(&mut self, paragraphs: usize, bytes: usize) {
        // Indonesian news text: about one word per seven bytes, about half of them distinct
        // within a paragraph and across an article. The word table is sized for all of them:
        // a paragraph needs room for each of its words before it is looked up (and the words
        // of repeats keep their slots).
        let words = bytes / 7;
        self.exact.clear();
        self.exact.reserve(paragraphs);
        self.prefixes.clear();
        self.prefixes.reserve(paragraphs);
        self.index.reset(words);
        for v in [
            &mut self.token_ends,
            &mut self.sizes,
            &mut self.shared,
            &mut self.touched,
        ] {
            refill(v, paragraphs);
        }
        refill(&mut self.prefix_next, paragraphs);
        refill(&mut self.normalised, paragraphs);
        refill(&mut self.tokens, words);
        refill(&mut self.postings, words);
    }

    /// Bytes held by the tables (about: the hash maps and the kept texts are left out).
    pub fn capacity_bytes(&self) -> usize {
        self.tokens.capacity() * 8
            + self.postings.capacity() * 8
            + self.index.slots.capacity() * std::mem::size_of::<WordSlot>()
            + (self.prefix_next.capacity()
                + self.distinct.capacity()
                + self.with_postings.capacity()
                + self.token_ends.capacity()
                + self.sizes.capacity()
                + self.shared.capacity()
                + self.touched.capacity())
                * 8
    }

    /// Looks at the next paragraph; when it is kept it becomes kept paragraph number
    /// `self.kept()` (before the call).
    #[cfg(test)]
    pub fn check(&mut self, text: &str) -> Verdict {
        self.check_words(normalise(text), None)
    }

    /// [`Dedup::check`] of a paragraph already in normalised form, with its word hashes when
    /// they are at hand ([`WordHashes::of_normalised`] `norm`).
    pub fn check_words(&mut self, norm: String, words: Option<WordHashes>) -> Verdict {
        let h = xxh3_64(norm.as_bytes());
        if let Some(&of) = self.exact.get(&h) {
            if self.normalised[of] == norm {
                return Verdict::Repeat {
                    reason: RemovalReason::ExactRepeat,
                    rule: "exact_repeat",
                    of,
                    similarity: 1.0,
                };
            }
        }
        let toks = match words {
            Some(w) => w.seq,
            None => {
                let mut toks = std::mem::take(&mut self.toks);
                toks.clear();
                push_word_hashes(&norm, &mut toks);
                toks
            }
        };
        let verdict = self.check_with(norm, h, &toks);
        if matches!(verdict, Verdict::Keep) {
            self.tokens.extend_from_slice(&toks);
            self.token_ends.push(self.tokens.len());
        }
        self.toks = toks;
        verdict
    }

    /// The word hashes of each kept paragraph, in order (what the syndication signature is
    /// made of).
    pub fn kept_tokens(&self) -> impl Iterator<Item = &[u64]> + Clone {
        let starts = std::iter::once(0).chain(self.token_ends.iter().copied());
        starts
            .zip(&self.token_ends)
            .map(|(start, &end)| self.tokens.get(start..end).unwrap_or_default())
    }

    /// The verdict on a paragraph that is no exact repeat, of normalised text `norm` (hash `h`)
    /// and word hashes `toks` in text order.
    fn check_with(&mut self, norm: String, h: u64, toks: &[u64]) -> Verdict {
        // Truncated copy: a long enough prefix of a kept paragraph, cut before its end.
        // At least PREFIX_CHARS chars: the char at PREFIX_CHARS - 1 exists.
        let prefix_hash = prefix_of_at_least(&norm, PREFIX_CHARS).map(|p| xxh3_64(p.as_bytes()));
        if let Some(ph) = prefix_hash {
            if let Some(&(first, _)) = self.prefixes.get(&ph) {
                let mut at = first;
                while let Some(&next) = self.prefix_next.get(at as usize) {
                    let of = at as usize;
                    at = next;
                    let kept = &self.normalised[of];
                    if kept.len() > norm.len() && kept.starts_with(&norm) {
                        return Verdict::Repeat {
                            reason: RemovalReason::TruncatedRepeat,
                            rule: "truncated_repeat",
                            of,
                            similarity: norm.len() as f32 / kept.len() as f32,
                        };
                    }
                }
            }
        }
        // The distinct words, each found once in the index (given a slot without postings if
        // it has none).
        let mut distinct = std::mem::take(&mut self.distinct);
        self.index
            .distinct_slots(toks, &mut distinct, &mut self.with_postings);
        let words = distinct.len();
        // Near repeat: count shared words per kept paragraph through the inverted index (only
        // the words of earlier kept paragraphs have postings).
        if words >= NEAR_MIN_WORDS {
            self.shared.resize(self.normalised.len(), 0);
            self.touched.clear();
            for &slot in &self.with_postings {
                let Some(mut at) = self.index.first_posting_at(slot) else {
                    continue;
                };
                while let Some(&(p, next)) = self.postings.get(at as usize) {
                    let p = p as usize;
                    if self.shared[p] == 0 {
                        self.touched.push(p);
                    }
                    self.shared[p] += 1;
                    at = next;
                }
            }
            // The paragraphs in any order: of equal Jaccards the earliest paragraph wins, as
            // a walk in paragraph order would pick it (no sort of `touched`).
            let mut best: Option<(usize, f32)> = None;
            for &p in &self.touched {
                let s = std::mem::take(&mut self.shared[p]);
                let other = self.sizes[p];
                if other < NEAR_MIN_WORDS {
                    continue;
                }
                let jaccard = s as f32 / (words + other - s) as f32;
                // A word or two swapped in a shorter paragraph (`hukuman disiplin` -> `hukdis`)
                // costs more Jaccard than in a long one: also accept a small difference.
                let differing = words + other - 2 * s;
                let few_changed =
                    differing <= NEAR_MAX_DIFFERING && words.min(other) >= NEAR_FEW_MIN_WORDS;
                if (jaccard >= NEAR_THRESHOLD || few_changed)
                    && best.is_none_or(|(bp, b)| jaccard > b || (jaccard == b && p < bp))
                {
                    best = Some((p, jaccard));
                }
            }
            if let Some((of, similarity)) = best {
                self.distinct = distinct;
                return Verdict::Repeat {
                    reason: RemovalReason::NearRepeat,
                    rule: "near_repeat",
                    of,
                    similarity,
                };
            }
        }
        // Kept: index it.
        let idx = self.normalised.len();
        self.exact.entry(h).or_insert(idx);
        // Paragraph numbers past `u32` (not reached: a text that long is not an article) are
        // left out of the prefix chains.
        self.prefix_next.push(NO_POSTING);
        if let (Some(ph), Ok(at)) = (prefix_hash, u32::try_from(idx)) {
            match self.prefixes.entry(ph) {
                std::collections::hash_map::Entry::Occupied(mut e) => {
                    let (_, last) = e.get_mut();
                    if let Some(next) = self.prefix_next.get_mut(*last as usize) {
                        *next = at;
                    }
                    *last = at;
                }
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert((at, at));
                }
            }
        }
        self.add_postings(idx as u32, &distinct);
        self.distinct = distinct;
        self.sizes.push(words);
        self.normalised.push(norm);
        Verdict::Keep
    }
}

impl Dedup {
    /// Adds kept paragraph `para` to the postings of the words in slots `distinct`.
    fn add_postings(&mut self, para: u32, distinct: &[usize]) {
        let base = self.postings.len();
        // Posting numbers stay below `NO_POSTING` (not reached: a text with that many words
        // is no article); near it, the postings are added one at a time and those past it
        // left out.
        if base + distinct.len() >= NO_POSTING as usize {
            for &slot in distinct {
                let Some(WordSlot { head, len, .. }) = self.index.slots.get_mut(slot) else {
                    continue;
                };
                if (*len as usize) < MAX_POSTINGS {
                    let at = u32::try_from(self.postings.len()).unwrap_or(NO_POSTING);
                    if at == NO_POSTING {
                        continue;
                    }
                    self.postings.push((para, *head));
                    *head = at;
                    *len += 1;
                }
            }
            return;
        }
        // Room for a posting per word made at once and written in place; the postings not
        // used (of words whose lists are full) are cut off after.
        self.postings.resize(base + distinct.len(), (0, 0));
        let slots = &mut self.index.slots[..];
        let added = self.postings.get_mut(base..).unwrap_or_default();
        let mut k = 0;
        for &slot in distinct {
            let Some(WordSlot { head, len, .. }) = slots.get_mut(slot) else {
                continue;
            };
            // A word in very many paragraphs tells nothing and would make long texts quadratic:
            // its list stops growing (counts stay exact for articles of up to that many
            // paragraphs).
            if (*len as usize) < MAX_POSTINGS {
                if let Some(posting) = added.get_mut(k) {
                    *posting = (para, *head);
                    *head = (base + k) as u32;
                    *len += 1;
                    k += 1;
                }
            }
        }
        self.postings.truncate(base + k);
    }
}

/// A set of well-mixed hashes that is emptied in one step: open addressing (linear probing),
/// each slot stamped with the round that filled it, so a new round needs no clearing.
#[derive(Default)]
pub(crate) struct DistinctWords {
    slots: Vec<(u64, u32)>,
    round: u32,
}

impl DistinctWords {
    pub const fn new() -> DistinctWords {
        DistinctWords {
            slots: Vec::new(),
            round: 0,
        }
    }

    /// Bytes held.
    pub fn capacity_bytes(&self) -> usize {
        self.slots.capacity() * std::mem::size_of::<(u64, u32)>()
    }

    /// The number of distinct values among `hashes`.
    #[cfg(test)]
    pub fn count(&mut self, hashes: &[u64]) -> usize {
        let mut round = self.round(hashes.len());
        hashes.iter().filter(|&&h| round.insert(h)).count()
    }

    /// Appends to `out` each of `hashes` not seen before among them, in order.
    #[cfg(test)]
    pub fn collect(&mut self, hashes: &[u64], out: &mut Vec<u64>) {
        let mut round = self.round(hashes.len());
        out.extend(hashes.iter().copied().filter(|&h| round.insert(h)));
    }

    /// An empty set for at most `most` values (a round: the slots of earlier rounds count as
    /// free).
    #[inline]
    pub fn round(&mut self, most: usize) -> DistinctRound<'_> {
        let size = (most * 2).next_power_of_two().max(16);
        if self.slots.len() < size {
            self.slots = vec![(0, 0); size];
            self.round = 0;
        }
        self.round = self.round.wrapping_add(1);
        if self.round == 0 {
            // Stamps wrapped around: start again from clean slots.
            self.slots.fill((0, 0));
            self.round = 1;
        }
        DistinctRound {
            mask: self.slots.len() - 1,
            slots: &mut self.slots[..],
            round: self.round,
            room: most,
        }
    }
}

/// The set of one round of a [`DistinctWords`].
pub(crate) struct DistinctRound<'a> {
    slots: &'a mut [(u64, u32)],
    mask: usize,
    round: u32,
    /// Values that can still be added while the table stays at most half full.
    room: usize,
}

impl DistinctRound<'_> {
    /// Adds `h`; true if it was not in the set. Past the number of values the round was made
    /// for, a new value is not added (and false returned): the callers stay within it.
    #[inline(always)]
    pub fn insert(&mut self, h: u64) -> bool {
        let (mask, round) = (self.mask, self.round);
        let mut i = h as usize & mask;
        // At most half full: a slot of an earlier round ends every probe.
        while let Some(slot) = self.slots.get_mut(i) {
            if slot.1 != round {
                if self.room == 0 {
                    return false;
                }
                self.room -= 1;
                *slot = (h, round);
                return true;
            }
            if slot.0 == h {
                return false;
            }
            i = (i + 1) & mask;
        }
        false
    }
}

/// One slot of a [`WordIndex`]: a word hash, its first posting, its number of postings and
/// the last round (paragraph) that held the word; a slot of a round before the text's first
/// is free.
#[derive(Clone, Copy, Default)]
struct WordSlot {
    word: u64,
    head: u32,
    len: u32,
    round: u32,
}

/// Word hash -> postings, by open addressing (linear probing) in one flat table: a word
/// costs one or two slot reads, where a general hash map costs several steps. Every word of a
/// checked paragraph gets a slot (with or without postings), stamped with the paragraph's
/// round, which also tells the paragraph's repeated words from its first ones; every hash, 0
/// included, is a word. Rounds go on from text to text, so that the slots of earlier texts
/// are free without clearing the table.
#[derive(Default)]
struct WordIndex {
    slots: Vec<WordSlot>,
    /// Slots in use.
    used: usize,
    /// Round of the last paragraph looked up.
    round: u32,
    /// Round of the text's first paragraph: slots of earlier rounds are free (0 before the
    /// first text, when every slot is).
    base: u32,
}

impl WordIndex {
    #[cfg(test)]
    fn with_capacity(words: usize) -> WordIndex {
        let mut index = WordIndex::default();
        index.reset(words);
        index
    }

    /// Empties the table, sized for `words` words at most half full: the table is cleared
    /// only when it is made larger (or its rounds run out).
    fn reset(&mut self, words: usize) {
        let size = (words * 2).next_power_of_two().max(16);
        if self.slots.len() < size || self.round >= u32::MAX / 2 {
            self.slots.clear();
            self.slots.resize(size, WordSlot::default());
            self.round = 0;
        }
        self.base = self.round + 1;
        self.used = 0;
    }

    /// Where `word` is, or where it would go; `None` only if the table is full (not
    /// reached: it grows at half load).
    fn find(&self, word: u64) -> Option<usize> {
        let mask = self.slots.len().wrapping_sub(1);
        // Word hashes are xxh3 values: their low bits are well mixed.
        let mut i = word as usize & mask;
        for _ in 0..self.slots.len() {
            let s = self.slots.get(i)?;
            if s.round < self.base || s.word == word {
                return Some(i);
            }
            i = (i + 1) & mask;
        }
        None
    }

    /// Puts in `out` the slot of each distinct word of `words` (a paragraph's words, in text
    /// order), in order of first occurrence; a word without a slot is given one without
    /// postings. Puts in `with_postings` those of the slots that have postings, in the same
    /// order.
    fn distinct_slots(
        &mut self,
        words: &[u64],
        out: &mut Vec<usize>,
        with_postings: &mut Vec<usize>,
    ) {
        out.clear();
        with_postings.clear();
        if self.base == 0 || self.round == u32::MAX {
            // Before the first text, or rounds running out inside one: the text's words are
            // renumbered to round 1, the other slots freed.
            let base = self.base.max(1);
            for s in &mut self.slots {
                s.round = u32::from(s.round >= base && self.base > 0);
            }
            self.base = 1;
            self.round = 1;
        }
        self.round += 1;
        // Room for every word at most half full, made before the loop: the slots found stay
        // where they are.
        while (self.used + words.len()) * 2 > self.slots.len() {
            self.grow();
        }
        let (round, base) = (self.round, self.base);
        let slots = &mut self.slots[..];
        let mask = slots.len().wrapping_sub(1);
        let mut used = self.used;
        for &word in words {
            // Below half load: a free slot ends the probe.
            let mut i = word as usize & mask;
            while let Some(s) = slots.get_mut(i) {
                if s.round < base {
                    *s = WordSlot {
                        word,
                        head: NO_POSTING,
                        len: 0,
                        round,
                    };
                    used += 1;
                    out.push(i);
                    break;
                }
                if s.word == word {
                    if s.round != round {
                        s.round = round;
                        out.push(i);
                        if s.len > 0 {
                            with_postings.push(i);
                        }
                    }
                    break;
                }
                i = (i + 1) & mask;
            }
        }
        self.used = used;
    }

    /// The first posting of the word in slot `at`, if it has any.
    fn first_posting_at(&self, at: usize) -> Option<u32> {
        let s = self.slots.get(at)?;
        (s.len > 0).then_some(s.head)
    }

    /// The first posting of `word`, if it has any.
    #[cfg(test)]
    fn first_posting(&self, word: u64) -> Option<u32> {
        let at = self.find(word)?;
        if self.slots.get(at)?.round < self.base {
            return None;
        }
        self.first_posting_at(at)
    }

    fn grow(&mut self) {
        let old = std::mem::take(&mut self.slots);
        self.slots = vec![WordSlot::default(); (old.len() * 2).max(16)];
        let base = self.base;
        for s in old.into_iter().filter(|s| s.round >= base) {
            if let Some(slot) = self.find(s.word).and_then(|at| self.slots.get_mut(at)) {
                *slot = s;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(paras: &[&str]) -> Vec<Verdict> {
        let mut d = Dedup::default();
        paras.iter().map(|p| d.check(p)).collect()
    }

    #[test]
    fn a_reset_deduplicator_decides_as_a_new_one() {
        let first = [
            "Bawaslu Kaltim mengingatkan seluruh ASN agar menjaga netralitas selama Pilkada.",
            "Sanksi disiplin menanti ASN yang terbukti ikut berkampanye untuk pasangan calon.",
            "Bawaslu Kaltim mengingatkan seluruh ASN agar menjaga netralitas selama Pilkada.",
        ];
        let second = [
            "Sanksi disiplin menanti ASN yang terbukti ikut berkampanye untuk pasangan calon.",
            "Pemkab Sintang menggelar apel netralitas ASN di halaman kantor bupati, Kamis.",
            "Sanksi disiplin menanti ASN yang terbukti ikut berkampanye untuk pasangan calon",
            "Pemkab Sintang menggelar apel netralitas ASN di halaman kantor bupati, Kamis pagi.",
        ];
        let mut d = Dedup::default();
        d.reset(first.len(), 300);
        let verdicts: Vec<Verdict> = first.iter().map(|p| d.check(p)).collect();
        assert_eq!(verdicts, run(&first));
        assert!(matches!(verdicts[2], Verdict::Repeat { .. }));
        // Small sizes, so that the word table grows inside the second text.
        d.reset(1, 7);
        let verdicts: Vec<Verdict> = second.iter().map(|p| d.check(p)).collect();
        assert_eq!(verdicts, run(&second));
        assert_eq!(
            verdicts[0],
            Verdict::Keep,
            "nothing of the first text is left"
        );
        assert_eq!(d.kept_tokens().count(), 2);
    }

    #[test]
    fn verdicts_hold_when_rounds_run_out_inside_a_text() {
        let paras = [
            "Sanksi disiplin menanti ASN yang terbukti ikut berkampanye untuk pasangan calon.",
            "Pemkab Sintang menggelar apel netralitas ASN di halaman kantor bupati, Kamis.",
            "Sanksi disiplin menanti ASN yang terbukti ikut berkampanye untuk pasangan calon",
            "Pemkab Sintang menggelar apel netralitas ASN di halaman kantor bupati, Kamis pagi.",
            "Bawaslu Kaltim mengingatkan seluruh ASN agar menjaga netralitas selama Pilkada.",
            "Bawaslu Kaltim mengingatkan seluruh ASN agar menjaga netralitas selama Pilkada ini.",
        ];
        let mut d = Dedup::default();
        d.reset(paras.len(), 500);
        d.index.round = u32::MAX - 2;
        d.index.base = u32::MAX - 2;
        let verdicts: Vec<Verdict> = paras.iter().map(|p| d.check(p)).collect();
        assert_eq!(verdicts, run(&paras));
        assert!(d.index.round < 10);
    }

    #[test]
    fn word_index_keeps_every_word_through_growth() {
        // Words whose low bits collide (multiples of 2^20), the word 0, and mixed hashes, in
        // paragraphs of 0 to 99 words with repeats, some of them in a later paragraph again.
        let words: Vec<u64> = (0..3000u64)
            .map(|i| match i % 3 {
                0 => i << 20,
                1 => xxh3_64(&i.to_le_bytes()),
                _ => i,
            })
            .collect();
        let mut next = crate::test_rng::xorshift();
        let mut index = WordIndex::with_capacity(4);
        let mut plain = std::collections::HashMap::new();
        let mut slots = Vec::new();
        let mut with_postings = Vec::new();
        let mut start = 0;
        for para in 0u32.. {
            let len = (next() % 100) as usize;
            let Some(chunk) = words.get(start..(start + len).min(words.len())) else {
                break;
            };
            start += len;
            let mut paragraph: Vec<u64> = chunk.to_vec();
            paragraph.extend(chunk.iter().step_by(3));
            paragraph.extend(words.iter().step_by(97).take(3));
            index.distinct_slots(&paragraph, &mut slots, &mut with_postings);
            let mut expected: Vec<u64> = Vec::new();
            for &w in &paragraph {
                if !expected.contains(&w) {
                    expected.push(w);
                }
            }
            let found: Vec<u64> = slots.iter().map(|&at| index.slots[at].word).collect();
            assert_eq!(found, expected, "paragraph {para}");
            // The words given postings in earlier paragraphs, in the same order.
            let known: Vec<usize> = slots
                .iter()
                .copied()
                .filter(|&at| plain.contains_key(&index.slots[at].word))
                .collect();
            assert_eq!(with_postings, known, "paragraph {para}");
            for &at in &slots {
                let slot = &mut index.slots[at];
                slot.head = para;
                slot.len += 1;
                plain.insert(slot.word, para);
            }
            if start >= words.len() {
                break;
            }
        }
        assert!(index.used * 2 <= index.slots.len());
        for (w, head) in &plain {
            assert_eq!(index.first_posting(*w), Some(*head), "{w}");
        }
        assert_eq!(index.first_posting(u64::MAX), None);
        assert_eq!(WordIndex::default().first_posting(0), None);
    }

    /// The verdicts of a de-duplicator written with sets of words, as the reference for the
    /// inverted index (for texts whose words are in fewer than `MAX_POSTINGS` paragraphs).
    fn verdicts_by_sets(paras: &[String]) -> Vec<Verdict> {
        use std::collections::HashSet;

        let mut kept: Vec<(String, HashSet<u64>)> = Vec::new();
        let mut out = Vec::new();
        for p in paras {
            let norm = normalise(p);
            if let Some(of) = kept.iter().position(|(k, _)| *k == norm) {
                out.push(Verdict::Repeat {
                    reason: RemovalReason::ExactRepeat,
                    rule: "exact_repeat",
                    of,
                    similarity: 1.0,
                });
                continue;
            }
            let prefix = prefix_of_at_least(&norm, PREFIX_CHARS);
            let truncated = prefix.and_then(|pre| {
                kept.iter().enumerate().find(|(_, (k, _))| {
                    prefix_of_at_least(k, PREFIX_CHARS) == Some(pre)
                        && k.len() > norm.len()
                        && k.starts_with(&norm)
                })
            });
            if let Some((of, (k, _))) = truncated {
                out.push(Verdict::Repeat {
                    reason: RemovalReason::TruncatedRepeat,
                    rule: "truncated_repeat",
                    of,
                    similarity: norm.len() as f32 / k.len() as f32,
                });
                continue;
            }
            let mut toks = Vec::new();
            push_word_hashes(&norm, &mut toks);
            let set: HashSet<u64> = toks.into_iter().collect();
            let mut best: Option<(usize, f32)> = None;
            if set.len() >= NEAR_MIN_WORDS {
                for (p, (_, other)) in kept.iter().enumerate() {
                    let s = set.intersection(other).count();
                    if s == 0 || other.len() < NEAR_MIN_WORDS {
                        continue;
                    }
                    let jaccard = s as f32 / (set.len() + other.len() - s) as f32;
                    let differing = set.len() + other.len() - 2 * s;
                    let few_changed = differing <= NEAR_MAX_DIFFERING
                        && set.len().min(other.len()) >= NEAR_FEW_MIN_WORDS;
                    if (jaccard >= NEAR_THRESHOLD || few_changed)
                        && best.is_none_or(|(_, b)| jaccard > b)
                    {
                        best = Some((p, jaccard));
                    }
                }
            }
            match best {
                Some((of, similarity)) => out.push(Verdict::Repeat {
                    reason: RemovalReason::NearRepeat,
                    rule: "near_repeat",
                    of,
                    similarity,
                }),
                None => {
                    kept.push((norm, set));
                    out.push(Verdict::Keep);
                }
            }
        }
        out
    }

    #[test]
    fn verdicts_are_those_of_word_sets() {
        let mut next = crate::test_rng::xorshift();
        let vocabulary: Vec<String> = (0..40).map(|i| format!("kata{i}")).collect();
        let mut d = Dedup::default();
        let mut seen = [0usize; 3];
        for text in 0..150 {
            // Paragraphs of a small vocabulary (shared words, repeated words, near and exact
            // repeats), some of them cut short.
            let mut paras: Vec<String> = Vec::new();
            for _ in 0..(next() % 30) {
                let para = match (next() % 6, paras.len()) {
                    (0, n) if n > 0 => paras[(next() as usize) % n].clone(),
                    (1, n) if n > 0 => {
                        let p = &paras[(next() as usize) % n];
                        let cut = (next() as usize) % (p.len() + 1);
                        p.get(..cut).unwrap_or(p).to_string()
                    }
                    (2, n) if n > 0 => {
                        let p = &paras[(next() as usize) % n];
                        format!("{p} {}", vocabulary[(next() % 40) as usize])
                    }
                    _ => (0..(3 + next() % 25))
                        .map(|_| vocabulary[(next() % 40) as usize].as_str())
                        .collect::<Vec<_>>()
                        .join(" "),
                };
                paras.push(para);
            }
            let bytes: usize = paras.iter().map(String::len).sum();
            d.reset(paras.len() / 2, bytes / 4);
            let got: Vec<Verdict> = paras.iter().map(|p| d.check(p)).collect();
            assert_eq!(got, verdicts_by_sets(&paras), "text {text}: {paras:?}");
            for v in &got {
                if let Verdict::Repeat { reason, .. } = v {
                    seen[match reason {
                        RemovalReason::ExactRepeat => 0,
                        RemovalReason::TruncatedRepeat => 1,
                        _ => 2,
                    }] += 1;
                }
            }
        }
        // Every kind of repeat was decided.
        assert!(seen.iter().all(|&n| n > 20), "{seen:?}");
    }

    #[test]
    fn distinct_words_are_the_sorted_set_in_first_occurrence_order() {
        let mut next = crate::test_rng::xorshift();
        let mut distinct = DistinctWords::default();
        for round in 0..400 {
            let len = (next() % 90) as usize;
            // Repeats, colliding low bits and the hash 0.
            let hashes: Vec<u64> = (0..len)
                .map(|_| match next() % 4 {
                    0 => next() % 8,
                    1 => (next() % 8) << 40,
                    _ => next(),
                })
                .collect();
            let mut got = vec![7];
            distinct.collect(&hashes, &mut got);
            let mut expected = vec![7];
            for &h in &hashes {
                if !expected[1..].contains(&h) {
                    expected.push(h);
                }
            }
            assert_eq!(got, expected, "round {round}");
        }
    }

    #[test]
    fn exact_repeat_after_normalising_quotes_space_and_case() {
        let v = run(&[
            "\u{201c}Kami netral dalam Pilkada 2024,\u{201d} ujar Deni.",
            "Paragraf lain tentang Bawaslu.",
            "\"kami  netral dalam PILKADA 2024,\" ujar Deni.",
        ]);
        assert_eq!(v[0], Verdict::Keep);
        assert_eq!(v[1], Verdict::Keep);
        assert!(matches!(
            v[2],
            Verdict::Repeat {
                reason: RemovalReason::ExactRepeat,
                of: 0,
                ..
            }
        ));
    }

    #[test]
    fn near_repeat_with_a_word_changed() {
        let a = "Para pimpinan di daerah juga diminta untuk melakukan pembinaan dan pengawasan terhadap pegawai mereka dalam menjaga integritas ASN.";
        let b = "Para pimpinan di daerah juga diminta untuk melakukan pembinaan serta pengawasan terhadap pegawai mereka dalam menjaga integritas ASN.";
        let v = run(&[a, b]);
        match &v[1] {
            Verdict::Repeat {
                reason: RemovalReason::NearRepeat,
                of: 0,
                similarity,
                ..
            } => {
                assert!(*similarity >= NEAR_THRESHOLD)
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn near_repeat_with_an_abbreviation_swapped_in_a_short_paragraph() {
        let a = "\"Dua di antaranya dijatuhi hukuman disiplin berat berupa penurunan jabatan setingkat lebih rendah selama 12 bulan,\" ujarnya.";
        let b = "\"Dua di antaranya dijatuhi hukdis berat berupa penurunan jabatan setingkat lebih rendah selama 12 bulan,\" ujarnya.";
        assert!(matches!(
            run(&[a, b])[1],
            Verdict::Repeat {
                reason: RemovalReason::NearRepeat,
                of: 0,
                ..
            }
        ));
        // Two short different facts in one frame are both kept.
        let c = "Sebanyak 30 kepala OPD di Kabupaten Sintang mengikuti apel ikrar netralitas ASN, Kamis.";
        let d =
            "Sebanyak 45 camat di Kabupaten Sanggau mengikuti sosialisasi netralitas ASN, Rabu.";
        assert_eq!(run(&[c, d]), vec![Verdict::Keep, Verdict::Keep]);
    }

    #[test]
    fn truncated_copy_of_an_earlier_paragraph() {
        let a = "Usai pelaksanaan apel ikrar di tingkat kabupaten, selanjutnya kepala OPD, camat, lurah, UPTD dan UPT wajib melaksanakan apel di kantornya masing-masing.";
        let b = "Usai pelaksanaan apel ikrar di tingkat kabupaten, selanjutnya kepala OPD, ca";
        let v = run(&[a, b]);
        assert!(matches!(
            v[1],
            Verdict::Repeat {
                reason: RemovalReason::TruncatedRepeat,
                of: 0,
                ..
            }
        ));
    }

    #[test]
    fn paragraphs_sharing_a_quotation_are_both_kept() {
        let a = "\"ASN harus netral dan tidak boleh terlibat politik praktis,\" kata Bupati Sintang saat membuka apel di halaman kantor bupati, Kamis.";
        let b = "Ketua Bawaslu Kaltim menilai pesan itu tepat. Menurut dia, kalimat \"ASN harus netral dan tidak boleh terlibat politik praktis\" perlu diulang di setiap OPD karena laporan pelanggaran terus masuk.";
        assert_eq!(run(&[a, b]), vec![Verdict::Keep, Verdict::Keep]);
    }

    #[test]
    fn a_long_text_stays_linear_and_still_finds_exact_repeats() {
        let paras: Vec<String> = (0..5000u64)
            .map(|i| {
                format!(
                    "Paragraf {i} nomor {} kode {} tentang netralitas ASN di daerah {}.",
                    i * 7 + 1,
                    i * 13 + 2,
                    i * 31 + 3
                )
            })
            .collect();
        let mut d = Dedup::default();
        assert!(paras.iter().all(|p| d.check(p) == Verdict::Keep));
        assert!(matches!(
            d.check(&paras[10]),
            Verdict::Repeat {
                reason: RemovalReason::ExactRepeat,
                of: 10,
                ..
            }
        ));
    }

    #[test]
    fn short_different_sentences_are_kept() {
        let v = run(&[
            "Netralitas ASN sangat penting untuk menjaga integritas penyelenggaraan Pilkada.",
            "Selain itu, netralitas juga diperlukan dalam berbagai aspek pelayanan publik.",
            "ASN harus tetap profesional dan tidak memihak dalam memberikan layanan kepada masyarakat.",
        ]);
        assert!(v.iter().all(|v| *v == Verdict::Keep));
    }

    #[test]
    fn a_short_line_that_starts_a_paragraph_is_not_a_truncated_copy() {
        // Too short to be a cut copy: a real short sentence.
        let v = run(&[
            "ASN harus netral dalam Pilkada dan Pemilu 2024 mendatang.",
            "ASN harus netral.",
        ]);
        assert_eq!(v[1], Verdict::Keep);
    }
}
