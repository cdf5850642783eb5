//! 工作日历 (/admin/calendar, 系统管理员): the public holidays and make-up working days (调休)
//! every working-day deadline is counted with. The years this build knows are marked 内置; a
//! year entered or corrected here is saved in the data folder (`tables::CALENDAR_YEARS`, so a
//! backup carries it), replaces the built-in schedule of its year and takes effect at once
//! (`AppState::set_calendar`). This year and next are listed even when nobody has entered
//! them, as 未录入: deadlines that run into such a year say so instead of guessing. A preview
//! counts "N working days after date D" and shows every day skipped and why.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::response::Response;
use maud::{Markup, html};
use redb::{ReadTransaction, ReadableTable};
use serde::Deserialize;
use time::Date;

use crate::auth::audit;
use crate::auth::permission::{Action, Object};
use crate::calendar::{self, CalendarEdit, DayKind, WorkCalendar, format_date_zh};
use crate::error::Result;
use crate::http::Shared;
use crate::http::extract::{Posted, Staff};
use crate::http::respond::{html as page, html_invalid, see_other};
use crate::staff::shell::{event, render, require};
use crate::store::tables;
use crate::views::form::{self, FormState};

const HOME: &str = "/admin/calendar";
/// The longest preview: a year of working days.
const MAX_PREVIEW: u32 = 250;

/// The years entered in the panel: year → its text.
pub fn entered(txn: &ReadTransaction) -> Result<BTreeMap<i32, String>> {
    let t = txn.open_table(tables::CALENDAR_YEARS)?;
    let mut out = BTreeMap::new();
    for row in t.iter()? {
        let (k, v) = row?;
        if let Ok(year) = k.value().parse::<i32>() {
            out.insert(year, String::from_utf8_lossy(v.value()).into_owned());
        }
    }
    Ok(out)
}

/// The calendar in effect: the built-in schedules with every entered year over its own.
pub fn effective(txn: &ReadTransaction) -> Result<WorkCalendar> {
    let mut cal = WorkCalendar::builtin();
    for (year, text) in entered(txn)? {
        match CalendarEdit::parse(&text) {
            Ok(edit) if !edit.is_empty() => cal = cal.with_years_replaced(&edit),
            Ok(_) => {}
            // Saved only after parsing, so this is a hand-edited database.
            Err(e) => tracing::error!("工作日历{year}年的录入无法读取，未采用：{e:?}"),
        }
    }
    Ok(cal)
}

/// Where a year's schedule comes from, as the year table says it.
fn source(year: i32, entered: &BTreeMap<i32, String>, builtin: &WorkCalendar) -> &'static str {
    match (entered.contains_key(&year), builtin.covers_year(year)) {
        (true, true) => "管理员修改（覆盖内置安排）",
        (true, false) => "管理员录入",
        (false, true) => "内置（国务院办公厅通知）",
        (false, false) => "未录入",
    }
}

fn today(st: &Shared) -> Date {
    st.clock.now().to_offset(crate::clock::CST).date()
}

#[derive(Deserialize, Default)]
pub struct CalendarQuery {
    #[serde(default)]
    year: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    n: String,
    #[serde(default)]
    done: String,
}

/// The preview's answer, or the errors of its two fields.
struct Preview {
    fs: FormState,
    result: Option<(Date, u32, Markup)>,
}

fn preview(cal: &WorkCalendar, q: &CalendarQuery, today: Date) -> Preview {
    let mut fs = FormState {
        values: vec![
            (
                "from".into(),
                if q.from.is_empty() {
                    calendar::iso(today)
                } else {
                    q.from.clone()
                },
            ),
            (
                "n".into(),
                if q.n.is_empty() {
                    "20".into()
                } else {
                    q.n.clone()
                },
            ),
        ],
        ..Default::default()
    };
    if q.from.is_empty() && q.n.is_empty() {
        return Preview { fs, result: None };
    }
    let from = calendar::parse_date(q.from.trim());
    if let Err(e) = &from {
        fs.add_error("from", e.clone());
    }
    let n = q.n.trim().parse::<u32>().ok().filter(|n| *n <= MAX_PREVIEW);
    if n.is_none() {
        fs.add_error("n", format!("应为 0 到 {MAX_PREVIEW} 之间的整数"));
    }
    let (Ok(from), Some(n)) = (from, n) else {
        return Preview { fs, result: None };
    };
    let walk = cal.walk(from, n);
    let due = cal.add_workdays(from, n);
    let missing = cal.missing_years(from, due);
    let explain = calendar::Clock::new(from, n).explain(cal);
    let shown: Vec<&calendar::DayCount> = walk
        .iter()
        .filter(|d| d.why != "工作日" || d.date == due)
        .collect();
    let body = html! {
        p.result {
            strong { (format_date_zh(from)) "后第" (n) "个工作日是 " (format_date_zh(due)) }
            "（当日不计，自下一个工作日起算）"
        }
        @if !missing.is_empty() {
            div.notice.error role="alert" {
                "工作日历尚未录入"
                (missing.iter().map(|y| format!("{y}年")).collect::<Vec<_>>().join("、"))
                "的节假日安排，以上日期是按周一至周五推算的，并不可靠。请先录入该年安排。"
            }
        }
        ul { @for line in &explain { li { (line) } } }
        @if !shown.is_empty() {
            table.data {
                caption { "期间的非普通工作日与截止日" }
                thead { tr { th scope="col" { "日期" } th scope="col" { "是否计入" } th scope="col" { "原因" } } }
                tbody {
                    @for d in &shown {
                        tr {
                            td { (format_date_zh(d.date)) }
                            td { @match d.counted { Some(k) => { "第" (k) "个工作日" }, None => { "不计入" } } }
                            td { (d.why) }
                        }
                    }
                }
            }
        }
    };
    Preview {
        fs,
        result: Some((due, n, body)),
    }
}

