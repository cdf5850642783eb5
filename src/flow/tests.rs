//! Engine tests on a small case-like definition (clock effects, flags, guards) that are not
//! specific to the editorial flow.

use super::*;
use crate::auth::model::{Grant, Role, UnitCode, User};

fn code(s: &str) -> UnitCode {
    UnitCode::parse(s).unwrap()
}

/// A citizen-case-like flow: received → handling ⇄ waiting (clock paused) → answered.
fn case_def() -> Definition {
    Definition::new("case", "received")
        .state(State::new("received", "已收到"))
        .state(State::new("handling", "办理中"))
        .state(State::new("waiting", "待补正"))
        .state(State::new("answered", "已答复").public().final_state())
        .transition(
            Transition::new("accept", "受理", &["received"], "handling")
                .who(&[Who::Item(Role::Reviewer)])
                .clock(ClockEffect::Start),
        )
        .transition(
            Transition::new("ask", "要求补正", &["handling"], "waiting")
                .who(&[Who::Item(Role::Reviewer)])
                .reason()
                .clock(ClockEffect::Pause),
        )
        .transition(
            Transition::new("resume", "补正完成", &["waiting"], "handling")
                .who(&[Who::Item(Role::Reviewer)])
                .clock(ClockEffect::Resume),
        )
        .transition(
            Transition::new("answer", "答复", &["handling", "waiting"], "answered")
                .who(&[Who::Item(Role::Reviewer)])
                .clock(ClockEffect::Stop),
        )
        .transition(
            Transition::new("restart", "重新计时", &["handling"], "handling")
                .who(&[Who::Item(Role::Reviewer)])
                .clock(ClockEffect::Start),
        )
        .transition(
            Transition::stay("flag", "标记", &["received", "handling"])
                .who(&[Who::Office(Role::Reviewer)])
                .reason()
                .flag(FlagEffect::Set),
        )
        .transition(
            Transition::stay("unflag", "解除标记", &["received", "handling", "answered"])
                .who(&[Who::Office(Role::Reviewer)])
                .guard(Guard::Flagged)
                .guard(Guard::NotSameActorAs("flag"))
                .flag(FlagEffect::Clear),
        )
}

fn clerk(id: u64) -> Actor {
    Actor {
        user: Some(id),
        name: format!("办理人{id}"),
        unit: Some(code("dept")),
        item_roles: vec![Role::Reviewer],
        office_roles: vec![],
        is_author: false,
        is_addressee: false,
    }
}

fn office(id: u64) -> Actor {
    Actor {
        user: Some(id),
        name: format!("督办{id}"),
        unit: Some(code("office")),
        item_roles: vec![],
        office_roles: vec![Role::Reviewer],
        is_author: false,
        is_addressee: false,
    }
}

#[test]
fn case_definition_is_valid() {
    case_def().validate().unwrap();
}

#[test]
fn validate_catches_mistakes() {
    let base = || Definition::new("x", "a").state(State::new("a", "甲"));
    assert!(base().state(State::new("a", "乙")).validate().is_err());
    assert!(Definition::new("x", "zz").validate().is_err());
    let t = |to| Transition::new("go", "走", &["a"], to).who(&[Who::Author]);
    assert!(base().transition(t("nowhere")).validate().is_err());
    assert!(base().transition(t("a")).validate().is_ok());
    assert!(
        base()
            .transition(t("a"))
            .transition(t("a"))
            .validate()
            .is_err()
    );
    let nobody = Transition::new("go", "走", &["a"], "a");
    assert!(base().transition(nobody).validate().is_err());
    let from_unknown = Transition::new("go", "走", &["q"], "a").who(&[Who::Author]);
    assert!(base().transition(from_unknown).validate().is_err());
    let leaves_final = Definition::new("x", "a")
        .state(State::new("a", "甲").final_state())
        .state(State::new("b", "乙"))
        .transition(Transition::new("go", "走", &["a"], "b").who(&[Who::Author]));
    assert!(leaves_final.validate().is_err());
    let bad_guard = base().transition(t("a").guard(Guard::NotSameActorAs("nope")));
    assert!(bad_guard.validate().is_err());
}

