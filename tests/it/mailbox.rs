//! 区长信箱 over HTTP: writing (proof of work, its no-script wait, honeypot, limits per phone
//! and per address, errors beside the fields, files typed by their bytes), the writer's
//! lookup (right, wrong and throttled passwords) and rating, the office's triage (accept,
//! assign, not accepted with a configured reason, merge), the unit's answer and send-back,
//! the office's review, publication with the name masked, the due date across the 2026 国庆
//! holidays with the make-up Saturday, the 60-day alarm on the test clock, and the
//! statistics against a fixture counted by hand.

use gongkai::auth::model::{Role, Unit, UnitCode, UnitKind};
use gongkai::mailbox::model::Letter;
use gongkai::mailbox::{pow, store};

use crate::helpers::*;

/// Moves the test clock to 17:00 Beijing time on `date` (YYYY-MM-DD), forwards or back.
fn set_day(app: &TestApp, date: &str) {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let d = time::Date::parse(date, &fmt).unwrap();
    let target = d
        .with_hms(17, 0, 0)
        .unwrap()
        .assume_offset(gongkai::clock::CST);
    let now = app.state.clock.now();
    app.clock.advance(target - now);
}

async fn unit(app: &TestApp, code: &str, name: &str, kind: UnitKind) {
    app.ensure_unit("gov").await;
    let (code, name) = (code.to_owned(), name.to_owned());
    app.state
        .store
        .write(move |txn| {
            let c = UnitCode::parse(&code).unwrap();
            let p = UnitCode::parse("gov").unwrap();
            if gongkai::auth::store::get_unit_w(txn, &c)?.is_none() {
                gongkai::auth::store::create_unit(txn, Unit::new(c, name, kind, Some(p), 0))?
                    .unwrap();
            }
            Ok(())
        })
        .await
        .unwrap();
}

/// The district: the government office (the mailbox office) and two bureaus.
async fn district(app: &TestApp) {
    unit(app, "office", "区政府办公室", UnitKind::Office).await;
    unit(app, "commerce", "区商务局", UnitKind::Department).await;
    unit(app, "civil", "区民政局", UnitKind::Department).await;
}

/// A valid letter's fields.
fn letter(phone: &'static str, title: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        ("name", "张三丰"),
        ("phone", phone),
        ("email", ""),
        ("subject", "complain"),
        ("title", title),
        (
            "content",
            "幸福路工地每天晚上十一点以后还在施工，噪音很大。我的电话13912345678，请尽快处理。",
        ),
        ("publish", "yes"),
        ("website", ""),
    ]
}

/// The nonce that solves the page's challenge, as the page's script finds it.
fn solve(challenge: &str, bits: u32) -> String {
    (0u64..)
        .map(|n| n.to_string())
        .find(|n| pow::zero_bits(challenge, n) >= bits)
        .unwrap()
}

fn hidden(body: &str, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    let at = body
        .find(&key)
        .unwrap_or_else(|| panic!("{name} in {body}"));
    body[at + key.len()..].split('"').next().unwrap().to_owned()
}

/// Sends the letter form, with the proof of work solved unless `solved` is false.
async fn write(
    c: &Client,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
    solved: bool,
) -> Resp {
    let page = c.get("/mailbox/").await;
    assert_eq!(page.status, 200);
    let token = page.csrf();
    let challenge = hidden(&page.body, "pow_challenge");
    let nonce = if solved {
        solve(&challenge, 16)
    } else {
        String::new()
    };
    let mut parts: Vec<Part<'_>> = vec![
        ("csrf", None, token.as_bytes()),
        ("pow_challenge", None, challenge.as_bytes()),
        ("pow_nonce", None, nonce.as_bytes()),
    ];
    for (k, v) in fields {
        parts.push((k, None, v.as_bytes()));
    }
    if let Some((name, bytes)) = file {
        parts.push(("files", Some(name), bytes));
    }
    c.post_multipart(
        "/mailbox/",
        multipart("application/octet-stream", &parts),
        &[],
    )
    .await
}

/// The 查询码 and password a successful letter shows.
fn issued(body: &str) -> (String, String) {
    let codes: Vec<&str> = body
        .split("<code class=\"big\">")
        .skip(1)
        .map(|s| s.split('<').next().unwrap())
        .collect();
    assert_eq!(codes.len(), 2, "code and password shown: {body}");
    (codes[0].to_owned(), codes[1].to_owned())
}

