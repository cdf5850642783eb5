//! 分享链接 (内网办公): links to a transferred file for people without an account, and
//! upload-only collect links; expiry, passwords, download limits, ranges that do not count,
//! revoking, who may see them, and how they look from outside the intranet's networks.

use gongkai::auth::model::Role;
use gongkai::intranet::files::quota;

use crate::helpers::{Client, Resp, TestApp, main_of, multipart, staff};
use crate::intranet_files::{audit_actions, bytes, files_of, sha_hex};

/// Uploads `data` as `name` through the plain form; the file's id.
async fn upload(app: &TestApp, c: &Client, owner: &str, name: &str, data: &[u8]) -> u64 {
    let token = c.get("/oa/transfer").await.csrf();
    let body = multipart(
        "application/octet-stream",
        &[("csrf", None, token.as_bytes()), ("file", Some(name), data)],
    );
    let r = c.post_multipart("/oa/transfer/upload", body, &[]).await;
    assert_eq!(r.location(), Some("/oa/transfer?done=upload"), "{}", r.body);
    files_of(app, owner)
        .await
        .into_iter()
        .find(|f| f.name == name)
        .unwrap()
        .id
}

/// The link shown once on the answer to a made link: its path.
fn link_of(r: &Resp) -> String {
    assert_eq!(r.status, 200, "{}", r.body);
    let at = r.body.find("id=\"share-url\"").expect("the link field");
    let tag = &r.body[at..];
    let v = tag.find("value=\"").unwrap() + 7;
    let url = &tag[v..v + tag[v..].find('"').unwrap()];
    let path = &url[url.find("/oa/s/").expect("a share path")..];
    assert_eq!(path.len(), "/oa/s/".len() + 43, "{url}");
    path.to_owned()
}

/// Makes a link to file `id` with the given fields (days defaults to the form's 7).
async fn share_file(c: &Client, id: u64, fields: &[(&str, &str)]) -> Resp {
    let page = "/oa/transfer";
    let file = id.to_string();
    let mut all = vec![("kind", "file"), ("file", file.as_str())];
    if !fields.iter().any(|(k, _)| *k == "days") {
        all.push(("days", "7"));
    }
    all.extend_from_slice(fields);
    c.post_form(page, "/oa/shares", &all).await
}

async fn share_count(app: &TestApp, owner: &str) -> Vec<gongkai::intranet::shares::model::Share> {
    let id = app.user(owner).await.unwrap().id;
    app.state
        .store
        .read(move |txn| gongkai::intranet::shares::store::of_owner(txn, id))
        .await
        .unwrap()
}

