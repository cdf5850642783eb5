//! The page of 统计分析: the filter form, the two charts and the four tables.

use maud::{Markup, html};

use super::figures::{Figures, days, mean, median};
use super::{Asked, HOME, chart};
use crate::views::form::{self, Field};

pub(super) fn filter_form(a: &Asked) -> Markup {
    let q = a.query();
    html! {
        form.filter method="get" action=(HOME) novalidate {
            (form::field(&Field::new("year", "年度").kind("number"), &a.fs))
            (form::select("unit", "单位（含下级单位）", &a.options, &a.fs))
            button type="submit" { "查询" }
        }
        @if !a.fs.has_errors() {
            p.downloads {
                a href=(format!("{HOME}.xlsx?{q}")) { "下载 Excel 表格（五张表）" }
                " "
                a href=(format!("{HOME}.csv?{q}")) { "下载 CSV（各单位各月发布数）" }
            }
        }
    }
}

const MONTH_LABELS: [&str; 12] = [
    "1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月",
];

pub(super) fn charts(f: &Figures) -> Markup {
    let months = f.months_total();
    let month_bars: Vec<(String, u32)> = MONTH_LABELS
        .iter()
        .zip(months)
        .map(|(l, n)| ((*l).to_owned(), n))
        .collect();
    let peak = months
        .iter()
        .enumerate()
        .max_by_key(|(i, n)| (**n, std::cmp::Reverse(*i)))
        .filter(|(_, n)| **n > 0);
    let month_summary = match peak {
        Some((i, n)) => format!(
            "{}年{}各月发布信息数柱状图：全年共 {} 条，最多的是{}（{} 条）。各月数字见下表。",
            f.year,
            f.scope_name,
            f.total(),
            MONTH_LABELS[i],
            n
        ),
        None => format!(
            "{}年{}各月发布信息数柱状图：全年尚无发布的信息。",
            f.year, f.scope_name
        ),
    };
    let mut unit_bars: Vec<(String, u32)> = f
        .units
        .iter()
        .map(|u| (u.name.clone(), u.total()))
        .collect();
    unit_bars.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let unit_summary = match unit_bars.first().filter(|b| b.1 > 0) {
        Some((name, n)) => format!(
            "{}年各单位发布信息数条形图：共 {} 个单位，最多的是{}（{} 条）。各单位数字见下表。",
            f.year,
            unit_bars.len(),
            name,
            n
        ),
        None => format!(
            "{}年各单位发布信息数条形图：共 {} 个单位，尚无发布的信息。",
            f.year,
            unit_bars.len()
        ),
    };
    html! {
        div.stats-charts {
            figure.chart-box {
                (chart::columns("chart-months", &month_summary, &month_bars))
                figcaption { (f.year) "年" (f.scope_name) "各月发布信息数（条）" }
            }
            figure.chart-box {
                (chart::rows("chart-units", &unit_summary, &unit_bars))
                figcaption { (f.year) "年各单位发布信息数（条，由多到少）" }
            }
        }
    }
}

