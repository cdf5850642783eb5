//! 站点与栏目: the site list (系统管理员 creates sites), a site's name, theme and bound
//! host (ManageSite on its unit), and its channel tree.

use axum::extract::{Path, State};
use axum::response::Response;
use maud::{Markup, html};

use super::{Scope, body_html};
use crate::admin::common::{event, render, require};
use crate::auth::audit;
use crate::auth::model::UnitCode;
use crate::auth::permission::{Action, Object};
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::{Posted, Staff};
use crate::http::respond::{html as page, html_invalid, see_other};
use crate::portal::model::{Channel, ChannelKind, Site, Slug};
use crate::portal::store;
use crate::views::form::{self, Field, FormState};

/// The fixed palette of site themes (each has a `theme-<id>` style).
pub const THEMES: [(&str, &str); 6] = [
    ("red", "中国红"),
    ("blue", "政务蓝"),
    ("green", "生态绿"),
    ("teal", "青绿"),
    ("purple", "紫色"),
    ("brown", "赭石"),
];

fn theme_options() -> Vec<(String, String)> {
    THEMES
        .iter()
        .map(|(k, l)| ((*k).to_owned(), (*l).to_owned()))
        .collect()
}

fn theme_label(id: &str) -> &str {
    THEMES
        .iter()
        .find(|(k, _)| *k == id)
        .map(|(_, l)| *l)
        .unwrap_or(id)
}

/// A host name to bind: lower-case letters, digits, '-' and '.', with a dot, no port.
pub fn parse_host(s: &str) -> std::result::Result<Option<String>, &'static str> {
    let h = s.trim().trim_end_matches('.').to_ascii_lowercase();
    if h.is_empty() {
        return Ok(None);
    }
    let ok = h.len() <= 253
        && h.contains('.')
        && h.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        });
    if ok {
        Ok(Some(h))
    } else {
        Err("请填写有效的域名，如 swj.example.gov.cn（不含 http:// 和端口）")
    }
}

/// The portal's own domain cannot be bound to a sub-site (the portal would vanish).
fn main_domain_check(st: &Shared, host: Option<&str>, fs: &mut FormState) {
    if let Some(h) = host
        && h.eq_ignore_ascii_case(st.site.domain.trim())
    {
        fs.add_error("host", "这是门户主站的域名，不能绑定到其他站点");
    }
}

fn parse_unit(code: &str) -> Result<UnitCode> {
    UnitCode::parse(code).map_err(|_| Error::NotFound)
}

fn site_of(st: &Shared, unit: &UnitCode) -> Result<Site> {
    st.portal
        .snapshot()
        .site(unit.as_str())
        .cloned()
        .ok_or(Error::NotFound)
}

// ---- the site list

fn list_view(
    st: &Shared,
    s: &Staff,
    scope: &Scope,
    sites: &[Site],
    may_create: bool,
    fs: &FormState,
) -> Markup {
    let with_site: Vec<UnitCode> = st
        .portal
        .snapshot()
        .sites
        .iter()
        .map(|x| x.unit.clone())
        .collect();
    let units: Vec<(String, String)> = crate::auth::store::tree_order(&scope.units)
        .into_iter()
        .filter(|(_, u)| !with_site.contains(&u.code))
        .map(|(d, u)| {
            (
                u.code.to_string(),
                format!("{}{}（{}）", "　".repeat(d), u.name, u.code),
            )
        })
        .collect();
    let body = html! {
        table.data {
            caption { "共 " (sites.len()) " 个站点" }
            thead { tr { th scope="col" { "站点" } th scope="col" { "单位" } th scope="col" { "主题色" } th scope="col" { "绑定域名" } th scope="col" { "操作" } } }
            tbody {
                @for x in sites {
                    tr {
                        td { (x.name) @if x.is_main { " " span.badge { "主站" } } }
                        td { (scope.unit_name(&x.unit)) " " code { (x.unit) } }
                        td { span class=(format!("swatch swatch-{}", x.theme)) aria-hidden="true" {} (theme_label(&x.theme)) }
                        td { (x.host.as_deref().unwrap_or("—")) }
                        td.actions {
                            a href=(format!("/admin/sites/{}", x.unit)) { "站点设置" }
                            a href=(format!("/admin/sites/{}/channels", x.unit)) { "栏目管理" }
                            a href=(format!("{}/", x.prefix())) { "查看站点" }
                        }
                    }
                }
            }
        }
        @if may_create {
            section.card {
                h2 { "新建站点" }
                (form::notice(fs))
                @if units.is_empty() {
                    p.muted { "每个单位都已有站点。" }
                } @else {
                    form method="post" action="/admin/sites" novalidate {
                        (form::csrf(&s.csrf))
                        (form::select("unit", "所属单位（根单位的站点即门户主站）", &units, fs))
                        (form::field(&Field::new("name", "站点名称"), fs))
                        (form::select("theme", "主题色", &theme_options(), fs))
                        (form::field(&Field::new("host", "绑定域名").optional().hint("可不填；填写后访问该域名即显示本站点，如 swj.example.gov.cn"), fs))
                        button.primary type="submit" { "新建站点" }
                    }
                }
            }
        }
    };
    render(st, s, "站点与栏目", body)
}

