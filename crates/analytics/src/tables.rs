//! The fact tables: their schemas, and how one article's facts become rows.
//!
//! A table is a name and a fixed list of typed columns ([`TableDef`]). Rows are built as
//! borrowed [`Cell`]s in column order and appended straight into typed column builders of a
//! [`Buffer`] until the sink flushes them as one chunk ([`Buffer::take_frame`]).

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

/// One cell of a row, borrowed from the facts (or from a local the row builder computed).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Cell<'a> {
    Str(Option<&'a str>),
    Int(Option<i64>),
    Float(Option<f64>),
    Bool(Option<bool>),
}

fn s(v: &str) -> Cell<'_> {
    Cell::Str(Some(v))
}
fn os(v: Option<&str>) -> Cell<'_> {
    Cell::Str(v)
}
fn int(v: usize) -> Cell<'static> {
    Cell::Int(i64::try_from(v).ok())
}
fn oint(v: Option<usize>) -> Cell<'static> {
    Cell::Int(v.and_then(|v| i64::try_from(v).ok()))
}
fn b(v: bool) -> Cell<'static> {
    Cell::Bool(Some(v))
}

/// One column of buffered rows, appended in place (no per-cell allocation).
enum ColBuf {
    Str(StringChunkedBuilder),
    Int(PrimitiveChunkedBuilder<Int64Type>),
    Float(PrimitiveChunkedBuilder<Float64Type>),
    Bool(BooleanChunkedBuilder),
}

impl ColBuf {
    fn new(name: &str, kind: Kind, capacity: usize) -> Self {
        let name: PlSmallStr = name.into();
        match kind {
            Kind::Str => ColBuf::Str(StringChunkedBuilder::new(name, capacity)),
            Kind::Int => ColBuf::Int(PrimitiveChunkedBuilder::new(name, capacity)),
            Kind::Float => ColBuf::Float(PrimitiveChunkedBuilder::new(name, capacity)),
            Kind::Bool => ColBuf::Bool(BooleanChunkedBuilder::new(name, capacity)),
        }
    }

    fn push(&mut self, cell: Option<&Cell<'_>>) {
        match (self, cell) {
            (ColBuf::Str(v), Some(Cell::Str(x))) => v.append_option(*x),
            (ColBuf::Int(v), Some(Cell::Int(x))) => v.append_option(*x),
            (ColBuf::Float(v), Some(Cell::Float(x))) => v.append_option(*x),
            (ColBuf::Bool(v), Some(Cell::Bool(x))) => v.append_option(*x),
            (col, _) => {
                debug_assert!(false, "cell type mismatch");
                match col {
                    ColBuf::Str(v) => v.append_null(),
                    ColBuf::Int(v) => v.append_null(),
                    ColBuf::Float(v) => v.append_null(),
                    ColBuf::Bool(v) => v.append_null(),
                }
            }
        }
    }

    fn finish(self) -> Column {
        match self {
            ColBuf::Str(v) => v.finish().into_column(),
            ColBuf::Int(v) => v.finish().into_column(),
            ColBuf::Float(v) => v.finish().into_column(),
            ColBuf::Bool(v) => v.finish().into_column(),
        }
    }
}

/// Column-wise buffer of one table's rows that have not been written yet.
pub(crate) struct Buffer {
    pub def: &'static TableDef,
    cols: Vec<ColBuf>,
    rows: usize,
    capacity: usize,
}

impl Buffer {
    /// An empty buffer that reserves room for `capacity` rows at a time.
    pub fn new(def: &'static TableDef, capacity: usize) -> Self {
        Buffer {
            def,
            cols: Self::empty_cols(def, capacity),
            rows: 0,
            capacity,
        }
    }

