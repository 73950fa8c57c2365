//! Parsing of the embedded tables and construction of the automaton.

use std::collections::HashMap;

use aho_corasick::dfa::DFA;
use aho_corasick::{MatchKind as AcMatchKind, StartKind};

use crate::{Cand, Entry, Gazetteer, MatchKind, Pattern, Prefix, PrefixRole, Region, RegionLevel};

const REGIONS_CSV: &str = include_str!("../data/regions.csv");
const ALIASES_CSV: &str = include_str!("../data/aliases.csv");
const SEATS_TXT: &str = include_str!("../data/seats.txt");
const COMMON_WORDS_TXT: &str = include_str!("../data/common_words.txt");
const CONTEXT_WORDS_TXT: &str = include_str!("../data/context_words.txt");
const PREFIXES_TSV: &str = include_str!("../data/prefixes.tsv");
const DISTRICTS_CSV: &str = include_str!("../data/districts.csv");

/// A defect in the embedded tables (caught by the crate's tests).
#[derive(Debug, thiserror::Error)]
pub(crate) enum DataError {
    #[error("{file}:{line}: {message}")]
    Malformed {
        file: &'static str,
        line: usize,
        message: String,
    },
    #[error("cannot build the automaton: {0}")]
    Automaton(#[from] aho_corasick::BuildError),
}

fn malformed(file: &'static str, line: usize, message: impl Into<String>) -> DataError {
    DataError::Malformed {
        file,
        line,
        message: message.into(),
    }
}

/// Non-empty, non-comment lines with their 1-based line numbers.
fn data_lines(text: &'static str) -> impl Iterator<Item = (usize, &'static str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
}

/// Prefixes of official names, longest first; the rest is the bare name.
const OFFICIAL_PREFIXES: [&str; 4] = [
    "Kabupaten Administrasi ",
    "Kota Administrasi ",
    "Kabupaten ",
    "Kota ",
];

/// Numeric key of a Kemendagri code: `61` → 61, `61.05` and `6105` → 6105.
pub(crate) fn code_key(code: &str) -> Option<u32> {
    let digit = |b: u8| b.is_ascii_digit().then(|| u32::from(b - b'0'));
    match code.trim().as_bytes() {
        &[a, b] => Some(digit(a)? * 10 + digit(b)?),
        &[a, b, c, d] | &[a, b, b'.', c, d] => {
            Some(digit(a)? * 1000 + digit(b)? * 100 + digit(c)? * 10 + digit(d)?)
        }
        _ => None,
    }
}

fn parse_level(s: &str) -> Option<RegionLevel> {
    match s {
        "province" => Some(RegionLevel::Province),
        "regency" => Some(RegionLevel::Regency),
        "city" => Some(RegionLevel::City),
        _ => None,
    }
}

fn parse_regions() -> Result<Vec<Region>, DataError> {
    let file = "regions.csv";
    let mut out = Vec::new();
    for (line_no, line) in data_lines(REGIONS_CSV).skip(1) {
        let mut cols = line.splitn(4, ',');
        let (Some(code), Some(parent), Some(level), Some(name)) =
            (cols.next(), cols.next(), cols.next(), cols.next())
        else {
            return Err(malformed(
                file,
                line_no,
                "expected code,parent_code,level,name",
            ));
        };
        let level = parse_level(level).ok_or_else(|| malformed(file, line_no, "unknown level"))?;
        if code_key(code).is_none() {
            return Err(malformed(file, line_no, "bad code"));
        }
        let (bare_name, province_code) = match level {
            RegionLevel::Province => (name, code),
            _ => {
                let bare = OFFICIAL_PREFIXES
                    .iter()
                    .find_map(|p| name.strip_prefix(p))
                    .ok_or_else(|| malformed(file, line_no, "name lacks Kabupaten/Kota"))?;
                (bare, parent)
            }
        };
        out.push(Region {
            code,
            name,
            bare_name,
            level,
            province_code,
            // Set in `build`, once every code is known.
            province: u16::MAX,
        });
    }
    Ok(out)
}

/// Rank used to order candidates: provinces, then regencies, then cities.
pub(crate) fn level_rank(level: RegionLevel) -> u8 {
    match level {
        RegionLevel::Province => 0,
        RegionLevel::Regency => 1,
        RegionLevel::City => 2,
    }
}

struct Builder {
    regions: &'static [Region],
    by_code: HashMap<u32, usize>,
    /// Lower-cased pattern → index in `patterns`.
    keys: HashMap<String, usize>,
    pattern_text: Vec<String>,
    patterns: Vec<Pattern>,
    entries: Vec<Entry>,
    lookup: HashMap<String, Vec<&'static Region>>,
}

impl Builder {
    fn region(&self, code: &str) -> Option<&'static Region> {
        let regions = self.regions;
        code_key(code)
            .and_then(|k| self.by_code.get(&k))
            .map(|&i| &regions[i])
    }

