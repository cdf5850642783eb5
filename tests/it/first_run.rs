//! The first run, walked as a newcomer would (issue 12): the setup link, the first admin, the
//! security admin through the workbench's checklist, a site and its first channel, a writer and
//! a publisher, and the first item on the public home page — every step found from the page
//! before it, without the docs.

use crate::helpers::{Client, TestApp, main_of};

const PW: &str = "Walk-Through-2026!";
const PW2: &str = "Changed-Once-2026!";

/// The first `href` on the page whose link text is `text`.
fn link_to(body: &str, text: &str) -> String {
    let at = body
        .find(&format!(">{text}</a>"))
        .unwrap_or_else(|| panic!("no link “{text}”: {}", main_of(body)));
    let start = body[..at].rfind("href=\"").expect("href") + 6;
    body[start..start + body[start..].find('"').unwrap()].replace("&amp;", "&")
}

/// Signs in; a first password is changed, two-factor login enrolled, when the workbench
/// sends there first.
async fn sign_in(app: &TestApp, name: &str, pw: &str) -> Client {
    let c = app.client();
    let r = app.sign_in(&c, name, pw).await;
    assert_eq!(r.status, 303, "{name} signs in: {}", main_of(&r.body));
    for _ in 0..3 {
        let r = c.get("/admin").await;
        match (r.status, r.location()) {
            (200, _) => return c,
            (303, Some(to)) if to.starts_with("/account/totp") => {
                app.enrol_totp(&c).await;
            }
            (303, Some(to)) if to.starts_with("/account/password") => {
                let r = c
                    .post_form(
                        "/account/password",
                        "/account/password",
                        &[
                            ("current_password", pw),
                            ("new_password", PW2),
                            ("new_password2", PW2),
                        ],
                    )
                    .await;
                assert_eq!(r.status, 303, "password change: {}", main_of(&r.body));
            }
            other => panic!("{name}: {other:?} {}", main_of(&r.body)),
        }
    }
    panic!("{name} never reached the workbench");
}

#[tokio::test]
async fn a_newcomer_walks_from_the_setup_link_to_the_first_published_item() {
    let app = TestApp::start().await;
    let token = app
        .setup_token
        .clone()
        .expect("a setup link on first start");
    let page = format!("/setup?token={token}");
    let first = app.client();
    let r = first
        .post_form(
            &page,
            "/setup",
            &[
                ("token", token.as_str()),
                ("username", "zhou.admin"),
                ("display_name", "周管理"),
                ("password", PW),
                ("password2", PW),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", main_of(&r.body));
    let sys = sign_in(&app, "zhou.admin", PW).await;

    // The checklist says what is missing and links to where it is done.
    let home = sys.get("/admin").await.body;
    assert!(home.contains("上线前检查清单"), "{}", main_of(&home));
    let new_user = link_to(&home, "创建安全管理员");
    let r = sys
        .post_form(
            &new_user,
            "/admin/users/new",
            &[
                ("username", "wu.sec"),
                ("display_name", "吴安全"),
                ("unit", "gov"),
                ("role", "secadmin"),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", main_of(&r.body));
    let link = r
        .body
        .split("/set-password?token=")
        .nth(1)
        .and_then(|t| t.split(['"', '<', ' ']).next())
        .map(|t| format!("/set-password?token={t}"))
        .expect("a one-time set-password link is shown");
    let sec = app.client();
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let r = sec
        .post_form(
            &link,
            "/set-password",
            &[
                ("token", token.as_str()),
                ("new_password", PW),
                ("new_password2", PW),
            ],
        )
        .await;
    assert!(r.body.contains("密码已设置"), "{}", main_of(&r.body));
    let sec = sign_in(&app, "wu.sec", PW).await;

    // The security admin adds a writer and a publisher of the government's own unit.
    for (name, display, role) in [
        ("li.writer", "李信息", "reporter"),
        ("chen.pub", "陈发布", "publisher"),
    ] {
        let r = sec
            .post_form(
                "/admin/users/new",
                "/admin/users/new",
                &[
                    ("username", name),
                    ("display_name", display),
                    ("unit", "gov"),
                    ("role", role),
                    ("password", PW),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{name}: {}", main_of(&r.body));
    }

    // The system admin opens the portal's site and its first channel, from 站点与栏目.
    let sites = sys.get("/admin/sites").await;
    assert_eq!(sites.status, 200);
    let r = sys
        .post_form(
            "/admin/sites",
            "/admin/sites",
            &[
                ("unit", "gov"),
                ("name", "滨江区人民政府"),
                ("theme", "red"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", main_of(&r.body));
    let channels = r.location().unwrap().to_owned();
    let r = sys
        .post_form(
            &channels,
            &channels,
            &[
                ("slug", "news"),
                ("name", "工作动态"),
                ("kind", "list"),
                ("parent", ""),
                ("order", "1"),
                ("description", ""),
                ("link", ""),
                ("review_levels", "0"),
                ("update", "news"),
                ("on_home", "1"),
                ("in_nav", "1"),
            ],
        )
        .await;
    assert!(r.status == 303 || r.status == 200, "{}", main_of(&r.body));
    let channel = app
        .state
        .portal()
        .snapshot()
        .channels
        .iter()
        .find(|c| c.slug.as_str() == "news")
        .map(|c| c.id)
        .expect("the channel exists");

    // The writer's first item; the publisher publishes it.
    let writer = sign_in(&app, "li.writer", PW).await;
    let ch = channel.to_string();
    let r = writer
        .post_form(
            "/admin/articles/new",
            "/admin/articles/new",
            &[
                ("title", "滨江区政府门户网站试运行"),
                ("source", "区人民政府办公室"),
                ("body", "门户网站今日起试运行，欢迎提出意见建议。"),
                ("channel", &ch),
                ("action", "submit"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", main_of(&r.body));
    let id = crate::helpers::item_id(&r);
    let publisher = sign_in(&app, "chen.pub", PW).await;
    let work = publisher.get("/admin/work").await.body;
    assert!(
        work.contains("滨江区政府门户网站试运行"),
        "waits on the publisher: {}",
        main_of(&work)
    );
    let r = crate::helpers::take(&publisher, &app, id, "publish", &[]).await;
    assert_eq!(r.status, 303, "{}", main_of(&r.body));

    let home = app.client().get("/").await.body;
    assert!(
        home.contains("滨江区政府门户网站试运行"),
        "{}",
        main_of(&home)
    );
    // The checklist has ticked what was done on the way.
    let home = sys.get("/admin").await.body;
    assert!(
        home.contains("已完成</span> 已有安全管理员"),
        "{}",
        main_of(&home)
    );
}
