//! The maker's links, `GET /oa/shares`: what each gives, when made and until when, password
//! or not, downloads (or files received) against the limit, and its state; each can be
//! revoked (`POST /oa/shares/{id}/revoke`, audited `oa_share_revoke`) or given a new expiry
//! within the maximum (`POST /oa/shares/{id}/edit`, audited `oa_share_edit`). Another
//! person's link id is 404.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::model::{Share, State as LinkState, What};
use super::{access, store};
use crate::auth::audit::{self, Event, Outcome};
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::{Posted, Staff};
use crate::http::respond::{html as page, html_invalid, see_other};
use crate::intranet::files::quota::size_text;
use crate::intranet::files::store as fstore;
use crate::intranet::home;
use crate::views::form;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    pub done: String,
}

/// A link with its state now.
pub struct Row {
    pub share: Share,
    pub state: LinkState,
}

/// Links with their states (their files looked up in the same snapshot).
pub async fn with_states(st: &Shared, owner: Option<u64>) -> Result<Vec<Row>> {
    let now = st.now_ms();
    let (shares, files) = st
        .store
        .read(move |txn| {
            let shares = match owner {
                Some(o) => store::of_owner(txn, o)?,
                None => store::all(txn)?,
            };
            let mut files = HashMap::new();
            for s in &shares {
                if let What::File { file, .. } = s.what {
                    files.insert(file, fstore::get_file(txn, file)?);
                }
            }
            Ok((shares, files))
        })
        .await?;
    Ok(shares
        .into_iter()
        .map(|share| {
            let f = match share.what {
                What::File { file, .. } => files.get(&file).cloned().flatten(),
                What::Collect { .. } => None,
            };
            let live = access::file_of(&share, f, now).is_some();
            let state = share.state(now, live);
            Row { share, state }
        })
        .collect())
}

/// "2 / 5 次" or "已收 1 / 10 个".
pub fn usage(s: &Share) -> String {
    match s.what {
        What::File { .. } => match s.max_downloads {
            Some(m) => format!("已下载 {} / {m} 次", s.downloads),
            None => format!("已下载 {} 次（不限）", s.downloads),
        },
        What::Collect { max_uploads, .. } => {
            format!("已收 {} / {max_uploads} 个文件", s.uploads)
        }
    }
}

/// A name for the link unique on the page.
pub fn label(s: &Share) -> String {
    format!("{}（编号 {}）", s.title(), s.id)
}

/// GET /oa/shares
pub async fn page_list(
    State(st): State<Shared>,
    s: Staff,
    Query(q): Query<ListQuery>,
) -> Result<Response> {
    Ok(page(view(&st, &s, &q.done, None).await?))
}

/// The list, with an error beside one link's expiry field: (share id, message).
async fn view(st: &Shared, s: &Staff, done: &str, err: Option<(u64, String)>) -> Result<Markup> {
    let rows = with_states(st, Some(s.user.id)).await?;
    let max_days = st.cfg().intranet.share_max_days;
    let done_text = match done {
        "revoke" => Some("链接已撤销，已不能再使用。"),
        "edit" => Some("有效期已更新。"),
        _ => None,
    };
    let body = html! {
        @if let Some(t) = done_text { div.notice.ok role="status" { (t) } }
        @if err.is_some() { div.notice.error role="alert" { "提交的内容有误，请按提示修改。" } }
        p {
            a href="/oa/shares/new" { "新建收集链接（让他人上传文件给我）" }
            " · "
            a href=(crate::intranet::files::page::PATH) { "到文件传输选择要分享的文件" }
        }
        section.card aria-labelledby="shares-h" {
            h2 #shares-h { "我的分享链接" }
            @if rows.is_empty() {
                p.empty { "还没有分享链接。在“文件传输”的文件列表中点“分享”即可生成。" }
            } @else {
                table.data.cards {
                    caption { "我生成的链接（新的在前）" }
                    thead { tr {
                        th scope="col" { "内容" } th scope="col" { "生成时间" } th scope="col" { "有效至" }
                        th scope="col" { "密码" } th scope="col" { "使用情况" } th scope="col" { "状态" }
                        th scope="col" { "操作" }
                    } }
                    tbody { @for r in &rows {
                        @let sh = &r.share;
                        @let l = label(sh);
                        @let e = err.as_ref().filter(|(id, _)| *id == sh.id).map(|(_, m)| m.as_str());
                        tr {
                            td data-label="内容" {
                                (l)
                                @if !sh.note.is_empty() { br; span.hint { "备注：" (sh.note) } }
                                @if !sh.received.is_empty() {
                                    ul.compact { @for f in &sh.received {
                                        li { (f.name) "（" (size_text(f.size)) "，"
                                            @if f.sender.is_empty() { "未留姓名" } @else { (f.sender) }
                                            "，" (crate::clock::show(f.at_ms)) "）" }
                                    } }
                                }
                                @if let Some(h) = sh.hits.last() {
                                    br; span.hint { "最近下载：" (crate::clock::show(h.at_ms)) "，来自 " (h.ip) }
                                }
                            }
                            td data-label="生成时间" { (crate::clock::show(sh.created_ms)) }
                            td data-label="有效至" { (crate::clock::show(sh.expires_ms)) }
                            td data-label="密码" { @if sh.password.is_some() { "有" } @else { "无" } }
                            td data-label="使用情况" { (usage(sh)) }
                            td data-label="状态" { (r.state.label()) }
                            td data-label="操作" {
                                @if sh.revoked_ms.is_none() && r.state != LinkState::FileGone {
                                    form.inline method="post" action=(format!("{}/{}/edit", super::LIST_PATH, sh.id)) {
                                        (form::csrf(&s.csrf))
                                        @let id = format!("days-{}", sh.id);
                                        div.field.has-error[e.is_some()] {
                                            label for=(id) { "新的有效期（从现在起，天）：" (l) }
                                            @if let Some(e) = e { p.error id=(format!("{id}-err")) role="alert" { (e) } }
                                            input id=(id) name="days" type="number" min="1" max=(max_days)
                                                value=(st.cfg().intranet.share_default_days)
                                                aria-invalid=[e.map(|_| "true")]
                                                aria-describedby=[e.map(|_| format!("{id}-err"))];
                                        }
                                        button.link type="submit" { "延长 " (l) " 的有效期" }
                                    }
                                    form.inline method="post" action=(format!("{}/{}/revoke", super::LIST_PATH, sh.id)) {
                                        (form::csrf(&s.csrf))
                                        button.link type="submit" { "撤销 " (l) " 的分享链接" }
                                    }
                                }
                            }
                        }
                    } }
                }
            }
            p.hint { "链接只在生成时显示一次；忘记链接时请撤销后重新生成。最长有效 " (max_days) " 天。" }
        }
    };
    Ok(home::render(
        st,
        s,
        "我的分享链接",
        crate::intranet::files::page::PATH,
        body,
    ))
}