    fn add_lookup(&mut self, name: &str, region: &'static Region) {
        let key = normalise_name(name);
        let v = self.lookup.entry(key).or_default();
        if !v.iter().any(|r| r.code == region.code) {
            v.push(region);
        }
    }

    /// The entry for a name pattern, created on first use.
    fn entry(&mut self, surface: &str) -> Result<usize, String> {
        let key = surface.to_ascii_lowercase();
        if let Some(&pid) = self.keys.get(&key) {
            return match self.patterns[pid] {
                Pattern::Name(e) => Ok(e),
                Pattern::Prefix(_) => Err(format!("{surface:?} is also a prefix")),
            };
        }
        if !surface.is_ascii() || !surface.as_bytes()[0].is_ascii_alphanumeric() {
            return Err(format!(
                "{surface:?}: names must be ASCII and start alphanumeric"
            ));
        }
        let e = self.entries.len();
        self.entries.push(Entry {
            case: crate::CaseRule::new(surface.as_bytes()),
            cands: Vec::new(),
            common: false,
        });
        self.keys.insert(key, self.patterns.len());
        self.pattern_text.push(surface.to_owned());
        self.patterns.push(Pattern::Name(e));
        Ok(e)
    }

    fn add_name(
        &mut self,
        surface: &str,
        region: &'static Region,
        kind: MatchKind,
        only_for: Option<RegionLevel>,
    ) -> Result<(), String> {
        let e = self.entry(surface)?;
        let cands = &mut self.entries[e].cands;
        // The first way a region was added wins (official, then bare, then alias), and an
        // unconditional candidate makes a conditional one for the same region redundant.
        if let Some(c) = cands.iter_mut().find(|c| c.region.code == region.code) {
            if c.only_for.is_some() && only_for.is_none() {
                c.only_for = None;
            }
            return Ok(());
        }
        cands.push(Cand {
            region,
            kind,
            only_for,
        });
        Ok(())
    }

    fn add_prefix(&mut self, surface: &str, prefix: Prefix) -> Result<(), String> {
        let key = surface.to_ascii_lowercase();
        if self.keys.contains_key(&key) {
            return Err(format!("prefix {surface:?} given twice or also a name"));
        }
        if !surface.is_ascii() || !surface.as_bytes()[0].is_ascii_alphabetic() {
            return Err(format!(
                "prefix {surface:?} must be ASCII and start with a letter"
            ));
        }
        self.keys.insert(key, self.patterns.len());
        self.pattern_text.push(surface.to_owned());
        self.patterns.push(Pattern::Prefix(prefix));
        Ok(())
    }
}

/// Lower case with runs of whitespace collapsed: the key of [`Gazetteer::lookup`].
pub(crate) fn normalise_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for word in name.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// The region index of every code key (below 10,000: four digits), `u16::MAX` for none: a
/// lookup is one load instead of a hash.
fn dense_codes(by_code: &HashMap<u32, usize>) -> Vec<u16> {
    let mut dense = vec![u16::MAX; 10_000];
    for (&key, &i) in by_code {
        if let (Some(slot), Ok(i)) = (dense.get_mut(key as usize), u16::try_from(i)) {
            *slot = i;
        }
    }
    dense
}

