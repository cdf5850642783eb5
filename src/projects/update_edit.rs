//! 修改进展: an update sent back (已退回) is corrected by whoever may 报送 it again (its writer,
//! or a writer of its unit) and goes back to the unit's review in the same step. Its photos
//! are kept; more may be added, typed by their bytes as on the new-update form
//! (`update_form`). Nothing is saved when a field or a photo is refused.

use axum::extract::{Path, Request, State};
use axum::response::Response;

use super::flow::{actor, available, definition};
use super::model::{Project, Status, Update};
use super::public::{load_units, show_date};
use super::store;
use super::update_form::{
    Form, MAX_PHOTOS, Received, commit, form_view, is_multipart, parse, plain, receive,
};
use crate::auth::audit;
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::{Ctx, Staff};
use crate::http::respond::{html as page_resp, html_invalid, see_other};
use crate::publishing::flow::action::SUBMIT;
use crate::staff::shell::event;
use crate::views::form::FormState;

/// The update and its project, for someone who may send it to review again now.
async fn editable(st: &Shared, s: &Staff, id: &str) -> Result<(Update, Project)> {
    let id: u64 = id.parse().map_err(|_| Error::NotFound)?;
    let u = st
        .store
        .read(move |txn| store::get_update(txn, id))
        .await?
        .ok_or(Error::NotFound)?;
    let pid = u.project;
    let p = st
        .store
        .read(move |txn| store::get(txn, pid))
        .await?
        .ok_or(Error::NotFound)?;
    let units = load_units(st).await?;
    if !available(&s.user, &u, &units)
        .iter()
        .any(|t| t.id == SUBMIT)
    {
        return Err(Error::Forbidden(
            "只有被退回或尚未报送的进展可以由本单位信息员修改。".into(),
        ));
    }
    Ok((u, p))
}

fn values(u: &Update) -> Vec<(String, String)> {
    vec![
        ("date".into(), show_date(u.date)),
        ("text".into(), u.text.clone()),
        ("percent".into(), u.percent.get().to_string()),
        ("status".into(), u.status.key().into()),
        ("delay_reason".into(), u.delay_reason.clone()),
    ]
}

/// GET /admin/projects/updates/{id}/edit
async fn page(State(st): State<Shared>, s: Staff, Path(id): Path<String>) -> Result<Response> {
    let (u, p) = editable(&st, &s, &id).await?;
    let fs = FormState {
        values: values(&u),
        ..Default::default()
    };
    Ok(page_resp(form_view(&st, &s, &p, &fs, Some(&u))))
}

/// POST /admin/projects/updates/{id}/edit (multipart)
async fn post(State(st): State<Shared>, Path(id): Path<String>, req: Request) -> Result<Response> {
    let (mut parts, body) = req.into_parts();
    if !crate::http::extract::same_origin(&parts.headers) {
        return Err(Error::Csrf);
    }
    let ctx = <Ctx as axum::extract::FromRequestParts<Shared>>::from_request_parts(&mut parts, &st)
        .await?;
    let s = ctx.staff(&st)?;
    let req = Request::from_parts(parts, body);
    let form = if is_multipart(&req) {
        Form::Parts(crate::http::upload_form::after_token(req, &st, &s.csrf).await?)
    } else {
        Form::Plain(plain(req, &s.csrf).await?)
    };
    let (u, p) = editable(&st, &s, &id).await?;
    let mut got = match form {
        Form::Parts(mp) => receive(mp, &st, &s.csrf).await?,
        Form::Plain(fields) => Received {
            fields,
            photos: Vec::new(),
            refused: Vec::new(),
        },
    };
    let room = MAX_PHOTOS.saturating_sub(u.photos.len());
    if got.photos.len() > room {
        got.refused.push(format!(
            "每条进展最多 {MAX_PHOTOS} 张照片，还可添加 {room} 张"
        ));
    }
    let mut fs = FormState {
        values: got
            .fields
            .iter()
            .filter(|(k, _)| k != "csrf")
            .cloned()
            .collect(),
        ..Default::default()
    };
    let parsed = parse(&got.fields, &mut fs);
    if !got.refused.is_empty() {
        fs.add_error("photos", got.refused.join("；"));
    }
    let Some((date, text, percent, status, reason)) = parsed.filter(|_| got.refused.is_empty())
    else {
        return Ok(html_invalid(form_view(&st, &s, &p, &fs, Some(&u))));
    };
    let added = commit(&st, got.photos).await?;
    let units = load_units(&st).await?;
    let who = actor(&s.user, &u, &units);
    let reviewers = super::review::reviewers_of(&st, &units, &u.unit).await?;
    let (user, title, uid, now) = (s.user.clone(), p.title.clone(), u.id, st.now_ms());
    st.store
        .write(move |txn| {
            let mut cur = store::get_update_w(txn, uid)?.ok_or(Error::NotFound)?;
            crate::flow::apply(definition(), &mut cur.flow, SUBMIT, &who, "", now)
                .map_err(|e| Error::Conflict(e.to_string()))?;
            cur.date = date;
            cur.text = text;
            cur.percent = percent;
            cur.status = status;
            cur.delay_reason = if status == Status::Delayed {
                reason
            } else {
                String::new()
            };
            cur.photos.extend(added);
            let (cur, _) = store::put_update(txn, cur, now)?;
            let ev = event(
                &user,
                &ctx,
                "project_update_edit",
                format!("project_update:{}", cur.id),
                true,
                format!("修改后重新报送“{title}”进展"),
            );
            audit::append(txn, ev, now)?;
            super::review::tell(txn, &reviewers, &title, cur.id, "进展待审核", now)
        })
        .await?;
    Ok(see_other(&format!("/admin/projects/updates/{uid}")))
}

pub fn router() -> crate::http::routes::Routes {
    crate::http::routes::Routes::new().get("/admin/projects/updates/{id}/edit", page)
}

/// The form with photos, under the upload group's body limit.
pub fn upload_router() -> crate::http::routes::Routes {
    crate::http::routes::Routes::new().post("/admin/projects/updates/{id}/edit", post)
}
