//! Reading the bundled articles and the region tables, and turning each body paragraph into a
//! template whose names, regions, numbers and dates can be substituted.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::Regex;

use super::GenError;

/// Region level, as far as substitution cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Province,
    Regency,
}

/// How a region was written in the source, so the substitute is written the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionForm {
    /// `Kabupaten Sintang`, `Kalimantan Barat`.
    Full,
    /// `Sintang`.
    Short,
    /// A press alias: `Kalbar`, `Barsel`, `Buntok`.
    Alias,
}

/// How a person was written: the whole name, or one of its words (`kata Alfian`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameForm {
    Full,
    Word(u8),
}

/// One piece of a paragraph template.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Lit(Box<str>),
    /// Person number `slot` of the source article.
    Person {
        slot: u8,
        form: NameForm,
    },
    Region {
        level: Level,
        form: RegionForm,
    },
    /// A count or amount: `800`, `2.500`. `digits` significant digits; `grouped` = written with
    /// thousands dots.
    Number {
        digits: u8,
        grouped: bool,
    },
    /// `Kamis (7/11/2024)`, `(6/2)`, `Jumat (6/8/24)`.
    DateParen {
        weekday: bool,
        year: Option<i32>,
        two_digit_year: bool,
    },
    /// `14 Februari 2024`, `27 Desember`: election days are kept, other days are moved.
    DayMonth {
        day: u8,
        month: u8,
        year: Option<i32>,
    },
    /// A word or phrase of group `group` of `data/phrases.txt`; `cap`: capitalised (it starts a
    /// sentence).
    Choice {
        group: u16,
        cap: bool,
    },
}

/// A body paragraph as a sequence of parts.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub parts: Vec<Part>,
    /// Length of the source paragraph in bytes (a size hint).
    pub len: usize,
    /// Index in `parts` where each sentence starts (the first is 0). Sentence `k` is
    /// `parts[sentences[k]..sentences[k + 1]]`; sentences carry no leading or trailing space.
    pub sentences: Vec<usize>,
}

impl Template {
    /// The parts of sentence `k`.
    pub fn sentence(&self, k: usize) -> &[Part] {
        let start = self.sentences.get(k).copied().unwrap_or(self.parts.len());
        let end = self
            .sentences
            .get(k + 1)
            .copied()
            .unwrap_or(self.parts.len());
        &self.parts[start.min(end)..end]
    }
}

/// A source article reduced to its body paragraphs.
#[derive(Debug, Clone)]
pub struct SourceArticle {
    pub name: String,
    /// Body paragraphs in order; the first one is the lead (dateline removed).
    pub paragraphs: Vec<Template>,
    /// Number of distinct persons found.
    pub persons: usize,
}

/// A province, regency or city from the gazetteer tables.
#[derive(Debug, Clone)]
pub struct Region {
    pub code: String,
    pub level: Level,
    /// Official name: `Kabupaten Barito Selatan`, `Kalimantan Barat`.
    pub name: String,
    /// Without `Kabupaten ` / `Kota ` / `Kota Administrasi `.
    pub short: String,
    /// Press aliases in Indonesian (English names are left out).
    pub aliases: Vec<String>,
    /// Index of the province in [`Regions::all`] (itself for a province).
    pub province: usize,
}

/// The region tables.
#[derive(Debug, Clone)]
pub struct Regions {
    pub all: Vec<Region>,
    /// Indices of regencies and cities.
    pub units: Vec<usize>,
}

/// Word lists bundled with the generator (see `benches/data/`).
pub struct Lists {
    pub first_names: Vec<&'static str>,
    pub last_names: Vec<&'static str>,
    pub headlines: Vec<&'static str>,
    pub crosslinks: Vec<&'static str>,
    pub officials: Vec<&'static str>,
    /// Groups of interchangeable words and phrases (`data/phrases.txt`).
    pub phrases: Vec<Vec<&'static str>>,
    not_names: HashSet<&'static str>,
}

