//! The admin text format for the calendar, parsed into a [`CalendarEdit`].
//!
//! One entry per line:
//!
//! ```text
//! # 2026年（国务院办公厅关于2026年部分节假日安排的通知）
//! 2026-01-01~2026-01-03 休 元旦
//! 2026-01-04 班 元旦调休
//! 2026-02-14 班 春节调休
//! ```
//!
//! * a date `YYYY-MM-DD` (or `YYYY/M/D`), or a range `A~B` / `A至B` (inclusive, at most 31 days);
//! * `休` (also `放假`, `假`) for a day off, `班` (also `上班`) for a make-up working day;
//! * an optional note (the holiday's name) — the rest of the line;
//! * blank lines and lines starting with `#` are ignored.
//!
//! A make-up working day must be a Saturday or Sunday (a weekday is already a working day, so
//! `班` on a weekday is a typo); a date may appear only once. All bad lines are reported, each
//! with its line number, in Chinese.

use std::collections::BTreeMap;
use std::fmt;

use time::Date;

use super::{DayKind, is_weekend, iso, parse_date, weekday_zh};

/// The longest range one line may cover (the longest national holiday is 8–9 days).
const MAX_RANGE_DAYS: i64 = 31;

/// One date of a parsed edit (ranges are expanded), with the line it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditEntry {
    pub line: usize,
    pub date: Date,
    pub kind: DayKind,
    pub note: String,
}

/// A calendar text that parsed cleanly: every date is real, listed once, and every `班` date is
/// a weekend day. Entries are in date order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarEdit {
    entries: Vec<EditEntry>,
}

/// One bad line: shown as `第3行：…`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineError {
    /// 1-based line number.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "第{}行：{}", self.line, self.message)
    }
}

impl std::error::Error for LineError {}