#[tokio::test]
async fn file_links_download_count_expire_and_revoke() {
    let app = TestApp::start().await;
    let c = staff(&app, "fenxiang", Role::Reporter, "gov").await;
    let data = bytes(100_000, 7);
    let id = upload(&app, &c, "fenxiang", "年度报告.pdf", &data).await;
    // The transfer page offers the link per file and the list.
    let page = c.get("/oa/transfer").await;
    let main = main_of(&page.body);
    assert!(
        main.contains(&format!(
            "href=\"/oa/shares/new?file={id}\">分享 年度报告.pdf</a>"
        )),
        "{main}"
    );
    assert!(main.contains("href=\"/oa/shares\""));
    // The form: the default expiry, every field labelled.
    let form = c.get(&format!("/oa/shares/new?file={id}")).await;
    assert_eq!(form.status, 200);
    let main = main_of(&form.body);
    for want in [
        "name=\"days\" type=\"number\" value=\"7\"",
        "<label for=\"f-password\">",
        "<label for=\"f-max_downloads\">",
        "<label for=\"f-note\">",
        "严禁处理涉密信息",
    ] {
        assert!(main.contains(want), "{want}: {main}");
    }
    // Longer than the maximum: refused beside the field.
    let r = share_file(&c, id, &[("days", "31")]).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("有效期不能超过 30 天"), "{}", r.body);
    assert!(share_count(&app, "fenxiang").await.is_empty());
    // Someone else's file cannot be shared.
    let other = staff(&app, "pangren", Role::Reporter, "gov").await;
    assert_eq!(share_file(&other, id, &[]).await.status, 404);
    assert_eq!(
        other.get(&format!("/oa/shares/new?file={id}")).await.status,
        404
    );

    // A link with the default expiry, no limit.
    let r = share_file(&c, id, &[("note", "请查收")]).await;
    let link = link_of(&r);
    let shares = share_count(&app, "fenxiang").await;
    assert_eq!(shares.len(), 1);
    let day = 86_400_000;
    assert_eq!(shares[0].expires_ms - shares[0].created_ms, 7 * day);
    // The token is not stored: only its hash.
    let token = &link["/oa/s/".len()..];
    let raw = app
        .state
        .store
        .read(|txn| {
            let t = txn.open_table(gongkai::store::tables::OA_SHARES)?;
            let mut all = Vec::new();
            for row in redb::ReadableTable::iter(&t)? {
                let (k, v) = row?;
                all.push(format!(
                    "{} {}",
                    k.value(),
                    String::from_utf8_lossy(v.value())
                ));
            }
            Ok(all.join("\n"))
        })
        .await
        .unwrap();
    assert!(!raw.contains(token));
    assert!(raw.contains(&sha_hex(token.as_bytes())));

    // Anyone inside, without a session.
    let anon = app.client();
    let p = anon.get(&link).await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(main_of(&p.body).contains("下载 年度报告.pdf"));
    assert!(main_of(&p.body).contains("请查收"));
    let d = anon.get_bytes(&format!("{link}/file"), &[]).await;
    assert_eq!(d.status, 200);
    assert_eq!(d.body, data);
    assert!(d.header("content-disposition").starts_with("attachment"));
    assert!(
        d.header("content-disposition")
            .contains("filename*=UTF-8''")
    );
    assert_eq!(d.header("x-content-type-options"), "nosniff");
    // A range from the middle: 206, not counted.
    let part = anon
        .get_bytes(&format!("{link}/file"), &[("range", "bytes=10-19")])
        .await;
    assert_eq!(part.status, 206);
    assert_eq!(part.body, data[10..20].to_vec());
    // HEAD takes nothing: not counted either.
    let head = reqwest::Client::new()
        .head(format!("{}{link}/file", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200);
    let shares = share_count(&app, "fenxiang").await;
    assert_eq!(shares[0].downloads, 1);
    assert_eq!(shares[0].hits[0].ip, "127.0.0.1");
    // The owner is told of the first download and sees the count.
    let list = c.get("/oa/shares").await;
    assert_eq!(list.status, 200);
    let main = main_of(&list.body);
    for want in [
        "年度报告.pdf（编号",
        "已下载 1 次（不限）",
        "有效",
        "撤销 年度报告.pdf（编号",
    ] {
        assert!(main.contains(want), "{want}: {main}");
    }
    let notes = c.get("/admin/notifications").await;
    assert!(notes.body.contains("已被下载"), "{}", notes.body);

    // One-time link: the second full download is refused.
    let once = link_of(&share_file(&c, id, &[("max_downloads", "1")]).await);
    assert_eq!(
        anon.get_bytes(&format!("{once}/file"), &[]).await.status,
        200
    );
    let again = anon.get_bytes(&format!("{once}/file"), &[]).await;
    assert_eq!(again.status, 410);
    assert!(String::from_utf8_lossy(&again.body).contains("已用完"));
    // … a range from 0 counts as a new one …
    let from0 = anon
        .get_bytes(&format!("{once}/file"), &[("range", "bytes=0-9")])
        .await;
    assert_eq!(from0.status, 410);
    // … while the same address may finish the last one.
    let rest = anon
        .get_bytes(&format!("{once}/file"), &[("range", "bytes=50000-")])
        .await;
    assert_eq!(rest.status, 206);
    let list = c.get("/oa/shares").await;
    assert!(main_of(&list.body).contains("已下载 1 / 1 次"));
    assert!(main_of(&list.body).contains("已用完"));

    // Revoked: 410; another person cannot revoke (404).
    let third = link_of(&share_file(&c, id, &[]).await);
    let sid = share_count(&app, "fenxiang").await[0].id;
    let r = other
        .post_form("/oa/transfer", &format!("/oa/shares/{sid}/revoke"), &[])
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(anon.get(&third).await.status, 200);
    let r = c
        .post_form("/oa/shares", &format!("/oa/shares/{sid}/revoke"), &[])
        .await;
    assert_eq!(r.location(), Some("/oa/shares?done=revoke"));
    let gone = anon.get(&third).await;
    assert_eq!(gone.status, 410);
    assert!(gone.body.contains("已被分享人撤销"));
    assert_eq!(
        anon.get_bytes(&format!("{third}/file"), &[]).await.status,
        410
    );

    // Unknown tokens: 404.
    assert_eq!(
        anon.get(&format!("/oa/s/{}", "A".repeat(43))).await.status,
        404
    );
    assert_eq!(anon.get("/oa/s/short").await.status, 404);
    assert_eq!(
        anon.get_bytes(&format!("/oa/s/{}/file", "A".repeat(43)), &[])
            .await
            .status,
        404
    );

    // Extending within the maximum; more is refused beside the field.
    let first = share_count(&app, "fenxiang").await.last().unwrap().clone();
    let r = c
        .post_form(
            "/oa/shares",
            &format!("/oa/shares/{}/edit", first.id),
            &[("days", "40")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("有效期不能超过 30 天"));
    let r = c
        .post_form(
            "/oa/shares",
            &format!("/oa/shares/{}/edit", first.id),
            &[("days", "30")],
        )
        .await;
    assert_eq!(r.location(), Some("/oa/shares?done=edit"));
    // Expired: 410 once the clock passes it.
    app.clock.advance(time::Duration::days(8));
    assert_eq!(anon.get(&link).await.status, 200, "extended to 30 days");
    assert_eq!(anon.get(&once).await.status, 410);
    app.clock.advance(time::Duration::days(23));
    let p = anon.get(&link).await;
    assert_eq!(p.status, 410);
    assert!(p.body.contains("已过期"));
    assert_eq!(
        anon.get_bytes(&format!("{link}/file"), &[]).await.status,
        410
    );

    let actions: Vec<String> = audit_actions(&app)
        .await
        .into_iter()
        .map(|(a, _)| a)
        .collect();
    for a in [
        "oa_share_create",
        "oa_share_download",
        "oa_share_revoke",
        "oa_share_edit",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a}");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_deleted_file_takes_its_links_with_it() {
    let app = TestApp::start().await;
    let c = staff(&app, "shanchu", Role::Reporter, "gov").await;
    let id = upload(&app, &c, "shanchu", "a.txt", b"hello").await;
    let link = link_of(&share_file(&c, id, &[]).await);
    let anon = app.client();
    assert_eq!(anon.get(&link).await.status, 200);
    let r = c
        .post_form("/oa/transfer", &format!("/oa/transfer/{id}/delete"), &[])
        .await;
    assert_eq!(r.status, 303);
    let p = anon.get(&link).await;
    assert_eq!(p.status, 410);
    assert!(p.body.contains("文件已被删除"));
    assert!(c.get("/oa/shares").await.body.contains("文件已删除"));
    app.stop().await;
}

#[tokio::test]
async fn password_links_ask_first_and_limit_wrong_tries() {
    let app = TestApp::start().await;
    let c = staff(&app, "mima", Role::Reporter, "gov").await;
    let data = bytes(5000, 3);
    let id = upload(&app, &c, "mima", "名单.xlsx", &data).await;
    let link = link_of(&share_file(&c, id, &[("password", "kai-men-1")]).await);
    let stored = share_count(&app, "mima").await;
    assert!(
        stored[0]
            .password
            .as_deref()
            .unwrap()
            .starts_with("$argon2id$")
    );
    let list = c.get("/oa/shares").await;
    assert!(!list.body.contains("kai-men-1"));

    let anon = app.client();
    let p = anon.get(&link).await;
    assert_eq!(p.status, 200);
    assert!(main_of(&p.body).contains("<label for=\"f-password\">访问密码"));
    assert!(!main_of(&p.body).contains("下载 名单.xlsx"));
    // The file waits for the password.
    let d = anon.get_bytes(&format!("{link}/file"), &[]).await;
    assert_eq!(d.status, 303);
    let token = p.csrf();
    // Without the token: refused as forged.
    assert_eq!(
        anon.post_raw(&link, &[("password", "kai-men-1")])
            .await
            .status,
        403
    );
    let wrong = anon
        .post_raw(&link, &[("csrf", &token), ("password", "nope")])
        .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("id=\"f-password-err\""));
    assert!(wrong.body.contains("密码不正确"));
    let right = anon
        .post_raw(&link, &[("csrf", &token), ("password", "kai-men-1")])
        .await;
    assert_eq!(right.location(), Some(link.as_str()));
    let set = right.headers.get("set-cookie").unwrap().to_str().unwrap();
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict"));
    assert!(set.contains(&format!("Path={link}")));
    assert!(main_of(&anon.get(&link).await.body).contains("下载 名单.xlsx"));
    let d = anon.get_bytes(&format!("{link}/file"), &[]).await;
    assert_eq!(d.status, 200);
    assert_eq!(d.body, data);

    // The cookie opens no other link (the test client sends it everywhere).
    let other = link_of(&share_file(&c, id, &[("password", "kai-men-1")]).await);
    assert_eq!(
        anon.get_bytes(&format!("{other}/file"), &[]).await.status,
        303
    );
    assert!(!main_of(&anon.get(&other).await.body).contains("下载 名单.xlsx"));

    // Ten wrong tries: refused for a while, even the right password.
    for _ in 0..10 {
        let r = anon
            .post_raw(&other, &[("csrf", &token), ("password", "guess")])
            .await;
        assert_eq!(r.status, 422);
    }
    let r = anon
        .post_raw(&other, &[("csrf", &token), ("password", "kai-men-1")])
        .await;
    assert_eq!(r.status, 429);
    assert!(r.body.contains("密码错误次数过多"));
    app.clock.advance(time::Duration::minutes(11));
    let r = anon
        .post_raw(&other, &[("csrf", &token), ("password", "kai-men-1")])
        .await;
    assert_eq!(r.status, 303);
    assert!(
        audit_actions(&app)
            .await
            .iter()
            .any(|(a, _)| a == "oa_share_password")
    );
    app.stop().await;
}

