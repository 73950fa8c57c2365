//! Text helpers: repairing scraped junk, normalising for comparison, tokenising.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// Repairs one raw line: HTML tags left by a scraper (`<p>`, `</p>`, `<br>`, `<a href=...>`;
/// see [`strip_tags`]), `&nbsp;` remnants, mis-decoded bytes (`Â` before a no-break space,
/// `â€œ` for a curly quote), zero-width characters; collapses all whitespace (tabs, no-break
/// spaces) to single spaces and trims. The result is the text a kept paragraph carries; a line
/// that needs none of this (most lines) is returned as it is, without a copy.
#[cfg(test)]
pub(crate) fn repair_line(line: &str) -> Cow<'_, str> {
    repair_line_noting_plain(line).0
}

/// [`repair_line`], and whether the line is plain: printable ASCII without `&`, `<` or a
/// backtick, without a space at either end or two in a row (a line the repair leaves as it
/// is, whose [`normalise`]d form is its ASCII lower case). A part of a plain line cut at a
/// space and trimmed, and two plain lines joined by a space, are plain too.
pub(crate) fn repair_line_noting_plain(line: &str) -> (Cow<'_, str>, bool) {
    // Most lines: printable ASCII without `&`, already repaired.
    if plain_ascii(line.as_bytes()) {
        return (Cow::Borrowed(line), true);
    }
    (repair_line_slowly(line), false)
}

/// [`repair_line`] of a line that is not plain.
fn repair_line_slowly(line: &str) -> Cow<'_, str> {
    let mut s: Cow<'_, str> = Cow::Borrowed(line);
    if s.contains('<') {
        if let Some(stripped) = strip_tags(&s) {
            s = Cow::Owned(stripped);
        }
    }
    if s.contains('&') {
        for (from, to) in [
            ("&nbsp;", " "),
            ("&amp;", "&"),
            ("&quot;", "\""),
            ("&#39;", "'"),
        ] {
            if s.contains(from) {
                s = Cow::Owned(s.replace(from, to));
            }
        }
    }
    if s.contains('â') {
        for (from, to) in [
            ("â€œ", "\u{201c}"),
            ("â€\u{9d}", "\u{201d}"),
            ("â€™", "\u{2019}"),
            ("â€˜", "\u{2018}"),
            ("â€“", "\u{2013}"),
            ("â€”", "\u{2014}"),
        ] {
            if s.contains(from) {
                s = Cow::Owned(s.replace(from, to));
            }
        }
    }
    if is_repaired(&s) {
        return s;
    }
    Cow::Owned(collapse_spaces(&s))
}

/// HTML tag names a scraper leaves in text: block and inline markup, not content.
const HTML_TAGS: &[&str] = &[
    "a",
    "abbr",
    "article",
    "b",
    "blockquote",
    "br",
    "center",
    "div",
    "em",
    "figcaption",
    "figure",
    "font",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "iframe",
    "img",
    "li",
    "ol",
    "p",
    "section",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "tr",
    "u",
    "ul",
];

/// `line` without its HTML tags (`<p>`, `</p>`, `<br/>`, `<a href="...">`, `</a>`), each
/// replaced by a space; `None` when it holds none. A `<` that opens no known tag (`< 5
/// persen`, `<3`) stays. A tag ends at the first `>` on the line: one cut by the line's
/// end is left as it is.
fn strip_tags(line: &str) -> Option<String> {
    let bytes = line.as_bytes();
    let mut out: Option<String> = None;
    let mut kept = 0;
    let mut i = 0;
    while let Some(off) = memchr::memchr(b'<', &bytes[i..]) {
        let lt = i + off;
        i = lt + 1;
        let mut j = lt + 1;
        if bytes.get(j) == Some(&b'/') {
            j += 1;
        }
        let name_start = j;
        while bytes.get(j).is_some_and(u8::is_ascii_alphanumeric) {
            j += 1;
        }
        let name = &line[name_start..j];
        let known = HTML_TAGS.iter().any(|t| t.eq_ignore_ascii_case(name));
        let after = bytes.get(j).copied();
        if !known || !matches!(after, Some(b'>' | b'/' | b' ' | b'\t')) {
            continue;
        }
        let Some(gt) = memchr::memchr(b'>', &bytes[j..]).map(|g| j + g) else {
            break;
        };
        let o = out.get_or_insert_with(|| String::with_capacity(line.len()));
        o.push_str(&line[kept..lt]);
        o.push(' ');
        kept = gt + 1;
        i = gt + 1;
    }
    let mut o = out?;
    o.push_str(&line[kept..]);
    Some(o)
}

/// The whitespace and junk-character part of [`repair_line`].
fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    if s.is_ascii() {
        // ASCII: whitespace and control bytes become one space; nothing else changes.
        let mut pending_space = false;
        let bytes = s.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let start = i;
            while i < bytes.len() && bytes[i] > b' ' && bytes[i] != 0x7f {
                i += 1;
            }
            if i > start {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push_str(&s[start..i]);
            }
            while i < bytes.len() && (bytes[i] <= b' ' || bytes[i] == 0x7f) {
                pending_space = true;
                i += 1;
            }
        }
        return out;
    }
    let mut chars = s.chars().peekable();
    let mut pending_space = false;
    while let Some(c) = chars.next() {
        if c.is_ascii() {
            if c <= ' ' || c == '\u{7f}' {
                pending_space = true;
                continue;
            }
        } else {
            // `Â`/`Ā` left by a UTF-8 no-break space read as Latin-1: junk when not inside a
            // word.
            if c == '\u{c2}' || c == '\u{100}' {
                let next_is_letter = chars.peek().is_some_and(|n| n.is_alphabetic());
                if !next_is_letter {
                    continue;
                }
            }
            if matches!(
                c,
                '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{ad}'
            ) {
                continue;
            }
            if c.is_whitespace() || c.is_control() {
                pending_space = true;
                continue;
            }
        }
        if pending_space && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        out.push(c);
    }
    out
}