    fn empty_cols(def: &TableDef, capacity: usize) -> Vec<ColBuf> {
        def.columns
            .iter()
            .map(|(n, k)| ColBuf::new(n, *k, capacity))
            .collect()
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Appends one row. The row is built by this module against the table's own definition,
    /// so a length or type mismatch is a bug here; it is caught in debug builds, and a
    /// mismatched cell is stored as null rather than corrupting the columns.
    pub fn push(&mut self, row: &[Cell<'_>]) {
        debug_assert_eq!(
            row.len(),
            self.cols.len(),
            "row width for {}",
            self.def.name
        );
        for (i, col) in self.cols.iter_mut().enumerate() {
            col.push(row.get(i));
        }
        self.rows += 1;
    }

    /// Moves the buffered rows out as a DataFrame and empties the buffer.
    pub fn take_frame(&mut self) -> PolarsResult<DataFrame> {
        let height = self.rows;
        let cols = std::mem::replace(&mut self.cols, Self::empty_cols(self.def, self.capacity));
        self.rows = 0;
        DataFrame::new(height, cols.into_iter().map(ColBuf::finish).collect())
    }
}

/// Receives each row an article contributes: the table's index in [`FACT_TABLES`] and the
/// row's cells in column order.
pub(crate) type Emit<'e> = dyn FnMut(usize, &[Cell<'_>]) -> PolarsResult<()> + 'e;

