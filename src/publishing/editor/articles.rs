//! 信息发布: the list of items a user may see, the item page (edit form, flow panel,
//! checks, history) and saving. State changes are flow transitions
//! (`portal::review`); a save only changes content, and may be followed in the same
//! transaction by 报送 (submit) or, on a published item, 更正 (correct, with a note).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;

use super::draft::{apply, parse_draft};
use super::item_form::{edit_form_markup, values_of};
use super::received::{Rules, Upload};
use crate::auth::audit;
use crate::auth::model::UnitCode;
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::{Posted, Staff};
use crate::http::respond::{html as page, see_other};
use crate::portal::model::{Article, ArticleState};
use crate::portal::store;
use crate::publishing::flow::{action as fa, state as fstate};
use crate::publishing::review::item::ItemCtx;
use crate::publishing::review::levels::{self, Units};
use crate::publishing::review::revise::{self, AfterSave};
use crate::publishing::review::take::{Request, take};
use crate::publishing::review::{instance_of, notices, panel};
use crate::staff::shell::{event, render};
use crate::views::form::{self, FormState};

pub const PER_PAGE: usize = 30;
pub use super::draft::TITLE_MAX;

/// The state's label (草稿, 待本单位审核, 已发布 …) of an item or a stored revision.
pub fn state_label(a: &Article) -> &'static str {
    let st = instance_of(a).state;
    crate::publishing::flow::definition(crate::publishing::flow::ReviewLevels::UnitAndOffice)
        .find_state(&st)
        .map_or("未知", |s| s.label)
}

/// The address of a stored file.
pub fn file_url(sha: &str, name: &str) -> String {
    crate::portal::files::url(sha, name)
}

async fn load_units(st: &Shared) -> Result<Units> {
    Ok(Units::new(
        st.store.read(crate::auth::store::list_units).await?,
    ))
}

/// Staff with no content role anywhere get a 403 on the editor's pages.
fn require_writer(s: &Staff, units: &Units) -> Result<()> {
    if levels::writable_units(&s.user, units).is_empty() && !levels::is_office_staff(&s.user, units)
    {
        return Err(Error::Forbidden("您没有信息发布方面的角色。".into()));
    }
    Ok(())
}

// ---- the list

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    site: String,
    #[serde(default)]
    before: String,
}

