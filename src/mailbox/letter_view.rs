//! One letter for the office and the answering unit (`/admin/mailbox/{id}`): the writer (to
//! them only), the letter and its files, look-alike letters, the due date, the answer, the
//! rating, the steps this person may take now as forms, and the history.

use axum::extract::{Path, State};
use axum::response::Response;
use maud::{Markup, html};

use super::act::{MAX_ANSWER, needs_review, publication_draft};
use super::flow::{self as mflow, action, state};
use super::model::Letter;
use super::settings::{self, Settings};
use super::{access, due, store};
use crate::auth::units::Units;
use crate::calendar::format_date_zh;
use crate::disclosure::fields::textarea;
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::Staff;
use crate::http::respond::html as page;
use crate::staff::shell;
use crate::views::form::{Field, FormState, csrf, field, notice, select};

/// GET /admin/mailbox/{id}
pub async fn page_letter(
    State(st): State<Shared>,
    s: Staff,
    Path(id): Path<String>,
) -> Result<Response> {
    let id: u64 = id.parse().map_err(|_| Error::NotFound)?;
    Ok(page(render(&st, &s, id, &FormState::default()).await?))
}

/// GET /admin/mailbox/{id}/files/{n}: the letter's attachment, to those who may open it.
pub async fn file(
    State(st): State<Shared>,
    s: Staff,
    Path((id, n)): Path<(String, String)>,
    headers: axum::http::HeaderMap,
) -> Result<Response> {
    let id: u64 = id.parse().map_err(|_| Error::NotFound)?;
    let n: usize = n.parse().map_err(|_| Error::NotFound)?;
    let (l, _) = load(&st, &s, id).await?;
    let a = l.attachments.get(n).cloned().ok_or(Error::NotFound)?;
    crate::intranet::files::download::serve(&st, &headers, &a.sha, &a.name, a.size).await
}

/// The letter, if this person may open it (else 404: it does not exist for them).
pub async fn load(st: &Shared, s: &Staff, id: u64) -> Result<(Letter, Units)> {
    let units = crate::disclosure::page::load_units(st).await?;
    let l = st
        .store
        .read(move |txn| store::get(txn, id))
        .await?
        .filter(|l| access::may_view(&s.user, &units, l))
        .ok_or(Error::NotFound)?;
    Ok((l, units))
}