#[tokio::test]
async fn from_outside_the_networks_a_link_does_not_exist() {
    let app = TestApp::start_with(|cfg| cfg.intranet.networks = vec!["10.0.0.0/8".into()]).await;
    let owner = app.seed_user("waimian", Role::Reporter, "gov").await;
    // A link made directly in the store (the owner cannot reach /oa/ from here either).
    let token = gongkai::intranet::shares::access::new_token();
    let h = gongkai::intranet::shares::access::hash(&token);
    let now = app.state.now_ms();
    app.state
        .store
        .write(move |txn| {
            use gongkai::intranet::shares::model::{Share, What};
            let s = Share {
                id: 0,
                owner,
                owner_unit: gongkai::auth::model::UnitCode::parse("gov").unwrap(),
                what: What::Collect {
                    max_uploads: 5,
                    max_file_bytes: 1024,
                },
                note: String::new(),
                password: None,
                created_ms: now,
                expires_ms: now + 86_400_000,
                max_downloads: None,
                downloads: 0,
                hits: vec![],
                received: vec![],
                uploads: 0,
                revoked_ms: None,
                wrong: vec![],
            };
            gongkai::intranet::shares::store::insert(txn, &h, s)?;
            Ok(())
        })
        .await
        .unwrap();
    let anon = app.client();
    let link = format!("/oa/s/{token}");
    assert_eq!(anon.get(&link).await.status, 404);
    assert_eq!(
        anon.get_bytes(&format!("{link}/file"), &[]).await.status,
        404
    );
    let token_page = anon.get("/login").await.csrf();
    let body = multipart(
        "text/plain",
        &[
            ("csrf", None, token_page.as_bytes()),
            ("file", Some("a.txt"), b"x"),
        ],
    );
    assert_eq!(
        anon.post_multipart(&format!("{link}/upload"), body, &[])
            .await
            .status,
        404
    );
    app.stop().await;
}

