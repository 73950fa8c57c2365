//! The fact tables: their schemas, and how one article's facts become rows.
//!
//! A table is a name and a fixed list of typed columns ([`TableDef`]). Rows are built as
//! `Vec<Value>` in column order and buffered column-wise in a [`Buffer`] until the sink flushes
//! them as one chunk ([`Buffer::take_frame`]).

use std::collections::HashMap;

use polars::prelude::*;
use warta_core::{
    Activity, Article, ArticleFacts, Mention, MentionValue, OutletKind, Precision, PublishedSource,
    RegionRef,
};

/// The type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Str,
    Int,
    Float,
    Bool,
}

impl Kind {
    fn dtype(self) -> DataType {
        match self {
            Kind::Str => DataType::String,
            Kind::Int => DataType::Int64,
            Kind::Float => DataType::Float64,
            Kind::Bool => DataType::Boolean,
        }
    }
}

/// A fact table: its file name (without extension) and its columns in order.
#[derive(Debug)]
pub(crate) struct TableDef {
    pub name: &'static str,
    pub columns: &'static [(&'static str, Kind)],
}

impl TableDef {
    pub fn schema(&self) -> Schema {
        self.columns
            .iter()
            .map(|(n, k)| Field::new((*n).into(), k.dtype()))
            .collect()
    }
}

use Kind::{Bool, Float, Int, Str};

/// The span columns every mention table starts with.
macro_rules! mention_table {
    ($name:literal, [$(($col:literal, $kind:expr)),* $(,)?]) => {
        TableDef {
            name: $name,
            columns: &[
                ("article_id", Str),
                ("paragraph", Int),
                ("start", Int),
                ("end", Int),
                ("text", Str),
                $(($col, $kind),)*
                ("evidence", Str),
                ("rule", Str),
            ],
        }
    };
}

pub(crate) const ARTICLES: TableDef = TableDef {
    name: "articles",
    columns: &[
        ("article_id", Str),
        ("source_path", Str),
        ("source_line", Int),
        ("outlet", Str),
        ("outlet_name", Str),
        ("title", Str),
        ("published", Str),
        ("published_precision", Str),
        ("published_source", Str),
        ("primary_region_code", Str),
        ("primary_region_name", Str),
        ("province_code", Str),
        ("province_name", Str),
        ("cycles", Str),
        ("cluster_id", Str),
        ("cluster_representative", Bool),
        ("paragraphs_kept", Int),
        ("paragraphs_removed", Int),
    ],
};

pub(crate) const ARTICLE_CYCLES: TableDef = TableDef {
    name: "article_cycles",
    columns: &[
        ("article_id", Str),
        ("cluster_id", Str),
        ("cluster_representative", Bool),
        ("province_code", Str),
        ("province_name", Str),
        ("cycle", Str),
    ],
};

pub(crate) const OFFICIALS: TableDef = mention_table!(
    "officials",
    [
        ("modifier", Str),
        ("title", Str),
        ("body", Str),
        ("region_code", Str),
        ("region_name", Str),
        ("province_code", Str),
        ("name", Str),
        ("person", Int),
    ]
);

pub(crate) const REGIONS: TableDef = mention_table!(
    "regions",
    [
        ("code", Str),
        ("name", Str),
        ("level", Str),
        ("province_code", Str),
        ("province_name", Str),
        ("role", Str),
    ]
);

pub(crate) const DATES: TableDef = mention_table!(
    "dates",
    [
        ("iso", Str),
        ("precision", Str),
        ("anchor", Str),
        ("weekday_conflict", Bool),
        ("chrome", Bool),
    ]
);

pub(crate) const COUNTS: TableDef = mention_table!(
    "counts",
    [
        ("value", Float),
        ("approximate", Bool),
        ("noun", Str),
        ("role", Str)
    ]
);

pub(crate) const INSTRUMENTS: TableDef = mention_table!(
    "instruments",
    [
        ("instrument_type", Str),
        ("number", Str),
        ("year", Int),
        ("issuer", Str),
        ("subject", Str),
        ("issued", Str),
        ("instrument", Int),
    ]
);

pub(crate) const ACTIVITIES: TableDef = TableDef {
    name: "activities",
    columns: &[
        ("article_id", Str),
        ("cluster_id", Str),
        ("cluster_representative", Bool),
        ("paragraph", Int),
        ("start", Int),
        ("end", Int),
        ("activity_type", Str),
        ("region_code", Str),
        ("region_name", Str),
        ("region_level", Str),
        ("province_code", Str),
        ("province_name", Str),
        ("cycle", Str),
        ("date", Str),
        ("date_precision", Str),
        ("date_source", Str),
        ("count", Float),
        ("count_role", Str),
        ("official", Str),
        ("evidence", Str),
        ("rule", Str),
    ],
};

