//! 拟发公文: the sending form (title, 文号, urgency, body, attachments, recipients) and
//! sending, which files the document in every box, notifies each recipient's people and
//! audits it, in one transaction.

use axum::extract::{Request, State};
use axum::response::Response;
use maud::{Markup, html};

use super::model::{Attachment, Document, Urgency};
use crate::auth::audit;
use crate::auth::permission::{Action, Object};
use crate::auth::units::Units;
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::Staff;
use crate::http::respond::{html as page, html_invalid, see_other};
use crate::intranet::boxes::{self, BoxKind, Entry};
use crate::intranet::model::Addressee;
use crate::intranet::receipt::Receipt;
use crate::intranet::{home, recipients};
use crate::notify::store::{NewNotice, NoticeKind};
use crate::publishing::editor::received::{MAX_FILE, Rules, Upload};
use crate::staff::shell::{event, require};
use crate::views::form::{self, Field, FormState};

const TITLE_MAX: usize = 200;
const NUMBER_MAX: usize = 60;
const BODY_MAX: usize = 50_000;

/// The units and every account, read once for a form.
pub async fn people(st: &Shared) -> Result<(Units, Vec<crate::auth::model::User>)> {
    st.store
        .read(|txn| {
            Ok((
                Units::new(crate::auth::store::list_units(txn)?),
                crate::auth::store::list_users(txn)?,
            ))
        })
        .await
}

/// GET /oa/docs/new
pub async fn form(State(st): State<Shared>, staff: Staff) -> Result<Response> {
    require(&st, &staff, Action::UseIntranet, Object::System).await?;
    let (units, _) = people(&st).await?;
    let mut fs = FormState::default();
    fs.values
        .push(("urgency".into(), Urgency::Normal.id().into()));
    Ok(page(render(&st, &staff, &units, &fs)))
}

