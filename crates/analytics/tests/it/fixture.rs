//! A small hand-built corpus whose aggregates are computed by hand in `aggregates.rs`.
//!
//! - `a1`: Sintang (61.05, Kalimantan Barat), Pemilu 2024. A pledge of 2,500 civil servants on
//!   2024-01-10 mentioned twice (one event), a socialization with 800 participants and no date
//!   of its own (falls back to the publication date 2024-01-11), Bupati Jarot Winarno, UU 5/2014.
//! - `a2`: a syndicated copy of `a1` (cluster `a1`, not representative): never counted.
//! - `a3`: Kalimantan Tengah (62), Pilkada 2024. A pledge of 30 in Barito Selatan (62.04) on
//!   2024-09-02, a violation report (3) on 2024-10-05, a sanction (2) on 2024-10-20,
//!   Pj Bupati Deddy Winarwan, UU 5/2014.
//! - `a4`: Kalimantan Barat (61), about Pemilu 2024 and Pilkada 2024. A pledge of 500 in
//!   61.05 on 2024-01-20 and a pledge without a count in the province in 2023-12, both
//!   explicitly Pemilu 2024.

use warta_core::*;

pub fn region(code: &str, name: &str, level: RegionLevel, prov: (&str, &str)) -> RegionRef {
    RegionRef {
        code: code.to_owned().into(),
        name: name.to_owned().into(),
        level,
        province_code: prov.0.to_owned().into(),
        province_name: prov.1.to_owned().into(),
        role: RegionRole::Subject,
    }
}

pub const KALBAR: (&str, &str) = ("61", "Kalimantan Barat");
pub const KALTENG: (&str, &str) = ("62", "Kalimantan Tengah");

pub fn mention(value: MentionValue, text: &str) -> Mention {
    Mention {
        kind: value.kind(),
        text: text.into(),
        span: Span::new(0, 0, text.len()),
        value,
        evidence: format!("Kalimat berisi {text}.").into(),
        rule: "test.fixture".into(),
    }
}

pub fn cycle(kind: ElectionKind, year: i32) -> ElectionCycle {
    ElectionCycle {
        kind,
        sub: None,
        year: Some(year),
    }
}

pub fn activity(
    t: ActivityType,
    region: Option<&str>,
    date: Option<PartialDate>,
    count: Option<(f64, CountRole)>,
    cycle: Option<ElectionCycle>,
) -> MentionValue {
    MentionValue::Activity(Activity {
        activity_type: t,
        region_code: region.map(|r| r.to_owned().into()),
        date,
        count: count.map(|c| c.0),
        count_role: count.map(|c| c.1),
        person: None,
        cycle,
    })
}

pub fn article(id: &str, cluster: Option<(&str, bool)>, published: PartialDate) -> Article {
    let mut a = Article::new(id);
    a.provenance = Provenance {
        path: format!("corpus/{id}.txt"),
        line: None,
        format: "txt".into(),
        bytes: 100,
    };
    a.outlet = Outlet {
        kind: OutletKind::Antara,
        name: Some("ANTARA".into()),
        evidence: None,
    };
    a.title = Some(format!("Judul {id}"));
    a.published = Some(Published {
        date: published,
        source: PublishedSource::TextDate,
        confidence: 0.9,
    });
    a.paragraphs.push(Paragraph::new(0, "Teks.", Some(1)));
    a.cluster = cluster.map(|(cid, rep)| Cluster {
        id: cid.into(),
        similarity: 0.95,
        representative: rep,
    });
    a
}

fn uu_5_2014() -> MentionValue {
    MentionValue::LegalInstrument(LegalInstrument {
        instrument_type: "UU".into(),
        number: Some("5".into()),
        year: Some(2014),
        issuer: None,
        subject: Some("Aparatur Sipil Negara".into()),
        issued: None,
        instrument: 0,
    })
}

fn official(modifier: Option<ActingModifier>, title: &str, code: &str, name: &str) -> MentionValue {
    MentionValue::Official(Official {
        modifier,
        title: title.into(),
        body: None,
        region_code: Some(code.to_owned().into()),
        name: Some(name.into()),
        honorifics: vec![],
        person: Some(0),
    })
}

fn person(name: &str, title: &str, code: &str) -> Person {
    Person {
        name: name.into(),
        modifier: None,
        title: title.into(),
        body: None,
        region_code: Some(code.to_owned().into()),
        mentions: vec![Span::new(0, 0, 4)],
    }
}

