//! 首页与导航 (/admin/sites/{unit}/layout, the site's unit admin or the 系统管理员): which
//! channels the top navigation shows and in what order, and which blocks the home page shows,
//! in what order and with how many items — one table, saved at once. A change to the home
//! blocks alone drops only that site's cached home page; a navigation change drops every
//! page (each one shows the navigation).

use axum::extract::{Path, State};
use axum::response::Response;
use maud::{Markup, html};

use super::channels::{managed_site, site_channels};
use super::sites::tree;
use crate::auth::audit;
use crate::error::Result;
use crate::http::Shared;
use crate::http::extract::{Posted, Staff};
use crate::http::respond::{html as page, html_invalid, see_other};
use crate::portal::model::{Channel, ChannelKind, Site};
use crate::portal::store;
use crate::staff::shell::{event, render};
use crate::views::form::{self, FormState};

fn values(chans: &[Channel]) -> FormState {
    let mut v = Vec::new();
    for c in chans {
        let flag = |b: bool| if b { "1" } else { "" }.to_owned();
        v.push((format!("nav-{}", c.id), flag(c.in_nav)));
        v.push((format!("navorder-{}", c.id), c.order.to_string()));
        v.push((format!("home-{}", c.id), flag(c.on_home)));
        v.push((format!("homeorder-{}", c.id), c.home_order.to_string()));
        v.push((format!("items-{}", c.id), c.home_items.to_string()));
    }
    FormState {
        values: v,
        ..Default::default()
    }
}

fn number(fs: &FormState, name: &str, label: &str, min: i64, max: i64) -> Markup {
    let id = format!("f-{name}");
    let err = fs.error(name);
    html! {
        label.visually-hidden for=(id) { (label) }
        input id=(id) name=(name) type="number" min=(min) max=(max) inputmode="numeric" value=(fs.value(name))
            aria-invalid=[err.map(|_| "true")] aria-describedby=[err.map(|_| format!("{id}-err"))];
        @if let Some(e) = err { p.error id=(format!("{id}-err")) role="alert" { (e) } }
    }
}

fn check(fs: &FormState, name: &str, label: &str) -> Markup {
    let id = format!("f-{name}");
    html! {
        input id=(id) type="checkbox" name=(name) value="1" checked[!fs.value(name).is_empty()];
        label.visually-hidden for=(id) { (label) }
    }
}

fn view(
    st: &Shared,
    s: &Staff,
    site: &Site,
    chans: &[Channel],
    fs: &FormState,
    saved: bool,
) -> Markup {
    let live: Vec<(usize, &Channel)> = tree(chans)
        .into_iter()
        .filter(|(_, c)| !c.archived)
        .collect();
    let body = html! {
        p { a href=(format!("/admin/sites/{}", site.unit)) { "返回站点设置" } }
        @if saved { div.notice.ok role="status" { "已保存，公开页面已更新。" } }
        (form::notice(fs))
        p { "导航只显示顶级栏目，按“导航顺序”从小到大排列（同级栏目在栏目树中也按此排列）；首页区块按“区块顺序”从小到大排列，每个区块显示最新的若干条信息（1 到 20 条）。已归档的栏目不在此列。" }
        form method="post" action=(format!("/admin/sites/{}/layout", site.unit)) novalidate {
            (form::csrf(&s.csrf))
            table.data {
                caption { (site.name) "的导航与首页区块" }
                thead { tr {
                    th scope="col" { "栏目" }
                    th scope="col" { "在导航中" }
                    th scope="col" { "导航顺序" }
                    th scope="col" { "首页区块" }
                    th scope="col" { "区块顺序" }
                    th scope="col" { "条数" }
                } }
                tbody {
                    @for (d, c) in &live {
                        tr {
                            th scope="row" class=(format!("depth-{}", d.min(&4))) { (c.name) }
                            td { @if c.parent.is_none() { (check(fs, &format!("nav-{}", c.id), &format!("“{}”在导航中显示", c.name))) } @else { "—" } }
                            td { (number(fs, &format!("navorder-{}", c.id), &format!("“{}”的导航顺序", c.name), -9999, 9999)) }
                            @if c.kind == ChannelKind::List {
                                td { (check(fs, &format!("home-{}", c.id), &format!("“{}”在首页显示区块", c.name))) }
                                td { (number(fs, &format!("homeorder-{}", c.id), &format!("“{}”的区块顺序", c.name), -9999, 9999)) }
                                td { (number(fs, &format!("items-{}", c.id), &format!("“{}”区块的条数", c.name), 1, 20)) }
                            } @else {
                                td { "—" } td { "—" } td { "—" }
                            }
                        }
                    }
                }
            }
            button.primary type="submit" { "保存导航与首页区块" }
        }
    };
    render(st, s, &format!("{}：首页与导航", site.name), body)
}

