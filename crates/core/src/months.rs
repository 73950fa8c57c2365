//! Month names as Indonesian news text writes them (`Februari`, `Pebruari`, `Feb.`, `Nop`,
//! `August`): the table in `data/months.json`, embedded and read once.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

const MONTHS_JSON: &str = include_str!("../data/months.json");

/// The names of one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonthNames {
    /// 1 (January) to 12.
    pub month: u8,
    /// The name written out, lower case: Indonesian, its old spellings, English
    /// (`februari`, `pebruari`, `february`).
    pub full: Vec<String>,
    /// Abbreviations, lower case and without their dot (`feb`, `peb`).
    pub short: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MonthFile {
    #[allow(dead_code)]
    comment: String,
    months: Vec<MonthNames>,
}

/// The twelve months of the month table, January first.
pub fn months() -> &'static [MonthNames] {
    static MONTHS: OnceLock<Vec<MonthNames>> = OnceLock::new();
    MONTHS.get_or_init(|| {
        // The file is part of the crate: a broken file is a bug caught by every test.
        let file: MonthFile = serde_json::from_str(MONTHS_JSON).expect("data/months.json is valid");
        file.months
    })
}

/// The month (1 to 12) a full or short month name names, ASCII case ignored and an optional
/// trailing `.` allowed (`Oktober`, `OKT`, `Okt.`, `Nopember`, `Agt`); `None` for any other
/// word.
///
/// ```
/// use warta_core::month_number;
/// assert_eq!(month_number("Nopember"), Some(11));
/// assert_eq!(month_number("Sept."), Some(9));
/// assert_eq!(month_number("Minggu"), None);
/// ```
pub fn month_number(name: &str) -> Option<u8> {
    let name = name.strip_suffix('.').unwrap_or(name);
    months()
        .iter()
        .find(|m| {
            m.full
                .iter()
                .chain(&m.short)
                .any(|n| n.eq_ignore_ascii_case(name))
        })
        .map(|m| m.month)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_holds_twelve_months_in_order_with_distinct_lower_case_names() {
        let months = months();
        assert_eq!(
            months.iter().map(|m| m.month).collect::<Vec<_>>(),
            (1..=12).collect::<Vec<u8>>()
        );
        let mut names: Vec<&str> = Vec::new();
        for m in months {
            assert!(!m.full.is_empty(), "month {} has no full name", m.month);
            for n in m.full.iter().chain(&m.short) {
                assert!(
                    !n.is_empty() && n.bytes().all(|b| b.is_ascii_lowercase()),
                    "{n:?}"
                );
                assert_eq!(month_number(n), Some(m.month), "{n}");
                names.push(n);
            }
        }
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count, "a name is in two months");
    }

    #[test]
    fn full_names_name_their_month() {
        for (name, month) in [
            ("januari", 1),
            ("februari", 2),
            ("pebruari", 2),
            ("february", 2),
            ("maret", 3),
            ("mei", 5),
            ("may", 5),
            ("agustus", 8),
            ("august", 8),
            ("oktober", 10),
            ("nopember", 11),
            ("desember", 12),
        ] {
            assert_eq!(month_number(name), Some(month), "{name}");
        }
    }

    #[test]
    fn short_names_name_their_month() {
        for (name, month) in [
            ("jan", 1),
            ("peb", 2),
            ("mrt", 3),
            ("agt", 8),
            ("agus", 8),
            ("ags", 8),
            ("sept", 9),
            ("okt", 10),
            ("oct", 10),
            ("nop", 11),
            ("des", 12),
        ] {
            assert_eq!(month_number(name), Some(month), "{name}");
        }
    }

    #[test]
    fn case_is_ignored_and_a_trailing_dot_allowed() {
        assert_eq!(month_number("Oktober"), Some(10));
        assert_eq!(month_number("NOPEMBER"), Some(11));
        assert_eq!(month_number("sEpTeMbEr"), Some(9));
        assert_eq!(month_number("Okt."), Some(10));
        assert_eq!(month_number("SEPT."), Some(9));
        assert_eq!(month_number("Februari."), Some(2));
        // One dot only, and only at the end.
        assert_eq!(month_number("Okt.."), None);
        assert_eq!(month_number(".Okt"), None);
        assert_eq!(month_number("O.kt"), None);
    }

    #[test]
    fn other_words_name_no_month() {
        for word in [
            "",
            ".",
            "minggu",
            "Desa",
            "Maretta",
            "Janu",
            "Oktobe",
            "ju",
            "bulan",
            "Okt 2024",
            " okt",
            "Ag\u{fa}stus",
        ] {
            assert_eq!(month_number(word), None, "{word:?}");
        }
    }
}
