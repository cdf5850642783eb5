//! The staff editor (issue #3): sites, channels and items, over HTTP, with the public
//! pages checked after each step (the page cache must drop exactly what changed).

use gongkai::auth::model::Role;
use gongkai::portal::model::ArticleState;

use crate::helpers::{
    Client, PASSWORD, Resp, TestApp, channel_id, demo_filled, main_of, multipart, publish_new,
    publish_via_flow, staff, stored, take,
};

/// An app with the demo district's sites and channels, the clock moved past the demo's
/// publish times (stamped with the test clock) so new items are the newest.
async fn demo_app() -> TestApp {
    let app = demo_filled().await;
    app.clock.advance(time::Duration::days(2));
    app
}

/// The item id in a redirect to `/admin/articles/<id>?done=…`.
fn id_from(r: &Resp) -> u64 {
    let loc = r
        .location()
        .unwrap_or_else(|| panic!("{} {}", r.status, r.body));
    let rest = loc.strip_prefix("/admin/articles/").expect(loc);
    rest.split('?').next().unwrap().parse().expect(loc)
}

/// The value of a hidden or text input on a page.
fn input_value(body: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\"");
    let i = body.find(&marker).unwrap_or_else(|| panic!("field {name}"));
    let tag_start = body[..i].rfind('<').unwrap();
    let tag_end = i + body[i..].find('>').unwrap();
    let tag = &body[tag_start..tag_end];
    let v = tag.find("value=\"").map(|j| {
        let s = &tag[j + 7..];
        s[..s.find('"').unwrap()].to_owned()
    });
    v.unwrap_or_default()
}

