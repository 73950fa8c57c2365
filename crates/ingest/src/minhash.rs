//! Syndication: MinHash signatures over word shingles and an LSH index of cluster heads.
//!
//! Shingles are word bigrams taken inside each kept paragraph (so a change of paragraph order
//! does not change them). A signature holds [`HASHES`] minimum hashes (one-permutation
//! hashing with densification, see [`signature`]); the index keeps, for
//! each of [`BANDS`] bands of [`ROWS`] rows, the band hash -> the cluster head that first showed
//! it, and per head one byte per minimum hash (b-bit MinHash) and its number of shingles.
//!
//! Memory: only heads are stored, each in 145 bytes (128 of b-bit signature, the shingle count,
//! the id in a shared string with its end offset: 9-byte ids), plus 5 bytes for each of its
//! band keys that no earlier head showed (see [`BandTable`]; 5.2 to 7.8 with the free slots of
//! the tables, filled to 0.64 to 0.96). That is 64 keys at most, for an article that shares no
//! band with any earlier one; on 1M generated articles (`warta-gen`), whose stories share many
//! sentences, 11.2 a head, and the clusterer held 173 MB, 173 bytes an article: 105 MB of
//! heads, 10 of ids, 57 of band tables (100k: 24 MB; with linear-probing band tables filled to
//! 0.64 to 0.8: 179 MB and 26 MB; before the compact layout, one hash map of band keys and a
//! vector of heads: 466 MB and 94 MB). Every part grows in pieces (chunks of heads, one band
//! table at a time, a table by half, the tables at different moments), so growing never
//! holds two copies of the index nor makes a step in its size.
//!
//! Copies of one press release on other sites are rewritten: measured on the bundled corpus,
//! their word-bigram Jaccard is only 0.21 to 0.40 (unrelated articles on the same topic: at
//! most 0.10), but their containment (shared shingles over the smaller set) is 0.44 to 0.69
//! against at most 0.21. So the decision uses the containment estimated from the Jaccard
//! estimate and the two set sizes, and the bands are short (2 rows) so that pairs with a
//! Jaccard near 0.2 still meet in some band (probability 0.93 at J = 0.2). Each band key
//! names one head, so an article is compared with at most [`BANDS`] heads.

use warta_core::{Article, Cluster};
use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::dedup::DistinctWords;

#[cfg(test)]
use crate::text::{word_hash, words};

pub(crate) const BANDS: usize = 64;
pub(crate) const ROWS: usize = 2;
pub(crate) const HASHES: usize = BANDS * ROWS;
const SHINGLE: usize = 2;

/// A MinHash signature and the number of distinct shingles; `None` for an article without words.
pub(crate) type Signature = Option<(Box<[u64; HASHES]>, u32)>;

