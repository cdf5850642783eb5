//! The frame every intranet page shares: its own menu under the staff bar, and the note
//! every sending form carries.

use maud::{Markup, html};

use crate::http::Shared;
use crate::http::extract::Staff;
use crate::staff::shell;

/// The intranet's menu: (href, label).
pub const MENU: [(&str, &str); 4] = [
    ("/oa/", "内网首页"),
    ("/oa/docs", "公文"),
    ("/oa/meetings", "会议通知"),
    ("/oa/transfer", "文件传输"),
];

/// An intranet page: the staff shell with the intranet's menu, `current` marked.
pub fn render(st: &Shared, staff: &Staff, title: &str, current: &str, body: Markup) -> Markup {
    let body = html! {
        nav.tabs.oa-menu aria-label="内网办公" {
            @for (href, label) in MENU {
                a href=(href) aria-current=[(href == current).then_some("page")] { (label) }
            }
        }
        (body)
    };
    shell::render(st, staff, title, body)
}

/// The line every form that sends something carries: the intranet is for unclassified work.
pub fn unclassified_note() -> Markup {
    html! {
        p.notice.warn role="note" {
            strong { "严禁处理涉密信息。" }
            "内网办公只用于非涉密公文、会议通知和文件；涉及国家秘密的材料必须通过涉密渠道传递。"
        }
    }
}