/// Every fact table, in the order the sink writes them.
pub(crate) const FACT_TABLES: [&TableDef; 8] = [
    &ARTICLES,
    &ARTICLE_CYCLES,
    &OFFICIALS,
    &REGIONS,
    &DATES,
    &COUNTS,
    &INSTRUMENTS,
    &ACTIVITIES,
];

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Str(Option<String>),
    Int(Option<i64>),
    Float(Option<f64>),
    Bool(Option<bool>),
}

fn s(v: impl Into<String>) -> Value {
    Value::Str(Some(v.into()))
}
fn os<S: Into<String>>(v: Option<S>) -> Value {
    Value::Str(v.map(Into::into))
}
fn int(v: usize) -> Value {
    Value::Int(i64::try_from(v).ok())
}
fn oint(v: Option<usize>) -> Value {
    Value::Int(v.and_then(|v| i64::try_from(v).ok()))
}
fn b(v: bool) -> Value {
    Value::Bool(Some(v))
}

/// Column-wise buffer of one table's rows that have not been written yet.
pub(crate) enum ColBuf {
    Str(Vec<Option<String>>),
    Int(Vec<Option<i64>>),
    Float(Vec<Option<f64>>),
    Bool(Vec<Option<bool>>),
}

pub(crate) struct Buffer {
    pub def: &'static TableDef,
    cols: Vec<ColBuf>,
    rows: usize,
}

impl Buffer {
    pub fn new(def: &'static TableDef) -> Self {
        let cols = def
            .columns
            .iter()
            .map(|(_, k)| Self::empty_col(*k))
            .collect();
        Buffer { def, cols, rows: 0 }
    }

