//! The downloads of a meeting: its replies as a workbook (the sender; rust_xlsxwriter,
//! numbers as numbers) and its calendar file (the sender and every invitee).

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::model::Meeting;
use super::page::{people_line, sender_only, visible};
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::Staff;

pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
pub const UNIT_SHEET: &str = "各单位回执";
pub const PEOPLE_SHEET: &str = "参会人员名单";
pub const UNIT_HEADERS: [&str; 8] = [
    "单位",
    "单位代码",
    "回执状态",
    "参会人数",
    "参会人员",
    "请假事由",
    "回执人",
    "回执时间",
];
pub const PEOPLE_HEADERS: [&str; 5] = ["序号", "单位", "姓名", "职务", "联系电话"];

/// A download: its type, `attachment` with an ASCII name and the Chinese one (RFC 6266).
fn attachment(body: Vec<u8>, mime: &'static str, ascii: &str, zh: &str) -> Response {
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        percent_encoding::utf8_percent_encode(zh, crate::ids::URL_COMPONENT)
    );
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn build(m: &Meeting) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet();
    ws.set_name(UNIT_SHEET)?;
    for (c, h) in UNIT_HEADERS.iter().enumerate() {
        ws.write_string_with_format(0, u16::try_from(c).unwrap_or(0), *h, &bold)?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.set_column_width(0, 22)?;
    ws.set_column_width(4, 40)?;
    let mut row = 1u32;
    for r in &m.replies {
        ws.write_string(row, 0, &r.unit_name)?;
        ws.write_string(row, 1, r.unit.as_str())?;
        ws.write_string(row, 2, r.label())?;
        ws.write_number(row, 3, u32::try_from(r.people().len()).unwrap_or(0))?;
        ws.write_string(row, 4, people_line(r))?;
        ws.write_string(row, 5, r.reason())?;
        if let Some(t) = &r.replied {
            ws.write_string(row, 6, &t.by_name)?;
            ws.write_string(row, 7, crate::clock::show(t.at_ms))?;
        }
        row += 1;
    }
    let c = m.counts();
    ws.write_string_with_format(row, 0, "合计", &bold)?;
    ws.write_string_with_format(
        row,
        2,
        format!("已回执 {} / 应回执 {}", c.replied, c.expected),
        &bold,
    )?;
    ws.write_number_with_format(row, 3, u32::try_from(c.people).unwrap_or(0), &bold)?;

    let ws = wb.add_worksheet();
    ws.set_name(PEOPLE_SHEET)?;
    for (c, h) in PEOPLE_HEADERS.iter().enumerate() {
        ws.write_string_with_format(0, u16::try_from(c).unwrap_or(0), *h, &bold)?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.set_column_width(1, 22)?;
    let mut row = 1u32;
    for r in &m.replies {
        for p in r.people() {
            ws.write_number(row, 0, row)?;
            ws.write_string(row, 1, &r.unit_name)?;
            ws.write_string(row, 2, &p.name)?;
            ws.write_string(row, 3, &p.title)?;
            ws.write_string(row, 4, &p.phone)?;
            row += 1;
        }
    }
    wb.save_to_buffer()
}

/// The replies workbook's bytes.
pub fn xlsx(m: &Meeting) -> Result<Vec<u8>> {
    build(m).map_err(Error::internal)
}

/// GET /oa/meetings/{id}/replies.xlsx
pub async fn replies_xlsx(
    State(st): State<Shared>,
    s: Staff,
    Path(id): Path<String>,
) -> Result<Response> {
    let m = visible(&st, &s, &id).await?;
    sender_only(&s, &m)?;
    let body = xlsx(&m)?;
    Ok(attachment(
        body,
        XLSX_TYPE,
        &format!("meeting-{}-replies.xlsx", m.id),
        &format!("{}-回执.xlsx", m.details.title),
    ))
}

/// GET /oa/meetings/{id}/meeting.ics
pub async fn ics(State(st): State<Shared>, s: Staff, Path(id): Path<String>) -> Result<Response> {
    let m = visible(&st, &s, &id).await?;
    Ok(attachment(
        super::ics::calendar(&m).into_bytes(),
        "text/calendar; charset=utf-8",
        &format!("meeting-{}.ics", m.id),
        &format!("{}.ics", m.details.title),
    ))
}
