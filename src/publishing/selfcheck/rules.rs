//! The self-check's rules and thresholds, after the national inspection (国办秘函〔2019〕19号,
//! ../shared/docs/standards.md topic 2). Each threshold warns well before its line:
//!
//! | rule | 有风险 | 不合格 |
//! |---|---|---|
//! | 首页更新: days since the site's newest item | 7 | 14 (veto line: 2 weeks) |
//! | 栏目更新, 动态要闻类 | 10 | 14 |
//! | 栏目更新, 通知公告、政策文件类 | 150 | 183 (6 months) |
//! | 栏目更新, 其他须更新栏目 | 300 | 365 (our line for "long stale") |
//! | 栏目不更新合计 (news + notice channels failing) | 3 | 5 (veto line) |
//! | 长期未更新栏目合计 (other channels failing) | 7 | 10 (veto line) |
//! | 空白栏目 (each, and the site's total) | 1 | 5 (veto line) |
//! | 站内链接 that lead nowhere | — | 1 |
//! | 发布日期 missing on a published item | — | 1 |
//! | 页脚标识: 主办单位, 网站标识码, ICP备案号, 公安机关备案号 | shipped placeholder | missing |
//!
//! Archived channels are not checked (they take no new items).

use super::facts::{ChannelFacts, SiteFacts};
use super::scan::Scan;
use super::{Row, SiteReport, Verdict};
use crate::portal::model::{ChannelKind, UpdateClass};

const DAY_MS: i64 = 86_400_000;
pub const HOME_RISK_DAYS: i64 = 7;
pub const HOME_FAIL_DAYS: i64 = 14;
const STALE_TOTAL: (usize, usize) = (3, 5);
const LONG_STALE_TOTAL: (usize, usize) = (7, 10);
const EMPTY_TOTAL_FAIL: usize = 5;

/// Whole days from `ms` to `now`.
fn days(ms: i64, now: i64) -> i64 {
    (now - ms).max(0) / DAY_MS
}