pub(super) fn tables(f: &Figures) -> Markup {
    let months = f.months_total();
    let all = f.turnaround_all();
    let waiting = f.waiting_total();
    html! {
        div.table-scroll tabindex="0" role="region" aria-labelledby="stats-months-cap" {
            table.data #stats-months {
                caption #stats-months-cap { (f.year) "年各单位各月发布信息数（条）" }
                thead { tr {
                    th scope="col" { "单位" }
                    @for m in MONTH_LABELS { th scope="col" { (m) } }
                    th scope="col" { "合计" }
                } }
                tbody {
                    @for u in &f.units {
                        tr { th scope="row" { (u.name) } @for n in u.months { td { (n) } } td { (u.total()) } }
                    }
                }
                tfoot { tr { th scope="row" { "合计" } @for n in months { td { (n) } } td { (f.total()) } } }
            }
        }
        table.data #stats-channels {
            caption { (f.year) "年各栏目发布信息数" }
            thead { tr { th scope="col" { "站点" } th scope="col" { "栏目" } th scope="col" { "信息数（条）" } } }
            tbody {
                @for c in &f.channels {
                    tr { td { (c.site) } th scope="row" { (c.channel) } td { (c.count) } }
                }
                @if f.channels.is_empty() { tr { td colspan="3" { "没有栏目。" } } }
            }
        }
        p.hint { "一条信息同时在几个栏目中的，每个栏目各计一次；本年没有发布信息的栏目也列出（计 0）。" }
        table.data #stats-turnaround {
            caption { (f.year) "年审核用时（自首次报送至发布，按工作日计）" }
            thead { tr {
                th scope="col" { "单位" } th scope="col" { "经审核发布（条）" }
                th scope="col" { "用时中位数（工作日）" } th scope="col" { "平均用时（工作日）" }
            } }
            tbody {
                @for u in f.units.iter().filter(|u| !u.turnaround.is_empty()) {
                    tr {
                        th scope="row" { (u.name) } td { (u.turnaround.len()) }
                        td { (days(median(&u.turnaround))) } td { (days(mean(&u.turnaround))) }
                    }
                }
                @if all.is_empty() { tr { td colspan="4" { "本年没有经审核发布的信息。" } } }
            }
            tfoot { tr {
                th scope="row" { "合计" } td { (all.len()) } td { (days(median(&all))) } td { (days(mean(&all))) }
            } }
        }
        p.hint { "只计经过审核（审核通过）后发布或定时发布的信息；紧急发布、无需审核的栏目中的信息不计。工作日按系统设置中的工作日历计算，报送当日不计。" }
        table.data #stats-waiting {
            caption { "当前待办积压（各单位报送的信息，截至现在）" }
            thead { tr {
                th scope="col" { "单位" } th scope="col" { "待本单位审核" } th scope="col" { "待办公室审核" }
                th scope="col" { "待发布" } th scope="col" { "定时发布" } th scope="col" { "合计" }
            } }
            tbody {
                @for u in f.units.iter().filter(|u| u.waiting.total() > 0) {
                    tr { th scope="row" { (u.name) } @for n in u.waiting.columns() { td { (n) } } td { (u.waiting.total()) } }
                }
                @if waiting.total() == 0 { tr { td colspan="6" { "现在没有等待审核或发布的信息。" } } }
            }
            tfoot { tr { th scope="row" { "合计" } @for n in waiting.columns() { td { (n) } } td { (waiting.total()) } } }
        }
        (office_table(f))
        (disclosure_table(f))
        (mailbox_table(f))
        (projects_table(f))
    }
}

/// 区长信箱: letters accepted, answered, answered on time, average working days and
/// satisfaction per answering unit.
fn mailbox_table(f: &Figures) -> Markup {
    let one = |v: Option<f64>| v.map_or_else(|| "—".to_owned(), |x| format!("{x:.1}"));
    html! {
        table.data #stats-mailbox {
            caption { (f.year) "年区长信箱：各承办单位办理情况" }
            thead { tr {
                th scope="col" { "单位" } th scope="col" { "受理" } th scope="col" { "已答复" }
                th scope="col" { "按时答复" } th scope="col" { "平均用时（工作日）" } th scope="col" { "满意率（%）" }
            } }
            tbody {
                @for (name, _, r) in &f.mailbox {
                    tr { th scope="row" { (name) } td { (r.accepted) } td { (r.answered) } td { (r.on_time) } td { (one(r.average_days())) } td { (one(r.satisfied_percent())) } }
                }
                @if f.mailbox.is_empty() { tr { td colspan="6" { "范围内没有承办区长信箱来信的单位。" } } }
            }
        }
        p.hint { "按来信日期计入年度；受理后由信箱办公室直接答复的计入办公室。" }
    }
}