async fn stored(app: &TestApp, code: &str) -> Letter {
    let code = code.to_owned();
    app.state
        .store
        .read(move |txn| store::by_tracking(txn, &code))
        .await
        .unwrap()
        .expect("letter stored")
}

async fn count(app: &TestApp) -> usize {
    app.state.store.read(store::all).await.unwrap().len()
}

async fn step(c: &Client, id: u64, fields: &[(&str, &str)]) -> Resp {
    c.post_form(
        &format!("/admin/mailbox/{id}"),
        &format!("/admin/mailbox/{id}/act"),
        fields,
    )
    .await
}

async fn lookup(c: &Client, code: &str, password: &str) -> Resp {
    c.post_form(
        "/mailbox/lookup",
        "/mailbox/lookup",
        &[("code", code), ("password", password)],
    )
    .await
}

#[tokio::test]
async fn a_letter_from_writing_to_public_answer() {
    let app = TestApp::start().await;
    district(&app).await;
    let office = staff(&app, "mb-office", Role::Reviewer, "office").await;
    let bureau = staff(&app, "mb-bureau", Role::Reviewer, "commerce").await;
    let other = staff(&app, "mb-civil", Role::Reviewer, "civil").await;
    let writer = app.client();

    // Errors beside the fields, nothing stored.
    let r = write(&writer, &[("phone", "12345"), ("title", "短")], None, true).await;
    assert_eq!(r.status, 422);
    for msg in [
        "请填写姓名",
        "手机号码应为以 1 开头的 11 位数字",
        "请选择信件类型",
        "标题至少 4 字",
        "请填写内容",
        "请选择是否同意公开",
    ] {
        assert!(r.body.contains(msg), "{msg}");
    }
    // A program named as a picture is refused by its bytes.
    let f = letter("13800000001", "幸福路工地夜间施工扰民");
    let r = write(&writer, &f, Some(("photo.png", b"MZ\x90\x00program")), true).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("不是图片或 PDF 文件"), "{}", r.body);
    assert_eq!(count(&app).await, 0);

    // Written, with a picture.
    let r = write(&writer, &f, Some(("photo.png", &png())), true).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("信件已提交"));
    let (code, password) = issued(&r.body);
    assert!(code.starts_with("XX-"), "{code}");
    let l = stored(&app, &code).await;
    assert_eq!(l.attachments.len(), 1);
    assert_eq!(l.flow.state, "received");
    let id = l.id;

    // The lookup: a wrong password is refused; the right one opens the letter.
    let r = lookup(&writer, &code, "WRONGPASS1").await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("查询码或查询密码不正确"));
    let r = lookup(&writer, &code.to_lowercase(), &password).await;
    assert_eq!(r.location(), Some("/mailbox/lookup"));
    let page = writer.get("/mailbox/lookup").await;
    assert!(page.body.contains("待受理"), "{}", page.body);

    // Another unit cannot see it; the office can, with the writer's details.
    assert_eq!(other.get(&format!("/admin/mailbox/{id}")).await.status, 404);
    let page = office.get(&format!("/admin/mailbox/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("张三丰") && page.body.contains("13800000001"));
    let inbox = office.get("/admin/mailbox/").await;
    assert!(inbox.body.contains("幸福路工地夜间施工扰民"));
    assert!(
        !inbox.body.contains("13800000001"),
        "the list masks the phone"
    );
    // A unit cannot triage.
    let r = bureau
        .post_form(
            "/admin/mailbox/",
            &format!("/admin/mailbox/{id}/act"),
            &[("action", "accept")],
        )
        .await;
    assert_eq!(r.status, 403, "not assigned to the bureau yet");

    // The office assigns it to the bureau (5 working days by default), which is told.
    let r = step(
        &office,
        id,
        &[("action", "assign"), ("unit", "commerce"), ("workdays", "")],
    )
    .await;
    assert_eq!(
        r.location(),
        Some(&*format!("/admin/mailbox/{id}")),
        "{}",
        r.body
    );
    let l = stored(&app, &code).await;
    assert_eq!(l.flow.state, "handling");
    assert_eq!(l.assignment.as_ref().unwrap().workdays, 5);
    assert!(
        bureau
            .get("/admin/notifications")
            .await
            .body
            .contains("区长信箱转办信件")
    );
    let work = bureau.get("/admin/work").await;
    assert!(work.body.contains("待答复的信件"), "{}", work.body);
    // Another unit still cannot answer.
    let r = other
        .post_form(
            "/admin/mailbox/",
            &format!("/admin/mailbox/{id}/act"),
            &[("action", "answer"), ("answer", "不是我们")],
        )
        .await;
    assert_eq!(r.status, 403);

    // The bureau answers; the office reviews first (the default).
    let r = step(&bureau, id, &[("action", "answer"), ("answer", "")]).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("请填写答复内容"));
    let r = step(
        &bureau,
        id,
        &[
            ("action", "answer"),
            (
                "answer",
                "经核查，该工地已停止夜间施工，执法部门将加强巡查。",
            ),
        ],
    )
    .await;
    assert!(r.location().is_some(), "{}", r.body);
    assert_eq!(stored(&app, &code).await.flow.state, "reviewing");
    let page = writer.get("/mailbox/lookup").await;
    assert!(page.body.contains("办理中") && !page.body.contains("已停止夜间施工"));
    // The bureau cannot approve its own answer.
    assert_eq!(
        step(&bureau, id, &[("action", "approve"), ("final_answer", "x")])
            .await
            .status,
        422
    );
    let r = step(
        &office,
        id,
        &[
            ("action", "approve"),
            (
                "final_answer",
                "经核查，该工地已停止夜间施工，区城管执法局将加强夜间巡查。",
            ),
        ],
    )
    .await;
    assert!(r.location().is_some(), "{}", r.body);
    let l = stored(&app, &code).await;
    assert_eq!(l.flow.state, "answered");

    // The writer reads and rates: 不满意 needs a reason.
    let page = writer.get("/mailbox/lookup").await;
    assert!(
        page.body.contains("区城管执法局将加强夜间巡查"),
        "{}",
        page.body
    );
    assert!(page.body.contains("逾期未评价的，视为满意"));
    let r = writer
        .post_form(
            "/mailbox/lookup",
            "/mailbox/lookup/rate",
            &[("level", "unsatisfied")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("请写明不满意的理由"));
    let r = writer
        .post_form(
            "/mailbox/lookup",
            "/mailbox/lookup/rate",
            &[("level", "satisfied")],
        )
        .await;
    assert_eq!(r.location(), Some("/mailbox/lookup"));
    let l = stored(&app, &code).await;
    assert_eq!(l.flow.state, "closed");
    assert!(!l.rating.unwrap().deemed);

    // Published with the phone number in the text starred and the name masked.
    let page = office.get(&format!("/admin/mailbox/{id}")).await;
    assert!(
        page.body.contains("139******78"),
        "the draft is redacted: {}",
        page.body
    );
    let r = step(
        &office,
        id,
        &[
            ("action", "publish"),
            ("pub_title", "幸福路工地夜间施工扰民"),
            (
                "pub_content",
                "幸福路工地每天晚上十一点以后还在施工，噪音很大。",
            ),
            ("pub_answer", "经核查，该工地已停止夜间施工。"),
        ],
    )
    .await;
    assert!(r.location().is_some(), "{}", r.body);
    let list = app.client().get("/mailbox/letters").await;
    assert!(list.body.contains("幸福路工地夜间施工扰民"));
    let page = app.client().get(&format!("/mailbox/letters/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("张*"));
    assert!(!page.body.contains("张三丰") && !page.body.contains("13800000001"));
    assert!(!page.body.contains("13912345678"));
    // Filters and search.
    let r = app.client().get("/mailbox/letters?subject=consult").await;
    assert!(!r.body.contains("幸福路工地夜间施工扰民"));
    let r = app
        .client()
        .get("/mailbox/letters?q=%E5%B7%A5%E5%9C%B0&subject=complain")
        .await;
    assert!(r.body.contains("幸福路工地夜间施工扰民"));
    // Every step is in the audit log.
    let n = app
        .state
        .store
        .read(|txn| {
            let f = gongkai::auth::audit::Filter {
                action: "mb_letter_step".into(),
                ..Default::default()
            };
            gongkai::auth::audit::search(txn, &f, None, 100, 10_000)
        })
        .await
        .unwrap()
        .0
        .len();
    assert_eq!(n, 5, "assign, submit, approve, rate, publish");
    app.stop().await;
}

#[tokio::test]
async fn wrong_passwords_are_throttled() {
    let app = TestApp::start().await;
    district(&app).await;
    let w = app.client();
    let r = write(&w, &letter("13800000002", "社区路灯不亮"), None, true).await;
    let (code, password) = issued(&r.body);
    for _ in 0..5 {
        assert_eq!(lookup(&w, &code, "WRONGWRONG").await.status, 422);
    }
    let r = lookup(&w, &code, &password).await;
    assert_eq!(r.status, 429, "even the right password waits");
    assert!(r.body.contains("分钟后再试"));
    app.clock.advance(time::Duration::minutes(16));
    assert_eq!(
        lookup(&w, &code, &password).await.location(),
        Some("/mailbox/lookup")
    );
    app.stop().await;
}

/// Sends a letter without the proof of work, as a browser without scripts does.
async fn send_unsolved(c: &Client, token: &str, challenge: &str) -> Resp {
    let f = letter("13800000003", "公交站台需要遮阳棚");
    let mut parts: Vec<Part<'_>> = vec![
        ("csrf", None, token.as_bytes()),
        ("pow_challenge", None, challenge.as_bytes()),
        ("pow_nonce", None, b""),
    ];
    for (k, v) in &f {
        parts.push((k, None, v.as_bytes()));
    }
    c.post_multipart("/mailbox/", multipart("text/plain", &parts), &[])
        .await
}

#[tokio::test]
async fn no_script_waits_honeypot_and_limits() {
    let app = TestApp::start().await;
    district(&app).await;
    let w = app.client();
    // Without the proof, the form is taken only once it has been open 20 seconds.
    let page = w.get("/mailbox/").await;
    let token = page.csrf();
    let challenge = hidden(&page.body, "pow_challenge");
    let r = send_unsolved(&w, &token, &challenge).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("安全验证尚未完成"), "{}", r.body);
    app.clock.advance(time::Duration::seconds(21));
    let r = send_unsolved(&w, &token, &challenge).await;
    assert_eq!(r.status, 200, "{}", r.body);
    // The same challenge is good once.
    let r = send_unsolved(&w, &token, &challenge).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("页面已过期或已提交过"));
    // A filled honeypot: refused, nothing stored.
    let mut f = letter("13800000004", "机器人来信测试");
    f.retain(|(k, _)| *k != "website");
    f.push(("website", "http://spam.example"));
    let r = write(&w, &f, None, true).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("提交未成功"));
    assert_eq!(count(&app).await, 1);
    // Three letters a day from one phone.
    for title in ["第二封信的标题", "第三封信的标题"] {
        assert_eq!(
            write(&w, &letter("13800000003", title), None, true)
                .await
                .status,
            200
        );
    }
    let r = write(&w, &letter("13800000003", "第四封信的标题"), None, true).await;
    assert_eq!(r.status, 429);
    assert!(r.body.contains("这个手机号码今天提交的信件已达上限"));
    // Five an hour from one address (the four above and the phone-limited one counted).
    let r = write(&w, &letter("13800000005", "另一个号码的来信"), None, true).await;
    assert_eq!(r.status, 200, "the fifth this hour");
    let r = write(&w, &letter("13800000006", "又一个号码的来信"), None, true).await;
    assert_eq!(r.status, 429, "{}", r.body);
    assert!(r.body.contains("本网络地址一小时内提交的信件过多"));
    assert_eq!(count(&app).await, 4);
    // Repeats from the same writer are flagged to the office.
    let repeated = app.state.store.read(store::all).await.unwrap();
    assert!(
        repeated.iter().any(|l| !l.similar.is_empty()),
        "look-alikes flagged"
    );
    app.stop().await;
}

