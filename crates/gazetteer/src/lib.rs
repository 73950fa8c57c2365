//! Indonesian provinces, regencies and cities (Kemendagri codes) and press aliases,
//! matched in text on word boundaries.
//!
//! The official list (38 provinces, 416 kabupaten, 98 kota) and a hand-made table of press
//! aliases are embedded in the crate (`data/`, see `data/SOURCE.md`) and compiled once, on first
//! use of [`gazetteer`], into one ASCII case-insensitive Aho-Corasick automaton. [`Gazetteer::find`]
//! makes a single leftmost-longest pass over the text (run anchored at word starts) and keeps the matches that pass the rules
//! below.
//!
//! ```
//! use warta_gazetteer::{gazetteer, MatchKind, RegionLevel};
//!
//! let g = gazetteer();
//! let text = "Pemkab Kubar dan Pemerintah Provinsi Kalimantan Barat rapat di Kota Bogor.";
//! let found = g.find(text);
//! let codes: Vec<&str> = found.iter().map(|m| m.candidates[0].code).collect();
//! assert_eq!(codes, ["64.07", "61", "32.71"]);
//!
//! // `start..end` is the name; `prefix_start` starts the unit prefix, if any.
//! assert_eq!(&text[found[0].start..found[0].end], "Kubar");
//! assert_eq!(found[0].prefix_start, Some(0));
//! assert_eq!(found[0].kind, MatchKind::Alias);
//! assert_eq!(found[2].level_hint, Some(RegionLevel::City));
//!
//! // A bare name shared by a kabupaten and a kota gives both, the kabupaten first.
//! let bogor = g.find("Banjir melanda Bogor.");
//! assert_eq!(bogor[0].candidates.iter().map(|r| r.code).collect::<Vec<_>>(), ["32.01", "32.71"]);
//!
//! // `Barat` alone and ordinary lower-case words are not regions.
//! assert!(g.find("pada puncaknya, di wilayah Barat").is_empty());
//! assert_eq!(g.province_of(g.by_code("6407").unwrap()).name, "Kalimantan Timur");
//! ```
//!
//! # What is matched
//!
//! Patterns are the province names, the bare names of regencies and cities (the official name
//! without `Kabupaten`/`Kota`, or Jakarta's `Kabupaten Administrasi`/`Kota Administrasi`), the
//! aliases of `aliases.csv` (regency seats of `seats.txt` give [`MatchKind::Seat`]), and the
//! prefixes of `prefixes.tsv`. Official names of regencies and cities are found as a unit prefix
//! followed by the bare name. Aliases left out of `aliases.csv` on purpose (Mura, Tuba, KTT ...)
//! are not patterns.
//!
//! A match is kept when:
//! - it sits on word boundaries: no letter or digit right before or after it, and no `.` plus a
//!   letter or digit after it (`TRIBUNKALTIM.CO` and `kaltim.com` are not `Kaltim`). A hyphen
//!   is a boundary: `Kalteng-Kalsel` gives two regions;
//! - each space-separated word of the name starts with a capital where the data spells it so
//!   (Title Case or ALL CAPS; `pada puncaknya` is not Kabupaten Puncak), and an acronym alias is
//!   all capitals in the text (`OKU`, not `Oku`). Right after a prefix, a lower-case name is
//!   accepted too (`id pemkab barito selatan`), except for the names of `common_words.txt`;
//! - a name listed in `common_words.txt` (`Batu`, `Malang`, `Puncak`, `Bima` ...) also needs
//!   context: a prefix or title before it, a context word before it (`di`, `dari`, `Bawaslu`,
//!   see `context_words.txt`), a province after it (`Batu, Jawa Timur`), or a dateline
//!   (`Batu (ANTARA) -`, `MALANG, KOMPAS.com -`, `SURYAMALANG.COM, MALANG -`).
//!
//! When a longer match is refused, shorter patterns starting at the same place are tried
//! (`Jakarta selatan` still gives `Jakarta`).
//!
//! Kecamatan (`districts.csv`) are not patterns: a kecamatan's name is often a common word or
//! the name of a place elsewhere. [`Gazetteer::district_parent`] answers for one name that
//! stands alone, such as a dateline's town: the regency or city of the one kecamatan so named.
//!
//! # Prefixes and spans
//!
//! A unit prefix (`Kabupaten`, `Kab.`, `Kota`, `Provinsi`, `Pemkab`, `Pemkot`, `Pemprov`,
//! `Pemda`, `Pemerintah Kabupaten` ...) separated from the name by whitespace only is reported
//! in [`RegionMatch::prefix_start`]; `start..end` always covers the name alone. Chained prefixes
//! (`Pemerintah Daerah Kabupaten Sintang`) give the start of the first. A title (`Bupati`,
//! `Wali Kota`, `Gubernur`) or an election (`Pilbup`, `Pilwalkot`, `Pilgub`) is not part of
//! the match but, like a unit prefix, sets
//! [`RegionMatch::level_hint`]. `Kabupaten/Kota`, `Pemerintah Kabupaten/Kota` and `Ibu Kota` are
//! generic phrases: they are no region and do not act as a prefix.
//!
//! # Ambiguity and the order of candidates
//!
//! Candidates are ordered province, then regency, then city, then by code: `Jambi` gives the
//! province (15) before Kota Jambi (15.71), `Bogor` gives Kabupaten Bogor (32.01) before Kota
//! Bogor (32.71), `Banjar` gives 63.03 before 32.79. Then:
//! - a level hint keeps the candidates of that level (`Kota Bogor`, `Pemkab Bogor`,
//!   `Wali Kota Jambi`). If none has that level, all candidates stay and `level_hint` still tells
//!   what the text said (`Kota Sintang`, the town, gives Kabupaten Sintang);
//! - an alias written with a prefix in `aliases.csv` holds only after that prefix: `Kabupaten
//!   Pontianak` is the former name of Mempawah (61.02) while `Pontianak` is the city, and
//!   `Kota Jogja` is the city while `Jogja` is the province;
//! - a province right after the name, optionally after a comma or an opening parenthesis,
//!   keeps the candidates inside it when there are several (`Banjar, Kalimantan Selatan`).
//!
//! [`MatchKind::Official`] is a province name, or a bare name after a unit prefix of its own
//! level (`Kabupaten Sintang`, `Pemkab Sintang`).
//!
//! # Cost
//!
//! [`gazetteer`] builds everything once (about 20 ms in a release build). [`Gazetteer::find`]
//! scans the text eight bytes at a time for word starts, checks the first bytes of each word
//! against a bit set of the first bytes of all patterns, and runs the automaton, anchored, only
//! where that passes (a few percent of words). It allocates the result and the candidate list
//! of each match, nothing else. `cargo run --release -p warta-gazetteer --example gazetteer_throughput`
//! measures it on the seed articles.

