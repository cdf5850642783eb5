//! A report's staff page (`/admin/gk/reports/{code}/{year}`): the free-text sections and
//! the hand-entered counts (saved with `POST` to the same address), the hand adjustments of
//! table 三 (`…/adjust`), the tables as generated now, the checks' results, and the flow's
//! buttons (`act`). Errors come back beside their fields (422).

use axum::extract::{Path, Query, State};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::access::{Target, actor, deadline_label, staff_href, target};
use super::compute::{Built, Data, build};
use super::model::{Adjustment, AnnualReport, Fee, HandCounts, Texts};
use super::tables::{NCOLS, ROWS, col_id, col_name};
use super::{flow, store, view};
use crate::auth::audit;
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::{Posted, Staff};
use crate::http::respond::{html as page, html_invalid, see_other};
use crate::staff::shell::event;
use crate::views::form::{self as vform, Field, FormState};

/// The longest a free-text section may be.
pub const MAX_TEXT: usize = 30_000;

#[derive(Debug, Deserialize)]
pub struct Done {
    #[serde(default)]
    pub done: Option<String>,
}

/// Reads the report as it stands now.
pub async fn built(st: &Shared, t: &Target) -> Result<Built> {
    let (unit, year, now) = (t.unit.clone(), t.year, st.now_ms());
    st.store
        .read(move |txn| {
            let units = crate::auth::units::Units::new(crate::auth::store::list_units(txn)?);
            let data = Data::read(txn)?;
            Ok(build(&data, &units, &unit, year, now))
        })
        .await
}

fn done_message(d: &str) -> Option<&'static str> {
    Some(match d {
        "saved" => "已保存。",
        "adjusted" => "表三的手工调整已更新。",
        "finalise" => "已定稿。表格数据已固定，发布后向社会公开。",
        "reopen" => "已撤回定稿，可以继续修改。",
        "publish" => "已发布，报告已在公开年报栏目中公开。",
        "revoke" => "已撤销发布，报告退回草稿。",
        _ => return None,
    })
}

/// The values the form starts with: the stored report's.
pub fn values(r: &AnnualReport) -> FormState {
    let n = |v: Option<u64>| v.map(|n| n.to_string()).unwrap_or_default();
    FormState {
        values: vec![
            ("overview".into(), r.texts.overview.clone()),
            ("problems".into(), r.texts.problems.clone()),
            ("other".into(), r.texts.other.clone()),
            ("permits".into(), n(r.hand.permits)),
            ("penalties".into(), n(r.hand.penalties)),
            ("enforcement".into(), n(r.hand.enforcement)),
            (
                "fees".into(),
                r.hand.fees.map(|f| f.to_string()).unwrap_or_default(),
            ),
        ],
        ..Default::default()
    }
}

fn textarea(name: &str, label: &str, hint: &str, fs: &FormState) -> Markup {
    let id = format!("f-{name}");
    let err = fs.error(name);
    let hint_id = format!("{id}-hint");
    let err_id = format!("{id}-err");
    let described = if err.is_some() {
        format!("{err_id} {hint_id}")
    } else {
        hint_id.clone()
    };
    html! {
        div.field.has-error[err.is_some()] {
            label for=(id) { (label) }
            p.hint id=(hint_id) { (hint) }
            @if let Some(e) = err { p.error id=(err_id) role="alert" { (e) } }
            textarea id=(id) name=(name) rows="8" aria-invalid=[err.map(|_| "true")] aria-describedby=(described) { (fs.value(name)) }
        }
    }
}

fn row_options() -> Vec<(String, String)> {
    ROWS.iter()
        .map(|r| {
            let label = match r.group {
                Some(g) if r.is_leaf => format!("{}：{}", g.row_label(), r.label),
                _ => r.label.to_owned(),
            };
            (r.id.to_owned(), label)
        })
        .collect()
}

fn col_options() -> Vec<(String, String)> {
    (0..NCOLS)
        .map(|c| (col_id(c).to_owned(), col_name(c)))
        .collect()
}

fn row_name(id: &str) -> String {
    row_options()
        .into_iter()
        .find(|(k, _)| k == id)
        .map_or_else(|| id.to_owned(), |(_, l)| l)
}

