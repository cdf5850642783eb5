//! The one permission check. Every handler asks `can(principal, action, object)`;
//! a table-driven test in tests/ drives every route with every role.

use super::model::{Role, UnitCode, User};

/// What someone wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// See the staff workbench.
    StaffHome,
    /// Create accounts, assign roles, reset passwords, unlock (安全管理员).
    ManageAccounts,
    /// Edit the unit tree, view effective config, run backups (系统管理员).
    RunSystem,
    /// Read the audit log in full and verify its chain (审计管理员).
    ReadAudit,
    /// Create the first security administrator while none exists (first-run bootstrap).
    BootstrapSecadmin,
    /// See account requests (账号审批) and decide them: any of the three separated admin
    /// duties. Whether this person may approve this request is the flow's question
    /// (`flow::account_request`, `auth::account_request::actor`).
    ReviewAccountRequests,
    /// See a unit's staff list.
    ViewUnitStaff,
    /// Configure a unit's site and its channels (单位管理员 of that unit, or 系统管理员).
    ManageSite,
    /// Publish and withdraw items of a unit (发布人 of that unit). Which publisher takes which
    /// step of an item is the editorial flow's question (`flow::editorial`).
    PublishContent,
    /// Write items for a unit and see its items (信息员, 审核人 or 发布人 of that unit).
    WriteContent,
    /// Edit the pre-publication check rules (发布检查规则): 系统管理员, or 单位管理员 granted on
    /// the government office or the root unit. The object is the office's unit path
    /// (`workflow::rules_admin::office_path`).
    ManageChecks,
    /// Use the intranet office (内网办公: documents, meeting notices, file transfer): any
    /// enabled account. Where it may be reached from is `http::zone`'s question.
    UseIntranet,
    /// Handle a unit's government information disclosure (政务公开): its requests, its 公开指南
    /// and its annual report (审核人, 发布人 or 单位管理员 of that unit). Which of them takes
    /// which step of a request is the request flow's question (`disclosure::requests::flow`).
    HandleDisclosure,
    /// Lead and supervise disclosure across the district as its competent department (the
    /// government office): the same roles granted at the office (object: the office's path).
    SuperviseDisclosure,
    /// Answer the letters of the 区长信箱 assigned to a unit (审核人, 发布人 or 单位管理员 of
    /// that unit). Which step is whose is the letter flow's question (`mailbox::flow`).
    AnswerLetters,
    /// Run the 区长信箱: accept, assign, review and publish letters (the same roles granted
    /// at the government office; object: the office's path).
    TriageLetters,
    /// Keep the year's list of practical projects (百件实事): add and edit projects, set their
    /// responsible unit and planned date (审核人, 发布人 or 单位管理员 of the government office;
    /// object: the office's path). Progress updates are the responsible unit's, through the
    /// editorial flow (`projects::flow`).
    ManageProjects,
}

/// What it is done to. `Unit` carries the unit's path from the root, so scoped
/// grants on any ancestor apply.
#[derive(Debug, Clone, Copy)]
pub enum Object<'a> {
    System,
    Unit(&'a [UnitCode]),
}

/// Facts about the whole system some rules depend on.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemFacts {
    pub secadmin_exists: bool,
}

pub fn can(user: &User, action: Action, object: Object<'_>, facts: SystemFacts) -> bool {
    if user.disabled {
        return false;
    }
    let has = |r: Role| user.has_role(r);
    let scoped = |r: Role| match object {
        Object::Unit(path) => user
            .grants
            .iter()
            .any(|g| g.role == r && path.contains(&g.unit)),
        Object::System => false,
    };
    match action {
        Action::StaffHome => !user.grants.is_empty(),
        Action::ManageAccounts => has(Role::Secadmin),
        Action::RunSystem => has(Role::Sysadmin),
        Action::ReadAudit => has(Role::Auditor),
        Action::BootstrapSecadmin => has(Role::Sysadmin) && !facts.secadmin_exists,
        Action::ReviewAccountRequests => user.is_privileged(),
        Action::ViewUnitStaff => has(Role::Secadmin) || scoped(Role::UnitAdmin),
        Action::ManageSite => has(Role::Sysadmin) || scoped(Role::UnitAdmin),
        Action::PublishContent => scoped(Role::Publisher),
        Action::WriteContent => {
            scoped(Role::Reporter) || scoped(Role::Reviewer) || scoped(Role::Publisher)
        }
        Action::ManageChecks => has(Role::Sysadmin) || scoped(Role::UnitAdmin),
        Action::UseIntranet => true,
        Action::HandleDisclosure
        | Action::SuperviseDisclosure
        | Action::AnswerLetters
        | Action::TriageLetters
        | Action::ManageProjects => {
            scoped(Role::Reviewer) || scoped(Role::Publisher) || scoped(Role::UnitAdmin)
        }
    }
}
