//! Demo items in every workflow state, so a newcomer logging in as any demo account finds
//! something in its work lists: waiting for unit review, for office review, approved,
//! scheduled, returned with a comment, a draft, a force-published item awaiting review
//! after the fact, and an item changed after approval that waits for review again. Every step is taken through the engine, as staff would.

use redb::{ReadableTable, WriteTransaction};

use super::levels::{self, Units};
use super::notices;
use super::revise::{self, AfterSave};
use super::take::{Request, take};
use crate::auth::model::{Unit, User};
use crate::error::{Error, Result};
use crate::portal::Snapshot;
use crate::portal::model::{Article, Channel, Site};
use crate::portal::sanitize;
use crate::publishing::flow::action as a;
use crate::store::tables;

struct Item {
    author: &'static str,
    /// "site/slug" of the home channel, then placements.
    home: &'static str,
    also: &'static [&'static str],
    title: &'static str,
    body: &'static str,
    /// (user, transition, comment)
    steps: &'static [(&'static str, &'static str, &'static str)],
    /// Hours between steps (0: minutes apart, all today), so review turnaround has days to
    /// count in 统计分析.
    step_hours: i64,
}

/// A step that changes the item's body (the comment is the new text) as a save would.
const SAVED: &str = "saved";

const ITEMS: &[Item] = &[
    Item {
        author: "commerce-writer",
        home: "commerce/work",
        also: &["gov/dept-news"],
        title: "区商务局组织开展“冬日暖心”消费帮扶进社区活动",
        body: "区商务局联合辖区商超，在东山、西湖两个街道的六个社区设立便民消费点，提供平价蔬菜、粮油和生活用品。副区长徐清禾出席启动仪式。\n\n活动持续到明年一月底，每周六上午开放。",
        steps: &[("commerce-writer", a::SUBMIT, "")],
        step_hours: 0,
    },
    Item {
        author: "commerce-writer",
        home: "commerce/work",
        also: &["gov/dept-news"],
        title: "区商务局完成年度重点商贸企业走访",
        body: "今年以来，区商务局走访重点商贸企业四十二家，收集融资、用工、场地等方面问题十九个，已协调解决十五个。",
        steps: &[
            ("commerce-writer", a::SUBMIT, ""),
            (
                "commerce-reviewer",
                a::APPROVE_UNIT,
                "数据已核对，同意报送。",
            ),
        ],
        step_hours: 0,
    },
    Item {
        author: "commerce-writer",
        home: "gov/gov-news",
        also: &[],
        title: "全区外贸企业政策宣讲会举行",
        body: "宣讲会围绕出口信用保险、跨境电商和展会补贴等政策进行了解读，八十余家企业参加。",
        steps: &[
            ("commerce-writer", a::SUBMIT, ""),
            ("commerce-reviewer", a::APPROVE_UNIT, ""),
            ("office-reviewer", a::APPROVE_OFFICE, "同意发布。"),
        ],
        step_hours: 0,
    },
    Item {
        author: "commerce-writer",
        home: "gov/notices",
        also: &[],
        title: "关于元旦期间农贸市场营业时间的公告",
        body: "元旦假期期间，全区各农贸市场照常营业，营业时间为早六时至晚七时。",
        steps: &[
            ("commerce-writer", a::SUBMIT, ""),
            ("commerce-reviewer", a::APPROVE_UNIT, ""),
            ("office-reviewer", a::APPROVE_OFFICE, ""),
            ("office-publisher", a::SCHEDULE, ""),
        ],
        step_hours: 0,
    },
    Item {
        author: "commerce-writer",
        home: "commerce/work",
        also: &[],
        title: "区商务局发布年货节活动安排",
        body: "年货节将于腊月二十在区文化广场举办，设特色农产品、老字号和非遗手作三个展区。",
        steps: &[
            ("commerce-writer", a::SUBMIT, ""),
            ("commerce-reviewer", a::APPROVE_UNIT, ""),
            // The publisher changes the approved text: it goes back to the writer, who
            // resubmits; the reviewer then sees what changed since approving.
            (
                "commerce-publisher",
                SAVED,
                "年货节将于腊月二十至二十三在区文化广场举办，设特色农产品、老字号和非遗手作三个展区，每天上午九时开放。",
            ),
            ("commerce-writer", a::SUBMIT, ""),
        ],
        step_hours: 0,
    },
    Item {
        author: "commerce-writer",
        home: "commerce/work",
        also: &[],
        title: "区商务局召开限额以上商贸企业统计培训会",
        body: "培训会讲解了统计报表的填报口径和常见问题。",
        steps: &[
            ("commerce-writer", a::SUBMIT, ""),
            (
                "commerce-reviewer",
                a::RETURN_UNIT,
                "请补充参加培训的企业数量和培训时间。",
            ),
            // The writer adds what was asked and sends it again: the reviewer opens it on
            // what changed since the return.
            (
                "commerce-writer",
                SAVED,
                "11月20日，区商务局召开限额以上商贸企业统计培训会，36家企业的统计人员参加。培训会讲解了统计报表的填报口径和常见问题。",
            ),
            ("commerce-writer", a::SUBMIT, ""),
        ],
        step_hours: 0,
    },
    Item {
        author: "east-writer",
        home: "sd-east/work",
        also: &[],
        title: "东山街道开展冬季消防安全检查",
        body: "街道组织安全员对辖区沿街商铺、老旧小区和出租房屋开展检查。",
        steps: &[
            ("east-writer", a::SUBMIT, ""),
            (
                "east-reviewer",
                a::RETURN_UNIT,
                "请补充检查的时间、范围和发现问题的整改情况。",
            ),
        ],
        step_hours: 0,
    },
    Item {
        author: "hubin-writer",
        home: "gov/gov-news",
        also: &[],
        title: "湖滨社区举办邻里文化节（草稿）",
        body: "湖滨社区邻里文化节将于本周末在社区广场举行，内容包括书法展示、亲子游戏和便民服务。",
        steps: &[],
        step_hours: 0,
    },
    Item {
        author: "office-publisher",
        home: "gov/notices",
        also: &[],
        title: "关于应对寒潮天气的紧急提醒",
        body: "据气象部门预报，今明两天我区将出现强降温天气，请广大居民注意防寒保暖，出行注意安全。",
        steps: &[(
            "office-publisher",
            a::FORCE_PUBLISH,
            "气象预警需立即发布，来不及走完审核流程。",
        )],
        step_hours: 0,
    },
    Item {
        author: "commerce-writer",
        home: "commerce/notices",
        also: &[],
        title: "关于开展2026年度商贸流通企业统计调查的通知",
        body: "请辖区限额以上商贸流通企业按要求报送年度统计数据，报送截止时间为12月20日。",
        steps: &[
            ("commerce-writer", a::SUBMIT, ""),
            ("commerce-reviewer", a::APPROVE_UNIT, "同意。"),
            ("commerce-publisher", a::PUBLISH, ""),
        ],
        step_hours: 26,
    },
    Item {
        author: "east-writer",
        home: "sd-east/work",
        also: &[],
        title: "东山街道完成辖区消防通道集中清理",
        body: "街道联合社区、物业对辖区十二个小区的消防通道进行了集中清理，清理杂物四十余处。",
        steps: &[
            ("east-writer", a::SUBMIT, ""),
            ("east-reviewer", a::APPROVE_UNIT, ""),
            ("east-publisher", a::PUBLISH, ""),
        ],
        step_hours: 50,
    },
];

