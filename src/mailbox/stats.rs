//! 办理统计: letters received, accepted, answered, answered on time, average working days
//! from acceptance to answer, and satisfaction — per month (of receipt) and per answering
//! unit — for the public (`/mailbox/stats`), for the office with its overdue letters
//! (`/admin/mailbox/stats`), as a workbook (`/admin/mailbox/stats.xlsx`), and as a table of
//! `/admin/stats`.

use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use serde::Deserialize;

use super::model::{Letter, Satisfaction};
use super::page::{self, Column};
use super::{access, due, settings, store};
use crate::auth::model::UnitCode;
use crate::auth::units::Units;
use crate::calendar::{WorkCalendar, format_date_zh};
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::{Ctx, Staff};
use crate::http::respond::html as page_resp;

/// One line of figures.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row {
    pub received: u32,
    pub accepted: u32,
    pub answered: u32,
    pub on_time: u32,
    /// Sum of working days from acceptance to answer, over `answered`.
    pub workdays: u32,
    pub rated: u32,
    /// 满意 and 基本满意 (including deemed).
    pub satisfied: u32,
}

impl Row {
    fn add(&mut self, l: &Letter, cal: &WorkCalendar) {
        self.received += 1;
        if l.accepted_on.is_some() {
            self.accepted += 1;
        }
        if let (Some(a), Some(sent)) = (l.accepted_on, l.answered_on()) {
            self.answered += 1;
            self.workdays += cal.workdays_between(a, sent);
            if due::on_time(l, cal) == Some(true) {
                self.on_time += 1;
            }
        }
        if let Some(r) = &l.rating {
            self.rated += 1;
            if r.level != Satisfaction::Unsatisfied {
                self.satisfied += 1;
            }
        }
    }
    /// Average working days to answer, one decimal.
    pub fn average_days(&self) -> Option<f64> {
        (self.answered > 0)
            .then(|| (f64::from(self.workdays) / f64::from(self.answered) * 10.0).round() / 10.0)
    }
    pub fn on_time_percent(&self) -> Option<f64> {
        percent(self.on_time, self.answered)
    }
    pub fn satisfied_percent(&self) -> Option<f64> {
        percent(self.satisfied, self.rated)
    }
}

fn percent(a: u32, b: u32) -> Option<f64> {
    (b > 0).then(|| (f64::from(a) * 1000.0 / f64::from(b)).round() / 10.0)
}

pub struct Figures {
    pub year: i32,
    pub months: Vec<Row>,
    /// Per answering unit: name, code, figures (letters accepted and handled there).
    pub units: Vec<(String, UnitCode, Row)>,
    pub total: Row,
}

/// The figures of letters received in `year` (Beijing time).
pub fn compute(letters: &[Letter], year: i32, cal: &WorkCalendar, units: &Units) -> Figures {
    let mut months = vec![Row::default(); 12];
    let mut by_unit: Vec<(String, UnitCode, Row)> = Vec::new();
    let mut total = Row::default();
    for l in letters {
        let day = crate::clock::beijing_date(l.submitted_ms);
        if day.year() != year {
            continue;
        }
        total.add(l, cal);
        months[usize::from(u8::from(day.month())) - 1].add(l, cal);
        if l.accepted_on.is_some()
            && let Some(u) = access::answering(units, l)
        {
            match by_unit.iter_mut().find(|(_, c, _)| *c == u) {
                Some((_, _, r)) => r.add(l, cal),
                None => {
                    let mut r = Row::default();
                    r.add(l, cal);
                    by_unit.push((units.name(&u), u, r));
                }
            }
        }
    }
    by_unit.sort_by(|a, b| b.2.received.cmp(&a.2.received).then(a.0.cmp(&b.0)));
    Figures {
        year,
        months,
        units: by_unit,
        total,
    }
}

pub const HEADERS: [&str; 8] = [
    "",
    "来信",
    "受理",
    "已答复",
    "按时答复",
    "按时答复率（%）",
    "平均答复用时（工作日）",
    "满意率（%）",
];

fn opt(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |x| format!("{x:.1}"))
}

fn row_cells(label: &str, r: &Row) -> Markup {
    html! {
        tr {
            th scope="row" { (label) }
            td { (r.received) } td { (r.accepted) } td { (r.answered) } td { (r.on_time) }
            td { (opt(r.on_time_percent())) } td { (opt(r.average_days())) } td { (opt(r.satisfied_percent())) }
        }
    }
}

fn table(id: &str, caption: &str, first: &str, rows: &[(String, &Row)], total: &Row) -> Markup {
    super::page::scroll(
        caption,
        html! {
            table.data id=(id) {
                caption { (caption) }
                thead { tr { th scope="col" { (first) } @for h in &HEADERS[1..] { th scope="col" { (h) } } } }
                tbody { @for (label, r) in rows { (row_cells(label, r)) } }
                tfoot { (row_cells("合计", total)) }
            }
        },
    )
}

