//! Cleaning one article: boilerplate lines, header matter, dateline, repeats, metadata.

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::sync::OnceLock;

use regex::Regex;
use warta_core::{
    Article, Dateline, Outlet, OutletKind, Paragraph, PartialDate, Provenance, Published,
    PublishedSource, Removal, RemovalReason,
};

use crate::dedup::{Dedup, Verdict, WordHashes};
use crate::forward::{ForwardRegex, SpanCaptures};
#[cfg(test)]
use crate::rules::captures_via_twin;
use crate::rules::{ascii_twin_hir, rules, LineCandidates, PageDate};
use crate::text::{
    ends_sentence, normalise, normalise_plain, push_normalised_word_hashes,
    repair_line_noting_plain, word_count_of,
};

/// Metadata that came with the text (JSON Lines fields), all optional.
#[derive(Debug, Default, Clone)]
pub(crate) struct RawMeta {
    pub title: Option<String>,
    pub url: Option<String>,
    pub published: Option<String>,
    pub source: Option<String>,
}

/// Lines above the story looked at for a title, section label and standfirst.
const HEADER_MAX: usize = 10;
/// A title is at most this many words and does not end like a sentence.
const TITLE_MAX_WORDS: usize = 25;
/// A short first line followed by a title is a section label.
const SECTION_MAX_WORDS: usize = 6;
/// Most lines a cleaning thread's [`LineBuffers`] keep room for between articles.
const LINES_KEPT: usize = 1024;
/// Share of a header line's words found in one body paragraph for it to be a standfirst.
const STANDFIRST_CONTAINMENT: f32 = 0.9;

/// Clean one raw text (no I/O).
///
/// Every line of the raw text ends up either in a kept [`Paragraph`], in
/// [`Article::removed`] (with its reason and rule id), or in the metadata (the dateline, kept in
/// [`Article::dateline`]). Empty lines are paragraph breaks and are not recorded; lines holding
/// only whitespace (no-break spaces, `Â`) are recorded as [`RemovalReason::Blank`].
pub fn clean_article(id: &str, raw: &str, provenance: Provenance) -> Article {
    clean_with_meta(id, raw, provenance, &RawMeta::default())
}

#[derive(Debug, Clone)]
struct Line {
    n: usize,
    text: String,
    /// [`normalise`]d `text`, once computed (handed to the de-duplicator).
    norm: Option<String>,
    /// The word hashes of `text`, once computed (by the standfirst test; handed to the
    /// de-duplicator).
    words: Option<WordHashes>,
    /// `text` is plain (see [`repair_line_noting_plain`]): its normalised form is its lower
    /// case.
    plain: bool,
}

impl Line {
    /// The number of words of the text.
    fn words(&self) -> usize {
        word_count_of(&self.text, self.plain)
    }

    /// [`title_like`] of the text.
    fn title_like(&self) -> bool {
        title_like(&self.text, self.plain)
    }

    /// Whether the [`normalise`]d text is `norm`, without making it for a plain line (whose
    /// normalised form is its ASCII lower case, byte for byte).
    fn normalises_to(&self, norm: &str) -> bool {
        if self.plain {
            debug_assert!(normalise_plain(&self.text) == normalise(&self.text));
            return self.text.len() == norm.len()
                && self
                    .text
                    .bytes()
                    .zip(norm.bytes())
                    .all(|(a, b)| a.to_ascii_lowercase() == b);
        }
        normalise(&self.text) == norm
    }

    /// The [`normalise`]d text.
    fn normalised(&self) -> String {
        debug_assert!(!self.plain || normalise_plain(&self.text) == normalise(&self.text));
        if self.plain {
            normalise_plain(&self.text)
        } else {
            normalise(&self.text)
        }
    }
}

