//! The aggregates of the fixture corpus against numbers computed by hand (see fixture.rs).

use warta_analytics::TableSink;

use crate::fixture::corpus;
use crate::{num_at, read, row, str_at, write_fixture};

const FACT_TABLE_NAMES: [&str; 8] = [
    "articles",
    "article_cycles",
    "officials",
    "regions",
    "dates",
    "counts",
    "instruments",
    "activities",
];

#[test]
fn fact_csv_copies_every_fact_table_row_for_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut sink = TableSink::create(dir.path())
        .unwrap()
        .with_fact_csv(true)
        .unwrap()
        .with_chunk_rows(2);
    for (article, facts) in corpus() {
        sink.push(&article, &facts).unwrap();
    }
    let run = sink.finish().unwrap();
    for name in FACT_TABLE_NAMES {
        let t = run.tables.iter().find(|t| t.name == name).unwrap();
        let csv = t.csv.as_ref().expect("fact table CSV requested");
        let text = std::fs::read_to_string(csv).unwrap();
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let parquet = read(dir.path(), name);
        let columns: Vec<&str> = parquet
            .get_column_names()
            .iter()
            .map(|c| c.as_str())
            .collect();
        assert_eq!(header, columns, "{name}: CSV header");
        assert_eq!(parquet.height(), t.rows, "{name}");
        // Evidence sentences hold no line breaks, so a row is a line.
        assert_eq!(lines.count(), t.rows, "{name}: CSV rows");
    }
}

#[test]
fn fact_tables_have_one_row_per_fact() {
    let dir = tempfile::tempdir().unwrap();
    let run = write_fixture(dir.path());
    let rows = |name: &str| run.tables.iter().find(|t| t.name == name).map(|t| t.rows);
    assert_eq!(rows("articles"), Some(4));
    // a1, a2: one cycle each; a3: one; a4: two.
    assert_eq!(rows("article_cycles"), Some(5));
    // a1 and a2 have three activities each, a3 three, a4 two.
    assert_eq!(rows("activities"), Some(11));
    assert_eq!(rows("officials"), Some(3));
    assert_eq!(rows("instruments"), Some(3));
    assert_eq!(rows("counts"), Some(2));
    assert_eq!(rows("dates"), Some(2));
    assert_eq!(rows("regions"), Some(3));
    for t in &run.tables {
        assert!(t.parquet.is_file(), "{}", t.parquet.display());
        let fact_table = FACT_TABLE_NAMES.contains(&t.name.as_str());
        // Aggregates are always written as CSV too; fact tables only when asked.
        assert_eq!(t.csv.is_some(), !fact_table, "{}", t.name);
        if let Some(csv) = &t.csv {
            assert!(csv.is_file(), "{}", csv.display());
        }
    }
    let csv_files = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "csv")
        })
        .count();
    assert_eq!(csv_files, run.tables.len() - FACT_TABLE_NAMES.len());

    let articles = read(dir.path(), "articles");
    let i = row(&articles, &[("article_id", "a4")]);
    assert_eq!(
        str_at(&articles, "cycles", i).as_deref(),
        Some("Pemilu 2024;Pilkada 2024")
    );
    assert_eq!(str_at(&articles, "cluster_id", i).as_deref(), Some("a4"));
    assert_eq!(
        str_at(&articles, "province_name", i).as_deref(),
        Some("Kalimantan Barat")
    );
    assert_eq!(
        str_at(&articles, "published", i).as_deref(),
        Some("2024-01-22")
    );
    assert_eq!(
        str_at(&articles, "published_precision", i).as_deref(),
        Some("day")
    );
    let i = row(&articles, &[("article_id", "a2")]);
    assert_eq!(str_at(&articles, "cluster_id", i).as_deref(), Some("a1"));
    assert_eq!(
        str_at(&articles, "cluster_representative", i).as_deref(),
        Some("false")
    );
}

