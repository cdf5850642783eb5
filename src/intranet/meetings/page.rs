//! `/oa/meetings/{id}`: the meeting, the reply form of an invited unit (参加 with up to three
//! people, or 请假 with a reason; changeable until the deadline), and for its sender the
//! table of replies (refreshed by `meetings.js` from `/oa/meetings/{id}/replies`, or by the
//! 刷新 link), 催办, changing and cancelling.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::flow::{self as mflow, action};
use super::form::{show_minutes, textarea};
use super::model::{Answer, Attendee, MAX_ATTENDEES, Meeting, UnitReply};
use super::{notices, store};
use crate::auth::audit;
use crate::auth::permission::{Action, Object};
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::{Posted, Staff};
use crate::http::respond::{html as page, html_invalid, see_other};
use crate::intranet::home;
use crate::intranet::model::Touch;
use crate::staff::shell::{event, require};
use crate::views::form::{self, Field, FormState};

/// An id from the path; anything else is no meeting.
pub fn meeting_id(s: &str) -> Result<u64> {
    s.parse().map_err(|_| Error::NotFound)
}

/// The meeting, if `s` may open it: its sender or anyone of an invited unit. To anyone else
/// it does not exist (404).
pub async fn visible(st: &Shared, s: &Staff, id: &str) -> Result<Meeting> {
    require(st, s, Action::UseIntranet, Object::System).await?;
    let id = meeting_id(id)?;
    let m = st
        .store
        .read(move |txn| store::get(txn, id))
        .await?
        .ok_or(Error::NotFound)?;
    if !m.visible_to(&s.user) {
        return Err(Error::NotFound);
    }
    Ok(m)
}

/// Whether the flow lets `s` take `action` on the meeting itself (the sender's actions).
pub fn may(s: &Staff, m: &Meeting, action: &str) -> bool {
    crate::flow::check(
        mflow::meeting(),
        &m.flow,
        action,
        &super::model::meeting_actor(&s.user, m),
    )
    .is_ok()
}

/// The sender's table and export are the sender's alone.
pub fn sender_only(s: &Staff, m: &Meeting) -> Result<()> {
    if s.user.id == m.sender {
        Ok(())
    } else {
        Err(Error::Forbidden(
            "只有会议通知的发起人可以查看回执汇总。".into(),
        ))
    }
}

/// The forms on the page, with what was posted and its messages.
#[derive(Default)]
pub struct Forms {
    pub reply: FormState,
    pub cancel: FormState,
    /// A message at the top (a refusal).
    pub notice: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct Done {
    #[serde(default)]
    pub done: String,
}

fn done_message(d: &str) -> Option<&'static str> {
    Some(match d {
        "sent" => "会议通知已发出，已通知各邀请单位。",
        "replied" => "回执已提交。截止前可以修改。",
        "reminded" => "已向未回执的单位催办。",
        "changed" => "会议变更已保存，已通知各邀请单位。",
        "cancelled" => "会议已取消，已通知各邀请单位。",
        _ => return None,
    })
}

/// The counts and the per-unit table: the page's live part, and the fragment itself.
pub fn replies_table(m: &Meeting) -> Markup {
    let c = m.counts();
    html! {
        ul.counts aria-label="回执统计" {
            li { "应回执 " strong { (c.expected) } " 个单位" }
            li { "已回执 " strong { (c.replied) } }
            li { "未回执 " strong { (c.expected - c.replied) } }
            li { "参加 " strong { (c.people) } " 人（" (c.attending_units) " 个单位）" }
            li { "请假 " strong { (c.leave) } }
        }
        table.data.cards #replies-table {
            caption { "各单位回执" }
            thead { tr {
                th scope="col" { "单位" } th scope="col" { "状态" } th scope="col" { "参会人员" }
                th scope="col" { "请假事由" } th scope="col" { "回执人" } th scope="col" { "回执时间" }
            } }
            tbody {
                @for r in &m.replies {
                    tr data-unit=(r.unit) data-state=(r.key()) {
                        td.card-title { (r.unit_name) }
                        td data-label="状态" {
                            span class=(format!("state state-{}", r.key())) { (r.label()) }
                            @if let (None, Some(at)) = (&r.answer, r.reminded()) {
                                " " span.meta { "（" (show_minutes(at)) " 已催办）" }
                            }
                        }
                        td data-label="参会人员" { (people_line(r)) }
                        td data-label="请假事由" { (r.reason()) }
                        td data-label="回执人" { @if let Some(t) = &r.replied { (t.by_name) } }
                        td data-label="回执时间" { @if let Some(t) = &r.replied { (crate::clock::show(t.at_ms)) } }
                    }
                }
            }
        }
    }
}

