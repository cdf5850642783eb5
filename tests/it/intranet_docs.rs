//! 公文: sending with errors beside the fields, per-recipient receipts (delivered, first
//! opened, signed, downloaded), signing before download, reminders to the silent only,
//! remarks and who reads them, passing on down the unit tree with the chain kept, the
//! in- and out-box searches, and 我的工作.

use gongkai::auth::model::{Role, Unit, UnitCode, UnitKind};

use crate::helpers::{Client, TestApp, multipart, staff};

/// A unit under `parent` (the root `gov` when `None`).
async fn unit(app: &TestApp, code: &str, name: &str, kind: UnitKind, parent: Option<&str>) {
    app.ensure_unit("gov").await;
    let (code, name, parent) = (code.to_owned(), name.to_owned(), parent.map(str::to_owned));
    app.state
        .store
        .write(move |txn| {
            let c = UnitCode::parse(&code).unwrap();
            let p = UnitCode::parse(parent.as_deref().unwrap_or("gov")).unwrap();
            if gongkai::auth::store::get_unit_w(txn, &c)?.is_none() {
                gongkai::auth::store::create_unit(txn, Unit::new(c, name, kind, Some(p), 0))?
                    .unwrap();
            }
            Ok(())
        })
        .await
        .unwrap();
}

/// The district: an office sending, a bureau, a subdistrict with two communities, and a
/// unit nobody sends to.
async fn district(app: &TestApp) -> (Client, Client, Client, Client, Client) {
    unit(app, "office", "区政府办公室", UnitKind::Office, None).await;
    unit(app, "bureau", "区民政局", UnitKind::Department, None).await;
    unit(app, "sub", "城关街道办事处", UnitKind::Subdistrict, None).await;
    unit(app, "c1", "东门社区", UnitKind::Community, Some("sub")).await;
    unit(app, "c2", "西门社区", UnitKind::Community, Some("sub")).await;
    unit(app, "other", "区统计局", UnitKind::Department, None).await;
    (
        staff(app, "sender", Role::Reporter, "office").await,
        staff(app, "bureau1", Role::Reporter, "bureau").await,
        staff(app, "sub1", Role::Reporter, "sub").await,
        staff(app, "comm1", Role::Reporter, "c1").await,
        staff(app, "outsider", Role::Reporter, "other").await,
    )
}

