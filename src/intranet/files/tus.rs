//! The tus 1.0.0 server at `/oa/files/`: OPTIONS, creation (POST, with or without bytes,
//! length given or deferred), HEAD (the offset), PATCH (append; checksum per chunk) and
//! termination (DELETE). Each request needs a fully logged-in staff member (the intranet's
//! gate already turned away everyone else); POST, PATCH and DELETE also carry the session's
//! CSRF token in `X-CSRF-Token`. An upload is its creator's: to anyone else it does not
//! exist (404). Sizes and quotas are checked before any byte of a body is read.

use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::append::{self, End};
use super::finish::{self, By};
use super::model::Upload;
use super::quota::{self, Limits};
use super::store;
use super::tus_proto::*;
use crate::auth::audit::{self, Event, Outcome};
use crate::error::Error;
use crate::http::Shared;
use crate::http::extract::{Ctx, Staff};

const MIB: u64 = 1024 * 1024;
const HOUR_MS: i64 = 3_600_000;

/// Where uploads are created.
pub const ENDPOINT: &str = "/oa/files/";

fn max_bytes(st: &Shared) -> u64 {
    st.cfg().intranet.max_file_mib.saturating_mul(MIB)
}

/// The staff member making a tus request; for a state change, only with the session's
/// CSRF token in `X-CSRF-Token`. Then the protocol version.
fn staff(st: &Shared, ctx: &Ctx, h: &HeaderMap, changes: bool) -> Result<Staff, Refuse> {
    let s = ctx.staff(st)?;
    if changes {
        let given = h
            .get(&CSRF_HEADER)
            .map(axum::http::HeaderValue::as_bytes)
            .unwrap_or_default();
        if given.is_empty() || !crate::ids::secret_eq(given, s.csrf.as_bytes()) {
            return Err(Error::Csrf.into());
        }
    }
    check_version(h)?;
    Ok(s)
}

fn not_found() -> Refuse {
    Refuse::new(StatusCode::NOT_FOUND, "上传不存在或已结束")
}

/// The caller's upload `id`, expired or not; 404 for anyone else's or none.
async fn owned(st: &Shared, s: &Staff, id: &str) -> Result<Upload, Refuse> {
    if !store::is_upload_id(id) {
        return Err(not_found());
    }
    let id2 = id.to_owned();
    let up = st
        .store
        .read(move |txn| store::get_upload(txn, &id2))
        .await?
        .filter(|u| u.owner == s.user.id)
        .ok_or_else(not_found)?;
    Ok(up)
}

/// The caller's upload, 410 once expired.
async fn live(st: &Shared, s: &Staff, id: &str) -> Result<Upload, Refuse> {
    let up = owned(st, s, id).await?;
    if up.expires_ms <= st.now_ms() {
        return Err(Refuse::new(StatusCode::GONE, "上传已过期，请重新上传"));
    }
    Ok(up)
}

/// The part file's length (0 when it is not there yet).
async fn offset_of(st: &Shared, id: &str) -> Result<u64, Refuse> {
    match tokio::fs::metadata(store::part_path(st.store.dir(), id)).await {
        Ok(m) => Ok(m.len()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
        Err(e) => Err(e.into()),
    }
}

fn upload_event(s: &Staff, action: &'static str, up: &Upload, detail: String) -> Event {
    Event {
        user: s.user.username.clone(),
        unit: s.user.unit.to_string(),
        action,
        object: format!("oa_upload:{}", up.id),
        ip: s.ctx.ip_string(),
        outcome: Outcome::Success,
        detail,
    }
}

/// `OPTIONS /oa/files/`: what this server speaks.
pub async fn options(State(st): State<Shared>, ctx: Ctx) -> Result<Response, Refuse> {
    ctx.staff(&st)?;
    let mut r = StatusCode::NO_CONTENT.into_response();
    let h = r.headers_mut();
    for (k, v) in [
        (TUS_VERSION, VERSION.to_owned()),
        (TUS_EXTENSION, EXTENSIONS.to_owned()),
        (TUS_MAX_SIZE, max_bytes(&st).to_string()),
        (TUS_CHECKSUM_ALGORITHM, CHECKSUMS.to_owned()),
    ] {
        if let Ok(v) = axum::http::HeaderValue::from_str(&v) {
            h.insert(k, v);
        }
    }
    Ok(r)
}

/// Whether the request says it has a body.
fn has_body(h: &HeaderMap) -> bool {
    h.contains_key(header::TRANSFER_ENCODING)
        || h.get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
            .is_some_and(|n| n > 0)
}

/// The absolute address of an upload.
fn location(st: &Shared, req: &Request, id: &str) -> String {
    let https = crate::http::client::of(req.extensions(), st.tls).https;
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| req.uri().authority().map(|a| a.to_string()))
        .unwrap_or_else(|| "localhost".into());
    format!(
        "{}://{host}{ENDPOINT}{id}",
        if https { "https" } else { "http" }
    )
}