/// "张三（办公室主任，13800000000）、李四（科员）"
pub fn people_line(r: &UnitReply) -> String {
    r.people()
        .iter()
        .map(|p| {
            let extra: Vec<&str> = [p.title.as_str(), p.phone.as_str()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect();
            if extra.is_empty() {
                p.name.clone()
            } else {
                format!("{}（{}）", p.name, extra.join("，"))
            }
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// The reply form's values from a unit's current answer.
fn reply_values(r: &UnitReply) -> FormState {
    let mut values = Vec::new();
    match &r.answer {
        Some(Answer::Attend { people }) => {
            values.push(("answer".to_owned(), "attend".to_owned()));
            for (i, p) in people.iter().enumerate() {
                values.push((format!("name{}", i + 1), p.name.clone()));
                values.push((format!("title{}", i + 1), p.title.clone()));
                values.push((format!("phone{}", i + 1), p.phone.clone()));
            }
        }
        Some(Answer::Leave { reason }) => {
            values.push(("answer".to_owned(), "leave".to_owned()));
            values.push(("reason".to_owned(), reason.clone()));
        }
        None => {}
    }
    FormState {
        values,
        ..Default::default()
    }
}

fn reply_form(m: &Meeting, r: &UnitReply, csrf: &str, fs: &FormState) -> Markup {
    let answer = fs.value("answer");
    let err = fs.error("answer");
    html! {
        (form::notice(fs))
        form method="post" action=(format!("/oa/meetings/{}/reply", m.id)) novalidate {
            (form::csrf(csrf))
            fieldset.has-error[err.is_some()] #f-answer aria-describedby=[err.map(|_| "f-answer-err")] {
                legend { "是否参加" }
                @if let Some(e) = err { p.error #f-answer-err role="alert" { (e) } }
                div.check {
                    input type="radio" #f-answer-attend name="answer" value="attend" checked[answer == "attend"];
                    label for="f-answer-attend" { "参加" }
                }
                div.check {
                    input type="radio" #f-answer-leave name="answer" value="leave" checked[answer == "leave"];
                    label for="f-answer-leave" { "请假" }
                }
            }
            p.hint { "参加的，请填写参会人员（至少一人，最多 " (MAX_ATTENDEES) " 人）；请假的，请填写请假事由。" }
            @for i in 1..=MAX_ATTENDEES {
                @let (n, t, ph) = (format!("name{i}"), format!("title{i}"), format!("phone{i}"));
                fieldset.attendee {
                    legend { "参会人员 " (i) }
                    @let (nl, tl, pl) = (format!("姓名（第 {i} 位）"), format!("职务（第 {i} 位）"), format!("联系电话（第 {i} 位）"));
                    (form::field(&Field::new(&n, &nl).optional(), fs))
                    (form::field(&Field::new(&t, &tl).optional(), fs))
                    (form::field(&Field::new(&ph, &pl).optional().kind("tel"), fs))
                }
            }
            (textarea("reason", "请假事由", "选择请假时必填", 3, fs))
            button.primary type="submit" { @if r.is_replied() { "修改回执" } @else { "提交回执" } }
        }
    }
}

/// The page.
pub fn view(st: &Shared, s: &Staff, m: &Meeting, now: i64, f: &Forms, done: &str) -> Markup {
    let d = &m.details;
    let mine = m.reply_of(&s.user);
    let sender = s.user.id == m.sender;
    let body = html! {
        p { a href="/oa/meetings" { "返回会议通知列表" } }
        @if let Some(msg) = done_message(done) { div.notice.ok role="status" { (msg) } }
        @if let Some(n) = &f.notice { div.notice.error role="alert" { (n) } }
        @if let Some(reason) = m.cancel_reason() {
            div.notice.error role="status" #cancelled { "会议已取消。原因：" (reason) }
        }
        section.card aria-labelledby="meeting-h" {
            h2 #meeting-h { (d.title) }
            dl.kv.meeting {
                dt { "状态" } dd #meeting-state { (m.state_label(now)) }
                dt { "会议时间" } dd { (show_minutes(d.start_ms)) " 至 " (show_minutes(d.end_ms)) }
                dt { "会议地点" } dd { (d.place) }
                dt { "参会人员要求" } dd { (d.attendees) }
                dt { "回执截止" } dd { (show_minutes(d.deadline_ms)) @if now > d.deadline_ms { "（已截止）" } }
                dt { "发起" } dd { (m.sender_unit_name) " " (m.sender_name) }
                dt { "发出时间" } dd { (crate::clock::show(m.sent_ms)) }
            }
            h3 { "会议议程" }
            @for line in d.agenda.lines().filter(|l| !l.trim().is_empty()) { p { (line) } }
            p { a href=(format!("/oa/meetings/{}/meeting.ics", m.id)) download { "下载日历文件（.ics）" } }
        }
        @if let Some(r) = mine {
            section.card aria-labelledby="my-reply-h" #my-reply {
                h2 #my-reply-h { "本单位回执（" (r.unit_name) "）" }
                p { "当前状态：" strong #my-reply-state { (r.label()) }
                    @if let Some(t) = &r.replied { "（" (t.by_name) " 于 " (crate::clock::show(t.at_ms)) " 回执）" } }
                @if !r.people().is_empty() { p { "参会人员：" (people_line(r)) } }
                @if !r.reason().is_empty() { p { "请假事由：" (r.reason()) } }
                @if m.is_cancelled() {
                    p { "会议已取消，不再接受回执。" }
                } @else if now > d.deadline_ms {
                    p { "回执已于 " (show_minutes(d.deadline_ms)) " 截止，不能再提交或修改。" }
                } @else {
                    @let fs = if f.reply.values.is_empty() && f.reply.errors.is_empty() { reply_values(r) } else { f.reply.clone() };
                    (reply_form(m, r, &s.csrf, &fs))
                }
            }
        }
        @if sender {
            section.card aria-labelledby="replies-h" {
                h2 #replies-h { "回执情况" }
                div #replies data-live-src=(format!("/oa/meetings/{}/replies", m.id)) {
                    (replies_table(m))
                }
                p.actions {
                    a href=(format!("/oa/meetings/{}#replies-h", m.id)) { "刷新回执情况" }
                    a href=(format!("/oa/meetings/{}/replies.xlsx", m.id)) { "导出回执（Excel）" }
                }
                @let silent = m.replies.iter().filter(|r| !r.is_replied()).count();
                @if m.open_for_replies(now) && silent > 0 {
                    form.inline method="post" action=(format!("/oa/meetings/{}/remind", m.id)) {
                        (form::csrf(&s.csrf))
                        button type="submit" { "催办未回执单位（" (silent) " 个）" }
                    }
                }
            }
            @if may(s, m, action::CHANGE) {
                section.card aria-labelledby="manage-h" {
                    h2 #manage-h { "变更或取消" }
                    p { a href=(format!("/oa/meetings/{}/edit", m.id)) { "修改会议信息" } " （修改后各单位会收到变更通知，日历文件随之更新）" }
                    (form::notice(&f.cancel))
                    form method="post" action=(format!("/oa/meetings/{}/cancel", m.id)) novalidate {
                        (form::csrf(&s.csrf))
                        (textarea("reason", "取消原因", "必填，会通知到各邀请单位", 2, &f.cancel))
                        button.danger type="submit" { "取消会议" }
                    }
                }
            }
        }
        @if !m.changes.is_empty() || m.is_cancelled() {
            section.card aria-labelledby="history-h" {
                h2 #history-h { "变更记录" }
                ul #changes {
                    @for c in &m.changes {
                        li { (crate::clock::show(c.at_ms)) " " (c.by_name) "：" (c.summary()) }
                    }
                    @if let Some(step) = m.flow.last_step_of(action::CANCEL) {
                        li { (crate::clock::show(step.at_ms)) " " (step.by_name) "：取消会议（" (step.comment) "）" }
                    }
                }
            }
        }
        @if sender { script src=(st.assets.url("js/meetings.js")) defer {} }
    };
    home::render(st, s, "会议通知", "/oa/meetings", body)
}

/// GET /oa/meetings/{id}
pub async fn show(
    State(st): State<Shared>,
    mut s: Staff,
    Path(id): Path<String>,
    Query(q): Query<Done>,
) -> Result<Response> {
    let m = visible(&st, &s, &id).await?;
    // Opening the page reads the notices about it (work notices stay open until replied).
    crate::notify::opened(&st, &mut s, &m.url()).await?;
    Ok(page(view(
        &st,
        &s,
        &m,
        st.now_ms(),
        &Forms::default(),
        &q.done,
    )))
}

/// GET /oa/meetings/{id}/replies: the counts and table alone (for `meetings.js`).
pub async fn fragment(
    State(st): State<Shared>,
    s: Staff,
    Path(id): Path<String>,
) -> Result<Response> {
    let m = visible(&st, &s, &id).await?;
    sender_only(&s, &m)?;
    Ok(page(replies_table(&m)))
}

/// The posted answer, or the form with its messages.
fn read_answer(p: &Posted) -> std::result::Result<Answer, FormState> {
    let mut fs = FormState {
        values: p.kept(),
        ..Default::default()
    };
    let answer = match p.get("answer") {
        "attend" => {
            let mut people = Vec::new();
            for i in 1..=MAX_ATTENDEES {
                let (n, t, ph) = (format!("name{i}"), format!("title{i}"), format!("phone{i}"));
                let (name, title, phone) = (p.get(&n).trim(), p.get(&t).trim(), p.get(&ph).trim());
                if name.is_empty() && title.is_empty() && phone.is_empty() {
                    continue;
                }
                if name.is_empty() {
                    fs.add_error(&n, "请填写姓名");
                } else if name.chars().count() > 20 {
                    fs.add_error(&n, "姓名不超过 20 个字");
                }
                if title.chars().count() > 30 {
                    fs.add_error(&t, "职务不超过 30 个字");
                }
                if phone.chars().count() > 20
                    || !phone.chars().all(|c| {
                        c.is_ascii_digit() || matches!(c, '-' | ' ' | '+' | '(' | ')' | '转')
                    })
                {
                    fs.add_error(&ph, "联系电话只能包含数字和“-”，不超过 20 位");
                }
                people.push(Attendee {
                    name: name.to_owned(),
                    title: title.to_owned(),
                    phone: phone.to_owned(),
                });
            }
            if people.is_empty() {
                fs.add_error("name1", "参加的，请至少填写一位参会人员的姓名");
            }
            Answer::Attend { people }
        }
        "leave" => {
            let reason = p.get("reason").trim();
            if reason.is_empty() {
                fs.add_error("reason", "请假的，请填写请假事由");
            } else if reason.chars().count() > 200 {
                fs.add_error("reason", "请假事由不超过 200 个字");
            }
            Answer::Leave {
                reason: reason.to_owned(),
            }
        }
        _ => {
            fs.add_error("answer", "请选择参加或请假");
            return Err(fs);
        }
    };
    if fs.has_errors() { Err(fs) } else { Ok(answer) }
}

/// Why replies are not taken now, if they are not.
fn closed(m: &Meeting, now: i64) -> Option<String> {
    if m.is_cancelled() {
        Some("会议已取消，不再接受回执。".into())
    } else if now > m.details.deadline_ms {
        Some(format!(
            "回执已于 {} 截止，不能再提交或修改回执。",
            show_minutes(m.details.deadline_ms)
        ))
    } else {
        None
    }
}

/// POST /oa/meetings/{id}/reply: the unit's answer, or a change of it before the deadline.
pub async fn reply(
    State(st): State<Shared>,
    Path(id): Path<String>,
    p: Posted,
) -> Result<Response> {
    let s = p.staff(&st)?;
    let m = visible(&st, &s, &id).await?;
    if m.reply_of(&s.user).is_none() {
        return Err(Error::Forbidden("您所在单位不在此会议的邀请之列。".into()));
    }
    let now = st.now_ms();
    if let Some(why) = closed(&m, now) {
        let f = Forms {
            notice: Some(why),
            ..Default::default()
        };
        return Ok(html_invalid(view(&st, &s, &m, now, &f, "")));
    }
    let answer = match read_answer(&p) {
        Ok(a) => a,
        Err(fs) => {
            let f = Forms {
                reply: fs,
                ..Default::default()
            };
            return Ok(html_invalid(view(&st, &s, &m, now, &f, "")));
        }
    };
    let user = s.user.clone();
    let ev_user = s.user.clone();
    let ctx = p.ctx.clone();
    let mid = m.id;
    st.store
        .write(move |txn| {
            let mut m = store::get_w(txn, mid)?.ok_or(Error::NotFound)?;
            if let Some(why) = closed(&m, now) {
                return Err(Error::Conflict(why));
            }
            let snapshot = m.clone();
            let Some(r) = m.replies.iter_mut().find(|r| r.unit == user.unit) else {
                return Err(Error::NotFound);
            };
            let actor = super::model::reply_actor(&user, &snapshot, r);
            let step = if r.is_replied() {
                action::AMEND
            } else {
                action::REPLY
            };
            let summary = match &answer {
                Answer::Attend { people } => format!(
                    "参加 {} 人：{}",
                    people.len(),
                    people
                        .iter()
                        .map(|x| x.name.as_str())
                        .collect::<Vec<_>>()
                        .join("、")
                ),
                Answer::Leave { reason } => format!("请假：{reason}"),
            };
            crate::flow::apply(mflow::reply(), &mut r.flow, step, &actor, &summary, now)
                .map_err(|e| Error::Forbidden(e.to_string()))?;
            r.answer = Some(answer);
            r.replied = Some(Touch::now(&user, now));
            let unit = r.unit.clone();
            let unit_name = r.unit_name.clone();
            store::put(txn, &m)?;
            let users = crate::auth::store::list_users_w(txn)?;
            notices::settle(txn, &m, &users, Some(&unit))?;
            let ev = event(
                &ev_user,
                &ctx,
                "oa_meeting_reply",
                format!("meeting:{mid}"),
                true,
                format!(
                    "{}（{unit_name}）{}：{summary}",
                    m.details.title,
                    if step == action::AMEND {
                        "修改回执"
                    } else {
                        "回执"
                    }
                ),
            );
            audit::append(txn, ev, now).map(|_| ())
        })
        .await?;
    Ok(see_other(&format!(
        "/oa/meetings/{mid}?done=replied#my-reply"
    )))
}

/// POST /oa/meetings/{id}/remind: 催办 every unit that has not replied (the sender).
pub async fn remind(
    State(st): State<Shared>,
    Path(id): Path<String>,
    p: Posted,
) -> Result<Response> {
    let s = p.staff(&st)?;
    let m = visible(&st, &s, &id).await?;
    let now = st.now_ms();
    if let Some(why) = closed(&m, now) {
        let f = Forms {
            notice: Some(why.replace("回执", "催办回执")),
            ..Default::default()
        };
        return Ok(html_invalid(view(&st, &s, &m, now, &f, "")));
    }
    let user = s.user.clone();
    let ctx = p.ctx.clone();
    let mid = m.id;
    st.store
        .write(move |txn| {
            let mut m = store::get_w(txn, mid)?.ok_or(Error::NotFound)?;
            if let Some(why) = closed(&m, now) {
                return Err(Error::Conflict(why));
            }
            let snapshot = m.clone();
            let users = crate::auth::store::list_users_w(txn)?;
            let mut reminded = Vec::new();
            for r in m.replies.iter_mut().filter(|r| !r.is_replied()) {
                let actor = super::model::reply_actor(&user, &snapshot, r);
                crate::flow::apply(mflow::reply(), &mut r.flow, action::REMIND, &actor, "", now)
                    .map_err(|e| Error::Forbidden(e.to_string()))?;
                reminded.push((r.unit.clone(), r.unit_name.clone()));
            }
            if reminded.is_empty() {
                return Ok(());
            }
            store::put(txn, &m)?;
            let title = format!("催办回执：{}", m.details.title);
            let text = format!(
                "{}请尽快回执：会议 {} 在{}召开，回执截止 {}。",
                m.sender_unit_name,
                show_minutes(m.details.start_ms),
                m.details.place,
                show_minutes(m.details.deadline_ms)
            );
            for (unit, _) in &reminded {
                notices::waiting(txn, &m, &users, unit, title.clone(), text.clone(), now)?;
            }
            let names: Vec<&str> = reminded.iter().map(|(_, n)| n.as_str()).collect();
            let ev = event(
                &user,
                &ctx,
                "oa_meeting_remind",
                format!("meeting:{mid}"),
                true,
                format!("{}：催办 {}", m.details.title, names.join("、")),
            );
            audit::append(txn, ev, now).map(|_| ())
        })
        .await?;
    Ok(see_other(&format!("/oa/meetings/{mid}?done=reminded")))
}

/// POST /oa/meetings/{id}/cancel: the sender cancels, with a reason.
pub async fn cancel(
    State(st): State<Shared>,
    Path(id): Path<String>,
    p: Posted,
) -> Result<Response> {
    let s = p.staff(&st)?;
    let m = visible(&st, &s, &id).await?;
    let now = st.now_ms();
    let actor = super::model::meeting_actor(&s.user, &m);
    crate::flow::check(mflow::meeting(), &m.flow, action::CANCEL, &actor)
        .map_err(|e| Error::Forbidden(e.to_string()))?;
    let reason = p.get("reason").trim().to_owned();
    let mut fs = FormState {
        values: p.kept(),
        ..Default::default()
    };
    if reason.is_empty() {
        fs.add_error("reason", "请填写取消原因");
    } else if reason.chars().count() > 200 {
        fs.add_error("reason", "取消原因不超过 200 个字");
    }
    if fs.has_errors() {
        let f = Forms {
            cancel: fs,
            ..Default::default()
        };
        return Ok(html_invalid(view(&st, &s, &m, now, &f, "")));
    }
    let ctx = p.ctx.clone();
    let mid = m.id;
    st.store
        .write(move |txn| {
            let mut m = store::get_w(txn, mid)?.ok_or(Error::NotFound)?;
            let actor = super::model::meeting_actor(&s.user, &m);
            crate::flow::apply(
                mflow::meeting(),
                &mut m.flow,
                action::CANCEL,
                &actor,
                &reason,
                now,
            )
            .map_err(|e| Error::Conflict(e.to_string()))?;
            m.sequence += 1;
            m.updated_ms = now;
            store::put(txn, &m)?;
            let users = crate::auth::store::list_users_w(txn)?;
            notices::cancelled(txn, &m, &users, &reason, now)?;
            let ev = event(
                &s.user,
                &ctx,
                "oa_meeting_cancel",
                format!("meeting:{mid}"),
                true,
                format!("{}：{reason}", m.details.title),
            );
            audit::append(txn, ev, now).map(|_| ())
        })
        .await?;
    Ok(see_other(&format!("/oa/meetings/{mid}?done=cancelled")))
}
