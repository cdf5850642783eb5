//! 条例 第二十六条: proactive information is published within 20 working days of being
//! formed or changed. At publication an item whose 形成或变更日期 (else 成文日期) lies further
//! back is flagged to its unit's publishers and the office's unit admins; `late_items` lists
//! such items for the office's supervision page. Working days come from the calendar in
//! effect (`st.calendar()`), so holidays and make-up days count as the State Council set them.

use redb::{ReadTransaction, WriteTransaction};
use serde::Serialize;
use time::Date;

use super::fields::{ON_REQUEST, parse_date};
use crate::auth::model::{Role, UnitCode, User};
use crate::auth::units::Units;
use crate::calendar::{WorkCalendar, iso};
use crate::clock::{CST, from_ms};
use crate::error::Result;
use crate::notify::store::{self as notify, NewNotice, NoticeKind};
use crate::portal::Snapshot;
use crate::portal::model::Article;

/// The statutory limit, in working days.
pub const LIMIT: u32 = 20;

/// How late an item went public.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lateness {
    pub formed: Date,
    pub published: Date,
    pub workdays: u32,
}

/// The date the 20 working days count from: 形成或变更日期 when given, else 成文日期.
pub fn formed(a: &Article) -> Option<Date> {
    parse_date(&a.meta.changed_date).or_else(|| parse_date(&a.meta.written_date))
}

/// The Beijing date of a time.
pub fn beijing_date(ms: i64) -> Date {
    from_ms(ms).to_offset(CST).date()
}

/// How many working days lay between forming and publishing `a` at `publish_ms`, when
/// more than the limit and the item is proactive (依申请公开 items have no such clock).
pub fn lateness(a: &Article, publish_ms: i64, cal: &WorkCalendar) -> Option<Lateness> {
    if a.meta.mode == ON_REQUEST {
        return None;
    }
    let formed = formed(a)?;
    let published = beijing_date(publish_ms);
    let workdays = cal.workdays_between(formed, published);
    (workdays > LIMIT).then_some(Lateness {
        formed,
        published,
        workdays,
    })
}

/// The notice text for a late item.
fn notice_text(l: &Lateness) -> String {
    format!(
        "该信息形成或变更于 {}，{} 发布，相隔 {} 个工作日，超过《政府信息公开条例》第二十六条规定的 {LIMIT} 个工作日",
        iso(l.formed),
        iso(l.published),
        l.workdays
    )
}

/// At first publication (inside its write transaction): tells the item's unit's publishers
/// and the office's unit admins when it went public late.
pub fn on_publish(
    txn: &WriteTransaction,
    item: &Article,
    users: &[User],
    units: &Units,
    cal: &WorkCalendar,
    now: i64,
) -> Result<()> {
    let Some(at) = item.publish_ms else {
        return Ok(());
    };
    let Some(l) = lateness(item, at, cal) else {
        return Ok(());
    };
    let owner = item.owner();
    let office = units.office.as_ref();
    let told = users.iter().filter(|u| {
        !u.disabled
            && u.grants.iter().any(|g| {
                (g.role == Role::Publisher && &g.unit == owner)
                    || (g.role == Role::UnitAdmin && Some(&g.unit) == office)
            })
    });
    for u in told {
        notify::push(
            txn,
            u.id,
            NewNotice {
                kind: NoticeKind::Other,
                title: format!("超期公开：{}", item.title),
                text: notice_text(&l),
                url: format!("/admin/articles/{}", item.id),
                due_ms: None,
            },
            now,
        )?;
    }
    Ok(())
}

/// One item published later than the limit, for the supervision page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LateItem {
    pub id: u64,
    pub title: String,
    /// Its public address.
    pub url: String,
    pub unit: UnitCode,
    pub unit_name: String,
    /// 形成或变更日期 (or 成文日期), YYYY-MM-DD.
    pub formed: String,
    /// 发布日期, YYYY-MM-DD (Beijing).
    pub published: String,
    pub workdays: u32,
}

/// The public catalog items published in `year` (Beijing) more than 20 working days after
/// they were formed, of `unit` (or of every unit), oldest publication first.
pub fn late_in(
    txn: &ReadTransaction,
    snap: &Snapshot,
    units: &Units,
    cal: &WorkCalendar,
    unit: Option<&UnitCode>,
    year: i32,
) -> Result<Vec<LateItem>> {
    let mut out: Vec<(i64, LateItem)> = Vec::new();
    for a in super::index_no::published(txn)? {
        let Some(at) = a.publish_ms else { continue };
        if beijing_date(at).year() != year || unit.is_some_and(|u| u != a.owner()) {
            continue;
        }
        if let Some(l) = lateness(&a, at, cal) {
            out.push((
                at,
                LateItem {
                    id: a.id,
                    url: snap.article_url(&a),
                    unit: a.owner().clone(),
                    unit_name: units.name(a.owner()),
                    formed: iso(l.formed),
                    published: iso(l.published),
                    workdays: l.workdays,
                    title: a.title,
                },
            ));
        }
    }
    out.sort_by_key(|(at, x)| (*at, x.id));
    Ok(out.into_iter().map(|(_, x)| x).collect())
}

/// `late_in` for a handler: the calendar in effect, the portal's addresses, the unit tree.
pub async fn late_items(
    st: &crate::http::Shared,
    unit: Option<UnitCode>,
    year: i32,
) -> Result<Vec<LateItem>> {
    let snap = st.portal().snapshot();
    let cal = st.calendar();
    st.store
        .read(move |txn| {
            let units = Units::new(crate::auth::store::list_units(txn)?);
            late_in(txn, &snap, &units, &cal, unit.as_ref(), year)
        })
        .await
}