fn list(text: &'static str) -> Vec<&'static str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

/// The bundled word lists, parsed once.
pub fn lists() -> &'static Lists {
    static LISTS: OnceLock<Lists> = OnceLock::new();
    LISTS.get_or_init(|| Lists {
        first_names: list(include_str!("../../data/first_names.txt")),
        last_names: list(include_str!("../../data/last_names.txt")),
        headlines: list(include_str!("../../data/headlines.txt")),
        crosslinks: list(include_str!("../../data/crosslinks.txt")),
        officials: list(include_str!("../../data/officials.txt")),
        phrases: list(include_str!("../../data/phrases.txt"))
            .into_iter()
            .map(|l| l.split(" | ").map(str::trim).collect())
            .collect(),
        not_names: list(include_str!("../../data/not_names.txt"))
            .into_iter()
            .collect(),
    })
}

/// English alias words: such aliases are not used as substitutes in Indonesian text.
const ENGLISH: &[&str] = &[
    "North",
    "South",
    "East",
    "West",
    "Central",
    "Islands",
    "Special",
    "Region",
    "Southwest",
    "Highland",
];

impl Regions {
    /// Reads `regions.csv` (`code,parent_code,level,name`) and `aliases.csv` (`alias,code`).
    pub fn load(dir: &Path) -> Result<Regions, GenError> {
        let regions = read(&dir.join("regions.csv"))?;
        let aliases = read(&dir.join("aliases.csv"))?;
        let mut all = Vec::new();
        let mut by_code = HashMap::new();
        for (n, line) in regions.lines().enumerate().skip(1) {
            let f: Vec<&str> = line.trim_end().splitn(4, ',').collect();
            if f.len() < 4 || f[3].is_empty() {
                continue;
            }
            let level = match f[2] {
                "province" => Level::Province,
                "regency" | "city" => Level::Regency,
                _ => continue,
            };
            let name = f[3].trim().to_string();
            let short = [
                "Kabupaten Administrasi ",
                "Kota Administrasi ",
                "Kabupaten ",
                "Kota ",
            ]
            .iter()
            .find_map(|p| name.strip_prefix(p))
            .unwrap_or(&name)
            .to_string();
            by_code.insert(f[0].to_string(), all.len());
            all.push((
                f[1].to_string(),
                Region {
                    code: f[0].to_string(),
                    level,
                    name,
                    short,
                    aliases: Vec::new(),
                    province: 0,
                },
            ));
            let _ = n;
        }
        for line in aliases.lines().skip(1) {
            let Some((alias, code)) = line.trim_end().rsplit_once(',') else {
                continue;
            };
            let alias = alias.trim().trim_matches('"');
            if alias.is_empty() || alias.split(' ').any(|w| ENGLISH.contains(&w)) {
                continue;
            }
            if let Some(&i) = by_code.get(code.trim()) {
                all[i].1.aliases.push(alias.to_string());
            }
        }
        let mut out: Vec<Region> = Vec::with_capacity(all.len());
        for (parent, mut r) in all {
            r.province = match r.level {
                Level::Province => out.len(),
                Level::Regency => *by_code.get(&parent).unwrap_or(&0),
            };
            out.push(r);
        }
        let units: Vec<usize> = out
            .iter()
            .enumerate()
            .filter(|(_, r)| r.level == Level::Regency)
            .map(|(i, _)| i)
            .collect();
        if units.is_empty() {
            return Err(GenError::Data(format!(
                "no regencies in {}",
                dir.join("regions.csv").display()
            )));
        }
        Ok(Regions { all: out, units })
    }
}

fn read(path: &Path) -> Result<String, GenError> {
    std::fs::read_to_string(path).map_err(|e| GenError::Io(path.to_path_buf(), e))
}

