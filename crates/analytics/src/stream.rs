//! The aggregates, computed while the fact rows stream through the sink.
//!
//! [`StreamedAggregates`] folds each row in as [`TableSink::push`](crate::TableSink::push)
//! builds it, so `finish` only sorts and writes the results. The `.sql` files stay the
//! aggregates' definition: a test runs each over the fact tables and compares it with what
//! this module gives, and users can run them with `warta query`.
//!
//! `activity_by_region_cycle`, `activity_by_month`, `instruments_by_cycle` and
//! `province_cycle_summary` group by region, election cycle, month, activity type or
//! instrument: their groups are bounded by the gazetteer and the calendar, not by the size of
//! the corpus, so they are held in memory. `officials_by_region` groups by the officials'
//! names, which grow with the corpus (about two groups an article): its groups are held for
//! one partition of the run at a time, written sorted to a run file when the sink cuts the
//! partition, and the run files are merged at the end, so its memory is one partition's
//! groups however large the corpus.
//!
//! Counting follows the SQL: only rows of articles that represent their syndication cluster
//! count; an event is one distinct tuple of the event columns within one article (a cluster
//! has one representative, so "distinct cluster" is "distinct article"); per event a count
//! role takes its largest count, and the groups add them up.

use std::fs::{self, File};
use std::hash::BuildHasher;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::tables::{
    Cell, TableDef, ACTIVITIES, ARTICLES, ARTICLE_CYCLES, FACT_TABLES, INSTRUMENTS, OFFICIALS,
};
use crate::{io_err, AnalyticsError};

/// Receives an aggregate's result in chunks, in the order its SQL gives: the aggregate's
/// name, the chunk, and whether it is the aggregate's last. Every aggregate gives at least one
/// chunk (an empty frame with its columns when it has no rows); aggregates come one after the
/// other in [`AGGREGATES`](crate::AGGREGATES) order.
pub(crate) type EmitChunk<'e> =
    dyn FnMut(&'static str, DataFrame, bool) -> Result<(), AnalyticsError> + 'e;

/// Rows of `officials_by_region` in one chunk handed to [`EmitChunk`].
const OFFICIAL_CHUNK_ROWS: usize = 16_384;

/// `officials_by_region`'s key fields (province_code, region_code, modifier, title, name) as
/// its ORDER BY sorts them: (field, nulls last).
const OFFICIAL_ORDER: [(usize, bool); 5] = [(0, true), (1, true), (3, false), (4, true), (2, true)];

/// A group key: nullable text and integer fields packed into one byte string (a tag byte,
/// then a four-byte length and the bytes of a text, or the eight bytes of an integer). Equal
/// keys pack to equal bytes.
#[derive(Default)]
struct KeyBuf(Vec<u8>);

impl KeyBuf {
    fn start(&mut self) -> &mut Self {
        self.0.clear();
        self
    }

    #[inline]
    fn text(&mut self, v: Option<&str>) -> &mut Self {
        match v {
            None => self.0.push(0),
            Some(s) => {
                self.0.push(1);
                let len = u32::try_from(s.len()).unwrap_or(u32::MAX);
                self.0.extend_from_slice(&len.to_le_bytes());
                self.0.extend_from_slice(&s.as_bytes()[..len as usize]);
            }
        }
        self
    }

    fn int(&mut self, v: Option<i64>) -> &mut Self {
        match v {
            None => self.0.push(0),
            Some(i) => {
                self.0.push(2);
                self.0.extend_from_slice(&i.to_le_bytes());
            }
        }
        self
    }

    fn id(&mut self, v: Option<u32>) -> &mut Self {
        self.int(v.map(i64::from))
    }

    /// Appends fields as another key packed them.
    fn raw(&mut self, segment: &[u8]) -> &mut Self {
        self.0.extend_from_slice(segment);
        self
    }
}

/// One field of a decoded key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Value<'a> {
    Text(Option<&'a str>),
    Int(Option<i64>),
}

impl<'a> Value<'a> {
    fn text(self) -> Option<&'a str> {
        match self {
            Value::Text(t) => t,
            Value::Int(_) => None,
        }
    }

    fn int(self) -> Option<i64> {
        match self {
            Value::Int(i) => i,
            Value::Text(_) => None,
        }
    }

    fn id(self) -> Option<u32> {
        self.int().and_then(|i| u32::try_from(i).ok())
    }
}

/// The fields of a key [`KeyBuf`] packed, one after the other.
struct Fields<'a>(&'a [u8]);

impl<'a> Iterator for Fields<'a> {
    type Item = Value<'a>;

    fn next(&mut self) -> Option<Value<'a>> {
        let (&tag, rest) = self.0.split_first()?;
        let (value, rest) = match tag {
            1 if rest.len() >= 4 => {
                let (len, rest) = rest.split_at(4);
                let len = u32::from_le_bytes(len.try_into().unwrap_or([0; 4])) as usize;
                let (text, rest) = rest.split_at(len.min(rest.len()));
                (
                    Value::Text(Some(std::str::from_utf8(text).unwrap_or(""))),
                    rest,
                )
            }
            2 if rest.len() >= 8 => {
                let (int, rest) = rest.split_at(8);
                let int = i64::from_le_bytes(int.try_into().unwrap_or([0; 8]));
                (Value::Int(Some(int)), rest)
            }
            // A null: text and integer nulls pack the same; the reader asks for the kind.
            _ => (Value::Text(None), rest),
        };
        self.0 = rest;
        Some(value)
    }
}

/// The first `N` fields of a key as they are packed (tag, length and bytes), to be copied
/// into another key or read with [`field`]; empty past the key's end.
fn segments<const N: usize>(key: &[u8]) -> [&[u8]; N] {
    let mut out: [&[u8]; N] = [&[]; N];
    let mut rest = key;
    for slot in out.iter_mut() {
        let len = match rest.first() {
            None => break,
            Some(1) if rest.len() >= 5 => {
                let text = u32::from_le_bytes([rest[1], rest[2], rest[3], rest[4]]) as usize;
                (5 + text).min(rest.len())
            }
            Some(2) => 9.min(rest.len()),
            Some(_) => 1,
        };
        let (segment, tail) = rest.split_at(len);
        *slot = segment;
        rest = tail;
    }
    out
}

