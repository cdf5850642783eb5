//! Stored files at `/files/{sha}/{name}`: who may have one, and how it is sent.
//!
//! - **Who.** A file is public while a public item (published, not withdrawn) uses it: as an
//!   attachment, cover, picture, or a `/files/{sha}/` link in its body. Otherwise only a
//!   fully logged-in staff member who may view an item using it (`review::levels::may_view`,
//!   the one `can`) gets it. Everyone else: 404, as for a file that does not exist.
//!   `tables::BLOB_ITEMS` ("{sha}/{item}" → 1 while the item is public) answers this with one
//!   range read; `update` keeps it in step inside every article write.
//! - **What.** The type comes from the file's own first bytes (`store::blobs::Kind`), never
//!   from the name in the URL or a recorded name. Only raster pictures (PNG, JPEG, GIF, WebP)
//!   are shown inline; everything else, SVG included, is a download
//!   (`Content-Disposition: attachment`). Every answer carries `nosniff` and a
//!   `Content-Security-Policy` with `sandbox`, so even a file opened on its own runs no script
//!   with this site's rights. The download name is the one the item stored.
//! - **Caching.** Public files: `public, no-cache` with a strong ETag (the SHA-256), so caches
//!   keep the bytes but ask again each time and a withdrawn item's files stop at once (the
//!   answer to the question is a 304 while the item is public). Staff-only files:
//!   `private, no-store`. The page cache never holds files.

use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use redb::{ReadTransaction, WriteTransaction};

use super::access::may_view;
use super::model::Article;
use crate::auth::model::User;
use crate::auth::units::Units;
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::Ctx;
use crate::store::tables;

/// The policy every stored file is sent with: no script, no plugins, no forms, and in a
/// unique origin if a browser ever renders it as a document.
pub const FILE_CSP: &str = "sandbox; default-src 'none'; img-src 'self'; frame-ancestors 'none'";
/// Public files: cached, but asked about again each time (ETag), so withdrawal ends them.
pub const PUBLIC_CACHE: &str = "public, no-cache";
/// Files only staff may have.
pub const PRIVATE_CACHE: &str = "private, no-store";

/// The public address of a stored file.
pub fn url(sha: &str, name: &str) -> String {
    format!(
        "/files/{sha}/{}",
        percent_encoding::utf8_percent_encode(name, crate::ids::URL_COMPONENT)
    )
}

