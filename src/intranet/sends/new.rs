//! 发送文件: choose some of my files, a message and the recipients; sending files it in every
//! box, takes its own reference to each file's bytes, tells every recipient's people and
//! audits it, in one transaction.

use axum::extract::{Query, State};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::model::{FileSend, SentFile};
use crate::auth::audit;
use crate::auth::permission::{Action, Object};
use crate::auth::units::Units;
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::{Posted, Staff};
use crate::http::respond::{html as page, html_invalid, see_other};
use crate::intranet::boxes::{self, BoxKind, Entry};
use crate::intranet::files::model::OaFile;
use crate::intranet::files::quota::size_text;
use crate::intranet::model::person_name;
use crate::intranet::receipt::Receipt;
use crate::intranet::{home, recipients};
use crate::notify::store::{NewNotice, NoticeKind};
use crate::staff::shell::{event, require};
use crate::views::form::{self, FormState};

const MESSAGE_MAX: usize = 2000;

#[derive(Deserialize, Default)]
pub struct Pick {
    #[serde(default)]
    file: Option<u64>,
}

/// My files that may still be sent, and the units and people.
async fn load(
    st: &Shared,
    s: &Staff,
) -> Result<(Vec<OaFile>, Units, Vec<crate::auth::model::User>)> {
    let (me, now) = (s.user.id, st.now_ms());
    st.store
        .read(move |txn| {
            let files = crate::intranet::files::store::files_of(txn, me)?
                .into_iter()
                .filter(|f| f.expires_ms > now)
                .collect();
            Ok((
                files,
                Units::new(crate::auth::store::list_units(txn)?),
                crate::auth::store::list_users(txn)?,
            ))
        })
        .await
}

/// GET /oa/sends/new
pub async fn form(
    State(st): State<Shared>,
    staff: Staff,
    Query(q): Query<Pick>,
) -> Result<Response> {
    require(&st, &staff, Action::UseIntranet, Object::System).await?;
    let (files, units, _) = load(&st, &staff).await?;
    let mut fs = FormState::default();
    if let Some(id) = q.file {
        fs.values.push(("file".into(), id.to_string()));
    }
    Ok(page(render(&st, &staff, &files, &units, &fs)))
}

fn render(st: &Shared, staff: &Staff, files: &[OaFile], units: &Units, fs: &FormState) -> Markup {
    let chosen: Vec<&str> = fs
        .values
        .iter()
        .filter(|(k, _)| k == "file")
        .map(|(_, v)| v.as_str())
        .collect();
    let files_err = fs.error("file");
    let msg_err = fs.error("message");
    let body = html! {
        (home::unclassified_note())
        (form::notice(fs))
        @if files.is_empty() {
            @if let Some(e) = files_err { p.error role="alert" { (e) } }
            p.empty { "还没有可发送的文件。请先在" a href="/oa/transfer" { "文件传输" } "页面上传。" }
        } @else {
            form method="post" action="/oa/sends/new" {
                (form::csrf(&staff.csrf))
                fieldset.has-error[files_err.is_some()] #f-file {
                    legend { "选择要发送的文件" }
                    @if let Some(e) = files_err { p.error role="alert" { (e) } }
                    @for f in files {
                        @let id = format!("file-{}", f.id);
                        div.check {
                            input type="checkbox" id=(id) name="file" value=(f.id) checked[chosen.contains(&f.id.to_string().as_str())];
                            label for=(id) { (f.name) " （" (size_text(f.size)) "）" }
                        }
                    }
                }
                div.field.has-error[msg_err.is_some()] {
                    label for="f-message" { "附言" }
                    @if let Some(e) = msg_err { p.error #f-message-err role="alert" { (e) } }
                    textarea #f-message name="message" rows="3" aria-invalid=[msg_err.map(|_| "true")]
                        aria-describedby=[msg_err.map(|_| "f-message-err")] { (fs.value("message")) }
                }
                (recipients::picker("发送给", units, None, true, fs))
                p.hint { "收件方签收并下载后，您可以在发送记录中看到；文件保留 " (st.cfg().intranet.file_keep_days) " 天。" }
                button type="submit" { "发送文件" }
            }
        }
    };
    home::render(st, staff, "发送文件", "/oa/transfer", body)
}

