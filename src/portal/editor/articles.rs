//! 信息发布: the list of items a user may edit, and the edit form with 保存草稿,
//! 发布 and 撤稿. The publishing-workflow issue adds its own transitions (submit,
//! review, return) beside `publish` and `withdraw`; the form (`Draft`) and the
//! scope questions stay as they are.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::Scope;
use super::sites::textarea;
use crate::admin::common::{event, render};
use crate::auth::audit;
use crate::auth::model::UnitCode;
use crate::auth::permission::Action;
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::{Posted, Staff};
use crate::http::respond::{html as page, see_other};
use crate::portal::model::{Article, ArticleState, Channel, ChannelKind};
use crate::portal::store;
use crate::views::form::{self, Field, FormState};

pub const PER_PAGE: usize = 30;
pub const TITLE_MAX: usize = 200;

pub fn state_label(a: &Article) -> &'static str {
    match a.state {
        ArticleState::Draft => "草稿",
        ArticleState::Published => "已发布",
        ArticleState::Withdrawn { .. } => "已撤下",
    }
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
    let scope = Scope::load(&st).await?;
    let allowed = scope.require_any(&st, &s, Action::PublishContent).await?;
    let snap = st.portal.snapshot();
    let my_sites: Vec<UnitCode> = snap
        .sites
        .iter()
        .filter(|x| allowed.contains(&x.unit))
        .map(|x| x.unit.clone())
        .collect();
    let filter: Option<UnitCode> = UnitCode::parse(&q.site)
        .ok()
        .filter(|c| my_sites.contains(c));
    let mut before: Option<u64> = q.before.trim().parse().ok();
    let wanted = my_sites.clone();
    let f2 = filter.clone();
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
                    let mine = match &f2 {
                        Some(c) => &a.site == c,
                        None => wanted.contains(&a.site),
                    };
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
                .filter(|x| my_sites.contains(&x.unit))
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
        p { a.button href="/admin/articles/new" { "新建信息" } }
        form.filter method="get" action="/admin/articles" {
            (form::select("site", "按站点筛选", &site_opts, &fs))
            button type="submit" { "筛选" }
        }
        table.data {
            caption { "可编辑的信息（最新在前）" }
            thead { tr { th scope="col" { "标题" } th scope="col" { "栏目" } th scope="col" { "状态" } th scope="col" { "发布时间" } th scope="col" { "更新时间" } } }
            tbody {
                @for a in &items {
                    tr {
                        td { a href=(format!("/admin/articles/{}", a.id)) { (a.title) } }
                        td { (snap.site(a.site.as_str()).map(|x| x.name.as_str()).unwrap_or("")) " · " (snap.channel(a.channel).map(|c| c.name.as_str()).unwrap_or("")) }
                        td { span class=(format!("state state-{}", state_id(a))) { (state_label(a)) } }
                        td { (a.publish_ms.map(crate::clock::show).unwrap_or_else(|| "—".into())) }
                        td { (crate::clock::show(a.updated_ms)) }
                    }
                }
                @if items.is_empty() { tr { td colspan="5" { "暂无信息。" } } }
            }
        }
        @if let Some(n) = next { p { a href=(n) { "下一页 →" } } }
    };
    Ok(page(render(&st, &s, "信息发布", body)))
}

fn state_id(a: &Article) -> &'static str {
    match a.state {
        ArticleState::Draft => "draft",
        ArticleState::Published => "published",
        ArticleState::Withdrawn { .. } => "withdrawn",
    }
}

// ---- the form

/// What the edit page needs besides the form values.
pub struct EditPage<'a> {
    pub article: Option<&'a Article>,
    pub notice: Option<String>,
    /// For a lost update: the version someone else saved.
    pub conflict: Option<&'a Article>,
    pub status: StatusCode,
    /// The item's scheduled publish time, if any (read by the handler, not the view).
    pub scheduled: Option<i64>,
}

/// An item's scheduled publish time.
pub async fn scheduled_of(st: &Shared, id: u64) -> Result<Option<i64>> {
    st.store.read(move |txn| store::scheduled_at(txn, id)).await
}

