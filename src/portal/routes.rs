//! Public pages.

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use axum::routing::get;
use maud::html;
use serde::Deserialize;

use crate::auth::model::UnitKind;
use crate::auth::store as users;
use crate::error::Result;
use crate::http::Shared;
use crate::http::extract::Ctx;
use crate::http::respond::{html as page, see_other};
use crate::views::{PageMeta, public_page};

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/", get(home))
        .route("/care", get(care))
        .route("/sitemap", get(sitemap))
        .route("/contact", get(contact))
}

fn meta(title: &str, column: &str, ctx: &Ctx) -> PageMeta {
    PageMeta {
        title: title.into(),
        column: column.into(),
        description: String::new(),
        care: ctx.care,
    }
}

async fn home(State(st): State<Shared>, ctx: Ctx) -> Result<Response> {
    let units = st.store.read(users::list_units).await?;
    let group = |kinds: &[UnitKind]| -> Vec<&crate::auth::model::Unit> {
        units.iter().filter(|u| kinds.contains(&u.kind)).collect()
    };
    let depts = group(&[UnitKind::Office, UnitKind::Department, UnitKind::PublicBody]);
    let subs = group(&[UnitKind::Subdistrict]);
    let body = html! {
        section.hero {
            h1 { (st.site.name) }
            p { "政务公开 · 政民互动 · 网上办事" }
        }
        section.card {
            h2 { "机构设置" }
            @if units.is_empty() {
                p.muted { "尚未建立组织机构。" }
            } @else {
                h3 { "政府部门" }
                ul.columns { @for u in &depts { li { (u.name) } } }
                h3 { "街道与社区" }
                ul.columns {
                    @for s in &subs {
                        li {
                            (s.name)
                            ul { @for c in units.iter().filter(|c| c.parent.as_ref() == Some(&s.code)) { li { (c.name) } } }
                        }
                    }
                }
            }
        }
    };
    Ok(page(public_page(
        &st.site,
        &meta("首页", "首页", &ctx),
        body,
    )))
}

#[derive(Deserialize)]
struct CareQuery {
    #[serde(default)]
    on: u8,
}

/// Switches 适老化 mode (larger type, higher contrast) by cookie; no script needed.
async fn care(Query(q): Query<CareQuery>) -> Response {
    let mut r = see_other("/");
    let c = if q.on == 1 {
        "gk_care=1; Path=/; Max-Age=31536000; SameSite=Lax"
    } else {
        "gk_care=; Path=/; Max-Age=0; SameSite=Lax"
    };
    r.headers_mut()
        .append(header::SET_COOKIE, HeaderValue::from_static(c));
    r
}

async fn sitemap(State(st): State<Shared>, ctx: Ctx) -> Result<Response> {
    let body = html! {
        h1 { "网站地图" }
        ul {
            li { a href="/" { "网站首页" } }
            li { a href="/contact" { "联系我们" } }
            li { a href="/login" { "工作人员登录" } }
        }
    };
    Ok(page(public_page(
        &st.site,
        &meta("网站地图", "网站地图", &ctx),
        body,
    )))
}

async fn contact(State(st): State<Shared>, ctx: Ctx) -> Result<Response> {
    let s = &st.site;
    let body = html! {
        h1 { "联系我们" }
        dl.kv {
            dt { "主办单位" } dd { (s.sponsor) }
            dt { "联系电话" } dd { (s.phone) }
            dt { "地址" } dd { (s.address) }
        }
    };
    Ok(page(public_page(
        &st.site,
        &meta("联系我们", "联系我们", &ctx),
        body,
    )))
}
