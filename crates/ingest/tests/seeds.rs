//! The five seed articles: exactly their body paragraphs are kept, once each, and the header,
//! dateline and footer matter goes where it belongs.

use std::path::Path;

use warta_core::{Article, OutletKind, Provenance, PublishedSource, RemovalReason};
use warta_ingest::clean_article;

fn seed(prefix: &str) -> (String, Article) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/seeds");
    let entry = std::fs::read_dir(&dir)
        .expect("seeds folder")
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().starts_with(prefix))
        .expect("seed file");
    let raw = std::fs::read_to_string(entry.path()).expect("seed text");
    let a = clean_article(prefix, &raw, Provenance::default());
    (raw, a)
}

/// Raw line `n` (1-based), whitespace tidied as the cleaner does.
fn raw_line(raw: &str, n: usize) -> String {
    raw.split('\n')
        .nth(n - 1)
        .expect("line")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn assert_kept_lines(prefix: &str, lines: &[usize]) -> (String, Article) {
    let (raw, a) = seed(prefix);
    let got: Vec<usize> = a.paragraphs.iter().map(|p| p.line.unwrap_or(0)).collect();
    assert_eq!(
        got, lines,
        "seed {prefix}: kept lines; removed: {:#?}",
        a.removed
    );
    (raw, a)
}

const BOILERPLATE: [&str; 9] = [
    "COPYRIGHT",
    "Baca juga",
    "Isi komentar",
    "Penulis:",
    "(ANTARA/",
    "---|",
    "![]()",
    "(hms10",
    " |",
];

fn assert_no_boilerplate(a: &Article) {
    for p in &a.paragraphs {
        for b in BOILERPLATE {
            assert!(
                !p.text.contains(b),
                "boilerplate {b:?} kept in {:?}",
                p.text
            );
        }
    }
}

#[test]
fn seed_000_keeps_its_ten_body_paragraphs_once() {
    let (raw, a) = assert_kept_lines("000", &(1..=10).collect::<Vec<_>>());
    for p in &a.paragraphs {
        assert_eq!(p.text, raw_line(&raw, p.line.unwrap_or(0)));
    }
    let repeats = a
        .removed
        .iter()
        .filter(|r| r.reason == RemovalReason::ExactRepeat)
        .count();
    assert_eq!(repeats, 9);
    assert_eq!(a.outlet.kind, OutletKind::Antara);
    assert_eq!(
        a.outlet.name.as_deref(),
        Some("ANTARA News Kalimantan Barat")
    );
    assert_eq!(
        a.published.as_ref().map(|p| (p.date.year, p.source)),
        Some((2024, PublishedSource::CopyrightYear))
    );
    assert!(a.title.is_none());
    assert_no_boilerplate(&a);
}

#[test]
fn seed_001_title_keywords_caption_dateline() {
    let (_, a) = assert_kept_lines(
        "001",
        &[10, 12, 14, 16, 18, 20, 22, 26, 28, 30, 32, 34, 36, 38],
    );
    assert!(a.paragraphs[0].text.starts_with(
        "Penjabat Bupati Barito Selatan, Kalimantan Tengah, Deddy Winarwan berkomitmen"
    ));
    assert_eq!(
        a.dateline.as_ref().map(|d| d.raw.as_str()),
        Some("Buntok (ANTARA) -")
    );
    assert_eq!(
        a.title.as_deref(),
        Some("Pj Bupati Barsel tekankan pentingnya netralitas ASN dalam menyukseskan pemilu")
    );
    let reason_of = |line: usize| a.removed.iter().find(|r| r.line == line).map(|r| r.reason);
    assert_eq!(reason_of(1), Some(RemovalReason::Title));
    assert_eq!(reason_of(3), Some(RemovalReason::Keywords));
    assert_eq!(reason_of(5), Some(RemovalReason::Title));
    assert_eq!(reason_of(7), Some(RemovalReason::PhotoCaption));
    assert_eq!(reason_of(11), Some(RemovalReason::Blank));
    for line in [24, 40, 42, 44] {
        assert_eq!(
            reason_of(line),
            Some(RemovalReason::CrossLink),
            "line {line}"
        );
    }
    assert_eq!(a.outlet.kind, OutletKind::Antara);
    assert_no_boilerplate(&a);
}

#[test]
fn seed_002_keeps_its_eleven_body_paragraphs_once() {
    let (raw, a) = assert_kept_lines("002", &(1..=11).collect::<Vec<_>>());
    for p in &a.paragraphs {
        assert_eq!(p.text, raw_line(&raw, p.line.unwrap_or(0)));
    }
    assert_eq!(a.published.as_ref().map(|p| p.date.year), Some(2020));
    assert_no_boilerplate(&a);
}

#[test]
fn seed_003_tribun_header_related_list_and_disclaimer() {
    let mut lines = vec![5];
    lines.extend(6..=10);
    lines.extend(13..=21);
    let (_, a) = assert_kept_lines("003", &lines);
    assert_eq!(
        a.dateline.as_ref().map(|d| d.raw.as_str()),
        Some("TRIBUNKALTIM.CO, SAMARINDA -")
    );
    assert!(a.paragraphs[0]
        .text
        .starts_with("Netralitas aparatur sipil negara (ASN) terus dipantau"));
    assert_eq!(
        a.title.as_deref(),
        Some("Netralitas ASN Terus Ditekankan Jelang Pilkada Kaltim 2024")
    );
    let reason_of = |line: usize| a.removed.iter().find(|r| r.line == line).map(|r| r.reason);
    assert_eq!(reason_of(1), Some(RemovalReason::SectionLabel));
    assert_eq!(reason_of(3), Some(RemovalReason::Standfirst));
    assert_eq!(reason_of(4), Some(RemovalReason::Byline));
    assert_eq!(reason_of(37), Some(RemovalReason::CommentDisclaimer));
    for line in 22..=36 {
        assert_eq!(
            reason_of(line),
            Some(RemovalReason::RelatedList),
            "line {line}"
        );
    }
    assert_eq!(a.outlet.kind, OutletKind::Tribun);
    let p = a.published.as_ref().expect("date in text");
    assert_eq!(
        (p.date.iso(), p.source),
        ("2024-11-07".to_string(), PublishedSource::TextDate)
    );
    assert_no_boilerplate(&a);
}

#[test]
fn seed_004_government_page_dateline_and_signoff() {
    let (_, a) = assert_kept_lines("004", &[4, 5, 6, 7, 8, 9, 10]);
    assert_eq!(
        a.dateline.as_ref().map(|d| d.raw.as_str()),
        Some("SENDAWAR -")
    );
    assert!(a.paragraphs[0]
        .text
        .starts_with("Dalam rangka upaya pencegahan"));
    let last = &a.paragraphs.last().expect("paragraphs").text;
    assert!(last.ends_with("yang sudah berjalan selama ini."), "{last}");
    let signoff = a
        .removed
        .iter()
        .find(|r| r.reason == RemovalReason::Signoff)
        .expect("signoff removed");
    assert_eq!((signoff.line, signoff.text.as_str()), (10, "(hms10/ NAW)"));
    assert_eq!(
        a.title.as_deref(),
        Some("Pemkab Kubar Ikuti Kampanye Gerakan Nasional Netralitas ASN")
    );
    let reason_of = |line: usize| a.removed.iter().find(|r| r.line == line).map(|r| r.reason);
    assert_eq!(reason_of(1), Some(RemovalReason::SectionLabel));
    assert_eq!(reason_of(3), Some(RemovalReason::Standfirst));
    assert_eq!(a.outlet.kind, OutletKind::GovernmentPress);
    assert_no_boilerplate(&a);
}
