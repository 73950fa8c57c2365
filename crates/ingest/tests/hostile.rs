//! A folder of bad inputs: every file ends up either as articles or as a skip entry with a
//! reason, and the run goes on.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::Path;

use flate2::write::GzEncoder;
use flate2::Compression;
use warta_core::Article;
use warta_ingest::{discover, ingest, ingest_all, IngestError, IngestOptions, SkipReason, Skipped};

const GOOD: &str = "Pj Bupati Sintang minta ASN netral\n\nSINTANG - Penjabat Bupati Sintang meminta seluruh ASN menjaga netralitas menjelang Pilkada serentak 2024.\nBaca juga: Bawaslu Sintang buka posko\n";

fn json_line(id: &str, text: &str) -> String {
    serde_json::json!({ "id": id, "title": "Judul", "category": "Politik", "text": text })
        .to_string()
}

fn run(root: &Path, opts: &IngestOptions) -> (Vec<Article>, Vec<Skipped>) {
    let (files, mut skipped) = discover(&[root.to_path_buf()]);
    let (articles, report) = ingest_all(&files, opts).expect("bad inputs are never fatal");
    assert_eq!(report.articles, articles.len());
    skipped.extend(report.skipped);
    (articles, skipped)
}

fn reason_of<'a>(skipped: &'a [Skipped], name: &str) -> Vec<&'a Skipped> {
    skipped.iter().filter(|s| s.path.ends_with(name)).collect()
}

#[test]
fn hostile_folder_is_fully_accounted_for() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    fs::write(root.join("good.txt"), GOOD).unwrap();
    fs::create_dir(root.join("sub")).unwrap();
    fs::write(
        root.join("sub/good.txt"),
        GOOD.replace("Sintang", "Sanggau"),
    )
    .unwrap();
    fs::write(root.join("README.md"), "not an input").unwrap();
    fs::write(
        root.join("bad_utf8.txt"),
        b"ASN netral \xff\xfe di Pilkada.",
    )
    .unwrap();
    fs::write(root.join("binary.txt"), b"\x7fELF\x00\x01\x02\x03").unwrap();
    fs::write(root.join("empty.txt"), b"").unwrap();
    fs::write(root.join("huge.txt"), "ASN harus netral. ".repeat(200)).unwrap();
    let feed = [
        json_line(
            "a1",
            "Bawaslu memantau netralitas ASN di Kalimantan Barat menjelang pemungutan suara.",
        ),
        "{\"id\": \"broken\", \"text\": ".to_string(),
        json_line(
            "a3",
            "Sekda Kalbar meminta ASN tidak ikut kampanye pasangan calon mana pun.",
        ),
        "{\"id\": \"a4\", \"title\": \"no text\"}".to_string(),
        String::new(),
        "{\"id\": \"a6\", \"text\": \"ASN \\u00e9 bad".to_string(),
        "{\"text\": \"Tanpa id: BKD Kalbar menggelar apel ikrar netralitas ASN.\"}".to_string(),
    ];
    let mut feed = feed.to_vec();
    feed.push(json_line(
        "a8",
        &"Paragraf yang terlalu panjang. ".repeat(200),
    ));
    feed.push(json_line(
        "a9",
        "Baris sesudah baris panjang tetap dibaca: ASN harus netral.",
    ));
    fs::write(root.join("feed.jsonl"), feed.join("\n") + "\n").unwrap();
    // A gzip stream cut short: the lines before the cut are kept.
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    for i in 1..=400 {
        let text = format!(
            "Paragraf nomor {i} tentang netralitas ASN dan pengawasan Bawaslu {}.",
            i * 7919 % 1000
        );
        writeln!(gz, "{}", json_line(&format!("g{i}"), &text)).unwrap();
    }
    let bytes = gz.finish().unwrap();
    fs::write(root.join("trunc.jsonl.gz"), &bytes[..bytes.len() * 2 / 3]).unwrap();
    // Unreadable: chmod 000 (still readable when the tests run as root) and a dangling link.
    let locked = root.join("locked.txt");
    fs::write(&locked, GOOD.replace("Sintang", "Melawi")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
        std::os::unix::fs::symlink(root.join("nowhere.txt"), root.join("dangling.txt")).unwrap();
        std::os::unix::fs::symlink(root, root.join("sub/loop")).unwrap();
    }
    let locked_readable = fs::File::open(&locked).is_ok();

    let opts = IngestOptions {
        max_file_bytes: 3000,
        batch_size: 2,
        ..Default::default()
    };
    let (articles, skipped) = run(root, &opts);

    let ids: Vec<&str> = articles.iter().map(|a| a.id.as_str()).collect();
    // Sorted walk: bad_utf8, binary, dangling, empty, feed, good, huge, locked, sub/good, trunc.
    assert!(
        ids.starts_with(&["a1", "a3", "feed:7", "a9", "good"]),
        "{ids:?}"
    );
    let sub_id = ids
        .iter()
        .find(|i| i.ends_with("sub/good"))
        .expect("second good.txt gets a unique id");
    assert_ne!(*sub_id, "good");

    let one = |name: &str, reason: SkipReason| {
        let hits = reason_of(&skipped, name);
        assert!(
            hits.iter().any(|s| s.reason == reason),
            "{name}: want {reason}, got {hits:?}"
        );
    };
    one("bad_utf8.txt", SkipReason::InvalidUtf8);
    assert!(reason_of(&skipped, "bad_utf8.txt")[0]
        .detail
        .contains("byte offset 11"));
    one("binary.txt", SkipReason::Binary);
    one("empty.txt", SkipReason::Empty);
    one("huge.txt", SkipReason::TooLarge);
    one("dangling.txt", SkipReason::NotFound);
    one("loop", SkipReason::SymlinkLoop);
    let feed_skips = reason_of(&skipped, "feed.jsonl");
    let lines: Vec<(Option<u64>, SkipReason)> =
        feed_skips.iter().map(|s| (s.line, s.reason)).collect();
    assert_eq!(
        lines,
        [
            (Some(2), SkipReason::MalformedJson),
            (Some(4), SkipReason::MissingText),
            (Some(6), SkipReason::MalformedJson),
            (Some(8), SkipReason::TooLarge),
        ]
    );
    assert!(
        feed_skips[0].detail.contains("feed.jsonl:2"),
        "{}",
        feed_skips[0].detail
    );
    one("trunc.jsonl.gz", SkipReason::TruncatedGzip);
    let kept_gz: Vec<&str> = ids
        .iter()
        .copied()
        .filter(|i| {
            i.strip_prefix('g')
                .is_some_and(|n| n.parse::<u32>().is_ok())
        })
        .collect();
    assert!(
        !kept_gz.is_empty() && kept_gz.len() < 400,
        "{} lines kept",
        kept_gz.len()
    );
    for (n, id) in kept_gz.iter().enumerate() {
        assert_eq!(
            *id,
            format!("g{}", n + 1),
            "lines before the cut are kept in order"
        );
    }
    if locked_readable {
        // Running as root: permissions do not stop reading, so the file is an article.
        assert!(ids.contains(&"locked"), "{ids:?}");
    } else {
        one("locked.txt", SkipReason::Unreadable);
    }
    // Every input file is accounted for (README.md is not an input and is ignored).
    let mut seen: BTreeSet<String> = articles.iter().map(|a| a.provenance.path.clone()).collect();
    seen.extend(skipped.iter().map(|s| s.path.clone()));
    for name in [
        "bad_utf8.txt",
        "binary.txt",
        "dangling.txt",
        "empty.txt",
        "feed.jsonl",
        "good.txt",
        "huge.txt",
        "locked.txt",
        "sub/good.txt",
        "trunc.jsonl.gz",
    ] {
        let path = root.join(name).display().to_string();
        assert!(seen.contains(&path), "{name} not accounted for: {seen:?}");
    }
    assert!(!seen.iter().any(|p| p.ends_with("README.md")));
}

