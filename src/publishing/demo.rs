//! The demo district's portal: the main site and two sub-sites, their channels, and a
//! set of items written for this project (news, notices, a policy with its
//! interpretation, an item pushed from a department to the portal, attachments and
//! headline pictures).

use redb::WriteTransaction;

use crate::auth::model::UnitCode;
use crate::error::{Error, Result};
use crate::portal::model::{Article, Attachment, Channel, ChannelKind, Site, Slug};
use crate::portal::{sanitize, store};
use crate::store::BlobStore;

fn code(s: &str) -> Result<UnitCode> {
    UnitCode::parse(s).map_err(|e| Error::Internal(e.into()))
}

struct Ch {
    site: &'static str,
    slug: &'static str,
    name: &'static str,
    kind: ChannelKind,
    nav: bool,
    home: bool,
    parent: Option<&'static str>,
    text: &'static str,
}

const fn ch(
    site: &'static str,
    slug: &'static str,
    name: &'static str,
    kind: ChannelKind,
    nav: bool,
    home: bool,
) -> Ch {
    Ch {
        site,
        slug,
        name,
        kind,
        nav,
        home,
        parent: None,
        text: "",
    }
}

const CHANNELS: &[Ch] = &[
    Ch {
        text: "示范区位于市境东部，辖东山、西湖两个街道和十二个社区，常住人口约二十一万。区内交通便利，产业以现代服务业、先进制造业和文化旅游为主。\n\n区人民政府坚持依法行政、政务公开，建设人民满意的服务型政府。",
        ..ch(
            "gov",
            "overview",
            "区情概况",
            ChannelKind::Page,
            true,
            false,
        )
    },
    ch("gov", "gov-news", "政务动态", ChannelKind::List, true, true),
    ch(
        "gov",
        "dept-news",
        "部门动态",
        ChannelKind::List,
        true,
        true,
    ),
    ch("gov", "notices", "通知公告", ChannelKind::List, true, true),
    ch("gov", "policies", "政策文件", ChannelKind::List, true, true),
    ch(
        "gov",
        "interpretation",
        "政策解读",
        ChannelKind::List,
        true,
        true,
    ),
    Ch {
        parent: Some("policies"),
        ..ch(
            "gov",
            "normative",
            "规范性文件",
            ChannelKind::List,
            false,
            false,
        )
    },
    ch(
        "gov",
        "investment",
        "招商引资",
        ChannelKind::List,
        true,
        false,
    ),
    Ch {
        text: "本指南依据《中华人民共和国政府信息公开条例》编制，说明示范区人民政府主动公开和依申请公开政府信息的范围、方式和程序。\n\n主动公开的政府信息通过本网站、政务服务大厅查阅点等渠道公开。公民、法人或者其他组织可以向本机关申请获取相关政府信息，受理机构为区人民政府办公室，办公地址：示范区政务服务大道1号，工作时间：工作日上午9:00至12:00、下午1:30至5:30。",
        ..ch(
            "gov",
            "disclosure",
            "政府信息公开指南",
            ChannelKind::Page,
            false,
            false,
        )
    },
    ch(
        "commerce",
        "work",
        "工作动态",
        ChannelKind::List,
        true,
        true,
    ),
    ch(
        "commerce",
        "notices",
        "通知公告",
        ChannelKind::List,
        true,
        true,
    ),
    Ch {
        text: "区商务局负责全区商贸流通、对外贸易、招商引资和电子商务发展等工作。地址：示范区政务服务大道1号三楼，电话：0000-0000101。",
        ..ch(
            "commerce",
            "about",
            "机构职能",
            ChannelKind::Page,
            true,
            false,
        )
    },
    ch("sd-east", "work", "街道动态", ChannelKind::List, true, true),
    ch(
        "sd-east",
        "community",
        "社区风采",
        ChannelKind::List,
        true,
        true,
    ),
];