/// `POST /oa/files/`: a new upload (creation; with bytes: creation-with-upload).
pub async fn create(State(st): State<Shared>, ctx: Ctx, req: Request) -> Result<Response, Refuse> {
    let s = staff(&st, &ctx, req.headers(), true)?;
    let h = req.headers();
    let length = number(h, &UPLOAD_LENGTH)?;
    let defer = h.get(&UPLOAD_DEFER_LENGTH).map(|v| v.as_bytes() == b"1");
    match (length, defer) {
        (Some(_), None) | (None, Some(true)) => {}
        _ => {
            return Err(Refuse::new(
                StatusCode::BAD_REQUEST,
                "须给出 Upload-Length，或 Upload-Defer-Length: 1（二者只能有一个）",
            ));
        }
    }
    let max = max_bytes(&st);
    if length.is_some_and(|l| l > max) {
        return Err(Refuse::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("文件超过单个文件上限（{}）", quota::size_text(max)),
        )
        .with(TUS_MAX_SIZE, max));
    }
    let with_bytes = is_offset_stream(h);
    if !with_bytes && has_body(h) {
        return Err(Refuse::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "随创建请求发送的数据须为 application/offset+octet-stream",
        ));
    }
    let meta = metadata(h)?;
    let get = |k: &str| {
        meta.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    let name = clean_name(get("filename"));
    let filetype: String = get("filetype")
        .chars()
        .filter(|c| !c.is_control())
        .take(100)
        .collect();
    let now = st.now_ms();
    let hours = i64::try_from(st.cfg().intranet.upload_expire_hours).unwrap_or(24);
    let up = Upload {
        id: crate::ids::random_token(),
        owner: s.user.id,
        owner_unit: s.user.unit.clone(),
        length,
        name,
        filetype,
        created_ms: now,
        expires_ms: now.saturating_add(hours.saturating_mul(HOUR_MS)),
        counted: length.unwrap_or(0),
    };
    let limits = Limits::of(&st.cfg());
    let (up2, ev) = (
        up.clone(),
        upload_event(
            &s,
            "oa_upload_start",
            &up,
            format!(
                "{}（{}）",
                up.name,
                length.map_or("长度待定".to_owned(), |l| format!("{l} 字节"))
            ),
        ),
    );
    let over = st
        .store
        .write(move |txn| {
            if let Some(over) = quota::charge(
                txn,
                up2.owner,
                up2.owner_unit.as_str(),
                up2.counted,
                &limits,
            )? {
                return Ok(Some(over));
            }
            store::put_upload(txn, &up2)?;
            audit::append(txn, ev, now)?;
            Ok(None)
        })
        .await?;
    if let Some(over) = over {
        return Err(Refuse::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            over.message(&limits),
        ));
    }
    // The record first, then the file: a part file without a record is never a new one.
    tokio::fs::create_dir_all(store::uploads_dir(st.store.dir())).await?;
    tokio::fs::File::create(store::part_path(st.store.dir(), &up.id)).await?;
    let loc = location(&st, &req, &up.id);
    let mut extra = vec![
        (header::LOCATION, loc),
        (UPLOAD_EXPIRES, http_date(up.expires_ms)),
    ];
    if length == Some(0) {
        // Nothing to send: finished at once.
        let part = store::part_path(st.store.dir(), &up.id);
        let sha = hash_hex(append::rehash(part.clone()).await?.0);
        finish::upload(&st, by(&s), up, part, sha).await?;
        extra.push((UPLOAD_OFFSET, "0".into()));
    } else if with_bytes {
        let id = up.id.clone();
        let (headers, body) = {
            let (parts, body) = req.into_parts();
            (parts.headers, body)
        };
        // The upload exists now whatever becomes of its first bytes: the client gets its
        // address and the offset the server kept, and goes on with PATCH.
        let got = match receive(&st, &s, &id, &headers, body, Some(0)).await {
            Ok(n) => n,
            Err(Refuse::Tus(..)) => offset_of(&st, &id).await?,
            Err(e) => return Err(e),
        };
        extra.push((UPLOAD_OFFSET, got.to_string()));
    }
    Ok(answer(StatusCode::CREATED, &extra))
}

fn by(s: &Staff) -> By {
    By {
        user: s.user.clone(),
        ip: s.ctx.ip_string(),
    }
}