/// The field a segment of [`segments`] holds.
fn field(segment: &[u8]) -> Value<'_> {
    Fields(segment).next().unwrap_or(Value::Text(None))
}

/// The first `N` fields of a key (nulls past its end).
fn decode_n<const N: usize>(key: &[u8]) -> [Value<'_>; N] {
    let mut out = [Value::Text(None); N];
    for (slot, v) in out.iter_mut().zip(Fields(key)) {
        *slot = v;
    }
    out
}

/// Text values kept once, by number: region and province names and dates repeat across
/// groups, so groups hold their numbers.
#[derive(Default)]
struct Interner {
    ids: PlHashMap<Box<str>, u32>,
    texts: Vec<Box<str>>,
}

impl Interner {
    fn id(&mut self, text: &str) -> u32 {
        if let Some(&id) = self.ids.get(text) {
            return id;
        }
        let id = self.texts.len() as u32;
        self.texts.push(text.into());
        self.ids.insert(text.into(), id);
        id
    }

    fn get(&self, id: Option<u32>) -> Option<&str> {
        id.and_then(|i| self.texts.get(i as usize)).map(|t| &**t)
    }

    /// Keeps in `acc` the smaller (or larger) of it and `v` by their texts; nulls never win.
    fn keep(&self, acc: &mut Option<u32>, v: Option<u32>, smaller: bool) {
        let Some(new) = v else { return };
        let replace = match (self.get(*acc), self.get(v)) {
            (None, _) => true,
            (Some(old), Some(new)) => {
                if smaller {
                    new < old
                } else {
                    new > old
                }
            }
            (Some(_), None) => false,
        };
        if replace {
            *acc = Some(new);
        }
    }
}

/// The first non-null text a group sees, interned.
fn first_id(acc: &mut Option<u32>, v: Option<&str>, names: &mut Interner) {
    if acc.is_none() {
        *acc = v.map(|t| names.id(t));
    }
}

/// Groups by key: the keys packed one after the other in one arena, the states in one
/// vector, and a hash index of their positions. A group costs its key's bytes, its state and
/// a slot of the index: no allocation of its own.
struct Table<A> {
    arena: Vec<u8>,
    entries: Vec<(std::ops::Range<usize>, A)>,
    index: hashbrown::HashTable<usize>,
    state: PlRandomState,
}

impl<A: Default> Table<A> {
    fn new() -> Self {
        Table {
            arena: Vec::new(),
            entries: Vec::new(),
            index: hashbrown::HashTable::new(),
            state: PlRandomState::default(),
        }
    }

    /// The state of the group of `key`, made empty when the group is new.
    fn get(&mut self, key: &[u8]) -> &mut A {
        let hash = self.state.hash_one(key);
        let (arena, entries) = (&self.arena, &self.entries);
        let found = self
            .index
            .find(hash, |&i| arena[entries[i].0.clone()] == *key)
            .copied();
        let i = match found {
            Some(i) => i,
            None => {
                let start = self.arena.len();
                self.arena.extend_from_slice(key);
                let i = self.entries.len();
                self.entries.push((start..self.arena.len(), A::default()));
                let (arena, entries, state) = (&self.arena, &self.entries, &self.state);
                self.index
                    .insert_unique(hash, i, |&j| state.hash_one(&arena[entries[j].0.clone()]));
                i
            }
        };
        &mut self.entries[i].1
    }

    /// Each group's key and state, in the order the groups were made.
    fn iter(&self) -> impl Iterator<Item = (&[u8], &A)> {
        self.entries
            .iter()
            .map(|(range, a)| (&self.arena[range.clone()], a))
    }

    fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Forgets every group, keeping the room.
    fn clear(&mut self) {
        self.arena.clear();
        self.entries.clear();
        self.index.clear();
    }
}

/// The larger of a running maximum and a value; nulls never win.
fn max_f64(acc: &mut Option<f64>, v: Option<f64>) {
    if let Some(v) = v {
        *acc = Some(acc.map_or(v, |a| a.max(v)));
    }
}

/// Keeps in `acc` the larger text of it and `v`, as SQL's MAX does (by bytes; nulls never
/// win).
fn max_text(acc: &mut Option<Box<str>>, v: Option<&str>) {
    if let Some(v) = v {
        if acc.as_deref().is_none_or(|a| v > a) {
            *acc = Some(v.into());
        }
    }
}

/// Counts distinct articles in a group: one article's rows come together, so a group counts
/// an article when its last article differs.
#[derive(Default)]
struct Articles {
    count: u32,
    /// The last article's number, folded into 1..=u32::MAX (0 is "none yet"): consecutive
    /// articles always differ, and the rows of one article come together.
    last: u32,
}

impl Articles {
    fn add(&mut self, serial: u64) {
        let serial = (serial % u64::from(u32::MAX)) as u32 + 1;
        if self.last != serial {
            self.last = serial;
            self.count += 1;
        }
    }
}

/// One event of `activity_by_region_cycle` within an article.
#[derive(Default)]
struct RegionEvent {
    province: Option<u32>,
    region: Option<u32>,
    pledgers: Option<f64>,
    participants: Option<f64>,
    violations: Option<f64>,
    sanctioned: Option<f64>,
}

/// One event of `province_cycle_summary` within an article.
#[derive(Default)]
struct SummaryEvent {
    province: Option<u32>,
    pledgers: Option<f64>,
    violations: Option<f64>,
    sanctioned: Option<f64>,
}

/// One group of `activity_by_region_cycle`. Sums start at 0: the SQL gives
/// `COALESCE(SUM(x), 0)`.
#[derive(Default)]
struct RegionCycle {
    province: Option<u32>,
    region: Option<u32>,
    articles: Articles,
    events: u32,
    pledgers: f64,
    participants: f64,
    violations: f64,
    sanctioned: f64,
    first_date: Option<u32>,
    last_date: Option<u32>,
}