/// True when [`repair_line`] would leave the text as it is: no whitespace but single spaces
/// between other characters, no control or zero-width characters, no stray `Â`/`Ā`.
/// (Entities and mis-decoded quotes are replaced before this is asked.)
fn is_repaired(s: &str) -> bool {
    let bytes = s.as_bytes();
    if bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ') {
        return false;
    }
    // Most lines: printable ASCII without a double space.
    if printable_ascii(bytes) {
        return !has_double_space(bytes);
    }
    let control = |b: u8| b < b' ' || b == 0x7f;
    let mut i = 0;
    // Runs of ASCII bytes in bulk; a char is decoded only where a byte is not ASCII.
    while i < bytes.len() {
        // No control byte and no two spaces in a row in the run (the char before it, if any,
        // is no ASCII space).
        let end = ascii_run_end(bytes, i);
        if let Some(run) = bytes.get(i..end) {
            if run.last().is_some_and(|&b| control(b))
                || any_pair(run, |x, y| control(x) | ((x == b' ') & (y == b' ')))
            {
                return false;
            }
        }
        i = end;
        if i >= bytes.len() {
            break;
        }
        let mut chars = match s.get(i..) {
            Some(rest) => rest.chars(),
            // Not reached: `i` is always on a char boundary.
            None => return false,
        };
        let Some(c) = chars.next() else {
            return false;
        };
        i += c.len_utf8();
        if c == '\u{c2}' || c == '\u{100}' {
            if !chars.next().is_some_and(|n| n.is_alphabetic()) {
                return false;
            }
            continue;
        }
        if matches!(
            c,
            '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{ad}'
        ) || c.is_whitespace()
            || c.is_control()
        {
            return false;
        }
    }
    true
}

/// True for printable ASCII without `&` or a backtick, without a space at either end or two
/// in a row: a line that [`repair_line`] leaves as it is. Scanned in blocks without an early exit inside a
/// block (vector instructions).
fn plain_ascii(bytes: &[u8]) -> bool {
    if bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ') {
        return false;
    }
    let odd = |b: u8| (b.wrapping_sub(0x20) >= 0x5f) | (b == b'&') | (b == b'`') | (b == b'<');
    let Some(&last) = bytes.last() else {
        return true;
    };
    // One pass over the byte pairs: the first byte of a pair is odd, or both are spaces; then
    // the last byte, which starts no pair.
    !odd(last) && !any_pair(bytes, |x, y| odd(x) | ((x == b' ') & (y == b' ')))
}

/// True when two spaces follow each other. In blocks without an early exit (vector
/// instructions); cheaper on a line than setting up a substring search for each call.
fn has_double_space(bytes: &[u8]) -> bool {
    any_pair(bytes, |x, y| (x == b' ') & (y == b' '))
}

/// True when every byte is printable ASCII (space to `~`). In blocks without an early exit,
/// so that the compiler can use vector instructions.
fn printable_ascii(bytes: &[u8]) -> bool {
    let printable = |b: u8| b.wrapping_sub(0x20) < 0x5f;
    let mut blocks = bytes.chunks_exact(32);
    for block in &mut blocks {
        if !block.iter().fold(true, |ok, &b| ok & printable(b)) {
            return false;
        }
    }
    blocks.remainder().iter().all(|&b| printable(b))
}

/// [`normalise`] of a plain line (see [`repair_line_noting_plain`]): its ASCII lower case.
pub(crate) fn normalise_plain(text: &str) -> String {
    text.to_ascii_lowercase()
}

/// Comparison form: NFKC, straight quotes, lower case, single spaces.
pub(crate) fn normalise(text: &str) -> String {
    // Most paragraphs: ASCII with single spaces between words and no other white space or
    // backtick, whose form is their lower case.
    if lower_case_is_normal(text.as_bytes()) {
        return text.to_ascii_lowercase();
    }
    let mut out: Vec<u8> = Vec::with_capacity(text.len());
    let mut space = false;
    if text.is_ascii() {
        push_ascii_normalised(&mut out, text.as_bytes(), &mut space);
        // Only ASCII bytes were pushed.
        return String::from_utf8(out).unwrap_or_default();
    }
    // NFKC only when needed: ASCII and most Indonesian text already is.
    let nfkc: Cow<'_, str> = if is_nfkc_quick(non_ascii_chars(text)) == IsNormalized::Yes {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.nfkc().collect())
    };
    let bytes = nfkc.as_bytes();
    let mut i = 0;
    // Runs of ASCII bytes in bulk; a char is decoded only where a byte is not ASCII.
    while i < bytes.len() {
        let run_end = ascii_run_end(bytes, i);
        push_ascii_normalised(
            &mut out,
            bytes.get(i..run_end).unwrap_or_default(),
            &mut space,
        );
        i = run_end;
        // Not reached for `None`: `i` is always on a char boundary.
        let Some(c) = nfkc.get(i..).and_then(|rest| rest.chars().next()) else {
            break;
        };
        i += c.len_utf8();
        let c = match c {
            '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' | '\u{ab}' | '\u{bb}' => '"',
            '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{b4}' => '\'',
            '\u{2013}' | '\u{2014}' | '\u{2212}' => '-',
            c => c,
        };
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(b' ');
        }
        space = false;
        let mut buf = [0u8; 4];
        for l in c.to_lowercase() {
            out.extend_from_slice(l.encode_utf8(&mut buf).as_bytes());
        }
    }
    // Only whole chars were pushed.
    String::from_utf8(out).unwrap_or_default()
}

