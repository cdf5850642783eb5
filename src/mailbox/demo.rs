//! The mailbox demo: letters at every state — new (one flagged as a likely repeat), assigned
//! to the commerce bureau and to the east subdistrict (one overdue, one open past the 60-day
//! alarm), an answer waiting for the office's review, one sent back as misrouted, answered and
//! waiting for a rating, closed with ratings (one deemed, one unsatisfied), published with
//! masked names, not accepted, and merged — so the office and each answering unit find work
//! on first login. Every demo letter's query password is `DEMO_PASSWORD`; the 查询码 are
//! XXDEMO000001 and on.

use redb::WriteTransaction;
use time::{Date, Duration};

use super::flow::{self as mflow, action};
use super::model::*;
use super::store;
use crate::auth::model::{Role, UnitCode};
use crate::calendar::Clock;
use crate::error::{Error, Result};
use crate::flow::{Actor, Instance};

/// The query password of every demo letter.
pub const DEMO_PASSWORD: &str = "DEMO2026XX";

/// The demo district's names of the units letters go to.
fn unit_name(code: &str) -> &'static str {
    match code {
        "commerce" => "区商务局",
        "edu" => "区文教体局",
        "civil" => "区民政局",
        "sd-east" => "东山街道办事处",
        "sd-west" => "西湖街道办事处",
        _ => "区人民政府办公室",
    }
}

fn code(s: &str) -> Result<UnitCode> {
    UnitCode::parse(s).map_err(|e| Error::Internal(e.into()))
}

fn actor(name: &str, unit: &str, office: bool) -> Result<Actor> {
    Ok(Actor {
        user: Some(0),
        name: name.into(),
        unit: Some(code(unit)?),
        item_roles: vec![Role::Reviewer],
        office_roles: if office {
            vec![Role::Reviewer]
        } else {
            Vec::new()
        },
        is_author: false,
        is_addressee: false,
    })
}