/// What the text shows about the outlet, collected while cleaning.
#[derive(Default)]
struct Signals {
    copyright: Option<String>,
    rule_outlet: Option<(OutletKind, Option<String>, &'static str)>,
}

pub(crate) fn clean_with_meta(
    id: &str,
    raw: &str,
    provenance: Provenance,
    meta: &RawMeta,
) -> Article {
    clean_keeping_tokens(
        id.to_string(),
        raw,
        provenance,
        meta.clone(),
        &mut Dedup::default(),
    )
}

/// [`clean_with_meta`] through the given de-duplicator, which is emptied first and afterwards
/// holds the word hashes of each kept paragraph (in order), so that the syndication signature
/// need not tokenise them again. A thread cleaning many articles passes the same one each
/// time, so that its tables are not allocated again for each article. The id and the URL
/// move into the article.
pub(crate) fn clean_keeping_tokens(
    id: String,
    raw: &str,
    provenance: Provenance,
    meta: RawMeta,
    dedup: &mut Dedup,
) -> Article {
    thread_local! {
        static BUFFERS: RefCell<LineBuffers> = RefCell::new(LineBuffers::default());
    }
    BUFFERS.with(|cell| {
        // The thread's buffers (fresh ones if they are in use, which does not happen:
        // cleaning does not nest).
        let mut held = cell.try_borrow_mut().ok();
        let mut fresh = None;
        let buffers = match held.as_deref_mut() {
            Some(b) => b,
            None => fresh.insert(LineBuffers::default()),
        };
        let art = clean_with_buffers(id, raw, provenance, meta, dedup, buffers);
        buffers.release();
        art
    })
}

/// The lists of lines an article passes through while it is cleaned, kept by each cleaning
/// thread from article to article: the lines move from list to list (and their texts out into
/// paragraphs and removals), while the lists' memory, still in the cache from the article
/// before, is written again instead of memory freshly allocated (and freed on another thread)
/// for each article.
#[derive(Default)]
struct LineBuffers {
    /// Every non-empty line left after the line rules, in order.
    cands: Vec<Line>,
    /// The lines of the story (header matter and dateline taken off).
    body: Vec<Line>,
    /// The paragraphs: `body` with hard-wrapped lines joined.
    joined: Vec<Line>,
}

impl LineBuffers {
    /// Empties the lists, and drops the room of a list made for a very long text.
    fn release(&mut self) {
        for list in [&mut self.cands, &mut self.body, &mut self.joined] {
            list.clear();
            if list.capacity() > LINES_KEPT {
                *list = Vec::new();
            }
        }
    }
}

/// [`clean_keeping_tokens`] with the thread's line lists.
fn clean_with_buffers(
    id: String,
    raw: &str,
    provenance: Provenance,
    mut meta: RawMeta,
    dedup: &mut Dedup,
    buffers: &mut LineBuffers,
) -> Article {
    let LineBuffers {
        cands,
        body,
        joined,
    } = buffers;
    cands.clear();
    body.clear();
    joined.clear();
    let rules = rules();
    let mut art = Article::new(id);
    art.provenance = provenance;
    art.url = meta.url.take();
    let meta = &meta;
    let mut removed: Vec<Removal> = Vec::new();
    let mut signals = Signals::default();
    let mut after_label = false;

    let raw = raw.strip_prefix('\u{feff}').unwrap_or(raw);
    // No room is made ahead (which took a pass over the text to count its lines): the list
    // is the thread's, grown once to the longest text seen (up to `LINES_KEPT` lines).
    for (i, raw_line) in split_lines(raw).enumerate() {
        let n = i + 1;
        let raw_line = raw_line.strip_suffix('\r').unwrap_or(raw_line);
        let (text, plain) = repair_line_noting_plain(raw_line);
        if text.is_empty() {
            if !raw_line.is_empty() {
                removed.push(removal(
                    n,
                    raw_line,
                    RemovalReason::Blank,
                    "whitespace_only",
                ));
            }
            continue;
        }
        // Walked for only when a rule with required literals is left by the cheaper tests.
        let line_cands = rules.line_candidates(&text);
        // Link titles under a bare `Baca juga:` / `Berita Terkait` label.
        if after_label {
            if title_like(&text, plain) && rules.match_line_among(&text, &line_cands).is_none() {
                removed.push(removal(
                    n,
                    &text,
                    RemovalReason::CrossLink,
                    "cross_link_after_label",
                ));
                continue;
            }
            after_label = false;
        }
        if let Some(rule) = rules.match_line_among(&text, &line_cands) {
            if rule.reason == RemovalReason::CrossLink
                && word_count_of(text.trim_end_matches([':', ' ']), plain) <= 3
            {
                after_label = true;
            }
            if rule.reason == RemovalReason::Copyright && signals.copyright.is_none() {
                signals.copyright = Some(text.to_string());
            }
            if let (Some(kind), None) = (rule.outlet, &signals.rule_outlet) {
                signals.rule_outlet = Some((kind, None, "signoff"));
            }
            removed.push(removal(n, &text, rule.reason, &rule.id));
            continue;
        }
        // Sign-offs at the end of a content line: cut them, keep the line (at most a few).
        let mut cut = rules.match_suffix(&text, &line_cands);
        // After a cut, the rest is looked at with the candidates of the whole line.
        let whole = cut
            .as_ref()
            .map(|_| LineCandidates::known(rules, line_cands.get()));
        let mut text = text.into_owned();
        for _ in 0..3 {
            let Some(found) = cut.take() else {
                break;
            };
            let cut_text = text[found.start..].to_string();
            if let (Some(kind), None) = (found.rule.outlet, &signals.rule_outlet) {
                signals.rule_outlet = Some((kind, None, "signoff"));
            }
            removed.push(removal(n, &cut_text, found.rule.reason, &found.rule.id));
            text.truncate(found.start);
            let trimmed = text.trim_end().len();
            text.truncate(trimmed);
            cut = whole.as_ref().and_then(|w| rules.match_suffix(&text, w));
        }
        if !text.is_empty() {
            // A plain line cut at a space and trimmed is plain.
            cands.push(Line {
                n,
                text,
                norm: None,
                words: None,
                plain,
            });
        }
    }

    // Header matter: section label, title, standfirst, above the first body line.
    // The dateline of each of the first lines, looked for once (several steps ask).
    let datelines: [OnceCell<Option<(Dateline, usize)>>; HEADER_MAX + 3] =
        std::array::from_fn(|_| OnceCell::new());
    let dateline_of = |i: usize| -> Option<&(Dateline, usize)> {
        match (datelines.get(i), cands.get(i)) {
            (Some(cell), Some(line)) => cell.get_or_init(|| find_dateline(&line.text)).as_ref(),
            _ => None,
        }
    };
    let body_start = find_body_start(cands, |i| dateline_of(i).is_some());
    let (header, body_rest) = cands.split_at(body_start);
    // Word hashes of the first body lines, built on first use (and kept for the
    // de-duplicator).
    let body_sets: OnceCell<Vec<WordHashes>> = OnceCell::new();
    let is_standfirst = |text: &str| -> bool {
        let set = word_set(text);
        if set.len() < 5 {
            return false;
        }
        let body_sets = body_sets.get_or_init(|| {
            body_rest
                .iter()
                .take(12)
                .map(|l| WordHashes::of_normalised(l.normalised()))
                .collect()
        });
        body_sets
            .iter()
            .any(|b| shared_words(&set, &b.seq) as f32 / set.len() as f32 >= STANDFIRST_CONTAINMENT)
    };
    let dateline_at_start = !body_rest.is_empty() && dateline_of(body_start).is_some();
    // Dateline: on the first body line, alone or at its start.
    // (Looked for in the first lines of the body, in case page junk sits above it.)
    let found = (0..body_rest.len().min(3))
        .find_map(|i| dateline_of(body_start + i).map(|d| (i, d.clone())));
    // The outlet it names (`Semarang, CNN Indonesia --`).
    let dateline_outlet = found.as_ref().and_then(|(_, (d, _))| d.outlet.as_deref());
    let mut title: Option<String> = meta
        .title
        .as_deref()
        .map(|t| repair_line_noting_plain(t).0.into_owned())
        .filter(|t| !t.is_empty());
    // The normalised title, made on first use and again only if the title changes (it is
    // used for the repeats further down too).
    let mut title_norm: Option<String> = None;
    body.reserve(cands.len());
    for (k, line) in header.iter().enumerate() {
        if let Some(t) = &title {
            let t_norm = title_norm.get_or_insert_with(|| normalise(t));
            if line.normalises_to(t_norm) {
                let rule = if art.title.is_none() && meta.title.is_some() {
                    "title_line"
                } else {
                    "title_repeat"
                };
                removed.push(removal(line.n, &line.text, RemovalReason::Title, rule));
                art.title.get_or_insert_with(|| t.clone());
                continue;
            }
        }
        if let Some(rule) = rules.match_header(&line.text) {
            if signals.rule_outlet.is_none() {
                if rule.names_outlet {
                    let kind = rules.outlet_kind(&line.text);
                    signals.rule_outlet = Some((kind, Some(line.text.clone()), "section_label"));
                } else if let Some(kind) = rule.outlet {
                    let name = line.text.split_once(' ').map(|(_, rest)| rest.to_string());
                    signals.rule_outlet = Some((kind, name, "section_label"));
                }
            }
            removed.push(removal(line.n, &line.text, rule.reason, &rule.id));
            continue;
        }
        // The outlet's name alone on a line above its dateline (`CNN Indonesia` under the
        // title), where no header rule took it: the page's byline, not text.
        if dateline_outlet.is_some_and(|o| line.text.trim().eq_ignore_ascii_case(o)) {
            removed.push(removal(
                line.n,
                &line.text,
                RemovalReason::Byline,
                "byline_outlet_name",
            ));
            continue;
        }
        // The outlet's name with its regional edition above the title (`IDN Times Sumbar`,
        // the outlet named in the dateline): the site's label, not the title.
        if art.title.is_none()
            && body.is_empty()
            && dateline_outlet.is_some_and(|o| is_outlet_label(&line.text, o))
        {
            removed.push(removal(
                line.n,
                &line.text,
                RemovalReason::SectionLabel,
                "section_label_outlet",
            ));
            continue;
        }
        // A person's name alone under the title (`Abdul Rochim`): the page's byline.
        if art.title.is_some() && body.is_empty() && is_name_line(&line.text) {
            removed.push(removal(
                line.n,
                &line.text,
                RemovalReason::Byline,
                "byline_name_line",
            ));
            continue;
        }
        if title.is_none() && body.is_empty() && line.title_like() {
            // Labels come one to a line, a word or two each (`Nasional`, `Pilkada 2024`): a
            // single word under a longer line is no title but a byline (`Wijayakusuma`).
            let next_is_title = header.get(k + 1).is_some_and(|nx| {
                nx.title_like()
                    && (nx.words() >= 2 || line.words() <= 2)
                    && !nx.normalises_to(&line.normalised())
                    && !is_standfirst(&nx.text)
                    && rules.match_line(&nx.text).is_none()
            });
            if line.words() <= SECTION_MAX_WORDS && next_is_title {
                removed.push(removal(
                    line.n,
                    &line.text,
                    RemovalReason::SectionLabel,
                    "section_label_short",
                ));
                continue;
            }
            title = Some(line.text.clone());
            title_norm = None;
            art.title = Some(line.text.clone());
            removed.push(removal(
                line.n,
                &line.text,
                RemovalReason::Title,
                "title_line",
            ));
            continue;
        }
        // A summary line between the title and a dateline: the standfirst.
        if title.is_some() && dateline_at_start && line.title_like() && line.words() >= 5 {
            removed.push(removal(
                line.n,
                &line.text,
                RemovalReason::Standfirst,
                "standfirst_above_dateline",
            ));
            continue;
        }
        if is_standfirst(&line.text) {
            removed.push(removal(
                line.n,
                &line.text,
                RemovalReason::Standfirst,
                "standfirst_repeated",
            ));
            continue;
        }
        body.push(line.clone());
    }
    if art.title.is_none() {
        art.title = title.clone();
    }

    let body_words = body_sets.into_inner().unwrap_or_default();
    let rest = cands.get_mut(body_start..).unwrap_or_default();
    for (line, mut words) in rest.iter_mut().zip(body_words) {
        line.norm = Some(std::mem::take(&mut words.norm));
        line.words = Some(words);
    }
    if let Some((i, (dl, len))) = found {
        if let Some(line) = rest.get_mut(i) {
            line.text = line.text[len..].trim_start().to_string();
            line.words = None;
            line.norm = None;
            art.dateline = Some(dl);
            if line.text.is_empty() {
                cands.remove(body_start + i);
            }
        }
    }
    body.extend(cands.drain(body_start..));

    // Title repeats further down.
    let title_norm = title_norm.or_else(|| title.as_deref().map(normalise));
    if let Some(t) = title_norm.as_deref() {
        body.retain_mut(|l| {
            let norm = l.norm.take().unwrap_or_else(|| l.normalised());
            if t == norm {
                removed.push(removal(l.n, &l.text, RemovalReason::Title, "title_repeat"));
                return false;
            }
            l.norm = Some(norm);
            true
        });
    }

    // Hard-wrapped paragraphs: a line that does not end a sentence, directly followed by a
    // line that starts in lower case, continues it.
    joined.reserve(body.len());
    let mut last_n = 0usize;
    for line in body.drain(..) {
        let continues = joined.last().is_some_and(|prev: &Line| {
            last_n + 1 == line.n
                && !ends_sentence(&prev.text)
                && !prev.text.ends_with(':')
                && line.text.chars().next().is_some_and(char::is_lowercase)
        });
        last_n = line.n;
        if continues {
            if let Some(prev) = joined.last_mut() {
                prev.text.push(' ');
                prev.text.push_str(&line.text);
                prev.norm = None;
                prev.words = None;
                // Two plain lines joined by a space are plain.
                prev.plain &= line.plain;
            }
        } else {
            joined.push(line);
        }
    }

    // Repeated paragraphs.
    dedup.reset(
        joined.len(),
        joined.iter().map(|l| l.text.len()).sum::<usize>(),
    );
    art.paragraphs.reserve(joined.len());
    for line in joined.drain(..) {
        let verdict = match line.norm {
            Some(norm) => dedup.check_words(norm, line.words),
            None => dedup.check_words(line.normalised(), line.words),
        };
        match verdict {
            Verdict::Keep => {
                let index = art.paragraphs.len();
                art.paragraphs
                    .push(Paragraph::new(index, line.text, Some(line.n)));
            }
            Verdict::Repeat {
                reason,
                rule,
                of,
                similarity,
            } => {
                let mut r = removal(line.n, &line.text, reason, rule);
                r.repeat_of = Some(of);
                r.similarity = Some(similarity);
                removed.push(r);
            }
        }
    }
    removed.sort_by_key(|r| r.line);
    art.removed = removed;

    art.outlet = find_outlet(meta, &signals, art.dateline.as_ref());
    art.published = find_published(meta, &art, signals.copyright.as_deref());
    if art.title.is_none() {
        art.title = title_from_removed(&art);
    }
    art
}

/// The pieces of `text` between `\n`s, as `text.split('\n')` gives them, found by a
/// vectorised search (`str::split` looks for the newline a word at a time).
fn split_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    memchr::memchr_iter(b'\n', text.as_bytes())
        .map(Some)
        .chain(std::iter::once(None))
        .map(move |end| {
            let end = end.unwrap_or(text.len());
            // `\n` is ASCII: both ends are char boundaries.
            let line = text.get(start..end).unwrap_or_default();
            start = end + 1;
            line
        })
}

