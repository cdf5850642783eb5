//! The admin-editable rule set and its text format.
//!
//! ```text
//! # 注释行以 # 开头；空行忽略
//! 禁用词 某词 可选备注          （命中即阻止发布）
//! 敏感词 某词 可选备注          （命中只提示）
//! 规范 正确写法 = 错误1, 错误2   （错误写法命中即阻止发布；分隔符可用 , ， 、 ; ；）
//! 建议规范 正确写法 = 错误1      （同上，只提示）
//! 附件类型 pdf doc docx          （可写多行，累加）
//! ```
//!
//! Words are single tokens (no spaces); the rest of a `禁用词`/`敏感词` line is the note.
//! `=` may be the full-width `＝`. Errors carry the 1-based line number.

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::matcher::normalize_key;

/// How a hit is treated: `Block` stops publishing until a reviewer overrides; `Warn` is shown only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Warn,
    Block,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Warn => "提示",
            Severity::Block => "阻止发布",
        }
    }
}

fn block() -> Severity {
    Severity::Block
}

/// A forbidden (`Block`) or sensitive (`Warn`) word.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WordRule {
    pub word: String,
    pub severity: Severity,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A wording that must be exact: the correct form and its common wrong forms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WordingRule {
    pub correct: String,
    pub wrong: Vec<String>,
    #[serde(default = "block")]
    pub severity: Severity,
}

/// Everything the checks are configured with. Stored as JSON; edited by admins as text
/// (`parse` / `to_text`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckRules {
    #[serde(default)]
    pub words: Vec<WordRule>,
    #[serde(default)]
    pub wordings: Vec<WordingRule>,
    /// Lower-case file extensions without the dot. Empty means no attachment is allowed.
    #[serde(default)]
    pub allowed_extensions: Vec<String>,
}

/// The usual document, spreadsheet, presentation, archive and picture types of a government site.
pub const DEFAULT_EXTENSIONS: &[&str] = &[
    "pdf", "ofd", "doc", "docx", "wps", "xls", "xlsx", "et", "ppt", "pptx", "dps", "txt", "rtf",
    "zip", "rar", "jpg", "jpeg", "png", "gif",
];

impl Default for CheckRules {
    fn default() -> Self {
        CheckRules {
            words: Vec::new(),
            wordings: Vec::new(),
            allowed_extensions: DEFAULT_EXTENSIONS.iter().map(|s| (*s).to_owned()).collect(),
        }
    }
}

/// One problem in the rule text, with its 1-based line number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "第 {} 行：{}", self.line, self.message)
    }
}

/// All problems found, in line order; displayed one per line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleErrors(pub Vec<RuleError>);

impl fmt::Display for RuleErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for RuleErrors {}

const MAX_WORD_CHARS: usize = 50;

fn is_sep(c: char) -> bool {
    c.is_whitespace()
}

/// Splits off the first whitespace-separated token.
fn first_token(s: &str) -> (&str, &str) {
    let s = s.trim_matches(is_sep);
    match s.find(is_sep) {
        Some(i) => (&s[..i], s[i..].trim_matches(is_sep)),
        None => (s, ""),
    }
}

fn check_word(w: &str, what: &str) -> Result<(), String> {
    if w.is_empty() {
        return Err(format!("缺少{what}"));
    }
    if w.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("{what}「{w}」不能包含空格"));
    }
    if w.chars().count() > MAX_WORD_CHARS {
        return Err(format!("{what}「{w}」超过 {MAX_WORD_CHARS} 个字"));
    }
    if normalize_key(w).is_empty() {
        return Err(format!("{what}「{w}」没有可匹配的文字"));
    }
    Ok(())
}