use std::collections::HashMap;
use std::sync::OnceLock;

use aho_corasick::automaton::Automaton;
use aho_corasick::dfa::DFA;
use aho_corasick::Anchored;

pub use warta_core::RegionLevel;

mod data;

/// One province, regency or city of the official list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// Dotted Kemendagri code: `61`, `61.05`.
    pub code: &'static str,
    /// Official name: `Kalimantan Barat`, `Kabupaten Sintang`, `Kota Pontianak`.
    pub name: &'static str,
    /// Name without `Kabupaten `/`Kota ` (`Sintang`, `Pontianak`).
    pub bare_name: &'static str,
    pub level: RegionLevel,
    /// Province code (`61`); a province's own code for provinces.
    pub province_code: &'static str,
    /// Index of the province in the gazetteer's regions (see [`Gazetteer::province_of`]),
    /// set when the gazetteer is built.
    province: u16,
}

/// How a match was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchKind {
    /// The official name with its prefix: `Kabupaten Sintang`, `Kota Pontianak`, `Kalimantan Barat`.
    Official,
    /// A bare name: `Sintang`, `Barito Selatan`.
    Bare,
    /// A press alias or variant spelling: `Kalbar`, `Barsel`, `Palangka Raya`.
    Alias,
    /// A regency seat used as a dateline: `Buntok`, `Sendawar`.
    Seat,
}

/// A region name found in text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionMatch {
    /// Byte offsets in the searched text of the name itself, without any prefix.
    pub start: usize,
    pub end: usize,
    pub kind: MatchKind,
    /// Every region the surface form may name, most likely first. One element when unambiguous.
    pub candidates: Vec<&'static Region>,
    /// The level fixed by a unit prefix or a title before the name (`Kota Bogor`,
    /// `Pemkab Bogor`, `Bupati Bogor`), if any.
    pub level_hint: Option<RegionLevel>,
    /// Start of the unit prefix (`Kabupaten`, `Pemkab`, `Pemerintah Provinsi` ...) when one
    /// precedes the name; the prefix runs from here to the whitespace before `start`.
    pub prefix_start: Option<usize>,
}

impl RegionMatch {
    /// Start of the whole mention: the prefix if any, else the name.
    pub fn full_start(&self) -> usize {
        self.prefix_start.unwrap_or(self.start)
    }

    /// The most likely region.
    pub fn best(&self) -> &'static Region {
        self.candidates[0]
    }
}

/// The compiled gazetteer; get it with [`gazetteer`].
pub struct Gazetteer {
    regions: &'static [Region],
    /// Region index by code key (see `data::code_key`), `u16::MAX` for none.
    by_code: Vec<u16>,
    lookup: HashMap<String, Vec<&'static Region>>,
    dfa: DFA,
    patterns: Vec<Pattern>,
    entries: Vec<Entry>,
    context_words: Vec<&'static str>,
    starts: StartFilter,
    /// Unique kecamatan names and their regency or city codes, built on first use.
    districts: std::sync::OnceLock<HashMap<String, &'static str>>,
}

