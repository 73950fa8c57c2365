//! Officials: acting modifier, normalised title, body, office region and name, from
//! `rules/officials.json` (titles, modifiers, portfolios, bodies, honorifics, degrees) and
//! `rules/unit_words.txt` (words of unit names such as `Bidang Kompetensi dan Penilaian`).
//!
//! Forms handled: `Title, Name,` (appositive), `Title Name`, `Name (Title)`, `Name selaku
//! Title` and `Name, Title` (when no name follows the title), lists of titled names in one
//! sentence, `Name, sebagai Title` (a second role), honorifics before and degrees after the
//! name (`Ir H Achmad Sofyan MM`, `Budi Santosa, M.App, Sc`).

use crate::text::HashSet;
use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, Anchored, Input, MatchKind, StartKind};
use serde::Deserialize;
use warta_core::{ActingModifier, RegionLevel};
use warta_gazetteer::{Region, RegionMatch};

use crate::geo;
use crate::text::{
    at_word_bounds, char_at, char_before, is_acronym, is_capitalised, skip_spaces, word_end,
    word_start_before,
};

static RULES_JSON: &str = include_str!("../rules/officials.json");
static UNIT_WORDS: &str = include_str!("../rules/unit_words.txt");

/// Which region an office takes when the text names none after the title.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Scope {
    /// A regional government office: the article's primary region.
    Local,
    /// A national office: no region.
    National,
    /// Bawaslu, KPU: only a region written after it.
    Hierarchical,
    /// Kepala/Ketua + body: the body's scope decides.
    Body,
    /// Camat, Lurah: below the gazetteer's levels; the regency when written.
    District,
    /// Kepala Desa.
    Village,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Needs {
    Portfolio,
    Body,
    Numeral,
    Unit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Level {
    Province,
    Regency,
    City,
    Any,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModifierRule {
    modifier: ActingModifier,
    forms: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TitleRule {
    title: String,
    forms: Vec<String>,
    #[serde(default)]
    needs: Option<Needs>,
    #[serde(default)]
    level: Option<Level>,
    scope: Scope,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ShortForms {
    short: String,
    forms: Vec<String>,
    #[serde(default)]
    scope: Option<Scope>,
}

/// A rule-file example: a sentence and the official keys expected from it; run by the tests.
#[cfg_attr(not(test), allow(dead_code))]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Example {
    pub text: String,
    pub expect: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(not(test), allow(dead_code))]
struct RuleFile {
    #[serde(rename = "_doc")]
    _doc: String,
    modifiers: Vec<ModifierRule>,
    titles: Vec<TitleRule>,
    portfolios: Vec<ShortForms>,
    bodies: Vec<ShortForms>,
    /// Words before a title that make it a place (`Kantor Bupati`), not an official.
    not_after: Vec<String>,
    /// Capitalised words that open a sentence or clause and never belong to a name written
    /// before its title (`Menurut`, `Sementara`): `Menurut Arif Nurhadi, Ketua Bawaslu`.
    name_openers: Vec<String>,
    /// Secretariat words between `Asisten III` and its region (`Setda Kabupaten Buol`).
    secretariats: Vec<String>,
    /// Words that join a name to a title after it (`Andi Harun selaku Wali Kota Samarinda`,
    /// `Sumarsono yang menjabat Kepala BKPSDM`), and an official's name to a second office
    /// (`Adi Wirawan, sebagai Pjs Bupati Solok Selatan`), longest first.
    name_links: Vec<String>,
    /// Words that open the division an office holder leads, written after the office
    /// (`Komisioner Bawaslu Sleman Divisi Penanganan Pelanggaran, Nama`): the words up to
    /// the comma belong to the office, and the name follows the comma.
    divisions: Vec<String>,
    honorifics: Vec<String>,
    degrees: Vec<String>,
    examples: Vec<Example>,
}

#[derive(Debug, Clone, Copy)]
enum Pat {
    Modifier(ActingModifier),
    Title(usize),
}

pub(crate) struct Rules {
    file: RuleFile,
    /// Modifiers and titles, anchored (leftmost-longest at one position).
    heads: crate::scan::AnchoredSet,
    /// The first bytes of the modifiers and titles: a head can start only at one of them.
    head_first: [bool; 256],
    /// Every byte of `head_first` is an ASCII capital or non-ASCII: the search for the next
    /// one may skip everything else.
    head_first_capital: bool,
    /// The first two bytes of the modifiers and titles, as a bit set indexed by
    /// `first << 8 | second`: a head can start only where the text's two bytes are in it.
    head_pairs: Box<[u64; 1024]>,
    /// Some modifier or title is shorter than two bytes: [`Rules::head_pairs`] does not apply.
    head_short: bool,
    /// The last bytes of the `not_after` words: a title can follow one of them only after
    /// such a byte (or anywhere, when one of them is empty).
    not_after_last: [bool; 256],
    not_after_empty: bool,
    /// [`NAME_STOP`] as a set.
    name_stop: HashSet<&'static str>,
    head_pats: Vec<Pat>,
    portfolios: AhoCorasick,
    portfolio_of: Vec<usize>,
    bodies: AhoCorasick,
    body_of: Vec<usize>,
    modifier_forms: Vec<(String, ActingModifier)>,
    honorifics: Tokens,
    degrees: Tokens,
    unit_words: HashSet<String>,
}

fn anchored(patterns: &[&str]) -> AhoCorasick {
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .start_kind(StartKind::Anchored)
        .build(patterns)
        .expect("official rule patterns compile")
}

pub(crate) fn rules() -> &'static Rules {
    static RULES: OnceLock<Rules> = OnceLock::new();
    RULES.get_or_init(|| {
        let file: RuleFile =
            serde_json::from_str(RULES_JSON).expect("rules/officials.json is valid");
        let mut head_forms: Vec<&str> = Vec::new();
        let mut head_pats = Vec::new();
        let mut modifier_forms = Vec::new();
        for m in &file.modifiers {
            for f in &m.forms {
                head_forms.push(f);
                head_pats.push(Pat::Modifier(m.modifier));
                modifier_forms.push((f.clone(), m.modifier));
            }
        }
        for (i, t) in file.titles.iter().enumerate() {
            for f in &t.forms {
                head_forms.push(f);
                head_pats.push(Pat::Title(i));
            }
        }
        let heads = crate::scan::AnchoredSet::new(&head_forms);
        let mut head_first = [false; 256];
        for f in &head_forms {
            if let Some(&b) = f.as_bytes().first() {
                head_first[usize::from(b)] = true;
            }
        }
        let mut head_pairs = Box::new([0u64; 1024]);
        let mut head_short = false;
        for f in &head_forms {
            match f.as_bytes() {
                [a, b, ..] => {
                    let k = usize::from(*a) << 8 | usize::from(*b);
                    head_pairs[k / 64] |= 1 << (k % 64);
                }
                _ => head_short = true,
            }
        }
        let mut not_after_last = [false; 256];
        for w in &file.not_after {
            if let Some(&b) = w.as_bytes().last() {
                not_after_last[usize::from(b)] = true;
            }
        }
        let not_after_empty = file.not_after.iter().any(String::is_empty);
        let head_first_capital = (0..=255u8)
            .all(|b| !head_first[usize::from(b)] || b.is_ascii_uppercase() || !b.is_ascii());
        let (mut pf, mut portfolio_of) = (Vec::new(), Vec::new());
        for (i, p) in file.portfolios.iter().enumerate() {
            for f in &p.forms {
                pf.push(f.as_str());
                portfolio_of.push(i);
            }
        }
        let (mut bf, mut body_of) = (Vec::new(), Vec::new());
        for (i, b) in file.bodies.iter().enumerate() {
            for f in &b.forms {
                bf.push(f.as_str());
                body_of.push(i);
            }
        }
        let mut honorifics = file.honorifics.clone();
        honorifics.sort_by_key(|h| std::cmp::Reverse(h.len()));
        let mut degrees = file.degrees.clone();
        degrees.sort_by_key(|d| std::cmp::Reverse(d.len()));
        let unit_words = UNIT_WORDS
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect();
        Rules {
            portfolios: anchored(&pf),
            portfolio_of,
            bodies: anchored(&bf),
            body_of,
            heads,
            head_first,
            head_first_capital,
            head_pairs,
            head_short,
            not_after_last,
            not_after_empty,
            name_stop: NAME_STOP.iter().copied().collect(),
            head_pats,
            modifier_forms,
            honorifics: Tokens::new(honorifics),
            degrees: Tokens::new(degrees),
            unit_words,
            file,
        }
    })
}

/// The examples of `rules/officials.json`.
#[cfg(test)]
pub(crate) fn examples() -> &'static [Example] {
    &rules().file.examples
}

/// The region written after a title, as found.
#[derive(Debug, Clone)]
pub(crate) struct OfficeRegion {
    pub region: &'static Region,
    /// Byte range of the region name in the paragraph (for the region mention's role).
    pub span: Range<usize>,
}

/// One official found in a sentence; offsets are paragraph byte offsets.
#[derive(Debug, Clone)]
pub(crate) struct OfficialHit {
    pub start: usize,
    pub end: usize,
    pub modifier: Option<ActingModifier>,
    pub title: String,
    pub body: Option<String>,
    /// Regions written after the title (the office's own first, then its province).
    pub regions: Vec<OfficeRegion>,
    /// The kecamatan or kelurahan a camat's or lurah's title names, where the gazetteer
    /// also knows the name as a region (`Depok` in `Camat Depok Sleman`): not a region.
    pub place: Option<Range<usize>>,
    pub scope: Scope,
    /// The level the office belongs to, when the title fixes it.
    pub level: Option<RegionLevel>,
    pub name: String,
    pub honorifics: Vec<String>,
    pub rule: &'static str,
}

/// A title parsed up to (not including) the name.
struct TitleParse {
    start: usize,
    modifier: Option<ActingModifier>,
    title: String,
    body: Option<String>,
    scope: Scope,
    level: Option<RegionLevel>,
    regions: Vec<OfficeRegion>,
    /// See [`OfficialHit::place`].
    place: Option<Range<usize>>,
    /// Position after the title, body, brackets and regions (before any comma).
    end: usize,
}

fn to_level(l: Option<Level>) -> Option<RegionLevel> {
    match l {
        Some(Level::Province) => Some(RegionLevel::Province),
        Some(Level::Regency) => Some(RegionLevel::Regency),
        Some(Level::City) => Some(RegionLevel::City),
        _ => None,
    }
}

/// Context for the officials of one paragraph.
pub(crate) struct ParagraphCtx<'a> {
    pub text: &'a str,
    /// Gazetteer matches of the whole paragraph.
    pub regions: &'a [RegionMatch],
    /// Province codes the article names unambiguously (for choosing among candidates).
    pub provinces: &'a [&'a str],
}

