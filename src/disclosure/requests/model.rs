//! A request for government information (依申请公开, 条例 第二十七至四十五条): who asks, what
//! for, how it is to be delivered, and everything that happened on its statutory clock.

use serde::{Deserialize, Serialize};
use time::Date;

use super::outcome::Outcome;
use crate::auth::model::UnitCode;
use crate::calendar::Clock;
use crate::flow::Instance;
use crate::portal::model::Attachment;

/// The applicant's kind: the seven columns of table 三 less the total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicantKind {
    /// 自然人
    Person,
    /// 法人或其他组织: 商业企业
    Business,
    /// 科研机构
    Research,
    /// 社会公益组织
    Charity,
    /// 法律服务机构
    Legal,
    /// 其他
    Other,
}

impl ApplicantKind {
    pub const ALL: [ApplicantKind; 6] = [
        ApplicantKind::Person,
        ApplicantKind::Business,
        ApplicantKind::Research,
        ApplicantKind::Charity,
        ApplicantKind::Legal,
        ApplicantKind::Other,
    ];
    pub fn id(self) -> &'static str {
        match self {
            ApplicantKind::Person => "person",
            ApplicantKind::Business => "business",
            ApplicantKind::Research => "research",
            ApplicantKind::Charity => "charity",
            ApplicantKind::Legal => "legal",
            ApplicantKind::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Option<ApplicantKind> {
        ApplicantKind::ALL.into_iter().find(|k| k.id() == s)
    }
    /// The column label of table 三.
    pub fn label(self) -> &'static str {
        match self {
            ApplicantKind::Person => "自然人",
            ApplicantKind::Business => "商业企业",
            ApplicantKind::Research => "科研机构",
            ApplicantKind::Charity => "社会公益组织",
            ApplicantKind::Legal => "法律服务机构",
            ApplicantKind::Other => "其他",
        }
    }
    pub fn is_person(self) -> bool {
        self == ApplicantKind::Person
    }
}

/// 申请人: 姓名或者名称、身份证明、联系方式 (第二十九条).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicant {
    pub kind: ApplicantKind,
    /// 姓名 (a person) or 名称 (an organisation).
    pub name: String,
    /// 证件类型: 居民身份证, 护照 … or, for an organisation, 统一社会信用代码.
    pub id_kind: String,
    /// The certificate's number; shown to staff masked.
    pub id_number: String,
    /// An organisation's 法定代表人 and 联系人.
    #[serde(default)]
    pub representative: String,
    #[serde(default)]
    pub contact_person: String,
    pub phone: String,
    #[serde(default)]
    pub email: String,
    /// 通信地址 and 邮政编码.
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub postcode: String,
    /// 身份证明: the uploaded copy of the certificate (typed by its bytes).
    #[serde(default)]
    pub proof: Vec<Attachment>,
}

/// 所需信息: 名称、文号或便于查询的其他特征性描述.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wanted {
    /// 所需信息的名称
    #[serde(default)]
    pub name: String,
    /// 文号, when known
    #[serde(default)]
    pub doc_no: String,
    /// 所需信息的内容描述
    pub description: String,
}

/// 信息的载体形式 (第二十九条 形式要求).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Medium {
    Paper,
    Electronic,
}

impl Medium {
    pub const ALL: [Medium; 2] = [Medium::Paper, Medium::Electronic];
    pub fn id(self) -> &'static str {
        match self {
            Medium::Paper => "paper",
            Medium::Electronic => "electronic",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Medium::Paper => "纸质文本",
            Medium::Electronic => "电子文件",
        }
    }
    pub fn parse(s: &str) -> Option<Medium> {
        Medium::ALL.into_iter().find(|m| m.id() == s)
    }
}

/// 获取信息的方式、途径.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Way {
    Post,
    Email,
    Collect,
    OnSite,
    Online,
}

