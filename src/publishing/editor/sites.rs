//! 站点与栏目: the site list (系统管理员 creates sites), a site's name, theme and bound
//! host (ManageSite on its unit), and its channel tree.

use axum::extract::{Path, State};
use axum::response::Response;
use maud::{Markup, html};

use super::Scope;
use crate::auth::audit;
use crate::auth::model::UnitCode;
use crate::auth::permission::{Action, Object};
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::{Posted, Staff};
use crate::http::respond::{html as page, html_invalid, see_other};
use crate::portal::model::{Channel, Site};
use crate::portal::store;
use crate::staff::shell::{event, render, require};
use crate::views::form::{self, Field, FormState};
use crate::views::layout::Footer;

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
    // An address such as 127.0.0.1 is not a name: bound, it would capture every visitor who
    // reaches the server by that address. Top-level domains never start with a digit.
    let ip_like = h
        .rsplit('.')
        .next()
        .is_some_and(|tld| tld.starts_with(|c: char| c.is_ascii_digit()));
    if ip_like {
        return Err("不能绑定 IP 地址，请填写域名，如 swj.example.gov.cn");
    }
    if ok {
        Ok(Some(h))
    } else {
        Err("请填写有效的域名，如 swj.example.gov.cn（不含 http:// 和端口）")
    }
}

/// A bound name must lie under one of the configured suffixes (`site.host_suffixes`), so a
/// sub-site can never claim a name the district does not own or the address of the box.
fn suffix_check(st: &Shared, host: Option<&str>, fs: &mut FormState) {
    let Some(h) = host else { return };
    let suffixes = st.cfg().host_suffixes();
    let under = suffixes.iter().any(|s| {
        h.len() > s.len() && h.ends_with(s.as_str()) && h[..h.len() - s.len()].ends_with('.')
    });
    if !under {
        let list = suffixes
            .iter()
            .map(|s| format!("*.{s}"))
            .collect::<Vec<_>>()
            .join("、");
        fs.add_error("host", format!("只能绑定本区的域名（{list}）"));
    }
}

/// The portal's own domain cannot be bound to a sub-site (the portal would vanish).
fn main_domain_check(st: &Shared, host: Option<&str>, fs: &mut FormState) {
    if let Some(h) = host
        && h.eq_ignore_ascii_case(st.site().domain.trim())
    {
        fs.add_error("host", "这是门户主站的域名，不能绑定到其他站点");
    }
}

pub fn parse_unit(code: &str) -> Result<UnitCode> {
    UnitCode::parse(code).map_err(|_| Error::NotFound)
}

pub fn site_of(st: &Shared, unit: &UnitCode) -> Result<Site> {
    st.portal()
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
        .portal()
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
                            // Each link names its site (for screen readers) so names stay unique.
                            a href=(format!("/admin/sites/{}", x.unit)) { "站点设置" span.visually-hidden { "：" (x.name) } }
                            a href=(format!("/admin/sites/{}/channels", x.unit)) { "栏目管理" span.visually-hidden { "：" (x.name) } }
                            a href=(format!("/admin/sites/{}/layout", x.unit)) { "首页与导航" span.visually-hidden { "：" (x.name) } }
                            a href=(format!("{}/", x.prefix())) { "查看站点" span.visually-hidden { "：" (x.name) } }
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
        .portal()
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
        suffix_check(&st, host.as_deref(), &mut fs);
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
        footer: Default::default(),
        short_name: String::new(),
        images: Default::default(),
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
            st.portal().reload(&st)?;
            Ok(see_other(&format!("/admin/sites/{code}/channels")))
        }
        Err((field, msg)) => {
            fs.add_error(field, msg);
            Ok(html_invalid(list_view(&st, &s, &scope, &sites, true, &fs)))
        }
    }
}

// ---- one site's settings

