//! Regression tests for the security review (issue 9): each reproduces a defect found by
//! driving the running demo as an attacker would.

use gongkai::auth::model::Role;

use crate::helpers::*;

/// A title that opens an HTML comment and a script inside the JSON-LD block used to make
/// browsers swallow the rest of the page.
#[tokio::test]
async fn a_title_cannot_end_the_json_ld_block() {
    let app = demo_portal().await;
    let a = publish_new(
        &app,
        "gov",
        "gov-news",
        "通知<!--<script>alert(1)</script>&amp;",
        "正文",
    )
    .await;
    let page = app.client().get(&format!("/a/{}", a.id)).await;
    assert_eq!(page.status, 200);
    let open = "<script type=\"application/ld+json\">";
    let start = page.body.find(open).expect("JSON-LD block") + open.len();
    let len = page.body[start..].find("</script>").expect("block closed");
    let json = &page.body[start..start + len];
    for bad in ["<", ">", "&"] {
        assert!(!json.contains(bad), "{bad} inside the script block: {json}");
    }
    let v: serde_json::Value = serde_json::from_str(json).expect("still JSON");
    assert_eq!(v["headline"], "通知<!--<script>alert(1)</script>&amp;");
    // The footer after it is still part of the page a browser builds.
    assert!(page.body[start + len..].contains("网站标识码"));
    app.stop().await;
}

/// `/a/01`, `/a/+1`, `/a/%31` and `/a/0001` used to be rendered and stored one by one.
#[tokio::test]
async fn other_spellings_of_a_page_redirect_to_its_one_address() {
    let app = demo_portal().await;
    let a = publish_new(&app, "gov", "gov-news", "缓存键测试", "正文").await;
    let c = app.client();
    let id = a.id.to_string();
    assert_eq!(c.get(&format!("/a/{id}")).await.status, 200);
    let cached = app.state.portal.cache.len();
    let first = id.as_bytes()[0];
    let spellings = [
        format!("/a/0{id}"),
        format!("/a/00000000000{id}"),
        format!("/a/+{id}"),
        format!("/a/%{:02X}{}", first, &id[1..]),
    ];
    for p in &spellings {
        let r = c.get(p).await;
        assert_eq!(r.status, 308, "{p}");
        assert_eq!(r.location(), Some(format!("/a/{id}").as_str()), "{p}");
    }
    let r = c.get("/u/%63ommerce/").await;
    assert_eq!(r.status, 308);
    assert_eq!(r.location(), Some("/u/commerce/"));
    let r = c.get("/c/gov-news/page/02/").await;
    assert_eq!(r.status, 308);
    assert_eq!(r.location(), Some("/c/gov-news/page/2/"));
    assert_eq!(
        app.state.portal.cache.len(),
        cached,
        "no page stored under another spelling"
    );
    app.stop().await;
}

/// A unit admin bound `127.0.0.1` and the anonymous home page became that unit's sub-site.
#[tokio::test]
async fn host_names_are_bound_by_the_system_administrator_only_and_never_addresses() {
    let app = demo_portal().await;
    let sp = "/admin/sites/commerce";
    let unit_admin = staff(&app, "t-uadmin", Role::UnitAdmin, "commerce").await;
    let r = unit_admin
        .post_form(
            sp,
            sp,
            &[("name", "区商务局"), ("theme", "blue"), ("host", "127.0.0.1")],
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(
        app.state.portal.snapshot().site("commerce").unwrap().host,
        None
    );
    let sys = staff(&app, "t-sys", Role::Sysadmin, "office").await;
    for (host, message) in [
        ("127.0.0.1", "不能绑定 IP 地址"),
        ("10.1.2.3", "不能绑定 IP 地址"),
        ("commerce.attacker.example.com", "只能绑定本区的域名"),
        ("notexample.gov.cn", "只能绑定本区的域名"),
    ] {
        let r = sys
            .post_form(
                sp,
                sp,
                &[("name", "区商务局"), ("theme", "blue"), ("host", host)],
            )
            .await;
        assert_eq!(r.status, 422, "{host}");
        assert!(r.body.contains(message), "{host}: {message}");
    }
    assert_eq!(
        app.state.portal.snapshot().site("commerce").unwrap().host,
        None
    );
    // The home page by address is still the portal's.
    let home = reqwest::Client::new()
        .get(format!("{}/", app.base))
        .header("host", "127.0.0.1")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!home.contains("theme-blue"));
    // A name under the district's domain is accepted.
    let r = sys
        .post_form(
            sp,
            sp,
            &[
                ("name", "区商务局"),
                ("theme", "blue"),
                ("host", "swj.example.gov.cn"),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    app.stop().await;
}
