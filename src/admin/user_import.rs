//! 批量导入账号 (`/admin/users/import`, 安全管理员): a CSV file of ordinary accounts
//! (信息员、审核人、发布人、单位管理员) created in one go. The three separated admin duties are
//! never imported: they need a second admin's approval (`admin::requests`).
//!
//! Two posts. "检查" reads the file (UTF-8 with or without a BOM, or GBK; `parse`), checks
//! every row and shows each with its line and either 可导入 or every problem; nothing is
//! saved. When every row passes, "确认导入 N 个账号" posts the checked text back (a hidden
//! field), which is checked again from the start and then written in one transaction: every
//! account or none. Passwords are hashed before the transaction; those the file leaves empty
//! are generated and shown once on the result page. Every account must change its password
//! at first login. Audited: one `user_create` per account (as the single form does) and one
//! `user_import` with the count and the usernames, in the same transaction.
//!
//! The post is multipart and is read as the restore upload is: the session first, then the
//! `csrf` field, which must come first, then the permission, then the rest, the file kept
//! in memory up to `parse::MAX_FILE`.

mod parse;

use std::collections::HashSet;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use self::parse::{Account, Checked};
use crate::auth::audit;
use crate::auth::model::{Grant, UnitCode};
use crate::auth::permission::{Action, Object};
use crate::auth::store::{self as users, NewUser};
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::{Ctx, Staff, same_origin};
use crate::http::respond::{html as page, html_invalid};
use crate::staff::shell::{event, policy, render, require};
use crate::views::form::{self, FormState};

pub use self::parse::{MAX_FILE, MAX_ROWS};

/// The page and its form's target.
pub const PATH: &str = "/admin/users/import";
/// The template file.
pub const TEMPLATE: &str = "/admin/users/import/template.csv";
/// The largest request the import route reads: a file over `MAX_FILE` still arrives whole,
/// so it can be refused with a message; beyond this the server answers 413.
pub const MAX_REQUEST: usize = 8 * 1024 * 1024;
/// The checked text sent back may be larger than the file (GBK → UTF-8).
const MAX_TEXT: usize = 2 * MAX_FILE;

fn title() -> &'static str {
    "批量导入账号"
}

