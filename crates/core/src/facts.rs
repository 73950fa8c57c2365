//! Extracted facts: mentions with typed normalised values.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::{Label, PartialDate, Precision, Span};

/// The kinds of fact warta extracts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MentionKind {
    Official,
    Region,
    Date,
    Count,
    LegalInstrument,
    ElectionCycle,
    Activity,
}

impl MentionKind {
    pub const ALL: [MentionKind; 7] = [
        MentionKind::Official,
        MentionKind::Region,
        MentionKind::Date,
        MentionKind::Count,
        MentionKind::LegalInstrument,
        MentionKind::ElectionCycle,
        MentionKind::Activity,
    ];
    /// The position of this kind in [`MentionKind::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
    pub fn as_str(self) -> &'static str {
        match self {
            MentionKind::Official => "official",
            MentionKind::Region => "region",
            MentionKind::Date => "date",
            MentionKind::Count => "count",
            MentionKind::LegalInstrument => "legal_instrument",
            MentionKind::ElectionCycle => "election_cycle",
            MentionKind::Activity => "activity",
        }
    }
}

/// Acting modifier before an official's title.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ActingModifier {
    /// Penjabat.
    Pj,
    /// Penjabat Sementara.
    Pjs,
    /// Pelaksana Tugas.
    Plt,
    /// Pelaksana Harian.
    Plh,
}

impl ActingModifier {
    pub fn as_str(self) -> &'static str {
        match self {
            ActingModifier::Pj => "Pj",
            ActingModifier::Pjs => "Pjs",
            ActingModifier::Plt => "Plt",
            ActingModifier::Plh => "Plh",
        }
    }
}

/// An official named in an article: `Plh Sekretaris Daerah Provinsi Kalimantan Barat, Alfian Salam`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Official {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modifier: Option<ActingModifier>,
    /// Normalised title: `Bupati`, `Sekretaris Daerah`, `Kepala BKN`, `Ketua Bawaslu`,
    /// `Menteri PANRB`, `Wakil Presiden`, `Asisten III` ...
    pub title: String,
    /// The body the office belongs to, normalised to its short form (`BKD`, `Bawaslu`, `KASN`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Kemendagri code of the region of the office (`61`, `62.04`); `None` for national offices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region_code: Option<Label>,
    /// The person's name without honorifics and degrees; `None` when only the title is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Honorifics and degrees around the name, as written (`Ir`, `H`, `MM`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub honorifics: Vec<String>,
    /// Index into [`ArticleFacts::persons`] of the person this mention refers to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<usize>,
}

/// One person in one article, to which all mentions of them are linked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Person {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modifier: Option<ActingModifier>,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region_code: Option<Label>,
    /// Every mention of this person: the full form and later short forms and attributions.
    pub mentions: Vec<Span>,
}

/// The role a region plays in an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionRole {
    /// The place of the dateline.
    Dateline,
    /// The region whose government or civil servants act.
    Subject,
    /// Anything else: a meeting place, a place merely mentioned.
    Other,
}

/// Administrative level of a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionLevel {
    Province,
    Regency,
    City,
}

impl RegionLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            RegionLevel::Province => "province",
            RegionLevel::Regency => "regency",
            RegionLevel::City => "city",
        }
    }
}

/// A region resolved to its Kemendagri code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionRef {
    /// Dotted Kemendagri code: `61`, `61.05`.
    pub code: Label,
    /// Official name: `Kalimantan Barat`, `Kabupaten Sintang`.
    pub name: Label,
    pub level: RegionLevel,
    pub province_code: Label,
    pub province_name: Label,
    pub role: RegionRole,
}

/// What a relative or partial date was anchored on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateAnchor {
    /// The date is complete as written.
    Explicit,
    /// Anchored on the article's publication date.
    Published,
    /// Anchored on a year the article shows (an explicit year in the text or a copyright year).
    ArticleYear,
    /// No anchor was available; the value is as precise as the text alone allows.
    None,
}

