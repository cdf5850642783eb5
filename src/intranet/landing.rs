//! `/oa/`: the intranet's landing page: what waits on me, and where to go.

use axum::extract::State;
use axum::response::Response;
use maud::html;

use super::home::render;
use crate::error::Result;
use crate::http::Shared;
use crate::http::extract::Staff;
use crate::http::respond::html as page;
use crate::staff::todo::TodoSource;

/// GET /oa/
pub async fn page_home(State(st): State<Shared>, staff: Staff) -> Result<Response> {
    let lists = super::todo::IntranetWork
        .lists(&st, &staff)
        .await?
        .unwrap_or_default();
    let now = st.now_ms();
    let body = html! {
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