fn all<T: serde::de::DeserializeOwned, K: redb::Key + 'static>(
    txn: &WriteTransaction,
    def: redb::TableDefinition<K, &[u8]>,
) -> Result<Vec<T>> {
    let t = txn.open_table(def)?;
    let mut out = Vec::new();
    for row in t.iter()? {
        out.push(serde_json::from_slice(row?.1.value())?);
    }
    Ok(out)
}

/// Adds the workflow demo items; `now` is the demo's clock.
pub fn fill(txn: &WriteTransaction, now: i64) -> Result<()> {
    let units = Units::new(all::<Unit, &str>(txn, tables::UNITS)?);
    let users: Vec<User> = all(txn, tables::USERS)?;
    let snap = Snapshot {
        sites: all::<Site, &str>(txn, tables::SITES)?,
        channels: all::<Channel, u64>(txn, tables::CHANNELS)?,
    };
    let user = |name: &str| {
        users
            .iter()
            .find(|u| u.username == name)
            .ok_or_else(|| Error::Internal(format!("demo user {name}")))
    };
    let channel = |key: &str| {
        let (site, slug) = key.split_once('/').unwrap_or((key, ""));
        snap.channels
            .iter()
            .find(|c| c.site.as_str() == site && c.slug.as_str() == slug)
            .ok_or_else(|| Error::Internal(format!("demo channel {key}")))
    };
    // A schedule for tomorrow morning, 09:00 Beijing time.
    let tomorrow = crate::clock::from_ms(now)
        .to_offset(crate::clock::CST)
        .date()
        .next_day()
        .and_then(|d| d.with_hms(9, 0, 0).ok())
        .map(|t| crate::clock::to_ms(t.assume_offset(crate::clock::CST)))
        .unwrap_or(now + 86_400_000);
    for (i, it) in ITEMS.iter().enumerate() {
        let author = user(it.author)?;
        let home = channel(it.home)?;
        let owner = levels::owner_for_new(author, home, &units)
            .ok_or_else(|| Error::Internal(format!("demo owner for {}", it.author)))?;
        let mut placements = Vec::new();
        for k in it.also {
            placements.push(channel(k)?.id);
        }
        // A few minutes apart, in order, ending before `now`; or days apart, ending an hour ago.
        let gap = if it.step_hours > 0 {
            it.step_hours * 3_600_000
        } else {
            5 * 60_000
        };
        let mut at = if it.step_hours > 0 {
            now - 3_600_000 - (it.steps.len() as i64 + 1) * gap
        } else {
            now - (ITEMS.len() - i) as i64 * 40 * 60_000
        };
        let a = Article {
            title: it.title.into(),
            source: units.name(&owner),
            body_html: sanitize::paragraphs(it.body),
            placements,
            unit: Some(owner.clone()),
            ..Article::blank(home.id, home.site.clone(), it.author)
        };
        let mut cur = crate::publishing::store::save_article(txn, a, 0, at)?;
        for (who, transition, comment) in it.steps {
            at += gap;
            let u = user(who)?;
            let (transition, comment) = if *transition == SAVED {
                let edited = Article {
                    body_html: sanitize::paragraphs(comment),
                    ..cur.clone()
                };
                let state = super::instance_of(&cur).state;
                let after = revise::on_save(&cur, &edited, &state, &snap, &units, &u.display_name)
                    .map_err(Error::Internal)?;
                cur = crate::publishing::store::save_article(txn, edited, cur.revision, at)?;
                match after {
                    AfterSave::Return {
                        transition,
                        comment,
                    } => (transition, comment),
                    AfterSave::Keep => continue,
                }
            } else {
                (*transition, (*comment).to_owned())
            };
            let (transition, comment) = (&transition, &comment);
            let actor = levels::actor(u, &cur, &units);
            let def_for = |x: &Article| levels::definition(x, &snap, &units);
            let req = Request {
                transition: (*transition).into(),
                comment: comment.clone(),
                schedule_at: (*transition == a::SCHEDULE).then_some(tomorrow),
                ..Default::default()
            };
            let taken = take(txn, cur.id, def_for, &actor, &req, at)?;
            // Recorded as the staff member's step would be, so the demo's audit log reads true.
            crate::auth::audit::append(
                txn,
                crate::auth::audit::Event {
                    user: u.username.clone(),
                    unit: u.unit.to_string(),
                    action: super::item::audit_action(transition),
                    object: format!("article:{}", cur.id),
                    ip: String::new(),
                    outcome: crate::auth::audit::Outcome::Success,
                    detail: comment.clone(),
                },
                at,
            )?;
            notices::after_step(
                txn,
                &taken,
                def_for(&taken.after),
                Some(u.id),
                &users,
                &units,
                &snap,
                &crate::calendar::WorkCalendar::builtin(),
                at,
            )?;
            cur = taken.after;
        }
    }
    Ok(())
}
