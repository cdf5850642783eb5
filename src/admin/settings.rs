//! 系统设置 (/admin/settings, 系统管理员): every setting of `config::settings!`, grouped as the
//! file is, with its Chinese label and help. A setting that takes effect while running is
//! edited here, checked exactly as the file is (`Config::set_text`, `Config::check`), saved
//! in the data folder (`tables::SETTINGS`, so a backup carries it) and put in effect at once
//! (`AppState::set_config`). A setting given by the file, an environment variable or a flag
//! is shown locked with where it comes from; one read only at start is shown read-only with
//! that reason. Secrets are never shown back. Every change is audited with before and after.

use axum::extract::{Query, State};
use axum::response::Response;
use maud::{Markup, html};
use redb::{ReadTransaction, ReadableTable};
use serde::Deserialize;

use crate::auth::audit;
use crate::auth::permission::{Action, Object};
use crate::config::{Config, Kind, SettingInfo};
use crate::error::Result;
use crate::http::Shared;
use crate::http::extract::{Posted, Staff};
use crate::http::respond::{html as page, html_invalid, see_other};
use crate::staff::shell::{event, render, require};
use crate::store::tables;
use crate::views::form::{self, FormState};

const HOME: &str = "/admin/settings";

/// The groups, as the file has them, with their names on screen.
const SECTIONS: [(&str, &str); 9] = [
    ("site", "网站名称与页脚"),
    ("auth", "登录与密码"),
    ("backup", "备份"),
    ("audit", "审计"),
    ("ops", "运维监控"),
    ("server", "服务"),
    ("tls", "HTTPS"),
    ("memory", "内存"),
    ("log", "日志"),
];

/// Settings saved in the panel: key → the value as TOML text.
pub fn saved(txn: &ReadTransaction) -> Result<Vec<(String, String)>> {
    let t = txn.open_table(tables::SETTINGS)?;
    let mut out = Vec::new();
    for row in t.iter()? {
        let (k, v) = row?;
        out.push((
            k.value().to_owned(),
            String::from_utf8_lossy(v.value()).into_owned(),
        ));
    }
    Ok(out)
}

/// Whether the panel may change this setting now, and if not, why.
fn locked_why(cfg: &Config, info: &SettingInfo) -> Option<String> {
    if let Some(from) = cfg.locked.get(&info.key()) {
        return Some(format!("由{from}设定，不能在此修改。"));
    }
    info.restart
        .then(|| "服务启动时读取，修改后须重启：请在配置文件中设置。".to_owned())
}

/// The value as the form shows it: lists one entry a line, TOML strings unquoted.
fn shown(cfg: &Config, info: &SettingInfo) -> String {
    let key = info.key();
    match info.kind {
        Kind::List => {
            let v = cfg.value_toml(&key).unwrap_or_default();
            toml::from_str::<toml::Table>(&format!("v = {v}"))
                .ok()
                .and_then(|t| t.get("v").and_then(|x| x.as_array().cloned()))
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_owned))
                        .collect::<Vec<_>>()
                        .join("\n")
                })
                .unwrap_or_default()
        }
        Kind::Text => {
            let v = cfg.value_toml(&key).unwrap_or_default();
            toml::from_str::<toml::Table>(&format!("v = {v}"))
                .ok()
                .and_then(|t| t.get("v").and_then(|x| x.as_str().map(str::to_owned)))
                .unwrap_or_default()
        }
        Kind::Number | Kind::Flag => cfg.value_toml(&key).unwrap_or_default(),
    }
}

fn values_of(cfg: &Config) -> Vec<(String, String)> {
    Config::infos()
        .iter()
        .filter(|i| !i.secret)
        .map(|i| (i.key(), shown(cfg, i)))
        .collect()
}