/// Sends a document; its id.
async fn send(c: &Client, fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> u64 {
    let r = send_raw(c, fields, file).await;
    assert_eq!(r.status, 303, "send: {}", r.body);
    let loc = r.location().unwrap().to_owned();
    assert!(loc.ends_with("?done=sent"), "{loc}");
    loc.trim_start_matches("/oa/docs/")
        .trim_end_matches("?done=sent")
        .parse()
        .unwrap()
}

async fn send_raw(
    c: &Client,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> crate::helpers::Resp {
    let page = c.get("/oa/docs/new").await;
    assert_eq!(page.status, 200);
    let csrf = page.csrf();
    let mut parts: Vec<(&str, Option<&str>, &[u8])> = vec![("csrf", None, csrf.as_bytes())];
    for (k, v) in fields {
        parts.push((k, None, v.as_bytes()));
    }
    if let Some((name, data)) = file {
        parts.push(("files", Some(name), data));
    }
    c.post_multipart("/oa/docs/new", multipart("application/pdf", &parts), &[])
        .await
}

async fn post(
    c: &Client,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> crate::helpers::Resp {
    c.post_form(page, action, fields).await
}

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

#[tokio::test]
async fn receipts_signing_downloads_reminders_and_remarks() {
    let app = TestApp::start().await;
    let (sender, bureau, sub, _comm, outsider) = district(&app).await;

    let form = sender.get("/oa/docs/new").await;
    assert!(
        form.body.contains("严禁处理涉密信息"),
        "the form says it is unclassified only"
    );

    // Errors come back beside their fields, the input kept.
    let r = send_raw(
        &sender,
        &[
            ("title", ""),
            ("number", "区府办发〔2026〕7号"),
            ("urgency", "urgent"),
        ],
        None,
    )
    .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("请填写标题"));
    assert!(r.body.contains("请填写正文或添加附件"));
    assert!(r.body.contains("请至少选择一个单位或填写一个收件人"));
    assert!(r.body.contains("区府办发〔2026〕7号"), "typed text kept");
    let r = send_raw(
        &sender,
        &[
            ("title", "通知"),
            ("body", "正文"),
            ("urgency", "normal"),
            ("to_people", "nobody-here"),
        ],
        None,
    )
    .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("找不到这些账号（或已停用）：nobody-here"));

    let id = send(
        &sender,
        &[
            ("title", "关于做好冬季防火工作的通知"),
            ("number", "区府办发〔2026〕12号"),
            ("urgency", "urgent"),
            ("body", "各单位：\n\n请于本周内完成辖区防火检查。"),
            ("sign_first", "on"),
            ("to_unit", "bureau"),
            ("to_unit", "sub"),
        ],
        Some(("检查表.pdf", PDF)),
    )
    .await;
    let url = format!("/oa/docs/{id}");

    // Delivered: in the bureau's inbox, its 我的工作 and its bell.
    let inbox = bureau.get("/oa/docs").await;
    assert!(inbox.body.contains("关于做好冬季防火工作的通知") && inbox.body.contains("待签收"));
    let work = bureau.get("/admin/work?list=oa_docs_sign").await;
    assert!(
        work.body.contains("关于做好冬季防火工作的通知"),
        "{}",
        work.body
    );
    let bell = bureau.get("/admin/notifications").await;
    assert!(bell.body.contains("公文待签收：关于做好冬季防火工作的通知"));

    // The sender sees nobody has opened it yet.
    let p = sender.get(&url).await;
    assert!(
        p.body.contains("已打开 0，已签收 0，未签收 2"),
        "{}",
        p.body
    );

    // Signing comes before the attachment.
    let r = bureau.get(&format!("{url}/files/0")).await;
    assert_eq!(r.status, 403);
    assert!(r.body.contains("签收后才能下载附件"));
    let p = bureau.get(&url).await; // first opened now
    assert!(p.body.contains("（签收后可下载）"));
    let p = sender.get(&url).await;
    assert!(p.body.contains("已打开 1，已签收 0"));

    let r = post(&bureau, &url, &format!("{url}/sign"), &[]).await;
    assert_eq!(r.location(), Some(format!("{url}?done=signed").as_str()));
    let r = bureau.get_bytes(&format!("{url}/files/0"), &[]).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body, PDF);
    let cd = r
        .headers
        .get("content-disposition")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        cd.starts_with("attachment")
            && cd.contains("filename*=UTF-8''%E6%A3%80%E6%9F%A5%E8%A1%A8.pdf"),
        "{cd}"
    );
    assert_eq!(r.headers.get("x-content-type-options").unwrap(), "nosniff");
    // Resuming: a range.
    let r = bureau
        .get_bytes(&format!("{url}/files/0"), &[("range", "bytes=4-7")])
        .await;
    assert_eq!(r.status, 206);
    assert_eq!(r.body, &PDF[4..8]);

    let p = sender.get(&url).await;
    assert!(p.body.contains("已签收 1，未签收 1"), "{}", p.body);
    assert!(
        p.body.contains("1 次，最近"),
        "the download is recorded once (the range resumes it)"
    );
    // Signing again is refused; the bureau's work is done.
    let r = post(&bureau, &url, &format!("{url}/sign"), &[]).await;
    assert_eq!(r.status, 400);
    let work = bureau.get("/admin/work?list=oa_docs_sign").await;
    assert!(!work.body.contains("关于做好冬季防火工作的通知"));

    // Reminders go to those not signed only.
    let before = unread(&app, "bureau1").await;
    let sub_before = unread(&app, "sub1").await;
    let r = post(&sender, &url, &format!("{url}/remind"), &[]).await;
    assert_eq!(r.location(), Some(format!("{url}?done=reminded").as_str()));
    assert_eq!(unread(&app, "bureau1").await, before);
    assert_eq!(unread(&app, "sub1").await, sub_before + 1);
    let p = sender.get(&url).await;
    assert!(
        p.body.contains("<td data-label=\"催办\">1 次</td>"),
        "{}",
        p.body
    );

    // Remarks: the sender reads every one; another recipient only its own unit's.
    let r = post(
        &bureau,
        &url,
        &format!("{url}/remark"),
        &[("text", "已部署，周五前报送检查结果。")],
    )
    .await;
    assert_eq!(r.status, 303);
    let r = post(&bureau, &url, &format!("{url}/remark"), &[("text", "  ")]).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("请填写意见"));
    assert!(
        sender
            .get(&url)
            .await
            .body
            .contains("已部署，周五前报送检查结果。")
    );
    assert!(
        !sub.get(&url)
            .await
            .body
            .contains("已部署，周五前报送检查结果。")
    );

    // 统计分析 counts it: sent by the office, received by two units, one signed on time.
    let admin = staff(&app, "sys", Role::Sysadmin, "gov").await;
    let s = admin.get("/admin/stats?year=2026").await;
    let office = s
        .body
        .split("id=\"stats-office\"")
        .nth(1)
        .unwrap()
        .split("</table>")
        .next()
        .unwrap()
        .to_owned();
    assert!(
        office.contains("<th scope=\"row\">区政府办公室</th><td>1</td><td>0</td><td>0</td>"),
        "{office}"
    );
    assert!(office.contains("<th scope=\"row\">区民政局</th><td>0</td><td>0</td><td>1</td><td>1</td><td>1</td><td>100.0%</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0 B</td><td>0</td>"), "{office}");
    assert!(office.contains("<th scope=\"row\">合计</th><td>1</td><td>0</td><td>2</td><td>1</td><td>1</td><td>50.0%</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0 B</td><td>0</td>"), "{office}");

    // Anyone else: it does not exist.
    assert_eq!(outsider.get(&url).await.status, 404);
    assert_eq!(outsider.get(&format!("{url}/files/0")).await.status, 404);
    let r = post(&outsider, "/oa/docs", &format!("{url}/sign"), &[]).await;
    assert_eq!(r.status, 404);
    app.stop().await;
}

