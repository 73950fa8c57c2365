//! The boilerplate rules: read from `rules/boilerplate.json` (embedded) and compiled once.

use std::cell::OnceCell;
use std::sync::OnceLock;

use aho_corasick::automaton::Automaton;
use aho_corasick::{dfa, AhoCorasick, Anchored, MatchKind};
use regex::Regex;
use serde::Deserialize;
use warta_core::{OutletKind, RemovalReason};

use crate::forward::{quad_bit, ForwardRegex, QUAD_BITS};

const RULES_JSON: &str = include_str!("../rules/boilerplate.json");

/// Where a rule applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Scope {
    /// The whole line matches: the line is removed.
    Line,
    /// Like `Line`, but only among the lines above the story.
    Header,
    /// The group `strip` is cut from the end of a content line.
    Suffix,
}

/// Whether a line a rule removes above the story gives the article's publication date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum PageDate {
    /// Always: the date is tied to a byline or the outlet's name (`Redaksi Oktober 24, 2024`).
    Always,
    /// Only when the line also holds a time of day (`Kamis, 24 Oktober 2024 | 14:35 WIB`): a
    /// bare date in a site's header may be the day the page was viewed.
    WithTime,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleSource {
    id: String,
    reason: RemovalReason,
    scope: Scope,
    pattern: String,
    #[serde(default)]
    requires: Vec<String>,
    #[serde(default)]
    outlet: Option<OutletKind>,
    #[serde(default)]
    names_outlet: bool,
    #[serde(default)]
    page_date: Option<PageDate>,
    #[serde(default)]
    max_chars: Option<usize>,
    remove: Vec<String>,
    keep: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OutletSource {
    pattern: String,
    kind: OutletKind,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[allow(dead_code)]
    comment: String,
    rules: Vec<RuleSource>,
    outlets: Vec<OutletSource>,
}

/// One compiled rule.
#[derive(Debug)]
pub(crate) struct Rule {
    pub id: String,
    pub reason: RemovalReason,
    pub scope: Scope,
    /// The pattern as written (the tests, and [`Rule::title_in`], compile it as a
    /// `regex::Regex`).
    pattern: String,
    /// The pattern compiled.
    matcher: Matcher,
    /// `pattern` as a `regex::Regex`, for the tests.
    #[cfg(test)]
    test_regex: OnceLock<Regex>,
    /// The outlet kind a match shows, if any (`Berita Pemkab ...` shows a government page).
    pub outlet: Option<OutletKind>,
    /// The matched line is the outlet's name (`KabarSumbar.com`, `detikSulsel`).
    pub names_outlet: bool,
    /// Whether a line the rule removes above the story gives the publication date (`None`:
    /// it never does).
    pub page_date: Option<PageDate>,
    /// The pattern with a `title` group, compiled on first use (see [`Rule::title_in`]):
    /// `None` for the rules without one.
    title_regex: Option<OnceLock<Option<Regex>>>,
    /// Longest line (in chars) the rule applies to: the length limit lives here, not in the
    /// pattern, because bounded repeats of Unicode classes make huge automata.
    pub max_chars: Option<usize>,
    /// Literals of which every line the rule acts on holds one (ASCII case ignored).
    pub requires: Vec<String>,
    /// The rule's bit in [`Candidates`], when it has required literals and a bit is free.
    slot: Option<u32>,
    /// For a rule with a slot whose required literals are all single bytes other than
    /// letters (`|`, `:`, `(`): those bytes, which a line's candidates admit the rule for
    /// exactly when the line holds one (see [`LineCandidates::may_admit`]).
    byte_literals: Option<ByteLiterals>,
    /// For a rule with a slot and other literals: a search for its own literals (ASCII case
    /// ignored, as by the automaton of all literals).
    literal_search: Option<AhoCorasick>,
    #[cfg_attr(not(test), allow(dead_code))]
    pub remove: Vec<String>,
    #[cfg_attr(not(test), allow(dead_code))]
    pub keep: Vec<String>,
}

impl Rule {
    /// The article title a line this rule removed names, from the pattern's `title` group
    /// (`Artikel ini telah tayang di X dengan judul <title>`).
    pub fn title_in(&self, text: &str) -> Option<String> {
        let re = self
            .title_regex
            .as_ref()?
            .get_or_init(|| Regex::new(&self.pattern).ok())
            .as_ref()?;
        let title = re.captures(text)?.name("title")?.as_str().trim();
        (!title.is_empty()).then(|| title.to_string())
    }

    fn fits(&self, chars: usize) -> bool {
        self.max_chars.is_none_or(|m| chars <= m)
    }

    fn matcher(&self) -> &Matcher {
        &self.matcher
    }

    /// False when the rule cannot match a line starting like this one.
    fn may_start(&self, line: &str) -> bool {
        match (&self.matcher().first_bytes, line.as_bytes().first()) {
            (Some(table), Some(&b)) => table[usize::from(b)],
            _ => true,
        }
    }

    /// False when the rule cannot match a line starting with these two bytes.
    fn may_start_pair(&self, line: &str) -> bool {
        match (&self.matcher().first_pairs, line.as_bytes()) {
            (Some(table), &[first, second, ..]) => {
                let pair = usize::from(first) * 256 + usize::from(second);
                table
                    .get(pair / 64)
                    .is_some_and(|bits| bits & (1 << (pair % 64)) != 0)
            }
            _ => true,
        }
    }

    /// False when the rule cannot match a line starting with these four ASCII bytes (most
    /// lines that start as a rule's keyword does leave it within four bytes).
    fn may_start_quad(&self, line: &str) -> bool {
        match (
            &self.matcher().first_quads,
            line.as_bytes().first_chunk::<4>(),
        ) {
            (Some(table), Some(&quad)) if quad.is_ascii() => {
                let bit = quad_bit(quad);
                table
                    .get(bit / 64)
                    .is_some_and(|bits| bits & (1 << (bit % 64)) != 0)
            }
            _ => true,
        }
    }

    /// Whether the line holds one of the rule's required literals (ASCII case ignored); true
    /// for a rule without any search for them.
    fn literal_in(&self, line: &str) -> bool {
        match (&self.byte_literals, &self.literal_search) {
            (Some(bytes), _) => bytes.found_in(line),
            (None, Some(search)) => search.is_match(line),
            (None, None) => true,
        }
    }

    /// False when the rule cannot match a line ending like this one.
    fn may_end(&self, line: &str) -> bool {
        match (&self.matcher().last_bytes, line.as_bytes().last()) {
            (Some(table), Some(&b)) => table[usize::from(b)],
            _ => true,
        }
    }

    /// [`Rule::fits`] for a line whose char count `chars` is counted only when its byte
    /// length does not decide (a char is one to four bytes).
    fn fits_line(&self, line: &str, chars: &OnceCell<usize>) -> bool {
        match self.max_chars {
            None => true,
            Some(max) if line.len() <= max => true,
            Some(max) if line.len() > max.saturating_mul(4) => false,
            Some(_) => self.fits(*chars.get_or_init(|| line.chars().count())),
        }
    }

    /// Whether a line or header rule matches the whole line (`chars`: its length in chars,
    /// counted when a rule with a length limit first asks; `cands`: the candidates of the line
    /// or of a longer line holding it, walked for only when the cheaper tests leave the rule).
    fn matches(&self, line: &str, chars: &OnceCell<usize>, cands: &LineCandidates<'_>) -> bool {
        self.may_start(line)
            && self.may_end(line)
            && self.may_start_pair(line)
            && self.may_start_quad(line)
            && self.fits_line(line, chars)
            && cands.may_admit(self)
            && self.matcher().search.is_match(line)
            && cands.admits(self)
    }

    /// The rule's pattern as a `regex::Regex` (compiled on first use).
    #[cfg(test)]
    fn regex(&self) -> &Regex {
        self.test_regex
            .get_or_init(|| Regex::new(&self.pattern).expect("rule pattern compiles"))
    }
}

/// A rule's pattern, compiled.
#[derive(Debug)]
struct Matcher {
    search: Search,
    /// [`ascii_twin`] of the pattern, for the capture search of suffix rules on ASCII lines.
    ascii: Option<Regex>,
    /// For a rule whose every match starts at the start of the line: which first bytes of a
    /// line can begin a match (read off the parsed pattern), so that most lines skip the
    /// regex.
    first_bytes: Option<Box<[bool; 256]>>,
    /// For a rule whose every match ends at the end of the line: which last bytes of a line
    /// can end a match.
    last_bytes: Option<Box<[bool; 256]>>,
    /// For a rule with a first-byte table of few bytes: which pairs of first and second bytes
    /// of a line can begin a match (a bit per pair, `first * 256 + second`), read off the
    /// rule's automaton.
    first_pairs: Option<Box<[u64; 1024]>>,
    /// For a rule whose every match starts at the start of the line: which first four bytes
    /// of a line can begin a match, hashed ([`ForwardRegex::start_quads`]).
    first_quads: Option<Box<[u64; QUAD_BITS / 64]>>,
}

/// Most first bytes a rule may have for a table of first pairs to be made (case-folded
/// keywords: a few letters each way).
const PAIR_FIRSTS_MAX: usize = 24;

impl Matcher {
    /// Compiles the pattern of rule `id` for the searches of its scope. The file is part of
    /// the crate and every test compiles every rule: a bad pattern is a bug.
    fn compile(id: &str, scope: Scope, pattern: &str) -> Matcher {
        let bad = |e: &dyn std::fmt::Display| -> ! { panic!("rule {id}: bad pattern: {e}") };
        match scope {
            Scope::Line | Scope::Header => {
                // Parsed once for the first-byte table and the automaton.
                let hir = regex_syntax::parse(pattern).unwrap_or_else(|e| bad(&e));
                let re = ForwardRegex::from_hir(&hir).unwrap_or_else(|e| bad(&e));
                let first_bytes = edge_bytes_in(&hir, Edge::First);
                let first_pairs = first_bytes
                    .as_ref()
                    .filter(|t| t.iter().filter(|&&b| b).count() <= PAIR_FIRSTS_MAX)
                    .and_then(|t| re.start_pairs(t));
                // Only for rules with a table of first pairs (a few first bytes: keywords): for
                // the others, walking four bytes costs more states than the table saves.
                let first_quads = first_pairs.as_ref().and_then(|_| re.start_quads());
                Matcher {
                    search: Search::Forward(Box::new(re)),
                    ascii: None,
                    first_bytes,
                    last_bytes: edge_bytes_in(&hir, Edge::Last),
                    first_pairs,
                    first_quads,
                }
            }
            Scope::Suffix => Matcher {
                search: Search::Full(Regex::new(pattern).unwrap_or_else(|e| bad(&e))),
                ascii: ascii_twin(pattern),
                first_bytes: None,
                first_pairs: None,
                first_quads: None,
                last_bytes: regex_syntax::parse(pattern)
                    .ok()
                    .and_then(|hir| edge_bytes_in(&hir, Edge::Last)),
            },
        }
    }
}

/// The searches of a rule's scope.
#[derive(Debug)]
enum Search {
    /// Line and header rules: whole-line tests, which need no match start, so no reverse
    /// automaton (see [`ForwardRegex`]).
    Forward(Box<ForwardRegex>),
    /// Suffix rules: where the cut starts is a capture group, found after a `find`.
    Full(Regex),
}

impl Search {
    fn is_match(&self, line: &str) -> bool {
        match self {
            Search::Forward(re) => re.is_match(line),
            Search::Full(re) => re.is_match(line),
        }
    }
}

/// The rules that can act on one line: those whose required literals it holds (a bit per
/// rule slot), and all rules without required literals.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Candidates(u128);

impl Candidates {
    /// Every rule.
    const ALL: Candidates = Candidates(u128::MAX);

    fn admits(self, rule: &Rule) -> bool {
        rule.slot.is_none_or(|s| self.0 & (1u128 << s) != 0)
    }
}

/// The literal automaton of [`Rules`] as a dense table: per state and byte the next state,
/// and per state the rule slots of the literals that end there. A line costs one table read
/// per byte, without the automaton's checks for special states.
#[derive(Debug)]
struct LiteralTable {
    /// Row `state` holds at `state * 256 + byte` the next state, as the offset of its row
    /// (`next state * 256`), with [`ENDS`] set when a literal ends in that state.
    next: Vec<u32>,
    /// Rule slots of the literals that end on entering each state.
    slots: Vec<u128>,
}

/// Flag of a [`LiteralTable`] entry whose state ends a literal (above every row offset).
const ENDS: u32 = 1 << 31;

impl LiteralTable {
    /// `None` when the automaton is too big for the table's offsets (then the automaton is
    /// walked instead).
    fn new(dfa: &dfa::DFA, literal_slot: &[u32]) -> Option<LiteralTable> {
        let start = dfa.start_state(Anchored::No).ok()?;
        // Number the states reachable from the start (the start is 0), breadth first.
        let mut ids = Vec::new();
        // State id -> its number, in a vector indexed by the id (the automaton's ids are
        // small offsets into its table): a lookup per byte of each row, without hashing.
        let mut index: Vec<usize> = Vec::new();
        let mut number = |sid: aho_corasick::automaton::StateID, ids: &mut Vec<_>| -> usize {
            let at = sid.as_usize();
            if index.len() <= at {
                index.resize(at + 1, usize::MAX);
            }
            match index.get_mut(at) {
                Some(n) if *n != usize::MAX => *n,
                Some(n) => {
                    *n = ids.len();
                    ids.push(sid);
                    *n
                }
                // Not reached: the vector was just made long enough.
                None => usize::MAX,
            }
        };
        number(start, &mut ids);
        let mut rows: Vec<[usize; 256]> = Vec::new();
        while let Some(&sid) = ids.get(rows.len()) {
            let mut row = [0usize; 256];
            for (b, cell) in (0..=255u8).zip(row.iter_mut()) {
                *cell = number(dfa.next_state(Anchored::No, sid, b), &mut ids);
            }
            rows.push(row);
        }
        if rows.iter().flatten().any(|&n| n == usize::MAX) {
            return None;
        }
        let slots: Vec<u128> = ids
            .iter()
            .map(|&sid| {
                let mut bits = 0u128;
                if dfa.is_match(sid) {
                    for i in 0..dfa.match_len(sid) {
                        if let Some(&slot) = literal_slot.get(dfa.match_pattern(sid, i).as_usize())
                        {
                            bits |= 1u128 << slot;
                        }
                    }
                }
                bits
            })
            .collect();
        // The start ends no literal (no literal is empty): a walk starts at offset 0 unflagged.
        if slots.first() != Some(&0) {
            return None;
        }
        // A power of two long, so that a masked index needs no bounds test in the walk (the
        // entries past the last row are never reached), and below the flag.
        let len = (rows.len() * 256).next_power_of_two();
        if len > ENDS as usize {
            return None;
        }
        let mut next = vec![0u32; len];
        for (state, row) in rows.iter().enumerate() {
            for (b, &to) in row.iter().enumerate() {
                let flag = if slots[to] != 0 { ENDS } else { 0 };
                next[state * 256 + b] = u32::try_from(to * 256).ok()? | flag;
            }
        }
        Some(LiteralTable { next, slots })
    }

    /// The rule slots of the literals in `bytes`; `None` only if the table is inconsistent
    /// (not reached).
    fn slots_in(&self, bytes: &[u8]) -> Option<Candidates> {
        let mut bits = 0u128;
        // `next` is a power of two long: a masked index is in bounds. The mask also drops the
        // flag of the entry read last.
        let mask = self.next.len().checked_sub(1)?;
        let next = self.next.get(..=mask)?;
        let ends = ENDS as usize;
        let mut row = 0usize;
        // Eight bytes a round, the flags of the states entered gathered by one bit-or each;
        // a round that entered a state ending a literal (rare) is walked again to read them.
        let mut blocks = bytes.chunks_exact(8);
        for block in &mut blocks {
            let from = row;
            let mut seen = 0usize;
            for &b in block {
                row = next[(row + usize::from(b)) & mask] as usize;
                seen |= row;
            }
            if seen & ends != 0 {
                row = from;
                for &b in block {
                    row = next[(row + usize::from(b)) & mask] as usize;
                    if row & ends != 0 {
                        bits |= *self.slots.get((row & mask) >> 8)?;
                    }
                }
            }
        }
        for &b in blocks.remainder() {
            row = next[(row + usize::from(b)) & mask] as usize;
            if row & ends != 0 {
                bits |= *self.slots.get((row & mask) >> 8)?;
            }
        }
        Some(Candidates(bits))
    }
}

/// Number of rules that can have a [`Candidates`] bit.
const SLOTS: usize = 128;

/// Which end of the text [`edge_bytes_in`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edge {
    First,
    Last,
}

