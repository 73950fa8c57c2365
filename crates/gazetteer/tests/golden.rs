//! `find` gives exactly the recorded output on the seed articles and on variants of them
//! (lines, upper and lower case, suffixes cut at many places). The record was made before the
//! matcher was optimised; any change in results shows here. Rewrite it on purpose with
//! `WARTA_BLESS=1 cargo test -p warta-gazetteer --test golden`.

use std::fmt::Write as _;

use warta_gazetteer::gazetteer;

const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden_find.txt");

fn seeds() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../corpus/seeds");
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .expect("corpus/seeds exists")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .map(|p| {
            let name = p
                .file_name()
                .expect("file name")
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read_to_string(&p).expect("seed is UTF-8"))
        })
        .collect();
    out.sort();
    out
}

fn dump(out: &mut String, label: &str, text: &str) {
    let found = gazetteer().find(text);
    writeln!(out, "## {label}: {}", found.len()).unwrap();
    for m in found {
        let codes: Vec<&str> = m.candidates.iter().map(|r| r.code).collect();
        writeln!(
            out,
            "{}..{} {:?} {:?} {} {:?} {:?}",
            m.start,
            m.end,
            &text[m.start..m.end],
            m.kind,
            codes.join("|"),
            m.level_hint,
            m.prefix_start
        )
        .unwrap();
    }
}

fn record() -> String {
    let mut out = String::new();
    for (name, text) in seeds() {
        dump(&mut out, &format!("{name} whole"), &text);
        for (i, line) in text.lines().enumerate() {
            dump(&mut out, &format!("{name} line {i}"), line);
        }
        dump(&mut out, &format!("{name} upper"), &text.to_uppercase());
        dump(&mut out, &format!("{name} lower"), &text.to_lowercase());
        // Suffixes and prefixes cut every 37 characters: matches at the very start and end.
        for (i, _) in text.char_indices().step_by(37) {
            let end = (i + 400).min(text.len());
            let end = (end..=text.len())
                .find(|&e| text.is_char_boundary(e))
                .unwrap_or(text.len());
            dump(&mut out, &format!("{name} cut {i}"), &text[i..end]);
        }
    }
    out
}

#[test]
fn find_matches_the_record() {
    let now = record();
    if std::env::var_os("WARTA_BLESS").is_some() {
        std::fs::write(GOLDEN, &now).expect("write golden file");
    }
    let golden = std::fs::read_to_string(GOLDEN).expect("tests/golden_find.txt exists");
    for (i, (a, b)) in golden.lines().zip(now.lines()).enumerate() {
        assert_eq!(a, b, "line {} of tests/golden_find.txt differs", i + 1);
    }
    assert_eq!(golden.lines().count(), now.lines().count());
}
