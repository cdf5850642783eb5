//! `/oa/`: the intranet's landing page (what waits on me, where to go) and the frame every
//! intranet page shares (its own menu under the staff bar).

use axum::extract::State;
use axum::response::Response;
use maud::{Markup, html};

use crate::error::Result;
use crate::http::Shared;
use crate::http::extract::Staff;
use crate::http::respond::html as page;
use crate::staff::shell;
use crate::staff::todo::TodoSource;

/// The intranet's menu: (href, label).
pub const MENU: [(&str, &str); 4] = [
    ("/oa/", "内网首页"),
    ("/oa/docs", "公文"),
    ("/oa/meetings", "会议通知"),
    ("/oa/transfer", "文件传输"),
];

/// An intranet page: the staff shell with the intranet's menu, `current` marked.
pub fn render(st: &Shared, staff: &Staff, title: &str, current: &str, body: Markup) -> Markup {
    let body = html! {
        nav.tabs.oa-menu aria-label="内网办公" {
            @for (href, label) in MENU {
                a href=(href) aria-current=[(href == current).then_some("page")] { (label) }
            }
        }
        (body)
    };
    shell::render(st, staff, title, body)
}

/// The line every form that sends something carries: the intranet is for unclassified work.
pub fn unclassified_note() -> Markup {
    html! {
        p.notice.warn role="note" {
            strong { "严禁处理涉密信息。" }
            "内网办公只用于非涉密公文、会议通知和文件；涉及国家秘密的材料必须通过涉密渠道传递。"
        }
    }
}

/// GET /oa/
pub async fn page_home(State(st): State<Shared>, staff: Staff) -> Result<Response> {
    let lists = super::todo::IntranetWork
        .lists(&st, &staff)
        .await?
        .unwrap_or_default();
    let now = st.now_ms();
    let body = html! {
        h1 { "内网办公" }
        p.lead { "公文收发与签收、会议通知与回执、大文件传输。" }
        p {
            a.button href="/oa/docs/new" { "拟发公文" } " "
            a href="/oa/meetings/new" { "发会议通知" } " "
            a href="/oa/transfer" { "上传与发送文件" }
        }
        h2 { "待我办理" }
        @let waiting: Vec<_> = lists.iter().filter(|l| l.waiting).collect();
        @if waiting.iter().all(|l| l.rows.is_empty()) {
            p.empty { "没有等待您办理的事项。" }
        }
        @for l in waiting {
            @if !l.rows.is_empty() {
                section.oa-waiting {
                    h3 { (l.label) " " span.count { (l.rows.len()) } }
                    ul {
                        @for r in &l.rows {
                            li {
                                a href=(r.link) { (r.title) }
                                " " span.meta { (r.unit) }
                                @if let Some(d) = r.date_ms {
                                    " " span.meta.overdue[r.overdue(now)] {
                                        (l.date_label) "：" (crate::clock::show(d))
                                        @if r.overdue(now) { "（已超期）" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page(render(&st, &staff, "内网办公", "/oa/", body)))
}