async fn unread(app: &TestApp, name: &str) -> u64 {
    let n = name.to_owned();
    app.state
        .store
        .read(move |txn| {
            let u = gongkai::auth::store::find_user(txn, &n)?.unwrap();
            gongkai::notify::store::unread_count(txn, u.id)
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn a_subdistrict_passes_a_document_on_and_the_chain_is_kept() {
    let app = TestApp::start().await;
    let (sender, bureau, sub, comm, _outsider) = district(&app).await;
    let id = send(
        &sender,
        &[
            ("title", "关于开展入户走访的通知"),
            ("urgency", "normal"),
            ("body", "请各街道转发至社区。"),
            ("to_unit", "sub"),
            ("to_unit", "bureau"),
        ],
        None,
    )
    .await;
    let url = format!("/oa/docs/{id}");
    // Not before signing.
    let r = post(&sub, &url, &format!("{url}/forward"), &[("to_unit", "c1")]).await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("请先签收"));
    post(&sub, &url, &format!("{url}/sign"), &[]).await;
    let page = sub.get(&url).await;
    assert!(page.body.contains("转发下级单位") && page.body.contains("东门社区"));
    assert!(
        !page.body.contains("value=\"bureau\""),
        "only units under the subdistrict are offered"
    );
    // Only to units below.
    let r = post(
        &sub,
        &url,
        &format!("{url}/forward"),
        &[("to_unit", "bureau")],
    )
    .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("不能发往“bureau”"));
    let r = post(
        &sub,
        &url,
        &format!("{url}/forward"),
        &[
            ("to_unit", "c1"),
            ("to_unit", "c2"),
            ("note", "请社区于周三前完成。"),
        ],
    )
    .await;
    assert_eq!(r.status, 303);
    let child = r
        .location()
        .unwrap()
        .trim_end_matches("?done=forwarded")
        .to_owned();
    // The community receives the copy, with where it came from.
    let p = comm.get(&child).await;
    assert_eq!(p.status, 200);
    assert!(p.body.contains("本件由城关街道办事处转发"), "{}", p.body);
    assert!(p.body.contains("请社区于周三前完成。"));
    assert!(
        comm.get("/oa/docs")
            .await
            .body
            .contains("关于开展入户走访的通知")
    );
    // The community cannot open the original (not sent to it).
    assert_eq!(comm.get(&url).await.status, 404);
    post(&comm, &child, &format!("{child}/sign"), &[]).await;
    // The first sender follows it down: the chain and each community's receipt.
    let p = sender.get(&url).await;
    assert!(p.body.contains("转发链"));
    assert!(p.body.contains("第 1 级转发：城关街道办事处"), "{}", p.body);
    assert!(p.body.contains("已签收 1/2"));
    assert!(p.body.contains("东门社区") && p.body.contains("西门社区"));
    assert_eq!(
        sender.get(&child).await.status,
        200,
        "the first sender may open the copy"
    );
    // Another recipient of the original does not follow the subdistrict's copy.
    let p = bureau.get(&url).await;
    assert!(!p.body.contains("第 1 级转发"), "{}", p.body);
    assert_eq!(bureau.get(&child).await.status, 404);
    app.stop().await;
}

#[tokio::test]
async fn inbox_and_sent_are_searched_by_title_number_sender_and_date() {
    let app = TestApp::start().await;
    let (sender, bureau, _sub, _comm, _outsider) = district(&app).await;
    for (title, number) in [
        ("关于报送年度统计数据的通知", "区统发〔2026〕3号"),
        ("关于召开安全生产会议的通知", "区安发〔2026〕9号"),
    ] {
        send(
            &sender,
            &[
                ("title", title),
                ("number", number),
                ("urgency", "normal"),
                ("body", "正文"),
                ("to_unit", "bureau"),
            ],
            None,
        )
        .await;
    }
    let r = bureau.get("/oa/docs?q=%E5%8C%BA%E5%AE%89%E5%8F%91").await; // 区安发
    assert!(
        r.body.contains("关于召开安全生产会议的通知")
            && !r.body.contains("关于报送年度统计数据的通知")
    );
    let r = bureau
        .get("/oa/docs?sender=%E5%8A%9E%E5%85%AC%E5%AE%A4")
        .await; // 办公室
    assert!(r.body.contains("（2 件）"), "{}", r.body);
    let r = bureau.get("/oa/docs?from=2026-11-27").await;
    assert!(r.body.contains("没有符合条件的公文"));
    let r = bureau.get("/oa/docs?from=2026-11-26&to=2026-11-26").await;
    assert!(r.body.contains("（2 件）"));
    let r = bureau.get("/oa/docs?from=yesterday").await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("日期格式应为 2026-12-01"));
    let r = sender.get("/oa/docs?box=sent&q=%E7%BB%9F%E8%AE%A1").await; // 统计
    assert!(r.body.contains("关于报送年度统计数据的通知") && r.body.contains("已签收 0/1"));
    app.stop().await;
}

