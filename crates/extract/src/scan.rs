//! Keyword sets run as a plain Aho-Corasick DFA walk: one table lookup per byte and a report
//! of every occurrence of every keyword (the overlapping matches). The rule modules use it for
//! their keyword prefilters. `aho_corasick::AhoCorasick`'s own searches re-enter a literal
//! prefilter at every candidate, and its overlapping iterator keeps a resumable state: in news
//! text, where the keywords' first letters are everywhere, both cost several times the walk.

use crate::text::is_ascii_word_byte;
use aho_corasick::automaton::Automaton;
use aho_corasick::dfa::DFA;
use aho_corasick::{Anchored, MatchKind, StartKind};

/// A set of literal keywords.
pub(crate) struct Keywords {
    dfa: DFA,
}

impl Keywords {
    /// The automaton of `patterns`; `ascii_case_insensitive` folds ASCII letters only.
    pub(crate) fn new<I, P>(patterns: I, ascii_case_insensitive: bool) -> Keywords
    where
        I: IntoIterator<Item = P>,
        P: AsRef<[u8]>,
    {
        let dfa = DFA::builder()
            .match_kind(MatchKind::Standard)
            .start_kind(StartKind::Unanchored)
            .ascii_case_insensitive(ascii_case_insensitive)
            .prefilter(false)
            .build(patterns)
            .expect("keyword automaton builds");
        Keywords { dfa }
    }

    /// Call `f(start, end, pattern)` for every occurrence of every keyword in `text`, in order
    /// of their ends (at one end, in the automaton's order).
    pub(crate) fn each(&self, text: &str, mut f: impl FnMut(usize, usize, usize)) {
        let dfa = &self.dfa;
        let Ok(mut sid) = dfa.start_state(Anchored::No) else {
            return;
        };
        let bytes = text.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            (at, sid) = walk(dfa, bytes, at, sid);
            if !dfa.is_special(sid) {
                return;
            }
            if dfa.is_dead(sid) {
                return;
            }
            for k in 0..dfa.match_len(sid) {
                let pid = dfa.match_pattern(sid, k);
                f(at.saturating_sub(dfa.pattern_len(pid)), at, pid.as_usize());
            }
        }
    }

    /// True when any keyword occurs in `text`.
    pub(crate) fn is_match(&self, text: &str) -> bool {
        let dfa = &self.dfa;
        let Ok(sid) = dfa.start_state(Anchored::No) else {
            return false;
        };
        let (_, sid) = walk(dfa, text.as_bytes(), 0, sid);
        dfa.is_match(sid)
    }
}

/// A set of literal patterns matched leftmost-longest at a given start, by a plain walk of an
/// Aho-Corasick DFA: the result of `AhoCorasick::find` with an anchored input, without the
/// library's per-call checks of the input and its prefilter.
pub(crate) struct AnchoredSet {
    dfa: DFA,
}

impl AnchoredSet {
    /// The automaton of `patterns`, case-sensitive.
    pub(crate) fn new<I, P>(patterns: I) -> AnchoredSet
    where
        I: IntoIterator<Item = P>,
        P: AsRef<[u8]>,
    {
        let dfa = DFA::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(StartKind::Anchored)
            .prefilter(false)
            .build(patterns)
            .expect("anchored pattern automaton builds");
        AnchoredSet { dfa }
    }

    /// The longest pattern at `start` in `text`: the match the anchored leftmost-longest
    /// search from `start` gives, the last one [`AnchoredSet::each_at`] reports.
    pub(crate) fn longest_at(&self, text: &str, start: usize) -> Option<aho_corasick::Match> {
        let mut found = None;
        self.each_at(text, start, |pid, end| {
            found = Some(aho_corasick::Match::new(pid, start..end));
        });
        found
    }

    /// Call `f(pattern, end)` for every pattern that matches at `start` in `text`, in order of
    /// their ends (shortest first). The automaton is walked until it dies or the text ends;
    /// a match state passed reports its pattern when that pattern starts at `start` (a match
    /// state may carry a match that starts later, which an anchored search ignores).
    pub(crate) fn each_at(
        &self,
        text: &str,
        start: usize,
        mut f: impl FnMut(aho_corasick::PatternID, usize),
    ) {
        let dfa = &self.dfa;
        let Ok(mut sid) = dfa.start_state(Anchored::Yes) else {
            return;
        };
        let mut report = |sid, at: usize| {
            let pid = dfa.match_pattern(sid, 0);
            if at.checked_sub(dfa.pattern_len(pid)) == Some(start) {
                f(pid, at);
            }
        };
        if dfa.is_match(sid) {
            report(sid, start);
        }
        let Some(rest) = text.as_bytes().get(start..) else {
            return;
        };
        for (k, &b) in rest.iter().enumerate() {
            sid = dfa.next_state(Anchored::Yes, sid, b);
            if dfa.is_special(sid) {
                if dfa.is_dead(sid) {
                    break;
                }
                if dfa.is_match(sid) {
                    report(sid, start + k + 1);
                }
            }
        }
    }
}

