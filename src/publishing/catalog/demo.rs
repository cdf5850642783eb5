//! The demo district's catalog: the catalog fields of the demo items (文号, genres, topics,
//! 目录类别), and a few older documents of the district government — 行政规范性文件 in force
//! and one 废止, the office's 公开制度, the budget — so `--demo` shows a full 公开目录.

use redb::WriteTransaction;

use crate::error::Result;
use crate::portal::model::{Article, DisclosureMeta};
use crate::portal::sanitize;
use crate::publishing::catalog::fields::{ARTICLE_20, ARTICLE_21, RULES_CATEGORY};

/// What an item's catalog fields are: 文号 as (机关代字, serial) in the year written, genre,
/// topic, 目录类别, 文件属性, 有效性 and, for a repealed one, when.
struct Gk {
    title: &'static str,
    doc: Option<(&'static str, u32)>,
    genre: &'static str,
    topic: &'static str,
    category: &'static str,
    normative: &'static str,
    validity: &'static str,
    /// A fixed 成文日期 (an old document); else two days before publication.
    written: Option<&'static str>,
    validity_date: &'static str,
}

const fn gk(title: &'static str, genre: &'static str, topic: &'static str) -> Gk {
    Gk {
        title,
        doc: None,
        genre,
        topic,
        category: "",
        normative: "",
        validity: "",
        written: None,
        validity_date: "",
    }
}

const NORMS: &str = ARTICLE_20[0];

/// The fields of the demo items (by title), and of the older documents below.
const FIELDS: &[Gk] = &[
    gk(
        "区政府召开常务会议研究部署冬季安全生产工作",
        "工作动态",
        "市场监管、安全生产监管\\安全生产监管",
    ),
    gk(
        "我区十项民生实事项目进展顺利",
        "工作动态",
        "综合政务\\政务督查",
    ),
    gk(
        "区政务服务中心推出“周末不打烊”服务",
        "工作动态",
        "综合政务\\电子政务",
    ),
    Gk {
        doc: Some(("示政办发", 30)),
        ..gk(
            "关于2027年元旦假期值班安排的通知",
            "通知",
            "综合政务\\文秘工作",
        )
    },
    Gk {
        category: ARTICLE_20[10],
        ..gk(
            "示范区2026年公开招聘社区工作者公告",
            "公告",
            "劳动、人事、监察\\劳动就业",
        )
    },
    Gk {
        doc: Some(("示政发", 11)),
        category: NORMS,
        normative: "行政规范性文件",
        validity: "有效",
        ..gk(
            "示范区关于进一步优化营商环境的若干措施",
            "意见",
            "国民经济管理、国有资产监管\\经济体制改革",
        )
    },
    gk(
        "《示范区关于进一步优化营商环境的若干措施》政策解读",
        "解读",
        "国民经济管理、国有资产监管\\经济体制改革",
    ),
    gk(
        "示范区现代服务业集聚区招商推介",
        "其他",
        "商贸、海关、旅游\\对外经贸合作",
    ),
    gk(
        "区商务局开展冬季消费促进活动",
        "工作动态",
        "商贸、海关、旅游\\国内贸易（含供销）",
    ),
    gk(
        "区商务局组织外贸企业参加线上培训",
        "工作动态",
        "商贸、海关、旅游\\对外经贸合作",
    ),
    Gk {
        doc: Some(("示商发", 15)),
        category: ARTICLE_20[4],
        ..gk(
            "关于申报2026年度电子商务发展专项资金的通知",
            "通知",
            "商贸、海关、旅游\\国内贸易（含供销）",
        )
    },
    Gk {
        category: ARTICLE_21[0],
        ..gk(
            "东山街道开展老旧小区加装电梯入户宣传",
            "工作动态",
            "城乡建设、环境保护\\城乡建设（含住房）",
        )
    },
    // The older documents (`OLDER`).
    Gk {
        doc: Some(("示政发", 3)),
        category: NORMS,
        normative: "行政规范性文件",
        validity: "有效",
        ..gk(
            "示范区人民政府关于印发《示范区行政规范性文件管理办法》的通知",
            "通知",
            "综合政务\\其他",
        )
    },
    Gk {
        doc: Some(("示政办发", 21)),
        category: ARTICLE_21[0],
        normative: "行政规范性文件",
        validity: "有效",
        ..gk(
            "示范区人民政府办公室关于印发《示范区城市道路挖掘管理办法》的通知",
            "通知",
            "城乡建设、环境保护\\城乡建设（含住房）",
        )
    },
    Gk {
        doc: Some(("示政发", 8)),
        category: ARTICLE_21[6],
        normative: "行政规范性文件",
        validity: "废止",
        written: Some("2019-04-12"),
        validity_date: "2026-06-30",
        ..gk(
            "示范区人民政府关于印发《示范区城镇最低生活保障实施细则》的通知",
            "通知",
            "民政、扶贫、救灾\\社会福利",
        )
    },
    Gk {
        doc: Some(("示政办发", 5)),
        category: RULES_CATEGORY,
        ..gk(
            "示范区人民政府办公室政府信息公开工作制度",
            "规定",
            "综合政务\\政务公开",
        )
    },
    Gk {
        category: ARTICLE_20[6],
        ..gk(
            "示范区2026年区级部门预算公开",
            "其他",
            "财政、金融、审计\\财政",
        )
    },
];

/// (title, channel slug on the main site, days before the demo's `now`, body)
const OLDER: &[(&str, &str, i64, &str)] = &[
    (
        "示范区人民政府关于印发《示范区行政规范性文件管理办法》的通知",
        "policies",
        60,
        "各街道办事处，区政府各部门：\n\n现将《示范区行政规范性文件管理办法》印发给你们，请认真贯彻执行。行政规范性文件实行统一登记、统一编号、统一公布，未经公布的不得作为行政管理依据。",
    ),
    (
        "示范区人民政府办公室关于印发《示范区城市道路挖掘管理办法》的通知",
        "policies",
        45,
        "各街道办事处，区政府各部门：\n\n《示范区城市道路挖掘管理办法》已经区政府同意，现印发给你们，请结合实际认真执行。因工程建设确需挖掘城市道路的，应当按规定办理审批手续，限期恢复原状。",
    ),
    (
        "示范区人民政府关于印发《示范区城镇最低生活保障实施细则》的通知",
        "policies",
        40,
        "各街道办事处，区政府各部门：\n\n现将《示范区城镇最低生活保障实施细则》印发给你们，请遵照执行。\n\n（本文件已于2026年6月30日废止，现行规定见市人民政府有关文件。）",
    ),
    (
        "示范区人民政府办公室政府信息公开工作制度",
        "notices",
        30,
        "为规范政府信息公开工作，根据《中华人民共和国政府信息公开条例》，制定本制度。\n\n一、主动公开的政府信息自形成或者变更之日起20个工作日内予以公开。\n\n二、依申请公开由区人民政府办公室统一受理、登记、办理和答复。\n\n三、政府信息公开前依法依规进行保密审查。",
    ),
    (
        "示范区2026年区级部门预算公开",
        "notices",
        25,
        "根据预算法和政府信息公开有关规定，现将示范区2026年区级部门预算予以公开。\n\n区级一般公共预算支出主要用于教育、社会保障和就业、卫生健康、城乡社区等民生领域。详细情况见各部门预算公开说明。",
    ),
];

/// The Beijing date `days` before `ms`.
fn date_before(ms: i64, days: i64) -> (String, i32) {
    let d = crate::publishing::catalog::late::beijing_date(ms - days * 86_400_000);
    (crate::calendar::iso(d), d.year())
}

/// The catalog fields for a demo item by its title, published at `at`.
pub fn meta_for(title: &str, at: i64) -> DisclosureMeta {
    let Some(g) = FIELDS.iter().find(|g| g.title == title) else {
        return DisclosureMeta::default();
    };
    let (written, year) = match g.written {
        Some(w) => (w.to_owned(), w[..4].parse().unwrap_or(2019)),
        None => date_before(at, 2),
    };
    DisclosureMeta {
        doc_no: g
            .doc
            .map(|(agency, n)| format!("{agency}〔{year}〕{n}号"))
            .unwrap_or_default(),
        written_date: written,
        topic: g.topic.into(),
        genre: g.genre.into(),
        category: g.category.into(),
        normative: g.normative.into(),
        validity: g.validity.into(),
        validity_date: g.validity_date.into(),
        ..DisclosureMeta::default()
    }
}

/// Adds the older documents to the main site's channels (`find` gives a channel's id by
/// "site/slug"), published `days` before `now`.
pub fn fill_older(
    txn: &WriteTransaction,
    find: &dyn Fn(&str) -> Result<u64>,
    main: &crate::auth::model::UnitCode,
    now: i64,
) -> Result<()> {
    for (title, slug, days, body) in OLDER {
        let at = now - days * 86_400_000;
        let a = Article {
            title: (*title).into(),
            source: "区人民政府办公室".into(),
            body_html: sanitize::paragraphs(body),
            meta: meta_for(title, at),
            ..Article::blank(find(&format!("gov/{slug}"))?, main.clone(), "demo")
        };
        let saved = crate::publishing::store::save_article(txn, a, 0, at)?;
        crate::publishing::store::publish(txn, saved.id, at)?;
    }
    Ok(())
}