/// For a pattern anchored at the start of the text: the bytes a text can start with for the
/// pattern to match it (a superset: a byte may be kept that no match starts with). `None` when
/// not anchored (then the regex is always tried).
#[cfg(test)]
fn first_bytes(pattern: &str) -> Option<Box<[bool; 256]>> {
    edge_bytes_in(&regex_syntax::parse(pattern).ok()?, Edge::First)
}

/// For a pattern whose every match ends at the end of the text: the bytes a text can end with
/// for the pattern to match it (a superset, as for [`first_bytes`]). `None` when not anchored
/// at the end.
#[cfg(test)]
fn last_bytes(pattern: &str) -> Option<Box<[bool; 256]>> {
    edge_bytes_in(&regex_syntax::parse(pattern).ok()?, Edge::Last)
}

/// [`first_bytes`] (`Edge::First`) or [`last_bytes`] (`Edge::Last`) of a parsed pattern.
///
/// Read off the parsed pattern, which costs far less than building an automaton for it.
fn edge_bytes_in(hir: &regex_syntax::hir::Hir, edge: Edge) -> Option<Box<[bool; 256]>> {
    use regex_syntax::hir::Look;

    let anchored = match edge {
        Edge::First => hir.properties().look_set_prefix().contains(Look::Start),
        Edge::Last => hir.properties().look_set_suffix().contains(Look::End),
    };
    if !anchored {
        return None;
    }
    let mut table = Box::new([false; 256]);
    if edge_bytes_of(hir, edge, &mut table) {
        // The pattern matches the empty text: any line may match.
        table.fill(true);
    }
    Some(table)
}

