//! Checks before submit and before publish (issue 4, point 5). Pure: no I/O.
//!
//! The caller gives the rules (`CheckRules`, edited by admins as text), the item (`Input`) and a
//! `LinkResolver` that answers, from the store, whether an internal link's target exists or was
//! withdrawn. `check` returns every `Finding`; `highlight` marks them in the text for the
//! reviewer; `blocking` says whether any of them stops publishing; an `Override` (reviewer and
//! reason, recorded in the audit log by the caller) lets a blocked item through.
//!
//! Decisions:
//! - Words are matched in the visible text only (`body_text`): never inside tags or attribute
//!   values. Offsets are char offsets into `title` as given, into `body_text(body_html)`, or into
//!   an attachment's name.
//! - `body_text` is this module's own extraction, not `portal::model::plain_text`: inline tags
//!   (`<b>`, `<span>`, `<a>`) join text without a space so a word cut by markup is still found,
//!   block tags give a newline (a word never spans two paragraphs), and the same pass records
//!   where each image and link stands. Show reviewers this text with `highlight`.
//! - Every occurrence is reported, overlapping ones included, ASCII case-insensitively, with
//!   full-width letters folded and spaces between Chinese characters ignored (see `matcher`).
//! - A wrong form lying inside an occurrence of any correct form is not reported (`区长周若溪` inside
//!   `副区长周若溪`). A hit lying strictly inside a longer hit of the same kind (and, for words, of
//!   at least the same severity) is not reported separately.
//! - `<img>` without an `alt` attribute is a finding; `alt=""` is allowed (decorative image).
//!   Its span is empty, at the image's place in the text.
//! - A link's finding spans the link's text. Hrefs are given to the resolver as written
//!   (entities decoded); `mailto:`, `tel:` and `#…` links are not asked about.
//! - An attachment is allowed by the extension of its name (after the last dot, lower-cased).
//!   Its name is also checked for words and wordings.
//! - Severities: words and wordings as configured; images, links and attachment types block.

mod html;
mod matcher;
mod rules;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

pub use html::{ImageRef, LinkRef, Scanned, scan};
pub use rules::{
    CheckRules, DEFAULT_EXTENSIONS, RuleError, RuleErrors, Severity, WordRule, WordingRule,
};

use matcher::{PatternSet, Prepared};

use crate::portal::model::{Article, CheckOverride};

/// What the resolver says about a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkStatus {
    Ok,
    Missing,
    Withdrawn,
    NotInternal,
}

/// Decides, with the store, what an href points to. Closures `Fn(&str) -> LinkStatus` qualify.
pub trait LinkResolver {
    fn link_status(&self, href: &str) -> LinkStatus;
}

impl<F: Fn(&str) -> LinkStatus> LinkResolver for F {
    fn link_status(&self, href: &str) -> LinkStatus {
        self(href)
    }
}

/// What an internal href names, for resolvers: `/a/5`, `/u/x/a/5`, `/c/slug/`, `/u/x/c/slug/`
/// (with `/print`, `/page/N/`, a query or a fragment allowed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InternalRef {
    Article { site: Option<String>, id: u64 },
    Channel { site: Option<String>, slug: String },
}

impl InternalRef {
    /// Parses a site-relative href. Absolute URLs (`https://host/a/5`) are reduced to their
    /// path only when `host` is one of `own_hosts`; protocol-relative `//…` is never internal.
    pub fn parse(href: &str, own_hosts: &[&str]) -> Option<InternalRef> {
        let href = href.trim();
        let path = if let Some(rest) = href
            .strip_prefix("https://")
            .or_else(|| href.strip_prefix("http://"))
        {
            let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            if !own_hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) {
                return None;
            }
            path
        } else {
            href
        };
        if !path.starts_with('/') || path.starts_with("//") {
            return None;
        }
        let path = &path[..path.find(['?', '#']).unwrap_or(path.len())];
        let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let (site, rest) = match segs.as_slice() {
            ["u", code, rest @ ..] => (Some((*code).to_owned()), rest),
            rest => (None, rest),
        };
        match rest {
            ["a", id] | ["a", id, "print"] => Some(InternalRef::Article {
                site,
                id: id.parse().ok()?,
            }),
            ["c", slug] | ["c", slug, "page", _] => Some(InternalRef::Channel {
                site,
                slug: (*slug).to_owned(),
            }),
            _ => None,
        }
    }
}

