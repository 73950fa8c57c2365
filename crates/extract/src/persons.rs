//! One [`Person`] per named official in an article, with every later mention: the full name
//! again, short forms (`Alfian`, `Deddy Winarwan`), attributions (`kata Alfian`, `terang Deni`)
//! and nicknames (`Soni - sapaan akrab Sumarsono`). Each sentence gets the person it is about:
//! an official or a name in it, else the last person named when the sentence attributes a
//! quote by a pronoun (`ujarnya`, `katanya`, `kata dia`).

use std::ops::Range;

use warta_core::{Official, Person, Span};

use crate::text::{at_word_bounds, is_capitalised};

/// A paragraph's text and sentences.
pub(crate) struct ParaText<'a> {
    pub text: &'a str,
    pub sentences: &'a [Range<usize>],
    /// Whether a pronoun cue occurs in each sentence and the nickname cue in the paragraph,
    /// when already known.
    pub pronoun: Option<&'a crate::scan::ParaGate>,
}

pub(crate) struct Linked {
    pub persons: Vec<Person>,
    /// Per paragraph, per sentence: the person the sentence is about.
    pub sentence_person: Vec<Vec<Option<usize>>>,
}

/// Pronoun attributions that point back to the last speaker.
pub(crate) const PRONOUN_CUES: &[&str] = &[
    "ujarnya",
    "katanya",
    "tuturnya",
    "tutupnya",
    "lanjutnya",
    "terangnya",
    "jelasnya",
    "ungkapnya",
    "imbuhnya",
    "tambahnya",
    "pungkasnya",
    "sebutnya",
    "ucapnya",
    "kata dia",
    "ujar dia",
    "Ia ",
    "Dia ",
    " ia ",
    " dia ",
    "Dikatakannya",
    "menurutnya",
    "Menurutnya",
];

/// [`PRONOUN_CUES`] as one automaton (case-sensitive, like the list), built once.
pub(crate) fn pronoun_cues() -> &'static crate::scan::Keywords {
    static AC: std::sync::OnceLock<crate::scan::Keywords> = std::sync::OnceLock::new();
    AC.get_or_init(|| crate::scan::Keywords::new(PRONOUN_CUES, false))
}

/// The cue of a nickname: `Soni - sapaan akrab Sumarsono`.
pub(crate) const NICKNAME_CUE: &str = "sapaan akrab";

/// [`NICKNAME_CUE`], searched with a searcher built once (not per paragraph).
pub(crate) fn nickname_cue() -> &'static aho_corasick::AhoCorasick {
    static AC: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    AC.get_or_init(|| aho_corasick::AhoCorasick::new([NICKNAME_CUE]).expect("nickname cue builds"))
}

/// Whether a capitalised word that is not part of `name` follows `end` after one space:
/// the form is then the first part of another name (`Budi` in `AKBP Budi Prasetya` is not
/// `Budi Santosa`), while `Lalu Anwar` is a short form of `Lalu Muhammad Anwar`.
fn continues_name(st: &str, end: usize, name: &str) -> bool {
    let Some(rest) = st.get(end..).and_then(|t| t.strip_prefix(' ')) else {
        return false;
    };
    if !rest.chars().next().is_some_and(char::is_uppercase) {
        return false;
    }
    let word = rest
        .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-')
        .next()
        .unwrap_or("");
    !name.split(' ').any(|w| w == word)
}

fn same_person(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    // Every word of the shorter form appears in the longer one, in order.
    let mut it = long.split(' ');
    short.split(' ').all(|w| it.any(|l| l == w))
}

/// The forms no two persons share, each once, in order of first appearance: a form given
/// for two persons names neither.
fn unique_forms(forms: Vec<(String, usize)>) -> Vec<(String, usize)> {
    // Equal forms next to each other, each run in order of appearance.
    let mut order: Vec<usize> = (0..forms.len()).collect();
    order.sort_by(|&a, &b| forms[a].0.cmp(&forms[b].0).then(a.cmp(&b)));
    let mut keep = vec![false; forms.len()];
    for run in order.chunk_by(|&a, &b| forms[a].0 == forms[b].0) {
        if let Some(&first) = run.first() {
            keep[first] = run.iter().all(|&k| forms[k].1 == forms[first].1);
        }
    }
    forms
        .into_iter()
        .zip(keep)
        .filter_map(|(f, keep)| keep.then_some(f))
        .collect()
}

