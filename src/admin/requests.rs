//! 账号审批: the pages of `auth::account_request`. A change to an account of the three
//! separated admin duties asked for in the panel (`admin::users`) is recorded here with its
//! audit record and a notice to everyone who may approve it; the list is their to-do (待办),
//! also counted on the workbench; a second person approves, rejects (with a reason), or the
//! requester withdraws it; unanswered it expires (`jobs`, or at the next touch).
//!
//! Approving makes the change in the same transaction. When it creates an account, resets a
//! password or gives an account a duty it did not hold, nobody is shown a password: the
//! approver is shown, once, a one-time link (`auth::password_link`) to hand to the owner.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use maud::{Markup, html};
use redb::WriteTransaction;

use crate::admin::request_flow::{action as a, definition};
use crate::admin::request_store::{self as requests, AccountRequest, Change};
use crate::auth::audit::{self, Event};
use crate::auth::model::User;
use crate::auth::permission::{Action, Object};
use crate::auth::store::{self as users, FieldError};
use crate::auth::{password, password_link};
use crate::error::{Error, Result};
use crate::flow::{self, FlowError};
use crate::http::Shared;
use crate::http::extract::{Ctx, Posted, Staff};
use crate::http::respond::{html as page, html_invalid, see_other};
use crate::notify::store::{self as notify, NewNotice, NoticeKind};
use crate::views::form::{self, FormState};

use crate::staff::shell::{event, render, require};

fn url(id: u64) -> String {
    format!("/admin/requests/{id}")
}

/// Whether `u` may approve `r` now (the flow decides).
fn may_approve(u: &User, r: &AccountRequest) -> bool {
    flow::check(definition(), &r.flow, a::APPROVE, &requests::actor(u, r)).is_ok()
}

/// Records a request by `s` in one transaction with its audit record and a notice to each
/// person who may approve it. Returns the request's id, or why it was refused (for a field).
pub async fn submit(
    st: &Shared,
    s: &Staff,
    ctx: &Ctx,
    change: Change,
) -> Result<std::result::Result<u64, FieldError>> {
    let now = st.now_ms();
    let me = s.user.clone();
    let ev = event(
        &s.user,
        ctx,
        "account_request",
        format!("user:{}", change.username()),
        true,
        change.describe(),
    );
    st.store
        .write(move |txn| {
            let r = match requests::create(txn, change, &me, now)? {
                Ok(r) => r,
                Err(e) => return Ok(Err(e)),
            };
            let mut ev = ev;
            ev.detail = format!("第 {} 号申请：{}", r.id, ev.detail);
            audit::append(txn, ev, now)?;
            for u in users::list_users_w(txn)? {
                if may_approve(&u, &r) {
                    notify::push(
                        txn,
                        u.id,
                        NewNotice {
                            kind: NoticeKind::Waiting,
                            title: format!(
                                "账号审批：{} {}",
                                r.change.label(),
                                r.change.username()
                            ),
                            text: format!("{} 提出：{}", r.requested_by_name, r.change.describe()),
                            url: url(r.id),
                            due_ms: Some(r.expires_ms),
                        },
                        now,
                    )?;
                }
            }
            Ok(Ok(r.id))
        })
        .await
}

/// Expires overdue requests, each with its audit record and a notice to its requester
/// (the scheduler calls this).
pub fn expire_due(txn: &WriteTransaction, now: i64) -> Result<usize> {
    let done = requests::expire_due(txn, now)?;
    for r in &done {
        expired_records(txn, r, now)?;
    }
    Ok(done.len())
}

fn expired_records(txn: &WriteTransaction, r: &AccountRequest, now: i64) -> Result<()> {
    audit::append(
        txn,
        Event {
            user: "计划任务".into(),
            unit: String::new(),
            action: "account_request_expire",
            object: format!("request:{}", r.id),
            ip: String::new(),
            outcome: audit::Outcome::Success,
            detail: format!("到期未审批：{}", r.change.describe()),
        },
        now,
    )?;
    notify::push(
        txn,
        r.requested_by,
        NewNotice {
            kind: NoticeKind::Other,
            title: format!(
                "账号申请已过期：{} {}",
                r.change.label(),
                r.change.username()
            ),
            text: "申请在期限内无人审批，已自动失效；如仍需办理，请重新提出。".into(),
            url: url(r.id),
            due_ms: None,
        },
        now,
    )?;
    Ok(())
}

