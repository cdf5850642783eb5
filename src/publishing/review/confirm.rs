//! 发布 and 撤稿 ask before they act: a page that names the item and says what the public
//! will see — where it appears, or the notice at its address — with one button to go on and
//! a way back. The item page's form asks for it (`ask_confirm`); the confirmation posts the
//! same fields again without it. Works without scripts.

use axum::response::Response;
use maud::html;

use super::item::ItemCtx;
use crate::http::Shared;
use crate::http::extract::{Posted, Staff};
use crate::http::respond::html;
use crate::publishing::flow::action as a;
use crate::staff::shell::render;
use crate::views::form;

/// Whether `transition` asks for a confirmation.
pub fn asks(transition: &str) -> bool {
    matches!(transition, a::PUBLISH | a::FORCE_PUBLISH | a::WITHDRAW)
}

/// The confirmation page for the transition in `p`, its fields carried along.
pub fn page(
    st: &Shared,
    s: &Staff,
    ic: &ItemCtx,
    p: &Posted,
    public_notice: Option<&str>,
) -> Response {
    let a = &ic.article;
    let transition = p.get("transition");
    let withdrawing = transition == a::WITHDRAW;
    let (title, button) = match transition {
        a::WITHDRAW => ("确认撤稿", "确认撤稿"),
        a::FORCE_PUBLISH => ("确认紧急发布", "确认紧急发布"),
        _ => ("确认发布", "确认发布"),
    };
    let snap = &ic.snap;
    let url = snap.article_url(a);
    let place = |id: u64| {
        snap.channel(id).map(|c| {
            let site = snap.site(c.site.as_str()).map_or("", |x| x.name.as_str());
            format!("{site} · {}", c.name)
        })
    };
    let comment = p.get("comment").trim();
    let notice = public_notice.unwrap_or(comment);
    let item_page = format!("/admin/articles/{}", a.id);
    let body = html! {
        section.card.confirm aria-labelledby="confirm-h" {
            h2 #confirm-h {
                @if withdrawing { "撤稿：" } @else { "发布：" }
                "《" (a.title) "》（编号 " (a.id) "）"
            }
            @if withdrawing {
                p { "撤稿后，这条信息立即从栏目列表、站内搜索和订阅中移除。公众访问它的网址 " code { (url) } " 时将看到：" }
                blockquote.public-notice {
                    p { strong { "信息已撤下" } }
                    p { "该信息已于 " (crate::portal::pages::date(st.now_ms())) " 撤下。原因：" (notice) }
                }
                @if public_notice.is_some() && !comment.is_empty() {
                    p { "办理意见（只记入流转记录，不公开）：" (comment) }
                }
            } @else {
                p { "发布后，公众立即可以在以下位置看到这条信息：" }
                ul {
                    li { "网址：" code { (url) } }
                    @if let Some(pl) = place(a.channel) { li { "所在栏目：" (pl) } }
                    @for c in &a.placements {
                        @if let Some(pl) = place(*c) { li { "同时发布到：" (pl) } }
                    }
                    li { "发布时间：记为确认时的时间，不能修改" }
                    li { "同时出现在站内搜索和订阅中" }
                }
            }
            form method="post" action=(format!("{item_page}/flow")) {
                (form::csrf(&s.csrf))
                @for (k, v) in p.fields.iter().filter(|(k, _)| !matches!(k.as_str(), "csrf" | "ask_confirm" | "transition")) {
                    input type="hidden" name=(k) value=(v);
                }
                div.actions {
                    button type="submit" name="transition" value=(transition)
                        class=(if withdrawing { "danger" } else { "primary" }) { (button) }
                    " "
                    a href=(item_page) { "返回，暂不" @if withdrawing { "撤稿" } @else { "发布" } }
                }
            }
        }
    };
    html(render(st, s, title, body))
}