/// Steps the automaton from state `sid` over `bytes[at..]` until it enters a special (match
/// or dead) state or the bytes end; returns the position after the last byte read and the
/// state. A function of its own with no callback inside, so that the loop keeps its state in
/// registers.
#[inline(never)]
fn walk(
    dfa: &DFA,
    bytes: &[u8],
    mut at: usize,
    mut sid: aho_corasick::automaton::StateID,
) -> (usize, aho_corasick::automaton::StateID) {
    // Eight bytes a round while eight remain: one length test per round instead of one per
    // byte.
    while let Some(block) = bytes.get(at..at + 8) {
        for &b in block {
            sid = dfa.next_state(Anchored::No, sid, b);
            at += 1;
            if dfa.is_special(sid) {
                return (at, sid);
            }
        }
    }
    while let Some(&b) = bytes.get(at) {
        sid = dfa.next_state(Anchored::No, sid, b);
        at += 1;
        if dfa.is_special(sid) {
            break;
        }
    }
    (at, sid)
}

/// What the keyword prefilters of the rule modules say about one paragraph, from one walk of
/// one automaton over it instead of a walk per module and sentence. A keyword occurs in a
/// sentence exactly when one of the paragraph's occurrences lies inside the sentence, so the
/// answers are those of the modules' own prefilters.
pub(crate) struct ParaGate {
    /// A date word occurs in the paragraph (the dates prefilter, besides a digit).
    pub date_words: bool,
    /// A date word that needs no digit occurs in the paragraph (a weekday, a relative word,
    /// `bulan`: [`crate::dates::plain_gate_words`]).
    pub plain_date_words: bool,
    /// Where the first date word occurrence starts.
    pub date_at: Option<usize>,
    /// Where the last date word occurrence starts.
    pub date_last: Option<usize>,
    /// A cycle keyword (`pemil`, `pil`) occurs in the paragraph.
    pub cycle_words: bool,
    /// The starts of the cycle keywords at an ASCII word boundary, ascending.
    pub cycle_starts: Vec<usize>,
    /// The nickname cue (`sapaan akrab`) occurs in the paragraph.
    pub nickname: bool,
    /// Where a word an instrument type starts with occurs at an ASCII word boundary (or at
    /// its sentence's start), ascending ([`crate::instruments::type_start_words`]).
    type_starts: Vec<usize>,
    /// Per sentence, the answers below (one allocation per paragraph).
    sentences: Vec<SentenceGate>,
}

/// The prefilter answers for one sentence.
#[derive(Debug, Clone, Copy)]
struct SentenceGate {
    /// Bit `i` when a literal of activity rule `i` (< 64) that tries the rule occurs in it.
    activity: u64,
    /// Bit `i` when a keyword of activity rule `i` with a narrower prefilter occurs in it.
    activity_weak: u64,
    /// Bit `b` when a string of literal set `b` of the activity rules (an `exclude` or a
    /// `requires` pattern) occurs in it ([`crate::activities::gate_literal_sets`]).
    activity_literal_sets: u64,
    /// Bit `b` when a string of bounded set `b` of the activity rules occurs in it with no
    /// ASCII letter, digit or `_` right before or after it inside the sentence
    /// ([`crate::activities::gate_bounded_sets`]).
    activity_bounded: u64,
    /// The answers below, one bit each (so that joining two answers is one `|`).
    flags: u8,
    /// Where the first occurrence of an activity keyword (of any rule < 64, any kind)
    /// starts, in the paragraph.
    activity_at: Option<usize>,
    /// Where the first number word occurrence starts, in the paragraph.
    number_at: Option<usize>,
    /// Per activity rule `i` < [`RULE_AT`], where the first and the last occurrence of one
    /// of its literals (any kind, found ASCII case-insensitively) start, relative to the
    /// sentence; `(u16::MAX, 0)` when none does (or not that near the sentence's start).
    rule_at: [(u16, u16); RULE_AT],
}

/// The activity rules whose first literal position a sentence answer keeps.
const RULE_AT: usize = 24;
const RULE_AT_MASK: u64 = (1 << RULE_AT) - 1;

impl Default for SentenceGate {
    fn default() -> SentenceGate {
        SentenceGate {
            activity: 0,
            activity_weak: 0,
            activity_literal_sets: 0,
            activity_bounded: 0,
            flags: 0,
            activity_at: None,
            number_at: None,
            rule_at: [(u16::MAX, 0); RULE_AT],
        }
    }
}