async fn visible_sites(st: &Shared, s: &Staff, scope: &Scope) -> Result<Vec<Site>> {
    let allowed = scope.require_any(st, s, Action::ManageSite).await?;
    Ok(st
        .portal
        .snapshot()
        .sites
        .iter()
        .filter(|x| allowed.contains(&x.unit))
        .cloned()
        .collect())
}

async fn may_create(st: &Shared, s: &Staff) -> bool {
    require(st, s, Action::RunSystem, Object::System)
        .await
        .is_ok()
}

pub async fn list(State(st): State<Shared>, s: Staff) -> Result<Response> {
    let scope = Scope::load(&st).await?;
    let sites = visible_sites(&st, &s, &scope).await?;
    let mc = may_create(&st, &s).await;
    let fs = FormState {
        values: vec![("theme".into(), "red".into())],
        ..Default::default()
    };
    Ok(page(list_view(&st, &s, &scope, &sites, mc, &fs)))
}

pub async fn create(State(st): State<Shared>, p: Posted) -> Result<Response> {
    let s = p.staff(&st)?;
    require(&st, &s, Action::RunSystem, Object::System).await?;
    let scope = Scope::load(&st).await?;
    let sites = visible_sites(&st, &s, &scope).await?;
    let mut fs = FormState {
        values: p.kept(),
        ..Default::default()
    };
    let unit = UnitCode::parse(p.get("unit"))
        .ok()
        .and_then(|c| scope.units.iter().find(|u| u.code == c).cloned());
    if unit.is_none() {
        fs.add_error("unit", "请选择所属单位");
    }
    let name = p.get("name").trim().to_owned();
    if name.is_empty() || name.chars().count() > 40 {
        fs.add_error("name", "请填写站点名称（不超过 40 个字）");
    }
    let theme = p.get("theme").to_owned();
    if !THEMES.iter().any(|(k, _)| *k == theme) {
        fs.add_error("theme", "请从列表中选择主题色");
    }
    let host = parse_host(p.get("host")).unwrap_or_else(|m| {
        fs.add_error("host", m);
        None
    });
    if unit.as_ref().is_some_and(|u| u.parent.is_some()) {
        main_domain_check(&st, host.as_deref(), &mut fs);
    }
    let (Some(unit), false) = (unit, fs.has_errors()) else {
        return Ok(html_invalid(list_view(&st, &s, &scope, &sites, true, &fs)));
    };
    let site = Site {
        unit: unit.code.clone(),
        name,
        theme,
        host,
        is_main: unit.parent.is_none(),
        review_days: 0,
    };
    let now = st.now_ms();
    let ev = event(
        &s.user,
        &p.ctx,
        "site_create",
        format!("site:{}", site.unit),
        true,
        format!(
            "{}；主题 {}；域名 {}",
            site.name,
            site.theme,
            site.host.as_deref().unwrap_or("无")
        ),
    );
    let r = st
        .store
        .write(move |txn| {
            let all = {
                let t = txn.open_table(crate::store::tables::SITES)?;
                let mut v: Vec<Site> = Vec::new();
                for row in redb::ReadableTable::iter(&t)? {
                    let (_, val) = row?;
                    v.push(serde_json::from_slice(val.value())?);
                }
                v
            };
            if all.iter().any(|x| x.unit == site.unit) {
                return Ok(Err(("unit", "该单位已有站点")));
            }
            if site.is_main && all.iter().any(|x| x.is_main) {
                return Ok(Err(("unit", "门户主站只能有一个")));
            }
            if let Some(h) = &site.host
                && all.iter().any(|x| x.host.as_deref() == Some(h.as_str()))
            {
                return Ok(Err(("host", "该域名已绑定到其他站点")));
            }
            store::put_site(txn, &site)?;
            audit::append(txn, ev, now)?;
            Ok(Ok(site.unit.clone()))
        })
        .await?;
    match r {
        Ok(code) => {
            st.portal.reload(&st.store)?;
            Ok(see_other(&format!("/admin/sites/{code}/channels")))
        }
        Err((field, msg)) => {
            fs.add_error(field, msg);
            Ok(html_invalid(list_view(&st, &s, &scope, &sites, true, &fs)))
        }
    }
}