/// A date mention normalised to ISO at its precision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DateValue {
    pub date: PartialDate,
    /// `2024-02-14`, `2023-05`, `2020`.
    pub iso: String,
    pub precision: Precision,
    pub anchor: DateAnchor,
    /// True when a weekday written next to an explicit date does not match it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub weekday_conflict: bool,
    /// True for page chrome dates (above the story) and photo-caption dates.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub chrome: bool,
}

/// What a count counts, from its sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CountRole {
    /// Civil servants who pledged / signed (`2.500 ASN ... berikrar`).
    Pledgers,
    /// Participants in a meeting or session (`diikuti sebanyak 800 peserta`).
    Participants,
    /// Violations found or reported.
    Violations,
    /// Civil servants sanctioned.
    Sanctioned,
    Other,
}

impl CountRole {
    pub fn as_str(self) -> &'static str {
        match self {
            CountRole::Pledgers => "pledgers",
            CountRole::Participants => "participants",
            CountRole::Violations => "violations",
            CountRole::Sanctioned => "sanctioned",
            CountRole::Other => "other",
        }
    }
}

/// A count of something: `sebanyak 2.500 ASN`, `30 kepala OPD`, `ratusan ASN`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CountValue {
    /// The number; `None` for vague quantities (`ratusan`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// True for `sekitar 10.000`, `700-an`, `ribuan`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub approximate: bool,
    /// The noun counted, normalised to lower case: `asn`, `kepala opd`, `peserta`.
    pub noun: Label,
    pub role: CountRole,
}

/// A legal or administrative instrument: `UU Nomor 5 Tahun 2014 tentang ASN`, `SE Gubernur`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LegalInstrument {
    /// `UU`, `PP`, `Perpres`, `Permen`, `Perka BKN`, `SKB`, `SE`, `SK`, `Pergub`, `Perbup`,
    /// `Perwali`, `Perda`, `Instruksi`.
    pub instrument_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// Who issued it: `Gubernur`, `Bupati Sintang`, `Menteri PANRB`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// The `tentang ...` subject.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// When the text says it was issued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued: Option<PartialDate>,
    /// Index of the instrument within the article: repeated mentions share it.
    pub instrument: usize,
}

/// National or regional election type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ElectionKind {
    /// National: president and legislatures.
    Pemilu,
    /// Regional heads (serentak).
    Pilkada,
}

/// An election cycle: `Pemilu 2024`, `Pilkada 2020`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ElectionCycle {
    /// Serialised as `election`: `kind` is the tag of [`MentionValue`].
    #[serde(rename = "election")]
    pub kind: ElectionKind,
    /// `pileg`, `pilpres`, `pilgub`, `pilbup`, `pilwalkot` when the text names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    /// Year; `None` when the text gives none and none can be inferred.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
}

impl ElectionCycle {
    /// `Pemilu 2024`, `Pilkada 2020`, `Pilkada` (no year).
    pub fn label(&self) -> String {
        let k = match self.kind {
            ElectionKind::Pemilu => "Pemilu",
            ElectionKind::Pilkada => "Pilkada",
        };
        // Without `format!`: the table writer labels most fact rows.
        match self.year {
            Some(y) => match u32::try_from(y) {
                Ok(y) => {
                    let mut s = String::with_capacity(k.len() + 5);
                    s.push_str(k);
                    s.push(' ');
                    crate::push_padded(&mut s, y, 1);
                    s
                }
                Err(_) => format!("{k} {y}"),
            },
            None => k.to_string(),
        }
    }
}

/// The kinds of neutrality activity warta counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityType {
    /// Ikrar / deklarasi / pengucapan ikrar netralitas.
    Pledge,
    /// Penandatanganan komitmen / pakta integritas.
    Signing,
    /// Sosialisasi.
    Socialization,
    /// Rapat koordinasi / rakor.
    CoordinationMeeting,
    /// Pembentukan satgas / tim pengawasan.
    TaskForce,
    /// Surat edaran issued.
    Circular,
    /// Pengawasan / pemantauan.
    Monitoring,
    /// Laporan / temuan pelanggaran.
    Violation,
    /// Sanksi.
    Sanction,
    /// Imbauan.
    Appeal,
}

