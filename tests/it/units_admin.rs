//! 组织机构 (issue 12): a unit renamed (the root too), its 统一社会信用代码 checked, moved under
//! another parent but never under itself, its disclosure duty set, and retired with its
//! accounts disabled and its history kept.

use gongkai::auth::model::{Role, UnitCode};

use crate::helpers::{Client, PASSWORD, TestApp, demo_portal, main_of, staff};

/// The unit's form as its page sends it, with `changes` over what it shows.
async fn save(c: &Client, code: &str, changes: &[(&str, &str)]) -> crate::helpers::Resp {
    let page = format!("/admin/units/{code}");
    let body = c.get(&page).await.body;
    let value = |name: &str| -> String {
        let at = format!("name=\"{name}\"");
        let Some(i) = body.find(&at) else {
            return String::new();
        };
        let tag_start = body[..i].rfind('<').unwrap_or(i);
        let tag = &body[tag_start..i + body[i..].find('>').unwrap_or(0)];
        if tag.starts_with("<select") {
            let rest = &body[i..];
            let sel = &rest[..rest.find("</select>").unwrap_or(rest.len())];
            return sel
                .split("<option")
                .find(|o| o.contains("selected"))
                .and_then(|o| o.split("value=\"").nth(1))
                .and_then(|v| v.split('"').next())
                .unwrap_or_default()
                .to_owned();
        }
        if tag.contains("type=\"checkbox\"") {
            return if tag.contains("checked") { "1" } else { "" }.to_owned();
        }
        tag.split("value=\"")
            .nth(1)
            .and_then(|v| v.split('"').next())
            .unwrap_or_default()
            .to_owned()
    };
    let mut f: Vec<(String, String)> = [
        "name",
        "kind",
        "parent",
        "credit_code",
        "contact",
        "phone",
        "address",
        "office_hours",
        "discloses",
    ]
    .iter()
    .map(|k| ((*k).to_owned(), value(k)))
    .filter(|(k, v)| !(v.is_empty() && (k == "parent" || k == "discloses")))
    .collect();
    for (k, v) in changes {
        f.retain(|(n, _)| n != k);
        if !v.is_empty() || *k != "discloses" {
            f.push(((*k).to_owned(), (*v).to_owned()));
        }
    }
    let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    c.post_form(&page, &page, &refs).await
}

async fn unit(app: &TestApp, code: &str) -> gongkai::auth::model::Unit {
    let code = UnitCode::parse(code).unwrap();
    app.state
        .store
        .read(gongkai::auth::store::list_units)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.code == code)
        .expect("unit")
}

#[tokio::test]
async fn the_root_is_renamed_and_a_credit_code_is_checked() {
    let app = demo_portal().await;
    let admin = staff(&app, "un-sys", Role::Sysadmin, "gov").await;
    let r = save(&admin, "gov", &[("name", "滨江区人民政府")]).await;
    assert_eq!(r.location(), Some("/admin/units"), "{}", main_of(&r.body));
    assert_eq!(unit(&app, "gov").await.name, "滨江区人民政府");
    assert!(
        admin
            .get("/admin/units")
            .await
            .body
            .contains("滨江区人民政府")
    );

    let r = save(&admin, "commerce", &[("credit_code", "11320100MB1234567B")]).await;
    assert_eq!(r.status, 422);
    assert!(
        main_of(&r.body).contains("校验位不符"),
        "{}",
        main_of(&r.body)
    );
    assert!(r.body.contains("value=\"11320100MB1234567B\""), "kept");
    let r = save(
        &admin,
        "commerce",
        &[
            ("credit_code", "11320100mb1234567a"),
            ("phone", "0000-0000101"),
            ("office_hours", "工作日 9:00—12:00，13:30—17:30"),
        ],
    )
    .await;
    assert_eq!(r.status, 303, "{}", main_of(&r.body));
    let u = unit(&app, "commerce").await;
    assert_eq!(
        u.profile.credit_code.as_ref().map(|c| c.as_str()),
        Some("11320100MB1234567A")
    );
    assert_eq!(u.profile.phone, "0000-0000101");

    let auditor = staff(&app, "un-aud", Role::Auditor, "gov").await;
    let log = auditor.get("/admin/audit?action=unit_update").await;
    assert!(
        log.body.contains("名称：示范区人民政府 → 滨江区人民政府"),
        "{}",
        main_of(&log.body)
    );
    assert!(log.body.contains("统一社会信用代码： → 11320100MB1234567A"));
}

