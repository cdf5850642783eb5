use time::macros::datetime;

use super::chart;
use super::figures::{Scope, Tally, days, mean, median, turnaround};
use crate::auth::model::UnitCode;
use crate::calendar::WorkCalendar;
use crate::flow::{ClockEffect, ClockState, Instance, Step};
use crate::portal::model::{Article, ArticleState};
use crate::publishing::flow::{FLOW, action, state};

fn code(s: &str) -> UnitCode {
    UnitCode::parse(s).unwrap()
}

fn ms(t: time::OffsetDateTime) -> i64 {
    crate::clock::to_ms(t)
}

fn step(at: time::OffsetDateTime, transition: &str, to: &str) -> Step {
    Step {
        at_ms: ms(at),
        by: Some(1),
        by_name: "测试".into(),
        by_unit: None,
        transition: transition.into(),
        from: String::new(),
        to: to.into(),
        comment: String::new(),
        clock: ClockEffect::None,
    }
}

/// A published item of `unit` with the given history, live at the last step's time.
fn item(unit: &str, steps: Vec<Step>) -> Article {
    let live = steps.last().map(|s| s.at_ms);
    Article {
        state: ArticleState::Published,
        publish_ms: live,
        unit: Some(code(unit)),
        flow: Some(Instance {
            flow: FLOW.into(),
            state: state::PUBLISHED.into(),
            flagged: None,
            clock: ClockState::Idle,
            history: steps,
        }),
        ..Article::blank(1, code(unit), "t")
    }
}

#[test]
fn median_mean_and_how_they_are_shown() {
    assert_eq!(median(&[]), None);
    assert_eq!(median(&[8, 1, 3]), Some(3.0));
    assert_eq!(median(&[4, 1, 3, 8]), Some(3.5));
    assert_eq!(mean(&[1, 3, 8]), Some(4.0));
    assert_eq!(days(mean(&[1, 1, 2])), "1.3");
    assert_eq!(days(None), "—");
}

#[test]
fn turnaround_counts_working_days_from_the_first_submit_and_needs_a_review() {
    let cal = WorkCalendar::builtin();
    // Submitted Wed 2026-09-30 (Beijing), returned, submitted again, published Tue 10-13:
    // 10-01..07 are the National Day holiday, Sat 10-10 a make-up working day.
    let reviewed = item(
        "commerce",
        vec![
            step(
                datetime!(2026-09-30 02:00 UTC),
                action::SUBMIT,
                state::UNIT_REVIEW,
            ),
            step(
                datetime!(2026-09-30 03:00 UTC),
                action::RETURN_UNIT,
                state::RETURNED,
            ),
            step(
                datetime!(2026-10-09 03:00 UTC),
                action::SUBMIT,
                state::UNIT_REVIEW,
            ),
            step(
                datetime!(2026-10-12 03:00 UTC),
                action::APPROVE_UNIT,
                state::APPROVED,
            ),
            step(
                datetime!(2026-10-13 03:00 UTC),
                action::PUBLISH,
                state::PUBLISHED,
            ),
        ],
    );
    assert_eq!(turnaround(&reviewed, &cal), Some(5));
    // 紧急发布 is not a reviewed publication, nor is an item nobody approved.
    let forced = item(
        "commerce",
        vec![
            step(
                datetime!(2026-10-12 03:00 UTC),
                action::SUBMIT,
                state::UNIT_REVIEW,
            ),
            step(
                datetime!(2026-10-13 03:00 UTC),
                action::FORCE_PUBLISH,
                state::PUBLISHED,
            ),
        ],
    );
    assert_eq!(turnaround(&forced, &cal), None);
    let unreviewed = item(
        "commerce",
        vec![
            step(
                datetime!(2026-10-12 03:00 UTC),
                action::SUBMIT,
                state::APPROVED,
            ),
            step(
                datetime!(2026-10-13 03:00 UTC),
                action::PUBLISH,
                state::PUBLISHED,
            ),
        ],
    );
    assert_eq!(turnaround(&unreviewed, &cal), None);
}

#[test]
fn items_are_counted_by_unit_and_beijing_month() {
    let cal = WorkCalendar::builtin();
    let scope = Scope {
        name: "全区".into(),
        units: vec![
            (code("gov"), "区政府".into()),
            (code("commerce"), "区商务局".into()),
        ],
        open: true,
    };
    let mut t = Tally::new(2026, &scope, &cal);
    // 2026-01-31 17:00 UTC is 1 February in Beijing.
    t.add(&item(
        "commerce",
        vec![step(
            datetime!(2026-01-31 17:00 UTC),
            action::PUBLISH,
            state::PUBLISHED,
        )],
    ));
    t.add(&item(
        "commerce",
        vec![step(
            datetime!(2026-01-31 15:00 UTC),
            action::PUBLISH,
            state::PUBLISHED,
        )],
    ));
    // Another year, and a unit no longer in the table (still counted in the district).
    t.add(&item(
        "commerce",
        vec![step(
            datetime!(2025-12-31 15:00 UTC),
            action::PUBLISH,
            state::PUBLISHED,
        )],
    ));
    t.add(&item(
        "gone",
        vec![step(
            datetime!(2026-03-01 03:00 UTC),
            action::PUBLISH,
            state::PUBLISHED,
        )],
    ));
    let mut waiting = item("gov", vec![]);
    waiting.state = ArticleState::Draft;
    waiting.publish_ms = None;
    if let Some(f) = waiting.flow.as_mut() {
        f.state = state::OFFICE_REVIEW.into();
    }
    t.add(&waiting);
    let f = t.finish(&crate::portal::Snapshot::default());
    let row = |c: &str| f.units.iter().find(|u| u.code.as_str() == c).unwrap();
    assert_eq!(row("commerce").months[0], 1);
    assert_eq!(row("commerce").months[1], 1);
    assert_eq!(row("commerce").total(), 2);
    assert_eq!(row("gone").months[2], 1);
    assert_eq!(row("gov").waiting.office_review, 1);
    assert_eq!(f.total(), 3);
    assert_eq!(f.months_total()[..3], [1, 1, 1]);
    assert_eq!(
        f.channels.len(),
        1,
        "the one channel id, not in the snapshot"
    );
    assert_eq!(f.channels[0].count, 3);
}

#[test]
fn charts_are_images_without_style_attributes() {
    assert_eq!(chart::scale_top(0), 1);
    assert_eq!(chart::scale_top(7), 10);
    assert_eq!(chart::scale_top(23), 50);
    assert_eq!(chart::scale_top(180), 200);
    let bars = vec![("1月".to_owned(), 3), ("<b>".to_owned(), 0)];
    for svg in [
        chart::columns("c1", "共 3 条", &bars).into_string(),
        chart::rows("c2", "共 3 条", &bars).into_string(),
    ] {
        assert!(svg.contains("role=\"img\"") && svg.contains("aria-label=\"共 3 条\""));
        assert!(svg.contains("<title>共 3 条</title>"));
        assert!(!svg.contains("style="), "{svg}");
        assert!(svg.contains("&lt;b&gt;") && !svg.contains("<b>"));
        assert_eq!(svg.matches("<rect").count(), svg.matches("</rect>").count());
    }
}
