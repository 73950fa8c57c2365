//! Printing a DataFrame: an aligned plain table for the terminal, CSV, or JSON.

use polars::prelude::*;

use crate::AnalyticsError;

/// How [`format_frame`] prints a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// Aligned plain text, as [`render_table`].
    Table,
    /// CSV with a header line.
    Csv,
    /// A JSON array of objects, one per row, keyed by column name.
    Json,
}

/// Longest cell [`render_table`] prints in full; longer cells end with `…`.
const MAX_CELL_CHARS: usize = 60;

/// A cell as text: nulls empty, whole floats without a fractional part.
fn cell_text(v: &AnyValue<'_>) -> String {
    match v {
        AnyValue::Null => String::new(),
        AnyValue::String(s) => (*s).to_string(),
        AnyValue::StringOwned(s) => s.to_string(),
        AnyValue::Boolean(b) => b.to_string(),
        AnyValue::Float64(f) => float_text(*f),
        AnyValue::Float32(f) => float_text(f64::from(*f)),
        other => other.to_string(),
    }
}

fn float_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

fn is_numeric(dt: &DataType) -> bool {
    dt.is_primitive_numeric()
}

/// An aligned plain table: header, a rule, one line per row. Numbers are right-aligned.
pub fn render_table(df: &DataFrame) -> String {
    let cols = df.columns();
    let mut cells: Vec<Vec<String>> = Vec::with_capacity(cols.len());
    for col in cols {
        let mut c = vec![col.name().to_string()];
        for i in 0..df.height() {
            let text = col.get(i).map(|v| cell_text(&v)).unwrap_or_default();
            c.push(truncate(text.replace(['\n', '\t'], " ")));
        }
        cells.push(c);
    }
    let widths: Vec<usize> = cells
        .iter()
        .map(|c| c.iter().map(|s| s.chars().count()).max().unwrap_or(0))
        .collect();
    let numeric: Vec<bool> = cols.iter().map(|c| is_numeric(c.dtype())).collect();
    let mut out = String::new();
    for row in 0..=df.height() {
        let mut line = String::new();
        for (j, c) in cells.iter().enumerate() {
            if j > 0 {
                line.push_str("  ");
            }
            let pad = widths[j] - c[row].chars().count();
            if numeric[j] && row > 0 {
                line.push_str(&" ".repeat(pad));
                line.push_str(&c[row]);
            } else {
                line.push_str(&c[row]);
                line.push_str(&" ".repeat(pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
        if row == 0 {
            let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
            out.push_str(&rule.join("  "));
            out.push('\n');
        }
    }
    out.push_str(&format!("({} rows)\n", df.height()));
    out
}

fn truncate(s: String) -> String {
    if s.chars().count() <= MAX_CELL_CHARS {
        return s;
    }
    let mut t: String = s.chars().take(MAX_CELL_CHARS - 1).collect();
    t.push('…');
    t
}

fn json_value(v: &AnyValue<'_>) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        AnyValue::Null => J::Null,
        AnyValue::Boolean(b) => J::Bool(*b),
        AnyValue::String(s) => J::String((*s).to_string()),
        AnyValue::StringOwned(s) => J::String(s.to_string()),
        AnyValue::Int8(x) => J::from(*x),
        AnyValue::Int16(x) => J::from(*x),
        AnyValue::Int32(x) => J::from(*x),
        AnyValue::Int64(x) => J::from(*x),
        AnyValue::UInt8(x) => J::from(*x),
        AnyValue::UInt16(x) => J::from(*x),
        AnyValue::UInt32(x) => J::from(*x),
        AnyValue::UInt64(x) => J::from(*x),
        AnyValue::Float32(x) => {
            serde_json::Number::from_f64(f64::from(*x)).map_or(J::Null, J::Number)
        }
        AnyValue::Float64(x) => serde_json::Number::from_f64(*x).map_or(J::Null, J::Number),
        other => J::String(other.to_string()),
    }
}

/// Prints `df` in the given format.
pub fn format_frame(df: &mut DataFrame, f: OutputFormat) -> Result<String, AnalyticsError> {
    match f {
        OutputFormat::Table => Ok(render_table(df)),
        OutputFormat::Csv => {
            let mut buf = Vec::new();
            CsvWriter::new(&mut buf).include_header(true).finish(df)?;
            Ok(String::from_utf8_lossy(&buf).into_owned())
        }
        OutputFormat::Json => {
            let names: Vec<String> = df
                .get_column_names()
                .iter()
                .map(|n| n.to_string())
                .collect();
            let mut rows = Vec::with_capacity(df.height());
            for i in 0..df.height() {
                let mut obj = serde_json::Map::new();
                for (name, col) in names.iter().zip(df.columns()) {
                    let v = col
                        .get(i)
                        .map(|v| json_value(&v))
                        .unwrap_or(serde_json::Value::Null);
                    obj.insert(name.clone(), v);
                }
                rows.push(serde_json::Value::Object(obj));
            }
            let mut s = serde_json::to_string_pretty(&rows).unwrap_or_else(|_| "[]".into());
            s.push('\n');
            Ok(s)
        }
    }
}
