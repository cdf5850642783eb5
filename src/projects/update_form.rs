//! 报送进展: a writer of the responsible unit writes a progress update (date, text, new
//! percent, new status, the reason when 延期, photos) and sends it to the unit's review in one
//! step (`flow::SUBMIT`). The form carries files, so it is read here: the session first (an
//! anonymous post is sent to log in unread), then the project and the permission, then the
//! `csrf` part (`http::upload_form`), then the photos — each streamed to a temp file within
//! its size limit and typed by its bytes: only PNG, JPEG, GIF and WebP are taken, whatever
//! the name says. Any refused photo or field error brings the form back (422) with nothing
//! saved.

use axum::extract::{Path, Request, State};
use axum::response::Response;
use maud::{Markup, html};

use super::access::writes_for;
use super::model::{Percent, Project, Status, Update};
use super::public::{load_units, show_date, today};
use super::store;
use crate::auth::audit;
use crate::disclosure::fields::{date as date_field, radios, text, textarea};
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::{Ctx, Staff};
use crate::http::respond::{html as page_resp, html_invalid, see_other};
use crate::portal::model::Attachment;
use crate::staff::shell::{event, render};
use crate::store::blobs::Staged;
use crate::views::form::{Field, FormState, csrf, field, notice};

/// One photo at most this size.
pub const MAX_PHOTO: usize = 8 * 1024 * 1024;
/// At most this many photos in one update.
pub const MAX_PHOTOS: usize = 6;
/// The whole form at most this size (the upload group's body limit).
pub const MAX_REQUEST: usize = MAX_PHOTOS * MAX_PHOTO + 1024 * 1024;

fn status_options() -> Vec<(&'static str, &'static str)> {
    Status::ALL.iter().map(|s| (s.key(), s.label())).collect()
}

