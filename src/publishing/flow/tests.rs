//! The editorial definition: every transition × every role × 0, 1 and 2 review levels, and the
//! rules of issue 4 (reasons, second pair of eyes, force publish, history).

use super::action as a;
use super::state as s;
use super::*;
use crate::auth::model::{Role, UnitCode};
use crate::flow::{Actor, FlowError, Instance, Step, apply, available, check};

fn code(c: &str) -> UnitCode {
    UnitCode::parse(c).unwrap()
}

/// The people of the scope table. `commerce` is the item's unit (商务局); `office` is the
/// government office; admin roles are granted at the root, so they hold them for both.
const PROFILES: &[&str] = &[
    "reporter",
    "author",
    "reviewer",
    "reviewer_author",
    "publisher",
    "unit_admin",
    "sysadmin",
    "secadmin",
    "auditor",
    "office_reporter",
    "office_reviewer",
    "office_publisher",
    "other_unit_publisher",
    "system",
];

fn actor(profile: &str) -> Actor {
    let person = |id: u64, unit: &str, item: &[Role], office: &[Role], author: bool| Actor {
        user: Some(id),
        name: profile.to_owned(),
        unit: Some(code(unit)),
        item_roles: item.to_vec(),
        office_roles: office.to_vec(),
        is_author: author,
        is_addressee: false,
    };
    match profile {
        "reporter" => person(1, "commerce", &[Role::Reporter], &[], false),
        "author" => person(2, "commerce", &[Role::Reporter], &[], true),
        "reviewer" => person(3, "commerce", &[Role::Reviewer], &[], false),
        "reviewer_author" => person(4, "commerce", &[Role::Reviewer], &[], true),
        "publisher" => person(5, "commerce", &[Role::Publisher], &[], false),
        "unit_admin" => person(6, "commerce", &[Role::UnitAdmin], &[], false),
        "sysadmin" => person(7, "district", &[Role::Sysadmin], &[Role::Sysadmin], false),
        "secadmin" => person(8, "district", &[Role::Secadmin], &[Role::Secadmin], false),
        "auditor" => person(9, "district", &[Role::Auditor], &[Role::Auditor], false),
        "office_reporter" => person(10, "office", &[], &[Role::Reporter], false),
        "office_reviewer" => person(11, "office", &[], &[Role::Reviewer], false),
        "office_publisher" => person(12, "office", &[], &[Role::Publisher], false),
        // A publisher of another unit holds nothing for this item.
        "other_unit_publisher" => person(13, "education", &[], &[], false),
        "system" => Actor::system("定时发布"),
        other => panic!("unknown profile {other}"),
    }
}

/// Who may take each transition, by review levels. Everyone else is refused.
fn expected(levels: ReviewLevels, t: &str) -> &'static [&'static str] {
    let two = levels == ReviewLevels::UnitAndOffice;
    match t {
        a::SUBMIT => &["reporter", "author", "reviewer_author"],
        a::RECALL => &["author", "reviewer_author"],
        a::APPROVE_UNIT => &["reviewer"],
        a::RETURN_UNIT => &["reviewer", "reviewer_author"],
        a::APPROVE_OFFICE | a::RETURN_OFFICE => &["office_reviewer"],
        a::RETURN_PUBLISH
        | a::PUBLISH
        | a::SCHEDULE
        | a::UNSCHEDULE
        | a::FORCE_PUBLISH
        | a::CORRECT => {
            if two {
                &["office_publisher"]
            } else {
                &["publisher"]
            }
        }
        a::PUBLISH_DUE => &["system"],
        a::REVIEW_AFTER => {
            if two {
                &["office_reviewer"]
            } else {
                &["reviewer"]
            }
        }
        a::WITHDRAW | a::REPLACE => {
            if two {
                &["office_publisher"]
            } else {
                &["publisher", "office_publisher"]
            }
        }
        // Whoever may change the content where it stays: the unit's writers, reviewers,
        // publishers, the office's reviewers and publishers.
        a::EDIT => &[
            "reporter",
            "author",
            "reviewer",
            "reviewer_author",
            "publisher",
            "office_reviewer",
            "office_publisher",
        ],
        other => panic!("transition {other} missing from the expected table"),
    }
}