pub async fn render(st: &Shared, s: &Staff, id: u64, fs: &FormState) -> Result<Markup> {
    let (l, units) = load(st, s, id).await?;
    let related: Vec<u64> = l
        .similar
        .iter()
        .chain(&l.merged)
        .chain(l.merged_into.iter())
        .copied()
        .collect();
    let (others, settings) = st
        .store
        .read(move |txn| {
            let mut v = Vec::new();
            for id in related {
                if let Some(o) = store::get(txn, id)? {
                    v.push(o);
                }
            }
            Ok((v, settings::get(txn)?))
        })
        .await?;
    let number_of = |id: u64| {
        others
            .iter()
            .find(|o| o.id == id)
            .map_or_else(|| id.to_string(), |o| o.number.clone())
    };
    let project = match l.project {
        Some(pid) => super::projects::title(st, pid).await?,
        None => None,
    };
    let cal = st.calendar();
    let today = crate::clock::beijing_date(st.now_ms());
    let def = mflow::definition();
    let actor = access::actor(&s.user, &units, &l);
    let steps: Vec<&str> = crate::flow::available(def, &l.flow, &actor)
        .into_iter()
        .map(|t| t.id)
        .collect();
    let office = access::is_office(&s.user, &units);
    let d = due::due(&l, &cal);
    let overdue = due::overdue(&l, &cal, today);
    let alarm = due::alarm(&l, &settings, today);
    let body = html! {
        p { a href="/admin/mailbox/" { "返回信件列表" } }
        (notice(fs))
        @if alarm {
            p.notice.error role="alert" { "受理已超过 " (settings.alarm_days) " 天仍未答复。超过 3 个月未答复属于网站检查单项否决情形，请立即督办。" }
        }
        dl.kv.gk-summary {
            dt { "信件编号" } dd { (l.number) }
            dt { "状态" } dd { strong { (def.state_label(&l.flow.state)) } @if overdue { " " span.overdue { "已超期" } } }
            dt { "信件类型" } dd { (l.subject.label()) }
            dt { "提交时间" } dd { (crate::clock::show(l.submitted_ms)) }
            @if let Some(a) = l.accepted_on { dt { "受理日期" } dd { (format_date_zh(a)) } }
            @if let Some(a) = &l.assignment {
                dt { "承办单位" } dd { (units.name(&a.unit)) "（" (format_date_zh(a.on)) "转办，" (a.workdays) " 个工作日）" }
            }
            @if let Some(d) = d { dt { "答复期限" } dd.overdue[overdue] { (format_date_zh(d)) } }
            dt { "是否同意公开" } dd { @if l.publish_agreed { "同意" } @else { "不同意" } }
            @if let Some((pid, title)) = &project {
                dt { "关于百件实事" } dd { a href=(format!("/projects/{pid}")) { (title) } }
            }
        }
        section aria-labelledby="h-writer" {
            h2 #h-writer { "写信人" }
            p.hint { "写信人的个人信息仅供办理使用，不得公开或转作他用。" }
            dl.kv {
                dt { "姓名" } dd { (l.writer.name) }
                dt { "手机号码" } dd { (l.writer.phone) }
                @if !l.writer.email.is_empty() { dt { "电子邮箱" } dd { (l.writer.email) } }
            }
        }
        section aria-labelledby="h-letter" {
            h2 #h-letter { "来信内容" }
            p { strong { (l.title) } }
            div.pre { (l.content) }
            @if !l.attachments.is_empty() {
                ul.files {
                    @for (i, a) in l.attachments.iter().enumerate() {
                        li { a href=(format!("/admin/mailbox/{}/files/{i}", l.id)) download=(a.name) { "附件：" (a.name) } }
                    }
                }
            }
        }
        @if !l.similar.is_empty() || !l.merged.is_empty() || l.merged_into.is_some() {
            section aria-labelledby="h-related" {
                h2 #h-related { "相关信件" }
                ul {
                    @for id in &l.similar { li { "疑似重复（同一写信人的相近来信）：" a href=(format!("/admin/mailbox/{id}")) { "信件 " (number_of(*id)) } } }
                    @for id in &l.merged { li { "已并入本信：" a href=(format!("/admin/mailbox/{id}")) { "信件 " (number_of(*id)) } } }
                    @if let Some(id) = l.merged_into { li { "本信已并入：" a href=(format!("/admin/mailbox/{id}")) { "信件 " (number_of(id)) } } }
                }
            }
        }
        @if let Some(a) = &l.answer {
            section aria-labelledby="h-answer" {
                h2 #h-answer { @if a.sent_on.is_some() { "答复" } @else { "答复（待审核）" } }
                p.hint { (units.name(&a.unit)) " " (a.by) " 于" (format_date_zh(a.written_on)) "拟写"
                    @if let Some(s) = a.sent_on { "，" (format_date_zh(s)) "答复写信人" } }
                div.pre { (a.text) }
            }
        }
        @if let Some(r) = &l.rating {
            section aria-labelledby="h-rating" {
                h2 #h-rating { "写信人评价" }
                p { (r.level.label()) @if r.deemed { "（逾期未评价，视为满意）" } " " (format_date_zh(r.on)) }
                @if !r.reason.is_empty() { p.pre { (r.reason) } }
            }
        }
        @if let Some(p) = &l.publication {
            section aria-labelledby="h-pub" {
                h2 #h-pub { "已公开" }
                p { (format_date_zh(p.on)) "公开，" a href=(format!("/mailbox/letters/{}", l.id)) { "查看公开页面" } }
            }
        }
        (forms(&l, &units, &settings, &steps, office, &s.csrf, fs))
        section aria-labelledby="h-history" {
            h2 #h-history { "办理记录" }
            (super::page::scroll("办理记录", html! { table.data {
                thead { tr { th scope="col" { "时间" } th scope="col" { "操作" } th scope="col" { "办理人" } th scope="col" { "说明" } } }
                tbody {
                    tr { td { (crate::clock::show(l.submitted_ms)) } td { "来信" } td { "写信人" } td {} }
                    @for h in &l.flow.history {
                        tr { td { (crate::clock::show(h.at_ms)) } td { (def.transition_label(&h.transition)) } td { (h.by_name) } td { (h.comment) } }
                    }
                }
            } }))
        }
    };
    Ok(shell::render(st, s, &format!("信件 {}", l.number), body))
}

