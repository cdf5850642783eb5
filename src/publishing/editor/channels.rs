//! 栏目: a site's channels — the list in tree order, creating one, editing one (its kind, parent,
//! order, navigation and home-page flags, and 审核级数, the review levels of the publishing
//! workflow). The slug and the site never change once created: URLs are stable.

use axum::extract::{Path, State};
use axum::response::Response;
use maud::{Markup, html};

use super::sites::{checkbox, parse_unit, site_of, textarea, tree};
use super::{Scope, body_html};
use crate::auth::audit;
use crate::auth::model::UnitCode;
use crate::auth::permission::Action;
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::{Posted, Staff};
use crate::http::respond::{html as page, html_invalid, see_other};
use crate::portal::model::{Channel, ChannelKind, Site, Slug, UpdateClass};
use crate::portal::store;
use crate::staff::shell::{event, render};
use crate::views::form::{self, Field, FormState};

/// The review levels in a word, for the channel list.
fn levels_short(n: u8) -> &'static str {
    match n {
        0 => "无需审核",
        1 => "一级",
        _ => "两级",
    }
}

fn levels_options() -> Vec<(String, String)> {
    vec![
        ("0".into(), "无需审核（报送后由本单位发布人发布）".into()),
        ("1".into(), "一级审核（本单位审核）".into()),
        (
            "2".into(),
            "两级审核（本单位审核后报区政府办公室审核）".into(),
        ),
    ]
}

fn update_options() -> Vec<(String, String)> {
    UpdateClass::ALL
        .iter()
        .map(|k| (k.id().to_owned(), k.label().to_owned()))
        .collect()
}

fn kind_options() -> Vec<(String, String)> {
    [ChannelKind::List, ChannelKind::Page, ChannelKind::Link]
        .iter()
        .map(|k| (k.id().to_owned(), k.label().to_owned()))
        .collect()
}

fn channel_values(c: &Channel) -> FormState {
    let flag = |b: bool| if b { "1".to_owned() } else { String::new() };
    FormState {
        values: vec![
            ("slug".into(), c.slug.to_string()),
            ("name".into(), c.name.clone()),
            ("kind".into(), c.kind.id().into()),
            (
                "parent".into(),
                c.parent.map(|p| p.to_string()).unwrap_or_default(),
            ),
            ("order".into(), c.order.to_string()),
            ("description".into(), c.description.clone()),
            ("link".into(), c.link.clone()),
            ("page_body".into(), c.page_html.clone()),
            ("on_home".into(), flag(c.on_home)),
            ("in_nav".into(), flag(c.in_nav)),
            ("archived".into(), flag(c.archived)),
            ("review_levels".into(), c.review_levels.to_string()),
            ("update".into(), c.update_class().id().into()),
        ],
        ..Default::default()
    }
}

fn channel_fields(site_channels: &[Channel], editing: Option<&Channel>, fs: &FormState) -> Markup {
    let mut parents = vec![(String::new(), "（无，作为顶级栏目）".to_owned())];
    for (d, c) in tree(site_channels) {
        if editing.is_some_and(|e| e.id == c.id) {
            continue;
        }
        parents.push((c.id.to_string(), format!("{}{}", "　".repeat(d), c.name)));
    }
    html! {
        @match editing {
            None => (form::field(&Field::new("slug", "栏目标识").hint("用于网址，如 gov-news；只能用小写字母、数字和连字符，创建后不能修改"), fs)),
            Some(c) => dl.kv { dt { "栏目标识" } dd { code { (c.slug) } " （创建后不能修改）" } },
        }
        (form::field(&Field::new("name", "栏目名称"), fs))
        (form::select("kind", "栏目类型", &kind_options(), fs))
        (form::select("parent", "上级栏目", &parents, fs))
        (form::field(&Field::new("order", "排序").kind("number").optional().hint("数字小的排在前面"), fs))
        (form::field(&Field::new("description", "栏目说明").optional(), fs))
        (form::field(&Field::new("link", "链接地址").optional().hint("仅“外部链接”类栏目填写，须以 http:// 或 https:// 开头"), fs))
        (textarea("page_body", "单页正文", "仅“单页”类栏目填写；可直接输入文字，空行分段", 10, fs))
        (form::select("review_levels", "审核级数（信息列表类栏目）", &levels_options(), fs))
        (form::select("update", "更新要求（信息列表类栏目，网站自查按此检查）", &update_options(), fs))
        (checkbox("on_home", "在站点首页显示本栏目最新信息", fs))
        (checkbox("in_nav", "在站点导航栏显示", fs))
        (checkbox("archived", "归档：不再接收新信息，从导航和首页撤下（已发布信息的网址不变，仍可检索）", fs))
    }
}

