//! A document's page: the document, my receipt (签收), the remarks I may read, passing it on
//! (转发), and for its sender every recipient's receipt and the chain it went down.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::model::{Document, mark_opened};
use crate::auth::model::User;
use crate::auth::units::Units;
use crate::clock::show;
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::Staff;
use crate::http::respond::html;
use crate::intranet::model::Addressee;
use crate::intranet::receipt::Receipt;
use crate::intranet::receipts_table::receipts_table;
use crate::intranet::{home, recipients};
use crate::views::form::{self, FormState};

#[derive(Deserialize, Default)]
pub struct Done {
    #[serde(default)]
    done: String,
}

/// Everything the page shows, read in one snapshot.
pub struct Loaded {
    pub doc: Document,
    pub ancestors: Vec<Document>,
    pub descendants: Vec<(usize, Document)>,
    pub units: Units,
    pub users: Vec<User>,
}

/// The document if `u` may open it, with what its page needs; 404 otherwise (it does not
/// admit the document exists).
pub async fn load(st: &Shared, id: &str, u: &User) -> Result<Loaded> {
    let id: u64 = id.parse().map_err(|_| Error::NotFound)?;
    let u = u.clone();
    st.store
        .read(move |txn| {
            let doc = super::store::get(txn, id)?.ok_or(Error::NotFound)?;
            if !super::store::may_view(txn, &doc, &u)? {
                return Err(Error::NotFound);
            }
            Ok(Loaded {
                ancestors: super::store::ancestors(txn, &doc)?,
                descendants: super::store::descendants(txn, &doc)?,
                units: Units::new(crate::auth::store::list_units(txn)?),
                users: crate::auth::store::list_users(txn)?,
                doc,
            })
        })
        .await
}

/// GET /oa/docs/{id}
pub async fn page_at(
    st: &Shared,
    staff: &mut Staff,
    id: &str,
    done: &str,
    fs: &FormState,
) -> Result<Markup> {
    let mut l = load(st, id, &staff.user).await?;
    // The first time a recipient opens it, their receipts say so.
    if l.doc
        .receipts_of(&staff.user)
        .any(|(_, r)| r.opened.is_none())
    {
        let (doc_id, u, now) = (l.doc.id, staff.user.clone(), st.now_ms());
        l.doc = st
            .store
            .write(move |txn| {
                let mut d = super::store::get_w(txn, doc_id)?.ok_or(Error::NotFound)?;
                let mine: Vec<usize> = d.receipts_of(&u).map(|(i, _)| i).collect();
                for i in mine {
                    mark_opened(&mut d.receipts[i], &u, now);
                }
                super::store::put(txn, &d)?;
                Ok(d)
            })
            .await?;
    }
    crate::notify::opened(st, staff, &super::url(l.doc.id)).await?;
    Ok(render(st, staff, &l, done, fs))
}

pub async fn page(
    State(st): State<Shared>,
    mut staff: Staff,
    Path(id): Path<String>,
    Query(q): Query<Done>,
) -> Result<Response> {
    let m = page_at(&st, &mut staff, &id, &q.done, &FormState::default()).await?;
    Ok(html(m))
}

fn done_text(done: &str) -> Option<&'static str> {
    match done {
        "sent" => Some("公文已发送。"),
        "signed" => Some("已签收。"),
        "remark" => Some("意见已提交。"),
        "reminded" => Some("已向未签收的收文方发送催办提醒。"),
        "forwarded" => Some("已转发。"),
        _ => None,
    }
}

fn size(n: u64) -> String {
    match n {
        n if n >= 1 << 30 => format!("{:.1} GB", n as f64 / f64::from(1u32 << 30)),
        n if n >= 1 << 20 => format!("{:.1} MB", n as f64 / f64::from(1u32 << 20)),
        n if n >= 1 << 10 => format!("{:.0} KB", n as f64 / 1024.0),
        n => format!("{n} 字节"),
    }
}

