//! 工作日历 (issue 12): built-in years marked, missing years shown as missing (and deadlines
//! running into one say so), the preview across a holiday with a make-up day, a year entered
//! in the panel taking effect at once, audited, kept over a restart; bad text refused line
//! by line with the text kept.

use gongkai::auth::model::Role;
use time::Duration;

use crate::helpers::{Client, TestApp, demo_portal, item_id, main_of, staff};

const PAGE: &str = "/admin/calendar";

async fn save(c: &Client, year: &str, text: &str) -> crate::helpers::Resp {
    c.post_form(PAGE, PAGE, &[("year", year), ("text", text)])
        .await
}

#[tokio::test]
async fn built_in_years_are_marked_and_this_and_next_year_shown_when_missing() {
    let app = demo_portal().await;
    let admin = staff(&app, "cal-sys", Role::Sysadmin, "gov").await;
    let page = admin.get(PAGE).await;
    assert_eq!(page.status, 200);
    let main = main_of(&page.body);
    assert!(main.contains("2025年") && main.contains("2026年"), "{main}");
    assert!(main.contains("内置（国务院办公厅通知）"), "{main}");
    // The test clock stands in late November 2026: next year is due and not entered.
    let row_2027 = main.split("2027年</th>").nth(1).expect("a 2027 row");
    assert!(
        row_2027.split("</tr>").next().unwrap().contains("未录入"),
        "{row_2027}"
    );
    // The year's text is offered for editing in the calendar's own words.
    let edit = admin.get(&format!("{PAGE}?year=2026")).await;
    assert!(
        edit.body.contains("2026-10-01~2026-10-07 休 国庆节"),
        "{}",
        edit.body
    );
    // The setup checklist names the missing year and links here.
    let home = admin.get("/admin").await;
    assert!(
        home.body.contains("缺2027年") && home.body.contains("去工作日历录入"),
        "{}",
        main_of(&home.body)
    );
}

#[tokio::test]
async fn the_preview_skips_the_holiday_and_counts_the_make_up_day() {
    let app = demo_portal().await;
    let admin = staff(&app, "cal-sys2", Role::Sysadmin, "gov").await;
    // Wed 2026-09-30 + 5: 10-01..07 off, 08 (1), 09 (2), Sat 10 调休 (3), 12 (4), 13 (5).
    let r = admin.get(&format!("{PAGE}?from=2026-09-30&n=5")).await;
    let main = main_of(&r.body);
    assert!(
        main.contains("2026年9月30日（周三）后第5个工作日是 2026年10月13日（周二）"),
        "{main}"
    );
    assert!(main.contains("放假（国庆节）"), "{main}");
    assert!(
        main.contains("2026年10月10日（周六）</td><td>第3个工作日</td><td>调休上班（国庆节调休）"),
        "{main}"
    );
    assert!(main.contains("2026年10月11日（周日）</td><td>不计入</td><td>周末休息"));
    // Into a year nobody entered: said, not guessed.
    let r = admin.get(&format!("{PAGE}?from=2026-12-24&n=10")).await;
    assert!(
        main_of(&r.body).contains("工作日历尚未录入2027年的节假日安排"),
        "{}",
        r.body
    );
    // Bad input next to its field, kept.
    let r = admin.get(&format!("{PAGE}?from=2026-02-30&n=abc")).await;
    let main = main_of(&r.body);
    assert!(main.contains("2026年2月没有30日"), "{main}");
    assert!(main.contains("应为 0 到 250 之间的整数"), "{main}");
    assert!(main.contains("value=\"2026-02-30\""), "{main}");
}

