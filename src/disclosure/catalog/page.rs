//! The 公开目录 page: the filter form (GET, labelled fields, counts beside each choice), the
//! table of entries, pages, and the two downloads with the same filters.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::response::Response;
use maud::{Markup, html};

use super::query::{self, CatalogQuery, Filter, PER_PAGE, Row};
use crate::auth::units::Units;
use crate::disclosure::page::{self as frame, Area, AreaPath, Column};
use crate::disclosure::units;
use crate::error::Result;
use crate::http::Shared;
use crate::http::extract::Ctx;
use crate::http::respond::{html as page, html_invalid};
use crate::publishing::catalog::{codes, fields};
use crate::views::form::{self, FormState};

/// The area of a request on `/gk/…` (no path parameters) or `/u/{code}/gk/…`.
pub fn area_path(p: Option<Path<AreaPath>>) -> AreaPath {
    p.map_or(AreaPath { code: None }, |Path(p)| p)
}

/// The area, its unit tree and its rows.
pub async fn load(st: &Shared, p: &AreaPath) -> Result<(Area, Arc<Units>, Vec<Row>)> {
    let units = Arc::new(frame::load_units(st).await?);
    let area = frame::area(&units, p)?;
    let rows = query::scope_rows(st, &area, units.clone()).await?;
    Ok((area, units, rows))
}

/// The entries as a table: 索引号 | 名称 | 文号 | 发布机构 | 成文日期 | 发布日期; on a phone each
/// row becomes a card, the name first.
pub fn table(caption: &str, rows: &[&Row]) -> Markup {
    html! {
        div {
            table.data.cards.gk-catalog {
                caption { (caption) }
                thead {
                    tr {
                        th scope="col" { "索引号" }
                        th scope="col" { "名称" }
                        th scope="col" { "文号" }
                        th scope="col" { "发布机构" }
                        th scope="col" { "成文日期" }
                        th scope="col" { "发布日期" }
                    }
                }
                tbody {
                    @for r in rows {
                        tr {
                            td data-label="索引号" { (r.index_no) }
                            td.card-title { a href=(r.url) { (r.title) } }
                            td data-label="文号" { (r.doc_no) }
                            td data-label="发布机构" { (r.issuer) }
                            td data-label="成文日期" { (r.written_date) }
                            td data-label="发布日期" { (r.published) }
                        }
                    }
                }
            }
        }
    }
}

/// A select whose options carry how many entries each has; `all` first.
fn counted_select(
    name: &str,
    label: &str,
    all: &str,
    options: &[(String, String, usize)],
    fs: &FormState,
) -> Markup {
    let opts: Vec<(String, String)> = std::iter::once((String::new(), all.to_owned()))
        .chain(
            options
                .iter()
                .map(|(v, l, n)| (v.clone(), format!("{l}（{n}）"))),
        )
        .collect();
    form::select(name, label, &opts, fs)
}

