//! 统计分析 (/admin/stats): publishing work of a year, for the whole district or one unit and
//! the units under it — items published per unit and month, per channel, how long review
//! took (working days by the calendar in effect), and what waits now — with two bar charts
//! drawn on the server and the same figures as a workbook (`/admin/stats.xlsx`) and as CSV
//! (`/admin/stats.csv`, the per-unit-per-month table).
//!
//! Who sees what is one question, `Action::ManageSite` (系统管理员, or 单位管理员 of the unit),
//! asked of the figures' unit path with the district's added (`object_path`): the 系统管理员
//! and the 单位管理员 of the root or of the government office, which supervises every site,
//! see the whole district and any unit; another unit's 单位管理员 sees that unit and the units
//! under it (their own unit is what they get when they name none).

pub mod chart;
pub mod export;
pub mod figures;
mod view;

use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;

use self::figures::{Figures, Scope};
use crate::auth::model::{Unit, UnitCode};
use crate::auth::permission::{Action, Object, can};
use crate::auth::units::Units;
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::Staff;
use crate::http::respond::{html as page, html_invalid};
use crate::staff::shell::{facts, render, require};
use crate::views::form::{self, FormState};

const HOME: &str = "/admin/stats";

#[derive(Deserialize, Default)]
pub struct StatsQuery {
    #[serde(default)]
    year: String,
    #[serde(default)]
    unit: String,
}

/// The district as these figures see it: the government office's path (it supervises every
/// site), or the root when there is no office.
fn district(units: &Units) -> Vec<UnitCode> {
    let p = units.office_path();
    if !p.is_empty() {
        return p;
    }
    units
        .units
        .iter()
        .filter(|u| u.parent.is_none())
        .map(|u| u.code.clone())
        .collect()
}

/// The permission object of the figures of `unit` (`None`: the whole district).
fn object_path(units: &Units, unit: Option<&UnitCode>) -> Vec<UnitCode> {
    let mut p = unit.map(|c| units.path(c)).unwrap_or_default();
    for c in district(units) {
        if !p.contains(&c) {
            p.push(c);
        }
    }
    p
}

fn label(u: &Unit) -> String {
    if u.name.trim().is_empty() {
        u.code.to_string()
    } else {
        u.name.clone()
    }
}

/// The filters as asked, checked, and the one permission check passed.
struct Asked {
    year: i32,
    /// The unit whose subtree is counted; `None`: the whole district.
    unit: Option<UnitCode>,
    fs: FormState,
    /// The unit select's options (value, label): what this person may see.
    options: Vec<(String, String)>,
}

impl Asked {
    fn query(&self) -> String {
        match &self.unit {
            Some(u) => format!("year={}&unit={u}", self.year),
            None => format!("year={}", self.year),
        }
    }
}

/// A typed value shown back in a message, cut short.
fn shown(s: &str) -> String {
    let mut t: String = s.chars().take(20).collect();
    if s.chars().count() > 20 {
        t.push('…');
    }
    t
}

async fn ask(st: &Shared, s: &Staff, q: &StatsQuery) -> Result<(Asked, Units)> {
    let units = Units::new(st.store.read(crate::auth::store::list_units).await?);
    let f = facts(st).await?;
    let sees = |unit: Option<&UnitCode>| {
        can(
            &s.user,
            Action::ManageSite,
            Object::Unit(&object_path(&units, unit)),
            f,
        )
    };
    let whole = sees(None);
    let allowed: Vec<(usize, &Unit)> = crate::auth::store::tree_order(&units.units)
        .into_iter()
        .filter(|(_, u)| sees(Some(&u.code)))
        .collect();
    let mut options = Vec::new();
    if whole {
        options.push((String::new(), "全区".to_owned()));
    }
    for (depth, u) in &allowed {
        options.push((
            u.code.to_string(),
            format!("{}{}", "　".repeat(*depth), label(u)),
        ));
    }

    let this_year = st.clock.now().to_offset(crate::clock::CST).year();
    let mut fs = FormState::default();
    let typed_year = q.year.trim();
    let year = if typed_year.is_empty() {
        Some(this_year)
    } else {
        typed_year
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=2100).contains(y))
    };
    if year.is_none() {
        fs.add_error("year", "年度应为 2000 到 2100 之间的四位数字年份，如 2026");
    }
    let typed_unit = q.unit.trim();
    let chosen = if typed_unit.is_empty() {
        None
    } else {
        let found = UnitCode::parse(typed_unit)
            .ok()
            .filter(|c| units.units.iter().any(|u| &u.code == c));
        if found.is_none() {
            fs.add_error(
                "unit",
                format!("没有代码为“{}”的单位，请从列表中选择", shown(typed_unit)),
            );
        }
        found
    };
    let unit = match chosen {
        Some(c) => Some(c),
        None if whole => None,
        None => allowed.first().map(|(_, u)| u.code.clone()),
    };
    require(
        st,
        s,
        Action::ManageSite,
        Object::Unit(&object_path(&units, unit.as_ref())),
    )
    .await?;
    fs.values = vec![
        (
            "year".into(),
            year.map_or_else(|| q.year.clone(), |y| y.to_string()),
        ),
        (
            "unit".into(),
            if fs.error("unit").is_some() {
                q.unit.clone()
            } else {
                unit.as_ref().map(ToString::to_string).unwrap_or_default()
            },
        ),
    ];
    let asked = Asked {
        year: year.unwrap_or(this_year),
        unit,
        fs,
        options,
    };
    Ok((asked, units))
}