/// An instance in `state` with whatever earlier steps the transition's guards look at:
/// a flag for the retrospective review, and earlier steps by people outside the table
/// (ids 900, 901) so the "not the same person" guards do not fire.
fn instance_in(levels: ReviewLevels, state: &str) -> Instance {
    let def = definition(levels);
    let mut i = Instance::new(def);
    i.state = state.to_owned();
    let step = |t: &str, by: u64| Step {
        at_ms: 1,
        by: Some(by),
        by_name: "earlier".into(),
        by_unit: None,
        transition: t.into(),
        from: String::new(),
        to: String::new(),
        comment: String::new(),
        clock: Default::default(),
    };
    i.history.push(step(a::APPROVE_UNIT, 900));
    i.history.push(step(a::FORCE_PUBLISH, 901));
    i.flagged = Some("紧急".into());
    i
}

#[test]
fn definitions_are_valid_and_share_ids() {
    for levels in ReviewLevels::ALL {
        let def = definition(levels);
        def.validate().unwrap();
        assert_eq!(def.flow, FLOW);
        assert_eq!(def.initial, s::DRAFT);
        let ids: Vec<&str> = def.transitions.iter().map(|t| t.id).collect();
        let first: Vec<&str> = definition(ReviewLevels::None)
            .transitions
            .iter()
            .map(|t| t.id)
            .collect();
        assert_eq!(ids, first, "variants differ in transition ids");
        assert_eq!(def.states, definition(ReviewLevels::None).states);
    }
}

