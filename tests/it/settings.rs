//! 系统设置 (issue 12): settings edited in the panel take effect at once, survive a restart and
//! a backup/restore, are checked as the file is, are audited with before and after; a
//! setting locked by the file is refused; a secret is never shown back.

use gongkai::auth::model::Role;

use crate::helpers::{Client, Resp, TestApp, demo_portal, main_of, staff};

const PAGE: &str = "/admin/settings";

async fn save(c: &Client, section: &str, fields: &[(&str, &str)]) -> Resp {
    let mut f = vec![("section", section)];
    f.extend_from_slice(fields);
    c.post_form(PAGE, PAGE, &f).await
}

/// The site section as the page sends it, with `changes` over the values in effect.
fn site_fields<'a>(app: &TestApp, changes: &[(&'a str, &'a str)]) -> Vec<(String, String)> {
    let cfg = app.state.cfg();
    let mut f: Vec<(String, String)> = vec![
        ("site.name".into(), cfg.site.name.clone()),
        ("site.sponsor".into(), cfg.site.sponsor.clone()),
        ("site.organizer".into(), cfg.site.organizer.clone()),
        ("site.domain".into(), cfg.site.domain.clone()),
        (
            "site.host_suffixes".into(),
            cfg.site.host_suffixes.join("\n"),
        ),
        ("site.emblem".into(), cfg.site.emblem.clone()),
        ("site.phone".into(), cfg.site.phone.clone()),
        ("site.address".into(), cfg.site.address.clone()),
        ("site.site_id_code".into(), cfg.site.site_id_code.clone()),
        ("site.icp_no".into(), cfg.site.icp_no.clone()),
        ("site.psb_no".into(), cfg.site.psb_no.clone()),
    ];
    for (k, v) in changes {
        if let Some(x) = f.iter_mut().find(|(n, _)| n == k) {
            x.1 = (*v).to_owned();
        }
    }
    f
}

async fn save_site(c: &Client, app: &TestApp, changes: &[(&str, &str)]) -> Resp {
    let f = site_fields(app, changes);
    let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    save(c, "site", &refs).await
}

#[tokio::test]
async fn a_setting_saved_in_the_panel_shows_at_once_and_survives_restart_and_restore() {
    let app = demo_portal().await;
    let admin = staff(&app, "s-sys", Role::Sysadmin, "gov").await;
    let public = app.client();
    assert!(public.get("/").await.body.contains("0000000000"));
    let r = save_site(
        &admin,
        &app,
        &[
            ("site.site_id_code", "3201000042"),
            ("site.sponsor", "示范区人民政府办公室（新）"),
        ],
    )
    .await;
    assert_eq!(
        r.location(),
        Some("/admin/settings?done=saved"),
        "{}",
        r.body
    );
    // At once, on the cached public pages too.
    let home = public.get("/").await;
    assert!(
        home.body.contains("3201000042"),
        "footer shows the new code"
    );
    assert!(
        home.body.contains("content=\"3201000042\""),
        "and the SiteIDCode meta"
    );
    assert!(home.body.contains("示范区人民政府办公室（新）"));
    // The page says where the value comes from; the audit log has before and after.
    let page = admin.get(PAGE).await;
    assert!(main_of(&page.body).contains("当前来源：管理后台"));
    let audit = app
        .state
        .store
        .read_blocking(|t| gongkai::auth::audit::page(t, None, 50))
        .unwrap();
    let rec = audit
        .iter()
        .find(|r| r.action == "settings_change")
        .expect("audited");
    assert!(
        rec.detail
            .contains("site.site_id_code：\"0000000000\" → \"3201000042\""),
        "{}",
        rec.detail
    );

    // A backup carries it.
    let backup = app.dir.path().join("with-settings.tar");
    let store = app.state.store.clone();
    let b2 = backup.clone();
    tokio::task::spawn_blocking(move || gongkai::store::backup::backup_to(&store, &b2, 0))
        .await
        .unwrap()
        .unwrap();
    // Restart on the same data: still in effect.
    let dir = app.stop().await;
    let app = TestApp::start_in(dir, |_| {}).await;
    assert_eq!(app.state.cfg().site.site_id_code, "3201000042");
    assert!(app.client().get("/").await.body.contains("3201000042"));
    // Restored elsewhere: in effect there too.
    let target = tempfile::tempdir().unwrap();
    let restored = target.path().join("data");
    gongkai::store::backup::restore(&backup, &restored).unwrap();
    let other = TestApp::start_in(target, |cfg| {
        cfg.server.data_dir = restored.display().to_string()
    })
    .await;
    assert_eq!(other.state.cfg().site.site_id_code, "3201000042");
    app.stop().await;
    other.stop().await;
}