    fn empty_col(kind: Kind) -> ColBuf {
        match kind {
            Kind::Str => ColBuf::Str(Vec::new()),
            Kind::Int => ColBuf::Int(Vec::new()),
            Kind::Float => ColBuf::Float(Vec::new()),
            Kind::Bool => ColBuf::Bool(Vec::new()),
        }
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Appends one row. The row is built by this module against the table's own definition,
    /// so a length or type mismatch is a bug here; it is caught in debug builds, and a
    /// mismatched cell is stored as null rather than corrupting the columns.
    pub fn push(&mut self, row: Vec<Value>) {
        debug_assert_eq!(
            row.len(),
            self.cols.len(),
            "row width for {}",
            self.def.name
        );
        let mut cells = row.into_iter();
        for col in &mut self.cols {
            let cell = cells.next();
            match (col, cell) {
                (ColBuf::Str(v), Some(Value::Str(x))) => v.push(x),
                (ColBuf::Int(v), Some(Value::Int(x))) => v.push(x),
                (ColBuf::Float(v), Some(Value::Float(x))) => v.push(x),
                (ColBuf::Bool(v), Some(Value::Bool(x))) => v.push(x),
                (col, other) => {
                    debug_assert!(other.is_none(), "cell type in {}", self.def.name);
                    match col {
                        ColBuf::Str(v) => v.push(None),
                        ColBuf::Int(v) => v.push(None),
                        ColBuf::Float(v) => v.push(None),
                        ColBuf::Bool(v) => v.push(None),
                    }
                }
            }
        }
        self.rows += 1;
    }

    /// Moves the buffered rows out as a DataFrame and empties the buffer.
    pub fn take_frame(&mut self) -> PolarsResult<DataFrame> {
        let height = self.rows;
        let mut columns = Vec::with_capacity(self.cols.len());
        for ((name, kind), col) in self.def.columns.iter().zip(self.cols.iter_mut()) {
            let name: PlSmallStr = (*name).into();
            let c = match std::mem::replace(col, Self::empty_col(*kind)) {
                ColBuf::Str(v) => Column::new(name, v),
                ColBuf::Int(v) => Column::new(name, v),
                ColBuf::Float(v) => Column::new(name, v),
                ColBuf::Bool(v) => Column::new(name, v),
            };
            columns.push(c);
        }
        self.rows = 0;
        DataFrame::new(height, columns)
    }
}

/// The rows one article contributes to each fact table, in [`FACT_TABLES`] order.
pub(crate) fn article_rows(article: &Article, facts: &ArticleFacts) -> [Vec<Vec<Value>>; 8] {
    let mut out: [Vec<Vec<Value>>; 8] = Default::default();
    let (cluster_id, representative) = match &article.cluster {
        Some(c) => (c.id.clone(), c.representative),
        None => (article.id.clone(), true),
    };
    let cycle_labels: Vec<String> = facts.cycles.iter().map(|c| c.label()).collect();
    let primary = facts.primary_region.as_ref();
    let regions = RegionIndex::new(facts);

    let (published, published_precision, published_source) = match &article.published {
        Some(p) => (
            Some(p.date.iso()),
            Some(p.date.precision().as_str()),
            Some(published_source(p.source)),
        ),
        None => (None, None, None),
    };
    out[0].push(vec![
        s(&article.id),
        s(&article.provenance.path),
        Value::Int(article.provenance.line.and_then(|l| i64::try_from(l).ok())),
        s(outlet_kind(article.outlet.kind)),
        os(article.outlet.name.clone()),
        os(article.title.clone()),
        os(published.clone()),
        os(published_precision),
        os(published_source),
        os(primary.map(|r| r.code.clone())),
        os(primary.map(|r| r.name.clone())),
        os(primary.map(|r| r.province_code.clone())),
        os(primary.map(|r| r.province_name.clone())),
        s(cycle_labels.join(";")),
        s(&cluster_id),
        b(representative),
        int(article.paragraphs.len()),
        int(article.removed.len()),
    ]);

    let article_cycle_labels: Vec<&str> = if cycle_labels.is_empty() {
        vec![""]
    } else {
        cycle_labels.iter().map(String::as_str).collect()
    };
    for label in article_cycle_labels {
        out[1].push(vec![
            s(&article.id),
            s(&cluster_id),
            b(representative),
            os(primary.map(|r| r.province_code.clone())),
            os(primary.map(|r| r.province_name.clone())),
            s(label),
        ]);
    }

    for m in &facts.mentions {
        let head = || {
            vec![
                s(&article.id),
                int(m.span.paragraph),
                int(m.span.start),
                int(m.span.end),
                s(&m.text),
            ]
        };
        let tail = |mut row: Vec<Value>| {
            row.push(s(&m.evidence));
            row.push(s(&m.rule));
            row
        };
        match &m.value {
            MentionValue::Official(o) => {
                let code = o.region_code.as_deref();
                let mut row = head();
                row.extend([
                    os(o.modifier.map(|m| m.as_str())),
                    s(&o.title),
                    os(o.body.clone()),
                    os(code),
                    os(code.and_then(|c| regions.name(c))),
                    os(code.map(province_of)),
                    os(o.name.clone()),
                    oint(o.person),
                ]);
                out[2].push(tail(row));
            }
            MentionValue::Region(r) => {
                let mut row = head();
                row.extend([
                    s(&r.code),
                    s(&r.name),
                    s(r.level.as_str()),
                    s(&r.province_code),
                    s(&r.province_name),
                    s(region_role(r)),
                ]);
                out[3].push(tail(row));
            }
            MentionValue::Date(d) => {
                let mut row = head();
                row.extend([
                    s(&d.iso),
                    s(d.precision.as_str()),
                    s(date_anchor(d.anchor)),
                    b(d.weekday_conflict),
                    b(d.chrome),
                ]);
                out[4].push(tail(row));
            }
            MentionValue::Count(c) => {
                let mut row = head();
                row.extend([
                    Value::Float(c.value),
                    b(c.approximate),
                    s(&c.noun),
                    s(c.role.as_str()),
                ]);
                out[5].push(tail(row));
            }
            MentionValue::LegalInstrument(l) => {
                let mut row = head();
                row.extend([
                    s(&l.instrument_type),
                    os(l.number.clone()),
                    Value::Int(l.year.map(i64::from)),
                    os(l.issuer.clone()),
                    os(l.subject.clone()),
                    os(l.issued.map(|d| d.iso())),
                    int(l.instrument),
                ]);
                out[6].push(tail(row));
            }
            MentionValue::Activity(a) => {
                out[7].push(activity_row(
                    article,
                    facts,
                    m,
                    a,
                    &cluster_id,
                    representative,
                    &regions,
                ));
            }
            MentionValue::ElectionCycle(_) => {}
        }
    }
    out
}

fn activity_row(
    article: &Article,
    facts: &ArticleFacts,
    m: &Mention,
    a: &Activity,
    cluster_id: &str,
    representative: bool,
    regions: &RegionIndex<'_>,
) -> Vec<Value> {
    // The activity's own region, else the article's primary region.
    let (code, name, level, province_code, province_name) = match a.region_code.as_deref() {
        Some(code) => {
            let known = regions.get(code);
            let province_code = province_of(code);
            (
                Some(code.to_string()),
                known.map(|r| r.name.clone()),
                known
                    .map(|r| r.level.as_str())
                    .or_else(|| Some(level_of(code))),
                Some(province_code.clone()),
                known
                    .map(|r| r.province_name.clone())
                    .or_else(|| regions.name(&province_code)),
            )
        }
        None => match &facts.primary_region {
            Some(r) => (
                Some(r.code.clone()),
                Some(r.name.clone()),
                Some(r.level.as_str()),
                Some(r.province_code.clone()),
                Some(r.province_name.clone()),
            ),
            None => (None, None, None, None, None),
        },
    };
    let cycle = a
        .cycle
        .as_ref()
        .or_else(|| facts.cycles.first())
        .map(|c| c.label())
        .unwrap_or_default();
    let (date, precision, date_source) = match (&a.date, &article.published) {
        (Some(d), _) => (Some(d.iso()), Some(d.precision()), Some("activity")),
        (None, Some(p)) => (
            Some(p.date.iso()),
            Some(p.date.precision()),
            Some("published"),
        ),
        (None, None) => (None, None, None),
    };
    let official = a.person.and_then(|i| facts.persons.get(i)).map(|p| {
        let title = match p.modifier {
            Some(m) => format!("{} {}", m.as_str(), p.title),
            None => p.title.clone(),
        };
        format!("{} ({title})", p.name)
    });
    vec![
        s(&article.id),
        s(cluster_id),
        b(representative),
        int(m.span.paragraph),
        int(m.span.start),
        int(m.span.end),
        s(a.activity_type.as_str()),
        os(code),
        os(name),
        os(level),
        os(province_code),
        os(province_name),
        s(cycle),
        os(date),
        os(precision.map(Precision::as_str)),
        os(date_source),
        Value::Float(a.count),
        os(a.count_role.map(|r| r.as_str())),
        os(official),
        s(&m.evidence),
        s(&m.rule),
    ]
}

/// The regions an article names (its region mentions and primary region), by code.
struct RegionIndex<'a> {
    by_code: HashMap<&'a str, &'a RegionRef>,
    province_names: HashMap<&'a str, &'a str>,
}