#[derive(Clone)]
struct Story {
    name: &'static str,
    phone: &'static str,
    subject: Subject,
    title: &'static str,
    content: &'static str,
    agreed: bool,
    /// Days before today it came.
    ago: i64,
    /// (transition, days before today, unit code for 转办 / answering, text)
    steps: Vec<(&'static str, i64, &'static str, &'static str)>,
}

impl Story {
    /// The same story `days` earlier.
    fn clone_shifted(&self, days: i64) -> Story {
        let mut s = self.clone();
        s.ago += days;
        for st in &mut s.steps {
            st.1 += days;
        }
        s
    }
}

fn stories() -> Vec<Story> {
    use Subject::*;
    vec![
        Story {
            name: "陈立新",
            phone: "13800000101",
            subject: Consult,
            title: "社保卡丢失后在哪里补办",
            content: "我的社保卡上周丢失了，请问在本区哪里可以补办？需要带哪些材料，多长时间能拿到新卡？",
            agreed: true,
            ago: 1,
            steps: vec![],
        },
        Story {
            name: "刘红梅",
            phone: "13800000102",
            subject: Complain,
            title: "幸福路夜间施工噪音扰民",
            content: "幸福路与和平街交叉口的工地最近每天晚上十一点以后还在施工，噪音很大，附近居民无法休息，希望有关部门管一管。",
            agreed: true,
            ago: 2,
            steps: vec![],
        },
        Story {
            name: "刘红梅",
            phone: "13800000102",
            subject: Complain,
            title: "幸福路工地夜间施工噪音",
            content: "幸福路与和平街交叉口的工地每天晚上十一点后仍在施工，噪音很大，居民无法休息，请有关部门尽快处理。",
            agreed: true,
            ago: 6,
            steps: vec![(action::ASSIGN, 5, "sd-east", "请核实施工许可和夜间施工证明")],
        },
        Story {
            name: "王志强",
            phone: "13800000103",
            subject: Suggest,
            title: "建议在商业街增设共享单车停放点",
            content: "东山商业街周末人流量大，共享单车乱停乱放堵塞人行道，建议在街口增设规范的停放点并安排专人管理。",
            agreed: true,
            ago: 1,
            steps: vec![(action::ASSIGN, 0, "commerce", "")],
        },
        Story {
            name: "赵敏",
            phone: "13800000104",
            subject: Help,
            title: "老旧小区楼道灯长期不亮",
            content: "东山社区3号楼二单元楼道灯坏了一个多月，老人晚上上下楼很不方便，物业一直没有修，请帮忙协调。",
            agreed: false,
            ago: 20,
            steps: vec![(action::ASSIGN, 19, "sd-east", "")],
        },
        Story {
            name: "孙浩",
            phone: "13800000105",
            subject: Consult,
            title: "个体工商户年报如何网上填报",
            content: "我在本区经营一家小超市，想了解个体工商户年度报告在网上怎么填报，截止时间是什么时候？",
            agreed: true,
            ago: 7,
            steps: vec![
                (action::ASSIGN, 6, "commerce", ""),
                (
                    action::SUBMIT_ANSWER,
                    1,
                    "commerce",
                    "您好！个体工商户年度报告可通过国家企业信用信息公示系统在线填报，每年1月1日至6月30日报送上一年度报告。如需帮助，可到区政务服务中心市场监管窗口咨询，电话 0000-0000300。",
                ),
            ],
        },
        Story {
            name: "周小燕",
            phone: "13800000106",
            subject: Consult,
            title: "退休人员医保报销比例",
            content: "我母亲今年退休，想了解退休人员在社区卫生服务中心看病的医保报销比例是多少。",
            agreed: true,
            ago: 12,
            steps: vec![
                (action::ACCEPT, 11, "office", ""),
                (
                    action::ANSWER,
                    3,
                    "office",
                    "您好！退休人员在社区卫生服务中心就医，符合规定的门诊费用报销比例高于在职人员，具体比例以本市当年医保政策为准。可拨打医保服务热线或到区医保窗口查询。",
                ),
            ],
        },
        Story {
            name: "吴建华",
            phone: "13800000107",
            subject: Suggest,
            title: "建议延长区图书馆周末开放时间",
            content: "区图书馆周末下午五点就闭馆，上班族只有周末有时间，建议周末延长到晚上八点，方便读者。",
            agreed: true,
            ago: 40,
            steps: vec![
                (action::ASSIGN, 39, "edu", ""),
                (
                    action::ANSWER,
                    33,
                    "edu",
                    "感谢您的建议！经研究，区图书馆自下月起周六、周日开放时间延长至晚上八点，具体安排将在图书馆门口和区政府网站公告。",
                ),
                (action::RATE, 30, "", "satisfied"),
                (action::PUBLISH, 29, "", ""),
            ],
        },
        Story {
            name: "郑丽",
            phone: "13800000108",
            subject: Help,
            title: "小区门口道路积水严重",
            content: "西湖街道湖滨小区门口每逢下雨就积水，最深处没过脚踝，电话13911112222可以联系我，希望尽快修缮排水设施。",
            agreed: true,
            ago: 60,
            steps: vec![
                (action::ASSIGN, 59, "sd-west", ""),
                (
                    action::ANSWER,
                    55,
                    "sd-west",
                    "您好！街道已会同区市政部门现场查看，积水原因是雨水井堵塞，已完成疏通并新增两处雨水口。后续将加强汛期巡查。",
                ),
                (action::DEEM, 20, "", ""),
                (action::PUBLISH, 19, "", ""),
            ],
        },
        Story {
            name: "钱卫国",
            phone: "13800000109",
            subject: Complain,
            title: "对拆迁补偿决定不服",
            content: "我家房屋征收补偿决定去年已经作出，我认为补偿标准太低，要求重新核定。",
            agreed: false,
            ago: 9,
            steps: vec![(
                action::NOT_ACCEPT,
                8,
                "",
                "涉及诉讼、仲裁、行政复议等法定途径（可依法申请行政复议或提起行政诉讼）",
            )],
        },
        Story {
            name: "冯强",
            phone: "13800000110",
            subject: Consult,
            title: "社保卡丢了去哪里补",
            content: "社保卡丢失了，想问一下本区哪里可以补办社保卡，要带什么材料？",
            agreed: true,
            ago: 10,
            steps: vec![(action::MERGE, 9, "", "")],
        },
        Story {
            name: "褚明",
            phone: "13800000111",
            subject: Complain,
            title: "农贸市场摊位费收取不规范",
            content: "向阳农贸市场管理方今年多次调整摊位费，没有公示收费依据，商户意见很大。",
            agreed: false,
            ago: 8,
            steps: vec![
                (action::ASSIGN, 7, "sd-east", ""),
                (
                    action::SEND_BACK,
                    2,
                    "sd-east",
                    "农贸市场收费属于市场监管部门职责，建议转区商务局办理",
                ),
            ],
        },
        Story {
            name: "蒋文",
            phone: "13800000112",
            subject: Help,
            title: "低保申请材料递交后无人回复",
            content: "今年春天递交了低保申请材料，到现在没有任何回复，想知道办理进度。",
            agreed: false,
            ago: 80,
            steps: vec![(action::ASSIGN, 70, "civil", "")],
        },
        Story {
            name: "沈亮",
            phone: "13800000113",
            subject: Suggest,
            title: "公交站台增设遮阳棚",
            content: "建议在区政务服务中心公交站台增设遮阳棚，夏天等车太晒。",
            agreed: true,
            ago: 50,
            steps: vec![
                (action::ASSIGN, 49, "commerce", ""),
                (
                    action::ANSWER,
                    42,
                    "commerce",
                    "您好！公交站台设施由公交集团负责，我局已将您的建议转交。",
                ),
                (
                    action::RATE,
                    40,
                    "",
                    "unsatisfied:答复只说转交，没有说明是否会建设以及时间安排。",
                ),
            ],
        },
    ]
}

pub fn fill(txn: &WriteTransaction, password_hash: &str, now: i64) -> Result<()> {
    let made = letters(txn, stories(), password_hash, now, |i| {
        format!("XXDEMO{:06}", i + 1)
    })?;
    for l in &made {
        store::put(txn, l)?;
    }
    entrance(txn)
}

/// `n` more letters for load tests: the stories again and again, spread over three years
/// (`gongkai demo --letters N`). Their query password is `DEMO_PASSWORD`.
pub fn bulk(store_: &crate::store::Store, n: usize, now: i64) -> Result<usize> {
    let hash = crate::auth::password::hash(DEMO_PASSWORD)?;
    let mut done = 0usize;
    while done < n {
        let batch = (n - done).min(2_000);
        let start = done;
        let hash = hash.clone();
        store_.write_blocking(move |txn| {
            let mut batch_stories = Vec::with_capacity(batch);
            let base = stories();
            for k in 0..batch {
                let mut s = base[(start + k) % base.len()]
                    .clone_shifted(i64::try_from((start + k) % 1000).unwrap_or(0) + 1);
                // Merges need their partner in the same batch; keep the bulk simple.
                s.steps.retain(|(t, ..)| *t != action::MERGE);
                batch_stories.push(s);
            }
            let made = letters(txn, batch_stories, &hash, now, |i| {
                format!("XXBULK{:08}", start + i + 1)
            })?;
            for l in &made {
                store::put(txn, l)?;
            }
            Ok(())
        })?;
        done += batch;
    }
    Ok(done)
}

fn letters(
    txn: &WriteTransaction,
    stories: Vec<Story>,
    password_hash: &str,
    now: i64,
    tracking: impl Fn(usize) -> String,
) -> Result<Vec<Letter>> {
    let today = crate::clock::beijing_date(now);
    let def = mflow::definition();
    let office = actor("冯审核", "office", true)?;
    let mut made: Vec<Letter> = Vec::new();
    for (i, s) in stories.into_iter().enumerate() {
        let id = crate::store::next_id(txn, store::COUNTER)?;
        let submitted_ms = now - s.ago * 86_400_000 - 3_600_000;
        let year = crate::clock::beijing_date(submitted_ms).year();
        let serial = crate::store::next_id(txn, &format!("mb_letter_no/{year}"))?;
        let mut l = Letter {
            id,
            number: format!("{year}-{serial:05}"),
            tracking_code: tracking(i),
            password_hash: password_hash.to_owned(),
            writer: Writer {
                name: s.name.into(),
                phone: s.phone.into(),
                email: String::new(),
            },
            subject: s.subject,
            title: s.title.into(),
            content: s.content.into(),
            attachments: Vec::new(),
            publish_agreed: s.agreed,
            project: None,
            submitted_ms,
            flow: Instance::new(def),
            accepted_on: None,
            not_accepted: None,
            merged_into: None,
            merged: Vec::new(),
            similar: Vec::new(),
            assignment: None,
            clock: None,
            answer: None,
            rating: None,
            publication: None,
            reminded: Vec::new(),
        };
        // The first letter repeats the merged one's question; the second repeats the third.
        if i == 1 && made.len() == 1 {
            l.similar = vec![id + 1];
        }
        for (t, ago, unit, text) in s.steps {
            let day: Date = today - Duration::days(ago);
            let at = now - ago * 86_400_000;
            let unit_actor = |u: &str| -> Result<Actor> {
                let names = [
                    ("commerce", "卫审核"),
                    ("sd-east", "杨审核"),
                    ("edu", "文教审核"),
                    ("sd-west", "西湖审核"),
                    ("office", "冯审核"),
                ];
                let n = names
                    .iter()
                    .find(|(c, _)| *c == u)
                    .map_or("承办人", |(_, n)| n);
                actor(n, u, u == "office")
            };
            let mut comment = String::new();
            let who = match t {
                action::ASSIGN => {
                    let wd = 5;
                    l.accepted_on.get_or_insert(day);
                    l.clock = Some(Clock::new(day, wd));
                    l.assignment = Some(Assignment {
                        unit: code(unit)?,
                        on: day,
                        workdays: wd,
                        note: text.into(),
                        by: "冯审核".into(),
                    });
                    comment = format!("转{}办理", unit_name(unit));
                    office.clone()
                }
                action::ACCEPT => {
                    l.accepted_on = Some(day);
                    l.clock = Some(Clock::new(day, 5));
                    office.clone()
                }
                action::NOT_ACCEPT => {
                    l.not_accepted = Some(text.into());
                    comment = text.into();
                    office.clone()
                }
                action::MERGE => {
                    // Into the first letter with the same question (社保卡).
                    if let Some(m) = made.first_mut() {
                        m.merged.push(id);
                        l.merged_into = Some(m.id);
                        comment = format!("并入信件 {}", m.number);
                    }
                    office.clone()
                }
                action::SEND_BACK => {
                    l.clock = None;
                    comment = text.into();
                    unit_actor(unit)?
                }
                action::ANSWER | action::SUBMIT_ANSWER => {
                    l.answer = Some(Answer {
                        text: text.into(),
                        unit: code(unit)?,
                        by: "承办人".into(),
                        written_on: day,
                        sent_on: (t == action::ANSWER).then_some(day),
                    });
                    unit_actor(unit)?
                }
                action::RATE | action::DEEM => {
                    let (level, reason) = match text.split_once(':') {
                        Some((_, r)) => (Satisfaction::Unsatisfied, r),
                        None if text == "satisfied" || text.is_empty() => {
                            (Satisfaction::Satisfied, "")
                        }
                        None => (Satisfaction::Fair, ""),
                    };
                    l.rating = Some(Rating {
                        level,
                        reason: reason.into(),
                        on: day,
                        deemed: t == action::DEEM,
                    });
                    comment = level.label().into();
                    Actor::system(if t == action::DEEM {
                        "系统"
                    } else {
                        "写信人"
                    })
                }
                action::PUBLISH => {
                    let (title, content, answer) = super::act::publication_draft(&l);
                    l.publication = Some(Publication {
                        title,
                        content,
                        answer,
                        on: day,
                        by: "冯审核".into(),
                    });
                    office.clone()
                }
                _ => office.clone(),
            };
            crate::flow::apply(def, &mut l.flow, t, &who, &comment, at)
                .map_err(|e| Error::Internal(format!("demo letter {}: {e}", i + 1)))?;
        }
        made.push(l);
    }
    Ok(made)
}

/// 区长信箱 in the main portal's navigation (the inspection's 互动回应 channel), linking to
/// `/mailbox/`.
fn entrance(txn: &WriteTransaction) -> Result<()> {
    use crate::portal::model::{Channel, ChannelKind, Slug};
    let gov = code("gov")?;
    if crate::portal::store::get_site_w(txn, &gov)?.is_none() {
        return Ok(());
    }
    let ch = Channel {
        id: 0,
        site: gov,
        slug: Slug::parse("mailbox").map_err(|e| Error::Internal(e.into()))?,
        name: "区长信箱".into(),
        kind: ChannelKind::Link,
        parent: None,
        order: 85,
        description: "写信、查询答复与信件公开".into(),
        link: "/mailbox/".into(),
        page_html: String::new(),
        on_home: false,
        in_nav: true,
        review_levels: 2,
        archived: false,
        update: None,
        home_order: 0,
        home_items: 8,
    };
    crate::portal::store::create_channel(txn, ch)?.map_err(|e| Error::Internal(e.message))?;
    Ok(())
}