/// The leftmost-longest, non-overlapping head matches in `text`, as an unanchored search
/// would give them, from anchored searches at the bytes a head can start with (titles are
/// capitalised, so these are few): the leftmost match is the one at the first such position
/// where an anchored search matches, and the anchored search is leftmost-longest there.
/// A head (modifier or title) at `start..end` ends on a word bound: it ends with its stop
/// (`Pj.`) or before a character that is not a word character.
fn head_ends_on_bound(text: &str, start: usize, end: usize) -> bool {
    text.get(start..end).is_some_and(|h| h.ends_with('.'))
        || !char_at(text, end).is_some_and(crate::text::is_word_char)
}

fn heads_in<'t>(r: &'t Rules, text: &'t str) -> impl Iterator<Item = aho_corasick::Match> + 't {
    let bytes = text.as_bytes();
    let mut pos = 0;
    std::iter::from_fn(move || {
        while pos < bytes.len() {
            let at = if r.head_first_capital {
                // Only at capitals and non-ASCII bytes, found a word at a time.
                crate::text::next_capital_or_non_ascii_where(bytes, pos, |b| {
                    r.head_first[usize::from(b)]
                })?
            } else {
                pos + bytes
                    .get(pos..)?
                    .iter()
                    .position(|&b| r.head_first[usize::from(b)])?
            };
            // The pair filter first: most capitals start no head, and the walk of the
            // automaton costs more than the bit test.
            if !r.head_short {
                let k = usize::from(bytes[at]) << 8 | usize::from(*bytes.get(at + 1).unwrap_or(&0));
                if r.head_pairs[k / 64] & (1 << (k % 64)) == 0 {
                    pos = at + 1;
                    continue;
                }
            }
            match r.heads.longest_at(text, at) {
                Some(m) => {
                    pos = m.end();
                    return Some(m);
                }
                None => pos = at + 1,
            }
        }
        None
    })
}

