//! Composing one generated article: a story (recombined, substituted paragraphs) rendered in
//! the page shape of an outlet, with the boilerplate that outlet's pages carry.

use std::fmt::Write as _;

use super::rng::Rng;
use super::source::{
    lists, month_name, Level, NameForm, Part, Region, RegionForm, Regions, SourceArticle, Template,
    WEEKDAYS,
};

/// The rates the generator draws from. They follow what the bundled articles and the domain
/// notes show of real coverage; they are stated here so the benchmark numbers can be read
/// against them.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Rates {
    /// Share of articles that are light rewrites of an earlier article (another outlet's copy:
    /// paragraph order changed, a sentence dropped, `(Ant)` credit added).
    pub syndicated: f64,
    /// Share of articles that are the same page again with other line breaks (AMP copy).
    pub same_page: f64,
    /// Outlet shares: ANTARA, Tribun, government press, other.
    pub outlets: [f64; 4],
    /// ANTARA: share with the web header block (title, keywords line, caption, dateline line,
    /// NBSP separator lines).
    pub antara_header: f64,
    /// ANTARA without header: share carrying the body twice (body, copyright, paragraphs 2..n).
    pub antara_repeated_body: f64,
    /// Of repeated bodies: share whose repeat is cut short inside the last paragraph.
    pub repeat_truncated: f64,
    /// Of repeated bodies: share whose repeat changes one word in one paragraph.
    pub repeat_near: f64,
    /// ANTARA / Tribun: share with `Baca juga:` lines.
    pub antara_crosslinks: f64,
    pub tribun_crosslinks: f64,
    /// Tribun: share with the related-article list (`Title |`, `![]() |`, `---|`).
    pub tribun_related: f64,
    /// Paragraphs per story (inclusive range).
    pub paragraphs: (u32, u32),
    /// Chance that a sentence of a body paragraph is the one its source paragraph has in that
    /// place (else a sentence of any source article).
    pub same_source: f64,
    /// Chance that a sentence ends before a trailing clause (`..., sehingga ...`), as a
    /// reporter's shorter version of a press-release sentence does.
    pub clause_cut: f64,
    /// Chance that a cut sentence goes on with the trailing clause of another sentence
    /// (`Apel diikuti 800 ASN, sehingga ...` with the `sehingga` clause of another source).
    pub clause_splice: f64,
}

impl Default for Rates {
    fn default() -> Self {
        Rates {
            syndicated: 0.08,
            same_page: 0.02,
            outlets: [0.45, 0.25, 0.20, 0.10],
            antara_header: 0.40,
            antara_repeated_body: 0.35,
            repeat_truncated: 0.25,
            repeat_near: 0.20,
            antara_crosslinks: 0.50,
            tribun_crosslinks: 0.70,
            tribun_related: 0.80,
            paragraphs: (7, 14),
            same_source: 0.30,
            clause_cut: 0.9,
            clause_splice: 0.9,
        }
    }
}

/// Who published an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outlet {
    Antara,
    Tribun,
    GovPress,
    Other,
}

impl Outlet {
    pub fn as_str(self) -> &'static str {
        match self {
            Outlet::Antara => "antara",
            Outlet::Tribun => "tribun",
            Outlet::GovPress => "government_press",
            Outlet::Other => "other",
        }
    }
}

/// How an article relates to the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Original,
    /// A light rewrite of article `of`.
    Syndicated {
        of: u64,
    },
    /// The page of article `of` again, with other line breaks.
    SamePage {
        of: u64,
    },
}

/// One generated article.
#[derive(Debug, Clone)]
pub struct Doc {
    pub index: u64,
    pub id: String,
    pub url: String,
    pub text: String,
    pub outlet: Outlet,
    pub origin: Origin,
    pub repeated_body: bool,
    /// The original a copy goes back to (the article itself for an original).
    pub original: u64,
}

/// Everything needed to generate article `i` of a corpus, as a pure function of `(seed, i)`.
pub struct Composer {
    pub seed: u64,
    pub rates: Rates,
    sources: Vec<SourceArticle>,
    regions: Regions,
    /// Non-lead paragraphs of all sources: (article, paragraph).
    pool: Vec<(u32, u32)>,
    /// Sentences a body paragraph can take: (article, paragraph, sentence), all but the first
    /// sentence of each lead.
    sentence_pool: Vec<(u32, u32, u32)>,
    /// Sentences of the pool that have a trailing clause outside quotations, inside a straight
    /// quotation, inside a curly one (as [`Quote`] numbers them), for splicing.
    tails: [Vec<(u32, u32, u32)>; 3],
}

/// Sentences per body paragraph at most (longer source paragraphs give their shape up to this).
const MAX_SENTENCES: usize = 4;

/// What filling the slots of one story needs: its region, year and the people met so far.
struct Fill<'a> {
    /// Persons by (source article, slot).
    people: Vec<((u32, u8), Person)>,
    reg: &'a Region,
    prov: &'a Region,
    reg_alias: &'a str,
    prov_alias: &'a str,
    year: i32,
}

