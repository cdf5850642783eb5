//! The rich-text editor in a real browser (headless Chromium over WebDriver, as in
//! `browser.rs`): a publisher opens a new item, the Jodit editor appears in Chinese
//! under the page's own CSP, a Word fragment with a table is pasted and the form is
//! saved — the stored body keeps the table and loses Word's junk. Then, on the saved
//! item, a picture goes in through the editor's upload tab and is saved with the body.
//!
//! Without `/usr/bin/chromedriver` (or axe-core) the test fails, as in `browser.rs`.

use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use gongkai::auth::model::Role;
use serde_json::json;

use crate::browser::{
    Driver, axe_check_within, axe_source, connect, require_chromedriver, screenshot, wait_item_page,
};
use crate::helpers::{PASSWORD, demo_filled, png, stored};

/// The bound on this test's own waits (the editor's start, the paste, the upload tab,
/// the uploaded picture, the second save): the 20 s it has always allowed, longer than
/// `browser::WAIT` (15 s, which the shared `wait_item_page` uses).
const EDITOR_WAIT: Duration = Duration::from_secs(20);

/// Waits (bounded) until `script` returns `true` in the page.
async fn wait_js(c: &Client, script: &str, what: &str) {
    crate::browser::wait_js_within(c, script, what, EDITOR_WAIT).await;
}

async fn wait_editor(c: &Client) {
    wait_js(
        c,
        "return !!document.querySelector('textarea[data-rich][data-rich-ready]') \
         && !!document.querySelector('.jodit-container .jodit-wysiwyg');",
        "the rich-text editor",
    )
    .await;
}

/// What Chromium puts on the clipboard when a heading, paragraphs, a list item and a
/// table are copied from Word.
const WORD_PASTE: &str = r#"<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word" xmlns="http://www.w3.org/TR/REC-html40"><head><meta name=ProgId content=Word.Document><meta name=Generator content="Microsoft Word 15"><style><!-- p.MsoNormal {mso-style-unhide:no; margin:0cm; font-size:10.5pt; font-family:等线;} --></style></head>
<body lang=ZH-CN style='tab-interval:21.0pt'><!--StartFragment-->
<h1 align=center style='text-align:center'><span style='font-family:黑体'>关于开展冬季安全检查的通知<o:p></o:p></span></h1>
<p class=MsoNormal style='text-indent:32.0pt'><span style='font-size:16.0pt;font-family:仿宋_GB2312;mso-hansi-font-family:"Times New Roman"'>各街道办事处：现将<b>检查安排</b>通知如下。<span lang=EN-US><o:p></o:p></span></span></p>
<p class=MsoNormal><span lang=EN-US><o:p>&nbsp;</o:p></span></p>
<p class=MsoListParagraph style='margin-left:18.0pt;text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span lang=EN-US style='mso-list:Ignore'>1.<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp; </span></span><![endif]><span style='font-family:仿宋_GB2312'>压实责任</span></p>
<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0 style='border-collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt'>
 <tr style='mso-yfti-irow:0'><td width=184 valign=top style='width:138.25pt;border:solid windowtext 1.0pt'><p class=MsoNormal><b><span style='font-family:仿宋_GB2312'>检查单位</span></b></p></td>
  <td width=369 colspan=2 style='border:solid windowtext 1.0pt'><p class=MsoNormal align=center style='text-align:center'><b><span>检查内容</span></b></p></td></tr>
 <tr><td><p class=MsoNormal><span>区应急管理局</span></p></td><td><p class=MsoNormal>1</p></td><td><p class=MsoNormal><font color=red>消防通道</font><o:p></o:p></p></td></tr>