/// The modifiers and titles (case-sensitive), for [`crate::scan::gate`]: a sentence in which
/// none occurs has no official.
pub(crate) fn head_forms() -> impl Iterator<Item = &'static str> {
    let f = &rules().file;
    f.modifiers
        .iter()
        .flat_map(|m| m.forms.iter())
        .chain(f.titles.iter().flat_map(|t| t.forms.iter()))
        .map(String::as_str)
}

/// Every official in the sentence `range` of a paragraph.
pub(crate) fn find(ctx: &ParagraphCtx<'_>, range: Range<usize>) -> Vec<OfficialHit> {
    let r = rules();
    let text = ctx.text;
    let Some(sentence) = text.get(range.clone()) else {
        return Vec::new();
    };
    // Heads (modifiers and titles) on word bounds, in order.
    // Only sentences with a title or modifier in them come here.
    // Not allocated until a head is kept (the first push reserves four).
    let mut heads: Vec<(usize, usize, Pat)> = Vec::new();
    for m in heads_in(r, sentence) {
        let (s, e) = (range.start + m.start(), range.start + m.end());
        if !char_before(text, s).is_some_and(crate::text::is_word_char)
            && head_ends_on_bound(text, s, e)
        {
            heads.push((s, e, r.head_pats[m.pattern().as_usize()]));
        }
    }

    let mut out: Vec<OfficialHit> = Vec::new();
    // A name carried to a later title by `Name, sebagai Title`.
    let mut carried: Option<(usize, String, Range<usize>, Vec<String>)> = None;
    let mut i = 0;
    while i < heads.len() {
        let (mut start, _, pat) = heads[i];
        let mut modifier = None;
        let mut ti = i;
        if let Pat::Modifier(m) = pat {
            // A modifier applies to a title right after it, or after its own short form in
            // brackets: `Penjabat (Pj) Gubernur`, `Pelaksana Tugas (Plt.) Bupati`.
            let (mut m, mut after, mut next) = (m, heads[i].1, i + 1);
            if let Some(&(bs, be, Pat::Modifier(short))) = heads.get(i + 1) {
                let open = skip_spaces(text, after);
                if char_at(text, open) == Some('(')
                    && skip_spaces(text, open + 1) == bs
                    && char_at(text, skip_spaces(text, be)) == Some(')')
                {
                    (m, after, next) = (short, skip_spaces(text, be) + 1, i + 2);
                }
            }
            match heads.get(next) {
                Some(&(ns, _, Pat::Title(_))) if skip_spaces(text, after) == ns => {
                    modifier = Some(m);
                    ti = next;
                }
                _ => {
                    i += 1;
                    continue;
                }
            }
        }
        let (ts, te, Pat::Title(rule_idx)) = heads[ti] else {
            i += 1;
            continue;
        };
        i = ti + 1;
        if modifier.is_none() {
            start = ts;
        }
        // `Kantor Bupati`, `Rumah Jabatan Gubernur`: a place, not an official.
        let before = skip_back_spaces(text, start);
        let after_word = r.not_after_empty
            || before
                .checked_sub(1)
                .and_then(|i| text.as_bytes().get(i))
                .is_some_and(|&b| r.not_after_last[usize::from(b)]);
        if after_word
            && r.file.not_after.iter().any(|w| {
                text.get(..before).is_some_and(|t| t.ends_with(w.as_str()))
                    && at_word_bounds(text, before - w.len(), before)
            })
        {
            continue;
        }
        let Some(mut tp) = parse_title(ctx, rule_idx, start, ts, te, modifier) else {
            continue;
        };
        // A later title of a multi-word title consumed by the parse (e.g. a region word) is skipped.
        while i < heads.len() && heads[i].0 < tp.end {
            i += 1;
        }
        let in_brackets = char_before(text, skip_back_spaces(text, tp.start)) == Some('(');
        let mut pos = skip_spaces(text, tp.end);
        let mut appositive = false;
        if char_at(text, pos) == Some(',') {
            pos = skip_spaces(text, pos + 1);
            appositive = true;
        }
        let next_head = heads
            .iter()
            .map(|h| h.0)
            .find(|&h| h >= pos)
            .unwrap_or(usize::MAX);
        let limit = range.end.min(next_head);
        let mut parsed = if in_brackets {
            None
        } else {
            parse_name(text, pos, limit)
        };
        // `Lurah Benteng`, `Camat Sukun, Budi`: the first words name the place; a person's
        // name only follows a comma. Likewise a single word that names a region (`(BKPSDM)
        // Ketapang, Yuliana Sari`) before an appositive name.
        // Not when the title already took its place and region (`Camat Depok Sleman, Nama`).
        let place_first = matches!(tp.scope, Scope::District | Scope::Village)
            && tp.place.is_none()
            && tp.regions.is_empty();
        if let Some((n, _, _, e)) = &parsed {
            let region_word = !n.contains(' ') && !geo::lookup(n).is_empty();
            if place_first || region_word {
                let q = skip_spaces(text, *e);
                parsed = if char_at(text, q) == Some(',') {
                    parse_name(text, skip_spaces(text, q + 1), limit)
                } else {
                    None
                };
            }
        }
        let mut name_first = false;
        let (name, name_span, honorifics, end) = match parsed {
            Some(n) => n,
            None if in_brackets => {
                // `Name (Title)`: the name stands before the bracket.
                let close = skip_spaces(text, tp.end);
                if char_at(text, close) != Some(')') {
                    continue;
                }
                let open = skip_back_spaces(text, tp.start) - 1;
                let Some((name, span)) = name_before(text, open, range.start) else {
                    continue;
                };
                tp.start = span.start;
                (name, span, Vec::new(), close + 1)
            }
            None => match carried.take() {
                Some((cs, name, span, hon)) if cs == tp.start => (name, span, hon, tp.end),
                _ => {
                    // `Name selaku Title`, `Name, Title` with no name after the title.
                    let Some((name, span)) = name_linked_before(text, tp.start, range.start) else {
                        continue;
                    };
                    tp.start = span.start;
                    name_first = true;
                    (name, span, Vec::new(), tp.end)
                }
            },
        };
        let _ = appositive;
        // `Name, sebagai Title`: the same person holds a second office.
        let mut after = skip_spaces(text, end);
        if char_at(text, after) == Some(',') {
            after = skip_spaces(text, after + 1);
        }
        let r = rules();
        let link = r.file.name_links.iter().find(|link| {
            text.get(after..)
                .is_some_and(|t| t.starts_with(link.as_str()))
                && char_at(text, after + link.len()) == Some(' ')
        });
        if let Some(link) = link {
            let next = skip_spaces(text, after + link.len());
            carried = Some((next, name.clone(), name_span.clone(), honorifics.clone()));
        }
        out.push(OfficialHit {
            start: tp.start,
            end,
            modifier: tp.modifier,
            title: tp.title,
            body: tp.body,
            regions: tp.regions,
            place: tp.place,
            scope: tp.scope,
            level: tp.level,
            name,
            honorifics,
            rule: if in_brackets {
                "official.name_bracket_title"
            } else if name_first {
                "official.name_before_title"
            } else if appositive {
                "official.appositive"
            } else {
                "official.title_name"
            },
        });
    }
    out
}

