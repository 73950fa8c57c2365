//! Small byte-offset helpers over UTF-8 text shared by the rule modules. Every function is total:
//! positions past the end or off a character boundary are handled, never sliced.

/// A fast hasher for the rule tables (words and short phrases from the rule files): the
/// standard SipHash costs more than the table lookup itself on such keys. The tables are
/// fixed and only looked up, so no key choice can flood them.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct WordHasher(u64);

impl WordHasher {
    const K: u64 = 0xf135_7aea_2e62_a9c5;
    #[inline]
    fn add(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(26) ^ x).wrapping_mul(Self::K);
    }
}

impl std::hash::Hasher for WordHasher {
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            self.add(u64::from_le_bytes(b));
        }
        let rest = chunks.remainder();
        let mut b = [0u8; 8];
        b[..rest.len()].copy_from_slice(rest);
        self.add(u64::from_le_bytes(b) ^ ((rest.len() as u64) << 59));
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
}

/// A map keyed by rule words, hashed with [`WordHasher`].
pub(crate) type HashMap<K, V> =
    std::collections::HashMap<K, V, std::hash::BuildHasherDefault<WordHasher>>;
/// A set of rule words, hashed with [`WordHasher`].
pub(crate) type HashSet<K> =
    std::collections::HashSet<K, std::hash::BuildHasherDefault<WordHasher>>;

/// True for characters that continue a word (letters, digits, apostrophes, inner hyphens).
pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '\'' | '’')
}

/// The character starting at `pos`, if `pos` is a boundary inside `s`.
pub(crate) fn char_at(s: &str, pos: usize) -> Option<char> {
    s.get(pos..)?.chars().next()
}

/// The character ending at `pos`.
pub(crate) fn char_before(s: &str, pos: usize) -> Option<char> {
    s.get(..pos)?.chars().next_back()
}

/// True when no word character touches `start` from the left and `end` from the right.
pub(crate) fn at_word_bounds(s: &str, start: usize, end: usize) -> bool {
    !char_before(s, start).is_some_and(is_word_char) && !char_at(s, end).is_some_and(is_word_char)
}

/// An ASCII letter, digit or `_`: the word side of an ASCII word bound (`(?-u:\b)`).
pub(crate) fn is_ascii_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The position after the spaces (not line breaks) from `pos`.
pub(crate) fn skip_spaces(s: &str, pos: usize) -> usize {
    let Some(rest) = s.get(pos..) else { return pos };
    pos + (rest.len() - rest.trim_start_matches([' ', '\u{a0}', '\t']).len())
}

/// Per byte: an ASCII letter or digit or `'` (bit 1), or `-` (bit 2). One load per byte in
/// the word scans instead of the range tests.
const WORD_BYTES: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() || c == b'\'' {
            t[b] = 1;
        }
        b += 1;
    }
    t[b'-' as usize] = 2;
    t
};

/// The word (letters, digits, apostrophes, inner hyphens) starting at `pos`: its end.
pub(crate) fn word_end(s: &str, pos: usize) -> Option<usize> {
    let rest = s.get(pos..)?;
    let bytes = rest.as_bytes();
    // ASCII bytes without decoding, up to the first character outside ASCII (or a hyphen
    // before one), from where the characters decide.
    let mut end = 0;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if WORD_BYTES[usize::from(b)] == 1 {
            i += 1;
            end = i;
        } else if b == b'-' && end > 0 && bytes.get(i + 1).is_some_and(u8::is_ascii) {
            // An inner hyphen before a letter; the hyphen alone does not extend the word.
            if !bytes[i + 1].is_ascii_alphabetic() {
                break;
            }
            i += 1;
        } else if b.is_ascii() && b != b'-' {
            break;
        } else {
            end = word_end_chars(rest, i, end);
            break;
        }
    }
    (end > 0).then_some(pos + end)
}

/// [`word_end`] by characters from `from` (a character boundary of `rest`), with the word
/// so far ending at `end`: the end of the word.
fn word_end_chars(rest: &str, from: usize, mut end: usize) -> usize {
    let Some(tail) = rest.get(from..) else {
        return end;
    };
    let mut chars = tail.char_indices().peekable();
    while let Some((j, c)) = chars.next() {
        if is_word_char(c) {
            end = from + j + c.len_utf8();
        } else if c == '-' && end > 0 && chars.peek().is_some_and(|&(_, n)| n.is_alphabetic()) {
            continue;
        } else {
            break;
        }
    }
    end
}

