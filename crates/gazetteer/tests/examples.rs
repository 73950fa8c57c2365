//! Runs the table of examples in tests/examples.tsv through `Gazetteer::find`.

use warta_gazetteer::{gazetteer, RegionLevel, RegionMatch};

const EXAMPLES: &str = include_str!("examples.tsv");

/// Expands `\n`, `\t` and `\u{XXXX}`.
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 1..];
        if let Some(t) = tail.strip_prefix('n') {
            out.push('\n');
            rest = t;
        } else if let Some(t) = tail.strip_prefix('t') {
            out.push('\t');
            rest = t;
        } else if let Some(t) = tail.strip_prefix("u{") {
            let close = t.find('}').expect("unterminated \\u{");
            let c = u32::from_str_radix(&t[..close], 16)
                .ok()
                .and_then(char::from_u32)
                .expect("bad \\u{} escape");
            out.push(c);
            rest = &t[close + 1..];
        } else {
            out.push('\\');
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

/// The expected-column notation for one match.
fn render(text: &str, m: &RegionMatch) -> String {
    let mut s = String::new();
    if let Some(p) = m.prefix_start {
        s.push_str(text[p..m.start].trim());
        s.push('>');
    }
    s.push_str(&text[m.start..m.end]);
    s.push('=');
    let codes: Vec<&str> = m.candidates.iter().map(|r| r.code).collect();
    s.push_str(&codes.join("|"));
    if let Some(level) = m.level_hint {
        s.push('/');
        s.push_str(RegionLevel::as_str(level));
    }
    s
}

#[test]
fn examples_table() {
    let g = gazetteer();
    let mut failures = Vec::new();
    let mut count = 0;
    for (no, line) in EXAMPLES.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let (text, expected) = line
            .split_once('\t')
            .unwrap_or_else(|| panic!("line {}: no tab", no + 1));
        let text = unescape(text);
        let found = g.find(&text);
        let got: Vec<String> = found.iter().map(|m| render(&text, m)).collect();
        let got = if got.is_empty() {
            "-".to_owned()
        } else {
            got.join("; ")
        };
        count += 1;
        if got != expected {
            failures.push(format!(
                "line {}: {text:?}\n   expected {expected}\n   got      {got}",
                no + 1
            ));
        }
    }
    assert!(count >= 100, "only {count} examples");
    assert!(
        failures.is_empty(),
        "{} of {count} examples failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
