//! Demo reports, made from whatever requests and items the demo holds: the district's
//! report for last year, finalised and published; one unit's report for last year, a draft.
//! Called by the composition root after the requests are seeded, outside its transaction.

use super::access;
use super::compute::{Data, build};
use super::flow::{self as rflow, action};
use super::model::{AnnualReport, Fee, HandCounts, Texts};
use super::store;
use crate::auth::model::Role;
use crate::auth::units::Units;
use crate::disclosure::units as gk_units;
use crate::error::Result;
use crate::flow::Actor;
use crate::store::Store;

fn texts(district: bool) -> Texts {
    let who = if district { "全区" } else { "本单位" };
    Texts {
        overview: format!(
            "{who}坚持以公开为常态、不公开为例外，认真贯彻《中华人民共和国政府信息公开条例》，围绕政策发布、解读回应和依申请公开办理，持续推进政务公开标准化规范化。\n\
             主动公开方面，及时发布规范性文件、财政预决算、重大建设项目等信息；依申请公开方面，规范受理、办理、答复流程，按期答复申请人；政府信息管理方面，动态更新公开目录和公开指南；平台建设方面，优化政府网站政府信息公开专栏；监督保障方面，将政务公开纳入年度绩效考核。"
        ),
        problems:
            "存在的主要问题：部分单位政策解读形式较为单一，依申请公开答复文书的说理还需加强。\n\
                   改进措施：丰富图解、问答等解读形式；加强业务培训，统一答复文书格式。"
                .into(),
        other: "本年度未收取信息处理费。".into(),
    }
}

/// Someone who may drive the district's report: the office's unit admin of the demo, else a
/// stand-in with that role.
fn actor(
    units: &Units,
    root: &crate::auth::model::Unit,
    users: &[crate::auth::model::User],
) -> Actor {
    match users.iter().find(|u| u.username == "office-admin") {
        Some(u) => access::actor(u, units, root),
        None => Actor {
            user: Some(0),
            name: "演示数据".into(),
            unit: None,
            item_roles: vec![Role::UnitAdmin],
            office_roles: vec![Role::UnitAdmin],
            is_author: false,
            is_addressee: false,
        },
    }
}

/// Fills the demo's reports (nothing when the store has no root unit).
pub fn fill(store: &Store, now_ms: i64) -> Result<()> {
    let today = crate::clock::from_ms(now_ms)
        .to_offset(crate::clock::CST)
        .date();
    let year = today.year() - 1;
    let (units, data, users) = store.read_blocking(|txn| {
        Ok((
            Units::new(crate::auth::store::list_units(txn)?),
            Data::read(txn)?,
            crate::auth::store::list_users(txn)?,
        ))
    })?;
    let Some(root) = gk_units::root(&units).cloned() else {
        return Ok(());
    };
    // The unit with the most requests last year gets the draft.
    let unit = gk_units::obligated(&units)
        .into_iter()
        .filter(|u| u.parent.is_some())
        .max_by_key(|u| {
            data.requests
                .iter()
                .filter(|r| r.unit == u.code && r.received_on.is_some_and(|d| d.year() == year))
                .count()
        })
        .cloned();
    let who = actor(&units, &root, &users);
    let district = build(&data, &units, &root, year, now_ms);
    store.write_blocking(|txn| {
        let hand = HandCounts {
            permits: Some(1286),
            penalties: Some(342),
            enforcement: Some(17),
            fees: Some(Fee(1_523_400)),
        };
        let mut r = AnnualReport::new(
            crate::store::next_id(txn, store::COUNTER)?,
            root.code.clone(),
            year,
            now_ms,
        );
        r.texts = texts(true);
        r.hand = hand;
        r.updated_by = who.name.clone();
        // The tables were generated before the hand counts were set: add them in.
        let mut tables = district.tables.clone();
        tables.t2.permits += 1286;
        tables.t2.penalties += 342;
        tables.t2.enforcement += 17;
        tables.t2.fees = tables.t2.fees.plus(Fee(1_523_400));
        for step in [action::FINALISE, action::PUBLISH] {
            crate::flow::apply(rflow::definition(), &mut r.flow, step, &who, "", now_ms)
                .map_err(|e| crate::error::Error::Internal(e.to_string()))?;
        }
        r.frozen = Some(tables);
        r.published_ms = Some(now_ms);
        store::put(txn, &r)?;
        if let Some(u) = &unit {
            let mut d = AnnualReport::new(
                crate::store::next_id(txn, store::COUNTER)?,
                u.code.clone(),
                year,
                now_ms,
            );
            d.texts = Texts {
                overview: texts(false).overview,
                ..Texts::default()
            };
            d.hand = HandCounts {
                permits: Some(215),
                ..HandCounts::default()
            };
            d.updated_by = who.name.clone();
            store::put(txn, &d)?;
        }
        Ok(())
    })
}