fn channels_view(
    st: &Shared,
    s: &Staff,
    site: &Site,
    chans: &[Channel],
    fs: &FormState,
    acts: Markup,
) -> Markup {
    let snap = st.portal().snapshot();
    let body = html! {
        p { a href="/admin/sites" { "← 站点列表" } " " a href=(format!("/admin/sites/{}", site.unit)) { "站点设置" } }
        table.data.channel-tree {
            caption { "共 " (chans.len()) " 个栏目" }
            thead { tr { th scope="col" { "栏目" } th scope="col" { "标识" } th scope="col" { "类型" } th scope="col" { "审核" } th scope="col" { "排序" } th scope="col" { "首页" } th scope="col" { "导航" } th scope="col" { "操作" } } }
            tbody {
                @for (d, c) in tree(chans) {
                    tr {
                        td class=(format!("depth-{}", d.min(4))) { (c.name) @if c.archived { " " span.badge { "已归档" } } }
                        td { code { (c.slug) } }
                        td { (c.kind.label()) }
                        td { @if c.kind == ChannelKind::List { (levels_short(c.review_levels)) } @else { "—" } }
                        td { (c.order) }
                        td { @if c.on_home { "是" } @else { "—" } }
                        td { @if c.in_nav { "是" } @else { "—" } }
                        td.actions {
                            a href=(format!("/admin/sites/{}/channels/{}", site.unit, c.id)) { "编辑" }
                            a href=(snap.channel_url(c)) { "查看" }
                        }
                    }
                }
            }
        }
        section.card {
            h2 { "新建栏目" }
            (form::notice(fs))
            form method="post" action=(format!("/admin/sites/{}/channels", site.unit)) novalidate {
                (form::csrf(&s.csrf))
                (channel_fields(chans, None, fs))
                button.primary type="submit" { "新建栏目" }
            }
        }
        (acts)
    };
    render(st, s, &format!("栏目管理：{}", site.name), body)
}

pub(super) fn site_channels(st: &Shared, unit: &UnitCode) -> Vec<Channel> {
    st.portal().snapshot().channels_of(unit).cloned().collect()
}

/// Checks the site exists and the user may manage it.
pub(super) async fn managed_site(st: &Shared, s: &Staff, unit: &str) -> Result<Site> {
    let scope = Scope::load(st).await?;
    scope.require_any(st, s, Action::ManageSite).await?;
    let unit = parse_unit(unit)?;
    let site = site_of(st, &unit)?;
    scope.require(st, s, Action::ManageSite, &unit).await?;
    Ok(site)
}

pub async fn channels(
    State(st): State<Shared>,
    s: Staff,
    Path(unit): Path<String>,
) -> Result<Response> {
    let site = managed_site(&st, &s, &unit).await?;
    let chans = site_channels(&st, &site.unit);
    let fs = FormState {
        values: vec![
            ("kind".into(), "list".into()),
            ("order".into(), "100".into()),
            ("in_nav".into(), "1".into()),
            (
                "review_levels".into(),
                if site.is_main { "2" } else { "1" }.into(),
            ),
        ],
        ..Default::default()
    };
    Ok(page(channels_view(
        &st,
        &s,
        &site,
        &chans,
        &fs,
        who_acts(&st, &site).await?,
    )))
}

