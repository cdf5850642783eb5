//! A capability plugs into the staff side by registering, without editing 我的工作, the
//! workbench or the navigation (issue 10): a test source of 待办 and a navigation entry,
//! registered beside the real ones, show up for the people their permission names.

use gongkai::auth::model::Role;
use gongkai::auth::permission::Action;
use gongkai::error::Result;
use gongkai::http::Shared;
use gongkai::http::extract::Staff;
use gongkai::staff::registry::{NavEntry, Shows};
use gongkai::staff::todo::{Lists, TodoList, TodoRow, TodoSource};

use crate::helpers::{PASSWORD, TestApp, main_of};

const DAY_MS: i64 = 24 * 3_600_000;

/// 核对台账: work for whoever may read the audit log, one list with two rows.
struct Ledger;

impl TodoSource for Ledger {
    fn kind(&self) -> &'static str {
        "台账核对"
    }

    fn shows(&self) -> Shows {
        Shows::System(Action::ReadAudit)
    }

    fn lists<'a>(&'a self, st: &'a Shared, staff: &'a Staff) -> Lists<'a> {
        Box::pin(async move {
            if !self.shows().allows(st, &staff.user) {
                return Ok(None);
            }
            let now = st.now_ms();
            let row = |title: &str, due: i64| TodoRow {
                title: title.into(),
                link: "/admin/audit".into(),
                place: "年度台账".into(),
                state: "待核对".into(),
                state_key: "pending".into(),
                badge: None,
                note: None,
                unit: "区政府办公室".into(),
                date_ms: Some(due),
                updated_ms: now,
            };
            let r: Result<Option<Vec<TodoList>>> = Ok(Some(vec![TodoList {
                id: "ledger",
                label: "待我核对",
                waiting: true,
                home: true,
                date_label: "核对期限",
                deadline: true,
                rows: vec![
                    row("第一季度台账", now - DAY_MS),
                    row("第二季度台账", now + DAY_MS),
                ],
            }]));
            r
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registered_source_and_entry_show_for_whom_they_name() {
    let mut registry = gongkai::app::registry::staff();
    registry.todo.push(Box::new(Ledger));
    registry.nav.push(
        NavEntry::new(
            "/admin/audit?ledger=1",
            "台账",
            Shows::System(Action::ReadAudit),
        )
        .tile("核对年度台账"),
    );
    let app = TestApp::start_with_registry(registry).await;
    app.seed_user("auditor1", Role::Auditor, "gov").await;
    app.seed_user("writer1", Role::Reporter, "gov").await;

    // The auditor has no publishing role: 我的工作 holds the plugged-in work only.
    let auditor = app.client();
    let r = app.sign_in(&auditor, "auditor1", PASSWORD).await;
    assert_eq!(r.location(), Some("/admin"), "{}", r.body);
    let home = auditor.get("/admin").await;
    assert_eq!(home.status, 200);
    assert!(
        home.body.contains("href=\"/admin/work\""),
        "我的工作 in the bar"
    );
    assert!(
        home.body.contains("href=\"/admin/audit?ledger=1\""),
        "the entry in the bar"
    );
    assert!(
        main_of(&home.body).contains("核对年度台账"),
        "the entry's tile"
    );
    assert!(
        main_of(&home.body).contains("2</span> 待我核对"),
        "the workbench counts the plugged-in list: {}",
        main_of(&home.body)
    );
    let work = auditor.get("/admin/work").await;
    assert_eq!(work.status, 200, "{}", work.body);
    let main = main_of(&work.body);
    assert!(main.contains("第一季度台账") && main.contains("第二季度台账"));
    assert_eq!(
        main.matches("（已超期）").count(),
        1,
        "one row is past its deadline"
    );
    assert!(
        !main.contains("我的草稿"),
        "no publishing lists for an auditor"
    );

    // A writer sees publishing's lists and not the ledger, nor its entry.
    let writer = app.client();
    let r = app.sign_in(&writer, "writer1", PASSWORD).await;
    assert_eq!(r.location(), Some("/admin"), "{}", r.body);
    let home = writer.get("/admin").await;
    assert!(!home.body.contains("ledger=1"));
    assert!(!main_of(&home.body).contains("待我核对"));
    let work = writer.get("/admin/work").await;
    assert_eq!(work.status, 200);
    assert!(main_of(&work.body).contains("我的草稿"));
    assert!(!main_of(&work.body).contains("待我核对"));
    assert!(!main_of(&work.body).contains("第一季度台账"));

    // A list asked for by id opens, whichever source it comes from.
    let w = auditor.get("/admin/work?list=ledger").await;
    assert!(main_of(&w.body).contains("待我核对（2 条）"));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn work_page_refuses_who_has_no_work_of_any_kind() {
    // From outside the intranet (its documents would be anyone's work inside).
    let app = TestApp::start_with(|cfg| cfg.intranet.networks = vec!["10.0.0.0/8".into()]).await;
    app.seed_user("auditor2", Role::Auditor, "gov").await;
    let c = app.client();
    let r = app.sign_in(&c, "auditor2", PASSWORD).await;
    assert_eq!(r.location(), Some("/admin"), "{}", r.body);
    let home = c.get("/admin").await;
    assert!(
        !home.body.contains("href=\"/admin/work\""),
        "no 我的工作 in the bar"
    );
    assert_eq!(c.get("/admin/work").await.status, 403);
    app.stop().await;
}
