//! The report as a workbook (`{area}reports/{year}.xlsx`; rust_xlsxwriter): the text
//! sections on the first sheet, then tables 二, 三 and 四 each on its own sheet with the
//! format's labels (merged as in the printed table) and numbers as numbers.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use super::model::Texts;
use super::tables::{
    APPLICANTS, HEADINGS, NCOLS, NOTE, ORGANISATIONS, RESULTS, ROWS, T2_COLS, T2_CONTENT,
    T2_DECISIONS, T2_FEES, T4_LITIGATION, T4_RECONSIDERATION, T4_RESULTS, T4_SUITS, TOTAL_COL,
    Tables, col_label, is_result,
};
use crate::error::{Error, Result};

pub const MIME: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
pub const SHEET_TEXT: &str = "年度报告";
pub const SHEET_T2: &str = "主动公开";
pub const SHEET_T3: &str = "收到和处理申请";
pub const SHEET_T4: &str = "行政复议行政诉讼";

fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

fn row(r: usize) -> u32 {
    u32::try_from(r).unwrap_or(u32::MAX)
}

struct Formats {
    head: Format,
    cell: Format,
    wrap: Format,
}

fn formats() -> Formats {
    let border = |f: Format| f.set_border(FormatBorder::Thin);
    Formats {
        head: border(
            Format::new()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_text_wrap(),
        ),
        cell: border(Format::new()),
        wrap: border(
            Format::new()
                .set_text_wrap()
                .set_align(FormatAlign::VerticalCenter),
        ),
    }
}

fn texts_sheet(ws: &mut Worksheet, title: &str, t: &Texts) -> Result<(), XlsxError> {
    ws.set_name(SHEET_TEXT)?;
    ws.set_column_width(0, 100)?;
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    ws.write_string_with_format(0, 0, title, &bold)?;
    let sections = [
        (HEADINGS[0], t.overview.clone()),
        (HEADINGS[1], format!("见工作表“{SHEET_T2}”。")),
        (HEADINGS[2], format!("见工作表“{SHEET_T3}”。")),
        (HEADINGS[3], format!("见工作表“{SHEET_T4}”。")),
        (HEADINGS[4], t.problems.clone()),
        (HEADINGS[5], t.other.clone()),
    ];
    let mut r = 2u32;
    for (h, body) in sections {
        ws.write_string_with_format(r, 0, h, &bold)?;
        ws.write_string_with_format(r + 1, 0, &body, &wrap)?;
        r += 3;
    }
    Ok(())
}

/// A block of table 二: its heading, what its one column counts, its rows.
type Block<'a> = (&'a str, &'a str, Vec<(&'a str, f64)>);

fn t2_sheet(ws: &mut Worksheet, t: &Tables, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name(SHEET_T2)?;
    ws.set_column_width(0, 22)?;
    for c in 1..4 {
        ws.set_column_width(c, 18)?;
    }
    let t2 = &t.t2;
    let mut r = 0u32;
    ws.merge_range(r, 0, r, 3, "第二十条第（一）项", &f.head)?;
    r += 1;
    ws.write_string_with_format(r, 0, T2_CONTENT, &f.head)?;
    for (i, h) in T2_COLS.iter().enumerate() {
        ws.write_string_with_format(r, col(i + 1), *h, &f.head)?;
    }
    for (label, v) in [("规章", t2.rules), ("行政规范性文件", t2.normative)] {
        r += 1;
        ws.write_string_with_format(r, 0, label, &f.cell)?;
        for (i, n) in v.iter().enumerate() {
            ws.write_number_with_format(r, col(i + 1), *n as f64, &f.cell)?;
        }
    }
    let blocks: [Block<'_>; 3] = [
        (
            "第二十条第（五）项",
            T2_DECISIONS,
            vec![("行政许可", t2.permits as f64)],
        ),
        (
            "第二十条第（六）项",
            T2_DECISIONS,
            vec![
                ("行政处罚", t2.penalties as f64),
                ("行政强制", t2.enforcement as f64),
            ],
        ),
        (
            "第二十条第（八）项",
            T2_FEES,
            vec![("行政事业性收费", t2.fees.as_f64())],
        ),
    ];
    for (head, what, rows) in blocks {
        r += 2;
        ws.merge_range(r, 0, r, 3, head, &f.head)?;
        r += 1;
        ws.write_string_with_format(r, 0, T2_CONTENT, &f.head)?;
        ws.merge_range(r, 1, r, 3, what, &f.head)?;
        for (label, n) in rows {
            r += 1;
            ws.write_string_with_format(r, 0, label, &f.cell)?;
            ws.write_number_with_format(r, 1, n, &f.cell)?;
        }
    }
    Ok(())
}

