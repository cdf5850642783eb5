//! The browser test: headless Chromium (Debian's `chromium` + `chromium-driver`) driven over
//! WebDriver. First-run setup through the printed link, then login to the staff workbench;
//! axe-core (WCAG 2.0/2.1 A and AA) on the key pages; screenshots at a desktop and a phone
//! width into `target/screenshots/` for a human to look at.
//!
//! Without `/usr/bin/chromedriver` and `/usr/bin/chromium` the browser tests fail, saying
//! how to install them; they never pass untested. axe-core is read from `$AXE_CORE_JS`, or
//! the vendored `tests/vendor/axe-core/axe.min.js` (what `.ci/run` points at); if it cannot
//! be read the tests fail too, so no accessibility check is ever skipped silently.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use crate::helpers::TestApp;

pub(crate) const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
pub(crate) const WAIT: Duration = Duration::from_secs(15);
const DESKTOP: (u32, u32) = (1280, 900);
const PHONE: (u32, u32) = (390, 844);
const ADMIN_PASSWORD: &str = "Browser-Setup-2026";

/// Fails the calling test, saying how to install them, when Chromium or chromedriver is
/// missing: a browser test that returned early would pass without testing anything.
pub(crate) fn require_chromedriver() {
    for tool in [CHROMEDRIVER, CHROMIUM] {
        assert!(
            Path::new(tool).exists(),
            "{tool} not found: the browser tests need Chromium and its WebDriver \
             (apt-get install chromium chromium-driver)"
        );
    }
}

/// A chromedriver child in its own process group; dropping it ends the group (chromedriver
/// and any browser it started), also when the test panics.
pub(crate) struct Driver {
    child: Child,
    port: u16,
    _profile: tempfile::TempDir,
}

impl Driver {
    /// Starts chromedriver on a free port and waits until it answers its own `/status`. The
    /// port is found by binding and releasing it, so another test's server may take it first;
    /// then chromedriver exits (it cannot bind) and is started again on another port.
    pub(crate) async fn start() -> Driver {
        for _ in 0..5 {
            if let Some(d) = Driver::try_start().await {
                return d;
            }
        }
        panic!("chromedriver could not be started on a free port");
    }

    async fn try_start() -> Option<Driver> {
        use std::os::unix::process::CommandExt;
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
            l.local_addr().unwrap().port()
        };
        let profile = tempfile::tempdir().expect("profile dir");
        let child = Command::new(CHROMEDRIVER)
            // scripts/test-at-dates.sh fakes the date with libfaketime through LD_PRELOAD;
            // Chromium's renderer hangs under it. The browser is a tool here, not the code
            // under test: it keeps the real clock, the server keeps the faked one.
            .env_remove("LD_PRELOAD")
            .env_remove("FAKETIME")
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
            _profile: profile,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if d.child.try_wait().expect("poll chromedriver").is_some() {
                // Most likely the port was taken in between: try another.
                return None;
            }
            if is_chromedriver(port).await {
                return Some(d);
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not answer on port {port} within 20 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn profile(&self) -> &Path {
        self._profile.path()
    }
}

/// Whether chromedriver (and not some other server that took the port) answers on `port`.
async fn is_chromedriver(port: u16) -> bool {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let Ok(mut s) = tokio::net::TcpStream::connect(("127.0.0.1", port)).await else {
        return false;
    };
    if s.write_all(b"GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .await
        .is_err()
    {
        return false;
    }
    // Read until the answer says it is ready (chromedriver may keep the connection open).
    let mut buf = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        let mut chunk = [0u8; 4096];
        match tokio::time::timeout(Duration::from_millis(500), s.read(&mut chunk)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => buf.extend_from_slice(&chunk[..n]),
            Err(_) => {}
        }
        if String::from_utf8_lossy(&buf).contains("\"ready\"") {
            return true;
        }
    }
    false
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The child leads its own process group: signal the whole group by its id, with the
        // shell's builtin `kill` (present even where procps is not installed).
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

pub(crate) async fn connect(driver: &Driver) -> Client {
    let args = [
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
    ];
    let mut args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    args.push(format!("--user-data-dir={}", driver.profile().display()));
    args.push(format!("--window-size={},{}", DESKTOP.0, DESKTOP.1));
    let caps = json!({
        "browserName": "chrome",
        "goog:chromeOptions": { "binary": CHROMIUM, "args": args },
    });
    let caps = match caps {
        Value::Object(m) => m,
        _ => unreachable!(),
    };
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let c = ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&driver.url())
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

/// The axe-core script. Fails the calling test when it cannot be read: without it every
/// accessibility check would do nothing.
pub(crate) fn axe_source() -> String {
    let path = std::env::var_os("AXE_CORE_JS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vendor/axe-core/axe.min.js")
        });
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "axe-core not found at {} ({e}): set AXE_CORE_JS to axe.min.js (the vendored \
             copy is tests/vendor/axe-core/axe.min.js)",
            path.display()
        )
    })
}