pub async fn list(
    State(st): State<Shared>,
    s: Staff,
    Query(q): Query<ListQuery>,
) -> Result<Response> {
    let units = load_units(&st).await?;
    require_writer(&s, &units)?;
    let snap = st.portal().snapshot();
    let filter: Option<UnitCode> = UnitCode::parse(&q.site)
        .ok()
        .filter(|c| snap.site(c.as_str()).is_some());
    let before: Option<u64> = q.before.trim().parse().ok();
    let user = s.user.clone();
    let f2 = filter.clone();
    let units2 = Units::new(units.units.clone());
    // The office sees every item: newest first over all of them. Everyone else sees the
    // items of the units they write for, read from each unit's own index.
    let everything = levels::is_office_staff(&s.user, &units);
    let mine = levels::writable_units(&s.user, &units);
    let (items, more) = st
        .store
        .read(move |txn| {
            let keep = |a: &Article| {
                levels::may_view(&user, a, &units2) && f2.as_ref().is_none_or(|c| &a.site == c)
            };
            if !everything {
                return crate::publishing::review::index::newest_of_units(
                    txn, &mine, before, PER_PAGE, keep,
                );
            }
            let mut before = before;
            let mut out = Vec::new();
            // Walk newest first in batches until a page (and one more, to know of a next page).
            loop {
                let batch = store::articles_newest(txn, before, 200)?;
                let Some(last) = batch.last() else {
                    return Ok((out, false));
                };
                before = Some(last.id);
                for a in batch {
                    if keep(&a) {
                        if out.len() == PER_PAGE {
                            return Ok((out, true));
                        }
                        out.push(a);
                    }
                }
            }
        })
        .await?;
    let site_opts: Vec<(String, String)> = std::iter::once((String::new(), "全部站点".to_owned()))
        .chain(
            snap.sites
                .iter()
                .map(|x| (x.unit.to_string(), x.name.clone())),
        )
        .collect();
    let fs = FormState {
        values: vec![("site".into(), q.site.clone())],
        ..Default::default()
    };
    let next = items.last().filter(|_| more).map(|a| {
        let mut u = format!("/admin/articles?before={}", a.id);
        if let Some(c) = &filter {
            u.push_str(&format!("&site={c}"));
        }
        u
    });
    let body = html! {
        p { a.button href="/admin/articles/new" { "新建信息" } " " a href="/admin/work" { "我的工作" } }
        form.filter method="get" action="/admin/articles" {
            (form::select("site", "按站点筛选", &site_opts, &fs))
            button type="submit" { "筛选" }
        }
        table.data.cards {
            caption { "我可以查看的信息（最新在前）" }
            thead { tr { th scope="col" { "标题" } th scope="col" { "栏目" } th scope="col" { "状态" } th scope="col" { "报送单位" } th scope="col" { "发布时间" } th scope="col" { "更新时间" } } }
            tbody {
                @for a in &items {
                    @let inst = instance_of(a);
                    tr {
                        td.card-title { a href=(format!("/admin/articles/{}", a.id)) { (a.title) } }
                        td data-label="栏目" { (snap.site(a.site.as_str()).map(|x| x.name.as_str()).unwrap_or("")) " · " (snap.channel(a.channel).map(|c| c.name.as_str()).unwrap_or("")) }
                        td { span class=(format!("state state-{}", inst.state)) { (state_label(a)) }
                            @if inst.flagged.is_some() { " " span.badge.flagged { "待事后审核" } } }
                        td data-label="报送单位" { (units.name(a.owner())) }
                        td data-label="发布时间" { (a.publish_ms.map(crate::clock::show).unwrap_or_else(|| "—".into())) }
                        td data-label="更新时间" { (crate::clock::show(a.updated_ms)) }
                    }
                }
                @if items.is_empty() { tr { td colspan="6" { "暂无信息。" } } }
            }
        }
        @if let Some(n) = next { p { a href=(n) { "下一页 →" } } }
    };
    Ok(page(render(&st, &s, "信息发布", body)))
}

// ---- the item page

/// An item's scheduled publish time.
pub async fn scheduled_of(st: &Shared, id: u64) -> Result<Option<i64>> {
    st.store.read(move |txn| store::scheduled_at(txn, id)).await
}

/// What the conflict message needs: the version someone else saved and the user's own.
pub struct Conflict {
    pub current: Article,
    pub mine: Article,
}

/// The whole item page: status, the flow's buttons, the checks, the form (if the user may
/// edit now), uploads and the history.
pub async fn item_page(
    st: &Shared,
    s: &Staff,
    ic: &ItemCtx,
    fs: FormState,
    status: StatusCode,
) -> Result<Response> {
    item_page_with(st, s, ic, fs, status, Extras::default()).await
}

/// What an item page may show above its content besides the form's own messages.
#[derive(Default)]
pub struct Extras<'a> {
    /// Someone else saved first.
    pub conflict: Option<Conflict>,
    /// What just happened (已保存 …).
    pub ok: Option<&'a str>,
    /// An autosave newer than the item, offered back.
    pub autosave: Option<super::autosave::Autosave>,
}