/// The heads of all patterns, to skip word starts where no pattern can be kept without
/// running the automaton.
///
/// The head of a string is its first eight bytes cut before the first byte that is not an
/// ASCII letter or digit, lower-cased: `kaliman` for `Kalimantan Barat`, `kab` for `Kab.`,
/// `aru` for `Aru`, `di` for `DI Yogyakarta`. A pattern kept at a word start has the head of
/// the text there: the text repeats the pattern up to ASCII case, and a pattern shorter than
/// eight bytes that ends in a letter or digit is kept only before a byte that is not one.
/// Heads are hashed into a bit set, so a few other word starts pass too.
#[derive(Debug)]
pub(crate) struct StartFilter {
    /// A fixed size, so that indexing by a hash needs no bounds check.
    bits: Box<[u64; StartFilter::WORDS]>,
}

impl StartFilter {
    const BITS: u32 = 16;
    const WORDS: usize = (1 << Self::BITS) / 64;

    pub(crate) fn new<'a>(patterns: impl IntoIterator<Item = &'a [u8]>) -> StartFilter {
        let mut f = StartFilter {
            bits: Box::new([0; Self::WORDS]),
        };
        for p in patterns {
            let h = Self::hash(head(p));
            f.bits[h / 64] |= 1 << (h % 64);
        }
        f
    }

    fn hash(head: u64) -> usize {
        (head.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - Self::BITS)) as usize
    }

    /// Whether a pattern may be kept at the start of `bytes`, the text from a word start on.
    #[cfg(test)]
    fn may_start(&self, bytes: &[u8]) -> bool {
        self.has(head(bytes))
    }

    fn has(&self, head: u64) -> bool {
        let h = Self::hash(head);
        self.bits[h / 64] & (1 << (h % 64)) != 0
    }
}

/// The head of `bytes` (see [`StartFilter`]) as a little-endian word, zero-padded.
fn head(bytes: &[u8]) -> u64 {
    let x = load(bytes, 0);
    head_of(x, ascii_alnum_mask(x))
}

/// The head of the eight bytes `x`, given their [`ascii_alnum_mask`].
fn head_of(x: u64, alnum: u64) -> u64 {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Setting bit 5 lower-cases a letter and leaves a digit as it is.
    let lower = x | (alnum >> 2);
    match (!alnum & HIGH).trailing_zeros() {
        64 => lower,
        n => lower & ((1 << (n - 7)) - 1),
    }
}

/// `bytes[at..at + 8]` as a little-endian word, zero-padded past the end.
fn load(bytes: &[u8], at: usize) -> u64 {
    match bytes.get(at..at + 8) {
        Some(b) => u64::from_le_bytes(b.try_into().unwrap_or([0; 8])),
        None => load_tail(bytes, at),
    }
}

/// [`load`] near the end of `bytes`: out of line, so that the copy's call does not make the
/// scan loop keep its state on the stack.
#[cold]
#[inline(never)]
fn load_tail(bytes: &[u8], at: usize) -> u64 {
    let rest = bytes.get(at..).unwrap_or_default();
    let mut b = [0; 8];
    let n = rest.len().min(8);
    b[..n].copy_from_slice(&rest[..n]);
    u64::from_le_bytes(b)
}

/// Bit 7 of each byte of `x` set where that byte is an ASCII letter or digit, others clear.
fn ascii_alnum_mask(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // For bytes below 0x80, `y + (0x80 - lo)` sets bit 7 exactly when `y >= lo`, with no
    // carry into the next byte.
    let low7 = x & !HIGH;
    let at_least = |y: u64, lo: u64| (y + ONES * (0x80 - lo)) & HIGH;
    let digit = at_least(low7, b'0' as u64) & !at_least(low7, b'9' as u64 + 1);
    let folded = low7 | (ONES * 0x20);
    let letter = at_least(folded, b'a' as u64) & !at_least(folded, b'z' as u64 + 1);
    (digit | letter) & !x & HIGH
}

/// What an automaton pattern is.
#[derive(Debug, Clone, Copy)]
enum Pattern {
    /// Index into `Gazetteer::entries`.
    Name(usize),
    Prefix(Prefix),
}