impl ActivityType {
    pub fn as_str(self) -> &'static str {
        match self {
            ActivityType::Pledge => "pledge",
            ActivityType::Signing => "signing",
            ActivityType::Socialization => "socialization",
            ActivityType::CoordinationMeeting => "coordination_meeting",
            ActivityType::TaskForce => "task_force",
            ActivityType::Circular => "circular",
            ActivityType::Monitoring => "monitoring",
            ActivityType::Violation => "violation",
            ActivityType::Sanction => "sanction",
            ActivityType::Appeal => "appeal",
        }
    }
}

/// A neutrality activity, with what the text ties to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    pub activity_type: ActivityType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region_code: Option<Label>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count_role: Option<CountRole>,
    /// Index into [`ArticleFacts::persons`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cycle: Option<ElectionCycle>,
}

/// The normalised value of a mention, by kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MentionValue {
    Official(Official),
    Region(RegionRef),
    Date(DateValue),
    Count(CountValue),
    LegalInstrument(LegalInstrument),
    ElectionCycle(ElectionCycle),
    Activity(Activity),
}

impl MentionValue {
    pub fn kind(&self) -> MentionKind {
        match self {
            MentionValue::Official(_) => MentionKind::Official,
            MentionValue::Region(_) => MentionKind::Region,
            MentionValue::Date(_) => MentionKind::Date,
            MentionValue::Count(_) => MentionKind::Count,
            MentionValue::LegalInstrument(_) => MentionKind::LegalInstrument,
            MentionValue::ElectionCycle(_) => MentionKind::ElectionCycle,
            MentionValue::Activity(_) => MentionKind::Activity,
        }
    }

    /// A short canonical string of the normalised value, used by evaluation to decide
    /// whether a predicted mention matches a gold one (same kind, same key, overlapping span).
    pub fn key(&self) -> String {
        match self {
            MentionValue::Official(o) => format!(
                "{}|{}|{}|{}",
                o.modifier.map(|m| m.as_str()).unwrap_or(""),
                o.title,
                o.region_code.as_deref().unwrap_or(""),
                o.name.as_deref().unwrap_or("")
            ),
            MentionValue::Region(r) => r.code.to_string(),
            MentionValue::Date(d) => d.iso.clone(),
            MentionValue::Count(c) => format!(
                "{}|{}|{}",
                c.value
                    .map(|v| format!("{v}"))
                    .unwrap_or_else(|| "~".into()),
                c.noun,
                c.role.as_str()
            ),
            MentionValue::LegalInstrument(l) => format!(
                "{}|{}|{}",
                l.instrument_type,
                l.number.as_deref().unwrap_or(""),
                l.year.map(|y| y.to_string()).unwrap_or_default()
            ),
            MentionValue::ElectionCycle(c) => c.label(),
            MentionValue::Activity(a) => a.activity_type.as_str().to_string(),
        }
    }
}

/// One extracted fact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mention {
    pub kind: MentionKind,
    /// The surface text the span covers.
    pub text: String,
    pub span: Span,
    pub value: MentionValue,
    /// The sentence the mention stands in, shared by the mentions of one sentence (an
    /// article's mentions name a few dozen sentences; each is held once). Serialised as a
    /// plain string.
    pub evidence: Arc<str>,
    /// Id of the rule that produced it (`official.title_appositive`, `date.dmy_paren` ...).
    pub rule: Label,
}

/// Everything extracted from one article.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ArticleFacts {
    pub article_id: String,
    pub mentions: Vec<Mention>,
    pub persons: Vec<Person>,
    /// The most specific subject region of the article.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_region: Option<RegionRef>,
    /// The election cycles the article is about: explicit mentions first, else by its date.
    pub cycles: Vec<ElectionCycle>,
    /// How the cycles were assigned: `explicit` or `by_date`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cycles_from: Option<String>,
}
