//! Sentence splitting for Indonesian news text.
//!
//! A sentence ends at `.`, `!`, `?` or `…` (with any closing quotes and brackets after it)
//! followed by whitespace and then an upper-case letter, a digit or an opening quote or
//! bracket: the UAX #29 rule restricted to what news prose needs, in one byte scan (the
//! `unicode-segmentation` sentence iterator measured at 8 MB/s, far below the extraction
//! budget). A stop after an abbreviation from `rules/abbreviations.txt` or a single capital
//! letter (an initial: `Ir. H. Achmad`, `No. 5`, `A. Rahman`) does not end a sentence.
//! `unicode-segmentation` is used where it costs nothing measurable: an initial is one
//! extended grapheme cluster, so a decomposed `É.` (E + combining acute) is an initial too.

use crate::text::HashSet;
use std::ops::Range;
use std::sync::OnceLock;

use unicode_segmentation::UnicodeSegmentation;

static ABBREVIATIONS: &str = include_str!("../rules/abbreviations.txt");
static DEGREES: &str = include_str!("../rules/degrees.txt");

fn entries(list: &'static str) -> impl Iterator<Item = &'static str> {
    list.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// Every abbreviation, the degrees written after a name included.
pub(crate) fn abbreviations() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| entries(ABBREVIATIONS).chain(entries(DEGREES)).collect())
}

/// The degrees written after a name (`M.Si`, `S.Sos`).
fn degrees() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| entries(DEGREES).collect())
}

/// True when `chunk` (a sentence candidate) ends with an abbreviation whose full stop does
/// not end the sentence, `next` being the text after the whitespace that follows it. A degree
/// written after a name ends the sentence unless another abbreviation follows it (`S.Sos.
/// M.Si.`): a word with a full stop before its end.
fn ends_with_abbreviation(chunk: &str, next: &str) -> bool {
    let t = chunk.trim_end();
    let Some(body) = t.strip_suffix('.') else {
        return false;
    };
    // The word before the stop: back to the last whitespace or opening bracket/quote.
    let start = body
        .char_indices()
        .rev()
        .find(|&(_, c)| c.is_whitespace() || matches!(c, '(' | '"' | '“' | '\'' | ','))
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0);
    let word = &body[start..];
    if word.is_empty() {
        return false;
    }
    if degrees().contains(word) {
        let next_word = next.split(char::is_whitespace).next().unwrap_or("");
        return next_word.trim_end_matches([',', '.']).contains('.');
    }
    if abbreviations().contains(word) {
        return true;
    }
    // The initial test below needs an upper-case first character; without one, no need to
    // segment graphemes.
    if !word.chars().next().is_some_and(char::is_uppercase) {
        return false;
    }
    // A single capital letter: an initial (`A. Rahman`). One grapheme, not one char, so that a
    // decomposed accented initial (`E` + U+0301) counts too; this runs only at a full stop.
    let mut graphemes = word.graphemes(true);
    matches!(
        (graphemes.next(), graphemes.next()),
        (Some(g), None) if g.chars().next().is_some_and(char::is_uppercase)
    )
}

/// The bytes a terminator starts with: `.`, `!`, `?` and the first byte of `…`.
#[cfg_attr(not(test), allow(dead_code))]
const TERMINATOR_START: [bool; 256] = {
    let mut t = [false; 256];
    t[b'.' as usize] = true;
    t[b'!' as usize] = true;
    t[b'?' as usize] = true;
    t[0xE2] = true;
    t
};

/// The bytes that can start a terminator (see [`TERMINATOR_START`]) from a position on, found
/// with the vectorised searches of `memchr`: one for `.`, `!` and `?`, one for the first byte
/// of `…`. Each search runs again only once the position has passed what it found, so every
/// byte is read about once by each.
struct Terminators<'a> {
    bytes: &'a [u8],
    /// The next `.`, `!` or `?` at or after the last position asked for (`usize::MAX`: none).
    stop: usize,
    /// The next `0xE2` byte likewise.
    ellipsis: usize,
}