/// True for ASCII text without a space at either end or two in a row, without other white
/// space (tab to carriage return) and without a backtick: text whose [`normalise`]d form is
/// its ASCII lower case. Scanned in blocks without an early exit inside a block (vector
/// instructions).
fn lower_case_is_normal(bytes: &[u8]) -> bool {
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        return true;
    };
    let odd = |b: u8| (b >= 0x80) | (b.wrapping_sub(b'\t') < 5) | (b == b'`');
    if first == b' ' || last == b' ' || odd(last) {
        return false;
    }
    // One pass over the byte pairs: the first byte of a pair is odd, or both are spaces; the
    // last byte, which starts no pair, was tested above.
    !any_pair(bytes, |x, y| odd(x) | ((x == b' ') & (y == b' ')))
}

/// Whether `bad(x, y)` holds for a byte `x` of `bytes` and the byte `y` after it, where
/// `bad(b'a', b'a')` is false. In blocks of 32 pairs without an early exit inside a block
/// (vector instructions); the last pairs are one more block, padded with `a`s (a loop over up
/// to 31 pairs a byte at a time would cost more than the blocks).
#[inline(always)]
fn any_pair(bytes: &[u8], bad: impl Fn(u8, u8) -> bool) -> bool {
    let (Some(this), Some(next)) = (bytes.get(..bytes.len().saturating_sub(1)), bytes.get(1..))
    else {
        return false;
    };
    let block =
        |a: &[u8; 32], b: &[u8; 32]| a.iter().zip(b).fold(false, |any, (&x, &y)| any | bad(x, y));
    let mut these = this.chunks_exact(32);
    let mut nexts = next.chunks_exact(32);
    for (a, b) in (&mut these).zip(&mut nexts) {
        if let (Ok(a), Ok(b)) = (<&[u8; 32]>::try_from(a), <&[u8; 32]>::try_from(b)) {
            if block(a, b) {
                return true;
            }
        }
    }
    let mut a = [b'a'; 32];
    let mut b = [b'a'; 32];
    let (rest_a, rest_b) = (these.remainder(), nexts.remainder());
    if let (Some(a), Some(b)) = (a.get_mut(..rest_a.len()), b.get_mut(..rest_b.len())) {
        a.copy_from_slice(rest_a);
        b.copy_from_slice(rest_b);
    }
    block(&a, &b)
}

/// The index of the first byte at or after `from` that is not ASCII, or the length of
/// `bytes` when there is none: eight bytes a step.
fn ascii_run_end(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let high = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8])) & HIGH;
        if high != 0 {
            return i + (high.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while bytes.get(i).is_some_and(u8::is_ascii) {
        i += 1;
    }
    i.min(bytes.len())
}

/// The chars of `text` that are not ASCII, with one space standing for each run of ASCII
/// chars between them: all that [`is_nfkc_quick`] reads of a text (an ASCII char is allowed
/// and only resets the order of combining classes), without a step per ASCII char.
fn non_ascii_chars(text: &str) -> impl Iterator<Item = char> + '_ {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut after_run: Option<char> = None;
    std::iter::from_fn(move || {
        if let Some(c) = after_run.take() {
            return Some(c);
        }
        if i >= bytes.len() {
            return None;
        }
        let end = ascii_run_end(bytes, i);
        let c = text.get(end..).and_then(|rest| rest.chars().next());
        let run = end > i;
        i = end + c.map_or(0, char::len_utf8);
        if run {
            after_run = c;
            return Some(' ');
        }
        c
    })
}

/// The [`normalise`] of a run of ASCII bytes, appended to `out`: lower case, backtick as
/// apostrophe, whitespace runs as one space (`space`: a space is pending; none is written at
/// the start of the output).
///
/// The bytes are mapped in one pass (whitespace to a space); the spaces are then collapsed in
/// place, a step that most runs (text with single spaces) skip.
fn push_ascii_normalised(out: &mut Vec<u8>, run: &[u8], space: &mut bool) {
    let from = out.len();
    if *space && from > 0 {
        out.push(b' ');
    }
    *space = false;
    // Branch-free per byte, over two slices of one length: vector instructions.
    let start = out.len();
    out.resize(start + run.len(), 0);
    if let Some(dst) = out.get_mut(start..) {
        for (o, &b) in dst.iter_mut().zip(run) {
            *o = normalised_byte(b);
        }
    }
    let seg = &out[from..];
    let (Some(&first), Some(&last)) = (seg.first(), seg.last()) else {
        return;
    };
    if first != b' ' && last != b' ' && !has_double_space(seg) {
        return;
    }
    // Collapse: `out[..w]` is the output so far; `w <= r` always (a space is written only
    // after at least one was skipped).
    let mut w = from;
    for r in from..out.len() {
        let b = out[r];
        if b == b' ' {
            *space = true;
            continue;
        }
        if *space && w > 0 {
            out[w] = b' ';
            w += 1;
        }
        *space = false;
        out[w] = b;
        w += 1;
    }
    out.truncate(w);
}