/// One group of `activity_by_month`.
#[derive(Default)]
struct Month {
    articles: Articles,
    events: u32,
    pledgers: f64,
}

/// One group of `instruments_by_cycle`.
#[derive(Default)]
struct InstrumentGroup {
    issuer: Option<Box<str>>,
    subject: Option<Box<str>>,
    articles: Articles,
    mentions: u32,
}

/// One group of `officials_by_region` (within one partition until the runs are merged).
#[derive(Default)]
struct OfficialGroup {
    region: Option<u32>,
    articles: Articles,
    mentions: u32,
    first_published: Option<u32>,
    last_published: Option<u32>,
}

/// One group of `province_cycle_summary`.
#[derive(Default)]
struct Summary {
    province: Option<u32>,
    articles: Articles,
    pledge_events: u32,
    pledgers: f64,
    pledge_events_counted: u32,
    violation_events: u32,
    violations: f64,
    sanction_events: u32,
    sanctions: f64,
}

/// Where a table's columns are in its rows.
fn col(def: &TableDef, name: &str) -> usize {
    def.columns
        .iter()
        .position(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("table {} has no column {name}", def.name))
}

fn text<'a>(row: &[Cell<'a>], i: usize) -> Option<&'a str> {
    match row.get(i) {
        Some(Cell::Str(s)) => *s,
        _ => None,
    }
}