pub async fn item_page_with(
    st: &Shared,
    s: &Staff,
    ic: &ItemCtx,
    mut fs: FormState,
    status: StatusCode,
    extras: Extras<'_>,
) -> Result<Response> {
    let Extras {
        conflict,
        ok,
        autosave,
    } = extras;
    let a = &ic.article;
    if fs.values.is_empty() {
        fs.values = values_of(a);
    }
    let scheduled = scheduled_of(st, a.id).await?;
    // Before publishing, and while a correction waits for its review after the fact: what
    // changed since it was returned (a resubmitted item), else since it was approved.
    let (since_return, since_review) = if a.is_public() && ic.instance.flagged.is_none() {
        (None, None)
    } else {
        let aid = a.id;
        let revs = st.store.read(move |txn| store::revisions(txn, aid)).await?;
        // Both when both say something: a change made before the return (the edit that
        // caused it) shows only against the approved version.
        let since_approval = revise::changed_since_approval(&revs, a).filter(|ap| {
            revise::returned_version(&revs, a).is_none_or(|r| r.revision != ap.revision)
        });
        (
            revise::returned_version(&revs, a).cloned(),
            since_approval.cloned(),
        )
    };
    let findings = crate::publishing::checks::run::run(st, a).await?;
    let blocked = !crate::publishing::checks::content::may_publish(
        &findings,
        crate::publishing::checks::content::Override::of(a).as_ref(),
    );
    let snap = &ic.snap;
    let may_edit = ic.may_edit();
    let codes = crate::publishing::catalog::codes::load_all(st).await?;
    let body = html! {
        p.item-links {
            a href="/admin/work" { "← 我的工作" } " "
            a href="/admin/articles" { "信息列表" } " "
            a href=(format!("/admin/articles/{}/history", a.id)) { "修订记录" } " "
            a href=(format!("/admin/articles/{}/preview", a.id)) target="_blank" { "预览" }
            @if a.is_public() { " " a href=(snap.article_url(a)) target="_blank" { "查看公开页面" } }
        }
        @if let Some(m) = ok { div.notice.ok role="status" { (m) } }
        @if let (Some(x), true) = (&autosave, may_edit) { (super::autosave::banner(Some(a.id), x, &s.csrf)) }
        (form::notice(&FormState { errors: Vec::new(), notice: fs.notice.clone(), values: Vec::new() }))
        @if let Some(c) = &conflict { (conflict_markup(c)) }
        @if let Some(b) = panel::returned_banner(ic) { (b) }
        section.card {
            dl.kv {
                dt { "信息编号" } dd { (a.id) }
                (panel::status(ic, scheduled))
                @if let ArticleState::Withdrawn { reason } = &a.state { dt { "撤稿原因" } dd { (reason) } }
                @if let ArticleState::Replaced { by } = &a.state { dt { "已被替换" } dd { "由信息 " a href=(format!("/admin/articles/{by}")) { (by) } " 替代" } }
                dt { "发布时间" } dd { (a.publish_ms.map(crate::clock::show).unwrap_or_else(|| "尚未发布（上线时由系统自动记录）".into())) }
                @if !a.original_date.is_empty() { dt { "原始日期" } dd { (a.original_date) } }
                dt { "最后修改" } dd { (crate::clock::show(a.updated_ms)) "，第 " (a.revision) " 版" }
            }
        }
        @if let Some(old) = &since_return { (since_return_markup(old, a)) }
        @if let Some(old) = &since_review { (since_review_markup(old, a)) }
        // The check results come before the buttons that act on them; a writer's 报送 comes
        // after the form it sends.
        (crate::publishing::checks::panel::findings_panel(a, &findings, ic.is_reviewer()))
        @if !may_edit { (panel::actions(ic, &s.csrf, &fs, blocked)) }
        @if may_edit {
            h2 { "编辑内容" }
            (edit_form_markup(st, s, &ic.units, Some(ic), &fs, &codes))
            (panel::actions(ic, &s.csrf, &fs, blocked))
        } @else {
            section.card {
                h2 { "内容" }
                p.muted { "当前状态下您不能修改内容。" a href=(format!("/admin/articles/{}/preview", a.id)) { "预览全文" } }
                h3 { (a.title) }
                div.article-body { (PreEscaped(&a.body_html)) }
            }
        }
        (panel::history(ic.def, &ic.instance, &ic.units))
    };
    let mut r = page(render(st, s, &format!("信息：{}", a.title), body));
    *r.status_mut() = status;
    if may_edit {
        super::rich::allow_editor_styles(&mut r);
    }
    Ok(r)
}