impl CalendarEdit {
    /// Parses the whole text. On failure returns every bad line (in line order).
    pub fn parse(text: &str) -> Result<CalendarEdit, Vec<LineError>> {
        let mut errors = Vec::new();
        let mut seen: BTreeMap<Date, EditEntry> = BTreeMap::new();
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            match parse_line(raw) {
                Ok(None) => {}
                Ok(Some((dates, kind, note))) => {
                    for date in dates {
                        if let Some(prev) = seen.get(&date) {
                            errors.push(LineError {
                                line,
                                message: format!("{} 已在第{}行写过", iso(date), prev.line),
                            });
                            break;
                        }
                        seen.insert(
                            date,
                            EditEntry {
                                line,
                                date,
                                kind,
                                note: note.clone(),
                            },
                        );
                    }
                }
                Err(message) => errors.push(LineError { line, message }),
            }
        }
        if errors.is_empty() {
            Ok(CalendarEdit {
                entries: seen.into_values().collect(),
            })
        } else {
            Err(errors)
        }
    }

    /// The entries in date order.
    pub fn entries(&self) -> &[EditEntry] {
        &self.entries
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

type Parsed = (Vec<Date>, DayKind, String);

/// `Ok(None)` for blank and comment lines.
fn parse_line(raw: &str) -> Result<Option<Parsed>, String> {
    let text = raw.trim();
    if text.is_empty() || text.starts_with('#') || text.starts_with('＃') {
        return Ok(None);
    }
    let mut words = text.split_whitespace();
    let when = words.next().unwrap_or_default();
    let Some(kind_word) = words.next() else {
        return Err(format!("“{when}”后缺少“休”或“班”"));
    };
    let kind = match kind_word {
        "休" | "放假" | "假" => DayKind::Off,
        "班" | "上班" => DayKind::Work,
        other => return Err(format!("“{other}”应为“休”（放假）或“班”（调休上班）")),
    };
    let note = words.collect::<Vec<_>>().join(" ");
    if note.chars().count() > 50 {
        return Err("备注过长（最多50个字）".to_string());
    }
    let dates = parse_when(when)?;
    if kind == DayKind::Work
        && let Some(d) = dates.iter().find(|d| !is_weekend(**d))
    {
        return Err(format!(
            "{} 是{}，本来就是工作日；“班”只用于周六、周日的调休上班日",
            iso(*d),
            weekday_zh(*d)
        ));
    }
    Ok(Some((dates, kind, note)))
}

/// A date or an inclusive range `A~B` / `A至B`.
fn parse_when(when: &str) -> Result<Vec<Date>, String> {
    let split = ['~', '～', '至'];
    let Some((a, b)) = when.split_once(split) else {
        return Ok(vec![parse_date(when)?]);
    };
    let (a, b) = (parse_date(a)?, parse_date(b)?);
    if b < a {
        return Err(format!("结束日期 {} 早于开始日期 {}", iso(b), iso(a)));
    }
    let span = (b - a).whole_days() + 1;
    if span > MAX_RANGE_DAYS {
        return Err(format!(
            "日期范围共{span}天，超过{MAX_RANGE_DAYS}天，请检查是否写错"
        ));
    }
    let mut dates = vec![a];
    let mut d = a;
    while d < b {
        match d.next_day() {
            Some(n) => d = n,
            None => break,
        }
        dates.push(d);
    }
    Ok(dates)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn errors(text: &str) -> Vec<String> {
        CalendarEdit::parse(text)
            .expect_err("should fail")
            .iter()
            .map(|e| e.to_string())
            .collect()
    }

    #[test]
    fn parses_single_days_ranges_comments_and_notes() {
        let text = "# 2026年\n\n2026-01-01~2026-01-03 休 元旦\n  2026-01-04 班 元旦调休\n2026/2/14 上班 春节 调休\n＃ 全角注释\n2026-02-15至2026-02-16 放假\n";
        let edit = CalendarEdit::parse(text).unwrap();
        let got: Vec<(Date, DayKind, &str, usize)> = edit
            .entries()
            .iter()
            .map(|e| (e.date, e.kind, e.note.as_str(), e.line))
            .collect();
        assert_eq!(
            got,
            vec![
                (date!(2026 - 01 - 01), DayKind::Off, "元旦", 3),
                (date!(2026 - 01 - 02), DayKind::Off, "元旦", 3),
                (date!(2026 - 01 - 03), DayKind::Off, "元旦", 3),
                (date!(2026 - 01 - 04), DayKind::Work, "元旦调休", 4),
                (date!(2026 - 02 - 14), DayKind::Work, "春节 调休", 5),
                (date!(2026 - 02 - 15), DayKind::Off, "", 7),
                (date!(2026 - 02 - 16), DayKind::Off, "", 7),
            ]
        );
    }

    #[test]
    fn ideographic_space_separates_fields() {
        let edit = CalendarEdit::parse("2026-01-01\u{3000}休\u{3000}元旦").unwrap();
        assert_eq!(edit.entries()[0].note, "元旦");
    }

    #[test]
    fn empty_text_is_an_empty_edit() {
        assert!(CalendarEdit::parse("\n# nothing\n").unwrap().is_empty());
    }

    #[test]
    fn bad_lines_are_reported_with_line_numbers_in_chinese() {
        let text = [
            "2026-01-01 休 元旦",       // 1 ok
            "2026-13-01 休",            // 2 month 13
            "2026-02-30 休",            // 3 no such day
            "2026-01-05",               // 4 no kind
            "2026-01-06 假期",          // 5 unknown kind
            "2026-02-11 班 春节调休",   // 6 a Wednesday
            "2026-01-01 休 重复",       // 7 duplicate of line 1
            "2026-10-08~2026-10-01 休", // 8 reversed
            "2026-01-01~2026-03-01 休", // 9 too long
            "26-1-1 休",                // 10 not a date
            "1999-01-01 休",            // 11 out of range
        ]
        .join("\n");
        let errs = errors(&text);
        assert_eq!(errs.len(), 10, "{errs:#?}");
        assert!(
            errs[0].starts_with("第2行：") && errs[0].contains("月份"),
            "{}",
            errs[0]
        );
        assert!(
            errs[1].starts_with("第3行：") && errs[1].contains("2026年2月没有30日"),
            "{}",
            errs[1]
        );
        assert!(
            errs[2].starts_with("第4行：") && errs[2].contains("缺少“休”或“班”"),
            "{}",
            errs[2]
        );
        assert!(
            errs[3].starts_with("第5行：") && errs[3].contains("“假期”应为"),
            "{}",
            errs[3]
        );
        assert!(
            errs[4].starts_with("第6行：") && errs[4].contains("周三"),
            "{}",
            errs[4]
        );
        assert!(
            errs[5].starts_with("第7行：") && errs[5].contains("已在第1行写过"),
            "{}",
            errs[5]
        );
        assert!(
            errs[6].starts_with("第8行：") && errs[6].contains("早于"),
            "{}",
            errs[6]
        );
        assert!(
            errs[7].starts_with("第9行：") && errs[7].contains("超过31天"),
            "{}",
            errs[7]
        );
        assert!(
            errs[8].starts_with("第10行：") && errs[8].contains("不是日期"),
            "{}",
            errs[8]
        );
        assert!(
            errs[9].starts_with("第11行：") && errs[9].contains("年份超出范围"),
            "{}",
            errs[9]
        );
    }

    #[test]
    fn make_up_range_with_a_weekday_is_refused() {
        // 2026-02-14 is a Saturday, 02-16 a Monday.
        let errs = errors("2026-02-14~2026-02-16 班");
        assert_eq!(errs.len(), 1);
        assert!(errs[0].contains("2026-02-16 是周一"), "{}", errs[0]);
    }

    #[test]
    fn overlapping_ranges_are_duplicates() {
        let errs = errors("2025-10-01~2025-10-08 休 国庆节\n\n2025-10-06 休 中秋节");
        assert_eq!(errs, vec!["第3行：2025-10-06 已在第1行写过".to_string()]);
    }
}