fn skip_back_spaces(s: &str, pos: usize) -> usize {
    let Some(before) = s.get(..pos) else {
        return pos;
    };
    before.trim_end_matches([' ', '\u{a0}', '\t']).len()
}

/// Parse a title from its head through body/portfolio, bracketed acronyms and regions.
fn parse_title(
    ctx: &ParagraphCtx<'_>,
    rule_idx: usize,
    start: usize,
    ts: usize,
    te: usize,
    modifier: Option<ActingModifier>,
) -> Option<TitleParse> {
    let r = rules();
    let text = ctx.text;
    let rule = r.file.titles.get(rule_idx)?;
    let mut title = rule.title.clone();
    let mut body = None;
    let mut scope = rule.scope;
    let level = to_level(rule.level);
    let mut pos = te;
    let _ = ts;
    match rule.needs {
        None => {}
        Some(Needs::Portfolio) => {
            let p = skip_spaces(text, pos);
            let m = r
                .portfolios
                .find(Input::new(text).range(p..).anchored(Anchored::Yes))?;
            if !at_word_bounds(text, m.start(), m.end()) {
                return None;
            }
            let short = &r.file.portfolios[r.portfolio_of[m.pattern().as_usize()]].short;
            title.push(' ');
            title.push_str(short);
            pos = m.end();
        }
        Some(Needs::Body) => {
            let p = skip_spaces(text, pos);
            if let Some(m) = r
                .bodies
                .find(Input::new(text).range(p..).anchored(Anchored::Yes))
            {
                if !at_word_bounds(text, m.start(), m.end()) {
                    return None;
                }
                let b = &r.file.bodies[r.body_of[m.pattern().as_usize()]];
                title.push(' ');
                title.push_str(&b.short);
                body = Some(b.short.clone());
                scope = b.scope.unwrap_or(Scope::Local);
                pos = m.end();
            } else {
                let e = word_end(text, p)?;
                let w = &text[p..e];
                if !is_acronym(w) || region_at(ctx, p).is_some() {
                    return None;
                }
                title.push(' ');
                title.push_str(w);
                body = Some(w.to_string());
                scope = Scope::Local;
                pos = e;
            }
        }
        Some(Needs::Numeral) => {
            let p = skip_spaces(text, pos);
            let e = word_end(text, p)?;
            let w = &text[p..e];
            if matches!(w, "I" | "II" | "III" | "IV" | "V") {
                title.push(' ');
                title.push_str(w);
                pos = e;
            } else {
                // Or the portfolio by name: `Asisten Pemerintahan dan Kesejahteraan Rakyat
                // Setda Kabupaten Gowa` (the secretariat is not part of it).
                let (mut unit, e) = parse_unit(ctx, pos)?;
                while let Some(cut) = r.file.secretariats.iter().find_map(|f| {
                    unit.strip_suffix(f.as_str())
                        .and_then(|u| u.strip_suffix(' '))
                        .map(str::len)
                }) {
                    unit.truncate(cut);
                }
                if unit.is_empty() {
                    return None;
                }
                title.push(' ');
                title.push_str(&unit);
                pos = e;
            }
            // `Asisten III Setda Kabupaten Buol`: the secretariat before the region.
            let q = skip_spaces(text, pos);
            if let Some(sec) = r.file.secretariats.iter().find(|f| {
                text.get(q..).is_some_and(|t| t.starts_with(f.as_str()))
                    && at_word_bounds(text, q, q + f.len())
            }) {
                pos = q + sec.len();
            }
        }
        Some(Needs::Unit) => {
            let (unit, e) = parse_unit(ctx, pos)?;
            if title == "Kepala Dinas" {
                body = Some(format!("Dinas {unit}"));
            }
            title.push(' ');
            title.push_str(&unit);
            pos = e;
        }
    }
    let mut tp = TitleParse {
        start,
        modifier,
        title,
        body,
        scope,
        level,
        regions: Vec::new(),
        place: None,
        end: pos,
    };
    // A level word before a bracketed short form: `Sekretaris Daerah Provinsi (Sekdaprov) Bali`.
    {
        let p = skip_spaces(text, tp.end);
        if let Some(e) = word_end(text, p) {
            let level = match &text[p..e] {
                "Provinsi" => Some(RegionLevel::Province),
                "Kabupaten" => Some(RegionLevel::Regency),
                "Kota" => Some(RegionLevel::City),
                _ => None,
            };
            if level.is_some() && char_at(text, skip_spaces(text, e)) == Some('(') {
                tp.end = e;
                tp.level = tp.level.or(level);
            }
        }
    }
    // Bracketed acronyms or modifiers: `(BKD)`, `(PAN-RB)`, `(Pjs)`.
    for _ in 0..2 {
        let p = skip_spaces(text, tp.end);
        if char_at(text, p) != Some('(') {
            break;
        }
        let Some(close) = text.get(p..).and_then(|t| t.find(')')).map(|c| p + c) else {
            break;
        };
        let inner = text[p + 1..close].trim();
        if inner.is_empty() || inner.len() > 24 || inner.contains(' ') && !is_modifier(inner) {
            break;
        }
        if let Some(m) = modifier_of(inner) {
            tp.modifier.get_or_insert(m);
        } else if !is_acronym(inner) && !inner.chars().all(|c| c.is_alphanumeric() || c == '-') {
            break;
        }
        tp.end = close + 1;
    }
    // National marker.
    let p = skip_spaces(text, tp.end);
    for marker in ["Republik Indonesia", "RI"] {
        if text.get(p..).is_some_and(|t| t.starts_with(marker))
            && at_word_bounds(text, p, p + marker.len())
        {
            tp.end = p + marker.len();
            return Some(tp);
        }
    }
    // The office's region, then maybe its province: `Barito Selatan, Kalimantan Tengah`.
    let wanted = tp.level;
    let wanted = wanted.or_else(|| region_at(ctx, tp.end).and_then(|(m, _)| m.level_hint));
    // A camat's or lurah's title names the kecamatan or kelurahan first: where a region
    // follows that name (`Camat Depok Sleman`, `Lurah Baciro, Kota Yogyakarta`), that region
    // is the office's, and the name before it is no region (Depok in Sleman is not the city
    // of Depok).
    if matches!(tp.scope, Scope::District | Scope::Village) {
        if let Some((m, e)) = region_at(ctx, tp.end) {
            let mut q = skip_spaces(text, e);
            if char_at(text, q) == Some(',') {
                q = skip_spaces(text, q + 1);
            }
            if region_at(ctx, q).is_some() {
                tp.place = Some(m.start..m.end);
                tp.end = e;
            }
        }
    }
    if let Some((m, e)) = region_at(ctx, tp.end) {
        if let Some(region) = geo::choose(m, wanted, ctx.provinces) {
            tp.regions.push(OfficeRegion {
                region,
                span: m.start..m.end,
            });
            tp.end = e;
            let mut q = skip_spaces(text, tp.end);
            if char_at(text, q) == Some(',') {
                q += 1;
            }
            if let Some((m2, e2)) = region_at(ctx, q) {
                if let Some(prov) =
                    geo::choose(m2, Some(RegionLevel::Province), &[region.province_code])
                {
                    if prov.level == RegionLevel::Province
                        && prov.code == region.province_code
                        && region.level != RegionLevel::Province
                    {
                        tp.regions.push(OfficeRegion {
                            region: prov,
                            span: m2.start..m2.end,
                        });
                        tp.end = e2;
                    }
                }
            }
        }
    }
    // The office's short form in brackets after its region belongs to the title:
    // `Sekretaris Daerah Provinsi Sumatera Utara (Sekdaprov Sumut) Sabrina`; so does the
    // region's own short form: `Plt Sekda Kabupaten Kutai Kartanegara (Kukar) Sunggono`.
    let p = skip_spaces(text, tp.end);
    if char_at(text, p) == Some('(') {
        let inner_start = skip_spaces(text, p + 1);
        if let Some(close) = text.get(inner_start..).and_then(|t| t.find(')')) {
            let inner = &text[inner_start..inner_start + close];
            let region_alias = tp.regions.first().is_some_and(|office| {
                geo::lookup(inner.trim())
                    .iter()
                    .any(|c| c.code == office.region.code)
            });
            let short_form = inner.len() <= 40
                && (region_alias
                    || heads_in(r, inner)
                        .next()
                        .is_some_and(|m| m.start() == 0 && head_ends_on_bound(inner, 0, m.end())));
            if short_form {
                tp.end = inner_start + close + 1;
                // `Bupati Kendal (Plt) Masrur Masykur`.
                if let Some(m) = modifier_of(inner.trim()) {
                    tp.modifier.get_or_insert(m);
                }
            }
        }
    }
    // The holder's division: up to the comma before the name, a few words without a stop.
    let p = skip_spaces(text, tp.end);
    let division = r.file.divisions.iter().any(|d| {
        text.get(p..).is_some_and(|t| t.starts_with(d.as_str()))
            && at_word_bounds(text, p, p + d.len())
    });
    if division {
        if let Some(comma) = text.get(p..).and_then(|t| t.find(',')) {
            let words = &text[p..p + comma];
            if words.split_whitespace().count() <= 8 && !words.contains(['.', '"', '(', ')']) {
                tp.end = p + comma;
            }
        }
    }
    Some(tp)
}