/// An attachment as the checks see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttachmentInfo<'a> {
    pub name: &'a str,
    pub mime: &'a str,
}

/// The item to check.
pub struct Input<'a> {
    /// Plain text.
    pub title: &'a str,
    /// Sanitized HTML.
    pub body_html: &'a str,
    pub attachments: Vec<AttachmentInfo<'a>>,
    pub resolver: &'a dyn LinkResolver,
}

impl<'a> Input<'a> {
    pub fn from_article(a: &'a Article, resolver: &'a dyn LinkResolver) -> Input<'a> {
        Input {
            title: &a.title,
            body_html: &a.body_html,
            attachments: a
                .attachments
                .iter()
                .map(|x| AttachmentInfo {
                    name: &x.name,
                    mime: &x.mime,
                })
                .collect(),
            resolver,
        }
    }
}

/// Where a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "in")]
pub enum Place {
    Title,
    Body,
    /// The attachment at this index; offsets are in its name.
    Attachment {
        index: usize,
    },
}

impl Place {
    pub fn label(self) -> String {
        match self {
            Place::Title => "标题".into(),
            Place::Body => "正文".into(),
            Place::Attachment { index } => format!("附件 {}", index + 1),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum FindingKind {
    ForbiddenWord,
    WrongWording { correct: String },
    ImageWithoutAlt,
    BrokenInternalLink { status: LinkStatus },
    AttachmentTypeNotAllowed,
}

/// One hit. `text` is what was matched as it stands in the item (for an image its `src`, for a
/// link its href, for an attachment type the file name); `start..end` are char offsets in the
/// text of `place` (see the module notes).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Finding {
    #[serde(flatten)]
    pub kind: FindingKind,
    pub severity: Severity,
    pub place: Place,
    pub text: String,
    pub start: usize,
    pub end: usize,
    pub message: String,
}

impl Finding {
    /// What identifies a finding across edits that move it (offsets left out).
    fn key(&self) -> (&FindingKind, Place, &str) {
        (&self.kind, self.place, &self.text)
    }
}

/// The text offsets of body findings refer to.
pub fn body_text(body_html: &str) -> String {
    scan(body_html).text
}

/// Runs every check. Findings are ordered by place (title, body, attachments), then position.
pub fn check(rules: &CheckRules, input: &Input<'_>) -> Vec<Finding> {
    let compiled = Compiled::new(rules);
    let mut out = Vec::new();
    compiled.text(Place::Title, input.title, &mut out);
    let body = scan(input.body_html);
    compiled.text(Place::Body, &body.text, &mut out);
    for img in &body.images {
        if img.alt.is_none() {
            out.push(Finding {
                kind: FindingKind::ImageWithoutAlt,
                severity: Severity::Block,
                place: Place::Body,
                text: img.src.clone(),
                start: img.at,
                end: img.at,
                message: "图片缺少替代文字（alt），请填写图片说明；纯装饰图片可设为空".into(),
            });
        }
    }
    for link in &body.links {
        let h = link.href.as_str();
        if h.is_empty()
            || h.starts_with('#')
            || ["mailto:", "tel:"]
                .iter()
                .any(|p| h.get(..p.len()).is_some_and(|x| x.eq_ignore_ascii_case(p)))
        {
            continue;
        }
        let status = input.resolver.link_status(h);
        let what = match status {
            LinkStatus::Ok | LinkStatus::NotInternal => continue,
            LinkStatus::Missing => "页面不存在",
            LinkStatus::Withdrawn => "信息已撤稿",
        };
        out.push(Finding {
            kind: FindingKind::BrokenInternalLink { status },
            severity: Severity::Block,
            place: Place::Body,
            text: h.to_owned(),
            start: link.start,
            end: link.end,
            message: format!("内部链接「{h}」指向的{what}"),
        });
    }
    for (index, a) in input.attachments.iter().enumerate() {
        let place = Place::Attachment { index };
        compiled.text(place, a.name, &mut out);
        let name = a.name.trim();
        let ext = name
            .rfind('.')
            .map(|i| name[i + 1..].to_ascii_lowercase())
            .filter(|e| !e.is_empty());
        let ok = ext
            .as_ref()
            .is_some_and(|e| rules.allowed_extensions.iter().any(|x| x == e));
        if !ok {
            let allowed = if rules.allowed_extensions.is_empty() {
                "（未设置）".to_owned()
            } else {
                rules.allowed_extensions.join("、")
            };
            let message = match &ext {
                Some(e) => format!("附件「{name}」的类型 .{e} 不在允许范围内（允许：{allowed}）"),
                None => format!("附件「{name}」没有扩展名，无法确认类型（允许：{allowed}）"),
            };
            out.push(Finding {
                kind: FindingKind::AttachmentTypeNotAllowed,
                severity: Severity::Block,
                place,
                text: a.name.to_owned(),
                start: 0,
                end: a.name.chars().count(),
                message,
            });
        }
    }
    out.sort_by_key(|f| (f.place, f.start, f.end));
    out
}

/// The matches (sorted by start, as `find_all` gives them) that could contain `s..e`: those
/// starting at or before `s` and no further before `e` than the longest match is long. Keeps the
/// containment checks linear when a word occurs thousands of times.
fn around(
    ms: &[(usize, usize, usize)],
    longest: usize,
    s: usize,
    e: usize,
) -> &[(usize, usize, usize)] {
    let hi = ms.partition_point(|m| m.1 <= s);
    let lo = ms[..hi].partition_point(|m| m.1 + longest < e);
    &ms[lo..hi]
}

struct Compiled<'r> {
    rules: &'r CheckRules,
    words: PatternSet,
    correct: PatternSet,
    wrong: PatternSet,
    /// For each wrong pattern: (wording rule index, wrong form).
    wrong_of: Vec<(usize, &'r str)>,
}

impl<'r> Compiled<'r> {
    fn new(rules: &'r CheckRules) -> Compiled<'r> {
        let wrong_of: Vec<(usize, &str)> = rules
            .wordings
            .iter()
            .enumerate()
            .flat_map(|(i, r)| r.wrong.iter().map(move |w| (i, w.as_str())))
            .collect();
        Compiled {
            rules,
            words: PatternSet::new(rules.words.iter().map(|w| w.word.as_str())),
            correct: PatternSet::new(rules.wordings.iter().map(|r| r.correct.as_str())),
            wrong: PatternSet::new(wrong_of.iter().map(|(_, w)| *w)),
            wrong_of,
        }
    }

    fn text(&self, place: Place, text: &str, out: &mut Vec<Finding>) {
        if text.is_empty() {
            return;
        }
        let p = Prepared::new(text);
        let inside = |s: usize, e: usize, os: usize, oe: usize| os <= s && e <= oe;

        let longest =
            |ms: &[(usize, usize, usize)]| ms.iter().map(|m| m.2 - m.1).max().unwrap_or(0);
        let words = self.words.find_all(&p);
        let words_len = longest(&words);
        let mut seen = std::collections::HashSet::new();
        for &(id, s, e) in &words {
            let rule = &self.rules.words[id];
            let covered = around(&words, words_len, s, e)
                .iter()
                .any(|&(oid, os, oe)| {
                    (os, oe) != (s, e)
                        && inside(s, e, os, oe)
                        && self.rules.words[oid].severity >= rule.severity
                });
            if covered || !seen.insert((s, e)) {
                continue;
            }
            let matched = p.slice(s, e);
            let note = rule
                .note
                .as_deref()
                .map(|n| format!("（{n}）"))
                .unwrap_or_default();
            let message = match rule.severity {
                Severity::Block => format!("含禁用词「{matched}」{note}"),
                Severity::Warn => format!("含敏感词「{matched}」，请确认是否妥当{note}"),
            };
            out.push(Finding {
                kind: FindingKind::ForbiddenWord,
                severity: rule.severity,
                place,
                text: matched,
                start: s,
                end: e,
                message,
            });
        }

        let correct = self.correct.find_all(&p);
        let wrong = self.wrong.find_all(&p);
        let (correct_len, wrong_len) = (longest(&correct), longest(&wrong));
        let mut seen = std::collections::HashSet::new();
        for &(id, s, e) in &wrong {
            if around(&correct, correct_len, s, e)
                .iter()
                .any(|&(_, cs, ce)| inside(s, e, cs, ce))
            {
                continue;
            }
            if around(&wrong, wrong_len, s, e)
                .iter()
                .any(|&(_, os, oe)| (os, oe) != (s, e) && inside(s, e, os, oe))
            {
                continue;
            }
            let rule = &self.rules.wordings[self.wrong_of[id].0];
            if !seen.insert((s, e, rule.correct.as_str())) {
                continue;
            }
            let matched = p.slice(s, e);
            out.push(Finding {
                kind: FindingKind::WrongWording {
                    correct: rule.correct.clone(),
                },
                severity: rule.severity,
                place,
                message: format!("「{matched}」应写作「{}」", rule.correct),
                text: matched,
                start: s,
                end: e,
            });
        }
    }
}

/// The findings of one place, for `highlight`.
pub fn findings_at(findings: &[Finding], place: Place) -> Vec<Finding> {
    findings
        .iter()
        .filter(|f| f.place == place)
        .cloned()
        .collect()
}

/// Whether any finding stops publishing.
pub fn blocking(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity == Severity::Block)
}

/// A reviewer's decision to publish despite blocking findings; the caller stores it with the
/// item and records it in the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Override {
    pub by: String,
    pub reason: String,
    /// The blocking findings the reviewer saw and accepted.
    pub findings: Vec<Finding>,
}

impl Override {
    /// The form kept with the item (`Article::check_override`).
    pub fn stored(&self) -> CheckOverride {
        CheckOverride {
            by: self.by.clone(),
            reason: self.reason.clone(),
            findings: self
                .findings
                .iter()
                .filter_map(|f| serde_json::to_value(f).ok())
                .collect(),
        }
    }