/// What changed after a reviewer approved the item: shown to whoever sees it next, so a
/// second review looks at the change, not at the whole text again.
fn since_review_markup(approved: &Article, now: &Article) -> Markup {
    let diffs = crate::publishing::diff::diff_articles(approved, now);
    let text_changed = diffs.iter().any(|f| f.changed);
    html! {
        section.card.diff aria-labelledby="since-review-h" {
            h2 #since-review-h { "审核通过后的修改（第 " (approved.revision) " 版 → 第 " (now.revision) " 版）" }
            @if text_changed {
                p { (crate::publishing::diff::summary(&diffs)) "。" }
                @for f in diffs.iter().filter(|f| f.changed) {
                    h3 { (f.field) }
                    div.diff-body { (PreEscaped(&f.html)) }
                }
            } @else {
                p { "文字未变，栏目、附件等信息有修改。" }
            }
            p { a href=(format!("/admin/articles/{}/history?from={}&to={}", now.id, approved.revision, now.revision)) { "在修订记录中比较这两个版本" } }
        }
    }
}

/// What changed since the item was returned to its writer: what a reviewer opening the
/// resubmitted item reads first (or that nothing did).
fn since_return_markup(returned: &Article, now: &Article) -> Markup {
    let diffs = crate::publishing::diff::diff_articles(returned, now);
    let text_changed = diffs.iter().any(|f| f.changed);
    let changed = revise::content_changed(returned, now);
    html! {
        section.card.diff aria-labelledby="since-return-h" {
            h2 #since-return-h { "退回后的修改（第 " (returned.revision) " 版 → 第 " (now.revision) " 版）" }
            @if text_changed {
                p { (crate::publishing::diff::summary(&diffs)) "。" }
                @for f in diffs.iter().filter(|f| f.changed) {
                    h3 { (f.field) }
                    div.diff-body { (PreEscaped(&f.html)) }
                }
            } @else if changed {
                p { "文字未变，栏目、附件等信息有修改。" }
            } @else {
                p { "退回后内容没有修改，原样重新报送。" }
            }
            p { a href=(format!("/admin/articles/{}/history?from={}&to={}", now.id, returned.revision, now.revision)) { "在修订记录中比较这两个版本" } }
        }
    }
}

fn conflict_markup(c: &Conflict) -> Markup {
    let diffs = crate::publishing::diff::diff_articles(&c.current, &c.mine);
    html! {
        div.notice.error role="alert" {
            p { strong { "保存失败：该信息在您编辑期间已被他人修改。" } }
            p { "您填写的内容没有丢失，仍保留在下面的表单中。他人保存的版本：“" (c.current.title) "”，修改于 " (crate::clock::show(c.current.updated_ms)) "。下面标出了他人的版本与您的内容之间的差异（删除线为他人版本中有而您的内容中没有的，下划线为您新增的）。核对后再次保存，将以您的内容为准。" }
        }
        section.card.diff aria-labelledby="conflict-diff-h" {
            h2 #conflict-diff-h { "差异：他人保存的版本 → 您的内容（" (crate::publishing::diff::summary(&diffs)) "）" }
            @for f in diffs.iter().filter(|f| f.changed) {
                h3 { (f.field) }
                div.diff-body { (PreEscaped(&f.html)) }
            }
        }
    }
}

#[derive(Deserialize, Default)]
pub struct EditQuery {
    #[serde(default)]
    done: String,
    /// "autosave": fill the form with the user's autosave.
    #[serde(default)]
    restore: String,
}

/// The form's starting values: the text kept when the session ended (`http::kept`), the
/// autosave when asked for, else the stored item (`stored`). The second value is the
/// autosave to offer, when one is newer than `updated_ms` and says something else.
async fn starting_values(
    st: &Shared,
    s: &Staff,
    id: Option<u64>,
    updated_ms: i64,
    restore: &str,
    stored: Vec<(String, String)>,
) -> Result<(
    Vec<(String, String)>,
    Option<&'static str>,
    Option<super::autosave::Autosave>,
)> {
    let form = super::autosave::form_of(id);
    if let Some(k) = s.ctx.kept.as_ref().filter(|k| k.action == form) {
        return Ok((k.fields.clone(), None, None));
    }
    let offer = super::autosave::offer(st, s, id, updated_ms, &stored).await?;
    match offer {
        Some(a) if restore == "autosave" => {
            Ok((a.fields, Some("已恢复自动保存的内容，请核对后保存。"), None))
        }
        offer => Ok((stored, None, offer)),
    }
}