pub fn tables(f: &Figures) -> Markup {
    let months: Vec<(String, &Row)> = f
        .months
        .iter()
        .enumerate()
        .map(|(i, r)| (format!("{}月", i + 1), r))
        .collect();
    let units: Vec<(String, &Row)> = f.units.iter().map(|(n, _, r)| (n.clone(), r)).collect();
    let mut unit_total = Row::default();
    for (_, _, r) in &f.units {
        unit_total.received += r.received;
        unit_total.accepted += r.accepted;
        unit_total.answered += r.answered;
        unit_total.on_time += r.on_time;
        unit_total.workdays += r.workdays;
        unit_total.rated += r.rated;
        unit_total.satisfied += r.satisfied;
    }
    html! {
        (table("mb-months", &format!("{}年各月来信办理情况（按来信月份）", f.year), "月份", &months, &f.total))
        (table("mb-units", &format!("{}年各承办单位办理情况", f.year), "承办单位", &units, &unit_total))
        p.hint { "受理后由信箱办公室直接答复的计入办公室。按时答复：在答复期限内答复写信人。满意率：满意和基本满意占已评价的比例，答复后逾期未评价的视为满意。" }
    }
}

#[derive(Deserialize, Default)]
pub struct YearQuery {
    #[serde(default)]
    pub year: Option<i32>,
}

fn year_form(action: &str, year: i32, years: &[i32]) -> Markup {
    html! {
        form.filters method="get" action=(action) {
            div.field {
                label for="f-year" { "年份" }
                select #f-year name="year" {
                    @for y in years { option value=(y) selected[*y == year] { (y) "年" } }
                }
            }
            button type="submit" { "查看" }
        }
    }
}

async fn load(st: &Shared, year: Option<i32>) -> Result<(Figures, Vec<i32>, Vec<Letter>, Units)> {
    let units = crate::disclosure::page::load_units(st).await?;
    let letters = st.store.read(store::all).await?;
    let this = crate::clock::beijing_date(st.now_ms()).year();
    let mut years: Vec<i32> = letters
        .iter()
        .map(|l| crate::clock::beijing_date(l.submitted_ms).year())
        .chain(std::iter::once(this))
        .collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    let year = year.filter(|y| years.contains(y)).unwrap_or(this);
    let f = compute(&letters, year, &st.calendar(), &units);
    Ok((f, years, letters, units))
}

/// The public page's figures, kept between requests (an `AppState` part): computed again only
/// when a letter, the calendar, the units or the day changed since.
#[derive(Default)]
pub struct Cache {
    inner: std::sync::Mutex<Option<Cached>>,
}

struct Cached {
    key: String,
    asked: Option<i32>,
    figures: std::sync::Arc<Figures>,
    years: Vec<i32>,
}

impl crate::http::AppState {
    pub fn mailbox_stats(&self) -> &Cache {
        // Only a composition-root bug can leave it out, and every test would show it.
        #[allow(clippy::expect_used)]
        self.parts
            .get::<Cache>()
            .expect("the composition root registers the mailbox statistics cache")
    }
}

/// What the figures depend on besides the asked year.
async fn cache_key(st: &Shared) -> Result<String> {
    let generation = st.store.read(store::generation).await?;
    let units = crate::disclosure::page::load_units(st).await?;
    let names: String = units
        .units
        .iter()
        .map(|u| format!("{}={};", u.code, u.name))
        .collect();
    let fingerprint =
        crate::ids::sha256_hex(format!("{}|{names}", st.calendar().to_text()).as_bytes());
    Ok(format!(
        "{generation}/{}/{fingerprint}",
        crate::clock::beijing_date(st.now_ms())
    ))
}

async fn public_figures(
    st: &Shared,
    year: Option<i32>,
) -> Result<(std::sync::Arc<Figures>, Vec<i32>)> {
    let key = cache_key(st).await?;
    if let Ok(c) = st.mailbox_stats().inner.lock()
        && let Some(c) = c.as_ref()
        && c.key == key
        && c.asked == year
    {
        return Ok((c.figures.clone(), c.years.clone()));
    }
    let (f, years, _, _) = load(st, year).await?;
    let f = std::sync::Arc::new(f);
    if let Ok(mut c) = st.mailbox_stats().inner.lock() {
        *c = Some(Cached {
            key,
            asked: year,
            figures: f.clone(),
            years: years.clone(),
        });
    }
    Ok((f, years))
}

/// GET /mailbox/stats
pub async fn page_public(
    State(st): State<Shared>,
    ctx: Ctx,
    Query(q): Query<YearQuery>,
) -> Result<Response> {
    let (f, years) = public_figures(&st, q.year).await?;
    let body = html! {
        (year_form("/mailbox/stats", f.year, &years))
        (tables(&f))
    };
    Ok(page_resp(page::render(
        &st,
        &ctx,
        Column::Stats,
        Column::Stats.label(),
        None,
        body,
    )))
}