    /// The override kept with an item, read back (findings that no longer parse are dropped,
    /// so they are not covered and block again).
    pub fn of(a: &Article) -> Option<Override> {
        let o = a.check_override.as_ref()?;
        Some(Override {
            by: o.by.clone(),
            reason: o.reason.clone(),
            findings: o
                .findings
                .iter()
                .filter_map(|f| serde_json::from_value(f.clone()).ok())
                .collect(),
        })
    }
    /// Records an override of the blocking findings among `findings`. The reason is required.
    pub fn new(by: &str, reason: &str, findings: &[Finding]) -> Result<Override, &'static str> {
        let (by, reason) = (by.trim(), reason.trim());
        if by.is_empty() {
            return Err("缺少审核人");
        }
        if reason.chars().count() < 2 {
            return Err("请填写放行理由");
        }
        Ok(Override {
            by: by.to_owned(),
            reason: reason.to_owned(),
            findings: findings
                .iter()
                .filter(|f| f.severity == Severity::Block)
                .cloned()
                .collect(),
        })
    }

    /// Whether this override still covers every blocking finding of `current`: each must match
    /// one accepted finding (same kind, place and text; offsets may have moved). A new hit, or a
    /// further occurrence of an accepted one, needs a new override.
    pub fn covers(&self, current: &[Finding]) -> bool {
        let mut pool: Vec<_> = self.findings.iter().map(Finding::key).collect();
        current
            .iter()
            .filter(|f| f.severity == Severity::Block)
            .all(|f| match pool.iter().position(|k| *k == f.key()) {
                Some(i) => {
                    pool.swap_remove(i);
                    true
                }
                None => false,
            })
    }
}