/// (site, channel slug, extra placements "site/slug", title, source, paragraphs, cover colour, attachment)
struct Item {
    site: &'static str,
    channel: &'static str,
    also: &'static [&'static str],
    title: &'static str,
    source: &'static str,
    body: &'static str,
    cover: Option<[u8; 3]>,
    attachment: Option<(&'static str, &'static str)>,
}

/// One demo item links to a channel that no longer exists, so the self-check (网站自查) has a
/// link that leads nowhere to show: (the item's title, the paragraph added to its text).
const STALE_LINK: (&str, &str) = (
    "示范区现代服务业集聚区招商推介",
    "<p>往期推介活动详见<a href=\"/c/zhaoshang-2024/\">原招商引资专栏</a>。</p>",
);

const ITEMS: &[Item] = &[
    Item {
        site: "gov",
        channel: "gov-news",
        also: &[],
        title: "区政府召开常务会议研究部署冬季安全生产工作",
        source: "区人民政府办公室",
        body: "11月24日，区长主持召开区政府常务会议，听取全区安全生产形势分析汇报，研究部署冬季安全生产和森林防火工作。\n\n会议强调，要压紧压实各方责任，深入开展燃气、消防、道路交通等重点领域隐患排查整治，确保人民群众生命财产安全。",
        cover: Some([168, 21, 27]),
        attachment: None,
    },
    Item {
        site: "gov",
        channel: "gov-news",
        also: &[],
        title: "我区十项民生实事项目进展顺利",
        source: "区人民政府办公室",
        body: "今年以来，区政府确定的十项民生实事项目稳步推进。截至目前，老旧小区改造、社区食堂建设、学校午餐补助等八个项目已完成年度目标。\n\n区政府将继续加强督查调度，确保全部项目年底前完成，并在政府门户网站公布进展情况，接受群众监督。",
        cover: Some([11, 76, 140]),
        attachment: None,
    },
    Item {
        site: "gov",
        channel: "gov-news",
        also: &[],
        title: "区政务服务中心推出“周末不打烊”服务",
        source: "区政务服务中心",
        body: "为方便上班族办事，区政务服务中心自12月起在每周六上午提供户籍、社保、医保等高频事项办理服务。\n\n群众可通过政务服务网预约，也可现场取号办理。",
        cover: None,
        attachment: None,
    },
    Item {
        site: "gov",
        channel: "notices",
        also: &[],
        title: "关于2027年元旦假期值班安排的通知",
        source: "区人民政府办公室",
        body: "各街道办事处、区直各部门：\n\n根据国务院办公厅关于2027年部分节假日安排的通知精神，现将元旦假期值班工作有关事项通知如下。各单位要严格落实领导带班和24小时值班制度，遇有重大情况及时报告。",
        cover: None,
        attachment: Some((
            "值班表.csv",
            "日期,带班领导,值班人员\n2027-01-01,张明,李华\n2027-01-02,王强,赵敏\n",
        )),
    },
    Item {
        site: "gov",
        channel: "notices",
        also: &[],
        title: "示范区2026年公开招聘社区工作者公告",
        source: "区民政局",
        body: "根据工作需要，经研究决定，面向社会公开招聘社区工作者30名。报名时间为12月1日至12月10日，报名方式为网上报名。\n\n详细岗位信息见附件。",
        cover: None,
        attachment: Some((
            "岗位表.csv",
            "岗位,人数,要求\n社区综合岗,20,大专及以上学历\n社区网格岗,10,高中及以上学历\n",
        )),
    },
    Item {
        site: "gov",
        channel: "policies",
        also: &[],
        title: "示范区关于进一步优化营商环境的若干措施",
        source: "区人民政府",
        body: "为深入贯彻落实优化营商环境条例，持续激发市场主体活力，结合我区实际，制定以下措施。\n\n一、压缩企业开办时间。企业开办全流程时间压缩至1个工作日以内。\n\n二、推行告知承诺制。对符合条件的涉企经营许可事项实行告知承诺。\n\n三、加强政企沟通。建立重点企业服务专员制度，及时协调解决企业诉求。",
        cover: None,
        attachment: None,
    },
    Item {
        site: "gov",
        channel: "interpretation",
        also: &[],
        title: "《示范区关于进一步优化营商环境的若干措施》政策解读",
        source: "区商务局",
        body: "一、制定背景。为持续优化营商环境，区政府制定了若干措施。\n\n二、主要内容。措施共三条，重点围绕企业开办、涉企许可和政企沟通三个方面。\n\n三、适用对象。在本区登记注册的各类市场主体。",
        cover: None,
        attachment: None,
    },
    Item {
        site: "gov",
        channel: "investment",
        also: &[],
        title: "示范区现代服务业集聚区招商推介",
        source: "区商务局",
        body: "现代服务业集聚区规划面积2.5平方公里，重点引进金融服务、科技研发、文化创意等产业。区内交通便利，配套完善，对入驻企业给予租金减免等支持。",
        cover: None,
        attachment: None,
    },
    Item {
        site: "commerce",
        channel: "work",
        also: &["gov/dept-news"],
        title: "区商务局开展冬季消费促进活动",
        source: "区商务局",
        body: "为激发消费活力，区商务局联合辖区商超开展冬季消费促进活动，活动期间发放消费券50万元。\n\n活动将持续至明年1月底，涵盖家电、餐饮、文旅等领域。",
        cover: Some([26, 110, 46]),
        attachment: None,
    },
    Item {
        site: "commerce",
        channel: "work",
        also: &[],
        title: "区商务局组织外贸企业参加线上培训",
        source: "区商务局",
        body: "近日，区商务局组织辖区20余家外贸企业参加跨境电商线上培训，帮助企业拓展国际市场。",
        cover: None,
        attachment: None,
    },
    Item {
        site: "commerce",
        channel: "notices",
        also: &[],
        title: "关于申报2026年度电子商务发展专项资金的通知",
        source: "区商务局",
        body: "各有关企业：现启动2026年度电子商务发展专项资金申报工作，申报截止时间为12月20日。",
        cover: None,
        attachment: None,
    },
    Item {
        site: "sd-east",
        channel: "work",
        also: &["gov/dept-news"],
        title: "东山街道开展老旧小区加装电梯入户宣传",
        source: "东山街道办事处",
        body: "东山街道组织社区工作人员深入老旧小区，向居民宣传加装电梯政策，解答居民疑问，推动加装电梯工作有序开展。",
        cover: None,
        attachment: None,
    },
    Item {
        site: "sd-east",
        channel: "community",
        also: &[],
        title: "向阳社区举办重阳节敬老活动",
        source: "向阳社区居民委员会",
        body: "重阳节当天，向阳社区邀请辖区80岁以上老人参加敬老活动，志愿者为老人义诊、理发，并送上节日慰问品。",
        cover: Some([0, 110, 110]),
        attachment: None,
    },
];

