//! A staff form that carries a file (`multipart/form-data`), opened safely: the `csrf` field
//! must come first and match the session's token before any other part is read. A post that
//! is not multipart (a script, a probe, a stale page) is refused by its token: a missing or
//! wrong one as a forged request, a right one as a wrongly sent form.

use axum::extract::{FromRequest, Multipart, Request};

use super::Shared;
use crate::error::{Error, Result};

/// The form's parts after its token, or why it was refused.
pub async fn open(req: Request, st: &Shared, csrf: &str) -> Result<Multipart> {
    let token_ok =
        |given: &str| !given.is_empty() && crate::ids::secret_eq(given.as_bytes(), csrf.as_bytes());
    let multipart = req
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("multipart/form-data"));
    if !multipart {
        let bytes = axum::body::to_bytes(req.into_body(), 64 * 1024)
            .await
            .map_err(|_| Error::TooLarge)?;
        let given = form_urlencoded::parse(&bytes)
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        if !token_ok(&given) {
            return Err(Error::Csrf);
        }
        return Err(Error::BadRequest("请用页面上的表单选择文件上传".into()));
    }
    after_token(req, st, csrf).await
}

/// A `multipart/form-data` post's parts after its token (which must be the first part and
/// match `csrf`).
pub async fn after_token(req: Request, st: &Shared, csrf: &str) -> Result<Multipart> {
    let token_ok =
        |given: &str| !given.is_empty() && crate::ids::secret_eq(given.as_bytes(), csrf.as_bytes());
    let mut mp = Multipart::from_request(req, st)
        .await
        .map_err(|_| Error::BadRequest("表单格式不正确".into()))?;
    let first = mp
        .next_field()
        .await
        .map_err(interrupted)?
        .ok_or(Error::Csrf)?;
    if first.name() != Some("csrf") || first.file_name().is_some() {
        return Err(Error::Csrf);
    }
    let given = first.text().await.map_err(interrupted)?;
    if !token_ok(&given) {
        return Err(Error::Csrf);
    }
    Ok(mp)
}

/// A part that could not be read: the upload broke off or the form was malformed.
pub fn interrupted(_: axum::extract::multipart::MultipartError) -> Error {
    Error::BadRequest("上传中断或表单格式不正确，请重新上传".into())
}
