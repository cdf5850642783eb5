//! 站点图片 and 简称 (issue 12): a site's logo, emblem and browser icon uploaded as pictures
//! (typed by their bytes, size checked), served with long caching, shown on its public pages
//! at once; removed, the text name is back. The short name shows on narrow screens.

use gongkai::auth::model::Role;

use crate::helpers::{Client, Resp, demo_portal, main_of, multipart, png, staff};

const SETTINGS: &str = "/admin/sites/commerce";

async fn send(c: &Client, which: &str, name: &str, bytes: &[u8], remove: bool) -> Resp {
    let token = c.get(SETTINGS).await.csrf();
    let mut parts: Vec<(&str, Option<&str>, &[u8])> = vec![
        ("csrf", None, token.as_bytes()),
        ("which", None, which.as_bytes()),
    ];
    if remove {
        parts.push(("remove", None, b"1"));
    } else {
        parts.push(("image", Some(name), bytes));
    }
    c.post_multipart(
        "/admin/sites/commerce/images",
        multipart("image/png", &parts),
        &[],
    )
    .await
}

fn src_of(html: &str, class: &str) -> Option<String> {
    let at = html.find(&format!("<img class=\"{class}\""))?;
    let tag = &html[at..at + html[at..].find('>')?];
    tag.split("src=\"")
        .nth(1)
        .and_then(|v| v.split('"').next())
        .map(str::to_owned)
}

#[tokio::test]
async fn a_logo_and_an_icon_are_uploaded_served_and_removed() {
    let app = demo_portal().await;
    let admin = staff(&app, "si-sys", Role::Sysadmin, "gov").await;
    let public = app.client();
    assert!(src_of(&public.get("/u/commerce/").await.body, "logo").is_none());

    let r = send(&admin, "logo", "logo.png", &png(), false).await;
    assert_eq!(
        r.location(),
        Some("/admin/sites/commerce?done=images"),
        "{}",
        main_of(&r.body)
    );
    let home = public.get("/u/commerce/").await.body;
    let logo = src_of(&home, "logo").expect("the logo in the header");
    assert!(logo.starts_with("/site-images/"), "{logo}");
    assert!(
        home.contains("alt=\"示范区人民政府 区商务局\""),
        "named for screen readers"
    );
    // The portal's own pages keep the text name.
    assert!(src_of(&public.get("/").await.body, "logo").is_none());
    let img = public.get_bytes(&logo, &[]).await;
    assert_eq!(img.status, 200);
    assert_eq!(img.headers["content-type"], "image/png");
    assert!(
        img.headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert_eq!(img.headers["x-content-type-options"], "nosniff");
    assert_eq!(img.body, png());

    // The browser icon, on the site's pages only.
    let r = send(&admin, "favicon", "icon.png", &png(), false).await;
    assert_eq!(r.status, 303);
    let page = public.get("/u/commerce/c/work/").await.body;
    assert!(
        page.contains(&format!("<link rel=\"icon\" href=\"{logo}\">")),
        "same picture, same address"
    );
    // Removed: the text name is back, and the address answers no more.
    let r = send(&admin, "logo", "", b"", true).await;
    assert_eq!(r.status, 303);
    let home = public.get("/u/commerce/").await.body;
    assert!(src_of(&home, "logo").is_none());
    assert!(home.contains("<span class=\"sub-name\">区商务局</span>"));
    let r = send(&admin, "favicon", "", b"", true).await;
    assert_eq!(r.status, 303);
    assert_eq!(public.get_bytes(&logo, &[]).await.status, 404);
    let auditor = staff(&app, "si-aud", Role::Auditor, "gov").await;
    let log = auditor.get("/admin/audit?action=site_image").await;
    assert!(log.body.contains("已删除"), "{}", main_of(&log.body));
}

#[tokio::test]
async fn pictures_are_typed_by_their_bytes_and_sized() {
    let app = demo_portal().await;
    let admin = staff(&app, "si-sys2", Role::Sysadmin, "gov").await;
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
    let r = send(&admin, "emblem", "emblem.png", svg, false).await;
    assert_eq!(r.status, 422);
    assert!(
        main_of(&r.body).contains("只能上传 PNG、JPEG、GIF 或 WebP 图片"),
        "{}",
        main_of(&r.body)
    );
    let mut big = png();
    big.resize(600 * 1024, 0);
    let r = send(&admin, "emblem", "big.png", &big, false).await;
    assert_eq!(r.status, 422);
    assert!(main_of(&r.body).contains("图片超过 512 KB"));
    let site = app
        .state
        .portal()
        .snapshot()
        .site("commerce")
        .cloned()
        .unwrap();
    assert!(site.images.emblem.is_none(), "nothing saved");
    // A writer may not.
    let writer = staff(&app, "si-writer", Role::Reporter, "commerce").await;
    let r = writer
        .post_multipart(
            "/admin/sites/commerce/images",
            multipart(
                "image/png",
                &[
                    ("csrf", None, writer.get("/account").await.csrf().as_bytes()),
                    ("which", None, b"logo"),
                    ("image", Some("x.png"), &png()),
                ],
            ),
            &[],
        )
        .await;
    assert_eq!(r.status, 403);
}

#[tokio::test]
async fn the_short_name_is_kept_and_shown_for_narrow_screens() {
    let app = demo_portal().await;
    let admin = staff(&app, "si-sys3", Role::Sysadmin, "gov").await;
    let body = admin.get(SETTINGS).await.body;
    let mut fields: Vec<(String, String)> = crate::helpers::form_inputs(&body)
        .into_iter()
        .filter(|(n, _)| n != "which" && n != "remove")
        .collect();
    fields.retain(|(n, _)| n != "short_name");
    fields.push(("short_name".into(), "商务局".into()));
    fields.push(("theme".into(), "green".into()));
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = admin.post_form(SETTINGS, SETTINGS, &refs).await;
    assert_eq!(r.status, 200, "{}", main_of(&r.body));
    assert!(r.body.contains("已保存"), "{}", main_of(&r.body));
    let home = app.client().get("/u/commerce/").await.body;
    assert!(
        home.contains("<span class=\"short-name\">商务局</span>"),
        "{home}"
    );
    assert!(home.contains("class=\"full-name has-short\""));
    // Too long: beside the field.
    fields.retain(|(n, _)| n != "short_name");
    fields.push(("short_name".into(), "示范区商务局对外贸易科".repeat(2)));
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = admin.post_form(SETTINGS, SETTINGS, &refs).await;
    assert_eq!(r.status, 422);
    assert!(
        main_of(&r.body).contains("站点简称不超过 12 个字"),
        "{}",
        main_of(&r.body)
    );
}