#[tokio::test]
async fn settings_are_checked_as_the_file_is_and_nothing_is_saved_half_way() {
    let app = demo_portal().await;
    let admin = staff(&app, "s-sys2", Role::Sysadmin, "gov").await;
    let auth = |min_len: &'static str, per_minute: &'static str| {
        vec![
            ("auth.password_min_len", min_len),
            ("auth.password_min_classes", "3"),
            ("auth.lockout_threshold", "5"),
            ("auth.lockout_minutes", "30"),
            ("auth.account_backoff_after", "20"),
            ("auth.account_backoff_seconds", "60"),
            ("auth.ip_attempts_per_minute", per_minute),
            ("auth.session_idle_minutes", "45"),
            ("auth.session_absolute_hours", "12"),
            ("auth.setup_token_minutes", "60"),
        ]
    };
    // Too short a minimum: refused next to its field, and the idle change in the same form
    // is not saved either.
    let r = save(&admin, "auth", &auth("6", "20")).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body.contains("auth.password_min_len 不能小于 8"),
        "{}",
        r.body
    );
    assert!(r.body.contains("id=\"f-auth-password_min_len-err\""));
    assert_eq!(app.state.cfg().auth.session_idle_minutes, 30);
    // A value that would refuse every login is refused with the reason.
    let r = save(&admin, "auth", &auth("10", "0")).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("否则任何人都无法登录"), "{}", r.body);
    // Not a number.
    let r = save(&admin, "auth", &auth("十", "20")).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("密码最短长度：应为非负整数"), "{}", r.body);
    // A good one takes effect at once.
    let r = save(&admin, "auth", &auth("10", "20")).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(app.state.cfg().auth.session_idle_minutes, 45);
    // Settings read only at start are shown, not offered.
    let page = admin.get(PAGE).await;
    assert!(page.body.contains("服务启动时读取，修改后须重启"));
    assert!(!page.body.contains("name=\"server.listen\""));
    // Other roles may not.
    let secadmin = staff(&app, "s-sec", Role::Secadmin, "gov").await;
    assert_eq!(secadmin.get(PAGE).await.status, 403);
}

#[tokio::test]
async fn a_setting_given_by_the_file_is_locked_in_the_panel_and_a_secret_is_never_shown() {
    let app = crate::helpers::TestApp::start_with(|cfg| {
        cfg.site.name = "文件里的名称".into();
        cfg.locked
            .insert("site.name".into(), "配置文件 /etc/gongkai.toml".into());
    })
    .await;
    let admin = staff(&app, "s-sys3", Role::Sysadmin, "gov").await;
    let page = admin.get(PAGE).await;
    assert!(
        page.body
            .contains("由配置文件 /etc/gongkai.toml设定，不能在此修改")
    );
    assert!(!page.body.contains("name=\"site.name\""), "no field for it");
    let r = save_site(&admin, &app, &[]).await;
    // The page never sends it; a post that does is refused.
    let mut f = site_fields(&app, &[]);
    f.retain(|(k, _)| k != "site.name");
    let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let ok = save(&admin, "site", &refs).await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(app.state.cfg().site.name, "文件里的名称");

    // A secret: saved, never shown back, kept when left empty.
    let ops = |token: &'static str| {
        vec![
            ("ops.metrics_networks", "127.0.0.0/8\n::1/128"),
            ("ops.metrics_token", token),
            ("ops.min_free_disk_mib", "256"),
        ]
    };
    let r = save(&admin, "ops", &ops("s3cret-token-xyz")).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(app.state.cfg().ops.metrics_token, "s3cret-token-xyz");
    assert!(!admin.get(PAGE).await.body.contains("s3cret-token-xyz"));
    let r = save(&admin, "ops", &ops("")).await;
    assert_eq!(r.status, 303);
    assert_eq!(app.state.cfg().ops.metrics_token, "s3cret-token-xyz");
    let audit = app
        .state
        .store
        .read_blocking(|t| gongkai::auth::audit::page(t, None, 50))
        .unwrap();
    assert!(audit.iter().all(|r| !r.detail.contains("s3cret-token-xyz")));
}

#[tokio::test]
async fn one_name_everywhere_and_each_sub_site_its_own_footer_identifiers() {
    let app = demo_portal().await;
    let admin = staff(&app, "s-sys4", Role::Sysadmin, "gov").await;
    let r = save_site(&admin, &app, &[("site.name", "滨江区人民政府")]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    // The staff list, the public header and the title all say the new name.
    let sites = admin.get("/admin/sites").await;
    assert!(
        main_of(&sites.body).contains("滨江区人民政府"),
        "staff labels"
    );
    let home = app.client().get("/").await;
    assert!(home.body.contains("<title>") && home.body.contains("滨江区人民政府"));
    let page = admin.get("/admin/sites/gov").await;
    assert!(
        page.body
            .contains("在 <a href=\"/admin/settings\">系统设置</a> 中修改")
    );

    // A sub-site's own identifiers; the ones left empty are the portal's.
    let page = admin.get("/admin/sites/commerce").await;
    let csrf = page.csrf();
    let post = |postcode: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("name", "区商务局".to_owned()),
            ("theme", "green".to_owned()),
            ("review_days", "2".to_owned()),
            ("footer_sponsor", "示范区商务局".to_owned()),
            ("footer_site_id_code", "3201000077".to_owned()),
            ("footer_postcode", postcode.to_owned()),
        ]
    };
    let bad = post("21");
    let refs: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = admin.post_raw("/admin/sites/commerce", &refs).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("邮编应为 6 位数字"), "{}", r.body);
    let good = post("210000");
    let refs: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = admin.post_raw("/admin/sites/commerce", &refs).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let sub = app.client().get("/u/commerce/").await;
    let foot = &sub.body[sub.body.find("<footer").unwrap()..];
    assert!(foot.contains("主办单位：示范区商务局"), "{foot}");
    assert!(foot.contains("网站标识码：3201000077") && foot.contains("邮编：210000"));
    assert!(
        foot.contains("承办单位：示范区大数据中心"),
        "inherited: {foot}"
    );
    let portal = app.client().get("/").await;
    let foot = &portal.body[portal.body.find("<footer").unwrap()..];
    assert!(
        foot.contains("网站标识码：0000000000"),
        "the portal keeps its own"
    );
}