#[tokio::test]
async fn collect_links_receive_files_into_the_owners_space() {
    let app = TestApp::start_with(|cfg| cfg.intranet.user_quota_mib = 2).await;
    let c = staff(&app, "shouji", Role::Reporter, "gov").await;
    let form = c.get("/oa/shares/new").await;
    assert_eq!(form.status, 200);
    for want in [
        "<label for=\"f-max_uploads\">",
        "<label for=\"f-max_size_mib\">",
        "value=\"collect\"",
    ] {
        assert!(main_of(&form.body).contains(want), "{want}");
    }
    // More than the plain form's 64 MB per file: refused beside the field.
    let r = c
        .post_form(
            "/oa/shares/new",
            "/oa/shares",
            &[
                ("kind", "collect"),
                ("days", "3"),
                ("max_uploads", "3"),
                ("max_size_mib", "65"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("id=\"f-max_size_mib-err\""));
    let link = link_of(
        &c.post_form(
            "/oa/shares/new",
            "/oa/shares",
            &[
                ("kind", "collect"),
                ("days", "3"),
                ("max_uploads", "3"),
                ("max_size_mib", "2"),
                ("note", "请上传本单位报表"),
            ],
        )
        .await,
    );
    let anon = app.client();
    let page = anon.get(&link).await;
    assert_eq!(page.status, 200);
    let main = main_of(&page.body);
    for want in [
        "<label for=\"f-sender\">您的姓名或单位",
        "<label for=\"f-file\">",
        "请上传本单位报表",
        "还可接收 3 个文件",
    ] {
        assert!(main.contains(want), "{want}: {main}");
    }
    let token = page.csrf();
    let send = |name: &'static str, data: Vec<u8>, sender: &'static str| {
        let token = token.clone();
        let anon = &anon;
        let link = link.clone();
        async move {
            let body = multipart(
                "application/octet-stream",
                &[
                    ("csrf", None, token.as_bytes()),
                    ("sender", None, sender.as_bytes()),
                    ("file", Some(name), &data),
                ],
            );
            anon.post_multipart(&format!("{link}/upload"), body, &[])
                .await
        }
    };
    let small = bytes(3000, 1);
    let r = send("报表.xlsx", small.clone(), "区财政局").await;
    assert_eq!(
        r.location(),
        Some(format!("{link}?done=upload").as_str()),
        "{}",
        r.body
    );
    let files = files_of(&app, "shouji").await;
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].name, "报表.xlsx");
    assert_eq!(files[0].sha, sha_hex(&small));
    let me = app.user("shouji").await.unwrap();
    let used = app
        .state
        .store
        .read(move |txn| quota::usage(txn, me.id, me.unit.as_str()))
        .await
        .unwrap();
    assert_eq!(used.person, 3000);
    // Larger than the link allows: refused, told before the file is read when declared.
    let r = send("大.bin", bytes(2 * 1024 * 1024 + 200_000, 2), "").await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("文件超过此链接允许的大小"), "{}", r.body);
    let r = send("刚好超.bin", bytes(2 * 1024 * 1024 + 10, 2), "").await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("文件超过此链接允许的大小"));
    // Within the link's size but past the owner's quota.
    let r = send("一.bin", bytes(1_500_000, 4), "").await;
    assert_eq!(r.status, 303);
    let r = send("二.bin", bytes(1_000_000, 5), "").await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("接收人的存储空间不足"));
    assert_eq!(files_of(&app, "shouji").await.len(), 2);
    // The third and last place, then the link is used up.
    assert_eq!(send("三.txt", b"three".to_vec(), "").await.status, 303);
    let r = send("四.txt", b"four".to_vec(), "").await;
    assert_eq!(r.status, 410);
    assert!(r.body.contains("已用完"));
    assert_eq!(files_of(&app, "shouji").await.len(), 3);
    // The owner's list: counts and who sent what.
    let list = c.get("/oa/shares").await;
    let main = main_of(&list.body);
    for want in ["收集文件（编号", "已收 3 / 3 个文件", "区财政局", "已用完"] {
        assert!(main.contains(want), "{want}: {main}");
    }
    let uploads = audit_actions(&app)
        .await
        .into_iter()
        .filter(|(a, _)| a == "oa_share_upload")
        .count();
    assert_eq!(uploads, 3);
    // A forged post (no token) is refused before anything.
    let body = multipart("text/plain", &[("file", Some("x.txt"), b"x")]);
    assert_eq!(
        anon.post_multipart(&format!("{link}/upload"), body, &[])
            .await
            .status,
        403
    );
    app.stop().await;
}

