//! The disclosure demo: guides for the district and the commerce bureau, and requests at
//! every state — waiting to be confirmed, being answered (one overdue), waiting for 补正,
//! paused for a third party's opinion, answered (one with an extension, one refused and taken
//! to 复议) and closed for want of 补正 — so each handler finds work on first login. The
//! portal's 政府信息公开 entrance leads to the area. Every demo request's query password is
//! `DEMO_PASSWORD`.

use redb::{ReadableTable, WriteTransaction};
use time::Duration;

use super::guide::Guide;
use super::requests::due::{REPLY_WORKDAYS, today};
use super::requests::flow::{self as rflow, action};
use super::requests::model::*;
use super::requests::outcome::Outcome;
use super::requests::store;
use crate::auth::model::UnitCode;
use crate::calendar::{Clock, Pause, WorkCalendar};
use crate::error::{Error, Result};
use crate::flow::{Actor, Instance};
use crate::portal::model::{Attachment, ChannelKind};
use crate::store::blobs::BlobStore;

/// The query password of every demo request.
pub const DEMO_PASSWORD: &str = "DEMO2026GK";

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

fn code(s: &str) -> Result<UnitCode> {
    UnitCode::parse(s).map_err(|e| Error::Internal(e.into()))
}

fn person(name: &str, phone: &str, kind: ApplicantKind) -> Applicant {
    Applicant {
        kind,
        name: name.into(),
        id_kind: if kind.is_person() {
            "居民身份证"
        } else {
            "统一社会信用代码"
        }
        .into(),
        id_number: if kind.is_person() {
            "11010519491231002X"
        } else {
            "91110000000000000X"
        }
        .into(),
        representative: String::new(),
        contact_person: if kind.is_person() {
            String::new()
        } else {
            "刘经理".into()
        },
        phone: phone.into(),
        email: "demo@example.com".into(),
        address: "示范区幸福路88号".into(),
        postcode: "100000".into(),
        proof: Vec::new(),
    }
}

