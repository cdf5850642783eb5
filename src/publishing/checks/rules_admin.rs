//! 发布检查规则 (`/admin/checks`): the office edits the check rules as text
//! (`CheckRules::to_text` / `parse`), and tries them on pasted text in the 试一试 box without
//! saving. Kept by the system administrator or a 单位管理员 of the government office (or of the
//! root unit): `Action::ManageChecks` on the office's unit path.
//!
//! The page is one form with two buttons: 保存规则 (`op=save`) and 检查 (`op=try`), so a try
//! uses the rules as they stand in the box, edits included. Every field is a textarea, so
//! pressing Enter never submits by accident.

use std::collections::BTreeSet;

use axum::extract::{Query, State};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::content::{CheckRules, RuleErrors};
use super::{panel, rules_store, run};
use crate::auth::audit;
use crate::auth::model::{Role, Unit, UnitCode, UnitKind, User};
use crate::auth::permission::{Action, Object, SystemFacts, can};
use crate::auth::store as users;
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::{Posted, Staff};
use crate::http::respond::{html as page, html_invalid, see_other};
use crate::portal::model::{Article, Attachment};
use crate::views::form::{self, FormState};

const PATH: &str = "/admin/checks";
/// Longest rule text accepted (characters).
const MAX_RULES_CHARS: usize = 200_000;
/// Longest 试一试 text (characters).
const MAX_TRY_CHARS: usize = 200_000;

/// The unit path `Action::ManageChecks` is checked against: root … government office (the
/// first `UnitKind::Office` unit in tree order), or the root alone when there is no office.
pub fn office_path(units: &[Unit]) -> Vec<UnitCode> {
    let tree = users::tree_order(units);
    match tree.iter().find(|(_, u)| u.kind == UnitKind::Office) {
        Some((_, office)) => users::unit_path(units, &office.code),
        None => tree
            .first()
            .map(|(_, root)| vec![root.code.clone()])
            .unwrap_or_default(),
    }
}

async fn scope(st: &Shared) -> Result<Vec<UnitCode>> {
    let units = st.store.read(users::list_units).await?;
    Ok(office_path(&units))
}

async fn require(st: &Shared, s: &Staff) -> Result<Vec<UnitCode>> {
    let path = scope(st).await?;
    crate::staff::shell::require(st, s, Action::ManageChecks, Object::Unit(&path)).await?;
    Ok(path)
}

/// Whether the staff navigation shows 发布检查规则. Only a 单位管理员 who is not also a system
/// administrator costs a (small, synchronous) read of the unit table.
pub fn nav_allowed(st: &crate::http::AppState, u: &User) -> bool {
    let f = SystemFacts {
        secadmin_exists: true,
    };
    if can(u, Action::ManageChecks, Object::System, f) {
        return true;
    }
    if u.disabled || !u.has_role(Role::UnitAdmin) {
        return false;
    }
    st.store
        .read_blocking(users::list_units)
        .map(|units| {
            can(
                u,
                Action::ManageChecks,
                Object::Unit(&office_path(&units)),
                f,
            )
        })
        .unwrap_or(false)
}

/// A fingerprint of the stored rules, carried by the form to detect a concurrent save.
fn fingerprint(r: &CheckRules) -> String {
    crate::ids::sha256_hex(&serde_json::to_vec(r).unwrap_or_default())
}

fn summary(r: &CheckRules) -> Markup {
    let count = |sev| r.words.iter().filter(|w| w.severity == sev).count();
    use super::content::Severity::{Block, Warn};
    let wordings = r.wordings.len();
    let wrong: usize = r.wordings.iter().map(|w| w.wrong.len()).sum();
    html! {
        dl.kv {
            dt { "禁用词" } dd { (count(Block)) " 个（命中阻止发布）" }
            dt { "敏感词" } dd { (count(Warn)) " 个（命中只提示）" }
            dt { "规范写法" } dd { (wordings) " 条，错误写法 " (wrong) " 个" }
            dt { "允许的附件类型" }
            dd {
                @if r.allowed_extensions.is_empty() {
                    "（无：任何附件都不能发布）"
                } @else {
                    (r.allowed_extensions.join("、"))
                }
            }
        }
    }
}

