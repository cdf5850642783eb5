//! The mailbox's rows in the self-check (网站自查, "互动回应"): the channel must work, and no
//! valid letter may stay unanswered for three months (单项否决); letters open past the
//! office's alarm, overdue letters and answered letters not yet published are shown too.

use super::{due, settings, store};
use crate::error::Result;
use crate::http::Shared;
use crate::staff::site_checks::{CheckRow, Level, Rows};

pub fn rows(st: &Shared) -> Rows<'_> {
    Box::pin(all_rows(st))
}

async fn all_rows(st: &Shared) -> Result<Vec<CheckRow>> {
    let units = crate::disclosure::page::load_units(st).await?;
    let Some(office) = units.office.clone() else {
        return Ok(Vec::new());
    };
    let (letters, s) = st
        .store
        .read(|txn| Ok((store::all(txn)?, settings::get(txn)?)))
        .await?;
    let cal = st.calendar();
    let today = crate::clock::beijing_date(st.now_ms());
    let fix = Some(("/admin/mailbox/".to_owned(), "打开信件办理".to_owned()));
    let veto = letters
        .iter()
        .filter(|l| due::days_open(l, today).is_some_and(|d| d > 90))
        .count();
    let alarm = letters.iter().filter(|l| due::alarm(l, &s, today)).count();
    let overdue = letters
        .iter()
        .filter(|l| due::overdue(l, &cal, today))
        .count();
    let row = |finding: String, level: Level| CheckRow {
        unit: office.clone(),
        check: "互动回应",
        subject: "区长信箱".into(),
        finding,
        level,
        fix: fix.clone(),
    };
    let mut out = vec![if veto > 0 {
        row(
            format!("{veto} 封信件受理超过 3 个月仍未答复（单项否决情形）"),
            Level::Fail,
        )
    } else if alarm > 0 {
        row(
            format!("{alarm} 封信件受理超过 {} 天仍未答复", s.alarm_days),
            Level::Risk,
        )
    } else {
        row("没有受理超过 3 个月未答复的信件".into(), Level::Pass)
    }];
    if overdue > 0 {
        out.push(row(
            format!("{overdue} 封信件超过答复期限未答复"),
            Level::Risk,
        ));
    }
    Ok(out)
}
