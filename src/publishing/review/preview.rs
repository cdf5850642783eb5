//! 预览: the item exactly as the public will see it, rendered by the public page code from
//! the stored (unpublished) version, with a banner saying it is a preview.

use axum::extract::{Path, State};
use axum::response::Response;
use maud::html;

use super::item::ItemCtx;
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::Staff;
use crate::http::respond::html as page;
use crate::portal::pages::{self, ArticleData};
use crate::portal::store;
use crate::views::layout::{PageMeta, public_page};

/// GET /admin/articles/{id}/preview
pub async fn preview(
    State(st): State<Shared>,
    s: Staff,
    Path(id): Path<String>,
) -> Result<Response> {
    let ic = ItemCtx::load(&st, &s, &id).await?;
    let a = ic.article.clone();
    let ids: Vec<u64> = a
        .related
        .iter()
        .chain(a.interpretations.iter())
        .chain(a.interprets.iter())
        .copied()
        .collect();
    let loaded = st
        .store
        .read(move |txn| {
            let mut v = Vec::new();
            for id in ids {
                if let Some(x) = store::get_article(txn, id)?
                    && x.is_public()
                {
                    v.push(x);
                }
            }
            Ok(v)
        })
        .await?;
    let pick = |ids: &[u64]| -> Vec<_> {
        loaded
            .iter()
            .filter(|x| ids.contains(&x.id))
            .cloned()
            .collect()
    };
    let d = ArticleData {
        related: pick(&a.related),
        interpretations: pick(&a.interpretations),
        policy: a.interprets.and_then(|p| pick(&[p]).pop()),
        article: a,
    };
    let snap = &ic.snap;
    let site = snap
        .site(d.article.site.as_str())
        .cloned()
        .ok_or(Error::NotFound)?;
    let m = PageMeta {
        title: format!("预览：{}", d.article.title),
        column: snap
            .channel(d.article.channel)
            .map(|c| c.name.clone())
            .unwrap_or_default(),
        care: s.ctx.care,
        site: Some(crate::portal::routes::chrome(
            snap,
            &site,
            Some(d.article.channel),
        )),
        ..Default::default()
    };
    let body = html! {
        div.notice.preview role="status" {
            strong { "预览" } "：这是信息发布后公众看到的样子（当前状态："
            (ic.def.state_label(&ic.instance.state)) "）。"
            a href=(format!("/admin/articles/{}", d.article.id)) { "返回编辑" }
        }
        (pages::article(snap, &site, &d, d.article.channel, false))
    };
    let mut r = page(public_page(&st.site(), &m, body));
    r.headers_mut().insert(
        axum::http::header::HeaderName::from_static("x-robots-tag"),
        axum::http::HeaderValue::from_static("noindex"),
    );
    Ok(r)
}
