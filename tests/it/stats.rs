//! 统计分析 (issue 12): items published per unit and month (Beijing time) on the page, in the
//! workbook read back with calamine and in the CSV; review turnaround in working days and what
//! waits now; the unit filter narrows to a unit and the units under it; who may see which
//! figures; bad filters answered in Chinese.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use gongkai::auth::model::Role;
use gongkai::clock::CST;
use time::Duration;

use crate::helpers::{
    Client, TestApp, channel_id, demo_portal, item_id, main_of, publish_new, publish_via_flow,
    staff, take,
};

/// Items public now, by their unit, published in each month of `year` (Beijing time),
/// counted from the store the way a person would count them.
async fn published_in(app: &TestApp, year: i32) -> BTreeMap<String, [u32; 12]> {
    let all = app
        .state
        .store
        .read(gongkai::portal::store::all_articles)
        .await
        .unwrap();
    let mut out: BTreeMap<String, [u32; 12]> = BTreeMap::new();
    for a in all.iter().filter(|a| a.is_public()) {
        let t = gongkai::clock::from_ms(a.publish_ms.unwrap()).to_offset(CST);
        if t.year() == year {
            out.entry(a.owner().to_string()).or_default()[usize::from(u8::from(t.month())) - 1] +=
                1;
        }
    }
    out
}

/// The cells (`<td>`) of the row headed `name` in the table `id`.
fn row(body: &str, table: &str, name: &str) -> Option<Vec<String>> {
    let t = body.split(&format!("id=\"{table}\"")).nth(1)?;
    let t = &t[..t.find("</table>")?];
    let r = t.split(&format!("<th scope=\"row\">{name}</th>")).nth(1)?;
    let r = &r[..r.find("</tr>")?];
    Some(
        r.split("<td>")
            .skip(1)
            .map(|c| c[..c.find("</td>").unwrap()].to_owned())
            .collect(),
    )
}

/// A month row as the page or the files show it: the twelve months, then the total.
fn with_total(m: [u32; 12]) -> Vec<String> {
    m.iter()
        .map(u32::to_string)
        .chain(std::iter::once(m.iter().sum::<u32>().to_string()))
        .collect()
}

/// `%E4%BF%A1…` back to text.
fn pct_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

fn num(d: &Data) -> f64 {
    match d {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("not a number: {other:?}"),
    }
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => panic!("not text: {other:?}"),
    }
}

fn workbook(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("an xlsx file")
}

/// The rows of a sheet, each cell as shown (numbers as numbers).
fn sheet(wb: &mut Xlsx<Cursor<Vec<u8>>>, name: &str) -> Vec<Vec<Data>> {
    let range = wb.worksheet_range(name).expect("the sheet");
    range.rows().map(<[Data]>::to_vec).collect()
}

