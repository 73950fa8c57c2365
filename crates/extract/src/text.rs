//! Small byte-offset helpers over UTF-8 text shared by the rule modules. Every function is total:
//! positions past the end or off a character boundary are handled, never sliced.

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

/// The position after the spaces (not line breaks) from `pos`.
pub(crate) fn skip_spaces(s: &str, pos: usize) -> usize {
    let Some(rest) = s.get(pos..) else { return pos };
    pos + (rest.len() - rest.trim_start_matches([' ', '\u{a0}', '\t']).len())
}

/// The word (letters, digits, apostrophes, inner hyphens) starting at `pos`: its end.
pub(crate) fn word_end(s: &str, pos: usize) -> Option<usize> {
    let rest = s.get(pos..)?;
    let mut end = 0;
    let mut chars = rest.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if is_word_char(c) {
            end = i + c.len_utf8();
        } else if c == '-' && end > 0 && chars.peek().is_some_and(|&(_, n)| n.is_alphabetic()) {
            continue;
        } else {
            break;
        }
    }
    (end > 0).then_some(pos + end)
}

/// The word ending at `pos` (scanning back over word characters): its start.
pub(crate) fn word_start_before(s: &str, pos: usize) -> Option<usize> {
    let before = s.get(..pos)?;
    let start = before
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_word_char(c) || c == '-')
        .last()
        .map(|(i, _)| i)?;
    Some(start)
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

#[cfg(test)]
mod tests {
    use super::*;

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