/// The form: a new update for `p`, or `editing` one sent back (its photos kept, more may be
/// added).
pub(super) fn form_view(
    st: &Shared,
    s: &Staff,
    p: &Project,
    fs: &FormState,
    editing: Option<&Update>,
) -> Markup {
    let action = editing.map_or_else(
        || format!("/admin/projects/{}/updates", p.id),
        |u| format!("/admin/projects/updates/{}/edit", u.id),
    );
    let kept = editing.map_or(0, |u| u.photos.len());
    let body = html! {
        p { a href=(format!("/admin/projects/{}", p.id)) { "返回项目" } }
        p.hint { "报送后由本单位审核人审核、发布人发布，发布后才在网站公开，并更新项目的公开进度和状态。" }
        (notice(fs))
        @if kept > 0 { p.hint { "已有 " (kept) " 张照片，保留不变；可以再添加。" } }
        form method="post" action=(action) enctype="multipart/form-data" novalidate {
            (csrf(&s.csrf))
            (field(&Field::new("date", "进展日期").kind("date").hint("年-月-日，如 2026-11-20"), fs))
            (textarea("text", "进展情况", true, 2000, 5, "", fs))
            (field(&Field::new("percent", "完成进度（%）").kind("number").hint("0 到 100 的整数"), fs))
            (radios("status", "项目状态", &status_options(), fs))
            (textarea("delay_reason", "延期原因", false, 500, 3, "状态为“延期”时必须填写", fs))
            @let err = fs.error("photos");
            div.field.has-error[err.is_some()] {
                label for="f-photos" { "现场照片" }
                p.hint #f-photos-hint { "可选，最多 " (MAX_PHOTOS) " 张，每张不超过 " (MAX_PHOTO / (1024 * 1024)) " MB；只接受 JPG、PNG、GIF、WebP 图片（按文件内容判断）。" }
                @if let Some(e) = err { p.error #f-photos-err role="alert" { (e) } }
                input #f-photos type="file" name="photos" multiple accept="image/png,image/jpeg,image/gif,image/webp"
                    aria-invalid=[err.map(|_| "true")]
                    aria-describedby=(if err.is_some() { "f-photos-err f-photos-hint" } else { "f-photos-hint" });
            }
            button.primary type="submit" { @if editing.is_some() { "修改后重新报送" } @else { "报送审核" } }
        }
    };
    let title = if editing.is_some() {
        "修改进展"
    } else {
        "报送进展"
    };
    render(st, s, &format!("{title}：{}", p.title), body)
}

/// The project, for someone who writes for its unit.
pub(super) async fn project_for(st: &Shared, s: &Staff, id: &str) -> Result<Project> {
    let id: u64 = id.parse().map_err(|_| Error::NotFound)?;
    let p = st
        .store
        .read(move |txn| store::get(txn, id))
        .await?
        .ok_or(Error::NotFound)?;
    let units = load_units(st).await?;
    if !writes_for(&s.user, &units, &p.unit) {
        return Err(Error::Forbidden(
            "只有项目责任单位的信息员、审核人和发布人可以报送进展。".into(),
        ));
    }
    Ok(p)
}

/// GET /admin/projects/{id}/updates/new
async fn new_form(State(st): State<Shared>, s: Staff, Path(id): Path<String>) -> Result<Response> {
    let p = project_for(&st, &s, &id).await?;
    let fs = FormState {
        values: vec![
            ("date".into(), show_date(today(st.now_ms()))),
            ("percent".into(), p.progress.percent.get().to_string()),
            ("status".into(), p.progress.status.key().into()),
        ],
        ..Default::default()
    };
    Ok(page_resp(form_view(&st, &s, &p, &fs, None)))
}

fn broken(_: axum::extract::multipart::MultipartError) -> Error {
    Error::BadRequest("上传的表单不完整，请重新选择照片后再试".into())
}

/// The form's text fields, its accepted photos (staged) and why photos were refused.
pub(super) struct Received {
    pub(super) fields: Vec<(String, String)>,
    pub(super) photos: Vec<(String, Staged)>,
    pub(super) refused: Vec<String>,
}

pub(super) async fn receive(
    mut mp: axum::extract::Multipart,
    st: &Shared,
    token: &str,
) -> Result<Received> {
    let mut out = Received {
        fields: vec![("csrf".to_owned(), token.to_owned())],
        photos: Vec::new(),
        refused: Vec::new(),
    };
    let mut total = 0usize;
    while let Some(mut f) = mp.next_field().await.map_err(broken)? {
        let name = f.name().unwrap_or("").to_owned();
        let Some(fname) = f.file_name().map(clean_name) else {
            let v = f.text().await.map_err(broken)?;
            total += v.len();
            if total > 64 * 1024 {
                return Err(Error::TooLarge);
            }
            out.fields.push((name, v));
            continue;
        };
        if fname.is_empty() {
            // An empty file input.
            while f.chunk().await.map_err(broken)?.is_some() {}
            continue;
        }
        if out.photos.len() >= MAX_PHOTOS {
            out.refused
                .push(format!("最多上传 {MAX_PHOTOS} 张照片，“{fname}”未上传"));
            while f.chunk().await.map_err(broken)?.is_some() {}
            continue;
        }
        let mut staged = Some(st.store.blobs().stage().await?);
        while let Some(c) = f.chunk().await.map_err(broken)? {
            let Some(s) = staged.as_mut() else { continue };
            if usize::try_from(s.size()).unwrap_or(usize::MAX) + c.len() > MAX_PHOTO {
                staged = None;
                continue;
            }
            s.write(&c).await?;
        }
        let Some(mut s) = staged else {
            out.refused.push(format!(
                "“{fname}”超过 {} MB，未上传",
                MAX_PHOTO / (1024 * 1024)
            ));
            continue;
        };
        s.finish().await?;
        if !s.kind().is_raster() {
            out.refused.push(format!(
                "“{fname}”不是 JPG、PNG、GIF 或 WebP 图片（按文件内容判断），未上传"
            ));
            continue;
        }
        out.photos.push((fname, s));
    }
    Ok(out)
}

/// The file name as sent, without folders or control characters, at most 100 characters.
fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    base.chars()
        .filter(|c| !c.is_control())
        .take(100)
        .collect::<String>()
        .trim()
        .to_owned()
}

/// The update the fields describe, or `None` with the errors in `fs`.
pub(super) fn parse(
    fields: &[(String, String)],
    fs: &mut FormState,
) -> Option<(time::Date, String, Percent, Status, String)> {
    let date = date_field(fields, fs, "date", "进展日期", true);
    let body = text(fields, fs, "text", "进展情况", 2000, true);
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map_or("", |(_, v)| v.as_str())
    };
    let percent = match Percent::parse(get("percent")) {
        Ok(p) => Some(p),
        Err(e) => {
            fs.add_error("percent", e);
            None
        }
    };
    let status = Status::parse(get("status").trim());
    if status.is_none() {
        fs.add_error("status", "请选择项目状态");
    }
    let reason = text(fields, fs, "delay_reason", "延期原因", 500, false);
    if status == Some(Status::Delayed) && reason.is_empty() {
        fs.add_error("delay_reason", "状态为“延期”时必须填写延期原因");
    }
    if status == Some(Status::Done) && percent.is_some_and(|p| p.get() != 100) {
        fs.add_error("percent", "状态为“已完成”时完成进度应为 100");
    }
    if fs.has_errors() {
        return None;
    }
    Some((date?, body, percent?, status?, reason))
}

/// The form as sent: with photos (its parts after the token), or without (a plain form,
/// e.g. from a client that sends no files, its token checked the same way).
pub(super) enum Form {
    Parts(axum::extract::Multipart),
    Plain(Vec<(String, String)>),
}

pub(super) fn is_multipart(req: &Request) -> bool {
    req.headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("multipart/form-data"))
}

