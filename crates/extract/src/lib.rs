//! Rule-based extraction of neutrality facts from cleaned articles.
//!
//! [`extract`] turns one [`Article`] into [`ArticleFacts`]: officials (acting modifier, title,
//! body, office region, name, linked to one [`Person`] per article), regions with their role and
//! the article's primary region, dates, counts, legal instruments, election cycles and
//! neutrality activities. Every mention carries its byte span in a kept paragraph, its
//! normalised value, the sentence it stands in and the id of the rule that made it. Rules and
//! word lists are data in `rules/`, compiled once.
//!
//! ```
//! use warta_core::{Article, MentionKind, Paragraph};
//! let mut a = Article::new("example");
//! a.paragraphs.push(Paragraph::new(
//!     0,
//!     "Ketua Bawaslu Kaltim, Hari Darmanto mengimbau ASN menjaga netralitas.",
//!     None,
//! ));
//! let facts = warta_extract::extract(&a);
//! let official = facts.mentions.iter().find(|m| m.kind == MentionKind::Official).unwrap();
//! assert_eq!(official.value.key(), "|Ketua Bawaslu|64|Hari Darmanto");
//! assert_eq!(facts.persons[0].name, "Hari Darmanto");
//! ```

pub mod counts;
pub mod cycles;
pub mod dates;
pub mod instruments;
pub mod numbers;

mod activities;
mod alts;
pub mod eval;
mod geo;
mod literals;
mod officials;
mod persons;
mod regions;
mod scan;
pub mod sentences;
mod text;

use std::cell::RefCell;
use std::ops::Range;
use std::sync::Arc;

use warta_core::{
    Activity, Article, ArticleFacts, CountRole, ElectionCycle, Label, Mention, MentionKind,
    MentionValue, Official, PartialDate, PublishedSource, RegionLevel, RegionRole, Span,
};
use warta_gazetteer::{Region, RegionMatch};

use crate::dates::DateContext;

/// One paragraph's sentences and region names, computed once.
struct Para<'a> {
    text: &'a str,
    sentences: Vec<Range<usize>>,
    regions: Vec<RegionMatch>,
    /// The modules' keyword prefilters, from one pass over the paragraph.
    gate: scan::ParaGate,
    /// Evidence handed out so far, by sentence range: the mentions of one sentence share it.
    evidence: RefCell<Vec<(usize, usize, Arc<str>)>>,
}

impl Para<'_> {
    /// The sentence text(s) covering `start..end`, trimmed.
    fn evidence(&self, start: usize, end: usize) -> Arc<str> {
        let (s, e) = if self.sentences.is_empty() {
            (0, self.text.len())
        } else {
            let a = sentences::containing(&self.sentences, start);
            let b = sentences::containing(&self.sentences, end.saturating_sub(1).max(start));
            (self.sentences[a].start, self.sentences[b.max(a)].end)
        };
        let mut seen = self.evidence.borrow_mut();
        if let Some((_, _, text)) = seen.iter().find(|(a, b, _)| (*a, *b) == (s, e)) {
            return Arc::clone(text);
        }
        let text: Arc<str> = Arc::from(self.text.get(s..e).unwrap_or(self.text).trim());
        seen.push((s, e, Arc::clone(&text)));
        text
    }
}

/// A resolved region mention before role assignment is final.
struct RegionHit {
    par: usize,
    start: usize,
    end: usize,
    region: &'static Region,
    role: RegionRole,
    rule: &'static str,
    /// A subject role from an office or government cue (see [`regions::context`]).
    strong: bool,
}

/// Compiles every rule set and builds the gazetteer now, instead of when the first article
/// that needs each one comes. [`extract`] does it by itself; this is for a caller with a thread
/// to spare before its first article (a pipeline whose extraction waits for reading and
/// cleaning), which takes the compilation, most of a small run's fixed cost, off the path
/// of the articles.
pub fn prepare() {
    // The keyword gate holds the activity, date, cycle and instrument keywords: it compiles
    // their rule sets first.
    let _ = scan::gate_set();
    let _ = officials::rules();
    let _ = numbers::compiled();
    let _ = counts::compiled();
    let _ = dates::compiled();
    let _ = instruments::compiled();
    let _ = cycles::compiled();
    let _ = persons::pronoun_cues();
    let _ = persons::nickname_cue();
    let _ = regions::cues();
    let _ = sentences::abbreviations();
    let _ = warta_gazetteer::gazetteer();
}

