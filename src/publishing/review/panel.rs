//! The item's flow panel: where it stands, what the user may do now (one form, a button per
//! transition), and every step taken so far (who, unit, when, what, comment).

use maud::{Markup, html};

use super::item::{CHECKED, ItemCtx};
use super::notices::Due;
use crate::flow::{Definition, Instance};
use crate::publishing::flow::{ReviewLevels, action as a};
use crate::views::form::{self, Field, FormState};

/// What the levels mean, for the people working on the item.
pub fn levels_text(l: ReviewLevels) -> &'static str {
    match l {
        ReviewLevels::None => "无需审核：报送后由本单位发布人发布",
        ReviewLevels::Unit => "一级审核：本单位审核人审核后，由本单位发布人发布",
        ReviewLevels::UnitAndOffice => {
            "两级审核：本单位审核人审核后，报区政府办公室审核，由办公室发布人发布"
        }
    }
}

/// Said instead of a deadline the calendar cannot count.
fn missing_years_text(years: &[i32]) -> String {
    let ys = years
        .iter()
        .map(|y| format!("{y}年"))
        .collect::<Vec<_>>()
        .join("、");
    format!("无法计算：工作日历尚未录入{ys}的节假日安排（请系统管理员在“工作日历”中录入）")
}

/// The state, flag and deadline of the item.
pub fn status(ic: &ItemCtx, scheduled: Option<i64>) -> Markup {
    let inst = &ic.instance;
    let levels = super::levels::item_levels(&ic.article, &ic.snap, &ic.units);
    let due = super::notices::due_for(
        &ic.article,
        &ic.snap,
        &ic.calendar,
        inst.history
            .last()
            .map(|s| s.at_ms)
            .unwrap_or(ic.article.updated_ms),
    );
    html! {
        dt { "流程状态" }
        dd { span class=(format!("state state-{}", inst.state)) { (ic.def.state_label(&inst.state)) }
            @if let Some(at) = scheduled { "（将于 " (crate::clock::show(at)) " 自动发布）" } }
        dt { "审核要求" } dd { (levels_text(levels)) }
        dt { "报送单位" } dd { (ic.units.name(ic.article.owner())) }
        @match due {
            Some(Due::At(d)) => { dt { "审核期限" } dd { (crate::clock::show(d)) } }
            Some(Due::Unknown(years)) => { dt { "审核期限" } dd { (missing_years_text(&years)) } }
            None => {}
        }
        @if let Some(reason) = &inst.flagged {
            @if last_flagging(inst) == Some(crate::publishing::flow::action::CORRECT) {
                dt { "更正" } dd.flagged { strong { "已更正，待事后审核。" } "更正说明：" (reason) }
            } @else {
                dt { "紧急发布" } dd.flagged { strong { "已紧急发布，待事后审核。" } "理由：" (reason) }
            }
        }
        @if let Some(o) = &ic.article.check_override {
            dt { "检查放行" } dd { (o.by) " 已放行 " (o.findings.len()) " 个问题，理由：" (o.reason) }
        }
    }
}

