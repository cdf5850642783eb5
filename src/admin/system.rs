//! The staff workbench (工作台): 我的工作, 待办, the setup checklist and the tiles.

use axum::extract::State;
use axum::response::Response;
use maud::html;

use crate::auth::permission::{Action, Object, can};
use crate::error::Result;
use crate::http::Shared;
use crate::http::extract::Staff;
use crate::http::respond::html as page;

use crate::staff::shell::{facts, render, require};

pub async fn dashboard(State(st): State<Shared>, s: Staff) -> Result<Response> {
    require(&st, &s, Action::StaffHome, Object::System).await?;
    let f = facts(&st).await?;
    let u = &s.user;
    // 我的工作: every registered 待办 source's waiting lists, with counts.
    let work = crate::staff::work::summary(&st, &s).await?;
    // 待办: account requests this person may approve.
    let approvals = if can(u, Action::ReviewAccountRequests, Object::System, f) {
        Some(super::requests::waiting_count(&st, u).await?)
    } else {
        None
    };
    let tiles = {
        let (st2, u2, inside) = (st.clone(), u.clone(), s.ctx.inside);
        // Some tiles' rules read the store.
        tokio::task::spawn_blocking(move || st2.staff_registry().tiles(&st2, &u2, inside)).await?
    };
    // Until the installation is complete, its two administrators see what is missing.
    let checklist = if u.has_role(crate::auth::model::Role::Sysadmin)
        || u.has_role(crate::auth::model::Role::Secadmin)
    {
        super::checklist::markup(&super::checklist::lines(&st).await?)
    } else {
        None
    };
    let body = html! {
        p { "您好，" (u.display_name) "。" }
        @if let Some(c) = checklist { (c) }
        @if let Some(w) = work { (w) }
        @if let Some(n) = approvals {
            section.card.work-summary aria-labelledby="approvals-h" {
                h2 #approvals-h { "待办" }
                ul.work-counts {
                    li { a href="/admin/requests" { span.count { (n) } " 件账号申请待我审批" } }
                }
            }
        }
        @if can(u, Action::BootstrapSecadmin, Object::System, f) {
            div.notice role="status" {
                "系统尚无安全管理员。按三员分立要求，账号与角色须由安全管理员管理。"
                a href="/admin/users/new" { "创建安全管理员" }
            }
        }
        ul.tiles {
            @for (href, label, blurb) in &tiles {
                li { a href=(href) { strong { (label) } span { (blurb) } } }
            }
        }
    };
    Ok(page(render(&st, &s, "工作台", body)))
}