/// The copies passed on below this document that `u` may follow: all of them for its
/// sender (and the senders above), else those below a copy `u` passed on.
fn visible_descendants<'a>(l: &'a Loaded, u: &User) -> Vec<(usize, &'a Document)> {
    let all = u.id == l.doc.sender || l.ancestors.iter().any(|a| a.sender == u.id);
    let mut path: Vec<(usize, bool)> = Vec::new();
    let mut out = Vec::new();
    for (depth, c) in &l.descendants {
        path.retain(|(d, _)| d < depth);
        let mine = c.sender == u.id;
        if all || mine || path.iter().any(|(_, m)| *m) {
            out.push((*depth, c));
        }
        path.push((*depth, mine));
    }
    out
}

/// Whether `u` may download the document's files: as `Document::may_download` says, or as
/// the sender of a document it was passed on from.
pub fn may_download(d: &Document, l: &Loaded, u: &User) -> bool {
    d.may_download(u) || l.ancestors.iter().any(|x| x.sender == u.id)
}

fn addressee(a: &Addressee, l: &Loaded) -> String {
    a.label(&l.units, &l.users)
}

fn render(st: &Shared, staff: &Staff, l: &Loaded, done: &str, fs: &FormState) -> Markup {
    let d = &l.doc;
    let u = &staff.user;
    let now = st.now_ms();
    let is_sender = u.id == d.sender;
    let mine: Vec<&Receipt> = d.receipts_of(u).map(|(_, r)| r).collect();
    let unsigned = mine.iter().any(|r| !r.is_signed());
    let (total, opened, signed) = d.counts();
    let below = visible_descendants(l, u);
    // Passing on: a unit that received it, has signed, and has units under it.
    let my_unit_receipt = d
        .receipts
        .iter()
        .find(|r| r.to == Addressee::Unit(u.unit.clone()));
    let can_forward = my_unit_receipt.is_some_and(Receipt::is_signed)
        && !recipients::groups(&l.units, Some(&u.unit)).is_empty();
    let body = html! {
        @if let Some(t) = done_text(done) { div.notice.ok role="status" { (t) } }
        (form::notice(fs))
        article.oa-doc {
            dl.kv {
                @if !d.number.is_empty() { dt { "文号" } dd { (d.number) } }
                dt { "紧急程度" } dd { span class=(format!("urgency urgency-{}", d.urgency.id())) { (d.urgency.label()) } }
                dt { "发文单位" } dd { (d.sender_unit_name) "（" (d.sender_name) "）" }
                dt { "发文时间" } dd { (show(d.sent_ms)) }
                @if d.sign_first { dt { "附件" } dd { "签收后可下载" } }
            }
            @if let Some(p) = l.ancestors.first() {
                div.notice role="note" {
                    "本件由" (d.sender_unit_name) "转发，原件：" (p.sender_unit_name) "《" (p.title) "》（" (show(p.sent_ms)) "）"
                    @if !d.forward_note.is_empty() { br; "转发说明：" (d.forward_note) }
                }
            }
            @for para in d.body.split("\n\n").filter(|p| !p.trim().is_empty()) {
                p { @for (i, line) in para.lines().enumerate() { @if i > 0 { br; } (line) } }
            }
            @if !d.attachments.is_empty() {
                h2 { "附件" }
                ul.attachments {
                    @for (n, a) in d.attachments.iter().enumerate() {
                        li {
                            @if may_download(d, l, u) {
                                a href=(format!("/oa/docs/{}/files/{}", d.id, n)) download { "下载 " (a.name) }
                            } @else {
                                (a.name) " " span.meta { "（签收后可下载）" }
                            }
                            " " span.meta { (size(a.size)) }
                        }
                    }
                }
            }
        }
        @if !mine.is_empty() {
            section.oa-receipt aria-labelledby="h-receipt" {
                h2 #h-receipt { "我的签收" }
                @if unsigned {
                    @if let Some(due) = mine.iter().find_map(|r| r.due_ms) {
                        p { "请于 " strong { (show(due)) } " 前签收。" }
                    }
                    form method="post" action=(format!("/oa/docs/{}/sign", d.id)) {
                        (form::csrf(&staff.csrf))
                        button type="submit" { "签收" }
                    }
                } @else {
                    @for r in &mine {
                        @if let Some(s) = r.signed() {
                            p { (addressee(&r.to, l)) "：已于 " (show(s.at_ms)) " 由 " (s.by_name) " 签收" }
                        }
                    }
                }
            }
        }
        section.oa-remarks aria-labelledby="h-remarks" {
            h2 #h-remarks { "批阅意见" }
            @let visible: Vec<_> = d.remarks_for(u).collect();
            @if visible.is_empty() { p.empty { "暂无意见。" } }
            ul.remarks {
                @for r in visible {
                    li { p { (r.text) } p.meta { (r.by_name) "（" (l.units.name(&r.by_unit)) "） " (show(r.at_ms)) } }
                }
            }
            @if !mine.is_empty() || is_sender {
                form method="post" action=(format!("/oa/docs/{}/remark", d.id)) {
                    (form::csrf(&staff.csrf))
                    @let err = fs.error("text");
                    div.field.has-error[err.is_some()] {
                        label for="f-text" { "我的意见" }
                        @if let Some(e) = err { p.error #f-text-err role="alert" { (e) } }
                        textarea #f-text name="text" rows="3" aria-invalid=[err.map(|_| "true")] aria-describedby=[err.map(|_| "f-text-err")] { (fs.value("text")) }
                    }
                    p.hint { @if d.remarks_open { "意见对发文人和所有收文方可见。" } @else { "意见对发文人和本单位可见。" } }
                    button type="submit" { "提交意见" }
                }
            }
        }
        @if can_forward {
            section.oa-forward aria-labelledby="h-forward" {
                h2 #h-forward { "转发下级单位" }
                form method="post" action=(format!("/oa/docs/{}/forward", d.id)) {
                    (form::csrf(&staff.csrf))
                    (recipients::picker("转发给", &l.units, Some(&u.unit), false, fs))
                    div.field {
                        label for="f-note" { "转发说明" }
                        textarea #f-note name="note" rows="2" { (fs.value("note")) }
                    }
                    button type="submit" { "转发" }
                }
            }
        }
        @if is_sender {
            section.oa-sent aria-labelledby="h-sent" {
                h2 #h-sent { "签收情况" }
                p { "共 " (total) " 个收文方：已打开 " (opened) "，已签收 " (signed) "，未签收 " (total - signed) "。" }
                (receipts_table(&d.receipts, &l.units, &l.users, now, "各收文方签收情况"))
                @if signed < total {
                    form method="post" action=(format!("/oa/docs/{}/remind", d.id)) {
                        (form::csrf(&staff.csrf))
                        button type="submit" { "催办未签收的 " (total - signed) " 个收文方" }
                    }
                }
            }
        }
        @if !below.is_empty() || !l.ancestors.is_empty() {
            section.oa-chain aria-labelledby="h-chain" {
                h2 #h-chain { "转发链" }
                ol.chain {
                    @for a in l.ancestors.iter().rev() {
                        li { (a.sender_unit_name) " 发出 " (show(a.sent_ms)) "：《" (a.title) "》" }
                    }
                    li aria-current="true" { (d.sender_unit_name) (if l.ancestors.is_empty() { " 发出 " } else { " 转发 " }) (show(d.sent_ms)) "（本件）" }
                }
                @for (depth, c) in &below {
                    @let (t, _, s) = c.counts();
                    div.chain-step {
                        h3 { "第 " (depth) " 级转发：" (c.sender_unit_name) " " (show(c.sent_ms)) "，已签收 " (s) "/" (t) }
                        (receipts_table(&c.receipts, &l.units, &l.users, now, &format!("{}于{}转发后的签收情况", c.sender_unit_name, show(c.sent_ms))))
                    }
                }
            }
        }
        p { a href="/oa/docs" { "返回公文列表" } }
    };
    home::render(st, staff, &d.title, "/oa/docs", body)
}
