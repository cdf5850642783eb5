//! One request for its handlers (`/admin/gk/requests/{id}`): the applicant (certificate
//! number masked), what is asked for, the clock with how its date was counted, possible
//! repeats, every record (补正, consultations, extension, reply, cases), the steps this person
//! may take now as forms, and the history.

use axum::extract::{Path, State};
use axum::response::Response;
use maud::{Markup, html};

use super::due::{self, today};
use super::flow::{self as rflow, action, state};
use super::form::mask_id;
use super::model::{CaseKind, CaseResult, DisclosureRequest};
use super::outcome::{Group, OUTCOMES};
use super::{access, duplicates, guard, store};
use crate::auth::units::Units;
use crate::calendar::format_date_zh;
use crate::disclosure::fields::textarea;
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::Staff;
use crate::http::respond::html as page;
use crate::staff::shell;
use crate::views::form::{Field, FormState, csrf, field, notice, select};

/// GET /admin/gk/requests/{id}
pub async fn page_request(
    State(st): State<Shared>,
    s: Staff,
    Path(id): Path<String>,
) -> Result<Response> {
    let id: u64 = id.parse().map_err(|_| Error::NotFound)?;
    Ok(page(render(&st, &s, id, &FormState::default()).await?))
}

/// GET /admin/gk/requests/{id}/files/{n}: an identity proof, to those who may open the request.
pub async fn proof_file(
    State(st): State<Shared>,
    s: Staff,
    Path((id, n)): Path<(String, String)>,
    headers: axum::http::HeaderMap,
) -> Result<Response> {
    let id: u64 = id.parse().map_err(|_| Error::NotFound)?;
    let n: usize = n.parse().map_err(|_| Error::NotFound)?;
    let (r, units) = load(&st, &s, id).await?;
    let _ = units;
    let a = r.applicant.proof.get(n).cloned().ok_or(Error::NotFound)?;
    crate::intranet::files::download::serve(&st, &headers, &a.sha, &a.name, a.size).await
}

/// GET /admin/gk/requests/{id}/reply-file
pub async fn reply_file(
    State(st): State<Shared>,
    s: Staff,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
) -> Result<Response> {
    let id: u64 = id.parse().map_err(|_| Error::NotFound)?;
    let (r, _) = load(&st, &s, id).await?;
    let a = r.reply.and_then(|x| x.document).ok_or(Error::NotFound)?;
    crate::intranet::files::download::serve(&st, &headers, &a.sha, &a.name, a.size).await
}

/// The request, if this person may open it (else 404: it does not exist for them).
pub async fn load(st: &Shared, s: &Staff, id: u64) -> Result<(DisclosureRequest, Units)> {
    let units = crate::disclosure::page::load_units(st).await?;
    let r = st
        .store
        .read(move |txn| store::get(txn, id))
        .await?
        .filter(|r| access::may_view(&s.user, &units, r))
        .ok_or(Error::NotFound)?;
    Ok((r, units))
}