/// The caller's link `id` with its hash; 404 for anyone else's or none.
async fn mine(st: &Shared, me: u64, id: &str) -> Result<(u64, String)> {
    let id: u64 = id.parse().map_err(|_| Error::NotFound)?;
    st.store
        .read(move |txn| store::by_id(txn, id))
        .await?
        .filter(|(_, s)| s.owner == me)
        .map(|(h, _)| (id, h))
        .ok_or(Error::NotFound)
}

/// Changes the caller's link in one write with its audit record.
async fn change_share(
    st: &Shared,
    p: &Posted,
    s: &Staff,
    hash: String,
    action: &'static str,
    f: impl FnOnce(&mut Share, i64) -> String + Send + 'static,
) -> Result<()> {
    let now = st.now_ms();
    let (user, unit, ip, me) = (
        s.user.username.clone(),
        s.user.unit.to_string(),
        p.ctx.ip_string(),
        s.user.id,
    );
    st.store
        .write(move |txn| {
            let Some(mut sh) = store::get_w(txn, &hash)?.filter(|sh| sh.owner == me) else {
                return Err(Error::NotFound);
            };
            let detail = f(&mut sh, now);
            store::put(txn, &hash, &sh)?;
            audit::append(
                txn,
                Event {
                    user,
                    unit,
                    action,
                    object: format!("oa_share:{}", sh.id),
                    ip,
                    outcome: Outcome::Success,
                    detail,
                },
                now,
            )?;
            Ok(())
        })
        .await
}

/// POST /oa/shares/{id}/revoke
pub async fn revoke(
    State(st): State<Shared>,
    Path(id): Path<String>,
    p: Posted,
) -> Result<Response> {
    let s = p.staff(&st)?;
    let (_, hash) = mine(&st, s.user.id, &id).await?;
    change_share(&st, &p, &s, hash, "oa_share_revoke", |sh, now| {
        if sh.revoked_ms.is_none() {
            sh.revoked_ms = Some(now);
        }
        format!("撤销分享链接：{}", super::new::describe(sh))
    })
    .await?;
    Ok(see_other(&format!("{}?done=revoke", super::LIST_PATH)))
}

/// POST /oa/shares/{id}/edit
pub async fn edit(State(st): State<Shared>, Path(id): Path<String>, p: Posted) -> Result<Response> {
    let s = p.staff(&st)?;
    let (id, hash) = mine(&st, s.user.id, &id).await?;
    let max = st.cfg().intranet.share_max_days;
    let days = match p.get("days").trim().parse::<u64>() {
        Ok(d) if (1..=max).contains(&d) => d,
        Ok(d) if d > max => {
            let msg = format!("有效期不能超过 {max} 天");
            return Ok(html_invalid(view(&st, &s, "", Some((id, msg))).await?));
        }
        _ => {
            let msg = format!("请填写 1 到 {max} 之间的天数");
            return Ok(html_invalid(view(&st, &s, "", Some((id, msg))).await?));
        }
    };
    change_share(&st, &p, &s, hash, "oa_share_edit", move |sh, now| {
        let before = sh.expires_ms;
        // A revoked link stays revoked; its expiry is not worth changing.
        if sh.revoked_ms.is_none() {
            sh.expires_ms = super::days_from(now, days);
        }
        format!(
            "{}：有效期 {} → {}",
            super::new::describe(sh),
            crate::clock::show(before),
            crate::clock::show(sh.expires_ms)
        )
    })
    .await?;
    Ok(see_other(&format!("{}?done=edit", super::LIST_PATH)))
}
