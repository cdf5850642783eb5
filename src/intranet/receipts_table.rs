//! The table a sender reads of every recipient's receipt: state (with 已超期), first opened,
//! signed, downloads, deadline, reminders. Shared by documents and file sends.

use maud::{Markup, html};

use super::receipt::{Receipt, state_label};
use crate::auth::model::User;
use crate::auth::units::Units;
use crate::clock::show;

fn row(r: &Receipt, units: &Units, users: &[User], now: i64) -> Markup {
    let overdue = !r.is_signed() && r.due_ms.is_some_and(|d| d < now);
    html! {
        tr {
            td data-label="收件方" { (r.to.label(units, users)) }
            td data-label="状态" {
                span.state class=(if r.is_signed() { "state-done" } else { "state-waiting" }) { (state_label(r)) }
                @if overdue { " " span.overdue { "（已超期）" } }
            }
            td data-label="首次打开" {
                @match &r.opened { Some(t) => { (show(t.at_ms)) " " (t.by_name) }, None => { "未打开" } }
            }
            td data-label="签收" {
                @match r.signed() { Some(s) => { (show(s.at_ms)) " " (s.by_name) }, None => { "—" } }
            }
            td data-label="下载" {
                @if r.downloads.is_empty() { "—" } @else {
                    (r.downloads.len()) " 次，最近 " (show(r.downloads.last().map_or(0, |t| t.at_ms)))
                    " " (r.downloads.last().map_or("", |t| t.by_name.as_str()))
                }
            }
            td data-label="签收期限" { @match r.due_ms { Some(d) => (show(d)), None => "—" } }
            td data-label="催办" {
                @let times = r.reminded();
                @if times.is_empty() { "—" } @else { (times.len()) " 次" }
            }
        }
    }
}

/// Every receipt as a table under `caption`.
pub fn receipts_table(
    receipts: &[Receipt],
    units: &Units,
    users: &[User],
    now: i64,
    caption: &str,
) -> Markup {
    html! {
        table.data.cards {
            caption { (caption) }
            thead { tr {
                th scope="col" { "收件方" } th scope="col" { "状态" } th scope="col" { "首次打开" }
                th scope="col" { "签收" } th scope="col" { "下载" } th scope="col" { "签收期限" } th scope="col" { "催办" }
            } }
            tbody { @for r in receipts { (row(r, units, users, now)) } }
        }
    }
}