/// Marks in `table` the bytes a match of `hir` can start (`Edge::First`) or end
/// (`Edge::Last`) with; true when `hir` can match the empty text (then what comes after it,
/// or before it, can start or end the match too).
fn edge_bytes_of(hir: &regex_syntax::hir::Hir, edge: Edge, table: &mut [bool; 256]) -> bool {
    use regex_syntax::hir::{Class, HirKind};

    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => true,
        HirKind::Literal(lit) => {
            let byte = match edge {
                Edge::First => lit.0.first(),
                Edge::Last => lit.0.last(),
            };
            match byte {
                Some(&b) => {
                    table[usize::from(b)] = true;
                    false
                }
                None => true,
            }
        }
        HirKind::Class(Class::Bytes(class)) => {
            for r in class.ranges() {
                table[usize::from(r.start())..=usize::from(r.end())].fill(true);
            }
            false
        }
        HirKind::Class(Class::Unicode(class)) => {
            for r in class.ranges() {
                match edge {
                    // UTF-8 keeps the order of code points, so the first bytes of a range of
                    // chars lie between the first bytes of its ends.
                    Edge::First => {
                        let lead = |c: char| usize::from(c.encode_utf8(&mut [0; 4]).as_bytes()[0]);
                        table[lead(r.start())..=lead(r.end())].fill(true);
                    }
                    // An ASCII char is its own last byte; every other char ends in a
                    // continuation byte.
                    Edge::Last => {
                        let (start, end) = (u32::from(r.start()), u32::from(r.end()));
                        if start < 0x80 {
                            table[start as usize..=end.min(0x7f) as usize].fill(true);
                        }
                        if end >= 0x80 {
                            table[0x80..=0xbf].fill(true);
                        }
                    }
                }
            }
            false
        }
        HirKind::Repetition(rep) => edge_bytes_of(&rep.sub, edge, table) || rep.min == 0,
        HirKind::Capture(cap) => edge_bytes_of(&cap.sub, edge, table),
        HirKind::Concat(subs) => match edge {
            Edge::First => subs.iter().all(|sub| edge_bytes_of(sub, edge, table)),
            Edge::Last => subs.iter().rev().all(|sub| edge_bytes_of(sub, edge, table)),
        },
        HirKind::Alternation(subs) => subs
            .iter()
            .fold(false, |empty, sub| edge_bytes_of(sub, edge, table) | empty),
    }
}

/// The pattern's twin for ASCII text: every class and literal cut down to ASCII. On a text of
/// only ASCII bytes it matches where the pattern does, with the same named groups (the cut parts
/// could only match non-ASCII bytes), and its automaton is a fraction of the size of one built
/// from Unicode classes such as `\p{L}`: a capture search, whose cost grows with the automaton,
/// is several times cheaper. `None` when the twin does not build (then the pattern serves).
pub(crate) fn ascii_twin(pattern: &str) -> Option<Regex> {
    Regex::new(&ascii_twin_hir(pattern)?.to_string()).ok()
}

/// The parsed pattern of [`ascii_twin`].
pub(crate) fn ascii_twin_hir(pattern: &str) -> Option<regex_syntax::hir::Hir> {
    Some(ascii_only(&regex_syntax::parse(pattern).ok()?))
}

/// `regex.captures(line)`, through the ASCII twin of `regex` when the text of the match is
/// ASCII (the rest of the line need not be).
///
/// The twin's paths are the paths of `regex` that read only ASCII bytes, in the same order of
/// preference. Searching from the start of the match of `regex`, the twin fails every path that
/// `regex` preferred and failed, and finds the one `regex` took (it reads only ASCII): the
/// same match with the same groups.
pub(crate) fn captures_via_twin<'h>(
    regex: &Regex,
    twin: Option<&Regex>,
    line: &'h str,
) -> Option<regex::Captures<'h>> {
    let m = regex.find(line)?;
    if let Some(twin) = twin.filter(|_| m.as_str().is_ascii()) {
        if let Some(c) = twin.captures_at(line, m.start()) {
            return Some(c);
        }
    }
    regex.captures(line)
}

fn ascii_only(hir: &regex_syntax::hir::Hir) -> regex_syntax::hir::Hir {
    use regex_syntax::hir::{
        Capture, Class, ClassBytes, ClassBytesRange, ClassUnicode, ClassUnicodeRange, Hir, HirKind,
        Repetition,
    };

    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => hir.clone(),
        HirKind::Literal(lit) if lit.0.is_ascii() => hir.clone(),
        HirKind::Literal(_) => Hir::fail(),
        HirKind::Class(Class::Unicode(class)) => {
            let mut c = class.clone();
            c.intersect(&ClassUnicode::new([ClassUnicodeRange::new('\0', '\x7f')]));
            Hir::class(Class::Unicode(c))
        }
        HirKind::Class(Class::Bytes(class)) => {
            let mut c = class.clone();
            c.intersect(&ClassBytes::new([ClassBytesRange::new(0, 0x7f)]));
            Hir::class(Class::Bytes(c))
        }
        HirKind::Repetition(rep) => Hir::repetition(Repetition {
            min: rep.min,
            max: rep.max,
            greedy: rep.greedy,
            sub: Box::new(ascii_only(&rep.sub)),
        }),
        HirKind::Capture(cap) => Hir::capture(Capture {
            index: cap.index,
            name: cap.name.clone(),
            sub: Box::new(ascii_only(&cap.sub)),
        }),
        HirKind::Concat(subs) => Hir::concat(subs.iter().map(ascii_only).collect()),
        HirKind::Alternation(subs) => Hir::alternation(subs.iter().map(ascii_only).collect()),
    }
}