impl<'a> RegionIndex<'a> {
    fn new(facts: &'a ArticleFacts) -> Self {
        let mut by_code = HashMap::new();
        let mut province_names = HashMap::new();
        let refs = facts
            .primary_region
            .iter()
            .chain(facts.mentions.iter().filter_map(|m| match &m.value {
                MentionValue::Region(r) => Some(r),
                _ => None,
            }));
        for r in refs {
            by_code.entry(r.code.as_str()).or_insert(r);
            province_names
                .entry(r.province_code.as_str())
                .or_insert(r.province_name.as_str());
        }
        RegionIndex {
            by_code,
            province_names,
        }
    }
    fn get(&self, code: &str) -> Option<&'a RegionRef> {
        self.by_code.get(code).copied()
    }
    fn name(&self, code: &str) -> Option<String> {
        match self.by_code.get(code) {
            Some(r) => Some(r.name.clone()),
            None => self.province_names.get(code).map(|n| n.to_string()),
        }
    }
}

/// The province part of a Kemendagri code: `61.05` -> `61`.
fn province_of(code: &str) -> String {
    code.split('.').next().unwrap_or(code).to_string()
}

/// The level a Kemendagri code shows: two parts are a regency or city (the code alone does
/// not tell which, so `regency` is a guess only used when the article never names the region).
fn level_of(code: &str) -> &'static str {
    if code.contains('.') {
        "regency"
    } else {
        "province"
    }
}

fn outlet_kind(k: OutletKind) -> &'static str {
    match k {
        OutletKind::Antara => "antara",
        OutletKind::Tribun => "tribun",
        OutletKind::GovernmentPress => "government_press",
        OutletKind::Other => "other",
    }
}

fn published_source(p: PublishedSource) -> &'static str {
    match p {
        PublishedSource::Metadata => "metadata",
        PublishedSource::Url => "url",
        PublishedSource::TextDate => "text_date",
        PublishedSource::CopyrightYear => "copyright_year",
    }
}

fn region_role(r: &RegionRef) -> &'static str {
    match r.role {
        warta_core::RegionRole::Dateline => "dateline",
        warta_core::RegionRole::Subject => "subject",
        warta_core::RegionRole::Other => "other",
    }
}

fn date_anchor(a: warta_core::DateAnchor) -> &'static str {
    match a {
        warta_core::DateAnchor::Explicit => "explicit",
        warta_core::DateAnchor::Published => "published",
        warta_core::DateAnchor::ArticleYear => "article_year",
        warta_core::DateAnchor::None => "none",
    }
}
