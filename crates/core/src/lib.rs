//! The types that flow between warta's stages.
//!
//! `ingest` turns raw input into [`Article`]s (cleaned paragraphs, what was removed and why,
//! provenance, syndication cluster). `extract` turns an article into [`ArticleFacts`]: a list of
//! [`Mention`]s, each with its kind, byte [`Span`] in the cleaned text, normalised value,
//! evidence sentence and the id of the rule that produced it. `analytics` turns facts into
//! tables. Every type here is serde-serialisable; the JSON forms are the on-disk schema of
//! `articles.jsonl`, `facts.jsonl` and `mentions.jsonl` and are documented in the README.
//!
//! Besides the types, one word table the stages share: the month names ([`months()`],
//! [`month_number`]: `Februari`, `Pebruari`, `Feb.`, `Nop` ...), embedded from
//! `data/months.json`. Ingest reads page dates with it; extract builds its date patterns
//! from it.
//!
//! ```
//! use warta_core::{Article, Paragraph, Span};
//! let mut a = Article::new("seed-000");
//! a.paragraphs.push(Paragraph::new(0, "Pj Bupati Barsel hadir.", Some(3)));
//! let span = Span::new(0, 0, 2);
//! assert_eq!(span.slice(&a), Some("Pj"));
//! ```

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

pub mod facts;
pub use facts::*;

mod months;
pub use months::{month_number, months, MonthNames};

/// Text that is most often one of the program's own strings, borrowed from it: a rule id, a
/// region's code or name from the gazetteer, a noun from a rule table. Owned when read back
/// from JSON. A mention carries several; borrowing them spares an allocation each.
pub type Label = Cow<'static, str>;

/// Where an article came from: the input file, and the line for JSON Lines inputs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// Path of the input file as given on the command line (or `-` for stdin).
    pub path: String,
    /// 1-based line number for JSON Lines inputs; `None` for one-article-per-file inputs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// Input format: `txt`, `jsonl`, `txt.gz`, `jsonl.gz`.
    pub format: String,
    /// Size of the raw article text in bytes, before cleaning.
    pub bytes: u64,
}

/// The kind of outlet an article was published by, as shown by the text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutletKind {
    /// ANTARA national news agency and its regional bureaus.
    Antara,
    /// Tribun network sites (TRIBUNKALTIM.CO, Tribunnews ...).
    Tribun,
    /// A regency/city/province government press page (`Berita Pemkab ...`, `(hms10/ NAW)`).
    GovernmentPress,
    /// Any other outlet.
    #[default]
    Other,
}

/// The outlet of an article: its kind and, when the text names it, its name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outlet {
    pub kind: OutletKind,
    /// e.g. `ANTARA News Kalimantan Barat`, `TRIBUNKALTIM.CO`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What showed the outlet: `copyright`, `dateline`, `source_field`, `signoff`, `section_label`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
}

/// The dateline at the head of a story: `Buntok (ANTARA) -`, `TRIBUNKALTIM.CO, SAMARINDA -`,
/// `Merdeka.com -`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dateline {
    /// The place the story was filed from, as written (`Buntok`, `SAMARINDA`); none when
    /// the dateline names the outlet alone (`Merdeka.com -`, `PIKIRAN RAKYAT -`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// The outlet named in the dateline, if any (`ANTARA`, `TRIBUNKALTIM.CO`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlet: Option<String>,
    /// The dateline prefix exactly as it stood in the raw text.
    pub raw: String,
}

/// How precise a date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    Day,
    Month,
    Year,
}

impl Precision {
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Day => "day",
            Precision::Month => "month",
            Precision::Year => "year",
        }
    }
}

/// A calendar date that may be partial: `2024-02-14` (day), `2023-05` (month), `2020` (year).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PartialDate {
    pub year: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<u8>,
}

impl PartialDate {
    pub fn year(year: i32) -> Self {
        PartialDate {
            year,
            month: None,
            day: None,
        }
    }
    pub fn month(year: i32, month: u8) -> Self {
        PartialDate {
            year,
            month: Some(month),
            day: None,
        }
    }
    pub fn day(year: i32, month: u8, day: u8) -> Self {
        PartialDate {
            year,
            month: Some(month),
            day: Some(day),
        }
    }
    pub fn precision(&self) -> Precision {
        match (self.month, self.day) {
            (Some(_), Some(_)) => Precision::Day,
            (Some(_), None) => Precision::Month,
            _ => Precision::Year,
        }
    }
    /// ISO 8601 form at this precision: `2024-02-14`, `2023-05`, `2020`.
    pub fn iso(&self) -> String {
        // Written digit by digit: the table writer asks for this form on most fact rows, and
        // `format!` costs several times as much.
        let Ok(year) = u32::try_from(self.year) else {
            return self.iso_formatted();
        };
        let mut s = String::with_capacity(10);
        push_padded(&mut s, year, 4);
        if let Some(m) = self.month {
            s.push('-');
            push_padded(&mut s, u32::from(m), 2);
            if let Some(d) = self.day {
                s.push('-');
                push_padded(&mut s, u32::from(d), 2);
            }
        }
        s
    }