/// `may_bind`: only a 系统管理员 binds host names (a bound name decides which site a visitor
/// of that address sees); others see the binding without a field for it.
fn edit_view(
    st: &Shared,
    s: &Staff,
    site: &Site,
    notice: Option<&str>,
    fs: &FormState,
    may_bind: bool,
) -> Markup {
    let body = html! {
        p { a href="/admin/sites" { "← 站点列表" } " " a href=(format!("/admin/sites/{}/channels", site.unit)) { "栏目管理" } " " a href=(format!("/admin/sites/{}/layout", site.unit)) { "首页与导航" } }
        @if let Some(n) = notice { div.notice.ok role="status" { (n) } }
        (form::notice(fs))
        form.card.narrow method="post" action=(format!("/admin/sites/{}", site.unit)) novalidate {
            (form::csrf(&s.csrf))
            dl.kv {
                dt { "所属单位" } dd { code { (site.unit) } @if site.is_main { " （门户主站）" } }
                dt { "访问地址" } dd { a href=(format!("{}/", site.prefix())) { (format!("{}/", site.prefix())) } }
            }
            @if site.is_main {
                dl.kv { dt { "站点名称" } dd { (site.name) " （门户主站的名称和页脚标识在 " a href="/admin/settings" { "系统设置" } " 中修改，全站一处生效）" } }
            } @else {
                (form::field(&Field::new("name", "站点名称"), fs))
            }
            (form::field(&Field::new("short_name", "站点简称").optional().hint("不超过 12 个字，手机等窄屏上代替站点名称显示；可不填"), fs))
            (form::select("theme", "主题色", &theme_options(), fs))
            @if may_bind && !site.is_main {
                (form::field(&Field::new("host", "绑定域名").optional().hint("可不填；填写后访问该域名即显示本站点，如 swj.example.gov.cn"), fs))
            } @else if !site.is_main {
                dl.kv { dt { "绑定域名" } dd { (site.host.as_deref().unwrap_or("未绑定")) " （由系统管理员设置）" } }
            }
            (form::field(&Field::new("review_days", "审核时限（工作日）").kind("number").optional().hint("本单位审核信息的期限，0 或不填表示不设期限；门户主站的设置用于区政府办公室审核。待审信息和通知中会显示到期日"), fs))
            @if !site.is_main {
                fieldset.footer-fields {
                    legend { "本站页脚标识（留空的沿用门户主站的）" }
                    @for (name, label, _) in FOOTER_FIELDS {
                        (form::field(&Field::new(name, label).optional(), fs))
                    }
                }
            }
            button.primary type="submit" { "保存设置" }
        }
        (images_section(s, site, fs))
    };
    render(st, s, &format!("站点设置：{}", site.name), body)
}

/// 站点图片: one small form per picture (upload, and remove when set).
fn images_section(s: &Staff, site: &Site, fs: &FormState) -> Markup {
    use crate::portal::model::SiteImages;
    const MAX_BYTES: usize = SiteImages::MAX_BYTES;
    const WHICH: [(&str, &str); 3] = SiteImages::WHICH;
    let action = format!("/admin/sites/{}/images", site.unit);
    html! {
        section.card.narrow aria-labelledby="site-images-h" {
            h2 #site-images-h { "站点图片" }
            p { "只接受 PNG、JPEG、GIF 或 WebP 图片，每张不超过 " (MAX_BYTES / 1024) " KB；未上传的沿用门户主站的。" }
            @for (which, label) in WHICH {
                @let current = match which { "logo" => &site.images.logo, "emblem" => &site.images.emblem, _ => &site.images.favicon };
                @let short = label.split('（').next().unwrap_or(label);
                @let key = format!("image-{which}");
                @let err = fs.error(&key);
                div.field.has-error[err.is_some()] {
                    form method="post" action=(action) enctype="multipart/form-data" novalidate {
                        (form::csrf(&s.csrf))
                        input type="hidden" name="which" value=(which);
                        label for=(format!("f-{key}")) { (label) }
                        @if let Some(sha) = current {
                            p { img.site-image-preview src=(crate::portal::model::SiteImages::url(sha)) alt=(format!("当前的{short}")); }
                        }
                        @if let Some(e) = err { p.error id=(format!("f-{key}-err")) role="alert" { (e) } }
                        input id=(format!("f-{key}")) type="file" name="image" accept="image/png,image/jpeg,image/gif,image/webp"
                            aria-invalid=[err.map(|_| "true")] aria-describedby=[err.map(|_| format!("f-{key}-err"))];
                        button type="submit" { "上传" (short) }
                    }
                    @if current.is_some() {
                        form method="post" action=(action) enctype="multipart/form-data" {
                            (form::csrf(&s.csrf))
                            input type="hidden" name="which" value=(which);
                            input type="hidden" name="remove" value="1";
                            button.danger type="submit" { "删除" (short) }
                        }
                    }
                }
            }
        }
    }
}

