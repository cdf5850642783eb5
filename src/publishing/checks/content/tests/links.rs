//! Links inside and outside the site, as the checks see them.

use super::*;

fn store_links(href: &str) -> LinkStatus {
    match InternalRef::parse(href, &["www.yunxi.example"]) {
        None => LinkStatus::NotInternal,
        Some(InternalRef::Article { id: 1, .. }) => LinkStatus::Ok,
        Some(InternalRef::Article { id: 2, .. }) => LinkStatus::Withdrawn,
        Some(InternalRef::Article { .. }) => LinkStatus::Missing,
        Some(InternalRef::Channel { slug, .. }) if slug == "news" => LinkStatus::Ok,
        Some(InternalRef::Channel { .. }) => LinkStatus::Missing,
    }
}

#[test]
fn internal_links_resolved_through_the_resolver() {
    let r = rules();
    let body = r##"<p><a href="/a/1">好的</a> <a href="/u/jyj/a/2">撤稿的</a> <a href="https://www.yunxi.example/a/9#x">不存在</a> <a href="/c/news/">栏目</a> <a href="/c/gone/">旧栏目</a> <a href="https://other.example/a/9">外站</a> <a href="mailto:a@b.c">信</a> <a href="#top">顶部</a></p>"##;
    let f = check(
        &r,
        &Input {
            title: "",
            body_html: body,
            attachments: vec![],
            resolver: &store_links,
        },
    );
    let got: Vec<(&str, LinkStatus, &str)> = f
        .iter()
        .map(|f| match f.kind {
            FindingKind::BrokenInternalLink { status } => {
                (f.text.as_str(), status, f.message.as_str())
            }
            _ => panic!("{f:?}"),
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "/u/jyj/a/2",
                LinkStatus::Withdrawn,
                "内部链接「/u/jyj/a/2」指向的信息已撤稿"
            ),
            (
                "https://www.yunxi.example/a/9#x",
                LinkStatus::Missing,
                "内部链接「https://www.yunxi.example/a/9#x」指向的页面不存在"
            ),
            (
                "/c/gone/",
                LinkStatus::Missing,
                "内部链接「/c/gone/」指向的页面不存在"
            ),
        ]
    );
    // The span is the link's text.
    let text = body_text(body);
    let span: String = text
        .chars()
        .skip(f[0].start)
        .take(f[0].end - f[0].start)
        .collect();
    assert_eq!(span, "撤稿的");
}

#[test]
fn resolver_sees_decoded_hrefs_and_closures_work() {
    let seen = std::cell::RefCell::new(Vec::new());
    let resolver = |h: &str| {
        seen.borrow_mut().push(h.to_owned());
        LinkStatus::Ok
    };
    let r = rules();
    let f = check(
        &r,
        &Input {
            title: "",
            body_html: r#"<a href="/c/news/?a=1&amp;b=2">x</a><a>无链接</a>"#,
            attachments: vec![],
            resolver: &resolver,
        },
    );
    assert!(f.is_empty());
    assert_eq!(*seen.borrow(), ["/c/news/?a=1&b=2"]);
}

#[test]
fn internal_ref_parsing() {
    let p = |h| InternalRef::parse(h, &["gov.example"]);
    assert_eq!(
        p("/a/12"),
        Some(InternalRef::Article { site: None, id: 12 })
    );
    assert_eq!(
        p("/u/jyj/a/5/print?x#y"),
        Some(InternalRef::Article {
            site: Some("jyj".into()),
            id: 5
        })
    );
    assert_eq!(
        p("/u/jyj/c/tzgg/page/3/"),
        Some(InternalRef::Channel {
            site: Some("jyj".into()),
            slug: "tzgg".into()
        })
    );
    assert_eq!(
        p("http://GOV.example/c/news"),
        Some(InternalRef::Channel {
            site: None,
            slug: "news".into()
        })
    );
    assert_eq!(p("https://elsewhere.example/a/1"), None);
    assert_eq!(p("//gov.example/a/1"), None);
    assert_eq!(p("/a/abc"), None);
    assert_eq!(p("/files/ab/x.pdf"), None);
    assert_eq!(p("a/1"), None);
}