fn forms(
    l: &Letter,
    units: &Units,
    s: &Settings,
    steps: &[&str],
    office: bool,
    token: &str,
    fs: &FormState,
) -> Markup {
    let has = |a: &str| steps.contains(&a);
    let act = format!("/admin/mailbox/{}/act", l.id);
    let unit_choices: Vec<(String, String)> = units
        .units
        .iter()
        .filter(|u| !u.retired && u.parent.is_some())
        .map(|u| (u.code.to_string(), u.name.clone()))
        .collect();
    let reasons: Vec<(String, String)> = s.reasons.iter().map(|r| (r.clone(), r.clone())).collect();
    let (pt, pc, pa) = publication_draft(l);
    let mut pub_fs = fs.clone();
    for (k, v) in [("pub_title", pt), ("pub_content", pc), ("pub_answer", pa)] {
        if pub_fs.value(k).is_empty() {
            let v = match (k, &l.publication) {
                ("pub_title", Some(p)) => p.title.clone(),
                ("pub_content", Some(p)) => p.content.clone(),
                ("pub_answer", Some(p)) => p.answer.clone(),
                _ => v,
            };
            pub_fs.values.push((k.to_owned(), v));
        }
    }
    let mut ans_fs = fs.clone();
    if ans_fs.value("answer").is_empty()
        && let Some(a) = &l.answer
    {
        ans_fs.values.push(("answer".into(), a.text.clone()));
    }
    if ans_fs.value("final_answer").is_empty()
        && let Some(a) = &l.answer
    {
        ans_fs.values.push(("final_answer".into(), a.text.clone()));
    }
    let wd_hint = format!("留空按信件类型默认 {} 个工作日", s.workdays_for(l.subject));
    html! {
        @if has(action::ACCEPT) {
            form.step method="post" action=(act) {
                h3 { "受理" }
                (csrf(token)) input type="hidden" name="action" value=(action::ACCEPT);
                p.hint { "由信箱办公室直接答复，答复期限 " (s.workdays_for(l.subject)) " 个工作日。" }
                button type="submit" { "受理并由本办答复" }
            }
        }
        @if has(action::ASSIGN) || has(action::REASSIGN) {
            form.step method="post" action=(act) novalidate {
                h3 { @if l.assignment.is_some() { "改派承办单位" } @else { "转办" } }
                (csrf(token)) input type="hidden" name="action" value=(action::ASSIGN);
                (select("unit", "承办单位", &unit_choices, fs))
                (field(&Field::new("workdays", "办理时限（工作日）").kind("number").optional().hint(&wd_hint), fs))
                (textarea("assign_note", "转办意见", false, 500, 2, "", fs))
                button.primary type="submit" { @if l.assignment.is_some() { "改派" } @else { "转办" } }
            }
        }
        @if has(action::NOT_ACCEPT) {
            form.step method="post" action=(act) novalidate {
                h3 { "不予受理" }
                (csrf(token)) input type="hidden" name="action" value=(action::NOT_ACCEPT);
                (select("reason", "不予受理的理由", &reasons, fs))
                (textarea("na_note", "补充说明（告知写信人）", false, 500, 2, "", fs))
                button type="submit" { "不予受理" }
            }
        }
        @if has(action::MERGE) {
            form.step method="post" action=(act) novalidate {
                h3 { "合并重复信件" }
                (csrf(token)) input type="hidden" name="action" value=(action::MERGE);
                (field(&Field::new("into", "并入的信件编号").hint("如 2026-00012；本信写信人将看到那封信的答复"), fs))
                button type="submit" { "合并" }
            }
        }
        @if has(action::ANSWER) || has(action::SUBMIT_ANSWER) {
            form.step method="post" action=(act) novalidate {
                h3 { "答复" }
                (csrf(token)) input type="hidden" name="action" value=(action::ANSWER);
                (textarea("answer", "答复内容", true, MAX_ANSWER, 8, "直接答复写信人，请写明办理结果和依据", &ans_fs))
                @if needs_review(l, units, s) { p.hint { "答复提交后由信箱办公室审核，审核通过后答复写信人。" } }
                button.primary type="submit" { @if needs_review(l, units, s) { "提交答复审核" } @else { "答复写信人" } }
            }
        }
        @if has(action::SEND_BACK) && l.assignment.is_some() && !office {
            form.step method="post" action=(act) novalidate {
                h3 { "退回" }
                (csrf(token)) input type="hidden" name="action" value=(action::SEND_BACK);
                (textarea("back_reason", "退回理由", true, 500, 2, "如不属于本单位职责，请说明应由哪个单位办理", fs))
                button type="submit" { "退回信箱办公室" }
            }
        }
        @if has(action::APPROVE) {
            form.step method="post" action=(act) novalidate {
                h3 { "审核答复" }
                (csrf(token)) input type="hidden" name="action" value=(action::APPROVE);
                (textarea("final_answer", "审定的答复内容", true, MAX_ANSWER, 8, "可直接修改后通过", &ans_fs))
                button.primary type="submit" { "审核通过并答复" }
            }
        }
        @if has(action::REJECT) {
            form.step method="post" action=(act) novalidate {
                h3 { "退回修改" }
                (csrf(token)) input type="hidden" name="action" value=(action::REJECT);
                (textarea("reject_reason", "退回修改的意见", true, 500, 2, "", fs))
                button type="submit" { "退回承办单位修改" }
            }
        }
        @if has(action::PUBLISH) && l.publish_agreed {
            form.step method="post" action=(act) novalidate {
                h3 { @if l.publication.is_some() { "修改公开内容" } @else { "公开信件" } }
                (csrf(token)) input type="hidden" name="action" value=(action::PUBLISH);
                p.hint { "写信人同意公开。公开时写信人姓名显示为“" (super::model::mask_name(&l.writer.name)) "”，不显示联系方式；电话、证件号码等已自动隐去，请再检查并删改涉及个人隐私的内容。" }
                (field(&Field::new("pub_title", "公开标题"), &pub_fs))
                (textarea("pub_content", "公开的信件内容", true, 5000, 6, "", &pub_fs))
                (textarea("pub_answer", "公开的答复内容", true, MAX_ANSWER, 6, "", &pub_fs))
                button.primary type="submit" { @if l.publication.is_some() { "保存公开内容" } @else { "公开" } }
            }
        }
        @if has(action::PUBLISH) && !l.publish_agreed {
            p.hint { "写信人不同意公开，这封信件不能公开。" }
        }
        @if has(action::UNPUBLISH) && l.publication.is_some() {
            form.step method="post" action=(act) novalidate {
                h3 { "撤销公开" }
                (csrf(token)) input type="hidden" name="action" value=(action::UNPUBLISH);
                (textarea("unpub_reason", "撤销公开的理由", true, 500, 2, "", fs))
                button type="submit" { "撤销公开" }
            }
        }
        @if has(action::REOPEN) {
            form.step method="post" action=(act) novalidate {
                h3 { "重新办理" }
                (csrf(token)) input type="hidden" name="action" value=(action::REOPEN);
                (textarea("reopen_reason", "重新办理的理由", true, 500, 2, "如写信人对答复不满意且理由成立", fs))
                button type="submit" { "重新办理" }
            }
        }
        @if l.flow.state == state::ANSWERED {
            p.hint { "等待写信人评价。" }
        }
    }
}