// ---- one site's settings

fn edit_view(st: &Shared, s: &Staff, site: &Site, notice: Option<&str>, fs: &FormState) -> Markup {
    let body = html! {
        p { a href="/admin/sites" { "← 站点列表" } " " a href=(format!("/admin/sites/{}/channels", site.unit)) { "栏目管理" } }
        @if let Some(n) = notice { div.notice.ok role="status" { (n) } }
        (form::notice(fs))
        form.card.narrow method="post" action=(format!("/admin/sites/{}", site.unit)) novalidate {
            (form::csrf(&s.csrf))
            dl.kv {
                dt { "所属单位" } dd { code { (site.unit) } @if site.is_main { " （门户主站）" } }
                dt { "访问地址" } dd { a href=(format!("{}/", site.prefix())) { (format!("{}/", site.prefix())) } }
            }
            (form::field(&Field::new("name", "站点名称"), fs))
            (form::select("theme", "主题色", &theme_options(), fs))
            (form::field(&Field::new("host", "绑定域名").optional().hint("可不填；填写后访问该域名即显示本站点，如 swj.example.gov.cn"), fs))
            (form::field(&Field::new("review_days", "审核时限（工作日）").kind("number").optional().hint("本单位审核信息的期限，0 或不填表示不设期限；门户主站的设置用于区政府办公室审核。待审信息和通知中会显示到期日"), fs))
            button.primary type="submit" { "保存设置" }
        }
    };
    render(st, s, &format!("站点设置：{}", site.name), body)
}

fn site_values(site: &Site) -> FormState {
    FormState {
        values: vec![
            ("name".into(), site.name.clone()),
            ("theme".into(), site.theme.clone()),
            ("host".into(), site.host.clone().unwrap_or_default()),
            ("review_days".into(), site.review_days.to_string()),
        ],
        ..Default::default()
    }
}

pub async fn edit_form(
    State(st): State<Shared>,
    s: Staff,
    Path(unit): Path<String>,
) -> Result<Response> {
    let scope = Scope::load(&st).await?;
    scope.require_any(&st, &s, Action::ManageSite).await?;
    let unit = parse_unit(&unit)?;
    let site = site_of(&st, &unit)?;
    scope.require(&st, &s, Action::ManageSite, &unit).await?;
    Ok(page(edit_view(&st, &s, &site, None, &site_values(&site))))
}