impl CheckRules {
    /// Parses the admin text format. Reports every problem found, not just the first.
    pub fn parse(text: &str) -> Result<CheckRules, RuleErrors> {
        let mut rules = CheckRules {
            words: Vec::new(),
            wordings: Vec::new(),
            allowed_extensions: Vec::new(),
        };
        let mut errors = Vec::new();
        // Normalized form -> (line, role) for duplicate and contradiction checks.
        let mut seen: HashMap<String, (usize, &'static str)> = HashMap::new();
        let mut claim =
            |key: &str, line: usize, role: &'static str, errors: &mut Vec<RuleError>| {
                let k = normalize_key(key);
                match seen.get(&k) {
                    Some(&(l, r)) => {
                        errors.push(RuleError {
                            line,
                            message: format!("「{key}」已在第 {l} 行作为{r}列出"),
                        });
                        false
                    }
                    None => {
                        seen.insert(k, (line, role));
                        true
                    }
                }
            };
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let l = raw.trim_matches(is_sep);
            if l.is_empty() || l.starts_with('#') {
                continue;
            }
            let (kw, rest) = first_token(l);
            let mut err = |message: String| errors.push(RuleError { line, message });
            match kw {
                "禁用词" | "敏感词" => {
                    let (word, note) = first_token(rest);
                    if let Err(m) = check_word(word, "词语") {
                        err(m);
                        continue;
                    }
                    let role = if kw == "禁用词" {
                        "禁用词"
                    } else {
                        "敏感词"
                    };
                    if !claim(word, line, role, &mut errors) {
                        continue;
                    }
                    rules.words.push(WordRule {
                        word: word.to_owned(),
                        severity: if kw == "禁用词" {
                            Severity::Block
                        } else {
                            Severity::Warn
                        },
                        note: (!note.is_empty()).then(|| note.to_owned()),
                    });
                }
                "规范" | "建议规范" => {
                    let Some(eq) = rest.find(['=', '＝']) else {
                        err("缺少「=」：应写作「规范 正确写法 = 错误写法1, 错误写法2」".into());
                        continue;
                    };
                    let correct = rest[..eq].trim_matches(is_sep);
                    let eq_len = rest[eq..].chars().next().map_or(1, char::len_utf8);
                    let wrong_part = &rest[eq + eq_len..];
                    if let Err(m) = check_word(correct, "正确写法") {
                        err(m);
                        continue;
                    }
                    let mut wrong = Vec::new();
                    let mut bad = false;
                    for w in wrong_part
                        .split(|c: char| matches!(c, ',' | '，' | '、' | ';' | '；') || is_sep(c))
                        .filter(|w| !w.is_empty())
                    {
                        if let Err(m) = check_word(w, "错误写法") {
                            err(m);
                            bad = true;
                        } else if normalize_key(w) == normalize_key(correct) {
                            err(format!("错误写法「{w}」与正确写法相同"));
                            bad = true;
                        } else if !wrong
                            .iter()
                            .any(|x: &String| normalize_key(x) == normalize_key(w))
                        {
                            wrong.push(w.to_owned());
                        }
                    }
                    if bad {
                        continue;
                    }
                    if wrong.is_empty() {
                        err(format!("「{correct}」至少要写一个错误写法"));
                        continue;
                    }
                    let mut ok = claim(correct, line, "正确写法", &mut errors);
                    for w in &wrong {
                        ok &= claim(w, line, "错误写法", &mut errors);
                    }
                    if !ok {
                        continue;
                    }
                    rules.wordings.push(WordingRule {
                        correct: correct.to_owned(),
                        wrong,
                        severity: if kw == "规范" {
                            Severity::Block
                        } else {
                            Severity::Warn
                        },
                    });
                }
                "附件类型" => {
                    if rest.is_empty() {
                        err("缺少扩展名，例如「附件类型 pdf docx」".into());
                        continue;
                    }
                    for e in rest
                        .split(|c: char| matches!(c, ',' | '，' | '、') || is_sep(c))
                        .filter(|e| !e.is_empty())
                    {
                        let e = e.trim_start_matches('.').to_ascii_lowercase();
                        if e.is_empty()
                            || e.len() > 10
                            || !e.bytes().all(|b| b.is_ascii_alphanumeric())
                        {
                            err(format!("扩展名「{e}」无效：只能包含字母和数字"));
                        } else if !rules.allowed_extensions.contains(&e) {
                            rules.allowed_extensions.push(e);
                        }
                    }
                }
                _ => err(format!(
                    "无法识别「{kw}」：每行应以 禁用词、敏感词、规范、建议规范 或 附件类型 开头"
                )),
            }
        }
        if errors.is_empty() {
            Ok(rules)
        } else {
            errors.sort_by_key(|e| e.line);
            Err(RuleErrors(errors))
        }
    }

    /// The rules in the admin text format; `parse(to_text())` gives the same rules back.
    pub fn to_text(&self) -> String {
        let mut s = String::from(
            "# 内容检查规则\n\
             # 禁用词 词语 备注（命中阻止发布）｜敏感词 词语 备注（只提示）\n\
             # 规范 正确写法 = 错误1, 错误2（阻止发布）｜建议规范 正确写法 = 错误1（只提示）\n\
             # 附件类型 pdf docx …\n",
        );
        for w in &self.words {
            let kw = match w.severity {
                Severity::Block => "禁用词",
                Severity::Warn => "敏感词",
            };
            s.push_str(kw);
            s.push(' ');
            s.push_str(&w.word);
            if let Some(n) = &w.note {
                let n = n.split_whitespace().collect::<Vec<_>>().join(" ");
                if !n.is_empty() {
                    s.push(' ');
                    s.push_str(&n);
                }
            }
            s.push('\n');
        }
        for r in &self.wordings {
            let kw = match r.severity {
                Severity::Block => "规范",
                Severity::Warn => "建议规范",
            };
            s.push_str(&format!("{kw} {} = {}\n", r.correct, r.wrong.join(", ")));
        }
        if !self.allowed_extensions.is_empty() {
            s.push_str("附件类型 ");
            s.push_str(&self.allowed_extensions.join(" "));
            s.push('\n');
        }
        s
    }

    /// Checks rules that came from elsewhere (stored JSON) by the same rules as the text format;
    /// line numbers refer to `to_text()`.
    pub fn validate(&self) -> Result<(), RuleErrors> {
        let text = self.to_text();
        let first = text.lines().take_while(|l| l.starts_with('#')).count() + 1;
        let mut errors = Vec::new();
        let entries = self
            .words
            .iter()
            .map(|w| vec![("词语", w.word.as_str())])
            .chain(self.wordings.iter().map(|r| {
                std::iter::once(("正确写法", r.correct.as_str()))
                    .chain(r.wrong.iter().map(|w| ("错误写法", w.as_str())))
                    .collect()
            }));
        for (i, items) in entries.enumerate() {
            for (what, w) in items {
                if let Err(message) = check_word(w, what) {
                    errors.push(RuleError {
                        line: first + i,
                        message,
                    });
                }
            }
        }
        if !errors.is_empty() {
            return Err(RuleErrors(errors));
        }
        CheckRules::parse(&text).map(|_| ())
    }
}
