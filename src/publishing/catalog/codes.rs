//! The code tables 主题分类 and 体裁分类: one entry a line, kept as text in `GK_CODES` once
//! edited, the State Council's scheme until then. 主题分类 has two levels, written as gov.cn
//! shows them: `综合政务\政务公开` under the line `综合政务`.

use redb::{ReadTransaction, ReadableTable, WriteTransaction};

use crate::error::Result;
use crate::store::tables;

/// One of the two tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Topic,
    Genre,
}

impl Table {
    pub const ALL: [Table; 2] = [Table::Topic, Table::Genre];
    /// Its key in `GK_CODES` and its form field.
    pub fn key(self) -> &'static str {
        match self {
            Table::Topic => "topic",
            Table::Genre => "genre",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Table::Topic => "主题分类",
            Table::Genre => "体裁分类",
        }
    }
    /// The shipped table: the State Council's.
    pub fn default_text(self) -> &'static str {
        match self {
            Table::Topic => TOPIC_DEFAULT,
            Table::Genre => GENRE_DEFAULT,
        }
    }
    pub fn default_entries(self) -> Vec<String> {
        parse(self, self.default_text()).unwrap_or_default()
    }
}

/// The separator between the two levels of 主题分类.
pub const LEVEL_SEP: char = '\\';
/// The longest entry, in characters.
pub const ENTRY_MAX: usize = 40;
/// The most entries a table holds.
pub const ENTRIES_MAX: usize = 500;

/// 国务院 主题分类 (gov.cn): 22 classes with their usual sub-classes.
const TOPIC_DEFAULT: &str = "国务院组织机构
综合政务
综合政务\\应急管理
综合政务\\电子政务
综合政务\\政务督查
综合政务\\政务公开
综合政务\\文秘工作
综合政务\\其他
国民经济管理、国有资产监管
国民经济管理、国有资产监管\\宏观经济
国民经济管理、国有资产监管\\经济体制改革
国民经济管理、国有资产监管\\国有资产监管
国民经济管理、国有资产监管\\统计
国民经济管理、国有资产监管\\物价
国民经济管理、国有资产监管\\其他
财政、金融、审计
财政、金融、审计\\财政
财政、金融、审计\\税务
财政、金融、审计\\审计
财政、金融、审计\\银行
财政、金融、审计\\其他
国土资源、能源
国土资源、能源\\土地
国土资源、能源\\能源
国土资源、能源\\矿产
国土资源、能源\\其他
农业、林业、水利
农业、林业、水利\\农业、畜牧业、渔业
农业、林业、水利\\林业
农业、林业、水利\\水利
农业、林业、水利\\其他
工业、交通
工业、交通\\信息产业（含电信）
工业、交通\\公路
工业、交通\\水运
工业、交通\\邮政
工业、交通\\其他
商贸、海关、旅游
商贸、海关、旅游\\国内贸易（含供销）
商贸、海关、旅游\\对外经贸合作
商贸、海关、旅游\\旅游
商贸、海关、旅游\\其他
市场监管、安全生产监管
市场监管、安全生产监管\\市场监管
市场监管、安全生产监管\\食品药品监管
市场监管、安全生产监管\\安全生产监管
市场监管、安全生产监管\\其他
城乡建设、环境保护
城乡建设、环境保护\\城市规划
城乡建设、环境保护\\城乡建设（含住房）
城乡建设、环境保护\\节能与资源综合利用
城乡建设、环境保护\\环境监测、保护与治理
城乡建设、环境保护\\其他
科技、教育
科技、教育\\科技
科技、教育\\教育
科技、教育\\知识产权
科技、教育\\其他
文化、广电、新闻出版
文化、广电、新闻出版\\文化
文化、广电、新闻出版\\广播、电影、电视
文化、广电、新闻出版\\文物
文化、广电、新闻出版\\其他
卫生、体育
卫生、体育\\卫生
卫生、体育\\医药管理
卫生、体育\\体育
卫生、体育\\其他
人口与计划生育、妇女儿童工作
人口与计划生育、妇女儿童工作\\人口与计划生育
人口与计划生育、妇女儿童工作\\妇女儿童
人口与计划生育、妇女儿童工作\\其他
劳动、人事、监察
劳动、人事、监察\\劳动就业
劳动、人事、监察\\社会保障
劳动、人事、监察\\人事工作
劳动、人事、监察\\其他
公安、安全、司法
公安、安全、司法\\公安
公安、安全、司法\\司法
公安、安全、司法\\其他
民政、扶贫、救灾
民政、扶贫、救灾\\减灾救灾
民政、扶贫、救灾\\社会福利
民政、扶贫、救灾\\扶贫
民政、扶贫、救灾\\社区建设
民政、扶贫、救灾\\其他
民族、宗教
对外事务
港澳台侨工作
国防
其他";

/// 体裁分类: the 15 文种 of 《党政机关公文处理工作条例》, then what government sites add.
const GENRE_DEFAULT: &str = "决议
决定
命令（令）
公报
公告
通告
意见
通知
通报
报告
请示
批复
议案
函
纪要
规划
计划
方案
办法
规定
细则
指南
解读
统计信息
工作动态
其他";

