//! Checks over the whole embedded data: every region, alias, seat, prefix, common word and
//! context word is found the way the crate docs say.

use warta_gazetteer::{gazetteer, MatchKind, RegionLevel};

const ALIASES_CSV: &str = include_str!("../data/aliases.csv");
const SEATS_TXT: &str = include_str!("../data/seats.txt");
const COMMON_WORDS_TXT: &str = include_str!("../data/common_words.txt");
const CONTEXT_WORDS_TXT: &str = include_str!("../data/context_words.txt");
const PREFIXES_TSV: &str = include_str!("../data/prefixes.tsv");

fn data_lines(text: &'static str) -> impl Iterator<Item = &'static str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

fn aliases() -> impl Iterator<Item = (&'static str, &'static str)> {
    data_lines(ALIASES_CSV)
        .skip(1)
        .map(|l| l.split_once(',').expect("alias,code"))
}

#[test]
fn counts_and_codes() {
    let g = gazetteer();
    let count = |level| g.regions().filter(|r| r.level == level).count();
    assert_eq!(count(RegionLevel::Province), 38);
    assert_eq!(count(RegionLevel::Regency), 416);
    assert_eq!(count(RegionLevel::City), 98);
    for r in g.regions() {
        assert_eq!(g.by_code(r.code), Some(r));
        assert_eq!(g.by_code(&r.code.replace('.', "")), Some(r));
        let p = g.province_of(r);
        assert_eq!(p.level, RegionLevel::Province);
        assert!(r.code.starts_with(p.code));
        assert!(!r.bare_name.is_empty() && r.name.ends_with(r.bare_name));
    }
    assert_eq!(
        g.by_code(" 64.07 ").map(|r| r.bare_name),
        Some("Kutai Barat")
    );
    for bad in ["", "6", "61.", "61.5", "99", "64.99", "abc", "61.05.01"] {
        assert_eq!(g.by_code(bad), None, "{bad:?}");
    }
}

#[test]
fn every_official_and_bare_name_is_found() {
    let g = gazetteer();
    for r in g.regions() {
        for (text, hint) in [
            (
                format!("Rapat di {}, kemarin.", r.name),
                r.level != RegionLevel::Province,
            ),
            (format!("Rapat di {}, kemarin.", r.bare_name), false),
        ] {
            let found = g.find(&text);
            assert_eq!(found.len(), 1, "{text:?}: {found:?}");
            let m = &found[0];
            assert!(m.candidates.contains(&r), "{text:?}: {m:?}");
            if hint {
                assert_eq!(m.level_hint, Some(r.level), "{text:?}");
                assert_eq!(m.candidates, vec![r], "{text:?}");
                assert_eq!(m.kind, MatchKind::Official, "{text:?}");
                assert!(m.prefix_start.is_some());
            }
        }
        assert!(g.lookup(r.name).contains(&r), "{}", r.name);
        assert!(g.lookup(&r.name.to_uppercase()).contains(&r), "{}", r.name);
        assert!(g.lookup(r.bare_name).contains(&r), "{}", r.bare_name);
    }
}

#[test]
fn every_alias_is_found() {
    let g = gazetteer();
    let mut n = 0;
    for (alias, code) in aliases() {
        let region = g.by_code(code).expect("alias code exists");
        let text = format!("Rapat di {alias}, kemarin.");
        let found = g.find(&text);
        assert_eq!(found.len(), 1, "{text:?}: {found:?}");
        assert!(found[0].candidates.contains(&region), "{text:?}: {found:?}");
        assert_eq!(g.lookup(alias).first(), Some(&region), "lookup {alias}");
        n += 1;
    }
    assert_eq!(n, 330);
}

#[test]
fn seats_are_seats() {
    let g = gazetteer();
    let mut n = 0;
    for line in data_lines(SEATS_TXT) {
        let (seat, code) = line.split_once(',').expect("alias,code");
        assert!(
            aliases().any(|a| a == (seat, code)),
            "{seat} not in aliases.csv"
        );
        let text = format!("{seat} (ANTARA) - Pemkab");
        let found = g.find(&text);
        assert_eq!(found[0].kind, MatchKind::Seat, "{text}");
        assert_eq!(found[0].candidates[0].code, code, "{text}");
        n += 1;
    }
    assert_eq!(n, 64);
}

/// Each common word: refused alone at a sentence start, accepted with a context word, a
/// province after it, or in a dateline.
#[test]
fn common_words_need_context() {
    let g = gazetteer();
    let mut n = 0;
    for word in data_lines(COMMON_WORDS_TXT) {
        let lookup = g.lookup(word);
        assert!(!lookup.is_empty(), "{word}");
        for negative in [
            format!("{word} itu terjadi."),
            format!("Kata {word} dan lainnya."),
            word.to_lowercase(),
        ] {
            assert!(
                g.find(&negative).is_empty(),
                "{negative:?}: {:?}",
                g.find(&negative)
            );
        }
        let province = g.province_of(lookup[lookup.len() - 1]).name;
        for positive in [
            format!("Rapat di {word} kemarin."),
            format!("{word}, {province}, kemarin."),
            format!("{} (ANTARA) - Pemkab", word.to_uppercase()),
        ] {
            let found = g.find(&positive);
            assert!(
                found
                    .first()
                    .is_some_and(|m| positive[m.start..m.end].eq_ignore_ascii_case(word)),
                "{positive:?}: {found:?}"
            );
        }
        n += 1;
    }
    assert!(n >= 60, "{n}");
}

#[test]
fn context_words_license_common_words() {
    let g = gazetteer();
    for w in data_lines(CONTEXT_WORDS_TXT) {
        let text = format!("{w} Batu hari ini");
        let found = g.find(&text);
        assert_eq!(found.len(), 1, "{text:?}");
        assert_eq!(found[0].candidates[0].code, "35.79");
        assert_eq!(found[0].level_hint, None);
    }
    assert!(g.find("Oleh Batu hari ini").is_empty());
}

#[test]
fn prefixes_behave_per_role() {
    let g = gazetteer();
    for line in data_lines(PREFIXES_TSV) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [prefix, role, level] = cols[..] else {
            panic!("{line:?}")
        };
        let text = format!("Rapat {prefix} Sintang kemarin");
        let found = g.find(&text);
        assert_eq!(found.len(), 1, "{text:?}");
        let m = &found[0];
        assert_eq!(&text[m.start..m.end], "Sintang");
        let level = match level {
            "province" => Some(RegionLevel::Province),
            "regency" => Some(RegionLevel::Regency),
            "city" => Some(RegionLevel::City),
            _ => None,
        };
        match role {
            "unit" => {
                assert_eq!(m.prefix_start, Some(6), "{text:?}");
                assert_eq!(m.level_hint, level, "{text:?}");
            }
            "title" => {
                assert_eq!(m.prefix_start, None, "{text:?}");
                assert_eq!(m.level_hint, level, "{text:?}");
            }
            "generic" => {
                assert_eq!((m.prefix_start, m.level_hint), (None, None), "{text:?}");
            }
            _ => panic!("role {role}"),
        }
        // Lower case of a unit prefix still works.
        let lower = format!("rapat {} Sintang", prefix.to_lowercase());
        assert_eq!(g.find(&lower).len(), 1, "{lower:?}");
    }
}