/// The articles of one source file as (name, page text): a `.txt` file is one article; a
/// `.jsonl` or `.jsonl.gz` feed holds one record with a `text` field a line (`name#id`).
fn read_articles(path: &Path, name: &str) -> Result<Vec<(String, String)>, GenError> {
    let text = if name.ends_with(".gz") {
        let file = std::fs::File::open(path).map_err(|e| GenError::Io(path.to_path_buf(), e))?;
        let mut s = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(file), &mut s)
            .map_err(|e| GenError::Io(path.to_path_buf(), e))?;
        s
    } else {
        read(path)?
    };
    if name.ends_with(".txt") {
        return Ok(vec![(name.to_string(), text)]);
    }
    #[derive(serde::Deserialize)]
    struct Record {
        #[serde(default)]
        id: String,
        text: String,
    }
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let r: Record = serde_json::from_str(line)
            .map_err(|e| GenError::Data(format!("{name}:{}: {e}", n + 1)))?;
        let id = if r.id.is_empty() {
            (n + 1).to_string()
        } else {
            r.id
        };
        out.push((format!("{name}#{id}"), r.text));
    }
    Ok(out)
}

/// Matches region names in source text.
struct RegionMatcher {
    ac: AhoCorasick,
    /// Per pattern: level and form.
    kinds: Vec<(Level, RegionForm)>,
}

impl RegionMatcher {
    fn new(regions: &Regions) -> RegionMatcher {
        let mut seen = HashSet::new();
        let mut pats = Vec::new();
        let mut kinds = Vec::new();
        let mut add = |p: &str, k: (Level, RegionForm)| {
            // Short single words that are also common words would be false matches.
            if p.len() >= 4 && seen.insert(p.to_string()) {
                pats.push(p.to_string());
                kinds.push(k);
            }
        };
        for r in &regions.all {
            add(&r.name, (r.level, RegionForm::Full));
        }
        for r in &regions.all {
            add(&r.short, (r.level, RegionForm::Short));
        }
        for r in &regions.all {
            for a in &r.aliases {
                add(a, (r.level, RegionForm::Alias));
            }
        }
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&pats)
            .expect("region patterns are plain strings");
        RegionMatcher { ac, kinds }
    }
}

/// Matches the words and phrases of [`Lists::phrases`] in source text.
struct PhraseMatcher {
    ac: AhoCorasick,
    /// Per pattern: group and whether it is the capitalised form.
    kinds: Vec<(u16, bool)>,
}

impl PhraseMatcher {
    fn new(lists: &Lists) -> PhraseMatcher {
        let mut seen = HashSet::new();
        let mut pats = Vec::new();
        let mut kinds = Vec::new();
        for (g, group) in lists.phrases.iter().enumerate() {
            // `~word`: written as an alternative, never matched (`itu` is too common a word to
            // take for `tersebut`).
            for alt in group.iter().filter(|a| !a.starts_with('~')) {
                let cap = capitalise(alt);
                for (p, is_cap) in [(alt.to_string(), false), (cap, true)] {
                    if !p.is_empty() && seen.insert(p.clone()) {
                        pats.push(p);
                        kinds.push((g as u16, is_cap));
                    }
                }
            }
        }
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&pats)
            .expect("phrase patterns are plain strings");
        PhraseMatcher { ac, kinds }
    }
}

/// `s` with its first letter in upper case.
pub fn capitalise(s: &str) -> String {
    let mut cs = s.chars();
    match cs.next() {
        Some(c) => c.to_uppercase().chain(cs).collect(),
        None => String::new(),
    }
}

/// Does a sentence start at byte `at` of `p` (start of the paragraph, or after `. `, `? `,
/// `! ` or an opening quote)?
fn sentence_start(p: &str, at: usize) -> bool {
    let before = p[..at].trim_end_matches(['"', '\u{201c}']);
    let before = before.trim_end();
    before.is_empty() || before.ends_with(['.', '?', '!', ':'])
}

/// Loads every `.txt` article and every record of `.jsonl` / `.jsonl.gz` feeds under `from`
/// (recursively, sorted by path) as a source article.
pub fn load_sources(from: &Path, regions: &Regions) -> Result<Vec<SourceArticle>, GenError> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            let n = e.file_name().to_string_lossy();
            e.file_type().is_file()
                && (n.ends_with(".txt") || n.ends_with(".jsonl") || n.ends_with(".jsonl.gz"))
        })
        .map(|e| e.into_path())
        .collect();
    files.sort();
    let matcher = RegionMatcher::new(regions);
    let phrases = PhraseMatcher::new(lists());
    let mut out = Vec::new();
    for f in files {
        let name = f.strip_prefix(from).unwrap_or(&f).display().to_string();
        for (name, raw) in read_articles(&f, &name)? {
            let a = template_article(&name, &raw, &matcher, &phrases);
            if a.paragraphs.len() >= 3 {
                out.push(a);
            }
        }
    }
    if out.is_empty() {
        return Err(GenError::Data(format!(
            "no usable .txt articles under {}",
            from.display()
        )));
    }
    Ok(out)
}