async fn create_item(c: &Client, channel: u64, title: &str, action: &str) -> u64 {
    let ch = channel.to_string();
    let r = c
        .post_form(
            "/admin/articles/new",
            "/admin/articles/new",
            &[
                ("title", title),
                ("source", "区商务局"),
                ("body", "第一段。\n\n第二段。"),
                ("channel", &ch),
                ("action", action),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    id_from(&r)
}

/// How the attachment form's file parts are declared.
const OCTETS: &str = "application/octet-stream";

#[tokio::test]
async fn publisher_creates_publishes_edits_and_withdraws_and_public_pages_follow() {
    let app = demo_app().await;
    let c = staff(&app, "t-pub", Role::Publisher, "commerce").await;
    let public = app.client();
    let work = channel_id(&app, "commerce", "work");
    let dept = channel_id(&app, "gov", "dept-news");

    // The staff pages are in the navigation and answer.
    let dash = c.get("/admin").await;
    // The tile in the page, not the navigation's link of the same address.
    assert!(
        main_of(&dash.body).contains("href=\"/admin/articles\""),
        "dashboard tile"
    );
    let form = c.get("/admin/articles/new").await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("保存") && form.body.contains("保存并报送"));
    // The home channel choice offers the unit's own site only; the source defaults to the unit.
    assert!(form.body.contains(&format!("value=\"{work}\"")));
    // The 来源 field itself holds the unit's name (the channel dropdown names the unit too).
    assert_eq!(input_value(&form.body, "source"), "区商务局");

    // Missing title: the form comes back with the message beside the field and the input kept.
    let bad = c
        .post_form(
            "/admin/articles/new",
            "/admin/articles/new",
            &[
                ("title", ""),
                ("source", "区商务局"),
                ("body", "保留的正文"),
                ("channel", &work.to_string()),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("请填写标题"));
    assert!(bad.body.contains("保留的正文"));

    // Warm the public caches first, so stale pages would show.
    for p in ["/", "/u/commerce/", "/u/commerce/c/work/", "/c/dept-news/"] {
        assert_eq!(public.get(p).await.status, 200, "{p}");
    }

    // A draft is not public.
    let id = create_item(&c, work, "商务局推进外贸稳增长", "save").await;
    assert_eq!(stored(&app, id).await.state, ArticleState::Draft);
    assert_eq!(public.get(&format!("/u/commerce/a/{id}")).await.status, 404);
    let edit = c.get(&format!("/admin/articles/{id}?done=saved")).await;
    assert!(edit.body.contains("已保存。") && edit.body.contains("草稿"));

    // Publish, pushed to the main portal's 部门动态 as well.
    let rev = input_value(&edit.body, "revision");
    let r = c
        .post_form(
            &format!("/admin/articles/{id}"),
            &format!("/admin/articles/{id}"),
            &[
                ("revision", &rev),
                ("title", "商务局推进外贸稳增长"),
                ("source", "区商务局"),
                ("body", "第一段。\n\n第二段。"),
                ("channel", &work.to_string()),
                ("placements", &dept.to_string()),
                ("action", "submit"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    // Submitted, not public until reviewed: the portal's channel needs the office too.
    assert_eq!(public.get(&format!("/u/commerce/a/{id}")).await.status, 404);
    publish_via_flow(&app, id).await;
    let published = stored(&app, id).await;
    assert!(published.is_public());
    let publish_ms = published.publish_ms.expect("system set the publish time");
    assert_eq!(publish_ms, gongkai::clock::to_ms(app.state.clock.now()));
    for p in ["/", "/u/commerce/", "/u/commerce/c/work/", "/c/dept-news/"] {
        let r = public.get(p).await;
        assert!(
            r.body.contains("商务局推进外贸稳增长"),
            "{p} shows the new item at once"
        );
    }
    let page = public.get(&format!("/u/commerce/a/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<p>第一段。</p>"));
    // On the portal where it is placed: same item, canonical at home.
    let placed = public.get(&format!("/a/{id}")).await;
    assert_eq!(placed.status, 200);
    assert!(placed.body.contains(&format!("/u/commerce/a/{id}")));
    // The editor links to the public page. Corrections to an item on the portal are the
    // office publisher's.
    let c = staff(&app, "wf-office-pub", Role::Publisher, "office").await;
    let edit = c.get(&format!("/admin/articles/{id}")).await;
    assert!(
        edit.body.contains(&format!("href=\"/u/commerce/a/{id}\"")),
        "preview link"
    );
    assert!(edit.body.contains("已发布"));

    // Edit the published item: new title everywhere at once, publish time unchanged,
    // and no script survives in the body.
    app.clock.advance(time::Duration::minutes(5));
    let rev = input_value(&edit.body, "revision");
    let r = c
        .post_form(
            &format!("/admin/articles/{id}"),
            &format!("/admin/articles/{id}"),
            &[
                ("revision", &rev),
                ("title", "商务局全力推进外贸稳增长"),
                ("source", "区商务局"),
                ("body", "<p>改后的正文<script>alert(1)</script></p>"),
                ("channel", &work.to_string()),
                ("placements", &dept.to_string()),
                ("correct_note", "标题措辞调整"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let edited = stored(&app, id).await;
    assert_eq!(
        edited.publish_ms,
        Some(publish_ms),
        "never re-dated by an edit"
    );
    assert!(!edited.body_html.contains("script"));
    for p in [
        "/",
        "/u/commerce/",
        "/u/commerce/c/work/",
        "/c/dept-news/",
        &format!("/u/commerce/a/{id}"),
    ] {
        let r = public.get(p).await;
        assert!(
            r.body.contains("商务局全力推进外贸稳增长"),
            "{p} shows the edit at once"
        );
    }

    // Withdraw: a reason is required.
    let r = take(&c, &app, id, "withdraw", &[("comment", "")]).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("“撤稿”须填写理由"), "{}", r.body);
    let r = take(&c, &app, id, "withdraw", &[("comment", "内容需要更新")]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let gone = public.get(&format!("/u/commerce/a/{id}")).await;
    assert_eq!(gone.status, 410);
    assert!(gone.body.contains("内容需要更新"));
    for p in ["/", "/u/commerce/", "/u/commerce/c/work/", "/c/dept-news/"] {
        let r = public.get(p).await;
        assert!(
            !r.body.contains("商务局全力推进外贸稳增长"),
            "{p} dropped the withdrawn item"
        );
    }
    // The staff list shows the state; the audit log has each step.
    let list = c.get("/admin/articles").await;
    assert!(list.body.contains("商务局全力推进外贸稳增长") && list.body.contains("已撤稿"));
    let actions = app
        .state
        .store
        .read(|txn| {
            let t = txn.open_table(gongkai::store::tables::AUDIT)?;
            let mut v = Vec::new();
            for row in redb::ReadableTable::iter(&t)? {
                let (_, val) = row?;
                v.push(String::from_utf8_lossy(val.value()).into_owned());
            }
            Ok(v)
        })
        .await
        .unwrap()
        .join("\n");
    for a in [
        "article_create",
        "article_update",
        "article_submit",
        "article_approve_unit",
        "article_approve_office",
        "article_publish",
        "article_correct",
        "article_withdraw",
    ] {
        assert!(actions.contains(a), "audit has {a}");
    }
    app.stop().await;
}

#[tokio::test]
async fn outsiders_and_non_handlers_cannot_touch_a_units_item() {
    let app = demo_app().await;
    let writer = staff(&app, "t-rep", Role::Reporter, "commerce").await;
    let work = channel_id(&app, "commerce", "work");
    let id = create_item(&writer, work, "只有经手人能改", "submit").await;
    let before = stored(&app, id).await;
    let path = format!("/admin/articles/{id}");

    // Other units' staff do not see it at all; staff without a content role are refused.
    let others = [
        ("t-other-rep", Role::Reporter, "edu", 404),
        ("t-other-rev", Role::Reviewer, "edu", 404),
        ("t-other", Role::Publisher, "edu", 404),
        ("t-unitadmin", Role::UnitAdmin, "commerce", 403),
        ("t-sys", Role::Sysadmin, "office", 403),
    ];
    for (user, role, unit, expect) in others {
        let c = staff(&app, user, role, unit).await;
        assert_eq!(c.get(&path).await.status, expect, "{user} GET");
        let r = c
            .post_form(
                "/account",
                &path,
                &[
                    ("revision", &before.revision.to_string()),
                    ("title", "被改了"),
                    ("source", "x"),
                    ("channel", &work.to_string()),
                    ("action", "save"),
                ],
            )
            .await;
        assert_eq!(r.status, expect, "{user} POST edit");
        let r = take(&c, &app, id, "approve_unit", &[]).await;
        assert_eq!(r.status, expect, "{user} POST flow");
        let Resp { status, .. } = c
            .post_multipart(
                &format!("{path}/files"),
                multipart(
                    OCTETS,
                    &[
                        ("csrf", None, c.get("/account").await.csrf().as_bytes()),
                        ("attachments", Some("a.pdf"), b"%PDF"),
                    ],
                ),
                &[],
            )
            .await;
        assert_eq!(status, expect, "{user} upload");
    }
    // Its own writer sees it, but once submitted may not change it, nor approve it.
    assert_eq!(writer.get(&path).await.status, 200);
    let r = writer
        .post_form(
            &path,
            &path,
            &[
                ("revision", &before.revision.to_string()),
                ("title", "报送后又改"),
                ("source", "区商务局"),
                ("channel", &work.to_string()),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(r.status, 403);
    assert!(
        r.body.contains("撤回"),
        "says how to get it back: {}",
        r.body
    );
    let r = take(&writer, &app, id, "approve_unit", &[]).await;
    assert_eq!(r.status, 409);
    assert!(r.body.contains("您没有“审核通过”的权限"), "{}", r.body);

    // Another unit's publisher may not put an item into this unit's channel either.
    let other = app.client();
    other.login("t-other", PASSWORD).await;
    let list = other.get("/admin/articles").await;
    assert_eq!(list.status, 200);
    assert!(!list.body.contains("只有经手人能改"));
    let r = other
        .post_form(
            "/admin/articles/new",
            "/admin/articles/new",
            &[
                ("title", "越权发布"),
                ("source", "区文教体局"),
                ("channel", &work.to_string()),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("您所在单位不能在该栏目发布信息"));
    assert_eq!(stored(&app, id).await, before, "nothing changed");
    app.stop().await;
}

#[tokio::test]
async fn a_stale_revision_gets_the_conflict_message_and_nothing_is_lost() {
    let app = demo_app().await;
    let a = staff(&app, "t-pub-a", Role::Publisher, "commerce").await;
    let b = staff(&app, "t-pub-b", Role::Publisher, "commerce").await;
    let work = channel_id(&app, "commerce", "work").to_string();
    let id = create_item(&a, work.parse().unwrap(), "原标题", "save").await;
    let path = format!("/admin/articles/{id}");
    let a_form = a.get(&path).await;
    let a_rev = input_value(&a_form.body, "revision");

    // B saves first.
    let r = b
        .post_form(
            &path,
            &path,
            &[
                (
                    "revision",
                    &input_value(&b.get(&path).await.body, "revision"),
                ),
                ("title", "乙改的标题"),
                ("source", "区商务局"),
                ("channel", &work),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);

    // A saves on the old revision: refused with a clear message, A's input still there.
    let r = a
        .post_form(
            &path,
            &path,
            &[
                ("revision", &a_rev),
                ("title", "甲改的标题"),
                ("source", "区商务局"),
                ("body", "甲写的一大段正文"),
                ("channel", &work),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(r.status, 409);
    assert!(r.body.contains("已被他人修改"), "{}", r.body);
    assert!(r.body.contains("没有丢失"));
    // The difference between the other version and A's is shown, marked.
    assert!(r.body.contains("差异"), "{}", r.body);
    assert!(
        r.body.contains("<del>") && r.body.contains("<ins>"),
        "{}",
        r.body
    );
    assert!(r.body.contains("甲改的标题") && r.body.contains("甲写的一大段正文"));
    assert!(r.body.contains("乙改的标题"), "names the other version");
    assert_eq!(
        stored(&app, id).await.title,
        "乙改的标题",
        "B's save stands"
    );

    // Saving again from the conflict page (it carries the current revision) goes through.
    let rev = input_value(&r.body, "revision");
    let r = a
        .post_form(
            &path,
            &path,
            &[
                ("revision", &rev),
                ("title", "甲改的标题"),
                ("source", "区商务局"),
                ("body", "甲写的一大段正文"),
                ("channel", &work),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(stored(&app, id).await.title, "甲改的标题");
    app.stop().await;
}

#[tokio::test]
async fn uploads_keep_their_chinese_names_and_download_with_range() {
    let app = demo_app().await;
    let c = staff(&app, "t-pub", Role::Publisher, "commerce").await;
    let work = channel_id(&app, "commerce", "work");
    let id = create_item(&c, work, "附件测试", "submit").await;
    publish_via_flow(&app, id).await;
    let path = format!("/admin/articles/{id}");
    let edit = c.get(&path).await;
    assert!(edit.body.contains("enctype=\"multipart/form-data\""));
    let csrf = edit.csrf();
    let rev = input_value(&edit.body, "revision");
    let name = "2026年商务工作要点.pdf";
    let content = b"%PDF-1.4 gongkai test attachment".repeat(40_000); // > 1 MiB: past the global limit
    let Resp { status, body, .. } = c
        .post_multipart(
            &format!("{path}/files"),
            multipart(
                OCTETS,
                &[
                    ("csrf", None, csrf.as_bytes()),
                    ("revision", None, rev.as_bytes()),
                    ("cover", Some(""), b""),
                    ("attachments", Some(name), &content),
                ],
            ),
            &[],
        )
        .await;
    assert_eq!(status, 303, "{body}");
    let a = stored(&app, id).await;
    assert_eq!(a.attachments.len(), 1);
    let att = &a.attachments[0];
    assert_eq!(att.name, name);
    assert_eq!(att.size, content.len() as u64);
    assert_eq!(att.mime, "application/pdf");

    // Listed on the public page at once, and downloadable in parts.
    let page = app.client().get(&format!("/u/commerce/a/{id}")).await;
    assert!(
        page.body.contains("2026年商务工作要点.pdf"),
        "attachment listed"
    );
    let enc: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let r = reqwest::Client::new()
        .get(format!("{}/files/{}/{enc}", app.base, att.sha))
        .header("range", "bytes=0-3")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 206);
    let disp = r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(disp.contains(&enc), "{disp}");
    assert_eq!(&r.bytes().await.unwrap()[..], b"%PDF");

    // A type not on the list is refused with a message; nothing is attached.
    let edit = c.get(&path).await;
    let rev = input_value(&edit.body, "revision");
    let Resp { status, body, .. } = c
        .post_multipart(
            &format!("{path}/files"),
            multipart(
                OCTETS,
                &[
                    ("csrf", None, edit.csrf().as_bytes()),
                    ("revision", None, rev.as_bytes()),
                    ("attachments", Some("工具.exe"), b"MZ\x90\x00"),
                ],
            ),
            &[],
        )
        .await;
    assert_eq!(status, 422);
    assert!(body.contains("“工具.exe”的文件类型不允许上传"), "{body}");
    // A cover must be a picture.
    let Resp { status, body, .. } = c
        .post_multipart(
            &format!("{path}/files"),
            multipart(
                OCTETS,
                &[
                    ("csrf", None, edit.csrf().as_bytes()),
                    ("revision", None, rev.as_bytes()),
                    ("cover", Some("封面.pdf"), b"%PDF"),
                ],
            ),
            &[],
        )
        .await;
    assert_eq!(status, 422);
    assert!(body.contains("封面图片只能是"), "{body}");
    assert_eq!(stored(&app, id).await.attachments.len(), 1);

    // Without the token first, or with a wrong one, or from another site: refused.
    let Resp { status, body, .. } = c
        .post_multipart(
            &format!("{path}/files"),
            multipart(
                OCTETS,
                &[
                    ("attachments", Some("a.pdf"), b"%PDF"),
                    ("csrf", None, edit.csrf().as_bytes()),
                ],
            ),
            &[],
        )
        .await;
    assert_eq!(status, 403);
    assert!(body.contains("请求来源校验失败"));
    let Resp { status, .. } = c
        .post_multipart(
            &format!("{path}/files"),
            multipart(
                OCTETS,
                &[
                    ("csrf", None, &[b'0'; 64]),
                    ("attachments", Some("a.pdf"), b"%PDF"),
                ],
            ),
            &[],
        )
        .await;
    assert_eq!(status, 403);
    let r = c
        .post_multipart(
            &format!("{path}/files"),
            multipart(
                OCTETS,
                &[
                    ("csrf", None, edit.csrf().as_bytes()),
                    ("attachments", Some("a.pdf"), b"%PDF"),
                ],
            ),
            &[("origin", "https://evil.example")],
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(stored(&app, id).await.attachments.len(), 1);

    // Removing an attachment from the form keeps the item otherwise as it was.
    let edit = c.get(&path).await;
    let r = c
        .post_form(
            &path,
            &path,
            &[
                ("revision", &input_value(&edit.body, "revision")),
                ("title", "附件测试"),
                ("source", "区商务局"),
                ("channel", &work.to_string()),
                ("remove", &att.sha),
                ("correct_note", "删除过期附件"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(stored(&app, id).await.attachments.is_empty());
    app.stop().await;
}

#[tokio::test]
async fn sites_and_channels() {
    let app = demo_app().await;
    let admin = staff(&app, "t-uadmin", Role::UnitAdmin, "commerce").await;
    let list = admin.get("/admin/sites").await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains("区商务局"));
    assert!(
        !list.body.contains("新建站点"),
        "only the 系统管理员 creates sites"
    );
    assert_eq!(
        admin.get("/admin/sites/gov").await.status,
        403,
        "not its unit"
    );
    assert_eq!(admin.get("/admin/sites/gov/channels").await.status, 403);

    // A duplicate slug is shown beside the field, the input kept.
    let page = "/admin/sites/commerce/channels";
    let r = admin
        .post_form(
            page,
            page,
            &[
                ("slug", "work"),
                ("name", "重复栏目"),
                ("kind", "list"),
                ("order", "5"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("本站点已有同名栏目标识"));
    assert!(r.body.contains("重复栏目"));
    // A link channel needs an http(s) address.
    let r = admin
        .post_form(
            page,
            page,
            &[
                ("slug", "bad-link"),
                ("name", "坏链接"),
                ("kind", "link"),
                ("link", "javascript:alert(1)"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.body
            .contains("外部链接须为以 http:// 或 https:// 开头的完整网址")
    );
    // A page channel: plain text becomes paragraphs; it appears on the public site at once.
    let warm = app.client();
    assert!(!warm.get("/u/commerce/").await.body.contains("办事指南"));
    let r = admin
        .post_form(
            page,
            page,
            &[
                ("slug", "guide"),
                ("name", "办事指南"),
                ("kind", "page"),
                ("page_body", "第一条。\n\n第二条<script>x</script>"),
                ("in_nav", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let g = warm.get("/u/commerce/c/guide/").await;
    assert_eq!(g.status, 200);
    assert!(g.body.contains("<p>第一条。</p>"));
    assert!(!g.body.contains("<script>x"));
    assert!(
        warm.get("/u/commerce/").await.body.contains("办事指南"),
        "nav updated at once"
    );

    // Editing keeps the slug.
    let id = channel_id(&app, "commerce", "guide");
    let cp = format!("/admin/sites/commerce/channels/{id}");
    let r = admin
        .post_form(
            &cp,
            &cp,
            &[
                ("slug", "changed"),
                ("name", "办事服务指南"),
                ("kind", "page"),
                ("page_body", "新内容"),
                ("in_nav", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("已保存"));
    let snap = app.state.portal().snapshot();
    let ch = snap.channel(id).unwrap();
    assert_eq!(ch.slug.as_str(), "guide");
    assert_eq!(ch.name, "办事服务指南");

    // Site settings: the unit admin sets the theme; only the 系统管理员 binds a host name.
    let sp = "/admin/sites/commerce";
    let r = admin
        .post_form(sp, sp, &[("name", "区商务局"), ("theme", "pink")])
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("请从列表中选择主题色"));
    let form = admin.get(sp).await;
    assert!(
        !form.body.contains("name=\"host\""),
        "no host field for a unit admin"
    );
    let r = admin
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
    assert_eq!(r.status, 403, "a unit admin cannot bind a host");
    let r = admin
        .post_form(sp, sp, &[("name", "区商务局"), ("theme", "blue")])
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let sys = staff(&app, "t-sys", Role::Sysadmin, "office").await;
    let r = sys
        .post_form(
            sp,
            sp,
            &[
                ("name", "区商务局"),
                ("theme", "blue"),
                ("host", "http://bad host"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("请填写有效的域名"));
    let r = sys
        .post_form(
            sp,
            sp,
            &[
                ("name", "区商务局"),
                ("theme", "blue"),
                ("host", "SWJ.Example.gov.cn"),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let snap = app.state.portal().snapshot();
    let site = snap.site("commerce").unwrap();
    assert_eq!(site.host.as_deref(), Some("swj.example.gov.cn"));
    assert_eq!(site.theme, "blue");
    assert!(warm.get("/u/commerce/").await.body.contains("theme-blue"));
    // The bound host serves the sub-site at `/`.
    let bound = reqwest::Client::new()
        .get(format!("{}/", app.base))
        .header("host", "swj.example.gov.cn")
        .send()
        .await
        .unwrap();
    assert_eq!(bound.status(), 200);
    assert!(bound.text().await.unwrap().contains("theme-blue"));
    // The unit admin saving again keeps the binding.
    let r = admin
        .post_form(sp, sp, &[("name", "区商务局"), ("theme", "green")])
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        app.state
            .portal()
            .snapshot()
            .site("commerce")
            .unwrap()
            .host
            .as_deref(),
        Some("swj.example.gov.cn")
    );
    // The portal's own domain cannot be taken by a sub-site.
    let r = sys
        .post_form(
            sp,
            sp,
            &[
                ("name", "区商务局"),
                ("theme", "blue"),
                ("host", "www.example.gov.cn"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("门户主站的域名"));

    // The 系统管理员 creates a site for another unit; one site per unit, one main site.
    let r = sys
        .post_form(
            "/admin/sites",
            "/admin/sites",
            &[
                ("unit", "edu"),
                ("name", "区文教体局"),
                ("theme", "purple"),
                ("host", "swj.example.gov.cn"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("该域名已绑定到其他站点"));
    let r = sys
        .post_form(
            "/admin/sites",
            "/admin/sites",
            &[
                ("unit", "edu"),
                ("name", "区文教体局"),
                ("theme", "purple"),
                ("host", ""),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location(), Some("/admin/sites/edu/channels"));
    let snap = app.state.portal().snapshot();
    let edu = snap.site("edu").unwrap();
    assert!(!edu.is_main);
    assert_eq!(app.client().get("/u/edu/").await.status, 200);
    let r = sys
        .post_form(
            "/admin/sites",
            "/admin/sites",
            &[("unit", "gov"), ("name", "另一个主站"), ("theme", "red")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("该单位已有站点"));
    // A unit admin may not create sites.
    let r = admin
        .post_form(
            "/admin/sites",
            "/admin/sites",
            &[("unit", "civil"), ("name", "区民政局"), ("theme", "red")],
        )
        .await;
    assert_eq!(r.status, 403);
    app.stop().await;
}

#[tokio::test]
async fn every_save_is_a_revision_and_any_two_can_be_compared() {
    let app = demo_app().await;
    let c = staff(&app, "t-pub-h", Role::Publisher, "commerce").await;
    let work = channel_id(&app, "commerce", "work").to_string();
    let id = create_item(&c, work.parse().unwrap(), "修订测试标题", "save").await;
    let path = format!("/admin/articles/{id}");
    let rev = input_value(&c.get(&path).await.body, "revision");
    let r = c
        .post_form(
            &path,
            &path,
            &[
                ("revision", &rev),
                ("title", "修订测试新标题"),
                ("source", "区商务局"),
                ("body", "第一段。\n\n第二段已改写。"),
                ("channel", &work),
                ("action", "submit"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    publish_via_flow(&app, id).await;
    let edit = c.get(&path).await;
    assert!(edit.body.contains(&format!("/admin/articles/{id}/history")));
    let h = c.get(&format!("/admin/articles/{id}/history")).await;
    assert_eq!(h.status, 200, "{}", h.body);
    // Draft save, edit save, publish: three versions, the last two compared by default.
    let versions = app
        .state
        .store
        .read_blocking(|t| gongkai::portal::store::revisions(t, id))
        .unwrap();
    assert!(versions.len() >= 2, "{}", versions.len());
    let first_to_last = c
        .get(&format!(
            "/admin/articles/{id}/history?from=1&to={}",
            versions.last().unwrap().revision
        ))
        .await;
    assert_eq!(first_to_last.status, 200);
    assert!(
        first_to_last.body.contains("<ins>新</ins>"),
        "{}",
        first_to_last.body
    );
    assert!(first_to_last.body.contains("<ins>已改写</ins>"));
    assert!(first_to_last.body.contains("标题、正文有修改"));
    // Unknown versions and other units' publishers.
    assert_eq!(
        c.get(&format!("/admin/articles/{id}/history?from=1&to=99"))
            .await
            .status,
        404
    );
    let other = staff(&app, "t-pub-x", Role::Publisher, "sd-east").await;
    assert_eq!(
        other
            .get(&format!("/admin/articles/{id}/history"))
            .await
            .status,
        404
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheduled_publishing_fires_when_the_clock_reaches_it() {
    let app = demo_app().await;
    let c = staff(&app, "t-pub-s", Role::Publisher, "commerce").await;
    let work = channel_id(&app, "commerce", "work");
    let id = create_item(&c, work, "定时发布测试", "submit").await;
    let rev = staff(&app, "t-rev-s", Role::Reviewer, "commerce").await;
    assert_eq!(take(&rev, &app, id, "approve_unit", &[]).await.status, 303);
    let path = format!("/admin/articles/{id}");
    let local = |ms: i64| gongkai::clock::show(ms).replace(' ', "T")[..16].to_owned();
    // A time in the past is refused next to the field.
    let past = local(app.state.now_ms() - 3_600_000);
    let r = take(&c, &app, id, "schedule", &[("publish_at", &past)]).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("定时发布时间须晚于当前时间"), "{}", r.body);

    // Two hours from now (Beijing time).
    let at = app.state.now_ms() + 2 * 3_600_000;
    let r = take(&c, &app, id, "schedule", &[("publish_at", &local(at))]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(c.get(&path).await.body.contains("自动发布"));
    let public = format!("/u/commerce/a/{id}");
    assert_eq!(
        app.client().get(&public).await.status,
        404,
        "not before its time"
    );

    // An hour later: still waiting (the scheduler runs, the time has not come).
    app.clock.advance(time::Duration::hours(1));
    // Wait for a scheduler pass at the new time, so this checks something.
    let target = app.state.now_ms();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while app
        .state
        .scheduler_beat_ms
        .load(std::sync::atomic::Ordering::SeqCst)
        < target
    {
        assert!(std::time::Instant::now() < deadline, "scheduler never ran");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(app.client().get(&public).await.status, 404);

    // Past the time: the in-process scheduler publishes it, no cron involved.
    app.clock.advance(time::Duration::hours(2));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        if app.client().get(&public).await.status == 200 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "scheduled item never published"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let a = stored(&app, id).await;
    assert!(
        a.publish_ms.unwrap() >= at,
        "published at or after its time, never before"
    );
    let st = app.state.clone();
    let actions: Vec<String> = tokio::task::spawn_blocking(move || {
        st.store
            .read_blocking(|t| gongkai::auth::audit::page(t, None, 50))
            .unwrap()
            .into_iter()
            .map(|r| r.action)
            .collect()
    })
    .await
    .unwrap();
    assert!(actions.iter().any(|x| x == "article_schedule"));
    assert!(actions.iter().any(|x| x == "article_publish_scheduled"));
    // The schedule is gone once published.
    let st = app.state.clone();
    let left = tokio::task::spawn_blocking(move || {
        st.store
            .read_blocking(|t| gongkai::portal::store::scheduled_at(t, id))
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(left, None);
    app.stop().await;
}

/// A new item in `channel` with the 相关信息 and 解读 fields filled in.
async fn new_with_links(c: &Client, channel: u64, related: &str, interprets: &str) -> Resp {
    let ch = channel.to_string();
    c.post_form(
        "/admin/articles/new",
        "/admin/articles/new",
        &[
            ("title", "带关联的稿件"),
            ("source", "街道办"),
            ("body", "正文。"),
            ("channel", &ch),
            ("related", related),
            ("interprets", interprets),
            ("action", "save"),
        ],
    )
    .await
}

#[tokio::test]
async fn links_to_another_units_draft_answer_like_missing_ids() {
    let app = demo_app().await;
    let commerce = staff(&app, "r-commerce", Role::Reporter, "commerce").await;
    let hidden = create_item(
        &commerce,
        channel_id(&app, "commerce", "work"),
        "商务局尚未发布的稿件",
        "save",
    )
    .await;
    let public = publish_new(&app, "gov", "gov-news", "已公开的政策文件", "正文")
        .await
        .id;
    let writer = staff(&app, "r-east", Role::Reporter, "sd-east").await;
    let east = channel_id(&app, "sd-east", "work");
    let own = create_item(&writer, east, "本单位的草稿", "save").await;
    let missing: u64 = 9_999_999;

    // The field errors with the id itself taken out.
    let errors = |r: &Resp, id: u64| -> (u16, Option<String>, Option<String>) {
        let strip = |e: Option<String>| e.map(|e| e.replace(&id.to_string(), "N"));
        (
            r.status,
            strip(crate::auth_flows::field_error(&r.body, "related")),
            strip(crate::auth_flows::field_error(&r.body, "interprets")),
        )
    };
    // Once in 相关信息, once in 解读.
    for in_related in [true, false] {
        let ids = |id: u64| {
            if in_related {
                (id.to_string(), String::new())
            } else {
                (String::new(), id.to_string())
            }
        };
        let (r1, i1) = ids(hidden);
        let not_yours = new_with_links(&writer, east, &r1, &i1).await;
        let (r2, i2) = ids(missing);
        let nowhere = new_with_links(&writer, east, &r2, &i2).await;
        assert_eq!(nowhere.status, 422, "{}", nowhere.body);
        assert_eq!(
            errors(&not_yours, hidden),
            errors(&nowhere, missing),
            "another unit's draft must read like a missing id"
        );
        assert!(!not_yours.body.contains("商务局尚未发布的稿件"));
    }
    assert_eq!(
        stored(&app, hidden).await.interpretations,
        Vec::<u64>::new()
    );

    // Public items and the writer's own are linked as before.
    let r = new_with_links(
        &writer,
        east,
        &format!("{public}, {own}"),
        &public.to_string(),
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let linked = stored(&app, id_from(&r)).await;
    assert_eq!(linked.related, vec![public, own]);
    assert_eq!(linked.interprets, Some(public));
    app.stop().await;
}