#[tokio::test]
async fn the_system_administrator_sees_and_revokes_live_links() {
    let app = TestApp::start().await;
    let c = staff(&app, "guanli-a", Role::Reporter, "gov").await;
    let id = upload(&app, &c, "guanli-a", "通讯录.txt", b"names").await;
    let link = link_of(&share_file(&c, id, &[("max_downloads", "3")]).await);
    let admin = staff(&app, "xitong", Role::Sysadmin, "gov").await;
    let page = admin.get("/admin/shares").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let main = main_of(&page.body);
    for want in [
        "通讯录.txt（编号",
        "guanli-a",
        "已下载 0 / 3 次",
        "撤销 通讯录.txt（编号",
    ] {
        assert!(main.contains(want), "{want}: {main}");
    }
    assert_eq!(c.get("/admin/shares").await.status, 403);
    let sid = share_count(&app, "guanli-a").await[0].id;
    let r = c
        .post_form("/oa/shares", &format!("/admin/shares/{sid}/revoke"), &[])
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(app.client().get(&link).await.status, 200);
    let r = admin
        .post_form("/admin/shares", &format!("/admin/shares/{sid}/revoke"), &[])
        .await;
    assert_eq!(r.location(), Some("/admin/shares?done=revoke"));
    assert_eq!(app.client().get(&link).await.status, 410);
    assert!(!main_of(&admin.get("/admin/shares").await.body).contains("通讯录.txt"));
    app.stop().await;
}
