//! The rules against their thresholds, with times set by hand.

use super::facts::{ChannelFacts, SiteFacts};
use super::rules::evaluate;
use super::scan::{Broken, Place, Scan};
use super::{Row, Verdict};
use crate::auth::model::UnitCode;
use crate::portal::model::{ChannelKind, UpdateClass};

const DAY: i64 = 86_400_000;
const NOW: i64 = 1_800_000_000_000;

fn channel(id: u64, name: &str, class: UpdateClass, count: u64, age_days: i64) -> ChannelFacts {
    ChannelFacts {
        id,
        name: name.into(),
        kind: ChannelKind::List,
        class,
        archived: false,
        count,
        latest_ms: (count > 0).then_some(NOW - age_days * DAY),
        page_empty: false,
        edit_url: format!("/admin/sites/x/channels/{id}"),
    }
}

fn site(channels: Vec<ChannelFacts>) -> SiteFacts {
    let footer = crate::views::Site {
        sponsor: "滨江区人民政府办公室".into(),
        site_id_code: "3201150001".into(),
        icp_no: "苏ICP备12345678号".into(),
        psb_no: "苏公网安备32011502000001号".into(),
        ..Default::default()
    };
    SiteFacts {
        unit: UnitCode::parse("commerce").unwrap(),
        name: "区商务局".into(),
        is_main: false,
        footer,
        channels,
    }
}

fn row<'a>(rows: &'a [Row], check: &str, subject: &str) -> &'a Row {
    rows.iter()
        .find(|r| r.check == check && r.subject == subject)
        .unwrap_or_else(|| panic!("no row {check}/{subject}: {rows:#?}"))
}

fn scan() -> Scan {
    Scan {
        at_ms: NOW,
        ..Default::default()
    }
}

#[test]
fn the_home_page_is_at_risk_at_7_days_and_fails_at_14() {
    for (age, want) in [
        (0, Verdict::Pass),
        (6, Verdict::Pass),
        (7, Verdict::Risk),
        (13, Verdict::Risk),
        (14, Verdict::Fail),
    ] {
        let r = evaluate(
            &site(vec![channel(1, "工作动态", UpdateClass::News, 3, age)]),
            Some(&scan()),
            NOW,
        );
        assert_eq!(
            row(&r.rows, "首页更新", "区商务局").verdict,
            want,
            "{age} days"
        );
    }
    let r = evaluate(&site(vec![]), Some(&scan()), NOW);
    assert_eq!(row(&r.rows, "首页更新", "区商务局").verdict, Verdict::Fail);
}

#[test]
fn channels_are_judged_by_their_update_class() {
    let r = evaluate(
        &site(vec![
            channel(1, "工作动态", UpdateClass::News, 5, 10),
            channel(2, "要闻", UpdateClass::News, 5, 14),
            channel(3, "通知公告", UpdateClass::Notice, 5, 149),
            channel(4, "政策文件", UpdateClass::Notice, 5, 150),
            channel(5, "政策解读", UpdateClass::Notice, 5, 183),
            channel(6, "机构职能", UpdateClass::Static, 5, 900),
            channel(7, "统计数据", UpdateClass::Other, 5, 365),
        ]),
        Some(&scan()),
        NOW,
    );
    let v = |n: &str| row(&r.rows, "栏目更新", n).verdict;
    assert_eq!(v("工作动态"), Verdict::Risk);
    assert_eq!(v("要闻"), Verdict::Fail);
    assert_eq!(v("通知公告"), Verdict::Pass);
    assert_eq!(v("政策文件"), Verdict::Risk);
    assert_eq!(v("政策解读"), Verdict::Fail);
    assert_eq!(v("统计数据"), Verdict::Fail);
    assert!(
        !r.rows.iter().any(|x| x.subject == "机构职能"),
        "static: not judged"
    );
    // Two news/notice channels failing: under the veto's 5, over nothing yet.
    assert_eq!(
        row(&r.rows, "栏目不更新合计", "区商务局").verdict,
        Verdict::Pass
    );
    assert_eq!(r.worst(), Verdict::Fail);
    assert_eq!(r.rows[0].verdict, Verdict::Fail, "the worst first");
}

