//! Embedded assets every page needs: the site icon at `/favicon.ico` and in each page's head.

use crate::helpers::TestApp;

#[tokio::test]
async fn favicon_is_served_with_caching_and_linked_from_every_page() {
    let app = TestApp::start().await;
    let c = app.client();
    let r = c.get("/favicon.ico").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.headers["content-type"], "image/vnd.microsoft.icon");
    assert_eq!(r.headers["cache-control"], "public, max-age=604800");
    let raw = reqwest::get(format!("{}/favicon.ico", app.base))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    // An ICO directory: reserved 0, type 1 (icon), then the number of images (16, 32, 48 px).
    assert_eq!(&raw[..4], &[0, 0, 1, 0], "not an ICO file");
    assert_eq!(raw[4], 3, "three sizes");
    // Revalidation answers 304 without the bytes.
    let etag = r.headers["etag"].to_str().unwrap().to_owned();
    let again = reqwest::Client::new()
        .get(format!("{}/favicon.ico", app.base))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);

    // Pages link the hashed, immutable copy (and a phone's home-screen icon).
    for path in ["/", "/login", "/search?q=x", "/no-such-page"] {
        let page = c.get(path).await;
        let icon = page
            .body
            .split("<link rel=\"icon\" href=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or_else(|| panic!("{path}: no icon link"));
        assert!(icon.starts_with("/static/"), "{path}: {icon}");
        assert!(icon.ends_with("/img/favicon.ico"), "{path}: {icon}");
        let linked = c.get(icon).await;
        assert_eq!(linked.status, 200, "{path}: {icon}");
        assert!(
            linked.headers["cache-control"]
                .to_str()
                .unwrap()
                .contains("immutable")
        );
        assert!(
            page.body
                .contains("<link rel=\"apple-touch-icon\" href=\"/static/"),
            "{path}"
        );
    }
}