/// The distinct words of a text (normalised), as sorted hashes.
fn word_set(text: &str) -> Vec<u64> {
    let mut set: Vec<u64> = Vec::new();
    push_normalised_word_hashes(text, &mut set);
    set.sort_unstable();
    set.dedup();
    set
}

/// How many of the words of `set` (sorted, distinct) are among `words` (in any order, with
/// repeats). A set of up to 64 words marks the ones found in a bit mask, without sorting
/// `words`; a word is looked for in the set only if the set has a word with its low eight
/// bits (a table of 256 bits: most words of a body line are in no title).
fn shared_words(set: &[u64], words: &[u64]) -> usize {
    if set.len() <= 64 {
        let mut low_bits = [0u64; 4];
        for &w in set {
            low_bits[usize::from(w as u8) / 64] |= 1 << (w % 64);
        }
        let mut found = 0u64;
        for w in words {
            if low_bits[usize::from(*w as u8) / 64] & (1 << (w % 64)) == 0 {
                continue;
            }
            if let Ok(i) = set.binary_search(w) {
                found |= 1 << i;
            }
        }
        return found.count_ones() as usize;
    }
    let mut distinct = words.to_vec();
    distinct.sort_unstable();
    set.iter()
        .filter(|w| distinct.binary_search(w).is_ok())
        .count()
}

fn removal(line: usize, text: &str, reason: RemovalReason, rule: &'static str) -> Removal {
    Removal {
        line,
        text: text.to_string(),
        reason,
        rule: rule.into(),
        repeat_of: None,
        similarity: None,
    }
}

/// A line that may be a title or section label: short, not ending like a sentence
/// (`plain`: the text is plain, see [`repair_line_noting_plain`]).
fn title_like(text: &str, plain: bool) -> bool {
    let words = word_count_of(text, plain);
    (1..=TITLE_MAX_WORDS).contains(&words)
        && !ends_sentence(text)
        && !text.ends_with([',', ';', ':'])
}

/// A line that is a person's name and nothing else: two to four capitalised words of
/// letters (`Abdul Rochim`, `Hiskia Andika Weadcaksana`), initials allowed (`M. Ridwan`), or
/// one such word of five letters or more (`Wijayakusuma`: some sites give one name).
fn is_name_line(text: &str) -> bool {
    let text = text.trim();
    if text.len() > 48 {
        return false;
    }
    let words: Vec<&str> = text.split(' ').collect();
    let name_word = |w: &&str| {
        let mut chars = w.chars();
        chars.next().is_some_and(char::is_uppercase)
            && chars.all(|c| c.is_lowercase() || c == '\'' || c == '.')
    };
    let full = words
        .iter()
        .filter(|w| w.chars().count() >= 3 && !w.ends_with('.'))
        .count();
    let one_name = words.len() == 1 && words[0].chars().count() >= 5;
    (one_name || (2..=4).contains(&words.len()) && full >= 2) && words.iter().all(name_word)
}

/// Index of the first line of the story: a dateline, or a sentence of some length.
/// `has_dateline(i)`: whether line `i` starts with a dateline.
fn find_body_start(cands: &[Line], has_dateline: impl Fn(usize) -> bool) -> usize {
    let limit = cands.len().min(HEADER_MAX);
    for (i, line) in cands.iter().enumerate().take(limit) {
        let words = line.words();
        if has_dateline(i)
            || (ends_sentence(&line.text) && words >= 8)
            || words > TITLE_MAX_WORDS + 5
        {
            return i;
        }
    }
    // No clear start: only the first lines are looked at as header matter.
    limit.min(3)
}

/// Compiles the patterns of this module (datelines, dates, copyright lines) now, so that a
/// thread can do it while another compiles the boilerplate rules.
pub(crate) fn compile_patterns() {
    dateline_rules();
    date_res();
    copyright_re();
}

struct DatelineRule {
    /// Names the shape (kept for reading the table and for debugging).
    #[allow(dead_code)]
    id: &'static str,
    /// Compiled forward only: every shape is anchored at the start of the line.
    re: ForwardRegex,
    /// The groups of [`crate::rules::ascii_twin`] of `re`, for ASCII matches, with the
    /// indexes of its groups `place` and `outlet`.
    ascii: Option<(SpanCaptures, Option<usize>, Option<usize>)>,
    /// The pattern as written (the tests compile it as a `regex::Regex`).
    #[cfg(test)]
    pattern: String,
}

/// Outlet names that open a story where a dateline puts its place (`PIKIRAN RAKYAT -`).
static DATELINE_OUTLETS: &str = include_str!("../rules/dateline_outlets.txt");

fn dateline_rules() -> &'static [DatelineRule] {
    static RULES: OnceLock<Vec<DatelineRule>> = OnceLock::new();
    RULES.get_or_init(|| {
        const PLACE: &str = r"(?P<place>\p{Lu}[\p{L}'.]*(?:[ -]\p{Lu}[\p{L}'.]*){0,3})";
        const DOMAIN: &str =
            r"(?P<outlet>[A-Za-z][A-Za-z0-9-]*\.(?:com|co\.id|co|id|net|COM|CO\.ID|CO|ID|NET))";
        const DASH: &str = r"\s*[-–—]+(?:\s+|$)";
        // Read from their own file, not from the boilerplate rules: these patterns compile
        // while another thread compiles those.
        let names: Vec<String> = DATELINE_OUTLETS
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|n| regex_syntax::escape(n).replace(' ', r"\s+"))
            .collect();
        let outlet_names = names.join("|");
        let table = [
            // `Buntok (ANTARA) -`, `Jakarta, (ANTARA) -`, `Pontianak (ANTARA News Kalbar) -`
            (
                "dateline_place_paren_outlet",
                format!(r"^{PLACE}\s*,?\s*\((?P<outlet>\p{{Lu}}[\p{{L}}. ]{{1,30}})\){DASH}"),
            ),
            // `TRIBUNKALTIM.CO, SAMARINDA -`
            (
                "dateline_outlet_place",
                format!(r"^{DOMAIN}\s*,\s*{PLACE}{DASH}"),
            ),
            // `PONTIANAK, KOMPAS.com -`
            (
                "dateline_place_outlet",
                format!(r"^{PLACE}\s*,\s*{DOMAIN}{DASH}"),
            ),
            // `MAUMERE, FLORESNEWS -`, `Jakarta, detikNews -`, `Jakarta, CNN Indonesia --`,
            // `Sleman, IDN Times -`
            (
                "dateline_place_outlet_word",
                format!(
                    r"^{PLACE}\s*,\s*(?P<outlet>\p{{L}}[\p{{L}}0-9.]{{2,30}}(?: \p{{Lu}}[\p{{L}}0-9.]{{1,20}})?){DASH}"
                ),
            ),
            // `Merdeka.com -`, `SuaraJogja.id -`: the outlet alone, no place
            ("dateline_outlet_domain", format!(r"^{DOMAIN}{DASH}")),
            // `PIKIRAN RAKYAT -`, `Merdeka -`: an outlet's name where the place would be
            (
                "dateline_outlet_name",
                format!(r"^(?P<outlet>(?i:{outlet_names})){DASH}"),
            ),
            // `Makassar -` (a capitalised place of one to three words)
            (
                "dateline_place_dash",
                r"^(?P<place>\p{Lu}\p{Ll}+(?: \p{Lu}\p{Ll}+){0,2})\s+[-–—]+\s+".to_string(),
            ),
            // `SENDAWAR -`
            (
                "dateline_place_caps",
                format!(r"^(?P<place>\p{{Lu}}{{3,}}(?:[ -]\p{{Lu}}{{2,}}){{0,2}}){DASH}"),
            ),
        ];
        table
            .into_iter()
            .map(|(id, p)| DatelineRule {
                id,
                re: regex_syntax::parse(&p)
                    .map_err(|e| e.to_string())
                    .and_then(|hir| ForwardRegex::from_hir(&hir).map_err(|e| e.to_string()))
                    .unwrap_or_else(|e| panic!("dateline pattern {id} compiles: {e}")),
                ascii: ascii_twin_hir(&p)
                    .and_then(|hir| SpanCaptures::from_hir(&hir).ok())
                    .map(|twin| {
                        let (place, outlet) = (twin.group("place"), twin.group("outlet"));
                        (twin, place, outlet)
                    }),
                #[cfg(test)]
                pattern: p,
            })
            .collect()
    })
}