/// A solid-colour PNG with a lighter band, for demo headline pictures.
pub fn demo_png(rgb: [u8; 3]) -> Vec<u8> {
    let (w, h) = (320u32, 180u32);
    let mut raw = Vec::with_capacity(((w * 3 + 1) * h) as usize);
    for y in 0..h {
        raw.push(0);
        for _ in 0..w {
            let light = (60..120).contains(&y);
            for c in rgb {
                raw.push(if light { c.saturating_add(40) } else { c });
            }
        }
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&crc.sum().to_be_bytes());
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &ihdr);
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    let _ = z.write_all(&raw);
    chunk(&mut png, b"IDAT", &z.finish().unwrap_or_default());
    chunk(&mut png, b"IEND", &[]);
    png
}

/// Writes the demo portal inside the demo's transaction. `now` is the publish time of
/// the newest item; older items are spread over the previous weeks.
pub fn fill(txn: &WriteTransaction, blobs: &BlobStore, site_name: &str, now: i64) -> Result<()> {
    let sites = [
        ("gov", site_name, "red", true),
        ("commerce", "区商务局", "green", false),
        ("sd-east", "东山街道办事处", "teal", false),
    ];
    for (unit, name, theme, is_main) in sites {
        store::put_site(
            txn,
            &Site {
                unit: code(unit)?,
                name: name.to_owned(),
                theme: theme.into(),
                host: None,
                is_main,
                // The office reviews within three working days; units within two.
                review_days: if is_main { 3 } else { 2 },
                // A department's site names itself as sponsor; the rest is the portal's.
                footer: crate::views::layout::Footer {
                    sponsor: if unit == "commerce" {
                        "示范区商务局".into()
                    } else {
                        String::new()
                    },
                    phone: if unit == "commerce" {
                        "0000-1234567".into()
                    } else {
                        String::new()
                    },
                    ..Default::default()
                },
                short_name: match unit {
                    "commerce" => "商务局".into(),
                    "sd-east" => "东山街道".into(),
                    _ => String::new(),
                },
                images: Default::default(),
            },
        )?;
    }
    let mut ids: Vec<(String, u64)> = Vec::new();
    for (i, c) in CHANNELS.iter().enumerate() {
        let parent = c.parent.and_then(|p| {
            ids.iter()
                .find(|(k, _)| k == &format!("{}/{}", c.site, p))
                .map(|x| x.1)
        });
        let channel = Channel {
            id: 0,
            site: code(c.site)?,
            slug: Slug::parse(c.slug).map_err(|e| Error::Internal(e.into()))?,
            name: c.name.into(),
            kind: c.kind,
            parent,
            order: i as i64,
            description: String::new(),
            link: String::new(),
            page_html: sanitize::paragraphs(c.text),
            on_home: c.home,
            in_nav: c.nav,
            // The main portal: two levels; sub-sites: their own review.
            review_levels: if c.site == "gov" { 2 } else { 1 },
            archived: false,
            update: None,
            home_order: 0,
            home_items: 8,
        };
        let id = store::create_channel(txn, channel)?.map_err(|e| Error::Internal(e.message))?;
        ids.push((format!("{}/{}", c.site, c.slug), id));
    }
    let find = |k: &str| {
        ids.iter()
            .find(|(x, _)| x == k)
            .map(|x| x.1)
            .ok_or_else(|| Error::Internal(format!("demo channel {k}")))
    };
    let mut policy_id = None;
    let n = ITEMS.len() as i64;
    for (i, it) in ITEMS.iter().enumerate() {
        let mut attachments = Vec::new();
        if let Some((name, text)) = it.attachment {
            let sha = blobs.put(text.as_bytes())?;
            attachments.push(Attachment {
                sha,
                name: name.into(),
                size: text.len() as u64,
                mime: "text/csv".into(),
            });
        }
        let cover = match it.cover {
            Some(rgb) => {
                let png = demo_png(rgb);
                let sha = blobs.put(&png)?;
                Some(Attachment {
                    sha,
                    name: "cover.png".into(),
                    size: png.len() as u64,
                    mime: "image/png".into(),
                })
            }
            None => None,
        };
        let placements = it
            .also
            .iter()
            .map(|k| find(k))
            .collect::<Result<Vec<_>>>()?;
        let interprets = if it.channel == "interpretation" {
            policy_id
        } else {
            None
        };
        let mut body_html = sanitize::paragraphs(it.body);
        if it.title == STALE_LINK.0 {
            body_html.push_str(STALE_LINK.1);
        }
        // Oldest first, a day and a half apart, so lists have a believable spread.
        let at = now - (n - i as i64) * 36 * 3_600_000;
        let a = Article {
            placements,
            title: it.title.into(),
            source: it.source.into(),
            body_html,
            cover,
            attachments,
            interprets,
            meta: crate::publishing::catalog::demo::meta_for(it.title, at),
            ..Article::blank(
                find(&format!("{}/{}", it.site, it.channel))?,
                code(it.site)?,
                "demo",
            )
        };
        let saved = crate::publishing::store::save_article(txn, a, 0, at)?;
        crate::publishing::store::publish(txn, saved.id, at)?;
        if it.channel == "policies" {
            policy_id = Some(saved.id);
        }
    }
    crate::publishing::catalog::demo::fill_older(txn, &find, &code("gov")?, now)?;
    Ok(())
}