/// Writes template parts of source article `a` with the story's values in the slots.
fn fill_parts(parts: &[Part], a: u32, f: &mut Fill<'_>, rng: &mut Rng, out: &mut String) {
    let lists = lists();
    for part in parts {
        match part {
            Part::Lit(s) => out.push_str(s),
            Part::Choice { group, cap } => {
                let alts = &lists.phrases[usize::from(*group)];
                let alt = rng.pick(alts).trim_start_matches('~');
                if *cap {
                    let mut cs = alt.chars();
                    if let Some(c) = cs.next() {
                        out.extend(c.to_uppercase());
                        out.push_str(cs.as_str());
                    }
                } else {
                    out.push_str(alt);
                }
            }
            Part::Person { slot, form } => {
                let key = (a, *slot);
                let idx = match f.people.iter().position(|(k, _)| *k == key) {
                    Some(i) => i,
                    None => {
                        let mut words =
                            vec![*rng.pick(&lists.first_names), *rng.pick(&lists.last_names)];
                        if rng.chance(0.2) {
                            words.insert(1, *rng.pick(&lists.first_names));
                        }
                        f.people.push((key, Person { words }));
                        f.people.len() - 1
                    }
                };
                let words = &f.people[idx].1.words;
                match form {
                    NameForm::Full => {
                        for (k, w) in words.iter().enumerate() {
                            if k > 0 {
                                out.push(' ');
                            }
                            out.push_str(w);
                        }
                    }
                    NameForm::Word(k) => out.push_str(words[usize::from(*k).min(words.len() - 1)]),
                }
            }
            Part::Region { level, form } => {
                let s: &str = match (level, form) {
                    (Level::Regency, RegionForm::Full) => &f.reg.name,
                    (Level::Regency, RegionForm::Short) => &f.reg.short,
                    (Level::Regency, RegionForm::Alias) => f.reg_alias,
                    (Level::Province, RegionForm::Alias) => f.prov_alias,
                    (Level::Province, _) => &f.prov.name,
                };
                out.push_str(s);
            }
            Part::Number { digits, grouped } => push_number(out, rng, *digits, *grouped),
            Part::DateParen {
                weekday: wd,
                year,
                two_digit_year,
            } => {
                let y = year.map(|_| f.year);
                let m = rng.range(1, 12) as u8;
                let d = rng.range(1, u32::from(days_in_month(y.unwrap_or(2024), m))) as u8;
                if *wd {
                    let name = match y {
                        Some(y) => WEEKDAYS[weekday(y, m, d)],
                        None => *rng.pick(&WEEKDAYS),
                    };
                    out.push_str(name);
                    out.push(' ');
                }
                let _ = match y {
                    Some(y) if *two_digit_year => write!(out, "({d}/{m}/{:02})", y % 100),
                    Some(y) => write!(out, "({d}/{m}/{y})"),
                    None => write!(out, "({d}/{m})"),
                };
            }
            Part::DayMonth { day, month, year } => {
                let d = if ELECTION_DAYS.contains(&(*day, *month)) {
                    *day
                } else {
                    rng.range(1, 28) as u8
                };
                let _ = write!(out, "{d} {}", month_name(*month));
                if let Some(y) = year {
                    let _ = write!(out, " {y}");
                }
            }
        }
    }
}

struct Cycle {
    name: &'static str,
    year: i32,
    weight: u32,
}

const CYCLES: &[Cycle] = &[
    Cycle {
        name: "Pemilu 2024",
        year: 2024,
        weight: 35,
    },
    Cycle {
        name: "Pilkada serentak 2024",
        year: 2024,
        weight: 30,
    },
    Cycle {
        name: "Pilkada 2020",
        year: 2020,
        weight: 20,
    },
    Cycle {
        name: "Pemilu 2019",
        year: 2019,
        weight: 10,
    },
    Cycle {
        name: "Pilkada serentak 2018",
        year: 2018,
        weight: 5,
    },
];

/// Election days (day, month): kept as written when a template carries them.
const ELECTION_DAYS: &[(u8, u8)] = &[
    (14, 2),
    (27, 11),
    (9, 12),
    (17, 4),
    (9, 4),
    (9, 7),
    (15, 2),
    (27, 6),
];

struct Person {
    words: Vec<&'static str>,
}

