//! Indonesian provinces, regencies and cities (Kemendagri codes) and press aliases,
//! matched in text on word boundaries.
//!
//! (API contract; implementation in progress.)

pub use warta_core::RegionLevel;

/// One province, regency or city of the official list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// Dotted Kemendagri code: `61`, `61.05`.
    pub code: &'static str,
    /// Official name: `Kalimantan Barat`, `Kabupaten Sintang`, `Kota Pontianak`.
    pub name: &'static str,
    /// Name without `Kabupaten `/`Kota ` (`Sintang`, `Pontianak`).
    pub bare_name: &'static str,
    pub level: RegionLevel,
    /// Province code (`61`); a province's own code for provinces.
    pub province_code: &'static str,
}

/// How a match was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchKind {
    /// The official name with its prefix: `Kabupaten Sintang`, `Kota Pontianak`, `Kalimantan Barat`.
    Official,
    /// A bare name: `Sintang`, `Barito Selatan`.
    Bare,
    /// A press alias or variant spelling: `Kalbar`, `Barsel`, `Palangka Raya`.
    Alias,
    /// A regency seat used as a dateline: `Buntok`, `Sendawar`.
    Seat,
}

/// A region name found in text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionMatch {
    /// Byte offsets in the searched text.
    pub start: usize,
    pub end: usize,
    pub kind: MatchKind,
    /// Every region the surface form may name, most likely first. One element when unambiguous.
    pub candidates: Vec<&'static Region>,
}