#[derive(Debug, Clone, Copy)]
struct Prefix {
    role: PrefixRole,
    level: Option<RegionLevel>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PrefixRole {
    Unit,
    Title,
    Generic,
}

/// A name pattern and the regions it may name.
#[derive(Debug)]
struct Entry {
    /// The capitalisation rule of the spelling in the data (the pattern), worked out once.
    case: CaseRule,
    /// Sorted: province, regency, city, then code.
    cands: Vec<Cand>,
    /// Listed in common_words.txt: needs context.
    common: bool,
}

#[derive(Debug)]
struct Cand {
    region: &'static Region,
    kind: MatchKind,
    /// Holds only after a prefix of this level (`Kabupaten Pontianak`).
    only_for: Option<RegionLevel>,
}

/// Prefixes seen just before the current position.
#[derive(Debug, Clone, Copy)]
struct Pending {
    unit_start: Option<usize>,
    end: usize,
    level: Option<RegionLevel>,
    ends_with_dot: bool,
}

/// The state of [`Gazetteer::next_start`] between calls: the eight bytes at `i` and the next
/// eight (zero past the end), their [`ascii_alnum_mask`]s, and the word starts of the first
/// eight not yet looked at (bit 7 of their bytes).
#[derive(Clone, Copy)]
struct Scan {
    i: usize,
    x: u64,
    alnum: u64,
    x_next: u64,
    alnum_next: u64,
    starts: u64,
}

enum Step {
    Prefix(Pending),
    Generic,
    Name(RegionMatch),
}

/// The gazetteer, built on first use from the embedded tables.
pub fn gazetteer() -> &'static Gazetteer {
    static G: OnceLock<Gazetteer> = OnceLock::new();
    G.get_or_init(|| match data::build() {
        Ok(g) => g,
        // The tables are compiled in and checked by the tests; this cannot depend on input.
        Err(e) => panic!("embedded gazetteer data is invalid: {e}"),
    })
}

impl Gazetteer {
    /// All region mentions in `text`, non-overlapping, leftmost-longest, on word boundaries,
    /// in order. See the crate docs for the rules.
    pub fn find(&self, text: &str) -> Vec<RegionMatch> {
        // A match is only kept at a word start (`left_boundary`), so the automaton runs anchored
        // at the word starts that `StartFilter` lets through instead of over every byte. This
        // gives the same matches as one unanchored leftmost-longest pass: a match that starts
        // inside a word is refused there and the pass resumes at the next word start.
        let mut out = Vec::new();
        let mut pending: Option<Pending> = None;
        let mut pos = 0;
        let mut scan = None;
        while let Some(start) = self.next_start(text, pos, &mut scan) {
            let Some((mut end, mut pid)) = self.longest_at(text, start, text.len()) else {
                pos = start + 1;
                continue;
            };
            let step = loop {
                if let Some(step) = self.evaluate(text, start, end, pid, pending) {
                    break Some((end, step));
                }
                // Refused: try the longest shorter pattern at the same start.
                if end <= start + 1 {
                    break None;
                }
                match self.longest_at(text, start, end - 1) {
                    Some(m) => (end, pid) = m,
                    None => break None,
                }
            };
            match step {
                Some((end, Step::Prefix(p))) => (pending, pos) = (Some(p), end),
                Some((end, Step::Generic)) => (pending, pos) = (None, end),
                Some((end, Step::Name(rm))) => {
                    out.push(rm);
                    (pending, pos) = (None, end);
                }
                // The next word start comes after `start`'s word.
                None => pos = start + 1,
            }
        }
        out
    }

    /// The longest pattern that matches at `start` and ends at or before `limit`: its end and
    /// pattern index. The same as the leftmost-longest anchored search of `start..limit`: the
    /// automaton is walked from its anchored start until it dies or `limit`, and the last match
    /// state passed that starts at `start` gives the match.
    fn longest_at(&self, text: &str, start: usize, limit: usize) -> Option<(usize, usize)> {
        let dfa = &self.dfa;
        let bytes = text.as_bytes().get(..limit)?;
        let mut sid = dfa.start_state(Anchored::Yes).ok()?;
        let mut found = None;
        let mut at = start;
        let record = |sid, at: usize, found: &mut Option<(usize, usize)>| {
            let pid = dfa.match_pattern(sid, 0);
            // Match states may also carry matches that start later (reached through a failure
            // transition of the unanchored automaton); an anchored search ignores them.
            if at.checked_sub(dfa.pattern_len(pid)) == Some(start) {
                *found = Some((at, pid.as_usize()));
            }
        };
        if dfa.is_match(sid) {
            record(sid, at, &mut found);
        }
        while let Some(&b) = bytes.get(at) {
            sid = dfa.next_state(Anchored::Yes, sid, b);
            at += 1;
            if dfa.is_special(sid) {
                if dfa.is_dead(sid) {
                    break;
                }
                if dfa.is_match(sid) {
                    record(sid, at, &mut found);
                }
            }
        }
        found
    }