fn is_sha(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

// ---- which items use which file

fn key(sha: &str, id: u64) -> String {
    format!("{sha}/{id:016x}")
}

/// The SHA-256s of the files named by `/files/{sha}/` links in an HTML body.
pub fn body_shas(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("/files/") {
        rest = &rest[i + "/files/".len()..];
        if let Some(s) = rest.get(..64)
            && is_sha(s)
            && rest[64..].starts_with('/')
        {
            out.push(s.to_owned());
        }
    }
    out
}

/// Every stored file an item uses, each once.
pub fn shas(a: &Article) -> Vec<String> {
    let mut v: Vec<String> = a
        .attachments
        .iter()
        .chain(a.images.iter())
        .chain(a.cover.iter())
        .map(|x| x.sha.clone())
        .chain(body_shas(&a.body_html))
        .filter(|s| is_sha(s))
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Moves an item's entries from what `before` used to what `after` uses, marked with
/// whether `after` is public. Called by every article write (`portal::store`).
pub fn update(txn: &WriteTransaction, before: Option<&Article>, after: &Article) -> Result<()> {
    let new = shas(after);
    let mut t = txn.open_table(tables::BLOB_ITEMS)?;
    if let Some(b) = before {
        for s in shas(b).iter().filter(|s| !new.contains(s)) {
            t.remove(key(s, b.id).as_str())?;
        }
    }
    let public = u64::from(after.is_public());
    for s in &new {
        t.insert(key(s, after.id).as_str(), public)?;
    }
    Ok(())
}

/// Builds the index from every article (schema migration 3 → 4).
pub fn rebuild(txn: &WriteTransaction) -> Result<()> {
    for a in &crate::portal::store::all_articles_w(txn)? {
        update(txn, None, a)?;
    }
    Ok(())
}

/// The items using a file: (item id, public now).
pub fn users_of(txn: &ReadTransaction, sha: &str) -> Result<Vec<(u64, bool)>> {
    let from = format!("{sha}/");
    let to = format!("{sha}0");
    let t = txn.open_table(tables::BLOB_ITEMS)?;
    let mut out = Vec::new();
    for row in t.range(from.as_str()..to.as_str())? {
        let (k, v) = row?;
        let id = k
            .value()
            .rsplit_once('/')
            .and_then(|(_, id)| u64::from_str_radix(id, 16).ok());
        if let Some(id) = id {
            out.push((id, v.value() == 1));
        }
    }
    Ok(out)
}

// ---- who may have a file

/// Who gets a file, and under which name it was stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// A public item uses it.
    Public { name: Option<String> },
    /// Only staff who may view an item using it; this one may.
    Staff { name: Option<String> },
}

fn stored_name(a: &Article, sha: &str) -> Option<String> {
    a.attachments
        .iter()
        .chain(a.cover.iter())
        .chain(a.images.iter())
        .find(|x| x.sha == sha)
        .map(|x| x.name.clone())
}

/// Whether (and how) `user` (`None`: anonymous, or not fully logged in) may have the file.
pub fn access(txn: &ReadTransaction, sha: &str, user: Option<&User>) -> Result<Option<Access>> {
    let users = users_of(txn, sha)?;
    if let Some((id, _)) = users.iter().find(|(_, public)| *public) {
        let name = super::store::get_article(txn, *id)?.and_then(|a| stored_name(&a, sha));
        return Ok(Some(Access::Public { name }));
    }
    let Some(user) = user else {
        return Ok(None);
    };
    if users.is_empty() {
        return Ok(None);
    }
    let units = Units::new(crate::auth::store::list_units(txn)?);
    for (id, _) in users {
        if let Some(a) = super::store::get_article(txn, id)?
            && may_view(user, &a, &units)
        {
            return Ok(Some(Access::Staff {
                name: stored_name(&a, sha),
            }));
        }
    }
    Ok(None)
}

// ---- the route

/// `GET /files/{sha}/{name}`: the file, if this visitor may have it (see the module notes).
/// Range requests and `If-Modified-Since` are answered by tower-http's `ServeFile`.
pub async fn serve(
    State(st): State<Shared>,
    ctx: Ctx,
    Path((sha, url_name)): Path<(String, String)>,
    req: Request,
) -> Result<Response> {
    if !is_sha(&sha) {
        return Err(Error::NotFound);
    }
    let path = st.store.blobs().path(&sha).ok_or(Error::NotFound)?;
    let user = ctx.staff(&st).ok().map(|s| s.user);
    let blobs = st.store.blobs().clone();
    let sha2 = sha.clone();
    let found = st
        .store
        .read(move |txn| {
            let Some(access) = access(txn, &sha2, user.as_ref())? else {
                return Ok(None);
            };
            match blobs.kind(&sha2) {
                Ok(kind) => Ok(Some((access, kind))),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e.into()),
            }
        })
        .await?;
    let Some((access, kind)) = found else {
        return Err(Error::NotFound);
    };
    let (public, name) = match access {
        Access::Public { name } => (true, name),
        Access::Staff { name } => (false, name),
    };
    let name = name.unwrap_or(url_name);
    let etag = format!("\"{sha}\"");
    let mut resp = if public && if_none_match(req.headers(), &etag) {
        let mut r = StatusCode::NOT_MODIFIED.into_response();
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind.mime()));
        r
    } else {
        let mime: mime_guess::mime::Mime = kind.mime().parse().map_err(Error::internal)?;
        let svc = tower_http::services::ServeFile::new_with_mime(&path, &mime);
        let r = tower::ServiceExt::oneshot(svc, req)
            .await
            .map_err(Error::internal)?
            .map(Body::new);
        if !r.status().is_success() && r.status() != StatusCode::NOT_MODIFIED {
            return Ok(r);
        }
        r
    };
    let h = resp.headers_mut();
    let disposition = format!(
        "{}; filename*=UTF-8''{}",
        if kind.is_raster() {
            "inline"
        } else {
            "attachment"
        },
        percent_encoding::utf8_percent_encode(&name, crate::ids::URL_COMPONENT)
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(FILE_CSP),
    );
    if public {
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(PUBLIC_CACHE),
        );
        if let Ok(v) = HeaderValue::from_str(&etag) {
            h.insert(header::ETAG, v);
        }
    } else {
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(PRIVATE_CACHE),
        );
        h.remove(header::LAST_MODIFIED);
    }
    Ok(resp)
}

fn if_none_match(h: &HeaderMap, etag: &str) -> bool {
    h.get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == etag || t == "*")
}