/// POST /oa/sends/new
pub async fn send(State(st): State<Shared>, p: Posted) -> Result<Response> {
    let staff = p.staff(&st)?;
    require(&st, &staff, Action::UseIntranet, Object::System).await?;
    let (files, units, users) = load(&st, &staff).await?;
    let mut fs = FormState {
        values: p.kept(),
        ..Default::default()
    };
    let mut picked: Vec<OaFile> = Vec::new();
    for v in p.all("file") {
        match v
            .parse::<u64>()
            .ok()
            .and_then(|id| files.iter().find(|f| f.id == id))
        {
            Some(f) if !picked.iter().any(|x| x.id == f.id) => picked.push(f.clone()),
            Some(_) => {}
            None => fs.add_error("file", "所选文件不存在或已过期，请重新选择"),
        }
    }
    if picked.is_empty() && fs.error("file").is_none() {
        fs.add_error("file", "请至少选择一个文件");
    }
    let message = p.get("message").trim().to_owned();
    if message.chars().count() > MESSAGE_MAX {
        fs.add_error("message", format!("附言不能超过 {MESSAGE_MAX} 个字"));
    }
    let to = match recipients::parse(&p.fields, &units, &users, None) {
        Ok(to) => to,
        Err(errs) => {
            fs.errors.extend(errs);
            Vec::new()
        }
    };
    if fs.has_errors() {
        return Ok(html_invalid(render(&st, &staff, &files, &units, &fs)));
    }
    let now = st.now_ms();
    let keep = i64::try_from(st.cfg().intranet.file_keep_days)
        .unwrap_or(30)
        .saturating_mul(86_400_000);
    let u = staff.user.clone();
    let unit_name = units.name(&u.unit);
    let ev = event(&u, &p.ctx, "oa_send", String::new(), true, String::new());
    let id = st
        .store
        .write(move |txn| {
            let id = crate::store::next_id(txn, "oa_send")?;
            let s = FileSend {
                id,
                sender: u.id,
                sender_name: person_name(&u),
                sender_unit: u.unit.clone(),
                sender_unit_name: unit_name,
                files: picked
                    .iter()
                    .map(|f| SentFile {
                        sha: f.sha.clone(),
                        name: f.name.clone(),
                        size: f.size,
                    })
                    .collect(),
                message,
                sent_ms: now,
                expires_ms: now.saturating_add(keep),
                receipts: to.iter().map(|a| Receipt::new(a.clone(), None)).collect(),
            };
            for f in &s.files {
                crate::intranet::files::store::ref_blob(txn, &f.sha)?;
            }
            super::store::put(txn, &s)?;
            boxes::file(
                txn,
                Entry {
                    kind: BoxKind::FileSend,
                    id,
                    sent_ms: now,
                },
                s.sender,
                &to,
            )?;
            recipients::tell(
                txn,
                &to,
                Some(s.sender),
                &NewNotice {
                    kind: NoticeKind::Waiting,
                    title: format!("文件待接收：{}", s.title()),
                    text: format!(
                        "{}（{}）发来 {} 个文件，共 {}",
                        s.sender_name,
                        s.sender_unit_name,
                        s.files.len(),
                        size_text(s.total_size())
                    ),
                    url: super::url(id),
                    due_ms: None,
                },
                now,
            )?;
            let detail = s
                .files
                .iter()
                .map(|f| format!("{}（{} 字节，SHA-256 {}）", f.name, f.size, f.sha))
                .collect::<Vec<_>>()
                .join("；");
            let ev = audit::Event {
                object: format!("oa_send:{id}"),
                detail: format!("发往 {} 个收件方：{detail}", to.len()),
                ..ev
            };
            audit::append(txn, ev, now)?;
            if s.receipts.is_empty() {
                return Err(Error::BadRequest("没有收件方".into()));
            }
            Ok(id)
        })
        .await?;
    Ok(see_other(&format!("{}?done=sent", super::url(id))))
}