#[tokio::test]
async fn the_setup_checklist_shows_what_is_missing_until_it_is_done() {
    let app = demo_portal().await;
    let admin = staff(&app, "s-sys5", Role::Sysadmin, "gov").await;
    let home = admin.get("/admin").await;
    let main = main_of(&home.body);
    assert!(main.contains("上线前检查清单"), "{main}");
    // The demo has its three duties; its identifiers are the shipped placeholders and
    // backups are off.
    assert!(main.contains("已完成</span> 已有安全管理员"), "{main}");
    assert!(main.contains("去系统设置填写") && main.contains("去系统设置开启"));
    // Fixed in 系统设置: those lines are done.
    let r = save_site(
        &admin,
        &app,
        &[
            ("site.name", "滨江区人民政府"),
            ("site.sponsor", "滨江区人民政府办公室"),
            ("site.site_id_code", "3201150001"),
            ("site.icp_no", "苏ICP备12345678号"),
            ("site.psb_no", "苏公网安备32011502000001号"),
        ],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = save(
        &admin,
        "backup",
        &[
            ("backup.daily", "true"),
            ("backup.hour", "2"),
            ("backup.keep", "7"),
            ("backup.dir", ""),
        ],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let main_now = admin.get("/admin").await.body;
    assert!(!main_now.contains("去系统设置填写") && !main_now.contains("去系统设置开启"));
    // Writers never see it.
    let writer = staff(&app, "s-writer", Role::Reporter, "commerce").await;
    assert!(!writer.get("/admin").await.body.contains("上线前检查清单"));
}

#[tokio::test]
async fn an_archived_channel_leaves_the_menus_takes_no_new_items_and_keeps_its_addresses() {
    let app = demo_portal().await;
    let admin = staff(&app, "s-sys6", Role::Sysadmin, "gov").await;
    let work = crate::helpers::channel_id(&app, "commerce", "work");
    let item =
        crate::helpers::publish_new(&app, "commerce", "work", "归档前发布的信息", "正文。").await;
    let form = admin
        .get(&format!("/admin/sites/commerce/channels/{work}"))
        .await;
    assert!(form.body.contains("归档：不再接收新信息"));
    let r = admin
        .post_form(
            &format!("/admin/sites/commerce/channels/{work}"),
            &format!("/admin/sites/commerce/channels/{work}"),
            &[
                ("name", "工作动态"),
                ("kind", "list"),
                ("parent", ""),
                ("order", "1"),
                ("description", ""),
                ("link", ""),
                ("page_body", ""),
                ("review_levels", "1"),
                ("in_nav", "1"),
                ("on_home", "1"),
                ("archived", "1"),
            ],
        )
        .await;
    assert!(r.status == 303 || r.status == 200, "{}", r.body);
    let public = app.client();
    let home = public.get("/u/commerce/").await;
    let nav = &home.body[home.body.find("aria-label=\"栏目导航\"").unwrap()..];
    let nav = &nav[..nav.find("</nav>").unwrap()];
    assert!(!nav.contains("工作动态"), "out of the menu: {nav}");
    // Its items keep their addresses; its page says it is archived.
    assert_eq!(
        public
            .get(&format!("/u/commerce/a/{}", item.id))
            .await
            .status,
        200
    );
    let page = public.get("/u/commerce/c/work/").await;
    assert!(page.body.contains("本栏目已归档") && page.body.contains("归档前发布的信息"));
    // No new item may go there.
    let writer = staff(&app, "s-writer2", Role::Reporter, "commerce").await;
    let new_form = writer.get("/admin/articles/new").await;
    assert!(
        !new_form.body.contains(&format!("value=\"{work}\"")),
        "not offered"
    );
    let r = writer
        .post_form(
            "/admin/articles/new",
            "/admin/articles/new",
            &[
                ("title", "新信息"),
                ("source", "区商务局"),
                ("body", "正文。"),
                ("channel", &work.to_string()),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("“工作动态”已归档，不再接收新信息"),
        "{}",
        r.body
    );
}
