//! The demo district's intranet: documents at every state (unopened, opened, signed, passed
//! on, reminded) and files uploaded and sent (one signed for and downloaded, one waiting), so
//! every demo account finds intranet work on first login. Meeting notices come from their
//! part's own demo.

use redb::WriteTransaction;

use super::documents::model::{Attachment, Document, Remark, Urgency};
use super::model::{Addressee, Touch, person_name};
use super::receipt::{self, Receipt, action};
use crate::auth::model::{UnitCode, User};
use crate::auth::units::Units;
use crate::calendar::WorkCalendar;
use crate::error::{Error, Result};
use crate::store::blobs::BlobStore;

const HOUR: i64 = 3_600_000;

/// A small but real PDF: the demo's attachment.
const DEMO_PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

struct World {
    users: Vec<User>,
    units: Units,
    cal: WorkCalendar,
}

impl World {
    fn user(&self, name: &str) -> Result<&User> {
        self.users
            .iter()
            .find(|u| u.username == name)
            .ok_or_else(|| Error::Internal(format!("demo account {name} missing")))
    }
}

fn code(s: &str) -> Result<UnitCode> {
    UnitCode::parse(s).map_err(|e| Error::Internal(e.into()))
}

fn to_units(codes: &[&str]) -> Result<Vec<Addressee>> {
    codes.iter().map(|c| code(c).map(Addressee::Unit)).collect()
}

/// Sends a document as `sender` at `at`.
#[allow(clippy::too_many_arguments)]
fn send(
    txn: &WriteTransaction,
    w: &World,
    sender: &str,
    title: &str,
    number: &str,
    urgency: Urgency,
    body: &str,
    attachments: Vec<Attachment>,
    to: Vec<Addressee>,
    at: i64,
    forwarded_from: Option<u64>,
) -> Result<Document> {
    let u = w.user(sender)?;
    let id = crate::store::next_id(txn, "oa_doc")?;
    let due = urgency.sign_by(at, &w.cal);
    let d = Document {
        id,
        title: title.into(),
        number: number.into(),
        urgency,
        body: body.into(),
        attachments,
        sender: u.id,
        sender_name: person_name(u),
        sender_unit: u.unit.clone(),
        sender_unit_name: w.units.name(&u.unit),
        sent_ms: at,
        sign_first: true,
        remarks_open: false,
        receipts: to.into_iter().map(|a| Receipt::new(a, due)).collect(),
        remarks: Vec::new(),
        forwarded_from,
        forwards: Vec::new(),
        forward_note: if forwarded_from.is_some() {
            "请各社区抓好落实，周五前反馈。".into()
        } else {
            String::new()
        },
    };
    super::documents::send::deliver(txn, &d, at)?;
    Ok(d)
}

/// `who` opens (and, when `sign`, signs) the receipt addressed to their unit.
fn touch(d: &mut Document, w: &World, who: &str, at: i64, sign: bool) -> Result<()> {
    let u = w.user(who)?;
    let sender = d.sender;
    let Some(r) = d
        .receipts
        .iter_mut()
        .find(|r| r.to == Addressee::Unit(u.unit.clone()))
    else {
        return Ok(());
    };
    r.opened = Some(Touch::now(u, at));
    if sign {
        let actor = receipt::actor(u, r, sender);
        crate::flow::apply(
            receipt::definition(),
            &mut r.flow,
            action::SIGN,
            &actor,
            "",
            at + 600_000,
        )
        .map_err(|e| Error::Internal(e.to_string()))?;
    }
    Ok(())
}

pub fn fill(txn: &WriteTransaction, blobs: &BlobStore, now: i64) -> Result<()> {
    let w = World {
        users: crate::auth::store::list_users_w(txn)?,
        units: Units::new(units_w(txn)?),
        cal: WorkCalendar::builtin(),
    };
    let sha = blobs.put(DEMO_PDF)?;
    let pdf = Attachment {
        sha,
        name: "冬季安全生产检查表.pdf".into(),
        size: DEMO_PDF.len() as u64,
    };

    // Two days ago the office sent a notice to the bureaus and subdistricts: the commerce
    // bureau signed and remarked, the east subdistrict signed and passed it on to its
    // communities; civil affairs and the west have not signed and were reminded.
    let sent = now - 50 * HOUR;
    let mut d = send(
        txn,
        &w,
        "office-admin",
        "关于做好2026年冬季安全生产工作的通知",
        "区府办发〔2026〕45号",
        Urgency::Urgent,
        "各街道办事处、区政府各部门：\n\n入冬以来，各类安全风险明显增多。请各单位于12月5日前完成本辖区、本系统安全隐患排查，建立问题清单，明确整改责任人和时限。\n\n排查情况请按附件表格汇总，经单位主要负责同志审核后报区政府办公室。",
        vec![pdf],
        to_units(&["commerce", "civil", "sd-east", "sd-west"])?,
        sent,
        None,
    )?;
    touch(&mut d, &w, "commerce-writer", sent + 2 * HOUR, true)?;
    touch(&mut d, &w, "east-writer", sent + 3 * HOUR, true)?;
    let commerce = w.user("commerce-writer")?;
    d.remarks.push(Remark {
        at_ms: sent + 2 * HOUR + 900_000,
        by: commerce.id,
        by_name: person_name(commerce),
        by_unit: commerce.unit.clone(),
        text: "已转各科室落实，12月4日前报送排查清单。".into(),
    });
    // A reminder to those not signed the next morning.
    let office = w.user("office-admin")?;
    for r in d.receipts.iter_mut().filter(|r| !r.is_signed()) {
        let actor = receipt::actor(office, r, d.sender);
        crate::flow::apply(
            receipt::definition(),
            &mut r.flow,
            action::REMIND,
            &actor,
            "",
            sent + 24 * HOUR,
        )
        .map_err(|e| Error::Internal(e.to_string()))?;
    }
    let child = send(
        txn,
        &w,
        "east-writer",
        &d.title,
        &d.number,
        d.urgency,
        &d.body,
        d.attachments.clone(),
        to_units(&["c-dongshan", "c-xiangyang"])?,
        sent + 4 * HOUR,
        Some(d.id),
    )?;
    d.forwards.push(child.id);
    super::documents::store::put(txn, &d)?;

    // A report from the commerce bureau waiting on the office.
    send(
        txn,
        &w,
        "commerce-writer",
        "关于报送第四季度招商引资工作情况的报告",
        "区商务发〔2026〕18号",
        Urgency::Normal,
        "区政府办公室：\n\n现将我局第四季度招商引资工作情况报告如下，请审阅。",
        Vec::new(),
        to_units(&["office"])?,
        now - 20 * HOUR,
        None,
    )?;

    // An immediate one an hour ago, to a bureau, both subdistricts and a community: nobody
    // signed yet.
    send(
        txn,
        &w,
        "office-admin",
        "关于启动寒潮蓝色预警应急响应的通知",
        "区应急发〔2026〕7号",
        Urgency::Immediate,
        "气象部门发布寒潮蓝色预警。请各街道、社区立即启动应急响应，做好困难群众取暖保障，加强值班值守。",
        Vec::new(),
        to_units(&["commerce", "sd-east", "sd-west", "c-hubin"])?,
        now - HOUR,
        None,
    )?;
    files(txn, blobs, &w, now)
}

