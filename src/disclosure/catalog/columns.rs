//! Two columns of the area built from the catalog: 公开制度 (items whose 目录类别 is 公开制度)
//! and 法定主动公开内容 (the categories of 条例 第二十条 and 第二十一条, each with its count,
//! leading to the catalog filtered by it).

use axum::extract::{Path, State};
use axum::response::Response;
use maud::{Markup, html};

use super::page::{area_path, load, table};
use super::query::{self, Row};
use crate::disclosure::page::{self as frame, Area, AreaPath, Column};
use crate::error::Result;
use crate::http::Shared;
use crate::http::extract::Ctx;
use crate::http::respond::html as page;
use crate::publishing::catalog::fields::{ARTICLE_20, ARTICLE_21, RULES_CATEGORY};

/// GET /gk/rules and /u/{code}/gk/rules
pub async fn rules(
    State(st): State<Shared>,
    ctx: Ctx,
    p: Option<Path<AreaPath>>,
) -> Result<Response> {
    let (area, _, rows) = load(&st, &area_path(p)).await?;
    let kept: Vec<&Row> = rows
        .iter()
        .filter(|r| r.category == RULES_CATEGORY)
        .collect();
    let body = html! {
        p { "本栏目公开" (area.unit.name) "政府信息公开工作的各项制度，如主动公开、依申请公开、保密审查、监督考核等制度。" }
        @if kept.is_empty() {
            p role="status" { "暂无公开制度。" }
        } @else {
            (table(&format!("公开制度（共 {} 条）", kept.len()), &kept))
        }
    };
    let m = frame::render(&st, &ctx, &area, Column::Rules, Column::Rules.label(), body);
    Ok(page(m))
}

fn category_list(area: &Area, rows: &[Row], heading: &str, id: &str, cats: &[&str]) -> Markup {
    let count = |c: &str| rows.iter().filter(|r| r.category == c).count();
    html! {
        section aria-labelledby=(id) {
            h2 id=(id) { (heading) }
            ol.gk-categories {
                @for c in cats {
                    li {
                        a href=(format!("{}?{}", area.column(Column::Catalog), form_urlencoded::Serializer::new(String::new()).append_pair("category", c).finish())) { (c) }
                        " " span.muted { "（" (count(c)) " 条）" }
                    }
                }
            }
        }
    }
}

/// GET /gk/statutory and /u/{code}/gk/statutory
pub async fn statutory(
    State(st): State<Shared>,
    ctx: Ctx,
    p: Option<Path<AreaPath>>,
) -> Result<Response> {
    let (area, _, rows) = load(&st, &area_path(p)).await?;
    // Only proactive items count here (依申请公开 items are not 主动公开内容).
    let rows: Vec<Row> = rows.into_iter().filter(|r| !r.on_request).collect();
    let total = query::counts(&rows, |r| vec![r.category.as_str()])
        .iter()
        .filter(|(c, _)| *c != RULES_CATEGORY)
        .map(|(_, n)| n)
        .sum::<usize>();
    let body = html! {
        p {
            "按《中华人民共和国政府信息公开条例》第二十条、第二十一条规定应当主动公开的政府信息，共 "
            (total) " 条。点击类别查看该类信息的公开目录。"
        }
        (category_list(&area, &rows, "第二十条规定的主动公开内容", "gk-art20", &ARTICLE_20))
        (category_list(&area, &rows, "第二十一条规定的主动公开内容（县级人民政府）", "gk-art21", &ARTICLE_21))
    };
    let m = frame::render(
        &st,
        &ctx,
        &area,
        Column::Statutory,
        Column::Statutory.label(),
        body,
    );
    Ok(page(m))
}