/// `2026年11月20日（11天前）`.
fn when(ms: i64, now: i64) -> String {
    let date = crate::clock::from_ms(ms)
        .to_offset(crate::clock::CST)
        .date();
    let d = days(ms, now);
    let ago = if d == 0 {
        "今天".to_owned()
    } else {
        format!("{d}天前")
    };
    format!(
        "{}年{}月{}日（{ago}）",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

fn grade(d: i64, (risk, fail): (i64, i64)) -> Verdict {
    if d >= fail {
        Verdict::Fail
    } else if d >= risk {
        Verdict::Risk
    } else {
        Verdict::Pass
    }
}

fn grade_count(n: usize, (risk, fail): (usize, usize)) -> Verdict {
    if n >= fail {
        Verdict::Fail
    } else if n >= risk {
        Verdict::Risk
    } else {
        Verdict::Pass
    }
}

/// Channels the rules look at: not archived.
fn live(site: &SiteFacts) -> impl Iterator<Item = &ChannelFacts> {
    site.channels.iter().filter(|c| !c.archived)
}

fn fix(url: &str, words: &str) -> Option<(String, String)> {
    Some((url.to_owned(), words.to_owned()))
}

/// Every row of one site, the worst first.
pub fn evaluate(site: &SiteFacts, scan: Option<&Scan>, now: i64) -> SiteReport {
    let mut rows = Vec::new();
    let new_item = fix("/admin/articles/new", "去发布信息");
    let site_settings = format!("/admin/sites/{}", site.unit);

    // 首页更新.
    let latest = live(site)
        .filter(|c| c.kind == ChannelKind::List)
        .filter_map(|c| c.latest_ms)
        .max();
    rows.push(match latest {
        Some(ms) => Row {
            check: "首页更新",
            subject: site.name.clone(),
            finding: format!(
                "最近一条新信息：{}；{HOME_FAIL_DAYS}天无新信息即不合格",
                when(ms, now)
            ),
            verdict: grade(days(ms, now), (HOME_RISK_DAYS, HOME_FAIL_DAYS)),
            fix: new_item.clone(),
        },
        None => Row {
            check: "首页更新",
            subject: site.name.clone(),
            finding: "尚未发布任何信息".into(),
            verdict: Verdict::Fail,
            fix: new_item.clone(),
        },
    });

    // 栏目更新, per channel, and 空白栏目.
    let (mut stale, mut long_stale, mut empty) = (0usize, 0usize, 0usize);
    for c in live(site) {
        let is_empty = match c.kind {
            ChannelKind::List => c.count == 0,
            ChannelKind::Page => c.page_empty,
            ChannelKind::Link => false,
        };
        if is_empty {
            empty += 1;
            rows.push(Row {
                check: "空白栏目",
                subject: c.name.clone(),
                finding: "栏目内没有任何内容".into(),
                verdict: Verdict::Risk,
                fix: fix(&c.edit_url, &format!("处理栏目“{}”", c.name)),
            });
            continue;
        }
        let (Some(limits), Some(ms)) = (c.class.limits(), c.latest_ms) else {
            continue;
        };
        let verdict = grade(days(ms, now), limits);
        if verdict == Verdict::Fail {
            match c.class {
                UpdateClass::News | UpdateClass::Notice => stale += 1,
                _ => long_stale += 1,
            }
        }
        rows.push(Row {
            check: "栏目更新",
            subject: c.name.clone(),
            finding: format!("最近更新：{}；要求：{}", when(ms, now), c.class.label()),
            verdict,
            fix: fix(&c.edit_url, &format!("查看栏目“{}”", c.name)),
        });
    }
    rows.push(Row {
        check: "栏目不更新合计",
        subject: site.name.clone(),
        finding: format!(
            "动态要闻类、通知公告类栏目超期未更新{stale}个；合计达{}个即不合格",
            STALE_TOTAL.1
        ),
        verdict: grade_count(stale, STALE_TOTAL),
        fix: None,
    });
    rows.push(Row {
        check: "长期未更新栏目合计",
        subject: site.name.clone(),
        finding: format!(
            "其他须更新栏目一年以上未更新{long_stale}个；达{}个即不合格",
            LONG_STALE_TOTAL.1
        ),
        verdict: grade_count(long_stale, LONG_STALE_TOTAL),
        fix: None,
    });
    rows.push(Row {
        check: "空白栏目合计",
        subject: site.name.clone(),
        finding: format!("空白栏目{empty}个；达{EMPTY_TOTAL_FAIL}个即不合格"),
        verdict: grade_count(empty, (1, EMPTY_TOTAL_FAIL)),
        fix: None,
    });

    // 页脚标识.
    let shipped = crate::config::Config::default().site;
    let ids = [
        ("主办单位", &site.footer.sponsor, &shipped.sponsor),
        (
            "网站标识码",
            &site.footer.site_id_code,
            &shipped.site_id_code,
        ),
        ("ICP备案号", &site.footer.icp_no, &shipped.icp_no),
        ("公安机关备案号", &site.footer.psb_no, &shipped.psb_no),
    ];
    let missing: Vec<&str> = ids
        .iter()
        .filter(|(_, v, _)| v.trim().is_empty())
        .map(|(n, _, _)| *n)
        .collect();
    let placeholder: Vec<&str> = ids
        .iter()
        .filter(|(_, v, d)| !v.trim().is_empty() && v == d)
        .map(|(n, _, _)| *n)
        .collect();
    let (verdict, finding) = if !missing.is_empty() {
        (Verdict::Fail, format!("缺少：{}", missing.join("、")))
    } else if !placeholder.is_empty() {
        (
            Verdict::Risk,
            format!("仍为示例值：{}", placeholder.join("、")),
        )
    } else {
        (Verdict::Pass, "主办单位、网站标识码和备案号齐全".into())
    };
    let footer_fix = if site.is_main {
        fix("/admin/settings", "去系统设置填写")
    } else {
        fix(&site_settings, &format!("去{}站点设置填写", site.name))
    };
    rows.push(Row {
        check: "页脚标识",
        subject: site.name.clone(),
        finding,
        verdict,
        fix: footer_fix,
    });

    // 站内链接 and 发布日期, from the last whole-site scan.
    let mine = site.unit.as_str();
    match scan {
        None => rows.push(Row {
            check: "站内链接",
            subject: site.name.clone(),
            finding: "尚未进行全站检查".into(),
            verdict: Verdict::Risk,
            fix: None,
        }),
        Some(s) => {
            let broken: Vec<_> = s.broken.iter().filter(|b| b.place.site == mine).collect();
            for b in &broken {
                rows.push(Row {
                    check: "站内链接",
                    subject: b.place.title.clone(),
                    finding: format!("链接 {} 指向的页面不存在", b.link),
                    verdict: Verdict::Fail,
                    fix: fix(&b.place.edit_url, &format!("修改“{}”", b.place.title)),
                });
            }
            if broken.is_empty() {
                rows.push(Row {
                    check: "站内链接",
                    subject: site.name.clone(),
                    finding: "全站检查未发现不可用的站内链接".into(),
                    verdict: Verdict::Pass,
                    fix: None,
                });
            }
            let undated: Vec<_> = s.undated.iter().filter(|p| p.site == mine).collect();
            for p in &undated {
                rows.push(Row {
                    check: "发布日期",
                    subject: p.title.clone(),
                    finding: "已发布但没有发布日期".into(),
                    verdict: Verdict::Fail,
                    fix: fix(&p.edit_url, &format!("查看“{}”", p.title)),
                });
            }
            if undated.is_empty() {
                rows.push(Row {
                    check: "发布日期",
                    subject: site.name.clone(),
                    finding: "所有已发布信息都有发布日期".into(),
                    verdict: Verdict::Pass,
                    fix: None,
                });
            }
        }
    }
    rows.sort_by_key(|r| std::cmp::Reverse(r.verdict));
    SiteReport {
        unit: site.unit.clone(),
        name: site.name.clone(),
        rows,
    }
}