/// The word ending at `pos` (scanning back over word characters): its start.
pub(crate) fn word_start_before(s: &str, pos: usize) -> Option<usize> {
    let before = s.get(..pos)?;
    // ASCII bytes first, without decoding: a letter, digit, `'` or `-` continues the word.
    let bytes = before.as_bytes();
    let mut i = pos;
    while let Some(&b) = i.checked_sub(1).and_then(|j| bytes.get(j)) {
        if !b.is_ascii() {
            // A character outside ASCII: the rest by characters.
            return word_start_before_chars(before.get(..i)?).or((i < pos).then_some(i));
        }
        if WORD_BYTES[usize::from(b)] == 0 {
            break;
        }
        i -= 1;
    }
    (i < pos).then_some(i)
}

/// [`word_start_before`] by characters: the start of the run of word characters and hyphens
/// that ends `before`, if it is not empty.
fn word_start_before_chars(before: &str) -> Option<usize> {
    before
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_word_char(c) || c == '-')
        .last()
        .map(|(i, _)| i)
}

/// The words of `s` (split at whitespace) joined by single spaces: what
/// `s.split_whitespace().collect::<Vec<_>>().join(" ")` gives, in one allocation.
pub(crate) fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        // Words are never empty: a word before this one means a space between.
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// [`collapse_spaces`], lower-cased (`str::to_lowercase`); ASCII text is lower-cased in place.
pub(crate) fn collapse_lower(s: &str) -> String {
    let mut out = collapse_spaces(s);
    if out.is_ascii() {
        out.make_ascii_lowercase();
        out
    } else {
        out.to_lowercase()
    }
}

/// `f` of [`collapse_lower`] of `s`, without an allocation for a short ASCII word: a
/// string with no whitespace is its own collapsed form.
pub(crate) fn with_collapsed_lower<R>(s: &str, f: impl FnOnce(&str) -> R) -> R {
    if s.contains(char::is_whitespace) {
        f(&collapse_lower(s))
    } else {
        with_lower(s, f)
    }
}

/// `str::to_lowercase`, by the cheaper ASCII lower-casing when `s` is ASCII (the same
/// string: the Unicode lower case of an ASCII letter is its ASCII one).
pub(crate) fn lowercase(s: &str) -> String {
    if s.is_ascii() {
        s.to_ascii_lowercase()
    } else {
        s.to_lowercase()
    }
}

/// `f` of `word` lower-cased (`str::to_lowercase`), without an allocation for a short ASCII
/// word: for ASCII text the Unicode lower case is the ASCII one.
pub(crate) fn with_lower<R>(word: &str, f: impl FnOnce(&str) -> R) -> R {
    // ASCII with no capital (most words): its own lower case, with no copy to check again.
    if word
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
    {
        return f(word);
    }
    let mut buf = [0u8; 32];
    match buf.get_mut(..word.len()) {
        Some(b) if word.is_ascii() => {
            b.copy_from_slice(word.as_bytes());
            b.make_ascii_lowercase();
            f(std::str::from_utf8(b).unwrap_or_default())
        }
        _ => f(&lowercase(word)),
    }
}

/// True when the word starts with an upper-case letter.
pub(crate) fn is_capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// True for an all-capitals acronym of 2 to 10 letters (digits allowed after the first).
pub(crate) fn is_acronym(word: &str) -> bool {
    let n = word.chars().count();
    (2..=10).contains(&n)
        && word.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && word
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
}