pub async fn edit_submit(
    State(st): State<Shared>,
    Path(unit): Path<String>,
    p: Posted,
) -> Result<Response> {
    let s = p.staff(&st)?;
    let scope = Scope::load(&st).await?;
    scope.require_any(&st, &s, Action::ManageSite).await?;
    let unit = parse_unit(&unit)?;
    let site = site_of(&st, &unit)?;
    scope.require(&st, &s, Action::ManageSite, &unit).await?;
    let mut fs = FormState {
        values: p.kept(),
        ..Default::default()
    };
    let name = p.get("name").trim().to_owned();
    if name.is_empty() || name.chars().count() > 40 {
        fs.add_error("name", "请填写站点名称（不超过 40 个字）");
    }
    let theme = p.get("theme").to_owned();
    if !THEMES.iter().any(|(k, _)| *k == theme) {
        fs.add_error("theme", "请从列表中选择主题色");
    }
    let host = parse_host(p.get("host")).unwrap_or_else(|m| {
        fs.add_error("host", m);
        None
    });
    if !site.is_main {
        main_domain_check(&st, host.as_deref(), &mut fs);
    }
    let review_days = match p.get("review_days").trim() {
        "" => 0,
        v => v
            .parse::<u8>()
            .ok()
            .filter(|n| *n <= 60)
            .unwrap_or_else(|| {
                fs.add_error("review_days", "审核时限请填写 0 到 60 之间的整数");
                0
            }),
    };
    if fs.has_errors() {
        return Ok(html_invalid(edit_view(&st, &s, &site, None, &fs)));
    }
    let now = st.now_ms();
    let ev = event(
        &s.user,
        &p.ctx,
        "site_update",
        format!("site:{unit}"),
        true,
        format!(
            "{}；主题 {}；域名 {}",
            name,
            theme,
            host.as_deref().unwrap_or("无")
        ),
    );
    let code = unit.clone();
    let r = st
        .store
        .write(move |txn| {
            let mut site = store::get_site_w(txn, &code)?.ok_or(Error::NotFound)?;
            if let Some(h) = &host {
                let t = txn.open_table(crate::store::tables::SITES)?;
                for row in redb::ReadableTable::iter(&t)? {
                    let (_, val) = row?;
                    let other: Site = serde_json::from_slice(val.value())?;
                    if other.unit != code && other.host.as_deref() == Some(h.as_str()) {
                        return Ok(Err("该域名已绑定到其他站点"));
                    }
                }
            }
            site.name = name;
            site.theme = theme;
            site.host = host;
            site.review_days = review_days;
            store::put_site(txn, &site)?;
            audit::append(txn, ev, now)?;
            Ok(Ok(()))
        })
        .await?;
    match r {
        Ok(()) => {
            st.portal.reload(&st.store)?;
            let site = site_of(&st, &unit)?;
            Ok(page(edit_view(
                &st,
                &s,
                &site,
                Some("已保存。"),
                &site_values(&site),
            )))
        }
        Err(m) => {
            fs.add_error("host", m);
            Ok(html_invalid(edit_view(&st, &s, &site, None, &fs)))
        }
    }
}

// ---- channels

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

fn kind_options() -> Vec<(String, String)> {
    [ChannelKind::List, ChannelKind::Page, ChannelKind::Link]
        .iter()
        .map(|k| (k.id().to_owned(), k.label().to_owned()))
        .collect()
}

/// The channels of a site in tree order, with their depth.
pub fn tree(channels: &[Channel]) -> Vec<(usize, &Channel)> {
    fn walk<'a>(
        all: &'a [Channel],
        parent: Option<u64>,
        d: usize,
        out: &mut Vec<(usize, &'a Channel)>,
    ) {
        for c in all.iter().filter(|c| c.parent == parent) {
            if out.iter().any(|(_, x)| x.id == c.id) || d > 8 {
                continue;
            }
            out.push((d, c));
            walk(all, Some(c.id), d + 1, out);
        }
    }
    let mut out = Vec::new();
    walk(channels, None, 0, &mut out);
    out
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
            ("review_levels".into(), c.review_levels.to_string()),
        ],
        ..Default::default()
    }
}

fn checkbox(name: &str, label: &str, fs: &FormState) -> Markup {
    html! {
        div.check {
            input type="checkbox" id=(format!("f-{name}")) name=(name) value="1" checked[!fs.value(name).is_empty()];
            label for=(format!("f-{name}")) { (label) }
        }
    }
}

