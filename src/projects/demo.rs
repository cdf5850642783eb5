//! The demo's 百件实事: this year's list of twelve projects for the demo district, in every
//! status — finished, in progress, not started, one 延期 with its reason, one past its planned
//! date without one, one with no update for over a month — with dated updates published
//! through the flow (报送 → 审核通过 → 发布, with photos), and one update of 东山街道 waiting
//! for its reviewer (杨审核, `east-reviewer`) in 我的工作. Every date is counted from `now`.
//! The portal's navigation gets a 百件实事 entrance to `/projects/`.

use redb::WriteTransaction;
use time::Duration;

use super::model::{Percent, Progress, Project, Status, Update};
use super::store;
use crate::auth::model::{Role, UnitCode, User};
use crate::error::{Error, Result};
use crate::flow::{Actor, Instance};
use crate::portal::model::{Attachment, Channel, ChannelKind, Slug};
use crate::publishing::flow::action;
use crate::store::blobs::BlobStore;

const DAY: i64 = 86_400_000;

fn code(s: &str) -> Result<UnitCode> {
    UnitCode::parse(s).map_err(|e| Error::Internal(e.into()))
}

/// One published (or waiting) update: days before now, percent, status, text, delay
/// reason, photo colours.
struct Up {
    ago: i64,
    pct: u8,
    status: Status,
    text: &'static str,
    reason: &'static str,
    photos: &'static [[u8; 3]],
}

const fn up(ago: i64, pct: u8, status: Status, text: &'static str) -> Up {
    Up {
        ago,
        pct,
        status,
        text,
        reason: "",
        photos: &[],
    }
}

struct Pj {
    title: &'static str,
    unit: &'static str,
    target: &'static str,
    /// Planned completion, days from now (negative: past).
    planned: i64,
    updates: &'static [Up],
}

use Status::{Delayed, Done, InProgress};

const GREEN: [u8; 3] = [40, 120, 70];
const GREY: [u8; 3] = [90, 90, 100];
const BLUE: [u8; 3] = [30, 90, 150];
const BROWN: [u8; 3] = [130, 90, 50];