/// Extract every fact from one cleaned article. Pure and total: never panics on any text.
pub fn extract(article: &Article) -> ArticleFacts {
    let paras: Vec<Para<'_>> = article
        .paragraphs
        .iter()
        .map(|p| {
            let sentences = sentences::split(&p.text);
            Para {
                text: &p.text,
                gate: scan::gate(&p.text, &sentences),
                sentences,
                regions: geo::find(&p.text),
                evidence: RefCell::new(Vec::new()),
            }
        })
        .collect();
    // Room for about one mention per 48 bytes of text (the corpus has one per 64): a mention
    // is a large value, and each doubling of the vector copies all of them.
    let text_len: usize = paras.iter().map(|p| p.text.len()).sum();
    let mut mentions: Vec<Mention> = Vec::with_capacity(text_len / 48 + 8);

    // Provinces named unambiguously: they settle ambiguous names elsewhere.
    let mut provinces: Vec<&str> = Vec::new();
    for p in &paras {
        for m in &p.regions {
            if let [only] = m.candidates.as_slice() {
                if !provinces.contains(&only.province_code) {
                    provinces.push(only.province_code);
                }
            }
        }
    }
    let dateline_region = article.dateline.as_ref().and_then(|d| {
        let place = d.place.as_deref()?;
        geo::find(place)
            .into_iter()
            .next()
            .and_then(|m| geo::choose(&m, None, &provinces))
            .or_else(|| {
                // A town the gazetteer does not know is often the kecamatan a regency's seat
                // lies in (`SUNGAILIAT -`): its regency, unless the article names provinces
                // and that regency lies in none of them.
                let r = geo::district_parent(place)?;
                (provinces.is_empty() || provinces.contains(&r.province_code)).then_some(r)
            })
    });

    // Officials (explicit regions only for now).
    let mut officials: Vec<(usize, officials::OfficialHit)> = Vec::new();
    for (pi, p) in paras.iter().enumerate() {
        let ctx = officials::ParagraphCtx {
            text: p.text,
            regions: &p.regions,
            provinces: &provinces,
        };
        for (si, s) in p.sentences.iter().enumerate() {
            if !p.gate.head(si).unwrap_or(true) {
                continue;
            }
            for h in officials::find(&ctx, s.clone()) {
                officials.push((pi, h));
            }
        }
    }

    // Regions and their roles.
    let mut region_hits: Vec<RegionHit> =
        Vec::with_capacity(paras.iter().map(|p| p.regions.len()).sum());
    for (pi, p) in paras.iter().enumerate() {
        let mut prev: Option<(usize, RegionRole, &'static Region)> = None;
        for m in &p.regions {
            let district_name = officials
                .iter()
                .any(|(op, h)| *op == pi && h.place.as_ref().is_some_and(|r| r.start == m.start));
            if district_name {
                continue;
            }
            let office = officials.iter().find_map(|(op, h)| {
                (*op == pi)
                    .then(|| h.regions.iter().find(|r| r.span.start == m.start))
                    .flatten()
                    .map(|r| (r.region, h))
            });
            let (region, role, rule, strong) = if let Some((region, h)) = office {
                let role = if h.scope == officials::Scope::National {
                    RegionRole::Other
                } else {
                    RegionRole::Subject
                };
                (region, role, "region.office", true)
            } else {
                let Some(region) = geo::choose(m, m.level_hint, &provinces) else {
                    continue;
                };
                let floor = p
                    .sentences
                    .get(sentences::containing(&p.sentences, m.start))
                    .map_or(0, |r| r.start);
                let annotated = prev.filter(|&(pe, _, pr)| {
                    regions::is_annotation(p.text, pe, m.full_start())
                        && region.code == pr.province_code
                });
                let (mut role, strong) = match annotated {
                    Some((_, r, _)) => (r, false),
                    // From the name itself, so that a unit prefix (`Pemprov`, `Pemerintah
                    // Kabupaten`) counts as a cue.
                    None => regions::context(p.text, floor, m.start),
                };
                let is_dateline_place = article
                    .dateline
                    .as_ref()
                    .and_then(|d| d.place.as_deref())
                    .is_some_and(|place| {
                        place
                            .trim()
                            .eq_ignore_ascii_case(p.text.get(m.start..m.end).unwrap_or(""))
                    });
                if role == RegionRole::Other && is_dateline_place {
                    role = RegionRole::Dateline;
                }
                (region, role, "region.gazetteer", strong)
            };
            prev = Some((m.end, role, region));
            region_hits.push(RegionHit {
                par: pi,
                start: m.start,
                end: m.end,
                region,
                role,
                rule,
                strong,
            });
        }
    }

    // Primary region: the most specific subject region.
    let votes: Vec<regions::SubjectVote> = region_hits
        .iter()
        .enumerate()
        .filter(|(_, h)| h.role == RegionRole::Subject)
        .map(|(order, h)| regions::SubjectVote {
            region: h.region,
            order,
            strong: h.strong,
        })
        .collect();
    let primary = regions::primary(&votes).or(dateline_region).or_else(|| {
        let all: Vec<regions::SubjectVote> = region_hits
            .iter()
            .enumerate()
            .map(|(order, h)| regions::SubjectVote {
                region: h.region,
                order,
                strong: false,
            })
            .collect();
        regions::primary(&all)
    });

    // Official mentions, with the primary region for local offices the text gives no region for.
    let mut official_values: Vec<(usize, Span, Official, &'static str)> =
        Vec::with_capacity(officials.len());
    // The hits are not needed past this point: their strings move into the values.
    for (pi, h) in officials {
        let region_code = office_region(&h, primary);
        let span = Span::new(pi, h.start, h.end);
        let o = Official {
            modifier: h.modifier,
            title: h.title,
            body: h.body,
            region_code,
            name: Some(h.name),
            honorifics: h.honorifics,
            person: None,
        };
        official_values.push((pi, span, o, h.rule));
    }
    let persons_out = persons::link(&paras_texts(&paras), &mut official_values);
    for (pi, span, o, rule) in official_values {
        let p = &paras[pi];
        mentions.push(Mention {
            kind: MentionKind::Official,
            text: p.text.get(span.start..span.end).unwrap_or("").to_string(),
            span,
            value: MentionValue::Official(o),
            evidence: p.evidence(span.start, span.end),
            rule: Label::Borrowed(rule),
        });
    }
    for h in &region_hits {
        let p = &paras[h.par];
        mentions.push(Mention {
            kind: MentionKind::Region,
            text: p.text.get(h.start..h.end).unwrap_or("").to_string(),
            span: Span::new(h.par, h.start, h.end),
            value: MentionValue::Region(geo::region_ref(h.region, h.role)),
            evidence: p.evidence(h.start, h.end),
            rule: Label::Borrowed(h.rule),
        });
    }

    // Lexical kinds. Cycles first: their years anchor dates when the article
    // has no publication date.
    let mut cycle_hits: Vec<(usize, usize, cycles::CycleHit)> = Vec::new();
    // Dates and cycles are found per paragraph (they need no sentence context), which saves
    // a search per sentence; counts and instruments take their role from the sentence.
    for (pi, p) in paras.iter().enumerate() {
        cycle_hits.extend(
            cycles::find_cycles_at_words(p.text, p.gate.cycle_words, &p.gate.cycle_starts)
                .into_iter()
                .map(|h| (pi, 0, h)),
        );
    }
    let mut ctx = date_context(article);
    if ctx.article_year.is_none() {
        ctx.article_year = most_frequent(cycle_hits.iter().filter_map(|(_, _, h)| h.value.year));
    }
    // Where each instrument stands (paragraph, sentence start), and the hits themselves.
    let mut instrument_at: Vec<(usize, usize)> = Vec::new();
    let mut instrument_hits: Vec<instruments::InstrumentHit> = Vec::new();
    let mut cycle_mentions: Vec<usize> = Vec::new();
    for (pi, base, c) in cycle_hits {
        let p = &paras[pi];
        if push_lexical(
            &mut mentions,
            p,
            pi,
            base,
            c.start,
            c.end,
            MentionValue::ElectionCycle(c.value),
            c.rule,
        ) {
            cycle_mentions.push(mentions.len() - 1);
        }
    }
    // The last count found and its paragraph: the noun a later `Dua di antaranya` counts.
    let mut last_count: Option<(usize, warta_core::CountValue)> = None;
    for (pi, p) in paras.iter().enumerate() {
        // The first digit of the paragraph: no sentence before it holds one, the one around
        // it does, and only later sentences need a look of their own.
        let first_digit = numbers::first_ascii_digit(p.text);
        let may_date = dates::may_have_date(
            p.text,
            first_digit,
            p.gate.date_words,
            p.gate.plain_date_words,
        );
        let from = dates::earliest_start(p.text, first_digit, p.gate.date_at);
        for d in
            dates::find_dates_gated(p.text, &ctx, Some(may_date), from, p.gate.date_last.into())
        {
            push_lexical(
                &mut mentions,
                p,
                pi,
                0,
                d.start,
                d.end,
                MentionValue::Date(d.value),
                d.rule,
            );
        }
        for (si, s) in p.sentences.iter().enumerate() {
            let Some(st) = p.text.get(s.clone()) else {
                continue;
            };
            // No digit and no number word: no number, so no count (the number search's own
            // prefilter). Else a count's shape is looked for from the first of them on.
            // The sentence's first digit, sentence-relative; the paragraph's first digit
            // when it lies in the sentence (no digit stands before it).
            let digit = match first_digit {
                None => None,
                Some(d) if d < s.start => numbers::first_ascii_digit(st),
                Some(d) => (d < s.end).then(|| d - s.start),
            };
            let word = match p.gate.number_word(si) {
                Some(true) => Some(
                    p.gate
                        .number_at(si)
                        .map_or(0, |w| w.saturating_sub(s.start)),
                ),
                Some(false) => None,
                // No answer from the gate: read the whole sentence.
                None => Some(0),
            };
            let antecedent = last_count
                .as_ref()
                .filter(|(lp, _)| *lp == pi)
                .map(|(_, c)| c);
            let found = match (digit, word) {
                (Some(d), Some(w)) => counts::find_counts_after(st, d.min(w), antecedent),
                (Some(f), None) | (None, Some(f)) => counts::find_counts_after(st, f, antecedent),
                (None, None) => Vec::new(),
            };
            if let Some(c) = found.iter().max_by_key(|c| c.start) {
                last_count = Some((pi, c.value.clone()));
            }
            for c in found {
                push_lexical(
                    &mut mentions,
                    p,
                    pi,
                    s.start,
                    c.start,
                    c.end,
                    MentionValue::Count(c.value),
                    c.rule,
                );
            }
            if !p.gate.instrument(si).unwrap_or(false) {
                continue;
            }
            let types = if p.gate.instrument_type(si).unwrap_or(true) {
                instruments::TypeStarts::At(p.gate.type_starts(s.clone()), s.start)
            } else {
                instruments::TypeStarts::None
            };
            let signatories = p.gate.signatory(si).unwrap_or(true);
            for h in instruments::find_instruments_passed(st, types, signatories) {
                instrument_at.push((pi, s.start));
                instrument_hits.push(h);
            }
        }
    }
    {
        instruments::link_instruments(&mut instrument_hits);
        for ((pi, base), h) in instrument_at.into_iter().zip(instrument_hits) {
            let p = &paras[pi];
            push_lexical(
                &mut mentions,
                p,
                pi,
                base,
                h.start,
                h.end,
                MentionValue::LegalInstrument(h.value),
                h.rule,
            );
        }
    }

    // Cycles: fill missing years, then the article's list.
    let published_year = article.published.as_ref().map(|p| p.date.year);
    let known: Vec<ElectionCycle> = cycle_mentions
        .iter()
        .filter_map(|&i| match &mentions[i].value {
            MentionValue::ElectionCycle(c) if c.year.is_some() => Some(c.clone()),
            _ => None,
        })
        .collect();
    let by_date = article
        .published
        .as_ref()
        .map(|p| cycles::cycles_by_date(p.date))
        .unwrap_or_default();
    // A date right after a cycle without a year dates it: `Pilkada serentak November
    // mendatang`, `pilkada pada 9 Desember` (the tail the cycle rules read takes only a year
    // or a voting day written with its year).
    let dated: Vec<(usize, i32)> = cycle_mentions
        .iter()
        .filter_map(|&i| {
            let m = &mentions[i];
            let MentionValue::ElectionCycle(c) = &m.value else {
                return None;
            };
            if c.year.is_some() {
                return None;
            }
            let text = paras.get(m.span.paragraph)?.text;
            mentions.iter().find_map(|d| match &d.value {
                MentionValue::Date(v)
                    if !v.chrome
                        && d.span.paragraph == m.span.paragraph
                        && d.span.start >= m.span.end
                        && text
                            .get(m.span.end..d.span.start)
                            .is_some_and(|gap| gap.trim().is_empty() || gap.trim() == "pada") =>
                {
                    Some((i, v.date.year))
                }
                _ => None,
            })
        })
        .collect();
    for (i, year) in dated {
        if let MentionValue::ElectionCycle(c) = &mut mentions[i].value {
            c.year = Some(year);
        }
    }
    for &i in &cycle_mentions {
        if let MentionValue::ElectionCycle(c) = &mut mentions[i].value {
            if c.year.is_none() {
                // The same kind's year in the article, else the election of that kind the
                // publication date falls in, else any year in the article, else the
                // publication year.
                c.year = known
                    .iter()
                    .find(|k| k.kind == c.kind)
                    .and_then(|k| k.year)
                    .or_else(|| {
                        by_date
                            .iter()
                            .find(|k| k.kind == c.kind)
                            .and_then(|k| k.year)
                    })
                    .or(known.first().and_then(|k| k.year))
                    .or(published_year);
            }
        }
    }
    let mut cycles_list: Vec<ElectionCycle> = Vec::new();
    for &i in &cycle_mentions {
        if let MentionValue::ElectionCycle(c) = &mentions[i].value {
            if !cycles_list
                .iter()
                .any(|k| k.kind == c.kind && k.year == c.year)
            {
                cycles_list.push(ElectionCycle {
                    kind: c.kind,
                    sub: None,
                    year: c.year,
                });
            }
        }
    }
    let cycles_from = if !cycles_list.is_empty() {
        Some("explicit".to_string())
    } else if let Some(p) = &article.published {
        cycles_list = cycles::cycles_by_date(p.date);
        (!cycles_list.is_empty()).then(|| "by_date".to_string())
    } else {
        None
    };

    // Activities. An activity with no cycle in its sentence takes the article's first cycle
    // that the text does not mark as past (`pada Pemilu 2024 lalu ...` in a story about the
    // coming Pilkada); when every cycle named is past, the election the publication date
    // falls in; else the article's first cycle.
    let by_publication = || {
        let past: Vec<&ElectionCycle> = cycle_mentions
            .iter()
            .filter_map(|&i| match &mentions[i].value {
                MentionValue::ElectionCycle(c) => Some(c),
                _ => None,
            })
            .collect();
        article.published.as_ref().and_then(|p| {
            cycles::cycles_by_date(p.date)
                .into_iter()
                .find(|c| !past.iter().any(|k| k.kind == c.kind && k.year == c.year))
        })
    };
    let mut current_cycle: Option<ElectionCycle> = cycle_mentions
        .iter()
        .filter_map(|&i| {
            let m = &mentions[i];
            let MentionValue::ElectionCycle(c) = &m.value else {
                return None;
            };
            let after = paras.get(m.span.paragraph)?.text.get(m.span.end..)?;
            (!cycles::marked_past(after)).then_some(c)
        })
        .find_map(|c| {
            cycles_list
                .iter()
                .find(|k| k.kind == c.kind && k.year == c.year)
        })
        .cloned();
    if current_cycle.is_none() && !cycle_mentions.is_empty() {
        current_cycle = by_publication();
    }
    let current_cycle = current_cycle.or_else(|| cycles_list.first().cloned());
    let activity_mentions = activities_of(
        &paras,
        &mentions,
        &persons_out,
        primary,
        current_cycle.as_ref(),
    );
    mentions.extend(activity_mentions);

    sort_mentions(&mut mentions);
    ArticleFacts {
        article_id: article.id.clone(),
        mentions,
        persons: persons_out.persons,
        primary_region: primary.map(|r| geo::region_ref(r, RegionRole::Subject)),
        cycles: cycles_list,
        cycles_from,
    }
}

/// Mentions in order of paragraph, start, kind and end, equal keys in their order of creation
/// (the stable sort by that key). The keys are sorted with their indices, and each mention
/// then moved once along the cycles of the permutation: a mention is a large value, and the
/// sort itself would move it many times.
fn sort_mentions(mentions: &mut [Mention]) {
    let mut order: Vec<(usize, usize, MentionKind, usize, usize)> = mentions
        .iter()
        .enumerate()
        .map(|(i, m)| (m.span.paragraph, m.span.start, m.kind, m.span.end, i))
        .collect();
    order.sort_unstable();
    // Position `k` takes the mention now at `order[k].4`: follow each cycle once.
    let mut done = vec![false; mentions.len()];
    for start in 0..mentions.len() {
        if done[start] {
            continue;
        }
        let mut k = start;
        loop {
            done[k] = true;
            let from = order[k].4;
            if from == start {
                break;
            }
            mentions.swap(k, from);
            k = from;
        }
    }
}

fn paras_texts<'a>(paras: &'a [Para<'a>]) -> Vec<persons::ParaText<'a>> {
    paras
        .iter()
        .map(|p| persons::ParaText {
            text: p.text,
            sentences: &p.sentences,
            pronoun: Some(&p.gate),
        })
        .collect()
}

/// The region code of an office: the region written after the title, else (for local offices)
/// the article's primary region at the office's level.
fn office_region(h: &officials::OfficialHit, primary: Option<&'static Region>) -> Option<Label> {
    if let Some(r) = h.regions.first() {
        return Some(Label::Borrowed(r.region.code));
    }
    if h.scope != officials::Scope::Local {
        return None;
    }
    let p = primary?;
    match h.level {
        Some(RegionLevel::Province) => Some(Label::Borrowed(p.province_code)),
        Some(RegionLevel::Regency | RegionLevel::City) if p.level == RegionLevel::Province => None,
        _ => Some(Label::Borrowed(p.code)),
    }
}

/// Add a mention from a sentence-relative hit; false when the offsets are not valid.
#[allow(clippy::too_many_arguments)]
fn push_lexical(
    out: &mut Vec<Mention>,
    p: &Para<'_>,
    pi: usize,
    base: usize,
    start: usize,
    end: usize,
    value: MentionValue,
    rule: &'static str,
) -> bool {
    let (s, e) = (base + start, base + end);
    let Some(surface) = p.text.get(s..e) else {
        return false;
    };
    if s >= e {
        return false;
    }
    out.push(Mention {
        kind: value.kind(),
        text: surface.to_string(),
        span: Span::new(pi, s, e),
        value,
        evidence: p.evidence(s, e),
        rule: Label::Borrowed(rule),
    });
    true
}

/// What dates are anchored on: the publication date, and a year the article shows.
fn date_context(article: &Article) -> DateContext {
    let Some(p) = &article.published else {
        return DateContext::default();
    };
    let published = match p.source {
        PublishedSource::CopyrightYear => PartialDate::year(p.date.year),
        _ => p.date,
    };
    DateContext {
        published: Some(published),
        article_year: Some(p.date.year),
    }
}

/// The most frequent value, ties by first occurrence.
fn most_frequent(values: impl Iterator<Item = i32>) -> Option<i32> {
    let mut seen: Vec<(i32, usize)> = Vec::new();
    for v in values {
        match seen.iter_mut().find(|(x, _)| *x == v) {
            Some(e) => e.1 += 1,
            None => seen.push((v, 1)),
        }
    }
    let max = seen.iter().map(|e| e.1).max()?;
    seen.into_iter().find(|e| e.1 == max).map(|e| e.0)
}

/// The count role an activity type looks for first.
fn preferred_role(t: warta_core::ActivityType) -> Option<CountRole> {
    use warta_core::ActivityType as A;
    match t {
        A::Pledge | A::Signing => Some(CountRole::Pledgers),
        A::Violation => Some(CountRole::Violations),
        A::Sanction => Some(CountRole::Sanctioned),
        A::Socialization | A::CoordinationMeeting => Some(CountRole::Participants),
        _ => None,
    }
}

fn activities_of(
    paras: &[Para<'_>],
    mentions: &[Mention],
    linked: &persons::Linked,
    primary: Option<&'static Region>,
    first_cycle: Option<&ElectionCycle>,
) -> Vec<Mention> {
    let sentence_person = &linked.sentence_person;
    let mut out = Vec::new();
    for (pi, p) in paras.iter().enumerate() {
        for (si, s) in p.sentences.iter().enumerate() {
            let Some(st) = p.text.get(s.clone()) else {
                continue;
            };
            // The sentence before, in this paragraph or at the end of the one before.
            let before = match si.checked_sub(1) {
                Some(b) => Some((p, b)),
                None => pi
                    .checked_sub(1)
                    .and_then(|b| paras.get(b))
                    .and_then(|q| Some((q, q.sentences.len().checked_sub(1)?))),
            }
            .and_then(|(q, b)| Some((q.text.get(q.sentences.get(b)?.clone())?, q.gate.sets(b))));
            let hits = activities::find_keyed(
                st,
                p.gate.activity(si).unwrap_or(0),
                p.gate.activity_from(si, s.start),
                |rule| p.gate.activity_rule_from(si, rule),
                p.gate.sets(si),
                before,
            );
            if hits.is_empty() {
                continue;
            }
            let in_sentence = |m: &&Mention| {
                m.span.paragraph == pi && m.span.start >= s.start && m.span.end <= s.end
            };
            let local: Vec<&Mention> = mentions.iter().filter(in_sentence).collect();
            let person = sentence_person
                .get(pi)
                .and_then(|v| v.get(si))
                .copied()
                .flatten();
            // The office of the person the sentence is about, when it lies in another
            // province than the article's primary region (`Ketua Bawaslu Papua Barat Daya`
            // in an article whose primary region is in Maluku).
            let person_region = person
                .and_then(|i| linked.persons.get(i))
                .and_then(|p| p.region_code.as_deref())
                .filter(|code| primary.is_some_and(|r| code.get(..2) != Some(r.province_code)));
            let region_code = local
                .iter()
                .filter_map(|m| match &m.value {
                    MentionValue::Region(r) if r.role == RegionRole::Subject => Some(r),
                    _ => None,
                })
                .min_by_key(|r| r.level == RegionLevel::Province)
                .map(|r| r.code.clone())
                .or_else(|| person_region.map(|c| Label::Owned(c.to_string())))
                .or_else(|| primary.map(|r| Label::Borrowed(r.code)));
            // A date inside a cycle's mention (`Pilkada serentak 27 November 2024`) or right
            // after the words for voting (`hingga hari pemungutan suara pada 27 November`) is
            // the voting day, not the activity's.
            let voting_day = |d: &Mention| {
                local.iter().any(|c| {
                    c.kind == MentionKind::ElectionCycle
                        && c.span.start <= d.span.start
                        && d.span.end <= c.span.end
                }) || p
                    .text
                    .get(s.start..d.span.start)
                    .is_some_and(cycles::ends_with_voting_words)
            };
            let date = local.iter().find_map(|m| match &m.value {
                MentionValue::Date(d) if !d.chrome && !voting_day(m) => Some(d.date),
                _ => None,
            });
            let counts: Vec<&warta_core::CountValue> = local
                .iter()
                .filter_map(|m| match &m.value {
                    MentionValue::Count(c) => Some(c),
                    _ => None,
                })
                .collect();
            let cycle = local
                .iter()
                .find_map(|m| match &m.value {
                    MentionValue::ElectionCycle(c) => Some(c.clone()),
                    _ => None,
                })
                .or_else(|| first_cycle.cloned());
            for h in hits {
                let (a, b) = (s.start + h.range.start, s.start + h.range.end);
                // An activity the sentence goes on about (its subject named in the sentence
                // before) is the one named last of its type: with no date of its own, it
                // takes that one's, so that it is not counted as another event.
                let date = date.or_else(|| {
                    h.continued
                        .then(|| {
                            out.iter().rev().find_map(|m: &Mention| match &m.value {
                                MentionValue::Activity(x) if x.activity_type == h.activity_type => {
                                    x.date
                                }
                                _ => None,
                            })
                        })
                        .flatten()
                });
                let count = preferred_role(h.activity_type)
                    .and_then(|role| counts.iter().find(|c| c.role == role))
                    .or(counts.first())
                    .copied();
                let value = Activity {
                    activity_type: h.activity_type,
                    region_code: region_code.clone(),
                    date,
                    count: count.and_then(|c| c.value),
                    count_role: count.map(|c| c.role),
                    person,
                    cycle: cycle.clone(),
                };
                out.push(Mention {
                    kind: MentionKind::Activity,
                    text: p.text.get(a..b).unwrap_or("").to_string(),
                    span: Span::new(pi, a, b),
                    value: MentionValue::Activity(value),
                    evidence: p.evidence(a, b),
                    rule: Label::Borrowed(activities::rules().defs[h.rule].id.as_str()),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use warta_core::Paragraph;

    fn article(pars: &[&str]) -> Article {
        let mut a = Article::new("t");
        for (i, p) in pars.iter().enumerate() {
            a.paragraphs.push(Paragraph::new(i, *p, None));
        }
        a
    }

    fn official_keys(facts: &ArticleFacts) -> Vec<String> {
        facts
            .mentions
            .iter()
            .filter(|m| m.kind == MentionKind::Official)
            .map(|m| m.value.key())
            .collect()
    }

    #[test]
    fn official_rule_examples() {
        let mut failures = Vec::new();
        for ex in officials::examples() {
            let facts = extract(&article(&[&ex.text]));
            let got = official_keys(&facts);
            if got != ex.expect {
                failures.push(format!(
                    "{:?}\n  expected {:?}\n  found    {:?}",
                    ex.text, ex.expect, got
                ));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn local_office_takes_primary_region() {
        let facts = extract(&article(&[
            "Pemkab Kubar ikuti kegiatan Kampanye Virtual Gerakan Nasional Netralitas ASN.",
            "Plt Asisten III Ir H Achmad Sofyan MM didampingi Kepala Bidang Kompetensi dan Penilaian Kinerja Aparatur Efriza Ramadhani S STP menjelaskan aturan.",
        ]));
        assert_eq!(
            official_keys(&facts),
            vec![
                "Plt|Asisten III|64.07|Achmad Sofyan",
                "|Kepala Bidang Kompetensi dan Penilaian Kinerja Aparatur|64.07|Efriza Ramadhani"
            ]
        );
        let MentionValue::Official(o) = &facts
            .mentions
            .iter()
            .find(|m| m.kind == MentionKind::Official)
            .unwrap()
            .value
        else {
            unreachable!()
        };
        assert_eq!(o.honorifics, vec!["Ir", "H", "MM"]);
        assert_eq!(
            facts.primary_region.as_ref().map(|r| &*r.code),
            Some("64.07")
        );
    }

    #[test]
    fn degrees_after_a_stop_the_form_lacks() {
        let first_official = |text: &str| {
            extract(&article(&[text]))
                .mentions
                .into_iter()
                .find(|m| m.kind == MentionKind::Official)
                .expect("an official")
        };
        // `S.STP.` carries a stop of its own before the next degree.
        let official = first_official(
            "Apel dipimpin Pj. Bupati Banjar H. Mokhamad Hilman, S.STP., M.Si di halaman kantor. Hilman hadir.",
        );
        let MentionValue::Official(o) = &official.value else {
            unreachable!()
        };
        assert_eq!(o.honorifics, vec!["H", "S.STP", "M.Si"]);
        assert_eq!(
            official.text,
            "Pj. Bupati Banjar H. Mokhamad Hilman, S.STP., M.Si"
        );
        // A stop that ends the sentence after a degree is not part of the official.
        let official = first_official(
            "Acara dibuka Pj Sekda Sintang, Dani Putra, S.STP. Ia meminta ASN netral.",
        );
        assert_eq!(official.text, "Pj Sekda Sintang, Dani Putra, S.STP");
    }

    #[test]
    fn later_mentions_link_to_one_person() {
        let facts = extract(&article(&[
            "Plh Sekretaris Daerah Provinsi Kalimantan Barat, Alfian Salam, mengajak seluruh ASN netral.",
            "\"Netralitas harus dijaga,\" kata Alfian di Pontianak, Jumat.",
            "Alfian Salam, menyoroti peran penting Pemerintah Provinsi Kalimantan Barat.",
        ]));
        assert_eq!(facts.persons.len(), 1);
        assert_eq!(facts.persons[0].mentions.len(), 3);
        let pontianak = facts
            .mentions
            .iter()
            .find(|m| m.text == "Pontianak")
            .unwrap();
        let MentionValue::Region(r) = &pontianak.value else {
            unreachable!()
        };
        assert_eq!(r.role, RegionRole::Other);
        assert_eq!(facts.primary_region.as_ref().map(|r| &*r.code), Some("61"));
    }

    #[test]
    fn a_short_form_inside_another_name_is_not_the_person() {
        let facts = extract(&article(&[
            "Hadir Kapolres AKBP Budi Prasetya dan Pj Bupati Sarolangun, Budi Santosa.",
            "\"ASN wajib netral,\" kata Budi.",
            "Kepala BKPP Lotim, H. Lalu Muhammad Anwar, hadir. Menurut Lalu Anwar, ASN netral.",
        ]));
        let spans = |name: &str| -> Vec<(usize, usize)> {
            let p = facts.persons.iter().find(|p| p.name == name).unwrap();
            p.mentions
                .iter()
                .map(|sp| (sp.paragraph, sp.start))
                .collect()
        };
        // `Budi` of `Budi Prasetya` is not a mention of Budi Santosa; `kata Budi` is.
        let other = "Hadir Kapolres AKBP ".len();
        let budi = spans("Budi Santosa");
        assert_eq!(budi.len(), 2, "{budi:?}");
        assert!(!budi.contains(&(0, other)), "{budi:?}");
        // Parts of the same person's name still link (`Lalu` then `Anwar`).
        assert_eq!(spans("Lalu Muhammad Anwar").len(), 3);
    }

    #[test]
    fn a_dateline_kecamatan_gives_the_primary_region() {
        let with_dateline = |place: &str, text: &str| {
            let mut a = article(&[text]);
            a.dateline = Some(warta_core::Dateline {
                place: Some(place.to_string()),
                outlet: None,
                raw: format!("{place} -"),
            });
            extract(&a).primary_region.map(|r| r.code.to_string())
        };
        let text = "Ratusan ASN mengikuti apel netralitas di halaman kantor bupati.";
        assert_eq!(with_dateline("SUNGAILIAT", text).as_deref(), Some("19.01"));
        // A province named elsewhere rules out a kecamatan outside it.
        assert_eq!(
            with_dateline(
                "SUNGAILIAT",
                "ASN di Kalimantan Barat mengikuti apel netralitas."
            ),
            Some("61".to_string())
        );
        // A name two kecamatan share gives none.
        assert_eq!(with_dateline("MARTAPURA", text), None);
    }

    /// An activity with no cycle in its sentence takes the first cycle not marked as past;
    /// when every cycle named is past, the election the publication date falls before.
    #[test]
    fn activities_take_the_current_cycle() {
        let cycles_of = |pars: &[&str]| -> Vec<String> {
            let mut a = article(pars);
            a.published = Some(warta_core::Published {
                date: warta_core::PartialDate::day(2024, 8, 20),
                source: warta_core::PublishedSource::Metadata,
                confidence: 0.95,
            });
            extract(&a)
                .mentions
                .iter()
                .filter_map(|m| match &m.value {
                    MentionValue::Activity(x) => x.cycle.as_ref().map(|c| c.label()),
                    _ => None,
                })
                .collect()
        };
        let past = "Pada Pemilu 2024 lalu, dua ASN dijatuhi hukuman disiplin.";
        let now = "BKPSDM menggelar sosialisasi netralitas ASN di aula kantor bupati.";
        assert_eq!(cycles_of(&[past, now]), ["Pemilu 2024", "Pilkada 2024"]);
        assert_eq!(
            cycles_of(&[past, now, "Tahapan Pilkada 2024 sudah dimulai."]),
            ["Pemilu 2024", "Pilkada 2024"]
        );
        assert_eq!(
            cycles_of(&["Pada Pemilu 2024, dua ASN dijatuhi hukuman disiplin.", now]),
            ["Pemilu 2024", "Pemilu 2024"]
        );
    }

    #[test]
    fn a_date_right_after_a_cycle_dates_it() {
        let mut a = article(&[
            "Pj Gubernur menegaskan ASN harus netral dalam Pemilihan Kepala Daerah (Pilkada) serentak November mendatang.",
            "Pengalaman Pilgub Jatim 2018 harus jadi pelajaran.",
        ]);
        a.published = Some(warta_core::Published {
            date: warta_core::PartialDate::day(2024, 1, 15),
            source: warta_core::PublishedSource::Metadata,
            confidence: 0.95,
        });
        let years: Vec<(String, Option<i32>)> = extract(&a)
            .mentions
            .iter()
            .filter_map(|m| match &m.value {
                MentionValue::ElectionCycle(c) => Some((m.text.clone(), c.year)),
                _ => None,
            })
            .collect();
        assert_eq!(
            years,
            [
                (
                    "Pemilihan Kepala Daerah (Pilkada) serentak".to_string(),
                    Some(2024)
                ),
                ("Pilgub Jatim 2018".to_string(), Some(2018)),
            ]
        );
    }

    #[test]
    fn meeting_place_is_not_subject() {
        let facts = extract(&article(&[
            "Penjabat Bupati Barito Selatan, Kalimantan Tengah, Deddy Winarwan berkomitmen menjaga netralitas ASN.",
            "Deddy Winarwan baru saja menghadiri kegiatan rapat koordinasi yang berlangsung di Bali.",
        ]));
        assert_eq!(
            facts.primary_region.as_ref().map(|r| &*r.code),
            Some("62.04")
        );
        let bali = facts.mentions.iter().find(|m| m.text == "Bali").unwrap();
        let MentionValue::Region(r) = &bali.value else {
            unreachable!()
        };
        assert_eq!(r.role, RegionRole::Other);
        let act = facts
            .mentions
            .iter()
            .find(|m| m.kind == MentionKind::Activity)
            .unwrap();
        assert_eq!(act.value.key(), "coordination_meeting");
        let MentionValue::Activity(a) = &act.value else {
            unreachable!()
        };
        assert_eq!(a.person, Some(0));
        assert_eq!(a.region_code.as_deref(), Some("62.04"));
    }

    #[test]
    fn quoted_paragraph_takes_its_speaker() {
        let facts = extract(&article(&[
            "Kepala BKD Kaltim, Deni Sutrisno mengatakan ASN harus netral.",
            "“Kami terus melakukan pengawasan ketat terhadap ASN. Salah satunya sosialisasi,” terang Deni.",
        ]));
        let acts: Vec<Option<usize>> = facts
            .mentions
            .iter()
            .filter_map(|m| match &m.value {
                MentionValue::Activity(a) if m.span.paragraph == 1 => Some(a.person),
                _ => None,
            })
            .collect();
        assert_eq!(acts, vec![Some(0), Some(0)]);
    }

    #[test]
    fn nickname_and_second_role() {
        let a = article(&[
            "Plt Gubernur Kalimantan Timur Sumarsono membuka apel netralitas ASN.",
            "Soni - sapaan akrab Sumarsono - mengingatkan ASN agar tetap netral.",
            "Kepala Dinas PMPTSP Sumbar, Adi Wirawan, sebagai Pjs Bupati Solok Selatan meminta ASN netral.",
        ]);
        let facts = extract(&a);
        let soni = &facts.persons[0];
        assert_eq!(soni.name, "Sumarsono");
        let texts: Vec<&str> = soni.mentions.iter().filter_map(|s| s.slice(&a)).collect();
        assert!(texts.contains(&"Soni"), "{texts:?}");
        // One person holding two offices.
        let adi: Vec<&Mention> = facts
            .mentions
            .iter()
            .filter(|m| matches!(&m.value, MentionValue::Official(o) if o.name.as_deref() == Some("Adi Wirawan")))
            .collect();
        assert_eq!(adi.len(), 2);
        assert_eq!(
            facts
                .persons
                .iter()
                .filter(|p| p.name == "Adi Wirawan")
                .count(),
            1
        );
    }

    #[test]
    fn a_relative_day_after_a_date_is_part_of_it() {
        let dates = |text: &str| -> Vec<String> {
            let mut a = article(&[text]);
            a.published = Some(warta_core::Published {
                date: warta_core::PartialDate::day(2024, 3, 5),
                source: warta_core::PublishedSource::Metadata,
                confidence: 0.95,
            });
            extract(&a)
                .mentions
                .iter()
                .filter(|m| m.kind == MentionKind::Date)
                .map(|m| m.text.clone())
                .collect()
        };
        assert_eq!(
            dates("Pemilu 14 Februari kemarin sudah lewat, kata Sumarno."),
            ["14 Februari"]
        );
        assert_eq!(dates("Rapat digelar Rabu (6/3) lusa."), ["Rabu (6/3)"]);
        // A relative week says which week the weekday falls in: both are kept.
        assert_eq!(
            dates("Keduanya berorasi pada Selasa pekan lalu."),
            ["Selasa", "pekan lalu"]
        );
        // Apart from a date, a relative day is a date.
        assert_eq!(dates("Apel digelar kemarin."), ["kemarin"]);
    }

    #[test]
    fn total_on_odd_text() {
        for t in [
            "",
            " ",
            "Bupati",
            "Kepala (",
            "Pj Bupati (Pjs",
            "Menteri ,",
            "é Plt Kepala BKN, É",
            "\u{a0}Ketua Bawaslu Kaltim,",
        ] {
            let facts = extract(&article(&[t]));
            for m in &facts.mentions {
                assert_eq!(m.span.slice(&article(&[t])), Some(m.text.as_str()));
            }
        }
    }
}
