//! The publishing workflow (issue 4) over HTTP on the demo district: every transition
//! allowed and refused per role, review levels per channel, force publish and its review
//! after the fact, the checks' block and override, withdrawal and replacement on the public
//! side, honest dates, work lists, notices and the scope table.

use gongkai::auth::model::Role;

use crate::helpers::{
    Client, Resp, TestApp, channel_id, demo_portal, flow_state, publish_via_flow, staff, stored,
    take,
};

/// Creates an item as `c`; `action` is "save" or "submit". Returns its id.
async fn create(
    c: &Client,
    channel: u64,
    placements: &[u64],
    title: &str,
    body: &str,
    action: &str,
) -> u64 {
    let ch = channel.to_string();
    let pl: Vec<String> = placements.iter().map(u64::to_string).collect();
    let mut f: Vec<(&str, &str)> = vec![
        ("title", title),
        ("source", "测试单位"),
        ("body", body),
        ("channel", &ch),
        ("action", action),
    ];
    for p in &pl {
        f.push(("placements", p));
    }
    let r = c
        .post_form("/admin/articles/new", "/admin/articles/new", &f)
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let loc = r.location().unwrap();
    loc.trim_start_matches("/admin/articles/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

fn audit_actions(app: &TestApp) -> Vec<(String, String)> {
    app.state
        .store
        .read_blocking(|t| gongkai::auth::audit::page(t, None, 500))
        .unwrap()
        .into_iter()
        .map(|r| (r.action, r.detail))
        .collect()
}

async fn set_rules(app: &TestApp, text: &str) {
    let rules = gongkai::publishing::checks::content::CheckRules::parse(text).unwrap();
    app.state
        .store
        .write(move |txn| gongkai::publishing::checks::rules_store::save(txn, &rules))
        .await
        .unwrap();
}

struct People {
    writer: Client,
    reviewer: Client,
    publisher: Client,
    office_reviewer: Client,
    office_publisher: Client,
    other_reviewer: Client,
}

async fn people(app: &TestApp) -> People {
    People {
        writer: staff(app, "w-writer", Role::Reporter, "commerce").await,
        reviewer: staff(app, "w-reviewer", Role::Reviewer, "commerce").await,
        publisher: staff(app, "w-publisher", Role::Publisher, "commerce").await,
        office_reviewer: staff(app, "w-oreviewer", Role::Reviewer, "office").await,
        office_publisher: staff(app, "w-opublisher", Role::Publisher, "office").await,
        other_reviewer: staff(app, "w-edu-rev", Role::Reviewer, "edu").await,
    }
}

/// Takes a transition that must succeed (a redirect back to the item).
async fn step(c: &Client, app: &TestApp, id: u64, transition: &str, extra: &[(&str, &str)]) {
    let r = take(c, app, id, transition, extra).await;
    assert_eq!(r.status, 303, "{transition}: {}", r.body);
}

/// Refused by the flow: 409 with the engine's reason on the item page.
fn refused(r: &Resp, why: &str) {
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains(why), "expected “{why}”: {}", r.body);
}

/// Someone outside the item's scope: it does not exist for them.
fn hidden(r: &Resp) {
    assert_eq!(r.status, 404, "{}", r.body);
}

#[tokio::test]
async fn two_levels_for_the_main_portal_every_transition_allowed_and_refused() {
    let app = demo_portal().await;
    let p = people(&app).await;
    let work = channel_id(&app, "commerce", "work");
    let dept = channel_id(&app, "gov", "dept-news");
    let id = create(&p.writer, work, &[dept], "两级审核测试", "正文。", "save").await;
    assert_eq!(flow_state(&app, id).await, "draft");
    // Nobody but its writers may submit; nothing else is possible from a draft.
    refused(
        &take(&p.reviewer, &app, id, "approve_unit", &[]).await,
        "不能",
    );
    refused(
        &take(&p.office_publisher, &app, id, "publish", &[]).await,
        "不能",
    );
    hidden(&take(&p.other_reviewer, &app, id, "submit", &[]).await);
    step(&p.writer, &app, id, "submit", &[]).await;
    assert_eq!(flow_state(&app, id).await, "unit_review");
    // Unit review: not the office, not another unit, not the writer; a return needs a reason.
    refused(
        &take(&p.office_reviewer, &app, id, "approve_unit", &[]).await,
        "权限",
    );
    hidden(&take(&p.other_reviewer, &app, id, "approve_unit", &[]).await);
    refused(
        &take(&p.writer, &app, id, "approve_unit", &[]).await,
        "权限",
    );
    let r = take(&p.reviewer, &app, id, "return_unit", &[]).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("“退回”须填写理由"), "{}", r.body);
    let r = take(
        &p.reviewer,
        &app,
        id,
        "return_unit",
        &[("comment", "请补充数据来源")],
    )
    .await;
    assert_eq!(r.status, 303);
    assert_eq!(flow_state(&app, id).await, "returned");
    // Returned: the writer edits and submits again.
    step(&p.writer, &app, id, "submit", &[]).await;
    // The writer may recall while it waits.
    step(&p.writer, &app, id, "recall", &[]).await;
    assert_eq!(flow_state(&app, id).await, "draft");
    step(&p.writer, &app, id, "submit", &[]).await;
    step(
        &p.reviewer,
        &app,
        id,
        "approve_unit",
        &[("comment", "同意")],
    )
    .await;
    assert_eq!(
        flow_state(&app, id).await,
        "office_review",
        "the portal needs the office"
    );
    // Office review: only the office's reviewer; the unit reviewer cannot approve twice.
    refused(
        &take(&p.reviewer, &app, id, "approve_office", &[]).await,
        "权限",
    );
    refused(&take(&p.publisher, &app, id, "publish", &[]).await, "不能");
    let r = take(
        &p.office_reviewer,
        &app,
        id,
        "return_office",
        &[("comment", "标题过长")],
    )
    .await;
    assert_eq!(r.status, 303);
    step(&p.writer, &app, id, "submit", &[]).await;
    step(&p.reviewer, &app, id, "approve_unit", &[]).await;
    step(&p.office_reviewer, &app, id, "approve_office", &[]).await;
    assert_eq!(flow_state(&app, id).await, "approved");
    // Publishing is the office publisher's, not the unit's.
    refused(&take(&p.publisher, &app, id, "publish", &[]).await, "权限");
    let r = take(
        &p.office_publisher,
        &app,
        id,
        "return_publish",
        &[("comment", "时机不合适")],
    )
    .await;
    assert_eq!(r.status, 303);
    step(&p.writer, &app, id, "submit", &[]).await;
    step(&p.reviewer, &app, id, "approve_unit", &[]).await;
    step(&p.office_reviewer, &app, id, "approve_office", &[]).await;
    step(&p.office_publisher, &app, id, "publish", &[]).await;
    assert_eq!(flow_state(&app, id).await, "published");
    // Published: no more review transitions.
    refused(
        &take(&p.reviewer, &app, id, "approve_unit", &[]).await,
        "不能",
    );
    refused(&take(&p.writer, &app, id, "recall", &[]).await, "不能");
    // A stale form is refused without change.
    let r = p
        .office_publisher
        .post_form(
            "/account",
            &format!("/admin/articles/{id}/flow"),
            &[
                ("transition", "withdraw"),
                ("revision", "1"),
                ("comment", "x"),
            ],
        )
        .await;
    assert_eq!(r.status, 409);
    assert!(r.body.contains("已被他人修改或办理"), "{}", r.body);
    assert_eq!(flow_state(&app, id).await, "published");

    // Every step is on the item's page, with who and comment, and in the audit log.
    let page = p.writer.get(&format!("/admin/articles/{id}")).await;
    for t in [
        "请补充数据来源",
        "标题过长",
        "时机不合适",
        "办公室审核通过",
        "测试用户",
    ] {
        assert!(page.body.contains(t), "history shows {t}");
    }
    let actions: Vec<String> = audit_actions(&app).into_iter().map(|x| x.0).collect();
    for a in [
        "article_submit",
        "article_recall",
        "article_return_unit",
        "article_approve_unit",
        "article_return_office",
        "article_approve_office",
        "article_return_publish",
        "article_publish",
    ] {
        assert!(actions.iter().any(|x| x == a), "audit has {a}");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_sub_site_channel_sets_its_own_levels() {
    let app = demo_portal().await;
    let p = people(&app).await;
    let work = channel_id(&app, "commerce", "work");
    // One level (the demo's setting): the unit's publisher publishes after its reviewer.
    let id = create(&p.writer, work, &[], "一级审核", "正文。", "submit").await;
    assert_eq!(flow_state(&app, id).await, "unit_review");
    step(&p.reviewer, &app, id, "approve_unit", &[]).await;
    assert_eq!(flow_state(&app, id).await, "approved");
    step(&p.publisher, &app, id, "publish", &[]).await;
    assert_eq!(flow_state(&app, id).await, "published");

    // The unit admin sets the channel to no review: submitted items wait for the publisher.
    let admin = staff(&app, "w-uadmin", Role::UnitAdmin, "commerce").await;
    let path = format!("/admin/sites/commerce/channels/{work}");
    let form = admin.get(&path).await;
    assert!(form.body.contains("审核级数"));
    let list = admin.get("/admin/sites/commerce/channels").await;
    assert!(
        list.body.contains("一级"),
        "the channel list shows each channel's levels"
    );
    let r = admin
        .post_form(
            &path,
            &path,
            &[
                ("name", "工作动态"),
                ("kind", "list"),
                ("order", "1"),
                ("review_levels", "0"),
                ("in_nav", "1"),
            ],
        )
        .await;
    assert!(
        r.status == 303 || r.status == 200,
        "{} {}",
        r.status,
        r.body
    );
    let list = admin.get("/admin/sites/commerce/channels").await;
    assert!(
        list.body.contains("无需审核"),
        "the list follows the change"
    );
    let id = create(&p.writer, work, &[], "无需审核", "正文。", "submit").await;
    assert_eq!(flow_state(&app, id).await, "approved");
    step(&p.publisher, &app, id, "publish", &[]).await;
    // Placed on the main portal too: the office is back in the loop whatever the channel says.
    let dept = channel_id(&app, "gov", "dept-news");
    let id = create(&p.writer, work, &[dept], "推送主站", "正文。", "submit").await;
    assert_eq!(flow_state(&app, id).await, "unit_review");
    app.stop().await;
}

#[tokio::test]
async fn force_publish_is_flagged_until_reviewed_after_the_fact() {
    let app = demo_portal().await;
    let p = people(&app).await;
    let notices = channel_id(&app, "gov", "notices");
    let ow = staff(&app, "w-owriter", Role::Reporter, "office").await;
    let id = create(&ow, notices, &[], "紧急通知测试", "正文。", "save").await;
    // Needs a reason; only a publisher.
    let r = take(&p.office_publisher, &app, id, "force_publish", &[]).await;
    assert_eq!(r.status, 422);
    refused(
        &take(&ow, &app, id, "force_publish", &[("comment", "急")]).await,
        "权限",
    );
    let r = take(
        &p.office_publisher,
        &app,
        id,
        "force_publish",
        &[("comment", "暴雨预警须立即发布")],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let a = stored(&app, id).await;
    assert!(a.is_public());
    let f = gongkai::publishing::review::instance_of(&a);
    assert_eq!(f.flagged.as_deref(), Some("暴雨预警须立即发布"));
    assert_eq!(app.client().get(&format!("/a/{id}")).await.status, 200);
    // Shown flagged on the item, in the office reviewer's list, and told by the bell.
    let page = p
        .office_reviewer
        .get(&format!("/admin/articles/{id}"))
        .await;
    assert!(page.body.contains("待事后审核"));
    let work = p.office_reviewer.get("/admin/work?list=flagged").await;
    assert!(work.body.contains("紧急通知测试"), "{}", work.body);
    let bell = p.office_reviewer.get("/admin/notifications").await;
    assert!(bell.body.contains("紧急通知测试") && bell.body.contains("事后审核"));
    // The publisher who forced it cannot clear it; the reviewer can, once.
    refused(
        &take(&p.office_publisher, &app, id, "review_after", &[]).await,
        "权限",
    );
    step(
        &p.office_reviewer,
        &app,
        id,
        "review_after",
        &[("comment", "内容无误")],
    )
    .await;
    let f = gongkai::publishing::review::instance_of(&stored(&app, id).await);
    assert!(f.flagged.is_none());
    refused(
        &take(&p.office_reviewer, &app, id, "review_after", &[]).await,
        "无需",
    );
    let work = p.office_reviewer.get("/admin/work?list=flagged").await;
    assert!(!work.body.contains("紧急通知测试"));
    assert!(
        audit_actions(&app)
            .iter()
            .any(|(a, d)| a == "article_force_publish" && d.contains("暴雨预警"))
    );
    app.stop().await;
}

#[tokio::test]
async fn a_forbidden_word_blocks_until_a_reviewer_overrides_with_a_reason() {
    let app = demo_portal().await;
    set_rules(&app, "禁用词 博彩\n规范 陈景行 = 陈敬行\n").await;
    let p = people(&app).await;
    let work = channel_id(&app, "commerce", "work");
    let id = create(
        &p.writer,
        work,
        &[],
        "检查测试",
        "介绍陈敬行同志的讲话，严禁博彩活动宣传。",
        "submit",
    )
    .await;
    // The reviewer sees the hits marked.
    let page = p.reviewer.get(&format!("/admin/articles/{id}")).await;
    assert!(
        page.body.contains("<mark class=\"check-hit\""),
        "{}",
        page.body
    );
    assert!(page.body.contains("放行理由"));
    // Approving without a reason is blocked, with the reason asked for beside its field.
    let r = take(&p.reviewer, &app, id, "approve_unit", &[]).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("发布前检查发现"), "{}", r.body);
    assert_eq!(flow_state(&app, id).await, "unit_review");
    // With a reason: approved, the override kept with the item and in the audit log.
    let r = take(
        &p.reviewer,
        &app,
        id,
        "approve_unit",
        &[("override_reason", "引用原文，经核实无误")],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let a = stored(&app, id).await;
    assert_eq!(
        a.check_override.as_ref().unwrap().reason,
        "引用原文，经核实无误"
    );
    assert!(
        audit_actions(&app)
            .iter()
            .any(|(x, d)| x == "check_override" && d.contains("引用原文"))
    );
    // The publisher may publish what the override covers.
    step(&p.publisher, &app, id, "publish", &[]).await;

    // A new hit after the override blocks again: the publisher cannot override.
    let id2 = create(&p.writer, work, &[], "检查测试二", "严禁博彩。", "submit").await;
    step(
        &p.reviewer,
        &app,
        id2,
        "approve_unit",
        &[("override_reason", "已核实")],
    )
    .await;
    // The publisher, who handles the approved item, adds another occurrence.
    let path = format!("/admin/articles/{id2}");
    let rev = stored(&app, id2).await.revision.to_string();
    let r = p
        .publisher
        .post_form(
            &path,
            &path,
            &[
                ("revision", &rev),
                ("title", "检查测试二"),
                ("source", "区商务局"),
                ("body", "严禁博彩。也不得开设网络博彩。"),
                ("channel", &work.to_string()),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    // A change after approval goes back to the writer and through review again (issue 9).
    assert_eq!(flow_state(&app, id2).await, "returned");
    let r = take(&p.publisher, &app, id2, "publish", &[]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    step(&p.writer, &app, id2, "submit", &[]).await;
    let r = take(&p.reviewer, &app, id2, "approve_unit", &[]).await;
    assert_eq!(r.status, 422, "a new occurrence needs a new override");
    assert!(r.body.contains("发布前检查发现"));
    assert!(!stored(&app, id2).await.is_public());
    app.stop().await;
}

#[tokio::test]
async fn withdrawal_answers_410_and_leaves_search_feeds_and_sitemap_and_replace_redirects() {
    let app = demo_portal().await;
    let p = people(&app).await;
    let work = channel_id(&app, "commerce", "work");
    let id = create(
        &p.writer,
        work,
        &[],
        "撤稿测试独有词汇鹈鹕",
        "正文鹈鹕。",
        "submit",
    )
    .await;
    publish_via_flow(&app, id).await;
    let public = app.client();
    let flush = || {
        let st = app.state.clone();
        async move {
            tokio::task::spawn_blocking(move || st.search.get().unwrap().flush())
                .await
                .unwrap()
        }
    };
    flush().await;
    let url = format!("/u/commerce/a/{id}");
    assert_eq!(public.get(&url).await.status, 200);
    assert!(
        public
            .get("/search?q=%E9%B9%88%E9%B9%95")
            .await
            .body
            .contains(&url),
        "found by search"
    );
    assert!(
        public
            .get("/u/commerce/feed.xml")
            .await
            .body
            .contains("撤稿测试独有词汇鹈鹕")
    );
    assert!(
        public.get("/sitemap.xml").await.body.contains(&url)
            || public.get("/sitemap-1.xml").await.body.contains(&url)
    );

    let r = take(
        &p.publisher,
        &app,
        id,
        "withdraw",
        &[("comment", "信息已过时效")],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    flush().await;
    let gone = public.get(&url).await;
    assert_eq!(gone.status, 410);
    assert!(gone.body.contains("信息已过时效"));
    assert!(
        !public
            .get("/search?q=%E9%B9%88%E9%B9%95")
            .await
            .body
            .contains(&url),
        "gone from search"
    );
    assert!(
        !public
            .get("/u/commerce/feed.xml")
            .await
            .body
            .contains("撤稿测试独有词汇鹈鹕")
    );
    let sm = public.get("/sitemap.xml").await.body + &public.get("/sitemap-1.xml").await.body;
    assert!(!sm.contains(&url));
    // Still in the staff archive.
    let list = p.writer.get("/admin/articles").await;
    assert!(list.body.contains("撤稿测试独有词汇鹈鹕") && list.body.contains("已撤稿"));

    // Replace: the old URL redirects to the new item.
    let old = create(&p.writer, work, &[], "旧版办事指南", "旧。", "submit").await;
    publish_via_flow(&app, old).await;
    let new = create(&p.writer, work, &[], "新版办事指南", "新。", "submit").await;
    refused(
        &take(
            &p.publisher,
            &app,
            old,
            "replace",
            &[("replaced_by", &new.to_string())],
        )
        .await,
        "尚未发布",
    );
    publish_via_flow(&app, new).await;
    let r = take(
        &p.publisher,
        &app,
        old,
        "replace",
        &[("replaced_by", &new.to_string())],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = public.get(&format!("/u/commerce/a/{old}")).await;
    assert_eq!(r.status, 303);
    assert_eq!(r.location(), Some(format!("/u/commerce/a/{new}").as_str()));
    app.stop().await;
}

#[tokio::test]
async fn honest_dates_and_preview() {
    let app = demo_portal().await;
    let p = people(&app).await;
    let work = channel_id(&app, "commerce", "work");
    let r = p
        .writer
        .post_form(
            "/admin/articles/new",
            "/admin/articles/new",
            &[
                ("title", "日期测试"),
                ("source", "区商务局"),
                ("body", "正文。"),
                ("channel", &work.to_string()),
                ("original_date", "2026-11-20"),
                ("publish_ms", "0"),
                ("doc_no", "示商发〔2026〕3号"),
                ("action", "submit"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let id: u64 = r
        .location()
        .unwrap()
        .trim_start_matches("/admin/articles/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let a = stored(&app, id).await;
    assert_eq!(a.original_date, "2026-11-20");
    assert_eq!(a.meta.doc_no, "示商发〔2026〕3号");
    assert_eq!(a.publish_ms, None, "no publish time before it goes live");
    // The preview shows it as the public will, before it is public.
    let pv = p
        .reviewer
        .get(&format!("/admin/articles/{id}/preview"))
        .await;
    assert_eq!(pv.status, 200);
    assert!(
        pv.body.contains("日期测试")
            && pv.body.contains("预览")
            && pv.body.contains("示商发〔2026〕3号")
    );
    assert_eq!(
        app.client()
            .get(&format!("/u/commerce/a/{id}"))
            .await
            .status,
        404
    );
    // A bad original date is refused beside its field.
    let r = p
        .writer
        .post_form(
            "/admin/articles/new",
            "/admin/articles/new",
            &[
                ("title", "坏日期"),
                ("source", "x"),
                ("channel", &work.to_string()),
                ("original_date", "11/20"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("原始日期请按"));
    app.clock.advance(time::Duration::hours(3));
    publish_via_flow(&app, id).await;
    let a = stored(&app, id).await;
    assert_eq!(
        a.publish_ms,
        Some(app.state.now_ms()),
        "set by the system when it went live"
    );
    let page = app.client().get(&format!("/u/commerce/a/{id}")).await;
    assert!(page.body.contains("原始日期：") && page.body.contains("2026-11-20"));
    assert!(
        page.body
            .contains(&gongkai::clock::show(a.publish_ms.unwrap()))
    );
    app.stop().await;
}

#[tokio::test]
async fn work_lists_and_notices_follow_the_item() {
    let app = demo_portal().await;
    let p = people(&app).await;
    let work = channel_id(&app, "commerce", "work");
    // The unit sets a review deadline of two working days.
    let id = create(&p.writer, work, &[], "通知测试", "正文。", "save").await;
    let mine = p.writer.get("/admin/work?list=drafts").await;
    assert!(mine.body.contains("通知测试"));
    step(&p.writer, &app, id, "submit", &[]).await;
    // Waiting for the reviewer: in the list with a count, and a notice with a due date.
    let w = p.reviewer.get("/admin/work?list=review").await;
    assert!(w.body.contains("通知测试"), "{}", w.body);
    assert!(!w.body.contains("已超期"));
    let n = p.reviewer.get("/admin/notifications").await;
    assert!(
        n.body.contains("通知测试") && n.body.contains("办理期限"),
        "{}",
        n.body
    );
    assert!(n.body.contains("消息通知，") && n.body.contains("条未读"));
    // Not in another unit's reviewer's queue, nor the office's (one level).
    assert!(
        !p.other_reviewer
            .get("/admin/work?list=review")
            .await
            .body
            .contains("通知测试")
    );
    assert!(
        !p.office_reviewer
            .get("/admin/work?list=review")
            .await
            .body
            .contains("通知测试")
    );
    // Returned: the writer is told, with the comment.
    step(
        &p.reviewer,
        &app,
        id,
        "return_unit",
        &[("comment", "请核对标题")],
    )
    .await;
    let n = p.writer.get("/admin/notifications").await;
    assert!(
        n.body.contains("请核对标题") && n.body.contains("被退回"),
        "{}",
        n.body
    );
    assert!(
        p.writer
            .get("/admin/work?list=returned")
            .await
            .body
            .contains("通知测试")
    );
    // Opening the item reads its notices.
    p.writer.get(&format!("/admin/articles/{id}")).await;
    let n = p.writer.get("/admin/notifications").await;
    assert!(
        !n.body.contains("条未读") || n.body.contains("0 条未读"),
        "{}",
        n.body
    );
    // Approved: the writer is told; the publisher has it waiting.
    step(&p.writer, &app, id, "submit", &[]).await;
    step(&p.reviewer, &app, id, "approve_unit", &[]).await;
    assert!(
        p.writer
            .get("/admin/notifications")
            .await
            .body
            .contains("已通过")
    );
    assert!(
        p.publisher
            .get("/admin/work?list=publish")
            .await
            .body
            .contains("通知测试")
    );
    step(&p.publisher, &app, id, "publish", &[]).await;
    assert!(
        p.writer
            .get("/admin/notifications")
            .await
            .body
            .contains("已发布")
    );
    assert!(
        p.writer
            .get("/admin/work?list=published")
            .await
            .body
            .contains("通知测试")
    );
    // Past the unit's two working days a waiting item is overdue in the reviewer's list
    // (signing in again: the clock jump ends every session).
    let late = create(&p.writer, work, &[], "超期测试", "正文。", "submit").await;
    app.clock.advance(time::Duration::days(10));
    let reviewer = staff(&app, "w-reviewer", Role::Reviewer, "commerce").await;
    let w = reviewer.get("/admin/work?list=review").await;
    assert!(
        w.body.contains("超期测试") && w.body.contains("已超期"),
        "{}",
        w.body
    );
    assert_eq!(flow_state(&app, late).await, "unit_review");
    app.stop().await;
}

#[tokio::test]
async fn scope_table() {
    let app = demo_portal().await;
    let p = people(&app).await;
    let work = channel_id(&app, "commerce", "work");
    let east = channel_id(&app, "sd-east", "work");
    let gov = channel_id(&app, "gov", "gov-news");
    let id = create(&p.writer, work, &[], "范围测试商务", "正文。", "submit").await;
    let east_writer = staff(&app, "w-east", Role::Reporter, "sd-east").await;
    let eid = create(&east_writer, east, &[], "范围测试街道", "正文。", "submit").await;
    let gov_reviewer = staff(&app, "w-gov-rev", Role::Reviewer, "gov").await;
    let commerce_rep2 = staff(&app, "w-commerce-rep2", Role::Reporter, "commerce").await;
    // (who, sees commerce item, sees east item)
    let table: [(&str, &Client, bool, bool); 7] = [
        ("commerce writer", &p.writer, true, false),
        ("another commerce reporter", &commerce_rep2, true, false),
        ("commerce reviewer", &p.reviewer, true, false),
        ("edu reviewer", &p.other_reviewer, false, false),
        ("east writer", &east_writer, false, true),
        ("office reviewer", &p.office_reviewer, true, true),
        ("district-wide reviewer", &gov_reviewer, true, true),
    ];
    for (who, c, sees_c, sees_e) in table {
        let list = c.get("/admin/articles").await.body;
        assert_eq!(list.contains("范围测试商务"), sees_c, "{who} list");
        assert_eq!(list.contains("范围测试街道"), sees_e, "{who} list");
        let s = c.get(&format!("/admin/articles/{id}")).await.status;
        assert_eq!(s == 200, sees_c, "{who} opens commerce item: {s}");
        let s = c.get(&format!("/admin/articles/{eid}")).await.status;
        assert_eq!(s == 200, sees_e, "{who} opens east item: {s}");
    }
    // The reviewer's queue holds only the units it reviews.
    let q = p.reviewer.get("/admin/work?list=review").await.body;
    assert!(q.contains("范围测试商务") && !q.contains("范围测试街道"));
    // A department can never place an item on another unit's sub-site, only on its own
    // and (through the office) the main portal.
    let form = p.writer.get("/admin/articles/new").await.body;
    assert!(
        form.contains(&format!("value=\"{work}\"")) && form.contains(&format!("value=\"{gov}\""))
    );
    assert!(
        !form.contains(&format!("value=\"{east}\"")),
        "no sd-east channel offered"
    );
    let r = p
        .writer
        .post_form(
            "/admin/articles/new",
            "/admin/articles/new",
            &[
                ("title", "越界"),
                ("source", "x"),
                ("channel", &east.to_string()),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    let r = p
        .writer
        .post_form(
            "/admin/articles/new",
            "/admin/articles/new",
            &[
                ("title", "越界二"),
                ("source", "x"),
                ("channel", &work.to_string()),
                ("placements", &east.to_string()),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("不是本单位可以发布的栏目"));
    app.stop().await;
}

#[tokio::test]
async fn schedule_is_the_publishers_and_can_be_taken_back() {
    let app = demo_portal().await;
    let p = people(&app).await;
    let work = channel_id(&app, "commerce", "work");
    let id = create(&p.writer, work, &[], "定时与取消", "正文。", "submit").await;
    step(&p.reviewer, &app, id, "approve_unit", &[]).await;
    let at =
        gongkai::clock::show(app.state.now_ms() + 86_400_000).replace(' ', "T")[..16].to_owned();
    // Not the writer's, nor the reviewer's, nor another unit's.
    refused(
        &take(&p.writer, &app, id, "schedule", &[("publish_at", &at)]).await,
        "权限",
    );
    refused(
        &take(&p.reviewer, &app, id, "schedule", &[("publish_at", &at)]).await,
        "权限",
    );
    refused(
        &take(
            &p.office_publisher,
            &app,
            id,
            "schedule",
            &[("publish_at", &at)],
        )
        .await,
        "权限",
    );
    let r = take(&p.publisher, &app, id, "schedule", &[("publish_at", "")]).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("请填写定时发布的日期和时间"));
    step(&p.publisher, &app, id, "schedule", &[("publish_at", &at)]).await;
    assert_eq!(flow_state(&app, id).await, "scheduled");
    assert!(
        p.publisher
            .get("/admin/work?list=scheduled")
            .await
            .body
            .contains("定时与取消")
    );
    // The system's own transition is never offered to people.
    refused(
        &take(&p.publisher, &app, id, "publish_due", &[]).await,
        "权限",
    );
    step(&p.publisher, &app, id, "unschedule", &[]).await;
    assert_eq!(flow_state(&app, id).await, "approved");
    let left = app
        .state
        .store
        .read_blocking(|t| gongkai::portal::store::scheduled_at(t, id))
        .unwrap();
    assert_eq!(left, None, "the schedule entry is gone");
    step(&p.publisher, &app, id, "publish", &[]).await;
    app.stop().await;
}

#[tokio::test]
async fn bad_flow_posts_get_a_clear_message_and_change_nothing() {
    let app = demo_portal().await;
    let p = people(&app).await;
    let work = channel_id(&app, "commerce", "work");
    let id = create(&p.writer, work, &[], "坏请求测试", "正文。", "submit").await;
    let before = stored(&app, id).await;
    // An unknown action, none at all, a far too long comment, a non-numeric replacement id,
    // an unknown item.
    let r = take(&p.reviewer, &app, id, "approve_everything", &[]).await;
    assert_eq!(r.status, 409);
    assert!(
        r.body.contains("没有“approve_everything”这项操作"),
        "{}",
        r.body
    );
    let r = take(&p.reviewer, &app, id, "", &[]).await;
    assert_eq!(r.status, 409);
    let long = "很".repeat(501);
    let r = take(&p.reviewer, &app, id, "return_unit", &[("comment", &long)]).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("意见不超过 500 个字"));
    assert!(r.body.contains(&long), "the input is kept");
    let r = p
        .reviewer
        .post_form(
            "/account",
            "/admin/articles/999999/flow",
            &[("transition", "approve_unit")],
        )
        .await;
    assert_eq!(r.status, 404);
    let r = p
        .reviewer
        .post_form(
            "/account",
            "/admin/articles/abc/flow",
            &[("transition", "approve_unit")],
        )
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(stored(&app, id).await, before, "nothing changed");
    app.stop().await;
}

#[tokio::test]
async fn a_returned_item_shows_why_at_the_top_of_its_page_and_in_the_list() {
    let app = demo_portal().await;
    let p = people(&app).await;
    let work = channel_id(&app, "commerce", "work");
    let id = create(&p.writer, work, &[], "退回横幅测试", "正文。", "submit").await;
    step(
        &p.reviewer,
        &app,
        id,
        "return_unit",
        &[("comment", "请补充活动的起止时间")],
    )
    .await;
    let page = p.writer.get(&format!("/admin/articles/{id}")).await;
    let main = crate::helpers::main_of(&page.body);
    let banner = main
        .find("已退回，请按意见修改后重新报送")
        .expect("the banner");
    let reason = main.find("请补充活动的起止时间").expect("the reason");
    let form = main.find("编辑内容").expect("the form");
    assert!(
        banner < reason && reason < form,
        "the reason comes before the form"
    );
    // 报送 (the flow button) comes after the form it sends.
    let submit_button = main.rfind(">报送</button>").expect("the 报送 button");
    assert!(form < submit_button, "报送 after the form");
    // The 退回给我 list says why in the row.
    let list = p.writer.get("/admin/work?list=returned").await;
    let row = crate::helpers::main_of(&list.body);
    assert!(
        row.contains("退回横幅测试") && row.contains("退回意见：请补充活动的起止时间"),
        "{row}"
    );
    // Resubmitted, the banner is gone.
    step(&p.writer, &app, id, "submit", &[]).await;
    let page = p.writer.get(&format!("/admin/articles/{id}")).await;
    assert!(!page.body.contains("已退回，请按意见修改后重新报送"));
    app.stop().await;
}

#[tokio::test]
async fn work_notices_settle_when_the_work_is_done_by_anyone() {
    let app = demo_portal().await;
    let p = people(&app).await;
    let second = crate::helpers::staff(&app, "w-reviewer2", Role::Reviewer, "commerce").await;
    let work = channel_id(&app, "commerce", "work");
    let id = create(&p.writer, work, &[], "办结测试", "正文。", "submit").await;
    for c in [&p.reviewer, &second] {
        let n = c.get("/admin/notifications").await;
        assert!(
            n.body.contains("办结测试") && n.body.contains("待我处理"),
            "{}",
            n.body
        );
        assert!(n.body.contains("消息通知，1 条未读"), "{}", n.body);
    }
    // One reviewer approves; for both, the notice stops saying 待我处理 and leaves the count.
    step(&p.reviewer, &app, id, "approve_unit", &[]).await;
    for c in [&p.reviewer, &second] {
        let n = c.get("/admin/notifications").await;
        let main = crate::helpers::main_of(&n.body);
        assert!(
            main.contains("办结测试") && main.contains("已办结"),
            "{main}"
        );
        assert!(!main.contains("待我处理"), "{main}");
        assert!(!n.body.contains("条未读"), "{}", n.body);
    }
    // The publisher it now waits on is told, and that notice stays open until published.
    let n = p.publisher.get("/admin/notifications").await;
    assert!(
        n.body.contains("办结测试") && n.body.contains("待我处理"),
        "{}",
        n.body
    );
    step(&p.publisher, &app, id, "publish", &[]).await;
    let n = p.publisher.get("/admin/notifications").await;
    assert!(!crate::helpers::main_of(&n.body).contains("待我处理"));
    app.stop().await;
}

#[tokio::test]
async fn each_person_sees_the_work_lists_of_their_roles() {
    let app = demo_portal().await;
    let p = people(&app).await;
    let count_of = |body: &str, label: &str| {
        crate::helpers::main_of(body).contains(&format!("</span> {label}<"))
    };
    let writer = p.writer.get("/admin").await.body;
    assert!(
        count_of(&writer, "我的草稿") && count_of(&writer, "退回给我"),
        "{writer}"
    );
    assert!(
        !count_of(&writer, "待我审核") && !count_of(&writer, "待我发布"),
        "{writer}"
    );
    let reviewer = p.reviewer.get("/admin").await.body;
    assert!(count_of(&reviewer, "待我审核") && count_of(&reviewer, "待事后审核"));
    assert!(!count_of(&reviewer, "待我发布"));
    let publisher = p.publisher.get("/admin").await.body;
    assert!(count_of(&publisher, "待我发布") && count_of(&publisher, "定时发布"));
    assert!(!count_of(&publisher, "待我审核"));
    // The tabs of 我的工作 follow the same roles.
    let work = p.writer.get("/admin/work").await.body;
    assert!(!crate::helpers::main_of(&work).contains("待我审核"));
    app.stop().await;
}

#[tokio::test]
async fn each_list_shows_the_date_that_matters_to_it() {
    let app = demo_portal().await;
    let p = people(&app).await;
    let work = channel_id(&app, "commerce", "work");
    let id = create(&p.writer, work, &[], "日期测试", "正文。", "submit").await;
    let review = p.reviewer.get("/admin/work?list=review").await.body;
    assert!(
        crate::helpers::main_of(&review).contains(">办理期限</th>"),
        "{review}"
    );
    step(&p.reviewer, &app, id, "approve_unit", &[]).await;
    let when = app.state.now_ms() + 2 * 86_400_000;
    let at = gongkai::clock::show(when).replace(' ', "T")[..16].to_owned();
    step(&p.publisher, &app, id, "schedule", &[("publish_at", &at)]).await;
    let list = p.publisher.get("/admin/work?list=scheduled").await.body;
    let main = crate::helpers::main_of(&list);
    assert!(main.contains(">定时发布时间</th>"), "{main}");
    let shown = gongkai::clock::show(when);
    assert!(
        main.contains(&shown[..16]),
        "the scheduled time {shown} in {main}"
    );
    assert!(!main.contains("（已超期）"));
    app.stop().await;
}

/// Saves the item form as `c` with a new title and body (the rest as stored).
async fn save_text(c: &Client, app: &TestApp, id: u64, title: &str, body: &str, action: &str) {
    let a = crate::helpers::stored(app, id).await;
    let (ch, rev) = (a.channel.to_string(), a.revision.to_string());
    let path = format!("/admin/articles/{id}");
    let r = c
        .post_form(
            &path,
            &path,
            &[
                ("revision", &rev),
                ("title", title),
                ("source", &a.source),
                ("body", body),
                ("channel", &ch),
                ("action", action),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
}

#[tokio::test]
async fn a_reviewer_sees_what_changed_since_the_return_by_default_and_may_pick_any_two_versions() {
    let app = demo_portal().await;
    let p = people(&app).await;
    let work = channel_id(&app, "commerce", "work");
    let id = create(
        &p.writer,
        work,
        &[],
        "退回比较测试",
        "第一稿正文。",
        "submit",
    )
    .await;
    step(
        &p.reviewer,
        &app,
        id,
        "return_unit",
        &[("comment", "请补充人数")],
    )
    .await;
    // Resubmitted unchanged: the reviewer is told so.
    step(&p.writer, &app, id, "submit", &[]).await;
    let page = p.reviewer.get(&format!("/admin/articles/{id}")).await;
    assert!(page.body.contains("退回后的修改（第"), "{}", page.body);
    assert!(page.body.contains("退回后内容没有修改"));
    step(
        &p.reviewer,
        &app,
        id,
        "return_unit",
        &[("comment", "还是请补充人数")],
    )
    .await;
    let returned_rev = crate::helpers::stored(&app, id).await.revision;
    save_text(
        &p.writer,
        &app,
        id,
        "退回比较测试",
        "第一稿正文。共 82 人参加。",
        "submit",
    )
    .await;
    let now_rev = crate::helpers::stored(&app, id).await.revision;
    let page = p.reviewer.get(&format!("/admin/articles/{id}")).await;
    let head = format!("退回后的修改（第 {returned_rev} 版 → 第 {now_rev} 版）");
    assert!(page.body.contains(&head), "{head}: {}", page.body);
    assert!(
        page.body.contains("<ins>") && page.body.contains("82"),
        "the change marked"
    );
    // 修订记录 starts from the returned version too, and any two may be picked.
    let hist = p
        .reviewer
        .get(&format!("/admin/articles/{id}/history"))
        .await;
    assert!(
        hist.body
            .contains(&format!("第 {returned_rev} 版 → 第 {now_rev} 版")),
        "{}",
        hist.body
    );
    assert!(hist.body.contains("比较：较早的版本") && hist.body.contains("较新的版本"));
    let hist = p
        .reviewer
        .get(&format!("/admin/articles/{id}/history?from=1&to={now_rev}"))
        .await;
    assert!(hist.body.contains(&format!("第 1 版 → 第 {now_rev} 版")));
}

#[tokio::test]
async fn someone_elses_edit_of_the_writers_text_is_in_the_flow_record() {
    let app = demo_portal().await;
    let p = people(&app).await;
    let work = channel_id(&app, "commerce", "work");
    let id = create(&p.writer, work, &[], "他人修改测试", "原文。", "submit").await;
    step(
        &p.reviewer,
        &app,
        id,
        "return_unit",
        &[("comment", "我来改一下")],
    )
    .await;
    // The reviewer fixes the wording of the returned item directly.
    save_text(
        &p.reviewer,
        &app,
        id,
        "他人修改测试（修订）",
        "原文。",
        "save",
    )
    .await;
    let page = p.writer.get(&format!("/admin/articles/{id}")).await;
    let history = &page.body[page.body.find("id=\"flow-history-h\"").unwrap()..];
    assert!(history.contains("修改内容"), "{history}");
    assert!(history.contains("标题有修改"), "{history}");
    // The writer's own saves are not steps.
    let steps_before = history.matches("<tr").count();
    save_text(
        &p.writer,
        &app,
        id,
        "他人修改测试（修订）",
        "原文，再改。",
        "save",
    )
    .await;
    let page = p.writer.get(&format!("/admin/articles/{id}")).await;
    let history = &page.body[page.body.find("id=\"flow-history-h\"").unwrap()..];
    assert_eq!(history.matches("<tr").count(), steps_before);
    assert!(
        audit_actions(&app).iter().any(|(a, _)| a == "article_edit"),
        "audited"
    );
}

#[tokio::test]
async fn nothing_is_sent_to_a_level_with_nobody_to_act_and_the_page_says_who_to_add() {
    let app = demo_portal().await;
    // 区文教体局 has a writer and nobody else.
    let writer = crate::helpers::staff(&app, "w-edu-writer", Role::Reporter, "edu").await;
    let dept_news = channel_id(&app, "gov", "dept-news").to_string();
    let r = writer
        .post_form(
            "/admin/articles/new",
            "/admin/articles/new",
            &[
                ("title", "无人审核测试"),
                ("source", "区文教体局"),
                ("body", "正文。"),
                ("channel", &dept_news),
                ("action", "submit"),
            ],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body.contains("区文教体局目前没有可以办理下一步的审核人"),
        "{}",
        r.body
    );
    assert!(r.body.contains("为区文教体局添加审核人"));
    assert!(
        r.body.contains("value=\"无人审核测试\""),
        "the text is still in the form"
    );
    // Saved as a draft, then 报送 from the item page: refused the same way, still a draft.
    let id = create(
        &writer,
        dept_news.parse().unwrap(),
        &[],
        "无人审核测试",
        "正文。",
        "save",
    )
    .await;
    let r = take(&writer, &app, id, "submit", &[]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("添加审核人"));
    assert_eq!(flow_state(&app, id).await, "draft");
    // With a reviewer in place it goes.
    crate::helpers::staff(&app, "w-edu-reviewer", Role::Reviewer, "edu").await;
    step(&writer, &app, id, "submit", &[]).await;
    assert_eq!(flow_state(&app, id).await, "unit_review");
}

#[tokio::test]
async fn the_channel_form_says_the_default_levels_and_who_acts_at_each() {
    let app = demo_portal().await;
    let admin = crate::helpers::staff(&app, "w-sys", Role::Sysadmin, "gov").await;
    let page = admin.get("/admin/sites/commerce/channels").await;
    assert_eq!(page.status, 200);
    let main = crate::helpers::main_of(&page.body);
    assert!(main.contains("审核级数与办理人"));
    assert!(main.contains("子站的栏目为一级审核"));
    assert!(main.contains("卫审核") && main.contains("韩发布"), "{main}");
    assert!(!main.contains("暂无"));
    // Nobody left to review for the unit: said where the levels are chosen.
    app.state
        .store
        .write(|txn| {
            let mut u = gongkai::auth::store::find_user_w(txn, "commerce-reviewer")?.unwrap();
            u.disabled = true;
            gongkai::auth::store::save_user(txn, &u)
        })
        .await
        .unwrap();
    let page = admin.get("/admin/sites/commerce/channels").await;
    let main = crate::helpers::main_of(&page.body);
    assert!(
        main.contains("暂无") && main.contains("信息不会被送到这一级"),
        "{main}"
    );
}