/// Runs axe on `arguments[0]` (an axe context such as `{include: [[css]]}`), or on the
/// whole document when that is null.
const AXE_RUN: &str = r#"
const done = arguments[arguments.length - 1];
window.axe.run(arguments[0] || document, {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  resultTypes: ['violations']
}).then(function (r) {
  done({
    passes: r.passes.length,
    incomplete: r.incomplete.length,
    violations: r.violations.map(function (v) {
      return {
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(function (n) {
          return { target: n.target.join(' '), html: n.html, summary: n.failureSummary };
        })
      };
    })
  });
}, function (e) { done({ error: String(e) }); });
"#;

/// Injects axe-core into the current page and runs the WCAG 2.0/2.1 A and AA rules on
/// `context` (`Value::Null`: the whole page).
async fn axe_run(c: &Client, src: &str, page: &str, context: Value) -> (Value, Vec<Value>) {
    // WebDriver script execution is not subject to the page's CSP (script-src 'self').
    c.execute(src, vec![]).await.expect("inject axe-core");
    let ty = c
        .execute(
            "return typeof window.axe === 'object' && typeof window.axe.run;",
            vec![],
        )
        .await
        .expect("probe axe");
    assert_eq!(ty, json!("function"), "axe-core did not load on {page}");
    let r = c
        .execute_async(AXE_RUN, vec![context])
        .await
        .expect("axe.run");
    if let Some(e) = r.get("error") {
        panic!("axe.run failed on {page}: {e}");
    }
    let violations = r["violations"].as_array().cloned().unwrap_or_default();
    (r, violations)
}

/// Asserts no WCAG A/AA violations on the current page, listing them readably otherwise;
/// `axe` is the script from [`axe_source`].
pub(crate) async fn axe_check(c: &Client, axe: &str, page: &str) {
    axe_check_context(c, axe, page, Value::Null).await;
}

/// [`axe_check`] on the elements matching `css` only.
pub(crate) async fn axe_check_within(c: &Client, axe: &str, page: &str, css: &str) {
    axe_check_context(c, axe, page, json!({ "include": [[css]] })).await;
}

async fn axe_check_context(c: &Client, axe: &str, page: &str, context: Value) {
    let (r, violations) = axe_run(c, axe, page, context).await;
    eprintln!(
        "axe {page}: {} violations, {} rules passed, {} need review",
        violations.len(),
        r["passes"],
        r["incomplete"]
    );
    if !violations.is_empty() {
        let mut out = format!("axe-core found WCAG A/AA violations on {page}:\n");
        for v in &violations {
            out += &format!(
                "- [{}] {}: {}\n",
                v["impact"].as_str().unwrap_or("?"),
                v["id"].as_str().unwrap_or("?"),
                v["help"].as_str().unwrap_or("")
            );
            for n in v["nodes"].as_array().into_iter().flatten() {
                out += &format!(
                    "    at {}\n      {}\n      {}\n",
                    n["target"].as_str().unwrap_or(""),
                    n["html"].as_str().unwrap_or(""),
                    n["summary"]
                        .as_str()
                        .unwrap_or("")
                        .replace('\n', "\n      ")
                );
            }
        }
        panic!("{out}");
    }
}