#[tokio::test]
async fn a_unit_moves_but_never_under_itself_and_its_disclosure_duty_is_kept() {
    let app = demo_portal().await;
    let admin = staff(&app, "un-sys2", Role::Sysadmin, "gov").await;
    // Departments have disclosure duties by their kind; communities not.
    assert!(unit(&app, "commerce").await.discloses());
    assert!(!unit(&app, "c-hubin").await.discloses());
    let r = save(
        &admin,
        "c-hubin",
        &[("parent", "sd-east"), ("discloses", "1")],
    )
    .await;
    assert_eq!(r.status, 303, "{}", main_of(&r.body));
    let hubin = unit(&app, "c-hubin").await;
    assert_eq!(hubin.parent.as_ref().map(|p| p.as_str()), Some("sd-east"));
    assert!(hubin.discloses());
    // Under its own child: refused beside the field.
    let r = save(&admin, "sd-east", &[("parent", "c-hubin")]).await;
    assert_eq!(r.status, 422);
    assert!(main_of(&r.body).contains("不能移到本单位或其下级单位之下"));
    assert_eq!(
        unit(&app, "sd-east")
            .await
            .parent
            .as_ref()
            .map(|p| p.as_str()),
        Some("gov")
    );
    // The page does not even offer it.
    let page = admin.get("/admin/units/sd-east").await.body;
    assert!(!page.contains("value=\"c-hubin\""), "{}", main_of(&page));
}

#[tokio::test]
async fn a_retired_unit_keeps_its_history_and_its_accounts_are_disabled() {
    let app = demo_portal().await;
    let admin = staff(&app, "un-sys3", Role::Sysadmin, "gov").await;
    let post = |path: &'static str, f: Vec<(&'static str, &'static str)>| {
        let admin = &admin;
        async move { admin.post_form("/admin/units/sd-west", path, &f).await }
    };
    // Without the confirmation, and while it has sub-units: refused with the reason.
    let r = post("/admin/units/sd-west/retire", vec![]).await;
    assert_eq!(r.status, 422);
    assert!(main_of(&r.body).contains("请勾选确认后再撤销"));
    let r = post("/admin/units/sd-west/retire", vec![("confirm", "1")]).await;
    assert_eq!(r.status, 422);
    assert!(main_of(&r.body).contains("请先移走或撤销其下级单位"));
    // The root cannot be retired.
    let r = admin
        .post_form(
            "/admin/units/gov",
            "/admin/units/gov/retire",
            &[("confirm", "1")],
        )
        .await;
    assert_eq!(r.status, 422);
    // A leaf with a writer: retired, the writer disabled and signed out.
    let writer = staff(&app, "un-hubin", Role::Reporter, "c-hubin").await;
    assert_eq!(writer.get("/admin").await.status, 200);
    let r = admin
        .post_form(
            "/admin/units/c-hubin",
            "/admin/units/c-hubin/retire",
            &[("confirm", "1")],
        )
        .await;
    assert_eq!(
        r.location(),
        Some("/admin/units/c-hubin"),
        "{}",
        main_of(&r.body)
    );
    assert!(unit(&app, "c-hubin").await.retired);
    assert!(app.user("hubin-writer").await.unwrap().disabled);
    assert_eq!(writer.get("/admin").await.status, 303, "signed out");
    let again = app.client();
    let r = app.sign_in(&again, "un-hubin", PASSWORD).await;
    assert_ne!(r.location(), Some("/admin"), "cannot sign in");
    let tree = admin.get("/admin/units").await.body;
    assert!(tree.contains("已撤销"));
    // Nothing new goes under it.
    let r = admin
        .post_form(
            "/admin/units",
            "/admin/units",
            &[
                ("code", "c-new"),
                ("name", "新设社区"),
                ("kind", "community"),
                ("parent", "c-hubin"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(main_of(&r.body).contains("已撤销的单位不能再有下级"));
    let auditor = staff(&app, "un-aud3", Role::Auditor, "gov").await;
    let log = auditor.get("/admin/audit?action=unit_retire").await;
    assert!(
        log.body.contains("停用账号：hubin-writer"),
        "{}",
        main_of(&log.body)
    );
}
