//! Sites, channels and articles: the types and their rules. No I/O here.

use serde::{Deserialize, Serialize};

use crate::auth::model::UnitCode;

/// A URL-safe name: 1–40 characters of lower-case ASCII letters, digits and '-'.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

impl Slug {
    pub fn parse(s: &str) -> Result<Slug, &'static str> {
        let s = s.trim();
        if s.is_empty() || s.len() > 40 {
            return Err("栏目标识应为 1 到 40 个字符");
        }
        if !s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            || s.starts_with('-')
        {
            return Err("栏目标识只能包含小写字母、数字和连字符");
        }
        Ok(Slug(s.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Slug {
    type Error = &'static str;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Slug::parse(&s)
    }
}
impl From<Slug> for String {
    fn from(s: Slug) -> String {
        s.0
    }
}
impl std::fmt::Display for Slug {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A site of the site group: the main portal (the root unit's) or a unit's sub-site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Site {
    pub unit: UnitCode,
    pub name: String,
    /// CSS colour of the sub-site's header, e.g. `#0b4c8c`.
    pub theme: String,
    /// A host name bound to this site (e.g. a department's sub-domain); requests for it
    /// serve this site at `/`.
    pub host: Option<String>,
    pub is_main: bool,
    /// 审核时限: working days the unit gives itself to review an item (0: none). Items waiting
    /// in this unit's queue show the due date; the office's applies to the main portal queue.
    #[serde(default)]
    pub review_days: u8,
    /// A sub-site's own footer identifiers (its 主办单位, 网站标识码 …), each empty one the
    /// portal's. The portal's own come from the settings (系统设置).
    #[serde(default)]
    pub footer: crate::views::layout::Footer,
    /// 简称, shown in the header on narrow screens (empty: the name).
    #[serde(default)]
    pub short_name: String,
    /// Its logo, emblem and browser icon, uploaded on its settings page.
    #[serde(default)]
    pub images: SiteImages,
}

/// A site's pictures: each the SHA-256 of a raster image in the blob store, served at
/// `/site-images/{sha}` (immutable, so cached for a year).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteImages {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emblem: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub favicon: Option<String>,
}

impl SiteImages {
    /// The largest picture taken.
    pub const MAX_BYTES: usize = 512 * 1024;
    /// Which picture: (form value, label).
    pub const WHICH: [(&'static str, &'static str); 3] = [
        ("logo", "标志图片（显示在页头，代替站点名称文字）"),
        ("emblem", "徽标（显示在站点名称前的小图，如国徽）"),
        ("favicon", "浏览器图标（标签页上的小图标）"),
    ];

    pub fn shas(&self) -> Vec<String> {
        [&self.logo, &self.emblem, &self.favicon]
            .into_iter()
            .flatten()
            .cloned()
            .collect()
    }
    pub fn url(sha: &str) -> String {
        format!("/site-images/{sha}")
    }
}

impl Site {
    /// URL prefix of this site's pages on the main host: "" for the portal, `/u/<code>` otherwise.
    pub fn prefix(&self) -> String {
        if self.is_main {
            String::new()
        } else {
            format!("/u/{}", self.unit)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    /// A list of items, newest first.
    List,
    /// One page of text (e.g. 概况); its body is the channel's own.
    Page,
    /// A link elsewhere (e.g. the provincial service platform).
    Link,
}

impl ChannelKind {
    pub fn id(self) -> &'static str {
        match self {
            ChannelKind::List => "list",
            ChannelKind::Page => "page",
            ChannelKind::Link => "link",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            ChannelKind::List => "信息列表",
            ChannelKind::Page => "单页",
            ChannelKind::Link => "外部链接",
        }
    }
    pub fn parse(s: &str) -> Option<ChannelKind> {
        [ChannelKind::List, ChannelKind::Page, ChannelKind::Link]
            .into_iter()
            .find(|k| k.id() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Channel {
    pub id: u64,
    pub site: UnitCode,
    pub slug: Slug,
    pub name: String,
    pub kind: ChannelKind,
    pub parent: Option<u64>,
    /// Smaller first among siblings.
    pub order: i64,
    pub description: String,
    /// Target of a `Link` channel.
    pub link: String,
    /// Sanitized HTML of a `Page` channel.
    pub page_html: String,
    /// Shown as a block of latest items on the site's home page.
    pub on_home: bool,
    /// Shown in the site's top navigation.
    pub in_nav: bool,
    /// Review levels items in this channel need before publishing: 0 (the unit's publisher
    /// publishes), 1 (the unit's reviewer first) or 2 (then the government office too).
    /// Items a unit places on a site outside its own subtree always need 2
    /// (`portal::review::levels`).
    #[serde(default = "one")]
    pub review_levels: u8,
    /// 已归档: takes no new items and leaves the menus and the home page; its items keep
    /// their addresses and stay in search, its list page still answers.
    #[serde(default)]
    pub archived: bool,
    /// 更新要求, as set on the channel page; `None` (channels made before it existed) is
    /// guessed from the name (`update_class`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update: Option<UpdateClass>,
    /// Place of its block on the site's home page (smaller first; `order` breaks ties).
    #[serde(default)]
    pub home_order: i64,
    /// Items its home-page block shows (1–20).
    #[serde(default = "eight")]
    pub home_items: u8,
}

fn eight() -> u8 {
    8
}

impl Channel {
    /// How often this channel must get a new item, for the site self-check.
    pub fn update_class(&self) -> UpdateClass {
        self.update
            .unwrap_or_else(|| UpdateClass::guess(&self.name))
    }
}

/// 更新要求: how often a list channel must get a new item, after the national website
/// inspection (动态、要闻 within 2 weeks; 通知公告、政策文件 within 6 months).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UpdateClass {
    /// 动态、要闻类.
    News,
    /// 通知公告、政策文件类.
    Notice,
    /// Other channels that should still be kept up (a year without an item is "long stale").
    Other,
    /// 无需定期更新 (e.g. 机构概况 as a list of fixed entries): only checked for being empty.
    Static,
}

impl UpdateClass {
    pub const ALL: [UpdateClass; 4] = [
        UpdateClass::News,
        UpdateClass::Notice,
        UpdateClass::Other,
        UpdateClass::Static,
    ];
    pub fn id(self) -> &'static str {
        match self {
            UpdateClass::News => "news",
            UpdateClass::Notice => "notice",
            UpdateClass::Other => "other",
            UpdateClass::Static => "static",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            UpdateClass::News => "动态要闻类（14天内须有更新）",
            UpdateClass::Notice => "通知公告、政策文件类（6个月内须有更新）",
            UpdateClass::Other => "其他须更新栏目（1年内须有更新）",
            UpdateClass::Static => "无需定期更新",
        }
    }
    pub fn parse(s: &str) -> Option<UpdateClass> {
        UpdateClass::ALL.into_iter().find(|k| k.id() == s)
    }
    /// Days without a new item at which the channel is at risk, and at which it fails.
    pub fn limits(self) -> Option<(i64, i64)> {
        match self {
            UpdateClass::News => Some((10, 14)),
            UpdateClass::Notice => Some((150, 183)),
            UpdateClass::Other => Some((300, 365)),
            UpdateClass::Static => None,
        }
    }
    /// The class a channel's name suggests.
    pub fn guess(name: &str) -> UpdateClass {
        let has = |words: &[&str]| words.iter().any(|w| name.contains(w));
        if has(&["动态", "要闻", "新闻", "快讯"]) {
            UpdateClass::News
        } else if has(&["通知", "公告", "公示", "政策", "文件"]) {
            UpdateClass::Notice
        } else {
            UpdateClass::Other
        }
    }
}

fn one() -> u8 {
    1
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum ArticleState {
    /// Anything not yet public: draft, in review, approved, scheduled, returned. The
    /// editorial flow (`Article::flow`) says which.
    Draft,
    Published,
    Withdrawn {
        reason: String,
    },
    /// Superseded by another item; its URL redirects there.
    Replaced {
        by: u64,
    },
}

/// The disclosure metadata (政府信息公开目录 fields) of an item. Optional for news; the
/// disclosure issue builds its catalogue on them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisclosureMeta {
    /// 索引号
    #[serde(default)]
    pub index_no: String,
    /// 文号, e.g. 东政办发〔2026〕12号
    #[serde(default)]
    pub doc_no: String,
    /// 发文机关
    #[serde(default)]
    pub issuer: String,
    /// 成文日期 (YYYY-MM-DD)
    #[serde(default)]
    pub written_date: String,
    /// 主题分类
    #[serde(default)]
    pub topic: String,
    /// 有效性: empty, 有效, 失效, 废止 (older data may say 已修改 or 已废止).
    #[serde(default)]
    pub validity: String,
    /// 体裁分类 (a genre from the code table, e.g. 通知).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub genre: String,
    /// 目录类别: which column of the disclosure area lists the item, e.g. a 法定主动公开内容
    /// category of 条例 第二十条/第二十一条, or 公开制度 (`publishing::catalog`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub category: String,
    /// 文件属性 for table 二 of the annual report: empty, 规章 or 行政规范性文件.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub normative: String,
    /// When the item became 失效 or 废止 (YYYY-MM-DD).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub validity_date: String,
    /// 公开方式: empty (主动公开) or 依申请公开.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub mode: String,
    /// 形成或变更日期 (YYYY-MM-DD) when later than 成文日期: the 20-working-day publication
    /// rule (条例 第二十六条) counts from it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub changed_date: String,
}

impl DisclosureMeta {
    pub fn is_empty(&self) -> bool {
        *self == DisclosureMeta::default()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub sha: String,
    pub name: String,
    pub size: u64,
    pub mime: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    pub id: u64,
    /// The home channel; its site gives the canonical URL.
    pub channel: u64,
    pub site: UnitCode,
    /// Other channels (on any site) the same item is also listed in.
    pub placements: Vec<u64>,
    pub title: String,
    pub subtitle: String,
    /// 来源: the unit the item comes from.
    pub source: String,
    pub author: String,
    pub keywords: String,
    pub summary: String,
    /// Sanitized HTML.
    pub body_html: String,
    /// Cover picture for headline news (a blob).
    pub cover: Option<Attachment>,
    pub attachments: Vec<Attachment>,
    /// Pictures placed in the body by the rich-text editor (kept so their blobs stay referenced).
    #[serde(default)]
    pub images: Vec<Attachment>,
    pub related: Vec<u64>,
    /// This item is the interpretation (解读) of that policy document.
    pub interprets: Option<u64>,
    /// Interpretations of this item (kept in step with `interprets` by the store).
    pub interpretations: Vec<u64>,
    pub state: ArticleState,
    /// Set by the system when the item goes live; never back-dated.
    pub publish_ms: Option<i64>,
    pub created_ms: i64,
    pub updated_ms: i64,
    pub created_by: String,
    /// Bumped on every save; the editor sends it back to detect lost updates.
    pub revision: u64,
    /// 报送单位: the unit that wrote the item and reviews it first. Items from before the
    /// workflow have none: their site's unit.
    #[serde(default)]
    pub unit: Option<UnitCode>,
    /// Where the item is in the editorial flow (`flow::editorial`); `None` for items from
    /// before the workflow (derived from `state` when first driven).
    #[serde(default)]
    pub flow: Option<crate::flow::Instance>,
    /// 原始日期 (YYYY-MM-DD): the date the content itself carries (a meeting, a document),
    /// shown beside the system's publish time, which it never replaces.
    #[serde(default)]
    pub original_date: String,
    #[serde(default, skip_serializing_if = "DisclosureMeta::is_empty")]
    pub meta: DisclosureMeta,
    /// A reviewer's decision to let blocking check findings through (publishing's checks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_override: Option<CheckOverride>,
}

/// A reviewer's decision to publish despite blocking check findings, as kept with the item.
/// The findings are publishing's own type (`publishing::checks::content::Override` reads
/// them back); the public side never looks at them, so here they stay as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckOverride {
    pub by: String,
    pub reason: String,
    pub findings: Vec<serde_json::Value>,
}

impl Article {
    /// A new, empty draft in `channel` of `site`, written by `created_by` (a username).
    /// Callers fill the rest with struct-update syntax.
    pub fn blank(channel: u64, site: UnitCode, created_by: &str) -> Article {
        Article {
            id: 0,
            channel,
            site,
            placements: Vec::new(),
            title: String::new(),
            subtitle: String::new(),
            source: String::new(),
            author: String::new(),
            keywords: String::new(),
            summary: String::new(),
            body_html: String::new(),
            cover: None,
            attachments: Vec::new(),
            images: Vec::new(),
            related: Vec::new(),
            interprets: None,
            interpretations: Vec::new(),
            state: ArticleState::Draft,
            publish_ms: None,
            created_ms: 0,
            updated_ms: 0,
            created_by: created_by.to_owned(),
            revision: 0,
            unit: None,
            flow: None,
            original_date: String::new(),
            meta: DisclosureMeta::default(),
            check_override: None,
        }
    }
    pub fn is_public(&self) -> bool {
        matches!(self.state, ArticleState::Published)
    }
    /// The unit that wrote the item (报送单位).
    pub fn owner(&self) -> &UnitCode {
        self.unit.as_ref().unwrap_or(&self.site)
    }
    /// Every channel the item is listed in, home channel first.
    pub fn all_channels(&self) -> Vec<u64> {
        let mut v = vec![self.channel];
        for c in &self.placements {
            if !v.contains(c) {
                v.push(*c);
            }
        }
        v
    }
}

/// Text of an HTML fragment: tags dropped, common entities decoded, whitespace folded.
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut in_tag = false;
    let mut chars = html.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            '&' if !in_tag => {
                let mut ent = String::new();
                while let Some(&n) = chars.peek() {
                    if n == ';' || ent.len() > 8 {
                        break;
                    }
                    ent.push(n);
                    chars.next();
                }
                if chars.peek() == Some(&';') {
                    chars.next();
                }
                out.push_str(match ent.as_str() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "#39" | "apos" => "'",
                    "nbsp" => " ",
                    _ => "",
                });
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first `n` characters of a text, with an ellipsis when cut.
pub fn excerpt(text: &str, n: usize) -> String {
    let mut it = text.chars();
    let head: String = it.by_ref().take(n).collect();
    if it.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(Slug::parse("gov-news").is_ok());
        assert!(Slug::parse("Gov").is_err());
        assert!(Slug::parse("-x").is_err());
        assert!(Slug::parse("").is_err());
    }

    #[test]
    fn plain_text_strips_tags_and_entities() {
        assert_eq!(
            plain_text("<p>政务&amp;公开</p><p>第二段&nbsp;内容</p>"),
            "政务&公开 第二段 内容"
        );
        assert_eq!(excerpt("一二三四五", 3), "一二三…");
        assert_eq!(excerpt("一二", 3), "一二");
    }
}