/// The dateline at the start of a line and the byte length of the prefix.
fn find_dateline(line: &str) -> Option<(Dateline, usize)> {
    // Every shape starts with a letter and ends in a dash run followed by a space or the end
    // of the line (or, for the colon shapes, a colon near the start): most lines fail this
    // before any pattern runs.
    if !line.chars().next().is_some_and(char::is_alphabetic) {
        return None;
    }
    if !has_closing_dash(line) {
        return colon_dateline(line);
    }
    for rule in dateline_rules() {
        // The forward search (a lazy DFA) rejects most lines; the capture search runs on a
        // match only, by the ASCII twin when the match is ASCII.
        if let Some((whole, place, outlet)) = dateline_spans(rule, line) {
            let text = |r: std::ops::Range<usize>| line.get(r).map(|t| t.trim().to_string());
            return Some((
                Dateline {
                    place: place.and_then(text),
                    outlet: outlet.and_then(text),
                    raw: text(whole.clone())?,
                },
                whole.end,
            ));
        }
    }
    None
}

/// Words that end in a colon at the start of a line as labels, not places (`Catatan:`).
const COLON_LABELS: &[&str] = &[
    "Catatan",
    "Sumber",
    "Keterangan",
    "Ilustrasi",
    "Foto",
    "Video",
    "Baca",
    "Simak",
    "Lihat",
    "Editor",
    "Penulis",
    "Reporter",
    "Pewarta",
    "Laporan",
    "Berita",
    "Info",
    "Tags",
    "Topik",
    "Update",
    "Kata",
    "Disclaimer",
    "Galeri",
    "Tonton",
    "Selengkapnya",
    "Penyunting",
];

/// A dateline that ends in a colon, at the start of a line opening a paragraph of at least
/// eight words: `Jakarta: ...` (Medcom), `KBRN, Bengkulu: ...` (RRI). The place is one to
/// three capitalised words, not a label ([`COLON_LABELS`]).
fn colon_dateline(line: &str) -> Option<(Dateline, usize)> {
    let colon = memchr::memchr(b':', line.as_bytes().get(..line.len().min(48))?)?;
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"^(?:(?P<outlet>\p{Lu}[\p{L}0-9.]{1,20}),\s*)?(?P<place>\p{Lu}\p{Ll}+(?: \p{Lu}\p{Ll}+){0,2}):\s+")
            .expect("colon dateline pattern compiles")
    });
    let c = re.captures(line)?;
    let whole = c.get(0)?;
    let place = c.name("place")?.as_str();
    let rest = line.get(whole.end()..)?;
    if COLON_LABELS.contains(&place) || rest.split_whitespace().take(8).count() < 8 {
        return None;
    }
    Some((
        Dateline {
            place: Some(place.to_string()),
            outlet: c.name("outlet").map(|o| o.as_str().to_string()),
            raw: line.get(..colon + 1)?.to_string(),
        },
        whole.end(),
    ))
}

/// The spans of a dateline rule's match at the start of the line: the whole match, the place
/// and the outlet (`None` inside when the group did not take part).
#[allow(clippy::type_complexity)]
fn dateline_spans(
    rule: &DatelineRule,
    line: &str,
) -> Option<(
    std::ops::Range<usize>,
    Option<std::ops::Range<usize>>,
    Option<std::ops::Range<usize>>,
)> {
    let end = rule.re.end_at_start(line)?;
    // The twin finds the match the pattern found when its text is ASCII (see
    // `captures_via_twin`), searched within the match only.
    if let Some((twin, place, outlet)) = rule
        .ascii
        .as_ref()
        .filter(|_| line.get(..end).is_some_and(str::is_ascii))
    {
        if let Some(c) = twin.captures_within(line, end) {
            let span = |g: Option<usize>| g.and_then(|g| c.get_group(g)).map(|s| s.range());
            return Some((c.get_match()?.range(), span(*place), span(*outlet)));
        }
    }
    let c = rule.re.captures_at_start(line)?;
    let span = |name: &str| c.get_group_by_name(name).map(|s| s.range());
    Some((c.get_match()?.range(), span("place"), span("outlet")))
}

/// A dash (`-`, `–`, `—`) followed by whitespace or the end of the line.
///
/// The dashes are found by their first byte (`-`, or 0xE2, which begins `–` and `—` and
/// other chars, never the middle of one), by a vectorised search; the chars are decoded there
/// only.
fn has_closing_dash(line: &str) -> bool {
    memchr::memchr2_iter(b'-', 0xe2, line.as_bytes()).any(|at| {
        let Some(mut rest) = line.get(at..).map(str::chars) else {
            return false;
        };
        matches!(rest.next(), Some('-' | '–' | '—')) && rest.next().is_none_or(char::is_whitespace)
    })
}

/// [`has_closing_dash`] char by char (the reference for the tests).
#[cfg(test)]
fn has_closing_dash_by_chars(line: &str) -> bool {
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if matches!(c, '-' | '–' | '—') {
            match chars.clone().next() {
                None => return true,
                Some(n) if n.is_whitespace() => return true,
                _ => {}
            }
        }
    }
    false
}

fn find_outlet(meta: &RawMeta, signals: &Signals, dateline: Option<&Dateline>) -> Outlet {
    let rules = rules();
    if let Some(src) = meta
        .source
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        return Outlet {
            kind: rules.outlet_kind(src),
            name: Some(src.to_string()),
            evidence: Some("source_field".into()),
        };
    }
    if let Some(line) = &signals.copyright {
        if let Some(name) = copyright_name(line) {
            return Outlet {
                kind: rules.outlet_kind(&name),
                name: Some(name),
                evidence: Some("copyright".into()),
            };
        }
    }
    if let Some(name) = dateline.and_then(|d| d.outlet.clone()) {
        return Outlet {
            kind: rules.outlet_kind(&name),
            name: Some(name),
            evidence: Some("dateline".into()),
        };
    }
    if let Some((kind, name, evidence)) = &signals.rule_outlet {
        return Outlet {
            kind: *kind,
            name: name.clone(),
            evidence: Some((*evidence).to_string()),
        };
    }
    Outlet::default()
}

fn copyright_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)^(?:copyright)?\s*(?:©|\(c\))?\s*(?:(?P<y1>(?:19|20)\d\d)\s+)?(?P<name>.*?)\s*(?P<y2>(?:19|20)\d\d)?\.?(?:\s*all rights reserved\.?)?$")
            .expect("copyright pattern compiles")
    })
}

/// Copyright lines seen by this thread, at most this many, with their outlet names.
const COPYRIGHT_MEMO: usize = 256;

/// [`copyright_name_of`], remembered per thread (see [`copyright_parts`]).
fn copyright_name(line: &str) -> Option<String> {
    copyright_parts(line).0
}