#[tokio::test]
async fn not_accepted_merged_and_sent_back() {
    let app = TestApp::start().await;
    district(&app).await;
    let office = staff(&app, "mb-office", Role::Reviewer, "office").await;
    let bureau = staff(&app, "mb-bureau", Role::Reviewer, "commerce").await;
    let w1 = app.client();
    let w2 = app.client();
    let w3 = app.client();
    let (a, pa) = issued(
        &write(&w1, &letter("13800000011", "社保卡在哪里补办"), None, true)
            .await
            .body,
    );
    let (b, pb) = issued(
        &write(&w2, &letter("13800000012", "社保卡丢了去哪补"), None, true)
            .await
            .body,
    );
    let (c, pc) = issued(
        &write(
            &w3,
            &letter("13800000013", "拆迁补偿不服要求重新核定"),
            None,
            true,
        )
        .await
        .body,
    );
    let (la, lb, lc) = (
        stored(&app, &a).await,
        stored(&app, &b).await,
        stored(&app, &c).await,
    );

    // Not accepted: only with a configured reason.
    let r = step(
        &office,
        lc.id,
        &[("action", "not_accept"), ("reason", "我不想办")],
    )
    .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("请从列表中选择不予受理的理由"));
    let r = step(
        &office,
        lc.id,
        &[
            ("action", "not_accept"),
            ("reason", "涉及诉讼、仲裁、行政复议等法定途径"),
            ("na_note", "可依法申请行政复议"),
        ],
    )
    .await;
    assert!(r.location().is_some(), "{}", r.body);
    lookup(&w3, &c, &pc).await;
    let page = w3.get("/mailbox/lookup").await;
    assert!(page.body.contains("不予受理") && page.body.contains("可依法申请行政复议"));

    // Merged: B into A by A's number; B's writer reads A's answer.
    let r = step(
        &office,
        lb.id,
        &[("action", "merge"), ("into", "2099-99999")],
    )
    .await;
    assert_eq!(r.status, 422);
    let r = step(&office, lb.id, &[("action", "merge"), ("into", &la.number)]).await;
    assert!(r.location().is_some(), "{}", r.body);
    assert_eq!(stored(&app, &a).await.merged, vec![lb.id]);

    // A goes to the bureau, which sends it back as misrouted; the office answers itself.
    step(
        &office,
        la.id,
        &[("action", "assign"), ("unit", "commerce")],
    )
    .await;
    let r = step(
        &bureau,
        la.id,
        &[
            ("action", "send_back"),
            ("back_reason", "社保卡补办属于人社部门职责"),
        ],
    )
    .await;
    assert!(r.location().is_some(), "{}", r.body);
    assert_eq!(stored(&app, &a).await.flow.state, "returned");
    assert!(
        office
            .get("/admin/notifications")
            .await
            .body
            .contains("承办单位退回信件")
    );
    step(&office, la.id, &[("action", "accept")]).await;
    let r = step(
        &office,
        la.id,
        &[
            ("action", "answer"),
            ("answer", "请携带身份证到区政务服务中心社保窗口补办。"),
        ],
    )
    .await;
    assert!(r.location().is_some(), "{}", r.body);
    assert_eq!(
        stored(&app, &a).await.flow.state,
        "answered",
        "the office's own answer goes out at once"
    );
    lookup(&w2, &b, &pb).await;
    let page = w2.get("/mailbox/lookup").await;
    assert!(
        page.body.contains("合并办理") && page.body.contains("社保窗口补办"),
        "{}",
        page.body
    );
    lookup(&w1, &a, &pa).await;
    assert!(
        w1.get("/mailbox/lookup")
            .await
            .body
            .contains("社保窗口补办")
    );
    app.stop().await;
}

