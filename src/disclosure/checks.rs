//! 政务公开's rows in the self-check (网站自查): for each unit with disclosure duties, whether
//! its 公开指南 exists and is kept up to date (条例 第十二条), whether requests are answered in
//! time (第三十三条), whether last year's annual report is out by its deadline (第四十九、五十条:
//! units by 31 January, the district government by 31 March) and whether this year's items
//! were published within 20 working days (第二十六条).

use std::collections::HashMap;

use time::{Date, Month};

use super::requests::due::{self, today};
use super::{guide, units};
use crate::error::Result;
use crate::http::Shared;
use crate::staff::site_checks::{CheckRow, Level, Rows};

const YEAR_MS: i64 = 365 * 86_400_000;

pub fn rows(st: &Shared) -> Rows<'_> {
    Box::pin(all_rows(st))
}

async fn all_rows(st: &Shared) -> Result<Vec<CheckRow>> {
    let all = super::page::load_units(st).await?;
    let now = st.now_ms();
    let day = today(now);
    let cal = st.calendar();
    let (guides, requests) = st
        .store
        .read(|txn| Ok((guide::all(txn)?, super::requests::store::all(txn)?)))
        .await?;
    let guides: HashMap<String, guide::Guide> = guides.into_iter().collect();
    let all2 = super::page::load_units(st).await?;
    let cal2 = cal.clone();
    let last_year = day.year() - 1;
    let reports: HashMap<String, &'static str> = st
        .store
        .read(move |txn| super::report::stats::figures(txn, &all2, last_year, day, &cal2))
        .await?
        .into_iter()
        .map(|f| (f.unit.to_string(), f.report))
        .collect();
    let late = crate::publishing::catalog::late::late_items(st, None, day.year()).await?;
    let mut out = Vec::new();
    for u in units::obligated(&all) {
        let code = u.code.to_string();
        let guide_fix = Some((
            format!("/admin/gk/guide/{code}"),
            format!("编辑{}公开指南", u.name),
        ));
        out.push(match guides.get(&code) {
            None => CheckRow {
                unit: u.code.clone(),
                check: "公开指南",
                subject: u.name.clone(),
                finding: "尚未编制政府信息公开指南".into(),
                level: Level::Fail,
                fix: guide_fix,
            },
            Some(g) => CheckRow {
                unit: u.code.clone(),
                check: "公开指南",
                subject: u.name.clone(),
                finding: format!("更新于 {}", crate::portal::pages::date(g.updated_ms)),
                level: if now - g.updated_ms > YEAR_MS {
                    Level::Risk
                } else {
                    Level::Pass
                },
                fix: guide_fix,
            },
        });
        let mine: Vec<_> = requests.iter().filter(|r| r.unit == u.code).collect();
        let overdue = mine.iter().filter(|r| due::overdue(r, &cal, day)).count();
        let soon = mine
            .iter()
            .filter(|r| due::due_within(r, &cal, day, 5))
            .count();
        out.push(CheckRow {
            unit: u.code.clone(),
            check: "依申请公开答复",
            subject: u.name.clone(),
            finding: match (overdue, soon) {
                (0, 0) => "没有超期或即将到期的申请".into(),
                (0, n) => format!("{n} 件申请将在 5 个工作日内到期"),
                (o, n) => format!("{o} 件申请已超过答复期限，{n} 件将在 5 个工作日内到期"),
            },
            level: if overdue > 0 {
                Level::Fail
            } else if soon > 0 {
                Level::Risk
            } else {
                Level::Pass
            },
            fix: Some((
                format!("/admin/gk/requests?state=open&unit={code}"),
                format!("办理{}的申请", u.name),
            )),
        });
        let district = u.parent.is_none();
        let deadline = Date::from_calendar_date(
            day.year(),
            if district {
                Month::March
            } else {
                Month::January
            },
            31,
        )
        .unwrap_or(day);
        let state = reports.get(&code).copied().unwrap_or("未生成");
        let published = state == "已发布";
        out.push(CheckRow {
            unit: u.code.clone(),
            check: "年度报告",
            subject: format!("{}{last_year}年度报告", u.name),
            finding: if published {
                "已发布".into()
            } else {
                format!(
                    "{state}，应于 {}前公布",
                    crate::calendar::format_date_zh(deadline)
                )
            },
            level: if published {
                Level::Pass
            } else if day > deadline {
                Level::Fail
            } else {
                Level::Risk
            },
            fix: Some((
                format!("/admin/gk/reports/{code}/{last_year}"),
                format!("编写{}{last_year}年度报告", u.name),
            )),
        });
        let n_late = late.iter().filter(|l| l.unit == u.code).count();
        out.push(CheckRow {
            unit: u.code.clone(),
            check: "主动公开时限",
            subject: u.name.clone(),
            finding: if n_late == 0 {
                "本年信息均在形成或变更之日起 20 个工作日内公开".into()
            } else {
                format!("本年有 {n_late} 条信息超过 20 个工作日才公开")
            },
            level: if n_late == 0 {
                Level::Pass
            } else {
                Level::Risk
            },
            fix: (n_late > 0).then(|| {
                (
                    "/admin/gk/supervise".to_owned(),
                    "查看超期公开的信息".to_owned(),
                )
            }),
        });
    }
    Ok(out)
}