    /// The first word start at or after `from` where a pattern may begin: an ASCII letter or
    /// digit with no letter or digit before it, whose next bytes pass the start filter.
    ///
    /// `scan` carries the eight bytes the previous call stopped in and their word starts not
    /// yet looked at: when `from` falls in them (after a refused word start, or a match that
    /// ends in them) the scan goes on from there instead of loading and classifying the bytes
    /// again.
    ///
    /// Not inlined: on its own the loop keeps its constants and state in registers (inlined
    /// into [`Gazetteer::find`] they were reloaded and spilled for every eight bytes).
    #[inline(never)]
    fn next_start(&self, text: &str, from: usize, scan: &mut Option<Scan>) -> Option<usize> {
        let bytes = text.as_bytes();
        // Eight bytes at a time: the word starts are the letters and digits after a byte
        // that is none. The next eight bytes give the head of a word start.
        let mut s = match *scan {
            Some(s) if s.i <= from && from - s.i < 8 => Scan {
                // Only the word starts at or after `from`.
                starts: s.starts & (u64::MAX << ((from - s.i) * 8)),
                ..s
            },
            _ => {
                if from >= bytes.len() {
                    return None;
                }
                let x = load(bytes, from);
                let alnum = ascii_alnum_mask(x);
                // Bit 7 set when the byte before `from` is an ASCII letter or digit.
                let carry = if from > 0 && ASCII_ALNUM[usize::from(bytes[from - 1])] {
                    0x80
                } else {
                    0
                };
                let x_next = load(bytes, from + 8);
                Scan {
                    i: from,
                    x,
                    alnum,
                    x_next,
                    alnum_next: ascii_alnum_mask(x_next),
                    starts: alnum & !((alnum << 8) | carry),
                }
            }
        };
        loop {
            if s.starts != 0 {
                // Sixteen bytes, so that the eight from any word start in `x` are one shift.
                let wide_x = u128::from(s.x_next) << 64 | u128::from(s.x);
                let wide_alnum = u128::from(s.alnum_next) << 64 | u128::from(s.alnum);
                while s.starts != 0 {
                    let shift = s.starts.trailing_zeros() & !7;
                    let at = s.i + shift as usize / 8;
                    s.starts &= s.starts - 1;
                    let (hx, ha) = ((wide_x >> shift) as u64, (wide_alnum >> shift) as u64);
                    // The filter first: it refuses most word starts. After a non-ASCII byte
                    // the character before may still be a letter.
                    if self.starts.has(head_of(hx, ha))
                        && (at == 0 || bytes[at - 1].is_ascii() || left_boundary(text, at))
                    {
                        *scan = Some(s);
                        return Some(at);
                    }
                }
            }
            // The alnum mask of the eight bytes before, shifted down: bit 7 set when the
            // byte before the next eight is a letter or digit.
            let carry = s.alnum >> 56;
            s.i += 8;
            if s.i >= bytes.len() {
                *scan = None;
                return None;
            }
            (s.x, s.alnum) = (s.x_next, s.alnum_next);
            s.x_next = load(bytes, s.i + 8);
            s.alnum_next = ascii_alnum_mask(s.x_next);
            s.starts = s.alnum & !((s.alnum << 8) | carry);
        }
    }