#[tokio::test]
async fn due_date_across_national_day_and_the_sixty_day_alarm() {
    let app = TestApp::start().await;
    district(&app).await;
    set_day(&app, "2026-09-30");
    let office = staff(&app, "mb-office", Role::Reviewer, "office").await;
    let w = app.client();
    let (code, _) = issued(
        &write(&w, &letter("13800000021", "节前来信测试期限"), None, true)
            .await
            .body,
    );
    let l = stored(&app, &code).await;
    step(&office, l.id, &[("action", "assign"), ("unit", "commerce")]).await;
    // Five working days from Wednesday 30 September: 8, 9 October, Saturday 10 October (the
    // make-up day), 12 and 13 October; 1–7 October and Sunday 11 October do not count.
    let page = office.get(&format!("/admin/mailbox/{}", l.id)).await;
    assert!(page.body.contains("2026年10月13日"), "{}", page.body);

    // The day after: overdue, in red, and the unit is reminded once.
    set_day(&app, "2026-10-14");
    let office = staff(&app, "mb-office", Role::Reviewer, "office").await;
    let bureau = staff(&app, "mb-bureau", Role::Reviewer, "commerce").await;
    let page = office.get("/admin/mailbox/?tab=handling").await;
    assert!(page.body.contains("已超期"), "{}", page.body);
    gongkai::mailbox::act::sweep(&app.state).await.unwrap();
    gongkai::mailbox::act::sweep(&app.state).await.unwrap();
    let notes = bureau.get("/admin/notifications").await.body;
    assert_eq!(notes.matches("信件已超期未答复").count(), 1, "{notes}");

    // 60 days after acceptance: the alarm goes to the office, and the self-check shows it.
    set_day(&app, "2026-11-29");
    let office = staff(&app, "mb-office", Role::Reviewer, "office").await;
    gongkai::mailbox::act::sweep(&app.state).await.unwrap();
    assert!(
        office
            .get("/admin/notifications")
            .await
            .body
            .contains("【告警】信件受理超过60天未答复")
    );
    let page = office.get("/admin/mailbox/").await;
    assert!(
        page.body.contains("受理超过 60 天仍未答复"),
        "{}",
        page.body
    );
    app.stop().await;
}