/// The explanation and the upload form.
fn upload_form(s: &Staff, fs: &FormState) -> Markup {
    let err = fs.error("file");
    html! {
        section.card {
            h2 { "上传 CSV 文件" }
            p { "每行一个账号，第一行为表头：" code { (parse::HEADER) } "。可用 Excel 编辑后“另存为”CSV（UTF-8 或中文 Windows 默认的 GBK 编码均可）。" }
            ul {
                li { "用户名：3 到 32 个字母、数字、下划线、点或连字符，不能与已有账号重复。" }
                li { "单位代码：组织机构中的单位代码，如 " code { "commerce" } "。" }
                li { "角色：信息员、审核人、发布人或单位管理员（也可写 reporter、reviewer、publisher、unit_admin）。系统管理员、安全管理员、审计管理员须经另一位管理员批准，不能批量导入，请在“新建账号”中逐个提出。" }
                li { "初始密码：可留空，由系统生成并在导入完成后显示一次。所有导入的账号首次登录后须修改密码。" }
            }
            p { "一次最多 " (MAX_ROWS) " 个账号，文件不超过 " (MAX_FILE / (1024 * 1024)) " MB。先检查，检查全部通过后再确认导入；导入时所有账号一起创建，任何一行出错则一个也不创建。" }
            p { a href=(TEMPLATE) download { "下载导入模板（CSV）" } }
            form method="post" action=(PATH) enctype="multipart/form-data" novalidate {
                (form::csrf(&s.csrf))
                input type="hidden" name="step" value="check";
                div.field.has-error[err.is_some()] {
                    label for="f-file" { "CSV 文件" }
                    @if let Some(e) = err { p.error #f-file-err role="alert" { (e) } }
                    input #f-file type="file" name="file" accept=".csv,text/csv" aria-invalid=[err.map(|_| "true")] aria-describedby=[err.map(|_| "f-file-err")];
                }
                button.primary type="submit" { "检查" }
            }
        }
    }
}

fn form_page(st: &Shared, s: &Staff, fs: &FormState) -> Markup {
    let body = html! {
        (form::notice(fs))
        (upload_form(s, fs))
        p { a href="/admin/users" { "返回账号与角色" } }
    };
    render(st, s, title(), body)
}

/// The form again with `msg` beside the file field (422).
fn refused(st: &Shared, s: &Staff, msg: impl Into<String>) -> Response {
    let mut fs = FormState::default();
    fs.add_error("file", msg);
    html_invalid(form_page(st, s, &fs))
}

/// GET: the explanation, the template and the form.
pub async fn show(State(st): State<Shared>, s: Staff) -> Result<Response> {
    require(&st, &s, Action::ManageAccounts, Object::System).await?;
    Ok(page(form_page(&st, &s, &FormState::default())))
}

/// GET: the template, UTF-8 with a BOM, the header and one example row (a real unit).
pub async fn template(State(st): State<Shared>, s: Staff) -> Result<Response> {
    require(&st, &s, Action::ManageAccounts, Object::System).await?;
    let units = st.store.read(users::list_units).await?;
    let order = users::tree_order(&units);
    let example = order
        .iter()
        .find(|(d, _)| *d > 0)
        .or(order.first())
        .map_or_else(|| "gov".to_owned(), |(_, u)| u.code.to_string());
    let mut r = parse::template(&example).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    let disposition = format!(
        "attachment; filename=\"users-import-template.csv\"; filename*=UTF-8''{}",
        percent_encoding::utf8_percent_encode("账号导入模板.csv", crate::ids::URL_COMPONENT)
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(r)
}

/// What the post carried, its token already checked.
#[derive(Default)]
struct Input {
    /// The uploaded file's bytes (within `MAX_FILE`).
    file: Option<Vec<u8>>,
    /// A file (or the checked text) was over its limit; nothing of it is kept.
    too_large: bool,
    /// The checked text sent back by the confirmation form.
    text: Option<String>,
    commit: bool,
}

/// Reads at most `limit` bytes of a part; `None` when it was larger (the rest is drained).
async fn read_part(
    f: &mut axum::extract::multipart::Field<'_>,
    limit: usize,
) -> Result<Option<Vec<u8>>> {
    let mut buf = Some(Vec::new());
    while let Some(c) = f
        .chunk()
        .await
        .map_err(crate::http::upload_form::interrupted)?
    {
        if let Some(b) = buf.as_mut() {
            if b.len() + c.len() > limit {
                buf = None;
            } else {
                b.extend_from_slice(&c);
            }
        }
    }
    Ok(buf)
}

/// Reads the post: the token first (multipart: the first part), nothing else before it
/// matches the session's.
async fn read_input(st: &Shared, s: &Staff, req: Request) -> Result<Input> {
    let token_ok = |given: &str| {
        !given.is_empty() && crate::ids::secret_eq(given.as_bytes(), s.csrf.as_bytes())
    };
    let ct = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    if !ct.starts_with("multipart/form-data") {
        // Not the page's form (or a script): an ordinary form, same token rule.
        let bytes = axum::body::to_bytes(req.into_body(), MAX_REQUEST)
            .await
            .map_err(|_| Error::TooLarge)?;
        let fields: Vec<(String, String)> = if ct.starts_with("application/x-www-form-urlencoded") {
            form_urlencoded::parse(&bytes)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        } else {
            Vec::new()
        };
        let get = |name: &str| {
            fields
                .iter()
                .find(|(k, _)| k == name)
                .map_or("", |(_, v)| v.as_str())
        };
        if !token_ok(get("csrf")) {
            return Err(Error::Csrf);
        }
        let text = get("csv_text");
        return Ok(Input {
            too_large: text.len() > MAX_TEXT,
            text: (!text.is_empty() && text.len() <= MAX_TEXT).then(|| text.to_owned()),
            commit: get("step") == "commit",
            ..Input::default()
        });
    }
    let mut mp = crate::http::upload_form::after_token(req, st, &s.csrf).await?;
    let mut input = Input::default();
    while let Some(mut f) = mp
        .next_field()
        .await
        .map_err(crate::http::upload_form::interrupted)?
    {
        match f.name() {
            Some("file") if f.file_name().is_some_and(|n| !n.is_empty()) => {
                match read_part(&mut f, MAX_FILE).await? {
                    Some(b) => input.file = Some(b),
                    None => input.too_large = true,
                }
            }
            Some("csv_text") => match read_part(&mut f, MAX_TEXT).await? {
                Some(b) => {
                    let t = String::from_utf8(b)
                        .map_err(|_| Error::BadRequest("表单内容不是 UTF-8 文本".into()))?;
                    input.text = (!t.is_empty()).then_some(t);
                }
                None => input.too_large = true,
            },
            Some("step") => {
                input.commit = read_part(&mut f, 64).await?.as_deref() == Some(b"commit");
            }
            _ => {
                while f
                    .chunk()
                    .await
                    .map_err(crate::http::upload_form::interrupted)?
                    .is_some()
                {}
            }
        }
    }
    Ok(input)
}

/// POST: "检查" (the file) or "确认导入" (the checked text again, `step=commit`).
pub async fn submit(State(st): State<Shared>, ctx: Ctx, req: Request) -> Result<Response> {
    let s = ctx.staff(&st)?;
    if !same_origin(req.headers()) {
        return Err(Error::Csrf);
    }
    let input = read_input(&st, &s, req).await?;
    require(&st, &s, Action::ManageAccounts, Object::System).await?;
    if input.too_large {
        return Ok(refused(
            &st,
            &s,
            format!(
                "文件超过 {} MB，未读取。请把文件分成几个较小的文件分别导入",
                MAX_FILE / (1024 * 1024)
            ),
        ));
    }
    let (text, encoding) = match (input.file, input.text) {
        (Some(bytes), _) => match parse::decode(&bytes) {
            Ok((t, e)) => (t, Some(e)),
            Err(m) => return Ok(refused(&st, &s, m)),
        },
        (None, Some(t)) => (t, None),
        (None, None) => return Ok(refused(&st, &s, "请选择要导入的 CSV 文件")),
    };
    let rows = match parse::read_rows(&text) {
        Ok(r) => r,
        Err(m) => return Ok(refused(&st, &s, m)),
    };
    let checked = check_rows(&st, rows).await?;
    let all_ok = checked.iter().all(|c| c.outcome.is_ok());
    if !input.commit || !all_ok {
        let notice = (input.commit && !all_ok).then(|| {
            html! { "未导入：重新检查时发现问题，一个账号也没有创建。请按提示修改文件后重新检查。" }
        });
        let view = checked_page(&st, &s, &text, encoding, &checked, notice);
        return Ok(if all_ok {
            page(view)
        } else {
            html_invalid(view)
        });
    }
    let accounts: Vec<Account> = checked.into_iter().filter_map(|c| c.outcome.ok()).collect();
    commit(&st, &s, &ctx, &text, accounts).await
}

/// Checks the rows against the units and accounts that exist now.
async fn check_rows(st: &Shared, rows: Vec<parse::Row>) -> Result<Vec<Checked>> {
    let (units, taken) = st
        .store
        .read(|txn| {
            // A retired unit takes no new accounts: its code reads as unknown.
            let units: HashSet<UnitCode> = users::list_units(txn)?
                .into_iter()
                .filter(|u| !u.retired)
                .map(|u| u.code)
                .collect();
            let taken: HashSet<String> = users::list_users(txn)?
                .into_iter()
                .map(|u| u.username.to_ascii_lowercase())
                .collect();
            Ok((units, taken))
        })
        .await?;
    let known = parse::Known {
        units: &units,
        taken: &taken,
        policy: policy(st),
    };
    Ok(parse::check(rows, &known))
}

fn role_cell(c: &Checked) -> String {
    match &c.outcome {
        Ok(a) => a.role.label().to_owned(),
        Err(_) => parse::shown(&c.row.role),
    }
}

/// The dry run's answer: every row with its line and 可导入 or its problems; when all pass,
/// the confirmation form carrying the checked text.
fn checked_page(
    st: &Shared,
    s: &Staff,
    text: &str,
    encoding: Option<parse::Encoding>,
    checked: &[Checked],
    notice: Option<Markup>,
) -> Markup {
    let bad = checked.iter().filter(|c| c.outcome.is_err()).count();
    let n = checked.len();
    let body = html! {
        @if let Some(m) = &notice { div.notice.error role="alert" { (m) } }
        @if bad == 0 {
            div.notice.ok role="status" { "检查通过：" (n) " 个账号都可以导入。尚未保存，请核对后确认导入。" }
        } @else if notice.is_none() {
            div.notice.error role="alert" { "检查发现问题：" (n) " 行中有 " (bad) " 行不能导入，未保存任何账号。请修改文件后重新检查。" }
        }
        table.data.cards {
            caption {
                "检查结果（共 " (n) " 行"
                @if let Some(e) = encoding { "，文件编码 " (e.label()) }
                "）"
            }
            thead { tr {
                th scope="col" { "行号" } th scope="col" { "用户名" } th scope="col" { "姓名" }
                th scope="col" { "单位代码" } th scope="col" { "角色" } th scope="col" { "初始密码" } th scope="col" { "检查结果" }
            } }
            tbody {
                @for c in checked {
                    tr {
                        td.card-title { "第 " (c.row.line) " 行" }
                        td data-label="用户名" { (parse::shown(&c.row.username)) }
                        td data-label="姓名" { (parse::shown(&c.row.display_name)) }
                        td data-label="单位代码" { (parse::shown(&c.row.unit)) }
                        td data-label="角色" { (role_cell(c)) }
                        td data-label="初始密码" { @if c.row.password.is_empty() { "系统生成" } @else { "已填写" } }
                        td data-label="检查结果" {
                            @match &c.outcome {
                                Ok(_) => span.ok { "可导入" },
                                Err(problems) => ul.problems { @for p in problems { li { (p) } } },
                            }
                        }
                    }
                }
            }
        }
        @if bad == 0 {
            form method="post" action=(PATH) enctype="multipart/form-data" {
                (form::csrf(&s.csrf))
                input type="hidden" name="step" value="commit";
                input type="hidden" name="csv_text" value=(text);
                button.primary type="submit" { "确认导入 " (n) " 个账号" }
            }
            p { a href=(PATH) { "放弃，重新选择文件" } }
        } @else {
            (upload_form(s, &FormState::default()))
            p { a href="/admin/users" { "返回账号与角色" } }
        }
    };
    render(st, s, title(), body)
}

/// Hashes the passwords on blocking threads, a share per core.
async fn hash_all(passwords: Vec<String>) -> Result<Vec<String>> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let share = passwords.len().div_ceil(cores).max(1);
    let mut tasks = Vec::new();
    for chunk in passwords.chunks(share) {
        let chunk = chunk.to_vec();
        tasks.push(tokio::task::spawn_blocking(move || {
            chunk
                .iter()
                .map(|p| crate::auth::password::hash(p))
                .collect::<Result<Vec<_>>>()
        }));
    }
    let mut out = Vec::with_capacity(passwords.len());
    for t in tasks {
        out.extend(t.await??);
    }
    Ok(out)
}

/// A created account as the result page lists it.
struct Created {
    username: String,
    display_name: String,
    unit: UnitCode,
    role: &'static str,
    /// The generated password, shown this once; `None`: the file's.
    generated: Option<String>,
}

/// Creates every account in one write transaction, or none.
async fn commit(
    st: &Shared,
    s: &Staff,
    ctx: &Ctx,
    text: &str,
    accounts: Vec<Account>,
) -> Result<Response> {
    let pol = policy(st);
    let passwords: Vec<(String, bool)> = accounts
        .iter()
        .map(|a| match &a.password {
            Some(p) => (p.clone(), false),
            None => (parse::generate_password(pol, a.username.as_str()), true),
        })
        .collect();
    let hashes = hash_all(passwords.iter().map(|(p, _)| p.clone()).collect()).await?;
    let created: Vec<Created> = accounts
        .iter()
        .zip(&passwords)
        .map(|(a, (p, generated))| Created {
            username: a.username.as_str().to_owned(),
            display_name: a.display_name.clone(),
            unit: a.unit.clone(),
            role: a.role.label(),
            generated: generated.then(|| p.clone()),
        })
        .collect();
    let events: Vec<audit::Event> = accounts
        .iter()
        .map(|a| {
            event(
                &s.user,
                ctx,
                "user_create",
                format!("user:{}", a.username.as_str()),
                true,
                format!("角色 {} @ {}（批量导入）", a.role.id(), a.unit),
            )
        })
        .collect();
    let names: Vec<&str> = accounts.iter().map(|a| a.username.as_str()).collect();
    let summary = event(
        &s.user,
        ctx,
        "user_import",
        "users".into(),
        true,
        format!("批量导入 {} 个账号：{}", names.len(), names.join("、")),
    );
    let now = st.now_ms();
    let r = st
        .store
        .write(move |txn| {
            // Checked again inside the transaction: an account or unit that changed since
            // the check stops them all before anything is written.
            let mut problems = Vec::new();
            for a in &accounts {
                if users::find_user_w(txn, a.username.as_str())?.is_some() {
                    problems.push(format!(
                        "第 {} 行：用户名 {} 已被使用",
                        a.line,
                        a.username.as_str()
                    ));
                }
                if users::get_unit_w(txn, &a.unit)?.is_none() {
                    problems.push(format!("第 {} 行：单位代码 {} 不存在", a.line, a.unit));
                }
            }
            if !problems.is_empty() {
                return Ok(Err(problems));
            }
            for (a, hash) in accounts.into_iter().zip(hashes) {
                let line = a.line;
                let made = users::create_user(
                    txn,
                    NewUser {
                        username: a.username,
                        display_name: a.display_name,
                        unit: a.unit.clone(),
                        grants: vec![Grant {
                            role: a.role,
                            unit: a.unit,
                        }],
                        password_hash: hash,
                        must_change_password: true,
                    },
                    now,
                )?;
                if let Err(e) = made {
                    // Aborts the transaction: nothing of this import is kept.
                    return Err(Error::Conflict(format!("第 {line} 行：{}", e.message)));
                }
            }
            for ev in events {
                audit::append(txn, ev, now)?;
            }
            audit::append(txn, summary, now)?;
            Ok(Ok(()))
        })
        .await;
    let problems = match r {
        Ok(Ok(())) => return Ok(page(done_page(st, s, &created))),
        Ok(Err(p)) => p,
        Err(Error::Conflict(m)) => vec![m],
        Err(e) => return Err(e),
    };
    // Checked afresh so each row shows what stops it now.
    let rows = parse::read_rows(text).map_err(Error::BadRequest)?;
    let checked = check_rows(st, rows).await?;
    let notice = html! {
        "未导入：写入时发现问题，一个账号也没有创建。"
        ul { @for p in &problems { li { (p) } } }
    };
    Ok(html_invalid(checked_page(
        st,
        s,
        text,
        None,
        &checked,
        Some(notice),
    )))
}

/// The result: every account created, the generated passwords shown this once.
fn done_page(st: &Shared, s: &Staff, created: &[Created]) -> Markup {
    let body = html! {
        div.notice.ok role="status" { "已导入 " (created.len()) " 个账号。所有账号首次登录后须修改密码。" }
        @if created.iter().any(|c| c.generated.is_some()) {
            p.notice.warn role="note" { "系统生成的初始密码只在此页显示这一次，请现在记下并分别告知本人；离开此页后无法再查看，忘记时只能重置密码。" }
        }
        table.data.cards #imported {
            caption { "导入的账号" }
            thead { tr {
                th scope="col" { "用户名" } th scope="col" { "姓名" } th scope="col" { "单位代码" } th scope="col" { "角色" } th scope="col" { "初始密码" }
            } }
            tbody {
                @for c in created {
                    tr {
                        td.card-title { (c.username) }
                        td data-label="姓名" { (c.display_name) }
                        td data-label="单位代码" { (c.unit) }
                        td data-label="角色" { (c.role) }
                        td data-label="初始密码" {
                            @match &c.generated {
                                Some(p) => code.password { (p) },
                                None => "文件中填写的密码",
                            }
                        }
                    }
                }
            }
        }
        p { a href="/admin/users" { "返回账号与角色" } }
    };
    render(st, s, title(), body)
}