fn shot_dir() -> PathBuf {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&d).expect("screenshot dir");
    d
}

/// Screenshots the current page with a desktop and a phone viewport, each grown to the
/// whole page height, then returns to the desktop size.
pub(crate) async fn screenshots(c: &Client, name: &str) {
    for (label, (w, h)) in [("desktop", DESKTOP), ("phone", PHONE)] {
        c.set_window_size(w, h).await.expect("resize");
        // The window includes some browser frame even when headless: size the viewport.
        let dims = c
            .execute(
                "return [window.outerHeight - window.innerHeight,
                         Math.ceil(document.documentElement.scrollHeight)];",
                vec![],
            )
            .await
            .expect("measure the page");
        let n = |i: usize| {
            dims[i]
                .as_u64()
                .and_then(|v| u32::try_from(v).ok())
                .unwrap_or(0)
        };
        let (frame, page_h) = (n(0), n(1).clamp(h, 4000));
        c.set_window_size(w, page_h + frame)
            .await
            .expect("resize to page height");
        screenshot(c, &format!("{name}-{label}")).await;
    }
    c.set_window_size(DESKTOP.0, DESKTOP.1)
        .await
        .expect("resize back");
}

/// Screenshots the window as it is into `target/screenshots/{name}.png`.
pub(crate) async fn screenshot(c: &Client, name: &str) {
    let png = c.screenshot().await.expect("screenshot");
    let path = shot_dir().join(format!("{name}.png"));
    std::fs::write(&path, png).expect("write screenshot");
}

/// The input whose `<label>` reads exactly `label` (the required-field star ignored).
pub(crate) async fn input_by_label(c: &Client, label: &str) -> fantoccini::elements::Element {
    let xpath = format!("//label[normalize-space(translate(., '*', ''))='{label}']");
    let l = c
        .wait()
        .at_most(WAIT)
        .for_element(Locator::XPath(&xpath))
        .await
        .unwrap_or_else(|e| panic!("no label {label}: {e}"));
    let id = l
        .attr("for")
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("label {label} has no for="));
    c.find(Locator::Id(&id))
        .await
        .unwrap_or_else(|e| panic!("label {label} points at missing #{id}: {e}"))
}

pub(crate) async fn fill(c: &Client, label: &str, name: &str, value: &str) {
    let input = input_by_label(c, label).await;
    assert_eq!(
        input.attr("name").await.unwrap().as_deref(),
        Some(name),
        "field labelled {label}"
    );
    input.clear().await.unwrap();
    input.send_keys(value).await.unwrap();
}

/// Clicks the link whose text is `name`.
pub(crate) async fn click_link(c: &Client, name: &str) {
    let xpath = format!("//a[normalize-space(.)='{name}']");
    c.find(Locator::XPath(&xpath))
        .await
        .unwrap_or_else(|e| panic!("no link {name}: {e}"))
        .click()
        .await
        .unwrap();
}

/// axe-core on the page as it is, then nothing scrolls sideways at 360 px.
pub(crate) async fn check_page(c: &Client, axe: &str, page: &str) {
    axe_check(c, axe, page).await;
    c.set_window_size(360, 800).await.unwrap();
    no_sideways_scroll(c, page).await;
    c.set_window_size(1280, 900).await.unwrap();
}

pub(crate) async fn click_button(c: &Client, text: &str) {
    let xpath = format!("//button[normalize-space(.)='{text}']");
    c.find(Locator::XPath(&xpath))
        .await
        .unwrap_or_else(|e| panic!("no button {text}: {e}"))
        .click()
        .await
        .unwrap();
}