const SUBJECTS: &[&str] = &[
    "区政府",
    "区商务局",
    "区文教体局",
    "区应急管理局",
    "区民政局",
    "东山街道",
    "西湖街道",
    "向阳社区",
    "湖滨社区",
    "区政务服务中心",
];
const ACTIONS: &[&str] = &[
    "召开专题会议部署",
    "开展",
    "推进",
    "启动",
    "组织开展",
    "全面落实",
    "督导检查",
    "举办",
    "扎实推进",
    "总结",
];
const TOPICS: &[&str] = &[
    "安全生产大检查",
    "营商环境优化工作",
    "政务公开培训",
    "冬季供暖保障",
    "老旧小区改造",
    "垃圾分类宣传",
    "义务教育招生",
    "养老服务提升",
    "防汛抗旱准备",
    "信息公开年度报告编制",
    "社区网格化管理",
    "就业创业帮扶",
];
const SENTENCES: &[&str] = &[
    "会议要求各单位提高认识，明确责任，确保各项任务按期完成。",
    "活动吸引了辖区居民积极参与，取得了良好的社会效果。",
    "下一步，将进一步完善工作机制，持续提升服务水平。",
    "工作人员深入一线，逐项核查，建立问题清单并限期整改。",
    "此次工作共覆盖十二个社区，惠及群众两万余人。",
    "相关负责人表示，将以群众满意为标准，不断改进工作作风。",
    "区政府将定期通报进展情况，主动接受社会监督。",
    "通过线上线下相结合的方式，广泛听取群众意见建议。",
];

