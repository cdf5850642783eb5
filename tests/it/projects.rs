//! 百件实事网上查 over HTTP: the office adds projects; a writer of the responsible unit posts a
//! progress update with a photo; it is not public until the unit's reviewer approves and its
//! publisher publishes it; then the public page shows it with the new percent and status.
//! The list filters by year, unit and status and searches; 延期 without a reason, a
//! "photo" that is no picture and a post from another unit are refused with nothing saved.

use gongkai::auth::model::{Role, UnitCode, UnitKind};
use gongkai::auth::store as users;

use crate::helpers::*;

/// The government office (the test district has none by default).
async fn add_office(app: &TestApp) {
    app.ensure_unit("east").await;
    app.state
        .store
        .write(|txn| {
            let root = gongkai::admin::setup::ensure_root_unit(txn, "测试区人民政府", 0)?;
            let c = UnitCode::parse("office").unwrap();
            if users::get_unit_w(txn, &c)?.is_none() {
                users::create_unit(
                    txn,
                    gongkai::auth::model::Unit {
                        code: c,
                        name: "区政府办公室".into(),
                        kind: UnitKind::Office,
                        parent: Some(root),
                        created_ms: 0,
                        profile: Default::default(),
                        retired: false,
                    },
                )?
                .unwrap();
            }
            Ok(())
        })
        .await
        .unwrap();
}

/// The id in a redirect to `{prefix}{id}`.
fn id_after(r: &Resp, prefix: &str) -> u64 {
    r.location()
        .and_then(|l| l.strip_prefix(prefix))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{} {:?} {}", r.status, r.location(), r.body))
}

async fn new_project(c: &Client, title: &str, unit: &str, target: &str, planned: &str) -> Resp {
    c.post_form(
        "/admin/projects/new",
        "/admin/projects/new",
        &[
            ("year", "2026"),
            ("number", "1"),
            ("title", title),
            ("unit", unit),
            ("target", target),
            ("planned", planned),
        ],
    )
    .await
}

/// Posts the update form with `fields` and, maybe, one photo.
async fn post_update(
    c: &Client,
    project: u64,
    fields: &[(&str, &str)],
    photo: Option<(&str, &[u8])>,
) -> Resp {
    let page = c
        .get(&format!("/admin/projects/{project}/updates/new"))
        .await;
    let token = page.csrf();
    let mut parts: Vec<Part<'_>> = vec![("csrf", None, token.as_bytes())];
    for (k, v) in fields {
        parts.push((k, None, v.as_bytes()));
    }
    if let Some((name, bytes)) = photo {
        parts.push(("photos", Some(name), bytes));
    }
    c.post_multipart(
        &format!("/admin/projects/{project}/updates"),
        multipart("image/png", &parts),
        &[],
    )
    .await
}

async fn updates_of(app: &TestApp, project: u64) -> Vec<gongkai::projects::model::Update> {
    app.state
        .store
        .read(move |txn| gongkai::projects::store::updates_of(txn, project))
        .await
        .unwrap()
}

async fn step(c: &Client, update: u64, action: &str, comment: &str) -> Resp {
    c.post_form(
        &format!("/admin/projects/updates/{update}"),
        &format!("/admin/projects/updates/{update}/step"),
        &[("action", action), ("comment", comment)],
    )
    .await
}

const GOOD: [(&str, &str); 4] = [
    ("date", "2026-11-20"),
    ("text", "加装电梯井道施工完成，正在安装导轨。"),
    ("percent", "40"),
    ("status", "in_progress"),
];