/// Parses the channel form into `ch` (everything but id, site and slug).
fn parse_channel(p: &Posted, chans: &[Channel], ch: &mut Channel, fs: &mut FormState) {
    ch.name = p.get("name").trim().to_owned();
    if ch.name.is_empty() || ch.name.chars().count() > 20 {
        fs.add_error("name", "请填写栏目名称（不超过 20 个字）");
    }
    match ChannelKind::parse(p.get("kind")) {
        Some(k) => ch.kind = k,
        None => fs.add_error("kind", "请选择栏目类型"),
    }
    ch.parent = None;
    let parent = p.get("parent").trim();
    if !parent.is_empty() {
        match parent
            .parse::<u64>()
            .ok()
            .filter(|id| chans.iter().any(|c| c.id == *id))
        {
            Some(pid) => {
                // Not itself nor one of its own descendants.
                let mut cur = Some(pid);
                let mut cycle = false;
                let mut steps = 0;
                while let Some(c) = cur {
                    if c == ch.id && ch.id != 0 {
                        cycle = true;
                        break;
                    }
                    steps += 1;
                    if steps > 16 {
                        break;
                    }
                    cur = chans.iter().find(|x| x.id == c).and_then(|x| x.parent);
                }
                if cycle {
                    fs.add_error("parent", "不能把栏目放到它自己或它的下级栏目之下");
                } else {
                    ch.parent = Some(pid);
                }
            }
            None => fs.add_error("parent", "上级栏目不存在"),
        }
    }
    let order = p.get("order").trim();
    ch.order = if order.is_empty() {
        100
    } else {
        match order.parse::<i64>() {
            Ok(n) if (-100_000..=100_000).contains(&n) => n,
            _ => {
                fs.add_error("order", "排序请填写整数");
                0
            }
        }
    };
    ch.description = p.get("description").trim().to_owned();
    if ch.description.chars().count() > 200 {
        fs.add_error("description", "栏目说明不超过 200 个字");
    }
    ch.link = p.get("link").trim().to_owned();
    if ch.kind == ChannelKind::Link {
        let l = ch.link.to_ascii_lowercase();
        let ok = (l.starts_with("http://") || l.starts_with("https://"))
            && ch.link.len() <= 500
            && !ch
                .link
                .chars()
                .any(|c| c.is_whitespace() || c == '"' || c == '<' || c == '>')
            && l.split_once("://")
                .is_some_and(|(_, rest)| !rest.is_empty() && !rest.starts_with('/'));
        if !ok {
            fs.add_error("link", "外部链接须为以 http:// 或 https:// 开头的完整网址");
        }
    } else {
        ch.link.clear();
    }
    let page_body = p.get("page_body");
    ch.page_html = if ch.kind == ChannelKind::Page {
        body_html(page_body)
    } else {
        String::new()
    };
    ch.on_home = !p.get("on_home").is_empty();
    ch.in_nav = !p.get("in_nav").is_empty();
    ch.archived = !p.get("archived").is_empty();
    // Absent (an older form): the channel keeps what it had.
    match UpdateClass::parse(p.get("update").trim()) {
        Some(u) => ch.update = Some(u),
        // An older page without the field keeps what the channel had.
        None if p.get("update").trim().is_empty() => {}
        None => fs.add_error("update", "请从列表中选择更新要求"),
    }
    match p.get("review_levels").trim() {
        "" => {}
        v => match v.parse::<u8>() {
            Ok(n) if n <= 2 => ch.review_levels = n,
            _ => fs.add_error("review_levels", "请从列表中选择审核级数"),
        },
    }
}

