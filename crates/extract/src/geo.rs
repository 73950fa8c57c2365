//! The one place that talks to `warta-gazetteer`: region matches in a text, and conversion of a
//! gazetteer region into the [`RegionRef`] stored in facts.

use warta_core::{Label, RegionLevel, RegionRef, RegionRole};
use warta_gazetteer::{gazetteer, Region, RegionMatch};

/// Region names in `text` (non-overlapping, in order).
pub(crate) fn find(text: &str) -> Vec<RegionMatch> {
    gazetteer().find(text)
}

/// Regions whose name, bare name or alias is `name`.
pub(crate) fn lookup(name: &str) -> Vec<&'static Region> {
    gazetteer().lookup(name)
}

/// The regency or city of the one kecamatan named `name` (`Sungailiat`), if any.
pub(crate) fn district_parent(name: &str) -> Option<&'static Region> {
    gazetteer().district_parent(name)
}

/// The province a region lies in (a province is its own).
pub(crate) fn province_of(region: &'static Region) -> &'static Region {
    gazetteer().province_of(region)
}

/// The [`RegionRef`] of `region` in `role`.
pub(crate) fn region_ref(region: &'static Region, role: RegionRole) -> RegionRef {
    let province = province_of(region);
    RegionRef {
        code: Label::Borrowed(region.code),
        name: Label::Borrowed(region.name),
        level: region.level,
        province_code: Label::Borrowed(province.code),
        province_name: Label::Borrowed(province.name),
        role,
    }
}

/// The candidate of `m` that best fits a wanted level and the provinces the article names.
pub(crate) fn choose(
    m: &RegionMatch,
    level: Option<RegionLevel>,
    provinces: &[&str],
) -> Option<&'static Region> {
    let fits_level = |r: &&&'static Region| match level {
        Some(RegionLevel::Regency) => matches!(r.level, RegionLevel::Regency),
        Some(l) => r.level == l,
        None => true,
    };
    let in_province = |r: &&&'static Region| provinces.contains(&r.province_code);
    m.candidates
        .iter()
        .find(|r| fits_level(r) && in_province(r))
        .or_else(|| m.candidates.iter().find(|r| fits_level(r)))
        .or_else(|| m.candidates.iter().find(|r| in_province(r)))
        .or_else(|| m.candidates.first())
        .copied()
}