fn done_notice(done: &str) -> Option<&'static str> {
    Some(match done {
        "saved" => "已保存。",
        "corrected" => "已保存更正，公众页面已即时更新。",
        "revised" => "已保存。报送后的内容有修改，已退回撰稿人核对；重新报送后将逐级重新审核。",
        "uploaded" => "文件已上传。",
        fa::SUBMIT => "已报送，等待审核。",
        fa::RECALL => "已撤回，可以继续修改。",
        fa::APPROVE_UNIT | fa::APPROVE_OFFICE => "已审核通过。",
        fa::RETURN_UNIT | fa::RETURN_OFFICE | fa::RETURN_PUBLISH => "已退回，并已通知撰稿人。",
        fa::PUBLISH | fa::FORCE_PUBLISH => "已发布，公众页面已即时更新。",
        fa::SCHEDULE => "已设定定时发布。",
        fa::UNSCHEDULE => "已取消定时发布。",
        fa::REVIEW_AFTER => "已完成事后审核。",
        fa::WITHDRAW => "已撤稿。公众访问将看到撤稿说明。",
        fa::REPLACE => "已替换，原网址将跳转到新信息。",
        _ => return None,
    })
}

pub async fn new_form(
    State(st): State<Shared>,
    s: Staff,
    Query(q): Query<EditQuery>,
) -> Result<Response> {
    let units = load_units(&st).await?;
    if levels::writable_units(&s.user, &units).is_empty() {
        return Err(Error::Forbidden("您没有撰写信息的角色。".into()));
    }
    // 来源 and 发文机关 start as the writer's unit.
    let fresh = vec![
        ("source".into(), units.name(&s.user.unit)),
        ("issuer".into(), units.name(&s.user.unit)),
    ];
    let (values, restored, offer) = starting_values(&st, &s, None, 0, &q.restore, fresh).await?;
    let fs = FormState {
        values,
        ..Default::default()
    };
    let extras = Extras {
        ok: restored,
        autosave: offer,
        ..Default::default()
    };
    let codes = crate::publishing::catalog::codes::load_all(&st).await?;
    Ok(new_view(
        &st,
        &s,
        &units,
        &fs,
        &codes,
        StatusCode::OK,
        extras,
    ))
}

fn new_view(
    st: &Shared,
    s: &Staff,
    units: &Units,
    fs: &FormState,
    codes: &crate::publishing::catalog::codes::Codes,
    status: StatusCode,
    extras: Extras<'_>,
) -> Response {
    let body = html! {
        p { a href="/admin/work" { "← 我的工作" } }
        @if let Some(m) = extras.ok { div.notice.ok role="status" { (m) } }
        @if let Some(x) = &extras.autosave { (super::autosave::banner(None, x, &s.csrf)) }
        (form::notice(fs))
        (edit_form_markup(st, s, units, None, fs, codes))
    };
    let mut r = page(render(st, s, "新建信息", body));
    *r.status_mut() = status;
    super::rich::allow_editor_styles(&mut r);
    r
}

/// Loads an item the user may edit now.
pub async fn load_editable(st: &Shared, s: &Staff, id: &str) -> Result<ItemCtx> {
    let ic = ItemCtx::load(st, s, id).await?;
    if !ic.may_edit() {
        return Err(Error::Forbidden(
            "当前状态下您不能修改此信息（已报送的信息可由撰稿人撤回后修改）。".into(),
        ));
    }
    Ok(ic)
}

