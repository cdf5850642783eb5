//! Every redb table, in one place, so backup and migrations can walk them all.

use redb::TableDefinition;

/// Small singletons: schema version, counters, setup token, scheduler state.
pub const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
/// user id → `auth::model::User` (JSON).
pub const USERS: TableDefinition<u64, &[u8]> = TableDefinition::new("users");
/// lower-case username → user id (uniqueness index).
pub const USER_NAMES: TableDefinition<&str, u64> = TableDefinition::new("user_names");
/// unit code → `auth::model::Unit` (JSON).
pub const UNITS: TableDefinition<&str, &[u8]> = TableDefinition::new("units");
/// SHA-256 of the session token (hex) → `auth::session::Session` (JSON).
pub const SESSIONS: TableDefinition<&str, &[u8]> = TableDefinition::new("sessions");
/// sequence number → `auth::audit::AuditRecord` (JSON), hash-chained.
pub const AUDIT: TableDefinition<u64, &[u8]> = TableDefinition::new("audit");
/// blob sha-256 (hex) → number of references from records.
pub const BLOB_REFS: TableDefinition<&str, u64> = TableDefinition::new("blob_refs");

/// unit code of the site → `portal::model::Site` (JSON).
pub const SITES: TableDefinition<&str, &[u8]> = TableDefinition::new("sites");
/// channel id → `portal::model::Channel` (JSON).
pub const CHANNELS: TableDefinition<u64, &[u8]> = TableDefinition::new("channels");
/// "site/slug" → channel id (uniqueness index).
pub const CHANNEL_SLUGS: TableDefinition<&str, u64> = TableDefinition::new("channel_slugs");
/// article id → `portal::model::Article` (JSON).
pub const ARTICLES: TableDefinition<u64, &[u8]> = TableDefinition::new("articles");
/// "{channel:016x}/{newest-first time:016x}/{newest-first id:016x}" → article id: a channel's
/// public items in display order, so a list page is a range read, never a scan.
pub const CHANNEL_ITEMS: TableDefinition<&str, u64> = TableDefinition::new("channel_items");
/// channel id (decimal) → number of public items in it.
pub const CHANNEL_COUNTS: TableDefinition<&str, u64> = TableDefinition::new("channel_counts");

/// "{article:016x}/{revision:016x}" → the article as saved at that revision (JSON).
pub const ARTICLE_REVISIONS: TableDefinition<&str, &[u8]> =
    TableDefinition::new("article_revisions");

/// "{user:016x}/{newest-first id:016x}" → `notify::store::Notice` (JSON): a user's notices
/// in display order, so the notification page is a range read.
pub const NOTICES: TableDefinition<&str, &[u8]> = TableDefinition::new("notices");

/// request id → `auth::account_request::AccountRequest` (JSON): changes to accounts of the
/// three separated admin duties waiting for (or decided by) a second person.
pub const ACCOUNT_REQUESTS: TableDefinition<u64, &[u8]> = TableDefinition::new("account_requests");

/// SHA-256 of a one-time set-password link's token (hex) → `auth::password_link::PasswordLink`
/// (JSON).
pub const PASSWORD_LINKS: TableDefinition<&str, &[u8]> = TableDefinition::new("password_links");

/// SHA-256 of a kept form's cookie token (hex) → `http::kept::KeptForm` (JSON): a form
/// posted after its session or token ran out, until it is shown again (a day at most).
pub const KEPT_FORMS: TableDefinition<&str, &[u8]> = TableDefinition::new("kept_forms");

/// "{user:016x}/{form address}" → `publishing::editor::autosave::Autosave` (JSON): the
/// newest unsaved text of a user's item form, saved by the page every short while.
pub const AUTOSAVES: TableDefinition<&str, &[u8]> = TableDefinition::new("autosaves");

/// "section.name" → the value as TOML text: settings saved in the admin panel
/// (`admin::settings`), applied over the defaults at start where nothing locks them.
pub const SETTINGS: TableDefinition<&str, &[u8]> = TableDefinition::new("settings");

/// year ("2027") → that year's holidays and make-up working days in the calendar text format
/// (`calendar::CalendarEdit`): years entered or corrected in the admin panel
/// (`admin::calendar`), each replacing the built-in schedule of its year.
pub const CALENDAR_YEARS: TableDefinition<&str, &[u8]> = TableDefinition::new("calendar_years");