/// Parses a table's text: one entry a line, blank lines and `#` comments ignored. Errors
/// name the line.
pub fn parse(t: Table, text: &str) -> std::result::Result<Vec<String>, Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    let mut errs = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let entry = match t {
            // Full-width backslashes and spaces around the separator are the same thing.
            Table::Topic => line
                .replace('＼', "\\")
                .split(LEVEL_SEP)
                .map(str::trim)
                .collect::<Vec<_>>()
                .join("\\"),
            Table::Genre => line.to_owned(),
        };
        if entry.chars().count() > ENTRY_MAX {
            errs.push(format!("第 {n} 行：“{entry}”超过 {ENTRY_MAX} 个字"));
            continue;
        }
        if out.contains(&entry) {
            errs.push(format!("第 {n} 行：“{entry}”重复"));
            continue;
        }
        let parts: Vec<&str> = entry.split(LEVEL_SEP).collect();
        match (t, parts.as_slice()) {
            (Table::Genre, [_]) | (Table::Topic, [_]) => {}
            (Table::Genre, _) => {
                errs.push(format!("第 {n} 行：体裁分类只有一级，不能含“\\”"));
                continue;
            }
            (Table::Topic, [top, sub]) if !top.is_empty() && !sub.is_empty() => {
                if !out.iter().any(|e| e == top) {
                    errs.push(format!(
                        "第 {n} 行：“{entry}”的上级“{top}”须先在前面单独一行写出"
                    ));
                    continue;
                }
            }
            (Table::Topic, _) => {
                errs.push(format!(
                    "第 {n} 行：主题分类最多两级，写作“一级\\二级”，如 综合政务\\政务公开"
                ));
                continue;
            }
        }
        out.push(entry);
    }
    if out.len() > ENTRIES_MAX {
        errs.push(format!("分类不超过 {ENTRIES_MAX} 条"));
    }
    if out.is_empty() && errs.is_empty() {
        errs.push("分类表不能为空，至少写一条".into());
    }
    if errs.is_empty() { Ok(out) } else { Err(errs) }
}

/// The stored text of a table, or its default.
fn text_of(stored: Option<String>, t: Table) -> String {
    stored.unwrap_or_else(|| t.default_text().to_owned())
}

pub fn load_text(txn: &ReadTransaction, t: Table) -> Result<String> {
    let tab = txn.open_table(tables::GK_CODES)?;
    let v = tab
        .get(t.key())?
        .map(|v| String::from_utf8_lossy(v.value()).into_owned());
    Ok(text_of(v, t))
}

pub fn load_text_w(txn: &WriteTransaction, t: Table) -> Result<String> {
    let tab = txn.open_table(tables::GK_CODES)?;
    let v = tab
        .get(t.key())?
        .map(|v| String::from_utf8_lossy(v.value()).into_owned());
    Ok(text_of(v, t))
}

/// The entries of a table as in effect.
pub fn load(txn: &ReadTransaction, t: Table) -> Result<Vec<String>> {
    // Saved only after parsing; a hand-edited row that no longer parses falls back.
    Ok(parse(t, &load_text(txn, t)?).unwrap_or_else(|_| t.default_entries()))
}

/// Saves a table's text (already parsed by the caller).
pub fn save(txn: &WriteTransaction, t: Table, text: &str) -> Result<()> {
    txn.open_table(tables::GK_CODES)?
        .insert(t.key(), text.as_bytes())?;
    Ok(())
}

/// Both tables, for the item form and the catalog's filters.
#[derive(Debug, Clone, Default)]
pub struct Codes {
    pub topics: Vec<String>,
    pub genres: Vec<String>,
}

pub async fn load_all(st: &crate::http::Shared) -> Result<Codes> {
    st.store
        .read(|txn| {
            Ok(Codes {
                topics: load(txn, Table::Topic)?,
                genres: load(txn, Table::Genre)?,
            })
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_parse() {
        let topics = Table::Topic.default_entries();
        assert!(topics.contains(&"综合政务\\政务公开".to_owned()));
        assert_eq!(topics.iter().filter(|t| !t.contains('\\')).count(), 22);
        let genres = Table::Genre.default_entries();
        assert_eq!(
            &genres[..15].join(""),
            "决议决定命令（令）公报公告通告意见通知通报报告请示批复议案函纪要"
        );
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse(Table::Topic, "综合政务\n教育\\学前教育\n综合政务\n").unwrap_err();
        assert!(e[0].starts_with("第 2 行"), "{e:?}");
        assert!(
            e[1].starts_with("第 3 行") && e[1].contains("重复"),
            "{e:?}"
        );
        let e = parse(Table::Genre, "通知\n\n通知\\子类").unwrap_err();
        assert!(e[0].starts_with("第 3 行"), "{e:?}");
        assert!(parse(Table::Genre, "# 空\n").is_err());
        assert_eq!(
            parse(Table::Topic, "教育\n教育 ＼ 学前\n").unwrap(),
            vec!["教育", "教育\\学前"]
        );
    }
}
