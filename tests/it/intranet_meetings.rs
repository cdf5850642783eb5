//! 会议通知 (meeting notices) over HTTP: sending with messages beside the fields, invitees
//! finding it (list, 我的工作, the bell), replies per unit (参加 with people, 请假 with a
//! reason) changeable until the deadline, the sender's table and counts, 催办 to the silent
//! units only, the replies workbook, the calendar file (SEQUENCE, folding, CRLF, CANCEL),
//! changes named in notices, cancelling, and 404 to everyone not invited.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use gongkai::auth::model::Role;
use time::Duration;

use crate::helpers::{Client, TestApp, staff};

const TITLE: &str = "全区冬季安全生产工作部署会";

/// The send form's fields with `changes` over good values (start 2026-12-05 09:00 Beijing;
/// the test clock stands at 2026-11-26 17:00 Beijing).
fn fields<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut f: Vec<(&str, &str)> = vec![
        ("title", TITLE),
        ("start", "2026-12-05T09:00"),
        ("end", "2026-12-05T11:00"),
        ("place", "区政府三楼第一会议室"),
        ("agenda", "传达会议精神\n部署冬季防火工作"),
        ("attendees", "主要负责同志"),
        ("deadline", "2026-12-03T17:00"),
        ("to_unit", "ua"),
        ("to_unit", "ub"),
        ("to_unit", "uc"),
    ];
    for (k, v) in changes {
        f.retain(|(x, _)| x != k);
        if !v.is_empty() {
            f.push((k, v));
        }
    }
    f
}

async fn send(c: &Client, f: &[(&str, &str)]) -> crate::helpers::Resp {
    c.post_form("/oa/meetings/new", "/oa/meetings/new", f).await
}

/// Sends a good meeting and returns its id.
async fn send_ok(c: &Client, changes: &[(&str, &str)]) -> u64 {
    let r = send(c, &fields(changes)).await;
    assert_eq!(r.status, 303, "sent: {}", r.body);
    let to = r.location().expect("redirect").to_owned();
    to.trim_start_matches("/oa/meetings/")
        .split('?')
        .next()
        .and_then(|s| s.parse().ok())
        .expect("meeting id")
}

/// Everyone a test needs: the sender, two people of ua, one each of ub, uc and ux.
async fn people(app: &TestApp) -> [Client; 6] {
    [
        staff(app, "m-sender", Role::Reporter, "office").await,
        staff(app, "m-a", Role::Reporter, "ua").await,
        staff(app, "m-a2", Role::Reviewer, "ua").await,
        staff(app, "m-b", Role::Reporter, "ub").await,
        staff(app, "m-c", Role::Reporter, "uc").await,
        staff(app, "m-x", Role::Reporter, "ux").await,
    ]
}

async fn unread(app: &TestApp, name: &str) -> u64 {
    let id = app.user(name).await.expect("user").id;
    app.state
        .store
        .read(move |t| gongkai::notify::store::unread_count(t, id))
        .await
        .unwrap()
}

async fn notices(app: &TestApp, name: &str) -> Vec<gongkai::notify::store::Notice> {
    let id = app.user(name).await.expect("user").id;
    app.state
        .store
        .read(move |t| gongkai::notify::store::list(t, id, None, 50))
        .await
        .unwrap()
}

/// The page's text without tags.
fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

async fn reply(c: &Client, id: u64, f: &[(&str, &str)]) -> crate::helpers::Resp {
    // The send form has this session's token whoever asks (the meeting page may be a 404).
    c.post_form("/oa/meetings/new", &format!("/oa/meetings/{id}/reply"), f)
        .await
}