/// The line rules that can match a line by its first and last bytes, as bits of a word: two
/// table reads instead of a test per rule.
#[derive(Debug)]
struct LineShape {
    /// Per first byte: the bits of the line rules a line starting with it may match.
    by_first: [u64; 256],
    /// Per last byte: the bits of the line rules a line ending with it may match.
    by_last: [u64; 256],
}

impl LineShape {
    /// `None` when there are more than 64 line rules.
    fn new(rules: &[Rule], line_ids: &[usize]) -> Option<LineShape> {
        if line_ids.len() > 64 {
            return None;
        }
        let mut shape = LineShape {
            by_first: [0; 256],
            by_last: [0; 256],
        };
        for (k, rule) in line_ids.iter().map(|&i| &rules[i]).enumerate() {
            let matcher = rule.matcher();
            for (by, table) in [
                (&mut shape.by_first, &matcher.first_bytes),
                (&mut shape.by_last, &matcher.last_bytes),
            ] {
                for (b, bits) in by.iter_mut().enumerate() {
                    if table.as_ref().is_none_or(|t| t[b]) {
                        *bits |= 1 << k;
                    }
                }
            }
        }
        Some(shape)
    }

    /// The line rules that may match `line` by its first and last bytes.
    fn possible(&self, line: &str) -> u64 {
        match (line.as_bytes().first(), line.as_bytes().last()) {
            (Some(&first), Some(&last)) => {
                self.by_first[usize::from(first)] & self.by_last[usize::from(last)]
            }
            _ => u64::MAX,
        }
    }
}

/// The [`Candidates`] of one line, walked for when a rule first needs them: most lines are
/// ruled out for every rule with required literals by their first and last bytes and their
/// length alone.
pub(crate) struct LineCandidates<'a> {
    rules: &'a Rules,
    line: &'a str,
    cands: OnceCell<Candidates>,
}

impl<'a> LineCandidates<'a> {
    /// Candidates already known (of this line or of a longer line holding it).
    pub fn known(rules: &'a Rules, cands: Candidates) -> LineCandidates<'a> {
        LineCandidates {
            rules,
            line: "",
            cands: OnceCell::from(cands),
        }
    }

    /// The candidates, walked for on first use.
    pub fn get(&self) -> Candidates {
        *self.cands.get_or_init(|| self.rules.candidates(self.line))
    }

    /// Whether the candidates admit `rule`. Not known yet, they are not walked for: the
    /// rule's own literals are looked for instead (what the walk would tell for this rule),
    /// as one rule is asked at a time (the first line rule that matches ends the line's
    /// tests). The walk goes through a table of all literals too big for the fastest cache,
    /// a read depending on the one before for each byte; a search for a few literals skips
    /// along the line.
    fn admits(&self, rule: &Rule) -> bool {
        if rule.slot.is_none() {
            return true;
        }
        match self.cands.get() {
            Some(c) => c.admits(rule),
            None => admits_every_rule(self.line) || rule.literal_in(self.line),
        }
    }

    /// False when the candidates are known and do not admit `rule`, or, not known yet, would
    /// not: for a rule whose literals are single bytes, a vectorised search for them tells
    /// (the candidates of a line that [`admits_every_rule`] admit every rule). Otherwise true.
    /// For a line left with a rule or two, that rule's search usually rules the line out for
    /// less than the walk over it, which is then made only after a match.
    fn may_admit(&self, rule: &Rule) -> bool {
        match (self.cands.get(), &rule.byte_literals) {
            (Some(c), _) => c.admits(rule),
            (None, Some(bytes)) => bytes.found_in(self.line) || admits_every_rule(self.line),
            (None, None) => true,
        }
    }
}

/// Whether the [`Candidates`] of a line are all rules: it holds `ſ` (U+017F) or `K` (U+212A),
/// which a case-insensitive regex lets stand for `s` and `k` while the literal automaton
/// ignores ASCII case only.
fn admits_every_rule(line: &str) -> bool {
    !line.is_ascii() && (line.contains('\u{17f}') || line.contains('\u{212a}'))
}

/// One to three bytes, none of them a letter, looked for in a line by a vectorised search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ByteLiterals {
    One(u8),
    Two(u8, u8),
    Three(u8, u8, u8),
}

impl ByteLiterals {
    /// The bytes of `literals` when they are all single ASCII bytes other than letters (so
    /// that ignoring ASCII case changes nothing), one to three distinct ones.
    fn of(literals: &[String]) -> Option<ByteLiterals> {
        let mut bytes: Vec<u8> = Vec::new();
        for lit in literals {
            match lit.as_bytes() {
                &[b] if b.is_ascii() && !b.is_ascii_alphabetic() => {
                    if !bytes.contains(&b) {
                        bytes.push(b);
                    }
                }
                _ => return None,
            }
        }
        match bytes[..] {
            [a] => Some(ByteLiterals::One(a)),
            [a, b] => Some(ByteLiterals::Two(a, b)),
            [a, b, c] => Some(ByteLiterals::Three(a, b, c)),
            _ => None,
        }
    }

    /// Whether `line` holds one of the bytes.
    fn found_in(self, line: &str) -> bool {
        let hay = line.as_bytes();
        match self {
            ByteLiterals::One(a) => memchr::memchr(a, hay).is_some(),
            ByteLiterals::Two(a, b) => memchr::memchr2(a, b, hay).is_some(),
            ByteLiterals::Three(a, b, c) => memchr::memchr3(a, b, c, hay).is_some(),
        }
    }
}

/// All rules, by scope, in file order.
#[derive(Debug)]
pub(crate) struct Rules {
    pub rules: Vec<Rule>,
    /// All required literals, ASCII case ignored.
    prefilter: dfa::DFA,
    /// Rule slot of each literal of `prefilter`.
    literal_slot: Vec<u32>,
    /// `prefilter` as a dense table, walked by [`Rules::candidates`].
    literal_table: Option<LiteralTable>,
    line_ids: Vec<usize>,
    /// The line rules by first and last byte (bit `k`: `line_ids[k]`), when there are at
    /// most 64.
    line_shape: Option<LineShape>,
    header_ids: Vec<usize>,
    suffix_ids: Vec<usize>,
    outlets: Vec<(Regex, OutletKind)>,
}

/// A suffix cut from a line by a rule.
#[derive(Debug)]
pub(crate) struct SuffixCut<'r> {
    pub rule: &'r Rule,
    /// Byte offset in the line where the cut part starts.
    pub start: usize,
}