/// A character whose case folds to an ASCII letter occurs in the sentence.
const FOLD: u8 = 1;
/// The instruments prefilter passes.
const INSTRUMENT: u8 = 1 << 1;
/// A word an instrument type starts with occurs in it.
const INSTRUMENT_TYPE: u8 = 1 << 2;
/// A word a signatory starts with occurs in it.
const SIGNATORY: u8 = 1 << 3;
/// A pronoun cue (`ujarnya`, `kata dia` ...) occurs in it.
const PRONOUN: u8 = 1 << 4;
/// An official's title or modifier occurs in it.
const HEAD: u8 = 1 << 5;
/// A number word (`tiga`, `ratusan` ...) occurs in it. With no such word and no digit a
/// sentence has no number, hence no count.
const NUMBER_WORD: u8 = 1 << 6;
/// A word an instrument type starts with occurs here: its start is kept in
/// [`ParaGate::type_starts`] (not a sentence answer).
const TYPE_START: u8 = 1 << 7;

impl SentenceGate {
    fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }
}

impl ParaGate {
    /// Bit `i` when activity rule `i` (< 64) is to be tried on sentence `si` (see
    /// [`crate::activities::keyed`]).
    pub(crate) fn activity(&self, si: usize) -> Option<u64> {
        self.sentences
            .get(si)
            .map(|g| crate::activities::keyed(g.activity, g.activity_weak, g.has(FOLD)))
    }
    /// Where the first activity keyword of sentence `si` starts, relative to the sentence
    /// starting at `base`: 0 when the sentence holds a character that folds to an ASCII
    /// letter (see [`crate::activities::find_keyed`]).
    pub(crate) fn activity_from(&self, si: usize, base: usize) -> usize {
        self.sentences
            .get(si)
            .filter(|g| !g.has(FOLD))
            .and_then(|g| g.activity_at)
            .map_or(0, |at| at.saturating_sub(base))
    }
    /// Where the first and the last literal of activity rule `rule` in sentence `si` start,
    /// relative to the sentence, when the sentence holds no character that folds
    /// to an ASCII letter (see [`crate::activities::find_keyed`]).
    pub(crate) fn activity_rule_from(&self, si: usize, rule: usize) -> Option<(usize, usize)> {
        let g = self.sentences.get(si).filter(|g| !g.has(FOLD))?;
        g.rule_at
            .get(rule)
            .filter(|at| at.0 != u16::MAX)
            // A last start past `u16::MAX` is not known: the sentence's end bounds it.
            .map(|&(first, last)| {
                let last = if last == u16::MAX {
                    usize::MAX
                } else {
                    usize::from(last)
                };
                (usize::from(first), last)
            })
    }
    /// The instruments prefilter passes on sentence `si`.
    pub(crate) fn instrument(&self, si: usize) -> Option<bool> {
        self.sentences.get(si).map(|g| g.has(INSTRUMENT))
    }
    /// A word an instrument type starts with occurs in sentence `si`
    /// ([`crate::instruments::may_have_type`]).
    pub(crate) fn instrument_type(&self, si: usize) -> Option<bool> {
        self.sentences.get(si).map(|g| g.has(INSTRUMENT_TYPE))
    }
    /// A signatory can match in sentence `si` ([`crate::instruments::may_have_signatory`]):
    /// a word a signatory starts with or a character that folds to an ASCII letter occurs
    /// in it.
    pub(crate) fn signatory(&self, si: usize) -> Option<bool> {
        self.sentences.get(si).map(|g| g.has(SIGNATORY | FOLD))
    }
    /// A pronoun cue (`ujarnya`, `kata dia` ...) occurs in sentence `si`.
    pub(crate) fn pronoun(&self, si: usize) -> Option<bool> {
        self.sentences.get(si).map(|g| g.has(PRONOUN))
    }
    /// The literal and bounded sets of the activity rules found in sentence `si` (see
    /// [`crate::activities::find_keyed`]): bit `b` of `sets` when a string of set `b`
    /// occurs in it, every bit when it holds a character that folds to an ASCII letter (the
    /// answers are then not `exact`).
    pub(crate) fn sets(&self, si: usize) -> crate::activities::Sets {
        use crate::activities::Sets;
        match self.sentences.get(si) {
            Some(g) if !g.has(FOLD) => Sets {
                sets: g.activity_literal_sets,
                bounded: g.activity_bounded,
                exact: true,
            },
            Some(g) => Sets {
                bounded: g.activity_bounded,
                ..Sets::UNKNOWN
            },
            None => Sets::UNKNOWN,
        }
    }
    /// An official's title or modifier occurs in sentence `si`.
    pub(crate) fn head(&self, si: usize) -> Option<bool> {
        self.sentences.get(si).map(|g| g.has(HEAD))
    }
    /// A number word (`tiga`, `ratusan` ...) occurs in sentence `si`.
    pub(crate) fn number_word(&self, si: usize) -> Option<bool> {
        self.sentences.get(si).map(|g| g.has(NUMBER_WORD))
    }
    /// Where the first number word occurrence of sentence `si` starts, in the paragraph.
    pub(crate) fn number_at(&self, si: usize) -> Option<usize> {
        self.sentences.get(si).and_then(|g| g.number_at)
    }
    /// Where an instrument type may start in the sentence `range`: the starts of the words
    /// of [`crate::instruments::type_start_words`] in it at an ASCII word boundary, in the
    /// paragraph, ascending.
    pub(crate) fn type_starts(&self, range: std::ops::Range<usize>) -> &[usize] {
        let a = self.type_starts.partition_point(|&p| p < range.start);
        let b = self.type_starts.partition_point(|&p| p < range.end);
        self.type_starts.get(a..b).unwrap_or(&[])
    }
}