#[tokio::test]
async fn send_form_errors_come_back_beside_the_fields() {
    let app = TestApp::start().await;
    let [sender, ..] = people(&app).await;
    let form = sender.get("/oa/meetings/new").await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("严禁处理涉密信息"), "unclassified note");
    for name in [
        "title",
        "start",
        "end",
        "place",
        "agenda",
        "attendees",
        "deadline",
    ] {
        assert!(
            form.body.contains(&format!("<label for=\"f-{name}\"")),
            "{name} labelled"
        );
    }

    let r = send(&sender, &fields(&[("start", "明天上午"), ("to_unit", "")])).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("开始时间格式不对"));
    assert!(r.body.contains("请至少选择一个邀请单位"));
    assert!(r.body.contains(&format!("value=\"{TITLE}\"")), "input kept");

    let r = send(
        &sender,
        &fields(&[
            ("end", "2026-12-05T08:00"),
            ("deadline", "2026-12-06T09:00"),
        ]),
    )
    .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("结束时间须晚于开始时间"));
    assert!(r.body.contains("回执截止时间须早于会议开始时间"));
    assert!(r.body.contains("checked"), "chosen units kept");

    let r = send(&sender, &fields(&[("deadline", "2026-11-20T09:00")])).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("回执截止时间已经过去"));

    let r = send(&sender, &fields(&[("title", ""), ("place", "")])).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("请填写会议名称") && r.body.contains("请填写会议地点"));

    // Nothing was sent.
    assert!(
        !sender
            .get("/oa/meetings?box=sent")
            .await
            .body
            .contains(TITLE)
    );
    app.stop().await;
}

#[tokio::test]
async fn invited_units_reply_and_the_sender_sees_counts_reminds_and_exports() {
    let app = TestApp::start().await;
    let [sender, a, a2, b, _c, x] = people(&app).await;
    let id = send_ok(&sender, &[]).await;
    let page = format!("/oa/meetings/{id}");

    // The invited find it: the list, 我的工作, the bell.
    let list = a.get("/oa/meetings").await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains(TITLE) && list.body.contains("待回执"));
    let work = a.get("/admin/work").await;
    assert!(
        work.body.contains("待回执会议") && work.body.contains(TITLE),
        "{}",
        work.body
    );
    for n in ["m-a", "m-a2", "m-b", "m-c"] {
        assert_eq!(unread(&app, n).await, 1, "{n} told");
    }
    assert_eq!(unread(&app, "m-x").await, 0);
    assert!(
        sender
            .get("/oa/meetings?box=sent")
            .await
            .body
            .contains(TITLE)
    );

    // Anyone else: it does not exist.
    for path in [
        page.clone(),
        format!("{page}/replies"),
        format!("{page}/replies.xlsx"),
        format!("{page}/meeting.ics"),
        format!("{page}/edit"),
    ] {
        assert_eq!(x.get(&path).await.status, 404, "{path}");
    }
    assert!(!x.get("/oa/meetings").await.body.contains(TITLE));
    let r = x
        .post_form(
            "/oa/meetings/new",
            &format!("{page}/reply"),
            &[("answer", "leave"), ("reason", "x")],
        )
        .await;
    assert_eq!(r.status, 404);
    // An invitee does not see the sender's table.
    assert_eq!(a.get(&format!("{page}/replies")).await.status, 403);

    // 参加 with two people; 请假 needs a reason.
    let r = reply(
        &a,
        id,
        &[
            ("answer", "attend"),
            ("name1", "张三"),
            ("title1", "局长"),
            ("phone1", "0571-87001234"),
            ("name2", "李四"),
            ("title2", "办公室主任"),
        ],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(unread(&app, "m-a").await, 0, "settled");
    assert_eq!(unread(&app, "m-a2").await, 0, "settled for the whole unit");
    assert!(!a2.get("/admin/work").await.body.contains(TITLE));
    let r = reply(&b, id, &[("answer", "leave"), ("reason", "")]).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("请假的，请填写请假事由"));
    let r = reply(&b, id, &[("answer", "attend")]).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("请至少填写一位参会人员的姓名"));
    let r = reply(&b, id, &[("answer", "leave"), ("reason", "同日召开党组会")]).await;
    assert_eq!(r.status, 303);

    // The sender's table and counts, on the page and in the fragment.
    let p = sender.get(&page).await;
    assert_eq!(p.status, 200);
    assert!(
        p.body.contains("data-live-src=\"/oa/meetings/"),
        "the live table"
    );
    let js = p
        .body
        .split("<script src=\"")
        .filter_map(|r| r.split('"').next())
        .find(|u| u.ends_with("js/meetings.js"))
        .expect("the live script");
    let served = sender.get_bytes(js, &[]).await;
    assert_eq!(served.status, 200);
    assert!(served.header("content-type").contains("javascript"));
    assert!(p.body.contains("刷新回执情况"), "the no-script refresh");
    for body in [
        p.body.clone(),
        sender.get(&format!("{page}/replies")).await.body,
    ] {
        let t = text(&body);
        for want in [
            "应回执 3",
            "已回执 2",
            "未回执 1",
            "参加 2 人",
            "请假 1",
            "张三（局长，0571-87001234）",
            "李四（办公室主任）",
            "同日召开党组会",
            "单位ua",
            "单位uc",
            "待回执",
        ] {
            assert!(t.contains(want), "{want} in {t}");
        }
    }

    // 催办 reaches only the silent unit.
    let r = sender
        .post_form(&page, &format!("{page}/remind"), &[])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(unread(&app, "m-c").await, 2);
    assert_eq!(unread(&app, "m-a").await, 0);
    assert_eq!(unread(&app, "m-b").await, 0);
    assert!(notices(&app, "m-c").await[0].title.contains("催办"));
    // Only the sender reminds.
    let r = a.post_form(&page, &format!("{page}/remind"), &[]).await;
    assert_eq!(r.status, 403);

    // The workbook: one row per unit, numbers as numbers; one row per attendee.
    let xl = sender.get_bytes(&format!("{page}/replies.xlsx"), &[]).await;
    assert_eq!(xl.status, 200);
    assert!(
        xl.header("content-disposition")
            .starts_with("attachment; filename=\"meeting-")
    );
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(xl.body.clone())).expect("xlsx");
    let rows: Vec<Vec<Data>> = wb
        .worksheet_range("各单位回执")
        .expect("sheet")
        .rows()
        .map(<[Data]>::to_vec)
        .collect();
    assert_eq!(rows.len(), 5, "header, three units, total");
    let ua = rows
        .iter()
        .find(|r| r[1] == Data::String("ua".into()))
        .expect("ua row");
    assert_eq!(ua[2], Data::String("参加".into()));
    assert!(matches!(ua[3], Data::Float(n) if n == 2.0), "{:?}", ua[3]);
    let ub = rows
        .iter()
        .find(|r| r[1] == Data::String("ub".into()))
        .expect("ub row");
    assert_eq!(ub[5], Data::String("同日召开党组会".into()));
    let people: Vec<Vec<Data>> = wb
        .worksheet_range("参会人员名单")
        .expect("sheet")
        .rows()
        .map(<[Data]>::to_vec)
        .collect();
    assert_eq!(people.len(), 3);
    assert_eq!(people[1][2], Data::String("张三".into()));
    assert_eq!(a.get(&format!("{page}/replies.xlsx")).await.status, 403);

    // Another person of the unit changes the reply before the deadline …
    let form = a2.get(&page).await;
    assert!(form.body.contains("修改回执"));
    let r = reply(&a2, id, &[("answer", "leave"), ("reason", "临时出差")]).await;
    assert_eq!(r.status, 303);
    let t = text(&sender.get(&format!("{page}/replies")).await.body);
    assert!(
        t.contains("临时出差") && t.contains("参加 0 人") && t.contains("请假 2"),
        "{t}"
    );
    // … and not after it.
    app.clock.advance(Duration::days(8));
    // Sessions have lapsed meanwhile: sign in again.
    let a = staff(&app, "m-a", Role::Reporter, "ua").await;
    let c = staff(&app, "m-c", Role::Reporter, "uc").await;
    let r = reply(&a, id, &[("answer", "attend"), ("name1", "张三")]).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("截止"), "{}", r.body);
    assert!(
        !c.get("/admin/work").await.body.contains(TITLE),
        "past the deadline: no longer 待办"
    );
    app.stop().await;
}