pub(crate) fn build() -> Result<Gazetteer, DataError> {
    let mut parsed = parse_regions()?;
    let mut by_code = HashMap::new();
    for (i, r) in parsed.iter().enumerate() {
        let key = code_key(r.code).unwrap_or_default();
        if by_code.insert(key, i).is_some() {
            return Err(malformed("regions.csv", i + 2, "duplicate code"));
        }
    }
    // Each region's province index (an unknown province code is refused below).
    for r in &mut parsed {
        if let Some(&i) = code_key(r.province_code).and_then(|k| by_code.get(&k)) {
            r.province = u16::try_from(i).unwrap_or(u16::MAX);
        }
    }
    let regions: &'static [Region] = Box::leak(parsed.into_boxed_slice());
    let mut b = Builder {
        regions,
        by_code,
        keys: HashMap::new(),
        pattern_text: Vec::new(),
        patterns: Vec::new(),
        entries: Vec::new(),
        lookup: HashMap::new(),
    };
    for (i, r) in regions.iter().enumerate() {
        if b.region(r.province_code).map(|p| p.level) != Some(RegionLevel::Province) {
            return Err(malformed("regions.csv", i + 2, "unknown province code"));
        }
    }

    // Prefixes first, so that a name can never shadow one.
    for (line_no, line) in data_lines(PREFIXES_TSV) {
        let file = "prefixes.tsv";
        let cols: Vec<&str> = line.split('\t').collect();
        let [surface, role, level] = cols[..] else {
            return Err(malformed(
                file,
                line_no,
                "expected surface<TAB>role<TAB>level",
            ));
        };
        let role = match role {
            "unit" => PrefixRole::Unit,
            "title" => PrefixRole::Title,
            "generic" => PrefixRole::Generic,
            _ => return Err(malformed(file, line_no, "role is unit, title or generic")),
        };
        let level = match level {
            "-" => None,
            l => Some(parse_level(l).ok_or_else(|| malformed(file, line_no, "bad level"))?),
        };
        b.add_prefix(surface, Prefix { role, level })
            .map_err(|m| malformed(file, line_no, m))?;
    }

    // Official province names, then bare names of regencies and cities.
    for (i, r) in regions.iter().enumerate() {
        let kind = match r.level {
            RegionLevel::Province => MatchKind::Official,
            _ => MatchKind::Bare,
        };
        b.add_name(r.bare_name, r, kind, None)
            .map_err(|m| malformed("regions.csv", i + 2, m))?;
        b.add_lookup(r.name, r);
        b.add_lookup(r.bare_name, r);
        if r.level == RegionLevel::Province {
            b.add_lookup(&format!("Provinsi {}", r.name), r);
        }
    }

    // Aliases; a seat listed in seats.txt is a Seat, an alias that starts with a unit
    // prefix (`Kabupaten Pontianak`, `Kota Jogja`) holds only after such a prefix.
    let mut seats: HashMap<&str, &str> = HashMap::new();
    for (line_no, line) in data_lines(SEATS_TXT) {
        let (alias, code) = line
            .split_once(',')
            .ok_or_else(|| malformed("seats.txt", line_no, "expected alias,code"))?;
        seats.insert(alias, code);
    }
    for (line_no, line) in data_lines(ALIASES_CSV).skip(1) {
        let file = "aliases.csv";
        let (alias, code) = line
            .split_once(',')
            .ok_or_else(|| malformed(file, line_no, "expected alias,code"))?;
        let region = b
            .region(code)
            .ok_or_else(|| malformed(file, line_no, "unknown code"))?;
        b.add_lookup(alias, region);
        let kind = match seats.remove(alias) {
            Some(seat_code) if seat_code == code => MatchKind::Seat,
            Some(_) => return Err(malformed("seats.txt", 0, format!("{alias}: code differs"))),
            None => MatchKind::Alias,
        };
        let conditional = [
            ("Kabupaten ", RegionLevel::Regency),
            ("Kota ", RegionLevel::City),
        ]
        .into_iter()
        .find_map(|(p, l)| alias.strip_prefix(p).map(|rest| (rest, l)));
        match conditional {
            Some((_, level)) if region.level != level => {
                return Err(malformed(file, line_no, "prefix does not fit the level"));
            }
            Some((rest, level)) => b.add_name(rest, region, kind, Some(level)),
            None => b.add_name(alias, region, kind, None),
        }
        .map_err(|m| malformed(file, line_no, m))?;
    }
    if let Some(alias) = seats.keys().next() {
        return Err(malformed(
            "seats.txt",
            0,
            format!("{alias} is not in aliases.csv"),
        ));
    }

    for (line_no, word) in data_lines(COMMON_WORDS_TXT) {
        let word = word.trim();
        match b
            .keys
            .get(&word.to_ascii_lowercase())
            .map(|&p| &b.patterns[p])
        {
            Some(&Pattern::Name(e)) => b.entries[e].common = true,
            _ => {
                return Err(malformed(
                    "common_words.txt",
                    line_no,
                    format!("{word:?} is not a region name or alias"),
                ))
            }
        }
    }
    let context_words = data_lines(CONTEXT_WORDS_TXT)
        .map(|(_, w)| w.trim())
        .collect();

    for e in &mut b.entries {
        e.cands.sort_by_key(|c| {
            (
                level_rank(c.region.level),
                c.only_for.is_some(),
                c.region.code,
            )
        });
    }
    for v in b.lookup.values_mut() {
        v.sort_by_key(|r| (level_rank(r.level), r.code));
    }

    // Walked by hand (`Gazetteer::longest_at`): the library's search entry re-checks its
    // input and prefilter on every call, several times the cost of the few bytes an
    // anchored search at a word start reads.
    let dfa = DFA::builder()
        .ascii_case_insensitive(true)
        .match_kind(AcMatchKind::LeftmostLongest)
        .start_kind(StartKind::Both)
        .prefilter(false)
        .build(&b.pattern_text)?;

    let starts = crate::StartFilter::new(b.pattern_text.iter().map(String::as_bytes));
    Ok(Gazetteer {
        starts,
        regions,
        by_code: dense_codes(&b.by_code),
        lookup: b.lookup,
        dfa,
        patterns: b.patterns,
        entries: b.entries,
        context_words,
        districts: std::sync::OnceLock::new(),
    })
}

