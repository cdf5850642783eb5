//! 消息通知: the bell in the staff header and the notices page. Notices are pushed
//! straight into the store, as the workflow does inside its own transactions; everything
//! else goes over HTTP.

use gongkai::auth::model::Role;
use gongkai::notify::store::{self, NewNotice, NoticeKind};

use crate::helpers::{Client, PASSWORD, TestApp, tag_text};

const DAY_MS: i64 = 24 * 3_600_000;

async fn logged_in(app: &TestApp, user: &str) -> (Client, u64) {
    let id = app.seed_user(user, Role::Reporter, "gov").await;
    let c = app.client();
    let r = c.login(user, PASSWORD).await;
    assert_eq!(r.location(), Some("/admin"), "login {user}: {}", r.body);
    (c, id)
}

async fn push(
    app: &TestApp,
    user: u64,
    kind: NoticeKind,
    title: &str,
    url: &str,
    due: Option<i64>,
) -> u64 {
    let now = app.state.now_ms();
    let n = NewNotice {
        kind,
        title: title.into(),
        text: format!("{title}的说明"),
        url: url.into(),
        due_ms: due,
    };
    app.state
        .store
        .write(move |t| store::push(t, user, n, now))
        .await
        .unwrap()
}

async fn unread(app: &TestApp, user: u64) -> u64 {
    app.state
        .store
        .read(move |t| store::unread_count(t, user))
        .await
        .unwrap()
}

/// The bell's accessible name on a staff page.
fn bell_label(body: &str) -> String {
    let i = body.find("class=\"bell\"").expect("the page has the bell");
    let tag = &body[body[..i].rfind('<').unwrap()..];
    let tag = &tag[..tag.find('>').unwrap()];
    let m = "aria-label=\"";
    let j = tag.find(m).expect("the bell has a label") + m.len();
    tag[j..j + tag[j..].find('"').unwrap()].to_owned()
}

#[tokio::test]
async fn empty_page_and_a_bell_without_a_count() {
    let app = TestApp::start().await;
    let (c, _) = logged_in(&app, "t-empty").await;
    let home = c.get("/admin").await;
    assert_eq!(home.status, 200);
    assert_eq!(bell_label(&home.body), "消息通知");
    assert!(home.body.contains("href=\"/admin/notifications\""));
    assert!(!home.body.contains("bell-count"), "no badge at 0");
    let r = c.get("/admin/notifications").await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("<h1>消息通知</h1>"));
    assert!(r.body.contains("暂无消息通知"));
    assert!(!r.body.contains("全部标为已读"), "nothing to mark");
    // The bell is marked as the current page here.
    assert!(r.body.contains("aria-current=\"page\""));
    assert_eq!(
        app.client().get("/admin/notifications").await.location(),
        Some("/login")
    );
    app.stop().await;
}

/// One notice as the notices page lists it.
#[derive(Debug, PartialEq, Eq)]
struct Listed {
    kind: String,
    title: String,
    text: String,
    time: String,
}

/// The notices on the page, in page order, each read from its own list item.
fn listed(body: &str) -> Vec<Listed> {
    let field = |li: &str, attrs: &str| {
        tag_text(li, attrs)
            .unwrap_or_else(|| panic!("no {attrs} in {li}"))
            .to_owned()
    };
    body.split("<li class=\"notify-item")
        .skip(1)
        .map(|li| &li[..li.find("</li>").expect("item closes")])
        .map(|li| Listed {
            kind: field(li, "class=\"notify-kind\""),
            title: field(li, "class=\"link notify-title\""),
            text: field(li, "class=\"notify-text\""),
            time: field(li, "<time"),
        })
        .collect()
}