fn re(cell: &'static OnceLock<Regex>, pat: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pat).expect("valid built-in regex"))
}

fn dateline_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(
        &R,
        r"^(?:[\p{Lu}][\p{L} .]{1,40}\s*\((?:ANTARA|Antara)\)\s*-|[\p{Lu}][\p{Lu}.\-]{2,40}(?:,\s*[\p{Lu} ]{3,30})?\s+-)\s*",
    )
}

fn signoff_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(&R, r"\s*\((?:[a-z]{2,5}\d*/\s?[A-Z]{2,5}|Ant|ant)\)\s*$")
}

/// Picks the body paragraphs out of a raw article: drops header matter, captions, cross-links,
/// bylines, footers and everything after the first copyright line (the repeated body).
fn body_lines(raw: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen = HashSet::new();
    for line in raw.lines() {
        let t = line.trim_matches(|c: char| c.is_whitespace());
        if t.is_empty() {
            continue;
        }
        if t.starts_with("COPYRIGHT") || t.starts_with("Copyright") {
            break;
        }
        let lower = t.to_lowercase();
        let junk = lower.starts_with("baca juga")
            || lower.starts_with("pewarta")
            || lower.starts_with("penulis")
            || lower.starts_with("isi komentar")
            || t.ends_with('|')
            || t.starts_with("![")
            || t.starts_with("---")
            || t.contains("(ANTARA/")
            || (t.starts_with("id ") && t.matches(", ").count() >= 2 && lower == t);
        if junk {
            continue;
        }
        let ends_sentence = t.ends_with(['.', '"', '\u{201d}', ')']);
        let dateline_only = dateline_re().find(t).is_some_and(|m| m.end() == t.len());
        if dateline_only || (t.len() < 160 && !ends_sentence) {
            continue;
        }
        if !seen.insert(t.to_string()) || out.iter().any(|p| p.starts_with(t)) {
            continue;
        }
        out.push(t.to_string());
    }
    if let Some(first) = out.first_mut() {
        if let Some(m) = dateline_re().find(first) {
            *first = first[m.end()..].to_string();
        }
    }
    for p in &mut out {
        if let Some(m) = signoff_re().find(p) {
            p.truncate(m.start());
        }
    }
    out.retain(|p| p.len() >= 40);
    out
}

const MONTHS: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

/// Indonesian weekday names, Minggu = 0.
pub const WEEKDAYS: [&str; 7] = [
    "Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu",
];

pub fn month_name(m: u8) -> &'static str {
    MONTHS[usize::from(m.clamp(1, 12) - 1)]
}

fn date_paren_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(
        &R,
        r"(?:\b(?:Senin|Selasa|Rabu|Kamis|Jumat|Jum'at|Sabtu|Minggu) )?\((\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?\)",
    )
}

fn day_month_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(
        &R,
        r"\b(\d{1,2}) (Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember)(?: (\d{4}))?\b",
    )
}

fn number_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(&R, r"\b\d{1,3}(?:\.\d{3})+\b|\b\d+\b")
}

fn word_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(&R, r"\p{L}+(?:'\p{L}+)?")
}

/// Is `s[start..end]` a whole word (no letter or digit on either side)?
fn whole_word(s: &str, start: usize, end: usize) -> bool {
    let before = s[..start]
        .chars()
        .next_back()
        .is_none_or(|c| !c.is_alphanumeric());
    let after = s[end..].chars().next().is_none_or(|c| !c.is_alphanumeric());
    before && after
}