fn adjustments(s: &Staff, b: &Built, action: &str, editable: bool) -> Markup {
    let list = &b.report.adjustments;
    html! {
        @if list.is_empty() {
            p { "没有手工调整。" }
        } @else {
            table.data.cards {
                caption { "表三的手工调整" }
                thead { tr { th scope="col" { "行" } th scope="col" { "列" } th scope="col" { "调整数" } th scope="col" { "说明" } th scope="col" { "录入" } @if editable { th scope="col" { "操作" } } } }
                tbody {
                    @for (i, a) in list.iter().enumerate() {
                        tr {
                            td.card-title { (row_name(&a.row)) }
                            td data-label="列" { (super::tables::col_index(&a.col).map_or_else(|| a.col.clone(), col_name)) }
                            td data-label="调整数" { "+" (a.amount) }
                            td data-label="说明" { (a.note) }
                            td data-label="录入" { (a.by) " " (crate::clock::show(a.at_ms)) }
                            @if editable {
                                td data-label="操作" {
                                    form.inline method="post" action=(action) {
                                        (vform::csrf(&s.csrf))
                                        input type="hidden" name="op" value="remove";
                                        input type="hidden" name="index" value=(i);
                                        button.link type="submit" { "删除第" (i + 1) "条调整" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn flow_buttons(st: &Shared, s: &Staff, t: &Target, b: &Built) -> Markup {
    let a = actor(&s.user, &t.units, &t.unit);
    let def = flow::definition();
    let avail = crate::flow::available(def, &b.report.flow, &a);
    let action = format!("{}/flow", staff_href(&t.unit.code, t.year));
    let _ = st;
    html! {
        div.actions {
            @for tr in avail {
                form method="post" action=(action) {
                    (vform::csrf(&s.csrf))
                    input type="hidden" name="action" value=(tr.id);
                    @if tr.needs_reason {
                        div.field {
                            label for="f-reason" { (tr.label) "的理由" }
                            textarea id="f-reason" name="reason" rows="2" required {}
                        }
                    }
                    button.primary[tr.id != flow::action::REVOKE && tr.id != flow::action::REOPEN] type="submit" { (tr.label) }
                }
            }
        }
    }
}

/// The whole page.
pub fn view_page(
    st: &Shared,
    s: &Staff,
    t: &Target,
    b: &Built,
    fs: &FormState,
    done: Option<&str>,
) -> Markup {
    let r = &b.report;
    let href = staff_href(&t.unit.code, t.year);
    let editable = !r.is_final();
    let area = crate::disclosure::units::area_href(&t.units, &t.unit.code);
    let title = super::model::title(&t.unit.name, t.year);
    let body = html! {
        (view::stylesheet(st))
        p { a href=(format!("{}?year={}", super::STAFF_LIST, t.year)) { "返回年度报告列表" } }
        @if let Some(m) = done.and_then(done_message) { div.notice.ok role="status" { (m) } }
        (vform::notice(fs))
        dl.kv {
            dt { "报告单位" } dd { (t.unit.name) @if b.is_district { "（汇总全区各单位）" } }
            dt { "报告年度" } dd { (t.year) "年" }
            dt { "公布截止日期" } dd { (deadline_label(&t.unit, t.year)) }
            dt { "状态" } dd { (flow::label(b.stored.then(|| r.state()))) }
            @if b.stored && r.updated_ms > 0 { dt { "最后修改" } dd { (r.updated_by) " " (crate::clock::show(r.updated_ms)) } }
        }
        @if r.is_published() {
            p { a href=(format!("{area}reports/{}", t.year)) { "查看已公开的" (title) } }
        }
        section aria-labelledby="gk-checks" {
            h2 #gk-checks { "勾稽关系校验" }
            @if b.failures.is_empty() {
                p { "表三的勾稽关系校验全部通过。" }
            } @else {
                p { "以下校验未通过，修正前不能定稿：" }
                ul.gk-checks { @for f in &b.failures { li.fail { (f) } } }
            }
            @if !b.warnings.is_empty() {
                ul { @for w in &b.warnings { li { (w) } } }
            }
        }
        section aria-labelledby="gk-flow" {
            h2 #gk-flow { "定稿与发布" }
            p.hint { "定稿后表格数据固定，不能再修改；发布后在本单位的公开年报栏目中公开，并提供打印版和表格下载。" }
            (flow_buttons(st, s, t, b))
            @if !r.flow.history.is_empty() {
                ul { @for h in &r.flow.history {
                    li { (crate::clock::show(h.at_ms)) " " (h.by_name) " " (flow::definition().find_transition(&h.transition).map_or(h.transition.as_str(), |x| x.label)) @if !h.comment.is_empty() { "（" (h.comment) "）" } }
                } }
            }
        }
        @if editable {
            section aria-labelledby="gk-texts" {
                h2 #gk-texts { "报告内容" }
                form method="post" action=(href) novalidate {
                    (vform::csrf(&s.csrf))
                    (textarea("overview", "一、总体情况", "主动公开、依申请公开、政府信息管理、平台建设、监督保障等情况；每段一行。", fs))
                    fieldset {
                        legend { "表二中由本单位填报的数据（来自系统以外）" }
                        (vform::field(&Field::new("permits", "行政许可：本年处理决定数量").optional().hint("非负整数；未填写按0计"), fs))
                        (vform::field(&Field::new("penalties", "行政处罚：本年处理决定数量").optional().hint("非负整数；未填写按0计"), fs))
                        (vform::field(&Field::new("enforcement", "行政强制：本年处理决定数量").optional().hint("非负整数；未填写按0计"), fs))
                        (vform::field(&Field::new("fees", "行政事业性收费：本年收费金额（万元）").optional().hint("非负数，最多4位小数；未填写按0计"), fs))
                        @if b.is_district { p.hint { "区政府报告的表二数据为各单位报告所填数据之和，加上此处填写的区政府本级数据。" } }
                    }
                    (textarea("problems", "五、存在的主要问题及改进情况", "每段一行。", fs))
                    (textarea("other", "六、其他需要报告的事项", "包括收取信息处理费的情况；每段一行。", fs))
                    button.primary type="submit" { "保存报告" }
                }
            }
            section aria-labelledby="gk-adj" {
                h2 #gk-adj { "表三的手工调整" }
                p.hint { "用于系统以外办理的申请（如启用本系统之前的申请、首年的上年结转）：调整数加到所选单元格上，相关的（七）总计和总计列随之累加。只调整一处而不调整对应项，勾稽关系校验会指出。" }
                (adjustments(s, b, &format!("{href}/adjust"), true))
                form method="post" action=(format!("{href}/adjust")) novalidate {
                    (vform::csrf(&s.csrf))
                    input type="hidden" name="op" value="add";
                    div.gk-adjust {
                        (vform::select("adj_row", "调整的行", &row_options(), fs))
                        (vform::select("adj_col", "调整的列", &col_options(), fs))
                        (vform::field(&Field::new("adj_amount", "调整数").hint("正整数"), fs))
                        (vform::field(&Field::new("adj_note", "说明").optional(), fs))
                    }
                    button type="submit" { "添加调整" }
                }
            }
        } @else {
            (adjustments(s, b, "", false))
        }
        section aria-labelledby="gk-preview" {
            h2 #gk-preview { @if editable { "报告预览（表格按系统当前数据生成）" } @else { "报告全文（表格已固定）" } }
            (view::full(&r.texts, &b.tables, "（尚未填写）"))
        }
    };
    crate::staff::shell::render(st, s, &title, body)
}

/// GET /admin/gk/reports/{code}/{year}
pub async fn show(
    State(st): State<Shared>,
    s: Staff,
    Path((code, year)): Path<(String, String)>,
    Query(d): Query<Done>,
) -> Result<Response> {
    let t = target(&st, &s, &code, &year).await?;
    let b = built(&st, &t).await?;
    let fs = values(&b.report);
    Ok(page(view_page(&st, &s, &t, &b, &fs, d.done.as_deref())))
}

/// A count field: blank (not entered) or a non-negative integer.
fn count(fs: &mut FormState, p: &Posted, name: &str) -> Option<u64> {
    let v = p.get(name).trim();
    if v.is_empty() {
        return None;
    }
    match v.parse::<u64>() {
        Ok(n) if n <= 1_000_000_000 => Some(n),
        _ => {
            fs.add_error(name, "请填写非负整数，例如 0、12。");
            None
        }
    }
}

fn text(fs: &mut FormState, p: &Posted, name: &str) -> String {
    let v = p.get(name).trim().replace("\r\n", "\n");
    if v.chars().count() > MAX_TEXT {
        fs.add_error(name, format!("不能超过{MAX_TEXT}字。"));
    }
    v
}

/// The report to change, or a new one: it must still be a draft.
fn editable(
    txn: &redb::WriteTransaction,
    t: (&crate::auth::model::UnitCode, i32),
    now: i64,
) -> Result<AnnualReport> {
    let r = match store::get_w(txn, t.0, t.1)? {
        Some(r) => r,
        None => AnnualReport::new(
            crate::store::next_id(txn, store::COUNTER)?,
            t.0.clone(),
            t.1,
            now,
        ),
    };
    if r.is_final() {
        return Err(Error::Conflict(
            "报告已定稿，不能再修改；如需修改，请先撤回定稿。".into(),
        ));
    }
    Ok(r)
}

/// POST /admin/gk/reports/{code}/{year}
pub async fn save(
    State(st): State<Shared>,
    Path((code, year)): Path<(String, String)>,
    p: Posted,
) -> Result<Response> {
    let s = p.staff(&st)?;
    let t = target(&st, &s, &code, &year).await?;
    let mut fs = FormState {
        values: p.kept(),
        ..Default::default()
    };
    let texts = Texts {
        overview: text(&mut fs, &p, "overview"),
        problems: text(&mut fs, &p, "problems"),
        other: text(&mut fs, &p, "other"),
    };
    let fee_raw = p.get("fees").trim().to_owned();
    let fees = if fee_raw.is_empty() {
        None
    } else {
        let f = Fee::parse(&fee_raw);
        if f.is_none() {
            fs.add_error(
                "fees",
                "请填写非负金额（万元），最多4位小数，例如 12.3456。",
            );
        }
        f
    };
    let hand = HandCounts {
        permits: count(&mut fs, &p, "permits"),
        penalties: count(&mut fs, &p, "penalties"),
        enforcement: count(&mut fs, &p, "enforcement"),
        fees,
    };
    if fs.has_errors() {
        let b = built(&st, &t).await?;
        return Ok(html_invalid(view_page(&st, &s, &t, &b, &fs, None)));
    }
    let (unit, y, now, user, ctx) = (
        t.unit.code.clone(),
        t.year,
        st.now_ms(),
        s.user.clone(),
        p.ctx.clone(),
    );
    st.store
        .write(move |txn| {
            let mut r = editable(txn, (&unit, y), now)?;
            r.texts = texts;
            r.hand = hand;
            r.updated_ms = now;
            r.updated_by = super::access::name_of(&user);
            store::put(txn, &r)?;
            let ev = event(
                &user,
                &ctx,
                "gk_report_save",
                format!("gk_report:{}", r.key()),
                true,
                format!("保存{y}年度报告"),
            );
            audit::append(txn, ev, now)?;
            Ok(())
        })
        .await?;
    Ok(see_other(&format!(
        "{}?done=saved",
        staff_href(&t.unit.code, t.year)
    )))
}

/// POST /admin/gk/reports/{code}/{year}/adjust: `op=add` (row, column, amount, note) or
/// `op=remove` (index).
pub async fn adjust(
    State(st): State<Shared>,
    Path((code, year)): Path<(String, String)>,
    p: Posted,
) -> Result<Response> {
    let s = p.staff(&st)?;
    let t = target(&st, &s, &code, &year).await?;
    let now = st.now_ms();
    let by = super::access::name_of(&s.user);
    let op = p.get("op").to_owned();
    let mut fs = FormState {
        values: p.kept(),
        ..Default::default()
    };
    let mut add: Option<Adjustment> = None;
    let mut remove: Option<usize> = None;
    match op.as_str() {
        "add" => {
            let row = p.get("adj_row");
            let col = p.get("adj_col");
            if super::tables::row(row).is_none() {
                fs.add_error("adj_row", "请选择表三中的一行。");
            }
            if super::tables::col_index(col).is_none() {
                fs.add_error("adj_col", "请选择表三中的一列。");
            }
            let amount = match p.get("adj_amount").trim().parse::<u64>() {
                Ok(n) if (1..=1_000_000).contains(&n) => n,
                _ => {
                    fs.add_error("adj_amount", "请填写正整数，例如 1、3。");
                    0
                }
            };
            let note = p.get("adj_note").trim().to_owned();
            if note.chars().count() > 200 {
                fs.add_error("adj_note", "说明不能超过200字。");
            }
            add = Some(Adjustment {
                row: row.to_owned(),
                col: col.to_owned(),
                amount,
                note,
                by,
                at_ms: now,
            });
        }
        "remove" => {
            remove = Some(
                p.get("index")
                    .parse()
                    .map_err(|_| Error::BadRequest("没有这条调整。".into()))?,
            );
        }
        _ => return Err(Error::BadRequest("未知的操作。".into())),
    }
    if fs.has_errors() {
        let b = built(&st, &t).await?;
        let mut shown = values(&b.report);
        shown.values.extend(fs.values);
        shown.errors = fs.errors;
        return Ok(html_invalid(view_page(&st, &s, &t, &b, &shown, None)));
    }
    let (unit, y, user, ctx) = (t.unit.code.clone(), t.year, s.user.clone(), p.ctx.clone());
    st.store
        .write(move |txn| {
            let mut r = editable(txn, (&unit, y), now)?;
            let detail = if let Some(a) = add {
                let d = format!(
                    "表三手工调整：{}／{} +{}",
                    row_name(&a.row),
                    a.col,
                    a.amount
                );
                r.adjustments.push(a);
                d
            } else {
                let i = remove.unwrap_or(usize::MAX);
                if i >= r.adjustments.len() {
                    return Err(Error::Conflict("没有这条调整，可能已被删除。".into()));
                }
                let a = r.adjustments.remove(i);
                format!(
                    "删除表三手工调整：{}／{} +{}",
                    row_name(&a.row),
                    a.col,
                    a.amount
                )
            };
            r.updated_ms = now;
            r.updated_by = super::access::name_of(&user);
            store::put(txn, &r)?;
            let ev = event(
                &user,
                &ctx,
                "gk_report_adjust",
                format!("gk_report:{}", r.key()),
                true,
                detail,
            );
            audit::append(txn, ev, now)?;
            Ok(())
        })
        .await?;
    Ok(see_other(&format!(
        "{}?done=adjusted",
        staff_href(&t.unit.code, t.year)
    )))
}
