//! 年度报告: a fixture of requests across 2024 and 2025 (carry-over both ways, every outcome
//! group, every applicant kind, 复议 and 诉讼 cases, a voided request) and normative items
//! (Beijing dates at the year's edge, 废止/失效 with dates), against tables 二, 三 and 四
//! computed by hand, cell by cell, from the published page and from the workbook read back.
//! A hand adjustment that breaks a column's check blocks 定稿 with the check named; so does
//! a carry-over that does not match last year's finalised report. The district's roll-up is
//! the sum of the units. The test clock starts on 2026-11-26, so 2025 is over and 2026 not.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use gongkai::auth::model::{Role, UnitCode};
use gongkai::disclosure::requests::model::{
    Applicant, ApplicantKind, Case, CaseKind, CaseResult, Channel, Delivery, DisclosureRequest,
    Medium, Wanted, Way,
};
use gongkai::disclosure::requests::outcome::Outcome;
use gongkai::portal::model::{Article, ArticleState};
use time::{Date, Month};

use crate::helpers::{Client, Resp, TestApp, staff};

fn day(y: i32, m: u8, d: u8) -> Date {
    Date::from_calendar_date(y, Month::try_from(m).unwrap(), d).unwrap()
}

fn case(kind: CaseKind, result: CaseResult, filed: Date) -> Case {
    Case {
        kind,
        result,
        body: "复议机关".into(),
        filed_on: filed,
        decided_on: None,
        note: String::new(),
        recorded_by: "t".into(),
    }
}