/// Words after which a capitalised run names a place or a document, not a person.
const PLACE_WORDS: &[&str] = &[
    "di",
    "ke",
    "dari",
    "tentang",
    "kawasan",
    "gedung",
    "aula",
    "hotel",
    "jalan",
    "jl.",
    "desa",
    "kecamatan",
    "kelurahan",
    "kampung",
    "lapangan",
    "halaman",
    "ruang",
    "pendopo",
    "wilayah",
    "se-",
];

fn name_word(w: &str, lists: &Lists) -> bool {
    let mut cs = w.chars();
    let first_upper = cs.next().is_some_and(char::is_uppercase);
    first_upper && w.len() >= 3 && cs.all(char::is_lowercase) && !lists.not_names.contains(w)
}

fn template_article(
    name: &str,
    raw: &str,
    regions: &RegionMatcher,
    phrases: &PhraseMatcher,
) -> SourceArticle {
    let lists = lists();
    let paras = body_lines(raw);
    // Pass 1: persons = runs of two or more capitalised non-stop words, across the article.
    let mut persons: Vec<Vec<String>> = Vec::new();
    let mut person_index: HashMap<String, usize> = HashMap::new();
    let mut word_owner: HashMap<String, (usize, u8)> = HashMap::new();
    let mut spans: Vec<Vec<(usize, usize, Part)>> = Vec::new();
    for p in &paras {
        let mut taken: Vec<(usize, usize, Part)> = Vec::new();
        let free = |taken: &[(usize, usize, Part)], s: usize, e: usize| {
            taken.iter().all(|t| e <= t.0 || s >= t.1)
        };
        for c in date_paren_re().captures_iter(p) {
            let m = c.get(0).expect("group 0");
            let y = c.get(3).map(|y| y.as_str());
            let year =
                y.and_then(|y| y.parse::<i32>().ok())
                    .map(|y| if y < 100 { 2000 + y } else { y });
            let part = Part::DateParen {
                weekday: m.as_str().starts_with(|c: char| c.is_alphabetic()),
                year,
                two_digit_year: y.is_some_and(|y| y.len() == 2),
            };
            taken.push((m.start(), m.end(), part));
        }
        for c in day_month_re().captures_iter(p) {
            let m = c.get(0).expect("group 0");
            if !free(&taken, m.start(), m.end()) {
                continue;
            }
            let day = c[1].parse().unwrap_or(1);
            let month = MONTHS.iter().position(|x| *x == &c[2]).unwrap_or(0) as u8 + 1;
            let year = c.get(3).and_then(|y| y.as_str().parse().ok());
            taken.push((m.start(), m.end(), Part::DayMonth { day, month, year }));
        }
        for m in regions.ac.find_iter(p.as_str()) {
            if whole_word(p, m.start(), m.end()) && free(&taken, m.start(), m.end()) {
                let (level, form) = regions.kinds[m.pattern().as_usize()];
                taken.push((m.start(), m.end(), Part::Region { level, form }));
            }
        }
        // Runs of name words.
        let words: Vec<(usize, usize)> = word_re()
            .find_iter(p)
            .filter(|m| name_word(m.as_str(), lists) && free(&taken, m.start(), m.end()))
            .map(|m| (m.start(), m.end()))
            .collect();
        let mut i = 0;
        while i < words.len() {
            let mut j = i + 1;
            while j < words.len() && j - i < 4 && &p[words[j - 1].1..words[j].0] == " " {
                j += 1;
            }
            // A capitalised run after a preposition of place or a `tentang` is a place or a
            // title, not a person: `di Aula Mutiara`, `tentang Kode Etik`.
            let prev = p[..words[i].0].trim_end().rsplit(' ').next().unwrap_or("");
            let place = PLACE_WORDS.contains(&prev.to_lowercase().as_str());
            if j - i >= 2 && !place {
                let (s, e) = (words[i].0, words[j - 1].1);
                let full = &p[s..e];
                let slot = *person_index.entry(full.to_string()).or_insert_with(|| {
                    persons.push(full.split(' ').map(str::to_string).collect());
                    persons.len() - 1
                });
                for (k, w) in full.split(' ').enumerate() {
                    word_owner.entry(w.to_string()).or_insert((slot, k as u8));
                }
                if slot < 255 {
                    taken.push((
                        s,
                        e,
                        Part::Person {
                            slot: slot as u8,
                            form: NameForm::Full,
                        },
                    ));
                }
            }
            i = j;
        }
        spans.push(taken);
    }
    // Pass 2: single name words that belong to a known person (`kata Alfian`), then numbers.
    let mut paragraphs = Vec::with_capacity(paras.len());
    for (p, mut taken) in paras.iter().zip(spans) {
        let free = |taken: &[(usize, usize, Part)], s: usize, e: usize| {
            taken.iter().all(|t| e <= t.0 || s >= t.1)
        };
        for m in word_re().find_iter(p) {
            if let Some(&(slot, k)) = word_owner.get(m.as_str()) {
                if slot < 255 && free(&taken, m.start(), m.end()) {
                    taken.push((
                        m.start(),
                        m.end(),
                        Part::Person {
                            slot: slot as u8,
                            form: NameForm::Word(k),
                        },
                    ));
                }
            }
        }
        for m in number_re().find_iter(p) {
            let (s, e) = (m.start(), m.end());
            if !free(&taken, s, e) {
                continue;
            }
            let digits_str: String = m.as_str().chars().filter(char::is_ascii_digit).collect();
            let is_year = digits_str.len() == 4
                && (digits_str.starts_with("19") || digits_str.starts_with("20"));
            let before = p[..s].trim_end();
            let after = &p[e..];
            let instrument = before.ends_with("Nomor")
                || before.ends_with("nomor")
                || before.ends_with("No.")
                || before.ends_with('/')
                || after.starts_with('/')
                || after.starts_with(',') && after[1..].starts_with(|c: char| c.is_ascii_digit());
            if is_year || instrument || digits_str.len() > 9 {
                continue;
            }
            let grouped = m.as_str().contains('.');
            taken.push((
                s,
                e,
                Part::Number {
                    digits: digits_str.len() as u8,
                    grouped,
                },
            ));
        }
        for m in phrases.ac.find_iter(p.as_str()) {
            let (s, e) = (m.start(), m.end());
            let (group, cap) = phrases.kinds[m.pattern().as_usize()];
            // A capitalised form counts only where a sentence starts: elsewhere it belongs to
            // a name (`Dinas Pemberdayaan Masyarakat`).
            // A long form before its abbreviation in parentheses, or the abbreviation itself,
            // stays: `Sekretaris Daerah (Sekda)` must not become `Sekda (Sekda)`.
            let bracketed = p[..s].ends_with('(') || p[e..].starts_with(" (");
            let hyphenated = p[..s].ends_with('-') || p[e..].starts_with('-');
            if whole_word(p, s, e)
                && !bracketed
                && !hyphenated
                && free(&taken, s, e)
                && (!cap || sentence_start(p, s))
            {
                taken.push((s, e, Part::Choice { group, cap }));
            }
        }
        taken.sort_by_key(|t| t.0);
        let mut parts = Vec::with_capacity(taken.len() * 2 + 1);
        let mut at = 0;
        for (s, e, part) in taken {
            if s > at {
                parts.push(Part::Lit(p[at..s].into()));
            }
            parts.push(part);
            at = e;
        }
        if at < p.len() {
            parts.push(Part::Lit(p[at..].into()));
        }
        let (parts, sentences) = split_sentences(parts);
        paragraphs.push(Template {
            parts,
            len: p.len(),
            sentences,
        });
    }
    SourceArticle {
        name: name.to_string(),
        paragraphs,
        persons: persons.len(),
    }
}

