//! A unit's 公开指南 as stored (`GK_GUIDES`, unit code → JSON), and what a unit without one
//! shows instead.

use serde::{Deserialize, Serialize};

use crate::auth::model::{Unit, UnitCode};
use crate::error::Result;
use crate::store::get_json;
use crate::store::tables::GK_GUIDES;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Guide {
    /// 信息分类与编排体系
    pub classification: String,
    /// 获取信息的方式（主动公开、依申请公开）
    pub obtaining: String,
    /// 政府信息公开工作机构名称
    pub office_name: String,
    /// 政府信息公开工作负责人 (shown to the office's supervision, not on the public page).
    #[serde(default)]
    pub head: String,
    pub address: String,
    pub hours: String,
    pub phone: String,
    pub fax: String,
    /// 互联网联系方式 (email, web address)
    pub online: String,
    /// 监督和救济等其他说明
    #[serde(default)]
    pub other: String,
    pub updated_ms: i64,
    pub updated_by: String,
}

impl Guide {
    /// What the unit's profile already says, for a unit that has not written its guide.
    pub fn from_profile(u: &Unit) -> Guide {
        Guide {
            classification: "本机关政府信息分为主动公开和依申请公开两类。主动公开的政府信息按照《中华人民共和国政府信息公开条例》第二十条规定的类别编排，通过本网站“法定主动公开内容”和“公开目录”栏目发布，可按主题、体裁、年份检索。".into(),
            obtaining: "主动公开的政府信息可通过本网站查阅、下载。需要获取其他政府信息的，可通过本网站“依申请公开”栏目在线提交申请，或以书面形式当面、邮寄提出申请。".into(),
            office_name: u.name.clone(),
            address: u.profile.address.clone(),
            hours: u.profile.office_hours.clone(),
            phone: u.profile.phone.clone(),
            ..Guide::default()
        }
    }
}

pub fn get(txn: &redb::ReadTransaction, unit: &UnitCode) -> Result<Option<Guide>> {
    get_json(&txn.open_table(GK_GUIDES)?, unit.as_str())
}

/// Every unit's guide, as stored.
pub fn all(txn: &redb::ReadTransaction) -> Result<Vec<(String, Guide)>> {
    use redb::ReadableTable;
    let t = txn.open_table(GK_GUIDES)?;
    let mut out = Vec::new();
    for row in t.iter()? {
        let (k, v) = row?;
        out.push((k.value().to_owned(), serde_json::from_slice(v.value())?));
    }
    Ok(out)
}