impl Way {
    pub const ALL: [Way; 5] = [
        Way::Post,
        Way::Email,
        Way::Collect,
        Way::OnSite,
        Way::Online,
    ];
    pub fn id(self) -> &'static str {
        match self {
            Way::Post => "post",
            Way::Email => "email",
            Way::Collect => "collect",
            Way::OnSite => "on_site",
            Way::Online => "online",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Way::Post => "邮寄",
            Way::Email => "电子邮件",
            Way::Collect => "当面领取",
            Way::OnSite => "现场查阅",
            Way::Online => "网上查询下载",
        }
    }
    pub fn parse(s: &str) -> Option<Way> {
        Way::ALL.into_iter().find(|w| w.id() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub medium: Medium,
    pub way: Way,
}

/// How the request came in (第二十九条、第三十一条): online it is received when staff confirm
/// it; staff register the others with their own date of receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Online,
    InPerson,
    Post,
    Fax,
}

impl Channel {
    pub const ALL: [Channel; 4] = [
        Channel::Online,
        Channel::InPerson,
        Channel::Post,
        Channel::Fax,
    ];
    pub fn id(self) -> &'static str {
        match self {
            Channel::Online => "online",
            Channel::InPerson => "in_person",
            Channel::Post => "post",
            Channel::Fax => "fax",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Channel::Online => "网上申请",
            Channel::InPerson => "当面申请",
            Channel::Post => "信函申请",
            Channel::Fax => "传真申请",
        }
    }
    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.id() == s)
    }
}

/// The one 补正 notice (第三十条): what to supplement, by when, and what came back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    pub issued_on: Date,
    /// Everything to supplement, all at once.
    pub items: String,
    /// The requester's deadline; after it the request is closed (六.1).
    pub due: Date,
    #[serde(default)]
    pub supplemented_on: Option<Date>,
    #[serde(default)]
    pub supplement: String,
}

/// Whom a consultation goes to (第三十二条、第三十三条、第三十四条).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsultKind {
    /// 征求第三方意见: the third party has 15 working days.
    ThirdParty,
    /// 征求其他机关意见
    Agency,
}

impl ConsultKind {
    pub fn id(self) -> &'static str {
        match self {
            ConsultKind::ThirdParty => "third_party",
            ConsultKind::Agency => "agency",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            ConsultKind::ThirdParty => "征求第三方意见",
            ConsultKind::Agency => "征求其他机关意见",
        }
    }
    pub fn parse(s: &str) -> Option<ConsultKind> {
        [ConsultKind::ThirdParty, ConsultKind::Agency]
            .into_iter()
            .find(|k| k.id() == s)
    }
}

/// A consultation: the reply clock stands still from `from` to `until`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consultation {
    pub kind: ConsultKind,
    /// Who was asked.
    pub party: String,
    pub from: Date,
    /// When the answer came (or the window closed); `None` while waiting.
    #[serde(default)]
    pub until: Option<Date>,
    /// By when the party must answer (15 working days).
    pub answer_due: Date,
    /// What they said (or that they said nothing in time).
    #[serde(default)]
    pub opinion: String,
}

/// The one extension (第三十三条): at most 20 working days, approved by the head of the
/// disclosure office, and the requester told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtensionRecord {
    pub workdays: u32,
    /// 批准人: the head who approved it.
    pub approver: String,
    pub reason: String,
    pub on: Date,
}

/// The reply (答复): one outcome, its reasons, and the reply document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reply {
    pub outcome: Outcome,
    /// Why (mandatory where the outcome asks for it), and what the requester should know.
    pub reason: String,
    /// 答复书 / 告知书.
    pub document: Option<Attachment>,
    pub on: Date,
}

/// 行政复议 or 行政诉讼 (table 四).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    /// 行政复议
    Reconsideration,
    /// 行政诉讼，未经复议直接起诉
    DirectSuit,
    /// 行政诉讼，复议后起诉
    SuitAfterReconsideration,
}