#[test]
fn activities_fall_back_to_article_region_cycle_and_date() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path());
    let act = read(dir.path(), "activities");
    let i = row(
        &act,
        &[("article_id", "a1"), ("activity_type", "socialization")],
    );
    assert_eq!(str_at(&act, "region_code", i).as_deref(), Some("61.05"));
    assert_eq!(
        str_at(&act, "province_name", i).as_deref(),
        Some("Kalimantan Barat")
    );
    assert_eq!(str_at(&act, "cycle", i).as_deref(), Some("Pemilu 2024"));
    assert_eq!(str_at(&act, "date", i).as_deref(), Some("2024-01-11"));
    assert_eq!(str_at(&act, "date_source", i).as_deref(), Some("published"));
    let i = row(&act, &[("article_id", "a3"), ("activity_type", "pledge")]);
    assert_eq!(str_at(&act, "cycle", i).as_deref(), Some("Pilkada 2024"));
    assert_eq!(
        str_at(&act, "region_name", i).as_deref(),
        Some("Kabupaten Barito Selatan")
    );
    // a4 names 61.05 in an activity but never as a region mention: the region and its
    // province still take their names from the gazetteer, as in every other row with the code.
    let i = row(&act, &[("article_id", "a4"), ("region_code", "61.05")]);
    assert_eq!(str_at(&act, "province_code", i).as_deref(), Some("61"));
    assert_eq!(
        str_at(&act, "province_name", i).as_deref(),
        Some("Kalimantan Barat")
    );
    assert_eq!(
        str_at(&act, "region_name", i).as_deref(),
        Some("Kabupaten Sintang")
    );
    assert_eq!(str_at(&act, "region_level", i).as_deref(), Some("regency"));
    let pledges = (0..act.height())
        .filter(|&i| str_at(&act, "official", i).as_deref() == Some("Jarot Winarno (Bupati)"))
        .count();
    assert_eq!(
        pledges, 4,
        "a1 and a2 each tie both pledge mentions to Jarot Winarno"
    );
}

#[test]
fn province_cycle_summary_counts_each_story_once() {
    let dir = tempfile::tempdir().unwrap();
    let run = write_fixture(dir.path());
    let s = &run.summary;
    assert_eq!(s.height(), 3, "{s}");

    let i = row(s, &[("province_code", "61"), ("cycle", "Pemilu 2024")]);
    assert_eq!(
        str_at(s, "province", i).as_deref(),
        Some("Kalimantan Barat")
    );
    // a1 (its copy a2 not again) and a4.
    assert_eq!(num_at(s, "articles", i), 2.0);
    // a1's pledge (mentioned twice: one event), a4's two pledges.
    assert_eq!(num_at(s, "pledge_events", i), 3.0);
    assert_eq!(num_at(s, "pledgers", i), 2500.0 + 500.0);
    // a4's pledge in the province states no count.
    assert_eq!(num_at(s, "pledge_events_counted", i), 2.0);
    assert_eq!(num_at(s, "violations", i), 0.0);

    let i = row(s, &[("province_code", "61"), ("cycle", "Pilkada 2024")]);
    assert_eq!(num_at(s, "articles", i), 1.0);
    assert_eq!(num_at(s, "pledge_events", i), 0.0);
    assert_eq!(num_at(s, "pledge_events_counted", i), 0.0);

    let i = row(s, &[("province_code", "62"), ("cycle", "Pilkada 2024")]);
    assert_eq!(num_at(s, "articles", i), 1.0);
    assert_eq!(num_at(s, "pledge_events", i), 1.0);
    assert_eq!(num_at(s, "pledgers", i), 30.0);
    assert_eq!(num_at(s, "pledge_events_counted", i), 1.0);
    assert_eq!(num_at(s, "violation_events", i), 1.0);
    assert_eq!(num_at(s, "violations", i), 3.0);
    assert_eq!(num_at(s, "sanction_events", i), 1.0);
    assert_eq!(num_at(s, "sanctions", i), 2.0);

    // The same frame was written to disk.
    let on_disk = read(dir.path(), "province_cycle_summary");
    assert!(on_disk.equals_missing(s));
}