const PROJECTS: &[Pj] = &[
    Pj {
        title: "幸福里等3个老旧小区综合改造",
        unit: "sd-east",
        target: "对幸福里、光明巷、棉纺厂宿舍3个2000年前建成的小区实施改造，涉及居民1260户：更新雨污水管网和供水管线，外墙保温和屋面防水，增设电动自行车集中充电棚，整治停车秩序和楼道照明。",
        planned: 35,
        updates: &[
            Up {
                photos: &[GREY],
                ..up(
                    80,
                    20,
                    InProgress,
                    "三个小区完成入户调查和改造方案公示，居民同意率达96%；施工单位进场，先行开挖幸福里雨污分流管沟。",
                )
            },
            Up {
                photos: &[BROWN, GREY],
                ..up(
                    45,
                    45,
                    InProgress,
                    "幸福里、光明巷地下管网改造完成并回填，棉纺厂宿舍外墙保温施工过半；充电棚基础已浇筑。",
                )
            },
            Up {
                photos: &[GREEN],
                ..up(
                    12,
                    65,
                    InProgress,
                    "管网改造全部完成，外墙保温和屋面防水完成8栋，2处电动自行车充电棚投入使用，共设充电口160个。",
                )
            },
        ],
    },
    Pj {
        title: "向阳社区长者食堂",
        unit: "sd-east",
        target: "在向阳社区服务中心一层建设长者食堂，面积约300平方米，提供午餐和晚餐，80岁以上老人和低保老人享受就餐补贴，并为行动不便老人送餐上门。",
        planned: -20,
        updates: &[
            up(90, 30, InProgress, "完成选址和装修设计，厨房设备招标完成。"),
            Up {
                photos: &[BROWN],
                ..up(
                    50,
                    80,
                    InProgress,
                    "装修基本完成，厨房设备安装调试，餐饮服务企业已确定。",
                )
            },
            Up {
                photos: &[GREEN, BLUE],
                ..up(
                    25,
                    100,
                    Done,
                    "长者食堂正式开业，每天供应午餐、晚餐各一餐，首月就餐老人日均180人次，送餐上门42户。",
                )
            },
        ],
    },
    Pj {
        title: "湖滨路口袋公园",
        unit: "sd-west",
        target: "利用湖滨路与新华街交叉口闲置地块（约2400平方米）建设口袋公园，设置儿童游乐区、健身步道、休息座椅和公共厕所，补植乔木60株。",
        planned: -10,
        updates: &[
            Up {
                photos: &[BROWN],
                ..up(
                    70,
                    40,
                    InProgress,
                    "场地平整完成，园路和儿童游乐区基础施工中。",
                )
            },
            Up {
                reason: "地块下方发现未登记的燃气中压管线，需与燃气公司协商迁改方案，公共厕所和东侧园路暂停施工，预计推迟两个月完工。",
                photos: &[GREY],
                ..up(
                    15,
                    70,
                    Delayed,
                    "儿童游乐区、健身步道和绿化种植已完成，休息座椅安装到位；公共厕所和东侧园路因管线问题暂停施工。",
                )
            },
        ],
    },
    Pj {
        title: "实验小学教学楼扩建",
        unit: "edu",
        target: "在实验小学校内新建一栋四层教学楼，建筑面积约5600平方米，新增教室24间和功能教室6间，可增加学位1080个，2027年秋季学期投入使用。",
        planned: 60,
        updates: &[
            Up {
                photos: &[GREY],
                ..up(
                    60,
                    30,
                    InProgress,
                    "主体结构施工至二层，同步实施校内临时通道和安全围挡，不影响正常教学。",
                )
            },
            Up {
                photos: &[BLUE],
                ..up(20, 55, InProgress, "主体结构封顶，开始砌筑和机电安装。")
            },
        ],
    },
    Pj {
        title: "既有住宅加装电梯20部",
        unit: "sd-west",
        target: "在湖滨、新华两个社区为符合条件的多层住宅加装电梯20部，政府按每部20万元给予补贴，街道协助居民协商、报批和施工组织。",
        planned: 75,
        updates: &[up(
            40,
            40,
            InProgress,
            "已有14个单元完成居民协商和报批，8部电梯开工，3部完成井道施工。",
        )],
    },
    Pj {
        title: "区综合养老服务中心",
        unit: "civil",
        target: "改造原区第二招待所为综合养老服务中心，设置养老床位120张，其中护理型床位不低于60%，同时承担全区居家养老服务的调度和培训。",
        planned: -40,
        updates: &[
            up(
                120,
                60,
                InProgress,
                "改造工程主体完成，消防和无障碍设施验收中。",
            ),
            Up {
                photos: &[GREEN],
                ..up(
                    45,
                    100,
                    Done,
                    "服务中心通过消防验收并取得养老机构备案，正式运营，已入住老人46位。",
                )
            },
        ],
    },
    Pj {
        title: "东城农贸市场提升改造",
        unit: "commerce",
        target: "对东城农贸市场实施提升改造：更新地面、排水和通风设施，划行归市，设置农残快检室和公平秤，推行电子支付和溯源管理。",
        planned: 40,
        updates: &[
            up(
                75,
                20,
                InProgress,
                "完成改造方案，商户临时安置点启用，市场分区停业施工。",
            ),
            Up {
                photos: &[BROWN],
                ..up(
                    18,
                    50,
                    InProgress,
                    "一期（蔬菜和水果区）改造完成恢复营业，农残快检室投入使用；二期肉类和水产区开工。",
                )
            },
        ],
    },
    Pj {
        title: "城区老旧供水管网改造8公里",
        unit: "water",
        target: "更换城区使用超过30年的铸铁供水管道8公里，涉及东山、西湖两个街道，降低管网漏损率，解决部分小区水压不足问题。",
        planned: 30,
        updates: &[
            up(
                85,
                35,
                InProgress,
                "完成东山街道段2.8公里管道更换，施工期间提前公告停水时间。",
            ),
            Up {
                photos: &[BLUE],
                ..up(
                    10,
                    80,
                    InProgress,
                    "累计完成6.4公里，新管道已通水，幸福里片区水压明显改善。",
                )
            },
        ],
    },
    Pj {
        title: "应急避难场所提升建设",
        unit: "safety",
        target: "在区体育公园建设Ⅱ类应急避难场所，配置应急供水、供电、照明、厕所和物资储备设施，设置标识标牌，可容纳避难人员8000人。",
        planned: 150,
        updates: &[],
    },
    Pj {
        title: "湖滨社区居家养老服务站",
        unit: "c-hubin",
        target: "在湖滨社区建设居家养老服务站，提供日间照料、助浴、助洁和健康监测服务，为独居老人安装紧急呼叫设备。",
        planned: 100,
        updates: &[],
    },
    Pj {
        title: "全民健身路径和社区球场更新",
        unit: "edu",
        target: "更新全区老化的健身路径器材30处，新建和改造社区篮球场、笼式足球场5片。",
        planned: -60,
        updates: &[
            up(110, 50, InProgress, "30处健身器材更新完成，球场选址确定。"),
            Up {
                photos: &[GREEN],
                ..up(
                    62,
                    100,
                    Done,
                    "5片社区球场全部建成开放，夜间照明开放至21:30。",
                )
            },
        ],
    },
    Pj {
        title: "东山街道便民停车位",
        unit: "sd-east",
        target: "利用街道辖区边角地和道路两侧条件允许的空间，新增便民停车位600个，其中设置充电车位60个。",
        planned: -5,
        updates: &[up(
            28,
            85,
            InProgress,
            "已完成停车位施划510个，充电桩安装48个。",
        )],
    },
];

