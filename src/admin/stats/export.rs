//! The downloads of 统计分析: a workbook with one worksheet per table (rust_xlsxwriter;
//! numbers written as numbers) and the per-unit-per-month table as CSV (UTF-8 with a BOM for
//! Excel, formula cells defused like the audit log's export).

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::figures::{Figures, mean, median, round1};
use crate::error::{Error, Result};

pub const MONTH_SHEET: &str = "各单位各月发布";
pub const CHANNEL_SHEET: &str = "各栏目发布";
pub const TURNAROUND_SHEET: &str = "审核用时";
pub const WAITING_SHEET: &str = "当前待办";
pub const OFFICE_SHEET: &str = "内网办公";
pub const DISCLOSURE_SHEET: &str = "政务公开";
pub const MAILBOX_SHEET: &str = "区长信箱";
pub const MAILBOX_HEADERS: [&str; 7] = [
    "单位",
    "单位代码",
    "受理",
    "已答复",
    "按时答复",
    "平均用时（工作日）",
    "满意率（%）",
];

pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Headers of the per-unit-per-month table: 单位, 单位代码, 1月 … 12月, 合计.
pub fn month_headers() -> Vec<String> {
    let mut h = vec!["单位".to_owned(), "单位代码".to_owned()];
    h.extend((1..=12).map(|m| format!("{m}月")));
    h.push("合计".to_owned());
    h
}

pub const TURNAROUND_HEADERS: [&str; 5] = [
    "单位",
    "单位代码",
    "经审核发布（条）",
    "用时中位数（工作日）",
    "平均用时（工作日）",
];

pub const OFFICE_HEADERS: [&str; 14] = [
    "单位",
    "单位代码",
    "发文（件）",
    "转发（件）",
    "收文（份）",
    "已签收",
    "按时签收",
    "按时签收率（%）",
    "发会议通知",
    "受邀会议",
    "按时回执",
    "发送文件",
    "传输量（字节）",
    "下载收到的文件",
];

pub const WAITING_HEADERS: [&str; 7] = [
    "单位",
    "单位代码",
    "待本单位审核",
    "待办公室审核",
    "待发布",
    "定时发布",
    "合计",
];

fn header_row<S: AsRef<str>>(
    ws: &mut Worksheet,
    headers: &[S],
    bold: &Format,
) -> Result<(), XlsxError> {
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, col(c), h.as_ref(), bold)?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.set_column_width(0, 22)?;
    Ok(())
}

/// A column number (the tables here have at most 15 columns).
fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

fn row(r: usize) -> u32 {
    u32::try_from(r).unwrap_or(u32::MAX)
}