#[tokio::test]
async fn notices_newest_first_with_unread_due_and_overdue() {
    let app = TestApp::start().await;
    let (c, me) = logged_in(&app, "t-writer").await;
    // Each notice is pushed at its own time, ten minutes apart (within the session's idle
    // limit), so the page's order and the time shown on each item are both checked, not
    // only the order of ids at one instant. Times out of id order are not a case: the store
    // keeps each user's notices by newest-first id, and ids are given in push order.
    let t1 = app.state.now_ms();
    push(
        &app,
        me,
        NoticeKind::Returned,
        "第一条被退回",
        "/admin/articles/1",
        None,
    )
    .await;
    app.clock.advance(time::Duration::minutes(10));
    let t2 = app.state.now_ms();
    push(
        &app,
        me,
        NoticeKind::Waiting,
        "第二条已超期",
        "/admin/articles/2",
        Some(t2 - DAY_MS),
    )
    .await;
    app.clock.advance(time::Duration::minutes(10));
    let t3 = app.state.now_ms();
    push(
        &app,
        me,
        NoticeKind::Approved,
        "第三条有期限",
        "/admin/articles/3",
        Some(t3 + DAY_MS),
    )
    .await;

    // The bell counts right after the pushes.
    let home = c.get("/admin").await;
    assert_eq!(bell_label(&home.body), "消息通知，3 条未读");
    assert!(home.body.contains("<span class=\"bell-count\">3</span>"));

    let r = c.get("/admin/notifications").await;
    assert_eq!(r.status, 200);
    // Newest first, each with its kind's label in its own label slot (the titles contain
    // 被退回 and 已超期 too), its text and the time it was pushed.
    let item = |kind: &str, title: &str, at: i64| Listed {
        kind: kind.into(),
        title: title.into(),
        text: format!("{title}的说明"),
        time: gongkai::clock::show(at),
    };
    assert_eq!(
        listed(&r.body),
        [
            item("已通过", "第三条有期限", t3),
            item("待我处理", "第二条已超期", t2),
            item("被退回", "第一条被退回", t1),
        ],
        "newest first"
    );
    assert_eq!(r.body.matches("class=\"unread-tag\"").count(), 3);
    assert_eq!(r.body.matches("办理期限：").count(), 2);
    assert_eq!(
        r.body.matches("已超期</strong>").count(),
        1,
        "only the past due date"
    );
    assert!(r.body.contains("全部标为已读"));
    app.stop().await;
}