/// Waits (bounded) until the current URL's path is `path`; returns the query string.
pub(crate) async fn wait_path(c: &Client, path: &str) -> Option<String> {
    let deadline = Instant::now() + WAIT;
    loop {
        let u = c.current_url().await.expect("current url");
        if u.path() == path {
            return u.query().map(str::to_owned);
        }
        assert!(
            Instant::now() < deadline,
            "expected to arrive at {path}, still at {u}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits (bounded) until the browser is on an item's page; returns the item's id.
pub(crate) async fn wait_item_page(c: &Client) -> u64 {
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
            "expected an item's page, still at {u}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub(crate) async fn text_of(c: &Client, css: &str) -> String {
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .text()
        .await
        .unwrap()
}

async fn body_font_px(c: &Client) -> f64 {
    c.execute(
        "return parseFloat(getComputedStyle(document.querySelector('main')).fontSize);",
        vec![],
    )
    .await
    .unwrap()
    .as_f64()
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_run_setup_then_login_in_chromium() {
    require_chromedriver();
    let axe = axe_source();
    let axe = axe.as_str();
    let app = TestApp::start().await;
    let token = app
        .setup_token
        .clone()
        .expect("empty data folder prints a setup link");
    let driver = Driver::start().await;
    let c = connect(&driver).await;
    let base = &app.base;

    // Public home page.
    c.goto(&format!("{base}/")).await.unwrap();
    assert!(text_of(&c, "h1").await.contains("人民政府"));
    // The page CSP (no inline script) is in force: an inline script planted in the page
    // does not run, while WebDriver's own script execution (used to inject axe) does.
    let inline_ran = c
        .execute(
            "var s = document.createElement('script'); s.textContent = 'window.__inline = 1;';
             document.head.appendChild(s); return window.__inline === 1;",
            vec![],
        )
        .await
        .expect("WebDriver script execution works under the CSP");
    assert_eq!(inline_ran, json!(false), "CSP let an inline script run");
    axe_check(&c, axe, "/ (home)").await;
    screenshots(&c, "home").await;

    // Elder mode is a cookie switch; the same page must come out visibly larger.
    let normal_px = body_font_px(&c).await;
    c.goto(&format!("{base}/care?on=1")).await.unwrap();
    wait_path(&c, "/").await;
    let care_px = body_font_px(&c).await;
    assert!(
        care_px >= normal_px * 1.2,
        "长者模式 text is not visibly larger: {care_px}px vs {normal_px}px"
    );
    text_of(&c, "a.care-toggle").await;
    axe_check(&c, axe, "/ (长者模式)").await;
    screenshots(&c, "home-care").await;
    c.goto(&format!("{base}/login")).await.unwrap();
    axe_check(&c, axe, "/login (长者模式)").await;
    screenshots(&c, "login-care").await;
    c.goto(&format!("{base}/care?on=0")).await.unwrap();
    wait_path(&c, "/").await;
    assert!((body_font_px(&c).await - normal_px).abs() < 0.5);

    // Login page before any account exists.
    c.goto(&format!("{base}/login")).await.unwrap();
    input_by_label(&c, "用户名").await;
    input_by_label(&c, "密码").await;
    axe_check(&c, axe, "/login").await;
    screenshots(&c, "login").await;

    // First-run setup through the one-time link.
    c.goto(&format!("{base}/setup?token={token}"))
        .await
        .unwrap();
    assert_eq!(text_of(&c, "h1").await, "系统初始化");
    axe_check(&c, axe, "/setup").await;
    screenshots(&c, "setup").await;

    // A mismatched confirmation re-renders with the message next to the field.
    fill(&c, "用户名", "username", "chief").await;
    fill(&c, "姓名", "display_name", "王主任").await;
    fill(&c, "密码", "password", ADMIN_PASSWORD).await;
    fill(&c, "确认密码", "password2", "Something-Else-99").await;
    click_button(&c, "创建系统管理员").await;
    let err = text_of(&c, "#f-password2-err").await;
    assert!(err.contains("不一致"), "{err}");
    let kept = input_by_label(&c, "用户名")
        .await
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("chief"), "input kept after an error");
    axe_check(&c, axe, "/setup (with errors)").await;
    screenshots(&c, "setup-errors").await;

    fill(&c, "用户名", "username", "chief").await;
    fill(&c, "姓名", "display_name", "王主任").await;
    fill(&c, "密码", "password", ADMIN_PASSWORD).await;
    fill(&c, "确认密码", "password2", ADMIN_PASSWORD).await;
    click_button(&c, "创建系统管理员").await;
    let query = wait_path(&c, "/login").await;
    assert_eq!(query.as_deref(), Some("setup=done"));
    assert!(text_of(&c, ".notice.ok").await.contains("系统管理员已创建"));

    // The link is single use.
    c.goto(&format!("{base}/setup?token={token}"))
        .await
        .unwrap();
    assert!(text_of(&c, "main").await.contains("无效或已被使用"));

    // Login with 用户名 / 密码 / 登录. A system administrator must enrol two-factor login
    // before anything else, so the first login leads to the enrolment page.
    c.goto(&format!("{base}/login")).await.unwrap();
    fill(&c, "用户名", "username", "chief").await;
    fill(&c, "密码", "password", ADMIN_PASSWORD).await;
    click_button(&c, "登录").await;
    wait_path(&c, "/account/totp").await;
    assert!(
        text_of(&c, "main .notice")
            .await
            .contains("必须启用两步验证")
    );
    axe_check(&c, axe, "/account/totp (first login)").await;
    screenshots(&c, "totp-enrol").await;
    let secret: String = text_of(&c, "#totp-secret")
        .await
        .chars()
        .filter(|ch| !ch.is_whitespace())
        .collect();
    let code = {
        use gongkai::clock::Clock;
        let step = gongkai::auth::totp::step_at(app.clock.now().unix_timestamp());
        gongkai::auth::totp::code(&secret, step).unwrap()
    };
    fill(&c, "动态验证码", "code", &code).await;
    click_button(&c, "启用两步验证").await;
    wait_path(&c, "/account").await;
    c.goto(&format!("{base}/admin")).await.unwrap();
    wait_path(&c, "/admin").await;
    assert_eq!(text_of(&c, "main h1").await, "工作台");
    assert!(text_of(&c, "main").await.contains("您好，王主任"));
    axe_check(&c, axe, "/admin (工作台)").await;
    screenshots(&c, "admin").await;

    // 账号审批 (三员分立) and the one-time password page, here with a dead link.
    c.goto(&format!("{base}/admin/requests")).await.unwrap();
    wait_path(&c, "/admin/requests").await;
    assert_eq!(text_of(&c, "main h1").await, "账号审批");
    axe_check(&c, axe, "/admin/requests").await;
    c.goto(&format!("{base}/set-password?token=no-such-link"))
        .await
        .unwrap();
    wait_path(&c, "/set-password").await;
    axe_check(&c, axe, "/set-password (dead link)").await;
    screenshots(&c, "set-password-dead").await;

    // An unknown path: a 404 page in the site's style with a link home.
    c.goto(&format!("{base}/no/such/page")).await.unwrap();
    assert_eq!(text_of(&c, "h1").await, "页面不存在");
    c.find(Locator::XPath("//main//a[@href='/']"))
        .await
        .expect("404 page links home");
    axe_check(&c, axe, "404").await;
    screenshots(&c, "not-found").await;

    // Canary: the checker must catch a planted fault (an input without a label).
    c.execute(
        "document.querySelector('main').insertAdjacentHTML('beforeend', '<input type=text>');",
        vec![],
    )
    .await
    .unwrap();
    let (_, v) = axe_run(&c, axe, "404 + planted fault", Value::Null).await;
    assert!(
        v.iter().any(|v| v["id"] == "label"),
        "axe missed an unlabelled input: {v:?}"
    );

    c.close().await.expect("end the WebDriver session");
    drop(driver);
    app.stop().await;
}

/// The demo portal in a real browser: home, a channel, an article and a search result,
/// each checked for its visible content and with axe-core; at 360 px wide no page may
/// scroll sideways.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_portal_in_chromium() {
    require_chromedriver();
    let axe = axe_source();
    let axe = axe.as_str();
    let app = crate::helpers::demo_portal().await;
    let driver = Driver::start().await;
    let c = connect(&driver).await;
    let base = &app.base;

    let pages = [
        ("/", "portal-home", "要闻"),
        ("/c/gov-news/", "portal-channel", "政务动态"),
        ("/c/overview/", "portal-page", "区情概况"),
        ("/u/commerce/", "portal-subsite", "区商务局"),
        (
            "/search?q=%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83",
            "portal-search",
            "营商环境",
        ),
    ];
    for (path, name, expect) in pages {
        c.goto(&format!("{base}{path}")).await.unwrap();
        let body = text_of(&c, "main").await;
        assert!(body.contains(expect), "{path} shows {expect}: {body}");
        axe_check(&c, axe, path).await;
        assert_no_sideways_scroll(&c, path).await;
        screenshots(&c, name).await;
    }
    // Open an article from the channel list, as a reader would.
    c.goto(&format!("{base}/c/gov-news/")).await.unwrap();
    let link = c
        .find(fantoccini::Locator::Css("ul.items li a"))
        .await
        .expect("an item in the list");
    let title = link.text().await.unwrap();
    link.click().await.unwrap();
    let h1 = text_of(&c, "article h1").await;
    assert_eq!(h1, title);
    assert!(text_of(&c, ".article-meta").await.contains("发布时间"));
    axe_check(&c, axe, "article").await;
    assert_no_sideways_scroll(&c, "article").await;
    screenshots(&c, "portal-article").await;
    // And a search result leads to its article.
    c.goto(&format!(
        "{base}/search?q=%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83"
    ))
    .await
    .unwrap();
    let hit = c
        .find(fantoccini::Locator::Css(".search-results .hit h2 a"))
        .await
        .expect("a search hit");
    hit.click().await.unwrap();
    assert!(text_of(&c, "article h1").await.contains("营商环境"));

    c.close().await.ok();
    drop(driver);
    app.stop().await;
}

/// At 360 px wide the page must not be wider than the viewport.
async fn assert_no_sideways_scroll(c: &Client, page: &str) {
    c.set_window_size(360, 800).await.expect("resize");
    let r = c
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await
        .expect("measure");
    let (sw, iw) = (r[0].as_u64().unwrap_or(0), r[1].as_u64().unwrap_or(1));
    assert!(sw <= iw, "{page} scrolls sideways at 360 px: {sw} > {iw}");
    c.set_window_size(DESKTOP.0, DESKTOP.1)
        .await
        .expect("resize back");
}

/// Waits (at most `bound`) until `script` returns `true` in the page.
pub(crate) async fn wait_js_within(c: &Client, script: &str, what: &str, bound: Duration) {
    let deadline = Instant::now() + bound;
    loop {
        let v = c.execute(script, vec![]).await.expect("run a probe");
        if v == json!(true) {
            return;
        }
        assert!(Instant::now() < deadline, "waited in vain for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Nothing on the page reaches past the window's right edge (no sideways scrolling), naming
/// the first elements that do.
pub(crate) async fn no_sideways_scroll(c: &fantoccini::Client, page: &str) {
    let r = c
        .execute(
            "var w = window.innerWidth, out = [];
             document.querySelectorAll('body *').forEach(function (e) {
               if (e.getBoundingClientRect().right > w + 0.5) { out.push(e.tagName + '#' + e.id + '.' + e.className); }
             });
             return [document.documentElement.scrollWidth, w, out.slice(0, 8).join(' ')];",
            vec![],
        )
        .await
        .unwrap();
    let (sw, iw) = (r[0].as_u64().unwrap_or(0), r[1].as_u64().unwrap_or(1));
    assert!(
        sw <= iw,
        "{page}: sideways scroll at 360 px: {sw} > {iw}: {}",
        r[2]
    );
}