fn float(row: &[Cell<'_>], i: usize) -> Option<f64> {
    match row.get(i) {
        Some(Cell::Float(f)) => *f,
        _ => None,
    }
}

fn int(row: &[Cell<'_>], i: usize) -> Option<i64> {
    match row.get(i) {
        Some(Cell::Int(v)) => *v,
        _ => None,
    }
}

fn flag(row: &[Cell<'_>], i: usize) -> bool {
    matches!(row.get(i), Some(Cell::Bool(Some(true))))
}

/// The column positions the aggregates read.
struct Columns {
    table_articles: usize,
    table_cycles: usize,
    table_instruments: usize,
    table_activities: usize,
    table_officials: usize,
    article_representative: usize,
    article_published: usize,
    official_province_code: usize,
    official_region_code: usize,
    official_region_name: usize,
    official_modifier: usize,
    official_title: usize,
    official_name: usize,
    cycle_representative: usize,
    cycle_province_code: usize,
    cycle_province_name: usize,
    cycle_cycle: usize,
    instrument_type: usize,
    instrument_number: usize,
    instrument_year: usize,
    instrument_issuer: usize,
    instrument_subject: usize,
    activity_representative: usize,
    activity_type: usize,
    activity_region_code: usize,
    activity_region_name: usize,
    activity_region_level: usize,
    activity_province_code: usize,
    activity_province_name: usize,
    activity_cycle: usize,
    activity_date: usize,
    activity_date_precision: usize,
    activity_count: usize,
    activity_count_role: usize,
}

impl Columns {
    fn new() -> Self {
        let table = |def: &TableDef| {
            FACT_TABLES
                .iter()
                .position(|t| t.name == def.name)
                .expect("a fact table")
        };
        Columns {
            table_articles: table(&ARTICLES),
            table_cycles: table(&ARTICLE_CYCLES),
            table_instruments: table(&INSTRUMENTS),
            table_activities: table(&ACTIVITIES),
            table_officials: table(&OFFICIALS),
            article_representative: col(&ARTICLES, "cluster_representative"),
            article_published: col(&ARTICLES, "published"),
            official_province_code: col(&OFFICIALS, "province_code"),
            official_region_code: col(&OFFICIALS, "region_code"),
            official_region_name: col(&OFFICIALS, "region_name"),
            official_modifier: col(&OFFICIALS, "modifier"),
            official_title: col(&OFFICIALS, "title"),
            official_name: col(&OFFICIALS, "name"),
            cycle_representative: col(&ARTICLE_CYCLES, "cluster_representative"),
            cycle_province_code: col(&ARTICLE_CYCLES, "province_code"),
            cycle_province_name: col(&ARTICLE_CYCLES, "province_name"),
            cycle_cycle: col(&ARTICLE_CYCLES, "cycle"),
            instrument_type: col(&INSTRUMENTS, "instrument_type"),
            instrument_number: col(&INSTRUMENTS, "number"),
            instrument_year: col(&INSTRUMENTS, "year"),
            instrument_issuer: col(&INSTRUMENTS, "issuer"),
            instrument_subject: col(&INSTRUMENTS, "subject"),
            activity_representative: col(&ACTIVITIES, "cluster_representative"),
            activity_type: col(&ACTIVITIES, "activity_type"),
            activity_region_code: col(&ACTIVITIES, "region_code"),
            activity_region_name: col(&ACTIVITIES, "region_name"),
            activity_region_level: col(&ACTIVITIES, "region_level"),
            activity_province_code: col(&ACTIVITIES, "province_code"),
            activity_province_name: col(&ACTIVITIES, "province_name"),
            activity_cycle: col(&ACTIVITIES, "cycle"),
            activity_date: col(&ACTIVITIES, "date"),
            activity_date_precision: col(&ACTIVITIES, "date_precision"),
            activity_count: col(&ACTIVITIES, "count"),
            activity_count_role: col(&ACTIVITIES, "count_role"),
        }
    }
}

/// The streamed aggregates' state: the groups so far, and the events of the article whose
/// rows are coming in.
pub(crate) struct StreamedAggregates {
    cols: Columns,
    key: KeyBuf,
    /// Names and dates the groups hold by number.
    names: Interner,
    /// Counts articles; the current article's number.
    serial: u64,
    /// Whether the current article represents its cluster.
    representative: bool,
    /// The current article's publication date.
    published: Option<u32>,
    /// The current article's cycle labels, as its `article_cycles` rows give them: their
    /// text one after the other, and where each lies in it.
    cycle_text: String,
    cycles: Vec<std::ops::Range<usize>>,
    region_events: Table<RegionEvent>,
    summary_events: Table<SummaryEvent>,
    month_events: Table<Option<f64>>,
    by_region_cycle: Table<RegionCycle>,
    by_month: Table<Month>,
    instruments: Table<InstrumentGroup>,
    summary: Table<Summary>,
    /// `officials_by_region`'s groups of the current partition.
    officials: Table<OfficialGroup>,
    /// Where the sorted runs of earlier partitions' officials go, and the runs written.
    run_dir: PathBuf,
    runs: Vec<PathBuf>,
}

impl StreamedAggregates {
    /// Aggregates that will write `officials_by_region`'s runs into `run_dir` (made at the
    /// first run).
    pub(crate) fn new(run_dir: PathBuf) -> Self {
        StreamedAggregates {
            cols: Columns::new(),
            key: KeyBuf::default(),
            names: Interner::default(),
            serial: 0,
            representative: false,
            published: None,
            cycle_text: String::new(),
            cycles: Vec::new(),
            region_events: Table::new(),
            summary_events: Table::new(),
            month_events: Table::new(),
            by_region_cycle: Table::new(),
            by_month: Table::new(),
            instruments: Table::new(),
            summary: Table::new(),
            officials: Table::new(),
            run_dir,
            runs: Vec::new(),
        }
    }

    /// Takes one row of fact table `table` (its index in [`FACT_TABLES`]). An article's rows
    /// come together, its `articles` row first; [`StreamedAggregates::end_article`] follows
    /// them.
    pub(crate) fn row(&mut self, table: usize, row: &[Cell<'_>]) {
        let c = &self.cols;
        if table == c.table_articles {
            self.serial += 1;
            self.representative = flag(row, c.article_representative);
            self.published = text(row, c.article_published).map(|d| self.names.id(d));
            self.cycle_text.clear();
            self.cycles.clear();
        } else if table == c.table_cycles {
            let cycle = text(row, c.cycle_cycle).unwrap_or("");
            let start = self.cycle_text.len();
            self.cycle_text.push_str(cycle);
            self.cycles.push(start..self.cycle_text.len());
            if !flag(row, c.cycle_representative) {
                return;
            }
            let province_code = text(row, c.cycle_province_code);
            self.key.start().text(province_code).text(Some(cycle));
            let g = self.summary.get(&self.key.0);
            first_id(
                &mut g.province,
                text(row, c.cycle_province_name),
                &mut self.names,
            );
            g.articles.add(self.serial);
        } else if table == c.table_instruments {
            if !self.representative {
                return;
            }
            for range in &self.cycles {
                self.key
                    .start()
                    .text(Some(&self.cycle_text[range.clone()]))
                    .text(text(row, c.instrument_type))
                    .text(text(row, c.instrument_number))
                    .int(int(row, c.instrument_year));
                let g = self.instruments.get(&self.key.0);
                max_text(&mut g.issuer, text(row, c.instrument_issuer));
                max_text(&mut g.subject, text(row, c.instrument_subject));
                g.articles.add(self.serial);
                g.mentions += 1;
            }
        } else if table == c.table_activities {
            if flag(row, c.activity_representative) {
                self.activity(row);
            }
        } else if table == c.table_officials {
            if !self.representative {
                return;
            }
            self.key
                .start()
                .text(text(row, c.official_province_code))
                .text(text(row, c.official_region_code))
                .text(text(row, c.official_modifier))
                .text(text(row, c.official_title))
                .text(text(row, c.official_name));
            let g = self.officials.get(&self.key.0);
            first_id(
                &mut g.region,
                text(row, c.official_region_name),
                &mut self.names,
            );
            g.articles.add(self.serial);
            g.mentions += 1;
            self.names
                .keep(&mut g.first_published, self.published, true);
            self.names
                .keep(&mut g.last_published, self.published, false);
        }
    }

    /// Folds an activity row into the current article's events.
    fn activity(&mut self, row: &[Cell<'_>]) {
        let c = &self.cols;
        let activity_type = text(row, c.activity_type);
        let province_code = text(row, c.activity_province_code);
        let province_name = text(row, c.activity_province_name);
        let region_code = text(row, c.activity_region_code);
        let cycle = text(row, c.activity_cycle);
        let date = text(row, c.activity_date);
        let count = float(row, c.activity_count);
        let role = text(row, c.activity_count_role);
        let counted = |r: &str| if role == Some(r) { count } else { None };
        let is = |t: &str| activity_type == Some(t);

        self.key
            .start()
            .text(activity_type)
            .text(province_code)
            .text(region_code)
            .text(text(row, c.activity_region_level))
            .text(cycle)
            .text(date);
        let e = self.region_events.get(&self.key.0);
        first_id(&mut e.province, province_name, &mut self.names);
        first_id(
            &mut e.region,
            text(row, c.activity_region_name),
            &mut self.names,
        );
        if is("pledge") {
            max_f64(&mut e.pledgers, counted("pledgers"));
        }
        if is("socialization") || is("coordination_meeting") {
            max_f64(&mut e.participants, counted("participants"));
        }
        if is("violation") {
            max_f64(&mut e.violations, counted("violations"));
        }
        if is("sanction") {
            max_f64(&mut e.sanctioned, counted("sanctioned"));
        }

        self.key
            .start()
            .text(activity_type)
            .text(province_code)
            .text(region_code)
            .text(cycle)
            .text(date);
        let e = self.summary_events.get(&self.key.0);
        first_id(&mut e.province, province_name, &mut self.names);
        max_f64(&mut e.pledgers, counted("pledgers"));
        max_f64(&mut e.violations, counted("violations"));
        max_f64(&mut e.sanctioned, counted("sanctioned"));

        let precision = text(row, c.activity_date_precision);
        if matches!(precision, Some("day" | "month")) {
            self.key
                .start()
                .text(activity_type)
                .text(region_code)
                .text(cycle)
                .text(date);
            let pledgers = self.month_events.get(&self.key.0);
            if is("pledge") {
                max_f64(pledgers, counted("pledgers"));
            }
        }
    }

    /// Folds the current article's events into the groups.
    pub(crate) fn end_article(&mut self) {
        let serial = self.serial;
        for (key, e) in self.region_events.iter() {
            let [activity_type, province_code, region_code, level, cycle, date] = segments(key);
            self.key
                .start()
                .raw(level)
                .raw(province_code)
                .raw(region_code)
                .raw(cycle)
                .raw(activity_type);
            let g = self.by_region_cycle.get(&self.key.0);
            g.province = g.province.or(e.province);
            g.region = g.region.or(e.region);
            g.articles.add(serial);
            g.events += 1;
            g.pledgers += e.pledgers.unwrap_or(0.0);
            g.participants += e.participants.unwrap_or(0.0);
            g.violations += e.violations.unwrap_or(0.0);
            g.sanctioned += e.sanctioned.unwrap_or(0.0);
            if let Some(date) = field(date).text() {
                let date = Some(self.names.id(date));
                self.names.keep(&mut g.first_date, date, true);
                self.names.keep(&mut g.last_date, date, false);
            }
        }
        for (key, e) in self.summary_events.iter() {
            let [activity_type, province_code, _, cycle, _] = segments(key);
            self.key.start().raw(province_code).raw(cycle);
            let g = self.summary.get(&self.key.0);
            g.province = g.province.or(e.province);
            match field(activity_type).text() {
                Some("pledge") => {
                    g.pledge_events += 1;
                    g.pledgers += e.pledgers.unwrap_or(0.0);
                    g.pledge_events_counted += u32::from(e.pledgers.is_some());
                }
                Some("violation") => {
                    g.violation_events += 1;
                    g.violations += e.violations.unwrap_or(0.0);
                }
                Some("sanction") => {
                    g.sanction_events += 1;
                    g.sanctions += e.sanctioned.unwrap_or(0.0);
                }
                _ => {}
            }
        }
        for (key, pledgers) in self.month_events.iter() {
            let [activity_type, _, cycle, date] = segments(key);
            // SUBSTR("date", 1, 7): the first seven characters.
            let month = field(date).text().map(|d| match d.char_indices().nth(7) {
                Some((end, _)) => &d[..end],
                None => d,
            });
            self.key.start().text(month).raw(cycle).raw(activity_type);
            let g = self.by_month.get(&self.key.0);
            g.articles.add(serial);
            g.events += 1;
            g.pledgers += pledgers.unwrap_or(0.0);
        }
        self.region_events.clear();
        self.summary_events.clear();
        self.month_events.clear();
    }

    /// Ends a partition: writes its `officials_by_region` groups, sorted, to a run file. A
    /// record is the group's order key ([`order_key`]), then its key fields and values, names
    /// and dates by number (the run is read back by this process).
    pub(crate) fn cut(&mut self) -> Result<(), AnalyticsError> {
        if self.officials.is_empty() {
            return Ok(());
        }
        fs::create_dir_all(&self.run_dir).map_err(|e| io_err(&self.run_dir, e))?;
        let path = self
            .run_dir
            .join(format!("officials-{}.run", self.runs.len()));
        let file = File::create(&path).map_err(|e| io_err(&path, e))?;
        let mut out = BufWriter::new(file);
        let mut record = KeyBuf::default();
        for row in sorted(&self.officials, &OFFICIAL_ORDER) {
            let g = row.group;
            record.start();
            record.0.extend_from_slice(row.key);
            record
                .id(g.region)
                .int(Some(g.articles.count.into()))
                .int(Some(g.mentions.into()))
                .id(g.first_published)
                .id(g.last_published);
            let write = out
                .write_all(&(row.order.len() as u64).to_le_bytes())
                .and_then(|()| out.write_all(&(record.0.len() as u64).to_le_bytes()))
                .and_then(|()| out.write_all(&row.order))
                .and_then(|()| out.write_all(&record.0));
            write.map_err(|e| io_err(&path, e))?;
        }
        out.flush().map_err(|e| io_err(&path, e))?;
        self.officials.clear();
        self.runs.push(path);
        Ok(())
    }

    /// Hands every aggregate to `emit` in its SQL's row order, one after the other in
    /// [`AGGREGATES`](crate::AGGREGATES) order, and removes the run files.
    pub(crate) fn finish(&mut self, emit: &mut EmitChunk<'_>) -> Result<(), AnalyticsError> {
        let names = &self.names;
        emit(
            "activity_by_region_cycle",
            region_cycle_frame(&self.by_region_cycle, names)?,
            true,
        )?;
        emit(
            "instruments_by_cycle",
            instruments_frame(&self.instruments)?,
            true,
        )?;
        if self.runs.is_empty() {
            let mut chunk = OfficialChunk::default();
            for row in sorted(&self.officials, &OFFICIAL_ORDER) {
                chunk.push(Fields(row.key).map(Value::text), row.group, names);
                if chunk.rows() >= OFFICIAL_CHUNK_ROWS {
                    emit(OFFICIALS_BY_REGION, chunk.frame()?, false)?;
                }
            }
            emit(OFFICIALS_BY_REGION, chunk.frame()?, true)?;
        } else {
            self.cut()?;
            merge_official_runs(&self.runs, &self.names, emit)?;
            for path in &self.runs {
                fs::remove_file(path).map_err(|e| io_err(path, e))?;
            }
            let _ = fs::remove_dir(&self.run_dir);
        }
        emit("activity_by_month", month_frame(&self.by_month)?, true)?;
        emit(
            crate::sql::PROVINCE_CYCLE_SUMMARY,
            summary_frame(&self.summary, &self.names)?,
            true,
        )?;
        Ok(())
    }
}

const OFFICIALS_BY_REGION: &str = "officials_by_region";

/// Rows of `officials_by_region` gathered for one chunk, the text in column builders.
struct OfficialChunk {
    text: [StringChunkedBuilder; 8],
    articles: Vec<i64>,
    mentions: Vec<i64>,
}

/// The text columns of [`OfficialChunk`], in the order its builders hold them.
const OFFICIAL_TEXT: [&str; 8] = [
    "province_code",
    "region_code",
    "region",
    "modifier",
    "title",
    "name",
    "first_published",
    "last_published",
];

impl Default for OfficialChunk {
    fn default() -> Self {
        OfficialChunk {
            text: OFFICIAL_TEXT.map(|n| StringChunkedBuilder::new(n.into(), 0)),
            articles: Vec::new(),
            mentions: Vec::new(),
        }
    }
}

impl OfficialChunk {
    /// Adds a group: its key fields (province_code, region_code, modifier, title, name) and
    /// its state.
    fn push<'k>(
        &mut self,
        mut key: impl Iterator<Item = Option<&'k str>>,
        g: &OfficialGroup,
        names: &Interner,
    ) {
        let mut field = || key.next().flatten();
        let [province_code, region_code, modifier, title, name] =
            [field(), field(), field(), field(), field()];
        let values = [
            province_code,
            region_code,
            names.get(g.region),
            modifier,
            title,
            name,
            names.get(g.first_published),
            names.get(g.last_published),
        ];
        for (builder, v) in self.text.iter_mut().zip(values) {
            builder.append_option(v);
        }
        self.articles.push(g.articles.count.into());
        self.mentions.push(g.mentions.into());
    }

    fn rows(&self) -> usize {
        self.articles.len()
    }

    /// The gathered rows as a frame, leaving the chunk empty.
    fn frame(&mut self) -> PolarsResult<DataFrame> {
        let c = std::mem::take(self);
        let rows = c.rows();
        let mut text = c.text.map(|b| Some(b.finish().into_column()));
        let mut take = |i: usize| text[i].take().unwrap_or_default();
        DataFrame::new(
            rows,
            vec![
                take(0),
                take(1),
                take(2),
                take(3),
                take(4),
                take(5),
                Column::new("articles".into(), c.articles),
                Column::new("mentions".into(), c.mentions),
                take(6),
                take(7),
            ],
        )
    }
}

/// One run file of `officials_by_region`, read record by record.
struct Run<'p> {
    path: &'p Path,
    reader: BufReader<File>,
    /// The current record: its order key's length, and the order key followed by the key
    /// fields and the values.
    order_len: usize,
    record: Vec<u8>,
}

impl<'p> Run<'p> {
    fn open(path: &'p Path) -> Result<Self, AnalyticsError> {
        let file = File::open(path).map_err(|e| io_err(path, e))?;
        Ok(Run {
            path,
            reader: BufReader::with_capacity(64 * 1024, file),
            order_len: 0,
            record: Vec::new(),
        })
    }

    /// Reads the next record; false at the end of the file.
    fn advance(&mut self) -> Result<bool, AnalyticsError> {
        let mut len = [0u8; 8];
        match self.reader.read_exact(&mut len) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(false),
            Err(e) => return Err(io_err(self.path, e)),
        }
        self.order_len = u64::from_le_bytes(len) as usize;
        self.reader
            .read_exact(&mut len)
            .map_err(|e| io_err(self.path, e))?;
        self.record
            .resize(self.order_len + u64::from_le_bytes(len) as usize, 0);
        self.reader
            .read_exact(&mut self.record)
            .map_err(|e| io_err(self.path, e))?;
        Ok(true)
    }

    /// The order key: equal for equal groups, and in the aggregate's order.
    fn order(&self) -> &[u8] {
        &self.record[..self.order_len.min(self.record.len())]
    }

    /// The key fields followed by the values.
    fn fields(&self) -> [Value<'_>; 10] {
        decode_n(&self.record[self.order_len.min(self.record.len())..])
    }
}

/// Merges the sorted runs of `officials_by_region` into its rows, adding up the groups that
/// more than one partition holds, and hands them to `emit` in chunks.
fn merge_official_runs(
    paths: &[PathBuf],
    names: &Interner,
    emit: &mut EmitChunk<'_>,
) -> Result<(), AnalyticsError> {
    let mut runs = Vec::with_capacity(paths.len());
    for path in paths {
        let mut run = Run::open(path)?;
        if run.advance()? {
            runs.push(run);
        }
    }
    // The runs in the order of their current records.
    let mut order: Vec<usize> = (0..runs.len()).collect();
    order.sort_by(|&i, &j| runs[i].order().cmp(runs[j].order()));

    let mut chunk = OfficialChunk::default();
    // The group being merged: its order key, key fields and state.
    let mut current: Vec<u8> = Vec::new();
    let mut key: [Option<String>; 5] = Default::default();
    let mut pending: Option<OfficialGroup> = None;
    while let Some(&first) = order.first() {
        let run = &runs[first];
        let fields = run.fields();
        if pending.is_none() || current != run.order() {
            if let Some(g) = pending.take() {
                chunk.push(key.iter().map(|k| k.as_deref()), &g, names);
                if chunk.rows() >= OFFICIAL_CHUNK_ROWS {
                    emit(OFFICIALS_BY_REGION, chunk.frame()?, false)?;
                }
            }
            current.clear();
            current.extend_from_slice(run.order());
            for (k, v) in key.iter_mut().zip(&fields) {
                *k = v.text().map(str::to_string);
            }
        }
        let [.., region, articles, mentions, first_published, last_published] = fields;
        let g = pending.get_or_insert_with(OfficialGroup::default);
        g.region = g.region.or(region.id());
        g.articles.count += articles.int().map_or(0, |n| n as u32);
        g.mentions += mentions.int().map_or(0, |n| n as u32);
        names.keep(&mut g.first_published, first_published.id(), true);
        names.keep(&mut g.last_published, last_published.id(), false);

        order.remove(0);
        if runs[first].advance()? {
            let at = order.partition_point(|&i| runs[i].order() <= runs[first].order());
            order.insert(at, first);
        }
    }
    if let Some(g) = pending.take() {
        chunk.push(key.iter().map(|k| k.as_deref()), &g, names);
    }
    emit(OFFICIALS_BY_REGION, chunk.frame()?, true)
}

/// Appends to `out` a byte string that sorts, byte by byte, as `order` sorts the key's
/// fields: (field, nulls last) pairs, ascending, nulls first where not last (as polars' SQL
/// puts them). Text is escaped (a zero byte becomes 0x00 0xFF) and ends in 0x00 0x00, so a
/// text sorts before every longer text it begins; equal strings come from equal keys.
fn order_key(fields: &[Value<'_>], order: &[(usize, bool)], out: &mut Vec<u8>) {
    for &(i, nulls_last) in order {
        match fields.get(i).copied().unwrap_or(Value::Text(None)) {
            Value::Text(Some(t)) => {
                out.push(1);
                for &b in t.as_bytes() {
                    out.push(b);
                    if b == 0 {
                        out.push(0xFF);
                    }
                }
                out.extend_from_slice(&[0, 0]);
            }
            Value::Int(Some(n)) => {
                out.push(1);
                out.extend_from_slice(&((n as u64) ^ (1 << 63)).to_be_bytes());
            }
            Value::Text(None) | Value::Int(None) => out.push(if nulls_last { 2 } else { 0 }),
        }
    }
}

/// A group in its aggregate's order: its order key ([`order_key`]), its packed key and its
/// state.
struct Sorted<'g, A> {
    order: Vec<u8>,
    key: &'g [u8],
    group: &'g A,
}

impl<'g, A> Sorted<'g, A> {
    /// Key field `i`.
    fn field(&self, i: usize) -> Value<'g> {
        segments::<8>(self.key)
            .get(i)
            .map_or(Value::Text(None), |segment| field(segment))
    }
}

/// Each group, sorted by `order` (see [`order_key`]).
fn sorted<'g, A: Default>(groups: &'g Table<A>, order: &[(usize, bool)]) -> Vec<Sorted<'g, A>> {
    let mut fields = Vec::new();
    let mut rows: Vec<Sorted<'g, A>> = groups
        .iter()
        .map(|(key, group)| {
            fields.clear();
            fields.extend(Fields(key));
            let mut order_bytes = Vec::with_capacity(key.len());
            order_key(&fields, order, &mut order_bytes);
            Sorted {
                order: order_bytes,
                key,
                group,
            }
        })
        .collect();
    rows.sort_unstable_by(|a, b| a.order.cmp(&b.order));
    rows
}

