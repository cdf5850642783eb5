//! Every route × every role in one table, CSRF on every POST, and the operations
//! endpoints (/healthz, /readyz, /metrics) and the 404 page.

use std::time::{Duration, Instant};

use gongkai::app::router::ROUTES;
use gongkai::auth::model::Role;

use crate::helpers::{Client, PASSWORD, Resp, TestApp, main_of};

/// Columns of the table, in order.
const ROLES: [Option<Role>; 8] = [
    None,
    Some(Role::Reporter),
    Some(Role::Reviewer),
    Some(Role::Publisher),
    Some(Role::UnitAdmin),
    Some(Role::Sysadmin),
    Some(Role::Secadmin),
    Some(Role::Auditor),
];

// Expected outcomes: a status, or "303 <location>" for a redirect.
const OK: &str = "200";
const NO: &str = "403";
const BAD: &str = "422"; // the form was re-shown with its errors: the permission check passed
const LOGIN: &str = "303 /login";
const HOME: &str = "303 /";
const ADMIN: &str = "303 /admin";
const ACCOUNT: &str = "303 /account";
const USER: &str = "303 /admin/users/{id}";
const BACKED_UP: &str = "303 /admin/system?done=backup";
const SETTINGS_SAVED: &str = "303 /admin/settings?done=saved";
const NOTICES: &str = "303 /admin/notifications";
const SCANNED: &str = "303 /admin/selfcheck?done=scan";
const ENROL: &str = "303 /account/totp";

/// (method, path, [anonymous, reporter, reviewer, publisher, unit_admin, sysadmin, secadmin, auditor])
#[rustfmt::skip]
/// The public pages asked for a channel, site or item that does not exist: 404 for everyone
/// (tests/it/portal.rs and feeds.rs walk the real ones); the bare forms add the slash first.
const NONE: &str = "404";
const TO_C: &str = "308 /c/no-such-channel/";
const TO_U: &str = "308 /u/no-such-site/";
const GK_U: &str = "303 /u/no-such-site/gk/";
const GK_REQ: &str = "303 /admin/gk/requests/{id}";
const LOOKUP: &str = "303 /gk/lookup";
const MB_LOOKUP: &str = "303 /mailbox/lookup";
const TO_PJ: &str = "308 /projects/";