/// [`copyright_year_of`], remembered per thread (see [`copyright_parts`]).
fn copyright_year(line: &str) -> Option<i32> {
    copyright_parts(line).1
}

/// The outlet name and the year of a copyright line, remembered per thread: an outlet
/// repeats one copyright line in each of its articles, and its capture search costs more than
/// the rest of the article's metadata together. The lines are short (the copyright rules take
/// lines of at most 140 chars) and the memo is emptied when full.
fn copyright_parts(line: &str) -> (Option<String>, Option<i32>) {
    type Parts = (Option<String>, Option<i32>);
    thread_local! {
        static SEEN: RefCell<HashMap<String, Parts>> = RefCell::new(HashMap::new());
    }
    SEEN.with(|seen| {
        if let Some(parts) = seen.try_borrow().ok().and_then(|s| s.get(line).cloned()) {
            return parts;
        }
        let parts = copyright_parts_of(line);
        if let Ok(mut seen) = seen.try_borrow_mut() {
            if seen.len() >= COPYRIGHT_MEMO {
                seen.clear();
            }
            seen.insert(line.to_string(), parts.clone());
        }
        parts
    })
}

/// [`copyright_name_of`] and [`copyright_year_of`] from one capture search.
fn copyright_parts_of(line: &str) -> (Option<String>, Option<i32>) {
    let Some(c) = copyright_re().captures(line) else {
        return (None, None);
    };
    (name_of_captures(&c), year_of_captures(&c))
}

/// `COPYRIGHT © ANTARA News Kalimantan Barat 2024` -> `ANTARA News Kalimantan Barat`.
#[cfg(test)]
fn copyright_name_of(line: &str) -> Option<String> {
    name_of_captures(&copyright_re().captures(line)?)
}

fn name_of_captures(c: &regex::Captures<'_>) -> Option<String> {
    let name = c
        .name("name")?
        .as_str()
        .trim()
        .trim_end_matches(['.', ','])
        .trim();
    (!name.is_empty() && !name.eq_ignore_ascii_case("hak cipta dilindungi undang-undang"))
        .then(|| name.to_string())
}

/// The year of a copyright line (the last one when it names two).
#[cfg(test)]
fn copyright_year_of(line: &str) -> Option<i32> {
    year_of_captures(&copyright_re().captures(line)?)
}

fn year_of_captures(c: &regex::Captures<'_>) -> Option<i32> {
    c.name("y2").or_else(|| c.name("y1"))?.as_str().parse().ok()
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

fn valid_date(year: i32, month: u32, day: u32) -> Option<PartialDate> {
    let month = u8::try_from(month).ok()?;
    let day = u8::try_from(day).ok()?;
    ((1900..=2100).contains(&year) && day >= 1 && day <= days_in_month(year, month))
        .then(|| PartialDate::day(year, month, day))
}

fn date_res() -> &'static [Regex; 5] {
    static RES: OnceLock<[Regex; 5]> = OnceLock::new();
    RES.get_or_init(|| {
        [
            // ISO-like metadata: 2024-11-07, 2024-11-07T10:00:00+08:00, 2024/11/07, 2024-11, 2024
            Regex::new(r"^\s*(?P<y>(?:19|20)\d\d)(?:[-/.](?P<m>\d{1,2})(?:[-/.](?P<d>\d{1,2}))?)?(?:[T ].*)?\s*$").expect("re"),
            // URL: /2024/11/07/ or /20241107
            Regex::new(r"/(?P<y>(?:19|20)\d\d)/(?P<m>\d{1,2})/(?P<d>\d{1,2})(?:/|$)|/(?P<y2>(?:19|20)\d\d)(?P<m2>[01]\d)(?P<d2>[0-3]\d)").expect("re"),
            // Text: (7/11/2024), (15/7/25)
            Regex::new(r"\((?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4}|\d{2})\)").expect("re"),
            // Page date line: 24 Oktober 2024, 05/09/2024, Oktober 24, 2024
            Regex::new(r"(?i)(?-u:\b)(?:(?P<d>\d{1,2})\s+(?P<mn>\p{L}{3,9})\.?\s+(?P<y>\d{4})|(?P<d2>\d{1,2})[/.-](?P<m2>\d{1,2})[/.-](?P<y2>\d{4})|(?P<mn3>\p{L}{3,9})\s+(?P<d3>\d{1,2}),?\s+(?P<y3>\d{4}))(?-u:\b)").expect("re"),
            // A time of day: 14:35, 10.15
            Regex::new(r"(?-u:\b)(?:[01]?\d|2[0-3])[:.][0-5]\d(?-u:\b)").expect("re"),
        ]
    })
}

fn num(c: &regex::Captures<'_>, a: &str, b: &str) -> Option<u32> {
    c.name(a)
        .or_else(|| c.name(b))
        .and_then(|m| m.as_str().parse().ok())
}

/// Whether `line` is the outlet `outlet` followed by at most two words (its regional edition
/// or channel: `IDN Times Sumbar`, `Kompas Regional`).
fn is_outlet_label(line: &str, outlet: &str) -> bool {
    let line = line.trim();
    line.get(..outlet.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(outlet))
        && line.get(outlet.len()..).is_some_and(|rest| {
            (rest.is_empty() || rest.starts_with(' ')) && rest.split_whitespace().count() <= 2
        })
}

/// The date a page-chrome line above the story gives for the article: a line removed by a
/// rule whose `page_date` is `always` (`chrome_meta_date`: a date tied to a byline or the
/// outlet's name, `Kompas.com - 05/09/2024, 19:42 WIB`, `Redaksi Oktober 24, 2024`), or by one
/// whose `page_date` is `with_time` when the line carries a time of day (`Kamis, 24 Oktober
/// 2024 | 14:35 WIB`). A bare date without a time is left out: sites print today's date in
/// their header (`Sabtu, Februari 14, 2026` above a 2024 story).
fn page_date(art: &Article) -> Option<PartialDate> {
    let first_body = art
        .paragraphs
        .first()
        .and_then(|p| p.line)
        .unwrap_or(usize::MAX);
    let [.., time] = date_res();
    let rules = rules();
    art.removed
        .iter()
        .take_while(|r| r.line < first_body)
        .filter(
            |r| match rules.rule(&r.rule).and_then(|rule| rule.page_date) {
                Some(PageDate::Always) => true,
                Some(PageDate::WithTime) => time.is_match(&r.text),
                None => false,
            },
        )
        .find_map(|r| page_line_date(&r.text))
}

/// The date a page-chrome line holds (`24 Oktober 2024`, `05/09/2024`, `Oktober 24, 2024`).
fn page_line_date(text: &str) -> Option<PartialDate> {
    let c = date_res()[3].captures(text)?;
    let y: i32 = c
        .name("y")
        .or_else(|| c.name("y2"))
        .or_else(|| c.name("y3"))?
        .as_str()
        .parse()
        .ok()?;
    let m = match c.name("mn").or_else(|| c.name("mn3")) {
        Some(name) => u32::from(warta_core::month_number(name.as_str())?),
        None => num(&c, "m2", "m2")?,
    };
    let d = num(&c, "d", "d2").or_else(|| num(&c, "d3", "d3"))?;
    valid_date(y, m, d)
}

/// The title a removed line names, for a page without a title line: a line removed by a
/// rule whose pattern has a `title` group (`Artikel ini telah tayang di Tribunjabar.id
/// dengan judul <title>`).
fn title_from_removed(art: &Article) -> Option<String> {
    let rules = rules();
    art.removed
        .iter()
        .find_map(|r| rules.rule(&r.rule)?.title_in(&r.text))
}

/// A `published` metadata field: full or partial ISO-like date.
pub(crate) fn parse_meta_date(s: &str) -> Option<PartialDate> {
    let c = date_res()[0].captures(s)?;
    let y: i32 = c.name("y")?.as_str().parse().ok()?;
    match (num(&c, "m", "m"), num(&c, "d", "d")) {
        (Some(m), Some(d)) => valid_date(y, m, d),
        (Some(m), None) => u8::try_from(m)
            .ok()
            .filter(|m| (1..=12).contains(m))
            .map(|m| PartialDate::month(y, m)),
        (None, _) => Some(PartialDate::year(y)),
    }
}