/// What one demo request went through.
struct Story {
    unit: &'static str,
    applicant: Applicant,
    wanted: &'static str,
    /// Calendar days before today it arrived; `None`: still waiting for confirmation.
    received_ago: Option<i64>,
    steps: Vec<(&'static str, i64, String)>,
    outcome: Option<&'static str>,
}

pub fn fill(
    txn: &WriteTransaction,
    blobs: &BlobStore,
    password_hash: &str,
    now: i64,
) -> Result<()> {
    let cal = WorkCalendar::builtin();
    let day = today(now);
    let sha = blobs.put(PDF)?;
    let doc = Attachment {
        sha: sha.clone(),
        name: "政府信息公开申请答复书.pdf".into(),
        size: PDF.len() as u64,
        mime: "application/pdf".into(),
    };
    let office = Actor {
        user: Some(0),
        name: "周敏".into(),
        unit: Some(code("office")?),
        item_roles: vec![crate::auth::model::Role::Reviewer],
        office_roles: vec![crate::auth::model::Role::Reviewer],
        is_author: false,
        is_addressee: false,
    };
    let stories = vec![
        Story {
            unit: "gov",
            applicant: person("陈建国", "13900000001", ApplicantKind::Person),
            wanted: "本区2026年老旧小区改造项目的名单和资金安排",
            received_ago: None,
            steps: vec![],
            outcome: None,
        },
        Story {
            unit: "commerce",
            applicant: person(
                "示范区某贸易有限公司",
                "13900000002",
                ApplicantKind::Business,
            ),
            wanted: "2025年度外贸发展专项资金的分配结果",
            received_ago: Some(8),
            steps: vec![],
            outcome: None,
        },
        Story {
            unit: "commerce",
            applicant: person("李华", "13900000003", ApplicantKind::Person),
            wanted: "某商业综合体项目的招商引资协议",
            received_ago: Some(45),
            steps: vec![],
            outcome: None,
        },
        Story {
            unit: "gov",
            applicant: person("王芳", "13900000004", ApplicantKind::Person),
            wanted: "关于道路改造的文件",
            received_ago: Some(5),
            steps: vec![(action::CORRECT, 2, "请写明道路名称和文件的大致时间".into())],
            outcome: None,
        },
        Story {
            unit: "gov",
            applicant: person("示范区律师事务所", "13900000005", ApplicantKind::Legal),
            wanted: "某地块土地征收补偿安置方案及批复",
            received_ago: Some(12),
            steps: vec![(action::CONSULT, 3, "征求第三方意见：某置业公司".into())],
            outcome: None,
        },
        Story {
            unit: "gov",
            applicant: person("赵强", "13900000006", ApplicantKind::Person),
            wanted: "2025年区财政预算执行情况",
            received_ago: Some(40),
            steps: vec![
                (
                    action::EXTEND,
                    20,
                    "延长10个工作日，批准人：区政府办公室主任，理由：需汇总多个部门数据".into(),
                ),
                (action::REPLY, 5, "予以公开".into()),
            ],
            outcome: Some("1"),
        },
        Story {
            unit: "commerce",
            applicant: person("孙丽", "13900000007", ApplicantKind::Person),
            wanted: "某企业的经营数据和纳税情况",
            received_ago: Some(60),
            steps: vec![(action::REPLY, 35, "不予公开：4.保护第三方合法权益".into())],
            outcome: Some("3.4"),
        },
        Story {
            unit: "gov",
            applicant: person("周杰", "13900000008", ApplicantKind::Person),
            wanted: "相关材料",
            received_ago: Some(50),
            steps: vec![
                (action::CORRECT, 47, "请说明所需信息的名称或内容".into()),
                (action::ABANDON, 20, "申请人逾期未补正，视为放弃申请".into()),
            ],
            outcome: Some("6.1"),
        },
    ];
    let def = rflow::definition();
    let system = Actor::system("系统");
    for (i, s) in stories.into_iter().enumerate() {
        let id = crate::store::next_id(txn, store::COUNTER)?;
        let received = s.received_ago.map(|d| day - Duration::days(d));
        let submitted_ms = now - s.received_ago.unwrap_or(0).max(1) * 86_400_000;
        let mut flow = Instance::new(def);
        let mut r = DisclosureRequest {
            id,
            unit: code(s.unit)?,
            tracking_code: format!("GKDEMO{:06}", i + 1),
            password_hash: password_hash.to_owned(),
            channel: Channel::Online,
            submitted_ms,
            confirmed_ms: received.map(|_| submitted_ms),
            received_on: received,
            applicant: s.applicant,
            wanted: Wanted {
                name: String::new(),
                doc_no: String::new(),
                description: s.wanted.into(),
            },
            delivery: Delivery {
                medium: Medium::Electronic,
                way: Way::Online,
            },
            flow: Instance::new(def),
            clock: received.map(|d| Clock::new(d, REPLY_WORKDAYS)),
            correction: None,
            consultations: Vec::new(),
            extension: None,
            reply: None,
            closed_on: None,
            outcome: None,
            cases: Vec::new(),
        };
        let fail = |e: crate::flow::FlowError| Error::Internal(e.to_string());
        if received.is_some() {
            crate::flow::apply(def, &mut flow, action::CONFIRM, &office, "", submitted_ms)
                .map_err(fail)?;
        }
        for (step, ago, comment) in &s.steps {
            let on = day - Duration::days(*ago);
            let at = now - ago * 86_400_000;
            let actor = if *step == action::ABANDON {
                &system
            } else {
                &office
            };
            match *step {
                action::CORRECT => {
                    r.correction = Some(Correction {
                        issued_on: on,
                        items: comment.clone(),
                        due: cal.add_workdays(on, 15),
                        supplemented_on: None,
                        supplement: String::new(),
                    });
                }
                action::CONSULT => {
                    if let Some(c) = r.clock.as_mut() {
                        c.pauses.push(Pause {
                            from: on,
                            until: None,
                            reason: "征求第三方意见".into(),
                        });
                    }
                    r.consultations.push(Consultation {
                        kind: ConsultKind::ThirdParty,
                        party: "某置业公司".into(),
                        from: on,
                        until: None,
                        answer_due: cal.add_workdays(on, 15),
                        opinion: String::new(),
                    });
                }
                action::EXTEND => {
                    if let Some(c) = r.clock.as_mut() {
                        c.extensions.push(crate::calendar::Extension {
                            workdays: 10,
                            reason: "需汇总多个部门数据".into(),
                        });
                    }
                    r.extension = Some(ExtensionRecord {
                        workdays: 10,
                        approver: "区政府办公室主任".into(),
                        reason: "需汇总多个部门数据".into(),
                        on,
                    });
                }
                action::REPLY => {
                    let outcome = s
                        .outcome
                        .and_then(Outcome::parse)
                        .ok_or(Error::Internal("demo outcome".into()))?;
                    r.reply = Some(Reply {
                        outcome,
                        reason: if outcome.def().needs_reason {
                            "所申请信息涉及第三方商业秘密，经征求第三方意见，第三方不同意公开。"
                                .into()
                        } else {
                            "所申请信息已通过附件提供。".into()
                        },
                        document: Some(doc.clone()),
                        on,
                    });
                    r.closed_on = Some(on);
                    r.outcome = Some(outcome);
                }
                action::ABANDON => {
                    r.closed_on = Some(on);
                    r.outcome = Some(Outcome::abandoned());
                }
                _ => {}
            }
            crate::flow::apply(def, &mut flow, step, actor, comment, at).map_err(fail)?;
        }
        if r.outcome.is_some_and(|o| o.code() == "3.4") {
            r.cases.push(Case {
                kind: CaseKind::Reconsideration,
                result: CaseResult::Pending,
                body: "示范区人民政府".into(),
                filed_on: day - Duration::days(20),
                decided_on: None,
                note: String::new(),
                recorded_by: "demo".into(),
            });
            crate::flow::apply(
                def,
                &mut flow,
                action::CASE,
                &office,
                "行政复议：尚未审结",
                now - 20 * 86_400_000,
            )
            .map_err(fail)?;
        }
        r.flow = flow;
        if r.reply.is_some() {
            crate::portal::store::adjust_refs(txn, &[], std::slice::from_ref(&sha))?;
        }
        store::put(txn, &r)?;
    }
    for (unit, name, head, phone) in [
        (
            "gov",
            "示范区人民政府办公室（政务公开办）",
            "周敏",
            "0000-0000001",
        ),
        ("commerce", "区商务局办公室", "钱伟", "0000-0000101"),
    ] {
        let g = Guide {
            classification: "本机关主动公开的政府信息按《中华人民共和国政府信息公开条例》第二十条、第二十一条规定的类别编排，并按主题、体裁、年份编制公开目录。".into(),
            obtaining: "主动公开的信息可在本网站查阅、下载，也可到区政务服务中心查阅点查阅。需要其他政府信息的，可在线提交申请，或当面、邮寄提交书面申请。".into(),
            office_name: name.into(),
            head: head.into(),
            address: "示范区政务服务大道1号".into(),
            hours: "工作日上午9:00—12:00，下午1:30—5:30".into(),
            phone: phone.into(),
            fax: "0000-0000009".into(),
            online: "gk@example.gov.cn".into(),
            other: "认为行政机关在政府信息公开工作中侵犯其合法权益的，可以向上一级行政机关或者政府信息公开工作主管部门投诉、举报，也可以依法申请行政复议或者提起行政诉讼。".into(),
            updated_ms: now - 30 * 86_400_000,
            updated_by: "demo".into(),
        };
        crate::store::put_json(txn, crate::store::tables::GK_GUIDES, unit, &g)?;
    }
    // The portal's 政府信息公开 entrance leads to the area.
    let gov = code("gov")?;
    let t = txn.open_table(crate::store::tables::CHANNELS)?;
    let mut found = None;
    for row in t.iter()? {
        let (_, v) = row?;
        let c: crate::portal::model::Channel = serde_json::from_slice(v.value())?;
        if c.site == gov && c.slug.as_str() == "disclosure" {
            found = Some(c);
        }
    }
    drop(t);
    if let Some(mut c) = found {
        c.kind = ChannelKind::Link;
        c.link = "/gk/".into();
        crate::portal::store::update_channel(txn, &c)?;
    }
    Ok(())
}