/// The kecamatan names that name one kecamatan only (ignoring case and extra whitespace), each
/// with the code of its regency or city; names shared by two kecamatan are left out. Names
/// that are also names of a region or an alias are left out too: the gazetteer reads those.
pub(crate) fn unique_districts(
    lookup: &HashMap<String, Vec<&'static Region>>,
) -> Result<HashMap<String, &'static str>, DataError> {
    let mut seen: HashMap<String, Option<&'static str>> = HashMap::new();
    for (line, row) in data_lines(DISTRICTS_CSV).skip(1) {
        let mut cols = row.splitn(4, ',');
        let (Some(_code), Some(parent), Some(level), Some(name)) =
            (cols.next(), cols.next(), cols.next(), cols.next())
        else {
            return Err(malformed(
                "districts.csv",
                line,
                "expected code,parent_code,level,name",
            ));
        };
        if level != "district" || code_key(parent).is_none() {
            return Err(malformed(
                "districts.csv",
                line,
                "not a kecamatan of a regency or city",
            ));
        }
        let key = normalise_name(name);
        if lookup.contains_key(&key) {
            continue;
        }
        seen.entry(key)
            .and_modify(|p| *p = None)
            .or_insert(Some(parent));
    }
    Ok(seen
        .into_iter()
        .filter_map(|(k, p)| Some((k, p?)))
        .collect())
}