/// The settings page again with `fs`'s errors (the picture forms'), 422.
pub(super) async fn edit_page_with(
    st: &Shared,
    s: &Staff,
    site: &Site,
    errors: FormState,
) -> Result<Response> {
    let may_bind = may_create(st, s).await;
    let mut fs = site_values(site);
    fs.errors = errors.errors;
    Ok(html_invalid(edit_view(st, s, site, None, &fs, may_bind)))
}

/// A sub-site's footer identifiers on its settings page: (field, label, what is checked).
const FOOTER_FIELDS: [(&str, &str, Check); 10] = [
    ("footer_sponsor", "主办单位", Check::Text),
    ("footer_organizer", "承办单位", Check::Text),
    ("footer_phone", "联系电话", Check::Text),
    ("footer_address", "地址", Check::Text),
    ("footer_postcode", "邮编", Check::Postcode),
    ("footer_site_id_code", "网站标识码", Check::SiteId),
    ("footer_icp_no", "ICP 备案编号", Check::Text),
    ("footer_psb_no", "公安机关备案号", Check::Text),
    ("footer_psb_link", "公安机关备案号链接", Check::Link),
    ("footer_conac_link", "党政机关网站标识链接", Check::Link),
];

#[derive(Clone, Copy)]
enum Check {
    Text,
    Postcode,
    SiteId,
    Link,
}

fn footer_get(f: &Footer, name: &str) -> String {
    match name {
        "footer_sponsor" => &f.sponsor,
        "footer_organizer" => &f.organizer,
        "footer_phone" => &f.phone,
        "footer_address" => &f.address,
        "footer_postcode" => &f.postcode,
        "footer_site_id_code" => &f.site_id_code,
        "footer_icp_no" => &f.icp_no,
        "footer_psb_no" => &f.psb_no,
        "footer_psb_link" => &f.psb_link,
        _ => &f.conac_link,
    }
    .clone()
}

/// The footer fields as posted, checked; errors go next to their fields.
fn parse_footer(p: &Posted, fs: &mut FormState) -> Footer {
    let mut f = Footer::default();
    for (name, label, check) in FOOTER_FIELDS {
        let v = p.get(name).trim().to_owned();
        let bad = match check {
            _ if v.is_empty() => None,
            _ if v.chars().count() > 100 => Some(format!("{label}不超过 100 个字")),
            Check::Postcode if !(v.len() == 6 && v.bytes().all(|b| b.is_ascii_digit())) => {
                Some("邮编应为 6 位数字".to_owned())
            }
            Check::SiteId if !crate::config::valid_site_id(&v) => {
                Some("网站标识码应为 10 位数字或字母".to_owned())
            }
            Check::Link if !(v.starts_with("https://") || v.starts_with("http://")) => {
                Some("链接须以 https:// 或 http:// 开头".to_owned())
            }
            _ => None,
        };
        if let Some(m) = bad {
            fs.add_error(name, m);
        }
        let slot = match name {
            "footer_sponsor" => &mut f.sponsor,
            "footer_organizer" => &mut f.organizer,
            "footer_phone" => &mut f.phone,
            "footer_address" => &mut f.address,
            "footer_postcode" => &mut f.postcode,
            "footer_site_id_code" => &mut f.site_id_code,
            "footer_icp_no" => &mut f.icp_no,
            "footer_psb_no" => &mut f.psb_no,
            "footer_psb_link" => &mut f.psb_link,
            _ => &mut f.conac_link,
        };
        *slot = v;
    }
    f
}