/// Options of the form: the values the scope has, with their counts, in the tables' order.
fn choices(
    rows: &[Row],
    units: &Units,
    area: &Area,
    tables: &codes::Codes,
) -> [Vec<(String, String, usize)>; 6] {
    let topic_counts = query::counts(rows, |r| {
        if r.topic.contains('\\') {
            vec![r.topic_top(), r.topic.as_str()]
        } else {
            vec![r.topic.as_str()]
        }
    });
    let n_of = |c: &[(&str, usize)], k: &str| c.iter().find(|(x, _)| *x == k).map_or(0, |x| x.1);
    // Entries of a table first, then values the table no longer has.
    let ordered = |c: &[(&str, usize)], order: &[&str], show: &dyn Fn(&str) -> String| {
        let mut v: Vec<(String, String, usize)> = order
            .iter()
            .filter(|k| n_of(c, k) > 0)
            .map(|k| ((*k).to_owned(), show(k), n_of(c, k)))
            .collect();
        for (k, n) in c {
            if !order.contains(k) {
                v.push(((*k).to_owned(), show(k), *n));
            }
        }
        v
    };
    let topic_order: Vec<&str> = tables.topics.iter().map(String::as_str).collect();
    let indent = |k: &str| match k.split_once('\\') {
        Some((_, sub)) => format!("　{sub}"),
        None => k.to_owned(),
    };
    let topics = ordered(&topic_counts, &topic_order, &indent);
    let genre_order: Vec<&str> = tables.genres.iter().map(String::as_str).collect();
    let genres = ordered(
        &query::counts(rows, |r| vec![r.genre.as_str()]),
        &genre_order,
        &str::to_owned,
    );
    let unit_counts = query::counts(rows, |r| vec![r.unit.as_str()]);
    let unit_list: Vec<(String, String, usize)> = if area.is_root {
        units::obligated(units)
            .into_iter()
            .map(|u| {
                (
                    u.code.to_string(),
                    u.name.clone(),
                    n_of(&unit_counts, u.code.as_str()),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut years: Vec<(String, String, usize)> = Vec::new();
    for r in rows {
        match years.iter_mut().find(|(y, _, _)| *y == r.year.to_string()) {
            Some(y) => y.2 += 1,
            None => years.push((r.year.to_string(), format!("{}年", r.year), 1)),
        }
    }
    let cat_order: Vec<&str> = fields::categories().collect();
    let cats = ordered(
        &query::counts(rows, |r| vec![r.category.as_str()]),
        &cat_order,
        &str::to_owned,
    );
    let validity = ordered(
        &query::counts(rows, |r| vec![r.validity.as_str()]),
        &fields::VALIDITY,
        &str::to_owned,
    );
    [topics, genres, unit_list, years, cats, validity]
}

fn filter_form(area: &Area, fs: &FormState, ch: &[Vec<(String, String, usize)>; 6]) -> Markup {
    let [topics, genres, unit_list, years, cats, validity] = ch;
    html! {
        form.search-form.gk-filter method="get" action=(area.column(Column::Catalog)) {
            div.filters {
                (counted_select("topic", "主题分类", "全部主题", topics, fs))
                (counted_select("genre", "体裁分类", "全部体裁", genres, fs))
                @if area.is_root {
                    (counted_select("unit", "发布机构", "全部机构", unit_list, fs))
                }
                (counted_select("year", "发布年份", "全部年份", years, fs))
                (counted_select("category", "目录类别", "全部类别", cats, fs))
                (counted_select("validity", "有效性", "不限", validity, fs))
                (form::field(&form::Field::new("q", "关键词").kind("search").optional().hint("在名称、文号、索引号和内容概述中查找"), fs))
            }
            button.primary type="submit" { "筛选" }
            " "
            a href=(area.column(Column::Catalog)) { "清除筛选条件" }
        }
    }
}

/// GET /gk/catalog and /u/{code}/gk/catalog
pub async fn catalog(
    State(st): State<Shared>,
    ctx: Ctx,
    p: Option<Path<AreaPath>>,
    Query(q): Query<CatalogQuery>,
) -> Result<Response> {
    let (area, units, rows) = load(&st, &area_path(p)).await?;
    let tables = codes::load_all(&st).await?;
    let mut fs = FormState::default();
    let f: Filter = query::parse(&q, &area, &units, &mut fs);
    let hits = query::filtered(&rows, &f);
    let pages = hits.len().div_ceil(PER_PAGE).max(1);
    let page_no = f.page.min(pages);
    let shown: Vec<&Row> = hits
        .iter()
        .skip((page_no - 1) * PER_PAGE)
        .take(PER_PAGE)
        .copied()
        .collect();
    let qs = f.query();
    let href = |n: usize| {
        let base = area.column(Column::Catalog);
        if qs.is_empty() {
            format!("{base}?page={n}")
        } else {
            format!("{base}?{qs}&page={n}")
        }
    };
    let download = |ext: &str| {
        let base = area.link(&format!("catalog.{ext}"));
        if qs.is_empty() {
            base
        } else {
            format!("{base}?{qs}")
        }
    };
    let ch = choices(&rows, &units, &area, &tables);
    let body = html! {
        p {
            "本目录按《中华人民共和国政府信息公开条例》第十二条编制，列出"
            (area.unit.name) @if area.is_root { "及各部门、街道" }
            "主动公开的政府信息，可按主题、体裁、发布机构、年份筛选和检索，并可下载。"
        }
        (form::notice(&fs))
        (filter_form(&area, &fs, &ch))
        p.gk-downloads {
            "下载当前筛选结果："
            a href=(download("xlsx")) download { "Excel 表格（.xlsx）" }
            "　"
            a href=(download("csv")) download { "CSV 文件" }
        }
        @if hits.is_empty() {
            p role="status" { "没有符合条件的信息。" }
        } @else {
            (table(&format!("公开目录（共 {} 条，第 {page_no} 页）", hits.len()), &shown))
            @if pages > 1 {
                nav.pager aria-label="分页" {
                    @if page_no > 1 { a href=(href(page_no - 1)) rel="prev" { "上一页" } }
                    span { "第 " (page_no) " 页 / 共 " (pages) " 页" }
                    @if page_no < pages { a href=(href(page_no + 1)) rel="next" { "下一页" } }
                }
            }
        }
    };
    let m = frame::render(
        &st,
        &ctx,
        &area,
        Column::Catalog,
        Column::Catalog.label(),
        body,
    );
    Ok(if fs.errors.is_empty() {
        page(m)
    } else {
        html_invalid(m)
    })
}