pub async fn list(State(st): State<Shared>, s: Staff) -> Result<Response> {
    require(&st, &s, Action::ReviewAccountRequests, Object::System).await?;
    let all = st.store.read(requests::list).await?;
    let now = st.now_ms();
    let (pending, done): (Vec<&AccountRequest>, Vec<&AccountRequest>) = all
        .iter()
        .partition(|r| r.is_pending() && !r.is_overdue(now));
    let mine: Vec<&AccountRequest> = pending
        .iter()
        .copied()
        .filter(|r| may_approve(&s.user, r))
        .collect();
    let others: Vec<&AccountRequest> = pending
        .iter()
        .copied()
        .filter(|r| !may_approve(&s.user, r))
        .collect();
    let row = |r: &AccountRequest| {
        html! {
            tr {
                td { a href=(url(r.id)) { "第 " (r.id) " 号" } }
                td { (r.change.label()) }
                td { (r.change.username()) }
                td { (r.requested_by_name) }
                td { (crate::clock::show(r.created_ms)) }
                td { @if r.is_overdue(now) { "已过期" } @else { (r.state_label()) } }
            }
        }
    };
    let head = html! {
        thead { tr {
            th scope="col" { "申请" } th scope="col" { "事项" } th scope="col" { "账号" }
            th scope="col" { "提出人" } th scope="col" { "提出时间" } th scope="col" { "状态" }
        } }
    };
    let body = html! {
        p { "按三员分立要求，在管理后台新建、修改角色或重置系统管理员、安全管理员、审计管理员账号时，须由提出人以外、担任不同管理员角色的另一人批准后才生效。" }
        section.card aria-labelledby="req-mine-h" {
            h2 #req-mine-h { "待我审批（" (mine.len()) "）" }
            @if mine.is_empty() { p.muted { "暂无待您审批的申请。" } } @else {
                table.data { caption.visually-hidden { "待我审批的申请" } (head) tbody { @for r in &mine { (row(r)) } } }
            }
        }
        // Each request is listed once, so every link on the page has its own name.
        section.card aria-labelledby="req-pending-h" {
            h2 #req-pending-h { "其他待审批（" (others.len()) "）" }
            @if others.is_empty() { p.muted { "暂无其他待审批的申请。" } } @else {
                table.data { caption.visually-hidden { "其他待审批的申请（您提出的或须由他人审批的）" } (head) tbody { @for r in &others { (row(r)) } } }
            }
        }
        section.card aria-labelledby="req-done-h" {
            h2 #req-done-h { "已办结" }
            @if done.is_empty() { p.muted { "暂无已办结的申请。" } } @else {
                table.data { caption.visually-hidden { "已办结的申请（最新在前）" } (head) tbody { @for r in done.iter().take(100) { (row(r)) } } }
            }
        }
    };
    Ok(page(render(&st, &s, "账号审批", body)))
}

async fn load(st: &Shared, id: &str) -> Result<AccountRequest> {
    let id: u64 = id.parse().map_err(|_| Error::NotFound)?;
    st.store
        .read(move |txn| requests::get(txn, id))
        .await?
        .ok_or(Error::NotFound)
}

/// The link shown once to the approver, with the address this server was reached at.
pub struct ShownLink {
    pub url: String,
    pub username: String,
}

impl ShownLink {
    /// The full address of the link for `token`, on the host this request came to.
    pub fn new(st: &Shared, headers: &HeaderMap, token: &str, username: &str) -> ShownLink {
        let scheme = if st.tls { "https" } else { "http" };
        let host = headers
            .get(axum::http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| {
                !h.is_empty()
                    && h.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
            });
        let path = format!("/set-password?token={token}");
        ShownLink {
            url: match host {
                Some(h) => format!("{scheme}://{h}{path}"),
                None => path,
            },
            username: username.to_owned(),
        }
    }