/// A urlencoded post's fields, once its `csrf` field matches the session's token.
pub(super) async fn plain(req: Request, token: &str) -> Result<Vec<(String, String)>> {
    let bytes = axum::body::to_bytes(req.into_body(), 64 * 1024)
        .await
        .map_err(|_| Error::TooLarge)?;
    let fields: Vec<(String, String)> = form_urlencoded::parse(&bytes)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let given = fields
        .iter()
        .find(|(k, _)| k == "csrf")
        .map_or("", |(_, v)| v.as_str());
    if given.is_empty() || !crate::ids::secret_eq(given.as_bytes(), token.as_bytes()) {
        return Err(Error::Csrf);
    }
    Ok(fields.into_iter().filter(|(k, _)| k != "csrf").collect())
}

/// Moves accepted photos into the blob store; the caller counts their references in the
/// transaction that stores the update (`store::put_update`).
pub(super) async fn commit(st: &Shared, photos: Vec<(String, Staged)>) -> Result<Vec<Attachment>> {
    let mut out = Vec::new();
    for (name, staged) in photos {
        let (kind, size) = (staged.kind(), staged.size());
        let blobs = st.store.blobs().clone();
        let sha = tokio::task::spawn_blocking(move || blobs.commit(staged))
            .await
            .map_err(Error::internal)??;
        out.push(Attachment {
            sha,
            name,
            size,
            mime: kind.mime().to_owned(),
        });
    }
    Ok(out)
}

/// POST /admin/projects/{id}/updates (multipart)
async fn post(State(st): State<Shared>, Path(id): Path<String>, req: Request) -> Result<Response> {
    let (mut parts, body) = req.into_parts();
    if !crate::http::extract::same_origin(&parts.headers) {
        return Err(Error::Csrf);
    }
    let ctx = <Ctx as axum::extract::FromRequestParts<Shared>>::from_request_parts(&mut parts, &st)
        .await?;
    // Nobody but staff gets a body read; their token comes first, then the project and the
    // permission are checked before any photo is read.
    let s = ctx.staff(&st)?;
    let req = Request::from_parts(parts, body);
    let form = if is_multipart(&req) {
        Form::Parts(crate::http::upload_form::after_token(req, &st, &s.csrf).await?)
    } else {
        Form::Plain(plain(req, &s.csrf).await?)
    };
    let p = project_for(&st, &s, &id).await?;
    let got = match form {
        Form::Parts(mp) => receive(mp, &st, &s.csrf).await?,
        Form::Plain(fields) => Received {
            fields,
            photos: Vec::new(),
            refused: Vec::new(),
        },
    };
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
        if !got.photos.is_empty() && fs.error("photos").is_none() {
            fs.add_error("photos", "表单有误，照片未保存，请改正后重新选择照片");
        }
        return Ok(html_invalid(form_view(&st, &s, &p, &fs, None)));
    };
    let photos = commit(&st, got.photos).await?;
    let units = load_units(&st).await?;
    let def = super::flow::definition();
    let mut u = Update {
        id: 0,
        project: p.id,
        unit: p.unit.clone(),
        date,
        text,
        percent,
        status,
        delay_reason: if status == Status::Delayed {
            reason
        } else {
            String::new()
        },
        photos,
        created_by: s.user.username.clone(),
        created_ms: 0,
        updated_ms: 0,
        published_ms: None,
        flow: crate::flow::Instance::new(def),
    };
    let now = st.now_ms();
    let actor = super::flow::actor(&s.user, &u, &units);
    crate::flow::apply(
        def,
        &mut u.flow,
        crate::publishing::flow::action::SUBMIT,
        &actor,
        "",
        now,
    )
    .map_err(|e| Error::Forbidden(e.to_string()))?;
    let (user, ctx2, title) = (s.user.clone(), ctx.clone(), p.title.clone());
    let reviewers = super::review::reviewers_of(&st, &units, &u.unit).await?;
    let saved = st
        .store
        .write(move |txn| {
            let (u, _) = store::put_update(txn, u, now)?;
            let ev = event(
                &user,
                &ctx2,
                "project_update_new",
                format!("project_update:{}", u.id),
                true,
                format!(
                    "报送“{title}”进展：{}% {}",
                    u.percent.get(),
                    u.status.label()
                ),
            );
            audit::append(txn, ev, now)?;
            super::review::tell(txn, &reviewers, &title, u.id, "进展待审核", now)?;
            Ok(u)
        })
        .await?;
    Ok(see_other(&format!("/admin/projects/updates/{}", saved.id)))
}

pub fn router() -> crate::http::routes::Routes {
    crate::http::routes::Routes::new().get("/admin/projects/{id}/updates/new", new_form)
}

/// The form with photos, under the upload group's body limit.
pub fn upload_router() -> crate::http::routes::Routes {
    crate::http::routes::Routes::new().post("/admin/projects/{id}/updates", post)
}