/// The [`normalise`] of one ASCII byte (lower case, backtick as apostrophe, whitespace as a
/// space), without branches.
#[inline(always)]
fn normalised_byte(b: u8) -> u8 {
    let lower = b | (u8::from(b.wrapping_sub(b'A') < 26) << 5);
    let spaced = if b.wrapping_sub(b'\t') < 5 {
        b' '
    } else {
        lower
    };
    if b == b'`' {
        b'\''
    } else {
        spaced
    }
}

/// Word tokens of a normalised text: runs of letters and digits.
pub(crate) fn words(normalised: &str) -> Words<'_> {
    Words {
        text: normalised,
        at: 0,
    }
}

/// Iterator of [`words`]: walks bytes, decoding a char only where a byte is not ASCII.
pub(crate) struct Words<'a> {
    text: &'a str,
    /// Byte offset of the next char to look at (always on a char boundary).
    at: usize,
}

/// Per byte: 1 for an ASCII letter or digit, 0 for other ASCII, 2 for a byte of a non-ASCII
/// char (decoded to decide).
static BYTE_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = if b >= 0x80 {
            2
        } else if (b as u8).is_ascii_alphanumeric() {
            1
        } else {
            0
        };
        b += 1;
    }
    t
};

impl Words<'_> {
    /// The word class and byte length of the non-ASCII char at byte `i`.
    #[cold]
    fn wide_at(&self, i: usize) -> (bool, usize) {
        match self.text.get(i..).and_then(|t| t.chars().next()) {
            Some(c) => (c.is_alphanumeric(), c.len_utf8()),
            // Not reached (`i` is always on a char boundary): end the scan.
            None => (false, self.text.len().saturating_sub(i).max(1)),
        }
    }
}

impl<'a> Iterator for Words<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let bytes = self.text.as_bytes();
        let n = bytes.len();
        let mut i = self.at;
        while i < n {
            match BYTE_CLASS[usize::from(bytes[i])] {
                0 => i += 1,
                1 => break,
                _ => {
                    let (word, len) = self.wide_at(i);
                    if word {
                        break;
                    }
                    i += len;
                }
            }
        }
        if i >= n {
            self.at = n;
            return None;
        }
        let start = i;
        while i < n {
            match BYTE_CLASS[usize::from(bytes[i])] {
                0 => break,
                1 => i += 1,
                _ => {
                    let (word, len) = self.wide_at(i);
                    if !word {
                        break;
                    }
                    i += len;
                }
            }
        }
        self.at = i;
        self.text.get(start..i)
    }
}

/// The [`word_hash`]es of the [`words`] of a text, appended to `out`. ASCII text (most
/// paragraphs) is split and hashed in one loop over its bytes, which also finds whether the
/// text is ASCII: if not, what it pushed is dropped and the text is split char by char.
pub(crate) fn push_word_hashes(text: &str, out: &mut Vec<u64>) {
    // ASCII: a word is a run of bytes of class 1, everything else (class 0) separates words.
    let bytes = text.as_bytes();
    let from = out.len();
    // About one word per six bytes or more: room made once instead of growing step by step.
    out.reserve(bytes.len() / 6 + 1);
    let ascii = each_ascii_word(
        bytes,
        #[inline(always)]
        |word| out.push(xxh3_64(word)),
    );
    if !ascii {
        out.truncate(from);
        out.extend(words(text).map(word_hash));
    }
}

/// The [`word_hash`]es of the words of `normalise(text)`, appended to `out`. For ASCII text
/// the normalised text is not built: its words are the runs of letters and digits of the text,
/// in lower case (the other changes of [`normalise`] touch only bytes between words).
pub(crate) fn push_normalised_word_hashes(text: &str, out: &mut Vec<u64>) {
    let bytes = text.as_bytes();
    let from = out.len();
    out.reserve(bytes.len() / 6 + 1);
    // Lower-cased words: on the stack up to its size, else in `long`.
    let mut short = [0u8; 32];
    let mut long: Vec<u8> = Vec::new();
    let ascii = each_ascii_word(
        bytes,
        #[inline(always)]
        |word| {
            if !word.iter().any(u8::is_ascii_uppercase) {
                out.push(xxh3_64(word));
                return;
            }
            let lower: &[u8] = match short.get_mut(..word.len()) {
                Some(buf) => {
                    for (l, &b) in buf.iter_mut().zip(word) {
                        *l = b.to_ascii_lowercase();
                    }
                    buf
                }
                None => {
                    long.clear();
                    long.extend(word.iter().map(u8::to_ascii_lowercase));
                    &long
                }
            };
            out.push(xxh3_64(lower));
        },
    );
    if !ascii {
        out.truncate(from);
        push_word_hashes(&normalise(text), out);
    }
}

/// Each byte of a `u64` set to 1, and to its high bit.
const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `v` set where the byte is in `lo..=hi`. For bytes below 0x80
/// (ASCII) no sum carries out of its byte, so the bytes are tested independently.
#[inline(always)]
fn within(v: u64, lo: u64, hi: u64) -> u64 {
    let at_least = v.wrapping_add((0x80 - lo) * ONES);
    let above = v.wrapping_add((0x7f - hi) * ONES);
    at_least & !above & HIGH
}