    /// The region with this code: `61`, `61.05` or `6105`.
    pub fn by_code(&self, code: &str) -> Option<&'static Region> {
        let regions = self.regions;
        data::code_key(code)
            .and_then(|k| self.by_code.get(k as usize))
            .and_then(|&i| regions.get(usize::from(i)))
    }

    /// The province of a region (itself for a province).
    ///
    /// # Panics
    ///
    /// If `region` does not come from this gazetteer and its province code is unknown.
    pub fn province_of(&self, region: &Region) -> &'static Region {
        let regions = self.regions;
        if let Some(p) = regions.get(usize::from(region.province)) {
            return p;
        }
        match self.by_code(region.province_code) {
            Some(p) => p,
            None => panic!("unknown province code {:?}", region.province_code),
        }
    }

    /// Exact lookup of a name, bare name, alias or official name (`Kabupaten Sintang`,
    /// `Provinsi Kalimantan Barat`), ignoring case and extra whitespace. Every candidate, in
    /// the order of [`RegionMatch::candidates`]; empty when unknown.
    pub fn lookup(&self, name: &str) -> Vec<&'static Region> {
        self.lookup
            .get(&data::normalise_name(name))
            .cloned()
            .unwrap_or_default()
    }

    /// The regency or city of a kecamatan named `name` (`Sungailiat` → Kabupaten Bangka),
    /// when one kecamatan only has that name and it is no region's name or alias; ignoring
    /// case and extra whitespace. A town named in a dateline is often the kecamatan a
    /// regency's seat lies in. The table (`data/districts.csv`) is read on first use.
    pub fn district_parent(&self, name: &str) -> Option<&'static Region> {
        let districts = self.districts.get_or_init(|| {
            data::unique_districts(&self.lookup).expect("data/districts.csv is valid")
        });
        let code = districts.get(&data::normalise_name(name))?;
        self.by_code(code)
    }

    /// All 552 regions in code order.
    pub fn regions(&self) -> impl Iterator<Item = &'static Region> {
        let regions = self.regions;
        regions.iter()
    }

    /// Judge one raw match; `None` refuses it.
    fn evaluate(
        &self,
        text: &str,
        start: usize,
        end: usize,
        pid: usize,
        pending: Option<Pending>,
    ) -> Option<Step> {
        let bytes = text.as_bytes();
        let last_alnum = bytes[end - 1].is_ascii_alphanumeric();
        if !left_boundary(text, start) || (last_alnum && !right_boundary(text, end)) {
            return None;
        }
        // Prefixes that end just before `start`, separated by whitespace only.
        let before =
            pending.filter(|p| p.end <= start && ws_gap(text, p.end, start, p.ends_with_dot));
        let entry = match self.patterns[pid] {
            Pattern::Prefix(px) => {
                return Some(match px.role {
                    PrefixRole::Generic => Step::Generic,
                    PrefixRole::Unit | PrefixRole::Title => {
                        let unit_start = match px.role {
                            PrefixRole::Unit => before.and_then(|p| p.unit_start).or(Some(start)),
                            _ => None,
                        };
                        Step::Prefix(Pending {
                            unit_start,
                            end,
                            level: px.level.or(before.and_then(|p| p.level)),
                            ends_with_dot: !last_alnum,
                        })
                    }
                });
            }
            Pattern::Name(e) => &self.entries[e],
        };
        if !entry.case.holds(&bytes[start..end]) && (before.is_none() || entry.common) {
            return None;
        }
        let hint = before.and_then(|p| p.level);
        let mut candidates = select(entry, hint)?;
        let first = candidates.first()?;
        let mut kind = entry
            .cands
            .iter()
            .find(|c| c.region.code == first.code)
            .map_or(MatchKind::Bare, |c| c.kind);
        if kind == MatchKind::Bare
            && before.is_some_and(|p| p.unit_start.is_some())
            && hint == Some(first.level)
        {
            kind = MatchKind::Official;
        }
        let needs_context = entry.common
            && before.is_none()
            && !self.preceded_by_context_word(text, start)
            && !is_dateline(text, start, end);
        let several_places =
            candidates.len() > 1 && candidates.iter().any(|r| r.level != RegionLevel::Province);
        if needs_context || several_places {
            let inside = self
                .following_province(text, end)
                .filter(|province| candidates.iter().any(|r| r.province_code == *province));
            match inside {
                Some(province) => candidates.retain(|r| r.province_code == province),
                None if needs_context => return None,
                None => {}
            }
        }
        Some(Step::Name(RegionMatch {
            start,
            end,
            kind,
            candidates,
            level_hint: hint,
            prefix_start: before.and_then(|p| p.unit_start),
        }))
    }

    /// Whether the word right before `start` is a context word (`di`, `dari`, `Bawaslu` ...).
    fn preceded_by_context_word(&self, text: &str, start: usize) -> bool {
        let before = text[..start].trim_end();
        let word_start = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_alphanumeric())
            .last()
            .map(|(i, _)| i);
        let Some(word_start) = word_start else {
            return false;
        };
        let word = &before[word_start..];
        self.context_words
            .iter()
            .any(|w| w.eq_ignore_ascii_case(word))
    }

    /// The code of a province named right after `end` (`, Jawa Timur`, ` (Kalbar)`,
    /// `, Provinsi Jambi`), if any.
    fn following_province(&self, text: &str, end: usize) -> Option<&'static str> {
        let mut p = skip_whitespace(text, end);
        if matches!(text.as_bytes().get(p), Some(b',' | b'(')) {
            p = skip_whitespace(text, p + 1);
        }
        if p - end > 8 || p >= text.len() {
            return None;
        }
        let (mut m_start, (mut m_end, mut pid)) = (p, self.longest_at(text, p, text.len())?);
        if let Pattern::Prefix(px) = self.patterns[pid] {
            let q = skip_whitespace(text, m_end);
            if px.role != PrefixRole::Unit || px.level != Some(RegionLevel::Province) || q == m_end
            {
                return None;
            }
            (m_start, (m_end, pid)) = (q, self.longest_at(text, q, text.len())?);
        }
        let Pattern::Name(e) = self.patterns[pid] else {
            return None;
        };
        let entry = &self.entries[e];
        let ok = right_boundary(text, m_end) && entry.case.holds(&text.as_bytes()[m_start..m_end]);
        if !ok || entry.common {
            return None;
        }
        entry
            .cands
            .iter()
            .find(|c| c.only_for.is_none() && c.region.level == RegionLevel::Province)
            .map(|c| c.region.code)
    }
}

/// The candidates of `entry` under a level hint; `None` when there are none.
fn select(entry: &Entry, hint: Option<RegionLevel>) -> Option<Vec<&'static Region>> {
    let unconditional = || {
        entry
            .cands
            .iter()
            .filter(|c| c.only_for.is_none())
            .map(|c| c.region)
            .collect::<Vec<_>>()
    };
    let chosen = match hint {
        Some(level) => {
            let at_level: Vec<_> = entry
                .cands
                .iter()
                .filter(|c| c.region.level == level)
                .map(|c| c.region)
                .collect();
            if at_level.is_empty() {
                unconditional()
            } else {
                at_level
            }
        }
        None => unconditional(),
    };
    (!chosen.is_empty()).then_some(chosen)
}