pub async fn render(st: &Shared, s: &Staff, id: u64, fs: &FormState) -> Result<maud::Markup> {
    let (r, units) = load(st, s, id).await?;
    let unit = r.unit.clone();
    let all = st
        .store
        .read(move |txn| {
            Ok(store::all(txn)?
                .into_iter()
                .filter(|o| o.unit == unit)
                .collect::<Vec<_>>())
        })
        .await?;
    let repeats: Vec<(u64, String)> = duplicates::suggest(&r, &all)
        .into_iter()
        .map(|o| (o.id, guard::show_code(&o.tracking_code)))
        .collect();
    let cal = st.calendar();
    let now = st.now_ms();
    let day = today(now);
    let def = rflow::definition();
    let actor = access::actor(&s.user, &units, &r);
    let steps: Vec<&str> = if access::may_handle(&s.user, &units, &r) {
        crate::flow::available(def, &r.flow, &actor)
            .into_iter()
            .map(|t| t.id)
            .collect()
    } else {
        Vec::new()
    };
    let d = due::due(&r, &cal);
    let overdue = due::overdue(&r, &cal, day);
    let a = &r.applicant;
    let body = html! {
        p { a href="/admin/gk/requests" { "返回申请列表" } }
        (notice(fs))
        dl.kv.gk-summary {
            dt { "查询码" } dd { (guard::show_code(&r.tracking_code)) }
            dt { "受理机关" } dd { (units.name(&r.unit)) }
            dt { "状态" } dd { strong { (def.state_label(&r.flow.state)) } @if overdue { " " span.overdue { "已超期" } } }
            dt { "申请方式" } dd { (r.channel.label()) }
            dt { "提交时间" } dd { (crate::clock::show(r.submitted_ms)) }
            dt { "收到日期" } dd { @match r.received_on { Some(x) => (format_date_zh(x)), None => "尚未确认" } }
            @if rflow::is_open(&r.flow.state) && r.received_on.is_some() {
                dt { "答复期限" } dd.overdue[overdue] { (d.label()) }
            }
            @if let Some(c) = r.closed_on { dt { "办结日期" } dd { (format_date_zh(c)) } }
            @if let Some(o) = r.outcome { dt { "处理结果" } dd { (o.full_label()) } }
        }
        @if r.clock.is_some() {
            details.gk-explain open[rflow::is_open(&r.flow.state)] {
                summary { "答复期限的计算" }
                ul { @for l in due::explain(&r, &cal) { li { (l) } } }
            }
        }
        @if !repeats.is_empty() {
            div.notice role="note" {
                "可能是重复申请：同一申请人此前提出过相似的申请 "
                @for (i, (oid, code)) in repeats.iter().enumerate() {
                    @if i > 0 { "、" }
                    a href=(format!("/admin/gk/requests/{oid}")) { "申请 " (code) }
                }
                "。如确属重复，可答复“不予处理：重复申请”。"
            }
        }
        section aria-labelledby="h-applicant" {
            h2 #h-applicant { "申请人" }
            dl.kv {
                dt { "类型" } dd { (if a.kind.is_person() { "自然人".to_owned() } else { format!("法人或其他组织（{}）", a.kind.label()) }) }
                dt { "姓名或名称" } dd { (a.name) }
                dt { (a.id_kind) } dd { (mask_id(&a.id_number)) }
                @if !a.representative.is_empty() { dt { "法定代表人" } dd { (a.representative) } }
                @if !a.contact_person.is_empty() { dt { "联系人" } dd { (a.contact_person) } }
                dt { "联系电话" } dd { (a.phone) }
                @if !a.email.is_empty() { dt { "电子邮箱" } dd { (a.email) } }
                @if !a.address.is_empty() { dt { "通信地址" } dd { (a.address) " " (a.postcode) } }
                dt { "身份证明" } dd {
                    @if a.proof.is_empty() { "无" }
                    @for (i, f) in a.proof.iter().enumerate() {
                        a href=(format!("/admin/gk/requests/{}/files/{i}", r.id)) { "身份证明" (i + 1) "：" (f.name) } " "
                    }
                }
            }
        }
        section aria-labelledby="h-wanted" {
            h2 #h-wanted { "所需信息" }
            dl.kv {
                @if !r.wanted.name.is_empty() { dt { "信息名称" } dd { (r.wanted.name) } }
                @if !r.wanted.doc_no.is_empty() { dt { "文号" } dd { (r.wanted.doc_no) } }
                dt { "内容描述" } dd.pre { (r.wanted.description) }
                dt { "载体形式" } dd { (r.delivery.medium.label()) }
                dt { "获取方式" } dd { (r.delivery.way.label()) }
            }
        }
        (records(&r, if steps.contains(&action::CASE) { Some(s.csrf.as_str()) } else { None }))
        @if !steps.is_empty() {
            section.gk-steps aria-labelledby="h-steps" {
                h2 #h-steps { "办理" }
                (forms(&r, &steps, &s.csrf, fs, !repeats.is_empty()))
            }
        }
        section aria-labelledby="h-history" {
            h2 #h-history { "办理记录" }
            table.data {
                caption.visually-hidden { "办理记录" }
                thead { tr { th scope="col" { "时间" } th scope="col" { "办理人" } th scope="col" { "操作" } th scope="col" { "说明" } } }
                tbody {
                    tr { td { (crate::clock::show(r.submitted_ms)) } td { (if r.channel == super::model::Channel::Online { "申请人" } else { "工作人员" }) } td { "提交申请" } td { (r.channel.label()) } }
                    @for st in &r.flow.history {
                        tr { td { (crate::clock::show(st.at_ms)) } td { (st.by_name) } td { (def.transition_label(&st.transition)) } td { (st.comment) } }
                    }
                }
            }
        }
    };
    let title = format!("政府信息公开申请 {}", guard::show_code(&r.tracking_code));
    Ok(shell::render(st, s, &title, body))
}