async fn office_only(st: &Shared, s: &Staff) -> Result<()> {
    let units = crate::disclosure::page::load_units(st).await?;
    if access::is_office(&s.user, &units) {
        Ok(())
    } else {
        Err(Error::Forbidden(
            "只有区长信箱办公室可以查看办理统计。".into(),
        ))
    }
}

/// GET /admin/mailbox/stats
pub async fn page_staff(
    State(st): State<Shared>,
    s: Staff,
    Query(q): Query<YearQuery>,
) -> Result<Response> {
    office_only(&st, &s).await?;
    let (f, years, letters, units) = load(&st, q.year).await?;
    let cal = st.calendar();
    let today = crate::clock::beijing_date(st.now_ms());
    let sets = st.store.read(settings::get).await?;
    let late: Vec<&Letter> = letters
        .iter()
        .filter(|l| due::overdue(l, &cal, today) || due::alarm(l, &sets, today))
        .collect();
    let body = html! {
        (year_form("/admin/mailbox/stats", f.year, &years))
        p { a href=(format!("/admin/mailbox/stats.xlsx?year={}", f.year)) download { "导出 Excel（" (f.year) "年）" } }
        (tables(&f))
        section aria-labelledby="h-late" {
            h2 #h-late { "超期未答复的信件" }
            @if late.is_empty() { p { "没有超期未答复的信件。" } } @else {
                (super::page::scroll("超期未答复的信件", html! { table.data {
                    thead { tr { th scope="col" { "编号" } th scope="col" { "标题" } th scope="col" { "承办单位" } th scope="col" { "答复期限" } th scope="col" { "受理天数" } } }
                    tbody {
                        @for l in &late {
                            tr {
                                td { (l.number) }
                                td { a href=(format!("/admin/mailbox/{}", l.id)) { (l.title) } }
                                td { @if let Some(u) = access::answering(&units, l) { (units.name(&u)) } }
                                td.overdue { @match due::due(l, &cal) { Some(d) => (format_date_zh(d)), None => "—" } }
                                td { @if let Some(n) = due::days_open(l, today) { (n) " 天" } }
                            }
                        }
                    }
                } }))
            }
        }
    };
    Ok(page_resp(crate::staff::shell::render(
        &st,
        &s,
        "区长信箱办理统计",
        body,
    )))
}

/// A worksheet: its name, its first column's header, its labelled rows.
type Sheet<'a> = (&'static str, &'static str, Vec<(String, &'a Row)>);

fn workbook(f: &Figures) -> std::result::Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let one = Format::new().set_num_format("0.0");
    let sheets: [Sheet<'_>; 2] = [
        (
            "各月",
            "月份",
            f.months
                .iter()
                .enumerate()
                .map(|(i, r)| (format!("{}月", i + 1), r))
                .chain(std::iter::once(("合计".to_owned(), &f.total)))
                .collect(),
        ),
        (
            "各承办单位",
            "承办单位",
            f.units.iter().map(|(n, _, r)| (n.clone(), r)).collect(),
        ),
    ];
    for (name, first, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(name)?;
        ws.write_string_with_format(0, 0, first, &bold)?;
        for (c, h) in HEADERS[1..].iter().enumerate() {
            ws.write_string_with_format(0, u16::try_from(c + 1).unwrap_or(0), *h, &bold)?;
        }
        for (i, (label, r)) in rows.iter().enumerate() {
            let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
            ws.write_string(row, 0, label)?;
            for (c, n) in [r.received, r.accepted, r.answered, r.on_time]
                .iter()
                .enumerate()
            {
                ws.write_number(row, u16::try_from(c + 1).unwrap_or(0), *n)?;
            }
            for (c, v) in [r.on_time_percent(), r.average_days(), r.satisfied_percent()]
                .iter()
                .enumerate()
            {
                if let Some(v) = v {
                    ws.write_number_with_format(row, u16::try_from(c + 5).unwrap_or(0), *v, &one)?;
                }
            }
        }
    }
    wb.save_to_buffer()
}

/// GET /admin/mailbox/stats.xlsx
pub async fn xlsx(
    State(st): State<Shared>,
    s: Staff,
    Query(q): Query<YearQuery>,
) -> Result<Response> {
    office_only(&st, &s).await?;
    let (f, _, _, _) = load(&st, q.year).await?;
    let bytes = workbook(&f).map_err(Error::internal)?;
    let name = format!("区长信箱办理统计-{}.xlsx", f.year);
    let disp = format!(
        "attachment; filename=\"mailbox-{}.xlsx\"; filename*=UTF-8''{}",
        f.year,
        percent_encoding::utf8_percent_encode(&name, crate::ids::URL_COMPONENT)
    );
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disp).map_err(Error::internal)?,
    );
    Ok(r)
}