    /// The card showing the link, once.
    pub fn card(&self) -> Markup {
        html! {
            section.card.one-time-link aria-labelledby="link-h" {
                h2 #link-h { "一次性设置密码链接" }
                p { "请将下面的链接当面或通过可靠渠道交给账号 " strong { (self.username) } " 的本人。本人打开后自行设置密码，管理员不知道也不需要知道该密码。" }
                p.secret { code.break #password-link { (self.url) } }
                p.hint { "此链接只显示这一次，" (password_link::VALID_MS / 3_600_000) " 小时内有效，只能使用一次。链接遗失或过期时，请重新提出重置密码申请。" }
            }
        }
    }
}

fn detail_view(
    st: &Shared,
    s: &Staff,
    r: &AccountRequest,
    link: Option<&ShownLink>,
    notice: Option<&str>,
    fs: &FormState,
) -> Markup {
    let now = st.now_ms();
    let def = definition();
    let actor = requests::actor(&s.user, r);
    let ts: Vec<_> = if r.is_overdue(now) {
        Vec::new()
    } else {
        flow::available(def, &r.flow, &actor)
            .into_iter()
            .filter(|t| t.id != a::EXPIRE)
            .collect()
    };
    let deciding = ts.iter().any(|t| t.id == a::APPROVE);
    let body = html! {
        @if let Some(n) = notice { div.notice.ok role="status" { (n) } }
        @if let Some(l) = link { (l.card()) }
        (form::notice(fs))
        section.card {
            dl.kv {
                dt { "申请编号" } dd { "第 " (r.id) " 号" }
                dt { "事项" } dd { (r.change.label()) }
                dt { "内容" } dd { (r.change.describe()) }
                dt { "提出人" } dd { (r.requested_by_name) @if let Some(d) = r.requester_duty { "（" (d.label()) "）" } }
                dt { "提出时间" } dd { (crate::clock::show(r.created_ms)) }
                dt { "审批期限" } dd { (crate::clock::show(r.expires_ms)) }
                dt { "状态" } dd { @if r.is_overdue(now) { "已过期" } @else { (r.state_label()) } }
            }
            @if !matches!(r.change, Change::ResetTotp { .. }) {
                p.hint { "批准后如需设置密码（新建账号、重置密码、授予新的管理员角色），系统生成一次性设置密码链接，只向批准人显示一次；任何管理员都看不到密码。授予新的管理员角色时，该账号原有密码和两步验证同时失效。" }
            }
        }
        @if deciding || !ts.is_empty() {
            section.card aria-labelledby="decide-h" {
                h2 #decide-h { "办理" }
                form method="post" action=(format!("/admin/requests/{}/flow", r.id)) novalidate {
                    (form::csrf(&s.csrf))
                    div.field.has-error[fs.error("comment").is_some()] {
                        label for="f-comment" { "审批意见" }
                        p.hint id="f-comment-hint" { "驳回时须填写理由；意见记入审批记录和审计日志" }
                        @if let Some(e) = fs.error("comment") { p.error id="f-comment-err" role="alert" { (e) } }
                        textarea id="f-comment" name="comment" rows="3" aria-describedby="f-comment-hint" { (fs.value("comment")) }
                    }
                    div.actions {
                        @for t in &ts {
                            button type="submit" name="transition" value=(t.id)
                                class=[(t.id == a::APPROVE).then_some("primary")] { (t.label) }
                        }
                    }
                }
            }
        } @else if r.is_pending() && !r.is_overdue(now) {
            p.notice role="status" { (requests::why_not(&s.user, r)) }
        }
        section.card aria-labelledby="req-history-h" {
            h2 #req-history-h { "审批记录" }
            @if r.flow.history.is_empty() { p.muted { "尚无审批记录。" } } @else {
                table.data {
                    caption.visually-hidden { "审批记录（最早在前）" }
                    thead { tr { th scope="col" { "时间" } th scope="col" { "办理人" } th scope="col" { "操作" } th scope="col" { "意见" } } }
                    tbody {
                        @for step in &r.flow.history {
                            tr {
                                td { (crate::clock::show(step.at_ms)) }
                                td { (step.by_name) }
                                td { (def.transition_label(&step.transition)) }
                                td { (step.comment) }
                            }
                        }
                    }
                }
            }
        }
        p { a href="/admin/requests" { "返回账号审批列表" } }
    };
    render(st, s, &format!("账号审批：第 {} 号", r.id), body)
}

pub async fn detail(
    State(st): State<Shared>,
    mut s: Staff,
    Path(id): Path<String>,
) -> Result<Response> {
    require(&st, &s, Action::ReviewAccountRequests, Object::System).await?;
    let r = load(&st, &id).await?;
    crate::notify::opened(&st, &mut s, &url(r.id)).await?;
    let notice = (r.requested_by == s.user.id && r.is_pending())
        .then_some("申请已提交，须由另一位担任不同管理员角色的人批准后才生效。");
    Ok(page(detail_view(
        &st,
        &s,
        &r,
        None,
        notice,
        &FormState::default(),
    )))
}

/// The audit action of a decision.
fn decision_action(transition: &str) -> &'static str {
    match transition {
        a::APPROVE => "account_request_approve",
        a::REJECT => "account_request_reject",
        a::WITHDRAW => "account_request_withdraw",
        _ => "account_request_flow",
    }
}