/// `GET /site-images/{sha}`: a site's logo, emblem or browser icon — only a raster picture
/// some site uses. Its address is its content's hash, so it is cached for a year.
pub async fn site_image(
    State(st): State<Shared>,
    Path(sha): Path<String>,
    req: Request,
) -> Result<Response> {
    if !is_sha(&sha) {
        return Err(Error::NotFound);
    }
    let used = st
        .portal()
        .snapshot()
        .sites
        .iter()
        .any(|s| s.images.shas().contains(&sha));
    if !used {
        return Err(Error::NotFound);
    }
    let path = st.store.blobs().path(&sha).ok_or(Error::NotFound)?;
    let (blobs, sha2) = (st.store.blobs().clone(), sha.clone());
    let kind = tokio::task::spawn_blocking(move || blobs.kind(&sha2))
        .await?
        .map_err(|_| Error::NotFound)?;
    if !kind.is_raster() {
        return Err(Error::NotFound);
    }
    let mime: mime_guess::mime::Mime = kind.mime().parse().map_err(Error::internal)?;
    let svc = tower_http::services::ServeFile::new_with_mime(&path, &mime);
    let mut resp = tower::ServiceExt::oneshot(svc, req)
        .await
        .map_err(Error::internal)?
        .map(Body::new);
    let h = resp.headers_mut();
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(FILE_CSP),
    );
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::model::UnitCode;
    use crate::portal::model::{Article, Attachment};
    use crate::portal::store as ps;
    use crate::store::Store;

    const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    const C: &str = "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc";

    fn att(sha: &str, name: &str) -> Attachment {
        Attachment {
            sha: sha.into(),
            name: name.into(),
            size: 1,
            mime: "application/octet-stream".into(),
        }
    }

    #[test]
    fn body_links_name_files() {
        let html = format!(
            r#"<p><img src="/files/{A}/%E5%9B%BE.png"><a href="https://x.gov.cn/files/{B}/a.pdf">a</a><a href="/files/{C}">no name</a><a href="/files/{}/short">x</a></p>"#,
            &A[..10]
        );
        assert_eq!(body_shas(&html), vec![A.to_owned(), B.to_owned()]);
    }

    #[test]
    fn the_index_follows_every_write_and_the_public_state() {
        let d = tempfile::tempdir().unwrap();
        let s = Store::open(
            d.path(),
            &*crate::clock::ManualClock::new(crate::clock::TEST_START),
        )
        .unwrap();
        let gov = UnitCode::parse("gov").unwrap();
        let a = s
            .write_blocking(|txn| {
                let a = Article {
                    attachments: vec![att(A, "a.pdf")],
                    cover: Some(att(B, "b.png")),
                    ..Article::blank(1, gov.clone(), "w")
                };
                crate::publishing::store::save_article(txn, a, 0, 1)
            })
            .unwrap();
        let users = |sha: &str| s.read_blocking(|t| users_of(t, sha)).unwrap();
        assert_eq!(users(A), vec![(a.id, false)]);
        assert_eq!(users(B), vec![(a.id, false)]);
        assert!(users(C).is_empty());
        // A draft's file: nobody anonymous.
        assert_eq!(s.read_blocking(|t| access(t, A, None)).unwrap(), None);

        // Published: public, under its stored name.
        s.write_blocking(|txn| crate::publishing::store::publish(txn, a.id, 2))
            .unwrap();
        assert_eq!(users(A), vec![(a.id, true)]);
        assert_eq!(
            s.read_blocking(|t| access(t, A, None)).unwrap(),
            Some(Access::Public {
                name: Some("a.pdf".into())
            })
        );
        // The cover dropped, a body link added: the index follows the save.
        let a = s
            .write_blocking(|txn| {
                let mut x = ps::get_article_w(txn, a.id)?.unwrap();
                x.cover = None;
                x.body_html = format!(r#"<p><img src="/files/{C}/c.png"></p>"#);
                let rev = x.revision;
                crate::publishing::store::save_article(txn, x, rev, 3)
            })
            .unwrap();
        assert!(users(B).is_empty());
        assert_eq!(users(C), vec![(a.id, true)]);
        // Withdrawn: no longer public.
        s.write_blocking(|txn| crate::publishing::store::withdraw(txn, a.id, "撤", 4))
            .unwrap();
        assert_eq!(users(A), vec![(a.id, false)]);
        assert_eq!(s.read_blocking(|t| access(t, A, None)).unwrap(), None);

        // The migration builds the same index from the articles.
        let before = s
            .read_blocking(|t| Ok((users_of(t, A)?, users_of(t, C)?)))
            .unwrap();
        s.write_blocking(|txn| {
            txn.delete_table(tables::BLOB_ITEMS)?;
            rebuild(txn)
        })
        .unwrap();
        assert_eq!(
            s.read_blocking(|t| Ok((users_of(t, A)?, users_of(t, C)?)))
                .unwrap(),
            before
        );
    }
}
