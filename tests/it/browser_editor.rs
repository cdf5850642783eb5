//! The rich-text editor in a real browser (headless Chromium over WebDriver, as in
//! `browser.rs`): a publisher opens a new item, the Jodit editor appears in Chinese
//! under the page's own CSP, a Word fragment with a table is pasted and the form is
//! saved — the stored body keeps the table and loses Word's junk. Then, on the saved
//! item, a picture goes in through the editor's upload tab and is saved with the body.
//!
//! Without `/usr/bin/chromedriver` the test fails when `CI` is set and is skipped otherwise.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use gongkai::auth::model::Role;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
const WAIT: Duration = Duration::from_secs(20);

fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// A chromedriver child in its own process group; dropping it ends the group.
struct Driver {
    child: Child,
    port: u16,
    profile: tempfile::TempDir,
}

impl Driver {
    async fn start() -> Driver {
        use std::os::unix::process::CommandExt;
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
            l.local_addr().unwrap().port()
        };
        let profile = tempfile::tempdir().expect("profile dir");
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .process_group(0)
            .spawn()
            .expect("spawn chromedriver");
        let mut d = Driver {
            child,
            port,
            profile,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = d.child.try_wait().expect("poll chromedriver") {
                panic!("chromedriver exited early: {status}");
            }
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not listen on port {port} within 20 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        d
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let pgid = self.child.id().to_string();
        let signal = |sig: &str| {
            let _ = Command::new("/bin/sh")
                .args([
                    "-c",
                    "kill -s \"$1\" -- \"-$2\" 2>/dev/null",
                    "sh",
                    sig,
                    &pgid,
                ])
                .status();
        };
        signal("TERM");
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        signal("KILL");
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn connect(driver: &Driver) -> Client {
    let mut args: Vec<String> = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--disable-crash-reporter",
        "--lang=zh-CN",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        "--window-size=1280,1000",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.push(format!(
        "--user-data-dir={}",
        driver.profile.path().display()
    ));
    let caps = json!({
        "browserName": "chrome",
        "goog:chromeOptions": { "binary": CHROMIUM, "args": args },
    });
    let Value::Object(caps) = caps else {
        unreachable!()
    };
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let c = ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("WebDriver session with headless Chromium");
    c.update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
        Some(Duration::from_secs(60)),
        Some(Duration::from_secs(30)),
        Some(Duration::from_secs(0)),
    ))
    .await
    .expect("set timeouts");
    c
}

/// Waits (bounded) until `script` returns `true` in the page.
async fn wait_js(c: &Client, script: &str, what: &str) {
    let deadline = Instant::now() + WAIT;
    loop {
        let v = c.execute(script, vec![]).await.expect("run a probe");
        if v == json!(true) {
            return;
        }
        assert!(Instant::now() < deadline, "waited in vain for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until the current path is an item's edit page; returns the item id.
async fn wait_item_page(c: &Client) -> u64 {
    let deadline = Instant::now() + WAIT;
    loop {
        let u = c.current_url().await.expect("current url");
        if let Some(id) = u
            .path()
            .strip_prefix("/admin/articles/")
            .and_then(|s| s.parse::<u64>().ok())
        {
            return id;
        }
        assert!(
            Instant::now() < deadline,
            "expected an item's page after saving, still at {u}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
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

async fn article(app: &TestApp, id: u64) -> gongkai::portal::model::Article {
    app.state
        .store
        .read(move |txn| gongkai::portal::store::get_article(txn, id))
        .await
        .unwrap()
        .expect("article stored")
}

fn shot_dir() -> PathBuf {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&d).expect("screenshot dir");
    d
}

async fn screenshot(c: &Client, name: &str) {
    let png = c.screenshot().await.expect("screenshot");
    std::fs::write(shot_dir().join(format!("{name}.png")), png).expect("write screenshot");
}

const AXE_RUN: &str = r#"
const done = arguments[arguments.length - 1];
window.axe.run({ include: [['.rich-field']] }, {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  resultTypes: ['violations']
}).then(function (r) {
  done(r.violations.map(function (v) {
    return v.id + ': ' + v.help + ' at ' + v.nodes.map(function (n) { return n.target.join(' '); }).join(', ');
  }));
}, function (e) { done(['axe failed: ' + e]); });
"#;

/// axe-core (WCAG 2.0/2.1 A and AA) on the editor's field: its label, toolbar and
/// editing area. axe comes from `$AXE_CORE_JS` or `tests/vendor/axe-core/axe.min.js`;
/// missing, it fails under `CI` and is skipped otherwise.
async fn axe_check(c: &Client) {
    let path = std::env::var_os("AXE_CORE_JS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vendor/axe-core/axe.min.js")
        });
    let src = match std::fs::read_to_string(&path) {
        Ok(s) => s,
        Err(e) => {
            let msg = format!("axe-core not found at {} ({e})", path.display());
            assert!(!in_ci(), "{msg}");
            eprintln!("SKIP axe check of the editor: {msg}");
            return;
        }
    };
    c.execute(&src, vec![]).await.expect("inject axe-core");
    let v = c.execute_async(AXE_RUN, vec![]).await.expect("axe.run");
    assert_eq!(v, json!([]), "axe-core: WCAG A/AA violations in the editor");
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

/// A 1×1 PNG.
const PNG_B64: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publisher_pastes_from_word_and_uploads_a_picture_in_chromium() {
    if !Path::new(CHROMEDRIVER).exists() {
        let msg = format!("{CHROMEDRIVER} not found (apt-get install chromium chromium-driver)");
        assert!(!in_ci(), "{msg}");
        eprintln!("SKIP browser test: {msg}");
        return;
    }
    let app = TestApp::start().await;
    let st = app.state.clone();
    tokio::task::spawn_blocking(move || gongkai::demo::fill(&st.store, &st.cfg))
        .await
        .unwrap()
        .unwrap()
        .expect("demo filled an empty store");
    app.state.portal.reload(&app.state.store).unwrap();
    app.seed_user("t-editor", Role::Publisher, "office").await;
    let driver = Driver::start().await;
    let c = connect(&driver).await;
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
    axe_check(&c).await;
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
    let saved = article(&app, id).await;
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
    std::fs::write(
        &png_path,
        data_encoding::BASE64.decode(PNG_B64.as_bytes()).unwrap(),
    )
    .unwrap();
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
        .at_most(WAIT)
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
    let uploaded = article(&app, id).await;
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
    let deadline = Instant::now() + WAIT;
    let final_body = loop {
        let a = article(&app, id).await;
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