#[test]
fn lookup_rules() {
    let g = gazetteer();
    let codes = |name: &str| g.lookup(name).iter().map(|r| r.code).collect::<Vec<_>>();
    assert_eq!(codes("Bogor"), ["32.01", "32.71"]);
    assert_eq!(codes("  kota   BOGOR "), ["32.71"]);
    assert_eq!(codes("Jambi"), ["15", "15.71"]);
    assert_eq!(codes("Gorontalo"), ["75", "75.01", "75.71"]);
    assert_eq!(codes("Banjar"), ["63.03", "32.79"]);
    assert_eq!(codes("Provinsi Kalimantan Barat"), ["61"]);
    assert_eq!(codes("Kabupaten Pontianak"), ["61.02"]);
    assert_eq!(codes("Pontianak"), ["61.71"]);
    assert_eq!(codes("Kalbar"), ["61"]);
    assert_eq!(codes("Buntok"), ["62.04"]);
    assert!(codes("Barat").is_empty());
    assert!(codes("Mura").is_empty());
    assert!(codes("").is_empty());
}

#[test]
fn kecamatan_names_give_their_regency_when_unique() {
    let g = gazetteer();
    let code = |name: &str| g.district_parent(name).map(|r| r.code);
    // Seats of regencies that lie in a kecamatan of the same name.
    assert_eq!(code("Sungailiat"), Some("19.01"));
    assert_eq!(code("BANGKINANG"), Some("14.01"));
    assert_eq!(code("Selong"), Some("52.03"));
    // A name of the alias table (a seat it already knows) is the gazetteer's.
    assert_eq!(code("Tanjung Selor"), None);
    assert_eq!(code("Lubuk  Pakam"), Some("12.07"));
    // Two kecamatan share the name: none.
    assert_eq!(code("Depok"), None);
    assert_eq!(code("Martapura"), None);
    // A region's own name is the gazetteer's, not a kecamatan's.
    assert_eq!(code("Sintang"), None);
    assert_eq!(code("Atlantis"), None);
}