/// 内网办公 (`intranet/`): document id → `intranet::documents::model::Document` (JSON), with
/// every recipient's receipt inside.
pub const OA_DOCS: TableDefinition<u64, &[u8]> = TableDefinition::new("oa_docs");
/// meeting id → `intranet::meetings::model::Meeting` (JSON), with every invited unit's reply.
pub const OA_MEETINGS: TableDefinition<u64, &[u8]> = TableDefinition::new("oa_meetings");
/// file id → `intranet::files::model::OaFile` (JSON): a finished upload, owned by a person.
pub const OA_FILES: TableDefinition<u64, &[u8]> = TableDefinition::new("oa_files");
/// send id → `intranet::files::model::FileSend` (JSON): files sent to units or people, with
/// who downloaded them.
pub const OA_SENDS: TableDefinition<u64, &[u8]> = TableDefinition::new("oa_sends");
/// upload id → `intranet::files::model::Upload` (JSON): a tus upload not yet finished.
pub const OA_UPLOADS: TableDefinition<&str, &[u8]> = TableDefinition::new("oa_uploads");
/// SHA-256 of a share link's token (hex) → `intranet::files::model::Share` (JSON).
pub const OA_SHARES: TableDefinition<&str, &[u8]> = TableDefinition::new("oa_shares");
/// The intranet's in- and out-boxes: "in/{addressee key}/{newest-first ms:016x}/{kind}/{id:016x}"
/// and "out/{user:016x}/{newest-first ms:016x}/{kind}/{id:016x}" → id (`intranet::boxes`), so
/// a person's inbox is two range reads (their own key and their unit's).
pub const OA_BOXES: TableDefinition<&str, u64> = TableDefinition::new("oa_boxes");
/// Space in use: "p/{user:016x}" and "u/{unit}" → bytes held in files and unfinished
/// uploads (`intranet::files::quota`).
pub const OA_USAGE: TableDefinition<&str, u64> = TableDefinition::new("oa_usage");
/// "{owner:016x}/{newest-first id:016x}" → file id: a person's transferred files, newest
/// first, so 文件传输 lists them with one range read (`intranet::files::store`).
pub const OA_FILE_OWNERS: TableDefinition<&str, u64> = TableDefinition::new("oa_file_owners");

/// 政务公开 (`disclosure/`): request id → `disclosure::requests::model::DisclosureRequest` (JSON).
pub const GK_REQUESTS: TableDefinition<u64, &[u8]> = TableDefinition::new("gk_requests");
/// 查询码 (normalized) → request id.
pub const GK_TRACKING: TableDefinition<&str, u64> = TableDefinition::new("gk_tracking");
/// unit code → `disclosure::guide::Guide` (JSON): each obligated unit's 公开指南.
pub const GK_GUIDES: TableDefinition<&str, &[u8]> = TableDefinition::new("gk_guides");
/// code table name ("topic", "genre") → the table as text, one "code name" per line
/// (`publishing::catalog::codes`): edited copies of the State Council schemes.
pub const GK_CODES: TableDefinition<&str, &[u8]> = TableDefinition::new("gk_codes");
/// "{unit}/{year}" → `disclosure::report::model::AnnualReport` (JSON): a unit's (or, under the
/// root unit, the district's) annual report: its texts, hand-entered counts and state.
pub const GK_REPORTS: TableDefinition<&str, &[u8]> = TableDefinition::new("gk_reports");
/// 索引号 → article id: every index number ever given, so none is given twice or reused
/// after a withdrawal (`publishing::catalog`). Serials per unit and year are META counters.
pub const GK_INDEX_NOS: TableDefinition<&str, u64> = TableDefinition::new("gk_index_nos");

/// 区长信箱 (`mailbox/`): letter id → `mailbox::model::Letter` (JSON).
pub const MB_LETTERS: TableDefinition<u64, &[u8]> = TableDefinition::new("mb_letters");
/// 查询码 (normalized) → letter id.
pub const MB_TRACKING: TableDefinition<&str, u64> = TableDefinition::new("mb_tracking");
/// Published letter id → `mailbox::store::PublicRow` (JSON): what 信件选登 shows, kept with
/// every letter write so the public list never reads the letters themselves.
pub const MB_PUBLIC: TableDefinition<u64, &[u8]> = TableDefinition::new("mb_public");
/// "settings" → `mailbox::settings::Settings` (JSON): what the mailbox office configures.
pub const MB_CONFIG: TableDefinition<&str, &[u8]> = TableDefinition::new("mb_config");
/// 百件实事 (`projects/`): project id → `projects::model::Project` (JSON).
pub const PJ_PROJECTS: TableDefinition<u64, &[u8]> = TableDefinition::new("pj_projects");
/// update id → `projects::model::Update` (JSON): progress updates in the editorial flow.
pub const PJ_UPDATES: TableDefinition<u64, &[u8]> = TableDefinition::new("pj_updates");
/// "{year:04}/{project:016x}" → project id: a year's list with one range read.
pub const PJ_YEARS: TableDefinition<&str, u64> = TableDefinition::new("pj_years");
/// "{project:016x}/{update:016x}" → update id: a project's updates with one range read.
pub const PJ_PROJECT_UPDATES: TableDefinition<&str, u64> =
    TableDefinition::new("pj_project_updates");