#[tokio::test]
async fn an_update_goes_public_only_when_the_unit_has_reviewed_and_published_it() {
    let app = TestApp::start().await;
    add_office(&app).await;
    app.ensure_unit("other").await;
    let office = staff(&app, "pj-office", Role::Reviewer, "office").await;

    // The office adds two projects; a bad form comes back with its messages, nothing saved.
    let bad = new_project(&office, "", "nowhere", "", "2026-13-01").await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body.contains("请填写项目名称"), "{}", bad.body);
    assert!(bad.body.contains("请选择责任单位"));
    assert!(bad.body.contains("计划完成时间应为"));
    let r = new_project(
        &office,
        "既有住宅加装电梯",
        "east",
        "为多层住宅加装电梯20部",
        "2026-12-20",
    )
    .await;
    let lift = id_after(&r, "/admin/projects/");
    let r = new_project(
        &office,
        "社区口袋公园",
        "other",
        "建设口袋公园一处",
        "2026-12-31",
    )
    .await;
    let park = id_after(&r, "/admin/projects/");
    let all = app
        .state
        .store
        .read(|txn| gongkai::projects::store::of_year(txn, 2026))
        .await
        .unwrap();
    assert_eq!(all.len(), 2, "the refused form saved nothing");

    // Someone of another unit may not post for it.
    let stranger = staff(&app, "pj-other", Role::Reporter, "other").await;
    assert_eq!(
        stranger
            .get(&format!("/admin/projects/{lift}/updates/new"))
            .await
            .status,
        403
    );
    let token = stranger.get("/admin/projects").await.csrf();
    let parts: Vec<Part<'_>> = vec![
        ("csrf", None, token.as_bytes()),
        ("text", None, "冒名报送".as_bytes()),
    ];
    let r = stranger
        .post_multipart(
            &format!("/admin/projects/{lift}/updates"),
            multipart("image/png", &parts),
            &[],
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.body);

    // The unit's writer: 延期 needs a reason; a "photo" that is no picture is refused.
    let writer = staff(&app, "pj-writer", Role::Reporter, "east").await;
    let mut delayed = GOOD.to_vec();
    delayed[3] = ("status", "delayed");
    let r = post_update(&writer, lift, &delayed, None).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body.contains("状态为“延期”时必须填写延期原因"),
        "{}",
        r.body
    );
    let r = post_update(
        &writer,
        lift,
        &GOOD,
        Some(("现场.png", b"MZ\x90\x00 not a picture at all")),
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("按文件内容判断"), "{}", r.body);
    assert!(
        updates_of(&app, lift).await.is_empty(),
        "nothing half-saved"
    );

    // A good update with a photo waits for review; the public sees nothing of it yet.
    let r = post_update(&writer, lift, &GOOD, Some(("现场.png", &png()))).await;
    let update = id_after(&r, "/admin/projects/updates/");
    let stored = updates_of(&app, lift).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].flow.state, "unit_review");
    assert_eq!(stored[0].photos.len(), 1);
    let photo = format!("/projects/photos/{update}/{}", stored[0].photos[0].sha);
    let anon = app.client();
    let page = anon.get(&format!("/projects/{lift}")).await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("井道施工完成"));
    assert!(page.body.contains("未开工"));
    assert!(page.body.contains(&format!("/mailbox/?project={lift}")));
    assert_eq!(anon.get(&photo).await.status, 404, "not public yet");
    assert_eq!(writer.get(&photo).await.status, 200, "its unit sees it");

    // The writer may not approve their own; the reviewer finds it in 我的工作 and approves.
    let r = step(&writer, update, "approve_unit", "").await;
    assert_eq!(r.status, 422, "{}", r.body);
    let reviewer = staff(&app, "pj-rev", Role::Reviewer, "east").await;
    let work = reviewer.get("/admin/work").await;
    assert!(
        work.body
            .contains(&format!("/admin/projects/updates/{update}")),
        "{}",
        work.body
    );
    let r = step(&reviewer, update, "approve_unit", "").await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(
        !anon
            .get(&format!("/projects/{lift}"))
            .await
            .body
            .contains("井道施工完成")
    );
    let publisher = staff(&app, "pj-pub", Role::Publisher, "east").await;
    let r = step(&publisher, update, "publish", "").await;
    assert_eq!(r.status, 303, "{}", r.body);

    // Public now: the update, its photo, the new percent and status.
    let page = anon.get(&format!("/projects/{lift}")).await;
    assert!(page.body.contains("井道施工完成"), "{}", page.body);
    assert!(page.body.contains("value=\"40\""), "the new percent");
    assert!(page.body.contains("进行中"));
    assert!(page.body.contains(&photo));
    let img = anon.get_bytes(&photo, &[]).await;
    assert_eq!(img.status, 200);
    assert_eq!(img.header("content-type"), "image/png");

    // The list: filters by year, unit and status, and the text query.
    let list = anon.get("/projects/?year=2026").await;
    assert!(list.body.contains("既有住宅加装电梯") && list.body.contains("社区口袋公园"));
    let east = anon.get("/projects/?year=2026&unit=east").await;
    assert!(east.body.contains("既有住宅加装电梯") && !east.body.contains("社区口袋公园"));
    let started = anon.get("/projects/?status=in_progress").await;
    assert!(started.body.contains("既有住宅加装电梯") && !started.body.contains("社区口袋公园"));
    let waiting = anon.get("/projects/?status=not_started").await;
    assert!(!waiting.body.contains("既有住宅加装电梯") && waiting.body.contains("社区口袋公园"));
    let found = anon.get("/projects/?q=%E5%8F%A3%E8%A2%8B").await;
    assert!(!found.body.contains("既有住宅加装电梯") && found.body.contains("社区口袋公园"));
    assert_eq!(anon.get(&format!("/projects/{park}")).await.status, 200);

    // Every step left its audit record.
    let actions: Vec<String> = app
        .state
        .store
        .read(|txn| {
            use redb::ReadableTable;
            let t = txn.open_table(gongkai::store::tables::AUDIT)?;
            let mut v = Vec::new();
            for row in t.iter()? {
                let (_, r) = row?;
                let rec: serde_json::Value = serde_json::from_slice(r.value())?;
                v.push(rec["action"].as_str().unwrap_or("").to_owned());
            }
            Ok(v)
        })
        .await
        .unwrap();
    assert_eq!(actions.iter().filter(|a| *a == "project_new").count(), 2);
    assert_eq!(
        actions
            .iter()
            .filter(|a| *a == "project_update_new")
            .count(),
        1
    );
    assert_eq!(
        actions
            .iter()
            .filter(|a| *a == "project_update_step")
            .count(),
        2
    );
    app.stop().await;
}