/// Splits the literal parts of a paragraph where a sentence ends: at `. ` outside quotes, after
/// a lowercase word of four letters or more, a number or a slot (a date, a region, a name), and
/// before a capital letter or an opening quote. Abbreviations and degrees (`Drs. Ketut`,
/// `M.Si. Ia`, `No. 5`) do not split.
fn split_sentences(parts: Vec<Part>) -> (Vec<Part>, Vec<usize>) {
    let mut out: Vec<Part> = Vec::with_capacity(parts.len() + 4);
    let mut starts = vec![0];
    let mut open_quote = false;
    for part in parts {
        let Part::Lit(lit) = part else {
            out.push(part);
            continue;
        };
        let mut rest: &str = &lit;
        loop {
            // The first split point of `rest` outside quotes.
            let mut cut = None;
            let mut quote = open_quote;
            for (i, c) in rest.char_indices() {
                match c {
                    '"' => quote = !quote,
                    '\u{201c}' => quote = true,
                    '\u{201d}' => quote = false,
                    '.' if !quote && rest[i + 1..].starts_with(' ') => {
                        let after = rest[i + 2..].chars().next();
                        // Nothing after the space: a slot follows (a name, a region, a
                        // capitalised phrase).
                        let next_ok =
                            after.is_none_or(|c| c.is_uppercase() || c == '"' || c == '\u{201c}');
                        let word = rest[..i].rsplit([' ', '(']).next().unwrap_or("");
                        let word_ok = if i == 0 {
                            out.last().is_some_and(|p| !matches!(p, Part::Lit(_)))
                                && starts.last().is_some_and(|s| *s < out.len())
                        } else {
                            (word.chars().count() >= 4 && word.chars().all(char::is_lowercase))
                                || (!word.is_empty() && word.chars().all(|c| c.is_ascii_digit()))
                                || word.ends_with(')')
                        };
                        if next_ok && word_ok {
                            cut = Some((i, quote));
                            break;
                        }
                    }
                    _ => {}
                }
            }
            match cut {
                Some((i, q)) => {
                    out.push(Part::Lit(rest[..=i].into()));
                    starts.push(out.len());
                    open_quote = q;
                    rest = &rest[i + 2..];
                }
                None => {
                    for c in rest.chars() {
                        match c {
                            '"' => open_quote = !open_quote,
                            '\u{201c}' => open_quote = true,
                            '\u{201d}' => open_quote = false,
                            _ => {}
                        }
                    }
                    if !rest.is_empty() {
                        out.push(Part::Lit(rest.into()));
                    }
                    break;
                }
            }
        }
    }
    starts.retain(|&s| s < out.len());
    starts.dedup();
    if starts.is_empty() {
        starts.push(0);
    }
    (out, starts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn regions() -> Regions {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/gazetteer/data");
        Regions::load(&dir).expect("gazetteer data in the repository")
    }

    fn lits(parts: &[Part]) -> String {
        parts
            .iter()
            .map(|p| match p {
                Part::Lit(s) => s.to_string(),
                Part::Choice { group, .. } => format!("<{}>", lists().phrases[*group as usize][0]),
                _ => "<slot>".to_string(),
            })
            .collect()
    }

    #[test]
    fn paragraphs_split_into_sentences_outside_quotes_and_abbreviations() {
        let r = regions();
        let m = RegionMatcher::new(&r);
        let raw = "Apel digelar di halaman kantor bupati pada Senin (7/10/2024). Acara dibuka oleh Drs. Ketut Moa, M.Si. dengan tertib. \"Kami netral. Semua hadir,\" kata dia. Sebanyak 800 ASN ikut.\n";
        let a = template_article("t", raw, &m, &PhraseMatcher::new(lists()));
        let t = &a.paragraphs[0];
        let sentences: Vec<String> = (0..t.sentences.len())
            .map(|k| lits(t.sentence(k)))
            .collect();
        assert_eq!(sentences.len(), 4, "{sentences:?}");
        assert!(sentences[0].ends_with("<slot>."), "{sentences:?}");
        assert!(sentences[1].contains("Drs. "), "{sentences:?}");
        assert!(
            sentences[2].starts_with("\"Kami netral. ") && sentences[2].ends_with("<kata dia>."),
            "{sentences:?}"
        );
        assert!(sentences[3].starts_with("Sebanyak"), "{sentences:?}");
    }

    #[test]
    fn phrase_slots_skip_names_abbreviations_and_hyphenated_words() {
        let r = regions();
        let m = RegionMatcher::new(&r);
        let raw = "Sekretaris Daerah (Sekda) mengatakan seluruh ASN tidak boleh ikut-ikutan kampanye. Masyarakat diminta melapor ke Dinas Pemberdayaan Masyarakat dan Desa.\n";
        let a = template_article("t", raw, &m, &PhraseMatcher::new(lists()));
        let text = lits(&a.paragraphs[0].parts);
        assert!(
            text.starts_with("Sekretaris Daerah (Sekda) <mengatakan> <seluruh>"),
            "{text}"
        );
        assert!(text.contains("ikut-ikutan"), "{text}");
        let second = lits(a.paragraphs[0].sentence(1));
        assert!(second.starts_with("<masyarakat> <diminta>"), "{second}");
        assert!(text.contains("Pemberdayaan Masyarakat dan Desa"), "{text}");
    }

    #[test]
    fn body_lines_drop_boilerplate_and_the_repeated_body() {
        let raw = "Judul berita singkat\n\nid pemkab barito selatan, penjabat bupati, netralitas asn\n\
            Foto kegiatan apel. (ANTARA/Dokumentasi Pribadi)\nBuntok (ANTARA) -\n\
            Penjabat Bupati Barito Selatan, Deddy Winarwan berkomitmen menjaga netralitas ASN di wilayah setempat.\n\u{a0}\n\
            \"Kita berkomitmen menjaga netralitas ASN pada pelaksanaan Pemilu dan Pilkada 2024,\" katanya.\n\
            Baca juga: Sekda Barsel: Seleksi terbuka\nCOPYRIGHT © ANTARA 2024\n\
            \"Kita berkomitmen menjaga netralitas ASN pada pelaksanaan Pemilu dan Pilkada 2024,\" katanya lagi.\n";
        let b = body_lines(raw);
        assert_eq!(b.len(), 2, "{b:?}");
        assert!(b[0].starts_with("Penjabat Bupati"));
    }

    #[test]
    fn templates_mark_persons_regions_numbers_and_dates() {
        let r = regions();
        let m = RegionMatcher::new(&r);
        let raw = "Buntok (ANTARA) - Penjabat Bupati Barito Selatan, Deddy Winarwan, hadir di Buntok, Kamis (7/11/2024).\n\
            \"Sebanyak 2.500 ASN di Kalbar berikrar pada 14 Februari 2024 sesuai PP Nomor 94 Tahun 2021,\" kata Deddy.\n\
            Rapat itu diikuti sebanyak 800 peserta dari semua provinsi di Indonesia dan berlangsung lancar.\n";
        let a = template_article("t", raw, &m, &PhraseMatcher::new(lists()));
        assert_eq!(a.paragraphs.len(), 3);
        assert_eq!(a.persons, 1);
        let p0 = &a.paragraphs[0].parts;
        assert!(
            p0.contains(&Part::Person {
                slot: 0,
                form: NameForm::Full
            }),
            "{p0:?}"
        );
        assert!(p0.iter().any(|p| matches!(
            p,
            Part::Region {
                level: Level::Regency,
                ..
            }
        )));
        assert!(p0.iter().any(|p| matches!(
            p,
            Part::DateParen {
                weekday: true,
                year: Some(2024),
                ..
            }
        )));
        let p1 = &a.paragraphs[1].parts;
        assert!(
            p1.contains(&Part::Number {
                digits: 4,
                grouped: true
            }),
            "{p1:?}"
        );
        assert!(
            p1.contains(&Part::Region {
                level: Level::Province,
                form: RegionForm::Alias
            }),
            "{p1:?}"
        );
        assert!(
            p1.contains(&Part::Person {
                slot: 0,
                form: NameForm::Word(0)
            }),
            "{p1:?}"
        );
        assert!(p1.iter().any(|p| matches!(
            p,
            Part::DayMonth {
                day: 14,
                month: 2,
                year: Some(2024)
            }
        )));
        // The regulation number and the years stay literal.
        assert!(
            p1.iter()
                .any(|p| matches!(p, Part::Lit(s) if s.contains("Nomor 94 Tahun 2021"))),
            "{p1:?}"
        );
        assert!(a.paragraphs[2].parts.contains(&Part::Number {
            digits: 3,
            grouped: false
        }));
    }
}