/// The update waiting for 东山街道's reviewer: the newest progress of the first project.
const WAITING: Up = Up {
    ago: 1,
    pct: 72,
    status: InProgress,
    text: "棉纺厂宿舍外墙保温全部完成，三个小区楼道照明改造完成，正在进行停车位施划和绿化补植。",
    reason: "",
    photos: &[GREEN],
};

/// Who takes the steps for a unit: its demo accounts where it has them (东山街道, 商务局),
/// otherwise its staff named in the history only.
struct Crew {
    writer: Actor,
    reviewer: Actor,
    publisher: Actor,
}

fn actor(users: &[User], unit: &UnitCode, username: &str, role: Role, fallback: &str) -> Actor {
    match users.iter().find(|u| u.username.as_str() == username) {
        Some(u) => Actor {
            item_roles: vec![role],
            ..Actor::for_item(u, &[], &[], false)
        },
        // A unit without demo accounts: its staff are named in the history only (no account
        // has id 0; the engine needs a person, not the system, to take these steps).
        None => Actor {
            user: Some(0),
            name: fallback.to_owned(),
            unit: Some(unit.clone()),
            item_roles: vec![role],
            office_roles: Vec::new(),
            is_author: false,
            is_addressee: false,
        },
    }
}

fn crew(users: &[User], unit: &UnitCode) -> Crew {
    let prefix = match unit.as_str() {
        "sd-east" => "east",
        "commerce" => "commerce",
        _ => "",
    };
    let mut writer = actor(
        users,
        unit,
        &format!("{prefix}-writer"),
        Role::Reporter,
        "单位信息员",
    );
    writer.is_author = true;
    Crew {
        writer,
        reviewer: actor(
            users,
            unit,
            &format!("{prefix}-reviewer"),
            Role::Reviewer,
            "单位审核人",
        ),
        publisher: actor(
            users,
            unit,
            &format!("{prefix}-publisher"),
            Role::Publisher,
            "单位发布人",
        ),
    }
}

fn writer_name(users: &[User], unit: &UnitCode) -> String {
    let c = crew(users, unit);
    c.writer
        .user
        .and_then(|id| users.iter().find(|u| u.id == id))
        .map_or_else(|| "demo".to_owned(), |u| u.username.to_string())
}