impl CaseKind {
    pub const ALL: [CaseKind; 3] = [
        CaseKind::Reconsideration,
        CaseKind::DirectSuit,
        CaseKind::SuitAfterReconsideration,
    ];
    pub fn id(self) -> &'static str {
        match self {
            CaseKind::Reconsideration => "reconsideration",
            CaseKind::DirectSuit => "direct_suit",
            CaseKind::SuitAfterReconsideration => "suit_after",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            CaseKind::Reconsideration => "行政复议",
            CaseKind::DirectSuit => "行政诉讼（未经复议直接起诉）",
            CaseKind::SuitAfterReconsideration => "行政诉讼（复议后起诉）",
        }
    }
    pub fn parse(s: &str) -> Option<CaseKind> {
        CaseKind::ALL.into_iter().find(|k| k.id() == s)
    }
}

/// A case's result (table 四's columns).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseResult {
    /// 结果维持
    Upheld,
    /// 结果纠正
    Corrected,
    /// 其他结果
    Other,
    /// 尚未审结
    Pending,
}

impl CaseResult {
    pub const ALL: [CaseResult; 4] = [
        CaseResult::Upheld,
        CaseResult::Corrected,
        CaseResult::Other,
        CaseResult::Pending,
    ];
    pub fn id(self) -> &'static str {
        match self {
            CaseResult::Upheld => "upheld",
            CaseResult::Corrected => "corrected",
            CaseResult::Other => "other",
            CaseResult::Pending => "pending",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            CaseResult::Upheld => "结果维持",
            CaseResult::Corrected => "结果纠正",
            CaseResult::Other => "其他结果",
            CaseResult::Pending => "尚未审结",
        }
    }
    pub fn parse(s: &str) -> Option<CaseResult> {
        CaseResult::ALL.into_iter().find(|k| k.id() == s)
    }
}

/// A 复议 or 诉讼 case brought over a request's reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub kind: CaseKind,
    pub result: CaseResult,
    /// 复议机关 or the court.
    pub body: String,
    /// When it was brought (the year it counts in, table 四).
    pub filed_on: Date,
    #[serde(default)]
    pub decided_on: Option<Date>,
    #[serde(default)]
    pub note: String,
    pub recorded_by: String,
}

/// One request for government information.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisclosureRequest {
    pub id: u64,
    /// The body asked (an obligated unit).
    pub unit: UnitCode,
    /// 查询码, given to the requester once, with the query password.
    pub tracking_code: String,
    /// argon2id of the query password (查询密码).
    pub password_hash: String,
    pub channel: Channel,
    /// When it was sent (online) or registered (others).
    pub submitted_ms: i64,
    /// When staff confirmed it (双方确认之日, 第三十一条).
    #[serde(default)]
    pub confirmed_ms: Option<i64>,
    /// 收到日期 (Beijing date): the day of confirmation, or the day a paper request arrived.
    #[serde(default)]
    pub received_on: Option<Date>,
    pub applicant: Applicant,
    pub wanted: Wanted,
    pub delivery: Delivery,
    /// States: `requests::flow`.
    pub flow: Instance,
    /// The reply clock (20 working days from receipt, or from the supplemented request),
    /// with its pauses and the extension. Counted with the calendar in effect, never stored
    /// as a date.
    #[serde(default)]
    pub clock: Option<Clock>,
    #[serde(default)]
    pub correction: Option<Correction>,
    #[serde(default)]
    pub consultations: Vec<Consultation>,
    #[serde(default)]
    pub extension: Option<ExtensionRecord>,
    #[serde(default)]
    pub reply: Option<Reply>,
    /// 办结日期: the reply's date, or the day it was closed for want of 补正.
    #[serde(default)]
    pub closed_on: Option<Date>,
    /// The outcome it closed with (the reply's, or 六.1).
    #[serde(default)]
    pub outcome: Option<Outcome>,
    #[serde(default)]
    pub cases: Vec<Case>,
}

impl DisclosureRequest {
    /// Counted in the annual report: received (confirmed or registered), not voided.
    pub fn is_received(&self) -> bool {
        self.received_on.is_some()
    }
    /// Still open on the evening of `day`: received by then and not closed by then.
    pub fn open_on(&self, day: Date) -> bool {
        self.received_on.is_some_and(|r| r <= day) && self.closed_on.is_none_or(|c| c > day)
    }
}
