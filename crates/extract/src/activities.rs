//! Neutrality activities from trigger rules in `rules/activities.json`: one activity per
//! (sentence, type). See the rule file's `_doc` for the decisions on threats and reports.

use std::ops::Range;
use std::sync::OnceLock;

use regex::{Regex, RegexBuilder};
use serde::Deserialize;
use warta_core::ActivityType;

static RULES_JSON: &str = include_str!("../rules/activities.json");

/// Examples a rule must find (positive) and must not find (negative); run by the tests.
#[cfg_attr(not(test), allow(dead_code))]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Examples {
    pub positive: Vec<String>,
    pub negative: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) struct RuleDef {
    pub id: String,
    /// Literals one of which every trigger match contains: the prefilter.
    keywords: Vec<String>,
    #[serde(rename = "type")]
    pub activity_type: ActivityType,
    trigger: String,
    #[serde(default)]
    requires: Option<String>,
    #[serde(default)]
    unless: Option<String>,
    #[serde(default)]
    exclude: Option<String>,
    pub examples: Examples,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(rename = "_doc")]
    _doc: String,
    rules: Vec<RuleDef>,
}

struct Compiled {
    trigger: Regex,
    requires: Option<Regex>,
    unless: Option<Regex>,
    exclude: Option<Regex>,
}

pub(crate) struct Rules {
    pub defs: Vec<RuleDef>,
    /// All keywords, ASCII case-insensitive; pattern `i` belongs to rule `keyword_rule[i]`.
    keywords: crate::scan::Keywords,
    keyword_rule: Vec<usize>,
    compiled: Vec<Compiled>,
}

/// Word boundaries are ASCII (`(?-u:\\b)`): the triggers are ASCII words, and Unicode
/// boundaries would keep the regex engine off its fast DFA path.
fn ascii_bounds(p: &str) -> String {
    p.replace("\\b", "(?-u:\\b)")
}

fn ci(p: &str) -> Regex {
    RegexBuilder::new(&ascii_bounds(p))
        .case_insensitive(true)
        .build()
        .expect("activity rule regex compiles")
}

pub(crate) fn rules() -> &'static Rules {
    static RULES: OnceLock<Rules> = OnceLock::new();
    RULES.get_or_init(|| {
        let file: RuleFile =
            serde_json::from_str(RULES_JSON).expect("rules/activities.json is valid");
        let mut kws = Vec::new();
        let mut keyword_rule = Vec::new();
        for (i, r) in file.rules.iter().enumerate() {
            for k in &r.keywords {
                kws.push(k.as_str());
                keyword_rule.push(i);
            }
        }
        let keywords = crate::scan::Keywords::new(&kws, true);
        let compiled = file
            .rules
            .iter()
            .map(|r| Compiled {
                trigger: ci(&r.trigger),
                requires: r.requires.as_deref().map(ci),
                unless: r.unless.as_deref().map(ci),
                exclude: r.exclude.as_deref().map(ci),
            })
            .collect();
        Rules {
            defs: file.rules,
            keywords,
            keyword_rule,
            compiled,
        }
    })
}

/// An activity trigger in a sentence: the rule index and the trigger's byte range in the sentence.
#[derive(Debug, Clone)]
pub(crate) struct ActivityHit {
    pub rule: usize,
    pub activity_type: ActivityType,
    pub range: Range<usize>,
}

/// Every rule's keywords (rule index, keyword), for [`crate::scan::gate`].
pub(crate) fn gate_keywords() -> impl Iterator<Item = (usize, &'static str)> {
    rules()
        .defs
        .iter()
        .enumerate()
        .flat_map(|(i, d)| d.keywords.iter().map(move |k| (i, k.as_str())))
}

/// The activities of one sentence, at most one per type, in rule order.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn find(sentence: &str) -> Vec<ActivityHit> {
    let r = rules();
    let mut keyed = 0u64;
    r.keywords.each(sentence, |_, _, k| {
        if let Some(&i) = r.keyword_rule.get(k).filter(|&&i| i < 64) {
            keyed |= 1 << i;
        }
    });
    find_keyed(sentence, keyed)
}

/// [`find`], given the rules (bit `i` for rule `i` < 64) whose keywords occur in the sentence.
/// Rules from the 64th on are tried whenever an earlier rule's keyword occurs.
pub(crate) fn find_keyed(sentence: &str, keyed: u64) -> Vec<ActivityHit> {
    let r = rules();
    let mut out: Vec<ActivityHit> = Vec::new();
    if keyed == 0 {
        return Vec::new();
    }
    for i in (0..r.defs.len()).filter(|&i| i >= 64 || keyed & (1 << i) != 0) {
        let (def, c) = (&r.defs[i], &r.compiled[i]);
        if out.iter().any(|h| h.activity_type == def.activity_type) {
            continue;
        }
        // The trigger is the most selective test: run it first.
        let Some(first) = c.trigger.find(sentence) else {
            continue;
        };
        if c.requires.as_ref().is_some_and(|re| !re.is_match(sentence))
            || c.unless.as_ref().is_some_and(|re| re.is_match(sentence))
        {
            continue;
        }
        let hit = match &c.exclude {
            None => Some(first),
            Some(ex) => {
                let excluded: Vec<Range<usize>> =
                    ex.find_iter(sentence).map(|m| m.range()).collect();
                let clear = |m: &regex::Match<'_>| {
                    !excluded
                        .iter()
                        .any(|x| x.start < m.end() && m.start() < x.end)
                };
                // The first trigger match is already known: search again only past it.
                if clear(&first) {
                    Some(first)
                } else {
                    c.trigger.find_iter(sentence).skip(1).find(clear)
                }
            }
        };
        if let Some(m) = hit {
            out.push(ActivityHit {
                rule: i,
                activity_type: def.activity_type,
                range: m.range(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trigger_matches_contain_a_keyword() {
        for def in &rules().defs {
            let re = ci(&def.trigger);
            for ex in def.examples.positive.iter().chain(&def.examples.negative) {
                for m in re.find_iter(ex) {
                    let t = m.as_str().to_lowercase();
                    assert!(
                        def.keywords.iter().any(|k| t.contains(&k.to_lowercase())),
                        "{}: trigger match {:?} has no keyword",
                        def.id,
                        m.as_str()
                    );
                }
            }
        }
    }

    #[test]
    fn rule_examples() {
        let mut failures = Vec::new();
        for def in &rules().defs {
            for ex in &def.examples.positive {
                if !find(ex)
                    .iter()
                    .any(|h| h.activity_type == def.activity_type)
                {
                    failures.push(format!(
                        "{}: expected {:?} in {ex:?}",
                        def.id, def.activity_type
                    ));
                }
            }
            for ex in &def.examples.negative {
                if find(ex)
                    .iter()
                    .any(|h| h.activity_type == def.activity_type)
                {
                    failures.push(format!(
                        "{}: unexpected {:?} in {ex:?}",
                        def.id, def.activity_type
                    ));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