#[tokio::test]
async fn from_outside_the_intranet_is_not_there_at_all() {
    // Only 10.0.0.0/8 is inside; the test client comes from 127.0.0.1.
    let app = TestApp::start_with(|cfg| cfg.intranet.networks = vec!["10.0.0.0/8".into()]).await;
    let (sender, _bureau, _sub, _comm, _outsider) = district(&app).await;
    let home = sender.get("/admin").await;
    assert_eq!(home.status, 200);
    assert!(!home.body.contains("href=\"/oa/\""), "no way in is shown");
    for path in ["/oa/", "/oa/docs", "/oa/docs/new"] {
        let r = sender.get(path).await;
        assert_eq!(r.status, 404, "{path}");
    }
    let work = sender.get("/admin/work").await;
    assert!(!work.body.contains("待签收公文"));
    app.stop().await;

    // The same from inside: the way in is shown and it answers.
    let app = TestApp::start().await;
    let (sender, ..) = district(&app).await;
    assert!(sender.get("/admin").await.body.contains("href=\"/oa/\""));
    assert_eq!(sender.get("/oa/docs").await.status, 200);
    app.stop().await;
}

#[tokio::test]
async fn every_demo_account_finds_intranet_work_on_first_login() {
    let app = crate::helpers::demo_filled().await;
    let now = app.state.now_ms();
    for name in [
        "sysadmin",
        "secadmin",
        "auditor",
        "office-admin",
        "office-reviewer",
        "office-publisher",
        "commerce-writer",
        "commerce-reviewer",
        "commerce-publisher",
        "east-writer",
        "east-reviewer",
        "east-publisher",
        "hubin-writer",
    ] {
        let u = app.user(name).await.expect("demo account");
        let rows = app
            .state
            .store
            .read(move |txn| {
                let mut n = 0;
                for l in gongkai::intranet::documents::todo::lists(txn, &u, now)?
                    .into_iter()
                    .chain(gongkai::intranet::meetings::todo::lists(txn, &u, now)?)
                    .chain(gongkai::intranet::sends::todo::lists(txn, &u, now)?)
                {
                    n += l.rows.len();
                }
                Ok(n)
            })
            .await
            .unwrap();
        assert!(rows > 0, "{name} has no intranet work in the demo");
    }
    app.stop().await;
}