fn find_published(meta: &RawMeta, art: &Article, copyright: Option<&str>) -> Option<Published> {
    if let Some(date) = meta.published.as_deref().and_then(parse_meta_date) {
        return Some(Published {
            date,
            source: PublishedSource::Metadata,
            confidence: 0.95,
        });
    }
    if let Some(url) = &art.url {
        for c in date_res()[1].captures_iter(url) {
            let (Some(y), Some(m), Some(d)) =
                (num(&c, "y", "y2"), num(&c, "m", "m2"), num(&c, "d", "d2"))
            else {
                continue;
            };
            if let Some(date) = i32::try_from(y).ok().and_then(|y| valid_date(y, m, d)) {
                return Some(Published {
                    date,
                    source: PublishedSource::Url,
                    confidence: 0.85,
                });
            }
        }
    }
    if let Some(date) = page_date(art) {
        return Some(Published {
            date,
            source: PublishedSource::PageDate,
            confidence: 0.75,
        });
    }
    let dateline = art.dateline.as_ref().map(|d| d.raw.as_str());
    let early = dateline
        .into_iter()
        .chain(art.paragraphs.iter().take(6).map(|p| p.text.as_str()));
    let text_date = &date_res()[2];
    for text in early {
        // Every text date holds a `/`: most paragraphs have none and skip the search, and
        // `is_match` (a lazy DFA, without the captures' allocation) rejects most others.
        if memchr::memchr(b'/', text.as_bytes()).is_none() || !text_date.is_match(text) {
            continue;
        }
        for c in text_date.captures_iter(text) {
            let (Some(d), Some(m), Some(y)) =
                (num(&c, "d", "d"), num(&c, "m", "m"), num(&c, "y", "y"))
            else {
                continue;
            };
            let y = if y < 100 { 2000 + y } else { y };
            if let Some(date) = i32::try_from(y).ok().and_then(|y| valid_date(y, m, d)) {
                return Some(Published {
                    date,
                    source: PublishedSource::TextDate,
                    confidence: 0.6,
                });
            }
        }
    }
    let year = copyright.and_then(copyright_year)?;
    Some(Published {
        date: PartialDate::year(year),
        source: PublishedSource::CopyrightYear,
        confidence: 0.35,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(raw: &str) -> Article {
        clean_article("t", raw, Provenance::default())
    }

    fn kept(a: &Article) -> Vec<&str> {
        a.paragraphs.iter().map(|p| p.text.as_str()).collect()
    }

    #[test]
    fn shared_words_are_the_size_of_the_intersection() {
        let mut next = crate::test_rng::xorshift();
        for round in 0..500 {
            let mut set: Vec<u64> = (0..(next() % 90)).map(|_| next() % 120).collect();
            set.sort_unstable();
            set.dedup();
            let words: Vec<u64> = (0..(next() % 60)).map(|_| next() % 120).collect();
            let expected = set.iter().filter(|w| words.contains(w)).count();
            assert_eq!(shared_words(&set, &words), expected, "round {round}");
        }
    }

    #[test]
    fn lines_split_as_str_split_does() {
        for text in [
            "",
            "\n",
            "a",
            "a\n",
            "\na\n\nb",
            "Pj Bupati\r\nBuntok (ANTARA) -\n\n\u{a0}\nnetral \u{201c}ASN\u{201d}",
        ] {
            assert_eq!(
                split_lines(text).collect::<Vec<_>>(),
                text.split('\n').collect::<Vec<_>>(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn datelines_of_the_usual_shapes() {
        let cases = [
            ("Buntok (ANTARA) -", Some("Buntok"), Some("ANTARA")),
            (
                "Jakarta, (ANTARA) - ASN harus netral.",
                Some("Jakarta"),
                Some("ANTARA"),
            ),
            (
                "TRIBUNKALTIM.CO, SAMARINDA - Netralitas ASN",
                Some("SAMARINDA"),
                Some("TRIBUNKALTIM.CO"),
            ),
            (
                "SENDAWAR - Dalam rangka upaya pencegahan",
                Some("SENDAWAR"),
                None,
            ),
            (
                "PONTIANAK, KOMPAS.com - Bawaslu",
                Some("PONTIANAK"),
                Some("KOMPAS.com"),
            ),
            (
                "Jakarta, CNN Indonesia -- Bawaslu Jawa Tengah menemukan",
                Some("Jakarta"),
                Some("CNN Indonesia"),
            ),
            (
                "Sleman, IDN Times - Bupati Sleman",
                Some("Sleman"),
                Some("IDN Times"),
            ),
            // The outlet alone, where the place would stand.
            (
                "Merdeka.com - Wali Kota Surabaya",
                None,
                Some("Merdeka.com"),
            ),
            (
                "SuaraJogja.id - Bawaslu Sleman",
                None,
                Some("SuaraJogja.id"),
            ),
            (
                "PIKIRAN RAKYAT - Sebanyak 3.500 ASN",
                None,
                Some("PIKIRAN RAKYAT"),
            ),
            // A colon in place of the dash, before a paragraph of some length.
            (
                "Jakarta: Menteri Dalam Negeri Tito Karnavian meminta seluruh penjabat menjaga netralitas.",
                Some("Jakarta"),
                None,
            ),
            (
                "KBRN, Bengkulu: Pelaksana Harian Sekretaris Daerah Provinsi Bengkulu mengingatkan ASN.",
                Some("Bengkulu"),
                Some("KBRN"),
            ),
        ];
        for (line, place, outlet) in cases {
            let (d, _) = find_dateline(line).unwrap_or_else(|| panic!("no dateline in {line:?}"));
            assert_eq!(d.place.as_deref(), place, "{line}");
            assert_eq!(d.outlet.as_deref(), outlet, "{line}");
        }
        for line in [
            "Pemilu 2024 berjalan lancar.",
            "Kamis (7/11/2024) - ASN",
            "ASN harus netral - kata dia.",
            "Catatan: artikel ini diperbarui setelah Bawaslu memberikan keterangan tambahan kepada redaksi.",
            "Tito: ASN harus netral.",
        ] {
            assert!(find_dateline(line).is_none(), "{line}");
        }
    }

    #[test]
    fn dateline_twins_find_what_their_patterns_find_on_ascii_lines() {
        let lines = [
            "Buntok (ANTARA) -",
            "Jakarta, (ANTARA) - ASN harus netral.",
            "Pontianak (ANTARA News Kalbar) - Bawaslu",
            "TRIBUNKALTIM.CO, SAMARINDA - Netralitas ASN",
            "SENDAWAR - Dalam rangka upaya pencegahan",
            "PONTIANAK, KOMPAS.com - Bawaslu",
            "MAUMERE, FLORESNEWS - Bawaslu Sikka",
            "Jakarta, detikNews - ASN",
            "Jakarta, CNN Indonesia -- Bawaslu",
            "Makassar - Bawaslu",
            "Merdeka.com - Wali Kota",
            "PIKIRAN RAKYAT - Sebanyak",
            "Sumba Tengah (ANTARA) - Kantor Regional IX",
            "Kota Baru-Timur -",
            "O'Neil St. Mary, (A B) --  x",
            "ASN harus netral - kata dia.",
            "Kamis (7/11/2024) - ASN",
            "Jakarta (ANTARA) - \u{201c}ASN harus netral,\u{201d} kata S\u{e9}kda.",
            "B\u{e9}kasi - ASN",
        ];
        let mut tried = 0;
        for rule in dateline_rules() {
            assert!(
                rule.ascii.is_some(),
                "every dateline pattern has an ASCII twin"
            );
            let twin = &crate::rules::ascii_twin(&rule.pattern).expect("an ASCII twin");
            let full = Regex::new(&rule.pattern).expect("dateline pattern compiles");
            for line in lines {
                let spans = |re: &Regex| {
                    re.captures(line).map(|c| {
                        ["place", "outlet"].map(|n| c.name(n).map(|m| (m.start(), m.end())))
                    })
                };
                if line.is_ascii() {
                    assert_eq!(spans(twin), spans(&full), "{}: {line:?}", rule.id);
                }
                let via = captures_via_twin(&full, Some(twin), line)
                    .map(|c| ["place", "outlet"].map(|n| c.name(n).map(|m| (m.start(), m.end()))));
                assert_eq!(via, spans(&full), "{}: {line:?}", rule.id);
                // The forward-only search with the twin or the PikeVM finds the same spans.
                let forward = dateline_spans(rule, line).map(|(whole, place, outlet)| {
                    (whole, [place, outlet].map(|r| r.map(|r| (r.start, r.end))))
                });
                let plain = full.captures(line).and_then(|c| {
                    let spans =
                        ["place", "outlet"].map(|n| c.name(n).map(|m| (m.start(), m.end())));
                    Some((c.get(0)?.range(), spans))
                });
                assert_eq!(forward, plain, "{}: {line:?}", rule.id);
                tried += 1;
            }
        }
        assert!(tried > 50);
    }

    proptest::proptest! {
        #[test]
        fn closing_dashes_found_by_byte_are_the_ones_found_by_char(
            s in "[a \u{2013}\u{2014}\u{201c}\u{e2}\u{a0}\t\u{2028}-]{0,12}"
        ) {
            proptest::prop_assert_eq!(has_closing_dash(&s), has_closing_dash_by_chars(&s));
        }
    }

    #[test]
    fn dateline_alone_joins_nothing_and_is_metadata() {
        let a = clean("Judul berita netralitas ASN\n\nBuntok (ANTARA) -\nPenjabat Bupati menjaga netralitas ASN di wilayah setempat demi suksesnya pemilu.\n");
        assert_eq!(a.title.as_deref(), Some("Judul berita netralitas ASN"));
        assert_eq!(
            a.dateline.as_ref().map(|d| d.raw.as_str()),
            Some("Buntok (ANTARA) -")
        );
        assert_eq!(
            kept(&a),
            ["Penjabat Bupati menjaga netralitas ASN di wilayah setempat demi suksesnya pemilu."]
        );
        assert_eq!(a.outlet.kind, OutletKind::Antara);
    }

    #[test]
    fn outlet_name_above_its_dateline_is_a_byline() {
        let a = clean("CNN Indonesia\nNasional\nBawaslu Jateng temukan ASN tak netral di masa kampanye\nCNN Indonesia\nKamis, 21 Mar 2019 15:20 WIB\nSemarang, CNN Indonesia -- Bawaslu Jawa Tengah menemukan 12 kasus dugaan pelanggaran netralitas ASN.\n");
        assert_eq!(
            a.dateline.as_ref().and_then(|d| d.outlet.as_deref()),
            Some("CNN Indonesia")
        );
        assert_eq!(
            kept(&a),
            ["Bawaslu Jawa Tengah menemukan 12 kasus dugaan pelanggaran netralitas ASN."]
        );
        assert!(a
            .removed
            .iter()
            .any(|r| r.rule == "byline_outlet_name" && r.text == "CNN Indonesia"));
    }

    /// The outlet with its regional edition above a section label and the title is the
    /// site's label: the title, the byline under it and the page date above the dateline are
    /// all found.
    #[test]
    fn outlet_edition_above_the_title_is_a_label() {
        let a = clean("IDN Times Sumbar\nNews\nDua ASN Agam Dilaporkan Unggah Dukungan ke Paslon\nRahmat Hidayat\nRabu, 16 Okt 2024 14:20 WIB\nLubuk Basung, IDN Times - Dua ASN dilaporkan ke Bawaslu, Senin (14/10/2024).\n");
        assert_eq!(
            a.title.as_deref(),
            Some("Dua ASN Agam Dilaporkan Unggah Dukungan ke Paslon")
        );
        assert_eq!(
            kept(&a),
            ["Dua ASN dilaporkan ke Bawaslu, Senin (14/10/2024)."]
        );
        assert!(a
            .removed
            .iter()
            .any(|r| r.rule == "section_label_outlet" && r.text == "IDN Times Sumbar"));
        assert_eq!(
            a_published(&a),
            Some((PartialDate::day(2024, 10, 16), PublishedSource::PageDate))
        );
        // Not a label: a line that only starts with the outlet's words.
        assert!(!is_outlet_label(
            "IDN Times menerima laporan warga",
            "IDN Times"
        ));
        assert!(!is_outlet_label("IDN Timesheet", "IDN Times"));
        assert!(is_outlet_label("idn times", "IDN Times"));
    }

    #[test]
    fn short_content_sentences_and_uu_ite_in_content_are_kept() {
        let raw = "Bawaslu memantau media sosial ASN selama masa kampanye Pilkada 2024 di Kaltim.\nASN harus netral.\nPelanggar dapat dijerat UU ITE dan tanggung jawab pengguna akun tetap melekat.\n";
        let a = clean(raw);
        assert_eq!(a.paragraphs.len(), 3, "{:?}", a.removed);
    }

    #[test]
    fn crlf_nbsp_and_entities() {
        let a = clean("Pemkab Sintang menggelar apel netralitas ASN di halaman kantor bupati, Kamis.\r\n\u{a0}\r\nASN&nbsp;diminta netral oleh Sekda\u{c2}\u{a0}Sintang dalam apel itu.\r\n");
        assert_eq!(
            kept(&a),
            [
                "Pemkab Sintang menggelar apel netralitas ASN di halaman kantor bupati, Kamis.",
                "ASN diminta netral oleh Sekda Sintang dalam apel itu.",
            ]
        );
        assert_eq!(a.removed.len(), 1);
        assert_eq!(a.removed[0].reason, RemovalReason::Blank);
    }

    #[test]
    fn signoff_is_cut_from_the_end_of_a_content_line() {
        let a = clean(
            "SENDAWAR - Pemkab Kubar ikut kampanye netralitas ASN secara virtual. (hms10/ NAW)",
        );
        assert_eq!(
            kept(&a),
            ["Pemkab Kubar ikut kampanye netralitas ASN secara virtual."]
        );
        assert_eq!(a.removed[0].text, "(hms10/ NAW)");
        assert_eq!(a.removed[0].rule, "signoff_government");
        assert_eq!(a.outlet.kind, OutletKind::GovernmentPress);
    }

    #[test]
    fn page_chrome_date_is_removed_and_title_found_below_it() {
        let a = clean("Sabtu, Februari 14, 2026\nASN Dilarang Ikut Kampanye Pilkada\nKUPANG - Bawaslu mengingatkan ASN agar tidak ikut kampanye pasangan calon.\n");
        assert_eq!(
            a.title.as_deref(),
            Some("ASN Dilarang Ikut Kampanye Pilkada")
        );
        assert_eq!(a.removed[0].reason, RemovalReason::PageChrome);
        assert_eq!(
            kept(&a),
            ["Bawaslu mengingatkan ASN agar tidak ikut kampanye pasangan calon."]
        );
    }

    #[test]
    fn a_name_alone_under_the_title_is_a_byline() {
        let a = clean("Mendagri Terbitkan Surat Edaran Netralitas ASN untuk Kepala Daerah\nAbdul Rochim\nKamis, 01 Agustus 2024 - 13:05 WIB\nJAKARTA - Menteri Dalam Negeri menerbitkan surat edaran tentang netralitas ASN.\n");
        assert_eq!(
            kept(&a),
            ["Menteri Dalam Negeri menerbitkan surat edaran tentang netralitas ASN."]
        );
        assert!(a.removed.iter().any(|r| r.rule == "byline_name_line"));
        for (line, name) in [
            ("Abdul Rochim", true),
            ("M. Ridwan Saputra", true),
            ("Hiskia Andika Weadcaksana", true),
            ("Netralitas ASN", false),
            ("Pilkada 2024", false),
            ("Bawaslu menemukan pelanggaran", false),
            ("Ridwan", true),
            ("Wijayakusuma", true),
            ("Adi", false),
        ] {
            assert_eq!(is_name_line(line), name, "{line}");
        }
    }

    #[test]
    fn a_footer_naming_the_title_gives_it_when_the_page_has_none() {
        let a = clean("TRIBUNJABAR.ID, BEKASI - Sebanyak 12 kepala desa di Kabupaten Bekasi dilaporkan ke Bawaslu karena diduga berfoto dengan pasangan calon.\nArtikel ini telah tayang di TribunJabar.id dengan judul 12 Kades di Bekasi Dilaporkan ke Bawaslu\n");
        assert_eq!(
            a.title.as_deref(),
            Some("12 Kades di Bekasi Dilaporkan ke Bawaslu")
        );
        // A title line wins over the footer.
        let b = clean("Kades Dilaporkan ke Bawaslu\nBEKASI - Sebanyak 12 kepala desa di Kabupaten Bekasi dilaporkan ke Bawaslu karena diduga berfoto.\nArtikel ini telah tayang di TribunJabar.id dengan judul 12 Kades di Bekasi Dilaporkan ke Bawaslu\n");
        assert_eq!(b.title.as_deref(), Some("Kades Dilaporkan ke Bawaslu"));
        // Without `dengan judul` the footer names no title.
        let c = clean("BEKASI - Sebanyak 12 kepala desa di Kabupaten Bekasi dilaporkan ke Bawaslu karena diduga berfoto.\nArtikel ini telah tayang di TribunJabar.id\n");
        assert_eq!(c.title, None);
    }

    #[test]
    fn page_dates_above_the_story_give_the_publication_date() {
        let published = |raw: &str| a_published(&clean(raw));
        let body = "KLATEN - Bawaslu memanggil dua camat untuk klarifikasi, Senin (21/10/2024).";
        // A date with a time of day, and a date tied to a byline or the outlet, are the page's.
        for (chrome, want) in [
            ("Kamis, 24 Oktober 2024 | 14:35 WIB", (2024, 10, 24)),
            ("Jumat, 18 Okt 2024 14:37 WIB", (2024, 10, 18)),
            ("Rabu 07 Februari 2018 16:05 WIB", (2018, 2, 7)),
            ("7 November 2024, 10:15 WITA", (2024, 11, 7)),
            ("Kompas.com - 05/09/2024, 19:42 WIB", (2024, 9, 5)),
            (
                "Oleh: Redaksi | Selasa, 24 September 2024 | 10:12 WIT",
                (2024, 9, 24),
            ),
            ("Redaksi Oktober 24, 2024", (2024, 10, 24)),
        ] {
            let (y, m, d) = want;
            assert_eq!(
                published(&format!("{chrome}\n{body}\n")),
                Some((PartialDate::day(y, m, d), PublishedSource::PageDate)),
                "{chrome}"
            );
        }
        // A bare date in the header may be the day the page was viewed: the text date wins.
        for chrome in [
            "Sabtu, Februari 14, 2026",
            "Senin, 07/10/2024",
            "14 Februari 2024",
        ] {
            assert_eq!(
                published(&format!("{chrome}\n{body}\n")),
                Some((PartialDate::day(2024, 10, 21), PublishedSource::TextDate)),
                "{chrome}"
            );
        }
        // Below the story's first paragraph a chrome date is not the page's.
        assert_eq!(
            published(&format!("{body}\nKamis, 24 Oktober 2024 | 14:35 WIB\n")),
            Some((PartialDate::day(2024, 10, 21), PublishedSource::TextDate))
        );
    }

    #[test]
    fn page_dates_read_every_name_of_the_month_table() {
        let published = |raw: &str| a_published(&clean(raw));
        let body = "KLATEN - Bawaslu memanggil dua camat untuk klarifikasi, Senin (21/10/2024).";
        // Old spellings and short forms that do not start with a month's usual first three
        // letters.
        for (chrome, want) in [
            ("Kamis, 7 Nopember 2024 | 10:15 WITA", (2024, 11, 7)),
            ("Redaksi Pebruari 16, 2024", (2024, 2, 16)),
            ("12 Mrt 2024, 10:12 WIB", (2024, 3, 12)),
            ("Jumat, 16 Peb 2024 14:37 WIB", (2024, 2, 16)),
        ] {
            let (y, m, d) = want;
            assert_eq!(
                published(&format!("{chrome}\n{body}\n")),
                Some((PartialDate::day(y, m, d), PublishedSource::PageDate)),
                "{chrome}"
            );
        }
        // Every name, in each order the page-date pattern reads, in either case; short forms
        // with their dot too.
        for m in warta_core::months() {
            let want = Some(PartialDate::day(2024, m.month, 9));
            for name in m.full.iter().chain(&m.short) {
                for n in [name.clone(), name.to_uppercase()] {
                    assert_eq!(page_line_date(&format!("9 {n} 2024")), want, "{n}");
                    assert_eq!(page_line_date(&format!("{n} 9, 2024")), want, "{n}");
                }
            }
            for name in &m.short {
                assert_eq!(page_line_date(&format!("9 {name}. 2024")), want, "{name}.");
            }
        }
        // A word that is no month name gives no page date.
        assert_eq!(page_line_date("9 Desa 2024"), None);
    }

    #[test]
    fn remove_examples_of_page_date_rules_hold_a_date() {
        let mut tried = 0;
        for rule in rules().rules.iter().filter(|r| r.page_date.is_some()) {
            for ex in &rule.remove {
                assert!(page_line_date(ex).is_some(), "{}: {ex:?}", rule.id);
                tried += 1;
            }
        }
        assert!(tried >= 3);
    }

    fn a_published(a: &Article) -> Option<(PartialDate, PublishedSource)> {
        a.published.as_ref().map(|p| (p.date, p.source))
    }

    #[test]
    fn hard_wrapped_lines_are_joined() {
        let a = clean("Bawaslu Kaltim menggelar sosialisasi netralitas ASN\nkepada para camat dan lurah di Samarinda, Kamis.\n\nParagraf kedua tentang sanksi bagi ASN yang melanggar aturan.\n");
        assert_eq!(a.paragraphs.len(), 2, "{:?}", kept(&a));
        assert!(a.paragraphs[0].text.ends_with("Samarinda, Kamis."));
    }

    #[test]
    fn published_dates() {
        let meta = RawMeta {
            published: Some("2024-11-07T10:00:00+08:00".into()),
            ..Default::default()
        };
        let a = clean_with_meta(
            "t",
            "ASN harus netral dalam Pilkada serentak 2024 di Kalimantan Timur.",
            Provenance::default(),
            &meta,
        );
        let p = a.published.unwrap();
        assert_eq!(
            (p.date, p.source),
            (PartialDate::day(2024, 11, 7), PublishedSource::Metadata)
        );
        let meta = RawMeta {
            url: Some("https://kaltim.tribunnews.com/2024/11/07/netralitas-asn".into()),
            ..Default::default()
        };
        let a = clean_with_meta(
            "t",
            "ASN harus netral dalam Pilkada serentak 2024 di Kalimantan Timur.",
            Provenance::default(),
            &meta,
        );
        assert_eq!(a.published.unwrap().source, PublishedSource::Url);
        let a = clean("\u{201c}Kami memantau ASN,\u{201d} terang Deni, Kamis (7/11/2024).\nCOPYRIGHT © ANTARA 2025");
        let p = a.published.unwrap();
        assert_eq!(
            (p.date, p.source),
            (PartialDate::day(2024, 11, 7), PublishedSource::TextDate)
        );
        let a = clean("ASN harus netral dalam Pilkada serentak 2024 di Kalimantan Timur.\nCOPYRIGHT © ANTARA 2025");
        let p = a.published.unwrap();
        assert_eq!(
            (p.date, p.source),
            (PartialDate::year(2025), PublishedSource::CopyrightYear)
        );
        assert_eq!(a.outlet.name.as_deref(), Some("ANTARA"));
        // An impossible date is not a date.
        assert!(
            clean("Apel digelar Jumat (31/2/2024) di halaman kantor bupati.")
                .published
                .is_none()
        );
    }

    #[test]
    fn link_titles_under_a_bare_label_are_removed() {
        let a = clean("Bawaslu mengungkap tujuh ASN di Gowa diduga melanggar netralitas pada Pilkada 2024.\nBaca juga:\nBawaslu Makassar Catat 3 Laporan Dugaan Politik Uang\nTemuan ini dibahas dalam rakor Sentra Gakkumdu di Makassar.\nBerita Terkait\nBawaslu Sikka Buka Posko Pengaduan\nKPU Sikka Tetapkan DPT Pilkada 2024\n");
        assert_eq!(kept(&a), [
            "Bawaslu mengungkap tujuh ASN di Gowa diduga melanggar netralitas pada Pilkada 2024.",
            "Temuan ini dibahas dalam rakor Sentra Gakkumdu di Makassar.",
        ]);
        let rules: Vec<&str> = a.removed.iter().map(|r| &*r.rule).collect();
        assert_eq!(
            rules,
            [
                "cross_link_baca_juga",
                "cross_link_after_label",
                "cross_link_related_label",
                "cross_link_after_label",
                "cross_link_after_label",
            ]
        );
    }

    #[test]
    fn remembered_copyright_names_are_the_names_found() {
        let lines: Vec<String> = (0..COPYRIGHT_MEMO + 40)
            .map(|i| format!("Copyright © {} Warta Daerah {i}", 2000 + i % 25))
            .chain(["COPYRIGHT © ANTARA 2024".into(), "©".into(), String::new()])
            .collect();
        // Twice over, through a memo that fills and empties.
        for line in lines.iter().chain(&lines) {
            assert_eq!(copyright_name(line), copyright_name_of(line), "{line:?}");
            assert_eq!(copyright_year(line), copyright_year_of(line), "{line:?}");
        }
        assert_eq!(
            copyright_year("Copyright © 2003 Warta Daerah 3"),
            Some(2003)
        );
        assert_eq!(copyright_year("COPYRIGHT © ANTARA 2024"), Some(2024));
        assert_eq!(
            copyright_name("COPYRIGHT © ANTARA 2024").as_deref(),
            Some("ANTARA")
        );
    }

    #[test]
    fn tribun_copyright_names_the_outlet() {
        let a = clean("Bawaslu memantau netralitas ASN menjelang Pilkada serentak 2024.\n© 2024 Tribunnews.com");
        assert_eq!(a.outlet.kind, OutletKind::Tribun);
        assert_eq!(a.outlet.name.as_deref(), Some("Tribunnews.com"));
    }
}