pub fn textarea(name: &str, label: &str, hint: &str, rows: u32, fs: &FormState) -> Markup {
    let id = format!("f-{name}");
    let err = fs.error(name);
    html! {
        div.field.has-error[err.is_some()] {
            label for=(id) { (label) }
            @if !hint.is_empty() { p.hint id=(format!("{id}-hint")) { (hint) } }
            @if let Some(e) = err { p.error id=(format!("{id}-err")) role="alert" { (e) } }
            textarea id=(id) name=(name) rows=(rows) aria-invalid=[err.map(|_| "true")]
                aria-describedby=[(!hint.is_empty()).then(|| format!("{id}-hint"))] { (fs.value(name)) }
        }
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
        (checkbox("on_home", "在站点首页显示本栏目最新信息", fs))
        (checkbox("in_nav", "在站点导航栏显示", fs))
    }
}

fn channels_view(st: &Shared, s: &Staff, site: &Site, chans: &[Channel], fs: &FormState) -> Markup {
    let snap = st.portal.snapshot();
    let body = html! {
        p { a href="/admin/sites" { "← 站点列表" } " " a href=(format!("/admin/sites/{}", site.unit)) { "站点设置" } }
        table.data.channel-tree {
            caption { "共 " (chans.len()) " 个栏目" }
            thead { tr { th scope="col" { "栏目" } th scope="col" { "标识" } th scope="col" { "类型" } th scope="col" { "排序" } th scope="col" { "首页" } th scope="col" { "导航" } th scope="col" { "操作" } } }
            tbody {
                @for (d, c) in tree(chans) {
                    tr {
                        td class=(format!("depth-{}", d.min(4))) { (c.name) }
                        td { code { (c.slug) } }
                        td { (c.kind.label()) }
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
    };
    render(st, s, &format!("栏目管理：{}", site.name), body)
}

fn site_channels(st: &Shared, unit: &UnitCode) -> Vec<Channel> {
    st.portal.snapshot().channels_of(unit).cloned().collect()
}

/// Checks the site exists and the user may manage it.
async fn managed_site(st: &Shared, s: &Staff, unit: &str) -> Result<Site> {
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
    Ok(page(channels_view(&st, &s, &site, &chans, &fs)))
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
    // Absent (an older form): the channel keeps what it had.
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
    };
    parse_channel(&p, &chans, &mut ch, &mut fs);
    let (Ok(slug), false) = (slug, fs.has_errors()) else {
        return Ok(html_invalid(channels_view(&st, &s, &site, &chans, &fs)));
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
            st.portal.reload(&st.store)?;
            Ok(see_other(&format!("/admin/sites/{}/channels", site.unit)))
        }
        Err(e) => {
            fs.add_error(e.field, e.message);
            Ok(html_invalid(channels_view(&st, &s, &site, &chans, &fs)))
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
    st.portal.reload(&st.store)?;
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

/// A body field with the rich-text editor (`editor::rich`, `embedded/static/js/editor.js`):
/// the same labelled textarea as [`textarea`], marked `data-rich`; without script it stays
/// a plain textarea. `upload_url` (the article's `/admin/articles/{id}/images`) turns on
/// picture upload; a new, unsaved article has none and inserts pictures by address only.
pub fn rich_textarea(
    name: &str,
    label: &str,
    hint: &str,
    rows: u32,
    fs: &FormState,
    upload_url: Option<&str>,
    csrf: &str,
) -> Markup {
    let id = format!("f-{name}");
    let err = fs.error(name);
    html! {
        div.field.rich-field.has-error[err.is_some()] {
            label for=(id) { (label) }
            @if !hint.is_empty() { p.hint id=(format!("{id}-hint")) { (hint) } }
            @if let Some(e) = err { p.error id=(format!("{id}-err")) role="alert" { (e) } }
            textarea id=(id) name=(name) rows=(rows) aria-invalid=[err.map(|_| "true")]
                aria-describedby=[(!hint.is_empty()).then(|| format!("{id}-hint"))]
                data-rich data-upload=[upload_url] data-csrf=(csrf) { (fs.value(name)) }
        }
    }
}