struct R {
    unit: &'static str,
    kind: ApplicantKind,
    received: Option<Date>,
    closed: Option<(Date, &'static str)>,
    cases: Vec<Case>,
}

fn request(id: u64, r: R) -> DisclosureRequest {
    DisclosureRequest {
        id,
        unit: UnitCode::parse(r.unit).unwrap(),
        tracking_code: format!("T{id:08}"),
        password_hash: String::new(),
        channel: Channel::Online,
        submitted_ms: 0,
        confirmed_ms: None,
        received_on: r.received,
        applicant: Applicant {
            kind: r.kind,
            name: "申请人".into(),
            id_kind: "居民身份证".into(),
            id_number: "110101199001011234".into(),
            representative: String::new(),
            contact_person: String::new(),
            phone: "13800000000".into(),
            email: String::new(),
            address: String::new(),
            postcode: String::new(),
            proof: Vec::new(),
        },
        wanted: Wanted {
            name: String::new(),
            doc_no: String::new(),
            description: "所需信息".into(),
        },
        delivery: Delivery {
            medium: Medium::Electronic,
            way: Way::Email,
        },
        flow: gongkai::flow::Instance::new(gongkai::disclosure::requests::flow::definition()),
        clock: r.received.map(|d| gongkai::calendar::Clock::new(d, 20)),
        correction: None,
        consultations: Vec::new(),
        extension: None,
        reply: None,
        closed_on: r.closed.map(|c| c.0),
        outcome: r.closed.map(|c| Outcome::parse(c.1).unwrap()),
        cases: r.cases,
    }
}

fn requests() -> Vec<DisclosureRequest> {
    use ApplicantKind::{Business, Charity, Legal, Other, Person, Research};
    use CaseKind::{DirectSuit, Reconsideration, SuitAfterReconsideration};
    use CaseResult::{Corrected, Pending, Upheld};
    let r = |unit, kind, received: Option<Date>, closed: Option<(Date, &'static str)>| R {
        unit,
        kind,
        received,
        closed,
        cases: Vec::new(),
    };
    let mut v = vec![
        // 单位sw
        R {
            cases: vec![case(SuitAfterReconsideration, Corrected, day(2024, 6, 1))],
            ..r(
                "sw",
                Person,
                Some(day(2024, 3, 1)),
                Some((day(2024, 3, 20), "1")),
            )
        },
        r(
            "sw",
            Person,
            Some(day(2024, 12, 10)),
            Some((day(2025, 1, 8), "1")),
        ),
        R {
            cases: vec![case(Reconsideration, Upheld, day(2025, 2, 10))],
            ..r(
                "sw",
                Business,
                Some(day(2024, 12, 20)),
                Some((day(2025, 1, 15), "3.4")),
            )
        },
        R {
            cases: vec![case(Reconsideration, Corrected, day(2025, 3, 5))],
            ..r(
                "sw",
                Person,
                Some(day(2025, 2, 1)),
                Some((day(2025, 2, 20), "2")),
            )
        },
        r(
            "sw",
            Research,
            Some(day(2025, 3, 1)),
            Some((day(2025, 3, 25), "4.1")),
        ),
        r(
            "sw",
            Charity,
            Some(day(2025, 4, 1)),
            Some((day(2025, 4, 10), "5.2")),
        ),
        r(
            "sw",
            Legal,
            Some(day(2025, 5, 1)),
            Some((day(2025, 6, 1), "6.1")),
        ),
        r("sw", Other, Some(day(2025, 12, 15)), None),
        r(
            "sw",
            Person,
            Some(day(2025, 12, 20)),
            Some((day(2026, 1, 10), "1")),
        ),
        // Never received (voided): counted nowhere.
        r("sw", Person, None, None),
        R {
            cases: vec![case(DirectSuit, Pending, day(2025, 8, 1))],
            ..r(
                "sw",
                Business,
                Some(day(2025, 6, 1)),
                Some((day(2025, 6, 30), "3.1")),
            )
        },
        r("sw", Person, Some(day(2026, 1, 5)), None),
        // 单位jy
        R {
            cases: vec![case(
                SuitAfterReconsideration,
                CaseResult::Other,
                day(2025, 10, 1),
            )],
            ..r(
                "jy",
                Person,
                Some(day(2025, 7, 1)),
                Some((day(2025, 7, 15), "5.1")),
            )
        },
        r(
            "jy",
            Business,
            Some(day(2024, 11, 1)),
            Some((day(2025, 1, 5), "6.3")),
        ),
        r("jy", Person, Some(day(2025, 11, 20)), None),
        // The district government's own.
        r(
            "gov",
            Person,
            Some(day(2025, 1, 10)),
            Some((day(2025, 1, 20), "4.2")),
        ),
    ];
    v.drain(..)
        .enumerate()
        .map(|(i, r)| request(i as u64 + 1, r))
        .collect()
}

/// (owner, 文件属性, published at (UTC ms), 有效性, its date, public)
fn items() -> Vec<(
    &'static str,
    &'static str,
    i64,
    &'static str,
    &'static str,
    bool,
)> {
    let at = |y: i32, m: u8, d: u8, h: u8| {
        gongkai::clock::to_ms(day(y, m, d).with_hms(h, 0, 0).unwrap().assume_utc())
    };
    vec![
        ("sw", "行政规范性文件", at(2025, 3, 1, 2), "有效", "", true),
        (
            "sw",
            "行政规范性文件",
            at(2023, 5, 1, 2),
            "废止",
            "2025-06-30",
            true,
        ),
        (
            "sw",
            "行政规范性文件",
            at(2022, 1, 1, 2),
            "失效",
            "2026-02-01",
            true,
        ),
        ("sw", "行政规范性文件", at(2026, 1, 10, 2), "", "", true),
        ("sw", "行政规范性文件", at(2025, 4, 1, 2), "", "", false),
        (
            "sw",
            "行政规范性文件",
            at(2024, 2, 1, 2),
            "已废止",
            "2024-12-01",
            true,
        ),
        // 17:00 UTC on 31 December is 1 January in Beijing: 2026's.
        ("gov", "规章", at(2025, 12, 31, 17), "", "", true),
        // 15:00 UTC is 23:00 in Beijing: still 2025's.
        ("gov", "规章", at(2025, 12, 31, 15), "有效", "", true),
        ("sw", "", at(2025, 5, 5, 2), "", "", true),
    ]
}

pub(crate) async fn fixture(app: &TestApp) {
    app.ensure_unit("sw").await;
    app.ensure_unit("jy").await;
    let st = app.state.clone();
    tokio::task::spawn_blocking(move || {
        st.store
            .write_blocking(|txn| {
                for r in requests() {
                    gongkai::disclosure::requests::store::put(txn, &r)?;
                }
                for (owner, normative, at, validity, date, public) in items() {
                    let mut a = Article::blank(0, UnitCode::parse(owner).unwrap(), "t");
                    a.title = format!("{normative}{at}");
                    a.meta.normative = normative.into();
                    a.meta.validity = validity.into();
                    a.meta.validity_date = date.into();
                    let a = gongkai::publishing::store::save_article(txn, a, 0, at)?;
                    if public {
                        let p = gongkai::publishing::store::publish(txn, a.id, at)?;
                        assert_eq!(p.publish_ms, Some(at));
                        assert_eq!(p.state, ArticleState::Published);
                    }
                }
                Ok(())
            })
            .unwrap();
    })
    .await
    .unwrap();
}

type T3 = BTreeMap<&'static str, [u64; 7]>;

/// Table 三 of 单位sw for 2025, by hand. Columns: 自然人, 商业企业, 科研机构, 社会公益组织,
/// 法律服务机构, 其他, 总计.
fn sw_t3() -> T3 {
    BTreeMap::from([
        ("new", [2, 1, 1, 1, 1, 1, 7]),
        ("carried", [1, 1, 0, 0, 0, 0, 2]),
        ("1", [1, 0, 0, 0, 0, 0, 1]),
        ("2", [1, 0, 0, 0, 0, 0, 1]),
        ("3.1", [0, 1, 0, 0, 0, 0, 1]),
        ("3.4", [0, 1, 0, 0, 0, 0, 1]),
        ("4.1", [0, 0, 1, 0, 0, 0, 1]),
        ("5.2", [0, 0, 0, 1, 0, 0, 1]),
        ("6.1", [0, 0, 0, 0, 1, 0, 1]),
        ("total", [2, 2, 1, 1, 1, 0, 7]),
        ("forward", [1, 0, 0, 0, 0, 1, 2]),
    ])
}

fn jy_t3() -> T3 {
    BTreeMap::from([
        ("new", [2, 0, 0, 0, 0, 0, 2]),
        ("carried", [0, 1, 0, 0, 0, 0, 1]),
        ("5.1", [1, 0, 0, 0, 0, 0, 1]),
        ("6.3", [0, 1, 0, 0, 0, 0, 1]),
        ("total", [1, 1, 0, 0, 0, 0, 2]),
        ("forward", [1, 0, 0, 0, 0, 0, 1]),
    ])
}

/// The district government's own requests.
fn gov_t3() -> T3 {
    BTreeMap::from([
        ("new", [1, 0, 0, 0, 0, 0, 1]),
        ("4.2", [1, 0, 0, 0, 0, 0, 1]),
        ("total", [1, 0, 0, 0, 0, 0, 1]),
    ])
}

/// The district's table 三, by hand (not by adding the three above: that is checked too).
fn district_t3() -> T3 {
    BTreeMap::from([
        ("new", [5, 1, 1, 1, 1, 1, 10]),
        ("carried", [1, 2, 0, 0, 0, 0, 3]),
        ("1", [1, 0, 0, 0, 0, 0, 1]),
        ("2", [1, 0, 0, 0, 0, 0, 1]),
        ("3.1", [0, 1, 0, 0, 0, 0, 1]),
        ("3.4", [0, 1, 0, 0, 0, 0, 1]),
        ("4.1", [0, 0, 1, 0, 0, 0, 1]),
        ("4.2", [1, 0, 0, 0, 0, 0, 1]),
        ("5.1", [1, 0, 0, 0, 0, 0, 1]),
        ("5.2", [0, 0, 0, 1, 0, 0, 1]),
        ("6.1", [0, 0, 0, 0, 1, 0, 1]),
        ("6.3", [0, 1, 0, 0, 0, 0, 1]),
        ("total", [4, 3, 1, 1, 1, 0, 10]),
        ("forward", [2, 0, 0, 0, 0, 1, 3]),
    ])
}

const COLS: [&str; 7] = [
    "person", "business", "research", "charity", "legal", "other", "total",
];

const ROW_IDS: [&str; 25] = [
    "new", "carried", "1", "2", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7", "3.8", "4.1",
    "4.2", "4.3", "5.1", "5.2", "5.3", "5.4", "5.5", "6.1", "6.2", "6.3", "total", "forward",
];

fn expected(t: &T3, row: &str) -> [u64; 7] {
    t.get(row).copied().unwrap_or([0; 7])
}

/// The number in `<td data-cell="{key}">n</td>`.
fn cell(body: &str, key: &str) -> u64 {
    let marker = format!("data-cell=\"{key}\">");
    let i = body
        .find(&marker)
        .unwrap_or_else(|| panic!("no cell {key}"))
        + marker.len();
    let end = body[i..].find('<').unwrap() + i;
    body[i..end].parse().unwrap()
}

fn assert_page_t3(body: &str, t: &T3, what: &str) {
    for row in ROW_IDS {
        for (c, col) in COLS.iter().enumerate() {
            assert_eq!(
                cell(body, &format!("{row}:{col}")),
                expected(t, row)[c],
                "{what}: table 三 row {row} column {col}"
            );
        }
    }
}

fn assert_page_t4(body: &str, want: [u64; 15], what: &str) {
    for (i, n) in want.iter().enumerate() {
        assert_eq!(
            cell(body, &format!("t4:{i}")),
            *n,
            "{what}: table 四 cell {i}"
        );
    }
}

/// Table 四 of 单位sw for 2025: 复议 维持 1 (sw-3), 纠正 1 (sw-4); 直接起诉 尚未审结 1 (sw-11);
/// the 2024 case of sw-1 does not count.
const SW_T4: [u64; 15] = [1, 1, 0, 0, 2, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0];
/// The district adds jy's 复议后起诉 with 其他结果.
const DISTRICT_T4: [u64; 15] = [1, 1, 0, 0, 2, 0, 0, 0, 1, 1, 0, 0, 1, 0, 1];

const STAFF: &str = "/admin/gk/reports";

async fn post(c: &Client, page: &str, path: &str, fields: &[(&str, &str)]) -> Resp {
    c.post_form(page, path, fields).await
}

async fn save(c: &Client, unit: &str, year: i32, fields: &[(&str, &str)]) -> Resp {
    let page = format!("{STAFF}/{unit}/{year}");
    post(c, &page, &page, fields).await
}

async fn step(c: &Client, unit: &str, year: i32, action: &str) -> Resp {
    let page = format!("{STAFF}/{unit}/{year}");
    post(c, &page, &format!("{page}/flow"), &[("action", action)]).await
}

async fn adjust(c: &Client, unit: &str, year: i32, row: &str, col: &str, n: &str) -> Resp {
    let page = format!("{STAFF}/{unit}/{year}");
    post(
        c,
        &page,
        &format!("{page}/adjust"),
        &[
            ("op", "add"),
            ("adj_row", row),
            ("adj_col", col),
            ("adj_amount", n),
            ("adj_note", "纸质申请"),
        ],
    )
    .await
}

async fn remove_adjustment(c: &Client, unit: &str, year: i32, index: &str) -> Resp {
    let page = format!("{STAFF}/{unit}/{year}");
    post(
        c,
        &page,
        &format!("{page}/adjust"),
        &[("op", "remove"), ("index", index)],
    )
    .await
}

fn sheet(bytes: &[u8], name: &str) -> Vec<Vec<Data>> {
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("xlsx");
    let range = wb.worksheet_range(name).expect(name);
    range.rows().map(|r| r.to_vec()).collect()
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
        _ => String::new(),
    }
}