fn help() -> Markup {
    html! {
        aside.card.check-help aria-labelledby="check-help-h" {
            h3 id="check-help-h" { "规则写法" }
            p { "每行一条规则；以 # 开头的行是注释，空行不起作用。" }
            dl.check-syntax {
                dt { code { "禁用词 词语 备注" } }
                dd { "命中即阻止发布；备注可不写，会显示给审核人。" }
                dt { code { "敏感词 词语 备注" } }
                dd { "命中只提示，不阻止。" }
                dt { code { "规范 正确写法 = 错误1, 错误2" } }
                dd { "出现任一错误写法即阻止发布，并提示正确写法。" }
                dt { code { "建议规范 正确写法 = 错误1" } }
                dd { "同上，只提示。" }
                dt { code { "附件类型 pdf doc docx" } }
                dd { "允许的附件扩展名；可写多行，累加。" }
            }
            ul {
                li { "词语和写法中不能有空格，每个不超过 50 个字。" }
                li { "错误写法之间可用 , ， 、 ; ； 或空格分隔；「=」也可写作全角「＝」。" }
                li { "匹配不分英文大小写和全角半角，汉字之间的空格忽略；英文词不会匹配到更长单词的中间。" }
                li { "同一词语只能出现一次：一个写法不能既是正确写法又是别处的错误写法。" }
                li { "错误写法出现在某个正确写法之中时不算错，例如「区长张三」在「副区长张三」里。" }
                li { "附件按文件扩展名判断；一行「附件类型」也没有时，任何附件都不能发布。" }
                li { "图片缺少替代文字、正文链接指向不存在或已撤下的本站信息，总是阻止发布。" }
            }
        }
    }
}

fn rules_field(fs: &FormState) -> Markup {
    let errors: Vec<&str> = fs
        .errors
        .iter()
        .filter(|(k, _)| k == "rules")
        .map(|(_, v)| v.as_str())
        .collect();
    let bad = !errors.is_empty();
    let described = if bad {
        "f-rules-err f-rules-hint"
    } else {
        "f-rules-hint"
    };
    html! {
        div.field.has-error[bad] {
            label for="f-rules" { "检查规则" }
            p.hint id="f-rules-hint" { "写法见右侧说明。保存后，新提交和待发布的信息都按新规则检查。" }
            @if bad {
                div.error id="f-rules-err" role="alert" {
                    ul { @for e in &errors { li { (e) } } }
                }
            }
            textarea.check-rules id="f-rules" name="rules" rows="20" spellcheck="false"
                aria-invalid=[bad.then_some("true")]
                aria-describedby=(described) { (fs.value("rules")) }
        }
    }
}

fn area(name: &str, label: &str, hint: &str, rows: u32, fs: &FormState) -> Markup {
    let id = format!("f-{name}");
    let hint_id = format!("{id}-hint");
    let err = fs.error(name);
    html! {
        div.field.has-error[err.is_some()] {
            label for=(id) { (label) }
            @if !hint.is_empty() { p.hint id=(hint_id) { (hint) } }
            @if let Some(e) = err { p.error id=(format!("{id}-err")) role="alert" { (e) } }
            textarea id=(id) name=(name) rows=(rows)
                aria-invalid=[err.map(|_| "true")]
                aria-describedby=[(!hint.is_empty()).then_some(hint_id.as_str())] { (fs.value(name)) }
        }
    }
}