#[test]
fn every_transition_allowed_and_refused_per_role() {
    let mut checked = 0;
    for levels in ReviewLevels::ALL {
        let def = definition(levels);
        for t in &def.transitions {
            let allowed = expected(levels, t.id);
            for from in &t.from {
                for p in PROFILES {
                    let mut i = instance_in(levels, from);
                    let before = i.clone();
                    let who = actor(p);
                    let shown = available(def, &i, &who).iter().any(|x| x.id == t.id);
                    let r = apply(def, &mut i, t.id, &who, "理由：测试", 1_000);
                    let ctx = format!("levels {levels:?}, {} from {from}, {p}", t.id);
                    if allowed.contains(p) {
                        let step = r.unwrap_or_else(|e| panic!("{ctx}: refused: {e}"));
                        assert_eq!(step.to, t.to.unwrap_or(from), "{ctx}");
                        assert!(shown, "{ctx}: allowed but not offered");
                        assert_eq!(i.state, t.to.unwrap_or(from), "{ctx}");
                        assert_eq!(i.history.len(), before.history.len() + 1, "{ctx}");
                    } else {
                        let e = r.expect_err(&ctx);
                        assert!(
                            matches!(
                                e,
                                FlowError::RoleNotAllowed { .. } | FlowError::OwnItem { .. }
                            ),
                            "{ctx}: {e:?}"
                        );
                        assert!(!shown, "{ctx}: refused but offered");
                        assert_eq!(i, before, "{ctx}: refused but changed");
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 500, "{checked}");
}

#[test]
fn every_transition_refused_from_other_states() {
    for levels in ReviewLevels::ALL {
        let def = definition(levels);
        for t in &def.transitions {
            let doer = actor(expected(levels, t.id)[0]);
            for st in &def.states {
                if t.from.contains(&st.id) {
                    continue;
                }
                let mut i = instance_in(levels, st.id);
                let before = i.clone();
                assert_eq!(
                    apply(def, &mut i, t.id, &doer, "理由", 1).unwrap_err(),
                    FlowError::NotFromState {
                        action: t.label,
                        state: st.label
                    },
                    "levels {levels:?}, {} from {}",
                    t.id,
                    st.id
                );
                assert_eq!(i, before);
            }
        }
    }
}

#[test]
fn where_submit_and_approval_lead_per_levels() {
    let to = |levels, t: &str| definition(levels).find_transition(t).unwrap().to.unwrap();
    assert_eq!(to(ReviewLevels::None, a::SUBMIT), s::APPROVED);
    assert_eq!(to(ReviewLevels::Unit, a::SUBMIT), s::UNIT_REVIEW);
    assert_eq!(to(ReviewLevels::UnitAndOffice, a::SUBMIT), s::UNIT_REVIEW);
    assert_eq!(to(ReviewLevels::Unit, a::APPROVE_UNIT), s::APPROVED);
    assert_eq!(
        to(ReviewLevels::UnitAndOffice, a::APPROVE_UNIT),
        s::OFFICE_REVIEW
    );
}

#[test]
fn no_state_is_a_dead_end_in_any_variant() {
    // Items already waiting somewhere keep a way forward when their channels' levels change.
    for levels in ReviewLevels::ALL {
        let def = definition(levels);
        for st in def.states.iter().filter(|st| !st.is_final) {
            assert!(
                def.transitions
                    .iter()
                    .any(|t| t.from.contains(&st.id) && t.to.is_some_and(|to| to != st.id)),
                "levels {levels:?}: no way out of {}",
                st.id
            );
        }
    }
}

#[test]
fn reasons_are_required_where_declared() {
    let needs: Vec<&str> = definition(ReviewLevels::UnitAndOffice)
        .transitions
        .iter()
        .filter(|t| t.needs_reason)
        .map(|t| t.id)
        .collect();
    assert_eq!(
        needs,
        [
            a::RETURN_UNIT,
            a::RETURN_OFFICE,
            a::RETURN_PUBLISH,
            a::FORCE_PUBLISH,
            a::CORRECT,
            a::WITHDRAW
        ]
    );
    for levels in ReviewLevels::ALL {
        let def = definition(levels);
        for t in def.transitions.iter().filter(|t| t.needs_reason) {
            let doer = actor(expected(levels, t.id)[0]);
            let mut i = instance_in(levels, t.from[0]);
            let before = i.clone();
            for blank in ["", "   ", "\n\t"] {
                assert_eq!(
                    apply(def, &mut i, t.id, &doer, blank, 1).unwrap_err(),
                    FlowError::ReasonRequired { action: t.label }
                );
                assert_eq!(i, before);
            }
            // Still offered as a button: the form asks for the reason.
            assert!(available(def, &i, &doer).iter().any(|x| x.id == t.id));
            let step = apply(def, &mut i, t.id, &doer, " 标题有误 ", 2).unwrap();
            assert_eq!(step.comment, "标题有误");
        }
    }
}

#[test]
fn author_cannot_approve_own_item() {
    for levels in [ReviewLevels::Unit, ReviewLevels::UnitAndOffice] {
        let def = definition(levels);
        let mut i = instance_in(levels, s::UNIT_REVIEW);
        let me = actor("reviewer_author");
        assert_eq!(
            apply(def, &mut i, a::APPROVE_UNIT, &me, "", 1).unwrap_err(),
            FlowError::OwnItem {
                action: "审核通过"
            }
        );
        let offered: Vec<&str> = available(def, &i, &me).iter().map(|t| t.id).collect();
        assert_eq!(offered, [a::RECALL, a::RETURN_UNIT]);
    }
    // At the office too: an office reviewer who wrote the item.
    let def = definition(ReviewLevels::UnitAndOffice);
    let mut i = instance_in(ReviewLevels::UnitAndOffice, s::OFFICE_REVIEW);
    let mut me = actor("office_reviewer");
    me.is_author = true;
    assert_eq!(
        apply(def, &mut i, a::APPROVE_OFFICE, &me, "", 1).unwrap_err(),
        FlowError::OwnItem {
            action: "办公室审核通过"
        }
    );
}

#[test]
fn one_person_does_not_approve_both_levels() {
    // The office's own item for the main portal: its reviewer holds reviewer for the item's
    // unit (the office) and at the office.
    let levels = ReviewLevels::UnitAndOffice;
    let def = definition(levels);
    let both = Actor {
        user: Some(20),
        name: "李审".into(),
        unit: Some(code("office")),
        item_roles: vec![Role::Reviewer],
        office_roles: vec![Role::Reviewer],
        is_author: false,
        is_addressee: false,
    };
    let mut i = Instance::new(def);
    apply(def, &mut i, a::SUBMIT, &actor("author"), "", 1).unwrap();
    apply(def, &mut i, a::APPROVE_UNIT, &both, "", 2).unwrap();
    assert_eq!(i.state, s::OFFICE_REVIEW);
    assert_eq!(
        check(def, &i, a::APPROVE_OFFICE, &both).unwrap_err(),
        FlowError::SameActor {
            action: "办公室审核通过",
            earlier: "审核通过"
        }
    );
    // Returning is still possible for them; approving is for another reviewer.
    assert!(check(def, &i, a::RETURN_OFFICE, &both).is_ok());
    apply(
        def,
        &mut i,
        a::APPROVE_OFFICE,
        &actor("office_reviewer"),
        "",
        3,
    )
    .unwrap();
    assert_eq!(i.state, s::APPROVED);
}

#[test]
fn force_publish_flags_and_review_after_clears() {
    for levels in ReviewLevels::ALL {
        let def = definition(levels);
        let publisher = actor(expected(levels, a::PUBLISH)[0]);
        let reviewer = actor(expected(levels, a::REVIEW_AFTER)[0]);
        let mut i = Instance::new(def);
        assert!(matches!(
            check(def, &i, a::REVIEW_AFTER, &reviewer),
            Err(FlowError::NotFromState { .. })
        ));
        apply(
            def,
            &mut i,
            a::FORCE_PUBLISH,
            &publisher,
            "防汛紧急通知",
            10,
        )
        .unwrap();
        assert_eq!(i.state, s::PUBLISHED);
        assert!(def.find_state(&i.state).unwrap().is_public);
        assert_eq!(i.flagged.as_deref(), Some("防汛紧急通知"));
        // Editing steps keep the flag.
        apply(def, &mut i, a::CORRECT, &publisher, "更正错字", 11).unwrap();
        assert!(i.flagged.is_some());

        // The one who forced it may not review it, even holding the reviewer role.
        let mut both = publisher.clone();
        both.item_roles.push(Role::Reviewer);
        both.office_roles.push(Role::Reviewer);
        assert!(matches!(
            check(def, &i, a::REVIEW_AFTER, &both),
            Err(FlowError::SameActor { .. })
        ));

        let offered: Vec<&str> = available(def, &i, &reviewer).iter().map(|t| t.id).collect();
        assert_eq!(offered, [a::REVIEW_AFTER]);
        let step = apply(def, &mut i, a::REVIEW_AFTER, &reviewer, "已核，无误", 20).unwrap();
        assert_eq!(
            (step.from.as_str(), step.to.as_str()),
            (s::PUBLISHED, s::PUBLISHED)
        );
        assert_eq!(i.flagged, None);
        assert_eq!(i.state, s::PUBLISHED);
        assert!(matches!(
            check(def, &i, a::REVIEW_AFTER, &reviewer),
            Err(FlowError::NotFlagged { .. })
        ));
        assert!(available(def, &i, &reviewer).is_empty());
    }
}

#[test]
fn flag_survives_withdrawal_and_can_still_be_cleared() {
    let def = definition(ReviewLevels::Unit);
    let mut i = Instance::new(def);
    apply(
        def,
        &mut i,
        a::FORCE_PUBLISH,
        &actor("publisher"),
        "紧急",
        1,
    )
    .unwrap();
    apply(def, &mut i, a::WITHDRAW, &actor("publisher"), "内容过时", 2).unwrap();
    assert_eq!(i.state, s::WITHDRAWN);
    assert!(i.flagged.is_some());
    apply(def, &mut i, a::REVIEW_AFTER, &actor("reviewer"), "", 3).unwrap();
    assert_eq!(i.flagged, None);
    assert_eq!(i.state, s::WITHDRAWN);
}

#[test]
fn final_states_offer_nothing_but_a_pending_review() {
    for levels in ReviewLevels::ALL {
        let def = definition(levels);
        for st in [s::WITHDRAWN, s::REPLACED] {
            let mut i = Instance::new(def);
            i.state = st.into();
            for p in PROFILES {
                assert!(available(def, &i, &actor(p)).is_empty(), "{st} {p}");
            }
        }
    }
}

#[test]
fn history_records_each_step_of_a_two_level_walk() {
    let levels = ReviewLevels::UnitAndOffice;
    let def = definition(levels);
    let mut i = Instance::new(def);
    assert_eq!(i.state, s::DRAFT);
    let walk: &[(&str, &str, &str, &str)] = &[
        (a::SUBMIT, "author", "", s::UNIT_REVIEW),
        (a::APPROVE_UNIT, "reviewer", "同意", s::OFFICE_REVIEW),
        (
            a::RETURN_OFFICE,
            "office_reviewer",
            "标题不规范",
            s::RETURNED,
        ),
        (a::SUBMIT, "author", "已修改标题", s::UNIT_REVIEW),
        (a::APPROVE_UNIT, "reviewer", "", s::OFFICE_REVIEW),
        (a::APPROVE_OFFICE, "office_reviewer", "", s::APPROVED),
        (a::SCHEDULE, "office_publisher", "明日 9:00", s::SCHEDULED),
        (a::PUBLISH_DUE, "system", "", s::PUBLISHED),
        (a::REPLACE, "office_publisher", "", s::REPLACED),
    ];
    let mut from = s::DRAFT;
    for (n, (t, who, comment, to)) in walk.iter().enumerate() {
        let at = 1_700_000_000_000 + i64::try_from(n).unwrap() * 60_000;
        let step = apply(def, &mut i, t, &actor(who), comment, at)
            .unwrap()
            .clone();
        let who = actor(who);
        assert_eq!(step.at_ms, at);
        assert_eq!(step.by, who.user);
        assert_eq!(step.by_name, who.name);
        assert_eq!(step.by_unit, who.unit);
        assert_eq!(step.transition, *t);
        assert_eq!(step.from, from);
        assert_eq!(step.to, *to);
        assert_eq!(step.comment, *comment);
        from = to;
    }
    assert_eq!(i.history.len(), walk.len());
    assert_eq!(i.state, s::REPLACED);
    assert_eq!(i.history[7].by, None); // the scheduler
    assert_eq!(def.transition_label(&i.history[2].transition), "办公室退回");
    assert_eq!(def.state_label(&i.history[2].to), "已退回");
    assert_eq!(def.state_label("gone"), "gone");
}

#[test]
fn zero_and_one_level_walks() {
    let def = definition(ReviewLevels::None);
    let mut i = Instance::new(def);
    apply(def, &mut i, a::SUBMIT, &actor("author"), "", 1).unwrap();
    assert_eq!(i.state, s::APPROVED);
    apply(def, &mut i, a::PUBLISH, &actor("publisher"), "", 2).unwrap();
    assert_eq!(i.state, s::PUBLISHED);

    let def = definition(ReviewLevels::Unit);
    let mut i = Instance::new(def);
    apply(def, &mut i, a::SUBMIT, &actor("reporter"), "", 1).unwrap();
    apply(def, &mut i, a::RECALL, &actor("author"), "", 2).unwrap();
    assert_eq!(i.state, s::DRAFT);
    apply(def, &mut i, a::SUBMIT, &actor("author"), "", 3).unwrap();
    apply(def, &mut i, a::APPROVE_UNIT, &actor("reviewer"), "", 4).unwrap();
    assert_eq!(i.state, s::APPROVED);
    apply(
        def,
        &mut i,
        a::RETURN_PUBLISH,
        &actor("publisher"),
        "配图缺说明",
        5,
    )
    .unwrap();
    assert_eq!(i.state, s::RETURNED);
    assert!(def.find_state(&i.state).unwrap().editable);
    apply(def, &mut i, a::SUBMIT, &actor("author"), "", 6).unwrap();
    apply(def, &mut i, a::APPROVE_UNIT, &actor("reviewer"), "", 7).unwrap();
    apply(def, &mut i, a::SCHEDULE, &actor("publisher"), "", 8).unwrap();
    apply(def, &mut i, a::UNSCHEDULE, &actor("publisher"), "", 9).unwrap();
    apply(def, &mut i, a::PUBLISH, &actor("publisher"), "", 10).unwrap();
    // The office supervises every sub-site: it may take a unit's item down.
    apply(
        def,
        &mut i,
        a::WITHDRAW,
        &actor("office_publisher"),
        "信息有误",
        11,
    )
    .unwrap();
    assert_eq!(i.state, s::WITHDRAWN);
    assert_eq!(i.history.len(), 11);
}

#[test]
fn buttons_for_each_person_at_unit_review() {
    let levels = ReviewLevels::UnitAndOffice;
    let def = definition(levels);
    let mut i = Instance::new(def);
    i.state = s::UNIT_REVIEW.into();
    let ids =
        |p: &str| -> Vec<&str> { available(def, &i, &actor(p)).iter().map(|t| t.id).collect() };
    assert_eq!(ids("reviewer"), [a::APPROVE_UNIT, a::RETURN_UNIT]);
    assert_eq!(ids("author"), [a::RECALL]);
    assert_eq!(ids("office_publisher"), [a::FORCE_PUBLISH]);
    assert!(ids("reporter").is_empty());
    assert!(ids("sysadmin").is_empty());
    assert!(ids("system").is_empty());
}

#[test]
fn system_publishes_only_what_is_scheduled() {
    let def = definition(ReviewLevels::Unit);
    let mut i = Instance::new(def);
    i.state = s::APPROVED.into();
    let sys = actor("system");
    assert!(matches!(
        check(def, &i, a::PUBLISH, &sys),
        Err(FlowError::RoleNotAllowed { .. })
    ));
    assert!(matches!(
        check(def, &i, a::PUBLISH_DUE, &sys),
        Err(FlowError::NotFromState { .. })
    ));
    i.state = s::SCHEDULED.into();
    assert!(matches!(
        check(def, &i, a::PUBLISH_DUE, &actor("publisher")),
        Err(FlowError::RoleNotAllowed { .. })
    ));
    apply(def, &mut i, a::PUBLISH_DUE, &sys, "", 5).unwrap();
    assert_eq!(i.state, s::PUBLISHED);
}

#[test]
fn editorial_instance_json_round_trip() {
    let def = definition(ReviewLevels::UnitAndOffice);
    let mut i = Instance::new(def);
    apply(def, &mut i, a::SUBMIT, &actor("author"), "请审核", 1).unwrap();
    apply(
        def,
        &mut i,
        a::FORCE_PUBLISH,
        &actor("office_publisher"),
        "紧急",
        2,
    )
    .unwrap();
    let json = serde_json::to_string(&i).unwrap();
    assert!(json.contains("\"flow\":\"editorial\""));
    assert!(json.contains("紧急"));
    let back: Instance = serde_json::from_str(&json).unwrap();
    assert_eq!(back, i);
    // The stored instance keeps working after a round trip.
    let mut back = back;
    apply(
        def,
        &mut back,
        a::REVIEW_AFTER,
        &actor("office_reviewer"),
        "",
        3,
    )
    .unwrap();
    assert_eq!(back.flagged, None);
}

#[test]
fn review_levels_from_channels() {
    assert_eq!(ReviewLevels::from_count(0), Some(ReviewLevels::None));
    assert_eq!(
        ReviewLevels::from_count(2),
        Some(ReviewLevels::UnitAndOffice)
    );
    assert_eq!(ReviewLevels::from_count(3), None);
    for l in ReviewLevels::ALL {
        assert_eq!(ReviewLevels::from_count(l.count()), Some(l));
    }
    assert_eq!(ReviewLevels::strictest([]), ReviewLevels::None);
    assert_eq!(
        ReviewLevels::strictest([
            ReviewLevels::Unit,
            ReviewLevels::UnitAndOffice,
            ReviewLevels::None
        ]),
        ReviewLevels::UnitAndOffice
    );
}

#[test]
fn force_publish_only_before_the_review_is_done() {
    for levels in ReviewLevels::ALL {
        let def = definition(levels);
        let publisher = actor(expected(levels, a::PUBLISH)[0]);
        for (state, offered) in [
            (s::DRAFT, true),
            (s::RETURNED, true),
            (s::APPROVED, false),
            (s::SCHEDULED, false),
        ] {
            let mut i = Instance::new(def);
            i.state = state.to_owned();
            let r = check(def, &i, a::FORCE_PUBLISH, &publisher);
            assert_eq!(r.is_ok(), offered, "{levels:?} {state}: {r:?}");
        }
    }
}
