//! The audit log viewer (issue 12, 审计管理员): filters by user, unit, action, object and dates,
//! pages through a long log, exports CSV (Excel-readable, formula-safe), and audits the export.

use gongkai::auth::audit::{self, Event, Outcome};
use gongkai::auth::model::Role;

use crate::helpers::{TestApp, main_of, staff};

async fn add(app: &TestApp, user: &str, action: &'static str, object: &str, detail: &str) {
    let (user, object, detail) = (user.to_owned(), object.to_owned(), detail.to_owned());
    let now = app.state.now_ms();
    app.state
        .store
        .write(move |txn| {
            audit::append(
                txn,
                Event {
                    user,
                    unit: "commerce".into(),
                    action,
                    object,
                    ip: "127.0.0.1".into(),
                    outcome: Outcome::Success,
                    detail,
                },
                now,
            )
            .map(|_| ())
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn the_auditor_filters_pages_and_exports() {
    let app = TestApp::start().await;
    let auditor = staff(&app, "a-auditor", Role::Auditor, "gov").await;
    for i in 0..60 {
        add(
            &app,
            "zhang.san",
            "article_publish",
            &format!("article:{i}"),
            "发布",
        )
        .await;
    }
    add(
        &app,
        "li.si",
        "article_withdraw",
        "article:7",
        "=HYPERLINK(\"http://x\")",
    )
    .await;
    // One user's records only.
    let page = auditor.get("/admin/audit?user=li.si").await;
    let main = main_of(&page.body);
    assert!(
        main.contains("article:7") && !main.contains("zhang.san"),
        "{main}"
    );
    // By action, paged: 50 a page, the next page keeps the filter.
    let page = auditor.get("/admin/audit?action=article_publish").await;
    let main = main_of(&page.body);
    assert_eq!(main.matches("<tr>").count() - 1, 50, "a page of 50");
    let next = main
        .split("href=\"")
        .find(|s| s.starts_with("/admin/audit?before="))
        .map(|s| s[..s.find('"').unwrap()].replace("&amp;", "&"))
        .expect("the next page");
    assert!(next.contains("action=article_publish"), "{next}");
    let rest = auditor.get(&next).await;
    assert_eq!(
        main_of(&rest.body).matches("<td>zhang.san</td>").count(),
        10
    );
    // Dates: the test clock's day has them; the day before has none; a bad date is said.
    let day = gongkai::clock::show(app.state.now_ms())[..10].to_owned();
    let page = auditor
        .get(&format!("/admin/audit?from={day}&to={day}&user=li.si"))
        .await;
    assert!(main_of(&page.body).contains("article:7"));
    let page = auditor.get("/admin/audit?to=2000-01-01").await;
    assert!(main_of(&page.body).contains("没有符合条件的记录"));
    let page = auditor.get("/admin/audit?from=昨天").await;
    assert!(page.body.contains("请填写日期，如 2026-12-01"));

    // CSV: a BOM for Excel, a header, the matching rows, a formula made harmless.
    let csv = auditor.get_bytes("/admin/audit.csv?user=li.si", &[]).await;
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").starts_with("text/csv"));
    assert!(csv.body.starts_with(&[0xEF, 0xBB, 0xBF]));
    let text = String::from_utf8(csv.body[3..].to_vec()).unwrap();
    let mut r = csv_reader(&text);
    let rows: Vec<Vec<String>> = r
        .records()
        .map(|x| x.unwrap().iter().map(str::to_owned).collect())
        .collect();
    assert_eq!(rows.len(), 1, "{text}");
    assert_eq!(rows[0][2], "li.si");
    assert_eq!(rows[0][9], "'=HYPERLINK(\"http://x\")", "formula defused");
    let all = auditor
        .get_bytes("/admin/audit.csv?action=article_publish", &[])
        .await;
    let n = csv::Reader::from_reader(&all.body[3..]).records().count();
    assert_eq!(n, 60);
    // The export is itself a record.
    let page = auditor.get("/admin/audit?action=audit_export").await;
    assert!(main_of(&page.body).contains("a-auditor"));
}

fn csv_reader(text: &str) -> csv::Reader<&[u8]> {
    csv::Reader::from_reader(text.as_bytes())
}