/// `status`: a line about the last action (text, extra class of `.notice`).
fn view(
    st: &Shared,
    s: &Staff,
    stored: &CheckRules,
    fs: &FormState,
    status: Option<(&str, &str)>,
    tried: Option<Markup>,
) -> Markup {
    let base = if fs.value("base").is_empty() {
        fingerprint(stored)
    } else {
        fs.value("base").to_owned()
    };
    let body = html! {
        @if let Some((text, class)) = status {
            div class=(format!("notice {class}")) role="status" { (text) }
        }
        section.card {
            h2 { "当前生效的规则" }
            p {
                "信息提交审核和发布前，系统按这些规则检查标题、正文和附件名称。命中「阻止发布」的问题须修改，"
                "或由审核人填写放行理由后才能发布（理由记入审计日志）；「提示」只提醒，不阻止。"
            }
            (summary(stored))
        }
        (form::notice(fs))
        form.check-rules-form method="post" action=(PATH) novalidate {
            (form::csrf(&s.csrf))
            input type="hidden" name="base" value=(base);
            div.check-admin {
                section.card {
                    h2 { "编辑规则" }
                    (rules_field(fs))
                    div.actions {
                        button.primary type="submit" name="op" value="save" { "保存规则" }
                    }
                }
                (help())
            }
            section.card aria-labelledby="try-h" {
                h2 id="try-h" { "试一试" }
                p.hint {
                    "粘贴一段标题和正文，按「检查」，用上面框中的规则（包括尚未保存的修改）检查。不会保存任何内容。"
                }
                (area("try_title", "标题", "", 2, fs))
                (area("try_body", "正文", "可直接粘贴文字（空行分段），也可粘贴 HTML", 8, fs))
                (area("try_files", "附件文件名", "可不填；每行一个，如 通知.pdf", 2, fs))
                div.actions {
                    button type="submit" name="op" value="try" { "检查" }
                }
            }
        }
        @if let Some(t) = tried { (t) }
    };
    crate::staff::shell::render(st, s, "发布检查规则", body)
}

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

pub async fn page_get(
    State(st): State<Shared>,
    s: Staff,
    Query(q): Query<DoneQuery>,
) -> Result<Response> {
    require(&st, &s).await?;
    let stored = st.store.read(rules_store::load).await?;
    let fs = FormState {
        values: vec![("rules".into(), stored.to_text())],
        ..FormState::default()
    };
    let notice = match q.done.as_str() {
        "saved" => Some(("规则已保存，并已记入审计日志。", "ok")),
        "unchanged" => Some(("规则没有改动，未保存。", "")),
        _ => None,
    };
    Ok(page(view(&st, &s, &stored, &fs, notice, None)))
}

fn add_rule_errors(fs: &mut FormState, e: &RuleErrors) {
    for r in &e.0 {
        fs.add_error("rules", r.to_string());
    }
}

/// The audit detail of a change: the rule lines added and removed (capped).
fn change_detail(old: &CheckRules, new: &CheckRules) -> String {
    let lines = |r: &CheckRules| -> BTreeSet<String> {
        r.to_text()
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(str::to_owned)
            .collect()
    };
    let (o, n) = (lines(old), lines(new));
    let added: Vec<&String> = n.difference(&o).collect();
    let removed: Vec<&String> = o.difference(&n).collect();
    let join = |v: &[&String]| v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("｜");
    let mut d = format!("新增 {} 条", added.len());
    if !added.is_empty() {
        d.push_str(&format!("：{}", join(&added)));
    }
    d.push_str(&format!("；删除 {} 条", removed.len()));
    if !removed.is_empty() {
        d.push_str(&format!("：{}", join(&removed)));
    }
    if d.chars().count() > 1000 {
        d = d.chars().take(999).collect::<String>() + "…";
    }
    d
}