/// Link officials to persons and find later mentions. `officials` holds (paragraph, span,
/// value, rule); each value's `person` is set.
pub(crate) fn link(
    paras: &[ParaText<'_>],
    officials: &mut [(usize, Span, Official, &'static str)],
) -> Linked {
    let mut persons: Vec<Person> = Vec::new();
    for (_, span, o, _) in officials.iter_mut() {
        let Some(name) = o.name.clone() else { continue };
        let idx = match persons.iter().position(|p| same_person(&p.name, &name)) {
            Some(i) => {
                if name.len() > persons[i].name.len() {
                    persons[i].name = name;
                }
                i
            }
            None => {
                persons.push(Person {
                    name,
                    modifier: o.modifier,
                    title: o.title.clone(),
                    body: o.body.clone(),
                    region_code: o.region_code.clone(),
                    mentions: Vec::new(),
                });
                persons.len() - 1
            }
        };
        o.person = Some(idx);
        persons[idx].mentions.push(*span);
    }

    // Surface forms: full names and their words (not shared by two persons).
    let mut forms: Vec<(String, usize)> = Vec::new();
    for (i, p) in persons.iter().enumerate() {
        forms.push((p.name.clone(), i));
        for w in p.name.split(' ') {
            if w.chars().count() >= 3 && is_capitalised(w) {
                forms.push((w.to_string(), i));
            }
        }
    }
    // Nicknames: `Soni - sapaan akrab Sumarsono`.
    for pt in paras {
        // The gate knows whether the cue occurs at all.
        if pt.pronoun.is_some_and(|g| !g.nickname) {
            continue;
        }
        let mut from = 0;
        while let Some(k) = pt
            .text
            .get(from..)
            .and_then(|t| nickname_cue().find(t))
            .map(|m| m.start())
        {
            let at = from + k;
            from = at + NICKNAME_CUE.len();
            let before = pt.text[..at].trim_end_matches([' ', '-', '–', '—', ',', '(']);
            let nick_start = before
                .char_indices()
                .rev()
                .find(|&(_, c)| !c.is_alphanumeric())
                .map_or(0, |(i, c)| i + c.len_utf8());
            let nick = &before[nick_start..];
            let after = pt.text[from..].trim_start();
            let target: String = after.chars().take_while(|c| c.is_alphanumeric()).collect();
            // Either `Nick - sapaan akrab Full` or `Full - sapaan akrab Nick`.
            for (known, other) in [(target.as_str(), nick), (nick, target.as_str())] {
                if let Some(i) = persons
                    .iter()
                    .position(|p| p.name.split(' ').any(|w| w == known))
                {
                    if other.chars().count() >= 3 && is_capitalised(other) {
                        forms.push((other.to_string(), i));
                    }
                }
            }
        }
    }
    let mut unique = unique_forms(forms);

    let mut sentence_person: Vec<Vec<Option<usize>>> = paras
        .iter()
        .map(|p| vec![None; p.sentences.len()])
        .collect();
    if unique.is_empty() {
        return Linked {
            persons,
            sentence_person,
        };
    }
    // Longest forms first, so `Alfian Salam` wins over `Alfian` at the same start.
    unique.sort_by_key(|(f, _)| std::cmp::Reverse(f.len()));
    // The forms by first byte, longest first as above (a stable sort keeps that order within
    // a byte): at a position only the forms starting with its byte are tried, and the first
    // of them that fits is the one the whole list gives.
    unique.sort_by_key(|(f, _)| f.as_bytes().first().copied());
    let mut by_first = [(0u16, 0u16); 256];
    for (k, (f, _)) in unique.iter().enumerate() {
        if let (Some(&b), Ok(k)) = (f.as_bytes().first(), u16::try_from(k)) {
            let e = &mut by_first[usize::from(b)];
            if e.0 == e.1 {
                *e = (k, k);
            }
            e.1 = k + 1;
        }
    }
    let mut last: Option<usize> = None;
    for (pi, pt) in paras.iter().enumerate() {
        for (si, s) in pt.sentences.iter().enumerate() {
            let Some(st) = pt.text.get(s.clone()) else {
                continue;
            };
            // Officials of this sentence come first.
            let mut who = officials
                .iter()
                .find(|(op, sp, _, _)| *op == pi && sp.start >= s.start && sp.start < s.end)
                .and_then(|(_, _, o, _)| o.person);
            // Names are capitalised: try the forms at each capitalised word start.
            let bytes = st.as_bytes();
            let mut k = 0;
            while k < st.len() {
                // A name starts with an upper-case character: an ASCII capital or a non-ASCII
                // character. Other bytes, and a byte no form starts with (every UTF-8
                // continuation byte among them), are skipped without decoding, within the scan.
                let starts_form = |b: u8| {
                    let (lo, hi) = by_first[usize::from(b)];
                    lo != hi
                };
                match crate::text::next_capital_or_non_ascii_where(bytes, k, starts_form) {
                    Some(p) => k = p,
                    None => break,
                }
                let (lo, hi) = by_first[usize::from(bytes[k])];
                let Some(c) = st[k..].chars().next() else {
                    break;
                };
                let at_start = c.is_uppercase()
                    && !crate::text::char_before(st, k).is_some_and(crate::text::is_word_char);
                let found = if at_start {
                    unique
                        .get(usize::from(lo)..usize::from(hi))
                        .unwrap_or_default()
                        .iter()
                        .find(|(f, i)| {
                            st[k..].starts_with(f.as_str())
                                && at_word_bounds(st, k, k + f.len())
                                && !continues_name(st, k + f.len(), &persons[*i].name)
                        })
                } else {
                    None
                };
                let Some((f, i)) = found else {
                    k += c.len_utf8();
                    continue;
                };
                let (a, b) = (s.start + k, s.start + k + f.len());
                let span = Span::new(pi, a, b);
                let inside_official = officials.iter().any(|(_, sp, _, _)| sp.overlaps(&span));
                if !inside_official {
                    persons[*i].mentions.push(span);
                }
                who.get_or_insert(*i);
                k += f.len();
            }
            // (Before anyone is named a cue points nowhere: no search.)
            let cue = || match pt.pronoun {
                Some(g) => g.pronoun(si).unwrap_or(false),
                None => pronoun_cues().is_match(st),
            };
            if who.is_none() && last.is_some() && cue() {
                who = last;
            }
            if who.is_some() {
                last = who;
            }
            sentence_person[pi][si] = who;
        }
        // A quoted paragraph (`“Kami terus ... ,” terang Deni`): the attribution at its end
        // names the speaker of every sentence in it.
        if pt.text.trim_start().starts_with(['"', '“', '\'', '‘']) {
            if let Some(speaker) = sentence_person[pi].iter().rev().find_map(|w| *w) {
                for w in sentence_person[pi].iter_mut() {
                    w.get_or_insert(speaker);
                }
            }
        }
    }
    for p in &mut persons {
        p.mentions.sort();
        p.mentions.dedup();
    }
    Linked {
        persons,
        sentence_person,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The forms kept: the plain quadratic definition.
    fn unique_plain(forms: &[(String, usize)]) -> Vec<(String, usize)> {
        let mut unique: Vec<(String, usize)> = Vec::new();
        for (f, i) in forms {
            if forms.iter().any(|(g, j)| g == f && j != i) {
                continue;
            }
            if !unique.iter().any(|(g, _)| g == f) {
                unique.push((f.clone(), *i));
            }
        }
        unique
    }

    proptest::proptest! {
        #[test]
        fn unique_forms_are_the_plain_ones(v in proptest::collection::vec(("(Adi|Budi|Ali|A)", 0usize..3), 0..12)) {
            proptest::prop_assert_eq!(unique_forms(v.clone()), unique_plain(&v));
        }
    }

    #[test]
    fn short_forms_are_the_same_person() {
        assert!(same_person("Alfian Salam", "Alfian"));
        assert!(same_person("Deddy", "Deddy Winarwan"));
        assert!(!same_person("Agus Pramusinto", "Agus Salim"));
    }
}