/// Calls `word` with each run of ASCII letters and digits of ASCII text `bytes`, in order,
/// and tells whether `bytes` is ASCII. The runs are found 64 bytes a round: a bit mask of the
/// letters and digits, whose edges (a bit that differs from the one before it) start and end
/// the runs. Text that is not ASCII gives runs that mean nothing: the caller drops them.
#[inline(always)]
fn each_ascii_word<'a>(bytes: &'a [u8], mut word: impl FnMut(&'a [u8])) -> bool {
    // Start of the run in progress, and whether the byte before the block is in a run.
    let mut start = 0;
    let mut in_run = 0u64;
    // The bytes of the text or'ed together, eight at a time: a high bit for a byte that is
    // not ASCII.
    let mut any = 0u64;
    for (k, block) in bytes.chunks(64).enumerate() {
        let base = k * 64;
        let mask = ascii_word_mask(block, &mut any);
        let len = block.len();
        let in_block = u64::MAX.checked_shr(64 - len as u32).unwrap_or(0);
        let mut edges = (mask ^ ((mask << 1) | in_run)) & in_block;
        while edges != 0 {
            let i = edges.trailing_zeros() as usize;
            edges &= edges - 1;
            if (mask >> i) & 1 == 1 {
                start = base + i;
            } else if let Some(w) = bytes.get(start..base + i) {
                word(w);
            }
        }
        in_run = (mask >> (len - 1)) & 1;
    }
    if in_run == 1 {
        if let Some(w) = bytes.get(start..) {
            word(w);
        }
    }
    any & HIGH == 0
}

/// Bit `i` set where `block[i]` (at most 64 ASCII bytes) is an ASCII letter or digit; the
/// block's bytes, eight at a time, or'ed into `any`.
#[inline(always)]
fn ascii_word_mask(block: &[u8], any: &mut u64) -> u64 {
    // The eight high bits gathered, byte i's into bit i.
    let bits = |w: u64| {
        *any |= w;
        // `| 0x20` turns upper-case letters into lower-case ones and moves no other ASCII
        // byte into `a..=z`.
        let m = within(w, b'0'.into(), b'9'.into())
            | within(w | (0x20 * ONES), b'a'.into(), b'z'.into());
        ((m >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
    };
    // Zero bytes past the end are no letters or digits.
    block_mask(block, bits)
}

/// The mask of up to 64 bytes, eight at a time: `bits` maps eight bytes (little-endian, zero
/// bytes past the end of `block`) to their eight bits.
#[inline(always)]
fn block_mask(block: &[u8], mut bits: impl FnMut(u64) -> u64) -> u64 {
    let mut mask = 0;
    let mut chunks = block.chunks_exact(8);
    for (k, chunk) in (&mut chunks).enumerate() {
        mask |= bits(u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]))) << (8 * k);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let word = rest
            .iter()
            .rev()
            .fold(0u64, |w, &b| (w << 8) | u64::from(b));
        mask |= bits(word) << (8 * (block.len() / 8));
    }
    mask
}

/// Hash of one word, for sets and indexes of words (64 bits: collisions are negligible).
pub(crate) fn word_hash(word: &str) -> u64 {
    xxh3_64(word.as_bytes())
}

/// Hasher for keys that already are well-mixed 64-bit hashes: passes them through.
#[derive(Default, Clone, Copy)]
pub(crate) struct PassHasher(u64);