/// Whether publishing may go ahead: nothing blocks, or an override covers what does.
pub fn may_publish(findings: &[Finding], ovr: Option<&Override>) -> bool {
    !blocking(findings) || ovr.is_some_and(|o| o.covers(findings))
}

fn escape_into(s: &mut String, text: impl IntoIterator<Item = char>) {
    for c in text {
        match c {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            '\'' => s.push_str("&#39;"),
            c => s.push(c),
        }
    }
}

fn open_mark(s: &mut String, messages: &[&str]) {
    s.push_str("<mark class=\"check-hit\" title=\"");
    let mut title = String::new();
    for (i, m) in messages.iter().enumerate() {
        if i > 0 {
            title.push('；');
        }
        title.push_str(m);
    }
    escape_into(s, title.chars());
    s.push_str("\">");
}

/// The text, HTML-escaped, with `<mark class="check-hit" title="message">…</mark>` around each
/// finding's span. Pass the findings of one place (e.g. those with `place == Place::Body` with
/// `body_text(body_html)`). Overlapping spans are cut into pieces, each titled with the messages
/// of every finding covering it; an empty span (an image, a link without text) is shown as a
/// marked `〔图片〕` / `〔链接〕`. Spans past the end of the text are clamped.
pub fn highlight(text: &str, findings: &[Finding]) -> String {
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    let clamp = |f: &Finding| (f.start.min(n), f.end.min(n).max(f.start.min(n)));
    let mut points: Vec<(usize, &Finding)> = Vec::new();
    let mut ranges: Vec<(usize, usize, &Finding)> = Vec::new();
    for f in findings {
        match clamp(f) {
            (s, e) if s == e => points.push((s, f)),
            (s, e) => ranges.push((s, e, f)),
        }
    }
    points.sort_by_key(|p| p.0);
    ranges.sort_by_key(|r| r.0);
    let mut cuts: Vec<usize> = vec![0, n];
    cuts.extend(points.iter().map(|p| p.0));
    cuts.extend(ranges.iter().flat_map(|r| [r.0, r.1]));
    cuts.sort_unstable();
    cuts.dedup();

    let mut out = String::with_capacity(text.len() + findings.len() * 64);
    let mut pi = 0;
    let mut emit_points = |at: usize, out: &mut String| {
        while let Some(&(p, f)) = points.get(pi)
            && p == at
        {
            open_mark(out, &[&f.message]);
            out.push_str(match f.kind {
                FindingKind::ImageWithoutAlt => "〔图片〕",
                FindingKind::BrokenInternalLink { .. } => "〔链接〕",
                _ => "〔此处〕",
            });
            out.push_str("</mark>");
            pi += 1;
        }
    };
    let mut next = 0;
    let mut active: Vec<(usize, usize, &Finding)> = Vec::new();
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        emit_points(a, &mut out);
        active.retain(|r| r.1 > a);
        while let Some(&r) = ranges.get(next)
            && r.0 == a
        {
            active.push(r);
            next += 1;
        }
        if active.is_empty() {
            escape_into(&mut out, chars[a..b].iter().copied());
        } else {
            let messages: Vec<&str> = active.iter().map(|r| r.2.message.as_str()).collect();
            open_mark(&mut out, &messages);
            escape_into(&mut out, chars[a..b].iter().copied());
            out.push_str("</mark>");
        }
    }
    emit_points(n, &mut out);
    out
}