    /// [`PartialDate::iso`] through `format!` (any year, negative ones too).
    fn iso_formatted(&self) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{:04}-{:02}-{:02}", self.year, m, d),
            (Some(m), None) => format!("{:04}-{:02}", self.year, m),
            _ => format!("{:04}", self.year),
        }
    }
}

/// Appends `n` in decimal, zero-padded to at least `width` digits: `{:0width$}`.
pub(crate) fn push_padded(out: &mut String, n: u32, width: usize) {
    let mut digits = [b'0'; 10];
    let mut at = digits.len();
    let mut rest = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    for _ in (digits.len() - at)..width {
        out.push('0');
    }
    for &d in &digits[at..] {
        out.push(char::from(d));
    }
}

/// How an article's publication date was found, from most to least certain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PublishedSource {
    /// The `published` field of a JSON Lines record.
    Metadata,
    /// A date in the URL (`/2024/11/07/`).
    Url,
    /// A date in the page's chrome above the story: tied to a byline or the outlet's name,
    /// or given with a time of day (`Kamis, 24 Oktober 2024 | 14:35 WIB`).
    PageDate,
    /// A full date next to the dateline or in the first paragraph (`Kamis (7/11/2024)`).
    TextDate,
    /// The year of a copyright line (`COPYRIGHT © ANTARA News Kalimantan Barat 2024`).
    CopyrightYear,
}

/// The publication date of an article, with how it was found and how sure that is (0..=1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Published {
    pub date: PartialDate,
    pub source: PublishedSource,
    pub confidence: f32,
}

/// One kept paragraph of cleaned text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paragraph {
    /// 0-based index among the kept paragraphs; spans refer to it.
    pub index: usize,
    pub text: String,
    /// 1-based line of the raw text it came from, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

impl Paragraph {
    pub fn new(index: usize, text: impl Into<String>, line: Option<usize>) -> Self {
        Paragraph {
            index,
            text: text.into(),
            line,
        }
    }
}

/// Why a line or paragraph was removed during cleaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemovalReason {
    /// `COPYRIGHT © ANTARA ...` and similar footers.
    Copyright,
    /// `Baca juga: ...` cross-links.
    CrossLink,
    /// Tribun related-article lists: `Title |`, `![]() |`, `---|`.
    RelatedList,
    /// `Isi komentar sepenuhnya adalah tanggung jawab pengguna ...`.
    CommentDisclaimer,
    /// Keyword line: `id pemkab barito selatan, penjabat bupati ...`.
    Keywords,
    /// `Penulis: A | Editor: B`, `Pewarta: X Editor : Y`.
    Byline,
    /// Photo caption: `... (ANTARA/Dokumentasi Pribadi)`.
    PhotoCaption,
    /// Section label: `Pilkada Kaltim 2024`, `Berita Pemkab Kutai Barat`.
    SectionLabel,
    /// The title at the head of the text (kept as metadata), or a repeat of it.
    Title,
    /// A standfirst/summary line that the first body paragraph repeats.
    Standfirst,
    /// Sign-off initials: `(hms10/ NAW)`, `(Ant)`.
    Signoff,
    /// Page chrome: a date line above the story, `&nbsp;`, a lone bullet.
    PageChrome,
    /// Empty or whitespace-only line.
    Blank,
    /// The same paragraph again (after normalising whitespace, quotes and Unicode).
    ExactRepeat,
    /// Nearly the same paragraph again (a word or two changed).
    NearRepeat,
    /// A truncated copy of an earlier paragraph.
    TruncatedRepeat,
}

impl RemovalReason {
    pub fn as_str(self) -> &'static str {
        match self {
            RemovalReason::Copyright => "copyright",
            RemovalReason::CrossLink => "cross_link",
            RemovalReason::RelatedList => "related_list",
            RemovalReason::CommentDisclaimer => "comment_disclaimer",
            RemovalReason::Keywords => "keywords",
            RemovalReason::Byline => "byline",
            RemovalReason::PhotoCaption => "photo_caption",
            RemovalReason::SectionLabel => "section_label",
            RemovalReason::Title => "title",
            RemovalReason::Standfirst => "standfirst",
            RemovalReason::Signoff => "signoff",
            RemovalReason::PageChrome => "page_chrome",
            RemovalReason::Blank => "blank",
            RemovalReason::ExactRepeat => "exact_repeat",
            RemovalReason::NearRepeat => "near_repeat",
            RemovalReason::TruncatedRepeat => "truncated_repeat",
        }
    }
}