/// What is counted for `unit` (`None`: every unit, and items of units no longer listed).
fn scope_of(units: &Units, unit: Option<&UnitCode>) -> Scope {
    let tree = crate::auth::store::tree_order(&units.units);
    match unit {
        None => Scope {
            name: "全区".into(),
            units: tree
                .into_iter()
                .map(|(_, u)| (u.code.clone(), label(u)))
                .collect(),
            open: true,
        },
        Some(c) => Scope {
            name: units
                .units
                .iter()
                .find(|u| &u.code == c)
                .map_or_else(|| c.to_string(), label),
            units: tree
                .into_iter()
                .filter(|(_, u)| units.path(&u.code).contains(c))
                .map(|(_, u)| (u.code.clone(), label(u)))
                .collect(),
            open: false,
        },
    }
}

async fn figures_of(st: &Shared, units: &Units, asked: &Asked) -> Result<Figures> {
    let scope = scope_of(units, asked.unit.as_ref());
    let snap = st.portal().snapshot();
    let cal = st.calendar();
    let year = asked.year;
    let today = crate::disclosure::requests::due::today(st.now_ms());
    st.store
        .read(move |txn| {
            let mut f = figures::compute(txn, year, &scope, &snap, &cal)?;
            // 政务公开: each obligated unit in scope, from the same snapshot.
            let all = Units::new(crate::auth::store::list_units(txn)?);
            let keep: Vec<_> = f.units.iter().map(|u| u.code.clone()).collect();
            f.disclosure = crate::disclosure::report::stats::figures(txn, &all, year, today, &cal)?
                .into_iter()
                .filter(|d| keep.contains(&d.unit))
                .collect();
            let letters = crate::mailbox::store::all(txn)?;
            f.mailbox = crate::mailbox::stats::compute(&letters, year, &cal, &all)
                .units
                .into_iter()
                .filter(|(_, c, _)| keep.contains(c))
                .collect();
            // 百件实事: the year's projects of each responsible unit in scope.
            f.projects = crate::projects::stats::figures(txn, &all, year, today)?
                .into_iter()
                .filter(|d| keep.contains(&d.unit))
                .collect();
            Ok(f)
        })
        .await
}

/// GET /admin/stats.
pub async fn show(
    State(st): State<Shared>,
    s: Staff,
    Query(q): Query<StatsQuery>,
) -> Result<Response> {
    let (asked, units) = ask(&st, &s, &q).await?;
    let intro = html! {
        p { "按年度统计各单位的信息发布工作：发布数量按发布时间（北京时间）计，只计目前仍在发布中的信息；选择单位时包含其下级单位。" }
    };
    if asked.fs.has_errors() {
        let body = html! { (intro) (form::notice(&asked.fs)) (view::filter_form(&asked)) };
        return Ok(html_invalid(render(&st, &s, "统计分析", body)));
    }
    let f = figures_of(&st, &units, &asked).await?;
    let body = html! {
        (intro)
        (view::filter_form(&asked))
        h2 { (f.year) "年 · " (f.scope_name) "：共发布信息 " (f.total()) " 条" }
        (view::charts(&f))
        (view::tables(&f))
    };
    Ok(page(render(&st, &s, "统计分析", body)))
}

async fn checked_figures(st: &Shared, s: &Staff, q: &StatsQuery) -> Result<(Asked, Figures)> {
    let (asked, units) = ask(st, s, q).await?;
    if let Some((_, m)) = asked.fs.errors.first() {
        return Err(Error::BadRequest(m.clone()));
    }
    let f = figures_of(st, &units, &asked).await?;
    Ok((asked, f))
}

/// A download: its type, `attachment` with an ASCII name and the Chinese one (RFC 6266).
fn attachment(body: Vec<u8>, mime: &'static str, a: &Asked, f: &Figures, ext: &str) -> Response {
    let ascii = match &a.unit {
        Some(u) => format!("stats-{}-{u}.{ext}", a.year),
        None => format!("stats-{}.{ext}", a.year),
    };
    let zh = format!("信息发布统计-{}年-{}.{ext}", a.year, f.scope_name);
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        percent_encoding::utf8_percent_encode(&zh, crate::ids::URL_COMPONENT)
    );
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// GET /admin/stats.xlsx: the four tables, one worksheet each.
pub async fn xlsx(
    State(st): State<Shared>,
    s: Staff,
    Query(q): Query<StatsQuery>,
) -> Result<Response> {
    let (asked, f) = checked_figures(&st, &s, &q).await?;
    let body = export::xlsx(&f)?;
    Ok(attachment(body, export::XLSX_TYPE, &asked, &f, "xlsx"))
}

/// GET /admin/stats.csv: the per-unit-per-month table.
pub async fn csv(
    State(st): State<Shared>,
    s: Staff,
    Query(q): Query<StatsQuery>,
) -> Result<Response> {
    let (asked, f) = checked_figures(&st, &s, &q).await?;
    let body = export::csv(&f)?;
    Ok(attachment(
        body,
        "text/csv; charset=utf-8",
        &asked,
        &f,
        "csv",
    ))
}

#[cfg(test)]
mod tests;