pub async fn channel_create(
    State(st): State<Shared>,
    Path(unit): Path<String>,
    p: Posted,
) -> Result<Response> {
    let s = p.staff(&st)?;
    let site = managed_site(&st, &s, &unit).await?;
    let chans = site_channels(&st, &site.unit);
    let mut fs = FormState {
        values: p.kept(),
        ..Default::default()
    };
    let slug = Slug::parse(p.get("slug"));
    if let Err(m) = &slug {
        fs.add_error("slug", *m);
    }
    let mut ch = Channel {
        id: 0,
        site: site.unit.clone(),
        slug: Slug::parse("x").map_err(Error::internal)?,
        name: String::new(),
        kind: ChannelKind::List,
        parent: None,
        order: 0,
        description: String::new(),
        link: String::new(),
        page_html: String::new(),
        on_home: false,
        in_nav: false,
        review_levels: if site.is_main { 2 } else { 1 },
        archived: false,
        update: None,
        home_order: 0,
        home_items: 8,
    };
    parse_channel(&p, &chans, &mut ch, &mut fs);
    let (Ok(slug), false) = (slug, fs.has_errors()) else {
        return Ok(html_invalid(channels_view(
            &st,
            &s,
            &site,
            &chans,
            &fs,
            who_acts(&st, &site).await?,
        )));
    };
    ch.slug = slug;
    let now = st.now_ms();
    let mut ev = event(
        &s.user,
        &p.ctx,
        "channel_create",
        format!("channel:{}/{}", ch.site, ch.slug),
        true,
        format!("{}（{}）", ch.name, ch.kind.label()),
    );
    let r = st
        .store
        .write(move |txn| {
            let r = store::create_channel(txn, ch)?;
            if let Ok(id) = &r {
                ev.object = format!("{}#{id}", ev.object);
                audit::append(txn, ev, now)?;
            }
            Ok(r)
        })
        .await?;
    match r {
        Ok(_) => {
            st.portal().reload(&st)?;
            Ok(see_other(&format!("/admin/sites/{}/channels", site.unit)))
        }
        Err(e) => {
            fs.add_error(e.field, e.message);
            Ok(html_invalid(channels_view(
                &st,
                &s,
                &site,
                &chans,
                &fs,
                who_acts(&st, &site).await?,
            )))
        }
    }
}

fn channel_view(
    st: &Shared,
    s: &Staff,
    site: &Site,
    chans: &[Channel],
    ch: &Channel,
    notice: Option<&str>,
    fs: &FormState,
) -> Markup {
    let body = html! {
        p { a href=(format!("/admin/sites/{}/channels", site.unit)) { "← 栏目列表" } }
        @if let Some(n) = notice { div.notice.ok role="status" { (n) } }
        (form::notice(fs))
        form.card method="post" action=(format!("/admin/sites/{}/channels/{}", site.unit, ch.id)) novalidate {
            (form::csrf(&s.csrf))
            (channel_fields(chans, Some(ch), fs))
            button.primary type="submit" { "保存栏目" }
        }
    };
    render(st, s, &format!("编辑栏目：{}", ch.name), body)
}

fn find_channel(chans: &[Channel], id: &str) -> Result<Channel> {
    let id: u64 = id.parse().map_err(|_| Error::NotFound)?;
    chans
        .iter()
        .find(|c| c.id == id)
        .cloned()
        .ok_or(Error::NotFound)
}

pub async fn channel_form(
    State(st): State<Shared>,
    s: Staff,
    Path((unit, id)): Path<(String, String)>,
) -> Result<Response> {
    let site = managed_site(&st, &s, &unit).await?;
    let chans = site_channels(&st, &site.unit);
    let ch = find_channel(&chans, &id)?;
    Ok(page(channel_view(
        &st,
        &s,
        &site,
        &chans,
        &ch,
        None,
        &channel_values(&ch),
    )))
}