fn counts(cal: &WorkCalendar) -> (usize, usize) {
    let off = cal
        .special_days()
        .filter(|(_, s)| s.kind == DayKind::Off)
        .count();
    let work = cal
        .special_days()
        .filter(|(_, s)| s.kind == DayKind::Work)
        .count();
    (off, work)
}

const FORMAT_HINT: &str = "每行一条：日期或日期范围、“休”或“班”、备注。例如“2027-10-01~2027-10-07 休 国庆节”“2027-09-26 班 国庆节调休”。“班”只用于周六、周日的调休上班日；以 # 开头的行是注释。全部清空后保存，即删除本年的录入（内置年份恢复内置安排）。";

#[allow(clippy::too_many_arguments)]
fn view(
    st: &Shared,
    s: &Staff,
    cal: &WorkCalendar,
    entered: &BTreeMap<i32, String>,
    edit_year: Option<i32>,
    edit_fs: &FormState,
    prev: &Preview,
    done: Option<i32>,
) -> Markup {
    let builtin = WorkCalendar::builtin();
    let this_year = today(st).year();
    let mut years: Vec<i32> = cal.years().into_iter().collect();
    years.extend(entered.keys());
    years.extend([this_year, this_year + 1]);
    years.sort_unstable();
    years.dedup();
    let body = html! {
        p { "信息公开申请、审核等所有以“工作日”计算的期限都按本日历计算：周一至周五为工作日，周六、周日休息，另按下表中的法定节假日（休）和调休上班日（班）调整。每年国务院办公厅公布次年节假日安排后，请在此录入。" }
        @if let Some(y) = done { div.notice.ok role="status" { (y) "年的安排已保存并立即生效，所有期限将按新日历计算。" } }
        section.card aria-labelledby="cal-years-h" {
            h2 #cal-years-h { "各年度安排" }
            table.data {
                thead { tr { th scope="col" { "年度" } th scope="col" { "来源" } th scope="col" { "放假" } th scope="col" { "调休上班" } th scope="col" { "操作" } } }
                tbody {
                    @for y in &years {
                        @let src = source(*y, entered, &builtin);
                        @let (off, work) = counts(&cal.year(*y));
                        tr {
                            th scope="row" { (y) "年" }
                            td { @if src == "未录入" { span.badge.warn { "未录入" } " 期限计算跨入该年时会提示无法准确计算" } @else { (src) } }
                            td { (off) "天" }
                            td { (work) "天" }
                            td { a href=(format!("{HOME}?year={y}#cal-edit-h")) { "编辑" (y) "年安排" } }
                        }
                    }
                }
            }
        }
        @if let Some(y) = edit_year {
            section.card aria-labelledby="cal-edit-h" {
                h2 #cal-edit-h { "编辑" (y) "年安排" }
                p { "来源：" (source(y, entered, &builtin)) "。请对照国务院办公厅关于" (y) "年部分节假日安排的通知逐条核对。" }
                (form::notice(edit_fs))
                form method="post" action=(HOME) novalidate {
                    (form::csrf(&s.csrf))
                    input type="hidden" name="year" value=(y);
                    @let err = edit_fs.error("text");
                    div.field.has-error[err.is_some()] {
                        label for="f-text" { (y) "年的节假日与调休上班日" }
                        p.hint #f-text-hint { (FORMAT_HINT) }
                        @if let Some(e) = err { p.error #f-text-err role="alert" { @for l in e.lines() { (l) br; } } }
                        textarea #f-text name="text" rows="16" aria-describedby=(if err.is_some() { "f-text-hint f-text-err" } else { "f-text-hint" }) aria-invalid=[err.map(|_| "true")] { (edit_fs.value("text")) }
                    }
                    button.primary type="submit" { "保存" (y) "年安排" }
                }
            }
        }
        section.card aria-labelledby="cal-preview-h" {
            h2 #cal-preview-h { "期限试算" }
            p { "输入起算日期和工作日数，查看截止日期以及期间跳过的每一天。" }
            form method="get" action=(HOME) novalidate {
                (form::field(&form::Field::new("from", "起算日期（当日不计）").kind("date"), &prev.fs))
                (form::field(&form::Field::new("n", "工作日数").kind("number").hint("例如依申请公开的答复期限为 20 个工作日"), &prev.fs))
                button type="submit" { "试算" }
            }
            @if let Some((_, _, body)) = &prev.result { (body) }
        }
    };
    render(st, s, "工作日历", body)
}

pub async fn show(
    State(st): State<Shared>,
    s: Staff,
    Query(q): Query<CalendarQuery>,
) -> Result<Response> {
    require(&st, &s, Action::RunSystem, Object::System).await?;
    let cal = st.calendar();
    let entered = st.store.read(entered).await?;
    let edit_year = q
        .year
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (2000..=2100).contains(y));
    let edit_fs = FormState {
        values: vec![(
            "text".into(),
            edit_year.map(|y| cal.year(y).to_text()).unwrap_or_default(),
        )],
        ..Default::default()
    };
    let prev = preview(&cal, &q, today(&st));
    let done = q.done.parse::<i32>().ok();
    Ok(page(view(
        &st, &s, &cal, &entered, edit_year, &edit_fs, &prev, done,
    )))
}

