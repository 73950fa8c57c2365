//! Extraction is total: on random articles it never panics, every span is a valid
//! char-boundary slice of its paragraph equal to the mention text, and the evidence sentence
//! contains the surface text.

use proptest::prelude::*;
use warta_core::{Article, Paragraph};

/// Random paragraphs mixing domain words with arbitrary Unicode.
fn paragraph() -> impl Strategy<Value = String> {
    let words = prop::sample::select(vec![
        "Pj",
        "Plt",
        "Bupati",
        "Sintang",
        "Kepala",
        "BKD",
        "Kaltim",
        "(",
        ")",
        ",",
        ".",
        "Ir",
        "H",
        "MM",
        "Ketua",
        "Bawaslu",
        "Menteri",
        "PANRB",
        "Kamis",
        "(7/11/2024)",
        "2.500",
        "ASN",
        "berikrar",
        "di",
        "Bali",
        "Penjabat",
        "Sementara",
        "Kabupaten",
        "sebagai",
        "Sekda",
        "Alfian",
        "kata",
        "é",
        "“",
        "\u{a0}",
        "sapaan akrab",
        "-",
        "Pilkada",
        "2024",
        "UU",
        "Nomor",
        "5",
        "Tahun",
        "Kalimantan",
        "Barat",
    ]);
    prop_oneof![
        prop::collection::vec(words, 0..40).prop_map(|w| w.join(" ")),
        ".{0,200}",
        prop::collection::vec(
            prop_oneof![
                Just("Bupati ".to_string()),
                "[A-Za-zé,.()]{0,8} ".prop_map(|s| s)
            ],
            0..30
        )
        .prop_map(|v| v.concat()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]
    #[test]
    fn extract_is_total_and_spans_are_sound(pars in prop::collection::vec(paragraph(), 0..5)) {
        let mut a = Article::new("random");
        for (i, p) in pars.iter().enumerate() {
            a.paragraphs.push(Paragraph::new(i, p.clone(), None));
        }
        let facts = warta_extract::extract(&a);
        for m in &facts.mentions {
            let slice = m.span.slice(&a);
            prop_assert_eq!(slice, Some(m.text.as_str()), "{:?}", m);
            prop_assert!(m.evidence.contains(&m.text), "{:?}", m);
        }
        for p in &facts.persons {
            for s in &p.mentions {
                prop_assert!(s.slice(&a).is_some());
            }
        }
    }
}
