//! The system administrator's view of every live link (`GET /admin/shares`, `Action::RunSystem`,
//! and only from inside the intranet: elsewhere 404 like `/oa/`): owner, what it gives,
//! expiry, counts, and revoking one (`POST /admin/shares/{id}/revoke`, audited
//! `oa_share_revoke` under the administrator's name).

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::response::Response;
use maud::html;

use super::list::{label, usage, with_states};
use super::model::State as LinkState;
use super::store;
use crate::auth::audit::{self, Event, Outcome};
use crate::auth::permission::{Action, Object};
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::{Posted, Staff};
use crate::http::respond::{html as page, see_other};
use crate::staff::shell::{render, require};
use crate::views::form;

/// The page's address.
pub const PATH: &str = "/admin/shares";

/// GET /admin/shares
pub async fn page_all(
    State(st): State<Shared>,
    s: Staff,
    Query(q): Query<super::list::ListQuery>,
) -> Result<Response> {
    if !s.ctx.inside {
        return Err(Error::NotFound);
    }
    require(&st, &s, Action::RunSystem, Object::System).await?;
    let rows: Vec<_> = with_states(&st, None)
        .await?
        .into_iter()
        .filter(|r| r.state == LinkState::Live)
        .collect();
    let owners: Vec<u64> = rows.iter().map(|r| r.share.owner).collect();
    let names: HashMap<u64, String> = st
        .store
        .read(move |txn| {
            let mut m = HashMap::new();
            for id in owners {
                if let Some(u) = crate::auth::store::get_user(txn, id)? {
                    m.insert(
                        id,
                        format!("{}（{}，{}）", u.display_name, u.username, u.unit.as_str()),
                    );
                }
            }
            Ok(m)
        })
        .await?;
    let body = html! {
        @if q.done == "revoke" { div.notice.ok role="status" { "链接已撤销。" } }
        p { "内网办公中所有仍然有效的分享链接与收集链接。撤销后链接立即失效，并记入审计日志。" }
        @if rows.is_empty() {
            p.empty { "当前没有有效的分享链接。" }
        } @else {
            table.data.cards {
                caption { "有效的分享链接（新的在前）" }
                thead { tr {
                    th scope="col" { "分享人" } th scope="col" { "内容" } th scope="col" { "生成时间" }
                    th scope="col" { "有效至" } th scope="col" { "密码" } th scope="col" { "使用情况" }
                    th scope="col" { "操作" }
                } }
                tbody { @for r in &rows {
                    @let sh = &r.share;
                    tr {
                        td data-label="分享人" { (names.get(&sh.owner).map(String::as_str).unwrap_or("（已删除的账号）")) }
                        td data-label="内容" { (label(sh)) }
                        td data-label="生成时间" { (crate::clock::show(sh.created_ms)) }
                        td data-label="有效至" { (crate::clock::show(sh.expires_ms)) }
                        td data-label="密码" { @if sh.password.is_some() { "有" } @else { "无" } }
                        td data-label="使用情况" { (usage(sh)) }
                        td data-label="操作" {
                            form.inline method="post" action=(format!("{PATH}/{}/revoke", sh.id)) {
                                (form::csrf(&s.csrf))
                                button.link type="submit" { "撤销 " (label(sh)) " 的分享链接" }
                            }
                        }
                    }
                } }
            }
        }
    };
    Ok(page(render(&st, &s, "分享链接管理", body)))
}

/// POST /admin/shares/{id}/revoke
pub async fn revoke(
    State(st): State<Shared>,
    Path(id): Path<String>,
    p: Posted,
) -> Result<Response> {
    let s = p.staff(&st)?;
    if !s.ctx.inside {
        return Err(Error::NotFound);
    }
    require(&st, &s, Action::RunSystem, Object::System).await?;
    let id: u64 = id.parse().map_err(|_| Error::NotFound)?;
    let now = st.now_ms();
    let (user, unit, ip) = (
        s.user.username.clone(),
        s.user.unit.to_string(),
        p.ctx.ip_string(),
    );
    st.store
        .write(move |txn| {
            let Some((hash, mut sh)) = store::by_id_w(txn, id)? else {
                return Err(Error::NotFound);
            };
            if sh.revoked_ms.is_none() {
                sh.revoked_ms = Some(now);
            }
            store::put(txn, &hash, &sh)?;
            audit::append(
                txn,
                Event {
                    user,
                    unit,
                    action: "oa_share_revoke",
                    object: format!("oa_share:{}", sh.id),
                    ip,
                    outcome: Outcome::Success,
                    detail: format!("系统管理员撤销分享链接：{}", super::new::describe(&sh)),
                },
                now,
            )?;
            Ok(())
        })
        .await?;
    Ok(see_other(&format!("{PATH}?done=revoke")))
}