#[tokio::test]
async fn a_delayed_update_with_its_reason_shows_the_reason_once_published() {
    let app = TestApp::start().await;
    add_office(&app).await;
    let office = staff(&app, "pj-office", Role::Publisher, "office").await;
    let r = new_project(&office, "社区食堂", "east", "建设长者食堂", "2026-10-31").await;
    let id = id_after(&r, "/admin/projects/");
    let writer = staff(&app, "pj-writer", Role::Reporter, "east").await;
    let r = post_update(
        &writer,
        id,
        &[
            ("date", "2026-11-25"),
            ("text", "装修完成八成。"),
            ("percent", "80"),
            ("status", "delayed"),
            ("delay_reason", "消防设计变更，需重新报审"),
        ],
        None,
    )
    .await;
    let update = id_after(&r, "/admin/projects/updates/");
    let reviewer = staff(&app, "pj-rev", Role::Reviewer, "east").await;
    // 退回 needs a reason.
    let r = step(&reviewer, update, "return_unit", "").await;
    assert_eq!(r.status, 422);
    let r = step(&reviewer, update, "return_unit", "请补充现场照片").await;
    assert_eq!(r.status, 303, "{}", r.body);

    // The writer sees why in 我的工作, corrects it with a photo and sends it again.
    let work = writer.get("/admin/work?list=pj_returned").await;
    assert!(work.body.contains("请补充现场照片"), "{}", work.body);
    let edit = writer
        .get(&format!("/admin/projects/updates/{update}/edit"))
        .await;
    assert_eq!(edit.status, 200);
    assert!(edit.body.contains("消防设计变更，需重新报审"), "kept");
    let token = edit.csrf();
    let photo = png();
    let parts: Vec<Part<'_>> = vec![
        ("csrf", None, token.as_bytes()),
        ("date", None, "2026-11-25".as_bytes()),
        ("text", None, "装修完成八成，厨房设备进场。".as_bytes()),
        ("percent", None, "80".as_bytes()),
        ("status", None, "delayed".as_bytes()),
        ("delay_reason", None, "消防设计变更，需重新报审".as_bytes()),
        ("photos", Some("现场.png"), &photo),
    ];
    let r = writer
        .post_multipart(
            &format!("/admin/projects/updates/{update}/edit"),
            multipart("image/png", &parts),
            &[],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let u = &updates_of(&app, id).await[0];
    assert_eq!(u.flow.state, "unit_review");
    assert_eq!(u.photos.len(), 1);
    assert!(u.text.contains("厨房设备进场"));
    // Someone of another unit may not edit it.
    let stranger = staff(&app, "pj-other", Role::Reporter, "other").await;
    assert_eq!(
        stranger
            .get(&format!("/admin/projects/updates/{update}/edit"))
            .await
            .status,
        403
    );
    assert_eq!(
        step(&reviewer, update, "approve_unit", "").await.status,
        303
    );
    let publisher = staff(&app, "pj-pub", Role::Publisher, "east").await;
    assert_eq!(step(&publisher, update, "publish", "").await.status, 303);
    let page = app.client().get(&format!("/projects/{id}")).await;
    assert!(
        page.body.contains("消防设计变更，需重新报审"),
        "{}",
        page.body
    );
    assert!(page.body.contains("延期"));
    // 统计分析 counts it as 延期 under its unit.
    let sys = staff(&app, "pj-sys", Role::Sysadmin, "gov").await;
    let stats = sys.get("/admin/stats?year=2026").await;
    assert_eq!(stats.status, 200, "{}", stats.body);
    let table = stats
        .body
        .split("id=\"stats-projects\"")
        .nth(1)
        .expect("the projects table");
    assert!(table.contains("单位east"), "{table}");
    assert!(table.contains("2026年百件实事"), "{table}");
    app.stop().await;
}