/// The audit action of the change an approval makes.
fn change_action(c: &Change) -> &'static str {
    match c {
        Change::CreateAccount { .. } => "user_create",
        Change::SetRoles { .. } => "user_roles",
        Change::ResetPassword { .. } => "password_reset",
        Change::ResetTotp { .. } => "totp_reset",
    }
}

enum Decided {
    Done {
        request: Box<AccountRequest>,
        link: Option<String>,
    },
    Expired(Box<AccountRequest>),
    Refused(Box<AccountRequest>, String),
}

/// Takes a transition of a request (批准, 驳回, 撤回).
pub async fn take(
    State(st): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    p: Posted,
) -> Result<Response> {
    let s = p.staff(&st)?;
    require(&st, &s, Action::ReviewAccountRequests, Object::System).await?;
    let id: u64 = id.parse().map_err(|_| Error::NotFound)?;
    let transition = p.get("transition").to_owned();
    let comment = p.get("comment").trim().to_owned();
    let mut fs = FormState {
        values: p.kept(),
        ..Default::default()
    };
    // A password nobody is told, for accounts whose owner sets their own through the link.
    let unusable = if transition == a::APPROVE {
        password::hash_async(crate::ids::random_token()).await?
    } else {
        String::new()
    };
    let now = st.now_ms();
    let me_id = s.user.id;
    let base = event(
        &s.user,
        &p.ctx,
        decision_action(&transition),
        format!("request:{id}"),
        true,
        String::new(),
    );
    let decided = st
        .store
        .write(move |txn| {
            let mut r = requests::get_w(txn, id)?.ok_or(Error::NotFound)?;
            if requests::expire_if_due(&mut r, now) {
                requests::save(txn, &r)?;
                expired_records(txn, &r, now)?;
                return Ok(Decided::Expired(Box::new(r)));
            }
            // The decider as stored now (roles may have changed since the page was shown).
            let me = users::get_user_w(txn, me_id)?.ok_or(Error::LoginRequired)?;
            let actor = requests::actor(&me, &r);
            let before = r.clone();
            match flow::apply(
                definition(),
                &mut r.flow,
                &transition,
                &actor,
                &comment,
                now,
            ) {
                Ok(_) => {}
                Err(e @ FlowError::ReasonRequired { .. }) => {
                    return Ok(Decided::Refused(Box::new(before), e.to_string()));
                }
                Err(FlowError::OwnItem { .. } | FlowError::RoleNotAllowed { .. }) => {
                    let why = requests::why_not(&me, &before).to_owned();
                    return Ok(Decided::Refused(Box::new(before), why));
                }
                Err(e) => return Ok(Decided::Refused(Box::new(before), e.to_string())),
            }
            let mut link = None;
            let mut ev = base;
            ev.detail = format!(
                "第 {} 号申请（提出人 {}）：{}{}",
                r.id,
                r.requested_by_name,
                r.change.describe(),
                if comment.is_empty() {
                    String::new()
                } else {
                    format!("；意见：{comment}")
                }
            );
            if transition == a::APPROVE {
                let applied = match requests::apply(txn, &r.change, unusable, now)? {
                    Ok(x) => x,
                    // Nothing was written: the transaction is dropped with this error.
                    Err(m) => return Err(Error::Conflict(format!("无法批准：{m}"))),
                };
                let mut effect = ev.clone();
                effect.action = change_action(&r.change);
                effect.object = format!("user:{}", r.change.username());
                audit::append(txn, effect, now)?;
                if applied.needs_link {
                    link = Some(password_link::issue(txn, applied.user, Some(r.id), now)?);
                    let mut issued = ev.clone();
                    issued.action = "password_link_issue";
                    issued.object = format!("user:{}", r.change.username());
                    issued.detail = format!(
                        "第 {} 号申请批准后签发一次性设置密码链接，{} 小时内有效",
                        r.id,
                        password_link::VALID_MS / 3_600_000
                    );
                    audit::append(txn, issued, now)?;
                }
            }
            audit::append(txn, ev, now)?;
            requests::save(txn, &r)?;
            if r.requested_by != me_id {
                let (kind, what) = match transition.as_str() {
                    a::APPROVE => (NoticeKind::Approved, "已批准"),
                    _ => (NoticeKind::Returned, "已驳回"),
                };
                notify::push(
                    txn,
                    r.requested_by,
                    NewNotice {
                        kind,
                        title: format!(
                            "账号申请{what}：{} {}",
                            r.change.label(),
                            r.change.username()
                        ),
                        text: if comment.is_empty() {
                            format!("{} {what}。", me.username)
                        } else {
                            format!("{} {what}，意见：{comment}", me.username)
                        },
                        url: url(r.id),
                        due_ms: None,
                    },
                    now,
                )?;
            }
            Ok(Decided::Done {
                request: Box::new(r),
                link,
            })
        })
        .await;
    let decided = match decided {
        Ok(d) => d,
        Err(Error::Conflict(m)) => {
            let r = load(&st, &id.to_string()).await?;
            fs.notice = Some(m);
            return Ok(html_invalid(detail_view(&st, &s, &r, None, None, &fs)));
        }
        Err(e) => return Err(e),
    };
    match decided {
        Decided::Done {
            request,
            link: Some(token),
        } => {
            let shown = ShownLink::new(&st, &headers, &token, request.change.username());
            Ok(page(detail_view(
                &st,
                &s,
                &request,
                Some(&shown),
                Some("已批准，变更已生效。"),
                &FormState::default(),
            )))
        }
        Decided::Done {
            request,
            link: None,
        } => Ok(see_other(&url(request.id))),
        Decided::Expired(r) => {
            fs.notice = Some(
                "此申请已过期（超过审批期限无人审批），已自动失效；如仍需办理，请重新提出。".into(),
            );
            Ok(html_invalid(detail_view(&st, &s, &r, None, None, &fs)))
        }
        Decided::Refused(r, m) => {
            if transition_needs_reason(p.get("transition")) && comment_missing(&p) {
                fs.add_error("comment", m);
            } else {
                fs.notice = Some(m);
            }
            Ok(html_invalid(detail_view(&st, &s, &r, None, None, &fs)))
        }
    }
}

fn transition_needs_reason(t: &str) -> bool {
    definition()
        .find_transition(t)
        .is_some_and(|t| t.needs_reason)
}

fn comment_missing(p: &Posted) -> bool {
    p.get("comment").trim().is_empty()
}

/// How many pending requests `u` may approve now (the workbench's to-do count).
pub async fn waiting_count(st: &Shared, u: &User) -> Result<usize> {
    if !u.is_privileged() {
        return Ok(0);
    }
    let now = st.now_ms();
    let all = st.store.read(requests::list).await?;
    Ok(all
        .iter()
        .filter(|r| r.is_pending() && !r.is_overdue(now) && may_approve(u, r))
        .count())
}