#[tokio::test]
async fn answers_unrated_for_twenty_working_days_count_as_satisfied() {
    let app = TestApp::start().await;
    district(&app).await;
    set_day(&app, "2026-11-02");
    let office = staff(&app, "mb-office", Role::Reviewer, "office").await;
    let w = app.client();
    let (code, password) = issued(
        &write(&w, &letter("13800000031", "咨询一件事情的办理"), None, true)
            .await
            .body,
    );
    let id = stored(&app, &code).await.id;
    step(&office, id, &[("action", "accept")]).await;
    step(
        &office,
        id,
        &[("action", "answer"), ("answer", "答复内容如下。")],
    )
    .await;
    lookup(&w, &code, &password).await;
    // 20 working days from Monday 2 November 2026: Monday 30 November.
    assert!(
        w.get("/mailbox/lookup")
            .await
            .body
            .contains("2026年11月30日")
    );
    set_day(&app, "2026-11-30");
    gongkai::mailbox::act::sweep(&app.state).await.unwrap();
    assert_eq!(
        stored(&app, &code).await.flow.state,
        "answered",
        "the last day is the writer's"
    );
    set_day(&app, "2026-12-01");
    gongkai::mailbox::act::sweep(&app.state).await.unwrap();
    let l = stored(&app, &code).await;
    assert_eq!(l.flow.state, "closed");
    assert!(l.rating.unwrap().deemed);
    app.stop().await;
}