#[test]
fn clock_follows_the_transitions_and_is_recorded() {
    let def = case_def();
    let mut i = Instance::new(&def);
    assert_eq!(i.clock, ClockState::Idle);
    apply(&def, &mut i, "accept", &clerk(1), "", 1_000).unwrap();
    assert_eq!(i.clock, ClockState::Running);
    apply(&def, &mut i, "ask", &clerk(1), "请补充身份证明", 2_000).unwrap();
    assert_eq!(i.clock, ClockState::Paused);
    assert_eq!(i.state, "waiting");
    apply(&def, &mut i, "resume", &clerk(1), "", 3_000).unwrap();
    assert_eq!(i.clock, ClockState::Running);
    // A clock already started cannot be started again; the button is not offered.
    assert_eq!(
        apply(&def, &mut i, "restart", &clerk(1), "", 3_500).unwrap_err(),
        FlowError::Clock {
            action: "重新计时"
        }
    );
    assert!(
        !available(&def, &i, &clerk(1))
            .iter()
            .any(|t| t.id == "restart")
    );
    apply(&def, &mut i, "answer", &clerk(1), "已答复", 4_000).unwrap();
    assert_eq!(i.clock, ClockState::Stopped);
    let effects: Vec<ClockEffect> = i.history.iter().map(|s| s.clock).collect();
    assert_eq!(
        effects,
        [
            ClockEffect::Start,
            ClockEffect::Pause,
            ClockEffect::Resume,
            ClockEffect::Stop
        ]
    );
    let times: Vec<i64> = i.history.iter().map(|s| s.at_ms).collect();
    assert_eq!(times, [1_000, 2_000, 3_000, 4_000]);
}

#[test]
fn pause_needs_a_running_clock() {
    let def = case_def();
    let mut i = Instance::new(&def);
    i.state = "handling".into(); // e.g. migrated data whose clock never started
    let before = i.clone();
    assert_eq!(
        apply(&def, &mut i, "ask", &clerk(1), "理由", 1).unwrap_err(),
        FlowError::Clock {
            action: "要求补正"
        }
    );
    assert_eq!(i, before);
}

#[test]
fn flag_set_and_cleared_by_someone_else() {
    let def = case_def();
    let mut i = Instance::new(&def);
    assert!(matches!(
        check(&def, &i, "unflag", &office(7)),
        Err(FlowError::NotFlagged { .. })
    ));
    let step = apply(&def, &mut i, "flag", &office(7), "  超期风险  ", 10).unwrap();
    assert_eq!(step.comment, "超期风险");
    assert_eq!(step.from, "received");
    assert_eq!(step.to, "received");
    assert_eq!(i.flagged.as_deref(), Some("超期风险"));
    assert_eq!(i.state, "received");
    assert_eq!(
        check(&def, &i, "unflag", &office(7)).unwrap_err(),
        FlowError::SameActor {
            action: "解除标记",
            earlier: "标记"
        }
    );
    apply(&def, &mut i, "unflag", &office(8), "", 11).unwrap();
    assert_eq!(i.flagged, None);
    assert_eq!(i.history.len(), 2);
}

#[test]
fn refusals_leave_the_instance_untouched() {
    let def = case_def();
    let mut i = Instance::new(&def);
    let before = i.clone();
    let cases: Vec<(&str, Actor, &str, FlowError)> = vec![
        (
            "nope",
            clerk(1),
            "",
            FlowError::UnknownTransition("nope".into()),
        ),
        (
            "answer",
            clerk(1),
            "",
            FlowError::NotFromState {
                action: "答复",
                state: "已收到",
            },
        ),
        (
            "accept",
            office(2),
            "",
            FlowError::RoleNotAllowed { action: "受理" },
        ),
        (
            "flag",
            office(2),
            " \n ",
            FlowError::ReasonRequired { action: "标记" },
        ),
    ];
    for (t, actor, comment, want) in cases {
        assert_eq!(
            apply(&def, &mut i, t, &actor, comment, 5).unwrap_err(),
            want
        );
        assert_eq!(i, before, "{t} changed the instance");
    }
}

#[test]
fn wrong_flow_and_unknown_state_are_refused() {
    let def = case_def();
    let mut other = Instance::new(&def);
    other.flow = "editorial".into();
    assert_eq!(
        check(&def, &other, "accept", &clerk(1)).unwrap_err(),
        FlowError::WrongFlow {
            expected: "case",
            found: "editorial".into()
        }
    );
    assert!(available(&def, &other, &clerk(1)).is_empty());
    let mut lost = Instance::new(&def);
    lost.state = "archived".into();
    assert_eq!(
        check(&def, &lost, "accept", &clerk(1)).unwrap_err(),
        FlowError::UnknownState("archived".into())
    );
    assert!(available(&def, &lost, &clerk(1)).is_empty());
}