#[test]
fn activity_by_region_cycle_places_each_event_once() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path());
    let df = read(dir.path(), "activity_by_region_cycle");
    // One row per (most specific region, cycle, type): 61.05 pledge and socialization (a1, a4),
    // 61 pledge (a4's province-level pledge), 62.04 pledge, 62 violation and sanction (a3).
    assert_eq!(df.height(), 6, "{df}");

    let i = row(
        &df,
        &[
            ("level", "regency"),
            ("region_code", "61.05"),
            ("cycle", "Pemilu 2024"),
            ("activity_type", "pledge"),
        ],
    );
    assert_eq!(
        str_at(&df, "region", i).as_deref(),
        Some("Kabupaten Sintang")
    );
    assert_eq!(
        str_at(&df, "province", i).as_deref(),
        Some("Kalimantan Barat")
    );
    // a1's pledge (2,500, named twice: one event) and a4's (500); a2 is a1's copy.
    assert_eq!(num_at(&df, "articles", i), 2.0);
    assert_eq!(num_at(&df, "events", i), 2.0);
    assert_eq!(num_at(&df, "pledgers", i), 3000.0);
    assert_eq!(str_at(&df, "first_date", i).as_deref(), Some("2024-01-10"));
    assert_eq!(str_at(&df, "last_date", i).as_deref(), Some("2024-01-20"));

    // a4's pledge placed at province level, without a count.
    let i = row(
        &df,
        &[
            ("level", "province"),
            ("region_code", "61"),
            ("activity_type", "pledge"),
        ],
    );
    assert_eq!(num_at(&df, "events", i), 1.0);
    assert_eq!(num_at(&df, "pledgers", i), 0.0);
    assert_eq!(str_at(&df, "first_date", i).as_deref(), Some("2023-12"));

    // Participants count on the socialization, never as pledgers.
    let i = row(
        &df,
        &[("region_code", "61.05"), ("activity_type", "socialization")],
    );
    assert_eq!(num_at(&df, "participants", i), 800.0);
    assert_eq!(num_at(&df, "pledgers", i), 0.0);
    assert_eq!(str_at(&df, "first_date", i).as_deref(), Some("2024-01-11"));

    let i = row(
        &df,
        &[
            ("level", "province"),
            ("region_code", "62"),
            ("activity_type", "violation"),
        ],
    );
    assert_eq!(num_at(&df, "violations", i), 3.0);
    assert_eq!(str_at(&df, "cycle", i).as_deref(), Some("Pilkada 2024"));
    let i = row(
        &df,
        &[
            ("level", "province"),
            ("region_code", "62"),
            ("activity_type", "sanction"),
        ],
    );
    assert_eq!(num_at(&df, "sanctioned", i), 2.0);
    let i = row(
        &df,
        &[
            ("level", "regency"),
            ("region_code", "62.04"),
            ("activity_type", "pledge"),
        ],
    );
    assert_eq!(num_at(&df, "pledgers", i), 30.0);
    assert_eq!(str_at(&df, "first_date", i).as_deref(), Some("2024-09-02"));

    // Province totals are a plain GROUP BY: every event stands in one row.
    let totals = warta_analytics::query(
        dir.path(),
        "SELECT province, SUM(pledgers) AS pledgers FROM activity_by_region_cycle GROUP BY province ORDER BY province",
    )
    .unwrap();
    let i = row(&totals, &[("province", "Kalimantan Barat")]);
    assert_eq!(num_at(&totals, "pledgers", i), 3000.0);
    let i = row(&totals, &[("province", "Kalimantan Tengah")]);
    assert_eq!(num_at(&totals, "pledgers", i), 30.0);
}

#[test]
fn monthly_instrument_and_official_aggregates() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path());

    let m = read(dir.path(), "activity_by_month");
    assert_eq!(m.height(), 6, "{m}");
    let i = row(&m, &[("month", "2024-01"), ("activity_type", "pledge")]);
    assert_eq!(num_at(&m, "articles", i), 2.0);
    assert_eq!(num_at(&m, "events", i), 2.0);
    assert_eq!(num_at(&m, "pledgers", i), 3000.0);
    let i = row(&m, &[("month", "2023-12"), ("activity_type", "pledge")]);
    assert_eq!(num_at(&m, "events", i), 1.0);
    assert_eq!(num_at(&m, "pledgers", i), 0.0);

    let ins = read(dir.path(), "instruments_by_cycle");
    assert_eq!(ins.height(), 2, "{ins}");
    for c in ["Pemilu 2024", "Pilkada 2024"] {
        let i = row(
            &ins,
            &[("cycle", c), ("instrument_type", "UU"), ("number", "5")],
        );
        assert_eq!(num_at(&ins, "year", i), 2014.0);
        assert_eq!(
            num_at(&ins, "articles", i),
            1.0,
            "the copy a2 does not count"
        );
        assert_eq!(num_at(&ins, "mentions", i), 1.0);
    }

    let off = read(dir.path(), "officials_by_region");
    assert_eq!(off.height(), 2, "{off}");
    let i = row(&off, &[("name", "Jarot Winarno")]);
    assert_eq!(
        str_at(&off, "region", i).as_deref(),
        Some("Kabupaten Sintang")
    );
    assert_eq!(num_at(&off, "articles", i), 1.0);
    assert_eq!(
        str_at(&off, "first_published", i).as_deref(),
        Some("2024-01-11")
    );
    let i = row(&off, &[("name", "Deddy Winarwan")]);
    assert_eq!(str_at(&off, "modifier", i).as_deref(), Some("Pj"));
    assert_eq!(str_at(&off, "province_code", i).as_deref(), Some("62"));
}