/// 补正, consultations, extension, reply and cases as recorded.
fn records(r: &DisclosureRequest, token: Option<&str>) -> Markup {
    html! {
        @if let Some(c) = &r.correction {
            section aria-labelledby="h-corr" {
                h2 #h-corr { "补正告知" }
                dl.kv {
                    dt { "告知日期" } dd { (format_date_zh(c.issued_on)) }
                    dt { "补正事项" } dd.pre { (c.items) }
                    dt { "补正期限" } dd { (format_date_zh(c.due)) }
                    dt { "补正情况" } dd { @match c.supplemented_on { Some(d) => { (format_date_zh(d)) "提交：" (c.supplement) }, None => "尚未补正" } }
                }
            }
        }
        @if !r.consultations.is_empty() {
            section aria-labelledby="h-cons" {
                h2 #h-cons { "征求意见" }
                ul { @for c in &r.consultations {
                    li { (c.kind.label()) "：" (c.party) "，" (format_date_zh(c.from)) "发出，应于" (format_date_zh(c.answer_due)) "前答复"
                        @if let Some(u) = c.until { "；" (format_date_zh(u)) "回复：" (c.opinion) } @else { "；等待回复（暂停计时）" } }
                } }
            }
        }
        @if let Some(e) = &r.extension {
            section aria-labelledby="h-ext" {
                h2 #h-ext { "延期答复" }
                p { (format_date_zh(e.on)) "延长" (e.workdays) "个工作日，批准人：" (e.approver) "，理由：" (e.reason) }
            }
        }
        @if let Some(rep) = &r.reply {
            section aria-labelledby="h-reply" {
                h2 #h-reply { "答复" }
                dl.kv {
                    dt { "答复日期" } dd { (format_date_zh(rep.on)) }
                    dt { "处理结果" } dd { (rep.outcome.full_label()) }
                    @if !rep.reason.is_empty() { dt { "理由与说明" } dd.pre { (rep.reason) } }
                    @if let Some(doc) = &rep.document { dt { "答复书" } dd { a href=(format!("/admin/gk/requests/{}/reply-file", r.id)) { "答复书：" (doc.name) } } }
                }
            }
        }
        @if !r.cases.is_empty() {
            section aria-labelledby="h-cases" {
                h2 #h-cases { "行政复议、行政诉讼" }
                table.data {
                    caption.visually-hidden { "复议诉讼案件" }
                    thead { tr { th scope="col" { "类型" } th scope="col" { "机关或法院" } th scope="col" { "提起日期" } th scope="col" { "结果" } th scope="col" { "备注" } } }
                    tbody { @for c in &r.cases {
                        tr { td { (c.kind.label()) } td { (c.body) } td { (format_date_zh(c.filed_on)) } td { (c.result.label()) @if let Some(d) = c.decided_on { "（" (format_date_zh(d)) "）" } } td { (c.note) } }
                    } }
                }
                @if let Some(token) = token {
                    @for (n, c) in r.cases.iter().enumerate().filter(|(_, c)| c.result == CaseResult::Pending) {
                        form.step method="post" action=(format!("/admin/gk/requests/{}/act", r.id)) {
                            h3 { "案件" (n + 1) "（" (c.kind.label()) "）审结" }
                            input type="hidden" name="csrf" value=(token);
                            input type="hidden" name="action" value=(action::CASE);
                            input type="hidden" name="case_n" value=(n);
                            div.field {
                                label for=(format!("f-case-result-{n}")) { "案件" (n + 1) "的结果" }
                                select id=(format!("f-case-result-{n}")) name="case_result" {
                                    @for k in CaseResult::ALL.iter().filter(|k| **k != CaseResult::Pending) { option value=(k.id()) { (k.label()) } }
                                }
                            }
                            div.field {
                                label for=(format!("f-case-decided-{n}")) { "案件" (n + 1) "的审结日期" }
                                input id=(format!("f-case-decided-{n}")) type="date" name="decided_on";
                            }
                            button type="submit" { "登记案件" (n + 1) "的结果" }
                        }
                    }
                }
            }
        }
    }
}

