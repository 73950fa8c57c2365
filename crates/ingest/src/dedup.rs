//! Repeated paragraphs inside one article: exact, near and truncated repeats.
//!
//! Exact repeats are found by a hash of the normalised text; near repeats by word-set Jaccard,
//! computed only against kept paragraphs that share words with the new one (an inverted index
//! of word hashes counts the shared words, so the Jaccard needs no set operations); truncated copies by a hash
//! of the first [`PREFIX_CHARS`] normalised characters, then a prefix test.

use warta_core::RemovalReason;
use xxhash_rust::xxh3::xxh3_64;

use crate::text::{
    normalise, prefix_of_at_least, push_normalised_word_hashes, push_word_hashes, HashKeyed,
};

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

/// The word hashes of one paragraph: in text order, and the distinct ones sorted.
#[derive(Debug, Clone, Default)]
pub(crate) struct WordHashes {
    pub seq: Vec<u64>,
    pub set: Vec<u64>,
    /// The [`normalise`]d text, when the hashes were made from it (text with non-ASCII
    /// chars; ASCII text is hashed without it).
    pub norm: Option<String>,
}

impl WordHashes {
    /// The word hashes of the [`normalise`]d `text` (as [`push_normalised_word_hashes`]
    /// gives them: ASCII text without building the normalised text).
    pub fn of(text: &str) -> WordHashes {
        let mut seq = Vec::new();
        let norm = if text.is_ascii() {
            push_normalised_word_hashes(text, &mut seq);
            None
        } else {
            let norm = normalise(text);
            push_word_hashes(&norm, &mut seq);
            Some(norm)
        };
        let mut set = seq.clone();
        set.sort_unstable();
        set.dedup();
        WordHashes { seq, set, norm }
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
    /// word; the postings of one word are chained through `postings`.
    index: WordIndex,
    /// (kept paragraph, next posting of the same word or [`NO_POSTING`]).
    postings: Vec<(u32, u32)>,
    /// Scratch: the word hashes of the paragraph being checked, in order, and the distinct
    /// ones (sorted).
    toks: Vec<u64>,
    set: Vec<u64>,
    /// Scratch: shared-word count per kept paragraph, and the paragraphs counted.
    shared: Vec<usize>,
    touched: Vec<usize>,
    /// Scratch: the distinct words of the paragraph being checked, when they come unsorted.
    distinct: DistinctWords,
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
        // within a paragraph and across an article.
        let words = bytes / 7;
        self.exact.clear();
        self.exact.reserve(paragraphs);
        self.prefixes.clear();
        self.prefixes.reserve(paragraphs);
        self.index.reset(words / 2);
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
            + self.distinct.capacity_bytes()
            + (self.prefix_next.capacity()
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

    /// [`Dedup::check`] of a paragraph already in [`normalise`]d form, with its word hashes
    /// when they are at hand ([`WordHashes::of`] the text `norm` was normalised from).
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
        let (toks, set) = match words {
            Some(w) => (w.seq, w.set),
            None => {
                let mut toks = std::mem::take(&mut self.toks);
                toks.clear();
                push_word_hashes(&norm, &mut toks);
                // The distinct words in the order of their first occurrence: the checks
                // below read the set in any order.
                let mut set = std::mem::take(&mut self.set);
                set.clear();
                self.distinct.collect(&toks, &mut set);
                (toks, set)
            }
        };
        let verdict = self.check_with(norm, h, &set);
        if matches!(verdict, Verdict::Keep) {
            self.tokens.extend_from_slice(&toks);
            self.token_ends.push(self.tokens.len());
        }
        self.set = set;
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

    fn check_with(&mut self, norm: String, h: u64, set: &[u64]) -> Verdict {
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
        // Near repeat: count shared words per kept paragraph through the inverted index.
        if set.len() >= NEAR_MIN_WORDS {
            self.shared.resize(self.normalised.len(), 0);
            self.touched.clear();
            for w in set {
                let Some(mut at) = self.index.first_posting(*w) else {
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
            self.touched.sort_unstable();
            let mut best: Option<(usize, f32)> = None;
            for &p in &self.touched {
                let s = std::mem::take(&mut self.shared[p]);
                let other = self.sizes[p];
                if other < NEAR_MIN_WORDS {
                    continue;
                }
                let jaccard = s as f32 / (set.len() + other - s) as f32;
                // A word or two swapped in a shorter paragraph (`hukuman disiplin` -> `hukdis`)
                // costs more Jaccard than in a long one: also accept a small difference.
                let differing = set.len() + other - 2 * s;
                let few_changed =
                    differing <= NEAR_MAX_DIFFERING && set.len().min(other) >= NEAR_FEW_MIN_WORDS;
                if (jaccard >= NEAR_THRESHOLD || few_changed)
                    && best.is_none_or(|(_, b)| jaccard > b)
                {
                    best = Some((p, jaccard));
                }
            }
            if let Some((of, similarity)) = best {
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
        let para = idx as u32;
        if self.index.add_postings(set, para, &mut self.postings) {
            self.sizes.push(set.len());
            self.normalised.push(norm);
            return Verdict::Keep;
        }
        for &w in set {
            let Some(WordSlot { head, len, .. }) = self.index.slot_of(w) else {
                continue;
            };
            // A word in very many paragraphs tells nothing and would make long texts quadratic:
            // its list stops growing (counts stay exact for articles of up to that many
            // paragraphs).
            if (*len as usize) < MAX_POSTINGS {
                let at = u32::try_from(self.postings.len()).unwrap_or(NO_POSTING);
                if at == NO_POSTING {
                    continue;
                }
                self.postings.push((idx as u32, *head));
                *head = at;
                *len += 1;
            }
        }
        self.sizes.push(set.len());
        self.normalised.push(norm);
        Verdict::Keep
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
    pub fn count(&mut self, hashes: &[u64]) -> usize {
        let mut n = 0;
        self.each_new(hashes, |_| n += 1);
        n
    }

    /// Appends to `out` each of `hashes` not seen before among them, in order.
    pub fn collect(&mut self, hashes: &[u64], out: &mut Vec<u64>) {
        self.each_new(hashes, |h| out.push(h));
    }

    /// Calls `new` with each of `hashes` not seen before among them, in order.
    #[inline(always)]
    fn each_new(&mut self, hashes: &[u64], mut new: impl FnMut(u64)) {
        let size = (hashes.len() * 2).next_power_of_two().max(16);
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
        let round = self.round;
        let slots = &mut self.slots[..];
        // At most half full: a slot of an earlier round ends every probe.
        let mask = slots.len() - 1;
        for &h in hashes {
            let mut i = h as usize & mask;
            while let Some(slot) = slots.get_mut(i) {
                if slot.1 != round {
                    *slot = (h, round);
                    new(h);
                    break;
                }
                if slot.0 == h {
                    break;
                }
                i = (i + 1) & mask;
            }
        }
    }
}

/// One slot of a [`WordIndex`]: a word hash, its first posting and its number of postings.
#[derive(Clone, Copy, Default)]
struct WordSlot {
    word: u64,
    head: u32,
    len: u32,
}

/// Word hash -> postings, by open addressing (linear probing) in one flat table: a word
/// costs one or two slot reads, where a general hash map costs several steps. A slot without
/// postings is free (a word is given its slot when its first posting is added), so every
/// hash, 0 included, is a word.
#[derive(Default)]
struct WordIndex {
    slots: Vec<WordSlot>,
    /// Slots with postings.
    used: usize,
}

impl WordIndex {
    #[cfg(test)]
    fn with_capacity(words: usize) -> WordIndex {
        let mut index = WordIndex::default();
        index.reset(words);
        index
    }

    /// Empties the table, sized for `words` words at most half full.
    fn reset(&mut self, words: usize) {
        let size = (words * 2).next_power_of_two().max(16);
        self.slots.clear();
        self.slots.resize(size, WordSlot::default());
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
            if s.len == 0 || s.word == word {
                return Some(i);
            }
            i = (i + 1) & mask;
        }
        None
    }

    /// Adds a posting of paragraph `para` for each of `words` (distinct) as the loop over
    /// [`WordIndex::slot_of`] in `Dedup::check_with` does, when the table has room for all of
    /// them without growing (then the loop runs without a growth test per word); false
    /// (nothing added) when it has not.
    fn add_postings(&mut self, words: &[u64], para: u32, postings: &mut Vec<(u32, u32)>) -> bool {
        if (self.used + words.len()) * 2 > self.slots.len()
            || !u32::try_from(postings.len() + words.len()).is_ok_and(|n| n < NO_POSTING)
        {
            return false;
        }
        let slots = &mut self.slots[..];
        let mask = slots.len().wrapping_sub(1);
        let mut used = self.used;
        for &word in words {
            // Below half load: a free slot ends the probe.
            let mut i = word as usize & mask;
            let slot = loop {
                let Some(s) = slots.get(i) else {
                    break None;
                };
                if s.len == 0 || s.word == word {
                    break Some(i);
                }
                i = (i + 1) & mask;
            };
            let Some(s) = slot.and_then(|i| slots.get_mut(i)) else {
                continue;
            };
            if s.len == 0 {
                used += 1;
                *s = WordSlot {
                    word,
                    head: NO_POSTING,
                    len: 0,
                };
            }
            if (s.len as usize) < MAX_POSTINGS {
                // Below `NO_POSTING` (tested above).
                let at = postings.len() as u32;
                postings.push((para, s.head));
                s.head = at;
                s.len += 1;
            }
        }
        self.used = used;
        true
    }

    /// The first posting of `word`, if it has any.
    fn first_posting(&self, word: u64) -> Option<u32> {
        let s = self.slots.get(self.find(word)?)?;
        (s.len > 0).then_some(s.head)
    }

    /// The slot of `word`, made for it (without postings) if it has none. Its first posting
    /// must be added before the next call (a slot without postings counts as free).
    fn slot_of(&mut self, word: u64) -> Option<&mut WordSlot> {
        if (self.used + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let at = self.find(word)?;
        let slot = self.slots.get_mut(at)?;
        if slot.len == 0 {
            self.used += 1;
            *slot = WordSlot {
                word,
                head: NO_POSTING,
                len: 0,
            };
        }
        Some(slot)
    }

    fn grow(&mut self) {
        let old = std::mem::take(&mut self.slots);
        self.slots = vec![WordSlot::default(); (old.len() * 2).max(16)];
        for s in old.into_iter().filter(|s| s.len > 0) {
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
    fn word_index_keeps_every_word_through_growth() {
        // Words whose low bits collide (multiples of 2^20), the word 0, and mixed hashes.
        let words: Vec<u64> = (0..3000u64)
            .map(|i| match i % 3 {
                0 => i << 20,
                1 => xxh3_64(&i.to_le_bytes()),
                _ => i,
            })
            .collect();
        let mut index = WordIndex::with_capacity(4);
        let mut plain = std::collections::HashMap::new();
        for (n, &w) in words.iter().enumerate() {
            let slot = index.slot_of(w).expect("a slot");
            slot.head = n as u32;
            slot.len += 1;
            plain.insert(w, n as u32);
        }
        assert!(index.used * 2 <= index.slots.len());
        for (w, head) in &plain {
            assert_eq!(index.first_posting(*w), Some(*head), "{w}");
        }
        assert_eq!(index.first_posting(u64::MAX), None);
        assert_eq!(WordIndex::default().first_posting(0), None);
    }

    #[test]
    fn postings_added_at_once_are_the_postings_added_word_by_word() {
        let mut next = crate::test_rng::xorshift();
        let (mut bulk, mut single) = (WordIndex::with_capacity(8), WordIndex::with_capacity(8));
        let (mut bulk_postings, mut single_postings) = (Vec::new(), Vec::new());
        let mut bulk_used = 0;
        for para in 0..300u32 {
            // Distinct words, some of them shared with earlier paragraphs (low values).
            let mut words: Vec<u64> = (0..(next() % 40))
                .map(|_| match next() % 3 {
                    0 => next() % 50,
                    _ => next(),
                })
                .collect();
            words.sort_unstable();
            words.dedup();
            if bulk.add_postings(&words, para, &mut bulk_postings) {
                bulk_used += 1;
            } else {
                for &w in &words {
                    let slot = bulk.slot_of(w).expect("a slot");
                    if (slot.len as usize) < MAX_POSTINGS {
                        bulk_postings.push((para, slot.head));
                        slot.head = bulk_postings.len() as u32 - 1;
                        slot.len += 1;
                    }
                }
            }
            for &w in &words {
                let slot = single.slot_of(w).expect("a slot");
                if (slot.len as usize) < MAX_POSTINGS {
                    single_postings.push((para, slot.head));
                    slot.head = single_postings.len() as u32 - 1;
                    slot.len += 1;
                }
            }
        }
        assert!(bulk_used > 100, "{bulk_used}");
        assert_eq!(bulk_postings, single_postings);
        assert_eq!(bulk.used, single.used);
        for w in (0..50).chain((0..200).map(|_| next())) {
            assert_eq!(bulk.first_posting(w), single.first_posting(w), "{w}");
        }
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