fn is_modifier(s: &str) -> bool {
    modifier_of(s).is_some()
}

/// The acting modifier `s` is a form of (`Plt.`, `Penjabat Sementara`).
fn modifier_of(s: &str) -> Option<ActingModifier> {
    rules()
        .modifier_forms
        .iter()
        .find(|(f, _)| f == s)
        .map(|&(_, m)| m)
}

/// A gazetteer match at `pos` (after spaces, and after a `Provinsi`/`Kabupaten`/`Kota` word the
/// gazetteer did not include): the match and the position after it.
fn region_at<'a>(ctx: &'a ParagraphCtx<'_>, pos: usize) -> Option<(&'a RegionMatch, usize)> {
    let text = ctx.text;
    let mut p = skip_spaces(text, pos);
    for _ in 0..2 {
        if let Some(m) = ctx
            .regions
            .iter()
            .find(|m| m.start == p || m.prefix_start == Some(p))
        {
            return Some((m, m.end));
        }
        let e = word_end(text, p)?;
        let w = &text[p..e];
        if !matches!(
            w,
            "Provinsi"
                | "Kabupaten"
                | "Kota"
                | "Prov"
                | "Kab"
                | "Pemprov"
                | "Pemkab"
                | "Pemkot"
                | "Pemko"
        ) {
            return None;
        }
        p = e;
        if char_at(text, p) == Some('.') {
            p += 1;
        }
        p = skip_spaces(text, p);
    }
    None
}