/// The form with a button per transition the user may take.
pub fn actions(ic: &ItemCtx, csrf: &str, fs: &FormState, blocked: bool) -> Markup {
    let ts = ic.available();
    if ts.is_empty() {
        return html! {};
    }
    let has = |id: &str| ts.iter().any(|t| t.id == id);
    let approving = has(a::APPROVE_UNIT) || has(a::APPROVE_OFFICE);
    let reasons: Vec<&str> = ts
        .iter()
        .filter(|t| t.needs_reason)
        .map(|t| t.label)
        .collect();
    let hint = if reasons.is_empty() {
        "可填写办理意见，将记入流转记录".to_owned()
    } else {
        format!(
            "“{}”须填写理由或意见；意见将记入流转记录并通知相关人员",
            reasons.join("”“")
        )
    };
    html! {
        section.card.flow-actions aria-labelledby="flow-actions-h" {
            h2 #flow-actions-h { "办理" }
            form method="post" action=(format!("/admin/articles/{}/flow", ic.article.id)) novalidate {
                (form::csrf(csrf))
                input type="hidden" name="revision" value=(ic.article.revision);
                div.field class=[fs.error("comment").map(|_| "has-error")] {
                    label for="f-comment" { "办理意见" }
                    p.hint id="f-comment-hint" { (hint) }
                    @if let Some(e) = fs.error("comment") { p.error id="f-comment-err" role="alert" { (e) } }
                    textarea id="f-comment" name="comment" rows="3" aria-describedby="f-comment-hint" { (fs.value("comment")) }
                }
                @if approving && blocked && ic.is_reviewer() {
                    (form::field(&Field::new("override_reason", "放行理由（发布前检查发现问题，确认无误需放行时填写，将记入审计日志）").optional(), fs))
                } @else if let Some(e) = fs.error("override_reason") {
                    p.error role="alert" { (e) }
                }
                @if has(a::SCHEDULE) {
                    (form::field(&Field::new("publish_at", "定时发布时间（北京时间，选“定时发布”时填写）").kind("datetime-local").optional(), fs))
                }
                @if has(a::WITHDRAW) {
                    (form::field(&Field::new("public_notice", "撤稿说明（公开：公众访问原网址时看到，选“撤稿”时填写）").optional().hint("例如：该通知已由新通知替代。上面的办理意见只记入流转记录，不公开。"), fs))
                }
                @if has(a::PUBLISH) || has(a::FORCE_PUBLISH) || has(a::WITHDRAW) {
                    input type="hidden" name="ask_confirm" value="1";
                }
                @if has(a::REPLACE) {
                    (form::field(&Field::new("replaced_by", "替代信息编号（选“替换”时填写，原网址将跳转到该信息）").optional(), fs))
                }
                div.actions {
                    @for t in &ts {
                        @let danger = matches!(t.id, a::WITHDRAW | a::FORCE_PUBLISH | a::REPLACE);
                        @let primary = matches!(t.id, a::SUBMIT | a::APPROVE_UNIT | a::APPROVE_OFFICE | a::PUBLISH | a::REVIEW_AFTER);
                        button type="submit" name="transition" value=(t.id)
                            class=[danger.then_some("danger").or(primary.then_some("primary"))] { (t.label) }
                    }
                }
                @if ts.iter().any(|t| CHECKED.contains(&t.id)) {
                    p.hint { "审核通过、发布和定时发布前系统会自动进行发布前检查。" }
                }
            }
        }
    }
}

/// The step that returned the item, while it is returned: who, when and why.
pub fn returning_step(inst: &Instance) -> Option<&crate::flow::Step> {
    use crate::publishing::flow::state as st;
    if inst.state != st::RETURNED {
        return None;
    }
    inst.history.iter().rev().find(|s| s.to == st::RETURNED)
}

/// The reason a returned item came back, at the top of its page: the writer reads it before
/// anything else.
pub fn returned_banner(ic: &ItemCtx) -> Option<Markup> {
    let step = returning_step(&ic.instance)?;
    let unit = step
        .by_unit
        .as_ref()
        .map(|u| format!("（{}）", ic.units.name(u)))
        .unwrap_or_default();
    Some(html! {
        div.notice.returned role="status" aria-labelledby="returned-h" {
            h2 #returned-h { "已退回，请按意见修改后重新报送" }
            p { (step.by_name) (unit) " 于 " (crate::clock::show(step.at_ms)) " 退回。" }
            p.reason {
                "退回意见："
                @if step.comment.is_empty() { span.muted { "（未填写意见）" } } @else { strong { (step.comment) } }
            }
        }
    })
}

/// Every step so far.
pub fn history(def: &Definition, inst: &Instance, units: &super::levels::Units) -> Markup {
    html! {
        section.card aria-labelledby="flow-history-h" {
            h2 #flow-history-h { "流转记录" }
            @if inst.history.is_empty() {
                p.muted { "尚无流转记录。" }
            } @else {
                table.data {
                    caption.visually-hidden { "流转记录（最早在前）" }
                    thead { tr { th scope="col" { "时间" } th scope="col" { "办理人" } th scope="col" { "操作" } th scope="col" { "状态变化" } th scope="col" { "意见" } } }
                    tbody {
                        @for s in &inst.history {
                            tr {
                                td { (crate::clock::show(s.at_ms)) }
                                td { (s.by_name) @if let Some(u) = &s.by_unit { br; span.muted { (units.name(u)) } } }
                                td { (def.transition_label(&s.transition)) }
                                td {
                                    @if s.from == s.to { (def.state_label(&s.to)) "（不变）" }
                                    @else { (def.state_label(&s.from)) " → " (def.state_label(&s.to)) }
                                }
                                td { (s.comment) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The transition that set the item's flag last: 紧急发布 or 更正.
fn last_flagging(inst: &crate::flow::Instance) -> Option<&'static str> {
    use crate::publishing::flow::action as a;
    inst.history
        .iter()
        .rev()
        .find_map(|st| match st.transition.as_str() {
            a::FORCE_PUBLISH => Some(a::FORCE_PUBLISH),
            a::CORRECT => Some(a::CORRECT),
            _ => None,
        })
}
