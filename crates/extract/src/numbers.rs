//! Indonesian numbers: `2.500`, `1,5 juta`, `3 (tiga)`, `tiga puluh`, `seribu`, `ribuan`, `700-an`.

/// A parsed number: its value (None for vague quantities like `ratusan`) and whether it is approximate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Number {
    pub value: Option<f64>,
    pub approximate: bool,
}

/// Parse a whole number expression (digits with Indonesian separators, scale words, spelled
/// numbers, vague quantities). `None` when `s` is not a number.
pub fn parse_number(s: &str) -> Option<Number> {
    let _ = s;
    None
}