/// Unfolds an iCalendar body into its content lines.
fn unfold(ics: &str) -> Vec<String> {
    ics.replace("\r\n ", "")
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn calendar_file_changes_and_cancelling() {
    let app = TestApp::start().await;
    let [sender, a, _a2, b, _c, _x] = people(&app).await;
    let agenda = "一、传达市会议精神；二、部署冬季防火, 防冻工作\\要点\n三、各单位汇报".repeat(3);
    let id = send_ok(&sender, &[("agenda", agenda.as_str())]).await;
    let page = format!("/oa/meetings/{id}");

    let ics = a.get_bytes(&format!("{page}/meeting.ics"), &[]).await;
    assert_eq!(ics.status, 200);
    assert_eq!(ics.header("content-type"), "text/calendar; charset=utf-8");
    assert!(ics.header("content-disposition").starts_with("attachment;"));
    let body = String::from_utf8(ics.body.clone()).expect("utf-8");
    assert!(body.ends_with("\r\n"));
    assert_eq!(
        body.matches('\n').count(),
        body.matches("\r\n").count(),
        "CRLF only"
    );
    for l in body.split("\r\n") {
        assert!(l.len() <= 75, "{} octets: {l}", l.len());
    }
    assert!(body.contains("\r\n "), "long lines folded");
    let lines = unfold(&body);
    for want in [
        "BEGIN:VCALENDAR",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        &format!("UID:meeting-{id}@gongkai"),
        "DTSTART:20261205T010000Z",
        "DTEND:20261205T030000Z",
        "SEQUENCE:0",
        "STATUS:CONFIRMED",
        &format!("SUMMARY:{TITLE}"),
        "LOCATION:区政府三楼第一会议室",
        "END:VCALENDAR",
    ] {
        assert!(lines.iter().any(|l| l == want), "{want} in {lines:?}");
    }
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("DTSTAMP:") && l.ends_with('Z'))
    );
    let desc = lines
        .iter()
        .find(|l| l.starts_with("DESCRIPTION:"))
        .expect("description");
    assert!(
        desc.contains("精神\\；") || desc.contains("精神；"),
        "{desc}"
    );
    assert!(
        desc.contains("防火\\, 防冻") && desc.contains("工作\\\\要点") && desc.contains("\\n三、"),
        "{desc}"
    );

    // A change: only the sender; it is named in the notices and bumps SEQUENCE.
    assert_eq!(a.get(&format!("{page}/edit")).await.status, 403);
    let edit = sender.get(&format!("{page}/edit")).await;
    assert_eq!(edit.status, 200);
    assert!(edit.body.contains("value=\"区政府三楼第一会议室\""));
    let r = sender
        .post_form(
            &format!("{page}/edit"),
            &format!("{page}/edit"),
            &fields(&[
                ("agenda", agenda.as_str()),
                ("place", "区政府五楼大会议室"),
                ("to_unit", ""),
            ]),
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let told = &notices(&app, "m-b").await[0];
    assert!(told.title.contains("会议变更"), "{told:?}");
    assert!(
        told.text
            .contains("会议地点：区政府三楼第一会议室 → 区政府五楼大会议室"),
        "{told:?}"
    );
    let lines = unfold(
        &String::from_utf8(a.get_bytes(&format!("{page}/meeting.ics"), &[]).await.body).unwrap(),
    );
    assert!(lines.iter().any(|l| l == "SEQUENCE:1"), "{lines:?}");
    assert!(lines.iter().any(|l| l == "LOCATION:区政府五楼大会议室"));
    assert!(
        text(&a.get(&page).await.body)
            .contains("会议地点：区政府三楼第一会议室 → 区政府五楼大会议室"),
        "history"
    );
    // An edit with an error comes back beside the field.
    let r = sender
        .post_form(
            &format!("{page}/edit"),
            &format!("{page}/edit"),
            &fields(&[("agenda", agenda.as_str()), ("end", "2026-12-05T08:00")]),
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("结束时间须晚于开始时间"));

    assert_eq!(
        reply(&a, id, &[("answer", "attend"), ("name1", "张三")])
            .await
            .status,
        303
    );

    // Cancelling needs a reason, closes replies and tells everyone.
    let r = sender
        .post_form(&page, &format!("{page}/cancel"), &[("reason", "")])
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("请填写取消原因"));
    assert_eq!(
        a.post_form(&page, &format!("{page}/cancel"), &[("reason", "x")])
            .await
            .status,
        403
    );
    let r = sender
        .post_form(
            &page,
            &format!("{page}/cancel"),
            &[("reason", "因上级会议调整，另行通知")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        unread(&app, "m-c").await,
        1,
        "the waiting notice settled, the cancellation unread"
    );
    let told = &notices(&app, "m-c").await[0];
    assert!(
        told.title.contains("会议取消") && told.text.contains("因上级会议调整"),
        "{told:?}"
    );
    let p = b.get(&page).await;
    assert!(
        p.body
            .contains("会议已取消。原因：因上级会议调整，另行通知")
    );
    assert!(!p.body.contains("提交回执"), "no reply form");
    let r = reply(&b, id, &[("answer", "leave"), ("reason", "出差")]).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("会议已取消，不再接受回执"));
    let lines = unfold(
        &String::from_utf8(b.get_bytes(&format!("{page}/meeting.ics"), &[]).await.body).unwrap(),
    );
    for want in [
        "METHOD:CANCEL",
        "STATUS:CANCELLED",
        "SEQUENCE:2",
        &format!("UID:meeting-{id}@gongkai"),
    ] {
        assert!(lines.iter().any(|l| l == want), "{want} in {lines:?}");
    }
    assert!(text(&b.get("/oa/meetings").await.body).contains("已取消"));
    assert_eq!(sender.get(&format!("{page}/edit")).await.status, 409);
    app.stop().await;
}