/// A few files in the office's 文件传输 and one of them sent to two units: the commerce
/// bureau signed for it and downloaded it, the east subdistrict has it waiting.
fn files(txn: &WriteTransaction, blobs: &BlobStore, w: &World, now: i64) -> Result<()> {
    use super::files::model::OaFile;
    use super::sends::model::{FileSend, SentFile};
    let office = w.user("office-admin")?;
    let keep = 30 * 24 * HOUR;
    let mut made = Vec::new();
    for (i, name) in ["2026年度防汛应急预案.pdf", "区政府常务会议材料汇编.pdf"]
        .iter()
        .enumerate()
    {
        let mut bytes = DEMO_PDF.to_vec();
        bytes.extend_from_slice(format!("% {name}\n").as_bytes());
        let sha = blobs.put(&bytes)?;
        let at = now - (30 - i64::try_from(i).unwrap_or(0)) * HOUR;
        let f = super::files::store::insert_file(
            txn,
            OaFile {
                id: 0,
                owner: office.id,
                owner_unit: office.unit.clone(),
                name: (*name).into(),
                size: bytes.len() as u64,
                sha: sha.clone(),
                kind: crate::store::blobs::Kind::Pdf.label().into(),
                created_ms: at,
                expires_ms: at + keep,
            },
        )?;
        super::files::store::ref_blob(txn, &sha)?;
        super::files::quota::add(txn, office.id, office.unit.as_str(), f.size)?;
        made.push(f);
    }
    let f = &made[0];
    let at = now - 26 * HOUR;
    let to = to_units(&["commerce", "sd-east"])?;
    let id = crate::store::next_id(txn, "oa_send")?;
    let mut s = FileSend {
        id,
        sender: office.id,
        sender_name: person_name(office),
        sender_unit: office.unit.clone(),
        sender_unit_name: w.units.name(&office.unit),
        files: vec![SentFile {
            sha: f.sha.clone(),
            name: f.name.clone(),
            size: f.size,
        }],
        message: "请各单位对照预案检查本单位防汛物资储备情况。".into(),
        sent_ms: at,
        expires_ms: at + keep,
        receipts: to.iter().map(|a| Receipt::new(a.clone(), None)).collect(),
    };
    super::files::store::ref_blob(txn, &f.sha)?;
    let commerce = w.user("commerce-writer")?;
    if let Some(r) = s.receipts.iter_mut().find(|r| r.to.includes(commerce)) {
        r.opened = Some(Touch::now(commerce, at + HOUR));
        let actor = receipt::actor(commerce, r, office.id);
        crate::flow::apply(
            receipt::definition(),
            &mut r.flow,
            action::SIGN,
            &actor,
            "",
            at + HOUR,
        )
        .map_err(|e| Error::Internal(e.to_string()))?;
        r.downloads.push(Touch::now(commerce, at + HOUR + 60_000));
    }
    super::sends::store::put(txn, &s)?;
    super::boxes::file(
        txn,
        super::boxes::Entry {
            kind: super::boxes::BoxKind::FileSend,
            id,
            sent_ms: at,
        },
        office.id,
        &to,
    )?;
    let east = w.user("east-writer")?;
    crate::notify::store::push(
        txn,
        east.id,
        crate::notify::store::NewNotice {
            kind: crate::notify::store::NoticeKind::Waiting,
            title: format!("文件待接收：{}", s.title()),
            text: format!("{}（{}）发来 1 个文件", s.sender_name, s.sender_unit_name),
            url: super::sends::url(id),
            due_ms: None,
        },
        at,
    )?;
    Ok(())
}

fn units_w(txn: &WriteTransaction) -> Result<Vec<crate::auth::model::Unit>> {
    let t = txn.open_table(crate::store::tables::UNITS)?;
    let mut out = Vec::new();
    for row in redb::ReadableTable::iter(&t)? {
        let (_, v) = row?;
        out.push(serde_json::from_slice(v.value())?);
    }
    Ok(out)
}