/// `u8::is_ascii_alphanumeric` as a table, for the scan over word starts.
static ASCII_ALNUM: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    table
};

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

fn left_boundary(text: &str, start: usize) -> bool {
    !text[..start].chars().next_back().is_some_and(is_word_char)
}

/// No letter or digit after `end`, and no `.` followed by one (a domain name).
fn right_boundary(text: &str, end: usize) -> bool {
    let mut rest = text[end..].chars();
    match rest.next() {
        Some(c) if is_word_char(c) => false,
        Some('.') => !rest.next().is_some_and(is_word_char),
        _ => true,
    }
}

/// Whether `text[a..b]` is only whitespace (and short); empty only when `allow_empty`.
fn ws_gap(text: &str, a: usize, b: usize, allow_empty: bool) -> bool {
    let gap = &text[a..b];
    (allow_empty || !gap.is_empty()) && gap.len() <= 16 && gap.chars().all(char::is_whitespace)
}

fn skip_whitespace(text: &str, from: usize) -> usize {
    let rest = &text[from..];
    from + (rest.len() - rest.trim_start().len())
}

/// The capitalisation rule of one pattern (`case_ok`, kept for the tests), from its words: the positions that
/// must be capitals in the text and the byte ranges (acronyms) that must hold no lower-case
/// letter.
#[derive(Debug, Default)]
pub(crate) struct CaseRule {
    len: usize,
    upper_at: Vec<usize>,
    acronyms: Vec<(usize, usize)>,
}

impl CaseRule {
    pub(crate) fn new(pattern: &[u8]) -> CaseRule {
        let mut rule = CaseRule {
            len: pattern.len(),
            ..CaseRule::default()
        };
        let mut i = 0;
        for word in pattern.split(|&b| b == b' ') {
            let at = i;
            i += word.len() + 1;
            let Some(k) = word.iter().position(u8::is_ascii_alphabetic) else {
                continue;
            };
            if word[k].is_ascii_uppercase() {
                rule.upper_at.push(at + k);
            }
            let letters = word.iter().filter(|b| b.is_ascii_alphabetic()).count();
            if letters >= 2 && !word.iter().any(u8::is_ascii_lowercase) {
                rule.acronyms.push((at, at + word.len()));
            }
        }
        rule
    }

    /// `case_ok` of the pattern this rule was made from and `surface`.
    fn holds(&self, surface: &[u8]) -> bool {
        surface.len() == self.len
            && self
                .upper_at
                .iter()
                .all(|&k| surface.get(k).is_some_and(u8::is_ascii_uppercase))
            && self.acronyms.iter().all(|&(a, b)| {
                surface
                    .get(a..b)
                    .is_some_and(|w| !w.iter().any(u8::is_ascii_lowercase))
            })
    }
}

/// The capitalisation rule: every space-separated word that the data spells with a capital
/// starts with a capital in the text, and an all-capitals word of the data (an acronym such as
/// `OKU`) is all capitals in the text. `pattern` and `surface` have the same length (the
/// automaton is ASCII case-insensitive over ASCII patterns).
#[cfg(test)]
fn case_ok(pattern: &[u8], surface: &[u8]) -> bool {
    if pattern.len() != surface.len() {
        return false;
    }
    let mut i = 0;
    for word in pattern.split(|&b| b == b' ') {
        let seen = &surface[i..i + word.len()];
        i += word.len() + 1;
        let Some(k) = word.iter().position(u8::is_ascii_alphabetic) else {
            continue;
        };
        if word[k].is_ascii_uppercase() && !seen[k].is_ascii_uppercase() {
            return false;
        }
        let letters = word.iter().filter(|b| b.is_ascii_alphabetic()).count();
        let acronym = letters >= 2 && !word.iter().any(u8::is_ascii_lowercase);
        if acronym && seen.iter().any(u8::is_ascii_lowercase) {
            return false;
        }
    }
    true
}