fn t3_sheet(ws: &mut Worksheet, t: &Tables, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name(SHEET_T3)?;
    ws.set_column_width(0, 10)?;
    ws.set_column_width(1, 16)?;
    ws.set_column_width(2, 40)?;
    let first = 3u16;
    let last = first + col(NCOLS) - 1;
    ws.merge_range(0, 0, 2, 2, NOTE, &f.wrap)?;
    ws.merge_range(0, first, 0, last, APPLICANTS, &f.head)?;
    ws.merge_range(1, first, 2, first, col_label(0), &f.head)?;
    ws.merge_range(1, first + 1, 1, first + 5, ORGANISATIONS, &f.head)?;
    ws.merge_range(1, last, 2, last, col_label(TOTAL_COL), &f.head)?;
    for c in 1..TOTAL_COL {
        ws.write_string_with_format(2, first + col(c), col_label(c), &f.head)?;
    }
    let start = 3usize;
    let results: Vec<usize> = (0..ROWS.len()).filter(|&i| is_result(&ROWS[i])).collect();
    if let (Some(a), Some(b)) = (results.first(), results.last()) {
        ws.merge_range(row(start + a), 0, row(start + b), 0, RESULTS, &f.wrap)?;
    }
    for (i, def) in ROWS.iter().enumerate() {
        let r = row(start + i);
        if !is_result(def) {
            ws.merge_range(r, 0, r, 2, def.label, &f.wrap)?;
        } else if def.is_leaf {
            let g = def.group;
            let is_first = i == 0 || ROWS[i - 1].group != g || !ROWS[i - 1].is_leaf;
            if is_first && let Some(g) = g {
                let n = ROWS
                    .iter()
                    .filter(|x| x.group == Some(g) && x.is_leaf)
                    .count();
                if n > 1 {
                    ws.merge_range(r, 1, r + row(n) - 1, 1, g.row_label(), &f.wrap)?;
                } else {
                    ws.write_string_with_format(r, 1, g.row_label(), &f.wrap)?;
                }
            }
            ws.write_string_with_format(r, 2, def.label, &f.wrap)?;
        } else {
            ws.merge_range(r, 1, r, 2, def.label, &f.wrap)?;
        }
        for c in 0..NCOLS {
            ws.write_number_with_format(r, first + col(c), t.t3.get(def.id, c) as f64, &f.cell)?;
        }
    }
    Ok(())
}

fn t4_sheet(ws: &mut Worksheet, t: &Tables, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name(SHEET_T4)?;
    ws.merge_range(0, 0, 0, 4, T4_RECONSIDERATION, &f.head)?;
    ws.merge_range(0, 5, 0, 14, T4_LITIGATION, &f.head)?;
    for (i, l) in T4_RESULTS.iter().enumerate() {
        ws.merge_range(1, col(i), 2, col(i), l, &f.head)?;
    }
    for (g, s) in T4_SUITS.iter().enumerate() {
        let c0 = col(5 + g * 5);
        ws.merge_range(1, c0, 1, c0 + 4, s, &f.head)?;
        for (i, l) in T4_RESULTS.iter().enumerate() {
            ws.write_string_with_format(2, c0 + col(i), *l, &f.head)?;
        }
    }
    for (i, n) in t.t4.flat().iter().enumerate() {
        ws.write_number_with_format(3, col(i), *n as f64, &f.cell)?;
    }
    for c in 0..15u16 {
        ws.set_column_width(c, 10)?;
    }
    Ok(())
}

fn build(title: &str, texts: &Texts, t: &Tables) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let f = formats();
    texts_sheet(wb.add_worksheet(), title, texts)?;
    t2_sheet(wb.add_worksheet(), t, &f)?;
    t3_sheet(wb.add_worksheet(), t, &f)?;
    t4_sheet(wb.add_worksheet(), t, &f)?;
    wb.save_to_buffer()
}

/// The workbook's bytes.
pub fn xlsx(title: &str, texts: &Texts, t: &Tables) -> Result<Vec<u8>> {
    build(title, texts, t).map_err(Error::internal)
}