fn photos(blobs: &BlobStore, colours: &[[u8; 3]]) -> Result<Vec<Attachment>> {
    colours
        .iter()
        .enumerate()
        .map(|(i, rgb)| {
            let png = crate::publishing::demo::demo_png(*rgb);
            let sha = blobs.put(&png)?;
            Ok(Attachment {
                sha,
                name: format!("现场照片{}.png", i + 1),
                size: png.len() as u64,
                mime: "image/png".into(),
            })
        })
        .collect()
}

fn date_of(ms: i64) -> time::Date {
    super::public::today(ms)
}

/// Writes one update through the flow's steps, up to publication when `publish`.
#[allow(clippy::too_many_arguments)]
fn put(
    txn: &WriteTransaction,
    blobs: &BlobStore,
    users: &[User],
    p: &Project,
    u: &Up,
    publish: bool,
    now: i64,
) -> Result<()> {
    let def = super::flow::definition();
    let c = crew(users, &p.unit);
    let seen = now - u.ago * DAY;
    let mut flow = Instance::new(def);
    let step = |flow: &mut Instance, a: &str, who: &Actor, at: i64| {
        crate::flow::apply(def, flow, a, who, "", at)
            .map(|_| ())
            .map_err(|e| Error::Internal(e.to_string()))
    };
    step(&mut flow, action::SUBMIT, &c.writer, seen + 2 * 3_600_000)?;
    let mut published = None;
    if publish {
        step(
            &mut flow,
            action::APPROVE_UNIT,
            &c.reviewer,
            seen + 20 * 3_600_000,
        )?;
        let at = seen + DAY;
        step(&mut flow, action::PUBLISH, &c.publisher, at)?;
        published = Some(at);
    }
    let update = Update {
        id: 0,
        project: p.id,
        unit: p.unit.clone(),
        date: date_of(seen),
        text: u.text.into(),
        percent: Percent::new(u.pct).unwrap_or_default(),
        status: u.status,
        delay_reason: u.reason.into(),
        photos: photos(blobs, u.photos)?,
        created_by: writer_name(users, &p.unit),
        created_ms: 0,
        updated_ms: 0,
        published_ms: published,
        flow,
    };
    store::put_update(txn, update, published.unwrap_or(seen + 2 * 3_600_000))?;
    Ok(())
}

pub fn fill(txn: &WriteTransaction, blobs: &BlobStore, now: i64) -> Result<()> {
    let users = crate::auth::store::list_users_w(txn)?;
    let today = date_of(now);
    let year = u16::try_from(today.year()).map_err(|e| Error::Internal(e.to_string()))?;
    let year_end = time::Date::from_calendar_date(today.year(), time::Month::December, 31)
        .map_err(|e| Error::Internal(e.to_string()))?;
    for (i, d) in PROJECTS.iter().enumerate() {
        let listed = now - 130 * DAY;
        let p = store::save(
            txn,
            Project {
                id: 0,
                year,
                number: u32::try_from(i + 1).unwrap_or(0),
                title: d.title.into(),
                unit: code(d.unit)?,
                target: d.target.into(),
                // Within the list's year, however late in it the demo is made.
                planned: (today + Duration::days(d.planned)).min(year_end),
                progress: Progress::default(),
                created_ms: 0,
                updated_ms: 0,
                created_by: "office-admin".into(),
            },
            if d.updates.is_empty() {
                now - 12 * DAY
            } else {
                listed
            },
        )?;
        for u in d.updates {
            put(txn, blobs, &users, &p, u, true, now)?;
        }
        if i == 0 {
            put(txn, blobs, &users, &p, &WAITING, false, now)?;
        }
    }
    entrance(txn)
}

/// 百件实事 in the main portal's navigation, linking to `/projects/`.
fn entrance(txn: &WriteTransaction) -> Result<()> {
    let gov = code("gov")?;
    if crate::portal::store::get_site_w(txn, &gov)?.is_none() {
        return Ok(());
    }
    let ch = Channel {
        id: 0,
        site: gov,
        slug: Slug::parse("projects").map_err(|e| Error::Internal(e.into()))?,
        name: "百件实事".into(),
        kind: ChannelKind::Link,
        parent: None,
        order: 90,
        description: "民生实事项目网上查".into(),
        link: "/projects/".into(),
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