#[tokio::test]
async fn opening_a_notice_marks_it_read_and_goes_to_the_item() {
    let app = TestApp::start().await;
    let (c, me) = logged_in(&app, "t-open").await;
    let now = app.state.now_ms();
    let old = push(
        &app,
        me,
        NoticeKind::Waiting,
        "待审核稿件",
        "/admin/articles/7",
        Some(now - 1),
    )
    .await;
    push(&app, me, NoticeKind::Other, "另一条", "/admin", None).await;
    let page = c.get("/admin/notifications").await;
    let token = page.csrf();
    let r = c
        .post_raw(
            &format!("/admin/notifications/{old}/read"),
            &[("csrf", token.as_str())],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(r.location(), Some("/admin/articles/7"));
    assert_eq!(unread(&app, me).await, 1);
    let page = c.get("/admin/notifications").await;
    assert_eq!(bell_label(&page.body), "消息通知，1 条未读");
    assert_eq!(page.body.matches("class=\"unread-tag\"").count(), 1);
    assert!(
        !page.body.contains("已超期</strong>"),
        "a read notice is not overdue"
    );
    // Opening it again still leads there, and counts nothing twice.
    let r = c
        .post_raw(
            &format!("/admin/notifications/{old}/read"),
            &[("csrf", token.as_str())],
        )
        .await;
    assert_eq!(r.location(), Some("/admin/articles/7"));
    assert_eq!(unread(&app, me).await, 1);
    app.stop().await;
}

#[tokio::test]
async fn someone_elses_notice_is_not_found_and_posts_need_the_token() {
    let app = TestApp::start().await;
    let (c, _) = logged_in(&app, "t-me").await;
    let other = app.seed_user("t-other", Role::Reviewer, "gov").await;
    let theirs = push(
        &app,
        other,
        NoticeKind::Waiting,
        "别人的待办",
        "/admin",
        None,
    )
    .await;
    let token = c.get("/admin/notifications").await.csrf();
    let r = c
        .post_raw(
            &format!("/admin/notifications/{theirs}/read"),
            &[("csrf", token.as_str())],
        )
        .await;
    assert_eq!(r.status, 404);
    let r = c
        .post_raw(
            "/admin/notifications/not-a-number/read",
            &[("csrf", token.as_str())],
        )
        .await;
    assert_eq!(r.status, 404);
    assert!(
        !c.get("/admin/notifications")
            .await
            .body
            .contains("别人的待办")
    );
    // Without the token nothing changes, even for the owner.
    let owner = app.client();
    assert_eq!(owner.login("t-other", PASSWORD).await.status, 303);
    let r = owner
        .post_raw(&format!("/admin/notifications/{theirs}/read"), &[])
        .await;
    assert_eq!(r.status, 403);
    let r = owner.post_raw("/admin/notifications/read-all", &[]).await;
    assert_eq!(r.status, 403);
    assert_eq!(unread(&app, other).await, 1);
    app.stop().await;
}

#[tokio::test]
async fn read_all_clears_the_bell() {
    let app = TestApp::start().await;
    let (c, me) = logged_in(&app, "t-all").await;
    let other = app.seed_user("t-bystander", Role::Reviewer, "gov").await;
    for i in 0..4 {
        push(
            &app,
            me,
            NoticeKind::Published,
            &format!("已发布 {i}"),
            "/admin",
            None,
        )
        .await;
    }
    push(&app, other, NoticeKind::Waiting, "别人的", "/admin", None).await;
    let r = c
        .post_form("/admin/notifications", "/admin/notifications/read-all", &[])
        .await;
    assert_eq!(r.location(), Some("/admin/notifications"));
    assert_eq!(unread(&app, me).await, 0);
    assert_eq!(unread(&app, other).await, 1, "only my own notices");
    let page = c.get("/admin/notifications").await;
    assert_eq!(bell_label(&page.body), "消息通知");
    assert!(page.body.contains("没有未读通知"));
    assert_eq!(
        page.body.matches("class=\"notify-item\"").count(),
        4,
        "read notices stay listed"
    );
    assert!(!page.body.contains("class=\"unread-tag\""));
    app.stop().await;
}

#[tokio::test]
async fn pages_of_thirty_and_only_local_targets() {
    let app = TestApp::start().await;
    let (c, me) = logged_in(&app, "t-many").await;
    let mut ids = Vec::new();
    for i in 0..35 {
        ids.push(
            push(
                &app,
                me,
                NoticeKind::Other,
                &format!("通知第{i:02}号"),
                "/admin",
                None,
            )
            .await,
        );
    }
    let first = c.get("/admin/notifications").await;
    assert_eq!(
        first.body.matches("class=\"notify-item unread\"").count(),
        30
    );
    assert!(first.body.contains("通知第34号") && !first.body.contains("通知第04号"));
    let more = format!("/admin/notifications?before={}", ids[5]);
    assert!(first.body.contains(&more), "a link to the older page");
    let second = c.get(&more).await;
    assert_eq!(
        second.body.matches("class=\"notify-item unread\"").count(),
        5
    );
    assert!(second.body.contains("通知第00号") && !second.body.contains("通知第05号"));
    assert!(!second.body.contains("更早的通知"));
    assert_eq!(bell_label(&second.body), "消息通知，35 条未读");

    // A notice pointing off the site never sends the browser there.
    let bad = push(
        &app,
        me,
        NoticeKind::Other,
        "外链",
        "https://example.com/",
        None,
    )
    .await;
    let r = c
        .post_form(
            "/admin/notifications",
            &format!("/admin/notifications/{bad}/read"),
            &[],
        )
        .await;
    assert_eq!(r.location(), Some("/admin/notifications"));
    app.stop().await;
}

#[tokio::test]
async fn the_demo_workflow_leaves_notices_for_the_demo_accounts() {
    let app = crate::helpers::demo_portal().await;
    let st = app.state.clone();
    let notices = tokio::task::spawn_blocking(move || {
        let of = |name: &'static str| {
            st.store
                .read_blocking(|t| {
                    let u = gongkai::auth::store::find_user(t, name)?.expect("demo account");
                    store::list(t, u.id, None, 50)
                })
                .unwrap()
        };
        (
            of("commerce-reviewer"),
            of("office-reviewer"),
            of("office-publisher"),
            of("east-writer"),
        )
    })
    .await
    .unwrap();
    let (unit_rev, office_rev, office_pub, east) = notices;
    // Each is told what waits on them, by the steps the demo took through the workflow.
    assert!(
        unit_rev
            .iter()
            .any(|n| n.kind == NoticeKind::Waiting && n.due_ms.is_some())
    );
    assert!(office_rev.iter().any(|n| n.kind == NoticeKind::Waiting));
    assert!(office_rev.iter().any(|n| n.kind == NoticeKind::Flagged));
    assert!(office_pub.iter().any(|n| n.kind == NoticeKind::Waiting));
    assert!(
        east.iter()
            .any(|n| n.kind == NoticeKind::Returned && n.text.contains("请补充"))
    );
    app.stop().await;
}