#[test]
fn a_missing_path_and_an_unknown_extension_named_directly_are_skipped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let md = dir.path().join("notes.md");
    fs::write(&md, "x").unwrap();
    let (files, skipped) = discover(&[dir.path().join("missing.txt"), md]);
    assert!(files.is_empty());
    let reasons: Vec<SkipReason> = skipped.iter().map(|s| s.reason).collect();
    assert_eq!(reasons, [SkipReason::NotFound, SkipReason::Unsupported]);
}

#[test]
fn a_failing_batch_callback_is_fatal_and_stops_the_reader() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lines: Vec<String> = (0..50)
        .map(|i| {
            json_line(
                &format!("x{i}"),
                "ASN harus netral dalam Pilkada serentak 2024.",
            )
        })
        .collect();
    fs::write(dir.path().join("feed.jsonl"), lines.join("\n")).unwrap();
    let (files, _) = discover(&[dir.path().to_path_buf()]);
    let opts = IngestOptions {
        batch_size: 4,
        ..Default::default()
    };
    let mut calls = 0;
    let err = ingest(
        &files,
        &opts,
        |_| {},
        |_| {
            calls += 1;
            Err("disk full".into())
        },
    )
    .expect_err("callback error is fatal");
    assert!(matches!(err, IngestError::Batch(_)));
    assert!(err.to_string().contains("disk full"));
    assert_eq!(calls, 1);
}

#[test]
fn output_does_not_depend_on_batch_size_or_thread_count() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
    let (files, _) = discover(&[corpus]);
    let total: u64 = files.iter().map(|f| f.bytes).sum();
    let collect = |batch_size: usize, threads: usize| -> (String, Vec<u64>) {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool");
        pool.install(|| {
            let mut out = Vec::new();
            let mut progress = Vec::new();
            let opts = IngestOptions {
                batch_size,
                ..Default::default()
            };
            ingest(
                &files,
                &opts,
                |b| progress.push(b),
                |batch| {
                    out.extend(batch);
                    Ok(())
                },
            )
            .expect("ingest");
            (serde_json::to_string(&out).expect("json"), progress)
        })
    };
    let (a, progress) = collect(512, 2);
    let (b, _) = collect(1, 1);
    let (c, _) = collect(7, 3);
    assert_eq!(a, b);
    assert_eq!(a, c);
    assert!(
        progress.windows(2).all(|w| w[0] <= w[1]),
        "progress only grows"
    );
    assert_eq!(progress.last().copied(), Some(total));
}