fn render(st: &Shared, staff: &Staff, units: &Units, fs: &FormState) -> Markup {
    let cur = fs.value("urgency");
    let urgency_err = fs.error("urgency");
    let body_err = fs.error("body");
    let files_err = fs.error("files");
    let checked = |name: &str| fs.value(name) == "on";
    let body = html! {
        (home::unclassified_note())
        (form::notice(fs))
        form.oa-doc method="post" action="/oa/docs/new" enctype="multipart/form-data" {
            (form::csrf(&staff.csrf))
            (form::field(&Field::new("title", "标题"), fs))
            (form::field(&Field::new("number", "文号").optional().hint("如：区府办发〔2026〕12号；内部通知可不填。"), fs))
            fieldset.has-error[urgency_err.is_some()] #f-urgency {
                legend { "紧急程度" }
                @if let Some(e) = urgency_err { p.error role="alert" { (e) } }
                @for u in Urgency::ALL {
                    @let id = format!("urgency-{}", u.id());
                    div.check {
                        input type="radio" id=(id) name="urgency" value=(u.id()) checked[cur == u.id()];
                        label for=(id) { (u.label()) "（" (u.rule()) "）" }
                    }
                }
            }
            div.field.has-error[body_err.is_some()] {
                label for="f-body" { "正文" }
                p.hint #f-body-hint { "正文与附件至少有一项。" }
                @if let Some(e) = body_err { p.error #f-body-err role="alert" { (e) } }
                textarea #f-body name="body" rows="12"
                    aria-describedby=(if body_err.is_some() { "f-body-hint f-body-err" } else { "f-body-hint" })
                    aria-invalid=[body_err.map(|_| "true")] { (fs.value("body")) }
            }
            div.field.has-error[files_err.is_some()] {
                label for="f-files" { "附件" }
                p.hint #f-files-hint { "可选多个文件，每个不超过 " (MAX_FILE / (1024 * 1024)) " MB；更大的文件请用“文件传输”发送。" }
                @if let Some(e) = files_err { p.error #f-files-err role="alert" { (e) } }
                input #f-files type="file" name="files" multiple
                    aria-describedby=(if files_err.is_some() { "f-files-hint f-files-err" } else { "f-files-hint" });
            }
            div.check {
                input type="checkbox" id="f-sign_first" name="sign_first" checked[checked("sign_first")];
                label for="f-sign_first" { "收文方签收后才能下载附件" }
            }
            div.check {
                input type="checkbox" id="f-remarks_open" name="remarks_open" checked[checked("remarks_open")];
                label for="f-remarks_open" { "批阅意见对所有收文方可见（否则只有发文人和意见所在单位可见）" }
            }
            (recipients::picker("发送给", units, None, true, fs))
            button type="submit" { "发送公文" }
        }
    };
    home::render(st, staff, "拟发公文", "/oa/docs", body)
}

/// What a valid form says.
struct Draft {
    title: String,
    number: String,
    urgency: Urgency,
    body: String,
    sign_first: bool,
    remarks_open: bool,
    to: Vec<Addressee>,
}

fn parse(
    fields: &[(String, String)],
    units: &Units,
    users: &[crate::auth::model::User],
    has_files: bool,
) -> std::result::Result<Draft, FormState> {
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let mut fs = FormState {
        values: fields
            .iter()
            .filter(|(k, _)| k != "csrf")
            .cloned()
            .collect(),
        ..Default::default()
    };
    let title = get("title");
    if title.is_empty() {
        fs.add_error("title", "请填写标题");
    } else if title.chars().count() > TITLE_MAX {
        fs.add_error("title", format!("标题不能超过 {TITLE_MAX} 个字"));
    }
    let number = get("number");
    if number.chars().count() > NUMBER_MAX {
        fs.add_error("number", format!("文号不能超过 {NUMBER_MAX} 个字"));
    }
    let urgency = Urgency::parse(&get("urgency"));
    if urgency.is_none() {
        fs.add_error("urgency", "请选择紧急程度");
    }
    let body = get("body");
    if body.chars().count() > BODY_MAX {
        fs.add_error("body", format!("正文不能超过 {BODY_MAX} 个字"));
    } else if body.is_empty() && !has_files {
        fs.add_error("body", "请填写正文或添加附件");
    }
    let to = match recipients::parse(fields, units, users, None) {
        Ok(to) => to,
        Err(errs) => {
            fs.errors.extend(errs);
            Vec::new()
        }
    };
    match urgency {
        Some(urgency) if !fs.has_errors() => Ok(Draft {
            title,
            number,
            urgency,
            body,
            sign_first: get("sign_first") == "on",
            remarks_open: get("remarks_open") == "on",
            to,
        }),
        _ => Err(fs),
    }
}

/// POST /oa/docs/new (multipart: the token first, then fields and files)
pub async fn send(State(st): State<Shared>, req: Request) -> Result<Response> {
    let up = Upload::read(
        req,
        &st,
        Rules {
            max_file: MAX_FILE,
            images_only: false,
            keeps_text: false,
        },
    )
    .await?;
    let staff = up.staff.clone();
    require(&st, &staff, Action::UseIntranet, Object::System).await?;
    let (units, users) = people(&st).await?;
    let refusal = up.refusal();
    let draft = parse(&up.posted.fields, &units, &users, !up.files.is_empty());
    let draft = match (draft, refusal) {
        (Ok(d), None) => d,
        (result, refusal) => {
            let mut fs = match result {
                Err(fs) => fs,
                Ok(_) => FormState {
                    values: up.posted.kept(),
                    ..Default::default()
                },
            };
            if let Some(r) = refusal {
                fs.add_error("files", r);
            } else if !up.files.is_empty() {
                fs.add_error("files", "附件未保存，请改正后重新选择。");
            }
            return Ok(html_invalid(render(&st, &staff, &units, &fs)));
        }
    };
    let ctx = up.posted.ctx.clone();
    let stored = up.commit(&st).await?;
    let attachments: Vec<Attachment> = stored
        .into_iter()
        .map(|(_, a)| Attachment {
            sha: a.sha,
            name: a.name,
            size: a.size,
        })
        .collect();
    let now = st.now_ms();
    let due = draft.urgency.sign_by(now, &st.calendar());
    let u = staff.user.clone();
    let unit_name = units.name(&u.unit);
    let ev = event(
        &u,
        &ctx,
        "oa_doc_send",
        String::new(),
        true,
        format!("《{}》发往 {} 个收文方", draft.title, draft.to.len()),
    );
    let id = st
        .store
        .write(move |txn| {
            let id = crate::store::next_id(txn, "oa_doc")?;
            let d = Document {
                id,
                title: draft.title,
                number: draft.number,
                urgency: draft.urgency,
                body: draft.body,
                attachments,
                sender: u.id,
                sender_name: crate::intranet::model::person_name(&u),
                sender_unit: u.unit.clone(),
                sender_unit_name: unit_name,
                sent_ms: now,
                sign_first: draft.sign_first,
                remarks_open: draft.remarks_open,
                receipts: draft
                    .to
                    .iter()
                    .map(|a| Receipt::new(a.clone(), due))
                    .collect(),
                remarks: Vec::new(),
                forwarded_from: None,
                forwards: Vec::new(),
                forward_note: String::new(),
            };
            deliver(txn, &d, now)?;
            let ev = audit::Event {
                object: format!("oa_doc:{id}"),
                ..ev
            };
            audit::append(txn, ev, now)?;
            Ok(id)
        })
        .await?;
    Ok(see_other(&format!("{}?done=sent", super::url(id))))
}

/// Saves a new document (sent or passed on), files it in every box, counts its files'
/// references and tells every recipient's people it waits for them.
pub fn deliver(txn: &redb::WriteTransaction, d: &Document, now: i64) -> Result<()> {
    if d.receipts.is_empty() {
        return Err(Error::BadRequest("没有收文方".into()));
    }
    super::store::put(txn, d)?;
    let to: Vec<Addressee> = d.receipts.iter().map(|r| r.to.clone()).collect();
    boxes::file(
        txn,
        Entry {
            kind: BoxKind::Document,
            id: d.id,
            sent_ms: d.sent_ms,
        },
        d.sender,
        &to,
    )?;
    let shas: Vec<String> = d.attachments.iter().map(|a| a.sha.clone()).collect();
    crate::portal::store::adjust_refs(txn, &[], &shas)?;
    let due = d.receipts.first().and_then(|r| r.due_ms);
    recipients::tell(
        txn,
        &to,
        Some(d.sender),
        &NewNotice {
            kind: NoticeKind::Waiting,
            title: format!("公文待签收：{}", d.title),
            text: format!(
                "{}（{}）发来{}公文{}",
                d.sender_name,
                d.sender_unit_name,
                d.urgency.label(),
                if d.number.is_empty() {
                    String::new()
                } else {
                    format!("，文号 {}", d.number)
                }
            ),
            url: super::url(d.id),
            due_ms: due,
        },
        now,
    )?;
    Ok(())
}
