//! 公文 lists: received (收文) and sent (发文), newest first, searched by title or 文号,
//! sender and date.

use axum::extract::{Query, State};
use axum::response::Response;
use maud::html;
use serde::Deserialize;

use super::model::Document;
use crate::auth::model::User;
use crate::clock::show;
use crate::error::Result;
use crate::http::Shared;
use crate::http::extract::Staff;
use crate::http::respond::{html, html_invalid};
use crate::intranet::boxes::{self, BoxKind};
use crate::intranet::home;
use crate::views::form::{self, Field, FormState};

/// At most this many rows are shown; the search narrows the rest.
const SHOWN: usize = 200;

#[derive(Deserialize, Default, Clone)]
pub struct Filter {
    #[serde(default, rename = "box")]
    pub which: String,
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub sender: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

/// A Beijing date (YYYY-MM-DD) as the UTC ms of its first moment.
fn day_start(s: &str) -> Option<i64> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let d = time::Date::parse(s.trim(), &fmt).ok()?;
    Some(crate::clock::to_ms(
        d.midnight().assume_offset(crate::clock::CST),
    ))
}

/// The filter's bounds, or its errors beside the date fields (also the sends' list).
pub fn bounds(f: &Filter, fs: &mut FormState) -> (Option<i64>, Option<i64>) {
    let mut one = |name: &str, v: &str| {
        if v.trim().is_empty() {
            return None;
        }
        let ms = day_start(v);
        if ms.is_none() {
            fs.add_error(name, "日期格式应为 2026-12-01");
        }
        ms
    };
    let from = one("from", &f.from);
    let to = one("to", &f.to).map(|t| t + 86_400_000);
    (from, to)
}

fn matches(d: &Document, f: &Filter, from: Option<i64>, to: Option<i64>) -> bool {
    let q = f.q.trim().to_lowercase();
    let sender = f.sender.trim().to_lowercase();
    (q.is_empty() || d.title.to_lowercase().contains(&q) || d.number.to_lowercase().contains(&q))
        && (sender.is_empty()
            || d.sender_name.to_lowercase().contains(&sender)
            || d.sender_unit_name.to_lowercase().contains(&sender))
        && from.is_none_or(|t| d.sent_ms >= t)
        && to.is_none_or(|t| d.sent_ms < t)
}

/// The user's received or sent documents, newest first.
pub fn of(txn: &redb::ReadTransaction, u: &User, sent: bool) -> Result<Vec<Document>> {
    let entries = if sent {
        boxes::outbox(txn, u.id, Some(BoxKind::Document))?
    } else {
        boxes::inbox(txn, u, Some(BoxKind::Document))?
    };
    let mut out = Vec::new();
    for e in entries {
        if let Some(d) = super::store::get(txn, e.id)? {
            out.push(d);
        }
    }
    Ok(out)
}

/// GET /oa/docs
pub async fn page(
    State(st): State<Shared>,
    staff: Staff,
    Query(f): Query<Filter>,
) -> Result<Response> {
    let sent = f.which == "sent";
    let mut fs = FormState {
        values: vec![
            ("q".into(), f.q.clone()),
            ("sender".into(), f.sender.clone()),
            ("from".into(), f.from.clone()),
            ("to".into(), f.to.clone()),
        ],
        ..Default::default()
    };
    let (from, to) = bounds(&f, &mut fs);
    let u = staff.user.clone();
    let docs = st.store.read(move |txn| of(txn, &u, sent)).await?;
    let found: Vec<&Document> = docs.iter().filter(|d| matches(d, &f, from, to)).collect();
    let now = st.now_ms();
    let u = &staff.user;
    let searching =
        !(f.q.is_empty() && f.sender.is_empty() && f.from.is_empty() && f.to.is_empty());
    let body = html! {
        p { a.button href="/oa/docs/new" { "拟发公文" } }
        nav.tabs aria-label="收文与发文" {
            a href="/oa/docs" aria-current=[(!sent).then_some("page")] { "收文" }
            a href="/oa/docs?box=sent" aria-current=[sent.then_some("page")] { "发文" }
        }
        form.filter method="get" action="/oa/docs" role="search" aria-label="查找公文" {
            @if sent { input type="hidden" name="box" value="sent"; }
            (form::field(&Field::new("q", "标题或文号").optional(), &fs))
            (form::field(&Field::new("sender", "发文单位或发文人").optional(), &fs))
            (form::field(&Field::new("from", "发文日期自").optional().kind("date"), &fs))
            (form::field(&Field::new("to", "发文日期至").optional().kind("date"), &fs))
            button type="submit" { "查找" }
            @if searching { " " a href=(if sent { "/oa/docs?box=sent" } else { "/oa/docs" }) { "清除条件" } }
        }
        @if found.is_empty() {
            p.empty { @if searching { "没有符合条件的公文。" } @else if sent { "还没有发出公文。" } @else { "还没有收到公文。" } }
        } @else {
            table.data.cards {
                caption { @if sent { "发出的公文" } @else { "收到的公文" } "（" (found.len()) " 件）" }
                thead { tr {
                    th scope="col" { "标题" } th scope="col" { "文号" } th scope="col" { "紧急程度" }
                    th scope="col" { @if sent { "收文方" } @else { "发文单位" } }
                    th scope="col" { "发文时间" } th scope="col" { "状态" }
                } }
                tbody {
                    @for d in found.iter().take(SHOWN) {
                        tr {
                            td data-label="标题" { a href=(super::url(d.id)) { (d.title) } }
                            td data-label="文号" { (d.number) }
                            td data-label="紧急程度" { span class=(format!("urgency urgency-{}", d.urgency.id())) { (d.urgency.label()) } }
                            @if sent {
                                @let (t, _, s) = d.counts();
                                td data-label="收文方" { (t) " 个" }
                                td data-label="发文时间" { (show(d.sent_ms)) }
                                td data-label="状态" { "已签收 " (s) "/" (t) }
                            } @else {
                                td data-label="发文单位" { (d.sender_unit_name) }
                                td data-label="发文时间" { (show(d.sent_ms)) }
                                td data-label="状态" {
                                    @if d.signed_by_me(u) { "已签收" } @else {
                                        "待签收"
                                        @if d.receipts_of(u).any(|(_, r)| r.due_ms.is_some_and(|t| t < now)) { " " span.overdue { "（已超期）" } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if found.len() > SHOWN { p.hint { "只显示最新的 " (SHOWN) " 件，请用查找条件缩小范围。" } }
        }
    };
    let m = home::render(&st, &staff, "公文", "/oa/docs", body);
    Ok(if fs.errors.is_empty() {
        html(m)
    } else {
        html_invalid(m)
    })
}