#[tokio::test]
async fn search_and_audit() {
    let app = TestApp::start().await;
    let [sender, a, ..] = people(&app).await;
    send_ok(&sender, &[]).await;
    send_ok(
        &sender,
        &[
            ("title", "防汛工作会"),
            ("start", "2026-12-10T09:00"),
            ("end", "2026-12-10T10:00"),
        ],
    )
    .await;
    let all = a.get("/oa/meetings").await;
    assert!(all.body.contains(TITLE) && all.body.contains("防汛工作会"));
    for label in ["f-title", "f-sender", "f-from", "f-to"] {
        assert!(
            all.body.contains(&format!("<label for=\"{label}\"")),
            "{label}"
        );
    }
    let r = a.get("/oa/meetings?title=%E9%98%B2%E6%B1%9B").await;
    assert!(r.body.contains("防汛工作会") && !r.body.contains(TITLE));
    let r = a.get("/oa/meetings?from=2026-12-06&to=2026-12-31").await;
    assert!(r.body.contains("防汛工作会") && !r.body.contains(TITLE));
    let r = a.get("/oa/meetings?sender=%E5%8D%95%E4%BD%8Doffice").await;
    assert!(r.body.contains("防汛工作会") && r.body.contains(TITLE));
    let r = a.get("/oa/meetings?from=12%E6%9C%88").await;
    assert_eq!(r.status, 422);
    let r = sender
        .get("/oa/meetings?box=sent&title=%E9%98%B2%E6%B1%9B")
        .await;
    assert!(r.body.contains("防汛工作会") && r.body.contains("已回执 0 / 3"));

    let audit = app
        .state
        .store
        .read(|t| {
            let t = t.open_table(gongkai::store::tables::AUDIT)?;
            let mut v = Vec::new();
            for row in redb::ReadableTable::iter(&t)? {
                let (_, val) = row?;
                v.push(String::from_utf8_lossy(val.value()).into_owned());
            }
            Ok(v)
        })
        .await
        .unwrap();
    assert_eq!(
        audit
            .iter()
            .filter(|r| r.contains("oa_meeting_send"))
            .count(),
        2
    );
    app.stop().await;
}