fn site_values(site: &Site) -> FormState {
    let mut values = vec![
        ("name".into(), site.name.clone()),
        ("theme".into(), site.theme.clone()),
        ("host".into(), site.host.clone().unwrap_or_default()),
        ("review_days".into(), site.review_days.to_string()),
        ("short_name".into(), site.short_name.clone()),
    ];
    for (name, _, _) in FOOTER_FIELDS {
        values.push((name.into(), footer_get(&site.footer, name)));
    }
    FormState {
        values,
        ..Default::default()
    }
}

#[derive(serde::Deserialize, Default)]
pub struct EditQuery {
    #[serde(default)]
    done: String,
}

pub async fn edit_form(
    State(st): State<Shared>,
    s: Staff,
    Path(unit): Path<String>,
    axum::extract::Query(q): axum::extract::Query<EditQuery>,
) -> Result<Response> {
    let scope = Scope::load(&st).await?;
    scope.require_any(&st, &s, Action::ManageSite).await?;
    let unit = parse_unit(&unit)?;
    let site = site_of(&st, &unit)?;
    scope.require(&st, &s, Action::ManageSite, &unit).await?;
    let may_bind = may_create(&st, &s).await;
    let notice = (q.done == "images").then_some("站点图片已更新，公开页面已同步。");
    Ok(page(edit_view(
        &st,
        &s,
        &site,
        notice,
        &site_values(&site),
        may_bind,
    )))
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
    // The portal's name is the setting (系统设置); a sub-site names itself here.
    let name = if site.is_main {
        site.name.clone()
    } else {
        p.get("name").trim().to_owned()
    };
    if name.is_empty() || name.chars().count() > 40 {
        fs.add_error("name", "请填写站点名称（不超过 40 个字）");
    }
    let short_name = p.get("short_name").trim().to_owned();
    if short_name.chars().count() > 12 {
        fs.add_error("short_name", "站点简称不超过 12 个字");
    }
    let theme = p.get("theme").to_owned();
    if !THEMES.iter().any(|(k, _)| *k == theme) {
        fs.add_error("theme", "请从列表中选择主题色");
    }
    let footer = if site.is_main {
        site.footer.clone()
    } else {
        parse_footer(&p, &mut fs)
    };
    let may_bind = may_create(&st, &s).await;
    let host = if may_bind && !site.is_main {
        let host = parse_host(p.get("host")).unwrap_or_else(|m| {
            fs.add_error("host", m);
            None
        });
        main_domain_check(&st, host.as_deref(), &mut fs);
        suffix_check(&st, host.as_deref(), &mut fs);
        host
    } else {
        // The form has no host field for them; a posted one is refused, not silently dropped.
        let posted = p.get("host").trim();
        if !posted.is_empty() && Some(posted) != site.host.as_deref() {
            return Err(Error::Forbidden("绑定域名只能由系统管理员设置".into()));
        }
        site.host.clone()
    };
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
        return Ok(html_invalid(edit_view(&st, &s, &site, None, &fs, may_bind)));
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
            site.footer = footer;
            site.short_name = short_name;
            store::put_site(txn, &site)?;
            audit::append(txn, ev, now)?;
            Ok(Ok(()))
        })
        .await?;
    match r {
        Ok(()) => {
            st.portal().reload(&st)?;
            let site = site_of(&st, &unit)?;
            Ok(page(edit_view(
                &st,
                &s,
                &site,
                Some("已保存。"),
                &site_values(&site),
                may_bind,
            )))
        }
        Err(m) => {
            fs.add_error("host", m);
            Ok(html_invalid(edit_view(&st, &s, &site, None, &fs, may_bind)))
        }
    }
}

// ---- form pieces shared by the editor's pages

pub fn checkbox(name: &str, label: &str, fs: &FormState) -> Markup {
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
