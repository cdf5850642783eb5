//! 系统运行 (issue 12): figures, "back up now" with the file downloadable, the search index
//! rebuilt with its progress, and a restore by upload — checked entry by entry, staged, and
//! swapped in at the next start with the previous data kept.

use std::time::{Duration, Instant};

use gongkai::auth::model::Role;

use crate::helpers::{Client, TestApp, demo_portal, main_of, multipart, publish_new, staff};

const PAGE: &str = "/admin/system";

/// Backs up now and downloads the newest file: (its name, its bytes).
async fn back_up_and_download(admin: &Client) -> (String, Vec<u8>) {
    let r = admin.post_form(PAGE, "/admin/system/backup", &[]).await;
    assert_eq!(
        r.location(),
        Some("/admin/system?done=backup"),
        "{}",
        r.body
    );
    let page = admin.get(PAGE).await;
    let href = page
        .body
        .split("href=\"/admin/system/backups/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a download link")
        .to_owned();
    let file = admin
        .get_bytes(&format!("/admin/system/backups/{href}"), &[])
        .await;
    assert_eq!(file.status, 200);
    assert!(
        file.headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment"),
    );
    assert_eq!(file.headers["x-content-type-options"], "nosniff");
    (href, file.body)
}

async fn upload(admin: &Client, name: &str, bytes: &[u8]) -> crate::helpers::Resp {
    let token = admin.get(PAGE).await.csrf();
    admin
        .post_multipart(
            "/admin/system/restore",
            multipart(
                "application/x-tar",
                &[
                    ("csrf", None, token.as_bytes()),
                    ("backup", Some(name), bytes),
                ],
            ),
            &[],
        )
        .await
}

#[tokio::test]
async fn the_page_shows_the_figures_and_a_backup_can_be_downloaded() {
    let app = demo_portal().await;
    let admin = staff(&app, "sp-sys", Role::Sysadmin, "gov").await;
    let main = admin.get(PAGE).await.body;
    let m = main_of(&main);
    for words in [
        "已运行",
        "数据库",
        "附件与图片",
        "搜索索引",
        "可用磁盘空间",
        "下次自动备份",
    ] {
        assert!(m.contains(words), "{words}: {m}");
    }
    assert!(m.contains("未开启每日自动备份"));
    let (name, bytes) = back_up_and_download(&admin).await;
    assert!(name.ends_with("-manual.tar"), "{name}");
    assert!(
        bytes.windows(13).any(|w| w == b"manifest.json"),
        "a real backup"
    );
    // Only names the folder lists; never a path.
    for bad in ["nope.tar", "..%2Fgongkai.redb", "x.svg"] {
        let r = admin
            .get_bytes(&format!("/admin/system/backups/{bad}"), &[])
            .await;
        assert_eq!(r.status, 404, "{bad}");
    }
    let auditor = staff(&app, "sp-aud", Role::Auditor, "gov").await;
    let log = auditor.get("/admin/audit?action=backup_download").await;
    assert!(log.body.contains(&name), "{}", main_of(&log.body));
    // Someone else's duty.
    let secadmin = staff(&app, "sp-sec", Role::Secadmin, "gov").await;
    let r = secadmin
        .get_bytes(&format!("/admin/system/backups/{name}"), &[])
        .await;
    assert_eq!(r.status, 403);
}

#[tokio::test]
async fn the_search_index_is_rebuilt_with_its_progress_shown() {
    let app = demo_portal().await;
    let admin = staff(&app, "sp-sys2", Role::Sysadmin, "gov").await;
    let r = admin.post_form(PAGE, "/admin/system/reindex", &[]).await;
    assert_eq!(r.location(), Some("/admin/system?done=reindex"));
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let body = admin.get(PAGE).await.body;
        if body.contains("上次重建于") {
            // The demo's public documents: 13 news and notices, 5 older catalog documents, 3
            // from review, last year's published annual report, two 公开指南, the 12 百件实事
            // projects and two published letters of the 区长信箱.
            assert!(body.contains("共 38 条"), "{}", main_of(&body));
            break;
        }
        assert!(Instant::now() < deadline, "the rebuild never finished");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let found = app
        .client()
        .get("/search?q=%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83")
        .await;
    assert!(
        found.body.contains("<mark>营商环境</mark>"),
        "search still finds items"
    );
}

#[tokio::test]
async fn a_restore_by_upload_is_checked_staged_and_swapped_in_at_the_next_start() {
    let app = demo_portal().await;
    let admin = staff(&app, "sp-sys3", Role::Sysadmin, "gov").await;
    let (name, bytes) = back_up_and_download(&admin).await;
    // After the backup: an item the restore will take away.
    publish_new(&app, "commerce", "work", "备份之后发布的信息", "正文。").await;

    // A damaged file: refused beside the field, nothing staged.
    let mut broken = bytes.clone();
    let mid = broken.len() / 2;
    broken[mid] ^= 0x55;
    let r = upload(&admin, &name, &broken).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        main_of(&r.body).contains("未通过校验，未做任何改动"),
        "{}",
        main_of(&r.body)
    );
    let r = upload(&admin, "notes.tar", b"not a tar at all").await;
    assert_eq!(r.status, 422);
    assert!(!admin.get(PAGE).await.body.contains("已准备恢复"));

    // The real one: staged, then cancelled, then staged again.
    let r = upload(&admin, &name, &bytes).await;
    assert_eq!(
        r.location(),
        Some("/admin/system?done=staged"),
        "{}",
        r.body
    );
    let page = admin.get(PAGE).await.body;
    assert!(
        page.contains("已准备恢复，重启服务后生效"),
        "{}",
        main_of(&page)
    );
    assert!(page.contains("systemctl restart gongkai"));
    let r = admin
        .post_form(PAGE, "/admin/system/restore/cancel", &[])
        .await;
    assert_eq!(r.location(), Some("/admin/system?done=cancelled"));
    assert!(!admin.get(PAGE).await.body.contains("已准备恢复"));
    let r = upload(&admin, &name, &bytes).await;
    assert_eq!(r.status, 303, "{}", r.body);
    // The running server is untouched until it restarts.
    let live = app
        .state
        .store
        .read(gongkai::portal::store::all_articles)
        .await
        .unwrap();
    assert!(live.iter().any(|a| a.title == "备份之后发布的信息"));

    let dir = app.stop().await;
    let app = TestApp::start_in(dir, |_| {}).await;
    let titles: Vec<String> = app
        .state
        .store
        .read(gongkai::portal::store::all_articles)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.title)
        .collect();
    assert!(
        !titles.iter().any(|t| t == "备份之后发布的信息"),
        "restored"
    );
    assert!(titles.iter().any(|t| t.contains("营商环境")));
    let kept: Vec<String> = std::fs::read_dir(app.dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("pre-restore-"))
        .collect();
    assert_eq!(kept.len(), 1, "the previous data is kept");
    assert!(app.dir.path().join(&kept[0]).join("gongkai.redb").exists());
    assert!(!app.dir.path().join("restore-staged").exists());
    let auditor = staff(&app, "sp-aud2", Role::Auditor, "gov").await;
    let log = auditor.get("/admin/audit?action=restore_done").await;
    assert!(log.body.contains("pre-restore-"), "{}", main_of(&log.body));
}
