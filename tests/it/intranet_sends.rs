//! 发送文件: a file from 文件传输 sent to a unit and a person; each recipient's receipt
//! (opened, signed, downloaded) seen by the sender; reminders to those not signed; the send
//! keeps the bytes after the sender deletes the file; it expires and is swept; 我的工作.

use gongkai::auth::model::Role;

use crate::helpers::{Client, TestApp, multipart, staff};
use crate::intranet_files::{files_of, sha_hex};

async fn upload(c: &Client, name: &str, data: &[u8]) {
    let page = c.get("/oa/transfer").await;
    let token = page.csrf();
    let body = multipart(
        "application/pdf",
        &[("csrf", None, token.as_bytes()), ("file", Some(name), data)],
    );
    let r = c.post_multipart("/oa/transfer/upload", body, &[]).await;
    assert_eq!(r.location(), Some("/oa/transfer?done=upload"), "{}", r.body);
}

#[tokio::test]
async fn a_file_sent_to_a_unit_is_signed_for_and_downloaded_and_the_sender_sees_both() {
    let app = TestApp::start().await;
    let sender = staff(&app, "fs-sender", Role::Reporter, "office").await;
    let reader = staff(&app, "fs-reader", Role::Reporter, "bureau").await;
    let person = staff(&app, "fs-person", Role::Reporter, "other").await;
    let outsider = staff(&app, "fs-out", Role::Reporter, "third").await;
    let data = b"%PDF-1.4 the plan for the winter".repeat(100);
    upload(&sender, "冬季方案.pdf", &data).await;
    let f = files_of(&app, "fs-sender").await.remove(0);

    // From the file's row to the form, the file already chosen.
    let page = sender.get("/oa/transfer").await;
    assert!(page.body.contains(&format!("/oa/sends/new?file={}", f.id)));
    let form = sender.get(&format!("/oa/sends/new?file={}", f.id)).await;
    assert!(
        form.body.contains(&format!("value=\"{}\" checked", f.id)),
        "{}",
        form.body
    );
    // Nothing chosen: messages beside the fields.
    let r = sender
        .post_form("/oa/sends/new", "/oa/sends/new", &[("message", "请查收")])
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("请至少选择一个文件"));
    assert!(r.body.contains("请至少选择一个单位或填写一个收件人"));
    // Someone else's file cannot be sent.
    let r = outsider
        .post_form(
            "/oa/sends/new",
            "/oa/sends/new",
            &[("file", &f.id.to_string()), ("to_unit", "bureau")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("所选文件不存在或已过期"));

    let id = f.id.to_string();
    let r = sender
        .post_form(
            "/oa/sends/new",
            "/oa/sends/new",
            &[
                ("file", &id),
                ("message", "请各单位查收"),
                ("to_unit", "bureau"),
                ("to_people", "fs-person"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let url = r
        .location()
        .unwrap()
        .trim_end_matches("?done=sent")
        .to_owned();

    // In the recipients' inbox and 我的工作.
    assert!(reader.get("/oa/sends").await.body.contains("冬季方案.pdf"));
    assert!(
        reader
            .get("/admin/work?list=oa_files_receive")
            .await
            .body
            .contains("冬季方案.pdf")
    );
    assert!(person.get("/oa/sends").await.body.contains("冬季方案.pdf"));
    // Searched by file name or message, sender and date.
    let hit = reader
        .get("/oa/sends?q=%E6%96%B9%E6%A1%88&sender=office")
        .await; // 方案
    assert!(hit.body.contains("冬季方案.pdf"), "{}", hit.body);
    let miss = reader.get("/oa/sends?q=%E9%A2%84%E7%AE%97").await; // 预算
    assert!(miss.body.contains("没有符合条件的文件"));
    assert!(
        reader
            .get("/oa/sends?from=2026-11-27")
            .await
            .body
            .contains("没有符合条件的文件")
    );
    let bad = reader.get("/oa/sends?to=tomorrow").await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("日期格式应为 2026-12-01"));
    assert_eq!(outsider.get(&url).await.status, 404);
    assert_eq!(outsider.get(&format!("{url}/files/0")).await.status, 404);

    // The reader signs and downloads; the person only opens it.
    let p = reader.get(&url).await;
    assert!(p.body.contains("请各单位查收"));
    let r = reader.post_form(&url, &format!("{url}/sign"), &[]).await;
    assert_eq!(r.location(), Some(format!("{url}?done=signed").as_str()));
    let d = reader.get_bytes(&format!("{url}/files/0"), &[]).await;
    assert_eq!(d.status, 200);
    assert_eq!(sha_hex(&d.body), f.sha);
    let cd = d
        .headers
        .get("content-disposition")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        cd.contains("filename*=UTF-8''%E5%86%AC%E5%AD%A3%E6%96%B9%E6%A1%88.pdf"),
        "{cd}"
    );
    let part = reader
        .get_bytes(&format!("{url}/files/0"), &[("range", "bytes=10-19")])
        .await;
    assert_eq!(part.status, 206);
    assert_eq!(part.body, &data[10..20]);
    // Never compressed on the way (a browser asking for gzip gets the bytes as they are).
    let z = reader
        .get_bytes(
            &format!("{url}/files/0"),
            &[("accept-encoding", "gzip, br")],
        )
        .await;
    assert!(z.headers.get("content-encoding").is_none());
    assert_eq!(z.body.len(), data.len());
    assert!(
        !reader
            .get("/admin/work?list=oa_files_receive")
            .await
            .body
            .contains("冬季方案.pdf")
    );
    person.get(&url).await;

    // The sender sees both: signed and downloaded (once: the range resumed it).
    let p = sender.get(&url).await;
    assert!(
        p.body.contains("共 2 个收件方：已签收 1，已下载 1。"),
        "{}",
        p.body
    );
    // Two whole downloads (the plain one and the one asking for gzip); the range resumed one.
    assert!(p.body.contains("2 次，最近"), "{}", p.body);
    // A reminder reaches the person only.
    let r = sender.post_form(&url, &format!("{url}/remind"), &[]).await;
    assert_eq!(r.location(), Some(format!("{url}?done=reminded").as_str()));
    assert!(
        person
            .get("/admin/notifications")
            .await
            .body
            .contains("催办：请接收文件 冬季方案.pdf")
    );
    assert!(
        !reader
            .get("/admin/notifications")
            .await
            .body
            .contains("催办：请接收文件")
    );

    // The sender deletes the file from their list: the send keeps its bytes.
    let r = sender
        .post_form(
            "/oa/transfer",
            &format!("/oa/transfer/{}/delete", f.id),
            &[],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        reader
            .get_bytes(&format!("{url}/files/0"), &[])
            .await
            .status,
        200
    );

    // Past its time it is gone, and swept.
    app.clock.advance(time::Duration::days(31));
    assert_eq!(reader.get(&url).await.status, 404);
    let n = gongkai::intranet::sends::sweep::run(&app.state)
        .await
        .unwrap();
    assert_eq!(n, 1);
    let path = app.state.store.blobs().path(&f.sha).unwrap();
    assert!(!path.exists(), "no reference left: the bytes are reclaimed");
    app.stop().await;
}