pub async fn edit_form(
    State(st): State<Shared>,
    s: Staff,
    Path(id): Path<String>,
    Query(q): Query<EditQuery>,
) -> Result<Response> {
    let ic = ItemCtx::load(&st, &s, &id).await?;
    // Opening the item reads its notices (and the bell on this very page says so).
    let mut s = s;
    crate::notify::opened(&st, &mut s, &format!("/admin/articles/{}", ic.article.id)).await?;
    let a = &ic.article;
    let (values, restored, offer) = if ic.may_edit() {
        starting_values(&st, &s, Some(a.id), a.updated_ms, &q.restore, values_of(a)).await?
    } else {
        (values_of(a), None, None)
    };
    let fs = FormState {
        values,
        notice: None,
        ..Default::default()
    };
    let extras = Extras {
        ok: restored.or(done_notice(&q.done)),
        autosave: offer,
        ..Default::default()
    };
    item_page_with(&st, &s, &ic, fs, StatusCode::OK, extras).await
}
/// The people and places a transition taken with a save needs.
pub(super) struct Around {
    users: Vec<crate::auth::model::User>,
    pub(super) units: Units,
    pub(super) snap: std::sync::Arc<crate::portal::Snapshot>,
    calendar: std::sync::Arc<crate::calendar::WorkCalendar>,
}

pub(super) async fn around(st: &Shared, units: &Units) -> Result<Around> {
    Ok(Around {
        users: st.store.read(crate::auth::store::list_users).await?,
        units: Units::new(units.units.clone()),
        snap: st.portal().snapshot(),
        calendar: st.calendar(),
    })
}

/// In a save's transaction: takes `transition` as `s` after the save, with its audit
/// record and notices.
#[allow(clippy::too_many_arguments)]
pub(super) fn take_after_save(
    txn: &redb::WriteTransaction,
    saved: &Article,
    transition: &str,
    comment: &str,
    user: &crate::auth::model::User,
    ctx: &crate::http::extract::Ctx,
    ar: &Around,
    now: i64,
) -> Result<Article> {
    let actor = levels::actor(user, saved, &ar.units);
    let def_for = |x: &Article| levels::definition(x, &ar.snap, &ar.units);
    let req = Request {
        transition: transition.to_owned(),
        comment: comment.to_owned(),
        base_revision: Some(saved.revision),
        ..Default::default()
    };
    let taken = take(txn, saved.id, def_for, &actor, &req, now)?;
    if let Some(m) = notices::nobody_to_act(
        &taken,
        def_for(&taken.after),
        &ar.users,
        &ar.units,
        &ar.snap,
    ) {
        return Err(Error::BadRequest(m));
    }
    audit::append(
        txn,
        event(
            user,
            ctx,
            crate::publishing::review::item::audit_action(transition),
            format!("article:{}", saved.id),
            true,
            comment.to_owned(),
        ),
        now,
    )?;
    let def = def_for(&taken.after);
    notices::after_step(
        txn,
        &taken,
        def,
        Some(user.id),
        &ar.users,
        &ar.units,
        &ar.snap,
        &ar.calendar,
        now,
    )?;
    Ok(taken.after)
}

/// The item form as posted: text and files together (multipart), or text alone.
async fn read_form(st: &Shared, req: axum::extract::Request) -> Result<Upload> {
    Upload::read(req, st, Rules::ITEM_FORM).await
}