pub async fn submit(State(st): State<Shared>, p: Posted) -> Result<Response> {
    let s = p.staff(&st)?;
    let path = require(&st, &s).await?;
    let stored = st.store.read(rules_store::load).await?;
    let mut fs = FormState {
        values: p.kept(),
        ..FormState::default()
    };
    let text = p.get("rules");
    if text.chars().count() > MAX_RULES_CHARS {
        fs.add_error(
            "rules",
            format!("规则文本过长（不超过 {MAX_RULES_CHARS} 个字）"),
        );
        return Ok(html_invalid(view(&st, &s, &stored, &fs, None, None)));
    }
    let parsed = CheckRules::parse(text);
    if p.get("op") == "try" {
        return try_rules(&st, &s, &stored, fs, parsed, &p, &path).await;
    }
    let rules = match parsed {
        Ok(r) => r,
        Err(e) => {
            add_rule_errors(&mut fs, &e);
            return Ok(html_invalid(view(&st, &s, &stored, &fs, None, None)));
        }
    };
    let base = p.get("base").to_owned();
    let now = st.now_ms();
    let ev_user = s.user.clone();
    let ctx = p.ctx.clone();
    let outcome = st
        .store
        .write(move |txn| {
            let old = rules_store::load_w(txn)?;
            if old == rules {
                return Ok(Saved::Unchanged);
            }
            if !base.is_empty() && fingerprint(&old) != base {
                return Ok(Saved::Conflict(old));
            }
            rules_store::save(txn, &rules)?;
            let ev = crate::staff::shell::event(
                &ev_user,
                &ctx,
                "check_rules_update",
                rules_store::KEY.to_owned(),
                true,
                change_detail(&old, &rules),
            );
            audit::append(txn, ev, now)?;
            Ok(Saved::Done)
        })
        .await?;
    match outcome {
        Saved::Done => Ok(see_other(&format!("{PATH}?done=saved"))),
        Saved::Unchanged => Ok(see_other(&format!("{PATH}?done=unchanged"))),
        Saved::Conflict(current) => {
            fs.notice = Some(
                "保存前规则已被他人修改。下方“当前生效的规则”已是最新；您的输入仍保留在框中，请核对后再保存。"
                    .into(),
            );
            fs.values.retain(|(k, _)| k != "base");
            fs.values.push(("base".into(), fingerprint(&current)));
            Ok(html_invalid(view(&st, &s, &current, &fs, None, None)))
        }
    }
}

enum Saved {
    Done,
    Unchanged,
    Conflict(CheckRules),
}

async fn try_rules(
    st: &Shared,
    s: &Staff,
    stored: &CheckRules,
    mut fs: FormState,
    parsed: std::result::Result<CheckRules, RuleErrors>,
    p: &Posted,
    path: &[UnitCode],
) -> Result<Response> {
    let title = p
        .get("try_title")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let body = p.get("try_body");
    if title.chars().count() + body.chars().count() > MAX_TRY_CHARS {
        fs.add_error(
            "try_body",
            format!("内容过长（不超过 {MAX_TRY_CHARS} 个字）"),
        );
    }
    if title.is_empty() && body.trim().is_empty() && p.get("try_files").trim().is_empty() {
        fs.add_error("try_body", "请粘贴要检查的标题或正文");
    }
    let rules = match parsed {
        Ok(r) => Some(r),
        Err(e) => {
            add_rule_errors(&mut fs, &e);
            fs.notice = Some("规则有误，请先按提示修改，再检查。".into());
            None
        }
    };
    let (Some(rules), false) = (rules, fs.has_errors()) else {
        return Ok(html_invalid(view(st, s, stored, &fs, None, None)));
    };
    let home = st
        .portal()
        .snapshot()
        .main_site()
        .map(|m| m.unit.clone())
        .or_else(|| path.first().cloned())
        .ok_or_else(|| Error::Internal("no unit to check links against".into()))?;
    let attachments = p
        .get("try_files")
        .lines()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .take(50)
        .map(|n| Attachment {
            sha: String::new(),
            name: n.to_owned(),
            size: 0,
            mime: String::new(),
        })
        .collect();
    let a = Article {
        title,
        body_html: crate::publishing::editor::body_html(body),
        attachments,
        ..Article::blank(0, home, &s.user.username)
    };
    let findings = run::run_with(st, rules, &a).await?;
    let names: Vec<&str> = a.attachments.iter().map(|x| x.name.as_str()).collect();
    let tried = panel::panel_parts(&a.title, &a.body_html, &names, &findings, false);
    Ok(page(view(st, s, stored, &fs, None, Some(tried))))
}
