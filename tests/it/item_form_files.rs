//! Files go with the item form (issue 11): one save carries the edits and the chosen files,
//! so an upload never throws away unsaved edits; a refused file comes back as an error
//! next to the file fields with the form as typed; files are typed by content, so a
//! program renamed `.pdf` is refused; and a session that ended keeps the text of a form
//! that carried files.

use gongkai::auth::model::Role;

use crate::helpers::{
    Client, PASSWORD, Part, TestApp, channel_id, demo_filled, multipart, staff, stored,
};

async fn app() -> TestApp {
    let app = demo_filled().await;
    app.clock.advance(time::Duration::days(2));
    app
}

/// A draft in commerce's 工作动态; its id.
async fn draft(app: &TestApp, c: &Client) -> u64 {
    let ch = channel_id(app, "commerce", "work").to_string();
    let r = c
        .post_form(
            "/admin/articles/new",
            "/admin/articles/new",
            &[
                ("title", "带附件的信息"),
                ("source", "区商务局"),
                ("body", "原文。"),
                ("channel", &ch),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    crate::helpers::item_id(&r)
}

/// The item form as the browser sends it with files chosen: the token first, then the
/// text fields, then the files.
async fn save_with_files(
    c: &Client,
    app: &TestApp,
    id: u64,
    title: &str,
    files: &[(&str, &str, &[u8])],
) -> crate::helpers::Resp {
    let page = c.get(&format!("/admin/articles/{id}")).await;
    let token = page.csrf();
    let rev = stored(app, id).await.revision.to_string();
    let ch = channel_id(app, "commerce", "work").to_string();
    let mut parts: Vec<Part<'_>> = vec![
        ("csrf", None, token.as_bytes()),
        ("revision", None, rev.as_bytes()),
        ("title", None, title.as_bytes()),
        ("source", None, "区商务局".as_bytes()),
        ("body", None, "改过的正文。".as_bytes()),
        ("channel", None, ch.as_bytes()),
        ("action", None, b"save"),
    ];
    for (field, name, data) in files {
        parts.push((field, Some(name), data));
    }
    c.post_multipart(
        &format!("/admin/articles/{id}"),
        multipart("application/octet-stream", &parts),
        &[],
    )
    .await
}

#[tokio::test]
async fn one_save_carries_the_edits_and_the_files() {
    let app = app().await;
    let c = staff(&app, "f-writer", Role::Reporter, "commerce").await;
    let id = draft(&app, &c).await;
    let page = c.get(&format!("/admin/articles/{id}")).await;
    // The file fields are in the item form itself, with the allowed types said.
    let form_start = page
        .body
        .find("class=\"card article-form\"")
        .expect("item form");
    let form = &page.body[form_start..];
    let form = &form[..form.find("</form>").unwrap()];
    assert!(
        form.contains("name=\"attachments\""),
        "files inside the form"
    );
    assert!(form.contains("允许的类型：pdf、doc、docx"));
    assert!(page.body.contains("enctype=\"multipart/form-data\""));

    let r = save_with_files(
        &c,
        &app,
        id,
        "改过的标题",
        &[("attachments", "通知.pdf", b"%PDF-1.7 a notice")],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let a = stored(&app, id).await;
    assert_eq!(a.title, "改过的标题");
    assert_eq!(a.attachments.len(), 1);
    assert_eq!(a.attachments[0].name, "通知.pdf");
}

#[tokio::test]
async fn a_refused_file_keeps_the_typed_form_and_says_why_next_to_the_file_fields() {
    let app = app().await;
    let c = staff(&app, "f-writer2", Role::Reporter, "commerce").await;
    let id = draft(&app, &c).await;
    let before = stored(&app, id).await;
    // A Windows program renamed to look like a PDF.
    let r = save_with_files(
        &c,
        &app,
        id,
        "没保存的新标题",
        &[("attachments", "年度报告.pdf", b"MZ\x90\x00\x03\x00\x00\x00")],
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body
            .contains("“年度报告.pdf”实际是可执行程序，不允许上传"),
        "{}",
        r.body
    );
    // Next to the file fields, which are marked invalid (the page moves focus there).
    let err = r
        .body
        .find("id=\"f-files-err\"")
        .expect("error by the fields");
    let fields = r.body.find("id=\"f-attachments\"").unwrap();
    assert!(err < fields);
    assert!(r.body.contains("aria-invalid=\"true\""));
    // The edits typed above are still in the form; nothing was saved.
    assert!(r.body.contains("value=\"没保存的新标题\""), "edits kept");
    assert_eq!(stored(&app, id).await, before);

    // Other lies of a name: a zip named .doc is fine (Word files may be either), a PDF
    // named .docx is not, text with NUL bytes is no .txt.
    let r = save_with_files(
        &c,
        &app,
        id,
        "标题",
        &[("attachments", "说明.docx", b"%PDF-1.4 x")],
    )
    .await;
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("的内容是PDF 文档，与扩展名 .docx 不符"),
        "{}",
        r.body
    );
    let r = save_with_files(
        &c,
        &app,
        id,
        "标题",
        &[("attachments", "数据.txt", b"ab\x00cd")],
    )
    .await;
    assert_eq!(r.status, 422);
    let r = save_with_files(
        &c,
        &app,
        id,
        "标题",
        &[("attachments", "旧版.doc", b"PK\x03\x04 zipped word")],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
}

#[tokio::test]
async fn a_form_with_files_whose_session_ended_keeps_its_text() {
    let app = app().await;
    let c = staff(&app, "f-writer3", Role::Reporter, "commerce").await;
    let id = draft(&app, &c).await;
    let page = c.get(&format!("/admin/articles/{id}")).await;
    let token = page.csrf();
    app.clock.advance(time::Duration::minutes(45));
    let parts: Vec<Part<'_>> = vec![
        ("csrf", None, token.as_bytes()),
        ("title", None, "过期前写的标题".as_bytes()),
        ("attachments", Some("a.pdf"), b"%PDF-1.4"),
    ];
    let r = c
        .post_multipart(
            &format!("/admin/articles/{id}"),
            multipart("application/pdf", &parts),
            &[],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let to = format!("/login?kept=1&next=%2Fadmin%2Farticles%2F{id}");
    assert_eq!(r.location(), Some(to.as_str()));
    let r = app.sign_in(&c, "f-writer3", PASSWORD).await;
    assert_eq!(r.status, 303);
    let back = c.get(&format!("/admin/articles/{id}")).await;
    assert!(
        back.body.contains("value=\"过期前写的标题\""),
        "{}",
        back.body
    );
    // The file itself was not kept: it is chosen again.
    assert!(stored(&app, id).await.attachments.is_empty());
}