</table>
<!--EndFragment--></body></html>"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publisher_pastes_from_word_and_uploads_a_picture_in_chromium() {
    require_chromedriver();
    let axe = axe_source();
    let app = demo_filled().await;
    app.seed_user("t-editor", Role::Publisher, "office").await;
    let driver = Driver::start().await;
    let c = connect(&driver).await;
    // A taller window than browser.rs's desktop size, for the screenshots of the editor.
    c.set_window_size(1280, 1000).await.expect("resize");
    let base = &app.base;

    // Log in.
    c.goto(&format!("{base}/login")).await.unwrap();
    c.find(Locator::Css("input[name='username']"))
        .await
        .unwrap()
        .send_keys("t-editor")
        .await
        .unwrap();
    c.find(Locator::Css("input[name='password']"))
        .await
        .unwrap()
        .send_keys(PASSWORD)
        .await
        .unwrap();
    c.find(Locator::Css("main form button[type='submit']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_js(
        &c,
        "return location.pathname.indexOf('/admin') === 0;",
        "the workbench after login",
    )
    .await;

    // A new item: the editor replaces the body box, in Chinese.
    c.goto(&format!("{base}/admin/articles/new")).await.unwrap();
    wait_editor(&c).await;
    let labels = c
        .execute(
            "return Array.from(document.querySelectorAll('.jodit-toolbar-button')).map(function (b) { return b.getAttribute('aria-label'); });",
            vec![],
        )
        .await
        .unwrap();
    for want in ["粗体", "表格", "插入图片", "撤销"] {
        assert!(
            labels.as_array().unwrap().iter().any(|l| l == want),
            "toolbar has {want}: {labels}"
        );
    }
    // axe-core on the editor's field only: its label, toolbar and editing area.
    axe_check_within(&c, &axe, "the rich-text editor", ".rich-field").await;
    // The page lets the editor style itself, and nothing else.
    let csp = c
        .execute_async(
            "var done = arguments[0]; fetch(location.href, {credentials: 'same-origin'}).then(function (r) { done(r.headers.get('content-security-policy')); });",
            vec![],
        )
        .await
        .unwrap();
    let csp = csp.as_str().unwrap_or_default().to_owned();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-eval"), "{csp}");
    assert!(
        csp.split(';')
            .any(|d| d.trim().starts_with("script-src") && !d.contains("unsafe")),
        "scripts stay 'self' only: {csp}"
    );
    // Without a saved item there is nowhere to upload to: pictures by address only.
    c.find(Locator::Css(".jodit-toolbar-button_image button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_js(
        &c,
        "return !!document.querySelector('.jodit-popup input[name=url]');",
        "the picture popup",
    )
    .await;
    let upload_tab = c
        .execute(
            "return !!document.querySelector('.jodit-popup input[type=file]');",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(upload_tab, json!(false), "no upload tab on a new item");
    c.execute(
        "document.querySelector('#f-body').gongkaiEditor.e.fire('closeAllPopups');",
        vec![],
    )
    .await
    .unwrap();

    // Title, channel; then the Word fragment is pasted into the editor.
    c.find(Locator::Css("input[name='title']"))
        .await
        .unwrap()
        .send_keys("冬季安全检查")
        .await
        .unwrap();
    c.execute(
        "var s = document.querySelector('select[name=channel]'); \
         var o = Array.prototype.find.call(s.options, function (o) { return o.value; }); \
         s.value = o.value; s.dispatchEvent(new Event('change', {bubbles: true}));",
        vec![],
    )
    .await
    .unwrap();
    c.find(Locator::Css(".jodit-wysiwyg"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.execute(
        "var dt = new DataTransfer(); dt.setData('text/html', arguments[0]); \
         dt.setData('text/plain', '关于开展冬季安全检查的通知'); \
         var e = document.querySelector('#f-body').gongkaiEditor; e.s.focus(); \
         e.editor.dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt, bubbles: true, cancelable: true}));",
        vec![json!(WORD_PASTE)],
    )
    .await
    .unwrap();
    wait_js(
        &c,
        "return !!document.querySelector('.jodit-wysiwyg table td[colspan]');",
        "the pasted table in the editor",
    )
    .await;
    let shown = c
        .execute(
            "return document.querySelector('#f-body').gongkaiEditor.value;",
            vec![],
        )
        .await
        .unwrap();
    let shown = shown.as_str().unwrap().to_owned();
    for junk in ["mso", "Mso", "o:p", "<font", "<span", "仿宋", "<h1"] {
        assert!(
            !shown.contains(junk),
            "{junk} pasted into the editor: {shown}"
        );
    }
    assert!(shown.contains("<ol><li>压实责任</li></ol>"), "{shown}");
    let y = c
        .execute(
            "var r = document.querySelector('.jodit-container').getBoundingClientRect(); window.scrollTo(0, r.top + window.scrollY - 80); return true;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(y, json!(true));
    screenshot(&c, "editor-word-paste").await;

    c.find(Locator::Css("form button[name='action'][value='save']"))
        .await
        .expect("the save button")
        .click()
        .await
        .unwrap();
    let id = wait_item_page(&c).await;
    let saved = stored(&app, id).await;
    let body = &saved.body_html;
    for want in [
        "<h2 class=\"align-center\">关于开展冬季安全检查的通知</h2>",
        "<strong>检查安排</strong>",
        "<ol><li>压实责任</li></ol>",
        "<table>",
        "<td colspan=\"2\"",
        "检查内容",
        "区应急管理局",
        "消防通道",
    ] {
        assert!(body.contains(want), "stored body lacks {want}: {body}");
    }
    for junk in [
        "mso", "Mso", "o:p", "<font", "<span", "style=", "仿宋", "等线", "<h1",
    ] {
        assert!(!body.contains(junk), "{junk} stored: {body}");
    }

    // The saved item: the editor shows the stored body, and now uploads pictures.
    wait_editor(&c).await;
    let upload = c
        .execute(
            "return document.querySelector('textarea[data-rich]').getAttribute('data-upload');",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(upload, json!(format!("/admin/articles/{id}/images")));
    wait_js(
        &c,
        "var p = document.querySelector('.jodit-wysiwyg h2'); \
         return !!p && p.style.textAlign === 'center' && getComputedStyle(p).textAlign === 'center';",
        "the stored alignment back in the editor",
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let png_path = dir.path().join("现场照片.png");
    std::fs::write(&png_path, png()).unwrap();
    c.execute(
        "var e = document.querySelector('#f-body').gongkaiEditor; \
         e.s.setCursorIn(e.editor.querySelector('p') || e.editor); return true;",
        vec![],
    )
    .await
    .unwrap();
    c.find(Locator::Css(".jodit-toolbar-button_image button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let file_input = c
        .wait()
        .at_most(EDITOR_WAIT)
        .for_element(Locator::Css(".jodit-popup input[type='file']"))
        .await
        .expect("the upload tab on a saved item");
    file_input
        .send_keys(&png_path.display().to_string())
        .await
        .unwrap();
    wait_js(
        &c,
        "return !!document.querySelector('.jodit-wysiwyg img[src^=\"/files/\"]');",
        "the uploaded picture in the editor",
    )
    .await;
    c.execute(
        "var r = document.querySelector('.jodit-container').getBoundingClientRect(); window.scrollTo(0, r.top + window.scrollY - 80); return true;",
        vec![],
    )
    .await
    .unwrap();
    screenshot(&c, "editor-picture").await;
    let uploaded = stored(&app, id).await;
    assert_eq!(
        uploaded.images.len(),
        1,
        "the picture is listed on the item"
    );
    assert_eq!(uploaded.images[0].name, "现场照片.png");
    let rev = c
        .execute(
            "return Array.from(document.querySelectorAll('input[name=revision]')).map(function (i) { return i.value; });",
            vec![],
        )
        .await
        .unwrap();
    let now = uploaded.revision.to_string();
    assert!(
        rev.as_array()
            .is_some_and(|v| !v.is_empty() && v.iter().all(|r| r == &json!(now))),
        "the page's forms follow the upload's revision ({now}), so saving does not conflict: {rev}"
    );
    c.find(Locator::Css("form button[name='action'][value='save']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let deadline = Instant::now() + EDITOR_WAIT;
    let final_body = loop {
        let a = stored(&app, id).await;
        if a.revision > uploaded.revision {
            break a.body_html;
        }
        assert!(Instant::now() < deadline, "the second save never arrived");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let sha = &uploaded.images[0].sha;
    assert!(
        final_body.contains(&format!("<img src=\"/files/{sha}/")),
        "the picture is in the saved body: {final_body}"
    );
    assert!(final_body.contains("<table>"), "{final_body}");

    c.close().await.ok();
    drop(driver);
    app.stop().await;
}
