//! Golden facts: `extract` on every cleaned article in `fixtures/ingest` must give the facts in
//! `fixtures/extract/<id>.json`. `WARTA_BLESS=1 cargo test -p warta-extract --test golden`
//! rewrites the fixtures (review the diff by hand against the article text).

use std::path::{Path, PathBuf};

use similar::TextDiff;
use warta_core::{Article, ArticleFacts, MentionKind};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn articles() -> Vec<Article> {
    let dir = root().join("fixtures/ingest");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures/ingest exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        })
        .collect()
}

#[test]
fn golden_facts() {
    let bless = std::env::var_os("WARTA_BLESS").is_some();
    let out_dir = root().join("fixtures/extract");
    let articles = articles();
    assert!(articles.len() >= 5, "the five seeds at least");
    let mut failures = Vec::new();
    for a in &articles {
        let facts = warta_extract::extract(a);
        let got = serde_json::to_string_pretty(&facts).unwrap() + "\n";
        let path = out_dir.join(format!("{}.json", a.id));
        if bless {
            std::fs::create_dir_all(&out_dir).unwrap();
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path).unwrap_or_default();
        if want != got {
            let diff = TextDiff::from_lines(&want, &got);
            failures.push(format!(
                "{} differs (- fixture, + extracted):\n{}",
                a.id,
                diff.unified_diff().context_radius(2)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn facts_of(id: &str) -> ArticleFacts {
    let a = articles()
        .into_iter()
        .find(|a| a.id == id)
        .unwrap_or_else(|| panic!("no article {id}"));
    warta_extract::extract(&a)
}

fn official_keys(f: &ArticleFacts) -> Vec<String> {
    let mut keys: Vec<String> = f
        .mentions
        .iter()
        .filter(|m| m.kind == MentionKind::Official)
        .map(|m| m.value.key())
        .collect();
    keys.dedup();
    keys
}

/// The officials and primary region each seed must give (from the project brief).
#[test]
fn seed_officials_and_primary_regions() {
    let cases: &[(&str, &[&str], &str)] = &[
        (
            "000_5a24b41387be2e2a",
            &["Plh|Sekretaris Daerah|61|Alfian Salam"],
            "61",
        ),
        (
            "001_46d141651622e85a",
            &[
                "Pj|Bupati|62.04|Deddy Winarwan",
                "|Menteri PANRB||Abdullah Azwar Anas",
                "Plt|Kepala BKN||Haryomo Dwi Putranto",
            ],
            "62.04",
        ),
        (
            "002_3829e69f362b1223",
            &[
                "Pjs|Bupati|61.05|Florentinus Anum",
                "|Sekretaris Daerah|61.05|Yosepha Hasnah",
            ],
            "61.05",
        ),
        (
            "003_c4f46b220d909605",
            &[
                "|Kepala BKD|64|Deni Sutrisno",
                "|Ketua Bawaslu|64|Hari Darmanto",
            ],
            "64",
        ),
        (
            "004_bc25a61228fe43e8",
            &[
                "Plt|Asisten III|64.07|Achmad Sofyan",
                "|Kepala Bidang Kompetensi dan Penilaian Kinerja Aparatur|64.07|Efriza Ramadhani",
                "|Menteri PANRB||Tjahjo Kumolo",
                "|Menteri Dalam Negeri||Tito Karnavian",
                "|Ketua Bawaslu||Abhan",
                "|Kepala BKN||Bima Haria Wibisana",
                "|Ketua KASN||Agus Pramusinto",
                "|Wakil Presiden||Maruf Amin",
            ],
            "64.07",
        ),
    ];
    let mut failures = Vec::new();
    for (id, officials, primary) in cases {
        let f = facts_of(id);
        let got = official_keys(&f);
        if got != *officials {
            failures.push(format!(
                "{id}: officials\n  expected {officials:?}\n  found    {got:?}"
            ));
        }
        let p = f.primary_region.as_ref().map(|r| &*r.code);
        if p != Some(*primary) {
            failures.push(format!(
                "{id}: primary region expected {primary}, found {p:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn seed_region_roles() {
    use warta_core::{MentionValue, RegionRole};
    let role_of = |f: &ArticleFacts, text: &str| {
        f.mentions.iter().find_map(|m| match &m.value {
            MentionValue::Region(r) if m.text == text => Some(r.role),
            _ => None,
        })
    };
    let f = facts_of("001_46d141651622e85a");
    assert_eq!(role_of(&f, "Bali"), Some(RegionRole::Other));
    assert_eq!(role_of(&f, "Barito Selatan"), Some(RegionRole::Subject));
    let f = facts_of("000_5a24b41387be2e2a");
    assert_eq!(role_of(&f, "Pontianak"), Some(RegionRole::Other));
    let f = facts_of("003_c4f46b220d909605");
    assert!(f
        .mentions
        .iter()
        .all(|m| m.text != "Berau" && m.text != "Mahulu"));
}

#[test]
fn seed_persons_link_later_mentions() {
    let f = facts_of("000_5a24b41387be2e2a");
    assert_eq!(f.persons.len(), 1);
    assert_eq!(f.persons[0].name, "Alfian Salam");
    // Full form, `kata Alfian` (twice), `Alfian Salam, menyoroti`.
    assert!(
        f.persons[0].mentions.len() >= 4,
        "{:?}",
        f.persons[0].mentions
    );
    let f = facts_of("004_bc25a61228fe43e8");
    let sofyan = f
        .persons
        .iter()
        .find(|p| p.name == "Achmad Sofyan")
        .unwrap();
    assert_eq!(
        sofyan.mentions.len(),
        2,
        "title mention and `terang Achmad Sofyan`"
    );
}
