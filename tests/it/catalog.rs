//! 公开目录: index numbers (unique under concurrent publishing, never reused, frozen, the
//! credit code when entered), the catalog fields' checks beside their fields, the catalog's
//! filters, its downloads read back, and the 20-working-day flag across a holiday.

use std::io::Cursor;
use std::sync::Arc;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use gongkai::auth::model::{Role, UnitCode};
use gongkai::portal::model::{Article, DisclosureMeta};
use time::{Date, Duration};

use crate::helpers::{
    Client, TestApp, channel_id, demo_portal, main_of, publish_new, staff, stored,
};

/// 2026-11-28 (where `demo_portal` leaves the clock) + 40 days: 2027-01-07 in Beijing, so a
/// unit's serials start again.
fn into_2027(app: &TestApp) {
    app.clock.advance(Duration::days(40));
}

/// An item of `site` in its channel `slug`, approved and waiting to be published (seeded in
/// the store, as if its reviews were done).
async fn approved_item(
    app: &TestApp,
    site: &str,
    slug: &str,
    title: &str,
    meta: DisclosureMeta,
) -> u64 {
    let st = app.state.clone();
    let channel = channel_id(app, site, slug);
    let (site, title) = (site.to_owned(), title.to_owned());
    tokio::task::spawn_blocking(move || {
        let unit = UnitCode::parse(&site).unwrap();
        let mut a = Article {
            title,
            source: "测试".into(),
            body_html: "<p>正文。</p>".into(),
            unit: Some(unit.clone()),
            meta,
            ..Article::blank(channel, unit, "test")
        };
        let mut f = gongkai::publishing::review::instance_of(&a);
        f.state = "approved".into();
        a.flow = Some(f);
        let now = st.now_ms();
        st.store
            .write_blocking(|t| gongkai::publishing::store::save_article(t, a, 0, now))
            .unwrap()
            .id
    })
    .await
    .unwrap()
}

/// Publishes over HTTP as the item page's 发布 button does.
async fn publish(c: &Client, app: &TestApp, id: u64) {
    let r = crate::helpers::take(c, app, id, "publish", &[]).await;
    assert_eq!(r.status, 303, "publish {id}: {}", r.body);
}