/// The posted text checked as one year's schedule: every line parses and every date lies in
/// that year.
fn check_year(year: i32, text: &str) -> std::result::Result<CalendarEdit, String> {
    let edit = CalendarEdit::parse(text).map_err(|errs| {
        errs.iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    let outside: Vec<String> = edit
        .entries()
        .iter()
        .filter(|e| e.date.year() != year)
        .map(|e| {
            format!(
                "第{}行：{} 不在{year}年内，请在该年的安排中录入",
                e.line,
                calendar::iso(e.date)
            )
        })
        .collect();
    if !outside.is_empty() {
        let mut lines = outside;
        lines.dedup();
        return Err(lines.join("\n"));
    }
    Ok(edit)
}

/// One line per entry, for the audit record.
fn flat(text: &str) -> String {
    let t: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    if t.is_empty() {
        "（无）".into()
    } else {
        t.join("；")
    }
}

pub async fn submit(State(st): State<Shared>, p: Posted) -> Result<Response> {
    let s = p.staff(&st)?;
    require(&st, &s, Action::RunSystem, Object::System).await?;
    let cal = st.calendar();
    let entered_now = st.store.read(entered).await?;
    let year = p
        .get("year")
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (2000..=2100).contains(y));
    let Some(year) = year else {
        return Err(crate::error::Error::BadRequest(
            "年度无效：应为 2000 到 2100 之间的年份".into(),
        ));
    };
    let text = p.get("text").to_owned();
    let edit = match check_year(year, &text) {
        Ok(e) => e,
        Err(msg) => {
            let mut fs = FormState {
                values: vec![("text".into(), text)],
                ..Default::default()
            };
            fs.add_error("text", msg);
            let prev = preview(&cal, &CalendarQuery::default(), today(&st));
            return Ok(html_invalid(view(
                &st,
                &s,
                &cal,
                &entered_now,
                Some(year),
                &fs,
                &prev,
                None,
            )));
        }
    };
    let before = cal.year(year).to_text();
    // Saved in the calendar's own words, so the page shows back exactly what is in effect.
    let after_text = WorkCalendar::from_edit(&edit).to_text();
    let next = if edit.is_empty() {
        // Cleared: the year goes back to the built-in schedule, or to 未录入.
        let mut base = WorkCalendar::builtin();
        for (y, t) in &entered_now {
            if *y != year
                && let Ok(e) = CalendarEdit::parse(t)
            {
                base = base.with_years_replaced(&e);
            }
        }
        base
    } else {
        cal.with_years_replaced(&edit)
    };
    let after = next.year(year).to_text();
    if after == before && entered_now.contains_key(&year) != edit.is_empty() {
        return Ok(see_other(&format!("{HOME}?done={year}#cal-years-h")));
    }
    let ev = event(
        &s.user,
        &p.ctx,
        "calendar_change",
        format!("calendar:{year}"),
        true,
        format!("{}年：{} → {}", year, flat(&before), flat(&after)),
    );
    let now = st.now_ms();
    let key = year.to_string();
    let cleared = edit.is_empty();
    st.store
        .write(move |txn| {
            let mut t = txn.open_table(tables::CALENDAR_YEARS)?;
            if cleared {
                t.remove(key.as_str())?;
            } else {
                t.insert(key.as_str(), after_text.as_bytes())?;
            }
            drop(t);
            audit::append(txn, ev, now).map(|_| ())
        })
        .await?;
    st.set_calendar(next);
    Ok(see_other(&format!("{HOME}?done={year}#cal-years-h")))
}