#[derive(Debug, Clone, Copy)]
enum Owner {
    Date,
    DatePlain,
    Cycle,
    Activity(u32),
    /// Case-sensitive, as [`Owner::InstrumentCased`].
    ActivityCased(u32),
    ActivityWeak(u32),
    /// A string of an activity rule's literal set (its bit).
    ActivityLiteralSet(u32),
    /// A string of an activity rule's bounded set (its bit): counts with word bounds only.
    ActivityBounded(u32),
    Fold,
    Instrument,
    InstrumentSignatory,
    /// Case-sensitive keywords: the occurrence (found ASCII case-insensitively) must match
    /// the keyword byte for byte.
    InstrumentCased,
    PronounCased,
    HeadCased,
    NumberWord,
    TypeStart,
    TypeStartCased,
    /// The nickname cue (`sapaan akrab`), case-sensitive.
    NicknameCased,
}

/// The gate's automaton and what each of its patterns stands for. Keywords equal under ASCII
/// case folding are one pattern of the (ASCII case-insensitive) automaton, so that an
/// occurrence is reported once with every owner of the word.
pub(crate) struct GateSet {
    keywords: Keywords,
    /// Per automaton pattern, what an occurrence of it answers.
    groups: Vec<Group>,
}

/// What an occurrence of one (ASCII-folded) keyword answers, from all of its owners.
#[derive(Default)]
struct Group {
    /// A date word (paragraph answer).
    date: bool,
    /// A date word that needs no digit (paragraph answer).
    date_plain: bool,
    /// A cycle word (paragraph answer).
    cycle: bool,
    /// The nickname cue as written (compared byte for byte; paragraph answer).
    nickname: Option<Box<[u8]>>,
    /// An owner answers for the sentence.
    sentence: bool,
    /// An activity rule owns the keyword (any kind, cased or not).
    activity: bool,
    /// Bit `i` when activity rule `i` (< 64) owns the keyword (any kind, cased or not).
    rules: u64,
    /// The sentence answers of the case-insensitive owners: set at every occurrence.
    always: SentenceGate,
    /// The keywords of the case-sensitive owners as written, with their answers: set when
    /// the occurrence is the keyword byte for byte.
    cased: Vec<(Box<[u8]>, SentenceGate)>,
    /// The bounded sets holding the keyword: set when the occurrence has word bounds.
    bounded: u64,
    /// One of the paragraph answers above (`date`, `date_plain`, `cycle`, `nickname`) is
    /// set: most keywords answer for sentences only.
    para: bool,
    /// `always` answers something (else `SentenceGate::or` with it changes nothing).
    any_always: bool,
}

impl SentenceGate {
    fn or(&mut self, o: &SentenceGate) {
        self.activity |= o.activity;
        self.activity_weak |= o.activity_weak;
        self.activity_literal_sets |= o.activity_literal_sets;
        self.flags |= o.flags;
    }
}

