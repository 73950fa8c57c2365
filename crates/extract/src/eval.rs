//! Evaluation against gold facts: per-kind precision, recall and F1, with misses and false hits.
//!
//! Gold is a directory of JSON files, each either full [`ArticleFacts`] (as written to
//! `fixtures/extract`) or a lite form that names mentions by their text:
//!
//! ```json
//! {"article_id": "x", "mentions": [{"kind": "date", "text": "Kamis (7/11/2024)", "key": "2024-11-07", "paragraph": 0}]}
//! ```
//!
//! A predicted mention hits a gold one when kind and key ([`MentionValue::key`]) are equal and
//! the spans overlap. A lite mention's span is where its text occurs in the cleaned article
//! (in `paragraph` when given): the first occurrence, or the k-th for the k-th lite mention
//! with the same text; when the text is not found, any predicted mention of that kind and key
//! whose surface text overlaps the gold text (one contains the other) hits.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use warta_core::{Article, ArticleFacts, MentionKind, MentionValue, Span};

/// Errors reading gold files.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is neither ArticleFacts nor lite gold: {source}")]
    Parse {
        path: PathBuf,
        source: serde_json::Error,
    },
}

/// One lite gold mention.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LiteMention {
    pub kind: MentionKind,
    pub text: String,
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paragraph: Option<usize>,
}

/// Lite gold for one article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LiteGold {
    pub article_id: String,
    pub mentions: Vec<LiteMention>,
}

/// Gold facts for one article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum GoldArticle {
    Full(ArticleFacts),
    Lite(LiteGold),
}

impl GoldArticle {
    pub fn article_id(&self) -> &str {
        match self {
            GoldArticle::Full(f) => &f.article_id,
            GoldArticle::Lite(l) => &l.article_id,
        }
    }
}

/// Read every `*.json` file of `dir` (sorted by name) as gold.
pub fn load_gold_dir(dir: impl AsRef<Path>) -> Result<Vec<GoldArticle>, EvalError> {
    let dir = dir.as_ref();
    let io = |source| EvalError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).map_err(|source| EvalError::Io {
                path: path.clone(),
                source,
            })?;
            // Tried one form after the other rather than as an untagged enum, so that a file
            // that is neither gets the error of the form it most resembles.
            if text.contains("\"span\"") {
                serde_json::from_str::<ArticleFacts>(&text).map(GoldArticle::Full)
            } else {
                serde_json::from_str::<LiteGold>(&text).map(GoldArticle::Lite)
            }
            .map_err(|source| EvalError::Parse { path, source })
        })
        .collect()
}

/// Counts for one kind.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct KindScore {
    pub gold: usize,
    pub pred: usize,
    pub tp: usize,
}

impl KindScore {
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.pred)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.gold)
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        if a == 0 {
            1.0
        } else {
            0.0
        }
    } else {
        a as f64 / b as f64
    }
}

/// A gold mention not found, or a predicted one not in gold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Discrepancy {
    pub article_id: String,
    pub kind: MentionKind,
    pub key: String,
    pub text: String,
}

/// The result of an evaluation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EvalReport {
    pub by_kind: BTreeMap<MentionKind, KindScore>,
    pub total: KindScore,
    pub misses: Vec<Discrepancy>,
    pub false_hits: Vec<Discrepancy>,
    /// Gold articles with no predicted facts.
    pub missing_articles: Vec<String>,
}

impl EvalReport {
    /// Micro-averaged F1 over all kinds.
    pub fn micro_f1(&self) -> f64 {
        self.total.f1()
    }

    /// An aligned table: kind, gold, pred, tp, precision, recall, F1, and the micro total.
    pub fn table(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{:<17} {:>6} {:>6} {:>6} {:>9} {:>7} {:>7}",
            "kind", "gold", "pred", "tp", "precision", "recall", "F1"
        );
        let row = |s: &mut String, name: &str, k: &KindScore| {
            let _ = writeln!(
                s,
                "{:<17} {:>6} {:>6} {:>6} {:>9.3} {:>7.3} {:>7.3}",
                name,
                k.gold,
                k.pred,
                k.tp,
                k.precision(),
                k.recall(),
                k.f1()
            );
        };
        for (kind, k) in &self.by_kind {
            row(&mut s, kind.as_str(), k);
        }
        row(&mut s, "micro", &self.total);
        s
    }

    /// Misses and false hits, one per line.
    pub fn details(&self) -> String {
        let mut s = String::new();
        for (label, list) in [("miss", &self.misses), ("false", &self.false_hits)] {
            for d in list {
                let _ = writeln!(
                    s,
                    "{label}\t{}\t{}\t{}\t{:?}",
                    d.article_id,
                    d.kind.as_str(),
                    d.key,
                    d.text
                );
            }
        }
        for a in &self.missing_articles {
            let _ = writeln!(s, "no facts\t{a}");
        }
        s
    }
}