fn build(f: &Figures) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let one_decimal = Format::new().set_num_format("0.0");

    let ws = wb.add_worksheet();
    ws.set_name(MONTH_SHEET)?;
    header_row(ws, &month_headers(), &bold)?;
    let mut r = 1;
    for u in &f.units {
        ws.write_string(row(r), 0, &u.name)?;
        ws.write_string(row(r), 1, u.code.as_str())?;
        for (m, n) in u.months.iter().enumerate() {
            ws.write_number(row(r), col(m + 2), *n)?;
        }
        ws.write_number(row(r), 14, u.total())?;
        r += 1;
    }
    ws.write_string_with_format(row(r), 0, "合计", &bold)?;
    for (m, n) in f.months_total().iter().enumerate() {
        ws.write_number_with_format(row(r), col(m + 2), *n, &bold)?;
    }
    ws.write_number_with_format(row(r), 14, f.total(), &bold)?;

    let ws = wb.add_worksheet();
    ws.set_name(CHANNEL_SHEET)?;
    header_row(ws, &["站点", "栏目", "信息数（条）"], &bold)?;
    ws.set_column_width(1, 22)?;
    for (i, c) in f.channels.iter().enumerate() {
        ws.write_string(row(i + 1), 0, &c.site)?;
        ws.write_string(row(i + 1), 1, &c.channel)?;
        ws.write_number(row(i + 1), 2, c.count)?;
    }

    let ws = wb.add_worksheet();
    ws.set_name(TURNAROUND_SHEET)?;
    header_row(ws, &TURNAROUND_HEADERS, &bold)?;
    let all = f.turnaround_all();
    let lines = f
        .units
        .iter()
        .filter(|u| !u.turnaround.is_empty())
        .map(|u| (u.name.as_str(), u.code.as_str(), &u.turnaround[..]))
        .chain(std::iter::once(("合计", "", &all[..])));
    for (i, (name, code, days)) in lines.enumerate() {
        ws.write_string(row(i + 1), 0, name)?;
        ws.write_string(row(i + 1), 1, code)?;
        ws.write_number(row(i + 1), 2, u32::try_from(days.len()).unwrap_or(u32::MAX))?;
        if let (Some(md), Some(mn)) = (median(days), mean(days)) {
            ws.write_number_with_format(row(i + 1), 3, round1(md), &one_decimal)?;
            ws.write_number_with_format(row(i + 1), 4, round1(mn), &one_decimal)?;
        }
    }

    let ws = wb.add_worksheet();
    ws.set_name(WAITING_SHEET)?;
    header_row(ws, &WAITING_HEADERS, &bold)?;
    let total = f.waiting_total();
    let lines = f
        .units
        .iter()
        .filter(|u| u.waiting.total() > 0)
        .map(|u| (u.name.as_str(), u.code.as_str(), u.waiting))
        .chain(std::iter::once(("合计", "", total)));
    for (i, (name, code, w)) in lines.enumerate() {
        ws.write_string(row(i + 1), 0, name)?;
        ws.write_string(row(i + 1), 1, code)?;
        for (c, n) in w.columns().iter().enumerate() {
            ws.write_number(row(i + 1), col(c + 2), *n)?;
        }
        ws.write_number(row(i + 1), 6, w.total())?;
    }

    let ws = wb.add_worksheet();
    ws.set_name(OFFICE_SHEET)?;
    header_row(ws, &OFFICE_HEADERS, &bold)?;
    let total = f.office_total();
    let lines = f
        .units
        .iter()
        .filter(|u| u.office != Default::default())
        .map(|u| (u.name.as_str(), u.code.as_str(), u.office))
        .chain(std::iter::once(("合计", "", total)));
    for (i, (name, code, o)) in lines.enumerate() {
        ws.write_string(row(i + 1), 0, name)?;
        ws.write_string(row(i + 1), 1, code)?;
        for (c, n) in [
            o.docs_sent,
            o.docs_forwarded,
            o.received,
            o.signed,
            o.signed_on_time,
        ]
        .iter()
        .enumerate()
        {
            ws.write_number(row(i + 1), col(c + 2), *n)?;
        }
        if let Some(p) = o.on_time_percent() {
            ws.write_number_with_format(row(i + 1), 7, p, &one_decimal)?;
        }
        for (c, n) in [o.meetings_sent, o.invited, o.replied_on_time]
            .iter()
            .enumerate()
        {
            ws.write_number(row(i + 1), col(c + 8), *n)?;
        }
        ws.write_number(row(i + 1), 11, o.files_sent)?;
        // Bytes as a number (f64 is exact far beyond any disk).
        ws.write_number(row(i + 1), 12, o.bytes_sent as f64)?;
        ws.write_number(row(i + 1), 13, o.file_downloads)?;
    }

    let ws = wb.add_worksheet();
    ws.set_name(DISCLOSURE_SHEET)?;
    header_row(ws, &crate::disclosure::report::stats::HEADERS, &bold)?;
    for (i, d) in f.disclosure.iter().enumerate() {
        ws.write_string(row(i + 1), 0, &d.name)?;
        for (c, n) in [d.received, d.replied, d.on_time, d.overdue]
            .iter()
            .enumerate()
        {
            ws.write_number(row(i + 1), col(c + 1), *n)?;
        }
        ws.write_string(row(i + 1), 5, d.report)?;
        ws.write_string(row(i + 1), 6, d.unit.as_str())?;
    }

    let ws = wb.add_worksheet();
    ws.set_name(MAILBOX_SHEET)?;
    header_row(ws, &MAILBOX_HEADERS, &bold)?;
    for (i, (name, code, r)) in f.mailbox.iter().enumerate() {
        ws.write_string(row(i + 1), 0, name)?;
        ws.write_string(row(i + 1), 1, code.as_str())?;
        for (c, n) in [r.accepted, r.answered, r.on_time].iter().enumerate() {
            ws.write_number(row(i + 1), col(c + 2), *n)?;
        }
        for (c, v) in [r.average_days(), r.satisfied_percent()].iter().enumerate() {
            if let Some(v) = v {
                ws.write_number_with_format(row(i + 1), col(c + 5), *v, &one_decimal)?;
            }
        }
    }
    wb.save_to_buffer()
}

/// The workbook's bytes.
pub fn xlsx(f: &Figures) -> Result<Vec<u8>> {
    build(f).map_err(Error::internal)
}

/// The per-unit-per-month table as CSV, with a BOM and a 合计 line.
pub fn csv(f: &Figures) -> Result<Vec<u8>> {
    let cell = crate::admin::audit_log::cell;
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| Error::internal(e);
    w.write_record(month_headers()).map_err(err)?;
    for u in &f.units {
        let mut line = vec![cell(&u.name), cell(u.code.as_str())];
        line.extend(u.months.iter().map(u32::to_string));
        line.push(u.total().to_string());
        w.write_record(line).map_err(err)?;
    }
    let mut line = vec!["合计".to_owned(), String::new()];
    line.extend(f.months_total().iter().map(u32::to_string));
    line.push(f.total().to_string());
    w.write_record(line).map_err(err)?;
    let mut body = vec![0xEF, 0xBB, 0xBF];
    body.extend(w.into_inner().map_err(|e| Error::internal(e.to_string()))?);
    Ok(body)
}
