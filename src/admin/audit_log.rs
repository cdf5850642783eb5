//! The audit log, read in full only by the 审计管理员. Nobody can edit or delete it.

use axum::extract::{Query, State};
use axum::response::Response;
use maud::html;
use serde::Deserialize;

use crate::auth::audit;
use crate::auth::permission::{Action, Object};
use crate::error::Result;
use crate::http::Shared;
use crate::http::extract::Staff;
use crate::http::respond::html as page;

use super::common::{record, render, require};

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    before: Option<u64>,
    #[serde(default)]
    verify: Option<u8>,
}

const PAGE: usize = 50;

pub async fn list(
    State(st): State<Shared>,
    s: Staff,
    Query(q): Query<AuditQuery>,
) -> Result<Response> {
    require(&st, &s, Action::ReadAudit, Object::System).await?;
    let before = q.before;
    let rows = st
        .store
        .read(move |txn| audit::page(txn, before, PAGE))
        .await?;
    let verified = if q.verify == Some(1) {
        let store = st.store.clone();
        let v = tokio::task::spawn_blocking(move || audit::verify(&store)).await??;
        let ev = super::common::event(
            &s.user,
            &s.ctx,
            "audit_verify",
            "audit".into(),
            v.broken.is_none(),
            format!("{} 条", v.count),
        );
        record(&st, ev).await?;
        Some(v)
    } else {
        None
    };
    let next = rows.last().map(|r| r.seq).filter(|s| *s > 1);
    let body = html! {
        @if let Some(v) = &verified {
            @match &v.broken {
                None => div.notice.ok role="status" { "哈希链校验通过：共 " (v.count) " 条记录，未发现篡改。" },
                Some((seq, why)) => div.notice.error role="alert" { "哈希链校验失败：第 " (seq) " 条记录" (why) "。" },
            }
        }
        p { a.button href="/admin/audit?verify=1" { "校验哈希链" } }
        table.data {
            caption { "审计记录（最新在前）" }
            thead { tr {
                th scope="col" { "序号" } th scope="col" { "时间" } th scope="col" { "用户" } th scope="col" { "单位" }
                th scope="col" { "操作" } th scope="col" { "对象" } th scope="col" { "IP" } th scope="col" { "结果" } th scope="col" { "说明" }
            } }
            tbody {
                @for r in &rows {
                    tr {
                        td { (r.seq) } td { (crate::clock::show(r.at_ms)) } td { (r.user) } td { (r.unit) }
                        td { (r.action) } td { (r.object) } td { (r.ip) } td { (r.outcome.label()) } td { (r.detail) }
                    }
                }
            }
        }
        @if let Some(n) = next { p { a href=(format!("/admin/audit?before={n}")) { "更早的记录" } } }
    };
    Ok(page(render(&st, &s, "审计日志", body)))
}
