//! Property tests: cleaning is total and keeps only valid text.

use proptest::prelude::*;
use warta_core::Provenance;
use warta_ingest::clean_article;

/// Lines in the shapes the cleaner reacts to, mixed with arbitrary text.
fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[A-Za-z ,.()\"/|:-]{0,80}",
        Just("COPYRIGHT © ANTARA 2024".to_string()),
        Just("Baca juga:".to_string()),
        Just("Buntok (ANTARA) -".to_string()),
        Just("SENDAWAR - ".to_string()),
        Just("\u{a0}".to_string()),
        Just("Â\u{a0}&nbsp;".to_string()),
        Just("(hms10/ NAW)".to_string()),
        Just("---|".to_string()),
        "[A-Z]{3,9} - [a-z ]{0,40}\\.",
        "\"[a-z ]{10,60},\" kata [A-Z][a-z]{3,8}\\. \\((Ant|\\*)\\)",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn cleaning_never_panics_and_keeps_valid_paragraphs(lines in prop::collection::vec(line(), 0..24), crlf in any::<bool>()) {
        let raw = lines.join(if crlf { "\r\n" } else { "\n" });
        let a = clean_article("p", &raw, Provenance::default());
        let line_count = raw.split('\n').count();
        for (i, p) in a.paragraphs.iter().enumerate() {
            prop_assert_eq!(p.index, i);
            prop_assert!(!p.text.is_empty());
            prop_assert_eq!(p.text.trim(), p.text.as_str());
            prop_assert!(!p.text.chars().any(|c| c.is_control()), "control char in {:?}", p.text);
            prop_assert!(!p.text.contains("  "));
            prop_assert!(p.line.is_some_and(|l| l >= 1 && l <= line_count));
        }
        for r in &a.removed {
            prop_assert!(r.line >= 1 && r.line <= line_count);
            if let Some(of) = r.repeat_of {
                prop_assert!(of < a.paragraphs.len());
            }
        }
    }

    #[test]
    fn any_string_is_cleaned_without_panic(s in any::<String>()) {
        let _ = clean_article("s", &s, Provenance::default());
    }
}
