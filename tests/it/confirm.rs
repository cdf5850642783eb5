//! Public words are chosen as public (issue 11): 撤稿 asks for the notice the public sees at
//! the item's address apart from the internal comment, and 发布 and 撤稿 from the item page
//! ask for a confirmation that names the item and says what the public will see.

use gongkai::auth::model::Role;

use crate::helpers::{TestApp, demo_portal, item_id, publish_via_flow, staff, stored, take};

async fn published(app: &TestApp, title: &str) -> u64 {
    let writer = staff(app, "c-writer", Role::Reporter, "commerce").await;
    let ch = crate::helpers::channel_id(app, "commerce", "work").to_string();
    let r = writer
        .post_form(
            "/admin/articles/new",
            "/admin/articles/new",
            &[
                ("title", title),
                ("source", "区商务局"),
                ("body", "正文。"),
                ("channel", &ch),
                ("action", "submit"),
            ],
        )
        .await;
    let id = item_id(&r);
    publish_via_flow(app, id).await;
    id
}

#[tokio::test]
async fn withdrawing_asks_for_the_public_notice_and_a_confirmation() {
    let app = demo_portal().await;
    let id = published(&app, "年末促消费活动安排").await;
    let publisher = staff(&app, "wf-pub-commerce", Role::Publisher, "commerce").await;
    let page = publisher.get(&format!("/admin/articles/{id}")).await;
    assert!(page.body.contains("撤稿说明（公开"), "the field is offered");

    // The form as the page sends it: without the public notice it comes back.
    let base = [("ask_confirm", "1"), ("comment", "活动取消，领导要求撤下")];
    let mut f = base.to_vec();
    f.push(("public_notice", ""));
    let r = take(&publisher, &app, id, "withdraw", &f).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("请填写公众将看到的撤稿说明"));

    // With it: a confirmation naming the item and showing the public's words.
    let mut f = base.to_vec();
    f.push(("public_notice", "该活动已调整，请关注后续通知。"));
    let r = take(&publisher, &app, id, "withdraw", &f).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("《年末促消费活动安排》"));
    assert!(r.body.contains("原因：该活动已调整，请关注后续通知。"));
    assert!(r.body.contains("只记入流转记录，不公开"));
    assert!(r.body.contains(">确认撤稿<"));
    assert!(r.body.contains("返回，暂不撤稿"));
    assert!(stored(&app, id).await.is_public(), "nothing happened yet");

    // Confirmed (the page's form posts the same fields without asking again).
    let r = take(
        &publisher,
        &app,
        id,
        "withdraw",
        &[
            ("comment", "活动取消，领导要求撤下"),
            ("public_notice", "该活动已调整，请关注后续通知。"),
        ],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let gone = app.client().get(&format!("/u/commerce/a/{id}")).await;
    assert_eq!(gone.status, 410);
    assert!(gone.body.contains("该活动已调整，请关注后续通知。"));
    assert!(
        !gone.body.contains("领导要求"),
        "the internal comment stays inside"
    );
    let staff_page = publisher.get(&format!("/admin/articles/{id}")).await;
    assert!(
        staff_page.body.contains("活动取消，领导要求撤下"),
        "in 流转记录"
    );
}

#[tokio::test]
async fn publishing_from_the_page_asks_first_and_says_where_it_will_appear() {
    let app = demo_portal().await;
    let writer = staff(&app, "c-writer2", Role::Reporter, "commerce").await;
    let ch = crate::helpers::channel_id(&app, "commerce", "work").to_string();
    let r = writer
        .post_form(
            "/admin/articles/new",
            "/admin/articles/new",
            &[
                ("title", "外贸企业座谈会召开"),
                ("source", "区商务局"),
                ("body", "正文。"),
                ("channel", &ch),
                ("action", "submit"),
            ],
        )
        .await;
    let id = item_id(&r);
    let reviewer = staff(&app, "c-rev", Role::Reviewer, "commerce").await;
    assert_eq!(
        take(&reviewer, &app, id, "approve_unit", &[]).await.status,
        303
    );
    let publisher = staff(&app, "c-pub", Role::Publisher, "commerce").await;
    let r = take(&publisher, &app, id, "publish", &[("ask_confirm", "1")]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("《外贸企业座谈会召开》"));
    assert!(r.body.contains("区商务局 · 工作动态"), "{}", r.body);
    assert!(r.body.contains(&format!("/u/commerce/a/{id}")));
    assert!(r.body.contains(">确认发布<"));
    assert!(!stored(&app, id).await.is_public());
    let r = take(&publisher, &app, id, "publish", &[]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(stored(&app, id).await.is_public());
}
