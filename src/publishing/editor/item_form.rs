//! The item form: its values from an article, the channels offered, the rich-text body and
//! the buttons (保存, 保存并报送, 保存更正). The same markup serves a new item and an existing one.

use maud::{Markup, html};

use super::sites::textarea;
use crate::auth::model::UnitCode;
use crate::http::Shared;
use crate::http::extract::Staff;
use crate::portal::files::url as file_url;
use crate::portal::model::{Article, Channel, ChannelKind};
use crate::publishing::flow::action as fa;
use crate::publishing::review::item::ItemCtx;
use crate::publishing::review::levels::{self, Units};
use crate::views::form::{self, Field, FormState};

/// File types people may upload (by extension).
pub const ALLOWED: [&str; 18] = [
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "wps", "et", "txt", "csv", "zip", "rar",
    "jpg", "jpeg", "png", "gif", "webp",
];

/// Home-channel choices: list channels the user's items may be placed in.
fn home_channels(
    st: &Shared,
    s: &Staff,
    units: &Units,
    owner: Option<&UnitCode>,
    current: Option<u64>,
) -> Vec<(String, String)> {
    let snap = st.portal().snapshot();
    let mut out = vec![(String::new(), "请选择栏目".to_owned())];
    for site in &snap.sites {
        for (d, c) in super::sites::tree(&snap.channels_of(&site.unit).cloned().collect::<Vec<_>>())
        {
            // An archived channel is offered only to the item already in it.
            if c.kind != ChannelKind::List || (c.archived && current != Some(c.id)) {
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
    ];
    v.extend(crate::publishing::catalog::form::values(&a.meta));
    for p in &a.placements {
        v.push(("placements".into(), p.to_string()));
    }
    v
}

/// The edit form (new item when `ic` is `None`).
pub fn edit_form_markup(
    st: &Shared,
    s: &Staff,
    units: &Units,
    ic: Option<&ItemCtx>,
    fs: &FormState,
    codes: &crate::publishing::catalog::codes::Codes,
) -> Markup {
    let snap = st.portal().snapshot();
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
    let chans = home_channels(st, s, units, owner, a.map(|a| a.channel));
    let place_ok = |c: &Channel| {
        let o = owner
            .cloned()
            .or_else(|| levels::owner_for_new(&s.user, c, units));
        o.is_some_and(|o| levels::may_place(c, &o, &snap, units))
    };
    html! {
        // data-guard: warn before leaving with unsaved changes; data-autosave: where the
        // page sends its unsaved text (forms.js; nothing happens without scripts).
        form.card.article-form method="post" action=(action) enctype="multipart/form-data" novalidate data-guard data-autosave=(format!("{action}/autosave")) {
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
                    @let cs: Vec<&Channel> = snap.channels_of(&site.unit).filter(|c| c.kind == ChannelKind::List && place_ok(c) && (!c.archived || placements.contains(&c.id.to_string().as_str()))).collect();
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
            (crate::publishing::catalog::form::markup(fs, codes))
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
            (file_fields(fs))
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

/// The file inputs, inside the item form: files go with the text in one save, so choosing
/// a file never costs the edits above it, and a refused file comes back as an error next
/// to these fields with the form as it was typed.
fn file_fields(fs: &FormState) -> Markup {
    let err = fs.error("files");
    let described = if err.is_some() {
        "f-files-hint f-files-err"
    } else {
        "f-files-hint"
    };
    let accept: String = ALLOWED
        .iter()
        .map(|e| format!(".{e}"))
        .collect::<Vec<_>>()
        .join(",");
    html! {
        fieldset.uploads #f-files {
            legend { "上传封面图片和附件（随保存一并上传）" }
            p.hint #f-files-hint {
                "单个文件不超过 20 MB。允许的类型：" (ALLOWED.join("、"))
                "。文件类型按内容检查，改过扩展名的文件不会被接受。"
            }
            @if let Some(e) = err { p.error #f-files-err role="alert" { (e) } }
            div.field {
                label for="f-cover" { "封面图片（jpg、png、gif、webp）" }
                input #f-cover type="file" name="cover" accept=".jpg,.jpeg,.png,.gif,.webp" aria-describedby=(described) aria-invalid=[err.map(|_| "true")];
            }
            div.field {
                label for="f-attachments" { "附件（可多选）" }
                input #f-attachments type="file" name="attachments" multiple accept=(accept) aria-describedby=(described) aria-invalid=[err.map(|_| "true")];
            }
        }
    }
}
