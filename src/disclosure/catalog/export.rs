//! The catalog's downloads, with the page's filters: a workbook (rust_xlsxwriter) and CSV
//! (UTF-8 with a BOM so Excel reads the Chinese; cells that a spreadsheet would take for a
//! formula are defused). Both are attachments named in Chinese (RFC 6266 `filename*`) with
//! an ASCII fallback. The first six columns are the page's table.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{Format, Workbook};

use super::page::{area_path, load};
use super::query::{self, CatalogQuery, Row};
use crate::disclosure::page::{Area, AreaPath};
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::views::form::FormState;

pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
pub const SHEET: &str = "政府信息公开目录";

/// The columns, in order.
pub const HEADERS: [&str; 13] = [
    "索引号",
    "名称",
    "文号",
    "发布机构",
    "成文日期",
    "发布日期",
    "主题分类",
    "体裁分类",
    "目录类别",
    "文件属性",
    "有效性",
    "公开方式",
    "网址",
];

fn cells(r: &Row) -> [String; 13] {
    [
        r.index_no.clone(),
        r.title.clone(),
        r.doc_no.clone(),
        r.issuer.clone(),
        r.written_date.clone(),
        r.published.clone(),
        r.topic.clone(),
        r.genre.clone(),
        r.category.clone(),
        r.normative.clone(),
        r.validity_label(),
        if r.on_request {
            "依申请公开"
        } else {
            "主动公开"
        }
        .to_owned(),
        r.url.clone(),
    ]
}

/// A cell a spreadsheet would run as a formula gets a leading apostrophe.
fn defuse(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

/// The rows the filters keep, or the first filter error as a 400.
async fn rows_for(st: &Shared, p: &AreaPath, q: &CatalogQuery) -> Result<(Area, Vec<Row>)> {
    let (area, units, rows) = load(st, p).await?;
    let mut fs = FormState::default();
    let f = query::parse(q, &area, &units, &mut fs);
    if let Some((_, m)) = fs.errors.first() {
        return Err(Error::BadRequest(m.clone()));
    }
    let kept = query::filtered(&rows, &f).into_iter().cloned().collect();
    Ok((area, kept))
}

pub fn xlsx_bytes(rows: &[Row]) -> Result<Vec<u8>> {
    let err = |e: rust_xlsxwriter::XlsxError| Error::Internal(format!("xlsx: {e}"));
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(SHEET).map_err(err)?;
    let bold = Format::new().set_bold();
    for (c, h) in HEADERS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)
            .map_err(err)?;
    }
    for (i, r) in rows.iter().enumerate() {
        for (c, v) in cells(r).iter().enumerate() {
            ws.write_string(i as u32 + 1, c as u16, v).map_err(err)?;
        }
    }
    ws.set_column_width(0, 28).map_err(err)?;
    ws.set_column_width(1, 48).map_err(err)?;
    ws.set_column_width(2, 22).map_err(err)?;
    ws.set_column_width(3, 22).map_err(err)?;
    ws.set_freeze_panes(1, 0).map_err(err)?;
    wb.save_to_buffer().map_err(err)
}

pub fn csv_bytes(rows: &[Row]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let err = |e: csv::Error| Error::Internal(format!("csv: {e}"));
    w.write_record(HEADERS).map_err(err)?;
    for r in rows {
        w.write_record(cells(r).iter().map(|c| defuse(c)))
            .map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| Error::Internal(format!("csv: {e}")))
}

fn attachment(body: Vec<u8>, mime: &'static str, area: &Area, ext: &str) -> Response {
    let ascii = format!("catalog-{}.{ext}", area.unit.code);
    let zh = format!("政府信息公开目录-{}.{ext}", area.unit.name);
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        percent_encoding::utf8_percent_encode(&zh, crate::ids::URL_COMPONENT)
    );
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

/// GET /gk/catalog.xlsx and /u/{code}/gk/catalog.xlsx
pub async fn xlsx(
    State(st): State<Shared>,
    p: Option<Path<AreaPath>>,
    Query(q): Query<CatalogQuery>,
) -> Result<Response> {
    let (area, rows) = rows_for(&st, &area_path(p), &q).await?;
    let body = tokio::task::spawn_blocking(move || xlsx_bytes(&rows))
        .await
        .map_err(|e| Error::Internal(format!("xlsx task: {e}")))??;
    Ok(attachment(body, XLSX_TYPE, &area, "xlsx"))
}

/// GET /gk/catalog.csv and /u/{code}/gk/catalog.csv
pub async fn csv(
    State(st): State<Shared>,
    p: Option<Path<AreaPath>>,
    Query(q): Query<CatalogQuery>,
) -> Result<Response> {
    let (area, rows) = rows_for(&st, &area_path(p), &q).await?;
    let body = csv_bytes(&rows)?;
    Ok(attachment(body, "text/csv; charset=utf-8", &area, "csv"))
}