/// The four articles with their facts, in input order.
pub fn corpus() -> Vec<(Article, ArticleFacts)> {
    use ActivityType::*;
    use CountRole::*;
    let sintang = region("61.05", "Kabupaten Sintang", RegionLevel::Regency, KALBAR);
    let barsel = region(
        "62.04",
        "Kabupaten Barito Selatan",
        RegionLevel::Regency,
        KALTENG,
    );
    let kalteng = region("62", "Kalimantan Tengah", RegionLevel::Province, KALTENG);
    let kalbar = region("61", "Kalimantan Barat", RegionLevel::Province, KALBAR);
    let pemilu = cycle(ElectionKind::Pemilu, 2024);
    let pilkada = cycle(ElectionKind::Pilkada, 2024);

    let a1 = article("a1", Some(("a1", true)), PartialDate::day(2024, 1, 11));
    let mut pledge = activity(
        Pledge,
        Some("61.05"),
        Some(PartialDate::day(2024, 1, 10)),
        Some((2500.0, Pledgers)),
        None,
    );
    if let MentionValue::Activity(a) = &mut pledge {
        a.person = Some(0);
    }
    let f1 = ArticleFacts {
        article_id: "a1".into(),
        mentions: vec![
            mention(MentionValue::Region(sintang.clone()), "Sintang"),
            mention(pledge.clone(), "ikrar netralitas"),
            mention(pledge, "ikrar"),
            mention(
                MentionValue::Count(CountValue {
                    value: Some(2500.0),
                    approximate: false,
                    noun: "asn".into(),
                    role: Pledgers,
                }),
                "2.500 ASN",
            ),
            mention(
                official(None, "Bupati", "61.05", "Jarot Winarno"),
                "Bupati Sintang Jarot Winarno",
            ),
            mention(uu_5_2014(), "UU Nomor 5 Tahun 2014"),
            mention(
                activity(Socialization, None, None, Some((800.0, Participants)), None),
                "sosialisasi",
            ),
            mention(
                MentionValue::Date(DateValue {
                    date: PartialDate::day(2024, 1, 10),
                    iso: "2024-01-10".into(),
                    precision: Precision::Day,
                    anchor: DateAnchor::Explicit,
                    weekday_conflict: false,
                    chrome: false,
                }),
                "Rabu (10/1/2024)",
            ),
        ],
        persons: vec![person("Jarot Winarno", "Bupati", "61.05")],
        primary_region: Some(sintang.clone()),
        cycles: vec![pemilu.clone()],
        cycles_from: Some("explicit".into()),
    };

    let a2 = article("a2", Some(("a1", false)), PartialDate::day(2024, 1, 12));
    let f2 = ArticleFacts {
        article_id: "a2".into(),
        ..f1.clone()
    };

    let a3 = article("a3", None, PartialDate::day(2024, 10, 21));
    let f3 = ArticleFacts {
        article_id: "a3".into(),
        mentions: vec![
            mention(MentionValue::Region(barsel), "Barito Selatan"),
            mention(
                activity(
                    Pledge,
                    Some("62.04"),
                    Some(PartialDate::day(2024, 9, 2)),
                    Some((30.0, Pledgers)),
                    None,
                ),
                "ikrar",
            ),
            mention(
                activity(
                    Violation,
                    Some("62"),
                    Some(PartialDate::day(2024, 10, 5)),
                    Some((3.0, Violations)),
                    None,
                ),
                "pelanggaran",
            ),
            mention(
                activity(
                    Sanction,
                    Some("62"),
                    Some(PartialDate::day(2024, 10, 20)),
                    Some((2.0, Sanctioned)),
                    None,
                ),
                "sanksi",
            ),
            mention(
                official(
                    Some(ActingModifier::Pj),
                    "Bupati",
                    "62.04",
                    "Deddy Winarwan",
                ),
                "Pj Bupati Barsel Deddy Winarwan",
            ),
            mention(uu_5_2014(), "UU 5/2014"),
        ],
        persons: vec![person("Deddy Winarwan", "Bupati", "62.04")],
        primary_region: Some(kalteng),
        cycles: vec![pilkada.clone()],
        cycles_from: Some("explicit".into()),
    };

    let a4 = article("a4", None, PartialDate::day(2024, 1, 22));
    let f4 = ArticleFacts {
        article_id: "a4".into(),
        mentions: vec![
            mention(
                activity(
                    Pledge,
                    Some("61.05"),
                    Some(PartialDate::day(2024, 1, 20)),
                    Some((500.0, Pledgers)),
                    Some(pemilu.clone()),
                ),
                "ikrar",
            ),
            mention(
                activity(
                    Pledge,
                    Some("61"),
                    Some(PartialDate::month(2023, 12)),
                    None,
                    Some(pemilu.clone()),
                ),
                "deklarasi",
            ),
        ],
        persons: vec![],
        primary_region: Some(kalbar),
        cycles: vec![pemilu, pilkada],
        cycles_from: Some("explicit".into()),
    };
    vec![(a1, f1), (a2, f2), (a3, f3), (a4, f4)]
}