#[test]
fn stale_and_empty_channel_totals_warn_before_the_veto_line() {
    let stale: Vec<ChannelFacts> = (0..3)
        .map(|i| channel(i, &format!("动态{i}"), UpdateClass::News, 1, 20))
        .collect();
    let r = evaluate(&site(stale.clone()), Some(&scan()), NOW);
    assert_eq!(
        row(&r.rows, "栏目不更新合计", "区商务局").verdict,
        Verdict::Risk
    );
    let five: Vec<ChannelFacts> = (0..5)
        .map(|i| channel(i, &format!("动态{i}"), UpdateClass::News, 1, 20))
        .collect();
    let r = evaluate(&site(five), Some(&scan()), NOW);
    assert_eq!(
        row(&r.rows, "栏目不更新合计", "区商务局").verdict,
        Verdict::Fail
    );

    let mut chans = vec![channel(10, "工作动态", UpdateClass::News, 2, 1)];
    chans.push(channel(11, "空栏目", UpdateClass::Notice, 0, 0));
    let r = evaluate(&site(chans.clone()), Some(&scan()), NOW);
    assert_eq!(row(&r.rows, "空白栏目", "空栏目").verdict, Verdict::Risk);
    assert_eq!(
        row(&r.rows, "空白栏目合计", "区商务局").verdict,
        Verdict::Risk
    );
    for i in 0..4 {
        chans.push(channel(20 + i, &format!("空{i}"), UpdateClass::Other, 0, 0));
    }
    let r = evaluate(&site(chans), Some(&scan()), NOW);
    assert_eq!(
        row(&r.rows, "空白栏目合计", "区商务局").verdict,
        Verdict::Fail
    );
    // Archived channels are not judged.
    let mut old = channel(30, "旧栏目", UpdateClass::News, 0, 0);
    old.archived = true;
    let r = evaluate(&site(vec![old]), Some(&scan()), NOW);
    assert!(!r.rows.iter().any(|x| x.subject == "旧栏目"));
}

#[test]
fn footer_identifiers_missing_fail_and_placeholders_are_at_risk() {
    let mut s = site(vec![channel(1, "工作动态", UpdateClass::News, 1, 1)]);
    let r = evaluate(&s, Some(&scan()), NOW);
    assert_eq!(row(&r.rows, "页脚标识", "区商务局").verdict, Verdict::Pass);
    s.footer.site_id_code = crate::config::Config::default().site.site_id_code;
    let r = evaluate(&s, Some(&scan()), NOW);
    let f = row(&r.rows, "页脚标识", "区商务局");
    assert_eq!(f.verdict, Verdict::Risk);
    assert!(f.finding.contains("网站标识码"), "{}", f.finding);
    s.footer.psb_no = String::new();
    let r = evaluate(&s, Some(&scan()), NOW);
    let f = row(&r.rows, "页脚标识", "区商务局");
    assert_eq!(f.verdict, Verdict::Fail);
    assert_eq!(f.finding, "缺少：公安机关备案号");
}

#[test]
fn broken_links_and_undated_items_of_this_site_fail() {
    let place = |site: &str, title: &str| Place {
        site: site.into(),
        title: title.into(),
        edit_url: "/admin/articles/9".into(),
    };
    let s = site(vec![channel(1, "工作动态", UpdateClass::News, 1, 1)]);
    let mut sc = scan();
    sc.broken.push(Broken {
        place: place("commerce", "招商推介会"),
        link: "/a/999".into(),
    });
    sc.broken.push(Broken {
        place: place("east", "别的站点"),
        link: "/a/998".into(),
    });
    sc.undated.push(place("commerce", "无日期信息"));
    let r = evaluate(&s, Some(&sc), NOW);
    let l = row(&r.rows, "站内链接", "招商推介会");
    assert_eq!(l.verdict, Verdict::Fail);
    assert!(l.finding.contains("/a/999"));
    assert!(!r.rows.iter().any(|x| x.subject == "别的站点"));
    assert_eq!(
        row(&r.rows, "发布日期", "无日期信息").verdict,
        Verdict::Fail
    );
    // No scan yet: said, at risk.
    let r = evaluate(&s, None, NOW);
    assert_eq!(row(&r.rows, "站内链接", "区商务局").verdict, Verdict::Risk);
}

#[test]
fn links_are_read_out_of_html() {
    let html = r#"<p><a href="/a/5">一</a> <img src="/files/ab/x.png"> <a href="https://other.example/x?a=1&amp;b=2">二</a></p>"#;
    assert_eq!(
        crate::portal::links::links_in(html),
        vec![
            "/a/5".to_owned(),
            "https://other.example/x?a=1&b=2".to_owned(),
            "/files/ab/x.png".to_owned()
        ]
    );
}