const TABLE: &[(&str, &str, [&str; 8])] = &[
    //                                         anon   report reviewr publish unitadm sysadm  secadm auditor
    ("GET", "/", [OK, OK, OK, OK, OK, OK, OK, OK]),
    (
        "GET",
        "/c/{slug}",
        [TO_C, TO_C, TO_C, TO_C, TO_C, TO_C, TO_C, TO_C],
    ),
    (
        "GET",
        "/c/{slug}/",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "GET",
        "/c/{slug}/page/{n}/",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "GET",
        "/a/{id}",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "GET",
        "/a/{id}/print",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "GET",
        "/u/{code}",
        [TO_U, TO_U, TO_U, TO_U, TO_U, TO_U, TO_U, TO_U],
    ),
    (
        "GET",
        "/u/{code}/",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "GET",
        "/u/{code}/c/{slug}/",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "GET",
        "/u/{code}/c/{slug}/page/{n}/",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "GET",
        "/u/{code}/a/{id}",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "GET",
        "/u/{code}/a/{id}/print",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    // A file of a draft of the root unit: its content staff only; everyone else 404, as if
    // there were no such file (tests/it/files.rs: public, withdrawn and other units' files).
    (
        "GET",
        "/files/{sha}/{name}",
        [NONE, OK, OK, OK, NONE, NONE, NONE, NONE],
    ),
    // `{sha}` is an attachment, not a site's picture: 404 for everyone.
    (
        "GET",
        "/site-images/{sha}",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "GET",
        "/care",
        [HOME, HOME, HOME, HOME, HOME, HOME, HOME, HOME],
    ),
    ("GET", "/sitemap", [OK, OK, OK, OK, OK, OK, OK, OK]),
    ("GET", "/contact", [OK, OK, OK, OK, OK, OK, OK, OK]),
    (
        "GET",
        "/feed.xml",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "GET",
        "/u/{code}/feed.xml",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "GET",
        "/c/{slug}/feed.xml",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "GET",
        "/u/{code}/c/{slug}/feed.xml",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    ("GET", "/sitemap.xml", [OK, OK, OK, OK, OK, OK, OK, OK]),
    ("GET", "/robots.txt", [OK, OK, OK, OK, OK, OK, OK, OK]),
    ("GET", "/opensearch.xml", [OK, OK, OK, OK, OK, OK, OK, OK]),
    (
        "GET",
        "/sitemap-{n}.xml",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    ("GET", "/search", [OK, OK, OK, OK, OK, OK, OK, OK]),
    ("GET", "/setup", [NO, NO, NO, NO, NO, NO, NO, NO]),
    ("POST", "/setup", [NO, NO, NO, NO, NO, NO, NO, NO]),
    (
        "GET",
        "/login",
        [OK, ADMIN, ADMIN, ADMIN, ADMIN, ADMIN, ADMIN, ADMIN],
    ),
    ("POST", "/login", [BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD]),
    (
        "GET",
        "/login/totp",
        [LOGIN, ADMIN, ADMIN, ADMIN, ADMIN, ADMIN, ADMIN, ADMIN],
    ),
    (
        "POST",
        "/login/totp",
        [LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN],
    ),
    (
        "POST",
        "/logout",
        [HOME, HOME, HOME, HOME, HOME, HOME, HOME, HOME],
    ),
    // The one-time set-password link: without a valid token, refused for everyone.
    ("GET", "/set-password", [NO, NO, NO, NO, NO, NO, NO, NO]),
    ("POST", "/set-password", [NO, NO, NO, NO, NO, NO, NO, NO]),
    ("GET", "/account", [LOGIN, OK, OK, OK, OK, OK, OK, OK]),
    (
        "POST",
        "/account/logout-all",
        [
            LOGIN, ACCOUNT, ACCOUNT, ACCOUNT, ACCOUNT, ACCOUNT, ACCOUNT, ACCOUNT,
        ],
    ),
    (
        "GET",
        "/account/password",
        [LOGIN, OK, OK, OK, OK, OK, OK, OK],
    ),
    (
        "POST",
        "/account/password",
        [LOGIN, BAD, BAD, BAD, BAD, BAD, BAD, BAD],
    ),
    // The three duties have two-factor login (they must): nothing to enrol, and they may
    // not turn it off. The others have not enrolled, so there is nothing to disable.
    (
        "GET",
        "/account/totp",
        [LOGIN, OK, OK, OK, OK, ACCOUNT, ACCOUNT, ACCOUNT],
    ),
    (
        "POST",
        "/account/totp",
        [LOGIN, BAD, BAD, BAD, BAD, ENROL, ENROL, ENROL],
    ),
    (
        "POST",
        "/account/totp/disable",
        [LOGIN, ACCOUNT, ACCOUNT, ACCOUNT, ACCOUNT, NO, NO, NO],
    ),
    ("GET", "/admin", [LOGIN, OK, OK, OK, OK, OK, OK, OK]),
    ("GET", "/admin/users", [LOGIN, NO, NO, NO, NO, NO, OK, NO]),
    (
        "GET",
        "/admin/users/new",
        [LOGIN, NO, NO, NO, NO, NO, OK, NO],
    ),
    (
        "POST",
        "/admin/users/new",
        [LOGIN, NO, NO, NO, NO, NO, BAD, NO],
    ),
    // 批量导入账号: the 安全管理员 only.
    (
        "GET",
        "/admin/users/import",
        [LOGIN, NO, NO, NO, NO, NO, OK, NO],
    ),
    (
        "GET",
        "/admin/users/import/template.csv",
        [LOGIN, NO, NO, NO, NO, NO, OK, NO],
    ),
    (
        "GET",
        "/admin/users/{id}",
        [LOGIN, NO, NO, NO, NO, NO, OK, NO],
    ),
    (
        "POST",
        "/admin/users/{id}/roles",
        [LOGIN, NO, NO, NO, NO, NO, USER, NO],
    ),
    (
        "POST",
        "/admin/users/{id}/reset-password",
        [LOGIN, NO, NO, NO, NO, NO, OK, NO],
    ),
    (
        "POST",
        "/admin/users/{id}/reset-totp",
        [LOGIN, NO, NO, NO, NO, NO, USER, NO],
    ),
    (
        "POST",
        "/admin/users/{id}/unlock",
        [LOGIN, NO, NO, NO, NO, NO, USER, NO],
    ),
    (
        "POST",
        "/admin/users/{id}/disable",
        [LOGIN, NO, NO, NO, NO, NO, USER, NO],
    ),
    // Account requests: the three duties; request `{id}` does not exist (404).
    (
        "GET",
        "/admin/requests",
        [LOGIN, NO, NO, NO, NO, OK, OK, OK],
    ),
    (
        "GET",
        "/admin/requests/{id}",
        [LOGIN, NO, NO, NO, NO, "404", "404", "404"],
    ),
    (
        "POST",
        "/admin/requests/{id}/flow",
        [LOGIN, NO, NO, NO, NO, "404", "404", "404"],
    ),
    ("GET", "/admin/units", [LOGIN, NO, NO, NO, NO, OK, NO, NO]),
    ("POST", "/admin/units", [LOGIN, NO, NO, NO, NO, BAD, NO, NO]),
    // `{code}` names no unit: 404 once allowed.
    (
        "GET",
        "/admin/units/{code}",
        [LOGIN, NO, NO, NO, NO, "404", NO, NO],
    ),
    (
        "POST",
        "/admin/units/{code}",
        [LOGIN, NO, NO, NO, NO, "404", NO, NO],
    ),
    (
        "POST",
        "/admin/units/{code}/retire",
        [LOGIN, NO, NO, NO, NO, "404", NO, NO],
    ),
    ("GET", "/admin/audit", [LOGIN, NO, NO, NO, NO, NO, NO, OK]),
    (
        "GET",
        "/admin/audit.csv",
        [LOGIN, NO, NO, NO, NO, NO, NO, OK],
    ),
    (
        "GET",
        "/admin/settings",
        [LOGIN, NO, NO, NO, NO, OK, NO, NO],
    ),
    (
        "POST",
        "/admin/settings",
        [LOGIN, NO, NO, NO, NO, SETTINGS_SAVED, NO, NO],
    ),
    (
        "GET",
        "/admin/calendar",
        [LOGIN, NO, NO, NO, NO, OK, NO, NO],
    ),
    (
        "POST",
        "/admin/calendar",
        [LOGIN, NO, NO, NO, NO, "400", NO, NO],
    ),
    // 统计分析: the 系统管理员 and 单位管理员 (here of the root: the whole district).
    ("GET", "/admin/stats", [LOGIN, NO, NO, NO, OK, OK, NO, NO]),
    (
        "GET",
        "/admin/stats.xlsx",
        [LOGIN, NO, NO, NO, OK, OK, NO, NO],
    ),
    (
        "GET",
        "/admin/stats.csv",
        [LOGIN, NO, NO, NO, OK, OK, NO, NO],
    ),
    ("GET", "/admin/system", [LOGIN, NO, NO, NO, NO, OK, NO, NO]),
    (
        "POST",
        "/admin/system/backup",
        [LOGIN, NO, NO, NO, NO, BACKED_UP, NO, NO],
    ),
    // `{name}` is no backup file: 404 once allowed.
    (
        "GET",
        "/admin/system/backups/{name}",
        [LOGIN, NO, NO, NO, NO, "404", NO, NO],
    ),
    (
        "POST",
        "/admin/system/reindex",
        [
            LOGIN,
            NO,
            NO,
            NO,
            NO,
            "303 /admin/system?done=reindex",
            NO,
            NO,
        ],
    ),
    (
        "POST",
        "/admin/system/restore/cancel",
        [
            LOGIN,
            NO,
            NO,
            NO,
            NO,
            "303 /admin/system?done=cancelled",
            NO,
            NO,
        ],
    ),
    // 分享链接管理: the system administrator's (only from inside); {id} names no link (404).
    ("GET", "/admin/shares", [LOGIN, NO, NO, NO, NO, OK, NO, NO]),
    (
        "POST",
        "/admin/shares/{id}/revoke",
        [LOGIN, NO, NO, NO, NO, NONE, NO, NO],
    ),
    // Everyone's own notices; `{id}` is no notice of theirs (404).
    (
        "GET",
        "/admin/notifications",
        [LOGIN, OK, OK, OK, OK, OK, OK, OK],
    ),
    (
        "POST",
        "/admin/notifications/read-all",
        [
            LOGIN, NOTICES, NOTICES, NOTICES, NOTICES, NOTICES, NOTICES, NOTICES,
        ],
    ),
    (
        "POST",
        "/admin/notifications/{id}/read",
        [LOGIN, "404", "404", "404", "404", "404", "404", "404"],
    ),
    // The editor. Nobody here has a site yet, so `{unit}` names none (404 once allowed
    // in); only a publisher edits items, and item `{id}` does not exist (404).
    (
        "GET",
        "/admin/selfcheck",
        [LOGIN, NO, NO, NO, OK, OK, NO, NO],
    ),
    (
        "POST",
        "/admin/selfcheck/scan",
        [LOGIN, NO, NO, NO, SCANNED, SCANNED, NO, NO],
    ),
    // 公开目录分类表: the system administrator, or whoever supervises disclosure at the office
    // (here the root, as the test district has no office).
    (
        "GET",
        "/admin/gk/codes",
        [LOGIN, NO, OK, OK, OK, OK, NO, NO],
    ),
    (
        "POST",
        "/admin/gk/codes",
        [LOGIN, NO, BAD, BAD, BAD, BAD, NO, NO],
    ),
    ("GET", "/admin/sites", [LOGIN, NO, NO, NO, OK, OK, NO, NO]),
    ("POST", "/admin/sites", [LOGIN, NO, NO, NO, NO, BAD, NO, NO]),
    (
        "GET",
        "/admin/sites/{unit}",
        [LOGIN, NO, NO, NO, "404", "404", NO, NO],
    ),
    (
        "POST",
        "/admin/sites/{unit}",
        [LOGIN, NO, NO, NO, "404", "404", NO, NO],
    ),
    // A form without its file is refused (400) before the address is looked at.
    (
        "POST",
        "/admin/sites/{unit}/images",
        [LOGIN, NO, NO, NO, "400", "400", NO, NO],
    ),
    (
        "GET",
        "/admin/sites/{unit}/layout",
        [LOGIN, NO, NO, NO, "404", "404", NO, NO],
    ),
    (
        "POST",
        "/admin/sites/{unit}/layout",
        [LOGIN, NO, NO, NO, "404", "404", NO, NO],
    ),
    (
        "GET",
        "/admin/sites/{unit}/channels",
        [LOGIN, NO, NO, NO, "404", "404", NO, NO],
    ),
    (
        "POST",
        "/admin/sites/{unit}/channels",
        [LOGIN, NO, NO, NO, "404", "404", NO, NO],
    ),
    (
        "GET",
        "/admin/sites/{unit}/channels/{id}",
        [LOGIN, NO, NO, NO, "404", "404", NO, NO],
    ),
    (
        "POST",
        "/admin/sites/{unit}/channels/{id}",
        [LOGIN, NO, NO, NO, "404", "404", NO, NO],
    ),
    (
        "GET",
        "/admin/articles",
        [LOGIN, OK, OK, OK, NO, NO, NO, NO],
    ),
    (
        "GET",
        "/admin/articles/new",
        [LOGIN, OK, OK, OK, NO, NO, NO, NO],
    ),
    (
        "GET",
        "/admin/articles/{id}",
        [LOGIN, "404", "404", "404", NO, NO, NO, NO],
    ),
    (
        "POST",
        "/admin/articles/new/autosave",
        [LOGIN, "204", "204", "204", NO, NO, NO, NO],
    ),
    (
        "POST",
        "/admin/articles/{id}/autosave",
        [LOGIN, "404", "404", "404", NO, NO, NO, NO],
    ),
    (
        "POST",
        "/admin/articles/{id}/flow",
        [LOGIN, "404", "404", "404", NO, NO, NO, NO],
    ),
    (
        "GET",
        "/admin/articles/{id}/preview",
        [LOGIN, "404", "404", "404", NO, NO, NO, NO],
    ),
    (
        "GET",
        "/admin/articles/{id}/history",
        [LOGIN, "404", "404", "404", NO, NO, NO, NO],
    ),
    // Check rules: the system administrator, or a unit admin of the office or (here) the root.
    ("GET", "/admin/checks", [LOGIN, NO, NO, NO, OK, OK, NO, NO]),
    (
        "POST",
        "/admin/checks",
        [LOGIN, NO, NO, NO, BAD, BAD, NO, NO],
    ),
    // 政务公开: the public area of the district (the root unit has disclosure duty) and of a
    // unit; `{code}` names no unit (404). Staff pages for the handlers of a unit (审核人,
    // 发布人, 单位管理员); request `{id}` does not exist (404).
    (
        "GET",
        "/gk",
        [
            "303 /gk/", "303 /gk/", "303 /gk/", "303 /gk/", "303 /gk/", "303 /gk/", "303 /gk/",
            "303 /gk/",
        ],
    ),
    ("GET", "/gk/", [OK, OK, OK, OK, OK, OK, OK, OK]),
    (
        "GET",
        "/u/{code}/gk",
        [GK_U, GK_U, GK_U, GK_U, GK_U, GK_U, GK_U, GK_U],
    ),
    (
        "GET",
        "/u/{code}/gk/",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    ("GET", "/gk/guide", [OK, OK, OK, OK, OK, OK, OK, OK]),
    (
        "GET",
        "/u/{code}/gk/guide",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "GET",
        "/admin/gk/guide/{code}",
        [LOGIN, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "POST",
        "/admin/gk/guide/{code}",
        [LOGIN, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    // 公开目录 and the columns built from it: public; {code} names no unit here.
    ("GET", "/gk/catalog", [OK, OK, OK, OK, OK, OK, OK, OK]),
    (
        "GET",
        "/u/{code}/gk/catalog",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    ("GET", "/gk/catalog.xlsx", [OK, OK, OK, OK, OK, OK, OK, OK]),
    (
        "GET",
        "/u/{code}/gk/catalog.xlsx",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    ("GET", "/gk/catalog.csv", [OK, OK, OK, OK, OK, OK, OK, OK]),
    (
        "GET",
        "/u/{code}/gk/catalog.csv",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    ("GET", "/gk/rules", [OK, OK, OK, OK, OK, OK, OK, OK]),
    (
        "GET",
        "/u/{code}/gk/rules",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    ("GET", "/gk/statutory", [OK, OK, OK, OK, OK, OK, OK, OK]),
    (
        "GET",
        "/u/{code}/gk/statutory",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    ("GET", "/gk/apply", [OK, OK, OK, OK, OK, OK, OK, OK]),
    (
        "GET",
        "/u/{code}/gk/apply",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    ("GET", "/gk/lookup", [OK, OK, OK, OK, OK, OK, OK, OK]),
    (
        "POST",
        "/gk/lookup",
        [BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD],
    ),
    (
        "POST",
        "/gk/lookup/close",
        [
            LOOKUP, LOOKUP, LOOKUP, LOOKUP, LOOKUP, LOOKUP, LOOKUP, LOOKUP,
        ],
    ),
    (
        "GET",
        "/gk/lookup/reply",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "POST",
        "/gk/lookup/supplement",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "GET",
        "/admin/gk/requests",
        [LOGIN, NO, OK, OK, OK, NO, NO, NO],
    ),
    (
        "GET",
        "/admin/gk/requests/new",
        [LOGIN, NO, OK, OK, OK, NO, NO, NO],
    ),
    (
        "POST",
        "/admin/gk/requests/new",
        [LOGIN, NO, BAD, BAD, BAD, NO, NO, NO],
    ),
    (
        "GET",
        "/admin/gk/requests/{id}",
        [LOGIN, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "GET",
        "/admin/gk/requests/{id}/files/{n}",
        [LOGIN, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "GET",
        "/admin/gk/requests/{id}/reply-file",
        [LOGIN, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    // A post without a step: refused as such.
    (
        "POST",
        "/admin/gk/requests/{id}/act",
        [LOGIN, "400", "400", "400", "400", "400", "400", "400"],
    ),
    (
        "GET",
        "/admin/gk/requests/{id}/reply",
        [
            GK_REQ, GK_REQ, GK_REQ, GK_REQ, GK_REQ, GK_REQ, GK_REQ, GK_REQ,
        ],
    ),
    // ── 年度报告 (tests/it/annual_report.rs walks them with real units and years): the
    // district's 公开年报 is public; {file} and {year} here name no year, {code} no unit.
    ("GET", "/gk/reports", [OK, OK, OK, OK, OK, OK, OK, OK]),
    (
        "GET",
        "/gk/reports/{file}",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "GET",
        "/u/{code}/gk/reports",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "GET",
        "/u/{code}/gk/reports/{file}",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    // The list: 审核人, 发布人 and 单位管理员 (here of the root, so of every unit).
    (
        "GET",
        "/admin/gk/reports",
        [LOGIN, NO, OK, OK, OK, NO, NO, NO],
    ),
    (
        "GET",
        "/admin/gk/reports/{code}/{year}",
        [LOGIN, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "POST",
        "/admin/gk/reports/{code}/{year}",
        [LOGIN, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "POST",
        "/admin/gk/reports/{code}/{year}/adjust",
        [LOGIN, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "POST",
        "/admin/gk/reports/{code}/{year}/flow",
        [LOGIN, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    ("GET", "/admin/gk/", [LOGIN, NO, OK, OK, OK, NO, NO, NO]),
    (
        "GET",
        "/admin/gk",
        [
            "303 /admin/gk/",
            "303 /admin/gk/",
            "303 /admin/gk/",
            "303 /admin/gk/",
            "303 /admin/gk/",
            "303 /admin/gk/",
            "303 /admin/gk/",
            "303 /admin/gk/",
        ],
    ),
    // Only the government office supervises; the test district has none.
    (
        "GET",
        "/admin/gk/supervise",
        [LOGIN, NO, NO, NO, NO, NO, NO, NO],
    ),
    // ── 区长信箱 (tests/it/mailbox.rs walks them with real letters): the public pages for
    // everyone; an empty lookup comes back with its errors; rating needs an open lookup.
    ("GET", "/mailbox/", [OK, OK, OK, OK, OK, OK, OK, OK]),
    ("GET", "/mailbox/lookup", [OK, OK, OK, OK, OK, OK, OK, OK]),
    (
        "POST",
        "/mailbox/lookup",
        [BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD],
    ),
    (
        "POST",
        "/mailbox/lookup/close",
        [
            MB_LOOKUP, MB_LOOKUP, MB_LOOKUP, MB_LOOKUP, MB_LOOKUP, MB_LOOKUP, MB_LOOKUP, MB_LOOKUP,
        ],
    ),
    (
        "POST",
        "/mailbox/lookup/rate",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    ("GET", "/mailbox/letters", [OK, OK, OK, OK, OK, OK, OK, OK]),
    (
        "GET",
        "/mailbox/letters/{id}",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    ("GET", "/mailbox/stats", [OK, OK, OK, OK, OK, OK, OK, OK]),
    // The inbox: whoever answers letters somewhere (审核人, 发布人, 单位管理员); the office's
    // pages need the government office, which the test district has not.
    (
        "GET",
        "/admin/mailbox/",
        [LOGIN, NO, OK, OK, OK, NO, NO, NO],
    ),
    (
        "GET",
        "/admin/mailbox/stats",
        [LOGIN, NO, NO, NO, NO, NO, NO, NO],
    ),
    (
        "GET",
        "/admin/mailbox/stats.xlsx",
        [LOGIN, NO, NO, NO, NO, NO, NO, NO],
    ),
    (
        "GET",
        "/admin/mailbox/settings",
        [LOGIN, NO, NO, NO, NO, NO, NO, NO],
    ),
    (
        "POST",
        "/admin/mailbox/settings",
        [LOGIN, NO, NO, NO, NO, NO, NO, NO],
    ),
    (
        "GET",
        "/admin/mailbox/{id}",
        [LOGIN, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "GET",
        "/admin/mailbox/{id}/files/{n}",
        [LOGIN, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "POST",
        "/admin/mailbox/{id}/act",
        [LOGIN, "400", "400", "400", "400", "400", "400", "400"],
    ),
    // 百件实事: public list; {id} is no project. The test district has no government office,
    // so nobody keeps the list; the unit's writers see the (empty) staff list.
    (
        "GET",
        "/projects",
        [TO_PJ, TO_PJ, TO_PJ, TO_PJ, TO_PJ, TO_PJ, TO_PJ, TO_PJ],
    ),
    ("GET", "/projects/", [OK, OK, OK, OK, OK, OK, OK, OK]),
    (
        "GET",
        "/projects/{id}",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "GET",
        "/projects/photos/{id}/{sha}",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "GET",
        "/admin/projects",
        [LOGIN, OK, OK, OK, NO, NO, NO, NO],
    ),
    (
        "GET",
        "/admin/projects/new",
        [LOGIN, NO, NO, NO, NO, NO, NO, NO],
    ),
    (
        "POST",
        "/admin/projects/new",
        [LOGIN, NO, NO, NO, NO, NO, NO, NO],
    ),
    (
        "GET",
        "/admin/projects/{id}",
        [LOGIN, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "GET",
        "/admin/projects/{id}/edit",
        [LOGIN, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "POST",
        "/admin/projects/{id}/edit",
        [LOGIN, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "GET",
        "/admin/projects/{id}/updates/new",
        [LOGIN, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "GET",
        "/admin/projects/updates/{id}",
        [LOGIN, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "POST",
        "/admin/projects/updates/{id}/step",
        [LOGIN, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "GET",
        "/admin/projects/updates/{id}/edit",
        [LOGIN, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    ("GET", "/admin/work", [LOGIN, OK, OK, OK, OK, OK, OK, OK]),
    ("GET", "/healthz", [OK, OK, OK, OK, OK, OK, OK, OK]),
    ("GET", "/readyz", [OK, OK, OK, OK, OK, OK, OK, OK]),
    ("GET", "/metrics", [OK, OK, OK, OK, OK, OK, OK, OK]),
    (
        "GET",
        "/static/{hash}/{*path}",
        [OK, OK, OK, OK, OK, OK, OK, OK],
    ),
    ("GET", "/favicon.ico", [OK, OK, OK, OK, OK, OK, OK, OK]),
    (
        "POST",
        "/admin/articles/new",
        [LOGIN, BAD, BAD, BAD, NO, NO, NO, NO],
    ),
    (
        "POST",
        "/admin/articles/{id}",
        [LOGIN, "404", "404", "404", NO, NO, NO, NO],
    ),
    (
        "POST",
        "/admin/articles/{id}/files",
        [LOGIN, "404", "404", "404", NO, NO, NO, NO],
    ),
    (
        "POST",
        "/admin/articles/{id}/images",
        [LOGIN, "404", "404", "404", NO, NO, NO, NO],
    ),
    // The restore upload: a form without the file is refused (400) once allowed.
    (
        "POST",
        "/admin/system/restore",
        [LOGIN, NO, NO, NO, NO, "400", NO, NO],
    ),
    // The account import: a form without a file comes back with the message (422).
    (
        "POST",
        "/admin/users/import",
        [LOGIN, NO, NO, NO, NO, NO, BAD, NO],
    ),
    // ── the intranet (内网办公): a plain 404 to anyone without a session (tests/it/intranet.rs
    // covers the networks); every account may use it.
    ("GET", "/oa/", [NONE, OK, OK, OK, OK, OK, OK, OK]),
    ("GET", "/oa/docs", [NONE, OK, OK, OK, OK, OK, OK, OK]),
    ("GET", "/oa/docs/new", [NONE, OK, OK, OK, OK, OK, OK, OK]),
    // A document nobody sent to them: it does not exist.
    (
        "GET",
        "/oa/docs/{id}",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "POST",
        "/oa/docs/{id}/sign",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "POST",
        "/oa/docs/{id}/remark",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "POST",
        "/oa/docs/{id}/remind",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "POST",
        "/oa/docs/{id}/forward",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "GET",
        "/oa/docs/{id}/files/{n}",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    // 会议通知 (tests/it/intranet_meetings.rs): everyone sends and lists; meeting `{id}` does
    // not exist (404); an empty send form comes back with its messages (422).
    ("GET", "/oa/meetings", [NONE, OK, OK, OK, OK, OK, OK, OK]),
    (
        "GET",
        "/oa/meetings/new",
        [NONE, OK, OK, OK, OK, OK, OK, OK],
    ),
    (
        "POST",
        "/oa/meetings/new",
        [NONE, BAD, BAD, BAD, BAD, BAD, BAD, BAD],
    ),
    (
        "GET",
        "/oa/meetings/{id}",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "GET",
        "/oa/meetings/{id}/replies",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "GET",
        "/oa/meetings/{id}/replies.xlsx",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "GET",
        "/oa/meetings/{id}/meeting.ics",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "POST",
        "/oa/meetings/{id}/reply",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "POST",
        "/oa/meetings/{id}/remind",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "GET",
        "/oa/meetings/{id}/edit",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "POST",
        "/oa/meetings/{id}/edit",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "POST",
        "/oa/meetings/{id}/cancel",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    // 发送文件 (tests/it/intranet_sends.rs): a send `{id}` nobody sent them does not exist.
    ("GET", "/oa/sends", [NONE, OK, OK, OK, OK, OK, OK, OK]),
    ("GET", "/oa/sends/new", [NONE, OK, OK, OK, OK, OK, OK, OK]),
    (
        "POST",
        "/oa/sends/new",
        [NONE, BAD, BAD, BAD, BAD, BAD, BAD, BAD],
    ),
    (
        "GET",
        "/oa/sends/{id}",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "POST",
        "/oa/sends/{id}/sign",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "POST",
        "/oa/sends/{id}/remind",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "GET",
        "/oa/sends/{id}/files/{n}",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    // ── 分享链接 (tests/it/intranet_shares.rs): the maker's pages; a post with only its
    // token is re-shown with errors (422); {id} names nobody's link, {token} no link
    // (404 for everyone, anonymous included: the links need no session, only the network).
    ("GET", "/oa/shares", [NONE, OK, OK, OK, OK, OK, OK, OK]),
    ("GET", "/oa/shares/new", [NONE, OK, OK, OK, OK, OK, OK, OK]),
    (
        "POST",
        "/oa/shares",
        [NONE, BAD, BAD, BAD, BAD, BAD, BAD, BAD],
    ),
    (
        "POST",
        "/oa/shares/{id}/revoke",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "POST",
        "/oa/shares/{id}/edit",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "GET",
        "/oa/s/{token}",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "POST",
        "/oa/s/{token}",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "GET",
        "/oa/s/{token}/file",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    // The sending form carries files; a post without them is checked like any other (422).
    (
        "POST",
        "/oa/docs/new",
        [NONE, BAD, BAD, BAD, BAD, BAD, BAD, BAD],
    ),
    // ── 文件传输: the tus server (tests/it/intranet_files.rs drives it). Sent here without
    // tus headers: OPTIONS answers, HEAD wants Tus-Resumable (412), the state changes want
    // the X-CSRF-Token header (403); the {id} here names no upload or file.
    (
        "OPTIONS",
        "/oa/files/",
        [
            NONE,
            TUS_OPTIONS,
            TUS_OPTIONS,
            TUS_OPTIONS,
            TUS_OPTIONS,
            TUS_OPTIONS,
            TUS_OPTIONS,
            TUS_OPTIONS,
        ],
    ),
    ("POST", "/oa/files/", [NONE, NO, NO, NO, NO, NO, NO, NO]),
    (
        "HEAD",
        "/oa/files/{id}",
        [
            NONE,
            TUS_VERSION,
            TUS_VERSION,
            TUS_VERSION,
            TUS_VERSION,
            TUS_VERSION,
            TUS_VERSION,
            TUS_VERSION,
        ],
    ),
    (
        "PATCH",
        "/oa/files/{id}",
        [NONE, NO, NO, NO, NO, NO, NO, NO],
    ),
    (
        "DELETE",
        "/oa/files/{id}",
        [NONE, NO, NO, NO, NO, NO, NO, NO],
    ),
    ("GET", "/oa/transfer", [NONE, OK, OK, OK, OK, OK, OK, OK]),
    // The plain form posted without its file (not multipart): refused with a message.
    (
        "POST",
        "/oa/transfer/upload",
        [NONE, "400", "400", "400", "400", "400", "400", "400"],
    ),
    (
        "GET",
        "/oa/transfer/{id}/download",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "POST",
        "/oa/transfer/{id}/delete",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ), // A collect link's upload with only its token (not multipart): no such link, 404.
    (
        "POST",
        "/oa/s/{token}/upload",
        [NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    // The request form posted without its files (not multipart): refused with a message;
    // the reply form reads no body from anyone but staff, and `{id}` is no request.
    (
        "POST",
        "/gk/apply",
        ["400", "400", "400", "400", "400", "400", "400", "400"],
    ),
    (
        "POST",
        "/u/{code}/gk/apply",
        ["400", "400", "400", "400", "400", "400", "400", "400"],
    ),
    (
        "POST",
        "/admin/gk/requests/{id}/reply",
        [LOGIN, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    // The letter form posted without its files (not multipart): refused with a message.
    (
        "POST",
        "/mailbox/",
        ["400", "400", "400", "400", "400", "400", "400", "400"],
    ),
    // The progress form with photos reads no body from anyone but staff; {id} is no project.
    (
        "POST",
        "/admin/projects/{id}/updates",
        [LOGIN, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
    (
        "POST",
        "/admin/projects/updates/{id}/edit",
        [LOGIN, NONE, NONE, NONE, NONE, NONE, NONE, NONE],
    ),
];

/// tus: OPTIONS answers 204; a request without `Tus-Resumable` is refused with 412.
const TUS_OPTIONS: &str = "204";
const TUS_VERSION: &str = "412";

/// The upload routes, which look at the session before reading any of the body.
const UPLOADS: [&str; 8] = [
    "/admin/articles/{id}/files",
    "/admin/articles/{id}/images",
    "/admin/system/restore",
    "/admin/sites/{unit}/images",
    "/admin/users/import",
    "/admin/gk/requests/{id}/reply",
    "/admin/projects/{id}/updates",
    "/admin/projects/updates/{id}/edit",
];

/// A harmless body for each POST: enough to reach the permission check, never enough
/// to change anything that matters (forms come back with errors, or act on a spare account).
fn body_for(path: &str) -> Vec<(&'static str, &'static str)> {
    match path {
        "/login" => vec![("username", ""), ("password", "")],
        "/login/totp" | "/account/totp" | "/account/totp/disable" => vec![("code", "")],
        "/admin/users/{id}/roles" => vec![("role", "reporter"), ("scope", "gov")],
        "/admin/checks" => vec![("op", "save"), ("rules", "不认识 的行")],
        _ => vec![],
    }
}

fn username_for(role: Role) -> String {
    format!("t-{}", role.id().replace('_', "-"))
}

async fn wait_until_ready(app: &TestApp) {
    let c = app.client();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let r = c.get("/readyz").await;
        if r.status == 200 {
            return;
        }
        assert!(Instant::now() < deadline, "never ready: {}", r.body);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The CSRF token forms on this client's pages carry (session or anonymous).
async fn csrf_of(c: &Client, logged_in: bool) -> String {
    let page = if logged_in { "/account" } else { "/login" };
    let r = c.get(page).await;
    assert_eq!(r.status, 200, "{page} for a csrf token");
    r.csrf()
}

fn outcome(r: &Resp) -> String {
    if (300..400).contains(&r.status) {
        format!("{} {}", r.status, r.location().unwrap_or("?"))
    } else {
        r.status.to_string()
    }
}

async fn login(app: &TestApp, c: &Client, user: &str) {
    let r = app.sign_in(c, user, PASSWORD).await;
    assert_eq!(outcome(&r), ADMIN, "login {user}: {}", r.body);
}

/// A draft of the root unit (`gov`) with one attachment holding a script; its SHA-256.
async fn draft_with_attachment(app: &TestApp) -> String {
    use gongkai::portal::model::{Article, Attachment};
    let st = app.state.clone();
    tokio::task::spawn_blocking(move || {
        let data = b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>";
        let sha = st.store.blobs().put(data).unwrap();
        let gov = gongkai::auth::model::UnitCode::parse("gov").unwrap();
        let a = Article {
            title: "草稿".into(),
            attachments: vec![Attachment {
                sha: sha.clone(),
                name: "图.txt".into(),
                size: data.len() as u64,
                mime: "application/octet-stream".into(),
            }],
            ..Article::blank(0, gov, "t-reporter")
        };
        st.store
            .write_blocking(|t| gongkai::publishing::store::save_article(t, a, 0, 0))
            .unwrap();
        sha
    })
    .await
    .unwrap()
}

/// A request with a method the client has no helper for (OPTIONS, HEAD, PATCH, DELETE),
/// with this client's cookies and nothing else.
async fn other_method(app: &TestApp, c: &Client, method: &str, url: &str) -> Resp {
    let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let r = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .request(m, format!("{}{url}", app.base))
        .header("cookie", c.cookie_header())
        .send()
        .await
        .unwrap();
    Resp {
        status: r.status().as_u16(),
        headers: r.headers().clone(),
        body: r.text().await.unwrap_or_default(),
    }
}

#[tokio::test]
async fn every_route_for_every_role() {
    let app = TestApp::start_with(|cfg| cfg.auth.ip_attempts_per_minute = 10_000).await;
    // The table covers exactly the router's list, in its order.
    let listed: Vec<(&str, &str)> = TABLE.iter().map(|(m, p, _)| (*m, *p)).collect();
    assert_eq!(
        listed,
        ROUTES.to_vec(),
        "TABLE must list every entry of ROUTES"
    );

    for role in ROLES.iter().flatten() {
        app.seed_user(&username_for(*role), *role, "gov").await;
    }
    // The account the {id} routes act on.
    let target = app.seed_user("t-target", Role::Reporter, "gov").await;
    let id = target.to_string();
    // The file the /files/ route asks for: an attachment of a draft of the root unit.
    let sha = draft_with_attachment(&app).await;
    wait_until_ready(&app).await;

    let mut failures = Vec::new();
    for (col, role) in ROLES.iter().enumerate() {
        let c = app.client();
        let who = role.map(username_for);
        let label = who.clone().unwrap_or_else(|| "anonymous".into());
        if let Some(u) = &who {
            login(&app, &c, u).await;
        }
        for (method, path, expected) in TABLE {
            let url = path
                .replace("{id}", &id)
                .replace("{sha}", &sha)
                .replace("{name}", "x.svg")
                .replace("{*path}", "css/site.css")
                .replace("{hash}", "0")
                .replace("{slug}", "no-such-channel")
                .replace("{code}", "no-such-site")
                .replace("{n}", "2");
            let want = expected[col].replace("{id}", &id);
            let r = if *method == "GET" {
                c.get(&url).await
            } else if *method != "POST" {
                other_method(&app, &c, method, &url).await
            } else {
                let token = csrf_of(&c, who.is_some()).await;
                let mut fields = vec![("csrf", token.as_str())];
                fields.extend(body_for(path));
                c.post_raw(&url, &fields).await
            };
            let got = outcome(&r);
            if got != want {
                failures.push(format!(
                    "{method} {path} as {label}: expected {want}, got {got}"
                ));
            }
            if r.status == 403 {
                // Inside <main>: the site name in the header links home on every page.
                assert!(
                    main_of(&r.body).contains("<a href=\"/\">返回网站首页</a>"),
                    "{method} {path}: a 403 page links home"
                );
            }
            // Logging out is one of the routes: log back in for the rest of the row.
            if *path == "/logout"
                && let Some(u) = &who
            {
                login(&app, &c, u).await;
            }
        }
    }
    assert!(
        failures.is_empty(),
        "route × role mismatches:\n{}",
        failures.join("\n")
    );
    app.stop().await;
}

#[tokio::test]
async fn every_post_without_csrf_is_refused() {
    let app = TestApp::start().await;
    app.seed_user("t-sysadmin", Role::Sysadmin, "gov").await;
    let target = app.seed_user("t-target", Role::Reporter, "gov").await;
    let id = target.to_string();
    let anon = app.client();
    assert_eq!(anon.get("/login").await.status, 200); // has its anonymous csrf cookie
    let admin = app.client();
    login(&app, &admin, "t-sysadmin").await;

    let posts: Vec<&str> = ROUTES
        .iter()
        .filter(|(m, _)| *m == "POST")
        .map(|(_, p)| *p)
        .collect();
    assert!(posts.len() >= 10);
    for (label, c) in [("anonymous", &anon), ("sysadmin", &admin)] {
        for path in &posts {
            let url = path.replace("{id}", &id);
            let r = c.post_raw(&url, &body_for(path)).await;
            // The upload routes read no body, token included, from anyone but staff: an
            // anonymous post is sent to log in (tests/it/files.rs).
            if label == "anonymous" && UPLOADS.contains(path) {
                assert_eq!(outcome(&r), LOGIN, "POST {path} as {label} without csrf");
                continue;
            }
            // The intranet does not exist for anyone without a session.
            if label == "anonymous" && path.starts_with("/oa/") && !path.starts_with("/oa/s/") {
                assert_eq!(r.status, 404, "POST {path} as {label} without csrf");
                continue;
            }
            assert_eq!(
                r.status, 403,
                "POST {path} as {label} without csrf: {}",
                r.body
            );
            assert!(
                r.body.contains("请求来源校验失败"),
                "POST {path} as {label}"
            );
        }
    }
    // Nothing happened: the admin is still logged in, the target untouched.
    assert_eq!(admin.get("/admin").await.status, 200);
    let detail = app
        .state
        .store
        .read(move |txn| gongkai::auth::store::get_user(txn, target))
        .await
        .unwrap()
        .unwrap();
    assert!(!detail.disabled && !detail.must_change_password);
    app.stop().await;
}

#[tokio::test]
async fn health_and_readiness() {
    let app = TestApp::start().await;
    let c = app.client();
    let h = c.get("/healthz").await;
    assert_eq!(h.status, 200);
    assert!(
        h.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"))
    );
    let v: serde_json::Value = serde_json::from_str(&h.body).expect("healthz is JSON");
    assert_eq!(v["status"], "ok");

    wait_until_ready(&app).await;
    let r = c.get("/readyz").await;
    assert_eq!(r.status, 200);
    let v: serde_json::Value = serde_json::from_str(&r.body).expect("readyz is JSON");
    assert_eq!(v["status"], "ready");
    for check in ["database", "disk", "scheduler"] {
        assert_eq!(v["checks"][check]["ok"], true, "{check}: {}", r.body);
    }
    app.stop().await;
}

#[tokio::test]
async fn readiness_fails_when_disk_is_short() {
    let app =
        TestApp::start_with(|cfg| cfg.ops.min_free_disk_mib = u64::MAX / (2 * 1024 * 1024)).await;
    let c = app.client();
    let r = c.get("/readyz").await;
    assert_eq!(r.status, 503, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["checks"]["disk"]["ok"], false);
    assert_eq!(v["checks"]["database"]["ok"], true);
    // Alive all the same.
    assert_eq!(c.get("/healthz").await.status, 200);
    app.stop().await;
}

#[tokio::test]
async fn metrics_only_for_listed_networks_or_the_token() {
    let app = crate::helpers::demo_filled().await;
    let c = app.client();
    let m = c.get("/metrics").await;
    assert_eq!(m.status, 200, "loopback is listed by default");
    assert!(
        m.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/plain"))
    );
    assert!(m.body.contains("# TYPE gongkai_requests_total counter"));
    assert!(m.body.contains("gongkai_requests_total "));
    // The memory breakdown the benchmark reads: each part present, and the page cache
    // grows once a page has been rendered into it.
    let part = |body: &str, p: &str| -> u64 {
        let key = format!("gongkai_memory_bytes{{part=\"{p}\"}} ");
        let line = body.lines().find(|l| l.starts_with(&key));
        let line = line.unwrap_or_else(|| panic!("no {key} in {body}"));
        line[key.len()..].parse().expect("a number")
    };
    for p in [
        "page_cache",
        "store_cache",
        "search_docstore_cache",
        "malloc_in_use",
    ] {
        part(&m.body, p);
    }
    assert!(part(&m.body, "malloc_in_use") > 0);
    let before = part(&m.body, "page_cache");
    assert_eq!(c.get("/").await.status, 200);
    let after = part(&c.get("/metrics").await.body, "page_cache");
    assert!(after > before, "home page cached: {before} → {after}");
    app.stop().await;

    let app = TestApp::start_with(|cfg| {
        cfg.ops.metrics_networks = vec!["10.0.0.0/8".into()];
        cfg.ops.metrics_token = "scrape-token-123".into();
    })
    .await;
    let http = reqwest::Client::new();
    let get = |auth: Option<&'static str>| {
        let mut req = http.get(format!("{}/metrics", app.base));
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        req.send()
    };
    assert_eq!(get(None).await.unwrap().status(), 403);
    assert_eq!(get(Some("Bearer wrong-token")).await.unwrap().status(), 403);
    assert_eq!(get(Some("scrape-token-123")).await.unwrap().status(), 403);
    let ok = get(Some("Bearer scrape-token-123")).await.unwrap();
    assert_eq!(ok.status(), 200);
    assert!(ok.text().await.unwrap().contains("gongkai_requests_total"));
    app.stop().await;
}

#[tokio::test]
async fn unknown_path_gets_the_site_404_page() {
    let app = TestApp::start().await;
    let c = app.client();
    for path in [
        "/no/such/page",
        "/admin/nothing-here",
        "/static/deadbeef/none.css",
    ] {
        let r = c.get(path).await;
        assert_eq!(r.status, 404, "{path}");
        assert!(
            r.headers
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("text/html")),
            "{path}"
        );
        // The page itself, not its <title> or chrome, says so and links home.
        let main = main_of(&r.body);
        assert!(main.contains("<h1>页面不存在</h1>"), "{path}: {}", r.body);
        assert!(
            main.contains("<a href=\"/\">返回网站首页</a>"),
            "{path}: link home"
        );
        assert!(r.body.contains("网站标识码"), "{path}: site footer");
    }
    app.stop().await;
}