/// 百件实事: the year's projects per responsible unit and status.
fn projects_table(f: &Figures) -> Markup {
    html! {
        table.data #stats-projects {
            caption { (f.year) "年百件实事：各责任单位项目状态" }
            thead { tr { @for h in crate::projects::stats::HEADERS { th scope="col" { (h) } } } }
            tbody {
                @for d in &f.projects {
                    tr { th scope="row" { (d.name) } @for n in crate::projects::stats::columns(d) { td { (n) } } }
                }
                @if f.projects.is_empty() { tr { td colspan="7" { "范围内没有本年度的民生实事项目。" } } }
            }
        }
        p.hint { "状态按已发布的最新进展计；超期未完成指已过计划完成时间仍未完成的项目（含延期）。" }
    }
}

/// 政务公开: requests received, closed, closed on time and overdue per obligated unit, and the
/// state of its annual report.
fn disclosure_table(f: &Figures) -> Markup {
    html! {
        table.data #stats-disclosure {
            caption { (f.year) "年政务公开：依申请公开办理和年度报告" }
            thead { tr {
                th scope="col" { "单位" } th scope="col" { "收到申请" } th scope="col" { "办结" }
                th scope="col" { "按期办结" } th scope="col" { "逾期" } th scope="col" { "年度报告" }
            } }
            tbody {
                @for d in &f.disclosure {
                    tr { th scope="row" { (d.name) } td { (d.received) } td { (d.replied) } td { (d.on_time) } td.overdue[d.overdue > 0] { (d.overdue) } td { (d.report) } }
                }
                @if f.disclosure.is_empty() { tr { td colspan="6" { "范围内没有承担政务公开职责的单位。" } } }
            }
        }
        p.hint { "收到申请按收到日期计入年度；办结按答复或终止日期计；逾期含年底（或今天）仍未答复且已过期限的申请。" }
    }
}

fn percent(p: Option<f64>) -> String {
    p.map_or_else(|| "—".to_owned(), |v| format!("{v:.1}%"))
}

/// 内网办公: documents sent, passed on, received, signed and signed on time per unit.
fn office_table(f: &Figures) -> Markup {
    let total = f.office_total();
    let rows = f.units.iter().filter(|u| u.office != Default::default());
    html! {
        table.data #stats-office {
            caption { (f.year) "年内网办公：公文收发与签收、会议回执、文件传输" }
            thead { tr {
                th scope="col" { "单位" } th scope="col" { "发文（件）" } th scope="col" { "转发（件）" }
                th scope="col" { "收文（份）" } th scope="col" { "已签收" } th scope="col" { "按时签收" } th scope="col" { "按时签收率" }
                th scope="col" { "发会议通知" } th scope="col" { "受邀会议" } th scope="col" { "按时回执" }
                th scope="col" { "发送文件" } th scope="col" { "传输量" } th scope="col" { "下载收到的文件" }
            } }
            tbody {
                @for u in rows {
                    @let o = u.office;
                    tr {
                        th scope="row" { (u.name) } td { (o.docs_sent) } td { (o.docs_forwarded) }
                        td { (o.received) } td { (o.signed) } td { (o.signed_on_time) } td { (percent(o.on_time_percent())) }
                        td { (o.meetings_sent) } td { (o.invited) } td { (o.replied_on_time) }
                        td { (o.files_sent) } td { (crate::intranet::files::quota::size_text(o.bytes_sent)) } td { (o.file_downloads) }
                    }
                }
                @if total == Default::default() { tr { td colspan="13" { "本年没有内网公文、会议通知和文件传输。" } } }
            }
            tfoot { tr {
                th scope="row" { "合计" } td { (total.docs_sent) } td { (total.docs_forwarded) }
                td { (total.received) } td { (total.signed) } td { (total.signed_on_time) } td { (percent(total.on_time_percent())) }
                td { (total.meetings_sent) } td { (total.invited) } td { (total.replied_on_time) }
                td { (total.files_sent) } td { (crate::intranet::files::quota::size_text(total.bytes_sent)) } td { (total.file_downloads) }
            } }
        }
        p.hint { "按发文时间计入年度；收文按收文单位计（发给个人的计入其所在单位）；按时签收指在紧急程度规定的期限内签收（特急 2 小时，加急 1 个工作日，平件 3 个工作日）；按时回执指在会议通知的回执截止时间前回执；传输量为发送的文件大小乘以收件方数。" }
    }
}