/// A removed line or paragraph, with the reason and the rule that removed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Removal {
    /// 1-based line of the raw text.
    pub line: usize,
    pub text: String,
    pub reason: RemovalReason,
    /// Id of the cleaning rule (`antara_copyright`, `tribun_related_pipe` ...).
    pub rule: Label,
    /// For repeats: index of the kept paragraph it repeats, and the similarity (0..=1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat_of: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub similarity: Option<f32>,
}

/// Membership of an article in a cluster of syndicated copies of one story.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cluster {
    /// Id of the cluster: the id of its first article in input order.
    pub id: String,
    /// Estimated Jaccard similarity of word shingles to the cluster's first article (1.0 for it).
    pub similarity: f32,
    /// True for the one article that stands for the cluster in counts.
    pub representative: bool,
}

/// A cleaned article: the unit that flows from ingest to extract to analytics.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// Stable id: the JSON Lines `id`, else the file stem (`000_5a24b41387be2e2a`).
    pub id: String,
    pub provenance: Provenance,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub outlet: Outlet,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dateline: Option<Dateline>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<Published>,
    pub paragraphs: Vec<Paragraph>,
    pub removed: Vec<Removal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<Cluster>,
    /// Fields of a JSON Lines record that warta does not interpret, kept as they were.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Article {
    pub fn new(id: impl Into<String>) -> Self {
        Article {
            id: id.into(),
            ..Default::default()
        }
    }

    /// The cleaned text: kept paragraphs joined by blank lines.
    pub fn text(&self) -> String {
        let mut s = String::new();
        for (i, p) in self.paragraphs.iter().enumerate() {
            if i > 0 {
                s.push_str("\n\n");
            }
            s.push_str(&p.text);
        }
        s
    }

    /// Number of bytes of kept text.
    pub fn kept_bytes(&self) -> usize {
        self.paragraphs.iter().map(|p| p.text.len()).sum()
    }
}

/// A byte range inside one kept paragraph: `start..end` of `paragraphs[paragraph].text`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Span {
    pub paragraph: usize,
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(paragraph: usize, start: usize, end: usize) -> Self {
        Span {
            paragraph,
            start,
            end,
        }
    }
    /// The text the span covers, if it is valid for this article.
    pub fn slice<'a>(&self, article: &'a Article) -> Option<&'a str> {
        article
            .paragraphs
            .get(self.paragraph)?
            .text
            .get(self.start..self.end)
    }
    /// True when both spans are in one paragraph and share at least one byte.
    pub fn overlaps(&self, other: &Span) -> bool {
        self.paragraph == other.paragraph && self.start < other.end && other.start < self.end
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{ElectionCycle, ElectionKind};

    /// The digit-by-digit forms are those of `format!`, for every year and precision.
    #[test]
    fn iso_and_labels_are_the_formatted_ones() {
        for year in [
            -12,
            -1,
            0,
            7,
            45,
            999,
            1998,
            2024,
            9999,
            10_000,
            123_456,
            i32::MAX,
            i32::MIN,
        ] {
            let want = |d: &PartialDate| d.iso_formatted();
            for d in [
                PartialDate::year(year),
                PartialDate::month(year, 1),
                PartialDate::month(year, 12),
                PartialDate::day(year, 2, 9),
                PartialDate::day(year, 11, 30),
                PartialDate::day(year, 255, 0),
            ] {
                assert_eq!(d.iso(), want(&d), "{d:?}");
            }
            for kind in [ElectionKind::Pemilu, ElectionKind::Pilkada] {
                let c = ElectionCycle {
                    kind,
                    sub: None,
                    year: Some(year),
                };
                let k = if kind == ElectionKind::Pemilu {
                    "Pemilu"
                } else {
                    "Pilkada"
                };
                assert_eq!(c.label(), format!("{k} {year}"));
            }
        }
        assert_eq!(PartialDate::day(2024, 2, 14).iso(), "2024-02-14");
        assert_eq!(PartialDate::month(987, 5).iso(), "0987-05");
        let none = ElectionCycle {
            kind: ElectionKind::Pilkada,
            sub: None,
            year: None,
        };
        assert_eq!(none.label(), "Pilkada");
    }
}