impl Rules {
    fn load() -> Rules {
        // The file is part of the crate: a broken file is a bug caught by every test.
        let file: RuleFile =
            serde_json::from_str(RULES_JSON).expect("rules/boilerplate.json is valid");
        let mut rules: Vec<Rule> = file
            .rules
            .into_iter()
            .map(|r| Rule {
                title_regex: r.pattern.contains("(?P<title>").then(OnceLock::new),
                matcher: Matcher::compile(&r.id, r.scope, &r.pattern),
                pattern: r.pattern,
                #[cfg(test)]
                test_regex: OnceLock::new(),
                requires: r.requires,
                slot: None,
                byte_literals: None,
                literal_search: None,
                id: r.id,
                reason: r.reason,
                scope: r.scope,
                outlet: r.outlet,
                names_outlet: r.names_outlet,
                page_date: r.page_date,
                max_chars: r.max_chars,
                remove: r.remove,
                keep: r.keep,
            })
            .collect();
        // One automaton over the required literals of all rules; pattern -> rule slot.
        let mut literals: Vec<&str> = Vec::new();
        let mut literal_slot: Vec<u32> = Vec::new();
        let mut next_slot = 0u32;
        for rule in &mut rules {
            if rule.requires.is_empty() || next_slot as usize >= SLOTS {
                continue;
            }
            rule.slot = Some(next_slot);
            rule.byte_literals = ByteLiterals::of(&rule.requires);
            if rule.byte_literals.is_none() {
                rule.literal_search = Some(
                    AhoCorasick::builder()
                        .ascii_case_insensitive(true)
                        .match_kind(MatchKind::Standard)
                        .build(&rule.requires)
                        .expect("a rule's required literals build a search"),
                );
            }
            next_slot += 1;
        }
        for rule in &rules {
            if let Some(slot) = rule.slot {
                for lit in &rule.requires {
                    literals.push(lit);
                    literal_slot.push(slot);
                }
            }
        }
        let prefilter = dfa::Builder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            // Walked by hand in `candidates`, byte by byte.
            .prefilter(false)
            .build(&literals)
            .expect("required literals build an automaton");
        let literal_table = LiteralTable::new(&prefilter, &literal_slot);
        let ids = |scope: Scope| -> Vec<usize> {
            rules
                .iter()
                .enumerate()
                .filter(|(_, r)| r.scope == scope)
                .map(|(i, _)| i)
                .collect()
        };
        let line_ids = ids(Scope::Line);
        let line_shape = LineShape::new(&rules, &line_ids);
        let header_ids = ids(Scope::Header);
        let suffix_ids = ids(Scope::Suffix);

        let outlets = file
            .outlets
            .into_iter()
            .map(|o| {
                (
                    Regex::new(&o.pattern).expect("outlet pattern compiles"),
                    o.kind,
                )
            })
            .collect();
        Rules {
            prefilter,
            literal_slot,
            literal_table,
            line_ids,
            line_shape,
            header_ids,
            suffix_ids,
            rules,
            outlets,
        }
    }

    /// The first line rule (in file order) that matches the whole line.
    ///
    /// The rules are tried one by one: measured on the corpus, one `RegexSet` over all of them
    /// was two to four times slower (its automaton is too big for the lazy DFA cache and the
    /// search falls back to the PikeVM), while each single rule runs as a lazy DFA with a
    /// literal prefilter. Before that, tables of possible first and last bytes and the length
    /// limit skip most rules; and one pass of an automaton over all required literals, made
    /// only when a rule with literals is left, leaves only the rules whose literals the line
    /// holds.
    pub fn match_line(&self, line: &str) -> Option<&Rule> {
        self.match_line_among(line, &self.line_candidates(line))
    }

    /// The candidates of `line`, walked for when first needed.
    pub fn line_candidates<'a>(&'a self, line: &'a str) -> LineCandidates<'a> {
        LineCandidates {
            rules: self,
            line,
            cands: OnceCell::new(),
        }
    }

    /// [`Rules::match_line`] among candidates of this line or a longer line holding it.
    pub fn match_line_among(&self, line: &str, cands: &LineCandidates<'_>) -> Option<&Rule> {
        let chars = OnceCell::new();
        if let Some(shape) = &self.line_shape {
            // Only the rules the line's first and last bytes leave, in file order.
            let mut possible = shape.possible(line);
            while possible != 0 {
                let k = possible.trailing_zeros() as usize;
                possible &= possible - 1;
                let rule = self.line_ids.get(k).and_then(|&i| self.rules.get(i))?;
                // The table reads first: the length limit may have to count the chars.
                if rule.may_start_pair(line)
                    && rule.may_start_quad(line)
                    && rule.fits_line(line, &chars)
                    && cands.may_admit(rule)
                    && rule.matcher().search.is_match(line)
                    && cands.admits(rule)
                {
                    return Some(rule);
                }
            }
            return None;
        }
        self.match_line_rule_by_rule(line, cands)
    }

    /// [`Rules::match_line_among`] testing each line rule in turn (when there are too many
    /// line rules for [`LineShape`], and the reference for it).
    fn match_line_rule_by_rule(&self, line: &str, cands: &LineCandidates<'_>) -> Option<&Rule> {
        let chars = OnceCell::new();
        self.line_ids
            .iter()
            .map(|&i| &self.rules[i])
            .find(|r| r.matches(line, &chars, cands))
    }

    /// The first header rule that matches the line.
    pub fn match_header(&self, line: &str) -> Option<&Rule> {
        let chars = OnceCell::new();
        let cands = self.line_candidates(line);
        self.header_ids
            .iter()
            .map(|&i| &self.rules[i])
            .find(|r| r.matches(line, &chars, &cands))
    }

    /// The rules whose required literals the line holds (and all rules without any).
    ///
    /// The automaton ignores ASCII case only, while a case-insensitive regex also lets `ſ`
    /// (U+017F) stand for `s` and `K` (U+212A) for `k`: a line holding either is given every
    /// rule.
    pub fn candidates(&self, line: &str) -> Candidates {
        if admits_every_rule(line) {
            return Candidates::ALL;
        }
        self.literal_table
            .as_ref()
            .and_then(|t| t.slots_in(line.as_bytes()))
            .unwrap_or_else(|| self.candidates_by_automaton(line))
    }

    /// [`Rules::candidates`] by the automaton's own transitions (the reference for the table,
    /// and the way when the table could not be built).
    fn candidates_by_automaton(&self, line: &str) -> Candidates {
        // Every literal occurring anywhere in the line (overlapping matches): one transition
        // per byte; a match state lists all literals ending at that byte.
        let dfa = &self.prefilter;
        let Ok(mut sid) = dfa.start_state(Anchored::No) else {
            return Candidates::ALL;
        };
        let mut bits = 0u128;
        let mut add_matches = |sid| {
            for i in 0..dfa.match_len(sid) {
                if let Some(&slot) = self.literal_slot.get(dfa.match_pattern(sid, i).as_usize()) {
                    bits |= 1u128 << slot;
                }
            }
        };
        if dfa.is_match(sid) {
            add_matches(sid);
        }
        for &b in line.as_bytes() {
            sid = dfa.next_state(Anchored::No, sid, b);
            if dfa.is_special(sid) && dfa.is_match(sid) {
                add_matches(sid);
            }
        }
        Candidates(bits)
    }

    /// The first suffix rule that cuts something from the end of the line (`cands`: computed
    /// for this line or a longer line holding it).
    pub fn match_suffix(&self, line: &str, cands: &LineCandidates<'_>) -> Option<SuffixCut<'_>> {
        self.suffix_ids.iter().find_map(|&i| {
            let rule = &self.rules[i];
            // Most lines end in a byte no sign-off ends with.
            if !rule.may_end(line) || !cands.admits(rule) {
                return None;
            }
            let matcher = rule.matcher();
            let Search::Full(regex) = &matcher.search else {
                return None;
            };
            let caps = captures_via_twin(regex, matcher.ascii.as_ref(), line)?;
            let m = caps.name("strip")?;
            Some(SuffixCut {
                rule,
                start: m.start(),
            })
        })
    }

    /// The rule with this id (the `rule` of the removals the rules make).
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// The outlet kind a name shows (`ANTARA News Kalbar` -> Antara).
    pub fn outlet_kind(&self, name: &str) -> OutletKind {
        self.outlets
            .iter()
            .find(|(re, _)| re.is_match(name))
            .map(|(_, k)| *k)
            .unwrap_or(OutletKind::Other)
    }

    /// Whether the rule acts on the line (for the examples test).
    #[cfg(test)]
    fn acts_on(&self, rule: &Rule, line: &str) -> bool {
        match rule.scope {
            Scope::Line | Scope::Header => {
                rule.fits(line.chars().count()) && rule.matcher().search.is_match(line)
            }
            Scope::Suffix => rule
                .regex()
                .captures(line)
                .and_then(|c| c.name("strip"))
                .is_some(),
        }
    }
}

/// The compiled rules, built on first use.
pub(crate) fn rules() -> &'static Rules {
    static RULES: OnceLock<Rules> = OnceLock::new();
    RULES.get_or_init(Rules::load)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_acts_on_its_remove_examples_and_not_on_its_keep_examples() {
        let rules = rules();
        let mut failures = Vec::new();
        for rule in &rules.rules {
            assert!(
                !rule.remove.is_empty(),
                "rule {} has no remove example",
                rule.id
            );
            assert!(
                !rule.keep.is_empty(),
                "rule {} has no keep example",
                rule.id
            );
            for ex in &rule.remove {
                if !rules.acts_on(rule, ex) {
                    failures.push(format!("{}: should act on {ex:?}", rule.id));
                }
            }
            for ex in &rule.keep {
                if rules.acts_on(rule, ex) {
                    failures.push(format!("{}: should leave {ex:?}", rule.id));
                }
            }
        }
        assert!(
            failures.is_empty(),
            "rule example failures:\n{}",
            failures.join("\n")
        );
    }