fn key_text<'g, A>(rows: &[Sorted<'g, A>], i: usize) -> Vec<Option<&'g str>> {
    rows.iter().map(|r| r.field(i).text()).collect()
}

fn key_int<A>(rows: &[Sorted<'_, A>], i: usize) -> Vec<Option<i64>> {
    rows.iter().map(|r| r.field(i).int()).collect()
}

fn texts<'g, A>(
    rows: &[Sorted<'g, A>],
    f: impl Fn(&'g A) -> Option<&'g str>,
) -> Vec<Option<&'g str>> {
    rows.iter().map(|r| f(r.group)).collect()
}

fn ints<A>(rows: &[Sorted<'_, A>], f: impl Fn(&A) -> u32) -> Vec<i64> {
    rows.iter().map(|r| i64::from(f(r.group))).collect()
}

fn floats<A>(rows: &[Sorted<'_, A>], f: impl Fn(&A) -> f64) -> Vec<f64> {
    rows.iter().map(|r| f(r.group)).collect()
}

fn region_cycle_frame(groups: &Table<RegionCycle>, names: &Interner) -> PolarsResult<DataFrame> {
    // Key: level, province_code, region_code, cycle, activity_type.
    let rows = sorted(groups, &[(1, true), (2, true), (3, false), (4, false)]);
    DataFrame::new(
        rows.len(),
        vec![
            Column::new("level".into(), key_text(&rows, 0)),
            Column::new("province_code".into(), key_text(&rows, 1)),
            Column::new("province".into(), texts(&rows, |a| names.get(a.province))),
            Column::new("region_code".into(), key_text(&rows, 2)),
            Column::new("region".into(), texts(&rows, |a| names.get(a.region))),
            Column::new("cycle".into(), key_text(&rows, 3)),
            Column::new("activity_type".into(), key_text(&rows, 4)),
            Column::new("articles".into(), ints(&rows, |a| a.articles.count)),
            Column::new("events".into(), ints(&rows, |a| a.events)),
            Column::new("pledgers".into(), floats(&rows, |a| a.pledgers)),
            Column::new("participants".into(), floats(&rows, |a| a.participants)),
            Column::new("violations".into(), floats(&rows, |a| a.violations)),
            Column::new("sanctioned".into(), floats(&rows, |a| a.sanctioned)),
            Column::new(
                "first_date".into(),
                texts(&rows, |a| names.get(a.first_date)),
            ),
            Column::new("last_date".into(), texts(&rows, |a| names.get(a.last_date))),
        ],
    )
}

fn instruments_frame(groups: &Table<InstrumentGroup>) -> PolarsResult<DataFrame> {
    // Key: cycle, instrument_type, number, year.
    let rows = sorted(groups, &[(0, false), (1, false), (2, true), (3, true)]);
    DataFrame::new(
        rows.len(),
        vec![
            Column::new("cycle".into(), key_text(&rows, 0)),
            Column::new("instrument_type".into(), key_text(&rows, 1)),
            Column::new("number".into(), key_text(&rows, 2)),
            Column::new("year".into(), key_int(&rows, 3)),
            Column::new("issuer".into(), texts(&rows, |a| a.issuer.as_deref())),
            Column::new("subject".into(), texts(&rows, |a| a.subject.as_deref())),
            Column::new("articles".into(), ints(&rows, |a| a.articles.count)),
            Column::new("mentions".into(), ints(&rows, |a| a.mentions)),
        ],
    )
}

fn month_frame(groups: &Table<Month>) -> PolarsResult<DataFrame> {
    // Key: month, cycle, activity_type.
    let rows = sorted(groups, &[(0, false), (1, false), (2, false)]);
    DataFrame::new(
        rows.len(),
        vec![
            Column::new("month".into(), key_text(&rows, 0)),
            Column::new("cycle".into(), key_text(&rows, 1)),
            Column::new("activity_type".into(), key_text(&rows, 2)),
            Column::new("articles".into(), ints(&rows, |a| a.articles.count)),
            Column::new("events".into(), ints(&rows, |a| a.events)),
            Column::new("pledgers".into(), floats(&rows, |a| a.pledgers)),
        ],
    )
}

fn summary_frame(groups: &Table<Summary>, names: &Interner) -> PolarsResult<DataFrame> {
    // Key: province_code, cycle.
    let rows = sorted(groups, &[(0, true), (1, false)]);
    DataFrame::new(
        rows.len(),
        vec![
            Column::new("province_code".into(), key_text(&rows, 0)),
            Column::new("province".into(), texts(&rows, |a| names.get(a.province))),
            Column::new("cycle".into(), key_text(&rows, 1)),
            Column::new("articles".into(), ints(&rows, |a| a.articles.count)),
            Column::new("pledge_events".into(), ints(&rows, |a| a.pledge_events)),
            Column::new("pledgers".into(), floats(&rows, |a| a.pledgers)),
            Column::new(
                "pledge_events_counted".into(),
                ints(&rows, |a| a.pledge_events_counted),
            ),
            Column::new(
                "violation_events".into(),
                ints(&rows, |a| a.violation_events),
            ),
            Column::new("violations".into(), floats(&rows, |a| a.violations)),
            Column::new("sanction_events".into(), ints(&rows, |a| a.sanction_events)),
            Column::new("sanctions".into(), floats(&rows, |a| a.sanctions)),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_back_as_packed() {
        let mut k = KeyBuf::default();
        k.start()
            .text(Some("61.05"))
            .text(None)
            .int(Some(-3))
            .int(None)
            .text(Some(""));
        assert_eq!(
            Fields(&k.0).collect::<Vec<_>>(),
            vec![
                Value::Text(Some("61.05")),
                Value::Text(None),
                Value::Int(Some(-3)),
                Value::Text(None),
                Value::Text(Some("")),
            ]
        );
    }

    /// Order keys sort as the fields do: text by bytes with a prefix first and zero bytes
    /// in place, integers by value, nulls where the order puts them.
    #[test]
    fn order_keys_sort_as_their_fields() {
        let keys = |fields: &[Value<'_>], order: &[(usize, bool)]| {
            let mut out = Vec::new();
            order_key(fields, order, &mut out);
            out
        };
        let texts = [
            None,
            Some(""),
            Some("\0"),
            Some("\0a"),
            Some("a"),
            Some("a\0"),
            Some("ab"),
            Some("b"),
        ];
        for (i, x) in texts.iter().enumerate() {
            for (j, y) in texts.iter().enumerate() {
                let (kx, ky) = (
                    keys(&[Value::Text(*x)], &[(0, false)]),
                    keys(&[Value::Text(*y)], &[(0, false)]),
                );
                assert_eq!(kx.cmp(&ky), i.cmp(&j), "{x:?} vs {y:?}");
            }
        }
        let ints = [
            None,
            Some(i64::MIN),
            Some(-1),
            Some(0),
            Some(7),
            Some(i64::MAX),
        ];
        for (i, x) in ints.iter().enumerate() {
            for (j, y) in ints.iter().enumerate() {
                let (kx, ky) = (
                    keys(&[Value::Int(*x)], &[(0, false)]),
                    keys(&[Value::Int(*y)], &[(0, false)]),
                );
                assert_eq!(kx.cmp(&ky), i.cmp(&j), "{x:?} vs {y:?}");
            }
        }
        // Nulls last; the second field decides between equal first fields; "a" then "b"
        // never sorts as the single text "ab".
        let a_null = keys(
            &[Value::Text(Some("a")), Value::Text(None)],
            &[(0, true), (1, true)],
        );
        let a_b = keys(
            &[Value::Text(Some("a")), Value::Text(Some("b"))],
            &[(0, true), (1, true)],
        );
        let null_a = keys(
            &[Value::Text(None), Value::Text(Some("a"))],
            &[(0, true), (1, true)],
        );
        let ab_null = keys(
            &[Value::Text(Some("ab")), Value::Text(None)],
            &[(0, true), (1, true)],
        );
        assert!(a_b < a_null && a_null < ab_null && ab_null < null_a);
    }

    /// A key's segments copy into another key field for field.
    #[test]
    fn segments_are_whole_fields() {
        let mut k = KeyBuf::default();
        k.start()
            .text(Some("Pemilu 2024"))
            .text(None)
            .int(Some(7))
            .text(Some(""));
        let [a, b, c, d, past] = segments(&k.0);
        assert_eq!(field(a), Value::Text(Some("Pemilu 2024")));
        assert_eq!(field(b), Value::Text(None));
        assert_eq!(field(c), Value::Int(Some(7)));
        assert_eq!(field(d), Value::Text(Some("")));
        assert!(past.is_empty());
        let mut again = KeyBuf::default();
        again.start().raw(d).raw(a);
        let mut want = KeyBuf::default();
        want.start().text(Some("")).text(Some("Pemilu 2024"));
        assert_eq!(again.0, want.0);
    }

    #[test]
    fn distinct_articles_count_each_article_once() {
        let mut a = Articles::default();
        for serial in [1, 1, 2, 2, 2, 5] {
            a.add(serial);
        }
        assert_eq!(a.count, 3);
        // Consecutive numbers across u32's range still count each new article once, the
        // first one included.
        let max = u64::from(u32::MAX);
        let mut b = Articles::default();
        for serial in [max - 1, max, max, max + 1] {
            b.add(serial);
        }
        assert_eq!(b.count, 3);
        let mut c = Articles::default();
        c.add(1 << 32);
        assert_eq!(c.count, 1, "an article numbered 2^32 is not taken for none");
    }

    #[test]
    fn nulls_sort_where_the_order_says() {
        let mut groups: Table<()> = Table::new();
        let mut k = KeyBuf::default();
        for code in [Some("62"), None, Some("61")] {
            k.start().text(code);
            groups.get(&k.0);
        }
        let last: Vec<_> = sorted(&groups, &[(0, true)])
            .iter()
            .map(|r| r.field(0).text())
            .collect();
        assert_eq!(last, vec![Some("61"), Some("62"), None]);
        let first: Vec<_> = sorted(&groups, &[(0, false)])
            .iter()
            .map(|r| r.field(0).text())
            .collect();
        assert_eq!(first, vec![None, Some("61"), Some("62")]);
    }
}