/// List channels on sites the user may publish for (home channel choices).
fn home_channels(st: &Shared, allowed: &[UnitCode]) -> Vec<(String, String)> {
    let snap = st.portal.snapshot();
    let mut out = vec![(String::new(), "请选择栏目".to_owned())];
    for site in snap.sites.iter().filter(|x| allowed.contains(&x.unit)) {
        for (d, c) in super::sites::tree(&snap.channels_of(&site.unit).cloned().collect::<Vec<_>>())
        {
            if c.kind == ChannelKind::List {
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
    ];
    for p in &a.placements {
        v.push(("placements".into(), p.to_string()));
    }
    v
}

pub fn edit_view(
    st: &Shared,
    s: &Staff,
    allowed: &[UnitCode],
    ep: &EditPage<'_>,
    fs: &FormState,
) -> Response {
    let snap = st.portal.snapshot();
    let a = ep.article;
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
    let body: Markup = html! {
        p { a href="/admin/articles" { "← 信息列表" } }
        @if let Some(n) = &ep.notice { div.notice.ok role="status" { (n) } }
        @if let Some(c) = ep.conflict {
            div.notice.error role="alert" {
                p { strong { "保存失败：该信息已被他人修改。" } }
                p { "您填写的内容没有丢失，仍保留在下面的表单中。他人保存的版本：“" (c.title) "”，修改于 " (crate::clock::show(c.updated_ms)) "（" a href=(format!("/admin/articles/{}", c.id)) target="_blank" { "在新窗口查看最新版本" } "）。核对后再次保存，将以您的内容为准。" }
            }
        }
        (form::notice(&FormState { errors: fs.errors.clone(), notice: fs.notice.clone(), values: Vec::new() }))
        @if let Some(a) = a {
            section.card {
                dl.kv {
                    dt { "信息编号" } dd { (a.id) }
                    dt { "状态" } dd { span class=(format!("state state-{}", state_id(a))) { (state_label(a)) }
                        @if let ArticleState::Withdrawn { reason } = &a.state { "（撤稿原因：" (reason) "）" } }
                    dt { "发布时间" } dd { (a.publish_ms.map(crate::clock::show).unwrap_or_else(|| "尚未发布（发布时由系统自动记录）".into())) }
                    dt { "最后修改" } dd { (crate::clock::show(a.updated_ms)) "，第 " (a.revision) " 版 "
                        a href=(format!("/admin/articles/{}/history", a.id)) { "修订记录" } }
                    @if a.is_public() {
                        dt { "公开网址" } dd { a href=(snap.article_url(a)) target="_blank" { "预览已发布页面" } }
                    }
                }
            }
        }
        form.card.article-form method="post" action=(action) novalidate {
            (form::csrf(&s.csrf))
            input type="hidden" name="revision" value=(fs.value("revision"));
            (form::field(&Field::new("title", "标题").hint("不超过 200 个字"), fs))
            (form::field(&Field::new("subtitle", "副标题").optional(), fs))
            div.field-row {
                (form::field(&Field::new("source", "来源"), fs))
                (form::field(&Field::new("author", "作者").optional(), fs))
            }
            (form::field(&Field::new("keywords", "关键词").optional().hint("多个关键词用逗号分隔"), fs))
            (textarea("summary", "摘要", "可不填；不填时取正文开头", 3, fs))
            (textarea("body", "正文", "可直接输入文字（空行分段），也可粘贴 HTML；脚本、样式等不安全内容会被自动清除", 16, fs))
            (form::select("channel", "所属栏目（信息的主栏目，决定其网址）", &home_channels(st, allowed), fs))
            fieldset.placements {
                legend { "同时发布到（可选，如推送到门户主站“部门动态”）" }
                @if let Some(e) = fs.error("placements") { p.error role="alert" { (e) } }
                @for site in &snap.sites {
                    @let chans: Vec<&Channel> = snap.channels_of(&site.unit).filter(|c| c.kind == ChannelKind::List).collect();
                    @if !chans.is_empty() {
                        div.placement-site {
                            span.muted { (site.name) "：" }
                            @for c in chans {
                                span.check {
                                    input type="checkbox" id=(format!("pl-{}", c.id)) name="placements" value=(c.id) checked[placements.contains(&c.id.to_string().as_str())];
                                    label for=(format!("pl-{}", c.id)) { (c.name) }
                                }
                            }
                        }
                    }
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
            div.actions {
                button type="submit" name="action" value="save" { "保存草稿" }
                button.primary type="submit" name="action" value="publish" {
                    @if a.is_some_and(Article::is_public) { "保存并更新发布" } @else { "发布" }
                }
            }
            @if a.is_some_and(|a| matches!(a.state, ArticleState::Draft)) {
                @let at = ep.scheduled;
                fieldset.schedule {
                    legend { "定时发布" }
                    @if let Some(at) = at {
                        p { "已定时于 " strong { (crate::clock::show(at)) } "（北京时间）自动发布。" }
                        button type="submit" name="action" value="unschedule" { "保存并取消定时" }
                    }
                    (form::field(&Field::new("publish_at", "定时发布时间（北京时间）").kind("datetime-local").optional(), fs))
                    button type="submit" name="action" value="schedule" { "保存并定时发布" }
                }
            }
            p.hint { "发布时间由系统在首次发布时自动记录，不能手工填写。" }
        }
        @if let Some(a) = a {
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
            @if a.is_public() {
                section.card {
                    h2 { "撤稿" }
                    form method="post" action=(format!("/admin/articles/{}/withdraw", a.id)) novalidate {
                        (form::csrf(&s.csrf))
                        (form::field(&Field::new("reason", "撤稿原因").hint("撤稿后公众访问该信息将看到撤稿说明"), fs))
                        button.danger type="submit" { "撤稿" }
                    }
                }
            }
        }
    };
    let title = match a {
        Some(a) => format!("编辑信息：{}", a.title),
        None => "新建信息".into(),
    };
    let mut r = page(render(st, s, &title, body));
    *r.status_mut() = ep.status;
    r
}

#[derive(Deserialize, Default)]
pub struct EditQuery {
    #[serde(default)]
    done: String,
}

fn done_notice(done: &str) -> Option<String> {
    match done {
        "saved" => Some("已保存草稿。".into()),
        "published" => Some("已发布，公众页面已即时更新。".into()),
        "updated" => Some("已保存，公众页面已即时更新。".into()),
        "withdrawn" => Some("已撤稿。".into()),
        "uploaded" => Some("文件已上传。".into()),
        _ => None,
    }
}

pub async fn new_form(State(st): State<Shared>, s: Staff) -> Result<Response> {
    let scope = Scope::load(&st).await?;
    let allowed = scope.require_any(&st, &s, Action::PublishContent).await?;
    let fs = FormState {
        values: vec![("source".into(), scope.unit_name(&s.user.unit))],
        ..Default::default()
    };
    let ep = EditPage {
        article: None,
        scheduled: None,
        notice: None,
        conflict: None,
        status: StatusCode::OK,
    };
    Ok(edit_view(&st, &s, &allowed, &ep, &fs))
}

/// Loads an article the user may edit (404 before 403 only for those who edit at all).
pub async fn load_editable(
    st: &Shared,
    s: &Staff,
    id: &str,
) -> Result<(Scope, Vec<UnitCode>, Article)> {
    let scope = Scope::load(st).await?;
    let allowed = scope.require_any(st, s, Action::PublishContent).await?;
    let id: u64 = id.parse().map_err(|_| Error::NotFound)?;
    let a = st
        .store
        .read(move |txn| store::get_article(txn, id))
        .await?
        .ok_or(Error::NotFound)?;
    scope
        .require(st, s, Action::PublishContent, &a.site)
        .await?;
    Ok((scope, allowed, a))
}

pub async fn edit_form(
    State(st): State<Shared>,
    s: Staff,
    Path(id): Path<String>,
    Query(q): Query<EditQuery>,
) -> Result<Response> {
    let (_, allowed, a) = load_editable(&st, &s, &id).await?;
    let fs = FormState {
        values: values_of(&a),
        ..Default::default()
    };
    let ep = EditPage {
        article: Some(&a),
        scheduled: scheduled_of(&st, a.id).await?,
        notice: done_notice(&q.done),
        conflict: None,
        status: StatusCode::OK,
    };
    Ok(edit_view(&st, &s, &allowed, &ep, &fs))
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

async fn parse_draft(
    st: &Shared,
    scope: &Scope,
    s: &Staff,
    p: &Posted,
    self_id: u64,
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
    let channel = match channel {
        None => {
            fs.add_error("channel", "请选择所属栏目");
            None
        }
        Some(c) => {
            if scope
                .require(st, s, Action::PublishContent, &c.site)
                .await
                .is_err()
            {
                fs.add_error("channel", "您不能在该栏目发布信息");
                None
            } else {
                Some(c)
            }
        }
    };
    let mut placements = Vec::new();
    for v in p.all("placements") {
        match v.parse::<u64>().ok().and_then(|id| snap.channel(id)) {
            Some(c) if c.kind == ChannelKind::List => {
                if channel.as_ref().is_none_or(|h| h.id != c.id) && !placements.contains(&c.id) {
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
    let (Some(channel), false) = (channel, fs.has_errors()) else {
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
}

fn publishing(p: &Posted) -> bool {
    p.get("action") == "publish"
}

pub async fn new_submit(State(st): State<Shared>, p: Posted) -> Result<Response> {
    let s = p.staff(&st)?;
    let scope = Scope::load(&st).await?;
    let allowed = scope.require_any(&st, &s, Action::PublishContent).await?;
    let mut fs = FormState {
        values: p.kept(),
        ..Default::default()
    };
    let Some(d) = parse_draft(&st, &scope, &s, &p, 0, &mut fs).await? else {
        let ep = EditPage {
            article: None,
            scheduled: None,
            notice: None,
            conflict: None,
            status: StatusCode::UNPROCESSABLE_ENTITY,
        };
        return Ok(edit_view(&st, &s, &allowed, &ep, &fs));
    };
    let now = st.now_ms();
    let mut a = Article {
        id: 0,
        channel: 0,
        site: d.channel.site.clone(),
        placements: Vec::new(),
        title: String::new(),
        subtitle: String::new(),
        source: String::new(),
        author: String::new(),
        keywords: String::new(),
        summary: String::new(),
        body_html: String::new(),
        cover: None,
        attachments: Vec::new(),
        related: Vec::new(),
        interprets: None,
        interpretations: Vec::new(),
        state: ArticleState::Draft,
        publish_ms: None,
        created_ms: now,
        updated_ms: now,
        created_by: s.user.username.to_string(),
        revision: 0,
    };
    apply(&mut a, d);
    let publish = publishing(&p);
    let (user, ctx) = (s.user.clone(), p.ctx.clone());
    let after = st
        .store
        .write(move |txn| {
            let saved = store::save_article(txn, a, 0, now)?;
            let obj = format!("article:{}", saved.id);
            audit::append(
                txn,
                event(
                    &user,
                    &ctx,
                    "article_create",
                    obj.clone(),
                    true,
                    saved.title.clone(),
                ),
                now,
            )?;
            if publish {
                let out = store::publish(txn, saved.id, now)?;
                audit::append(
                    txn,
                    event(&user, &ctx, "article_publish", obj, true, out.title.clone()),
                    now,
                )?;
                return Ok(out);
            }
            Ok(saved)
        })
        .await?;
    st.portal.article_changed(None, &after);
    let done = if publish { "published" } else { "saved" };
    Ok(see_other(&format!(
        "/admin/articles/{}?done={done}",
        after.id
    )))
}

pub async fn edit_submit(
    State(st): State<Shared>,
    Path(id): Path<String>,
    p: Posted,
) -> Result<Response> {
    let s = p.staff(&st)?;
    let (scope, allowed, before) = load_editable(&st, &s, &id).await?;
    let mut fs = FormState {
        values: p.kept(),
        ..Default::default()
    };
    let base: u64 = p.get("revision").trim().parse().unwrap_or(0);
    let Some(d) = parse_draft(&st, &scope, &s, &p, before.id, &mut fs).await? else {
        let ep = EditPage {
            article: Some(&before),
            scheduled: scheduled_of(&st, before.id).await?,
            notice: None,
            conflict: None,
            status: StatusCode::UNPROCESSABLE_ENTITY,
        };
        return Ok(edit_view(&st, &s, &allowed, &ep, &fs));
    };
    let now = st.now_ms();
    let publish = publishing(&p);
    let schedule = super::schedule::requested(&p, now, before.is_public(), &mut fs);
    if fs.error("publish_at").is_some() {
        let ep = EditPage {
            article: Some(&before),
            scheduled: scheduled_of(&st, before.id).await?,
            notice: None,
            conflict: None,
            status: StatusCode::UNPROCESSABLE_ENTITY,
        };
        return Ok(edit_view(&st, &s, &allowed, &ep, &fs));
    }
    let (user, ctx) = (s.user.clone(), p.ctx.clone());
    let aid = before.id;
    let r = st
        .store
        .write(move |txn| {
            // Built on the stored row in this transaction, so uploads made meanwhile are kept.
            let mut a = store::get_article_w(txn, aid)?.ok_or(Error::NotFound)?;
            apply(&mut a, d);
            let saved = store::save_article(txn, a, base, now)?;
            let obj = format!("article:{}", saved.id);
            audit::append(
                txn,
                event(
                    &user,
                    &ctx,
                    "article_update",
                    obj.clone(),
                    true,
                    format!("第 {} 版", saved.revision),
                ),
                now,
            )?;
            if publish {
                let out = store::publish(txn, saved.id, now)?;
                audit::append(
                    txn,
                    event(&user, &ctx, "article_publish", obj, true, out.title.clone()),
                    now,
                )?;
                return Ok(out);
            }
            super::schedule::record(
                txn,
                &schedule,
                saved.id,
                |action, detail| event(&user, &ctx, action, obj.clone(), true, detail),
                now,
            )?;
            Ok(saved)
        })
        .await;
    match r {
        Ok(after) => {
            st.portal.article_changed(Some(&before), &after);
            let done = if publish {
                "published"
            } else if after.is_public() {
                "updated"
            } else {
                "saved"
            };
            Ok(see_other(&format!(
                "/admin/articles/{}?done={done}",
                after.id
            )))
        }
        Err(Error::Conflict(_)) => conflict_page(&st, &s, &allowed, aid, fs).await,
        Err(e) => Err(e),
    }
}

/// Someone else saved first: the form again with the user's input, the other version
/// named, and the revision moved on so a deliberate second save goes through.
pub async fn conflict_page(
    st: &Shared,
    s: &Staff,
    allowed: &[UnitCode],
    id: u64,
    mut fs: FormState,
) -> Result<Response> {
    let current = st
        .store
        .read(move |txn| store::get_article(txn, id))
        .await?
        .ok_or(Error::NotFound)?;
    fs.values.retain(|(k, _)| k != "revision");
    fs.values
        .push(("revision".into(), current.revision.to_string()));
    let ep = EditPage {
        article: Some(&current),
        scheduled: scheduled_of(st, current.id).await?,
        notice: None,
        conflict: Some(&current),
        status: StatusCode::CONFLICT,
    };
    Ok(edit_view(st, s, allowed, &ep, &fs))
}

pub async fn withdraw(
    State(st): State<Shared>,
    Path(id): Path<String>,
    p: Posted,
) -> Result<Response> {
    let s = p.staff(&st)?;
    let (_, allowed, before) = load_editable(&st, &s, &id).await?;
    let reason = p.get("reason").trim().to_owned();
    let mut fs = FormState {
        values: values_of(&before),
        ..Default::default()
    };
    fs.values.push(("reason".into(), reason.clone()));
    if reason.is_empty() || reason.chars().count() > 200 {
        fs.add_error("reason", "请填写撤稿原因（不超过 200 个字）");
    } else if !before.is_public() {
        fs.add_error("reason", "只有已发布的信息才能撤稿");
    }
    if fs.has_errors() {
        let ep = EditPage {
            article: Some(&before),
            scheduled: scheduled_of(&st, before.id).await?,
            notice: None,
            conflict: None,
            status: StatusCode::UNPROCESSABLE_ENTITY,
        };
        return Ok(edit_view(&st, &s, &allowed, &ep, &fs));
    }
    let now = st.now_ms();
    let ev = event(
        &s.user,
        &p.ctx,
        "article_withdraw",
        format!("article:{}", before.id),
        true,
        reason.clone(),
    );
    let aid = before.id;
    let after = st
        .store
        .write(move |txn| {
            let a = store::withdraw(txn, aid, &reason, now)?;
            audit::append(txn, ev, now)?;
            Ok(a)
        })
        .await?;
    st.portal.article_changed(Some(&before), &after);
    Ok(see_other(&format!(
        "/admin/articles/{}?done=withdrawn",
        after.id
    )))
}
