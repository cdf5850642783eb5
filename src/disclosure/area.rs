//! The area's front page (`/gk/` for the district, `/u/{code}/gk/` for each unit): its six
//! columns, the way to ask and to follow a request, and on the district's page every unit
//! with disclosure duties.

use axum::extract::{Path, State};
use axum::response::Response;
use maud::html;

use super::page::{self, AreaPath, Column};
use super::units;
use crate::error::Result;
use crate::http::Shared;
use crate::http::extract::Ctx;
use crate::http::respond::html as page_resp;
use crate::http::routes::Routes;

pub fn router() -> Routes {
    Routes::new()
        .get("/gk", redirect_main)
        .get("/gk/", page_main)
        .get("/u/{code}/gk", redirect_sub)
        .get("/u/{code}/gk/", page_home)
}

async fn redirect_main() -> Response {
    crate::http::respond::see_other("/gk/")
}

async fn redirect_sub(Path(code): Path<String>) -> Result<Response> {
    let code =
        crate::auth::model::UnitCode::parse(&code).map_err(|_| crate::error::Error::NotFound)?;
    Ok(crate::http::respond::see_other(&format!("/u/{code}/gk/")))
}

async fn page_main(st: State<Shared>, ctx: Ctx) -> Result<Response> {
    page_home(st, ctx, Path(AreaPath { code: None })).await
}

fn blurb(c: Column) -> &'static str {
    match c {
        Column::Guide => "信息分类、获取方式和公开工作机构的联系方式",
        Column::Rules => "政府信息公开的工作制度",
        Column::Statutory => "条例第二十条、第二十一条规定主动公开的内容",
        Column::Catalog => "按主题、体裁、机构和年份查阅已公开的信息",
        Column::Requests => "在线申请获取政府信息，凭查询码查看进度和答复",
        Column::Reports => "历年政府信息公开工作年度报告",
        Column::Home => "",
    }
}

/// GET /gk/ and /u/{code}/gk/
async fn page_home(
    State(st): State<Shared>,
    ctx: Ctx,
    Path(p): Path<AreaPath>,
) -> Result<Response> {
    let all = page::load_units(&st).await?;
    let a = page::area(&all, &p)?;
    let others: Vec<(String, String)> = if a.is_root {
        units::obligated(&all)
            .into_iter()
            .filter(|u| u.parent.is_some())
            .map(|u| (units::area_href(&all, &u.code), u.name.clone()))
            .collect()
    } else {
        Vec::new()
    };
    let body = html! {
        ul.gk-tiles {
            @for c in Column::NAV {
                li { a href=(a.column(c)) { strong { (c.label()) } span { (blurb(c)) } } }
            }
        }
        p.gk-ask {
            a.button href=(a.column(Column::Requests)) { "在线申请政府信息" } " "
            a href="/gk/lookup" { "查询申请办理进度" }
        }
        @if !others.is_empty() {
            section aria-labelledby="gk-units" {
                h2 #gk-units { "部门和街道信息公开" }
                ul.columns { @for (href, name) in &others { li { a href=(href) { (name) } } } }
            }
        }
    };
    let title = format!("{}政府信息公开", a.unit.name);
    Ok(page_resp(page::render(
        &st,
        &ctx,
        &a,
        Column::Home,
        &title,
        body,
    )))
}