#[tokio::test]
async fn annual_report_tables_checks_rollup_and_publication() {
    let app = TestApp::start().await;
    fixture(&app).await;
    let c = staff(&app, "t-rev", Role::Reviewer, "gov").await;

    // The list: the district first (deadline 3月31日), each unit (1月31日); 2025's deadlines
    // passed on 2026-11-26 unpublished, so every one is overdue.
    let list = c.get(STAFF).await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert!(list.body.contains("2026年3月31日") && list.body.contains("2026年1月31日"));
    assert!(list.body.contains("已逾期"));
    assert!(
        list.body
            .contains("打开单位sw2025年政府信息公开工作年度报告")
    );

    // Errors beside their fields; nothing saved.
    let bad = save(
        &c,
        "sw",
        2025,
        &[("permits", "-1"), ("fees", "1.23456"), ("penalties", "3.5")],
    )
    .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body.contains("id=\"f-permits-err\""));
    assert!(bad.body.contains("id=\"f-penalties-err\""));
    assert!(bad.body.contains("id=\"f-fees-err\""));
    assert!(bad.body.contains("最多4位小数"));

    // The hand-entered figures of table 二.
    let r = save(
        &c,
        "sw",
        2025,
        &[
            ("overview", "本单位全年主动公开信息。\n依申请公开办理规范。"),
            ("permits", "12"),
            ("penalties", "3"),
            ("enforcement", "0"),
            ("fees", "1.5"),
            ("problems", "解读形式单一。"),
            ("other", "未收取信息处理费。"),
        ],
    )
    .await;
    assert_eq!(
        r.location(),
        Some("/admin/gk/reports/sw/2025?done=saved"),
        "{}",
        r.body
    );
    let r = save(&c, "jy", 2025, &[("permits", "5"), ("fees", "0.25")]).await;
    assert_eq!(r.status, 303, "{}", r.body);

    // Live tables on the staff page, and the checks pass.
    let page = c.get(&format!("{STAFF}/sw/2025")).await;
    assert_eq!(page.status, 200);
    assert_page_t3(&page.body, &sw_t3(), "sw draft");
    assert_page_t4(&page.body, SW_T4, "sw draft");
    assert!(page.body.contains("表三的勾稽关系校验全部通过"));
    assert!(page.body.contains("系统中没有2024年度报告"));

    // A paper request received but not recorded as handled: 一 of 法律服务机构 only.
    let r = adjust(&c, "sw", 2025, "new", "legal", "1").await;
    assert_eq!(r.status, 303, "{}", r.body);
    let bad_adj = adjust(&c, "sw", 2025, "new", "legal", "-2").await;
    assert_eq!(bad_adj.status, 422);
    assert!(bad_adj.body.contains("id=\"f-adj_amount-err\""));
    let refused = step(&c, "sw", 2025, "finalise").await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains(
            "“法人或其他组织·法律服务机构”列：第一项加第二项之和（2）不等于第三项加第四项之和（1）"
        ),
        "{}",
        refused.body
    );
    assert!(
        refused
            .body
            .contains("“总计”列：第一项加第二项之和（10）不等于第三项加第四项之和（9）")
    );
    let r = remove_adjustment(&c, "sw", 2025, "0").await;
    assert_eq!(r.status, 303, "{}", r.body);

    // 2026 is not over.
    let early = step(&c, "sw", 2026, "finalise").await;
    assert_eq!(early.status, 422);
    assert!(early.body.contains("2026年尚未结束，不能定稿"));

    // 定稿 and 发布; a finalised report cannot be changed.
    assert_eq!(step(&c, "sw", 2025, "publish").await.status, 409);
    let r = step(&c, "sw", 2025, "finalise").await;
    assert_eq!(
        r.location(),
        Some("/admin/gk/reports/sw/2025?done=finalise"),
        "{}",
        r.body
    );
    assert_eq!(save(&c, "sw", 2025, &[("permits", "1")]).await.status, 409);
    let r = step(&c, "sw", 2025, "publish").await;
    assert_eq!(
        r.location(),
        Some("/admin/gk/reports/sw/2025?done=publish"),
        "{}",
        r.body
    );

    // Public: listed, the full report with its six headings and the format's labels.
    let anon = app.client();
    assert_eq!(
        anon.get("/u/jy/gk/reports/2025").await.status,
        404,
        "a draft is not public"
    );
    let listed = anon.get("/u/sw/gk/reports").await;
    assert_eq!(listed.status, 200);
    assert!(listed.body.contains("href=\"/u/sw/gk/reports/2025\""));
    let main = anon.get("/gk/reports").await;
    assert!(main.body.contains("单位sw2025年政府信息公开工作年度报告"));
    let public = anon.get("/u/sw/gk/reports/2025").await;
    assert_eq!(public.status, 200, "{}", public.body);
    let b = &public.body;
    for h in [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "未经复议直接起诉",
        "本年收费金额（单位：万元）",
        "<p>依申请公开办理规范。</p>",
    ] {
        assert!(b.contains(h), "public page lacks {h}");
    }
    assert!(b.contains("<th scope=\"row\""), "row headers are scoped");
    assert!(b.contains("role=\"region\"") && b.contains("tabindex=\"0\""));
    assert_page_t3(b, &sw_t3(), "sw published");
    assert_page_t4(b, SW_T4, "sw published");
    let print = anon.get("/u/sw/gk/reports/2025?print=1").await;
    assert_eq!(print.status, 200);
    assert!(print.body.contains("返回年度报告页面"));

    // The workbook read back: tables 二, 三, 四 cell by cell.
    let xl = anon.get_bytes("/u/sw/gk/reports/2025.xlsx", &[]).await;
    assert_eq!(xl.status, 200);
    assert!(xl.header("content-disposition").contains("attachment"));
    let t2 = sheet(&xl.body, "主动公开");
    let row_of = |rows: &[Vec<Data>], label: &str| -> Vec<f64> {
        let r = rows
            .iter()
            .find(|r| r.first().map(text).as_deref() == Some(label))
            .unwrap_or_else(|| panic!("no row {label}"));
        r.iter()
            .skip(1)
            .filter(|d| !matches!(d, Data::Empty))
            .map(num)
            .collect()
    };
    // 行政规范性文件: 制发 1 (2025-03-01), 废止 1 (废止 2025-06-30), 现行有效 2 (that one
    // and the one 失效 only in 2026); the 2024 已废止, the 2026 one and the draft do not count.
    assert_eq!(row_of(&t2, "规章"), vec![0.0, 0.0, 0.0]);
    assert_eq!(row_of(&t2, "行政规范性文件"), vec![1.0, 1.0, 2.0]);
    assert_eq!(row_of(&t2, "行政许可"), vec![12.0]);
    assert_eq!(row_of(&t2, "行政处罚"), vec![3.0]);
    assert_eq!(row_of(&t2, "行政强制"), vec![0.0]);
    assert_eq!(row_of(&t2, "行政事业性收费"), vec![1.5]);
    let t3 = sheet(&xl.body, "收到和处理申请");
    assert_eq!(
        text(&t3[0][0]),
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    );
    let labels: Vec<(&str, &str)> = vec![
        ("new", "一、本年新收政府信息公开申请数量"),
        ("carried", "二、上年结转政府信息公开申请数量"),
        ("1", "（一）予以公开"),
        (
            "2",
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        ),
        ("3.1", "1.属于国家秘密"),
        ("3.4", "4.保护第三方合法权益"),
        ("4.1", "1.本机关不掌握相关政府信息"),
        ("5.2", "2.重复申请"),
        (
            "6.1",
            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        ),
        ("6.3", "3.其他"),
        ("total", "（七）总计"),
        ("forward", "四、结转下年度继续办理"),
    ];
    for (id, label) in labels {
        let r = t3
            .iter()
            .find(|r| r.iter().take(3).any(|d| text(d) == label))
            .unwrap_or_else(|| panic!("no row {label}"));
        let got: Vec<u64> = r[3..10].iter().map(|d| num(d) as u64).collect();
        assert_eq!(
            got,
            expected(&sw_t3(), id).to_vec(),
            "xlsx table 三 row {label}"
        );
    }
    let t4 = sheet(&xl.body, "行政复议行政诉讼");
    assert_eq!(text(&t4[0][0]), "行政复议");
    let got: Vec<u64> = t4[3].iter().map(|d| num(d) as u64).collect();
    assert_eq!(got, SW_T4.to_vec());

    // 统计分析's figures: jy's 2024 request closed in 2025 after its 20 working days, its
    // November one still open at the year's end, its July one answered in two weeks.
    let st = app.state.clone();
    let figures = tokio::task::spawn_blocking(move || {
        let cal = st.calendar();
        st.store
            .read_blocking(|txn| {
                let units =
                    gongkai::auth::units::Units::new(gongkai::auth::store::list_units(txn)?);
                gongkai::disclosure::report::stats::figures(
                    txn,
                    &units,
                    2025,
                    day(2026, 11, 26),
                    &cal,
                )
            })
            .unwrap()
    })
    .await
    .unwrap();
    let of = |u: &str| figures.iter().find(|f| f.unit.as_str() == u).unwrap();
    assert_eq!(
        (of("sw").received, of("sw").replied, of("sw").report),
        (7, 7, "已发布")
    );
    let jy = of("jy");
    assert_eq!(
        (jy.received, jy.replied, jy.on_time, jy.overdue, jy.report),
        (2, 2, 1, 2, "草稿")
    );
    assert_eq!((of("gov").received, of("gov").report), (1, "未生成"));

    // The district's roll-up: the sum of every unit's report and its own requests.
    let d = c.get(&format!("{STAFF}/gov/2025")).await;
    assert_eq!(d.status, 200, "{}", d.body);
    assert_page_t3(&d.body, &district_t3(), "district");
    assert_page_t4(&d.body, DISTRICT_T4, "district");
    for row in ROW_IDS {
        for c in 0..7 {
            let sum = expected(&sw_t3(), row)[c]
                + expected(&jy_t3(), row)[c]
                + expected(&gov_t3(), row)[c];
            assert_eq!(expected(&district_t3(), row)[c], sum, "roll-up {row}/{c}");
        }
    }
    assert!(d.body.contains("以下单位的2025年度报告尚未定稿"));
    let r = step(&c, "gov", 2025, "finalise").await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(step(&c, "gov", 2025, "publish").await.status, 303);
    let dx = anon.get_bytes("/gk/reports/2025.xlsx", &[]).await;
    let t2 = sheet(&dx.body, "主动公开");
    // 规章 of the district government: the one published 23:00 Beijing time on 31 December.
    assert_eq!(row_of(&t2, "规章"), vec![1.0, 0.0, 1.0]);
    assert_eq!(row_of(&t2, "行政规范性文件"), vec![1.0, 1.0, 2.0]);
    assert_eq!(row_of(&t2, "行政许可"), vec![17.0]);
    assert_eq!(row_of(&t2, "行政事业性收费"), vec![1.75]);
    let dp = anon.get("/gk/reports/2025").await;
    assert_page_t3(&dp.body, &district_t3(), "district published");

    // Cross-year: jy's 2024 report finalised (四: one 商业企业 request carried on), then a
    // 2025 carry-over added by hand that 2024 never forwarded.
    let r = step(&c, "jy", 2024, "finalise").await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = c.get(&format!("{STAFF}/jy/2025")).await;
    assert_page_t3(&page.body, &jy_t3(), "jy");
    assert!(page.body.contains("表三的勾稽关系校验全部通过"));
    assert_eq!(
        adjust(&c, "jy", 2025, "carried", "person", "1")
            .await
            .status,
        303
    );
    assert_eq!(adjust(&c, "jy", 2025, "1", "person", "1").await.status, 303);
    let refused = step(&c, "jy", 2025, "finalise").await;
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains(
            "“自然人”列：二、上年结转政府信息公开申请数量（1）不等于2024年度报告的四、结转下年度继续办理（0）"
        ),
        "{}",
        refused.body
    );

    // Every change is in the audit log.
    let actions = app
        .state
        .store
        .read(|txn| {
            use redb::ReadableTable;
            let t = txn.open_table(gongkai::store::tables::AUDIT)?;
            let mut v = Vec::new();
            for row in t.iter()? {
                let (_, r) = row?;
                let r: gongkai::auth::audit::AuditRecord = serde_json::from_slice(r.value())?;
                v.push((r.action, r.object));
            }
            Ok(v)
        })
        .await
        .unwrap();
    let has = |a: &str, o: &str| actions.iter().any(|(x, y)| x == a && y == o);
    assert!(has("gk_report_save", "gk_report:sw/2025"));
    assert!(has("gk_report_adjust", "gk_report:sw/2025"));
    assert!(has("gk_report_flow", "gk_report:sw/2025"));
    assert!(has("gk_report_flow", "gk_report:gov/2025"));
    app.stop().await;
}

/// The demo: last year's district report published from whatever requests exist, and a
/// draft for the unit with the most requests.
#[tokio::test]
async fn demo_publishes_the_districts_report_and_drafts_a_units() {
    let app = TestApp::start().await;
    fixture(&app).await;
    let st = app.state.clone();
    let now = st.now_ms();
    tokio::task::spawn_blocking(move || gongkai::disclosure::report::demo::fill(&st.store, now))
        .await
        .unwrap()
        .unwrap();
    let anon = app.client();
    let page = anon.get("/gk/reports/2025").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("全区坚持以公开为常态"));
    assert_page_t3(&page.body, &district_t3(), "demo district");
    let c = staff(&app, "t-rev", Role::Reviewer, "gov").await;
    let list = c.get(STAFF).await;
    let row = list
        .body
        .split("<tr>")
        .find(|r| r.contains("单位sw"))
        .unwrap();
    assert!(row.contains("草稿"), "{row}");
    app.stop().await;
}