fn hash_hex(h: sha2::Sha256) -> String {
    data_encoding::HEXLOWER.encode(&sha2::Digest::finalize(h))
}

/// `HEAD /oa/files/{id}`: how far the upload is.
pub async fn head(
    State(st): State<Shared>,
    ctx: Ctx,
    Path(id): Path<String>,
    h: HeaderMap,
) -> Result<Response, Refuse> {
    let s = staff(&st, &ctx, &h, false)?;
    let up = live(&st, &s, &id).await?;
    let offset = offset_of(&st, &id).await?;
    let mut extra = vec![
        (UPLOAD_OFFSET, offset.to_string()),
        (UPLOAD_EXPIRES, http_date(up.expires_ms)),
    ];
    match up.length {
        Some(l) => extra.push((UPLOAD_LENGTH, l.to_string())),
        None => extra.push((UPLOAD_DEFER_LENGTH, "1".into())),
    }
    Ok(answer(StatusCode::OK, &extra))
}

/// `PATCH /oa/files/{id}`: bytes appended at the offset the client names.
pub async fn patch(
    State(st): State<Shared>,
    ctx: Ctx,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, Refuse> {
    let s = staff(&st, &ctx, req.headers(), true)?;
    if !is_offset_stream(req.headers()) {
        return Err(Refuse::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "PATCH 的数据须为 application/offset+octet-stream",
        ));
    }
    let (parts, body) = req.into_parts();
    let offset = receive(&st, &s, &id, &parts.headers, body, None).await?;
    let expires = owned(&st, &s, &id).await.map(|u| u.expires_ms).ok();
    let mut extra = vec![(UPLOAD_OFFSET, offset.to_string())];
    if let Some(e) = expires {
        extra.push((UPLOAD_EXPIRES, http_date(e)));
    }
    Ok(answer(StatusCode::NO_CONTENT, &extra))
}

/// Appends a body to the caller's upload `id`; the new offset. `at` is the offset a
/// creation POST starts from (else the request's `Upload-Offset`).
async fn receive(
    st: &Shared,
    s: &Staff,
    id: &str,
    h: &HeaderMap,
    body: axum::body::Body,
    at: Option<u64>,
) -> Result<u64, Refuse> {
    let checksum = Checksum::parse(h)?;
    let given = match at {
        Some(o) => o,
        None => number(h, &UPLOAD_OFFSET)?
            .ok_or_else(|| Refuse::new(StatusCode::BAD_REQUEST, "缺少 Upload-Offset"))?,
    };
    let Some(_busy) = st.transfers().try_busy(id) else {
        return Err(Refuse::new(
            StatusCode::LOCKED,
            "这个文件正在由另一个请求上传，请稍后再试",
        ));
    };
    let mut up = live(st, s, id).await?;
    let cur = offset_of(st, id).await?;
    if given != cur {
        return Err(Refuse::new(
            StatusCode::CONFLICT,
            format!("偏移量不一致：服务器已收到 {cur} 字节"),
        )
        .with(UPLOAD_OFFSET, cur));
    }
    let max = max_bytes(st);
    let limits = Limits::of(&st.cfg());
    // A deferred length, given now (once).
    if let Some(l) = number(h, &UPLOAD_LENGTH)? {
        match up.length {
            Some(x) if x != l => {
                return Err(Refuse::new(
                    StatusCode::BAD_REQUEST,
                    "Upload-Length 已确定，不能更改",
                ));
            }
            Some(_) => {}
            None => {
                if l > max {
                    return Err(Refuse::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        format!("文件超过单个文件上限（{}）", quota::size_text(max)),
                    )
                    .with(TUS_MAX_SIZE, max));
                }
                if l < cur {
                    return Err(Refuse::new(
                        StatusCode::BAD_REQUEST,
                        "Upload-Length 小于已收到的字节数",
                    ));
                }
                up = set_length(st, up, l, &limits).await?;
            }
        }
    }
    let part = store::part_path(st.store.dir(), id);
    // How much this body may bring: the rest of the declared length, or for a deferred
    // one what the largest file and the quotas still allow.
    let (limit, quota_bound) = match up.length {
        Some(l) => (l.saturating_sub(cur), false),
        None => {
            let (owner, unit) = (up.owner, up.owner_unit.to_string());
            let used = st
                .store
                .read(move |txn| quota::usage(txn, owner, &unit))
                .await?;
            let room = quota::headroom(used, &limits);
            let by_max = max.saturating_sub(cur);
            (room.min(by_max), room < by_max)
        }
    };
    let hasher = match st.transfers().take_hasher(id, cur) {
        Some(h) => h,
        None => {
            let (h, n) = append::rehash(part.clone()).await?;
            if n != cur {
                return Err(Refuse::new(
                    StatusCode::CONFLICT,
                    "上传的数据在接收中发生变化，请查询偏移量后重试",
                ));
            }
            h
        }
    };
    let got = append::append(part.clone(), cur, hasher, body, limit, checksum).await?;
    if up.length.is_none() && got.offset > cur {
        up = count_deferred(st, up, got.offset - cur).await?;
    }
    let (known, owner, unit) = (up.length.is_some(), up.owner, up.owner_unit.to_string());
    if up.length == Some(got.offset) {
        let sha = hash_hex(got.hasher);
        finish::upload(st, by(s), up, part, sha).await?;
    } else {
        st.transfers().put_hasher(id, got.offset, got.hasher);
    }
    match got.end {
        End::Mismatch => Err(Refuse::new(
            checksum_mismatch(),
            "校验和不符：这段数据已丢弃，请重新发送",
        )
        .with(UPLOAD_OFFSET, got.offset)),
        End::TooMuch => {
            let msg = if known {
                "发送的数据超过了声明的文件长度".to_owned()
            } else if quota_bound {
                let used = st
                    .store
                    .read(move |txn| quota::usage(txn, owner, &unit))
                    .await?;
                let who = if limits.person.saturating_sub(used.person)
                    <= limits.unit.saturating_sub(used.unit)
                {
                    quota::Over::Person
                } else {
                    quota::Over::Unit
                };
                who.message(&limits)
            } else {
                format!("文件超过单个文件上限（{}）", quota::size_text(max))
            };
            Err(Refuse::new(StatusCode::PAYLOAD_TOO_LARGE, msg).with(UPLOAD_OFFSET, got.offset))
        }
        End::Complete | End::Stalled | End::Broken => Ok(got.offset),
    }
}

