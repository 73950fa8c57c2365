//! Random text never panics and always gives well-formed, ordered, non-overlapping spans.

use proptest::prelude::*;
use warta_gazetteer::gazetteer;

fn check(text: &str) {
    let found = gazetteer().find(text);
    let mut last_end = 0;
    for m in &found {
        let full = m.full_start();
        assert!(
            full >= last_end,
            "overlap or disorder in {text:?}: {found:?}"
        );
        assert!(full <= m.start && m.start < m.end && m.end <= text.len());
        for i in [full, m.start, m.end] {
            assert!(text.is_char_boundary(i));
        }
        assert!(!m.candidates.is_empty());
        last_end = m.end;
    }
}

/// Words that exercise prefixes, names, common words and punctuation.
fn wordy() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("Kota".to_owned()),
        Just("kab.".to_owned()),
        Just("Pemkab".to_owned()),
        Just("Pemerintah Kabupaten/Kota".to_owned()),
        Just("Ibu Kota".to_owned()),
        Just("Kalimantan Barat".to_owned()),
        Just("Kutai".to_owned()),
        Just("Barat".to_owned()),
        Just("Bogor".to_owned()),
        Just("BATU".to_owned()),
        Just("Puncak".to_owned()),
        Just("di".to_owned()),
        Just("Jawa Timur".to_owned()),
        Just("(ANTARA) -".to_owned()),
        Just("TRIBUNKALTIM.CO,".to_owned()),
        "[A-Za-z]{1,8}",
        "[ ,.\\-/()\n\u{a0}\u{201c}\u{201d}é日Āß]{1,3}",
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_strings(s in any::<String>()) {
        check(&s);
    }

    #[test]
    fn region_like_strings(s in wordy()) {
        check(&s);
    }

    #[test]
    fn glued_strings(s in wordy()) {
        check(&s.replace(' ', ""));
    }
}