#[tokio::test]
async fn a_year_entered_takes_effect_at_once_is_audited_and_survives_restart() {
    let app = demo_portal().await;
    let admin = staff(&app, "cal-sys3", Role::Sysadmin, "gov").await;
    // 2027-01-01 is a Friday: with it off, the first working day after 2026-12-31 is Mon 01-04.
    let r = save(&admin, "2027", "# 2027年\n2027-01-01 休 元旦\n").await;
    assert_eq!(r.location(), Some("/admin/calendar?done=2027#cal-years-h"));
    let r = admin.get(&format!("{PAGE}?from=2026-12-31&n=1")).await;
    let main = main_of(&r.body);
    assert!(
        main.contains("第1个工作日是 2027年1月4日（周一）"),
        "{main}"
    );
    assert!(!main.contains("尚未录入2027年"), "{main}");
    assert!(main.contains("管理员录入"), "{main}");
    assert!(app.state.calendar().covers_year(2027));
    // Audited with before and after.
    let auditor = staff(&app, "cal-aud", Role::Auditor, "gov").await;
    let log = auditor.get("/admin/audit?action=calendar_change").await;
    assert!(
        log.body.contains("2027年：（无） → 2027-01-01 休 元旦"),
        "{}",
        main_of(&log.body)
    );
    // A built-in year corrected, then cleared back to the built-in schedule.
    let r = save(&admin, "2026", "2026-01-01~2026-01-03 休 元旦\n").await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(
        app.state
            .calendar()
            .is_workday(time::macros::date!(2026 - 10 - 05))
    );
    let r = save(&admin, "2026", "").await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(
        !app.state
            .calendar()
            .is_workday(time::macros::date!(2026 - 10 - 05))
    );

    let dir = app.stop().await;
    let app = TestApp::start_in(dir, |_| {}).await;
    assert!(
        app.state.calendar().covers_year(2027),
        "kept over a restart"
    );
    assert!(
        !app.state
            .calendar()
            .is_workday(time::macros::date!(2027 - 01 - 01))
    );
    assert!(
        !app.state
            .calendar()
            .is_workday(time::macros::date!(2026 - 10 - 05))
    );
}

#[tokio::test]
async fn bad_text_is_refused_line_by_line_and_kept() {
    let app = demo_portal().await;
    let admin = staff(&app, "cal-sys4", Role::Sysadmin, "gov").await;
    let text = "2027-01-01 休 元旦\n2027-02-30 休\n2027-02-10 班 春节调休\n";
    let r = save(&admin, "2027", text).await;
    assert_eq!(r.status, 422);
    let main = main_of(&r.body);
    assert!(
        main.contains("第2行") && main.contains("2027年2月没有30日"),
        "{main}"
    );
    assert!(main.contains("第3行") && main.contains("周三"), "{main}");
    assert!(main.contains("2027-02-10 班 春节调休"), "the text is kept");
    // A date outside the year being edited.
    let r = save(&admin, "2027", "2026-12-31 休\n").await;
    assert_eq!(r.status, 422);
    assert!(main_of(&r.body).contains("第1行：2026-12-31 不在2027年内"));
    assert!(!app.state.calendar().covers_year(2027), "nothing saved");
    // Someone without the duty.
    let secadmin = staff(&app, "cal-sec", Role::Secadmin, "gov").await;
    let r = secadmin
        .post_form(
            "/account",
            PAGE,
            &[("year", "2027"), ("text", "2027-01-01 休\n")],
        )
        .await;
    assert_eq!(r.status, 403);
}

#[tokio::test]
async fn a_review_deadline_running_into_a_missing_year_says_so() {
    let app = demo_portal().await;
    // Tuesday 2026-12-29: the review days run into 2027.
    app.clock.advance(Duration::days(33));
    let writer = staff(&app, "cal-writer", Role::Reporter, "commerce").await;
    let ch = crate::helpers::channel_id(&app, "commerce", "work").to_string();
    let r = writer
        .post_form(
            "/admin/articles/new",
            "/admin/articles/new",
            &[
                ("title", "年末安全生产检查"),
                ("source", "区商务局"),
                ("body", "正文。"),
                ("channel", &ch),
                ("action", "submit"),
            ],
        )
        .await;
    let id = item_id(&r);
    let page = writer.get(&format!("/admin/articles/{id}")).await;
    assert!(
        page.body
            .contains("无法计算：工作日历尚未录入2027年的节假日安排"),
        "{}",
        main_of(&page.body)
    );
    let admin = staff(&app, "cal-sys5", Role::Sysadmin, "gov").await;
    assert_eq!(
        save(&admin, "2027", "2027-01-01 休 元旦\n").await.status,
        303
    );
    let page = writer.get(&format!("/admin/articles/{id}")).await;
    assert!(
        page.body.contains("审核期限</dt><dd>2027-"),
        "{}",
        main_of(&page.body)
    );
}
