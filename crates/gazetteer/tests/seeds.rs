//! The five seed articles: the regions they name are found, and nothing else.

use std::collections::BTreeSet;

use warta_gazetteer::gazetteer;

fn seed(prefix: &str) -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../corpus/seeds");
    let path = std::fs::read_dir(dir)
        .expect("corpus/seeds exists")
        .map(|e| e.expect("dir entry").path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
        })
        .unwrap_or_else(|| panic!("seed {prefix} not found"));
    std::fs::read_to_string(path).expect("seed is UTF-8")
}

/// (surface, first candidate) pairs, surfaces as written.
fn found(text: &str) -> BTreeSet<(String, &'static str)> {
    gazetteer()
        .find(text)
        .iter()
        .map(|m| (text[m.start..m.end].to_owned(), m.candidates[0].code))
        .collect()
}

fn expect(prefix: &str, expected: &[(&str, &str)]) {
    let text = seed(prefix);
    let got = found(&text);
    let want: BTreeSet<(String, &str)> = expected.iter().map(|&(s, c)| (s.to_owned(), c)).collect();
    assert_eq!(got, want, "seed {prefix}");
}

#[test]
fn seed_000_kalbar() {
    expect(
        "000",
        &[
            ("Kalimantan Barat", "61"),
            ("Kalbar", "61"),
            ("Pontianak", "61.71"),
        ],
    );
}

#[test]
fn seed_001_barsel() {
    expect(
        "001",
        &[
            ("Barsel", "62.04"),
            ("barito selatan", "62.04"),
            ("Barito Selatan", "62.04"),
            ("Kalimantan Tengah", "62"),
            ("Buntok", "62.04"),
            ("Bali", "51"),
        ],
    );
}

#[test]
fn seed_002_sintang() {
    expect("002", &[("Sintang", "61.05"), ("Kalimantan Barat", "61")]);
}

#[test]
fn seed_003_kaltim() {
    expect(
        "003",
        &[
            ("Kaltim", "64"),
            ("Kalimantan Timur", "64"),
            ("SAMARINDA", "64.72"),
            ("Berau", "64.03"),
            ("Mahulu", "64.11"),
        ],
    );
}

#[test]
fn seed_004_kubar() {
    expect(
        "004",
        &[
            ("Kutai Barat", "64.07"),
            ("Kubar", "64.07"),
            ("SENDAWAR", "64.07"),
        ],
    );
}

#[test]
fn seed_prefixes() {
    let g = gazetteer();
    let text = seed("002");
    let official = g
        .find(&text)
        .into_iter()
        .filter(|m| m.prefix_start.is_some())
        .count();
    // `Kabupaten Sintang` and `Pemerintah Kabupaten Sintang`, each written several times.
    assert!(official >= 8, "{official}");
    let text = seed("000");
    assert!(g
        .find(&text)
        .iter()
        .all(|m| m.candidates.iter().all(|r| r.province_code == "61")));
}