impl Hasher for PassHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Not used for u64/usize keys; kept correct for any other key.
        self.0 = xxh3_64_with_seed(bytes, self.0);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
    fn write_usize(&mut self, n: usize) {
        // Small integers (paragraph indexes): spread them.
        self.0 = (n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// Map keyed by a 64-bit hash.
pub(crate) type HashKeyed<V> = HashMap<u64, V, BuildHasherDefault<PassHasher>>;

/// [`word_count`] of a text that is plain or not (see [`repair_line_noting_plain`]): the
/// words of a plain text are separated by single spaces and it has no other white space, so
/// they are its spaces and one more, counted by a vectorised byte count.
pub(crate) fn word_count_of(text: &str, plain: bool) -> usize {
    match (plain, text.is_empty()) {
        (true, true) => 0,
        (true, false) => memchr::memchr_iter(b' ', text.as_bytes()).count() + 1,
        (false, _) => word_count(text),
    }
}

/// Number of words (whitespace separated) of a text.
pub(crate) fn word_count(text: &str) -> usize {
    if !text.is_ascii() {
        return text.split_whitespace().count();
    }
    // ASCII: count the bytes that start a word (what `split_whitespace` splits on: space, tab,
    // line feed, vertical tab, form feed, carriage return), 64 bytes a round: one bit per byte
    // for whitespace, then a word starts where a bit is clear and the one before is set.
    let bytes = text.as_bytes();
    let mut starts = 0;
    // The byte before the block is whitespace (the text's start counts as such).
    let mut after_space = 1u64;
    for block in bytes.chunks(64) {
        let space = ascii_space_mask(block);
        let len = block.len();
        let in_block = u64::MAX.checked_shr(64 - len as u32).unwrap_or(0);
        starts += (!space & in_block & ((space << 1) | after_space)).count_ones() as usize;
        after_space = (space >> (len - 1)) & 1;
    }
    starts
}

/// Bit `i` set where `block[i]` (at most 64 ASCII bytes) is whitespace: space, tab, line
/// feed, vertical tab, form feed, carriage return.
fn ascii_space_mask(block: &[u8]) -> u64 {
    // The eight high bits gathered, byte i's into bit i.
    let bits = |w: u64| {
        let m = within(w, 0x09, 0x0d) | within(w, 0x20, 0x20);
        ((m >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
    };
    // Zero bytes past the end are not whitespace.
    block_mask(block, bits)
}

/// True when the text ends like a sentence (`.`, `!`, `?`, or a closing quote after one).
pub(crate) fn ends_sentence(text: &str) -> bool {
    let t = text.trim_end();
    let mut rev = t.chars().rev();
    match rev.next() {
        Some('.' | '!' | '?' | '…') => true,
        Some('"' | '\u{201d}' | '\'' | '\u{2019}' | ')') => {
            matches!(rev.next(), Some('.' | '!' | '?' | ','))
        }
        _ => false,
    }
}

/// The first `n` chars of a string when it has at least `n` (for ASCII text without counting
/// chars).
pub(crate) fn prefix_of_at_least(s: &str, n: usize) -> Option<&str> {
    if let Some(prefix) = s.get(..n).filter(|p| p.is_ascii()) {
        return Some(prefix);
    }
    if n == 0 {
        return Some("");
    }
    s.char_indices()
        .nth(n - 1)
        .is_some()
        .then(|| prefix_chars(s, n))
}

/// The first `n` chars of a string (on a char boundary).
pub(crate) fn prefix_chars(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_count_of_long_ascii_texts_counts_as_split_whitespace_does() {
        let mut next = crate::test_rng::xorshift();
        // Every ASCII byte, runs of whitespace of all kinds crossing the 64-byte blocks.
        for round in 0..3000 {
            let len = (next() % 300) as usize;
            let space_share = next() % 100;
            let text: String = (0..len)
                .map(|_| {
                    if next() % 100 < space_share {
                        char::from(b" \t\n\x0b\x0c\r"[(next() % 6) as usize])
                    } else {
                        char::from((next() % 0x80) as u8)
                    }
                })
                .collect();
            assert_eq!(
                word_count(&text),
                text.split_whitespace().count(),
                "round {round}: {text:?}"
            );
        }
        for byte in 0u8..0x80 {
            let text = String::from(char::from(byte)).repeat(70);
            assert_eq!(
                word_count(&text),
                text.split_whitespace().count(),
                "{byte:#x}"
            );
        }
        assert_eq!(word_count(""), 0);
        assert_eq!(word_count(&"ab ".repeat(40)), 40);
    }

    #[test]
    fn strips_html_tags_and_keeps_other_angle_brackets() {
        assert_eq!(
            repair_line("<p>KUPANG (ANTARA) - ASN diminta netral.</p>"),
            "KUPANG (ANTARA) - ASN diminta netral."
        );
        assert_eq!(
            repair_line("Baca juga: <a href=\"https://x.id/a\">Bawaslu NTT</a><br/>"),
            "Baca juga: Bawaslu NTT"
        );
        assert_eq!(repair_line("<P>Satu<BR>dua</P>"), "Satu dua");
        assert_eq!(
            repair_line("kurang dari < 5 persen ASN"),
            "kurang dari < 5 persen ASN"
        );
        assert_eq!(repair_line("a <3 b <pemilu> c"), "a <3 b <pemilu> c");
        // A tag cut by the line's end is left.
        assert_eq!(repair_line("teks <a href=\"x"), "teks <a href=\"x");
    }

    #[test]
    fn repairs_nbsp_mojibake_and_entities() {
        assert_eq!(repair_line("\u{c2}\u{a0}"), "");
        assert_eq!(repair_line("\u{a0}"), "");
        assert_eq!(
            repair_line("ASN&nbsp;netral\t di  Kalbar "),
            "ASN netral di Kalbar"
        );
        assert_eq!(
            repair_line("kata Alfian\u{c2}\u{a0}di Pontianak"),
            "kata Alfian di Pontianak"
        );
        assert_eq!(
            repair_line("â€œNetralâ€\u{9d} katanya"),
            "\u{201c}Netral\u{201d} katanya"
        );
        // A letter with a circumflex inside a word is left alone.
        assert_eq!(repair_line("Âbdul hadir"), "Âbdul hadir");
        assert_eq!(repair_line("Sofyan\u{100} hadir"), "Sofyan hadir");
    }

    #[test]
    fn clean_lines_are_borrowed_and_others_repaired_as_before() {
        for clean in [
            "ASN netral di Kalbar.",
            "\u{201c}Kami netral,\u{201d} ujar Âbdul.",
            "x",
            "",
        ] {
            assert!(matches!(repair_line(clean), Cow::Borrowed(_)), "{clean:?}");
        }
        for dirty in [
            " ASN",
            "ASN ",
            "ASN  netral",
            "ASN\tnetral",
            "ASN\u{a0}netral",
            "ASN\u{200b}",
            "Alfian\u{c2} di",
            "Alfian\u{c2}",
            "a\u{7f}b",
            "a\u{85}b",
        ] {
            let r = repair_line(dirty);
            assert!(matches!(r, Cow::Owned(_)), "{dirty:?}");
            assert_ne!(r, dirty);
        }
    }

    proptest::proptest! {
        #[test]
        fn plain_lines_are_the_ones_the_repair_leaves_borrowed_without_a_look(
            s in "[ aA&;`\t\u{7f}~.\u{e2}]{0,12}"
        ) {
            if plain_ascii(s.as_bytes()) {
                proptest::prop_assert!(is_repaired(&s) && !s.contains('&') && s.is_ascii());
                proptest::prop_assert_eq!(normalise_plain(&s), normalise(&s));
                proptest::prop_assert_eq!(word_count_of(&s, true), word_count(&s));
            }
            let expected = s.is_ascii()
                && !s.contains('&')
                && !s.contains('`')
                && !s.contains('<')
                && is_repaired(&s);
            proptest::prop_assert_eq!(plain_ascii(s.as_bytes()), expected);
        }

        #[test]
        fn plain_ascii_on_long_lines_with_one_flaw(
            words in proptest::collection::vec("[a-z.,]{1,9}", 1..60),
            at in proptest::sample::select(vec![0usize, 1, 63, 64, 65, 127, 128, 129, 200, 300]),
            flaw in proptest::sample::select(vec!["", " ", "&", "`", "<", "\t", "\u{7f}", "\u{e9}", "A"]),
        ) {
            let mut s = words.join(" ");
            let at = at.min(s.len());
            s.insert_str(at, flaw);
            let expected = s.is_ascii()
                && !s.contains('&')
                && !s.contains('`')
                && !s.contains('<')
                && is_repaired(&s);
            proptest::prop_assert_eq!(plain_ascii(s.as_bytes()), expected, "{:?}", s);
            if expected {
                proptest::prop_assert_eq!(normalise_plain(&s), normalise(&s));
                proptest::prop_assert_eq!(word_count_of(&s, true), word_count(&s));
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn a_line_taken_as_repaired_is_left_alone_by_the_repair(
            s in "[ a\t\u{a0}\u{c2}\u{100}\u{200b}\u{85}\u{7f}\u{201c}Â.b\n]{0,12}"
        ) {
            if is_repaired(&s) {
                proptest::prop_assert_eq!(collapse_spaces(&s), s);
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn words_are_the_runs_of_letters_and_digits(s in "[a-z0-9 ,.\u{e9}\u{2019}\u{4e00}\u{300}-]{0,24}") {
            let split: Vec<&str> = s
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            proptest::prop_assert_eq!(words(&s).collect::<Vec<_>>(), split);
        }
    }

    proptest::proptest! {
        #[test]
        fn word_hashes_of_long_ascii_words_are_the_hashes_of_the_words(
            s in "[a-zA-Z0-9]{0,30}([ ,.'`@\\[\\]{}/:-][a-zA-Z0-9]{0,30}){0,4}"
        ) {
            let mut hashes = Vec::new();
            push_word_hashes(&s, &mut hashes);
            let expected: Vec<u64> = words(&s).map(word_hash).collect();
            proptest::prop_assert_eq!(hashes, expected);
        }
    }

    proptest::proptest! {
        #[test]
        fn normalised_word_hashes_are_the_word_hashes_of_the_normalised_text(
            s in "[a-zA-Z0-9 \t\r,.'`&-]{0,40}|[a-zA-Z \u{e9}\u{c9}\u{201c}\u{ff21}]{0,20}"
        ) {
            let mut direct = vec![1];
            push_normalised_word_hashes(&s, &mut direct);
            let mut expected = vec![1];
            push_word_hashes(&normalise(&s), &mut expected);
            proptest::prop_assert_eq!(direct, expected);
        }
    }

    proptest::proptest! {
        #[test]
        fn word_hashes_are_the_hashes_of_the_words(s in "[a-zA-Z0-9 ,.'\"\u{e9}\u{2019}\u{300}-]{0,40}") {
            let mut hashes = vec![7];
            push_word_hashes(&s, &mut hashes);
            let expected: Vec<u64> = std::iter::once(7).chain(words(&s).map(word_hash)).collect();
            proptest::prop_assert_eq!(hashes, expected);
        }
    }

    proptest::proptest! {
        #[test]
        fn word_hashes_of_long_ascii_texts(
            parts in proptest::collection::vec(
                ("[a-zA-Z0-9]{0,70}", "[ -/:-@\\[-`{-~\t\r\x00\x01\x1f\x7f]{1,3}"),
                0..12,
            ),
            tail in "[a-zA-Z0-9]{0,40}",
        ) {
            let mut s: String = parts.iter().map(|(w, sep)| format!("{w}{sep}")).collect();
            s.push_str(&tail);
            let mut hashes = vec![3];
            push_word_hashes(&s, &mut hashes);
            let expected: Vec<u64> = std::iter::once(3).chain(words(&s).map(word_hash)).collect();
            proptest::prop_assert_eq!(hashes, expected);
            let mut direct = Vec::new();
            push_normalised_word_hashes(&s, &mut direct);
            let expected: Vec<u64> = words(&normalise(&s)).map(word_hash).collect();
            proptest::prop_assert_eq!(direct, expected);
        }
    }

    /// [`is_repaired`] written char by char, as the reference for the run-wise version.
    fn is_repaired_by_char(s: &str) -> bool {
        if s.starts_with(' ') || s.ends_with(' ') || s.contains("  ") {
            return false;
        }
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            let bad = match c {
                '\u{c2}' | '\u{100}' => !chars.peek().is_some_and(|n| n.is_alphabetic()),
                '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{ad}' => true,
                ' ' => false,
                c => c.is_whitespace() || c.is_control(),
            };
            if bad {
                return false;
            }
        }
        true
    }

    proptest::proptest! {
        #[test]
        fn repaired_lines_are_found_as_char_by_char(
            words in proptest::collection::vec("[a-zA-Z0-9.,]{1,9}", 1..40),
            flaws in proptest::collection::vec(
                (0usize..400, proptest::sample::select(vec![
                    "", " ", "\u{e9}", "\u{201c}", "\u{c2}", "\u{c2}a", "\u{100}", "\u{a0}",
                    "\u{200b}", "\u{ad}", "\t", "\u{7f}", "\u{85}", "\u{2003}",
                ])),
                0..4,
            ),
        ) {
            let mut s = words.join(" ");
            for (at, flaw) in flaws {
                let mut at = at.min(s.len());
                while !s.is_char_boundary(at) {
                    at -= 1;
                }
                s.insert_str(at, flaw);
            }
            proptest::prop_assert_eq!(is_repaired(&s), is_repaired_by_char(&s), "{:?}", s);
        }
    }

    /// [`normalise`] written char by char, as the reference for the run-wise version.
    fn normalise_by_char(text: &str) -> String {
        let mut out = String::new();
        let mut space = false;
        for c in text.nfkc() {
            let c = match c {
                '`' => '\'',
                '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' | '\u{ab}' | '\u{bb}' => '"',
                '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{b4}' => '\'',
                '\u{2013}' | '\u{2014}' | '\u{2212}' => '-',
                c => c,
            };
            let blank = if c.is_ascii() {
                matches!(c, ' ' | '\t'..='\r')
            } else {
                c.is_whitespace()
            };
            if blank {
                space = true;
                continue;
            }
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.extend(c.to_lowercase());
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn normalise_matches_the_char_by_char_reference(
            s in "[ aZ`\t\n\u{b}\u{1c}\u{a0}\u{201c}\u{2019}\u{2014}\u{c9}\u{130}\u{ff21}\u{2003}.]{0,24}"
        ) {
            proptest::prop_assert_eq!(normalise(&s), normalise_by_char(&s));
        }
    }

    proptest::proptest! {
        #[test]
        fn normalise_of_long_lines_with_one_flaw_matches_the_reference(
            words in proptest::collection::vec("[a-zA-Z0-9.,]{1,9}", 1..60),
            at in proptest::sample::select(vec![0usize, 1, 31, 32, 33, 63, 64, 65, 200, 300]),
            flaw in proptest::sample::select(vec!["", " ", "  ", "`", "\t", "\r", "\u{e9}", "\u{201c}"]),
        ) {
            let mut s = words.join(" ");
            let at = at.min(s.len());
            s.insert_str(at, flaw);
            proptest::prop_assert_eq!(normalise(&s), normalise_by_char(&s), "{:?}", s);
            proptest::prop_assert_eq!(
                has_double_space(s.as_bytes()),
                s.contains("  "),
                "{:?}", s
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn nfkc_quick_check_of_the_non_ascii_chars_is_that_of_the_text(
            s in "[ a.\u{e9}\u{301}\u{316}\u{a0}\u{2019}\u{ff21}\u{fb01}]{0,30}"
        ) {
            proptest::prop_assert_eq!(
                is_nfkc_quick(non_ascii_chars(&s)),
                is_nfkc_quick(s.chars()),
                "{:?}", s
            );
            let bytes = s.as_bytes();
            for from in 0..=bytes.len() {
                let expected = bytes[from..].iter().position(|b| !b.is_ascii()).map_or(bytes.len(), |p| from + p);
                proptest::prop_assert_eq!(ascii_run_end(bytes, from), expected);
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn word_count_counts_as_split_whitespace_does(s in "[ a.\t\n\u{b}\u{c}\r\u{1c}\u{a0}\u{2003}]{0,16}") {
            proptest::prop_assert_eq!(word_count(&s), s.split_whitespace().count());
        }
    }

    #[test]
    fn normalises_quotes_case_and_width() {
        assert_eq!(
            normalise("\u{201c}Kami  NETRAL,\u{201d} ujarnya"),
            "\"kami netral,\" ujarnya"
        );
        assert_eq!(normalise("ＡＳＮ"), "asn");
    }

    #[test]
    fn prefixes_of_at_least_n_chars() {
        for s in [
            "",
            "abc",
            "abcd",
            "ab\u{e9}d",
            "\u{e9}\u{e9}\u{e9}",
            "a\u{e9}",
            "abcdef",
        ] {
            for n in 0..6 {
                let expected = (s.chars().count() >= n).then(|| prefix_chars(s, n));
                assert_eq!(prefix_of_at_least(s, n), expected, "{s:?} {n}");
            }
        }
    }

    #[test]
    fn sentence_ends() {
        assert!(ends_sentence("ASN harus netral."));
        assert!(ends_sentence("\"Kami netral,\" ujarnya."));
        assert!(ends_sentence("\u{201c}Kami netral.\u{201d}"));
        assert!(!ends_sentence("Pilkada Kaltim 2024"));
        assert!(!ends_sentence("Buntok (ANTARA) -"));
    }
}