/// "{flow state}/{update:016x}" → update id for every update not yet public or taken down
/// (draft, review, approved, returned): the 待审 lists without walking every update.
pub const PJ_UPDATE_FLOW: TableDefinition<&str, u64> = TableDefinition::new("pj_update_flow");

/// Tables keyed by string with byte values.
pub const STR_BYTES: [TableDefinition<&str, &[u8]>; 17] = [
    META,
    UNITS,
    SESSIONS,
    SITES,
    ARTICLE_REVISIONS,
    NOTICES,
    PASSWORD_LINKS,
    KEPT_FORMS,
    AUTOSAVES,
    SETTINGS,
    CALENDAR_YEARS,
    OA_UPLOADS,
    OA_SHARES,
    GK_GUIDES,
    GK_CODES,
    GK_REPORTS,
    MB_CONFIG,
];
/// Tables keyed by integer with byte values.
pub const U64_BYTES: [TableDefinition<u64, &[u8]>; 14] = [
    USERS,
    AUDIT,
    CHANNELS,
    ARTICLES,
    ACCOUNT_REQUESTS,
    OA_DOCS,
    OA_MEETINGS,
    OA_FILES,
    OA_SENDS,
    GK_REQUESTS,
    MB_LETTERS,
    MB_PUBLIC,
    PJ_PROJECTS,
    PJ_UPDATES,
];
/// Scheduled publishing: "t/{time:016x}/{article:016x}" → article id (what is due, in
/// order) and "a/{article:016x}" → time (an article's schedule).
pub const SCHEDULED: TableDefinition<&str, u64> = TableDefinition::new("scheduled");

/// Unread notices: "c/{user:016x}" → the user's unread count (so the bell is one get) and
/// "u/{user:016x}/{newest-first id:016x}" → notice id for each unread notice.
pub const NOTICE_UNREAD: TableDefinition<&str, u64> = TableDefinition::new("notice_unread");

/// The editorial work lists: "{flow state}/{article:016x}" → article id for every item in a
/// state before publishing (draft, review, approved, scheduled, returned), and
/// "flagged/{article:016x}" for force-published items awaiting review after the fact.
/// Published items are not listed (they are many; lists of them come from `ARTICLES`).
pub const ARTICLE_FLOW: TableDefinition<&str, u64> = TableDefinition::new("article_flow");

/// "{owner unit}/{newest-first id:016x}" → article id: each unit's items, newest first, so a
/// staff member who sees a few units lists them without walking every item.
pub const ARTICLE_OWNERS: TableDefinition<&str, u64> = TableDefinition::new("article_owners");

/// Which items use which stored file: "{sha}/{article:016x}" → 1 while that item is public,
/// 0 otherwise, for every file an item references (attachment, cover, picture, or a
/// `/files/{sha}/` link in its body). Written with every article write (`portal::files`), so
/// `/files/` knows who may have a file with one range read.
pub const BLOB_ITEMS: TableDefinition<&str, u64> = TableDefinition::new("blob_items");

/// Tables keyed by string with integer values.
pub const STR_U64: [TableDefinition<&str, u64>; 19] = [
    USER_NAMES,
    BLOB_REFS,
    CHANNEL_SLUGS,
    CHANNEL_ITEMS,
    CHANNEL_COUNTS,
    SCHEDULED,
    NOTICE_UNREAD,
    ARTICLE_FLOW,
    ARTICLE_OWNERS,
    BLOB_ITEMS,
    OA_BOXES,
    OA_USAGE,
    OA_FILE_OWNERS,
    GK_TRACKING,
    GK_INDEX_NOS,
    MB_TRACKING,
    PJ_YEARS,
    PJ_PROJECT_UPDATES,
    PJ_UPDATE_FLOW,
];