impl<'a> Terminators<'a> {
    fn new(bytes: &'a [u8]) -> Terminators<'a> {
        let mut t = Terminators {
            bytes,
            stop: 0,
            ellipsis: 0,
        };
        t.stop = t.find(0, |h| memchr::memchr3(b'.', b'!', b'?', h));
        t.ellipsis = t.find(0, |h| memchr::memchr(0xE2, h));
        t
    }

    fn find(&self, from: usize, search: impl Fn(&[u8]) -> Option<usize>) -> usize {
        self.bytes
            .get(from..)
            .and_then(search)
            .map_or(usize::MAX, |k| from + k)
    }

    /// The first `i >= from` where `bytes[i]` can start a terminator; `from` never decreases
    /// from one call to the next.
    fn next(&mut self, from: usize) -> Option<usize> {
        if self.stop < from {
            self.stop = self.find(from, |h| memchr::memchr3(b'.', b'!', b'?', h));
        }
        if self.ellipsis < from {
            self.ellipsis = self.find(from, |h| memchr::memchr(0xE2, h));
        }
        let at = self.stop.min(self.ellipsis);
        (at != usize::MAX).then_some(at)
    }
}

/// Byte ranges of the sentences of `text`, in order, covering the text without gaps
/// (trailing whitespace stays with its sentence).
pub fn split(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    // Most paragraphs have one to four sentences: one allocation for them.
    let mut out: Vec<Range<usize>> = Vec::with_capacity(4);
    let mut start = 0;
    let mut i = 0;
    let mut terminators = Terminators::new(bytes);
    while i < bytes.len() {
        // Straight to the next byte that can start a terminator.
        let Some(k) = terminators.next(i) else {
            break;
        };
        i = k;
        let b = bytes[i];
        // `…` is E2 80 A6.
        let term_len = match b {
            b'.' | b'!' | b'?' => 1,
            0xE2 if bytes.get(i + 1) == Some(&0x80) && bytes.get(i + 2) == Some(&0xA6) => 3,
            _ => {
                i += 1;
                continue;
            }
        };
        let mut j = i + term_len;
        // Repeated terminators and closing quotes/brackets stay with the sentence.
        while let Some(c) = text.get(j..).and_then(|t| t.chars().next()) {
            if matches!(
                c,
                '.' | '!' | '?' | '"' | '\'' | '”' | '’' | ')' | ']' | '»'
            ) {
                j += c.len_utf8();
            } else {
                break;
            }
        }
        let ws_start = j;
        while let Some(c) = text.get(j..).and_then(|t| t.chars().next()) {
            if c.is_whitespace() {
                j += c.len_utf8();
            } else {
                break;
            }
        }
        let next = text.get(j..).and_then(|t| t.chars().next());
        let opens = next.is_some_and(|c| {
            c.is_uppercase()
                || c.is_ascii_digit()
                || matches!(c, '"' | '“' | '‘' | '\'' | '(' | '[')
        });
        if j > ws_start
            && opens
            && (b != b'.' || !ends_with_abbreviation(&text[start..i + 1], &text[j..]))
        {
            out.push(start..j);
            start = j;
        }
        i = j.max(i + 1);
    }
    if start < text.len() {
        out.push(start..text.len());
    }
    out
}

/// The sentence range containing byte `pos` (the last one when `pos` is past the end).
pub fn containing(sentences: &[Range<usize>], pos: usize) -> usize {
    sentences
        .partition_point(|r| r.end <= pos)
        .min(sentences.len().saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(t: &str) -> Vec<&str> {
        split(t).into_iter().map(|r| t[r].trim()).collect()
    }

    #[test]
    fn terminator_scan_matches_the_table() {
        let plain = |bytes: &[u8], from: usize| {
            (from..bytes.len()).find(|&i| TERMINATOR_START[usize::from(bytes[i])])
        };
        for b in 0..=255u8 {
            for pos in 0..11 {
                let mut bytes = vec![b'a'; 11];
                bytes[pos] = b;
                // Neighbours that differ from a terminator by one bit or a borrow.
                bytes[(pos + 1) % 11] = b'/';
                bytes[(pos + 3) % 11] = 0xE3;
                for start in 0..12 {
                    // Asked from `start` on, in increasing order, as the split asks.
                    let mut t = Terminators::new(&bytes);
                    for from in start..12 {
                        assert_eq!(
                            t.next(from),
                            plain(&bytes, from),
                            "byte {b:#x} at {pos} from {from}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn splits_plain_sentences() {
        assert_eq!(
            texts("ASN harus netral. Bupati hadir! Apakah benar? Ya."),
            vec!["ASN harus netral.", "Bupati hadir!", "Apakah benar?", "Ya."]
        );
    }

    #[test]
    fn keeps_honorifics_and_reference_abbreviations() {
        assert_eq!(
            texts("Plt Asisten III Ir. H. Achmad Sofyan hadir. Berdasarkan SE No. 5 tahun ini."),
            vec![
                "Plt Asisten III Ir. H. Achmad Sofyan hadir.",
                "Berdasarkan SE No. 5 tahun ini."
            ]
        );
        // A degree after a name ends the sentence, unless another abbreviation follows.
        assert_eq!(
            texts("Dibuka oleh Dra. Rosida Soamole, M.Si. Acara lancar."),
            vec!["Dibuka oleh Dra. Rosida Soamole, M.Si.", "Acara lancar."]
        );
        assert_eq!(
            texts("Dibuka oleh Rosida Soamole, S.Sos. M.Si. yang hadir. Acara lancar."),
            vec![
                "Dibuka oleh Rosida Soamole, S.Sos. M.Si. yang hadir.",
                "Acara lancar."
            ]
        );
        assert_eq!(
            texts("Hadir Rosida, S.H. M.H. Kepala BKD."),
            vec!["Hadir Rosida, S.H. M.H.", "Kepala BKD."]
        );
        assert_eq!(
            texts("Kantor di Jl. Sudirman. Lalu pulang."),
            vec!["Kantor di Jl. Sudirman.", "Lalu pulang."]
        );
        assert_eq!(
            texts("Kata A. Rahman di sana."),
            vec!["Kata A. Rahman di sana."]
        );
        // A decomposed accented initial is one grapheme: still an initial.
        assert_eq!(
            texts("Kata E\u{301}. Rahman di sana. Lalu pulang."),
            vec!["Kata E\u{301}. Rahman di sana.", "Lalu pulang."]
        );
    }

    #[test]
    fn covers_text_without_gaps() {
        let t = "Satu. Dua.  Tiga";
        let r = split(t);
        assert_eq!(r.first().map(|r| r.start), Some(0));
        assert_eq!(r.last().map(|r| r.end), Some(t.len()));
        for w in r.windows(2) {
            assert_eq!(w[0].end, w[1].start);
        }
        assert_eq!(containing(&r, 0), 0);
        assert_eq!(containing(&r, 7), 1);
        assert!(split("").is_empty());
    }
}