fn mix(mut z: u64) -> u64 {
    // splitmix64 finaliser.
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Bits of a shingle hash that pick its bin.
const BIN_SHIFT: u32 = 64 - HASHES.trailing_zeros();

/// The signature of an article from the normalised text of its kept paragraphs.
///
/// One-permutation hashing: each distinct shingle is hashed once; the top bits of the hash
/// pick one of [`HASHES`] bins and each bin keeps its smallest hash. An empty bin (an article
/// with fewer shingles than bins leaves many) borrows the value of the first non-empty bin on
/// a probe sequence that depends only on the bin number ("optimal densification", Shrivastava
/// 2017), so two articles agree in a bin with probability equal to their Jaccard, as with
/// [`HASHES`] independent permutations, at the cost of one hash per shingle instead of one per
/// shingle and permutation.
///
/// `paragraphs`: the [`crate::text::word_hash`]es of the words of each kept paragraph, in order (as
/// [`crate::dedup::Dedup`] keeps them).
pub(crate) fn signature<'a, I>(paragraphs: I) -> Signature
where
    I: IntoIterator<Item = &'a [u64]> + Clone,
{
    SCRATCH.with(|table| {
        let mut table = table.borrow_mut();
        let sig = signature_with(paragraphs, &mut table);
        // A very long article does not leave its table to the thread.
        if table.capacity_bytes() > SCRATCH_KEPT {
            *table = DistinctWords::new();
        }
        sig
    })
}

/// Most bytes of the distinct-shingle table that [`signature`] keeps between articles
/// (512 KiB: the table of an article of up to 16k words).
const SCRATCH_KEPT: usize = 512 << 10;

thread_local! {
    /// Per thread: the table that finds the distinct shingles of the article being signed,
    /// kept between articles so that signing allocates only the signature.
    static SCRATCH: std::cell::RefCell<DistinctWords> =
        const { std::cell::RefCell::new(DistinctWords::new()) };
}

/// [`signature`] with the distinct-shingle table given.
///
/// One pass over the shingles: each is hashed, looked up in the table of the article's
/// distinct shingles, and only a new one is counted and put in its bin (a repeat leaves the
/// bin's minimum as it is).
fn signature_with<'a, I>(paragraphs: I, table: &mut DistinctWords) -> Signature
where
    I: IntoIterator<Item = &'a [u64]> + Clone,
{
    // At most one shingle per word: the table is sized once for all of them.
    let words: usize = paragraphs.clone().into_iter().map(<[u64]>::len).sum();
    let mut distinct = table.round(words);
    let mut n = 0usize;
    let mut mins = [u64::MAX; HASHES];
    let mut filled = [false; HASHES];
    let mut add = |h: u64| {
        if distinct.insert(h) {
            n += 1;
            let bin = (h >> BIN_SHIFT) as usize;
            if let (Some(f), Some(m)) = (filled.get_mut(bin), mins.get_mut(bin)) {
                *f = true;
                *m = (*m).min(h);
            }
        }
    };
    for toks in paragraphs {
        match toks {
            [] => {}
            [one] => add(mix(*one)),
            _ => {
                for w in toks.windows(SHINGLE) {
                    add(mix(w[0]
                        .wrapping_mul(0x9e37_79b9_7f4a_7c15)
                        .rotate_left(31)
                        ^ w[1]));
                }
            }
        }
    }
    if n == 0 {
        return None;
    }
    let n = u32::try_from(n).unwrap_or(u32::MAX);
    for i in 0..HASHES {
        if filled[i] {
            continue;
        }
        // At least one bin is filled, so the probe ends; the attempt bound only guards the
        // loop against a hash that never reaches one. A filled bin is never written here, so
        // the value borrowed is the bin's own minimum.
        for attempt in 0u64.. {
            let j = (mix(((i as u64) << 32) | attempt) >> BIN_SHIFT) as usize;
            if filled[j] {
                mins[i] = mins[j];
                break;
            }
            if attempt > 1 << 20 {
                mins[i] = smallest(&mins);
                break;
            }
        }
    }
    Some((Box::new(mins), n))
}

/// The smallest shingle of a signature being densified: its least value (the bins not yet
/// given one hold `u64::MAX`, the others a shingle).
#[cold]
#[inline(never)]
fn smallest(mins: &[u64; HASHES]) -> u64 {
    mins.iter().copied().min().unwrap_or(u64::MAX)
}

/// Heads per chunk of head storage: the storage grows a chunk at a time and never copies what it
/// already holds (a doubling vector of a million heads would hold 1.5 to 2 times its size while
/// it moves).
const CHUNK: usize = 4096;
/// Buckets of a band table at the start (band `b` starts with `b` more, so that the tables,
/// which fill alike, do not all grow at once).
const TABLE_START: usize = 64;
/// Most keys per slot of a band table, as a fraction.
const MAX_LOAD: (usize, usize) = (24, 25);
/// Share of its buckets that a band table grows by.
const GROWTH: (usize, usize) = (1, 2);
/// Keys moved to make room for one before the table grows instead.
const MAX_MOVES: usize = 500;

/// Assigns clusters in input order. Deterministic: depends only on the order of calls.
pub(crate) struct Clusterer {
    threshold: f32,
    /// One table per band: band key -> the head that first showed it.
    bands: Vec<BandTable>,
    heads: Heads,
    ids: Ids,
    /// One bit per head: the head has members.
    with_members: Vec<u64>,
    clusters: usize,
    pub syndicated_articles: usize,
}

impl Clusterer {
    pub fn new(threshold: f32) -> Self {
        Clusterer {
            threshold,
            bands: (0..BANDS)
                .map(|b| BandTable::new(TABLE_START + b))
                .collect(),
            heads: Heads::default(),
            ids: Ids::default(),
            with_members: Vec::new(),
            clusters: 0,
            syndicated_articles: 0,
        }
    }

    /// Number of clusters with two or more articles.
    pub fn clusters(&self) -> usize {
        self.clusters
    }

    /// Number of cluster heads indexed.
    #[cfg(test)]
    pub fn heads(&self) -> usize {
        self.heads.len
    }

    /// Bytes the clusterer holds on the heap (capacities, not lengths).
    pub fn heap_bytes(&self) -> usize {
        let bands: usize = self.bands.iter().map(BandTable::heap_bytes).sum();
        bands
            + self.bands.capacity() * std::mem::size_of::<BandTable>()
            + self.heads.heap_bytes()
            + self.ids.heap_bytes()
            + self.with_members.capacity() * 8
    }

    /// The heads whose band keys `article` shares, in head order, and per band the key's
    /// tag, hash and owner.
    ///
    /// The 64 lookups run in steps, each step over all bands, so that the memory reads of one
    /// step (buckets, then heads' band rows) do not wait for each other: at a million heads
    /// each is a cache miss.
    fn candidates(&self, sig: &[u64; HASHES], bits: &[u8; HASHES]) -> (Vec<u32>, [Probe; BANDS]) {
        let mut probes = [Probe::default(); BANDS];
        let mut at = [(0, 0); BANDS];
        for (b, table) in self.bands.iter().enumerate() {
            let rows = b * ROWS..(b + 1) * ROWS;
            let tag = tag_of(band_key(&sig[rows.clone()], b));
            let hash = key_hash(tag, &bits[rows]);
            probes[b] = Probe {
                owner: None,
                tag,
                hash,
            };
            at[b] = (table.home(hash), 0);
        }
        let mut masks = [(0, 0); BANDS];
        for (b, table) in self.bands.iter().enumerate() {
            let tag = probes[b].tag;
            masks[b].0 = table.matches(at[b].0, tag);
            // A key is in its second bucket only if its first was full at some time, and a
            // bucket never loses a key (a move takes a key's place): a first bucket with a
            // free slot settles the lookup.
            if table.is_full(at[b].0) {
                at[b].1 = table.other(at[b].0, tag);
                masks[b].1 = table.matches(at[b].1, tag);
            }
        }
        let mut cands = Vec::with_capacity(BANDS);
        for (b, table) in self.bands.iter().enumerate() {
            if masks[b] == (0, 0) {
                continue;
            }
            let rows = &bits[b * ROWS..(b + 1) * ROWS];
            probes[b].owner = table.owner(at[b], masks[b], rows, b, &self.heads);
            cands.extend(probes[b].owner);
        }
        cands.sort_unstable();
        cands.dedup();
        (cands, probes)
    }

    /// Sets `article.cluster`: the head it nearly duplicates, else a new cluster of its own.
    pub fn assign(&mut self, article: &mut Article, sig: &Signature) {
        let Some((sig, size)) = sig else {
            article.cluster = None;
            return;
        };
        let bits: [u8; HASHES] = std::array::from_fn(|i| sig[i] as u8);
        let (cands, probes) = self.candidates(sig, &bits);
        let mut best: Option<(u32, f32, f32)> = None;
        for head in cands {
            let Some((hb, head_size)) = self.heads.get(head) else {
                continue;
            };
            let same = equal_bytes(hb, &bits) as f32 / HASHES as f32;
            // b-bit MinHash: remove the chance agreement of two random bytes.
            let jaccard = ((same - 1.0 / 256.0) / (1.0 - 1.0 / 256.0)).clamp(0.0, 1.0);
            let contained = containment(jaccard, *size, head_size);
            if contained >= self.threshold && best.is_none_or(|(_, _, c)| contained > c) {
                best = Some((head, jaccard, contained));
            }
        }
        match best {
            Some((head, similarity, _)) => {
                let h = head as usize;
                if let Some(word) = self.with_members.get_mut(h / 64) {
                    if *word & (1 << (h % 64)) == 0 {
                        *word |= 1 << (h % 64);
                        self.clusters += 1;
                        self.syndicated_articles += 1; // the head itself
                    }
                }
                self.syndicated_articles += 1;
                article.cluster = Some(Cluster {
                    id: self.ids.get(head).to_string(),
                    similarity,
                    representative: false,
                });
            }
            None => {
                // Heads past u32::MAX (not reached: 600 GB of heads) stay unindexed.
                if let Ok(head) = u32::try_from(self.heads.len) {
                    if self.heads.len % 64 == 0 {
                        self.with_members.push(0);
                    }
                    self.heads.push(bits, *size);
                    self.ids.push(self.heads.len - 1, &article.id);
                    // After the push: a table that grows reads the band rows of every head.
                    for (b, (table, probe)) in self.bands.iter_mut().zip(probes).enumerate() {
                        if probe.owner.is_none() {
                            table.insert(probe.hash, probe.tag, head, b, &self.heads);
                        }
                    }
                }
                article.cluster = Some(Cluster {
                    id: article.id.clone(),
                    similarity: 1.0,
                    representative: true,
                });
            }
        }
    }
}

/// The number of positions where two b-bit signatures hold the same byte, eight bytes at a
/// time: a byte of `a ^ b` is zero exactly where they agree. The differing bytes are counted
/// per byte lane over all words (at most `HASHES / 8` = 16 a lane, so no lane carries), then
/// the lanes are summed by one product (at most `HASHES` = 128, which a byte holds).
fn equal_bytes(a: &[u8; HASHES], b: &[u8; HASHES]) -> usize {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const _: () = assert!(HASHES < 256);
    let mut differing = 0u64;
    for (x, y) in a.chunks_exact(8).zip(b.chunks_exact(8)) {
        let word = |c: &[u8]| u64::from_le_bytes(c.try_into().unwrap_or([0; 8]));
        let t = word(x) ^ word(y);
        // The high bit of each byte is set when the byte is not zero (no carry crosses bytes:
        // the low seven bits plus 0x7f stay below 0x100); moved down, one per differing byte.
        let nonzero = (((t & LOW7) + LOW7) | t) & !LOW7;
        differing += nonzero >> 7;
    }
    HASHES - (differing.wrapping_mul(0x0101_0101_0101_0101) >> 56) as usize
}

/// One band's index: band key -> the head that first showed it, by bucketed cuckoo hashing. A
/// slot holds 16 bits of the key (the tag; 0 marks a free slot) and the head (its low 24 bits,
/// plus a high byte once there are more than 2^24 heads). The key's fingerprint is the tag with
/// the head's own b-bit values of the band's rows (read from its signature): 32 bits whose hash
/// picks the key's first bucket, so a key costs 5 bytes and the table can be rebuilt larger
/// without the keys. Two keys with one fingerprint count as one: the later one finds the head
/// of the earlier as a candidate, which the b-bit comparison then judges, and is not indexed
/// itself. A table of n random keys has about n^2 / 2^33 such pairs; on 1M generated articles
/// 0.004% of the keys were not indexed and one article of the million joined a head that a
/// plain map would not have offered (estimated containment 0.43).
///
/// A key is in its first bucket or in its second, which is the first mirrored about a point
/// that depends on the tag alone (so a key can be moved to its other bucket without reading
/// its head). A lookup reads at most two buckets of [`BUCKET`] slots, whatever the load (the
/// second only when the first is full); so the table can be filled to [`MAX_LOAD`] (linear
/// probing at that load would scan dozens of slots) and grows by [`GROWTH`] at a time, one
/// band at a time.
struct BandTable {
    buckets: Vec<Bucket>,
    /// Empty until a head needs more than 24 bits: then the high byte of the head of each slot.
    high: Vec<u8>,
    len: usize,
    /// Moves made to free a slot: picks the slot that the next move takes (deterministic).
    moves: u64,
}

/// Slots per bucket of a [`BandTable`].
const BUCKET: usize = 8;

/// [`BUCKET`] slots: the tags, then the low 24 bits of the heads. The used slots come first.
#[derive(Clone, Copy, Default)]
struct Bucket {
    tags: [u16; BUCKET],
    heads: [[u8; 3]; BUCKET],
}

impl Bucket {
    /// Bit `i` set where slot `i` holds `tag` (for `tag` 0: where slot `i` is free). Four
    /// tags at a time: a 16-bit lane of `x` is zero exactly where the tag is.
    #[inline]
    fn matches(&self, tag: u16) -> u32 {
        const LOW15: u64 = 0x7fff_7fff_7fff_7fff;
        let spread = u64::from(tag) * 0x0001_0001_0001_0001;
        let mut m = 0;
        for (k, quad) in self.tags.chunks_exact(4).enumerate() {
            let word = quad
                .iter()
                .rev()
                .fold(0u64, |w, &t| (w << 16) | u64::from(t));
            let x = word ^ spread;
            // The high bit of each lane is set where the lane is not zero (no carry crosses
            // lanes: the low 15 bits plus 0x7fff stay below 0x10000).
            let zero = !(((x & LOW15) + LOW15) | x) & !LOW15;
            // The four high bits (15, 31, 47, 63) gathered into bits 45 to 48 by one product:
            // bit 16a of `zero >> 15` times 2^(15b) lands on bit 16a + 15b, distinct for all a,
            // b < 4, so no two terms meet and nothing carries.
            let lanes = ((zero >> 15).wrapping_mul(0x0000_2000_4000_8001) >> 45) & 0xf;
            m |= (lanes as u32) << (4 * k);
        }
        m
    }

    /// Slots in use (they come first).
    #[inline]
    fn used(&self) -> usize {
        self.tags.iter().take_while(|&&t| t != 0).count()
    }
}

/// What a band table holds for one band key of an article.
#[derive(Clone, Copy, Default)]
struct Probe {
    /// The head that showed the key first.
    owner: Option<u32>,
    tag: u16,
    /// The hash of the key's fingerprint: where it goes if the article becomes a head.
    hash: u64,
}

/// The hash of a key's fingerprint: its tag and its head's b-bit values of the band's rows.
fn key_hash(tag: u16, rows: &[u8]) -> u64 {
    mix(rows
        .iter()
        .fold(u64::from(tag), |x, &r| (x << 8) | u64::from(r)))
}

impl BandTable {
    fn new(buckets: usize) -> Self {
        BandTable {
            buckets: vec![Bucket::default(); buckets.max(2)],
            high: Vec::new(),
            len: 0,
            moves: 0,
        }
    }

    fn heap_bytes(&self) -> usize {
        self.buckets.capacity() * std::mem::size_of::<Bucket>() + self.high.capacity()
    }

    /// Slots.
    fn capacity(&self) -> usize {
        self.buckets.len() * BUCKET
    }

    /// The first bucket of a key.
    fn home(&self, hash: u64) -> usize {
        ((u128::from(hash) * self.buckets.len() as u128) >> 64) as usize
    }

    /// The other bucket of a key of tag `tag` in bucket `bucket`: `bucket` mirrored about a
    /// point that the tag picks (so `other(other(b)) == b`).
    #[inline]
    fn other(&self, bucket: usize, tag: u16) -> usize {
        let n = self.buckets.len();
        let point = ((u128::from(mix(u64::from(tag) ^ 0x5bd1_e995)) * n as u128) >> 64) as usize;
        // `point < n` and `bucket < n`: the sum is below 2n.
        let x = point + n - bucket.min(n);
        if x >= n {
            x - n
        } else {
            x
        }
    }

    /// The two buckets of a key.
    #[cfg(test)]
    fn buckets_of(&self, hash: u64, tag: u16) -> (usize, usize) {
        let first = self.home(hash);
        (first, self.other(first, tag))
    }

    /// The bucket has no free slot.
    #[inline]
    fn is_full(&self, bucket: usize) -> bool {
        self.buckets
            .get(bucket)
            .is_none_or(|b| b.tags[BUCKET - 1] != 0)
    }

    /// The slots of `bucket` that hold `tag`, as bits.
    fn matches(&self, bucket: usize, tag: u16) -> u32 {
        self.buckets.get(bucket).map_or(0, |b| b.matches(tag))
    }

    fn entry(&self, bucket: usize, slot: usize) -> (u16, u32) {
        let Some(b) = self.buckets.get(bucket) else {
            return (0, 0);
        };
        let (tag, [x, y, z]) = (b.tags[slot % BUCKET], b.heads[slot % BUCKET]);
        let w = self.high.get(bucket * BUCKET + slot).copied().unwrap_or(0);
        (tag, u32::from_le_bytes([x, y, z, w]))
    }

    #[inline]
    fn set(&mut self, bucket: usize, slot: usize, tag: u16, head: u32) {
        let [x, y, z, w] = head.to_le_bytes();
        if w != 0 && self.high.is_empty() {
            self.high = vec![0; self.capacity()];
        }
        if let Some(b) = self.buckets.get_mut(bucket) {
            b.tags[slot % BUCKET] = tag;
            b.heads[slot % BUCKET] = [x, y, z];
            if !self.high.is_empty() {
                if let Some(h) = self.high.get_mut(bucket * BUCKET + slot % BUCKET) {
                    *h = w;
                }
            }
        }
    }

    /// The head of the key of tag `tag` whose band rows (b-bit) are `rows`, among the slots
    /// `masks` of the key's buckets `at` (as [`BandTable::matches`] gives them).
    fn owner(
        &self,
        at: (usize, usize),
        masks: (u32, u32),
        rows: &[u8],
        band: usize,
        heads: &Heads,
    ) -> Option<u32> {
        for (bucket, mut m) in [(at.0, masks.0), (at.1, masks.1)] {
            while m != 0 {
                let slot = m.trailing_zeros() as usize;
                m &= m - 1;
                let (_, head) = self.entry(bucket, slot);
                if heads.band_rows(head, band) == Some(rows) {
                    return Some(head);
                }
            }
        }
        None
    }

    /// The head holding the key of tag `tag` whose band rows (b-bit) are `rows`.
    #[cfg(test)]
    fn probe(&self, tag: u16, rows: &[u8], band: usize, heads: &Heads) -> Option<u32> {
        // Both buckets, full or not (the lookup of [`Clusterer::candidates`] skips the second
        // when the first has room; the tests compare the two).
        let at = self.buckets_of(key_hash(tag, rows), tag);
        let masks = (self.matches(at.0, tag), self.matches(at.1, tag));
        self.owner(at, masks, rows, band, heads)
    }

    /// Puts the key in a free slot of `bucket`, if it has one.
    #[inline]
    fn put(&mut self, bucket: usize, tag: u16, head: u32) -> bool {
        let Some(slot) = self.buckets.get(bucket).map(Bucket::used) else {
            return false;
        };
        if slot == BUCKET {
            return false;
        }
        self.set(bucket, slot, tag, head);
        self.len += 1;
        true
    }

    /// Puts a key (not in the table) in its first bucket, else in its other one, else in the
    /// place of a key of that bucket, which moves to its own other bucket, and so on for at most
    /// [`MAX_MOVES`] moves. On failure, the key left without a slot.
    fn try_insert(&mut self, hash: u64, tag: u16, head: u32) -> Result<(), (u16, u32)> {
        let first = self.home(hash);
        if self.put(first, tag, head) {
            return Ok(());
        }
        let (mut bucket, mut tag, mut head) = (self.other(first, tag), tag, head);
        for _ in 0..MAX_MOVES {
            if self.put(bucket, tag, head) {
                return Ok(());
            }
            self.moves = self.moves.wrapping_add(1);
            let slot = (mix(self.moves) % BUCKET as u64) as usize;
            let (t, h) = self.entry(bucket, slot);
            self.set(bucket, slot, tag, head);
            (tag, head) = (t, h);
            bucket = self.other(bucket, tag);
        }
        Err((tag, head))
    }

    /// Adds the key of hash `hash` and tag `tag` (not in the table) for head `head`, whose band
    /// rows must be in `heads` (they place it again when the table grows).
    fn insert(&mut self, hash: u64, tag: u16, head: u32, band: usize, heads: &Heads) {
        if (self.len + 1) * MAX_LOAD.1 > self.capacity() * MAX_LOAD.0 {
            self.grow(band, heads);
        }
        // The first step of `try_insert` written out for the common case (a first bucket
        // with room, a head of 24 bits, no high bytes kept): the same slot, without the calls.
        let [x, y, z, w] = head.to_le_bytes();
        let first = self.home(hash);
        if w == 0 && self.high.is_empty() {
            if let Some(b) = self.buckets.get_mut(first) {
                let used = b.used();
                if used < BUCKET {
                    b.tags[used] = tag;
                    b.heads[used] = [x, y, z];
                    self.len += 1;
                    return;
                }
            }
        }
        let mut key = (hash, tag, head);
        // Each failure grows the table; the bound only keeps the loop finite.
        for _ in 0..64 {
            match self.try_insert(key.0, key.1, key.2) {
                Ok(()) => return,
                Err((tag, head)) => {
                    self.grow(band, heads);
                    let Some(rows) = heads.band_rows(head, band) else {
                        return;
                    };
                    key = (key_hash(tag, rows), tag, head);
                }
            }
        }
    }

    /// Rebuilds the table [`GROWTH`] larger: one band at a time, so the index never holds two
    /// copies of itself.
    fn grow(&mut self, band: usize, heads: &Heads) {
        let mut n = self.buckets.len();
        // First every key's hash (the band rows of its head: reads that do not wait for each
        // other), then the moves.
        let mut keys: Vec<(u64, u16, u32)> = Vec::with_capacity(self.len);
        for (i, b) in self.buckets.iter().enumerate() {
            for (slot, (&tag, &[x, y, z])) in b.tags.iter().zip(&b.heads).enumerate() {
                if tag == 0 {
                    break;
                }
                let w = if self.high.is_empty() {
                    0
                } else {
                    self.high.get(i * BUCKET + slot).copied().unwrap_or(0)
                };
                let head = u32::from_le_bytes([x, y, z, w]);
                if let Some(rows) = heads.band_rows(head, band) {
                    keys.push((key_hash(tag, rows), tag, head));
                }
            }
        }
        // A rebuild that cannot place every key (not met in practice below MAX_LOAD) is
        // tried again larger.
        loop {
            n += n / GROWTH.1 * GROWTH.0 + 1;
            let mut bigger = BandTable::new(n);
            bigger.moves = self.moves;
            let placed = keys.iter().all(|&(hash, tag, head)| {
                // The first step of `try_insert` written out for the common case (a first
                // bucket with room, a head of 24 bits): the same slot, without the calls.
                let [x, y, z, w] = head.to_le_bytes();
                let first = bigger.home(hash);
                if let Some(b) = bigger.buckets.get_mut(first) {
                    let used = b.used();
                    if w == 0 && used < BUCKET {
                        b.tags[used] = tag;
                        b.heads[used] = [x, y, z];
                        bigger.len += 1;
                        return true;
                    }
                }
                bigger.try_insert(hash, tag, head).is_ok()
            });
            if placed {
                *self = bigger;
                return;
            }
        }
    }
}

/// The tag of a band key: its low 16 bits, 0 (a free slot) taken as 1.
fn tag_of(key: u64) -> u16 {
    (key as u16).max(1)
}

/// The b-bit signatures and shingle counts of the heads, in chunks of [`CHUNK`] heads.
#[derive(Default)]
struct Heads {
    chunks: Vec<HeadChunk>,
    len: usize,
}

struct HeadChunk {
    bits: Vec<[u8; HASHES]>,
    sizes: Vec<u32>,
}

impl Heads {
    fn push(&mut self, bits: [u8; HASHES], size: u32) {
        if self.len % CHUNK == 0 {
            self.chunks.push(HeadChunk {
                bits: Vec::with_capacity(CHUNK),
                sizes: Vec::with_capacity(CHUNK),
            });
        }
        if let Some(c) = self.chunks.last_mut() {
            c.bits.push(bits);
            c.sizes.push(size);
            self.len += 1;
        }
    }

    fn get(&self, head: u32) -> Option<(&[u8; HASHES], u32)> {
        let h = head as usize;
        let c = self.chunks.get(h / CHUNK)?;
        Some((c.bits.get(h % CHUNK)?, *c.sizes.get(h % CHUNK)?))
    }

    /// The b-bit values of band `band` of a head.
    fn band_rows(&self, head: u32, band: usize) -> Option<&[u8]> {
        let h = head as usize;
        let bits = self.chunks.get(h / CHUNK)?.bits.get(h % CHUNK)?;
        bits.get(band * ROWS..(band + 1) * ROWS)
    }

    fn heap_bytes(&self) -> usize {
        self.chunks.capacity() * std::mem::size_of::<HeadChunk>()
            + self
                .chunks
                .iter()
                .map(|c| c.bits.capacity() * HASHES + c.sizes.capacity() * 4)
                .sum::<usize>()
    }
}

/// The ids of the heads: one string per chunk of up to [`CHUNK`] ids with their end offsets.
#[derive(Default)]
struct Ids {
    chunks: Vec<IdChunk>,
}

struct IdChunk {
    /// Number of the chunk's first head.
    first: usize,
    text: String,
    ends: Vec<u32>,
}

impl Ids {
    /// Adds the id of head number `head` (one more than the last).
    fn push(&mut self, head: usize, id: &str) {
        let fits =
            |c: &IdChunk| c.ends.len() < CHUNK && c.text.len() + id.len() <= u32::MAX as usize;
        if !self.chunks.last().is_some_and(fits) {
            if let Some(full) = self.chunks.last_mut() {
                full.text.shrink_to_fit();
            }
            self.chunks.push(IdChunk {
                first: head,
                text: String::new(),
                ends: Vec::with_capacity(CHUNK),
            });
        }
        if let Some(c) = self.chunks.last_mut() {
            c.text.push_str(id);
            // An id longer than u32::MAX bytes fills a chunk of its own (`fits` fails for the
            // next one), and its end is read as the end of the text.
            c.ends.push(u32::try_from(c.text.len()).unwrap_or(u32::MAX));
        }
    }

    fn get(&self, head: u32) -> &str {
        let h = head as usize;
        let Some(c) = self
            .chunks
            .partition_point(|c| c.first <= h)
            .checked_sub(1)
            .and_then(|i| self.chunks.get(i))
        else {
            return "";
        };
        let k = h - c.first;
        let start = k
            .checked_sub(1)
            .and_then(|p| c.ends.get(p))
            .map_or(0, |&e| e as usize);
        let end = match c.ends.get(k) {
            Some(&e) if e < u32::MAX => e as usize,
            _ => c.text.len(),
        };
        c.text.get(start..end).unwrap_or_default()
    }

    fn heap_bytes(&self) -> usize {
        self.chunks.capacity() * std::mem::size_of::<IdChunk>()
            + self
                .chunks
                .iter()
                .map(|c| c.text.capacity() + c.ends.capacity() * 4)
                .sum::<usize>()
    }
}

/// Shared shingles over the smaller set, from the Jaccard and the two set sizes:
/// |A ∩ B| = J (|A| + |B|) / (1 + J).
fn containment(jaccard: f32, a: u32, b: u32) -> f32 {
    let smaller = a.min(b).max(1) as f32;
    let shared = jaccard * (a as f32 + b as f32) / (1.0 + jaccard);
    (shared / smaller).clamp(0.0, 1.0)
}

/// The index key of band `band`: a hash of its rows (little-endian bytes), seeded by the band.
fn band_key(rows: &[u64], band: usize) -> u64 {
    let mut bytes = [0u8; ROWS * 8];
    for (chunk, r) in bytes.chunks_exact_mut(8).zip(rows) {
        chunk.copy_from_slice(&r.to_le_bytes());
    }
    xxh3_64_with_seed(&bytes, band as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::normalise;
    use warta_core::Paragraph;

    fn sig(a: &Article) -> Signature {
        let toks: Vec<Vec<u64>> = a
            .paragraphs
            .iter()
            .map(|p| words(&normalise(&p.text)).map(word_hash).collect())
            .collect();
        signature(toks.iter().map(Vec::as_slice))
    }

    fn art(id: &str, paras: &[&str]) -> Article {
        let mut a = Article::new(id);
        for (i, p) in paras.iter().enumerate() {
            a.paragraphs.push(Paragraph::new(i, *p, None));
        }
        a
    }

    const P: [&str; 5] = [
        "Penjabat Bupati Barito Selatan Deddy Winarwan berkomitmen menjaga netralitas Aparatur Sipil Negara di wilayah setempat demi suksesnya pemilu.",
        "Kita berkomitmen menjaga netralitas ASN pada pelaksanaan Pemilu dan Pilkada 2024 katanya dihubungi dari Buntok Rabu malam.",
        "Dia menyampaikan netralitas ASN pada Pemilu dan Pilkada 2024 mendatang sangat diperlukan untuk menjaga suasana kondusif di masyarakat.",
        "Ia menegaskan apabila ada oknum ASN yang berani ikut terlibat politik praktis maka yang bersangkutan akan mendapatkan sanksi administratif.",
        "Sementara itu Plt Kepala BKN Haryomo Dwi Putranto mengatakan pemerintah telah menerbitkan Surat Keputusan Bersama tentang netralitas.",
    ];

    #[test]
    fn reordered_copy_with_a_sentence_dropped_joins_the_first() {
        let mut c = Clusterer::new(0.35);
        let mut a = art("a", &P);
        let mut b = art("b", &[P[2], P[0], P[1], P[4]]);
        let mut other = art("c", &["Bawaslu Kaltim menggelar sosialisasi kepada camat dan lurah tentang pengawasan kampanye di Samarinda pada Kamis pagi."]);
        for x in [&mut a, &mut b, &mut other] {
            let s = sig(x);
            c.assign(x, &s);
        }
        assert_eq!(
            a.cluster
                .as_ref()
                .map(|c| (c.id.as_str(), c.representative)),
            Some(("a", true))
        );
        let cb = b.cluster.as_ref().unwrap();
        assert_eq!(cb.id, "a");
        assert!(!cb.representative);
        assert!(
            cb.similarity > 0.6 && cb.similarity < 1.0,
            "{}",
            cb.similarity
        );
        assert_eq!(other.cluster.as_ref().map(|c| c.id.as_str()), Some("c"));
        assert_eq!(c.clusters(), 1);
        assert_eq!(c.syndicated_articles, 2);
    }

    #[test]
    fn equal_bytes_counts_as_a_byte_by_byte_comparison() {
        let mut next = crate::test_rng::xorshift();
        for round in 0..200 {
            let a: [u8; HASHES] = std::array::from_fn(|_| next() as u8);
            // Agree in about `round`% of the bytes, with zero bytes and 0x80 bytes mixed in.
            let b: [u8; HASHES] = std::array::from_fn(|i| match next() % 100 {
                r if r < round % 100 => a[i],
                r if r % 7 == 0 => 0,
                r if r % 11 == 0 => a[i] ^ 0x80,
                _ => next() as u8,
            });
            let plain = a.iter().zip(&b).filter(|(p, q)| p == q).count();
            assert_eq!(equal_bytes(&a, &b), plain);
        }
        assert_eq!(equal_bytes(&[0; HASHES], &[0; HASHES]), HASHES);
        assert_eq!(equal_bytes(&[0; HASHES], &[0xff; HASHES]), 0);
    }

    #[test]
    fn distinct_counts_as_sort_and_dedup_do() {
        let mut hashes: Vec<u64> = (0..500u64).map(|i| mix(i % 173)).collect();
        hashes.extend([0, 0, u64::MAX, 7, 7]);
        let plain = |h: &[u64]| {
            let mut sorted = h.to_vec();
            sorted.sort_unstable();
            sorted.dedup();
            sorted.len()
        };
        let mut table = DistinctWords::new();
        assert_eq!(table.count(&hashes), plain(&hashes));
        let third = &hashes[..hashes.len() / 3];
        assert_eq!(table.count(third), plain(third));
        assert_eq!(table.count(&hashes), plain(&hashes));
        assert_eq!(table.count(&[]), 0);
    }

    #[test]
    fn empty_article_has_no_cluster() {
        let mut c = Clusterer::new(0.35);
        let mut a = art("a", &[]);
        let s = sig(&a);
        c.assign(&mut a, &s);
        assert!(a.cluster.is_none());
    }

    /// The index as it was before it was made compact: one map of band keys (the first head
    /// showing a key keeps it) and whole strings for the ids. The compact index must decide as
    /// it does.
    struct PlainClusterer {
        bands: std::collections::HashMap<u64, u32>,
        heads: Vec<(String, [u8; HASHES], u32)>,
    }

    impl PlainClusterer {
        fn candidates(&self, sig: &[u64; HASHES]) -> Vec<u32> {
            let mut cands: Vec<u32> = (0..BANDS)
                .filter_map(|b| {
                    self.bands
                        .get(&band_key(&sig[b * ROWS..(b + 1) * ROWS], b))
                        .copied()
                })
                .collect();
            cands.sort_unstable();
            cands.dedup();
            cands
        }

        fn assign(&mut self, id: &str, sig: &[u64; HASHES], size: u32) -> Cluster {
            let bits: [u8; HASHES] = std::array::from_fn(|i| sig[i] as u8);
            let mut best: Option<(u32, f32, f32)> = None;
            for head in self.candidates(sig) {
                let (_, hb, head_size) = &self.heads[head as usize];
                let same = hb.iter().zip(bits.iter()).filter(|(a, b)| a == b).count() as f32
                    / HASHES as f32;
                let jaccard = ((same - 1.0 / 256.0) / (1.0 - 1.0 / 256.0)).clamp(0.0, 1.0);
                let contained = containment(jaccard, size, *head_size);
                if contained >= 0.35 && best.is_none_or(|(_, _, c)| contained > c) {
                    best = Some((head, jaccard, contained));
                }
            }
            match best {
                Some((head, similarity, _)) => Cluster {
                    id: self.heads[head as usize].0.clone(),
                    similarity,
                    representative: false,
                },
                None => {
                    let head = self.heads.len() as u32;
                    for b in 0..BANDS {
                        let k = band_key(&sig[b * ROWS..(b + 1) * ROWS], b);
                        self.bands.entry(k).or_insert(head);
                    }
                    self.heads.push((id.to_string(), bits, size));
                    Cluster {
                        id: id.to_string(),
                        similarity: 1.0,
                        representative: true,
                    }
                }
            }
        }
    }

    /// Signatures of a stream of articles built to stress the index: stories copied with some
    /// bins changed (as rewrites are), stories that share many bins with a few common values
    /// (as articles on one topic share their commonest bigrams, so that band keys repeat across
    /// heads), and unrelated ones.
    fn stream(n: usize, seed: u64) -> Vec<(Box<[u64; HASHES]>, u32)> {
        let mut state = seed;
        let mut next = move || {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            mix(state)
        };
        let common: Vec<u64> = (0..8).map(|_| next()).collect();
        let mut out: Vec<(Box<[u64; HASHES]>, u32)> = Vec::with_capacity(n);
        for i in 0..n {
            let kind = next() % 10;
            let size = 20 + (next() % 600) as u32;
            let sig: [u64; HASHES] = match (kind, i) {
                // A copy of an earlier article with a share of its bins changed.
                (0..=2, 1..) => {
                    let of = (next() % i as u64) as usize;
                    let keep = next() % 100;
                    let base = out[of].0.clone();
                    std::array::from_fn(|b| if next() % 100 < keep { base[b] } else { next() })
                }
                // On the common topic: many bins hold one of a few common values.
                (3..=6, _) => std::array::from_fn(|b| {
                    if next() % 100 < 70 {
                        common[b % 2 + 2 * (next() % 2) as usize]
                    } else {
                        next()
                    }
                }),
                _ => std::array::from_fn(|_| next()),
            };
            out.push((Box::new(sig), size));
        }
        out
    }

    #[test]
    fn compact_index_finds_the_candidates_and_decisions_of_a_plain_map() {
        let mut compact = Clusterer::new(0.35);
        let mut plain = PlainClusterer {
            bands: std::collections::HashMap::new(),
            heads: Vec::new(),
        };
        let (mut joined, mut shared_keys) = (0, 0);
        for (i, (sig, size)) in stream(6000, 7).into_iter().enumerate() {
            let bits: [u8; HASHES] = std::array::from_fn(|i| sig[i] as u8);
            let (cands, probes) = compact.candidates(&sig, &bits);
            assert_eq!(cands, plain.candidates(&sig), "article {i}");
            shared_keys += probes.iter().filter(|p| p.owner.is_some()).count();
            let id = format!("a{i}");
            let mut a = Article::new(&id);
            compact.assign(&mut a, &Some((sig.clone(), size)));
            let want = plain.assign(&id, &sig, size);
            let got = a
                .cluster
                .expect("an article with a signature has a cluster");
            assert_eq!(
                (&got.id, got.similarity.to_bits(), got.representative),
                (&want.id, want.similarity.to_bits(), want.representative),
                "article {i}"
            );
            joined += usize::from(!got.representative);
        }
        // The stream exercised both paths, the growth of the tables and the moves of keys to
        // their other bucket.
        assert!(joined > 2000, "{joined} joined");
        assert!(shared_keys > 50_000, "{shared_keys} keys found");
        assert_eq!(compact.heads(), plain.heads.len());
        for (b, t) in compact.bands.iter().enumerate() {
            assert!(t.capacity() > (TABLE_START + b) * BUCKET * 2, "band {b}");
            assert!(t.moves > 0, "band {b}");
        }
    }

    #[test]
    fn same_input_order_gives_the_same_clusters() {
        let run = || {
            let mut c = Clusterer::new(0.35);
            stream(3000, 11)
                .into_iter()
                .enumerate()
                .map(|(i, (sig, size))| {
                    let mut a = Article::new(format!("a{i}"));
                    c.assign(&mut a, &Some((sig, size)));
                    a.cluster
                        .map(|c| (c.id, c.similarity.to_bits(), c.representative))
                })
                .collect::<Vec<_>>()
        };
        let first = run();
        assert_eq!(first, run());
        assert!(first.iter().flatten().any(|c| !c.2));
    }

    /// Two band-0 rows whose keys differ but share the fingerprint (tag and b-bit values).
    fn colliding_rows() -> ([u64; ROWS], [u64; ROWS]) {
        let mut seen = std::collections::HashMap::new();
        for x in 1u64.. {
            // Low bytes 0x11 and 0x22 in every candidate: only the tag can tell them apart.
            let rows = [(x << 8) | 0x11, (mix(x) << 8) | 0x22];
            let tag = tag_of(band_key(&rows, 0));
            if let Some(other) = seen.insert(tag, rows) {
                return (other, rows);
            }
        }
        unreachable!("a 16-bit tag repeats within 2^16 + 1 keys")
    }

    #[test]
    fn a_fingerprint_collision_only_adds_a_candidate() {
        let (ra, rb) = colliding_rows();
        assert_ne!(band_key(&ra, 0), band_key(&rb, 0));
        let random = |seed: u64| -> [u64; HASHES] {
            std::array::from_fn(|i| mix(seed ^ ((i as u64) << 40)))
        };
        let mut sa = random(1);
        sa[..ROWS].copy_from_slice(&ra);
        let mut sb = random(2);
        sb[..ROWS].copy_from_slice(&rb);
        fn assign(c: &mut Clusterer, id: &str, s: &[u64; HASHES]) -> (String, bool) {
            let mut a = Article::new(id);
            c.assign(&mut a, &Some((Box::new(*s), 300)));
            let cl = a.cluster.unwrap();
            (cl.id, cl.representative)
        }
        let mut c = Clusterer::new(0.35);
        assert_eq!(assign(&mut c, "a", &sa), ("a".to_string(), true));
        // `b` meets `a` through the collision in band 0 only, and the comparison keeps them apart.
        let bits: [u8; HASHES] = std::array::from_fn(|i| sb[i] as u8);
        let (cands, probes) = c.candidates(&sb, &bits);
        assert_eq!(cands, vec![0]);
        assert_eq!(probes[0].owner, Some(0));
        assert!(probes[1..].iter().all(|p| p.owner.is_none()));
        assert_eq!(assign(&mut c, "b", &sb), ("b".to_string(), true));
        // Band 0 of `b` was taken for `a`'s key and not indexed; its other bands were.
        assert_eq!(c.bands[0].len, 1);
        assert!(c.bands[1..].iter().all(|t| t.len == 2));
        // Copies of each still find their own head.
        assert_eq!(assign(&mut c, "b2", &sb), ("b".to_string(), false));
        assert_eq!(assign(&mut c, "a2", &sa), ("a".to_string(), false));
        assert_eq!(c.clusters(), 2);
        assert_eq!(c.syndicated_articles, 4);
    }

    /// Heads whose band-0 rows are given by `rows`, in a [`Heads`].
    fn heads_with_rows(rows: &[[u8; 2]]) -> Heads {
        let mut heads = Heads::default();
        for r in rows {
            let mut bits = [0u8; HASHES];
            bits[..2].copy_from_slice(r);
            heads.push(bits, 100);
        }
        heads
    }

    #[test]
    fn band_table_finds_every_key_through_moves_and_growth() {
        // Heads whose band-0 rows are all different; few tags, so that tags repeat within a
        // bucket and only the rows tell the keys apart.
        let n = 20_000u32;
        let rows: Vec<[u8; 2]> = (0..n).map(|h| (h as u16).to_le_bytes()).collect();
        let heads = heads_with_rows(&rows);
        let tag = |h: u32| (h % 5 + 1) as u16;
        let mut t = BandTable::new(2);
        for h in 0..n {
            let r = heads.band_rows(h, 0).unwrap();
            assert_eq!(t.probe(tag(h), r, 0, &heads), None, "head {h}");
            t.insert(key_hash(tag(h), r), tag(h), h, 0, &heads);
            assert!(t.len * MAX_LOAD.1 <= t.capacity() * MAX_LOAD.0);
            if h % 997 == 0 || h == n - 1 {
                // Every head placed so far is found again at its key.
                for g in 0..=h {
                    let r = heads.band_rows(g, 0).unwrap();
                    assert_eq!(t.probe(tag(g), r, 0, &heads), Some(g), "head {g} after {h}");
                }
            }
        }
        assert_eq!(t.len, n as usize);
        assert!(t.moves > 0);
        // Loaded past 0.6: a table of 5-byte slots holds a key in at most 8.3 bytes.
        assert!(
            t.len * 5 > t.capacity() * 3,
            "{} in {}",
            t.len,
            t.capacity()
        );
        // Another tag at the same rows is another key.
        let r = heads.band_rows(3, 0).unwrap();
        assert_eq!(t.probe(tag(3) + 10, r, 0, &heads), None);
    }

    #[test]
    fn band_table_grows_when_two_buckets_cannot_hold_their_keys() {
        // Keys of one tag whose first bucket is bucket 0 of a 64-bucket table: they all share
        // their two buckets, which hold 16, so the 17th cannot be placed until the table grows.
        let t = BandTable::new(64);
        let rows: Vec<[u8; 2]> = (0..=u16::MAX)
            .map(u16::to_le_bytes)
            .filter(|r| t.home(key_hash(7, r)) == 0)
            .take(40)
            .collect();
        assert_eq!(rows.len(), 40);
        let heads = heads_with_rows(&rows);
        let mut t = t;
        for h in 0..40u32 {
            let r = heads.band_rows(h, 0).unwrap();
            t.insert(key_hash(7, r), 7, h, 0, &heads);
        }
        assert!(t.buckets.len() > 64);
        assert_eq!(t.len, 40);
        for h in 0..40u32 {
            let r = heads.band_rows(h, 0).unwrap();
            assert_eq!(t.probe(7, r, 0, &heads), Some(h), "head {h}");
        }
    }

    #[test]
    fn heads_past_24_bits_keep_their_high_byte() {
        let mut t = BandTable::new(16);
        let hash = key_hash(3, &[5, 5]);
        assert_eq!(t.try_insert(hash, 3, (1 << 24) | 7), Ok(()));
        let (first, _) = t.buckets_of(hash, 3);
        let slot = t.matches(first, 3).trailing_zeros() as usize;
        assert_eq!(t.entry(first, slot), (3, (1 << 24) | 7));
        assert_eq!(t.high.len(), t.capacity());
    }

    #[test]
    fn ids_come_back_across_chunks() {
        let mut ids = Ids::default();
        let make = |i: usize| match i % 4 {
            0 => String::new(),
            1 => format!("berita/{i}"),
            2 => format!("Kab. Bolaang Mongondow Utara — {i}"),
            _ => "x".repeat(i % 300),
        };
        let n = CHUNK * 2 + 17;
        for i in 0..n {
            ids.push(i, &make(i));
        }
        assert_eq!(ids.chunks.len(), 3);
        for i in [0, 1, 2, 3, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK + 16] {
            assert_eq!(ids.get(i as u32), make(i), "id {i}");
        }
        assert_eq!(ids.get(n as u32), "");
    }

    #[test]
    fn a_head_costs_its_signature_and_five_bytes_and_a_bit_per_key() {
        // Unrelated articles: every band key is new, the most an index can hold per head.
        let mut c = Clusterer::new(0.35);
        let n = 20_000;
        for (i, (sig, size)) in (0..n)
            .map(|i| {
                let s: [u64; HASHES] = std::array::from_fn(|b| mix((i as u64) << 8 | b as u64));
                (Box::new(s), 100u32)
            })
            .enumerate()
        {
            let mut a = Article::new(format!("w{i:08}"));
            c.assign(&mut a, &Some((sig, size)));
        }
        assert_eq!(c.heads(), n);
        // Every key is indexed but those whose fingerprint a key of the same band already had:
        // about 20_000^2 / 2^33 per band, 3 in all.
        let keys: usize = c.bands.iter().map(|t| t.len).sum();
        assert!((n * BANDS - 20..=n * BANDS).contains(&keys), "{keys} keys");
        let per_head = c.heap_bytes() as f64 / n as f64;
        // 128 + 4 bytes of signature and count, 9 + 4 of id, 64 keys of 5 bytes at a load
        // of 0.64 to 0.96, and at most one partly used chunk.
        assert!(
            per_head < 145.0 + 64.0 * 5.0 / 0.63 + 30.0,
            "{per_head} bytes a head"
        );
        assert!(per_head > 145.0 + 64.0 * 5.0, "{per_head} bytes a head");
    }
}
