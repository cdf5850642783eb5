//! 百件实事's rows in the self-check (网站自查), under the responsible unit: a project past its
//! planned completion and not finished that does not say why (延期 with its reason), and a
//! project not finished with no update published for 30 days or more. A unit whose projects
//! are all in order gets one passing row.

use std::collections::BTreeMap;

use super::model::{Project, Status};
use super::public::{load_units, show_date, today};
use super::store;
use crate::auth::model::UnitCode;
use crate::error::Result;
use crate::http::Shared;
use crate::staff::site_checks::{CheckRow, Level, Rows};

pub fn rows(st: &Shared) -> Rows<'_> {
    Box::pin(all_rows(st))
}

/// What is wrong with one project, if anything.
pub fn finding(p: &Project, now: i64, day: time::Date) -> Option<(Level, String)> {
    if p.overdue(day) && p.progress.status != Status::Delayed {
        return Some((
            Level::Fail,
            format!(
                "计划 {} 完成，现为“{}”，未说明延期原因",
                show_date(p.planned),
                p.progress.status.label()
            ),
        ));
    }
    if p.stale(now) {
        let since = p.progress.last_published_ms.map_or_else(
            || "从未发布进展".to_owned(),
            |ms| format!("最近一次进展发布于 {}", crate::portal::pages::date(ms)),
        );
        return Some((Level::Risk, format!("超过 30 天未发布进展（{since}）")));
    }
    None
}

async fn all_rows(st: &Shared) -> Result<Vec<CheckRow>> {
    let units = load_units(st).await?;
    let now = st.now_ms();
    let day = today(now);
    let all = st.store.read(store::all).await?;
    let mut by_unit: BTreeMap<String, (UnitCode, Vec<&Project>)> = BTreeMap::new();
    for p in all.iter().filter(|p| p.progress.status != Status::Done) {
        by_unit
            .entry(p.unit.to_string())
            .or_insert_with(|| (p.unit.clone(), Vec::new()))
            .1
            .push(p);
    }
    let mut out = Vec::new();
    for (unit, projects) in by_unit.into_values() {
        let mut bad = 0;
        for p in &projects {
            if let Some((level, text)) = finding(p, now, day) {
                bad += 1;
                out.push(CheckRow {
                    unit: unit.clone(),
                    check: "民生实事进展",
                    subject: format!("{}年：{}", p.year, p.title),
                    finding: text,
                    level,
                    fix: Some((
                        format!("/admin/projects/{}", p.id),
                        format!("报送“{}”进展", p.title),
                    )),
                });
            }
        }
        if bad == 0 {
            out.push(CheckRow {
                unit: unit.clone(),
                check: "民生实事进展",
                subject: units.name(&unit),
                finding: format!("{} 个在建项目进展均按时更新", projects.len()),
                level: Level::Pass,
                fix: None,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::projects::model::{Percent, Progress};

    fn project(status: Status, last: Option<i64>) -> Project {
        Project {
            id: 1,
            year: 2026,
            number: 1,
            title: "社区食堂".into(),
            unit: UnitCode::parse("east").unwrap(),
            target: String::new(),
            planned: time::macros::date!(2026 - 10 - 31),
            progress: Progress {
                percent: Percent::default(),
                status,
                delay_reason: String::new(),
                last_published_ms: last,
            },
            created_ms: 0,
            updated_ms: 0,
            created_by: String::new(),
        }
    }

    #[test]
    fn past_its_date_without_a_reason_fails_and_a_silent_month_is_a_risk() {
        let day = time::macros::date!(2026 - 11 - 26);
        let now = 100 * 86_400_000;
        let (level, text) = finding(&project(Status::InProgress, Some(now)), now, day).unwrap();
        assert_eq!(level, Level::Fail);
        assert!(text.contains("未说明延期原因"), "{text}");
        // 延期 says why; then only the silence counts.
        let (level, text) = finding(&project(Status::Delayed, Some(0)), now, day).unwrap();
        assert_eq!(level, Level::Risk);
        assert!(text.contains("超过 30 天"), "{text}");
        assert!(finding(&project(Status::Delayed, Some(now)), now, day).is_none());
        assert!(finding(&project(Status::Done, Some(0)), now, day).is_none());
    }
}
