//! The report's markup, shared by the public page and the staff page: the six sections
//! with their headings and the three tables with the format's exact labels. Tables carry
//! captions and scoped headers; the wide ones sit in a labelled region that scrolls
//! sideways on a narrow screen (keyboard-reachable), so the page itself never does.

use maud::{Markup, html};

use super::model::Texts;
use super::tables::{
    APPLICANTS, HEADINGS, NCOLS, NOTE, ORGANISATIONS, RESULTS, ROWS, T2_COLS, T2_CONTENT,
    T2_DECISIONS, T2_FEES, T4_LITIGATION, T4_RECONSIDERATION, T4_RESULTS, T4_SUITS, TOTAL,
    TOTAL_COL, Table2, Table3, Table4, Tables, col_id, col_label, is_result,
};
use crate::disclosure::requests::outcome::Group;

/// A region that scrolls sideways by itself, named for screen readers and reachable by
/// keyboard.
fn scroll(label: &str, inner: Markup) -> Markup {
    html! {
        div.table-scroll.gk-scroll role="region" aria-label=(label) tabindex="0" { (inner) }
    }
}

/// Plain text as paragraphs, one per non-empty line.
pub fn paragraphs(text: &str, empty: &str) -> Markup {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    html! {
        @if lines.is_empty() { p.gk-empty { (empty) } }
        @for l in lines { p { (l) } }
    }
}

pub fn table2(t: &Table2) -> Markup {
    let counts = |label: &str, v: [u64; 3]| {
        html! { tr { th scope="row" { (label) } @for n in v { td { (n) } } } }
    };
    let one = |label: &str, n: String| html! { tr { th scope="row" { (label) } td { (n) } } };
    html! {
        div.gk-t2 {
            table.data {
                caption { "第二十条第（一）项" }
                thead { tr { th scope="col" { (T2_CONTENT) } @for c in T2_COLS { th scope="col" { (c) } } } }
                tbody {
                    (counts("规章", t.rules))
                    (counts("行政规范性文件", t.normative))
                }
            }
            table.data {
                caption { "第二十条第（五）项" }
                thead { tr { th scope="col" { (T2_CONTENT) } th scope="col" { (T2_DECISIONS) } } }
                tbody { (one("行政许可", t.permits.to_string())) }
            }
            table.data {
                caption { "第二十条第（六）项" }
                thead { tr { th scope="col" { (T2_CONTENT) } th scope="col" { (T2_DECISIONS) } } }
                tbody {
                    (one("行政处罚", t.penalties.to_string()))
                    (one("行政强制", t.enforcement.to_string()))
                }
            }
            table.data {
                caption { "第二十条第（八）项" }
                thead { tr { th scope="col" { (T2_CONTENT) } th scope="col" { (T2_FEES) } } }
                tbody { (one("行政事业性收费", t.fees.to_string())) }
            }
        }
    }
}

/// How many rows the result block (（一）…（七）) spans.
fn result_rows() -> usize {
    ROWS.iter().filter(|r| is_result(r)).count()
}

fn group_rows(g: Group) -> usize {
    ROWS.iter()
        .filter(|r| r.group == Some(g) && r.is_leaf)
        .count()
}

pub fn table3(t: &Table3) -> Markup {
    let cells = |row: &str| {
        html! {
            @for c in 0..NCOLS {
                td data-cell=(format!("{row}:{}", col_id(c))) { (t.get(row, c)) }
            }
        }
    };
    let mut seen_results = false;
    let mut seen_group: Option<Group> = None;
    let table = html! {
        table.data.gk-t3 {
            caption { "收到和处理政府信息公开申请情况" }
            thead {
                tr {
                    td.gk-note colspan="3" rowspan="3" { (NOTE) }
                    th scope="col" colspan=(NCOLS) { (APPLICANTS) }
                }
                tr {
                    th scope="col" rowspan="2" { (col_label(0)) }
                    th scope="col" colspan=(NCOLS - 2) { (ORGANISATIONS) }
                    th scope="col" rowspan="2" { (col_label(TOTAL_COL)) }
                }
                tr { @for c in 1..TOTAL_COL { th scope="col" { (col_label(c)) } } }
            }
            tbody {
                @for r in ROWS.iter() {
                    tr {
                        @if !is_result(r) {
                            th scope="row" colspan="3" { (r.label) }
                        } @else {
                            @if !seen_results {
                                ({ seen_results = true; "" })
                                th scope="row" rowspan=(result_rows()) { (RESULTS) }
                            }
                            @if r.is_leaf {
                                @if let Some(g) = r.group.filter(|g| seen_group != Some(*g)) {
                                    ({ seen_group = Some(g); "" })
                                    th scope="row" rowspan=(group_rows(g)) { (g.row_label()) }
                                }
                                th scope="row" { (r.label) }
                            } @else {
                                th scope="row" colspan="2" { (r.label) }
                            }
                        }
                        (cells(r.id))
                    }
                }
            }
        }
    };
    debug_assert!(ROWS.iter().any(|r| r.id == TOTAL));
    scroll("收到和处理政府信息公开申请情况表（可左右滚动）", table)
}

pub fn table4(t: &Table4) -> Markup {
    let flat = t.flat();
    let table = html! {
        table.data.gk-t4 {
            caption { "政府信息公开行政复议、行政诉讼情况" }
            thead {
                tr {
                    th scope="col" colspan="5" { (T4_RECONSIDERATION) }
                    th scope="col" colspan="10" { (T4_LITIGATION) }
                }
                tr {
                    @for l in T4_RESULTS { th scope="col" rowspan="2" { (l) } }
                    @for s in T4_SUITS { th scope="col" colspan="5" { (s) } }
                }
                tr { @for _ in T4_SUITS { @for l in T4_RESULTS { th scope="col" { (l) } } } }
            }
            tbody {
                tr { @for (i, n) in flat.iter().enumerate() { td data-cell=(format!("t4:{i}")) { (n) } } }
            }
        }
    };
    scroll("政府信息公开行政复议、行政诉讼情况表（可左右滚动）", table)
}

/// Sections 二, 三 and 四.
pub fn tables(t: &Tables) -> Markup {
    html! {
        section.gk-section aria-labelledby="gk-h2" {
            h2 #gk-h2 { (HEADINGS[1]) }
            (table2(&t.t2))
        }
        section.gk-section aria-labelledby="gk-h3" {
            h2 #gk-h3 { (HEADINGS[2]) }
            (table3(&t.t3))
        }
        section.gk-section aria-labelledby="gk-h4" {
            h2 #gk-h4 { (HEADINGS[3]) }
            (table4(&t.t4))
        }
    }
}

/// The whole report: 一 to 六.
pub fn full(texts: &Texts, t: &Tables, empty: &str) -> Markup {
    html! {
        div.gk-report {
            section.gk-section aria-labelledby="gk-h1" {
                h2 #gk-h1 { (HEADINGS[0]) }
                (paragraphs(&texts.overview, empty))
            }
            (tables(t))
            section.gk-section aria-labelledby="gk-h5" {
                h2 #gk-h5 { (HEADINGS[4]) }
                (paragraphs(&texts.problems, empty))
            }
            section.gk-section aria-labelledby="gk-h6" {
                h2 #gk-h6 { (HEADINGS[5]) }
                (paragraphs(&texts.other, empty))
            }
        }
    }
}

/// The stylesheet the report's pages add.
pub fn stylesheet(st: &crate::http::Shared) -> Markup {
    html! { link rel="stylesheet" href=(st.assets.url("css/gk-report.css")); }
}