pub async fn new_submit(State(st): State<Shared>, req: axum::extract::Request) -> Result<Response> {
    let up = read_form(&st, req).await?;
    let s = up.staff.clone();
    let p = up.posted.clone();
    let units = load_units(&st).await?;
    if levels::writable_units(&s.user, &units).is_empty() {
        return Err(Error::Forbidden("您没有撰写信息的角色。".into()));
    }
    let mut fs = FormState {
        values: p.kept(),
        ..Default::default()
    };
    let parsed = parse_draft(&st, &units, &s, &p, 0, None, &mut fs).await?;
    let codes = crate::publishing::catalog::codes::load_all(&st).await?;
    if let Some(m) = up.refusal() {
        fs.add_error("files", &m);
    }
    let (Some(d), false) = (parsed, fs.has_errors()) else {
        return Ok(new_view(
            &st,
            &s,
            &units,
            &fs,
            &codes,
            StatusCode::UNPROCESSABLE_ENTITY,
            Extras::default(),
        ));
    };
    let now = st.now_ms();
    let mut a = Article {
        created_ms: now,
        updated_ms: now,
        unit: Some(d.owner.clone()),
        ..Article::blank(0, d.channel.site.clone(), &s.user.username)
    };
    apply(&mut a, d);
    super::received::attach(&mut a, up.commit(&st).await?);
    let submit = p.get("action") == "submit";
    let ar = around(&st, &units).await?;
    let (user, ctx) = (s.user.clone(), p.ctx.clone());
    let r = st
        .store
        .write(move |txn| {
            let saved = crate::publishing::store::save_article(txn, a, 0, now)?;
            super::autosave::clear(txn, user.id, &super::autosave::form_of(None))?;
            audit::append(
                txn,
                event(
                    &user,
                    &ctx,
                    "article_create",
                    format!("article:{}", saved.id),
                    true,
                    saved.title.clone(),
                ),
                now,
            )?;
            if submit {
                return take_after_save(txn, &saved, fa::SUBMIT, "", &user, &ctx, &ar, now);
            }
            Ok(saved)
        })
        .await;
    match r {
        Ok(after) => {
            st.portal().article_changed(&st, None, &after);
            let done = if submit { fa::SUBMIT } else { "saved" };
            Ok(see_other(&format!(
                "/admin/articles/{}?done={done}",
                after.id
            )))
        }
        Err(Error::BadRequest(m)) => {
            fs.notice = Some(m);
            Ok(new_view(
                &st,
                &s,
                &units,
                &fs,
                &codes,
                StatusCode::UNPROCESSABLE_ENTITY,
                Extras::default(),
            ))
        }
        Err(e) => Err(e),
    }
}