pub async fn channel_submit(
    State(st): State<Shared>,
    Path((unit, id)): Path<(String, String)>,
    p: Posted,
) -> Result<Response> {
    let s = p.staff(&st)?;
    let site = managed_site(&st, &s, &unit).await?;
    let chans = site_channels(&st, &site.unit);
    let old = find_channel(&chans, &id)?;
    let mut fs = FormState {
        values: p.kept(),
        ..Default::default()
    };
    let mut ch = old.clone();
    parse_channel(&p, &chans, &mut ch, &mut fs);
    if fs.has_errors() {
        return Ok(html_invalid(channel_view(
            &st, &s, &site, &chans, &old, None, &fs,
        )));
    }
    let now = st.now_ms();
    let ev = event(
        &s.user,
        &p.ctx,
        "channel_update",
        format!("channel:{}/{}#{}", ch.site, ch.slug, ch.id),
        true,
        format!("{}（{}）", ch.name, ch.kind.label()),
    );
    let saved = ch.clone();
    st.store
        .write(move |txn| {
            store::update_channel(txn, &ch)?;
            audit::append(txn, ev, now).map(|_| ())
        })
        .await?;
    st.portal().reload(&st)?;
    let chans = site_channels(&st, &site.unit);
    Ok(page(channel_view(
        &st,
        &s,
        &site,
        &chans,
        &saved,
        Some("已保存。"),
        &channel_values(&saved),
    )))
}

/// Who handles the items of this site's list channels at each review level, shown where the
/// levels are chosen: the default levels, the people in each role, and what happens when a
/// role has nobody (the workflow refuses to send an item there and says who to add).
async fn who_acts(st: &Shared, site: &Site) -> Result<Markup> {
    use crate::auth::model::Role;
    let (users, all_units) = st
        .store
        .read(|txn| {
            Ok((
                crate::auth::store::list_users(txn)?,
                crate::auth::store::list_units(txn)?,
            ))
        })
        .await?;
    let units = crate::auth::units::Units::new(all_units);
    let holders = |role: Role, office: bool| -> Vec<String> {
        crate::publishing::review::levels::holders(&users, &units, &site.unit, role, office)
            .into_iter()
            .map(|u| u.display_name.clone())
            .collect()
    };
    let office = units
        .office
        .as_ref()
        .map_or_else(|| "区政府办公室".to_owned(), |o| units.name(o));
    let unit = units.name(&site.unit);
    let mut rows: Vec<(String, Vec<String>)> = Vec::new();
    if !site.is_main {
        rows.push((
            format!("{unit}的审核人（一级审核）"),
            holders(Role::Reviewer, false),
        ));
        rows.push((
            format!("{unit}的发布人（无需审核和一级审核时发布）"),
            holders(Role::Publisher, false),
        ));
    }
    rows.push((
        format!("{office}的审核人（两级审核的第二级）"),
        holders(Role::Reviewer, true),
    ));
    rows.push((
        format!("{office}的发布人（两级审核时发布）"),
        holders(Role::Publisher, true),
    ));
    let missing = rows.iter().any(|(_, v)| v.is_empty());
    Ok(html! {
        section.card.who-acts aria-labelledby="who-acts-h" {
            h2 #who-acts-h { "审核级数与办理人" }
            p { "新建栏目的默认审核级数：门户主站的栏目为两级审核（报送单位审核后，报" (office) "审核并发布），子站的栏目为一级审核（本单位审核人审核，本单位发布人发布）。信息同时发布到几个栏目时，按其中要求最高的审核。" }
            @if site.is_main { p { "门户主站栏目的第一级审核由各报送单位自己的审核人办理。" } }
            dl.kv {
                @for (label, names) in &rows {
                    dt { (label) }
                    dd { @if names.is_empty() { strong.warn { "暂无" } } @else { (names.join("、")) } }
                }
            }
            @if missing {
                p.notice.warn role="note" { "标为“暂无”的一级目前没有人办理：信息不会被送到这一级，报送或审核通过时系统会拒绝，并提示需要添加的人员。请单位管理员在“账号与角色”中添加。" }
            }
        }
    })
}