    #[test]
    fn keep_examples_survive_every_line_rule() {
        // A keep example of one rule must not be eaten by another line rule either.
        let rules = rules();
        let mut failures = Vec::new();
        for rule in &rules.rules {
            for ex in &rule.keep {
                if let Some(other) = rules.match_line(ex) {
                    failures.push(format!(
                        "{}'s keep example {ex:?} removed by {}",
                        rule.id, other.id
                    ));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    /// Asserts that every rule's table (where `has_table`) lets each of its remove examples
    /// through `admits`; returns how many rules have a table.
    fn tables_admit_remove_examples(
        rules: &Rules,
        what: &str,
        has_table: impl Fn(&Rule) -> bool,
        admits: impl Fn(&Rule, &str) -> bool,
    ) -> usize {
        let mut with_table = 0;
        for rule in &rules.rules {
            if has_table(rule) {
                with_table += 1;
            }
            for ex in &rule.remove {
                assert!(admits(rule, ex), "{}: {what} of {ex:?}", rule.id);
            }
        }
        with_table
    }

    #[test]
    fn first_byte_tables_admit_every_remove_example() {
        let rules = rules();
        let with_table = tables_admit_remove_examples(
            rules,
            "first byte",
            |r| r.matcher().first_bytes.is_some(),
            Rule::may_start,
        );
        // Every line and header rule in the file is anchored at the line start.
        assert!(
            with_table > 20,
            "{with_table} rules with a first-byte table"
        );
        // And the table does say no: a body sentence cannot start a copyright line.
        let copyright = rules
            .rules
            .iter()
            .find(|r| r.id == "antara_copyright")
            .unwrap();
        assert!(!copyright.may_start("Bupati menegaskan ASN harus netral."));
        assert!(copyright.may_start("copyright antara"));
    }

    #[test]
    fn last_byte_tables_admit_every_remove_example() {
        let rules = rules();
        let with_table = tables_admit_remove_examples(
            rules,
            "last byte",
            |r| r.matcher().last_bytes.is_some(),
            Rule::may_end,
        );
        assert!(with_table > 20, "{with_table} rules with a last-byte table");
        // The table does say no: a sentence ends no sign-off and no photo credit.
        for id in ["signoff_initials", "photo_caption_credit"] {
            let rule = rules.rules.iter().find(|r| r.id == id).unwrap();
            assert!(!rule.may_end("Bupati menegaskan ASN harus netral."), "{id}");
            assert!(
                rule.may_end("Bupati menegaskan ASN harus netral. (ant)"),
                "{id}"
            );
        }
    }

    #[test]
    fn first_pair_tables_admit_every_remove_example() {
        let rules = rules();
        let with_table = tables_admit_remove_examples(
            rules,
            "first pair",
            |r| r.matcher().first_pairs.is_some(),
            Rule::may_start_pair,
        );
        assert!(
            with_table > 15,
            "{with_table} rules with a first-pair table"
        );
        // The table says no where the first byte alone does not: `Sementara` starts no
        // `Simak juga`, `Kepala` no `Klik`.
        let rule = rules
            .rules
            .iter()
            .find(|r| r.id == "cross_link_baca_juga")
            .unwrap();
        for line in ["Sementara itu, Bupati berpesan.", "Kepala dinas hadir."] {
            assert!(rule.may_start(line) && !rule.may_start_pair(line), "{line}");
        }
        for line in ["SIMAK JUGA: Bupati", "klik juga >> berita", "Baca juga: x"] {
            assert!(rule.may_start_pair(line), "{line}");
        }
    }

    proptest::proptest! {
        #[test]
        fn first_pair_tables_keep_every_match(
            s in "(?i)(baca|simak|foto|penulis|tag|copyright|©|isi|artikel|id|beranda)[a-z :>|/©.\u{212a}\u{17f}-]{0,30}"
        ) {
            for r in &rules().rules {
                if r.matcher().first_pairs.is_some() && r.regex().is_match(&s) {
                    proptest::prop_assert!(r.may_start_pair(&s), "{}: {:?}", r.id, s);
                }
            }
        }
    }

    #[test]
    fn first_quad_tables_admit_every_remove_example() {
        let rules = rules();
        let with_table = tables_admit_remove_examples(
            rules,
            "first four bytes",
            |r| r.matcher().first_quads.is_some(),
            Rule::may_start_quad,
        );
        assert!(
            with_table > 15,
            "{with_table} rules with a first-four table"
        );
        // The table says no where the first two bytes do not: `Kepala` starts no `Keywords`,
        // `Tahun` no `Tags`.
        let rule = rules
            .rules
            .iter()
            .find(|r| r.id == "keywords_label")
            .unwrap();
        for line in ["Kepala dinas hadir.", "Tahun ini ASN netral."] {
            assert!(
                rule.may_start_pair(line) && !rule.may_start_quad(line),
                "{line}"
            );
        }
        for line in ["Tags: Bupati", "KEYWORDS : pemilu", "Topik: ASN", "tag:x"] {
            assert!(rule.may_start_quad(line), "{line}");
        }
    }

    proptest::proptest! {
        #[test]
        fn first_quad_tables_keep_every_match(
            s in "(?i)(baca|simak|foto|penulis|pewarta|tags?|topik|kata|copyright|©|isi|artikel|id|beranda|home|berita|laporan|share|bagikan|senin|jum'?at|\\(hms|\\(|www)[a-z0-9 :>|/©.,()'\u{212a}\u{17f}\u{a0}-]{0,30}"
        ) {
            for r in &rules().rules {
                if r.matcher().first_quads.is_some() && r.regex().is_match(&s) {
                    proptest::prop_assert!(r.may_start_quad(&s), "{}: {:?}", r.id, s);
                }
            }
        }
    }

    /// Whether a line's candidates, not walked for yet, admit each rule (and may admit each
    /// rule with byte literals) exactly when the walked candidates admit it.
    fn byte_literals_decide_as_candidates(line: &str) -> Result<(), String> {
        let rules = rules();
        for rule in &rules.rules {
            let walked = rules.candidates(line).admits(rule);
            let unknown = rules.line_candidates(line).admits(rule);
            let may = rules.line_candidates(line).may_admit(rule);
            if unknown != walked || (rule.byte_literals.is_some() && may != walked) {
                return Err(format!(
                    "{}: {line:?}: admits {unknown}, may admit {may}, walked {walked}",
                    rule.id
                ));
            }
        }
        Ok(())
    }

    #[test]
    fn byte_literals_admit_as_the_candidates_do() {
        let rules = rules();
        let with_bytes: Vec<&str> = rules
            .rules
            .iter()
            .filter(|r| r.byte_literals.is_some())
            .map(|r| r.id.as_str())
            .collect();
        for id in ["tribun_related_pipe", "chrome_meta_pipe", "byline_label"] {
            assert!(with_bytes.contains(&id), "{id} has no byte literals");
        }
        for line in rules
            .rules
            .iter()
            .flat_map(|r| r.remove.iter().chain(&r.keep).map(String::as_str))
            .chain([
                "",
                "Bupati menegaskan ASN harus netral.",
                "Kamis, 7 November 2024 | 10:00 WIB",
                "Penulis: A \u{17f}",
                "Tag \u{212a}",
                "Baca juga: (ANTARA) www.kompas.co.id detikNews | © COPYRIGHT tags: ![x]",
                "(hms) (HUMAS) kata kunci ISI KOMENTAR artikel ini --- Berita Info",
            ])
        {
            byte_literals_decide_as_candidates(line).unwrap();
        }
    }

    proptest::proptest! {
        #[test]
        fn byte_literals_admit_as_the_candidates_do_on_any_text(
            s in "[a-zA-Z0-9 .,:|()/!\\[\\]>»›©\u{17f}\u{212a}\u{a0}-]{0,40}"
        ) {
            let decided = byte_literals_decide_as_candidates(&s);
            proptest::prop_assert!(decided.is_ok(), "{:?}", decided);
        }
    }

    #[test]
    fn rule_literals_admit_as_the_candidates_do_on_lines_of_literals() {
        // Lines made of pieces of every rule's literals, in any case, cut and joined:
        // literals inside, across and next to each other.
        let rules = rules();
        let pieces: Vec<String> = rules
            .rules
            .iter()
            .flat_map(|r| r.requires.iter())
            .flat_map(|l| {
                let chars: Vec<char> = l.chars().collect();
                let half = chars.len() / 2;
                [
                    l.clone(),
                    l.to_ascii_uppercase(),
                    chars[..half].iter().collect(),
                    chars[half..].iter().collect(),
                ]
            })
            .collect();
        let mut next = crate::test_rng::xorshift();
        for _ in 0..3000 {
            let n = 1 + (next() % 4) as usize;
            let line: String = (0..n)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize].as_str())
                .collect::<Vec<_>>()
                .join(if next() % 2 == 0 { "" } else { " " });
            byte_literals_decide_as_candidates(&line).unwrap();
        }
    }

    #[test]
    fn last_bytes_of_unanchored_optional_and_unicode_endings() {
        assert!(last_bytes("foo|bar$").is_none());
        assert!(last_bytes("^foo").is_none());
        let t = last_bytes("(?i)ab\\s*$").unwrap();
        assert!(t[usize::from(b'b')] && t[usize::from(b'B')] && t[usize::from(b' ')]);
        // Unicode white space (U+00A0, U+3000) ends in a continuation byte.
        assert!(t[0xa0] && t[0x80]);
        assert!(!t[usize::from(b'a')] && !t[usize::from(b'.')]);
        // U+212A KELVIN SIGN folds to k: its last byte stays possible.
        let k = last_bytes("(?i)k$").unwrap();
        assert!(k[0xaa] && k[usize::from(b'k')] && k[usize::from(b'K')]);
        assert!(last_bytes("x?$").unwrap().iter().all(|&b| b));
        assert!(last_bytes("(?:x|y?)(?-u:\\b)$").unwrap().iter().all(|&b| b));
    }

    proptest::proptest! {
        #[test]
        fn last_byte_tables_keep_every_match(
            s in "[a-zA-Z0-9 .,()/:|*\\-\u{a0}\u{e9}\u{201d}]{0,40}"
        ) {
            for r in &rules().rules {
                let Some(table) = &r.matcher().last_bytes else {
                    continue;
                };
                for line in [s.clone(), format!("{s} (ant)"), format!("Foto: {s}")] {
                    if r.regex().is_match(&line) {
                        let last = line.as_bytes().last().copied();
                        proptest::prop_assert!(
                            last.is_none_or(|b| table[usize::from(b)]),
                            "{}: {line:?}", r.id
                        );
                    }
                }
            }
        }
    }

    /// The first bytes as an automaton for the pattern sees them: exact, and costly to build.
    fn first_bytes_by_dfa(pattern: &str) -> Option<[bool; 256]> {
        use regex_automata::{hybrid::dfa::DFA, Anchored, Input};

        let dfa = DFA::new(pattern).ok()?;
        let mut cache = dfa.create_cache();
        let start = dfa
            .start_state_forward(&mut cache, &Input::new("").anchored(Anchored::Yes))
            .ok()?;
        let mut table = [false; 256];
        for b in 0..=255u8 {
            // A state other than the dead one (a match, a quit, a live state) keeps the byte.
            let next = dfa.next_state(&mut cache, start, b).ok()?;
            table[usize::from(b)] = !next.is_dead();
        }
        Some(table)
    }

    #[test]
    fn first_byte_tables_keep_every_byte_the_automaton_keeps() {
        let file: RuleFile = serde_json::from_str(RULES_JSON).unwrap();
        let extra = [
            "(?i)^(?:ab|c?d)*e",
            "^(?:x|)y",
            "^[^|]+z",
            "^\\p{Lu}\\w",
            "^(?-u:\\b)ab",
        ];
        let patterns = file.rules.iter().map(|r| r.pattern.as_str()).chain(extra);
        for pattern in patterns {
            let (Some(table), Some(exact)) = (first_bytes(pattern), first_bytes_by_dfa(pattern))
            else {
                continue;
            };
            for b in 0..256 {
                assert!(table[b] || !exact[b], "{pattern}: byte {b:#x} dropped");
            }
        }
    }

    #[test]
    fn first_bytes_of_unanchored_or_case_folded_patterns() {
        assert!(first_bytes("foo|^bar").is_none());
        let t = first_bytes("(?i)^kab").unwrap();
        assert!(t[usize::from(b'k')] && t[usize::from(b'K')]);
        // U+212A KELVIN SIGN folds to k: its first byte stays possible.
        assert!(t[0xe2]);
        assert!(!t[usize::from(b'a')]);
        assert!(first_bytes("^x?").unwrap().iter().all(|&b| b));
    }

    #[test]
    fn every_remove_example_holds_a_required_literal() {
        let rules = rules();
        let mut with_literals = 0;
        for rule in &rules.rules {
            if rule.requires.is_empty() {
                continue;
            }
            with_literals += 1;
            assert!(rule.slot.is_some(), "{}: no slot", rule.id);
            for ex in &rule.remove {
                let lower = ex.to_ascii_lowercase();
                assert!(
                    rule.requires
                        .iter()
                        .any(|l| lower.contains(&l.to_ascii_lowercase())),
                    "{}: {ex:?} holds none of {:?}",
                    rule.id,
                    rule.requires
                );
                assert!(
                    rules.candidates(ex).admits(rule),
                    "{}: prefilter drops {ex:?}",
                    rule.id
                );
            }
        }
        assert!(with_literals > 20, "{with_literals} rules with literals");
        // The prefilter does say no: a body sentence is no copyright line or cross-link.
        let line = "Bupati menegaskan ASN harus netral dalam Pilkada 2024.";
        let cands = rules.candidates(line);
        for id in [
            "antara_copyright",
            "cross_link_baca_juga",
            "tribun_related_pipe",
        ] {
            let rule = rules.rules.iter().find(|r| r.id == id).unwrap();
            assert!(!cands.admits(rule), "{id} admitted");
        }
    }

    #[test]
    fn prefilter_changes_no_decision_on_any_example() {
        let rules = rules();
        for ex in rules
            .rules
            .iter()
            .flat_map(|r| r.remove.iter().chain(&r.keep))
        {
            let cands = rules.line_candidates(ex);
            let all = LineCandidates::known(rules, Candidates::ALL);
            let id = |r: Option<&Rule>| r.map(|r| r.id.clone());
            assert_eq!(
                id(rules.match_line_among(ex, &cands)),
                id(rules.match_line_among(ex, &all)),
                "{ex:?}"
            );
            assert_eq!(
                rules
                    .match_suffix(ex, &cands)
                    .map(|c| (c.rule.id.clone(), c.start)),
                rules
                    .match_suffix(ex, &all)
                    .map(|c| (c.rule.id.clone(), c.start)),
                "{ex:?}"
            );
        }
    }

    #[test]
    fn line_shape_decides_as_testing_each_rule() {
        let rules = rules();
        assert!(rules.line_shape.is_some());
        let mut lines: Vec<String> = rules
            .rules
            .iter()
            .flat_map(|r| r.remove.iter().chain(&r.keep).cloned())
            .collect();
        // Content lines holding literals of several rules, and their prefixes.
        lines.push("Baca juga: Bupati | Foto (ANTARA) kompas.com id tag copyright ©".into());
        lines.push("Senin (7/11/2024) - Laporan wartawan, caption: share ke WhatsApp".into());
        let more: Vec<String> = lines
            .iter()
            .flat_map(|l| {
                let cut: String = l.chars().take(l.chars().count() / 2).collect();
                [cut, format!("{l} {l}"), l.to_uppercase()]
            })
            .collect();
        lines.extend(more);
        let id = |r: Option<&Rule>| r.map(|r| r.id.clone());
        for line in &lines {
            for cands in [rules.candidates(line), Candidates::ALL, Candidates(0)] {
                let cands = LineCandidates::known(rules, cands);
                assert_eq!(
                    id(rules.match_line_among(line, &cands)),
                    id(rules.match_line_rule_by_rule(line, &cands)),
                    "{line:?}"
                );
            }
            // Without the first and last byte and length tests: each rule's regex.
            let reference = rules.line_ids.iter().map(|&i| &rules.rules[i]).find(|r| {
                rules.candidates(line).admits(r)
                    && r.fits(line.chars().count())
                    && r.matcher().search.is_match(line)
            });
            assert_eq!(
                id(rules.match_line_among(line, &rules.line_candidates(line))),
                id(reference),
                "{line:?}"
            );
        }
    }

    /// Named groups of a match with their spans.
    type Groups = Vec<(String, Option<(usize, usize)>)>;

    /// The spans of all named groups of a match, by name.
    fn groups(re: &Regex, text: &str) -> Option<Groups> {
        let c = re.captures(text)?;
        Some(
            re.capture_names()
                .flatten()
                .map(|n| (n.to_string(), c.name(n).map(|m| (m.start(), m.end()))))
                .collect(),
        )
    }

    #[test]
    fn ascii_twins_capture_what_their_patterns_capture_on_ascii_text() {
        let rules = rules();
        let mut tried = 0;
        for rule in &rules.rules {
            let twin = ascii_twin(rule.regex().as_str()).expect("every rule has an ASCII twin");
            for ex in rule
                .remove
                .iter()
                .chain(&rule.keep)
                .filter(|e| e.is_ascii())
            {
                for text in [ex.clone(), format!("{ex}  "), format!("Isi berita. {ex}")] {
                    assert_eq!(
                        groups(&twin, &text),
                        groups(rule.regex(), &text),
                        "{}: {text:?}",
                        rule.id
                    );
                    assert_eq!(twin.is_match(&text), rule.regex().is_match(&text));
                    tried += 1;
                }
            }
        }
        assert!(tried > 100);
        // Classes and literals outside ASCII are cut, groups keep their names.
        let twin = ascii_twin(r"(?i)^(?P<place>\p{Lu}\p{L}+)\s*[-–—]\s*(?P<rest>.*)$").unwrap();
        assert_eq!(
            groups(&twin, "KUPANG - Bawaslu"),
            Some(vec![
                ("place".into(), Some((0, 6))),
                ("rest".into(), Some((9, 16)))
            ])
        );
        assert!(!twin.is_match("K\u{e9} - x"));
    }

    #[test]
    fn captures_through_twins_are_the_captures_on_lines_with_other_text() {
        let rules = rules();
        let mut tried = 0;
        for rule in &rules.rules {
            let twin = ascii_twin(rule.regex().as_str());
            for ex in rule.remove.iter().chain(&rule.keep) {
                for text in [
                    ex.clone(),
                    format!("\u{201c}Kami netral,\u{201d} ujar S\u{e9}kda. {ex}"),
                    format!("{ex} \u{2013} \u{e9}"),
                ] {
                    let via = captures_via_twin(rule.regex(), twin.as_ref(), &text);
                    let plain = rule.regex().captures(&text);
                    let spans = |c: Option<regex::Captures<'_>>| {
                        c.map(|c| {
                            rule.regex()
                                .capture_names()
                                .enumerate()
                                .map(|(i, n)| {
                                    let m = match n {
                                        Some(n) => c.name(n),
                                        None => (i == 0).then(|| c.get(0)).flatten(),
                                    };
                                    m.map(|m| (m.start(), m.end()))
                                })
                                .collect::<Vec<_>>()
                        })
                    };
                    assert_eq!(spans(via), spans(plain), "{}: {text:?}", rule.id);
                    tried += 1;
                }
            }
        }
        assert!(tried > 200);
    }

    proptest::proptest! {
        #[test]
        fn ascii_twins_agree_on_any_ascii_text(s in "[a-zA-Z0-9 .,()/:|*-]{0,40}") {
            let rules = rules();
            for rule in &rules.rules {
                if let Some(twin) = &rule.matcher().ascii {
                    proptest::prop_assert_eq!(groups(twin, &s), groups(rule.regex(), &s));
                }
            }
        }
    }

    #[test]
    fn literal_table_finds_what_the_automaton_finds() {
        let rules = rules();
        let table = rules
            .literal_table
            .as_ref()
            .expect("the literal table builds");
        let mut lines: Vec<String> = rules
            .rules
            .iter()
            .flat_map(|r| r.remove.iter().chain(&r.keep).cloned())
            .collect();
        lines.extend(
            [
                "",
                "COPYRIGHT \u{a9} ANTARA 2024",
                "Baca Juga: Bawaslu | TRIBUN",
                "(hms/adv) kata kunci: ASN, Pilkada",
                "\u{2018}Kami\u{2019} \u{203a} Berita \u{bb} detikSulsel",
            ]
            .map(String::from),
        );
        for line in &lines {
            let by_table = table.slots_in(line.as_bytes()).map(|c| c.0);
            assert_eq!(
                by_table,
                Some(rules.candidates_by_automaton(line).0),
                "{line:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn literal_table_agrees_with_the_automaton_on_any_text(
            s in "[a-zA-Z (:|/>.\u{a9}\u{bb}\u{203a}-]{0,40}"
        ) {
            let rules = rules();
            let table = rules.literal_table.as_ref().expect("the literal table builds");
            proptest::prop_assert_eq!(
                table.slots_in(s.as_bytes()).map(|c| c.0),
                Some(rules.candidates_by_automaton(&s).0)
            );
        }
    }

    #[test]
    fn prefilter_keeps_unicode_case_folds_of_s_and_k() {
        // `ſ` folds to `s` in a case-insensitive regex: the prefilter must not drop the line.
        let rules = rules();
        let line = "Baca juga: Bupati tegaſkan netralitas";
        assert_eq!(
            rules
                .match_line("Baca juga: \u{17f}ekda buka seleksi")
                .map(|r| r.id.as_str()),
            Some("cross_link_baca_juga")
        );
        assert!(rules.match_line(line).is_some());
        let share = rules.rules.iter().find(|r| r.id == "chrome_share").unwrap();
        assert!(share.regex().is_match("\u{17f}hare: x"));
        assert!(rules.candidates("\u{17f}hare: x").admits(share));
        assert_eq!(
            rules.match_line("\u{17f}hare: x").map(|r| r.id.as_str()),
            Some("chrome_share")
        );
    }

    #[test]
    fn page_dates_are_read_from_the_rule_file() {
        let rules = rules();
        let marked: Vec<(&str, PageDate)> = rules
            .rules
            .iter()
            .filter_map(|r| Some((r.id.as_str(), r.page_date?)))
            .collect();
        assert_eq!(
            marked,
            [
                ("chrome_weekday_date", PageDate::WithTime),
                ("chrome_date_time", PageDate::WithTime),
                ("chrome_meta_pipe", PageDate::WithTime),
                ("chrome_meta_date", PageDate::Always),
            ]
        );
        assert_eq!(
            rules.rule("chrome_meta_date").and_then(|r| r.page_date),
            Some(PageDate::Always)
        );
        assert!(rules.rule("title_line").is_none());
    }

    #[test]
    fn rule_ids_are_unique() {
        let mut ids: Vec<&str> = rules().rules.iter().map(|r| r.id.as_str()).collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n);
    }
}
