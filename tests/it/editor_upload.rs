//! Pictures for the rich-text editor: `POST /admin/articles/{id}/images` answers in the
//! shape of Jodit's uploader, keeps the picture in the article's `images`, checks the
//! bytes (not the name), the size, the permission and the CSRF token.

use gongkai::auth::model::Role;
use gongkai::portal::model::Article;
use serde_json::Value;

use crate::helpers::{
    Client, Part, Resp, TestApp, channel_id, demo_filled, multipart, png, staff, stored,
};

/// The start of a JPEG (what the server looks at).
const JPEG: &[u8] = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9";

/// A new item in commerce's 工作动态, through the form as staff make one; `action` is
/// `save` (a draft its writer may still change) or `submit`.
async fn new_item(app: &TestApp, c: &Client, action: &str) -> Article {
    let ch = channel_id(app, "commerce", "work").to_string();
    let r = c
        .post_form(
            "/admin/articles/new",
            "/admin/articles/new",
            &[
                ("title", "配图的信息"),
                ("source", "区商务局"),
                ("body", "第一段。\n\n第二段。"),
                ("channel", &ch),
                ("action", action),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let loc = r.location().unwrap();
    let id: u64 = loc
        .strip_prefix("/admin/articles/")
        .and_then(|s| s.split('?').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{loc}"));
    stored(app, id).await
}

/// How the editor's uploader declares the picture.
const IMAGE: &str = "image/png";

/// Asks for the uploader's JSON answer.
const JSON: &[(&str, &str)] = &[("accept", "application/json")];

/// Reading the uploader's answer.
trait Answer {
    fn content_type(&self) -> &str;
    fn json(&self) -> Value;
    fn message(&self) -> String;
}

impl Answer for Resp {
    fn content_type(&self) -> &str {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    fn json(&self) -> Value {
        assert!(
            self.content_type().starts_with("application/json"),
            "{} {}: {}",
            self.status,
            self.content_type(),
            self.body
        );
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    /// Jodit's `getMessage`: the messages joined.
    fn message(&self) -> String {
        let v = self.json();
        assert_eq!(v["success"], false, "{}", self.body);
        v["data"]["messages"]
            .as_array()
            .unwrap_or_else(|| panic!("messages in {}", self.body))
            .iter()
            .map(|m| m.as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
            .join("；")
    }
}

/// Uploads `parts` to the item's pictures as the editor's uploader does.
async fn upload(c: &Client, id: u64, parts: &[Part<'_>]) -> Resp {
    let path = format!("/admin/articles/{id}/images");
    c.post_multipart(&path, multipart(IMAGE, parts), JSON).await
}

async fn csrf(c: &Client) -> String {
    c.get("/account").await.csrf()
}

#[tokio::test]
async fn a_picture_is_stored_listed_and_answered_in_jodits_shape() {
    let app = demo_filled().await;
    let c = staff(&app, "t-pub", Role::Publisher, "commerce").await;
    let before = new_item(&app, &c, "save").await;
    let id = before.id;
    let token = csrf(&c).await;
    let rev = before.revision.to_string();
    let png = png();
    let r = upload(
        &c,
        id,
        &[
            ("csrf", None, token.as_bytes()),
            ("revision", None, rev.as_bytes()),
            ("image", Some("会场照片.png"), &png),
        ],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["success"], true, "{}", r.body);
    let data = &v["data"];
    assert_eq!(data["isImages"], serde_json::json!([true]));
    assert_eq!(data["baseurl"], "");
    assert_eq!(data["base"], before.revision);
    let url = data["files"][0].as_str().expect("one file").to_owned();
    assert!(url.starts_with("/files/"), "{url}");
    assert!(
        url.ends_with("/%E4%BC%9A%E5%9C%BA%E7%85%A7%E7%89%87.png"),
        "the name is kept, percent-encoded: {url}"
    );

    // The article lists the picture (so its blob stays referenced) in a new revision.
    let after = stored(&app, id).await;
    assert_eq!(after.images.len(), before.images.len() + 1);
    let img = after.images.last().unwrap();
    assert_eq!(img.name, "会场照片.png");
    assert_eq!(img.mime, "image/png");
    assert_eq!(img.size, png.len() as u64);
    assert!(url.contains(&img.sha), "{url} names {}", img.sha);
    assert_eq!(data["revision"], after.revision);
    assert_eq!(after.revision, before.revision + 1);
    assert_eq!(after.body_html, before.body_html, "the text is untouched");

    // The address serves the picture to who may see the draft, and to nobody else yet.
    let got = c.get_bytes(&url, &[]).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.header("content-type"), "image/png");
    assert_eq!(got.body, png);
    assert_eq!(
        app.client().get(&url).await.status,
        404,
        "a draft's picture"
    );

    // The same picture again adds nothing and makes no revision.
    let again = upload(
        &c,
        id,
        &[
            ("csrf", None, token.as_bytes()),
            ("image", Some("再传一次.png"), &png),
        ],
    )
    .await;
    assert_eq!(again.status, 200, "{}", again.body);
    let v = again.json();
    assert_eq!(v["data"]["revision"], after.revision);
    assert_eq!(v["data"]["base"], after.revision);
    assert_eq!(stored(&app, id).await.images, after.images);

    // A JPEG sent under a .png name is stored as what it is.
    let r = upload(
        &c,
        id,
        &[
            ("csrf", None, token.as_bytes()),
            ("image", Some("截图.png"), JPEG),
        ],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let url = r.json()["data"]["files"][0].as_str().unwrap().to_owned();
    assert!(url.ends_with(".jpg"), "{url}");
    let last = stored(&app, id).await.images.last().cloned().unwrap();
    assert_eq!(
        (last.name.as_str(), last.mime.as_str()),
        ("截图.jpg", "image/jpeg")
    );

    // The audit log names the upload.
    let audit = app
        .state
        .store
        .read(|txn| gongkai::auth::audit::page(txn, None, 20))
        .await
        .unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.action == "article_image_upload" && e.detail.contains("会场照片.png")),
        "audit: {audit:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn wrong_pictures_get_a_chinese_reason_and_change_nothing() {
    let app = demo_filled().await;
    let c = staff(&app, "t-pub", Role::Publisher, "commerce").await;
    let before = new_item(&app, &c, "save").await;
    let id = before.id;
    let token = csrf(&c).await;

    // A web page named .png: refused by its bytes.
    let r = upload(
        &c,
        id,
        &[
            ("csrf", None, token.as_bytes()),
            (
                "image",
                Some("假图片.png"),
                b"<html><script>alert(1)</script></html>",
            ),
        ],
    )
    .await;
    assert_eq!(r.status, 415, "{}", r.body);
    let m = r.message();
    assert!(
        m.contains("假图片.png") && m.contains("不是有效的图片文件"),
        "{m}"
    );

    // A type that is not a picture at all, or an SVG: refused by its name.
    for name in ["报告.pdf", "图标.svg", "无扩展名"] {
        let r = upload(
            &c,
            id,
            &[
                ("csrf", None, token.as_bytes()),
                ("image", Some(name), &png()),
            ],
        )
        .await;
        assert_eq!(r.status, 415, "{name}: {}", r.body);
        assert!(
            r.message().contains("只能上传 jpg、png、gif 或 webp 图片"),
            "{name}: {}",
            r.body
        );
    }

    // Over 10 MB.
    let mut big = png();
    big.resize(10 * 1024 * 1024 + 1, 0);
    let r = upload(
        &c,
        id,
        &[
            ("csrf", None, token.as_bytes()),
            ("image", Some("大图.png"), &big),
        ],
    )
    .await;
    assert_eq!(r.status, 413, "{}", r.body);
    let m = r.message();
    assert!(m.contains("大图.png") && m.contains("超过 10 MB"), "{m}");

    // No picture at all.
    let r = upload(&c, id, &[("csrf", None, token.as_bytes())]).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.message().contains("请选择要上传的图片"), "{}", r.body);

    // A broken multipart body (cut off in the middle of the file).
    let (ct, mut body) = multipart(
        IMAGE,
        &[
            ("csrf", None, token.as_bytes()),
            ("image", Some("半截.png"), &png()),
        ],
    );
    body.truncate(body.len() - 30);
    let r = c
        .post_multipart(&format!("/admin/articles/{id}/images"), (ct, body), JSON)
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.message().contains("上传的表单不完整"), "{}", r.body);

    assert_eq!(stored(&app, id).await, before, "nothing changed");
    app.stop().await;
}

#[tokio::test]
async fn only_who_may_edit_the_item_may_add_pictures() {
    let app = demo_filled().await;
    let writer = staff(&app, "t-rep", Role::Reporter, "commerce").await;
    let draft = new_item(&app, &writer, "save").await;
    let submitted = new_item(&app, &writer, "submit").await;
    let png = png();

    // Its writer may add pictures to the draft.
    let token = csrf(&writer).await;
    let r = upload(
        &writer,
        draft.id,
        &[
            ("csrf", None, token.as_bytes()),
            ("image", Some("图.png"), &png),
        ],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    // Not once it is submitted: the same rule as for the text.
    let r = upload(
        &writer,
        submitted.id,
        &[
            ("csrf", None, token.as_bytes()),
            ("image", Some("图.png"), &png),
        ],
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.message().contains("撤回"), "{}", r.body);

    // Other units' staff do not see the item; staff without a content role are refused.
    let others = [
        ("t-other", Role::Publisher, "edu", 404),
        ("t-other-rep", Role::Reporter, "edu", 404),
        ("t-unitadmin", Role::UnitAdmin, "commerce", 403),
        ("t-sys", Role::Sysadmin, "office", 403),
    ];
    let draft = stored(&app, draft.id).await;
    for (user, role, unit, expect) in others {
        let c = staff(&app, user, role, unit).await;
        let token = csrf(&c).await;
        let r = upload(
            &c,
            draft.id,
            &[
                ("csrf", None, token.as_bytes()),
                ("image", Some("图.png"), &png),
            ],
        )
        .await;
        assert_eq!(r.status, expect, "{user}: {}", r.body);
        assert!(!r.message().is_empty(), "{user}: a reason");
    }
    // Someone who may edit, but the item does not exist.
    let r = upload(
        &writer,
        999_999,
        &[
            ("csrf", None, token.as_bytes()),
            ("image", Some("图.png"), &png),
        ],
    )
    .await;
    assert_eq!(r.status, 404, "{}", r.body);
    assert!(r.message().contains("不存在"), "{}", r.body);
    // Not logged in: JSON for the uploader, the login redirect for anything else.
    let anon = app.client();
    let token = anon.get("/login").await.csrf();
    let r = upload(
        &anon,
        draft.id,
        &[
            ("csrf", None, token.as_bytes()),
            ("image", Some("图.png"), &png),
        ],
    )
    .await;
    assert_eq!(r.status, 401, "{}", r.body);
    assert!(r.message().contains("登录"), "{}", r.body);
    let r = anon
        .post_multipart(
            &format!("/admin/articles/{}/images", draft.id),
            multipart(
                IMAGE,
                &[
                    ("csrf", None, token.as_bytes()),
                    ("image", Some("图.png"), &png),
                ],
            ),
            &[],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(stored(&app, draft.id).await, draft, "nothing changed");
    assert_eq!(
        stored(&app, submitted.id).await,
        submitted,
        "nothing changed"
    );
    app.stop().await;
}

#[tokio::test]
async fn without_the_csrf_token_first_nothing_is_read() {
    let app = demo_filled().await;
    let c = staff(&app, "t-pub", Role::Publisher, "commerce").await;
    let before = new_item(&app, &c, "save").await;
    let id = before.id;
    let token = csrf(&c).await;
    let png = png();
    let cases: Vec<(&str, Vec<Part<'_>>)> = vec![
        ("no token", vec![("image", Some("图.png"), &png)]),
        (
            "token after the file",
            vec![
                ("image", Some("图.png"), &png),
                ("csrf", None, token.as_bytes()),
            ],
        ),
        (
            "wrong token",
            vec![
                ("csrf", None, b"0123456789abcdef"),
                ("image", Some("图.png"), &png),
            ],
        ),
    ];
    for (label, parts) in cases {
        let r = upload(&c, id, &parts).await;
        assert_eq!(r.status, 403, "{label}: {}", r.body);
        assert!(
            r.message().contains("请求来源校验失败"),
            "{label}: {}",
            r.body
        );
    }
    // A cross-site page posting with the right token is refused on its Origin.
    let r = c
        .post_multipart(
            &format!("/admin/articles/{id}/images"),
            multipart(
                IMAGE,
                &[
                    ("csrf", None, token.as_bytes()),
                    ("image", Some("图.png"), &png),
                ],
            ),
            &[
                ("accept", "application/json"),
                ("origin", "https://evil.example"),
            ],
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    // Without asking for JSON: the usual error page.
    let r = c
        .post_multipart(
            &format!("/admin/articles/{id}/images"),
            multipart(IMAGE, &[("image", Some("图.png"), &png)]),
            &[],
        )
        .await;
    assert_eq!(r.status, 403);
    assert!(
        r.content_type().starts_with("text/html"),
        "{}",
        r.content_type()
    );
    assert!(r.body.contains("请求来源校验失败"));
    assert_eq!(stored(&app, id).await, before, "nothing changed");
    app.stop().await;
}
