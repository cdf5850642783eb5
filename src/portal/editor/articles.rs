//! 信息发布: the list of items a user may see, the item page (edit form, flow panel,
//! checks, history) and saving. State changes are flow transitions
//! (`portal::review`); a save only changes content, and may be followed in the same
//! transaction by 报送 (submit) or, on a published item, 更正 (correct, with a note).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;

use super::sites::textarea;
use crate::admin::common::{event, render};
use crate::auth::audit;
use crate::auth::model::UnitCode;
use crate::error::{Error, Result};
use crate::flow::editorial::action as fa;
use crate::http::Shared;
use crate::http::extract::{Posted, Staff};
use crate::http::respond::{html as page, see_other};
use crate::portal::model::{Article, ArticleState, Channel, ChannelKind, DisclosureMeta};
use crate::portal::review::handlers::ItemCtx;
use crate::portal::review::levels::{self, Units};
use crate::portal::review::take::{Request, take};
use crate::portal::review::{instance_of, notices, panel};
use crate::portal::store;
use crate::views::form::{self, Field, FormState};

pub const PER_PAGE: usize = 30;
pub const TITLE_MAX: usize = 200;

/// The state's label (草稿, 待本单位审核, 已发布 …) of an item or a stored revision.
pub fn state_label(a: &Article) -> &'static str {
    let st = instance_of(a).state;
    crate::flow::editorial::definition(crate::flow::editorial::ReviewLevels::UnitAndOffice)
        .find_state(&st)
        .map_or("未知", |s| s.label)
}

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The public URL of a stored file.
pub fn file_url(sha: &str, name: &str) -> String {
    format!("/files/{sha}/{}", percent(name))
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
    let snap = st.portal.snapshot();
    let filter: Option<UnitCode> = UnitCode::parse(&q.site)
        .ok()
        .filter(|c| snap.site(c.as_str()).is_some());
    let mut before: Option<u64> = q.before.trim().parse().ok();
    let user = s.user.clone();
    let f2 = filter.clone();
    let units2 = Units::new(units.units.clone());
    // Walk newest first in batches until a page (and one more, to know of a next page).
    let (items, more) = st
        .store
        .read(move |txn| {
            let mut out = Vec::new();
            loop {
                let batch = store::articles_newest(txn, before, 200)?;
                let Some(last) = batch.last() else {
                    return Ok((out, false));
                };
                before = Some(last.id);
                for a in batch {
                    let mine = levels::may_view(&user, &a, &units2)
                        && f2.as_ref().is_none_or(|c| &a.site == c);
                    if mine {
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
        table.data {
            caption { "我可以查看的信息（最新在前）" }
            thead { tr { th scope="col" { "标题" } th scope="col" { "栏目" } th scope="col" { "状态" } th scope="col" { "报送单位" } th scope="col" { "发布时间" } th scope="col" { "更新时间" } } }
            tbody {
                @for a in &items {
                    @let inst = instance_of(a);
                    tr {
                        td { a href=(format!("/admin/articles/{}", a.id)) { (a.title) } }
                        td { (snap.site(a.site.as_str()).map(|x| x.name.as_str()).unwrap_or("")) " · " (snap.channel(a.channel).map(|c| c.name.as_str()).unwrap_or("")) }
                        td { span class=(format!("state state-{}", inst.state)) { (state_label(a)) }
                            @if inst.flagged.is_some() { " " span.badge.flagged { "待事后审核" } } }
                        td { (units.name(a.owner())) }
                        td { (a.publish_ms.map(crate::clock::show).unwrap_or_else(|| "—".into())) }
                        td { (crate::clock::show(a.updated_ms)) }
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

/// Home-channel choices: list channels the user's items may be placed in.
fn home_channels(
    st: &Shared,
    s: &Staff,
    units: &Units,
    owner: Option<&UnitCode>,
) -> Vec<(String, String)> {
    let snap = st.portal.snapshot();
    let mut out = vec![(String::new(), "请选择栏目".to_owned())];
    for site in &snap.sites {
        for (d, c) in super::sites::tree(&snap.channels_of(&site.unit).cloned().collect::<Vec<_>>())
        {
            if c.kind != ChannelKind::List {
                continue;
            }
            let o = owner
                .cloned()
                .or_else(|| levels::owner_for_new(&s.user, c, units));
            if o.is_some_and(|o| levels::may_place(c, &o, &snap, units)) {
                out.push((
                    c.id.to_string(),
                    format!("{} · {}{}", site.name, "　".repeat(d), c.name),
                ));
            }
        }
    }
    out
}

pub fn values_of(a: &Article) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = vec![
        ("title".into(), a.title.clone()),
        ("subtitle".into(), a.subtitle.clone()),
        ("source".into(), a.source.clone()),
        ("author".into(), a.author.clone()),
        ("keywords".into(), a.keywords.clone()),
        ("summary".into(), a.summary.clone()),
        ("body".into(), a.body_html.clone()),
        ("channel".into(), a.channel.to_string()),
        (
            "related".into(),
            a.related
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (
            "interprets".into(),
            a.interprets.map(|x| x.to_string()).unwrap_or_default(),
        ),
        ("revision".into(), a.revision.to_string()),
        ("original_date".into(), a.original_date.clone()),
        ("index_no".into(), a.meta.index_no.clone()),
        ("doc_no".into(), a.meta.doc_no.clone()),
        ("issuer".into(), a.meta.issuer.clone()),
        ("written_date".into(), a.meta.written_date.clone()),
        ("topic".into(), a.meta.topic.clone()),
        ("validity".into(), a.meta.validity.clone()),
    ];
    for p in &a.placements {
        v.push(("placements".into(), p.to_string()));
    }
    v
}

/// The edit form (new item when `ic` is `None`).
fn edit_form_markup(
    st: &Shared,
    s: &Staff,
    units: &Units,
    ic: Option<&ItemCtx>,
    fs: &FormState,
) -> Markup {
    let snap = st.portal.snapshot();
    let a = ic.map(|i| &i.article);
    let owner = a.map(Article::owner);
    let action = match a {
        Some(a) => format!("/admin/articles/{}", a.id),
        None => "/admin/articles/new".into(),
    };
    let placements: Vec<&str> = fs
        .values
        .iter()
        .filter(|(k, _)| k == "placements")
        .map(|(_, v)| v.as_str())
        .collect();
    let removed: Vec<&str> = fs
        .values
        .iter()
        .filter(|(k, _)| k == "remove")
        .map(|(_, v)| v.as_str())
        .collect();
    let may_submit = ic.is_none_or(|i| i.may(fa::SUBMIT));
    let correcting = a.is_some_and(Article::is_public);
    let chans = home_channels(st, s, units, owner);
    let place_ok = |c: &Channel| {
        let o = owner
            .cloned()
            .or_else(|| levels::owner_for_new(&s.user, c, units));
        o.is_some_and(|o| levels::may_place(c, &o, &snap, units))
    };
    html! {
        form.card.article-form method="post" action=(action) novalidate {
            (form::csrf(&s.csrf))
            input type="hidden" name="revision" value=(fs.value("revision"));
            (form::field(&Field::new("title", "标题").hint("不超过 200 个字"), fs))
            (form::field(&Field::new("subtitle", "副标题").optional(), fs))
            div.field-row {
                (form::field(&Field::new("source", "来源"), fs))
                (form::field(&Field::new("author", "作者").optional(), fs))
            }
            div.field-row {
                (form::field(&Field::new("original_date", "原始日期").kind("date").optional().hint("信息本身的日期（如会议、文件的日期），与系统自动记录的发布时间分别保存和显示"), fs))
                (form::field(&Field::new("keywords", "关键词").optional().hint("多个关键词用逗号分隔"), fs))
            }
            (textarea("summary", "摘要", "可不填；不填时取正文开头", 3, fs))
            (body_field(st, s, a, fs))
            (form::select("channel", "所属栏目（信息的主栏目，决定其网址）", &chans, fs))
            fieldset.placements {
                legend { "同时发布到（可选，如推送到门户主站“部门动态”；主站栏目须经区政府办公室审核）" }
                @if let Some(e) = fs.error("placements") { p.error role="alert" { (e) } }
                @for site in &snap.sites {
                    @let cs: Vec<&Channel> = snap.channels_of(&site.unit).filter(|c| c.kind == ChannelKind::List && place_ok(c)).collect();
                    @if !cs.is_empty() {
                        div.placement-site {
                            span.muted { (site.name) "：" }
                            @for c in cs {
                                span.check {
                                    input type="checkbox" id=(format!("pl-{}", c.id)) name="placements" value=(c.id) checked[placements.contains(&c.id.to_string().as_str())];
                                    label for=(format!("pl-{}", c.id)) { (c.name) }
                                }
                            }
                        }
                    }
                }
            }
            details.disclosure-meta open[!fs.value("doc_no").is_empty() || !fs.value("index_no").is_empty()] {
                summary { "政府信息公开目录信息（政策文件填写）" }
                div.field-row {
                    (form::field(&Field::new("index_no", "索引号").optional(), fs))
                    (form::field(&Field::new("doc_no", "文号").optional().hint("如 东政办发〔2026〕12号"), fs))
                }
                div.field-row {
                    (form::field(&Field::new("issuer", "发文机关").optional(), fs))
                    (form::field(&Field::new("written_date", "成文日期").kind("date").optional(), fs))
                }
                div.field-row {
                    (form::field(&Field::new("topic", "主题分类").optional().hint("如 综合政务、商贸、教育"), fs))
                    (form::field(&Field::new("validity", "有效性").optional().hint("有效、已修改或已废止"), fs))
                }
            }
            (form::field(&Field::new("related", "相关信息编号").optional().hint("多个编号用逗号分隔，如 12, 15"), fs))
            (form::field(&Field::new("interprets", "本信息是哪份政策文件的解读（填该文件的信息编号）").optional(), fs))
            @if let Some(a) = a {
                @if a.cover.is_some() || !a.attachments.is_empty() {
                    fieldset {
                        legend { "已上传的文件（勾选后保存即删除）" }
                        @if let Some(c) = &a.cover {
                            div.check {
                                input type="checkbox" id="rm-cover" name="remove_cover" value="1" checked[!fs.value("remove_cover").is_empty()];
                                label for="rm-cover" { "封面图片：" a href=(file_url(&c.sha, &c.name)) { (c.name) } }
                            }
                        }
                        @for (i, x) in a.attachments.iter().enumerate() {
                            div.check {
                                input type="checkbox" id=(format!("rm-{i}")) name="remove" value=(x.sha) checked[removed.contains(&x.sha.as_str())];
                                label for=(format!("rm-{i}")) { "附件：" a href=(file_url(&x.sha, &x.name)) { (x.name) } " " span.muted { "（" (crate::portal::pages::size_label(x.size)) "）" } }
                            }
                        }
                    }
                }
            }
            @if correcting {
                (form::field(&Field::new("correct_note", "更正说明").hint("修改已发布的信息须说明更正内容和原因，将记入流转记录"), fs))
            }
            div.actions {
                @if correcting {
                    button.primary type="submit" name="action" value="save" { "保存更正" }
                } @else {
                    button type="submit" name="action" value="save" { "保存" }
                    @if may_submit {
                        button.primary type="submit" name="action" value="submit" { "保存并报送" }
                    }
                }
            }
            p.hint { "发布时间由系统在信息上线时自动记录，不能手工填写或回溯。" }
        }
    }
}

/// The body box: the rich-text editor where the browser runs scripts, a plain box otherwise
/// (the textarea stays the form field). Pictures upload into a saved item only.
fn body_field(st: &Shared, s: &Staff, a: Option<&Article>, fs: &FormState) -> Markup {
    let upload = a.map(|a| format!("/admin/articles/{}/images", a.id));
    html! {
        (super::sites::rich_textarea("body", "正文", "可直接输入文字（空行分段），也可粘贴 Word、WPS 或网页内容（格式自动整理）；脚本、样式等不安全内容会被自动清除", 16, fs, upload.as_deref(), &s.csrf))
        (super::rich::assets(st))
    }
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
    item_page_with(st, s, ic, fs, status, None, None).await
}

pub async fn item_page_with(
    st: &Shared,
    s: &Staff,
    ic: &ItemCtx,
    mut fs: FormState,
    status: StatusCode,
    conflict: Option<Conflict>,
    ok: Option<&str>,
) -> Result<Response> {
    let a = &ic.article;
    if fs.values.is_empty() {
        fs.values = values_of(a);
    }
    let scheduled = scheduled_of(st, a.id).await?;
    let findings = crate::workflow::run::run(st, a).await?;
    let blocked = !crate::workflow::checks::may_publish(&findings, a.check_override.as_ref());
    let snap = &ic.snap;
    let may_edit = ic.may_edit();
    let body = html! {
        p.item-links {
            a href="/admin/work" { "← 我的工作" } " "
            a href="/admin/articles" { "信息列表" } " "
            a href=(format!("/admin/articles/{}/history", a.id)) { "修订记录" } " "
            a href=(format!("/admin/articles/{}/preview", a.id)) target="_blank" { "预览" }
            @if a.is_public() { " " a href=(snap.article_url(a)) target="_blank" { "查看公开页面" } }
        }
        @if let Some(m) = ok { div.notice.ok role="status" { (m) } }
        (form::notice(&FormState { errors: Vec::new(), notice: fs.notice.clone(), values: Vec::new() }))
        @if let Some(c) = &conflict { (conflict_markup(c)) }
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
        (panel::actions(ic, &s.csrf, &fs, blocked))
        (crate::workflow::panel::findings_panel(a, &findings, ic.is_reviewer()))
        @if may_edit {
            h2 { "编辑内容" }
            (edit_form_markup(st, s, &ic.units, Some(ic), &fs))
            section.card {
                h2 { "上传封面图片和附件" }
                p.hint { "请先保存对上面表单的修改，再上传文件。单个文件不超过 20 MB；允许的类型：" (super::upload::ALLOWED.join("、")) "。" }
                @if let Some(e) = fs.error("files") { p.error id="f-files-err" role="alert" { (e) } }
                form method="post" action=(format!("/admin/articles/{}/files", a.id)) enctype="multipart/form-data" {
                    (form::csrf(&s.csrf))
                    input type="hidden" name="revision" value=(a.revision);
                    div.field {
                        label for="f-cover" { "封面图片（jpg、png、gif、webp）" }
                        input id="f-cover" type="file" name="cover" accept=".jpg,.jpeg,.png,.gif,.webp";
                    }
                    div.field {
                        label for="f-attachments" { "附件（可多选）" }
                        input id="f-attachments" type="file" name="attachments" multiple;
                    }
                    button type="submit" { "上传" }
                }
            }
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

fn conflict_markup(c: &Conflict) -> Markup {
    let diffs = crate::portal::diff::diff_articles(&c.current, &c.mine);
    html! {
        div.notice.error role="alert" {
            p { strong { "保存失败：该信息在您编辑期间已被他人修改。" } }
            p { "您填写的内容没有丢失，仍保留在下面的表单中。他人保存的版本：“" (c.current.title) "”，修改于 " (crate::clock::show(c.current.updated_ms)) "。下面标出了他人的版本与您的内容之间的差异（删除线为他人版本中有而您的内容中没有的，下划线为您新增的）。核对后再次保存，将以您的内容为准。" }
        }
        section.card.diff aria-labelledby="conflict-diff-h" {
            h2 #conflict-diff-h { "差异：他人保存的版本 → 您的内容（" (crate::portal::diff::summary(&diffs)) "）" }
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
}

fn done_notice(done: &str) -> Option<&'static str> {
    Some(match done {
        "saved" => "已保存。",
        "corrected" => "已保存更正，公众页面已即时更新。",
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

pub async fn new_form(State(st): State<Shared>, s: Staff) -> Result<Response> {
    let units = load_units(&st).await?;
    if levels::writable_units(&s.user, &units).is_empty() {
        return Err(Error::Forbidden("您没有撰写信息的角色。".into()));
    }
    let fs = FormState {
        values: vec![("source".into(), units.name(&s.user.unit))],
        ..Default::default()
    };
    Ok(new_view(&st, &s, &units, &fs, StatusCode::OK))
}

fn new_view(st: &Shared, s: &Staff, units: &Units, fs: &FormState, status: StatusCode) -> Response {
    let body = html! {
        p { a href="/admin/work" { "← 我的工作" } }
        (form::notice(fs))
        (edit_form_markup(st, s, units, None, fs))
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
    let fs = FormState {
        values: values_of(&ic.article),
        notice: None,
        ..Default::default()
    };
    item_page_with(&st, &s, &ic, fs, StatusCode::OK, None, done_notice(&q.done)).await
}
/// The form's fields, checked.
struct Draft {
    title: String,
    subtitle: String,
    source: String,
    author: String,
    keywords: String,
    summary: String,
    body_html: String,
    channel: Channel,
    placements: Vec<u64>,
    related: Vec<u64>,
    interprets: Option<u64>,
    remove: Vec<String>,
    remove_cover: bool,
    /// The unit the item belongs to (fixed when it is created).
    owner: UnitCode,
    original_date: String,
    meta: DisclosureMeta,
}

fn parse_ids(s: &str) -> Option<Vec<u64>> {
    let mut out = Vec::new();
    for part in s.split([',', '，', '、', ' ', ';', '；']) {
        let t = part.trim().trim_start_matches('#');
        if t.is_empty() {
            continue;
        }
        let n: u64 = t.parse().ok()?;
        if !out.contains(&n) {
            out.push(n);
        }
    }
    Some(out)
}

fn text(p: &Posted, name: &str, max: usize, label: &str, fs: &mut FormState) -> String {
    let v = p.get(name).trim().to_owned();
    if v.chars().count() > max {
        fs.add_error(name, format!("{label}不超过 {max} 个字"));
    }
    v
}

/// A `YYYY-MM-DD` date, or empty.
fn date_field(p: &Posted, name: &str, label: &str, fs: &mut FormState) -> String {
    let v = p.get(name).trim().to_owned();
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    if !v.is_empty() && time::Date::parse(&v, &fmt).is_err() {
        fs.add_error(name, format!("{label}请按 2026-11-26 的格式填写"));
    }
    v
}

async fn parse_draft(
    st: &Shared,
    units: &Units,
    s: &Staff,
    p: &Posted,
    self_id: u64,
    existing_owner: Option<&UnitCode>,
    fs: &mut FormState,
) -> Result<Option<Draft>> {
    let title = p.get("title").trim().to_owned();
    if title.is_empty() {
        fs.add_error("title", "请填写标题");
    } else if title.chars().count() > TITLE_MAX {
        fs.add_error("title", format!("标题不超过 {TITLE_MAX} 个字"));
    }
    let subtitle = text(p, "subtitle", 200, "副标题", fs);
    let source = text(p, "source", 60, "来源", fs);
    if source.is_empty() {
        fs.add_error("source", "请填写来源");
    }
    let author = text(p, "author", 60, "作者", fs);
    let keywords = text(p, "keywords", 200, "关键词", fs);
    let summary = text(p, "summary", 500, "摘要", fs);
    let body = p.get("body");
    if body.len() > 2_000_000 {
        fs.add_error("body", "正文过长");
    }
    let snap = st.portal.snapshot();
    let channel = p
        .get("channel")
        .parse::<u64>()
        .ok()
        .and_then(|id| snap.channel(id).cloned())
        .filter(|c| c.kind == ChannelKind::List);
    let mut owner = existing_owner.cloned();
    let channel = match channel {
        None => {
            fs.add_error("channel", "请选择所属栏目");
            None
        }
        Some(c) => {
            if owner.is_none() {
                owner = levels::owner_for_new(&s.user, &c, units);
            }
            match &owner {
                Some(o) if levels::may_place(&c, o, &snap, units) => Some(c),
                _ => {
                    fs.add_error("channel", "您所在单位不能在该栏目发布信息");
                    None
                }
            }
        }
    };
    let mut placements = Vec::new();
    for v in p.all("placements") {
        match v.parse::<u64>().ok().and_then(|id| snap.channel(id)) {
            Some(c) if c.kind == ChannelKind::List => {
                if owner
                    .as_ref()
                    .is_some_and(|o| !levels::may_place(c, o, &snap, units))
                {
                    fs.add_error(
                        "placements",
                        format!("“{}”不是本单位可以发布的栏目", c.name),
                    );
                } else if channel.as_ref().is_none_or(|h| h.id != c.id)
                    && !placements.contains(&c.id)
                {
                    placements.push(c.id);
                }
            }
            _ => fs.add_error("placements", "所选栏目不存在或不是信息列表栏目"),
        }
    }
    let related = match parse_ids(p.get("related")) {
        Some(v) => v.into_iter().filter(|x| *x != self_id).collect(),
        None => {
            fs.add_error("related", "请填写信息编号（数字），多个用逗号分隔");
            Vec::new()
        }
    };
    let interprets = match parse_ids(p.get("interprets")).as_deref() {
        Some([]) => None,
        Some([one]) if *one != self_id => Some(*one),
        Some([_]) => {
            fs.add_error("interprets", "不能解读本信息自己");
            None
        }
        _ => {
            fs.add_error("interprets", "请填写一个信息编号");
            None
        }
    };
    // The ids must name existing items.
    let check: Vec<u64> = related.iter().copied().chain(interprets).collect();
    let missing = st
        .store
        .read(move |txn| {
            let mut m = Vec::new();
            for id in check {
                if store::get_article(txn, id)?.is_none() {
                    m.push(id);
                }
            }
            Ok(m)
        })
        .await?;
    if let Some(i) = interprets
        && missing.contains(&i)
    {
        fs.add_error("interprets", format!("编号为 {i} 的信息不存在"));
    }
    let bad: Vec<String> = related
        .iter()
        .filter(|r| missing.contains(r))
        .map(u64::to_string)
        .collect();
    if !bad.is_empty() {
        fs.add_error(
            "related",
            format!("这些编号的信息不存在：{}", bad.join("、")),
        );
    }
    let original_date = date_field(p, "original_date", "原始日期", fs);
    let meta = DisclosureMeta {
        index_no: text(p, "index_no", 60, "索引号", fs),
        doc_no: text(p, "doc_no", 60, "文号", fs),
        issuer: text(p, "issuer", 60, "发文机关", fs),
        written_date: date_field(p, "written_date", "成文日期", fs),
        topic: text(p, "topic", 40, "主题分类", fs),
        validity: text(p, "validity", 20, "有效性", fs),
    };
    let (Some(channel), Some(owner), false) = (channel, owner, fs.has_errors()) else {
        return Ok(None);
    };
    Ok(Some(Draft {
        title,
        subtitle,
        source,
        author,
        keywords,
        summary,
        body_html: super::body_html(body),
        channel,
        placements,
        related,
        interprets,
        remove: p.all("remove").into_iter().map(str::to_owned).collect(),
        remove_cover: !p.get("remove_cover").is_empty(),
        owner,
        original_date,
        meta,
    }))
}

fn apply(a: &mut Article, d: Draft) {
    a.title = d.title;
    a.subtitle = d.subtitle;
    a.source = d.source;
    a.author = d.author;
    a.keywords = d.keywords;
    a.summary = d.summary;
    a.body_html = d.body_html;
    a.channel = d.channel.id;
    a.site = d.channel.site;
    a.placements = d.placements;
    a.related = d.related;
    a.interprets = d.interprets;
    a.attachments.retain(|x| !d.remove.contains(&x.sha));
    if d.remove_cover {
        a.cover = None;
    }
    a.original_date = d.original_date;
    a.meta = d.meta;
    // Pictures uploaded into the body but no longer in it are let go (their blobs with them).
    let body = &a.body_html;
    a.images.retain(|i| body.contains(&i.sha));
}

/// The people and places a transition taken with a save needs.
struct Around {
    users: Vec<crate::auth::model::User>,
    units: Units,
    snap: std::sync::Arc<crate::portal::Snapshot>,
}

async fn around(st: &Shared, units: &Units) -> Result<Around> {
    Ok(Around {
        users: st.store.read(crate::auth::store::list_users).await?,
        units: Units::new(units.units.clone()),
        snap: st.portal.snapshot(),
    })
}

/// In a save's transaction: takes `transition` as `s` after the save, with its audit
/// record and notices.
#[allow(clippy::too_many_arguments)]
fn take_after_save(
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
    audit::append(
        txn,
        event(
            user,
            ctx,
            crate::portal::review::handlers::audit_action(transition),
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
        now,
    )?;
    Ok(taken.after)
}

pub async fn new_submit(State(st): State<Shared>, p: Posted) -> Result<Response> {
    let s = p.staff(&st)?;
    let units = load_units(&st).await?;
    if levels::writable_units(&s.user, &units).is_empty() {
        return Err(Error::Forbidden("您没有撰写信息的角色。".into()));
    }
    let mut fs = FormState {
        values: p.kept(),
        ..Default::default()
    };
    let Some(d) = parse_draft(&st, &units, &s, &p, 0, None, &mut fs).await? else {
        return Ok(new_view(
            &st,
            &s,
            &units,
            &fs,
            StatusCode::UNPROCESSABLE_ENTITY,
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
    let submit = p.get("action") == "submit";
    let ar = around(&st, &units).await?;
    let (user, ctx) = (s.user.clone(), p.ctx.clone());
    let r = st
        .store
        .write(move |txn| {
            let saved = store::save_article(txn, a, 0, now)?;
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
            st.portal.article_changed(None, &after);
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
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
        Err(e) => Err(e),
    }
}

pub async fn edit_submit(
    State(st): State<Shared>,
    Path(id): Path<String>,
    p: Posted,
) -> Result<Response> {
    let s = p.staff(&st)?;
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
    // A published item changes only as a correction (更正), with its note.
    let correcting = before.is_public();
    let note = p.get("correct_note").trim().to_owned();
    if correcting && note.is_empty() {
        fs.add_error("correct_note", "请填写更正说明");
    } else if note.chars().count() > 500 {
        fs.add_error("correct_note", "更正说明不超过 500 个字");
    }
    let submit = !correcting && p.get("action") == "submit";
    let (Some(d), false) = (parsed, fs.has_errors()) else {
        return item_page(&st, &s, &ic, fs, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let now = st.now_ms();
    let ar = around(&st, &ic.units).await?;
    let (user, ctx) = (s.user.clone(), p.ctx.clone());
    let aid = before.id;
    let r = st
        .store
        .write(move |txn| {
            // Built on the stored row in this transaction, so uploads made meanwhile are kept.
            let mut a = store::get_article_w(txn, aid)?.ok_or(Error::NotFound)?;
            apply(&mut a, d);
            let saved = store::save_article(txn, a, base, now)?;
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
            if submit {
                return take_after_save(txn, &saved, fa::SUBMIT, "", &user, &ctx, &ar, now);
            }
            Ok(saved)
        })
        .await;
    match r {
        Ok(after) => {
            st.portal.article_changed(Some(&before), &after);
            let done = if correcting {
                "corrected"
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
    item_page_with(
        st,
        s,
        &ic,
        fs,
        StatusCode::CONFLICT,
        Some(Conflict { current, mine }),
        None,
    )
    .await
}