#[tokio::test]
async fn published_items_per_unit_and_month_on_the_page_and_in_both_downloads() {
    let app = demo_portal().await;
    // Saturday 2026-11-28 17:00 in Beijing: one item; Wednesday 2 December: three more.
    publish_new(&app, "commerce", "work", "十一月商务信息", "正文").await;
    app.clock.advance(Duration::days(4));
    publish_new(&app, "commerce", "work", "十二月商务信息一", "正文").await;
    publish_new(&app, "commerce", "notices", "十二月商务公告", "正文").await;
    publish_new(&app, "sd-east", "work", "十二月街道信息", "正文").await;
    let expected = published_in(&app, 2026).await;
    assert_eq!(expected["commerce"][11], 2, "{expected:?}");
    assert_eq!(expected["sd-east"][11], 1);
    assert!(expected["commerce"][10] >= 1);
    let admin = staff(&app, "st-sys", Role::Sysadmin, "gov").await;

    // The page: this year by default, every unit's row as counted.
    let page = admin.get("/admin/stats").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let main = main_of(&page.body);
    let total: u32 = expected.values().flat_map(|m| m.iter()).sum();
    assert!(
        main.contains(&format!("2026年 · 全区：共发布信息 {total} 条")),
        "{main}"
    );
    for (code, name) in [("commerce", "区商务局"), ("sd-east", "东山街道办事处")] {
        assert_eq!(
            row(main, "stats-months", name),
            Some(with_total(expected[code])),
            "{name}"
        );
    }
    assert_eq!(
        row(main, "stats-months", "区应急管理局"),
        Some(with_total([0; 12])),
        "a unit with nothing published has its row"
    );
    // Two charts, each one image with a summary; no inline styles anywhere on the page.
    assert_eq!(main.matches("<svg").count(), 2);
    assert_eq!(main.matches("role=\"img\"").count(), 2);
    assert!(main.contains(&format!("全年共 {total} 条")), "{main}");
    assert!(!page.body.contains("style="));
    // The channel table: the December notice counted in its channel, with what was there.
    let ch = channel_id(&app, "commerce", "notices");
    let in_channel = app
        .state
        .store
        .read(gongkai::portal::store::all_articles)
        .await
        .unwrap()
        .iter()
        .filter(|a| a.is_public() && a.all_channels().contains(&ch))
        .count();
    assert!(in_channel >= 1);
    assert!(
        main.contains(&format!(
            "<tr><td>区商务局</td><th scope=\"row\">通知公告</th><td>{in_channel}</td></tr>"
        )),
        "{main}"
    );

    // The workbook: one sheet per table, the same numbers in the same cells.
    let x = admin.get_bytes("/admin/stats.xlsx?year=2026", &[]).await;
    assert_eq!(x.status, 200);
    assert_eq!(
        x.header("content-type"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let cd = x.header("content-disposition");
    assert!(
        cd.starts_with("attachment; filename=\"stats-2026.xlsx\"; filename*=UTF-8''"),
        "{cd}"
    );
    let zh = cd.split("filename*=UTF-8''").nth(1).unwrap();
    assert_eq!(pct_decode(zh), "信息发布统计-2026年-全区.xlsx");
    let mut wb = workbook(&x.body);
    assert_eq!(
        wb.sheet_names(),
        [
            "各单位各月发布",
            "各栏目发布",
            "审核用时",
            "当前待办",
            "内网办公",
            "政务公开",
            "区长信箱"
        ]
    );
    let months = sheet(&mut wb, "各单位各月发布");
    assert_eq!(text(&months[0][0]), "单位");
    assert_eq!(text(&months[0][2]), "1月");
    assert_eq!(text(&months[0][14]), "合计");
    let mut seen = 0;
    for r in &months[1..months.len() - 1] {
        let code = text(&r[1]);
        let want = expected.get(&code).copied().unwrap_or([0; 12]);
        let got: Vec<f64> = r[2..15].iter().map(num).collect();
        let want: Vec<f64> = with_total(want)
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        assert_eq!(got, want, "{code}");
        seen += 1;
    }
    let units = app
        .state
        .store
        .read(gongkai::auth::store::list_units)
        .await
        .unwrap();
    assert_eq!(seen, units.len(), "every unit of the district has its row");
    let last = months.last().unwrap();
    assert_eq!(text(&last[0]), "合计");
    assert_eq!(num(&last[14]), f64::from(total));
    assert_eq!(num(&last[13]), 3.0, "December: the three items above");

    // The CSV: a BOM, the headers, the same numbers.
    let c = admin.get_bytes("/admin/stats.csv?year=2026", &[]).await;
    assert_eq!(c.status, 200);
    assert!(c.header("content-type").starts_with("text/csv"));
    assert!(c.header("content-disposition").contains("stats-2026.csv"));
    assert!(c.body.starts_with(&[0xEF, 0xBB, 0xBF]));
    let rows: Vec<Vec<String>> = csv::Reader::from_reader(&c.body[3..])
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    let commerce = rows.iter().find(|r| r[1] == "commerce").expect("commerce");
    assert_eq!(commerce[0], "区商务局");
    assert_eq!(commerce[2..], with_total(expected["commerce"])[..]);
    assert_eq!(rows.last().unwrap()[14], total.to_string());

    // A unit narrows everything to it and the units under it.
    let east = admin.get("/admin/stats?year=2026&unit=sd-east").await;
    assert_eq!(east.status, 200);
    let main = main_of(&east.body);
    let east_total: u32 = ["sd-east", "c-dongshan", "c-xiangyang"]
        .iter()
        .filter_map(|c| expected.get(*c))
        .flat_map(|m| m.iter())
        .sum();
    assert!(
        main.contains(&format!(
            "2026年 · 东山街道办事处：共发布信息 {east_total} 条"
        )),
        "{main}"
    );
    assert!(row(main, "stats-months", "东山社区居民委员会").is_some());
    assert!(row(main, "stats-months", "区商务局").is_none());
    let c = admin
        .get_bytes("/admin/stats.csv?year=2026&unit=sd-east", &[])
        .await;
    assert!(
        c.header("content-disposition")
            .contains("stats-2026-sd-east.csv")
    );
    let n = csv::Reader::from_reader(&c.body[3..]).records().count();
    assert_eq!(n, 4, "three units and the total");

    // A new year: January 2027 has only what is published then, 2026 stays as it was.
    // The demo's scheduled item falls due on the way: published now, not whenever the
    // scheduler's next tick happens to come.
    app.clock.advance(Duration::days(34));
    gongkai::publishing::review::due::publish_due(&app.state)
        .await
        .unwrap();
    publish_new(&app, "commerce", "work", "新年第一条", "正文").await;
    let admin = staff(&app, "st-sys", Role::Sysadmin, "gov").await;
    let page = admin.get("/admin/stats").await;
    let main = main_of(&page.body);
    assert!(main.contains("2027年 · 全区：共发布信息 2 条"), "{main}");
    let mut jan = [0; 12];
    jan[0] = 2;
    assert_eq!(row(main, "stats-months", "区商务局"), Some(with_total(jan)));
    let page = admin.get("/admin/stats?year=2026").await;
    assert_eq!(
        row(main_of(&page.body), "stats-months", "区商务局"),
        Some(with_total(expected["commerce"]))
    );
}

/// Writes an item for the main portal as a writer of `edu` and submits it.
async fn submitted(app: &TestApp, writer: &Client, title: &str) -> u64 {
    let ch = channel_id(app, "gov", "dept-news").to_string();
    let r = writer
        .post_form(
            "/admin/articles/new",
            "/admin/articles/new",
            &[
                ("title", title),
                ("source", "区文教体局"),
                ("body", "正文。"),
                ("channel", &ch),
                ("action", "submit"),
            ],
        )
        .await;
    item_id(&r)
}

#[tokio::test]
async fn review_turnaround_in_working_days_and_what_waits_now() {
    let app = demo_portal().await;
    // Monday 2026-11-30: five items submitted (the unit has its reviewer).
    app.clock.advance(Duration::days(2));
    staff(&app, "wf-rev-edu", Role::Reviewer, "edu").await;
    let writer = staff(&app, "st-edu-writer", Role::Reporter, "edu").await;
    let mut ids = Vec::new();
    for t in [
        "校园安全检查",
        "冬季体育活动",
        "图书馆开放时间",
        "暂缓一",
        "暂缓二",
    ] {
        ids.push(submitted(&app, &writer, t).await);
    }
    // Published after 1, 3 and 8 working days (Tue 1, Thu 3, Thu 10 December).
    app.clock.advance(Duration::days(1));
    publish_via_flow(&app, ids[0]).await;
    app.clock.advance(Duration::days(2));
    publish_via_flow(&app, ids[1]).await;
    app.clock.advance(Duration::days(7));
    publish_via_flow(&app, ids[2]).await;
    // One waits for the office, one still for its own unit.
    let rev = staff(&app, "wf-rev-edu", Role::Reviewer, "edu").await;
    assert_eq!(
        take(&rev, &app, ids[3], "approve_unit", &[]).await.status,
        303
    );

    let admin = staff(&app, "st-sys2", Role::Sysadmin, "gov").await;
    let page = admin.get("/admin/stats?year=2026").await;
    let main = main_of(&page.body);
    assert_eq!(
        row(main, "stats-turnaround", "区文教体局"),
        Some(vec!["3".into(), "3.0".into(), "4.0".into()]),
        "{main}"
    );
    assert_eq!(
        row(main, "stats-waiting", "区文教体局"),
        Some(
            vec!["1", "1", "0", "0", "2"]
                .into_iter()
                .map(String::from)
                .collect()
        )
    );
    // What waits in the whole district, counted from the store.
    let all = app
        .state
        .store
        .read(gongkai::portal::store::all_articles)
        .await
        .unwrap();
    let waiting = all
        .iter()
        .filter(|a| {
            let s = gongkai::publishing::review::instance_of(a).state;
            ["unit_review", "office_review", "approved", "scheduled"].contains(&s.as_str())
        })
        .count();
    let totals = main.split("id=\"stats-waiting\"").nth(1).unwrap();
    let totals = totals.split("<tfoot>").nth(1).unwrap();
    assert!(
        totals.contains(&format!("<td>{waiting}</td></tr></tfoot>")),
        "{waiting}: {totals}"
    );

    // The workbook has the same figures as numbers.
    let x = admin.get_bytes("/admin/stats.xlsx?year=2026", &[]).await;
    let mut wb = workbook(&x.body);
    let t = sheet(&mut wb, "审核用时");
    assert_eq!(text(&t[0][3]), "用时中位数（工作日）");
    let edu = t.iter().find(|r| text(&r[1]) == "edu").expect("edu's row");
    assert_eq!(
        edu[2..5].iter().map(num).collect::<Vec<_>>(),
        [3.0, 3.0, 4.0]
    );
    let w = sheet(&mut wb, "当前待办");
    let edu = w.iter().find(|r| text(&r[1]) == "edu").expect("edu's row");
    assert_eq!(
        edu[2..7].iter().map(num).collect::<Vec<_>>(),
        [1.0, 1.0, 0.0, 0.0, 2.0]
    );
    assert_eq!(num(&w.last().unwrap()[6]), waiting as f64);
}

#[tokio::test]
async fn who_sees_which_figures_and_bad_filters_are_told_in_chinese() {
    let app = demo_portal().await;
    // A writer sees none of it.
    let writer = staff(&app, "st-writer", Role::Reporter, "commerce").await;
    for path in ["/admin/stats", "/admin/stats.xlsx", "/admin/stats.csv"] {
        assert_eq!(writer.get(path).await.status, 403, "{path}");
    }
    let home = writer.get("/admin").await;
    assert!(!home.body.contains("/admin/stats"), "no tile, no link");

    // A unit's admin: that unit by default, no other unit, not the district.
    let ua = staff(&app, "st-commerce-admin", Role::UnitAdmin, "commerce").await;
    let page = ua.get("/admin/stats").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let main = main_of(&page.body);
    assert!(main.contains("· 区商务局：共发布信息"), "{main}");
    assert!(row(main, "stats-months", "东山街道办事处").is_none());
    assert!(!main.contains(">全区</option>"));
    assert_eq!(ua.get("/admin/stats?unit=sd-east").await.status, 403);
    assert_eq!(ua.get("/admin/stats.xlsx?unit=sd-east").await.status, 403);
    assert_eq!(ua.get("/admin/stats.csv?unit=commerce").await.status, 200);
    assert!(
        ua.get("/admin")
            .await
            .body
            .contains("href=\"/admin/stats\"")
    );

    // The office's admin sees the whole district (the office supervises every site).
    let office = staff(&app, "st-office-admin", Role::UnitAdmin, "office").await;
    let page = office.get("/admin/stats").await;
    assert_eq!(page.status, 200);
    assert!(main_of(&page.body).contains("· 全区：共发布信息"));
    assert_eq!(office.get("/admin/stats?unit=sd-east").await.status, 200);

    // Bad filters: said beside the field, never a crash.
    let admin = staff(&app, "st-sys3", Role::Sysadmin, "gov").await;
    let r = admin.get("/admin/stats?year=abc").await;
    assert_eq!(r.status, 422);
    assert!(
        r.body
            .contains("年度应为 2000 到 2100 之间的四位数字年份，如 2026"),
        "{}",
        r.body
    );
    assert!(r.body.contains("value=\"abc\""), "the input is kept");
    let r = admin.get("/admin/stats?unit=no-such").await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("没有代码为“no-such”的单位，请从列表中选择"));
    let r = admin.get("/admin/stats?unit=%3Cscript%3E").await;
    assert_eq!(r.status, 422);
    assert!(!r.body.contains("<script>"));
    let r = admin.get("/admin/stats?year=99999999999999999999").await;
    assert_eq!(r.status, 422);
    let r = admin.get("/admin/stats.xlsx?year=abc").await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("年度应为 2000 到 2100 之间"), "{}", r.body);
    let r = admin.get("/admin/stats.csv?unit=no-such").await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("没有代码为“no-such”的单位"));
    // A year with nothing published is a page of zeros.
    let r = admin.get("/admin/stats?year=2001").await;
    assert_eq!(r.status, 200);
    assert!(main_of(&r.body).contains("2001年 · 全区：共发布信息 0 条"));
}