/// Passes the rows one article contributes to each fact table to `emit`, table by table in
/// [`FACT_TABLES`] order (mention tables in mention order).
pub(crate) fn article_rows(
    article: &Article,
    facts: &ArticleFacts,
    emit: &mut Emit<'_>,
) -> PolarsResult<()> {
    let (cluster_id, representative) = match &article.cluster {
        Some(c) => (c.id.as_str(), c.representative),
        None => (article.id.as_str(), true),
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
    let cycles_joined = cycle_labels.join(";");
    let line = article.provenance.line.and_then(|l| i64::try_from(l).ok());
    emit(
        0,
        &[
            s(&article.id),
            s(&article.provenance.path),
            Cell::Int(line),
            s(outlet_kind(article.outlet.kind)),
            os(article.outlet.name.as_deref()),
            os(article.title.as_deref()),
            os(published.as_deref()),
            os(published_precision),
            os(published_source),
            os(primary.map(|r| &*r.code)),
            os(primary.map(|r| &*r.name)),
            os(primary.map(|r| &*r.province_code)),
            os(primary.map(|r| &*r.province_name)),
            s(&cycles_joined),
            s(cluster_id),
            b(representative),
            int(article.paragraphs.len()),
            int(article.removed.len()),
        ],
    )?;

    let article_cycle_labels: Vec<&str> = if cycle_labels.is_empty() {
        vec![""]
    } else {
        cycle_labels.iter().map(String::as_str).collect()
    };
    for label in article_cycle_labels {
        emit(
            1,
            &[
                s(&article.id),
                s(cluster_id),
                b(representative),
                os(primary.map(|r| &*r.province_code)),
                os(primary.map(|r| &*r.province_name)),
                s(label),
            ],
        )?;
    }

    // The span columns every mention table starts with, and the two it ends with.
    macro_rules! mention_row {
        ($m:expr, [$($cell:expr),* $(,)?]) => {
            [
                s(&article.id),
                int($m.span.paragraph),
                int($m.span.start),
                int($m.span.end),
                s(&$m.text),
                $($cell,)*
                s(&$m.evidence),
                s(&$m.rule),
            ]
        };
    }

    for m in &facts.mentions {
        match &m.value {
            MentionValue::Official(o) => {
                let code = o.region_code.as_deref();
                let region_name = code.and_then(|c| regions.name(c));
                let province = code.map(province_of);
                let row = mention_row!(
                    m,
                    [
                        os(o.modifier.map(|m| m.as_str())),
                        s(&o.title),
                        os(o.body.as_deref()),
                        os(code),
                        os(region_name),
                        os(province),
                        os(o.name.as_deref()),
                        oint(o.person),
                    ]
                );
                emit(2, &row)?;
            }
            MentionValue::Region(r) => {
                let row = mention_row!(
                    m,
                    [
                        s(&r.code),
                        s(&r.name),
                        s(r.level.as_str()),
                        s(&r.province_code),
                        s(&r.province_name),
                        s(region_role(r)),
                    ]
                );
                emit(3, &row)?;
            }
            MentionValue::Date(d) => {
                let row = mention_row!(
                    m,
                    [
                        s(&d.iso),
                        s(d.precision.as_str()),
                        s(date_anchor(d.anchor)),
                        b(d.weekday_conflict),
                        b(d.chrome),
                    ]
                );
                emit(4, &row)?;
            }
            MentionValue::Count(c) => {
                let row = mention_row!(
                    m,
                    [
                        Cell::Float(c.value),
                        b(c.approximate),
                        s(&c.noun),
                        s(c.role.as_str()),
                    ]
                );
                emit(5, &row)?;
            }
            MentionValue::LegalInstrument(l) => {
                let issued = l.issued.map(|d| d.iso());
                let row = mention_row!(
                    m,
                    [
                        s(&l.instrument_type),
                        os(l.number.as_deref()),
                        Cell::Int(l.year.map(i64::from)),
                        os(l.issuer.as_deref()),
                        os(l.subject.as_deref()),
                        os(issued.as_deref()),
                        int(l.instrument),
                    ]
                );
                emit(6, &row)?;
            }
            MentionValue::Activity(a) => {
                activity_row(
                    article,
                    facts,
                    m,
                    a,
                    cluster_id,
                    representative,
                    &regions,
                    emit,
                )?;
            }
            MentionValue::ElectionCycle(_) => {}
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn activity_row(
    article: &Article,
    facts: &ArticleFacts,
    m: &Mention,
    a: &Activity,
    cluster_id: &str,
    representative: bool,
    regions: &RegionIndex<'_>,
    emit: &mut Emit<'_>,
) -> PolarsResult<()> {
    // The activity's own region, else the article's primary region.
    let (code, name, level, province_code, province_name) = match a.region_code.as_deref() {
        Some(code) => {
            let province_code = province_of(code);
            (
                Some(code),
                regions.name(code),
                Some(regions.level(code)),
                Some(province_code),
                regions.name(province_code),
            )
        }
        None => match &facts.primary_region {
            Some(r) => (
                Some(&*r.code),
                Some(&*r.name),
                Some(r.level.as_str()),
                Some(&*r.province_code),
                Some(&*r.province_name),
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
    // `Name (Modifier Title)`, pushed piece by piece: `format!` costs several times as much on
    // every activity row.
    let official = a.person.and_then(|i| facts.persons.get(i)).map(|p| {
        let mut s = String::with_capacity(p.name.len() + p.title.len() + 16);
        s.push_str(&p.name);
        s.push_str(" (");
        if let Some(m) = p.modifier {
            s.push_str(m.as_str());
            s.push(' ');
        }
        s.push_str(&p.title);
        s.push(')');
        s
    });
    emit(
        7,
        &[
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
            s(&cycle),
            os(date.as_deref()),
            os(precision.map(Precision::as_str)),
            os(date_source),
            Cell::Float(a.count),
            os(a.count_role.map(|r| r.as_str())),
            os(official.as_deref()),
            s(&m.evidence),
            s(&m.rule),
        ],
    )
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
            by_code.entry(&*r.code).or_insert(r);
            province_names
                .entry(&*r.province_code)
                .or_insert(&*r.province_name);
        }
        RegionIndex {
            by_code,
            province_names,
        }
    }
    /// The official name of the region with this code: the gazetteer's, else the one the
    /// article gives. Every row of a run thus names a code the same way, which the aggregates
    /// rely on (they take any one of a code's names with `FIRST`).
    fn name(&self, code: &str) -> Option<&'a str> {
        if let Some(r) = warta_gazetteer::gazetteer().by_code(code) {
            return Some(r.name);
        }
        match self.by_code.get(code) {
            Some(r) => Some(&*r.name),
            None => self.province_names.get(code).copied(),
        }
    }

    /// The level of the region with this code: the gazetteer's, else the article's, else what
    /// the code's shape suggests.
    fn level(&self, code: &str) -> &'static str {
        if let Some(r) = warta_gazetteer::gazetteer().by_code(code) {
            return r.level.as_str();
        }
        match self.by_code.get(code) {
            Some(r) => r.level.as_str(),
            None => level_of(code),
        }
    }
}

/// The province part of a Kemendagri code: `61.05` -> `61`.
fn province_of(code: &str) -> &str {
    code.split('.').next().unwrap_or(code)
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