pub(crate) fn gate_set() -> &'static GateSet {
    static SET: std::sync::OnceLock<GateSet> = std::sync::OnceLock::new();
    SET.get_or_init(|| {
        let mut patterns: Vec<String> = Vec::new();
        let mut owners = Vec::new();
        let mut add = |w: &str, o: Owner| {
            if !w.is_empty() {
                patterns.push(w.to_string());
                owners.push(o);
            }
        };
        for w in crate::dates::gate_words() {
            add(w, Owner::Date);
        }
        for w in crate::dates::plain_gate_words() {
            add(w, Owner::DatePlain);
        }
        for w in crate::cycles::GATE_WORDS {
            add(w, Owner::Cycle);
        }
        for (i, w, kind) in crate::activities::gate_keywords() {
            if let Ok(i) = u32::try_from(i) {
                if i < 64 {
                    use crate::activities::Literal;
                    let owner = match kind {
                        Literal::Strong => Owner::Activity(i),
                        Literal::StrongCased => Owner::ActivityCased(i),
                        Literal::Weak => Owner::ActivityWeak(i),
                    };
                    add(w, owner);
                }
            }
        }
        for (bit, w) in crate::activities::gate_literal_sets() {
            add(w, Owner::ActivityLiteralSet(bit));
        }
        for (bit, w) in crate::activities::gate_bounded_sets() {
            add(w, Owner::ActivityBounded(bit));
        }
        for w in crate::activities::FOLD_CHARS {
            add(w, Owner::Fold);
        }
        let (ci, signatories, cased) = crate::instruments::gate_words();
        for w in ci {
            add(w, Owner::Instrument);
        }
        for w in signatories {
            add(w, Owner::InstrumentSignatory);
        }
        for w in cased {
            add(w, Owner::InstrumentCased);
        }
        for w in crate::persons::PRONOUN_CUES {
            add(w, Owner::PronounCased);
        }
        for w in crate::officials::head_forms() {
            add(w, Owner::HeadCased);
        }
        for w in crate::numbers::gate_words() {
            add(w, Owner::NumberWord);
        }
        let (starts, starts_cased) = crate::instruments::type_start_words();
        for w in starts {
            add(w, Owner::TypeStart);
        }
        for w in starts_cased {
            add(w, Owner::TypeStartCased);
        }
        add(crate::persons::NICKNAME_CUE, Owner::NicknameCased);
        // Group the keywords by their ASCII-folded form, in order of first appearance.
        let mut folded: Vec<Vec<u8>> = Vec::new();
        let mut groups: Vec<Group> = Vec::new();
        for (w, o) in patterns.iter().zip(owners) {
            let f = w.as_bytes().to_ascii_lowercase();
            let i = match folded.iter().position(|g| *g == f) {
                Some(i) => i,
                None => {
                    folded.push(f);
                    groups.push(Group::default());
                    folded.len() - 1
                }
            };
            let g = &mut groups[i];
            let mut answer = SentenceGate::default();
            let mut cased = false;
            match o {
                Owner::Date => g.date = true,
                Owner::DatePlain => g.date_plain = true,
                Owner::Cycle => g.cycle = true,
                Owner::NicknameCased => g.nickname = Some(w.as_bytes().into()),
                Owner::Activity(i) => answer.activity = 1 << i,
                Owner::ActivityCased(i) => (answer.activity, cased) = (1 << i, true),
                Owner::ActivityWeak(i) => answer.activity_weak = 1 << i,
                Owner::ActivityLiteralSet(b) => answer.activity_literal_sets = 1 << b,
                Owner::ActivityBounded(b) => g.bounded |= 1 << b,
                Owner::Fold => answer.flags = FOLD,
                Owner::Instrument => answer.flags = INSTRUMENT | INSTRUMENT_TYPE,
                Owner::InstrumentSignatory => answer.flags = INSTRUMENT | SIGNATORY,
                Owner::InstrumentCased => {
                    (answer.flags, cased) = (INSTRUMENT | INSTRUMENT_TYPE, true);
                }
                Owner::PronounCased => (answer.flags, cased) = (PRONOUN, true),
                Owner::HeadCased => (answer.flags, cased) = (HEAD, true),
                Owner::NumberWord => answer.flags = NUMBER_WORD,
                Owner::TypeStart => answer.flags = TYPE_START,
                Owner::TypeStartCased => (answer.flags, cased) = (TYPE_START, true),
            }
            g.activity |= answer.activity | answer.activity_weak != 0;
            g.rules |= answer.activity | answer.activity_weak;
            if !matches!(
                o,
                Owner::Date | Owner::DatePlain | Owner::Cycle | Owner::NicknameCased
            ) {
                g.sentence = true;
                if cased {
                    match g.cased.iter_mut().find(|(p, _)| **p == *w.as_bytes()) {
                        Some((_, a)) => a.or(&answer),
                        None => g.cased.push((w.as_bytes().into(), answer)),
                    }
                } else {
                    g.always.or(&answer);
                }
            }
        }
        for g in &mut groups {
            g.para = g.date || g.date_plain || g.cycle || g.nickname.is_some();
            let a = &g.always;
            g.any_always =
                a.activity | a.activity_weak | a.activity_literal_sets != 0 || a.flags != 0;
        }
        GateSet {
            keywords: Keywords::new(&folded, true),
            groups,
        }
    })
}