/// A unit name after `Kepala Bidang`/`Kepala Dinas`: capitalised unit words, connectives and
/// acronyms. Returns the unit and the position after it.
fn parse_unit(ctx: &ParagraphCtx<'_>, pos: usize) -> Option<(String, usize)> {
    let r = rules();
    let text = ctx.text;
    let mut words: Vec<&str> = Vec::new();
    let mut end = pos;
    let mut p = skip_spaces(text, pos);
    while let Some(e) = word_end(text, p) {
        let w = &text[p..e];
        let (connective, unit_word) = crate::text::with_lower(w, |lower| {
            (
                matches!(lower, "dan" | "serta"),
                r.unit_words.contains(lower),
            )
        });
        let ok = if connective {
            !words.is_empty()
        } else {
            (is_capitalised(w) && unit_word || is_acronym(w)) && region_at(ctx, p).is_none()
        };
        if !ok {
            break;
        }
        words.push(w);
        if !connective {
            end = e;
        }
        p = skip_spaces(text, e);
    }
    while words
        .last()
        .is_some_and(|w| crate::text::with_lower(w, |l| matches!(l, "dan" | "serta")))
    {
        words.pop();
    }
    if words.is_empty() {
        return None;
    }
    Some((words.join(" "), end))
}

/// Honorifics or degrees in their order (longest first), all in one anchored automaton, so
/// that a lookup reads the text once instead of comparing every entry.
struct Tokens {
    /// The non-empty entries.
    set: crate::scan::AnchoredSet,
    /// An entry is empty.
    empty: bool,
}

impl Tokens {
    fn new(list: Vec<String>) -> Tokens {
        Tokens {
            set: crate::scan::AnchoredSet::new(list.iter().filter(|t| !t.is_empty())),
            empty: list.iter().any(String::is_empty),
        }
    }
}

/// The honorific or degree at `pos` (case-sensitive, ending on a word bound): its end. The
/// first entry of the list (longest first) that the text holds at `pos` and that ends with
/// `.` or before a character that is not a word character. Two entries of one length that
/// both start at `pos` are equal, so that entry is the longest one that does so.
fn token_from(tokens: &Tokens, text: &str, pos: usize) -> Option<usize> {
    text.get(pos..)?;
    let bounded = |e: usize| {
        text.as_bytes().get(e.wrapping_sub(1)) == Some(&b'.')
            || !char_at(text, e).is_some_and(crate::text::is_word_char)
    };
    let mut found = None;
    tokens.set.each_at(text, pos, |_, e| {
        // An entry ends with `.` exactly when the text before `e` does: it is that text.
        if e > pos && bounded(e) {
            found = Some(e);
        }
    });
    // An empty entry comes last in the list, and does not end with `.`.
    found.or_else(|| {
        (tokens.empty && !char_at(text, pos).is_some_and(crate::text::is_word_char)).then_some(pos)
    })
}