/// A dateline: the name opens its line and is followed by `(`, a dash or `, OUTLET.com`
/// (`Batu (ANTARA) -`, `MALANG, KOMPAS.com -`), or it follows `OUTLET.CO, ` and is followed by a
/// dash (`TRIBUNKALTIM.CO, SAMARINDA -`).
fn is_dateline(text: &str, start: usize, end: usize) -> bool {
    // `KOMPAS.com`, `SURYA.co.id`: a dot inside the token.
    let outlet = |t: &str| {
        let t = t.trim_end_matches([',', '-']);
        t.contains('.') && !t.ends_with('.')
    };
    let after = text[end..].trim_start_matches([' ', '\t', '\u{a0}']);
    let dash_after = after.starts_with(['(', '-', '\u{2013}', '\u{2014}']);
    let outlet_after = after
        .strip_prefix(',')
        .and_then(|r| r.split_whitespace().next())
        .is_some_and(outlet);
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let before = text[line_start..start].trim();
    let outlet_before = before
        .strip_suffix(',')
        .and_then(|o| o.split_whitespace().next_back())
        .is_some_and(outlet);
    (before.is_empty() && (dash_after || outlet_after)) || (outlet_before && dash_after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_rule() {
        assert!(case_ok(b"Kutai Barat", b"Kutai Barat"));
        assert!(case_ok(b"Kutai Barat", b"KUTAI BARAT"));
        assert!(!case_ok(b"Kutai Barat", b"Kutai barat"));
        assert!(!case_ok(b"Puncak", b"puncak"));
        assert!(case_ok(b"OKU Timur", b"OKU Timur"));
        assert!(!case_ok(b"OKU", b"Oku"));
        assert!(case_ok(b"Bau-Bau", b"Bau-bau"));
        assert!(case_ok(
            b"Special Region of Yogyakarta",
            b"Special Region of Yogyakarta"
        ));
    }

    #[test]
    fn case_rule_is_case_ok() {
        let words = [
            "Kutai", "KUTAI", "kutai", "OKU", "Oku", "oku", "Bau-Bau", "Bau-bau", "X", "x", "1",
            "A1", "a1", "K2B", "", "DKI",
        ];
        for a in words {
            for b in words {
                for sep in ["", " "] {
                    let pattern = format!("{a}{sep}{b}");
                    let rule = CaseRule::new(pattern.as_bytes());
                    for c in words {
                        for d in words {
                            for sep2 in ["", " ", "-"] {
                                let surface = format!("{c}{sep2}{d}");
                                assert_eq!(
                                    rule.holds(surface.as_bytes()),
                                    case_ok(pattern.as_bytes(), surface.as_bytes()),
                                    "{pattern:?} {surface:?}"
                                );
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn boundaries() {
        assert!(left_boundary("Se-Kaltim", 3));
        assert!(!left_boundary("TRIBUNKALTIM", 6));
        assert!(right_boundary("Kaltim.", 6));
        assert!(!right_boundary("Kaltim.co", 6));
        assert!(!right_boundary("Kaltimnya", 6));
        assert!(right_boundary("Kaltim\u{201d}", 6));
    }

    #[test]
    fn alnum_mask() {
        for b in 0..=255u8 {
            for pos in 0..8 {
                let mut chunk = [b'-'; 8];
                chunk[pos] = b;
                let mask = ascii_alnum_mask(u64::from_le_bytes(chunk));
                let want = if b.is_ascii_alphanumeric() {
                    0x80 << (8 * pos)
                } else {
                    0
                };
                assert_eq!(mask, want, "byte {b:#x} at {pos}");
            }
        }
    }

    #[test]
    fn start_heads() {
        assert_eq!(head(b"Kalimantan"), head(b"kalimant"));
        assert_eq!(head(b"Kalimantan"), head(b"KALIMANTAN BARAT"));
        assert_eq!(head(b"Kab. Sintang"), head(b"KAB"));
        assert_eq!(head(b"Aru, Maluku"), head(b"aru"));
        assert_ne!(head(b"Arus"), head(b"aru"));
        assert_eq!(head(b"P0 x"), u64::from_le_bytes(*b"p0\0\0\0\0\0\0"));
        assert_eq!(head(b"DI Yogyakarta"), head(b"di"));
        assert_eq!(head(b""), 0);
        let filter = StartFilter::new([b"Kab.".as_slice(), b"Bau-Bau", b"OKU Timur"]);
        assert!(filter.may_start(b"kab. x"));
        assert!(filter.may_start(b"Bau-bau"));
        assert!(filter.may_start(b"OKU TIMUR"));
        assert!(!filter.may_start(b"Kabupaten"));
    }

    #[test]
    fn datelines() {
        assert!(is_dateline("Batu (ANTARA) - x", 0, 4));
        assert!(is_dateline("x\nTRIBUNKALTIM.CO, SAMARINDA - x", 19, 28));
        assert!(!is_dateline("di Batu (x)", 3, 7));
        assert!(!is_dateline("Batu besar", 0, 4));
        assert!(is_dateline("MALANG, KOMPAS.com - x", 0, 6));
        assert!(!is_dateline("Malang, dsb. lainnya", 0, 6));
        assert!(!is_dateline("Oleh X, Malang - x", 8, 14));
    }

    #[test]
    fn code_keys() {
        assert_eq!(data::code_key("61"), Some(61));
        assert_eq!(data::code_key("61.05"), Some(6105));
        assert_eq!(data::code_key("6105"), Some(6105));
        assert_eq!(data::code_key("61.5"), None);
        assert_eq!(data::code_key("x1"), None);
        assert_eq!(data::code_key(""), None);
    }
}
