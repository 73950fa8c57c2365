//! Output is all or nothing: a failing or abandoned run leaves no half-written table.

use std::fs;

use warta_analytics::TableSink;

use crate::fixture;

fn entries(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn failing_finish_leaves_dir_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("keep.txt"), "from before").unwrap();
    let mut sink = TableSink::create(dir.path()).unwrap();
    for (a, f) in fixture::corpus() {
        sink.push(&a, &f).unwrap();
    }
    // The run's working directory disappears under it (disk trouble, a cleaner): the
    // aggregates cannot read the fact tables back and finish must fail.
    let tmp: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".tmp-")
        })
        .collect();
    assert_eq!(tmp.len(), 1);
    fs::remove_dir_all(&tmp[0]).unwrap();
    assert!(sink.finish().is_err());
    assert_eq!(entries(dir.path()), ["keep.txt"]);
}

#[test]
fn failing_finish_keeps_previous_tables_whole() {
    let dir = tempfile::tempdir().unwrap();
    crate::write_fixture(dir.path());
    let before = fs::read(dir.path().join("activities.parquet")).unwrap();
    let names = entries(dir.path());

    let mut sink = TableSink::create(dir.path()).unwrap();
    let (a, f) = fixture::corpus().remove(0);
    sink.push(&a, &f).unwrap();
    let tmp = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".tmp-")
        })
        .unwrap();
    fs::remove_dir_all(&tmp).unwrap();
    assert!(sink.finish().is_err());
    assert_eq!(entries(dir.path()), names);
    assert_eq!(
        fs::read(dir.path().join("activities.parquet")).unwrap(),
        before
    );
}

#[test]
fn dropped_sink_removes_its_working_dir() {
    let dir = tempfile::tempdir().unwrap();
    let mut sink = TableSink::create(dir.path()).unwrap();
    let (a, f) = fixture::corpus().remove(0);
    sink.push(&a, &f).unwrap();
    assert_eq!(
        entries(dir.path()).len(),
        1,
        "only the working dir while running"
    );
    drop(sink);
    assert!(entries(dir.path()).is_empty());
}

#[test]
fn finished_run_leaves_no_working_dir() {
    let dir = tempfile::tempdir().unwrap();
    let run = crate::write_fixture(dir.path());
    let names = entries(dir.path());
    assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
    let files = run.tables.len() + run.tables.iter().filter(|t| t.csv.is_some()).count();
    assert_eq!(names.len(), files, "{names:?}");
}