struct GoldItem {
    kind: MentionKind,
    key: String,
    text: String,
    span: Option<Span>,
}

/// The `nth` (0-based) occurrence of `text` in the article (in `paragraph` when given).
fn locate(
    article: Option<&Article>,
    text: &str,
    paragraph: Option<usize>,
    nth: usize,
) -> Option<Span> {
    let a = article?;
    if text.is_empty() {
        return None;
    }
    a.paragraphs
        .iter()
        .enumerate()
        .filter(|(i, _)| paragraph.is_none_or(|p| p == *i))
        .flat_map(|(i, p)| {
            p.text
                .match_indices(text)
                .map(move |(s, _)| Span::new(i, s, s + text.len()))
        })
        .nth(nth)
}

/// Score predicted facts against gold; `articles` are the cleaned articles (for lite gold).
pub fn evaluate(gold: &[GoldArticle], pred: &[ArticleFacts], articles: &[Article]) -> EvalReport {
    let mut report = EvalReport::default();
    for kind in MentionKind::ALL {
        report.by_kind.insert(kind, KindScore::default());
    }
    for g in gold {
        let id = g.article_id();
        let article = articles.iter().find(|a| a.id == id);
        let items: Vec<GoldItem> = match g {
            GoldArticle::Full(f) => f
                .mentions
                .iter()
                .map(|m| GoldItem {
                    kind: m.kind,
                    key: m.value.key(),
                    text: m.text.clone(),
                    span: Some(m.span),
                })
                .collect(),
            GoldArticle::Lite(l) => {
                // The k-th lite mention with the same text (and paragraph) stands for the k-th
                // occurrence of that text.
                let mut seen: Vec<(&str, Option<usize>, usize)> = Vec::new();
                l.mentions
                    .iter()
                    .map(|m| {
                        let nth = match seen
                            .iter_mut()
                            .find(|(t, p, _)| *t == m.text && *p == m.paragraph)
                        {
                            Some(e) => {
                                e.2 += 1;
                                e.2
                            }
                            None => {
                                seen.push((&m.text, m.paragraph, 0));
                                0
                            }
                        };
                        GoldItem {
                            kind: m.kind,
                            key: m.key.clone(),
                            text: m.text.clone(),
                            span: locate(article, &m.text, m.paragraph, nth),
                        }
                    })
                    .collect()
            }
        };
        let Some(p) = pred.iter().find(|p| p.article_id == id) else {
            report.missing_articles.push(id.to_string());
            for it in &items {
                report.by_kind.entry(it.kind).or_default().gold += 1;
                report.misses.push(Discrepancy {
                    article_id: id.to_string(),
                    kind: it.kind,
                    key: it.key.clone(),
                    text: it.text.clone(),
                });
            }
            continue;
        };
        let pkeys: Vec<String> = p.mentions.iter().map(|m| m.value.key()).collect();
        let mut used = vec![false; p.mentions.len()];
        for it in &items {
            let score = report.by_kind.entry(it.kind).or_default();
            score.gold += 1;
            let hit = p.mentions.iter().enumerate().position(|(j, m)| {
                !used[j]
                    && m.kind == it.kind
                    && pkeys[j] == it.key
                    && match it.span {
                        Some(s) => s.overlaps(&m.span),
                        None => m.text.contains(&it.text) || it.text.contains(&m.text),
                    }
            });
            match hit {
                Some(j) => {
                    used[j] = true;
                    score.tp += 1;
                }
                None => report.misses.push(Discrepancy {
                    article_id: id.to_string(),
                    kind: it.kind,
                    key: it.key.clone(),
                    text: it.text.clone(),
                }),
            }
        }
        for (j, m) in p.mentions.iter().enumerate() {
            report.by_kind.entry(m.kind).or_default().pred += 1;
            if !used[j] {
                report.false_hits.push(Discrepancy {
                    article_id: id.to_string(),
                    kind: m.kind,
                    key: pkeys[j].clone(),
                    text: m.text.clone(),
                });
            }
        }
    }
    for k in report.by_kind.values() {
        report.total.gold += k.gold;
        report.total.pred += k.pred;
        report.total.tp += k.tp;
    }
    report
}

/// The key of a value, re-exported for gold writers.
pub fn key(value: &MentionValue) -> String {
    value.key()
}