fn field(cfg: &Config, info: &SettingInfo, fs: &FormState) -> Markup {
    let key = info.key();
    let id = format!("f-{}", key.replace('.', "-"));
    let err = fs.error(&key);
    let from = cfg.source_of(&key).unwrap_or_else(|| "默认值".into());
    let described = format!(
        "{id}-hint{}",
        if err.is_some() {
            format!(" {id}-err")
        } else {
            String::new()
        }
    );
    if let Some(why) = locked_why(cfg, info) {
        let v = if info.secret {
            if shown(cfg, info).is_empty() {
                "（未设置）".to_owned()
            } else {
                "（已设置，不显示）".to_owned()
            }
        } else {
            shown(cfg, info)
        };
        return html! {
            div.field.locked {
                span.label #(id) { (info.label) }
                p.hint { (info.help) }
                p { code { @if v.is_empty() { "（空）" } @else { (v) } } " " span.badge.locked { "已锁定：" (why) } }
            }
        };
    }
    html! {
        div.field.has-error[err.is_some()] {
            @match info.kind {
                Kind::Flag => {
                    @if let Some(e) = err { p.error id=(format!("{id}-err")) role="alert" { (e) } }
                    div.check {
                        input type="checkbox" id=(id) name=(key) value="true" checked[fs.value(&key) == "true"] aria-describedby=(described);
                        label for=(id) { (info.label) }
                    }
                    p.hint id=(format!("{id}-hint")) { (info.help) "（当前来源：" (from) "）" }
                }
                _ => {
                    label for=(id) { (info.label) }
                    p.hint id=(format!("{id}-hint")) {
                        (info.help) "（当前来源：" (from) "）"
                        @if info.secret { " 出于安全不显示已设置的值；留空则不修改。" }
                    }
                    @if let Some(e) = err { p.error id=(format!("{id}-err")) role="alert" { (e) } }
                    @match info.kind {
                        Kind::List => textarea id=(id) name=(key) rows="3" aria-describedby=(described) aria-invalid=[err.map(|_| "true")] { (fs.value(&key)) },
                        Kind::Number => input id=(id) name=(key) type="number" min="0" inputmode="numeric" value=(fs.value(&key)) aria-describedby=(described) aria-invalid=[err.map(|_| "true")];,
                        _ => @if info.secret {
                            input id=(id) name=(key) type="password" autocomplete="new-password" value="" aria-describedby=(described) aria-invalid=[err.map(|_| "true")];
                        } @else {
                            input id=(id) name=(key) type="text" value=(fs.value(&key)) aria-describedby=(described) aria-invalid=[err.map(|_| "true")];
                        },
                    }
                }
            }
        }
    }
}

fn view(st: &Shared, s: &Staff, fs: &FormState, failed: Option<&str>, done: bool) -> Markup {
    let cfg = st.cfg();
    let infos = Config::infos();
    // The section that failed shows what was posted; the others the values in effect.
    let current = FormState {
        values: values_of(&cfg),
        ..Default::default()
    };
    let body = html! {
        p { "这里的设置保存在数据目录中（随备份一起备份），保存后立即生效，无需重启。标为“已锁定”的设置由配置文件、环境变量或命令行参数设定，或须重启才能生效，只能在服务器上修改。" }
        @if done { div.notice.ok role="status" { "设置已保存并立即生效。" } }
        @for (section, title) in SECTIONS {
            @let mine: Vec<&SettingInfo> = infos.iter().filter(|i| i.section == section).collect();
            @let editable = mine.iter().any(|i| locked_why(&cfg, i).is_none());
            section.card aria-labelledby=(format!("set-{section}-h")) {
                h2 id=(format!("set-{section}-h")) { (title) }
                @if failed == Some(section) { (form::notice(fs)) }
                form method="post" action=(HOME) novalidate {
                    (form::csrf(&s.csrf))
                    input type="hidden" name="section" value=(section);
                    @for i in &mine { (field(&cfg, i, if failed == Some(section) { fs } else { &current })) }
                    @if editable {
                        button.primary type="submit" { "保存" (title) "设置" }
                    }
                }
            }
        }
    };
    render(st, s, "系统设置", body)
}

#[derive(Deserialize, Default)]
pub struct SettingsQuery {
    #[serde(default)]
    done: String,
}