/// Characters of mis-decoded UTF-8 seen glued to names in scraped text.
const MOJIBAKE: &[char] = &['Â', 'Ã', 'Ā', '\u{fffd}'];

const NAME_STOP: &[&str] = &[
    "Dalam",
    "Pada",
    "Di",
    "Ke",
    "Dari",
    "Yang",
    "Dan",
    "Kabupaten",
    "Provinsi",
    "Kota",
    "Republik",
    "Indonesia",
    "RI",
    "Senin",
    "Selasa",
    "Rabu",
    "Kamis",
    "Jumat",
    "Sabtu",
    "Minggu",
    "ASN",
    "Pemilu",
    "Pilkada",
    "Sementara",
    "Saat",
    "Ketika",
    "Menurut",
    "Selain",
    "Kemudian",
    "Nomor",
    "No",
    "Tahun",
    "Tentang",
    "Sekretariat",
];

/// A person's name at `pos` (before `limit`): honorifics, capitalised words, degrees.
/// Returns the name, its span, the honorifics/degrees and the end of the whole phrase.
fn parse_name(
    text: &str,
    pos: usize,
    limit: usize,
) -> Option<(String, Range<usize>, Vec<String>, usize)> {
    let r = rules();
    let mut honorifics = Vec::new();
    let mut p = pos;
    // Honorifics before the name: `Ir H`, `Dr. Ir.`.
    while let Some(e) = token_from(&r.honorifics, text, p) {
        // Only when a capitalised word follows (`H` alone could be an initial).
        let next = skip_spaces(text, e);
        if !word_end(text, next).is_some_and(|we| is_capitalised(&text[next..we])) {
            break;
        }
        honorifics.push(text[p..e].trim_end_matches('.').to_string());
        p = next;
    }
    let mut words: Vec<&str> = Vec::new();
    let name_start = p;
    let mut name_end = p;
    while p < limit && words.len() < 5 {
        if !words.is_empty() && token_from(&r.degrees, text, p).is_some() {
            break;
        }
        let Some(e) = word_end(text, p) else { break };
        if e > limit {
            break;
        }
        // Mis-decoded bytes glued to a name (`SalamÂ`) are not part of it.
        let e = p + text[p..e].trim_end_matches(MOJIBAKE).len();
        let w = &text[p..e];
        if w.is_empty() {
            break;
        }
        if !is_capitalised(w) || r.name_stop.contains(w) || (is_acronym(w) && w.len() > 2) {
            break;
        }
        if words.is_empty() && crate::text::with_lower(w, |l| r.unit_words.contains(l)) {
            break;
        }
        // An initial or abbreviated name word with its stop, when the name goes on:
        // `A. Rahman`, `Moh. Arief`, `Hi. Umar`.
        // The stop first: most name words have none, and then need no lookup.
        let abbreviated = char_at(text, e) == Some('.')
            && (w.chars().count() == 1 || crate::sentences::abbreviations().contains(w))
            && {
                let n = skip_spaces(text, e + 1);
                n > e + 1 && word_end(text, n).is_some_and(|we| is_capitalised(&text[n..we]))
            };
        let e = if abbreviated { e + 1 } else { e };
        words.push(&text[p..e]);
        name_end = e;
        p = e;
        // Skip mis-decoded bytes after the word (`Salam Â,`).
        p += text[p..].len() - text[p..].trim_start_matches(MOJIBAKE).len();
        let next = skip_spaces(text, p);
        if next == p {
            break;
        }
        p = next;
    }
    if words.is_empty() {
        return None;
    }
    // A lone single letter is not a name.
    if words.len() == 1 && words[0].chars().count() < 2 {
        return None;
    }
    let mut end = name_end;
    // Degrees after the name, with or without commas: `MM`, `S STP`, `, M.App, Sc`, and after
    // a stop the form does not hold (`S.STP., M.Si`): that stop counts only when a degree
    // follows it.
    loop {
        let mut q = end;
        if end > name_end && char_at(text, q) == Some('.') && !text[..q].ends_with('.') {
            q += 1;
        }
        q = skip_spaces(text, q);
        if char_at(text, q) == Some(',') {
            q = skip_spaces(text, q + 1);
        }
        let Some(e) = token_from(&r.degrees, text, q) else {
            break;
        };
        honorifics.push(text[q..e].to_string());
        end = e;
    }
    Some((words.join(" "), name_start..name_end, honorifics, end))
}

/// A capitalised name of up to four words ending just before `pos` (the bracket of
/// `Name (Title)`), not before `floor`.
/// The name linked to a title at `title_start` from before it, when no name follows the
/// title: `Andi Harun selaku Wali Kota Samarinda`, `Hero Satyawan, Sekretaris Kota
/// Samarinda`. The name is two to four capitalised words, none of them an acronym; one word
/// is enough before `selaku`/`sebagai`, unless it names a region.
fn name_linked_before(
    text: &str,
    title_start: usize,
    floor: usize,
) -> Option<(String, Range<usize>)> {
    let b = skip_back_spaces(text, title_start);
    let before = text.get(..b)?;
    let (link_start, comma) = if let Some(t) = before.strip_suffix(',') {
        (t.len(), true)
    } else {
        let link = rules().file.name_links.iter().find(|link| {
            before.ends_with(link.as_str()) && before[..before.len() - link.len()].ends_with(' ')
        })?;
        (b - link.len(), false)
    };
    let (name, span) = name_before_opener(text, link_start, floor)?;
    let words: Vec<&str> = name.split(' ').collect();
    let enough = if comma {
        (2..=4).contains(&words.len())
    } else {
        words.len() >= 2 || geo::lookup(&name).is_empty()
    };
    (enough && !words.iter().any(|w| is_acronym(w))).then_some((name, span))
}

