use super::*;
use crate::auth::model::{Grant, Role, Unit, UnitCode, UnitKind, User};
use crate::portal::Snapshot;
use crate::portal::model::{Channel, ChannelKind, Site, Slug};

fn code(s: &str) -> UnitCode {
    UnitCode::parse(s).unwrap()
}

fn unit(c: &str, kind: UnitKind, parent: Option<&str>) -> Unit {
    Unit {
        code: code(c),
        name: c.to_owned(),
        kind,
        parent: parent.map(code),
        created_ms: 0,
        profile: Default::default(),
        retired: false,
    }
}

fn units() -> Units {
    Units::new(vec![
        unit("gov", UnitKind::Government, None),
        unit("office", UnitKind::Office, Some("gov")),
        unit("dept", UnitKind::Department, Some("gov")),
        unit("other", UnitKind::Department, Some("gov")),
        unit("sd", UnitKind::Subdistrict, Some("gov")),
        unit("comm", UnitKind::Community, Some("sd")),
    ])
}

fn channel(id: u64, site: &str, levels: u8) -> Channel {
    Channel {
        id,
        site: code(site),
        slug: Slug::parse(&format!("c{id}")).unwrap(),
        name: format!("栏目{id}"),
        kind: ChannelKind::List,
        parent: None,
        order: 0,
        description: String::new(),
        link: String::new(),
        page_html: String::new(),
        on_home: false,
        in_nav: false,
        review_levels: levels,
        archived: false,
        update: None,
        home_order: 0,
        home_items: 8,
    }
}

fn snap() -> Snapshot {
    let site = |u: &str, main: bool| Site {
        unit: code(u),
        name: u.to_owned(),
        theme: String::new(),
        host: None,
        is_main: main,
        review_days: 0,
        footer: Default::default(),
        short_name: String::new(),
        images: Default::default(),
    };
    Snapshot {
        sites: vec![
            site("gov", true),
            site("dept", false),
            site("other", false),
            site("comm", false),
        ],
        channels: vec![
            channel(1, "gov", 2),
            channel(2, "dept", 1),
            channel(3, "dept", 0),
            channel(4, "other", 0),
            channel(5, "comm", 1),
            channel(6, "gov", 0),
        ],
    }
}

fn user(role: Role, at: &str) -> User {
    User {
        id: 7,
        username: "u".into(),
        display_name: String::new(),
        unit: code(at),
        grants: vec![Grant {
            role,
            unit: code(at),
        }],
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
fn own_sites_use_the_channel_setting_and_the_main_portal_needs_the_office() {
    let (u, s) = (units(), snap());
    let dept = code("dept");
    assert_eq!(
        channel_levels(s.channel(2).unwrap(), &dept, &u),
        ReviewLevels::Unit
    );
    assert_eq!(
        channel_levels(s.channel(3).unwrap(), &dept, &u),
        ReviewLevels::None
    );
    // The main portal: always the office, even where the channel says none.
    assert_eq!(
        channel_levels(s.channel(6).unwrap(), &dept, &u),
        ReviewLevels::UnitAndOffice
    );
    // The office's own items for the portal: reviewed once.
    let office = code("office");
    assert_eq!(
        channel_levels(s.channel(1).unwrap(), &office, &u),
        ReviewLevels::Unit
    );
    assert_eq!(
        channel_levels(s.channel(6).unwrap(), &office, &u),
        ReviewLevels::None
    );
    // A subdistrict owns its community's site.
    assert_eq!(
        channel_levels(s.channel(5).unwrap(), &code("sd"), &u),
        ReviewLevels::Unit
    );
}

#[test]
fn an_item_needs_the_strictest_of_its_channels() {
    let (u, s) = (units(), snap());
    let mut a = crate::portal::model::Article::blank(3, code("dept"), "u");
    a.unit = Some(code("dept"));
    assert_eq!(item_levels(&a, &s, &u), ReviewLevels::None);
    a.placements = vec![1];
    assert_eq!(item_levels(&a, &s, &u), ReviewLevels::UnitAndOffice);
}

#[test]
fn a_department_never_places_items_on_another_units_sub_site() {
    let (u, s) = (units(), snap());
    let dept = code("dept");
    assert!(may_place(s.channel(2).unwrap(), &dept, &s, &u));
    assert!(may_place(s.channel(1).unwrap(), &dept, &s, &u));
    assert!(!may_place(s.channel(4).unwrap(), &dept, &s, &u));
    assert!(!may_place(s.channel(5).unwrap(), &dept, &s, &u));
    assert!(may_place(s.channel(5).unwrap(), &code("sd"), &s, &u));
}

#[test]
fn reporters_see_their_unit_and_the_office_sees_all() {
    let u = units();
    let mut a = crate::portal::model::Article::blank(2, code("dept"), "x");
    a.unit = Some(code("dept"));
    assert!(may_view(&user(Role::Reporter, "dept"), &a, &u));
    assert!(!may_view(&user(Role::Reporter, "other"), &a, &u));
    assert!(!may_view(&user(Role::Reviewer, "other"), &a, &u));
    assert!(may_view(&user(Role::Reviewer, "office"), &a, &u));
    assert!(!may_view(&user(Role::Reporter, "office"), &a, &u));
    assert!(may_view(&user(Role::Reviewer, "gov"), &a, &u));
    assert_eq!(
        owner_for_new(&user(Role::Reporter, "dept"), &snap().channels[0], &u),
        Some(code("dept"))
    );
}
