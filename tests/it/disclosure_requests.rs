//! 依申请公开 over HTTP: the public form and its errors, the clock across the 2026 国庆
//! holidays with a make-up working day, a consultation pause, 补正 and its restart, the one
//! extension, every reply outcome, the requester's lookup (right, wrong and throttled
//! passwords) and 复议/诉讼 cases. Dates below are counted by hand from the State Council's
//! 2026 schedule.

use gongkai::auth::model::Role;
use gongkai::disclosure::requests::{model::DisclosureRequest, outcome::OUTCOMES, store};

use crate::helpers::*;

/// Moves the test clock to 17:00 Beijing time on `date` (YYYY-MM-DD) of 2026, forwards or
/// back.
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

/// The person fields of a valid request.
fn person(way: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        ("kind", "person"),
        ("name", "王小明"),
        ("id_kind", "居民身份证"),
        ("id_number", "11010519491231002X"),
        ("phone", "13800000000"),
        ("email", "wang@example.com"),
        ("address", "示范区幸福路1号"),
        ("description", "2025年本区财政预算执行情况的审计报告全文"),
        ("medium", "electronic"),
        ("way", way),
    ]
}

/// Sends the public form; returns the answer.
async fn apply(c: &Client, fields: &[(&str, &str)], proof: Option<(&str, &[u8])>) -> Resp {
    let token = c.get("/gk/apply").await.csrf();
    let mut parts: Vec<Part<'_>> = vec![("csrf", None, token.as_bytes())];
    for (k, v) in fields {
        parts.push((k, None, v.as_bytes()));
    }
    if let Some((name, bytes)) = proof {
        parts.push(("proof", Some(name), bytes));
    }
    c.post_multipart(
        "/gk/apply",
        multipart("application/octet-stream", &parts),
        &[],
    )
    .await
}

/// The 查询码 and password a successful submission shows.
fn issued(body: &str) -> (String, String) {
    let codes: Vec<&str> = body
        .split("<code class=\"big\">")
        .skip(1)
        .map(|s| s.split('<').next().unwrap())
        .collect();
    assert_eq!(codes.len(), 2, "code and password shown: {body}");
    (codes[0].to_owned(), codes[1].to_owned())
}

async fn stored_request(app: &TestApp, code: &str) -> DisclosureRequest {
    let code = code.to_owned();
    app.state
        .store
        .read(move |txn| store::by_tracking(txn, &code))
        .await
        .unwrap()
        .expect("request stored")
}

async fn step(c: &Client, id: u64, fields: &[(&str, &str)]) -> Resp {
    c.post_form(
        &format!("/admin/gk/requests/{id}"),
        &format!("/admin/gk/requests/{id}/act"),
        fields,
    )
    .await
}

async fn setup() -> (TestApp, Client) {
    let app = TestApp::start().await;
    app.ensure_unit("finance").await;
    let staff = staff(&app, "gkstaff", Role::Reviewer, "finance").await;
    (app, staff)
}

#[tokio::test]
async fn public_form_refuses_bad_input_beside_the_field() {
    let (app, _staff) = setup().await;
    let c = app.client();
    let page = c.get("/u/finance/gk/apply").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("受理机关"), "{}", page.body);
    // Nothing filled in.
    let r = apply(&c, &[("unit", "finance")], None).await;
    assert_eq!(r.status, 422);
    for msg in [
        "请选择申请人类型",
        "请填写姓名或名称",
        "请填写联系电话",
        "请填写所需信息的内容描述",
        "请选择获取信息的方式",
        "请上传身份证明",
    ] {
        assert!(r.body.contains(msg), "{msg}");
    }
    // A wrong check digit, e-mail delivery without an address, a 文号 without 〔〕.
    let mut f = person("email");
    f.retain(|(k, _)| *k != "email" && *k != "id_number");
    f.extend([
        ("unit", "finance"),
        ("id_number", "110105194912310021"),
        ("doc_no", "示财发[2026]3号"),
    ]);
    let r = apply(&c, &f, Some(("id.png", &png()))).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("居民身份证号码校验位不符"));
    assert!(r.body.contains("选择以电子邮件获取时，请填写电子邮箱"));
    assert!(r.body.contains("六角括号"));
    // A program named as a picture is refused by its bytes.
    let mut f = person("email");
    f.push(("unit", "finance"));
    let r = apply(
        &c,
        &f,
        Some(("id.png", b"MZ\x90\x00\x03\x00\x00\x00program bytes")),
    )
    .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("不是图片或 PDF 文件"), "{}", r.body);
    let n = app.state.store.read(store::all).await.unwrap().len();
    assert_eq!(n, 0, "nothing half-saved");
    // A unit without disclosure duty, or none, is not offered.
    assert_eq!(c.get("/u/nowhere/gk/apply").await.status, 404);
}