/// The prefilter answers for a paragraph `text` split into `sentences`.
pub(crate) fn gate(text: &str, sentences: &[std::ops::Range<usize>]) -> ParaGate {
    let g = gate_set();
    let n = sentences.len();
    let mut out = ParaGate {
        date_words: false,
        plain_date_words: false,
        date_at: None,
        date_last: None,
        cycle_words: false,
        cycle_starts: Vec::new(),
        nickname: false,
        type_starts: Vec::new(),
        sentences: vec![SentenceGate::default(); n],
    };
    let bytes = text.as_bytes();
    // Occurrences come in order of their ends: the sentence holding the last byte of each
    // only moves forward. An occurrence counts for that sentence when it starts inside it.
    let mut si = 0;
    g.keywords.each(text, |start, end, pid| {
        let Some(group) = g.groups.get(pid) else {
            return;
        };
        let exact = |p: &[u8]| bytes.get(start..end) == Some(p);
        if group.para {
            if group.date {
                out.date_words = true;
                out.date_at = Some(out.date_at.map_or(start, |a| a.min(start)));
                out.date_last = Some(out.date_last.map_or(start, |a| a.max(start)));
            }
            out.plain_date_words |= group.date_plain;
            if group.cycle {
                out.cycle_words = true;
                // At an ASCII word boundary (the cycle patterns' leading `\b`).
                let bounded = start
                    .checked_sub(1)
                    .and_then(|b| bytes.get(b))
                    .is_none_or(|&b| !is_ascii_word_byte(b));
                if bounded {
                    out.cycle_starts.push(start);
                }
            }
            if let Some(p) = &group.nickname {
                out.nickname |= exact(p);
            }
        }
        if !group.sentence {
            return;
        }
        while sentences.get(si).is_some_and(|r| r.end < end) {
            si += 1;
        }
        let Some(range) = sentences.get(si) else {
            return;
        };
        if start < range.start {
            return;
        }
        let Some(sg) = out.sentences.get_mut(si) else {
            return;
        };
        if group.any_always {
            sg.or(&group.always);
        }
        let mut flags = group.always.flags;
        if flags & NUMBER_WORD != 0 {
            sg.number_at = Some(sg.number_at.map_or(start, |a| a.min(start)));
        }
        if group.activity {
            sg.activity_at = Some(sg.activity_at.map_or(start, |a| a.min(start)));
            // The first literal of each rule (< RULE_AT), sentence-relative.
            let mut rules = group.rules & RULE_AT_MASK;
            let rel = u16::try_from(start - range.start).unwrap_or(u16::MAX);
            while rules != 0 {
                let rule = rules.trailing_zeros() as usize;
                rules &= rules - 1;
                if let Some(at) = sg.rule_at.get_mut(rule) {
                    *at = (at.0.min(rel), at.1.max(rel));
                }
            }
        }
        if group.bounded != 0 {
            // ASCII word bounds (the patterns' `(?-u:\b)`), the sentence's ends included.
            let word = |i: usize| bytes.get(i).is_some_and(|&b| is_ascii_word_byte(b));
            let before = start == range.start || !word(start - 1);
            let after = end == range.end || !word(end);
            if before && after {
                sg.activity_bounded |= group.bounded;
            }
        }
        for (p, answer) in &group.cased {
            if exact(p) {
                sg.or(answer);
                flags |= answer.flags;
            }
        }
        if flags & TYPE_START != 0 {
            // The type pattern's leading `(?-u:\b)` (the word starts with an ASCII letter);
            // the regex sees the sentence alone, so its start is a boundary.
            let bounded = start == range.start
                || !bytes.get(start - 1).is_some_and(|&b| is_ascii_word_byte(b));
            if bounded {
                out.type_starts.push(start);
            }
        }
    });
    // Reported in order of their ends: a shorter word may end first and start later.
    out.cycle_starts.sort_unstable();
    out.cycle_starts.dedup();
    out.type_starts.sort_unstable();
    out.type_starts.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn anchored_set_is_the_anchored_search() {
        let patterns = [
            "Bupati",
            "Bupati Kutai",
            "Wakil Bupati",
            "Wakil",
            "Pj",
            "Pj.",
            "ati K",
        ];
        let set = AnchoredSet::new(patterns);
        let ac = aho_corasick::AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(StartKind::Anchored)
            .build(patterns)
            .expect("builds");
        let text = "Wakil Bupati Kutai Barat, Pj. Bupati Kutai, bupati; Pj Bupati Kut Wakil";
        for start in 0..=text.len() + 1 {
            let want = (start <= text.len())
                .then(|| {
                    let input = aho_corasick::Input::new(text)
                        .range(start..)
                        .anchored(Anchored::Yes);
                    ac.find(input)
                })
                .flatten();
            assert_eq!(set.longest_at(text, start), want, "at {start}");
        }
    }

    const WORDS: &[&str] = &["se", "sanksi", "awas", "SE", "pengawasan", "an", "é"];

    fn reference(text: &str, ci: bool) -> Vec<(usize, usize, usize)> {
        let ac = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(ci)
            .build(WORDS)
            .unwrap();
        ac.find_overlapping_iter(text)
            .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
            .collect()
    }

    fn walk(text: &str, ci: bool) -> Vec<(usize, usize, usize)> {
        let k = Keywords::new(WORDS, ci);
        let mut v = Vec::new();
        k.each(text, |s, e, p| v.push((s, e, p)));
        v
    }

    #[test]
    fn same_occurrences_as_the_overlapping_search() {
        let t = "Pengawasan sanksi SE, diawasi. Sesuai é";
        for ci in [false, true] {
            let mut a = walk(t, ci);
            let mut b = reference(t, ci);
            a.sort_unstable();
            b.sort_unstable();
            assert_eq!(a, b);
            assert_eq!(Keywords::new(WORDS, ci).is_match(t), !b.is_empty());
        }
        assert!(!Keywords::new(WORDS, false).is_match("Bupati hadir"));
    }

    /// The gate answers as the modules' own prefilters do, sentence by sentence.
    fn gate_agrees(text: &str) {
        let sentences = crate::sentences::split(text);
        let g = gate(text, &sentences);
        let words =
            crate::numbers::Prefilter::new(crate::dates::gate_words().iter().map(String::as_str));
        assert_eq!(g.date_words, words.is_match(text), "{text:?}");
        let plain = crate::numbers::Prefilter::new(
            crate::dates::plain_gate_words().iter().map(String::as_str),
        );
        assert_eq!(g.plain_date_words, plain.is_match(text), "{text:?}");
        let (mut date_at, mut date_last): (Option<usize>, Option<usize>) = (None, None);
        Keywords::new(crate::dates::gate_words(), true).each(text, |start, _, _| {
            date_at = Some(date_at.map_or(start, |a| a.min(start)));
            date_last = Some(date_last.map_or(start, |a| a.max(start)));
        });
        assert_eq!(g.date_at, date_at, "{text:?}");
        assert_eq!(g.date_last, date_last, "{text:?}");
        assert_eq!(
            g.cycle_words,
            Keywords::new(crate::cycles::GATE_WORDS, true).is_match(text),
            "{text:?}"
        );
        let cycles = |v: Vec<crate::cycles::CycleHit>| -> Vec<(usize, usize, &'static str)> {
            v.into_iter().map(|h| (h.start, h.end, h.rule)).collect()
        };
        assert_eq!(
            cycles(crate::cycles::find_cycles_at_words(
                text,
                g.cycle_words,
                &g.cycle_starts
            )),
            cycles(crate::cycles::find_cycles(text)),
            "{text:?}"
        );
        assert_eq!(
            g.nickname,
            text.contains(crate::persons::NICKNAME_CUE),
            "{text:?}"
        );
        let pronoun = Keywords::new(crate::persons::PRONOUN_CUES, false);
        let (ci, signatories, cased) = crate::instruments::gate_words();
        let ci_all: Vec<&String> = ci.iter().chain(signatories).collect();
        let (ci, cased) = (Keywords::new(ci_all, true), Keywords::new(cased, false));
        for (si, r) in sentences.iter().enumerate() {
            let st = &text[r.clone()];
            assert_eq!(g.pronoun(si).unwrap(), pronoun.is_match(st), "{st:?}");
            let numbers = Keywords::new(crate::numbers::gate_words(), true);
            assert_eq!(g.number_word(si).unwrap(), numbers.is_match(st), "{st:?}");
            let mut number_at = None;
            numbers.each(st, |start, _, _| {
                number_at = Some(number_at.map_or(start, |a: usize| a.min(start)));
            });
            assert_eq!(g.number_at(si), number_at.map(|a| a + r.start), "{st:?}");
            let heads: Vec<&str> = crate::officials::head_forms().collect();
            assert_eq!(
                g.head(si).unwrap(),
                Keywords::new(&heads, false).is_match(st),
                "{st:?}"
            );
            assert_eq!(
                g.instrument(si).unwrap(),
                ci.is_match(st) || cased.is_match(st),
                "{st:?}"
            );
            assert_eq!(
                g.signatory(si).unwrap(),
                crate::instruments::may_have_signatory(st),
                "{st:?}"
            );
            assert_eq!(
                g.instrument_type(si).unwrap(),
                crate::instruments::may_have_type(st),
                "{st:?}"
            );
            // Types tried at the gate's starts only are the ones searched for.
            {
                use crate::instruments::{find_instruments_passed, TypeStarts};
                assert_eq!(
                    find_instruments_passed(
                        st,
                        TypeStarts::At(g.type_starts(r.clone()), r.start),
                        true
                    ),
                    find_instruments_passed(st, TypeStarts::Search, true),
                    "{st:?}"
                );
            }
            let hits =
                |v: Vec<crate::activities::ActivityHit>| -> Vec<(usize, std::ops::Range<usize>)> {
                    v.into_iter().map(|h| (h.rule, h.range)).collect()
                };
            assert_eq!(
                hits(crate::activities::find_keyed(
                    st,
                    g.activity(si).unwrap(),
                    g.activity_from(si, r.start),
                    |rule| g.activity_rule_from(si, rule),
                    g.sets(si),
                    None
                )),
                hits(crate::activities::find(st)),
                "{st:?}"
            );
        }
    }

    #[test]
    fn gate_agrees_with_the_prefilters() {
        for t in [
            "",
            "Bupati menerbitkan SE. Se hadir, ujarnya. Pemantauan dilakukan Senin (5/2).",
            "“Kami awasi,” kata dia. Ia bilang UU ASN dan surat edaran berlaku. Ikrar netralitas!",
            "Sanksi bagi ASN. SKB ditandatangani. sk dan se. Rakor digelar kemarin.",
            "Bawaslu melakukan pengawaſan. SE diterbitkan. Surat edaran telah terbit, Bawaslu.",
            "Soni - sapaan akrab Sumarsono. Sapaan akrab: SAPAAN AKRAB.",
            "Pemilih pada Pemilu 2024 dan pilkada serentak; xpilkada, _pemilu, (Pilpres) 2019.",
            "Rakor pengawasan digelar, tim pengawasan memantau. Pencegahan pelanggaran: ASN melanggar. Pakta ditandatangani oleh Bupati.",
            "Ikrar digelar. Ikrar netralitas ASN. Pelanggaran ditemukan, ASN melanggar. SE diterbitkan; surat edaran. Sanksi telah dijatuhkan. Sanksi akan diberikan.",
            "Perka\u{a0}BKN Nomor 5 Tahun 2019. Perban  BKN No. 7/2020 dan PerBKN 3/2021. xUU 5/2014, _SE No. 1, UU-ASN.",
            "Undang-Undang (UU) Nomor 5 Tahun 2014 tentang ASN; undang  undang ITE. PermenPAN-RB Nomor 2 dan Kepmen 12/2022.",
            "SKB (Surat Keputusan Bersama) tentang netralitas; Peraturan Menteri PANRB, Perppu 1/2020 dan Perpu. peraturan\u{2003}daerah nomor 3.",
        ] {
            gate_agrees(t);
        }
    }

    proptest! {
        #[test]
        fn gate_agrees_on_random_text(s in "(KPU|kpu|BKN|Mendagri|KASN|ka\u{17f}n|B\u{212a}N|menpan rb|nomor|No. |sapaan akrab|Sapaan Akrab|pilkada|Pemilu|pemilihan umum|PILPRES|_|2024|Surat|surat keputusan|Perbup|PERBUP|UU|Bawaslu|pengawasan|pengawaſan|\u{212a}|meminta ASN|surat edaran|membentuk tim|Se|SE|se|TIGA|ratusan|PIL|pemIL|Bupati|bupati|Plt|PLT|Kepala|UU|uu|sk|SK|ujarnya|kata dia| ia | Ia |awas|sanksi|rakor|Senin|kemarin|akan mendapat sanksi|netral|ditemukan|diterbitkan|telah|ikrar |bisa berujung pada sanksi|pelanggaran|melanggar|dipantau|tim pengawas netralitas|tim pengawasan|Badan Pengawas|pencegahan pelanggaran|ditandatangani oleh|membentuk satgas|Perka\u{a0}BKN|PerBKN|perban bkn|Undang-Undang|undang  undang|Peraturan Menteri|peraturan\u{2003}daerah|xUU|_SE|PermenPAN-RB|Kepmen|SKB|Perppu|Perpu|PP|Nomor 5|/2014|\\(SE\\)|\\. |! |é| |x|A){0,24}") {
            gate_agrees(&s);
        }

        #[test]
        fn walk_equals_overlapping_search(s in "(se|SE|an|awas|peng|sanksi|é| |x|A){0,20}", ci in any::<bool>()) {
            let mut a = walk(&s, ci);
            let mut b = reference(&s, ci);
            a.sort_unstable();
            b.sort_unstable();
            prop_assert_eq!(&a, &b);
            prop_assert_eq!(Keywords::new(WORDS, ci).is_match(&s), !b.is_empty());
        }
    }
}
