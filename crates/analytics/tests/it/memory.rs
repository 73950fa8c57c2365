//! The sink keeps a bounded number of rows in memory however many facts pass through.

use warta_analytics::{query, TableSink, DEFAULT_CHUNK_ROWS};
use warta_core::*;

use crate::fixture::{activity, article, mention, region, KALBAR};
use crate::num_at;

#[test]
fn buffered_rows_never_exceed_the_bound() {
    let dir = tempfile::tempdir().unwrap();
    let bound = 10_000;
    let mut sink = TableSink::create(dir.path())
        .unwrap()
        .with_chunk_rows(bound);
    assert_eq!(sink.chunk_rows(), bound);
    let sintang = region("61.05", "Kabupaten Sintang", RegionLevel::Regency, KALBAR);
    let pledge = mention(
        activity(
            ActivityType::Pledge,
            Some("61.05"),
            Some(PartialDate::day(2024, 1, 10)),
            Some((10.0, CountRole::Pledgers)),
            None,
        ),
        "ikrar",
    );
    // 20,000 articles x (15 activities + 1 region) = 320,000 fact rows.
    let articles = 20_000;
    let mut max_seen = 0;
    for n in 0..articles {
        let id = format!("m{n}");
        let a = article(&id, None, PartialDate::day(2024, 1, 11));
        let mut mentions = vec![mention(MentionValue::Region(sintang.clone()), "Sintang")];
        mentions.extend(std::iter::repeat_n(pledge.clone(), 15));
        let f = ArticleFacts {
            article_id: id,
            mentions,
            primary_region: Some(sintang.clone()),
            cycles: vec![],
            ..Default::default()
        };
        sink.push(&a, &f).unwrap();
        max_seen = max_seen.max(sink.buffered_rows());
    }
    assert!(max_seen < bound, "buffered {max_seen} rows, bound {bound}");
    assert!(sink.peak_buffered_rows() <= bound);
    assert!(
        sink.peak_buffered_rows() >= bound - 15,
        "the bound was reached and flushed"
    );
    let run = sink.finish().unwrap();
    let activities = run.tables.iter().find(|t| t.name == "activities").unwrap();
    assert_eq!(activities.rows, articles * 15);

    // All chunks were written: every row is back, the duplicates collapse into one event each.
    let df = query(dir.path(), "SELECT COUNT(*) AS n FROM activities").unwrap();
    assert_eq!(num_at(&df, "n", 0), (articles * 15) as f64);
    let i = crate::row(&run.summary, &[("province_code", "61")]);
    assert_eq!(num_at(&run.summary, "pledge_events", i), articles as f64);
    assert_eq!(num_at(&run.summary, "pledgers", i), 10.0 * articles as f64);
    assert_eq!(DEFAULT_CHUNK_ROWS, 16_384);
}