pub async fn show(
    State(st): State<Shared>,
    s: Staff,
    Query(q): Query<SettingsQuery>,
) -> Result<Response> {
    require(&st, &s, Action::RunSystem, Object::System).await?;
    let fs = FormState::default();
    Ok(page(view(&st, &s, &fs, None, q.done == "saved")))
}

/// The form's text for one setting, as `Config::set_text` reads it.
fn posted_text(p: &Posted, info: &SettingInfo) -> Option<String> {
    let key = info.key();
    // A field the post does not carry is left as it is (an unchecked box is simply absent).
    if info.kind != Kind::Flag && !p.fields.iter().any(|(k, _)| *k == key) {
        return None;
    }
    match info.kind {
        Kind::Flag => Some(
            if p.get(&key) == "true" {
                "true"
            } else {
                "false"
            }
            .to_owned(),
        ),
        Kind::List => Some(
            p.get(&key)
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join(","),
        ),
        // A secret left empty keeps its value.
        Kind::Text if info.secret && p.get(&key).is_empty() => None,
        Kind::Number | Kind::Text => Some(p.get(&key).trim().to_owned()),
    }
}

pub async fn submit(State(st): State<Shared>, p: Posted) -> Result<Response> {
    let s = p.staff(&st)?;
    require(&st, &s, Action::RunSystem, Object::System).await?;
    let section = p.get("section").to_owned();
    let current = st.cfg();
    let mut next: Config = (*current).clone();
    let mut fs = FormState {
        values: p.kept(),
        ..Default::default()
    };
    let infos = Config::infos();
    let mut changed: Vec<(String, String, String, bool)> = Vec::new();
    for info in infos.iter().filter(|i| i.section == section) {
        let key = info.key();
        if let Some(why) = locked_why(&current, info) {
            // A locked setting sent anyway (a stale page, a script) is refused, not ignored.
            if p.fields.iter().any(|(k, _)| *k == key) {
                fs.add_error(&key, why);
            }
            continue;
        }
        let Some(text) = posted_text(&p, info) else {
            continue;
        };
        let before = current.value_toml(&key).unwrap_or_default();
        if let Err(e) = next.set_text(&key, &text, "管理后台") {
            fs.add_error(&key, format!("{}：应为{}", info.label, info.type_name));
            tracing::debug!("{e}");
            continue;
        }
        let after = next.value_toml(&key).unwrap_or_default();
        if after != before {
            next.panel.insert(key.clone());
            changed.push((key, before, after, info.secret));
        }
    }
    if !fs.has_errors()
        && let Err(e) = next.check()
    {
        // The rule names its key: the message goes next to that field when it is here.
        match infos
            .iter()
            .find(|i| i.section == section && e.0.contains(&i.key()))
        {
            Some(i) => fs.add_error(&i.key(), e.0.trim_start_matches("配置错误：").to_owned()),
            None => fs.notice = Some(e.0.clone()),
        }
    }
    if fs.has_errors() || fs.notice.is_some() {
        return Ok(html_invalid(view(&st, &s, &fs, Some(&section), false)));
    }
    if changed.is_empty() {
        return Ok(see_other(&format!("{HOME}?done=saved")));
    }
    let detail = changed
        .iter()
        .map(|(k, b, a, secret)| {
            if *secret {
                format!("{k}：（已修改）")
            } else {
                format!("{k}：{b} → {a}")
            }
        })
        .collect::<Vec<_>>()
        .join("；");
    let ev = event(
        &s.user,
        &p.ctx,
        "settings_change",
        format!("settings:{section}"),
        true,
        detail,
    );
    let now = st.now_ms();
    let rows: Vec<(String, String)> = changed
        .iter()
        .map(|(k, _, a, _)| (k.clone(), a.clone()))
        .collect();
    st.store
        .write(move |txn| {
            let mut t = txn.open_table(tables::SETTINGS)?;
            for (k, v) in &rows {
                t.insert(k.as_str(), v.as_bytes())?;
            }
            drop(t);
            audit::append(txn, ev, now).map(|_| ())
        })
        .await?;
    st.set_config(next);
    // The portal's name is shown from its snapshot too.
    st.portal().reload(&st)?;
    Ok(see_other(&format!("{HOME}?done=saved")))
}