/// A letter of the fixture: received `on` (17:00), accepted, answered and rated as given.
fn fixture(
    id: u64,
    on: &str,
    accepted: Option<&str>,
    answered: Option<&str>,
    rating: Option<gongkai::mailbox::model::Satisfaction>,
) -> Letter {
    use gongkai::mailbox::model::*;
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let d = |s: &str| time::Date::parse(s, &fmt).unwrap();
    let day = d(on);
    let ms = gongkai::clock::to_ms(
        day.with_hms(17, 0, 0)
            .unwrap()
            .assume_offset(gongkai::clock::CST),
    );
    let mut flow = gongkai::flow::Instance::new(gongkai::mailbox::flow::definition());
    flow.state = if rating.is_some() {
        "closed"
    } else if answered.is_some() {
        "answered"
    } else if accepted.is_some() {
        "handling"
    } else {
        "received"
    }
    .into();
    Letter {
        id,
        number: format!("2026-{id:05}"),
        tracking_code: format!("XXFIX{id:07}"),
        password_hash: String::new(),
        writer: Writer {
            name: "李四".into(),
            phone: "13800000000".into(),
            email: String::new(),
        },
        subject: Subject::Consult,
        title: "测试".into(),
        content: "测试内容".into(),
        attachments: vec![],
        publish_agreed: false,
        project: None,
        submitted_ms: ms,
        flow,
        accepted_on: accepted.map(d),
        not_accepted: None,
        merged_into: None,
        merged: vec![],
        similar: vec![],
        assignment: None,
        clock: accepted.map(|a| gongkai::calendar::Clock::new(d(a), 5)),
        answer: answered.map(|x| Answer {
            text: "答".into(),
            unit: UnitCode::parse("office").unwrap(),
            by: "x".into(),
            written_on: d(x),
            sent_on: Some(d(x)),
        }),
        rating: rating.map(|level| Rating {
            level,
            reason: String::new(),
            on: day,
            deemed: false,
        }),
        publication: None,
        reminded: vec![],
    }
}