/// The run of up to four capitalised words that ends at `pos` (after spaces), from at or
/// after `floor`, stopping before a word for which `stop` holds.
fn capitalised_run_before(
    text: &str,
    pos: usize,
    floor: usize,
    stop: impl Fn(&str) -> bool,
) -> Range<usize> {
    let name_end = skip_back_spaces(text, pos);
    let (mut start, mut end) = (name_end, name_end);
    for _ in 0..4 {
        let Some(ws) = word_start_before(text, end) else {
            break;
        };
        let w = &text[ws..end];
        if ws < floor || !is_capitalised(w) || stop(w) {
            break;
        }
        start = ws;
        let b = skip_back_spaces(text, ws);
        if b == ws {
            break;
        }
        end = b;
    }
    start..name_end
}

/// The name that ends at `pos`, written before its title: the capitalised words back to the
/// first that opens a sentence or clause ([`RuleFile::name_openers`]): `Menurut Arif Nurhadi,
/// Ketua Bawaslu` gives `Arif Nurhadi`. `None` when a preposition or place word
/// ([`NAME_STOP`]: `Dalam Rapat Koordinasi,`, `Selain Jawa Tengah,`), a unit word (`Rapat
/// Koordinasi`), a title word or a region name is among them.
fn name_before_opener(text: &str, pos: usize, floor: usize) -> Option<(String, Range<usize>)> {
    let r = rules();
    let openers = &r.file.name_openers;
    let span = capitalised_run_before(text, pos, floor, |w| openers.iter().any(|o| o == w));
    let (name, span) = checked_name(text, span)?;
    let unit_word = name
        .split(' ')
        .any(|w| r.unit_words.contains(&w.to_lowercase()));
    (!unit_word && geo::lookup(&name).is_empty()).then_some((name, span))
}

fn name_before(text: &str, pos: usize, floor: usize) -> Option<(String, Range<usize>)> {
    checked_name(text, capitalised_run_before(text, pos, floor, |_| false))
}

/// The words of `span` as a name: `None` when it is empty or holds a [`NAME_STOP`] word or a
/// title or modifier.
fn checked_name(text: &str, span: Range<usize>) -> Option<(String, Range<usize>)> {
    let words: Vec<&str> = text.get(span.clone())?.split_whitespace().collect();
    if words.is_empty()
        || words.iter().any(|w| rules().name_stop.contains(w))
        || heads_in(rules(), &text[span.clone()]).next().is_some()
    {
        return None;
    }
    Some((words.join(" "), span))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The token lookup by comparing every entry in list order.
    fn token_from_list(list: &[String], text: &str, pos: usize) -> Option<usize> {
        let rest = text.get(pos..)?;
        list.iter().find_map(|t| {
            let e = pos + t.len();
            (rest.starts_with(t.as_str())
                && (t.ends_with('.') || !char_at(text, e).is_some_and(crate::text::is_word_char)))
            .then_some(e)
        })
    }

    fn sorted(mut list: Vec<String>) -> Vec<String> {
        list.sort_by_key(|t| std::cmp::Reverse(t.len()));
        list
    }

    proptest! {
        #[test]
        fn token_lookup_is_the_list_lookup(
            s in "(S|M|\\.|Sos|Si|H|Hj|Dr|Ir| |,|é|a|Pd|STP|App|A){0,10}",
            pos in 0usize..24,
        ) {
            let r = rules();
            for (tokens, list) in [
                (&r.honorifics, sorted(r.file.honorifics.clone())),
                (&r.degrees, sorted(r.file.degrees.clone())),
            ] {
                prop_assert_eq!(token_from(tokens, &s, pos), token_from_list(&list, &s, pos));
            }
            let list = sorted(vec!["S.".into(), "S".into(), String::new(), "SH".into()]);
            let tokens = Tokens::new(list.clone());
            prop_assert_eq!(token_from(&tokens, &s, pos), token_from_list(&list, &s, pos));
        }
    }

    #[test]
    fn titles_start_with_capitals() {
        // Titles are capitalised, so the search for them skips to capitals; a lower-case
        // title form would send it back to the byte-by-byte search.
        assert!(rules().head_first_capital);
    }

    #[test]
    fn abbreviated_forms_do_not_end_sentences() {
        // A form written with a full stop (`Pj.`, `H.`, `S.STP`) is an abbreviation: the
        // sentence splitter must not end a sentence at its stop, or `Pj. Bupati Banjar` loses
        // its modifier to the sentence before.
        let f = &rules().file;
        let forms: Vec<&str> = f
            .modifiers
            .iter()
            .flat_map(|m| m.forms.iter())
            .chain(&f.honorifics)
            .chain(&f.degrees)
            .map(String::as_str)
            .collect();
        let missing: Vec<&str> = forms
            .iter()
            .filter_map(|form| {
                form.strip_suffix('.')
                    .or(form.contains('.').then_some(*form))
            })
            .filter(|stem| !crate::sentences::abbreviations().contains(stem))
            .collect();
        assert!(missing.is_empty(), "not in abbreviations.txt: {missing:?}");
    }
}
