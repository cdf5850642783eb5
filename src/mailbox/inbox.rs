//! 信件办理 (`/admin/mailbox/`): the letters this person may open, by tab — 待受理 (new and
//! sent back), 办理中, 待审核, 已答复, all — with the due date (red when overdue), the
//! look-alike flag, and filters by subject and text.

use axum::extract::{Query, State};
use axum::response::Response;
use maud::html;
use serde::Deserialize;

use super::flow::{self as mflow, state};
use super::model::{Letter, Subject, mask_phone};
use super::settings;
use super::{access, due, store};
use crate::calendar::format_date_zh;
use crate::error::Result;
use crate::http::Shared;
use crate::http::extract::Staff;
use crate::http::respond::html as page;
use crate::staff::shell;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    pub tab: String,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub q: String,
}

const TABS: [(&str, &str); 6] = [
    ("new", "待受理"),
    ("handling", "办理中"),
    ("reviewing", "答复待审核"),
    ("answered", "已答复"),
    ("closed", "已结束"),
    ("all", "全部"),
];

fn in_tab(tab: &str, l: &Letter) -> bool {
    let s = l.flow.state.as_str();
    match tab {
        "new" => matches!(s, state::RECEIVED | state::RETURNED),
        "handling" => s == state::HANDLING,
        "reviewing" => s == state::REVIEWING,
        "answered" => s == state::ANSWERED,
        "closed" => matches!(s, state::CLOSED | state::NOT_ACCEPTED | state::MERGED),
        _ => true,
    }
}

/// GET /admin/mailbox/
pub async fn page_inbox(
    State(st): State<Shared>,
    s: Staff,
    Query(q): Query<ListQuery>,
) -> Result<Response> {
    let units = crate::disclosure::page::load_units(&st).await?;
    let office = access::is_office(&s.user, &units);
    let (all, settings) = st
        .store
        .read(|txn| Ok((store::all(txn)?, settings::get(txn)?)))
        .await?;
    let mine: Vec<&Letter> = all
        .iter()
        .filter(|l| access::may_view(&s.user, &units, l))
        .collect();
    let answers_somewhere = s
        .user
        .grants
        .iter()
        .any(|g| access::answers_for(&s.user, &units, &g.unit));
    if !office && !answers_somewhere {
        return Err(crate::error::Error::Forbidden(
            "您没有权限访问此页面。".into(),
        ));
    }
    let tab = if TABS.iter().any(|(t, _)| *t == q.tab) {
        q.tab.as_str()
    } else if office {
        "new"
    } else {
        "handling"
    };
    let subject = Subject::parse(&q.subject);
    let needle = q.q.trim();
    let cal = st.calendar();
    let today = crate::clock::beijing_date(st.now_ms());
    let rows: Vec<&&Letter> = mine
        .iter()
        .rev()
        .filter(|l| in_tab(tab, l))
        .filter(|l| subject.is_none_or(|s| l.subject == s))
        .filter(|l| {
            needle.is_empty()
                || l.title.contains(needle)
                || l.content.contains(needle)
                || l.number.contains(needle)
        })
        .collect();
    let def = mflow::definition();
    let alarms = mine
        .iter()
        .filter(|l| due::alarm(l, &settings, today))
        .count();
    let body = html! {
        @if office {
            p.actions {
                a href="/admin/mailbox/stats" { "办理统计" } " · "
                a href="/admin/mailbox/settings" { "信箱设置" }
            }
        }
        @if alarms > 0 {
            p.notice.error role="alert" { "有 " (alarms) " 封信件受理超过 " (settings.alarm_days) " 天仍未答复，请立即督办。" }
        }
        nav.tabs aria-label="信件分类" {
            @for (t, label) in TABS {
                @let n = mine.iter().filter(|l| in_tab(t, l)).count();
                a href=(format!("/admin/mailbox/?tab={t}")) aria-current=[(t == tab).then_some("page")] { (label) " (" (n) ")" }
            }
        }
        form.filters method="get" action="/admin/mailbox/" {
            input type="hidden" name="tab" value=(tab);
            div.field {
                label for="f-subject" { "信件类型" }
                select #f-subject name="subject" {
                    option value="" { "全部类型" }
                    @for k in Subject::ALL { option value=(k.id()) selected[subject == Some(k)] { (k.label()) } }
                }
            }
            div.field {
                label for="f-q" { "关键词" }
                input #f-q type="search" name="q" value=(needle);
            }
            button type="submit" { "筛选" }
        }
        @if rows.is_empty() {
            p { "没有信件。" }
        } @else {
            (super::page::scroll("信件列表", html! { table.data {
                thead { tr {
                    th scope="col" { "编号" } th scope="col" { "标题" } th scope="col" { "类型" }
                    th scope="col" { "写信人" } th scope="col" { "来信时间" } th scope="col" { "承办单位" }
                    th scope="col" { "状态" } th scope="col" { "答复期限" }
                } }
                tbody {
                    @for l in &rows {
                        @let d = due::due(l, &cal);
                        @let late = due::overdue(l, &cal, today);
                        tr.overdue[late] {
                            td { (l.number) }
                            td {
                                a href=(format!("/admin/mailbox/{}", l.id)) { (l.title) }
                                @if !l.similar.is_empty() { " " span.tag { "疑似重复" } }
                                @if due::alarm(l, &settings, today) { " " span.overdue { "超" (settings.alarm_days) "天" } }
                            }
                            td { (l.subject.label()) }
                            td { (super::model::mask_name(&l.writer.name)) " " (mask_phone(&l.writer.phone)) }
                            td { (crate::clock::show(l.submitted_ms)) }
                            td { @if let Some(a) = &l.assignment { (units.name(&a.unit)) } @else { "—" } }
                            td { (def.state_label(&l.flow.state)) }
                            td { @match d { Some(d) => { (format_date_zh(d)) @if late { " " span.overdue { "已超期" } } }, None => "—" } }
                        }
                    }
                }
            } }))
        }
    };
    Ok(page(shell::render(&st, &s, "区长信箱", body)))
}