#[tokio::test]
async fn statistics_match_a_fixture_counted_by_hand() {
    use gongkai::mailbox::model::Satisfaction::*;
    let app = TestApp::start().await;
    district(&app).await;
    // March 2026: 4 letters. #1 accepted Mon 2 Mar, answered Fri 6 Mar (4 working days, on
    // time: due Mon 9 Mar), 满意. #2 accepted 2 Mar, answered Tue 10 Mar (6 working days,
    // late), 不满意. #3 accepted 3 Mar, not answered. #4 never accepted.
    // April 2026: #5 accepted Wed 1 Apr, answered Thu 2 Apr (1 working day, on time), 基本满意.
    // Another year: #6 (2025), not counted.
    let letters = vec![
        fixture(
            1,
            "2026-03-01",
            Some("2026-03-02"),
            Some("2026-03-06"),
            Some(Satisfied),
        ),
        fixture(
            2,
            "2026-03-01",
            Some("2026-03-02"),
            Some("2026-03-10"),
            Some(Unsatisfied),
        ),
        fixture(3, "2026-03-02", Some("2026-03-03"), None, None),
        fixture(4, "2026-03-20", None, None, None),
        fixture(
            5,
            "2026-04-01",
            Some("2026-04-01"),
            Some("2026-04-02"),
            Some(Fair),
        ),
        fixture(
            6,
            "2025-12-30",
            Some("2025-12-31"),
            Some("2026-01-05"),
            Some(Satisfied),
        ),
    ];
    let units = app
        .state
        .store
        .read(|txn| {
            Ok(gongkai::auth::units::Units::new(
                gongkai::auth::store::list_units(txn)?,
            ))
        })
        .await
        .unwrap();
    let f = gongkai::mailbox::stats::compute(&letters, 2026, &app.state.calendar(), &units);
    let m = &f.months[2];
    assert_eq!(
        (m.received, m.accepted, m.answered, m.on_time),
        (4, 3, 2, 1)
    );
    assert_eq!(m.average_days(), Some(5.0), "(4 + 6) / 2");
    assert_eq!(m.satisfied_percent(), Some(50.0));
    let t = &f.total;
    assert_eq!(
        (t.received, t.accepted, t.answered, t.on_time),
        (5, 4, 3, 2)
    );
    assert_eq!(t.average_days(), Some(3.7), "(4 + 6 + 1) / 3");
    assert_eq!(t.on_time_percent(), Some(66.7));
    assert_eq!(
        t.satisfied_percent(),
        Some(66.7),
        "满意 and 基本满意 of 3 rated"
    );
    assert_eq!(f.units.len(), 1, "all answered by the office");
    assert_eq!(f.units[0].2.accepted, 4);
    // The same figures on the public page, from stored letters.
    app.state
        .store
        .write(move |txn| {
            for l in &letters {
                store::put(txn, l)?;
            }
            Ok(())
        })
        .await
        .unwrap();
    let page = app.client().get("/mailbox/stats?year=2026").await;
    assert!(page.body.contains("<td>66.7</td>"), "{}", page.body);
    assert!(page.body.contains("<td>3.7</td>"));
    app.stop().await;
}

#[tokio::test]
async fn a_question_about_a_project_becomes_a_letter_linked_to_it() {
    let app = demo_filled().await;
    let page = app.client().get("/projects/1").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("/mailbox/?project=1"),
        "the project page asks for letters"
    );
    let w = app.client();
    let form = w.get("/mailbox/?project=1").await;
    assert!(form.body.contains("关于百件实事项目"), "{}", form.body);
    // An unknown project is ignored, not an error.
    let none = w.get("/mailbox/?project=99999").await;
    assert_eq!(none.status, 200);
    assert!(!none.body.contains("关于百件实事项目"));
    let mut f = letter("13800000041", "项目进度什么时候能完成");
    f.push(("project", "1"));
    let r = write(&w, &f, None, true).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let (code, _) = issued(&r.body);
    let l = stored(&app, &code).await;
    assert_eq!(l.project, Some(1));
    let office = staff(&app, "mb-office", Role::Reviewer, "office").await;
    let page = office.get(&format!("/admin/mailbox/{}", l.id)).await;
    assert!(page.body.contains("关于百件实事") && page.body.contains("href=\"/projects/1\""));
    app.stop().await;
}