#[tokio::test]
async fn a_silent_project_waits_in_my_work_and_a_withdrawn_update_leaves_the_public_page() {
    let app = TestApp::start().await;
    add_office(&app).await;
    let office = staff(&app, "pj-office", Role::UnitAdmin, "office").await;
    // The navigation offers 百件实事 to the office's 单位管理员, not to another unit's.
    assert!(
        office
            .get("/admin")
            .await
            .body
            .contains("href=\"/admin/projects\"")
    );
    let other_admin = staff(&app, "pj-other-admin", Role::UnitAdmin, "other").await;
    assert!(
        !other_admin
            .get("/admin")
            .await
            .body
            .contains("href=\"/admin/projects\"")
    );
    let r = new_project(&office, "老旧小区改造", "east", "改造小区3个", "2026-12-20").await;
    let id = id_after(&r, "/admin/projects/");
    let writer = staff(&app, "pj-writer", Role::Reporter, "east").await;
    let r = post_update(&writer, id, &GOOD, None).await;
    let update = id_after(&r, "/admin/projects/updates/");
    let reviewer = staff(&app, "pj-rev", Role::Reviewer, "east").await;
    assert_eq!(
        step(&reviewer, update, "approve_unit", "").await.status,
        303
    );
    let publisher = staff(&app, "pj-pub", Role::Publisher, "east").await;
    assert_eq!(step(&publisher, update, "publish", "").await.status, 303);
    let stale = "/admin/work?list=pj_stale";
    assert!(!writer.get(stale).await.body.contains("老旧小区改造"));

    // A month without a published update: the unit's writer is asked for one.
    app.clock.advance(time::Duration::days(31));
    // (Sessions do not last a month: sign in again.)
    let writer = staff(&app, "pj-writer", Role::Reporter, "east").await;
    let publisher = staff(&app, "pj-pub", Role::Publisher, "east").await;
    let work = writer.get(stale).await;
    assert!(work.body.contains("老旧小区改造"), "{}", work.body);
    assert!(work.body.contains("30 天未更新"), "{}", work.body);
    // Someone of another unit is not.
    let stranger = staff(&app, "pj-other", Role::Reporter, "other").await;
    assert!(!stranger.get(stale).await.body.contains("老旧小区改造"));

    // 撤稿 needs a reason; once taken down the update leaves the public page and the
    // project's public progress goes back.
    let r = step(&publisher, update, "withdraw", "").await;
    assert_eq!(r.status, 422, "{}", r.body);
    let r = step(&publisher, update, "withdraw", "数据有误，核实后重新报送").await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = app.client().get(&format!("/projects/{id}")).await;
    assert!(!page.body.contains("井道施工完成"), "{}", page.body);
    assert!(page.body.contains("未开工"));
    assert!(page.body.contains("项目尚未发布进展"));
    app.stop().await;
}