/// The first `i >= from` where `bytes[i]` is an ASCII capital or not ASCII and `keep` accepts
/// it, read eight bytes at a time: the bytes of a chunk that pass the first test are given to
/// `keep` in order without leaving the scan.
pub(crate) fn next_capital_or_non_ascii_where(
    bytes: &[u8],
    from: usize,
    keep: impl Fn(u8) -> bool,
) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let x = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        // For bytes below 0x80, `y + (0x80 - lo)` sets bit 7 exactly when `y >= lo`, with no
        // carry into the next byte; non-ASCII bytes have bit 7 set in `x` itself.
        let low7 = x & !HIGH;
        let at_least = |y: u64, lo: u64| (y + ONES * (0x80 - lo)) & HIGH;
        let capital = at_least(low7, u64::from(b'A')) & !at_least(low7, u64::from(b'Z') + 1);
        let mut hits = (capital | x) & HIGH;
        while hits != 0 {
            let k = i + hits.trailing_zeros() as usize / 8;
            if keep(chunk[k - i]) {
                return Some(k);
            }
            hits &= hits - 1;
        }
        i += 8;
    }
    bytes
        .get(i..)?
        .iter()
        .position(|&b| (b.is_ascii_uppercase() || !b.is_ascii()) && keep(b))
        .map(|d| i + d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn with_lower_is_to_lowercase(s in "(a|Z|9|é|Σ|\u{212a}|\u{130}|x|Y|-|\\.){0,40}") {
            prop_assert_eq!(with_lower(&s, str::to_string), s.to_lowercase());
            prop_assert_eq!(lowercase(&s), s.to_lowercase());
        }

        #[test]
        fn collapsing_is_split_and_join(s in "(a|Z|9|é|Σ| |\u{a0}|\u{b}|\t|\n|\\.){0,16}") {
            let joined = s.split_whitespace().collect::<Vec<_>>().join(" ");
            prop_assert_eq!(collapse_spaces(&s), joined.clone());
            prop_assert_eq!(collapse_lower(&s), joined.to_lowercase());
            prop_assert_eq!(with_collapsed_lower(&s, str::to_string), joined.to_lowercase());
        }

        #[test]
        fn word_end_is_the_char_scan(s in "(a|Z|9|'|’|-|é|Ω|\\.| |\u{a0}|_|\u{301}){0,12}", pos in 0usize..30) {
            let want = s.get(pos..).and_then(|_| {
                let end = word_end_chars(&s, pos, 0);
                (end > 0).then_some(end)
            });
            prop_assert_eq!(word_end(&s, pos), want);
        }

        #[test]
        fn word_start_before_is_the_char_scan(s in "(a|Z|9|'|’|-|é|Ω|\\.| |\u{a0}|_|\u{301}){0,12}", pos in 0usize..30) {
            let want = s.get(..pos).and_then(word_start_before_chars);
            prop_assert_eq!(word_start_before(&s, pos), want);
        }
    }

    #[test]
    fn filtered_capital_scan_matches_the_byte_test() {
        let keep = |b: u8| matches!(b, b'B' | b'Z' | 0xC3 | 0x89);
        let plain = |bytes: &[u8], from: usize| {
            (from..bytes.len()).find(|&i| {
                (bytes[i].is_ascii_uppercase() || !bytes[i].is_ascii()) && keep(bytes[i])
            })
        };
        for b in 0..=255u8 {
            for c in [b'a', b'A', b'B'] {
                for pos in 0..11 {
                    let mut bytes = vec![c; 11];
                    bytes[pos] = b;
                    for from in 0..12 {
                        assert_eq!(
                            next_capital_or_non_ascii_where(&bytes, from, keep),
                            plain(&bytes, from),
                            "byte {b:#x} at {pos} in {c:#x} from {from}"
                        );
                    }
                }
            }
        }
        let text = "kata Bupati Éric di ruang 'Z'@[`{ ASN-KPU, BZ “Budi”";
        for from in 0..=text.len() {
            assert_eq!(
                next_capital_or_non_ascii_where(text.as_bytes(), from, keep),
                plain(text.as_bytes(), from)
            );
        }
    }

    #[test]
    fn capital_scan_matches_the_byte_test() {
        let plain = |bytes: &[u8], from: usize| {
            (from..bytes.len()).find(|&i| bytes[i].is_ascii_uppercase() || !bytes[i].is_ascii())
        };
        for b in 0..=255u8 {
            for pos in 0..11 {
                let mut bytes = vec![b'a'; 11];
                bytes[pos] = b;
                for from in 0..12 {
                    assert_eq!(
                        next_capital_or_non_ascii_where(&bytes, from, |_| true),
                        plain(&bytes, from),
                        "byte {b:#x} at {pos} from {from}"
                    );
                }
            }
        }
        let text = "kata Bupati Éric di ruang 'Z'@[`{";
        for from in 0..=text.len() {
            assert_eq!(
                next_capital_or_non_ascii_where(text.as_bytes(), from, |_| true),
                plain(text.as_bytes(), from)
            );
        }
    }

    #[test]
    fn words_and_bounds() {
        let s = "Pj Bupati Ma'ruf Al-Habsyi, ASN.";
        assert_eq!(word_end(s, 0), Some(2));
        assert_eq!(word_end(s, 10), Some(16));
        assert_eq!(&s[17..word_end(s, 17).unwrap()], "Al-Habsyi");
        assert_eq!(word_end(s, 26), None);
        assert_eq!(word_start_before(s, 26), Some(17));
        assert!(at_word_bounds(s, 3, 9));
        assert!(!at_word_bounds(s, 3, 8));
        assert_eq!(skip_spaces(s, 2), 3);
        assert!(is_acronym("BKPSDM") && !is_acronym("Bawaslu") && !is_acronym("A"));
        assert_eq!(char_at("é", 1), None);
    }
}