fn serial_of(no: &str) -> u32 {
    no.rsplit('-').next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn index_numbers_are_unique_and_consecutive_under_concurrent_publishing() {
    let app = demo_portal().await;
    into_2027(&app);
    let mut ids = Vec::new();
    for i in 0..12 {
        ids.push(
            approved_item(
                &app,
                "commerce",
                "work",
                &format!("并发发布测试信息{i}"),
                Default::default(),
            )
            .await,
        );
    }
    let c = Arc::new(staff(&app, "cat-pub", Role::Publisher, "commerce").await);
    let token = c.get("/account").await.csrf();
    let mut set = tokio::task::JoinSet::new();
    for id in ids.clone() {
        let rev = stored(&app, id).await.revision.to_string();
        let (c, token) = (c.clone(), token.clone());
        set.spawn(async move {
            let r = c
                .post_raw(
                    &format!("/admin/articles/{id}/flow"),
                    &[
                        ("csrf", &token),
                        ("transition", "publish"),
                        ("revision", &rev),
                    ],
                )
                .await;
            assert_eq!(r.status, 303, "{}", r.body);
        });
    }
    while let Some(r) = set.join_next().await {
        r.unwrap();
    }
    let mut serials = Vec::new();
    for id in &ids {
        let a = stored(&app, *id).await;
        assert!(a.is_public());
        // 区商务局 has no 统一社会信用代码 in the demo: its unit code stands in.
        assert!(
            a.meta.index_no.starts_with("commerce/2027-"),
            "{}",
            a.meta.index_no
        );
        assert_eq!(a.meta.issuer, "区商务局", "发文机关 defaults to the unit");
        serials.push(serial_of(&a.meta.index_no));
    }
    serials.sort();
    assert_eq!(serials, (1..=12).collect::<Vec<_>>());
    app.stop().await;
}

#[tokio::test]
async fn the_credit_code_starts_the_number_when_entered() {
    let app = demo_portal().await;
    // The demo district government has a credit code; its items use it.
    let a = publish_new(
        &app,
        "gov",
        "notices",
        "关于开展政务公开日活动的通知",
        "正文。",
    )
    .await;
    assert!(
        a.meta.index_no.starts_with("11320100MB1234567A/2026-"),
        "{}",
        a.meta.index_no
    );
    let demo_gov_item = stored(&app, 1).await;
    assert!(
        demo_gov_item
            .meta
            .index_no
            .starts_with("11320100MB1234567A/")
    );
    app.stop().await;
}

#[tokio::test]
async fn numbers_are_frozen_and_never_reused_after_withdrawal() {
    let app = demo_portal().await;
    into_2027(&app);
    let c = staff(&app, "cat-pub2", Role::Publisher, "commerce").await;
    let first = approved_item(&app, "commerce", "work", "撤稿前的信息", Default::default()).await;
    publish(&c, &app, first).await;
    let no = stored(&app, first).await.meta.index_no;
    assert_eq!(no, "commerce/2027-00001");

    // The editor cannot change it: a correction that sends another number keeps the old one.
    let work = channel_id(&app, "commerce", "work").to_string();
    let rev = stored(&app, first).await.revision.to_string();
    let r = c
        .post_form(
            &format!("/admin/articles/{first}"),
            &format!("/admin/articles/{first}"),
            &[
                ("revision", &rev),
                ("title", "撤稿前的信息（更正）"),
                ("source", "区商务局"),
                ("body", "正文。"),
                ("channel", &work),
                ("index_no", "commerce/2027-99999"),
                ("correct_note", "标题更正"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(stored(&app, first).await.meta.index_no, no);
    // The form shows it read-only.
    let form = c.get(&format!("/admin/articles/{first}")).await;
    assert!(
        form.body.contains(&format!(
            "id=\"f-index_no\" type=\"text\" readonly value=\"{no}\""
        )),
        "{}",
        form.body
    );

    // Listed (the catalog keeps its rows between requests from here on)…
    let page = app.client().get("/u/commerce/gk/catalog").await;
    assert!(page.body.contains("撤稿前的信息"), "{}", page.body);
    // Withdrawn: the number stays with the item and in the register.
    let r = crate::helpers::take(&c, &app, first, "withdraw", &[("comment", "内容有误")]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let a = stored(&app, first).await;
    assert!(!a.is_public());
    assert_eq!(a.meta.index_no, no);
    let n = no.clone();
    let holder = app
        .state
        .store
        .read(move |t| gongkai::publishing::catalog::index_no::item_of(t, &n))
        .await
        .unwrap();
    assert_eq!(holder, Some(first));
    // The next item gets the next serial, never the withdrawn one's.
    let second = approved_item(&app, "commerce", "work", "撤稿后的信息", Default::default()).await;
    publish(&c, &app, second).await;
    assert_eq!(
        stored(&app, second).await.meta.index_no,
        "commerce/2027-00002"
    );
    // The withdrawn item leaves the catalog at once, and the new one is in it.
    let page = app.client().get("/u/commerce/gk/catalog").await;
    assert!(!page.body.contains("撤稿前的信息"));
    assert!(page.body.contains("撤稿后的信息"));
    app.stop().await;
}

/// The form's error beside `field` (its `-err` paragraph or list).
fn error_of<'a>(body: &'a str, field: &str) -> &'a str {
    let marker = format!("id=\"f-{field}-err\"");
    let i = body
        .find(&marker)
        .unwrap_or_else(|| panic!("no error beside {field}: {}", main_of(body)));
    let rest = &body[i..];
    &rest[..rest.find("</p>").unwrap_or(rest.len())]
}

#[tokio::test]
async fn bad_doc_numbers_and_dates_are_refused_beside_their_fields() {
    let app = demo_portal().await;
    let c = staff(&app, "cat-writer", Role::Reporter, "commerce").await;
    let work = channel_id(&app, "commerce", "work").to_string();
    let post = |fields: Vec<(&'static str, &'static str)>| {
        let (c, work) = (&c, work.clone());
        async move {
            let mut f = vec![
                ("title", "关于加强商贸领域安全管理的通知"),
                ("source", "区商务局"),
                ("body", "正文。"),
                ("channel", work.as_str()),
                ("action", "save"),
            ];
            f.extend(fields);
            c.post_form("/admin/articles/new", "/admin/articles/new", &f)
                .await
        }
    };
    let r = post(vec![
        ("doc_no", "示商发[2026]3号"),
        ("written_date", "2026-02-30"),
        ("changed_date", "2026/03/01"),
        ("validity", "废止"),
    ])
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    let e = error_of(&r.body, "doc_no");
    assert!(
        e.contains("六角括号") && e.contains("东政办发〔2026〕12号"),
        "{e}"
    );
    assert!(error_of(&r.body, "written_date").contains("真实的日期"));
    assert!(error_of(&r.body, "changed_date").contains("2026-11-26 的格式"));
    assert!(error_of(&r.body, "validity_date").contains("废止日期"));
    // What was typed comes back.
    assert!(r.body.contains("value=\"示商发[2026]3号\""));

    let r = post(vec![("doc_no", "示商发〔2026〕3")]).await;
    assert_eq!(r.status, 422);
    assert!(error_of(&r.body, "doc_no").contains("以“号”结尾"));
    let r = post(vec![("genre", "不存在的体裁")]).await;
    assert_eq!(r.status, 422);
    assert!(error_of(&r.body, "genre").contains("体裁分类表"));

    let r = post(vec![
        ("doc_no", "示商发〔2026〕3号"),
        ("issuer", "示范区商务局"),
        ("written_date", "2026-11-20"),
        ("topic", "商贸、海关、旅游\\国内贸易（含供销）"),
        ("genre", "通知"),
        ("category", "行政法规、规章和规范性文件"),
        ("normative", "行政规范性文件"),
        ("validity", "废止"),
        ("validity_date", "2026-11-25"),
        ("mode", "主动公开"),
    ])
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let id: u64 = r
        .location()
        .unwrap()
        .trim_start_matches("/admin/articles/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let m = stored(&app, id).await.meta;
    assert_eq!(m.doc_no, "示商发〔2026〕3号");
    assert_eq!(
        (m.validity.as_str(), m.validity_date.as_str()),
        ("废止", "2026-11-25")
    );
    assert_eq!(m.normative, "行政规范性文件");
    assert_eq!(m.index_no, "", "given only at publication");
    // Saving again keeps every field (the form carries them all).
    let form = c.get(&format!("/admin/articles/{id}")).await;
    assert!(
        form.body
            .contains("<option value=\"通知\" selected>通知</option>"),
        "the genre is selected"
    );
    app.stop().await;
}

/// The catalog table's rows: the text of each cell.
fn table_rows(body: &str) -> Vec<Vec<String>> {
    let Some(i) = body.find("gk-catalog") else {
        return Vec::new();
    };
    let t = &body[i..];
    let t = &t[t.find("<tbody>").unwrap()..t.find("</tbody>").unwrap()];
    t.split("<tr>")
        .skip(1)
        .map(|tr| {
            tr.split("<td")
                .skip(1)
                .map(|td| {
                    let inner = &td[td.find('>').unwrap() + 1..td.find("</td>").unwrap()];
                    let mut out = String::new();
                    let mut in_tag = false;
                    for ch in inner.chars() {
                        match ch {
                            '<' => in_tag = true,
                            '>' => in_tag = false,
                            c if !in_tag => out.push(c),
                            _ => {}
                        }
                    }
                    out.replace("&quot;", "\"")
                        .replace("&amp;", "&")
                        .replace("&lt;", "<")
                        .replace("&gt;", ">")
                })
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn the_catalog_browses_filters_and_searches() {
    let app = demo_portal().await;
    let c = app.client();
    let all = c.get("/gk/catalog").await;
    assert_eq!(all.status, 200, "{}", all.body);
    let rows = table_rows(&all.body);
    assert!(rows.len() >= 15, "{rows:?}");
    // Newest first, each with its number, name, 发布机构 and date.
    assert!(
        rows.iter()
            .all(|r| r.len() == 6 && !r[0].is_empty() && !r[5].is_empty())
    );
    let dates: Vec<&String> = rows.iter().map(|r| &r[5]).collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted);
    // Every filter is a labelled field of a GET form.
    for (id, label) in [
        ("f-topic", "主题分类"),
        ("f-genre", "体裁分类"),
        ("f-unit", "发布机构"),
        ("f-year", "发布年份"),
        ("f-category", "目录类别"),
        ("f-validity", "有效性"),
        ("f-q", "关键词"),
    ] {
        assert!(
            all.body.contains(&format!("<label for=\"{id}\">{label}")),
            "{id}"
        );
    }

    let genre = table_rows(&c.get("/gk/catalog?genre=%E9%80%9A%E7%9F%A5").await.body);
    assert!(!genre.is_empty());
    assert!(genre.iter().any(|r| r[1].contains("城市道路挖掘管理办法")));
    assert!(genre.iter().all(|r| !r[1].contains("常务会议")));

    let gone = table_rows(&c.get("/gk/catalog?validity=%E5%BA%9F%E6%AD%A2").await.body);
    assert_eq!(gone.len(), 1, "{gone:?}");
    assert!(gone[0][1].contains("最低生活保障"));
    assert_eq!(gone[0][2], "示政发〔2019〕8号");

    // A top-level subject includes its sub-classes.
    let fin = table_rows(&c.get("/gk/catalog?topic=%E8%B4%A2%E6%94%BF%E3%80%81%E9%87%91%E8%9E%8D%E3%80%81%E5%AE%A1%E8%AE%A1").await.body);
    assert_eq!(fin.len(), 1, "{fin:?}");
    assert!(fin[0][1].contains("部门预算"));

    // The text box searches 文号 as well as names.
    let q = table_rows(
        &c.get("/gk/catalog?q=%E7%A4%BA%E5%95%86%E5%8F%91")
            .await
            .body,
    );
    assert_eq!(q.len(), 1, "{q:?}");
    assert_eq!(q[0][2], format!("示商发〔{}〕15号", &q[0][4][..4]));

    // One unit: on /gk/ by the filter, and on the unit's own area.
    let commerce = table_rows(&c.get("/gk/catalog?unit=commerce").await.body);
    let own = table_rows(&c.get("/u/commerce/gk/catalog").await.body);
    assert_eq!(commerce, own);
    assert!(!own.is_empty() && own.iter().all(|r| r[0].starts_with("commerce/")));

    // A bad year is named beside its field.
    let bad = c.get("/gk/catalog?year=20x6").await;
    assert_eq!(bad.status, 422);
    assert!(error_of(&bad.body, "year").contains("四位数字"));

    // The two columns built from the catalog.
    let rules = c.get("/gk/rules").await;
    assert_eq!(rules.status, 200);
    assert!(rules.body.contains("政府信息公开工作制度"));
    let statutory = c.get("/gk/statutory").await;
    assert_eq!(statutory.status, 200);
    let link = "/gk/catalog?category=%E7%A4%BE%E4%BC%9A%E6%95%91%E5%8A%A9";
    assert!(
        statutory
            .body
            .contains(&format!("href=\"{link}\">社会救助</a>")),
        "{}",
        main_of(&statutory.body)
    );
    assert!(table_rows(&c.get(link).await.body)[0][1].contains("最低生活保障"));
    // A unit without disclosure duty has no area.
    assert_eq!(c.get("/u/water/gk/catalog").await.status, 404);
    app.stop().await;
}

fn cell(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

#[tokio::test]
async fn the_downloads_read_back_equal_the_page() {
    let app = demo_portal().await;
    let c = app.client();
    let filter = "genre=%E9%80%9A%E7%9F%A5";
    let page = table_rows(&c.get(&format!("/gk/catalog?{filter}")).await.body);
    assert!(page.len() >= 3);

    let x = c
        .get_bytes(&format!("/gk/catalog.xlsx?{filter}"), &[])
        .await;
    assert_eq!(x.status, 200);
    let cd = x.headers["content-disposition"].to_str().unwrap();
    assert!(
        cd.starts_with(
            "attachment; filename=\"catalog-gov.xlsx\"; filename*=UTF-8''%E6%94%BF%E5%BA%9C"
        ),
        "{cd}"
    );
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(x.body)).expect("an xlsx file");
    let range = wb.worksheet_range("政府信息公开目录").expect("the sheet");
    let mut sheet: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(cell).collect()).collect();
    let header = sheet.remove(0);
    assert_eq!(
        &header[..6],
        ["索引号", "名称", "文号", "发布机构", "成文日期", "发布日期"]
    );
    let sheet6: Vec<Vec<String>> = sheet.iter().map(|r| r[..6].to_vec()).collect();
    assert_eq!(sheet6, page);
    assert!(sheet.iter().all(|r| r[7] == "通知"));

    let v = c.get_bytes(&format!("/gk/catalog.csv?{filter}"), &[]).await;
    assert_eq!(v.status, 200);
    assert!(
        v.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        v.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("filename*=UTF-8''")
    );
    assert!(v.body.starts_with(b"\xEF\xBB\xBF"), "a BOM for Excel");
    let mut rd = csv::Reader::from_reader(&v.body[3..]);
    let csv_rows: Vec<Vec<String>> = rd
        .records()
        .map(|r| r.unwrap().iter().take(6).map(str::to_owned).collect())
        .collect();
    assert_eq!(csv_rows, page);
    // The filters' errors answer 400 for a file.
    assert_eq!(c.get("/gk/catalog.csv?year=abc").await.status, 400);
    app.stop().await;
}

/// The latest date `d` whose working days to `to` number exactly `n`.
fn back(cal: &gongkai::calendar::WorkCalendar, to: Date, n: u32) -> Date {
    let mut d = to;
    while cal.workdays_between(d, to) < n {
        d = d.previous_day().unwrap();
    }
    d
}

#[tokio::test]
async fn items_published_over_20_working_days_late_are_flagged_across_a_holiday() {
    let app = demo_portal().await;
    // 2027 is not built in yet: the office enters its New Year holiday.
    let edit = gongkai::calendar::CalendarEdit::parse("2027-01-01~2027-01-03 休 元旦\n").unwrap();
    app.state
        .set_calendar(gongkai::calendar::WorkCalendar::builtin().with_years_replaced(&edit));
    app.clock.advance(Duration::days(53));
    let cal = app.state.calendar();
    let today = time::macros::date!(2027 - 01 - 20);
    assert_eq!(
        gongkai::publishing::catalog::late::beijing_date(app.state.now_ms()),
        today
    );
    let on_time = back(&cal, today, 20);
    let late = back(&cal, today, 21);
    // Without the holiday the on-time item would count 21 weekdays.
    let weekdays = gongkai::calendar::WorkCalendar::empty().workdays_between(on_time, today);
    assert_eq!(
        weekdays, 21,
        "the holiday lies between {on_time} and {today}"
    );

    let office = staff(&app, "cat-office-admin", Role::UnitAdmin, "office").await;
    let publisher = staff(&app, "cat-pub3", Role::Publisher, "commerce").await;
    let meta = |d: Date| DisclosureMeta {
        written_date: gongkai::calendar::iso(d),
        ..Default::default()
    };
    let a = approved_item(&app, "commerce", "notices", "按时公开的通知", meta(on_time)).await;
    let b = approved_item(&app, "commerce", "notices", "超期公开的通知", meta(late)).await;
    // 形成或变更日期 counts instead of 成文日期 when given.
    let changed = DisclosureMeta {
        changed_date: gongkai::calendar::iso(on_time),
        ..meta(late)
    };
    let d = approved_item(&app, "commerce", "notices", "变更后按时公开的通知", changed).await;
    for id in [a, b, d] {
        publish(&publisher, &app, id).await;
    }
    for c in [&office, &publisher] {
        let n = c.get("/admin/notifications").await.body;
        assert!(n.contains("超期公开：超期公开的通知"), "{}", main_of(&n));
        assert!(n.contains("相隔 21 个工作日"));
        assert!(!n.contains("超期公开：按时公开的通知"));
        assert!(!n.contains("超期公开：变更后按时公开的通知"));
    }
    let items = gongkai::publishing::catalog::late::late_items(&app.state, None, 2027)
        .await
        .unwrap();
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!((items[0].id, items[0].workdays), (b, 21));
    assert_eq!(items[0].formed, gongkai::calendar::iso(late));
    assert_eq!(items[0].published, "2027-01-20");
    assert_eq!(items[0].unit_name, "区商务局");
    let commerce = UnitCode::parse("commerce").unwrap();
    assert_eq!(
        gongkai::publishing::catalog::late::late_items(&app.state, Some(commerce), 2026)
            .await
            .unwrap(),
        vec![]
    );
    app.stop().await;
}

#[tokio::test]
async fn the_item_page_is_headed_by_its_catalog_table() {
    let app = demo_portal().await;
    let c = app.client();
    let rows = table_rows(&c.get("/gk/catalog?validity=%E5%BA%9F%E6%AD%A2").await.body);
    let all = c.get("/gk/catalog?validity=%E5%BA%9F%E6%AD%A2").await.body;
    let href = all
        .split("<td class=\"card-title\"><a href=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    let page = c.get(&href).await.body;
    let table = &page[page.find("<table class=\"doc-meta\">").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    assert!(table.contains("<caption class=\"visually-hidden\">政府信息公开目录信息</caption>"));
    for (th, td) in [
        ("索引号", rows[0][0].as_str()),
        ("文号", "示政发〔2019〕8号"),
        ("有效性", "废止（2026-06-30）"),
        ("体裁分类", "通知"),
        ("主题分类", "民政、扶贫、救灾\\社会福利"),
    ] {
        assert!(
            table.contains(&format!("<th scope=\"row\">{th}</th><td>{td}</td>")),
            "{th}: {table}"
        );
    }
    assert!(page.find("doc-meta").unwrap() < page.find("<h1").unwrap());
    app.stop().await;
}

#[tokio::test]
async fn the_code_tables_are_edited_as_text_with_errors_by_line() {
    let app = demo_portal().await;
    let admin = staff(&app, "cat-office-rev", Role::Reviewer, "office").await;
    let form = admin.get("/admin/gk/codes").await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("综合政务\\政务公开"));
    let r = admin
        .post_form(
            "/admin/gk/codes",
            "/admin/gk/codes",
            &[
                ("topic", "综合政务\n教育\\学前教育\n"),
                ("genre", "通知\n通知\n"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(error_of(&r.body, "topic").contains("第 2 行"));
    assert!(r.body.contains("第 2 行：“通知”重复"));
    let r = admin
        .post_form(
            "/admin/gk/codes",
            "/admin/gk/codes",
            &[
                ("topic", "综合政务\n综合政务\\政务公开\n教育\n"),
                ("genre", "通知\n决定\n专报\n"),
            ],
        )
        .await;
    assert_eq!(
        r.location(),
        Some("/admin/gk/codes?done=saved"),
        "{}",
        r.body
    );
    let rec = app
        .state
        .store
        .read(|t| gongkai::auth::audit::page(t, None, 1))
        .await
        .unwrap()
        .remove(0);
    assert_eq!(
        (rec.action.as_str(), rec.user.as_str()),
        ("gk_codes_update", "cat-office-rev")
    );
    assert!(rec.detail.contains("专报"), "{}", rec.detail);
    // The editor offers the new tables.
    let writer = staff(&app, "cat-writer2", Role::Reporter, "commerce").await;
    let f = writer.get("/admin/articles/new").await.body;
    assert!(f.contains("<option value=\"专报\">专报</option>"));
    assert!(!f.contains("<option value=\"意见\">"));
    // A commerce writer may not edit the tables.
    assert_eq!(writer.get("/admin/gk/codes").await.status, 403);
    app.stop().await;
}