#[tokio::test]
async fn demo_meetings_and_the_years_figures() {
    // The demo district has its meetings (`demo::fill`, called by the demo).
    let app = crate::helpers::demo_filled().await;
    let now = app.state.now_ms();
    let all = app
        .state
        .store
        .read(gongkai::intranet::meetings::store::all)
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
    let next = all
        .iter()
        .find(|m| m.details.start_ms > now)
        .expect("upcoming");
    let c = next.counts();
    assert_eq!((c.expected, c.replied, c.people, c.leave), (6, 2, 2, 1));
    assert!(next.open_for_replies(now));
    let past = all.iter().find(|m| m.details.start_ms < now).expect("past");
    assert_eq!(past.state_label(now), "已结束");
    assert_eq!(past.counts().replied, past.counts().expected);

    // A person of a unit still to reply has the waiting notice and the 待办 row.
    // (The other unread notice is the demo's 特急 document to the same community.)
    assert_eq!(unread(&app, "hubin-writer").await, 2);
    let u = app.user("hubin-writer").await.expect("demo user");
    let lists = app
        .state
        .store
        .read(move |t| gongkai::intranet::meetings::todo::lists(t, &u, now))
        .await
        .unwrap();
    assert_eq!(lists[0].id, "oa_meetings_reply");
    assert_eq!(lists[0].rows.len(), 1);
    assert_eq!(lists[0].rows[0].title, next.details.title);

    let year = (now - 300 * 86_400_000, now + 60 * 86_400_000);
    let figures = app
        .state
        .store
        .read(move |t| gongkai::intranet::meetings::figures(t, year.0, year.1))
        .await
        .unwrap();
    assert_eq!(figures, (2, 8, 4));
    app.stop().await;
}