/// One form per step this person may take now.
fn forms(
    r: &DisclosureRequest,
    steps: &[&str],
    token: &str,
    fs: &FormState,
    repeat: bool,
) -> Markup {
    let act = format!("/admin/gk/requests/{}/act", r.id);
    let has = |s: &str| steps.contains(&s);
    let outcomes: Vec<(String, String)> = std::iter::once((String::new(), "请选择".to_owned()))
        .chain(OUTCOMES.iter().map(|o| {
            let label = match o.group {
                Group::Disclosed | Group::Partly => o.label.to_owned(),
                g => format!("{}：{}", g.label(), o.label),
            };
            (o.code.to_owned(), label)
        }))
        .collect();
    let mut reply_fs = fs.clone();
    if repeat && reply_fs.value("outcome").is_empty() {
        reply_fs.values.push(("outcome".into(), "5.2".into()));
    }
    html! {
        @if has(action::CONFIRM) {
            form.step method="post" action=(act) {
                h3 { "确认收到" }
                (csrf(token)) input type="hidden" name="action" value=(action::CONFIRM);
                p { "核对申请内容无误后确认收到：以今天为收到申请之日，答复期限自下一个工作日起算。" }
                button.primary type="submit" { "确认收到申请" }
            }
        }
        @if has(action::VOID) {
            form.step method="post" action=(act) novalidate {
                h3 { "不予登记" }
                (csrf(token)) input type="hidden" name="action" value=(action::VOID);
                (field(&Field::new("reason", "不予登记的理由").hint("如：测试提交、内容与政府信息公开无关且无法联系申请人"), fs))
                button type="submit" { "不予登记" }
            }
        }
        @if has(action::CORRECT) && r.correction.is_none() {
            form.step method="post" action=(act) novalidate {
                h3 { "补正告知" }
                (csrf(token)) input type="hidden" name="action" value=(action::CORRECT);
                (textarea("items", "需要补正的事项（一次性告知全部事项）", true, 2000, 4, "", fs))
                (field(&Field::new("days", "补正期限（工作日）").kind("number").optional().hint("默认 15 个工作日"), fs))
                button type="submit" { "发出补正告知" }
            }
        }
        @if has(action::SUPPLEMENT) {
            form.step method="post" action=(act) novalidate {
                h3 { "登记书面补正" }
                (csrf(token)) input type="hidden" name="action" value=(action::SUPPLEMENT);
                p { "申请人以书面方式提交补正的，在此登记：" }
                (textarea("supplement", "补正内容", true, 2000, 3, "", fs))
                (field(&Field::new("on", "补正日期").kind("date"), fs))
                button type="submit" { "登记补正" }
            }
        }
        @if has(action::ABANDON) && r.correction.as_ref().is_some_and(|c| c.supplemented_on.is_none()) {
            form.step method="post" action=(act) {
                h3 { "终止办理" }
                (csrf(token)) input type="hidden" name="action" value=(action::ABANDON);
                button type="submit" { "逾期未补正，终止办理" }
            }
        }
        @if has(action::CONSULT) {
            form.step method="post" action=(act) novalidate {
                h3 { "征求意见" }
                (csrf(token)) input type="hidden" name="action" value=(action::CONSULT);
                (select("kind", "征求意见的对象类别", &[("third_party".into(), "第三方（15 个工作日内答复）".into()), ("agency".into(), "其他机关".into())], fs))
                (field(&Field::new("party", "征求意见对象"), fs))
                button type="submit" { "发出征求意见（暂停计时）" }
            }
        }
        @if has(action::CONSULTED) {
            form.step method="post" action=(act) novalidate {
                h3 { "收到意见" }
                (csrf(token)) input type="hidden" name="action" value=(action::CONSULTED);
                (textarea("opinion", "收到的意见（或逾期未答复的情况）", true, 2000, 3, "", fs))
                button type="submit" { "登记意见并恢复计时" }
            }
        }
        @if has(action::EXTEND) && r.extension.is_none() {
            form.step method="post" action=(act) novalidate {
                h3 { "延期答复" }
                (csrf(token)) input type="hidden" name="action" value=(action::EXTEND);
                (field(&Field::new("workdays", "延长的工作日数").kind("number").optional().hint("不超过 20 个工作日"), fs))
                (field(&Field::new("approver", "批准人").hint("政府信息公开工作机构负责人"), fs))
                (textarea("reason", "延期理由（将告知申请人）", true, 500, 2, "", fs))
                button type="submit" { "延期答复" }
            }
        }
        @if has(action::REPLY) {
            form.step method="post" action=(format!("/admin/gk/requests/{}/reply", r.id)) enctype="multipart/form-data" novalidate {
                h3 { "答复" }
                (csrf(token))
                (select("outcome", "处理结果", &outcomes, &reply_fs))
                (textarea("reply_reason", "理由与说明", false, 2000, 4, "不予公开、部分公开等须写明理由和依据", fs))
                div.field.has-error[fs.error("document").is_some()] {
                    label for="f-document" { "答复书" span.req aria-hidden="true" { " *" } }
                    p.hint #f-document-hint { "告知书或答复书，PDF 或图片" }
                    @if let Some(e) = fs.error("document") { p.error #f-document-err role="alert" { (e) } }
                    input #f-document type="file" name="document" accept="application/pdf,image/*" aria-describedby="f-document-hint";
                }
                button.primary type="submit" { "作出答复" }
            }
        }
        @if has(action::CASE) {
            form.step method="post" action=(act) novalidate {
                h3 { "行政复议、行政诉讼" }
                (csrf(token)) input type="hidden" name="action" value=(action::CASE);
                (select("case_kind", "案件类型", &CaseKind::ALL.iter().map(|k| (k.id().to_owned(), k.label().to_owned())).collect::<Vec<_>>(), fs))
                (select("case_result", "结果", &CaseResult::ALL.iter().map(|k| (k.id().to_owned(), k.label().to_owned())).collect::<Vec<_>>(), fs))
                (field(&Field::new("case_body", "复议机关或法院"), fs))
                (field(&Field::new("filed_on", "提起日期").kind("date"), fs))
                (field(&Field::new("decided_on", "审结日期").kind("date").optional(), fs))
                (field(&Field::new("case_note", "备注").optional(), fs))
                button type="submit" { "登记复议诉讼" }
            }
        }
        @if r.flow.state == state::CORRECTING {
            p.hint { "等待申请人补正。" }
        }
    }
}
