//! Disclosure's 待办: requests waiting on this person's units — to confirm, to answer (with
//! their due dates), waiting for 补正 or consultation — and, for the office, every unit's
//! overdue ones.

use super::requests::due::{self, today};
use super::requests::flow::state;
use super::requests::{access, guard, store};
use crate::auth::permission::Action;
use crate::error::Result;
use crate::http::Shared;
use crate::http::extract::Staff;
use crate::staff::registry::Shows;
use crate::staff::todo::{Lists, TodoList, TodoRow, TodoSource};

pub struct DisclosureWork;

fn day_end_ms(d: time::Date) -> i64 {
    let t = d
        .with_hms(23, 59, 59)
        .map(|t| t.assume_offset(crate::clock::CST))
        .map(crate::clock::to_ms);
    t.unwrap_or(0)
}

impl TodoSource for DisclosureWork {
    fn kind(&self) -> &'static str {
        "政府信息公开申请"
    }
    fn shows(&self) -> Shows {
        Shows::AnyUnit(Action::HandleDisclosure)
    }
    fn shortcuts(&self) -> &'static [(&'static str, &'static str)] {
        &[("/admin/gk/requests/new", "登记书面申请")]
    }
    fn lists<'a>(&'a self, st: &'a Shared, s: &'a Staff) -> Lists<'a> {
        Box::pin(lists(st, s))
    }
}

async fn lists(st: &Shared, s: &Staff) -> Result<Option<Vec<TodoList>>> {
    {
        let units = super::page::load_units(st).await?;
        let all = st.store.read(store::all).await?;
        let cal = st.calendar();
        let day = today(st.now_ms());
        let mine: Vec<_> = all
            .iter()
            .filter(|r| access::may_handle(&s.user, &units, r))
            .collect();
        let supervises = access::supervises(&s.user, &units);
        if mine.is_empty() && !supervises {
            return Ok(None);
        }
        let def = super::requests::flow::definition();
        let row = |r: &super::requests::model::DisclosureRequest| TodoRow {
            title: format!(
                "{}（{}）",
                excerpt(&r.wanted.description),
                guard::show_code(&r.tracking_code)
            ),
            link: format!("/admin/gk/requests/{}", r.id),
            place: "依申请公开".into(),
            state: def.state_label(&r.flow.state).to_owned(),
            state_key: r.flow.state.clone(),
            badge: due::overdue(r, &cal, day).then(|| "已超期".to_owned()),
            note: None,
            unit: units.name(&r.unit),
            date_ms: due::due(r, &cal).date().map(day_end_ms),
            updated_ms: r.flow.history.last().map_or(r.submitted_ms, |h| h.at_ms),
        };
        let pick =
            |f: &dyn Fn(&super::requests::model::DisclosureRequest) -> bool| -> Vec<TodoRow> {
                mine.iter().filter(|r| f(r)).map(|r| row(r)).collect()
            };
        let mut lists = vec![
            TodoList {
                id: "gk_confirm",
                label: "待确认的公开申请",
                waiting: true,
                home: false,
                date_label: "答复期限",
                deadline: true,
                rows: pick(&|r| r.flow.state == state::SUBMITTED),
            },
            TodoList {
                id: "gk_answer",
                label: "待答复的公开申请",
                waiting: true,
                home: false,
                date_label: "答复期限",
                deadline: true,
                rows: pick(&|r| r.flow.state == state::PROCESSING),
            },
            TodoList {
                id: "gk_paused",
                label: "待补正或征求意见中的申请",
                waiting: false,
                home: false,
                date_label: "答复期限",
                deadline: true,
                rows: pick(&|r| {
                    matches!(r.flow.state.as_str(), state::CORRECTING | state::CONSULTING)
                }),
            },
        ];
        if supervises {
            lists.push(TodoList {
                id: "gk_overdue",
                label: "全区超期未答复的申请",
                waiting: false,
                home: false,
                date_label: "答复期限",
                deadline: true,
                rows: all
                    .iter()
                    .filter(|r| due::overdue(r, &cal, day))
                    .map(row)
                    .collect(),
            });
        }
        Ok(Some(lists))
    }
}

fn excerpt(s: &str) -> String {
    let mut out: String = s.chars().take(24).collect();
    if s.chars().count() > 24 {
        out.push('…');
    }
    out
}