/// Adds `n` generated items spread over the demo sites' list channels, in batches, for
/// load tests ("the demo scaled to 100,000 articles"). Returns how many were added.
pub fn bulk(store: &crate::store::Store, n: usize, now: i64) -> Result<usize> {
    let channels: Vec<Channel> = store
        .read_blocking(store::all_channels)?
        .into_iter()
        .filter(|c| c.kind == ChannelKind::List)
        .collect();
    if channels.is_empty() {
        return Err(Error::BadRequest(
            "没有信息列表栏目：请先用 --demo 建立演示数据".into(),
        ));
    }
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut done = 0usize;
    while done < n {
        let batch = (n - done).min(5_000);
        let mut items = Vec::with_capacity(batch);
        for i in 0..batch {
            let k = done + i;
            let pick = |r: u64, xs: &[&'static str]| xs[(r % xs.len() as u64) as usize];
            let title = format!(
                "{}{}{}（第{}期）",
                pick(next(), SUBJECTS),
                pick(next(), ACTIONS),
                pick(next(), TOPICS),
                k + 1
            );
            let mut body = String::new();
            for _ in 0..(3 + next() % 4) {
                body.push_str(pick(next(), SENTENCES));
            }
            let ch = &channels[(next() % channels.len() as u64) as usize];
            // Spread over the past three years, about one item every fifteen minutes.
            let at = now - (n - k) as i64 * 900_000;
            items.push((ch.clone(), title, body, at));
        }
        // Only a count comes back: 100,000 items held at once were 150 MB.
        let saved = store.write_blocking(|txn| {
            let mut v = 0usize;
            for (ch, title, body, at) in &items {
                let a = Article {
                    title: title.clone(),
                    body_html: sanitize::paragraphs(body),
                    ..Article::blank(ch.id, ch.site.clone(), "demo")
                };
                let a = crate::publishing::store::save_article(txn, a, 0, *at)?;
                crate::publishing::store::publish(txn, a.id, *at)?;
                v += 1;
            }
            Ok(v)
        })?;
        done += saved;
    }
    Ok(done)
}
