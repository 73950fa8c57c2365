//! Legal and administrative instruments: `UU Nomor 5 Tahun 2014 tentang ASN`, `PP 42/2004`,
//! `Surat Keputusan Bersama (SKB)`, `surat edaran Gubernur`, `keputusan Gubernur tentang ...`.

use warta_core::LegalInstrument;

/// An instrument found in a sentence, with byte offsets relative to that sentence.
/// `value.instrument` is 0 here; [`link_instruments`] assigns per-article identities.
#[derive(Debug, Clone, PartialEq)]
pub struct InstrumentHit {
    pub start: usize,
    pub end: usize,
    pub value: LegalInstrument,
    pub rule: &'static str,
}

/// Every instrument in one sentence (with issuer, subject and issue date where the sentence gives them).
pub fn find_instruments(sentence: &str) -> Vec<InstrumentHit> {
    let _ = sentence;
    Vec::new()
}

/// Give every hit of one article its instrument index, so that repeated mentions of the same
/// instrument (`Surat Keputusan Bersama (SKB)` ... `SKB`) share one. Hits are in article order.
pub fn link_instruments(hits: &mut [InstrumentHit]) {
    for (i, h) in hits.iter_mut().enumerate() {
        h.value.instrument = i;
    }
}