#[derive(serde::Deserialize, Default)]
pub struct LayoutQuery {
    #[serde(default)]
    done: String,
}

pub async fn form(
    State(st): State<Shared>,
    s: Staff,
    Path(unit): Path<String>,
    axum::extract::Query(q): axum::extract::Query<LayoutQuery>,
) -> Result<Response> {
    let site = managed_site(&st, &s, &unit).await?;
    let chans = site_channels(&st, &site.unit);
    Ok(page(view(
        &st,
        &s,
        &site,
        &chans,
        &values(&chans),
        q.done == "saved",
    )))
}

fn int(p: &Posted, fs: &mut FormState, name: &str, min: i64, max: i64, what: &str) -> Option<i64> {
    match p.get(name).trim().parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Some(n),
        _ => {
            fs.add_error(name, format!("{what}应为 {min} 到 {max} 之间的整数"));
            None
        }
    }
}

pub async fn submit(
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
    let mut changed: Vec<Channel> = Vec::new();
    let (mut nav_changed, mut words) = (false, Vec::new());
    for c in chans.iter().filter(|c| !c.archived) {
        let mut n = c.clone();
        if c.parent.is_none() {
            n.in_nav = !p.get(&format!("nav-{}", c.id)).is_empty();
        }
        if let Some(o) = int(
            &p,
            &mut fs,
            &format!("navorder-{}", c.id),
            -9999,
            9999,
            "导航顺序",
        ) {
            n.order = o;
        }
        if c.kind == ChannelKind::List {
            n.on_home = !p.get(&format!("home-{}", c.id)).is_empty();
            if let Some(o) = int(
                &p,
                &mut fs,
                &format!("homeorder-{}", c.id),
                -9999,
                9999,
                "区块顺序",
            ) {
                n.home_order = o;
            }
            if let Some(k) = int(&p, &mut fs, &format!("items-{}", c.id), 1, 20, "条数") {
                n.home_items = u8::try_from(k).unwrap_or(8);
            }
        }
        if n != *c {
            if n.in_nav != c.in_nav || n.order != c.order {
                nav_changed = true;
            }
            words.push(format!(
                "{}：导航{}{}，首页{}{}（{}条）",
                n.name,
                if n.in_nav { "显示" } else { "不显示" },
                n.order,
                if n.on_home { "显示" } else { "不显示" },
                n.home_order,
                n.home_items
            ));
            changed.push(n);
        }
    }
    if fs.has_errors() {
        return Ok(html_invalid(view(&st, &s, &site, &chans, &fs, false)));
    }
    let back = format!("/admin/sites/{}/layout?done=saved", site.unit);
    if changed.is_empty() {
        return Ok(see_other(&back));
    }
    let ev = event(
        &s.user,
        &p.ctx,
        "site_layout",
        format!("site:{}", site.unit),
        true,
        words.join("；"),
    );
    let now = st.now_ms();
    st.store
        .write(move |txn| {
            for c in &changed {
                store::update_channel(txn, c)?;
            }
            audit::append(txn, ev, now).map(|_| ())
        })
        .await?;
    if nav_changed {
        st.portal().reload(&st)?;
    } else {
        st.portal()
            .reload_dropping(&st, Some(&[format!("home:{}", site.unit)]))?;
    }
    Ok(see_other(&back))
}