#[test]
fn system_actor_matches_only_system() {
    let sys = Actor::system("定时任务");
    assert!(sys.matches(Who::System));
    assert!(!sys.matches(Who::Author));
    assert!(!sys.matches(Who::Item(Role::Reviewer)));
    // A person never counts as the system, whatever roles it holds.
    let mut p = clerk(1);
    p.is_author = true;
    assert!(!p.matches(Who::System));
    assert!(p.matches(Who::Author));
    assert!(p.matches(Who::Item(Role::Reviewer)));
    assert!(!p.matches(Who::Office(Role::Reviewer)));
}

fn user(grants: &[(Role, &str)]) -> User {
    User {
        id: 42,
        username: "wang".into(),
        display_name: "王芳".into(),
        unit: code("commerce"),
        grants: grants
            .iter()
            .map(|(r, u)| Grant {
                role: *r,
                unit: code(u),
            })
            .collect(),
        password_hash: String::new(),
        must_change_password: false,
        failed_logins: 0,
        locked_until_ms: None,
        totp_secret: None,
        totp_last_step: 0,
        failed_codes: 0,
        login_guard: Default::default(),
        disabled: false,
        session_epoch: 0,
        created_ms: 0,
        password_changed_ms: 0,
        last_login_ms: None,
    }
}

#[test]
fn actor_for_item_scopes_grants_to_the_paths() {
    let item_path = [code("district"), code("commerce")];
    let office_path = [code("district"), code("office")];
    let u = user(&[
        (Role::Reporter, "commerce"),
        (Role::Reviewer, "commerce"),
        (Role::Reviewer, "office"),
        (Role::Publisher, "education"),
        (Role::Auditor, "district"),
    ]);
    let a = Actor::for_item(&u, &item_path, &office_path, true);
    assert_eq!(a.user, Some(42));
    assert_eq!(a.name, "王芳");
    assert_eq!(a.unit, Some(code("commerce")));
    assert_eq!(
        a.item_roles,
        [Role::Reporter, Role::Reviewer, Role::Auditor]
    );
    assert_eq!(a.office_roles, [Role::Reviewer, Role::Auditor]);
    assert!(a.is_author);
    // Another unit's item: only the root grant applies.
    let b = Actor::for_item(
        &u,
        &[code("district"), code("education")],
        &office_path,
        false,
    );
    assert_eq!(b.item_roles, [Role::Publisher, Role::Auditor]);

    let mut off = u.clone();
    off.disabled = true;
    let c = Actor::for_item(&off, &item_path, &office_path, true);
    assert!(c.item_roles.is_empty() && c.office_roles.is_empty());
}

#[test]
fn instance_json_round_trip_and_shape() {
    let def = case_def();
    let mut i = Instance::new(&def);
    apply(&def, &mut i, "flag", &office(3), "需督办", 100).unwrap();
    apply(&def, &mut i, "accept", &clerk(1), "", 200).unwrap();
    apply(&def, &mut i, "ask", &clerk(1), "缺材料", 300).unwrap();
    let json = serde_json::to_string(&i).unwrap();
    let back: Instance = serde_json::from_str(&json).unwrap();
    assert_eq!(back, i);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["flow"], "case");
    assert_eq!(v["state"], "waiting");
    assert_eq!(v["flagged"], "需督办");
    assert_eq!(v["clock"], "paused");
    assert_eq!(v["history"][0]["by_unit"], "office");
    assert_eq!(v["history"][1]["clock"], "start");
    // Empty comments and clock effects of `none` are left out, and read back as defaults.
    assert!(v["history"][1].get("comment").is_none());
    assert!(v["history"][0].get("clock").is_none());
    // A minimal stored instance (older data) still reads.
    let old: Instance = serde_json::from_str(r#"{"flow":"case","state":"received"}"#).unwrap();
    assert_eq!(old, Instance::new(&def));
}

#[test]
fn errors_read_as_chinese_sentences() {
    assert_eq!(
        FlowError::ReasonRequired { action: "退回" }.to_string(),
        "“退回”须填写理由"
    );
    assert_eq!(
        FlowError::NotFromState {
            action: "发布",
            state: "草稿"
        }
        .to_string(),
        "“草稿”状态下不能“发布”"
    );
    assert_eq!(
        FlowError::RoleNotAllowed { action: "发布" }.to_string(),
        "您没有“发布”的权限"
    );
}
