//! The evaluator on small hand-made gold.

use warta_core::{Article, MentionKind, Paragraph};
use warta_extract::eval::{evaluate, load_gold_dir, GoldArticle, LiteGold, LiteMention};

fn article() -> Article {
    let mut a = Article::new("a1");
    a.paragraphs.push(Paragraph::new(
        0,
        "Kepala Badan Kepegawaian Daerah (BKD) Kaltim, Deni Sutrisno mengatakan pihaknya memantau ASN di Kalimantan Timur.",
        None,
    ));
    a
}

fn lite(mentions: Vec<(MentionKind, &str, &str)>) -> GoldArticle {
    GoldArticle::Lite(LiteGold {
        article_id: "a1".into(),
        mentions: mentions
            .into_iter()
            .map(|(kind, text, key)| LiteMention {
                kind,
                text: text.into(),
                key: key.into(),
                paragraph: None,
            })
            .collect(),
    })
}

#[test]
fn lite_gold_hits_misses_and_false_hits() {
    let a = article();
    let pred = vec![warta_extract::extract(&a)];
    let gold = vec![lite(vec![
        (
            MentionKind::Official,
            "Kepala Badan Kepegawaian Daerah (BKD) Kaltim, Deni Sutrisno",
            "|Kepala BKD|64|Deni Sutrisno",
        ),
        (MentionKind::Region, "Kalimantan Timur", "64"),
        // Wrong key: a miss, and the predicted Kaltim region stays unmatched only if not gold.
        (MentionKind::Region, "Kaltim", "61"),
    ])];
    let r = evaluate(&gold, &pred, &[a]);
    let off = &r.by_kind[&MentionKind::Official];
    assert_eq!((off.gold, off.tp), (1, 1));
    let reg = &r.by_kind[&MentionKind::Region];
    assert_eq!((reg.gold, reg.tp), (2, 1));
    assert!(r.misses.iter().any(|d| d.key == "61" && d.text == "Kaltim"));
    assert!(r
        .false_hits
        .iter()
        .any(|d| d.kind == MentionKind::Region && d.text == "Kaltim" && d.key == "64"));
    assert_eq!(r.total.gold, 3);
    assert!(r.micro_f1() > 0.0 && r.micro_f1() < 1.0);
    let table = r.table();
    assert!(table.lines().next().unwrap().starts_with("kind"));
    assert!(table.contains("micro"));
    assert!(r.details().contains("miss\ta1\tregion\t61"));
}

#[test]
fn full_gold_of_itself_scores_one() {
    let a = article();
    let facts = warta_extract::extract(&a);
    assert!(!facts.mentions.is_empty());
    let r = evaluate(&[GoldArticle::Full(facts.clone())], &[facts], &[a]);
    assert_eq!(r.total.tp, r.total.gold);
    assert_eq!(r.total.tp, r.total.pred);
    assert!((r.micro_f1() - 1.0).abs() < 1e-9);
}

#[test]
fn missing_predictions_are_all_misses() {
    let gold = vec![lite(vec![(MentionKind::Region, "Kalimantan Timur", "64")])];
    let r = evaluate(&gold, &[], &[]);
    assert_eq!(r.missing_articles, vec!["a1".to_string()]);
    assert_eq!(r.total.tp, 0);
    assert_eq!(r.misses.len(), 1);
}

#[test]
fn gold_dir_reads_both_forms() {
    let dir = std::env::temp_dir().join(format!("warta-eval-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let a = article();
    let facts = warta_extract::extract(&a);
    std::fs::write(
        dir.join("full.json"),
        serde_json::to_string(&facts).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.join("lite.json"),
        r#"{"article_id": "a1", "mentions": [{"kind": "region", "text": "Kaltim", "key": "64", "paragraph": 0}]}"#,
    )
    .unwrap();
    std::fs::write(dir.join("notes.txt"), "ignored").unwrap();
    let gold = load_gold_dir(&dir).unwrap();
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(gold.len(), 2);
    assert!(matches!(gold[0], GoldArticle::Full(_)));
    assert!(matches!(gold[1], GoldArticle::Lite(_)));
}

/// Hand-made lite gold for the five seeds (`fixtures/extract/gold`): the table is printed
/// (`cargo test -p warta-extract --test eval -- --nocapture`), and every seed official is found.
#[test]
fn seeds_against_hand_gold() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let gold = load_gold_dir(root.join("fixtures/extract/gold")).unwrap();
    assert_eq!(gold.len(), 5);
    let articles: Vec<Article> = gold
        .iter()
        .map(|g| {
            let p = root.join(format!("fixtures/ingest/{}.json", g.article_id()));
            serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
        })
        .collect();
    let pred: Vec<_> = articles.iter().map(warta_extract::extract).collect();
    let r = evaluate(&gold, &pred, &articles);
    eprintln!("{}\n{}", r.table(), r.details());
    let off = &r.by_kind[&MentionKind::Official];
    assert_eq!(
        (off.tp, off.gold, off.pred),
        (16, 16, 16),
        "every seed official, nothing else"
    );
    assert!(r.by_kind[&MentionKind::Region].f1() >= 0.8);
    assert!(r.by_kind[&MentionKind::Activity].f1() >= 0.7);
}

#[test]
fn repeated_lite_text_maps_to_successive_occurrences() {
    let mut a = Article::new("a1");
    a.paragraphs.push(Paragraph::new(
        0,
        "Pemprov Kaltim dan BKD Kaltim memantau ASN.",
        None,
    ));
    let pred = vec![warta_extract::extract(&a)];
    let gold = vec![lite(vec![
        (MentionKind::Region, "Kaltim", "64"),
        (MentionKind::Region, "Kaltim", "64"),
    ])];
    let r = evaluate(&gold, &pred, &[a]);
    let reg = &r.by_kind[&MentionKind::Region];
    assert_eq!((reg.gold, reg.pred, reg.tp), (2, 2, 2));
}