/// Sets a deferred upload's length, charging the quotas the difference.
async fn set_length(st: &Shared, up: Upload, l: u64, limits: &Limits) -> Result<Upload, Refuse> {
    let limits = *limits;
    let r = st
        .store
        .write(move |txn| {
            let mut up = store::get_upload_w(txn, &up.id)?.ok_or(Error::NotFound)?;
            let extra = l.saturating_sub(up.counted);
            if let Some(over) =
                quota::charge(txn, up.owner, up.owner_unit.as_str(), extra, &limits)?
            {
                return Ok(Err(over));
            }
            up.length = Some(l);
            up.counted = up.counted.max(l);
            store::put_upload(txn, &up)?;
            Ok(Ok(up))
        })
        .await?;
    r.map_err(|over| Refuse::new(StatusCode::PAYLOAD_TOO_LARGE, over.message(&limits)))
}

/// Counts bytes that arrived on a deferred upload against the quotas.
async fn count_deferred(st: &Shared, up: Upload, n: u64) -> Result<Upload, Refuse> {
    Ok(st
        .store
        .write(move |txn| {
            let mut up = store::get_upload_w(txn, &up.id)?.ok_or(Error::NotFound)?;
            quota::add(txn, up.owner, up.owner_unit.as_str(), n)?;
            up.counted = up.counted.saturating_add(n);
            store::put_upload(txn, &up)?;
            Ok(up)
        })
        .await?)
}

/// `DELETE /oa/files/{id}`: the upload ends, its bytes and its quota given back.
pub async fn terminate(
    State(st): State<Shared>,
    ctx: Ctx,
    Path(id): Path<String>,
    h: HeaderMap,
) -> Result<Response, Refuse> {
    let s = staff(&st, &ctx, &h, true)?;
    let Some(_busy) = st.transfers().try_busy(&id) else {
        return Err(Refuse::new(
            StatusCode::LOCKED,
            "这个文件正在上传，请稍后再试",
        ));
    };
    let up = owned(&st, &s, &id).await?;
    let now = st.now_ms();
    let ev = upload_event(
        &s,
        "oa_upload_cancel",
        &up,
        format!("已取消上传：{}", up.name),
    );
    st.store
        .write(move |txn| {
            let Some(up) = store::get_upload_w(txn, &up.id)? else {
                return Err(Error::NotFound);
            };
            store::remove_upload(txn, &up.id)?;
            quota::release(txn, up.owner, up.owner_unit.as_str(), up.counted)?;
            audit::append(txn, ev, now).map(|_| ())
        })
        .await
        .map_err(|e| match e {
            Error::NotFound => not_found(),
            e => e.into(),
        })?;
    match tokio::fs::remove_file(store::part_path(st.store.dir(), &id)).await {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e.into()),
    }
    st.transfers().forget(&id);
    Ok(answer(StatusCode::NO_CONTENT, &[]))
}
