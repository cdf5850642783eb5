//! A site's logo, emblem and browser icon (站点设置 → 站点图片): uploaded one at a time,
//! typed by their bytes (PNG, JPEG, GIF or WebP only: an SVG can carry script), at most
//! `SiteImages::MAX_BYTES`, kept in the blob store with a reference so backups carry them, and served
//! by the portal at `/site-images/{sha}`. Removing one falls back to the portal's.

use axum::extract::{Path, Request, State};
use axum::response::Response;

use super::sites::{edit_page_with, parse_unit, site_of};
use crate::auth::audit;
use crate::auth::permission::Action;
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::Ctx;
use crate::http::respond::see_other;
use crate::portal::model::SiteImages;
use crate::portal::store;
use crate::staff::shell::event;
use crate::store::blobs::Kind;
use crate::views::form::FormState;

fn label(which: &str) -> &'static str {
    SiteImages::WHICH
        .iter()
        .find(|(w, _)| *w == which)
        .map_or("图片", |(_, l)| *l)
}

/// Uploads or removes one picture (`remove=1`).
pub async fn upload(
    State(st): State<Shared>,
    ctx: Ctx,
    Path(unit): Path<String>,
    req: Request,
) -> Result<Response> {
    let s = ctx.staff(&st)?;
    let scope = super::Scope::load(&st).await?;
    scope.require_any(&st, &s, Action::ManageSite).await?;
    // The token before anything that depends on the address, as every form post.
    let mut mp = crate::http::upload_form::open(req, &st, &s.csrf).await?;
    let unit = parse_unit(&unit)?;
    let site = site_of(&st, &unit)?;
    scope.require(&st, &s, Action::ManageSite, &unit).await?;
    let bad = crate::http::upload_form::interrupted;
    let (mut which, mut remove, mut data, mut too_big) = (String::new(), false, Vec::new(), false);
    while let Some(mut f) = mp.next_field().await.map_err(bad)? {
        match f.name().unwrap_or("") {
            "which" => which = f.text().await.map_err(bad)?,
            "remove" => remove = !f.text().await.map_err(bad)?.is_empty(),
            "image" => {
                while let Some(c) = f.chunk().await.map_err(bad)? {
                    if data.len() + c.len() > SiteImages::MAX_BYTES {
                        too_big = true;
                    } else if !too_big {
                        data.extend_from_slice(&c);
                    }
                }
            }
            _ => while f.chunk().await.map_err(bad)?.is_some() {},
        }
    }
    if !SiteImages::WHICH.iter().any(|(w, _)| *w == which) {
        return Err(Error::BadRequest("请选择要上传的是哪一种图片".into()));
    }
    let refuse = |msg: String| {
        let mut fs = FormState::default();
        fs.add_error(&format!("image-{which}"), msg);
        fs
    };
    let sha = if remove {
        None
    } else if too_big {
        return edit_page_with(
            &st,
            &s,
            &site,
            refuse(format!(
                "图片超过 {} KB，请压缩后再上传",
                SiteImages::MAX_BYTES / 1024
            )),
        )
        .await;
    } else if data.is_empty() {
        return edit_page_with(&st, &s, &site, refuse("请选择图片文件".into())).await;
    } else if !Kind::sniff(&data).is_raster() {
        return edit_page_with(
            &st,
            &s,
            &site,
            refuse(format!(
                "只能上传 PNG、JPEG、GIF 或 WebP 图片；这个文件实际是{}",
                Kind::sniff(&data).label()
            )),
        )
        .await;
    } else {
        let blobs = st.store.blobs().clone();
        Some(tokio::task::spawn_blocking(move || blobs.put(&data)).await??)
    };
    let ev = event(
        &s.user,
        &ctx,
        "site_image",
        format!("site:{unit}"),
        true,
        format!(
            "{}：{}",
            label(&which),
            sha.as_deref().map_or("已删除", |_| "已更换")
        ),
    );
    let now = st.now_ms();
    let code = unit.clone();
    st.store
        .write(move |txn| {
            let mut site = store::get_site_w(txn, &code)?.ok_or(Error::NotFound)?;
            let old = site.images.shas();
            let slot = match which.as_str() {
                "logo" => &mut site.images.logo,
                "emblem" => &mut site.images.emblem,
                _ => &mut site.images.favicon,
            };
            *slot = sha;
            store::adjust_refs(txn, &old, &site.images.shas())?;
            store::put_site(txn, &site)?;
            audit::append(txn, ev, now).map(|_| ())
        })
        .await?;
    // Every page of the site shows its header and icon.
    st.portal().reload(&st)?;
    Ok(see_other(&format!("/admin/sites/{unit}?done=images")))
}