pub async fn edit_submit(
    State(st): State<Shared>,
    Path(id): Path<String>,
    req: axum::extract::Request,
) -> Result<Response> {
    let up = read_form(&st, req).await?;
    let s = up.staff.clone();
    let p = up.posted.clone();
    let ic = load_editable(&st, &s, &id).await?;
    let before = ic.article.clone();
    let mut fs = FormState {
        values: p.kept(),
        ..Default::default()
    };
    let base: u64 = p.get("revision").trim().parse().unwrap_or(0);
    let parsed = parse_draft(
        &st,
        &ic.units,
        &s,
        &p,
        before.id,
        Some(before.owner()),
        &mut fs,
    )
    .await?;
    if let Some(m) = up.refusal() {
        fs.add_error("files", &m);
    }
    // A published item changes only as a correction (更正), with its note; files alone
    // added to it say so themselves.
    let correcting = before.is_public();
    let files: Vec<String> = up.files.iter().map(|f| f.name.clone()).collect();
    let text_changed = parsed.as_ref().is_some_and(|d| {
        let mut probe = before.clone();
        apply(&mut probe, d.clone());
        crate::publishing::diff::diff_articles(&before, &probe)
            .iter()
            .any(|f| f.changed)
            || probe.attachments != before.attachments
            || probe.cover != before.cover
    });
    let mut note = p.get("correct_note").trim().to_owned();
    if correcting && note.is_empty() && !files.is_empty() && !text_changed {
        note = format!("上传文件：{}", files.join("、"));
    }
    if correcting && note.is_empty() {
        fs.add_error("correct_note", "请填写更正说明");
    } else if note.chars().count() > 500 {
        fs.add_error("correct_note", "更正说明不超过 500 个字");
    }
    let submit = !correcting && p.get("action") == "submit";
    let (Some(d), false) = (parsed, fs.has_errors()) else {
        return item_page(&st, &s, &ic, fs, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let stored_files = up.commit(&st).await?;
    let now = st.now_ms();
    let ar = around(&st, &ic.units).await?;
    let (user, ctx) = (s.user.clone(), p.ctx.clone());
    let aid = before.id;
    let r = st
        .store
        .write(move |txn| {
            // Built on the stored row in this transaction, so uploads made meanwhile are kept.
            let stored = store::get_article_w(txn, aid)?.ok_or(Error::NotFound)?;
            let mut a = stored.clone();
            apply(&mut a, d);
            super::received::attach(&mut a, stored_files);
            let state = crate::publishing::review::instance_of(&stored).state;
            let after_save =
                revise::on_save(&stored, &a, &state, &ar.snap, &ar.units, &user.display_name)
                    .map_err(Error::BadRequest)?;
            let saved = crate::publishing::store::save_article(txn, a, base, now)?;
            super::autosave::clear(txn, user.id, &super::autosave::form_of(Some(aid)))?;
            audit::append(
                txn,
                event(
                    &user,
                    &ctx,
                    "article_update",
                    format!("article:{aid}"),
                    true,
                    format!("第 {} 版", saved.revision),
                ),
                now,
            )?;
            if correcting {
                return take_after_save(txn, &saved, fa::CORRECT, &note, &user, &ctx, &ar, now);
            }
            if let AfterSave::Return {
                transition,
                comment,
            } = after_save
            {
                return take_after_save(txn, &saved, transition, &comment, &user, &ctx, &ar, now);
            }
            // Someone else's change to the writer's text goes into 流转记录.
            let edited = if user.username != stored.created_by
                && revise::content_changed(&stored, &saved)
                && !matches!(state.as_str(), fstate::UNIT_REVIEW | fstate::OFFICE_REVIEW)
            {
                let diffs = crate::publishing::diff::diff_articles(&stored, &saved);
                let what = if diffs.iter().any(|d| d.changed) {
                    crate::publishing::diff::summary(&diffs)
                } else {
                    "栏目、附件等信息有修改".to_owned()
                };
                take_after_save(txn, &saved, fa::EDIT, &what, &user, &ctx, &ar, now)?
            } else {
                saved
            };
            if submit {
                return take_after_save(txn, &edited, fa::SUBMIT, "", &user, &ctx, &ar, now);
            }
            Ok(edited)
        })
        .await;
    match r {
        Ok(after) => {
            st.portal().article_changed(&st, Some(&before), &after);
            let returned = crate::publishing::review::instance_of(&after).state == fstate::RETURNED
                && crate::publishing::review::instance_of(&before).state != fstate::RETURNED;
            let done = if correcting {
                "corrected"
            } else if returned {
                "revised"
            } else if submit {
                fa::SUBMIT
            } else {
                "saved"
            };
            Ok(see_other(&format!("/admin/articles/{aid}?done={done}")))
        }
        Err(Error::Conflict(_)) => conflict_page(&st, &s, aid, fs, &p).await,
        Err(Error::BadRequest(m)) => {
            fs.notice = Some(m);
            item_page(&st, &s, &ic, fs, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e),
    }
}

/// Someone else saved first: the form again with the user's input, the difference between
/// the other version and the user's marked, and the revision moved on so a deliberate
/// second save goes through.
pub async fn conflict_page(
    st: &Shared,
    s: &Staff,
    id: u64,
    mut fs: FormState,
    p: &Posted,
) -> Result<Response> {
    let ic = ItemCtx::load(st, s, &id.to_string()).await?;
    let current = ic.article.clone();
    // The user's version, as it would have been saved.
    let mut mine = current.clone();
    let mut scratch = FormState::default();
    if let Some(d) =
        parse_draft(st, &ic.units, s, p, id, Some(current.owner()), &mut scratch).await?
    {
        apply(&mut mine, d);
    }
    fs.values.retain(|(k, _)| k != "revision");
    fs.values
        .push(("revision".into(), current.revision.to_string()));
    let extras = Extras {
        conflict: Some(Conflict { current, mine }),
        ..Default::default()
    };
    item_page_with(st, s, &ic, fs, StatusCode::CONFLICT, extras).await
}