#[tokio::test]
async fn clock_across_the_national_day_holidays_with_a_pause_and_one_extension() {
    let (app, staff) = setup().await;
    set_day(&app, "2026-09-18");
    let c = app.client();
    let mut f = person("email");
    f.push(("unit", "finance"));
    let r = apply(&c, &f, Some(("身份证.png", &png()))).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let (code, password) = issued(&r.body);
    let req = stored_request(&app, &code).await;
    assert_eq!(req.flow.state, "submitted");
    assert!(req.received_on.is_none(), "received only when confirmed");
    // The handler is told, and sees it in 我的工作.
    let work = staff.get("/admin/work").await;
    assert!(work.body.contains("待确认的公开申请"), "{}", work.body);

    // Confirmed on Friday 18 September: 20 working days, counting the make-up Sunday 20
    // September and Saturday 10 October, skipping 中秋 (25–27 September) and 国庆
    // (1–7 October): due Thursday 22 October.
    let r = step(&staff, req.id, &[("action", "confirm")]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = staff.get(&format!("/admin/gk/requests/{}", req.id)).await;
    assert!(
        page.body.contains("2026年10月22日（周四）"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("调休上班日"),
        "the explanation names the make-up days"
    );
    assert!(page.body.contains("国庆节"), "and the holidays");

    // Tuesday 22 September a third party is consulted; its answer comes Thursday 24. The
    // three days are not counted: 2 were counted (20, 21 September), 18 remain from the
    // 25th: due Tuesday 27 October.
    set_day(&app, "2026-09-22");
    let r = step(
        &staff,
        req.id,
        &[
            ("action", "consult"),
            ("kind", "third_party"),
            ("party", "某建设公司"),
        ],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = staff.get(&format!("/admin/gk/requests/{}", req.id)).await;
    assert!(
        page.body.contains("暂停计时（尚余18个工作日）"),
        "{}",
        page.body
    );
    set_day(&app, "2026-09-24");
    let r = step(
        &staff,
        req.id,
        &[("action", "consulted"), ("opinion", "同意公开")],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = staff.get(&format!("/admin/gk/requests/{}", req.id)).await;
    assert!(
        page.body.contains("2026年10月27日（周二）"),
        "{}",
        page.body
    );

    // One extension of 20 working days, with its approver: due Tuesday 24 November.
    let r = step(
        &staff,
        req.id,
        &[
            ("action", "extend"),
            ("workdays", "25"),
            ("approver", "李主任"),
            ("reason", "需调取多年档案"),
        ],
    )
    .await;
    assert_eq!(r.status, 422, "more than 20 is refused");
    assert!(r.body.contains("应为 1 到 20 之间的整数"));
    let r = step(
        &staff,
        req.id,
        &[
            ("action", "extend"),
            ("workdays", "20"),
            ("approver", "李主任"),
            ("reason", "需调取多年档案"),
        ],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = staff.get(&format!("/admin/gk/requests/{}", req.id)).await;
    assert!(
        page.body.contains("2026年11月24日（周二）"),
        "{}",
        page.body
    );
    let r = step(
        &staff,
        req.id,
        &[
            ("action", "extend"),
            ("workdays", "5"),
            ("approver", "李主任"),
            ("reason", "再延"),
        ],
    )
    .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("只能延长一次"), "{}", r.body);
    let stored = stored_request(&app, &code).await;
    assert_eq!(
        stored.extension.as_ref().map(|e| e.approver.as_str()),
        Some("李主任")
    );

    // The requester sees the extension and the due date.
    let c2 = app.client();
    let r = c2
        .post_form(
            "/gk/lookup",
            "/gk/lookup",
            &[("code", &code), ("password", &password)],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let mine = c2.get("/gk/lookup").await;
    assert!(mine.body.contains("延期答复告知"), "{}", mine.body);
    assert!(mine.body.contains("2026年11月24日"), "{}", mine.body);

    // Past the date (25 November) it is overdue for the unit.
    set_day(&app, "2026-11-25");
    let list = staff.get("/admin/gk/requests?state=overdue").await;
    assert!(list.body.contains(&code), "{}", list.body);
}

#[tokio::test]
async fn correction_once_within_seven_working_days_restarts_the_clock_or_closes() {
    let (app, staff) = setup().await;
    set_day(&app, "2026-09-28");
    // A request handed in on paper on Monday 28 September.
    let mut f = person("collect");
    f.extend([
        ("unit", "finance"),
        ("channel", "in_person"),
        ("received_on", "2026-09-28"),
    ]);
    let r = staff
        .post_form("/admin/gk/requests/new", "/admin/gk/requests/new", &f)
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let (code, password) = issued(&r.body);
    let req = stored_request(&app, &code).await;
    assert_eq!(req.flow.state, "processing");

    // 补正 on Wednesday 30 September, with the default 15 working days: Tuesday 27 October.
    set_day(&app, "2026-09-30");
    let r = step(
        &staff,
        req.id,
        &[
            ("action", "correct"),
            ("items", "请写明所需文件的年份和名称"),
        ],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let s = stored_request(&app, &code).await;
    assert_eq!(
        s.correction.as_ref().map(|c| c.due.to_string()),
        Some("2026-10-27".into())
    );

    // The requester supplements on Friday 9 October: 20 working days from then, counting
    // Saturday 10 October: due Thursday 5 November.
    set_day(&app, "2026-10-09");
    let c = app.client();
    let r = c
        .post_form(
            "/gk/lookup",
            "/gk/lookup",
            &[("code", &code), ("password", &password)],
        )
        .await;
    assert_eq!(r.status, 303);
    let page = c.get("/gk/lookup").await;
    assert!(page.body.contains("补正告知"), "{}", page.body);
    let r = c
        .post_form(
            "/gk/lookup",
            "/gk/lookup/supplement",
            &[("supplement", "需要2025年的《示范区财政预算执行情况》")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = staff.get(&format!("/admin/gk/requests/{}", req.id)).await;
    assert!(page.body.contains("2026年11月5日（周四）"), "{}", page.body);
    assert!(page.body.contains("重新计算"));
    // Only once.
    let r = step(
        &staff,
        req.id,
        &[("action", "correct"), ("items", "再补一次")],
    )
    .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("只能告知一次"), "{}", r.body);

    // Another, received Friday 18 September: its window ended Tuesday 29 September.
    set_day(&app, "2026-09-30");
    let mut f = person("collect");
    f.extend([
        ("unit", "finance"),
        ("channel", "post"),
        ("received_on", "2026-09-18"),
        ("name", "赵六"),
    ]);
    let r = staff
        .post_form("/admin/gk/requests/new", "/admin/gk/requests/new", &f)
        .await;
    let (late, _) = issued(&r.body);
    let late = stored_request(&app, &late).await;
    let r = step(
        &staff,
        late.id,
        &[("action", "correct"), ("items", "请说明")],
    )
    .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("7 个工作日内告知"), "{}", r.body);

    // A third whose requester never answers is closed (六.1) once the deadline passes.
    let mut f = person("collect");
    f.extend([
        ("unit", "finance"),
        ("channel", "post"),
        ("received_on", "2026-09-30"),
        ("name", "孙七"),
    ]);
    let r = staff
        .post_form("/admin/gk/requests/new", "/admin/gk/requests/new", &f)
        .await;
    let (silent, _) = issued(&r.body);
    let silent = stored_request(&app, &silent).await;
    let r = step(
        &staff,
        silent.id,
        &[
            ("action", "correct"),
            ("items", "请说明所需信息"),
            ("days", "5"),
        ],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    // Due Friday 9 October (8, 9 … after the holidays: 8 Oct 1, 9 Oct 2? no: 30 Sep is day 0).
    let due = stored_request(&app, &silent.tracking_code)
        .await
        .correction
        .unwrap()
        .due;
    assert_eq!(
        due.to_string(),
        "2026-10-13",
        "8, 9, 10 (make-up), 12, 13 October"
    );
    set_day(&app, "2026-10-13");
    assert_eq!(
        gongkai::disclosure::requests::act::close_abandoned(&app.state)
            .await
            .unwrap(),
        0
    );
    set_day(&app, "2026-10-14");
    assert_eq!(
        gongkai::disclosure::requests::act::close_abandoned(&app.state)
            .await
            .unwrap(),
        1
    );
    let s = stored_request(&app, &silent.tracking_code).await;
    assert_eq!(s.flow.state, "closed");
    assert_eq!(s.outcome.map(|o| o.code()), Some("6.1"));
}

#[tokio::test]
async fn every_outcome_can_be_replied_and_is_read_with_the_tracking_code() {
    let (app, staff) = setup().await;
    let mut codes = Vec::new();
    for (i, o) in OUTCOMES.iter().enumerate() {
        let name = format!("申请人{i}");
        let mut f = person("online");
        f.retain(|(k, _)| *k != "name" && *k != "id_number" && *k != "id_kind");
        f.extend([
            ("unit", "finance"),
            ("channel", "in_person"),
            ("received_on", "2026-11-20"),
            ("name", name.as_str()),
            ("id_kind", "护照"),
            ("id_number", "E12345678"),
        ]);
        let r = staff
            .post_form("/admin/gk/requests/new", "/admin/gk/requests/new", &f)
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let (code, password) = issued(&r.body);
        let id = stored_request(&app, &code).await.id;
        let page = format!("/admin/gk/requests/{id}");
        let token = staff.get(&page).await.csrf();
        // Without a reason where one is needed: refused beside the field.
        if o.needs_reason {
            let body = multipart(
                "application/pdf",
                &[
                    ("csrf", None, token.as_bytes()),
                    ("outcome", None, o.code.as_bytes()),
                    ("document", Some("答复书.pdf"), b"%PDF-1.4 reply"),
                ],
            );
            let r = staff
                .post_multipart(&format!("{page}/reply"), body, &[])
                .await;
            assert_eq!(r.status, 422, "{}", o.code);
            assert!(r.body.contains("须写明理由和依据"), "{}", o.code);
        }
        let body = multipart(
            "application/pdf",
            &[
                ("csrf", None, token.as_bytes()),
                ("outcome", None, o.code.as_bytes()),
                ("reply_reason", None, "依据条例相关规定".as_bytes()),
                ("document", Some("答复书.pdf"), b"%PDF-1.4 reply"),
            ],
        );
        let r = staff
            .post_multipart(&format!("{page}/reply"), body, &[])
            .await;
        assert_eq!(r.status, 303, "{}: {}", o.code, r.body);
        let s = stored_request(&app, &code).await;
        assert_eq!(s.flow.state, "replied");
        assert_eq!(s.outcome.map(|x| x.code()), Some(o.code));
        codes.push((code, password, s.outcome.unwrap().full_label()));
    }
    // The requester reads the reply and downloads the document; a wrong password is refused
    // and, after five, throttled.
    let (code, password, label) = &codes[3];
    let c = app.client();
    for _ in 0..5 {
        let r = c
            .post_form(
                "/gk/lookup",
                "/gk/lookup",
                &[("code", code), ("password", "WRONGPASS")],
            )
            .await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("查询码或查询密码不正确"));
    }
    let r = c
        .post_form(
            "/gk/lookup",
            "/gk/lookup",
            &[("code", code), ("password", password)],
        )
        .await;
    assert_eq!(r.status, 429, "throttled even with the right password");
    let other = app.client_from("127.0.0.2");
    let r = other
        .post_form(
            "/gk/lookup",
            "/gk/lookup",
            &[
                ("code", &codes[4].0.to_lowercase()),
                ("password", &codes[4].1),
            ],
        )
        .await;
    assert_eq!(
        r.status, 303,
        "another address and code are not held back: {}",
        r.body
    );
    let page = other.get("/gk/lookup").await;
    assert!(page.body.contains(&codes[4].2), "{}", page.body);
    assert!(!page.body.contains(label.as_str()) || label == &codes[4].2);
    let doc = other.get_bytes("/gk/lookup/reply", &[]).await;
    assert_eq!(doc.status, 200);
    assert!(doc.header("content-disposition").starts_with("attachment"));
    assert_eq!(doc.header("x-content-type-options"), "nosniff");
    assert_eq!(
        app.client().get_bytes("/gk/lookup/reply", &[]).await.status,
        404,
        "not without the lookup"
    );

    // A 复议 case is linked to a replied request.
    let id = stored_request(&app, &codes[2].0).await.id;
    let r = step(
        &staff,
        id,
        &[
            ("action", "case"),
            ("case_kind", "reconsideration"),
            ("case_result", "pending"),
            ("case_body", "示范区人民政府"),
            ("filed_on", "2026-11-25"),
        ],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    // Decided later: the result is recorded on the same case.
    let page = staff.get(&format!("/admin/gk/requests/{id}")).await;
    assert!(page.body.contains("登记案件1的结果"), "{}", page.body);
    let r = step(
        &staff,
        id,
        &[
            ("action", "case"),
            ("case_n", "0"),
            ("case_result", "corrected"),
            ("decided_on", "2026-11-26"),
        ],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let s = stored_request(&app, &codes[2].0).await;
    assert_eq!(s.cases.len(), 1);
    assert_eq!(
        s.cases[0].result,
        gongkai::disclosure::requests::model::CaseResult::Corrected
    );
    assert_eq!(
        s.cases[0].decided_on.map(|d| d.to_string()),
        Some("2026-11-26".into())
    );
}

#[tokio::test]
async fn repeats_are_suggested_and_others_see_nothing() {
    let (app, staff) = setup().await;
    let c = app.client();
    let mut f = person("email");
    f.push(("unit", "finance"));
    let r = apply(&c, &f, Some(("id.png", &png()))).await;
    let (first, _) = issued(&r.body);
    let r = apply(&app.client(), &f, Some(("id.png", &png()))).await;
    let (second, _) = issued(&r.body);
    let second = stored_request(&app, &second).await;
    let page = staff
        .get(&format!("/admin/gk/requests/{}", second.id))
        .await;
    assert!(page.body.contains("可能是重复申请"), "{}", page.body);
    assert!(page.body.contains(&first[..6]) || page.body.contains("申请 GK-"));
    // Another unit's handler: the request does not exist for them.
    app.ensure_unit("health").await;
    let other = crate::helpers::staff(&app, "hhstaff", Role::Reviewer, "health").await;
    assert_eq!(
        other
            .get(&format!("/admin/gk/requests/{}", second.id))
            .await
            .status,
        404
    );
    let token = other.get("/admin/gk/").await.csrf();
    let r = other
        .post_raw(
            &format!("/admin/gk/requests/{}/act", second.id),
            &[("csrf", &token), ("action", "confirm")],
        )
        .await;
    assert!(r.status == 403 || r.status == 404, "{}", r.status);
    // The ID number is masked for staff.
    assert!(page.body.contains("110***********002X"));
    assert!(!page.body.contains("11010519491231002X"));
}

#[tokio::test]
async fn the_self_check_grades_guides_deadlines_and_reports() {
    let app = demo_portal().await;
    let admin = staff(&app, "gk-sys", Role::Sysadmin, "gov").await;
    let page = admin.get("/admin/selfcheck").await;
    assert_eq!(page.status, 200);
    let body = main_of(&page.body);
    // The commerce bureau's site: its demo request received 45 days ago is overdue.
    let commerce = body
        .split("id=\"site-commerce\"")
        .nth(1)
        .expect("commerce's site");
    let commerce = commerce.split("</section>").next().unwrap();
    assert!(commerce.contains("依申请公开答复"), "{commerce}");
    assert!(commerce.contains("1 件申请已超过答复期限"), "{commerce}");
    // A unit without a site and without a guide is graded under the portal.
    let portal = body.split("id=\"site-gov\"").nth(1).expect("the portal");
    let portal = portal.split("</section>").next().unwrap();
    assert!(
        portal.contains("区文教体局") && portal.contains("尚未编制政府信息公开指南"),
        "{portal}"
    );
    assert!(portal.contains("2025年度报告"), "{portal}");
}

#[tokio::test]
async fn a_deadline_in_a_year_the_calendar_lacks_is_not_guessed() {
    let (app, _) = setup().await;
    set_day(&app, "2026-12-21");
    // Signed in again after the clock moved: the first sessions have run out.
    let staff = crate::helpers::staff(&app, "gkstaff", Role::Reviewer, "finance").await;
    let admin = crate::helpers::staff(&app, "gk-cal", Role::Sysadmin, "gov").await;
    let mut f = person("collect");
    f.extend([
        ("unit", "finance"),
        ("channel", "in_person"),
        ("received_on", "2026-12-21"),
    ]);
    let r = staff
        .post_form("/admin/gk/requests/new", "/admin/gk/requests/new", &f)
        .await;
    let (code, _) = issued(&r.body);
    let id = stored_request(&app, &code).await.id;
    let page = staff.get(&format!("/admin/gk/requests/{id}")).await;
    assert!(
        page.body.contains("待定（日历尚未录入2027年节假日）"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("暂不给出截止日期"),
        "the explanation says why"
    );
    // Once the year is entered, the date follows from it: 22–31 December are working days
    // 1–8, 1–3 January 2027 are off, 4–19 January are 9–20: Tuesday 19 January.
    let r = admin
        .post_form(
            "/admin/calendar",
            "/admin/calendar",
            &[
                ("year", "2027"),
                ("text", "2027-01-01~2027-01-03 休 元旦\n"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = staff.get(&format!("/admin/gk/requests/{id}")).await;
    assert!(page.body.contains("2027年1月19日（周二）"), "{}", page.body);
}

#[tokio::test]
async fn a_saved_guide_is_public_with_its_date_and_found_by_search() {
    let app = demo_portal().await;
    let h = staff(&app, "gk-edu", Role::Publisher, "edu").await;
    let page = h.get("/admin/gk/guide/edu").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("尚未编制公开指南"), "{}", page.body);
    // A required field left empty comes back beside it, nothing saved.
    let mut fields: Vec<(String, String)> = form_inputs(&page.body)
        .into_iter()
        .filter(|(k, _)| k != "csrf")
        .collect();
    fields.retain(|(k, _)| k != "head");
    let f: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = h
        .post_form("/admin/gk/guide/edu", "/admin/gk/guide/edu", &f)
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("请填写工作负责人"));
    let mut f = f.clone();
    f.retain(|(k, _)| !["hours", "classification", "obtaining", "address", "phone"].contains(k));
    f.extend([
        ("head", "吴主任"),
        ("address", "示范区文教路2号"),
        ("phone", "0000-0000201"),
        ("hours", "工作日上午9时至12时，周三下午接待查阅"),
        ("classification", "按条例第二十条分类编排。"),
        ("obtaining", "可在网上查阅，也可申请。"),
    ]);
    let r = h
        .post_form("/admin/gk/guide/edu", "/admin/gk/guide/edu", &f)
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let public = app.client().get("/u/edu/gk/guide").await;
    assert_eq!(public.status, 200);
    assert!(public.body.contains("周三下午接待查阅"));
    let today = gongkai::portal::pages::date(app.state.now_ms());
    assert!(
        public.body.contains(&format!(
            "更新日期：<time datetime=\"{today}\">{today}</time>"
        )),
        "{}",
        public.body
    );
    assert!(
        !public.body.contains("吴主任"),
        "the responsible person is not public"
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let r = app
            .client()
            .get("/search?q=%E6%8E%A5%E5%BE%85%E6%9F%A5%E9%98%85&kind=gk_guide")
            .await;
        if r.body.contains("href=\"/u/edu/gk/guide\"") {
            assert!(r.body.contains("<span class=\"kind\">公开指南</span>"));
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "never indexed: {}",
            r.body
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