/// A story before rendering: region, cycle, headline and substituted paragraphs.
struct Story {
    unit: usize,
    outlet: Outlet,
    year: i32,
    cycle: &'static str,
    headline: String,
    paragraphs: Vec<String>,
    /// Used for bylines and quotes in boilerplate.
    people: Vec<String>,
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Day of the week (0 = Sunday) by Howard Hinnant's days-from-civil.
fn weekday(year: i32, month: u8, day: u8) -> usize {
    let y = if month <= 2 { year - 1 } else { year } as i64;
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    (days + 4).rem_euclid(7) as usize
}

fn push_number(out: &mut String, rng: &mut Rng, digits: u8, grouped: bool) {
    let digits = digits.clamp(1, 9);
    let mut n: u64 = rng.range(1, 9).into();
    for _ in 1..digits {
        n = n * 10 + u64::from(rng.range(0, 9));
    }
    if grouped && n >= 1000 {
        let s = n.to_string();
        let head = s.len() % 3;
        for (k, c) in s.chars().enumerate() {
            if k > 0 && (k + 3 - head) % 3 == 0 {
                out.push('.');
            }
            out.push(c);
        }
    } else {
        let _ = write!(out, "{n}");
    }
}

fn slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len().min(80));
    for c in s.chars().flat_map(char::to_lowercase) {
        if out.len() >= 80 {
            break;
        }
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

fn fill_placeholders(
    t: &str,
    official: &str,
    regency: &str,
    province: &str,
    cycle: &str,
    rng: &mut Rng,
) -> String {
    let mut out = String::with_capacity(t.len() + 40);
    let mut rest = t;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        match &rest[open + 1..open + close] {
            "official" => out.push_str(official),
            "regency" => out.push_str(regency),
            "province" => out.push_str(province),
            "cycle" => out.push_str(cycle),
            "n" => {
                let digits = rng.range(2, 4) as u8;
                push_number(&mut out, rng, digits, true);
            }
            other => out.push_str(other),
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

impl Composer {
    pub fn new(seed: u64, rates: Rates, sources: Vec<SourceArticle>, regions: Regions) -> Composer {
        let pool = sources
            .iter()
            .enumerate()
            .flat_map(|(a, s)| (1..s.paragraphs.len()).map(move |p| (a as u32, p as u32)))
            .collect();
        let sentence_pool = sources
            .iter()
            .enumerate()
            .flat_map(|(a, s)| {
                s.paragraphs.iter().enumerate().flat_map(move |(p, t)| {
                    let first = usize::from(p == 0);
                    (first..t.sentences.len()).map(move |k| (a as u32, p as u32, k as u32))
                })
            })
            .collect();
        let mut c = Composer {
            seed,
            rates,
            sources,
            regions,
            pool,
            sentence_pool,
            tails: Default::default(),
        };
        // One rendering tells whether a sentence has a trailing clause of each kind (the slot
        // values do not change where its clauses start).
        let mut tails: [Vec<(u32, u32, u32)>; 3] = Default::default();
        if let Some(&unit) = c.regions.units.first() {
            let reg = &c.regions.all[unit];
            let prov = &c.regions.all[reg.province];
            let mut rng = Rng::new(seed);
            let mut text = String::new();
            for &(a, p, s) in &c.sentence_pool {
                let mut f = Fill {
                    people: Vec::new(),
                    reg,
                    prov,
                    reg_alias: &reg.short,
                    prov_alias: &prov.name,
                    year: 2024,
                };
                text.clear();
                let t = &c.sources[a as usize].paragraphs[p as usize];
                fill_parts(t.sentence(s as usize), a, &mut f, &mut rng, &mut text);
                let mut kinds = [false; 3];
                for (_, q) in clause_cuts(&text, 4) {
                    kinds[q as usize] = true;
                }
                for (k, list) in tails.iter_mut().enumerate() {
                    if kinds[k] {
                        list.push((a, p, s));
                    }
                }
            }
        }
        c.tails = tails;
        c
    }

    pub fn sources(&self) -> &[SourceArticle] {
        &self.sources
    }

    /// How article `i` relates to earlier ones.
    pub fn origin(&self, i: u64) -> Origin {
        if i == 0 {
            return Origin::Original;
        }
        let mut rng = Rng::for_item(self.seed, i, 2);
        let x = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        // Copies point back at most 5000 articles, as a syndicated story runs within days.
        let back = 1 + rng.below(i.min(5000) as usize) as u64;
        if x < self.rates.syndicated {
            Origin::Syndicated { of: i - back }
        } else if x < self.rates.syndicated + self.rates.same_page {
            Origin::SamePage { of: i - back }
        } else {
            Origin::Original
        }
    }

    /// The original article a copy goes back to.
    fn root(&self, mut i: u64) -> u64 {
        loop {
            match self.origin(i) {
                Origin::Original => return i,
                Origin::Syndicated { of } | Origin::SamePage { of } => i = of,
            }
        }
    }

    fn region(&self, i: usize) -> &Region {
        &self.regions.all[i]
    }

    fn pick_outlet(&self, rng: &mut Rng) -> Outlet {
        let x = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        let o = &self.rates.outlets;
        if x < o[0] {
            Outlet::Antara
        } else if x < o[0] + o[1] {
            Outlet::Tribun
        } else if x < o[0] + o[1] + o[2] {
            Outlet::GovPress
        } else {
            Outlet::Other
        }
    }

    fn story(&self, j: u64) -> Story {
        let mut rng = Rng::for_item(self.seed, j, 0);
        let lists = lists();
        let outlet = self.pick_outlet(&mut rng);
        let unit = *rng.pick(&self.regions.units);
        let total: u32 = CYCLES.iter().map(|c| c.weight).sum();
        let mut w = rng.range(0, total - 1);
        let cycle = CYCLES
            .iter()
            .find(|c| {
                if w < c.weight {
                    true
                } else {
                    w -= c.weight;
                    false
                }
            })
            .unwrap_or(&CYCLES[0]);
        // Alias choices are fixed per story so one story writes a region one way.
        let reg = self.region(unit);
        let prov = self.region(reg.province);
        let reg_alias = if reg.aliases.is_empty() {
            reg.short.clone()
        } else {
            rng.pick(&reg.aliases).clone()
        };
        let prov_alias = if prov.aliases.is_empty() {
            prov.name.clone()
        } else {
            rng.pick(&prov.aliases).clone()
        };

        // The plan: per paragraph, the sentences (source, paragraph, sentence) it is made of.
        // The lead is the lead paragraph of one source; every other paragraph takes the shape
        // (sentence count) of a random source paragraph and fills it with its own sentences
        // (`same_source`) or with sentences of any source, so that two unrelated stories share
        // a sentence rarely, as independent reports do.
        let src_i = rng.below(self.sources.len());
        let lead = &self.sources[src_i].paragraphs[0];
        let (lo, hi) = self.rates.paragraphs;
        let n = rng.range(lo, hi) as usize;
        let mut plan: Vec<Vec<(u32, u32, u32)>> = vec![(0..lead.sentences.len())
            .map(|s| (src_i as u32, 0, s as u32))
            .collect()];
        let mut used: Vec<(u32, u32, u32)> = plan[0].clone();
        let mut attempts = 0;
        while plan.len() < n && attempts < 8 * n {
            attempts += 1;
            let (a, p) = *rng.pick(&self.pool);
            let shape = &self.sources[a as usize].paragraphs[p as usize];
            let mut para = Vec::with_capacity(shape.sentences.len());
            for s in 0..shape.sentences.len().min(MAX_SENTENCES) {
                let mut cand = if rng.chance(self.rates.same_source) {
                    (a, p, s as u32)
                } else {
                    *rng.pick(&self.sentence_pool)
                };
                for _ in 0..4 {
                    if !used.contains(&cand) {
                        break;
                    }
                    cand = *rng.pick(&self.sentence_pool);
                }
                if !used.contains(&cand) {
                    used.push(cand);
                    para.push(cand);
                }
            }
            if !para.is_empty() {
                plan.push(para);
            }
        }
        let mut fill = Fill {
            people: Vec::new(),
            reg,
            prov,
            reg_alias: &reg_alias,
            prov_alias: &prov_alias,
            year: cycle.year,
        };
        let mut paragraphs = Vec::with_capacity(plan.len());
        for para in &plan {
            let mut out = String::with_capacity(para.len() * 160);
            for (k, &(a, p, s)) in para.iter().enumerate() {
                if k > 0 {
                    out.push(' ');
                }
                let t: &Template = &self.sources[a as usize].paragraphs[p as usize];
                let mut sentence = String::with_capacity(t.len);
                fill_parts(
                    t.sentence(s as usize),
                    a,
                    &mut fill,
                    &mut rng,
                    &mut sentence,
                );
                if rng.chance(self.rates.clause_cut) {
                    self.vary_sentence(&mut sentence, 0, &mut fill, &mut rng, 0);
                }
                out.push_str(&sentence);
            }
            paragraphs.push(out);
        }
        let people = fill.people;
        let official = *rng.pick(&lists.officials);
        let template = *rng.pick(&lists.headlines);
        let headline = fill_placeholders(
            template,
            official,
            &reg.short,
            &prov_alias,
            cycle.name,
            &mut rng,
        );
        let names = people.iter().map(|(_, p)| p.words.join(" ")).collect();
        Story {
            unit,
            outlet,
            year: cycle.year,
            cycle: cycle.name,
            headline,
            paragraphs,
            people: names,
        }
    }

    /// Cuts `sentence` before one of its trailing clauses (at or after byte `min_at`) and, as
    /// `clause_splice` says, goes on with the trailing clause of a random sentence of any
    /// source instead (a clause inside a quotation goes on with a clause inside another
    /// quotation, so the quotation closes with that one). A cut inside a quotation that finds
    /// no clause to go on with is undone.
    fn vary_sentence(
        &self,
        sentence: &mut String,
        min_at: usize,
        fill: &mut Fill<'_>,
        rng: &mut Rng,
        depth: u32,
    ) {
        let cuts: Vec<(usize, Quote)> = clause_cuts(sentence, 5)
            .into_iter()
            .filter(|c| c.0 >= min_at)
            .collect();
        if cuts.is_empty() {
            return;
        }
        // The first cut most often: the less of the source sentence is kept, the less two
        // stories that drew it share.
        let (at, quoted) = cuts[if rng.chance(0.5) {
            0
        } else {
            rng.below(cuts.len())
        }];
        if rng.chance(self.rates.clause_splice) {
            let mut other = String::with_capacity(256);
            let candidates = &self.tails[quoted as usize];
            for _ in 0..if candidates.is_empty() { 0 } else { 3 } {
                let (a, p, s) = *rng.pick(candidates);
                let t = &self.sources[a as usize].paragraphs[p as usize];
                other.clear();
                fill_parts(t.sentence(s as usize), a, fill, rng, &mut other);
                let tails: Vec<usize> = clause_cuts(&other, 4)
                    .into_iter()
                    .filter(|c| c.1 == quoted)
                    .map(|c| c.0)
                    .collect();
                if tails.is_empty() {
                    continue;
                }
                let from = tails[rng.below(tails.len())];
                sentence.truncate(at);
                sentence.push_str(&other[from..]);
                // Now and then the new clause is cut and continued once more.
                if depth < 2 && rng.chance(0.4) {
                    self.vary_sentence(sentence, at + 2, fill, rng, depth + 1);
                }
                return;
            }
        }
        if quoted == Quote::None {
            sentence.truncate(at);
            sentence.push('.');
        }
    }

    fn random_name(rng: &mut Rng) -> String {
        let l = lists();
        format!("{} {}", rng.pick(&l.first_names), rng.pick(&l.last_names))
    }

    fn crosslink(&self, story: &Story, rng: &mut Rng) -> String {
        let l = lists();
        let reg = self.region(story.unit);
        let prov = self.region(reg.province);
        let prov_alias = prov.aliases.first().unwrap_or(&prov.name);
        let template = *rng.pick(&l.crosslinks);
        let official = *rng.pick(&l.officials);
        fill_placeholders(template, official, &reg.short, prov_alias, story.cycle, rng)
    }

    fn dateline_place(&self, story: &Story, rng: &mut Rng) -> String {
        let reg = self.region(story.unit);
        if !reg.aliases.is_empty() && rng.chance(0.4) {
            rng.pick(&reg.aliases).clone()
        } else {
            reg.short.clone()
        }
    }

    /// Writes a story in its outlet's page shape.
    fn render(&self, story: &Story, rng: &mut Rng, out: &mut String) -> bool {
        let r = &self.rates;
        let reg = self.region(story.unit);
        let prov = self.region(reg.province);
        let paras = &story.paragraphs;
        let mut repeated = false;
        match story.outlet {
            Outlet::Antara => {
                let place = self.dateline_place(story, rng);
                let copyright = if rng.chance(0.7) {
                    format!("COPYRIGHT © ANTARA News {} {}", prov.name, story.year)
                } else {
                    format!("COPYRIGHT © ANTARA {}", story.year)
                };
                if rng.chance(r.antara_header) {
                    let kw = format!(
                        "id pemkab {}, {}, netralitas asn, aparatur sipil negara, {}",
                        reg.short.to_lowercase(),
                        story
                            .people
                            .first()
                            .map(|p| p.to_lowercase())
                            .unwrap_or_else(|| "bupati".into()),
                        story.cycle.to_lowercase()
                    );
                    let _ = write!(out, "{}\n\n{kw}\n\n{}\n\n", story.headline, story.headline);
                    let who = story
                        .people
                        .first()
                        .cloned()
                        .unwrap_or_else(|| Self::random_name(rng));
                    let _ = write!(
                        out,
                        "{who} (tengah) saat menghadiri kegiatan di {}, {}. (ANTARA/{})\n\n{place} (ANTARA) -\n",
                        reg.short,
                        WEEKDAYS[rng.below(7)],
                        if rng.chance(0.5) { "Dokumentasi Pribadi".to_string() } else { format!("HO-Humas Pemkab {}", reg.short) }
                    );
                    let link_at = if rng.chance(r.antara_crosslinks) {
                        2 + rng.below(paras.len().max(3) - 2)
                    } else {
                        usize::MAX
                    };
                    for (k, p) in paras.iter().enumerate() {
                        if k > 0 {
                            out.push_str("\n\u{a0}\n");
                        }
                        if k == link_at {
                            let _ = write!(
                                out,
                                "\nBaca juga: {}\n\u{a0}\n",
                                self.crosslink(story, rng)
                            );
                        }
                        out.push_str(p);
                    }
                    for _ in 0..rng.range(0, 3) {
                        let _ = write!(out, "\n\nBaca juga: {}", self.crosslink(story, rng));
                    }
                } else {
                    let dateline = rng.chance(0.7);
                    let links = if rng.chance(r.antara_crosslinks) {
                        rng.range(1, 2)
                    } else {
                        0
                    };
                    let mut body = String::with_capacity(
                        paras.iter().map(|p| p.len() + 1).sum::<usize>() + 200,
                    );
                    for (k, p) in paras.iter().enumerate() {
                        if k == 0 && dateline {
                            let _ = write!(body, "{place} (ANTARA) - ");
                        }
                        body.push_str(p);
                        body.push('\n');
                        if links > 0 && k + 1 == paras.len() / 2 {
                            for _ in 0..links {
                                let _ = writeln!(body, "Baca juga: {}", self.crosslink(story, rng));
                            }
                        }
                    }
                    out.push_str(&body);
                    if rng.chance(0.4) {
                        let _ = writeln!(
                            out,
                            "Pewarta: {} Editor: {}",
                            Self::random_name(rng),
                            Self::random_name(rng)
                        );
                    }
                    out.push_str(&copyright);
                    if paras.len() > 2 && rng.chance(r.antara_repeated_body) {
                        repeated = true;
                        out.push('\n');
                        let near = if rng.chance(r.repeat_near) {
                            1 + rng.below(paras.len() - 1)
                        } else {
                            0
                        };
                        let cut = rng.chance(r.repeat_truncated);
                        for (k, p) in paras.iter().enumerate().skip(1) {
                            let last = k + 1 == paras.len();
                            if last && cut {
                                let mut at = p.len() * (30 + rng.below(50)) / 100;
                                while !p.is_char_boundary(at) {
                                    at -= 1;
                                }
                                out.push_str(&p[..at]);
                                out.push('\n');
                                break;
                            }
                            if k == near {
                                // Drop one word from the middle of the paragraph.
                                let mut words: Vec<&str> = p.split(' ').collect();
                                if words.len() > 2 {
                                    words.remove(words.len() / 2);
                                }
                                out.push_str(&words.join(" "));
                            } else {
                                out.push_str(p);
                            }
                            out.push('\n');
                        }
                        if !cut {
                            out.push_str(&copyright);
                        }
                    }
                }
            }
            Outlet::Tribun => {
                let site = prov
                    .aliases
                    .iter()
                    .find(|a| a.len() <= 8 && !a.contains(' '))
                    .map(|a| format!("TRIBUN{}.COM", a.to_uppercase()))
                    .unwrap_or_else(|| "TRIBUNNEWS.COM".to_string());
                if rng.chance(0.8) {
                    let prov_alias = prov.aliases.first().unwrap_or(&prov.name);
                    let kind = story.cycle.split(' ').next().unwrap_or("Pemilu");
                    let _ = writeln!(out, "{kind} {prov_alias} {}", story.year);
                }
                let _ = writeln!(out, "{}", story.headline);
                if rng.chance(0.7) {
                    let lead = &paras[0];
                    let first = lead
                        .split(". ")
                        .next()
                        .unwrap_or(lead)
                        .trim_end_matches('.');
                    let _ = writeln!(out, "{first}");
                }
                let _ = writeln!(
                    out,
                    "Penulis: {} | Editor: {}",
                    Self::random_name(rng),
                    Self::random_name(rng)
                );
                let place = self.dateline_place(story, rng).to_uppercase();
                let links = if rng.chance(r.tribun_crosslinks) {
                    rng.range(1, 2)
                } else {
                    0
                };
                let link_at = 2 + rng.below(3);
                for (k, p) in paras.iter().enumerate() {
                    if k == 0 {
                        let _ = write!(out, "{site}, {place} - ");
                    }
                    curly_quotes(p, out);
                    out.push('\n');
                    if k == link_at {
                        for _ in 0..links {
                            let _ = writeln!(out, "Baca juga: {}", self.crosslink(story, rng));
                        }
                    }
                }
                if rng.chance(r.tribun_related) {
                    for _ in 0..rng.range(3, 6) {
                        let _ = write!(out, "{} |\n![]() |\n---|\n", self.crosslink(story, rng));
                    }
                }
                if rng.chance(0.9) {
                    out.push_str("Isi komentar sepenuhnya adalah tanggung jawab pengguna dan diatur dalam UU ITE.");
                }
            }
            Outlet::GovPress => {
                if rng.chance(0.7) {
                    let _ = writeln!(
                        out,
                        "Berita {} {}",
                        if reg.name.starts_with("Kota") {
                            "Pemkot"
                        } else {
                            "Pemkab"
                        },
                        reg.short
                    );
                }
                let _ = writeln!(out, "{}", story.headline);
                if rng.chance(0.5) {
                    let _ = writeln!(
                        out,
                        "ASN diminta menjaga netralitas menjelang {}",
                        story.cycle
                    );
                }
                if rng.chance(0.3) {
                    let _ = writeln!(
                        out,
                        "Suasana apel di halaman kantor bupati. (Dok. Humas Pemkab {})",
                        reg.short
                    );
                }
                let dateline = rng.chance(0.8);
                let place = self.dateline_place(story, rng).to_uppercase();
                let signoff = rng.chance(0.7);
                for (k, p) in paras.iter().enumerate() {
                    if k == 0 && dateline {
                        let _ = write!(out, "{place} - ");
                    }
                    out.push_str(p);
                    if k + 1 == paras.len() {
                        if signoff {
                            let a = (b'a' + rng.below(26) as u8) as char;
                            let b = (b'A' + rng.below(26) as u8) as char;
                            let _ = write!(out, " (hms{}{a}/ NA{b})", rng.range(1, 20));
                        }
                    } else {
                        out.push('\n');
                    }
                }
            }
            Outlet::Other => {
                if rng.chance(0.5) {
                    let m = rng.range(1, 12) as u8;
                    let _ = writeln!(
                        out,
                        "{}, {} {}, {}",
                        WEEKDAYS[rng.below(7)],
                        month_name(m),
                        rng.range(1, 28),
                        story.year + rng.range(0, 2) as i32
                    );
                }
                let _ = write!(out, "{}\n\n", story.headline);
                let crlf = rng.chance(0.3);
                let nbsp = if rng.chance(0.1) {
                    rng.below(paras.len())
                } else {
                    usize::MAX
                };
                for (k, p) in paras.iter().enumerate() {
                    if k > 0 {
                        out.push_str(if crlf { "\r\n\r\n" } else { "\n\n" });
                    }
                    if rng.chance(0.05) {
                        // Mis-decoded bytes after a word, as in scraped pages.
                        out.push_str(&p.replacen(", ", "Â , ", 1));
                    } else {
                        out.push_str(p);
                    }
                    if k == nbsp {
                        out.push_str("&nbsp;");
                    }
                }
            }
        }
        repeated
    }

    /// Rewrites a story as another outlet's copy.
    fn rewrite(&self, mut story: Story, rng: &mut Rng) -> Story {
        story.outlet = self.pick_outlet(rng);
        let n = story.paragraphs.len();
        if n > 3 && rng.chance(0.8) {
            let k = 1 + rng.below(n - 2);
            story.paragraphs.swap(k, k + 1);
        }
        if rng.chance(0.7) {
            if let Some(p) = story
                .paragraphs
                .iter_mut()
                .skip(1)
                .find(|p| sentences(p).len() >= 2)
            {
                let sentences = sentences(p);
                let drop = rng.below(sentences.len());
                let kept: String = sentences
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != drop)
                    .map(|(_, s)| *s)
                    .collect();
                *p = kept.trim_end().to_string();
            }
        }
        if rng.chance(0.6) {
            if let Some(last) = story.paragraphs.last_mut() {
                last.push_str(" (Ant)");
            }
        }
        story
    }

    /// The body paragraphs of article `i` as composed, before page rendering: the story of
    /// an original, the rewritten story of a syndicated copy, the story of a same-page copy.
    pub fn body(&self, i: u64) -> Vec<String> {
        match self.origin(i) {
            Origin::Original => self.story(i).paragraphs,
            Origin::Syndicated { of } => {
                self.rewrite(
                    self.story(self.root(of)),
                    &mut Rng::for_item(self.seed, i, 3),
                )
                .paragraphs
            }
            Origin::SamePage { of } => self.story(self.root(of)).paragraphs,
        }
    }

    /// The original article a copy goes back to (`i` itself for an original).
    pub fn original_of(&self, i: u64) -> u64 {
        self.root(i)
    }

    /// Generates article `i`.
    pub fn article(&self, i: u64) -> Doc {
        let origin = self.origin(i);
        let mut text = String::with_capacity(6 * 1024);
        let (story, repeated) = match origin {
            Origin::Original => {
                let story = self.story(i);
                let rep = self.render(&story, &mut Rng::for_item(self.seed, i, 1), &mut text);
                (story, rep)
            }
            Origin::Syndicated { of } => {
                let root = self.root(of);
                let story = self.rewrite(self.story(root), &mut Rng::for_item(self.seed, i, 3));
                let rep = self.render(&story, &mut Rng::for_item(self.seed, i, 1), &mut text);
                (story, rep)
            }
            Origin::SamePage { of } => {
                let root = self.root(of);
                let story = self.story(root);
                let mut page = String::with_capacity(6 * 1024);
                let rep = self.render(&story, &mut Rng::for_item(self.seed, root, 1), &mut page);
                // The AMP copy: the same page with paragraphs set apart by blank lines.
                for (k, line) in page.split('\n').enumerate() {
                    if k > 0 {
                        text.push_str(if line.trim().is_empty() { "\n" } else { "\n\n" });
                    }
                    text.push_str(line);
                }
                (story, rep)
            }
        };
        let reg = self.region(story.unit);
        let prov = self.region(reg.province);
        let s = slug(&story.headline);
        let url = match story.outlet {
            Outlet::Antara => {
                let host = prov
                    .aliases
                    .first()
                    .map(|a| slug(a))
                    .unwrap_or_else(|| slug(&prov.name));
                format!("https://{host}.antaranews.com/berita/{}/{s}", 100_000 + i)
            }
            Outlet::Tribun => format!("https://www.tribunnews.com/regional/{}/{s}", story.year),
            Outlet::GovPress => format!(
                "https://{}.go.id/berita/{i}-{s}",
                slug(&reg.short).replace('-', "")
            ),
            Outlet::Other => format!("https://warta{}.example.id/{s}", i % 97),
        };
        Doc {
            index: i,
            id: format!("w{i:08}"),
            url,
            text,
            outlet: story.outlet,
            origin,
            repeated_body: repeated,
            original: match origin {
                Origin::Original => i,
                Origin::Syndicated { of } | Origin::SamePage { of } => self.root(of),
            },
        }
    }
}

/// Words that open a trailing clause or phrase (after a comma or not): conjunctions and
/// prepositions. A sentence cut before one still reads as a whole sentence (`Apel diikuti 800
/// ASN, serta ...` -> `Apel diikuti 800 ASN.`), and the clause or phrase of another sentence
/// that such a word opens can follow in its place (`Apel digelar` + `di halaman kantor ...`).
const CLAUSE_OPENERS: &[&str] = &[
    "serta",
    "sehingga",
    "karena",
    "sebab",
    "lantaran",
    "agar",
    "supaya",
    "untuk",
    "yang",
    "tetapi",
    "namun",
    "maupun",
    "termasuk",
    "hingga",
    "sampai",
    "sedangkan",
    "bahkan",
    "yakni",
    "yaitu",
    "terutama",
    "khususnya",
    "seperti",
    "sebagaimana",
    "dengan",
    "demi",
    "apabila",
    "jika",
    "bila",
    "kalau",
    "meski",
    "walaupun",
    "setelah",
    "usai",
    "sejak",
    "pada",
    "dalam",
    "kepada",
    "terhadap",
    "tentang",
    "melalui",
    "oleh",
    "bagi",
    "di",
    "ke",
    "dari",
];

/// The quotation a clause boundary lies in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quote {
    None = 0,
    /// Inside `"...`.
    Straight,
    /// Inside `\u{201c}...`.
    Curly,
}

/// Words that open a trailing clause only after a comma (without one they join nouns).
const COMMA_OPENERS: &[&str] = &["dan", "atau", "lalu", "kemudian", "tapi", "dimana"];

/// Quotation marks and parentheses open so far in a left-to-right scan.
#[derive(Default)]
struct Brackets {
    straight: usize,
    curly: i32,
    paren: i32,
}

impl Brackets {
    /// Takes one character; false when it closes something that was not open.
    fn step(&mut self, c: char) -> bool {
        match c {
            '"' => self.straight += 1,
            '\u{201c}' => self.curly += 1,
            '\u{201d}' => self.curly -= 1,
            '(' => self.paren += 1,
            ')' => self.paren -= 1,
            _ => {}
        }
        self.curly >= 0 && self.paren >= 0
    }

    /// Everything opened has been closed.
    fn closed(&self) -> bool {
        self.straight % 2 == 0 && self.curly == 0 && self.paren == 0
    }
}

/// Byte offsets where a trailing clause of `sentence` starts (at its `, ` or space before a
/// [`CLAUSE_OPENERS`] word), leaving at least `min_words` words before it and four after, with
/// parentheses closed on both sides and at most one quotation open, and what quotation the
/// cut is inside.
fn clause_cuts(sentence: &str, min_words: usize) -> Vec<(usize, Quote)> {
    let mut cuts = Vec::new();
    if !sentence.ends_with('.') {
        return cuts;
    }
    let total = sentence.bytes().filter(|&b| b == b' ').count() + 1;
    let mut open = Brackets::default();
    let mut pos = 0;
    let mut prev_comma = false;
    for (words, word) in sentence.split(' ').enumerate() {
        let start = pos;
        pos += word.len() + 1;
        // `words` words lie before this one.
        if words >= min_words
            && total - words >= 4
            && open.paren == 0
            && word.len() <= 11
            && word.starts_with(|c: char| c.is_ascii_lowercase())
            && (CLAUSE_OPENERS.contains(&word) || (prev_comma && COMMA_OPENERS.contains(&word)))
        {
            let quote = match (open.straight % 2, open.curly) {
                (0, 0) => Some(Quote::None),
                (1, 0) => Some(Quote::Straight),
                (0, 1) => Some(Quote::Curly),
                _ => None,
            };
            if let Some(q) = quote {
                cuts.push((if prev_comma { start - 2 } else { start - 1 }, q));
            }
        }
        if !word.chars().all(|c| open.step(c)) {
            return Vec::new();
        }
        prev_comma = word.ends_with(',');
    }
    if !open.closed() {
        cuts.clear();
    }
    cuts
}

/// Are the quotation marks and parentheses of `s` closed within it?
#[cfg(test)]
fn balanced(s: &str) -> bool {
    let mut open = Brackets::default();
    s.chars().all(|c| open.step(c)) && open.closed()
}

/// Splits a paragraph after `. ` where the word before the period is a lowercase word of
/// four letters or more (so `Drs. Ketut` and `M.Si. Ia` do not split).
fn sentences(p: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (at, _) in p.match_indices(". ") {
        let word = p[start..at].rsplit(' ').next().unwrap_or("");
        if word.len() >= 4 && word.chars().all(|c| c.is_lowercase() || c.is_ascii_digit()) {
            out.push(&p[start..at + 2]);
            start = at + 2;
        }
    }
    out.push(&p[start..]);
    out
}

/// Straight double quotes to curly ones, as Tribun pages print them.
fn curly_quotes(p: &str, out: &mut String) {
    let mut open = true;
    for c in p.chars() {
        if c == '"' {
            out.push(if open { '\u{201c}' } else { '\u{201d}' });
            open = !open;
        } else {
            out.push(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::path::Path;

    fn composer() -> Composer {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let regions = super::super::source::Regions::load(&root.join("crates/gazetteer/data"))
            .expect("regions");
        let sources =
            super::super::source::load_sources(&root.join("corpus"), &regions).expect("sources");
        Composer::new(1, Rates::default(), sources, regions)
    }

    /// Word bigrams of a text, lowercased, words = runs of letters and digits (as ingest's
    /// syndication shingles).
    fn bigrams(text: &str) -> HashSet<(String, String)> {
        let lower = text.to_lowercase();
        let words: Vec<&str> = lower
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        words
            .windows(2)
            .map(|w| (w[0].to_string(), w[1].to_string()))
            .collect()
    }

    /// Renders sentence `(a, p, s)` for a random region and fresh people.
    fn render(c: &Composer, (a, p, s): (u32, u32, u32), rng: &mut Rng) -> String {
        let reg = c.region(*rng.pick(&c.regions.units));
        let prov = c.region(reg.province);
        let mut f = Fill {
            people: Vec::new(),
            reg,
            prov,
            reg_alias: &reg.short,
            prov_alias: &prov.name,
            year: 2024,
        };
        let mut out = String::new();
        let t = &c.sources[a as usize].paragraphs[p as usize];
        fill_parts(t.sentence(s as usize), a, &mut f, rng, &mut out);
        out
    }

    #[test]
    fn two_renderings_of_one_sentence_share_few_bigrams() {
        // Phrase, name, region, number and date slots alone: two renderings of one source
        // sentence share on average well under three quarters of their bigrams (without the
        // phrase slots: 0.73).
        let c = composer();
        let mut rng = Rng::new(5);
        let mut shares = Vec::new();
        for &sent in &c.sentence_pool {
            let x = bigrams(&render(&c, sent, &mut rng));
            let y = bigrams(&render(&c, sent, &mut rng));
            if x.len() >= 5 {
                shares.push(x.intersection(&y).count() as f64 / x.len().max(y.len()) as f64);
            }
        }
        let mean = shares.iter().sum::<f64>() / shares.len() as f64;
        assert!(shares.len() > 300, "{}", shares.len());
        assert!(mean < 0.70, "mean share {mean:.3}");
    }

    #[test]
    fn varied_sentences_keep_quotes_and_parentheses_closed() {
        let c = composer();
        let mut rng = Rng::new(9);
        let mut changed = 0;
        let mut total = 0;
        for &sent in c.sentence_pool.iter().cycle().take(3000) {
            let original = render(&c, sent, &mut rng);
            if !balanced(&original) {
                continue;
            }
            let reg = c.region(c.regions.units[0]);
            let prov = c.region(reg.province);
            let mut f = Fill {
                people: Vec::new(),
                reg,
                prov,
                reg_alias: &reg.short,
                prov_alias: &prov.name,
                year: 2024,
            };
            let mut varied = original.clone();
            c.vary_sentence(&mut varied, 0, &mut f, &mut rng, 0);
            assert!(balanced(&varied), "{original}\n-> {varied}");
            assert!(
                varied.ends_with('.') || varied == original,
                "{original}\n-> {varied}"
            );
            total += 1;
            changed += usize::from(varied != original);
        }
        // Most sentences have a clause to cut (the rest are short or one clause).
        assert!(changed * 2 > total, "{changed} of {total}");
    }

    #[test]
    fn clause_cuts_fall_before_clause_openers_outside_parentheses() {
        let s = "Apel diikuti seluruh ASN dari organisasi perangkat daerah, serta para camat dan lurah.";
        let cuts = clause_cuts(s, 5);
        assert_eq!(cuts.len(), 1, "{cuts:?}");
        assert_eq!(&s[cuts[0].0..cuts[0].0 + 7], ", serta");
        assert_eq!(cuts[0].1, Quote::None);
        // `dan` joins nouns here: no cut without a comma.
        assert!(clause_cuts(
            "Para camat dan lurah hadir bersama seluruh kepala desa kemarin.",
            2
        )
        .is_empty());
        // Inside parentheses: no cut; inside a quotation: a cut marked as quoted.
        assert!(clause_cuts(
            "Rapat (yang diikuti camat dan lurah serta kepala desa) berjalan lancar.",
            2
        )
        .is_empty());
        let q =
            "\"Kami sudah menyurati seluruh pejabat agar menjaga netralitas pegawai,\" katanya.";
        let cuts = clause_cuts(q, 5);
        assert_eq!(cuts.len(), 1, "{cuts:?}");
        assert_eq!(cuts[0].1, Quote::Straight);
        // Too few words before or after: no cut.
        assert!(clause_cuts("Ia hadir untuk membuka acara.", 5).is_empty());
    }

    #[test]
    fn weekday_matches_known_dates() {
        assert_eq!(WEEKDAYS[weekday(2024, 11, 7)], "Kamis");
        assert_eq!(WEEKDAYS[weekday(2024, 2, 14)], "Rabu");
        assert_eq!(WEEKDAYS[weekday(2020, 12, 9)], "Rabu");
    }

    #[test]
    fn numbers_are_grouped_with_dots() {
        let mut rng = Rng::new(3);
        for digits in 1..=9u8 {
            let mut s = String::new();
            push_number(&mut s, &mut rng, digits, true);
            let plain: String = s.chars().filter(|c| *c != '.').collect();
            assert_eq!(plain.len(), usize::from(digits), "{s}");
            if digits >= 4 {
                assert_eq!(s.split('.').next_back().map(str::len), Some(3), "{s}");
            }
        }
    }

    #[test]
    fn sentences_do_not_split_after_degrees() {
        let p = "Dibuka oleh Drs. Ketut Moa, M.Si. Acara berjalan lancar. Semua hadir.";
        assert_eq!(
            sentences(p),
            vec![
                "Dibuka oleh Drs. Ketut Moa, M.Si. Acara berjalan lancar. ",
                "Semua hadir."
            ]
        );
    }

    #[test]
    fn slugs_are_url_safe() {
        assert_eq!(
            slug("Pj Bupati Barsel: ASN netral!"),
            "pj-bupati-barsel-asn-netral"
        );
    }
}
