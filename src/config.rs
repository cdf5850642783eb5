//! Every setting is declared once, in `settings!` below. That one list drives the
//! config file parser, the `GONGKAI_*` environment variables, the command-line
//! overrides, `gongkai config show` and the commented default file
//! `config/gongkai.toml` (a test checks the committed file equals `default_file()`).
//!
//! Precedence: default < file < environment < flag.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;

/// A config problem, reported as one line naming the key (exit code 2 on the CLI).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for ConfigError {}

/// How a setting's value is read from TOML and from a string (env var / flag).
pub trait SettingValue: Sized + Clone {
    const TYPE_NAME: &'static str;
    const KIND: Kind;
    fn from_toml(v: &toml::Value) -> Option<Self>;
    fn from_text(s: &str) -> Option<Self>;
    fn to_toml(&self) -> String;
}

impl SettingValue for String {
    const TYPE_NAME: &'static str = "字符串";
    const KIND: Kind = Kind::Text;
    fn from_toml(v: &toml::Value) -> Option<Self> {
        v.as_str().map(str::to_owned)
    }
    fn from_text(s: &str) -> Option<Self> {
        Some(s.to_owned())
    }
    fn to_toml(&self) -> String {
        toml::Value::String(self.clone()).to_string()
    }
}

impl SettingValue for u64 {
    const TYPE_NAME: &'static str = "非负整数";
    const KIND: Kind = Kind::Number;
    fn from_toml(v: &toml::Value) -> Option<Self> {
        v.as_integer().and_then(|i| u64::try_from(i).ok())
    }
    fn from_text(s: &str) -> Option<Self> {
        s.trim().parse().ok()
    }
    fn to_toml(&self) -> String {
        self.to_string()
    }
}

impl SettingValue for bool {
    const TYPE_NAME: &'static str = "true 或 false";
    const KIND: Kind = Kind::Flag;
    fn from_toml(v: &toml::Value) -> Option<Self> {
        v.as_bool()
    }
    fn from_text(s: &str) -> Option<Self> {
        match s.trim() {
            "true" | "1" | "yes" => Some(true),
            "false" | "0" | "no" => Some(false),
            _ => None,
        }
    }
    fn to_toml(&self) -> String {
        self.to_string()
    }
}

impl SettingValue for Vec<String> {
    const TYPE_NAME: &'static str = "字符串数组";
    const KIND: Kind = Kind::List;
    fn from_toml(v: &toml::Value) -> Option<Self> {
        v.as_array()?
            .iter()
            .map(|x| x.as_str().map(str::to_owned))
            .collect()
    }
    /// Env vars and flags give lists comma-separated.
    fn from_text(s: &str) -> Option<Self> {
        Some(
            s.split(',')
                .map(|x| x.trim().to_owned())
                .filter(|x| !x.is_empty())
                .collect(),
        )
    }
    fn to_toml(&self) -> String {
        toml::Value::Array(self.iter().cloned().map(toml::Value::String).collect()).to_string()
    }
}

/// One setting's description, for docs, `config show` and the admin settings page.
#[derive(Debug, Clone)]
pub struct SettingInfo {
    pub section: &'static str,
    pub name: &'static str,
    pub type_name: &'static str,
    pub doc: &'static str,
    pub secret: bool,
    pub default_toml: String,
    /// The field's label in the panel.
    pub label: &'static str,
    /// The panel's help text under the field.
    pub help: &'static str,
    /// Read only at start (listen addresses, data folder, TLS files, caches …): shown
    /// read-only in the panel.
    pub restart: bool,
    /// How the panel edits it.
    pub kind: Kind,
}

/// How a setting is edited in the panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Number,
    Flag,
    /// One entry per line.
    List,
}

impl SettingInfo {
    pub fn key(&self) -> String {
        format!("{}.{}", self.section, self.name)
    }
    pub fn env_name(&self) -> String {
        format!(
            "GONGKAI_{}__{}",
            self.section.to_uppercase(),
            self.name.to_uppercase()
        )
    }
}

macro_rules! settings {
    ($( $section:ident : $Sec:ident { $( $(#[doc = $doc:literal])+ zh($label:literal, $help:literal $(, $restart:ident)?) $name:ident : $ty:ty = $default:expr $(, secret = $secret:literal)? ; )* } )*) => {
        $(
            #[derive(Debug, Clone)]
            pub struct $Sec { $( pub $name: $ty, )* }
            impl Default for $Sec {
                fn default() -> Self { $Sec { $( $name: $default, )* } }
            }
        )*

        /// The effective configuration, one struct per section.
        #[derive(Debug, Clone, Default)]
        pub struct Config {
            $( pub $section: $Sec, )*
            /// Settings given by the file, an environment variable or a flag: key → where
            /// (shown locked in the panel, which cannot change them).
            pub locked: BTreeMap<String, String>,
            /// Settings whose value was saved in the panel.
            pub panel: std::collections::BTreeSet<String>,
        }

        impl Config {
            /// Every setting, in declaration order.
            pub fn infos() -> Vec<SettingInfo> {
                let d = Config::default();
                vec![ $( $( SettingInfo {
                    section: stringify!($section),
                    name: stringify!($name),
                    type_name: <$ty as SettingValue>::TYPE_NAME,
                    doc: concat!($($doc, "\n"),+),
                    secret: false $(|| $secret)?,
                    default_toml: SettingValue::to_toml(&d.$section.$name),
                    label: $label,
                    help: $help,
                    restart: false $(|| { let _ = stringify!($restart); true })?,
                    kind: <$ty as SettingValue>::KIND,
                }, )* )* ]
            }

            /// Sets one setting from a string (env var or flag); `source` names where it came from.
            pub fn set_text(&mut self, key: &str, text: &str, source: &str) -> Result<(), ConfigError> {
                match key {
                    $( $( concat!(stringify!($section), ".", stringify!($name)) => {
                        self.$section.$name = <$ty as SettingValue>::from_text(text).ok_or_else(|| ConfigError(format!(
                            "配置错误：{source} 中 {key} 的值 {text:?} 无效，应为{}", <$ty as SettingValue>::TYPE_NAME)))?;
                        Ok(())
                    } )* )*
                    _ => Err(ConfigError(format!("配置错误：{source} 中有未知的配置项 {key}"))),
                }
            }

            fn set_toml(&mut self, key: &str, v: &toml::Value, source: &str) -> Result<(), ConfigError> {
                match key {
                    $( $( concat!(stringify!($section), ".", stringify!($name)) => {
                        self.$section.$name = <$ty as SettingValue>::from_toml(v).ok_or_else(|| ConfigError(format!(
                            "配置错误：{source} 中 {key} 的类型不对，应为{}", <$ty as SettingValue>::TYPE_NAME)))?;
                        Ok(())
                    } )* )*
                    _ => Err(ConfigError(format!("配置错误：{source} 中有未知的配置项 {key}"))),
                }
            }

            /// Current value of one setting as TOML text.
            pub fn value_toml(&self, key: &str) -> Option<String> {
                match key {
                    $( $( concat!(stringify!($section), ".", stringify!($name)) =>
                        Some(SettingValue::to_toml(&self.$section.$name)), )* )*
                    _ => None,
                }
            }
        }
    };
}

settings! {
    server: Server {
        /// Addresses to listen on (IPv4 and IPv6 both allowed), e.g. ["127.0.0.1:8080", "[::1]:8080"].
        zh("监听地址", "服务监听的地址和端口，每行一个，如 127.0.0.1:8080 或 [::1]:8080。", restart)
        listen: Vec<String> = vec!["127.0.0.1:8080".to_owned()];
        /// Data folder: gongkai.redb, blobs/, backups/. Created on first start.
        zh("数据目录", "数据库、上传文件和备份所在的目录。", restart)
        data_dir: String = "gongkai-data".to_owned();
        /// Largest request body accepted by ordinary forms, in bytes.
        zh("表单大小上限（字节）", "普通表单提交的最大字节数。", restart)
        max_body_bytes: u64 = 1024 * 1024;
        /// Largest request head (request line + headers), in bytes.
        zh("请求头大小上限（字节）", "请求行和请求头合计的最大字节数。", restart)
        max_header_bytes: u64 = 16 * 1024;
        /// Seconds a client may take to send the request head (defends against slowloris).
        zh("请求头读取超时（秒）", "客户端发送请求头的最长时间，用于抵御慢速攻击。", restart)
        header_read_timeout_secs: u64 = 10;
        /// Seconds a request may take from head to response.
        zh("请求处理超时（秒）", "一个请求从收到到答复的最长时间。", restart)
        request_timeout_secs: u64 = 30;
        /// Most simultaneous connections; more wait in the kernel's backlog.
        zh("最大并发连接数", "同时处理的连接数上限。", restart)
        max_connections: u64 = 1024;
        /// Seconds in-flight requests get to finish on SIGTERM/SIGINT.
        zh("停止前等待（秒）", "停止服务时留给进行中请求的时间。", restart)
        shutdown_grace_secs: u64 = 10;
        /// Reverse proxies (CIDR networks or single addresses) whose X-Forwarded-For and
        /// X-Forwarded-Proto headers are believed, e.g. ["10.0.0.5", "192.168.10.0/24"].
        /// The client is the right-most X-Forwarded-For address that is not one of them.
        /// Empty: nobody's; the client is the connection's own address.
        zh("可信代理", "其转发头（X-Forwarded-For、X-Forwarded-Proto）可以采信的反向代理，每行一个网段或地址。", restart)
        trusted_proxies: Vec<String> = Vec::new();
        /// Mark the session and form cookies Secure even though this server speaks plain HTTP
        /// (set it behind a TLS-terminating proxy). Under TLS, or when a trusted proxy says the
        /// request came over HTTPS, they are Secure anyway.
        zh("Cookie 仅限 HTTPS", "服务本身用 HTTP、由前端代理提供 HTTPS 时勾选，使登录 Cookie 只经 HTTPS 发送。")
        secure_cookies: bool = false;
    }
    tls: Tls {
        /// PEM certificate chain file. Empty: plain HTTP (e.g. behind a TLS-terminating proxy).
        zh("TLS 证书文件", "PEM 格式的证书链文件；留空则使用 HTTP。", restart)
        cert_file: String = String::new();
        /// PEM private key file for cert_file.
        zh("TLS 私钥文件", "与证书配套的 PEM 私钥文件。", restart)
        key_file: String = String::new();
    }
    site: Site {
        /// Site name shown in the header, titles and the SiteName meta tag.
        zh("网站名称", "显示在页头、页面标题和 SiteName 元数据中。")
        name: String = "示范区人民政府".to_owned();
        /// 主办单位 shown in the footer.
        zh("主办单位", "显示在页脚。")
        sponsor: String = "示范区人民政府办公室".to_owned();
        /// 承办单位 shown in the footer.
        zh("承办单位", "显示在页脚。")
        organizer: String = "示范区大数据中心".to_owned();
        /// Public domain of the portal (SiteDomain meta tag, absolute URLs in feeds and sitemaps).
        zh("网站域名", "门户的公开域名，用于 SiteDomain 元数据和订阅、站点地图中的完整网址。")
        domain: String = "www.example.gov.cn".to_owned();
        /// Domain suffixes a sub-site's bound host name must end in (e.g. "example.gov.cn"). Empty: the portal domain without its first label, so www.example.gov.cn allows *.example.gov.cn.
        zh("子站域名后缀", "子站绑定的域名须以其中之一结尾，每行一个；留空则取门户域名去掉第一段。")
        host_suffixes: Vec<String> = Vec::new();
        /// URL of the emblem picture shown beside the site name. Empty: none.
        zh("网站标志图片地址", "显示在网站名称旁的图片地址；留空不显示。")
        emblem: String = String::new();
        /// Contact telephone shown in the footer.
        zh("联系电话", "显示在页脚。")
        phone: String = "0000-0000000".to_owned();
        /// Postal address shown in the footer.
        zh("地址", "显示在页脚。")
        address: String = "示范区政务服务大道1号".to_owned();
        /// 政府网站标识码 (footer and SiteIDCode meta tag).
        zh("网站标识码", "政府网站标识码，显示在页脚和 SiteIDCode 元数据中。")
        site_id_code: String = "0000000000".to_owned();
        /// ICP备案编号 (footer, links to the MIIT record site).
        zh("ICP 备案编号", "显示在页脚，链接到工业和信息化部备案管理系统。")
        icp_no: String = "示ICP备00000000号".to_owned();
        /// 公安机关备案号 (footer).
        zh("公安机关备案号", "显示在页脚。")
        psb_no: String = "示公网安备00000000000000号".to_owned();
        /// Link of the 公安机关备案号 (the record's own page on beian.mps.gov.cn).
        zh("公安机关备案号链接", "页脚公安机关备案号链接到的地址，一般为全国互联网安全管理平台上本网站备案信息的页面。")
        psb_link: String = "https://beian.mps.gov.cn/".to_owned();
        /// Link of the 党政机关网站标识 (the site's own page on bszs.conac.cn).
        zh("党政机关网站标识链接", "页脚“党政机关网站标识”链接到的地址，一般为本网站在 bszs.conac.cn 上的标识页面。")
        conac_link: String = "https://bszs.conac.cn/".to_owned();
        /// Postcode shown in the footer after the address. Empty: not shown.
        zh("邮编", "显示在页脚地址之后；留空不显示。")
        postcode: String = String::new();
    }
    auth: Auth {
        /// Minimum password length.
        zh("密码最短长度", "不少于 8 位。")
        password_min_len: u64 = 10;
        /// How many of the 4 character classes (lower, upper, digit, symbol) a password needs.
        zh("密码字符种类", "小写字母、大写字母、数字、符号四类中至少须包含几类（1 到 4）。")
        password_min_classes: u64 = 3;
        /// Wrong passwords in a row for one account from one client address (IPv6: one /64)
        /// that lock the account for that address; also wrong 动态验证码 in a row that lock
        /// the account everywhere.
        zh("锁定前允许的连续错误次数", "同一账号从同一地址连续输错密码（或动态验证码）达到此数即锁定。")
        lockout_threshold: u64 = 5;
        /// Minutes such a lock lasts.
        zh("锁定时长（分钟）", "锁定持续的时间。")
        lockout_minutes: u64 = 30;
        /// Wrong passwords for one account from all addresses together (with no quiet spell
        /// of lockout_minutes between them) after which the account slows down: from addresses
        /// it has not logged in from, one attempt per account_backoff_seconds is checked and
        /// the others are refused. Addresses it logged in from are not slowed.
        zh("账号限速阈值", "一个账号从各地址累计输错达到此数后，对从未登录过的地址限速。")
        account_backoff_after: u64 = 20;
        /// Seconds between the password attempts checked while an account is slowed down.
        zh("限速间隔（秒）", "限速期间两次受理密码尝试的最短间隔。")
        account_backoff_seconds: u64 = 60;
        /// Login attempts (password and 动态验证码 steps together) allowed per client address
        /// per minute, whatever the account.
        zh("每地址每分钟登录尝试次数", "同一客户端地址每分钟最多可尝试登录的次数（不少于 1）。")
        ip_attempts_per_minute: u64 = 20;
        /// Minutes without a request after which a session ends.
        zh("空闲超时（分钟）", "多长时间没有操作后登录失效。编辑页面的自动保存也算操作。")
        session_idle_minutes: u64 = 30;
        /// Hours after login after which a session ends regardless of activity.
        zh("登录最长有效期（小时）", "登录后无论是否操作，到此时长即失效。")
        session_absolute_hours: u64 = 12;
        /// Require two-factor login (TOTP) for the admin roles sysadmin, secadmin, auditor and unit_admin.
        zh("管理员须启用两步验证", "勾选后，单位管理员也须启用两步验证（三员始终须启用）。")
        totp_required_for_admins: bool = false;
        /// Minutes the first-run setup link stays valid.
        zh("初始化链接有效期（分钟）", "首次启动时生成的初始化链接的有效时间。")
        setup_token_minutes: u64 = 60;
    }
    audit: Audit {
        /// Days audit records are kept at least (law: 6 months; below 180 is refused).
        zh("审计记录保存天数", "法规要求至少 6 个月；少于 180 天不被接受。")
        retention_days: u64 = 190;
    }
    backup: Backup {
        /// Make a backup every day at `hour`.
        zh("每日自动备份", "勾选后每天在指定时刻自动备份。")
        daily: bool = false;
        /// Local hour (Asia/Shanghai, 0-23) for the daily backup.
        zh("自动备份时刻（北京时间，0–23 时）", "每日备份在几点进行。")
        hour: u64 = 2;
        /// How many scheduled backups to keep; older ones are deleted.
        zh("保留备份份数", "自动备份保留的份数，更早的会被删除。")
        keep: u64 = 7;
        /// Folder for scheduled backups. Empty: <data_dir>/backups. Best on another disk.
        zh("备份目录", "自动备份存放的目录；留空为数据目录下的 backups。最好在另一块磁盘上。")
        dir: String = String::new();
    }
    ops: Ops {
        /// Networks (CIDR) whose clients may read /metrics.
        zh("可读取监控指标的网段", "可以访问 /metrics 的网段，每行一个。")
        metrics_networks: Vec<String> = vec!["127.0.0.0/8".to_owned(), "::1/128".to_owned()];
        /// Bearer token that also opens /metrics from other networks. Empty: none.
        zh("监控指标访问令牌", "持此令牌可从其他网段访问 /metrics；留空不启用。")
        metrics_token: String = String::new(), secret = true;
        /// /readyz fails when free disk space in the data folder falls below this many MiB.
        zh("磁盘剩余空间下限（MiB）", "数据目录所在磁盘剩余空间低于此值时，/readyz 报告未就绪。")
        min_free_disk_mib: u64 = 256;
        /// Tell the unit admins of every site with self-check (网站自查) items at risk or
        /// failing, once a day at `selfcheck_hour`.
        zh("网站自查每日运行", "勾选后每天在指定时刻进行全站自查（检查站内链接、发布日期），并把有风险或不合格的项目通知各站点的单位管理员。")
        selfcheck_daily: bool = true;
        /// Local hour (Asia/Shanghai, 0-23) of the daily self-check and its notices.
        zh("网站自查时刻（北京时间，0–23 时）", "每天在几点进行全站自查并发送提醒。")
        selfcheck_hour: u64 = 8;
    }
    intranet: Intranet {
        /// Networks (CIDR or single addresses) whose clients may reach the intranet office
        /// (/oa/). Anyone else gets a plain 404. Default: loopback and the private ranges.
        zh("内网可访问网段", "只有来自这些网段的已登录工作人员能打开内网办公（/oa/），其他地址一律显示“页面不存在”。每行一个，如 10.0.0.0/8。")
        networks: Vec<String> = vec![
            "127.0.0.0/8".to_owned(),
            "::1/128".to_owned(),
            "10.0.0.0/8".to_owned(),
            "172.16.0.0/12".to_owned(),
            "192.168.0.0/16".to_owned(),
            "fc00::/7".to_owned(),
        ];
        /// A separate address just for the intranet, e.g. "10.1.2.3:8443". When set, /oa/ is
        /// served only on it (the other listen addresses answer 404 there). Empty: every
        /// listen address serves /oa/ to the networks above.
        zh("内网专用监听地址", "设置后，内网办公只在这个地址上提供；留空则所有监听地址都提供（仍受网段限制）。", restart)
        listen: String = String::new();
        /// Largest file one upload may be, in MiB.
        zh("单个文件上限（MiB）", "内网文件传输中单个文件的最大大小。")
        max_file_mib: u64 = 20480;
        /// Hours an unfinished upload is kept for resuming before it is swept.
        zh("未完成上传保留时长（小时）", "上传中断后可以续传的时间，过后未完成的部分被清除。")
        upload_expire_hours: u64 = 24;
        /// Days a transferred file is kept after upload, then reclaimed (documents keep
        /// their attachments).
        zh("传输文件保留天数", "上传到文件传输的文件保留多少天，过后自动清除（公文附件不受影响）。")
        file_keep_days: u64 = 30;
        /// MiB each person may hold in transferred files and unfinished uploads.
        zh("个人空间配额（MiB）", "每人可占用的文件传输空间，含未完成的上传。")
        user_quota_mib: u64 = 20480;
        /// MiB a unit's people may hold together.
        zh("单位空间配额（MiB）", "一个单位所有人合计可占用的文件传输空间。")
        unit_quota_mib: u64 = 102400;
        /// Days a share link lasts unless its maker picks fewer.
        zh("分享链接默认有效天数", "新建分享链接时默认的有效期。")
        share_default_days: u64 = 7;
        /// The most days a share link may last.
        zh("分享链接最长有效天数", "分享链接的有效期不能超过此天数。")
        share_max_days: u64 = 30;
    }
    memory: Memory {
        /// MiB of database pages redb keeps in memory. Reads beyond it come from the OS file
        /// cache, which the kernel can reclaim; pages are kept as they are read or written.
        zh("数据库缓存（MiB）", "数据库页面在内存中的缓存大小。", restart)
        store_cache_mib: u64 = 8;
        /// MiB of rendered public pages kept ready to send (each with its gzip and brotli
        /// variants); least recently used pages make room for new ones.
        zh("页面缓存（MiB）", "已生成的公开页面在内存中的缓存大小。", restart)
        page_cache_mib: u64 = 16;
        /// Decompressed document blocks (about 16 KiB each) the search reader keeps per index
        /// segment, for the titles and snippets of results.
        zh("搜索文档块缓存", "搜索读取时每个索引段缓存的文档块数。", restart)
        search_doc_blocks: u64 = 4;
        /// MiB the search indexer fills before it writes a segment (15 at least). Used while
        /// indexing only; more makes a full rebuild a little faster.
        zh("搜索索引写入缓冲（MiB）", "建立索引时的内存缓冲，至少 15。", restart)
        search_writer_mib: u64 = 15;
    }
    log: Log {
        /// Log filter (tracing syntax), e.g. "info" or "gongkai=debug,info".
        zh("日志级别", "日志过滤规则，如 info 或 gongkai=debug,info。", restart)
        level: String = "info".to_owned();
    }
}

/// A 政府网站标识码: ten ASCII digits or letters.
pub fn valid_site_id(s: &str) -> bool {
    s.len() == 10 && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn mib(v: u64) -> usize {
    usize::try_from(v.saturating_mul(1024 * 1024)).unwrap_or(usize::MAX)
}

/// A list of networks, parsed: CIDR (`10.0.0.0/8`, `fd00::/8`) or a single address
/// (`10.0.0.5`, one host). IPv4-mapped IPv6 addresses match as IPv4.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetList(Vec<ipnet::IpNet>);

impl NetList {
    /// Parses every entry; the error names the setting `key` and the bad entry.
    pub fn parse(key: &str, entries: &[String]) -> Result<NetList, ConfigError> {
        entries
            .iter()
            .map(|s| {
                let t = s.trim();
                t.parse::<ipnet::IpNet>()
                    .or_else(|_| t.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                    .map_err(|_| {
                        ConfigError(format!(
                            "配置错误：{key} 中的 {s:?} 不是有效的网段或地址，应形如 10.0.0.0/8、192.168.1.10 或 fd00::/8"
                        ))
                    })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(NetList)
    }

    pub fn contains(&self, ip: std::net::IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|n| n.contains(&ip))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The embedded default config, with every setting commented.
pub fn default_file() -> String {
    let mut out = String::from(
        "# gongkai configuration. Every setting is listed, commented out, with its default value.\n\
         # Precedence: default < the admin panel < this file < environment (GONGKAI_SECTION__NAME)\n\
         # < command-line flag. A setting given here is locked in the panel: uncomment only what\n\
         # must be fixed on this server. Lists in environment variables are comma-separated.\n",
    );
    let mut section = "";
    for info in Config::infos() {
        if info.section != section {
            section = info.section;
            let _ = write!(out, "\n[{section}]\n");
        }
        for line in info.doc.lines() {
            let _ = writeln!(out, "# {line}");
        }
        let _ = writeln!(out, "# env: {}", info.env_name());
        let _ = writeln!(out, "# {} = {}\n", info.name, info.default_toml);
    }
    out
}

/// Command-line overrides, already parsed by clap.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub data_dir: Option<PathBuf>,
    pub listen: Vec<String>,
}

impl Config {
    /// Layers file (if any), environment and flags over the defaults, then checks the result.
    pub fn load(
        file: Option<&std::path::Path>,
        env: &BTreeMap<String, String>,
        flags: &Overrides,
    ) -> Result<Config, ConfigError> {
        let mut cfg = Config::default();
        if let Some(path) = file {
            let text = std::fs::read_to_string(path).map_err(|e| {
                ConfigError(format!(
                    "配置错误：无法读取配置文件 {}：{e}",
                    path.display()
                ))
            })?;
            cfg.apply_toml(&text, &path.display().to_string())?;
        }
        let infos = Config::infos();
        for (k, v) in env {
            let Some(rest) = k.strip_prefix("GONGKAI_") else {
                continue;
            };
            match infos.iter().find(|i| i.env_name() == *k) {
                Some(info) => {
                    let source = format!("环境变量 {k}");
                    cfg.set_text(&info.key(), v, &source)?;
                    cfg.locked.insert(info.key(), source);
                }
                None => {
                    return Err(ConfigError(format!(
                        "配置错误：未知的环境变量 {k}（{}）",
                        rest.to_lowercase().replace("__", ".")
                    )));
                }
            }
        }
        if let Some(d) = &flags.data_dir {
            cfg.server.data_dir = d.display().to_string();
            cfg.locked
                .insert("server.data_dir".into(), "命令行参数 --data".into());
        }
        if !flags.listen.is_empty() {
            cfg.server.listen = flags.listen.clone();
            cfg.locked
                .insert("server.listen".into(), "命令行参数 --listen".into());
        }
        cfg.check()?;
        Ok(cfg)
    }

    /// Parses a TOML document and applies every key in it; unknown keys are errors.
    pub fn apply_toml(&mut self, text: &str, source: &str) -> Result<(), ConfigError> {
        let doc: toml::Table = toml::from_str(text).map_err(|e| {
            let msg = e.message().to_owned();
            ConfigError(format!("配置错误：{source} 不是有效的 TOML：{msg}"))
        })?;
        for (section, body) in &doc {
            let Some(table) = body.as_table() else {
                return Err(ConfigError(format!(
                    "配置错误：{source} 中 {section} 应为一个 [{section}] 小节"
                )));
            };
            for (name, v) in table {
                let key = format!("{section}.{name}");
                self.set_toml(&key, v, source)?;
                self.locked.insert(key, format!("配置文件 {source}"));
            }
        }
        Ok(())
    }

    /// Rules that span the type: ranges and formats.
    /// The suffixes a bound host name must end in (`site.host_suffixes`, or the portal
    /// domain without its first label), lower-case, without a leading dot.
    pub fn host_suffixes(&self) -> Vec<String> {
        let norm = |s: &str| s.trim().trim_matches('.').to_ascii_lowercase();
        let given: Vec<String> = self
            .site
            .host_suffixes
            .iter()
            .map(|s| norm(s))
            .filter(|s| !s.is_empty())
            .collect();
        if !given.is_empty() {
            return given;
        }
        let domain = norm(&self.site.domain);
        match domain.split_once('.') {
            Some((_, rest)) if rest.contains('.') => vec![rest.to_owned()],
            _ => vec![domain],
        }
    }

    pub fn check(&self) -> Result<(), ConfigError> {
        if self.audit.retention_days < 180 {
            return Err(ConfigError(format!(
                "配置错误：audit.retention_days = {} 过短，审计记录至少保存 180 天",
                self.audit.retention_days
            )));
        }
        if self.server.listen.is_empty() {
            return Err(ConfigError(
                "配置错误：server.listen 不能为空，至少需要一个监听地址".into(),
            ));
        }
        self.listen_addrs()?;
        self.metrics_nets()?;
        self.trusted_proxies()?;
        self.intranet_networks()?;
        self.intranet_listen()?;
        if self.intranet.share_default_days == 0
            || self.intranet.share_default_days > self.intranet.share_max_days
        {
            return Err(ConfigError(format!(
                "配置错误：intranet.share_default_days = {} 无效，应在 1 到 share_max_days（{}）之间",
                self.intranet.share_default_days, self.intranet.share_max_days
            )));
        }
        if self.intranet.max_file_mib == 0 || self.intranet.upload_expire_hours == 0 {
            return Err(ConfigError(
                "配置错误：intranet.max_file_mib 与 intranet.upload_expire_hours 至少为 1".into(),
            ));
        }
        if self.ops.selfcheck_hour > 23 {
            return Err(ConfigError(format!(
                "配置错误：ops.selfcheck_hour = {} 无效，应为 0 到 23",
                self.ops.selfcheck_hour
            )));
        }
        if self.backup.hour > 23 {
            return Err(ConfigError(format!(
                "配置错误：backup.hour = {} 无效，应为 0 到 23",
                self.backup.hour
            )));
        }
        if self.backup.keep == 0 {
            return Err(ConfigError("配置错误：backup.keep 至少为 1".into()));
        }
        if self.auth.password_min_classes > 4 || self.auth.password_min_classes == 0 {
            return Err(ConfigError(
                "配置错误：auth.password_min_classes 应为 1 到 4".into(),
            ));
        }
        if self.auth.password_min_len < 8 {
            return Err(ConfigError(
                "配置错误：auth.password_min_len 不能小于 8".into(),
            ));
        }
        if self.auth.lockout_threshold == 0 || self.auth.session_idle_minutes == 0 {
            return Err(ConfigError(
                "配置错误：auth.lockout_threshold 和 auth.session_idle_minutes 须大于 0".into(),
            ));
        }
        if self.auth.ip_attempts_per_minute == 0 {
            return Err(ConfigError(
                "配置错误：auth.ip_attempts_per_minute 须大于 0，否则任何人都无法登录".into(),
            ));
        }
        if self.auth.account_backoff_after == 0 || self.auth.account_backoff_seconds == 0 {
            return Err(ConfigError(
                "配置错误：auth.account_backoff_after 和 auth.account_backoff_seconds 须大于 0"
                    .into(),
            ));
        }
        if self.tls.cert_file.is_empty() != self.tls.key_file.is_empty() {
            return Err(ConfigError(
                "配置错误：tls.cert_file 与 tls.key_file 须同时设置或同时留空".into(),
            ));
        }
        if !valid_site_id(&self.site.site_id_code) {
            return Err(ConfigError(format!(
                "配置错误：site.site_id_code = {:?} 无效，网站标识码应为 10 位数字或字母",
                self.site.site_id_code
            )));
        }
        for (key, link) in [
            ("site.psb_link", &self.site.psb_link),
            ("site.conac_link", &self.site.conac_link),
        ] {
            if !(link.starts_with("https://") || link.starts_with("http://")) {
                return Err(ConfigError(format!(
                    "配置错误：{key} = {link:?} 无效，链接须以 https:// 或 http:// 开头"
                )));
            }
        }
        let postcode = &self.site.postcode;
        let postcode_ok = postcode.is_empty()
            || (postcode.len() == 6 && postcode.bytes().all(|b| b.is_ascii_digit()));
        if !postcode_ok {
            return Err(ConfigError(format!(
                "配置错误：site.postcode = {:?} 无效，邮编应为 6 位数字",
                self.site.postcode
            )));
        }
        if self.memory.search_writer_mib < 15 {
            return Err(ConfigError(format!(
                "配置错误：memory.search_writer_mib = {} 过小，至少为 15",
                self.memory.search_writer_mib
            )));
        }
        for (key, v) in [
            ("memory.store_cache_mib", self.memory.store_cache_mib),
            ("memory.page_cache_mib", self.memory.page_cache_mib),
            ("memory.search_doc_blocks", self.memory.search_doc_blocks),
        ] {
            if v == 0 || v > 1 << 20 {
                return Err(ConfigError(format!(
                    "配置错误：{key} = {v} 无效，应为 1 到 1048576"
                )));
            }
        }
        if tracing_subscriber::EnvFilter::try_new(&self.log.level).is_err() {
            return Err(ConfigError(format!(
                "配置错误：log.level = {:?} 无效",
                self.log.level
            )));
        }
        Ok(())
    }

    /// MiB settings in bytes (checked ranges, so no overflow).
    pub fn store_cache_bytes(&self) -> usize {
        mib(self.memory.store_cache_mib)
    }

    pub fn page_cache_bytes(&self) -> usize {
        mib(self.memory.page_cache_mib)
    }

    /// How the search index may use memory.
    pub fn search_memory(&self) -> crate::search::Memory {
        crate::search::Memory {
            doc_blocks: usize::try_from(self.memory.search_doc_blocks).unwrap_or(4),
            writer_bytes: mib(self.memory.search_writer_mib),
        }
    }

    pub fn listen_addrs(&self) -> Result<Vec<SocketAddr>, ConfigError> {
        self.server.listen
            .iter()
            .map(|s| {
                s.parse::<SocketAddr>().map_err(|_| {
                    ConfigError(format!(
                        "配置错误：server.listen 中的地址 {s:?} 无效，应形如 127.0.0.1:8080 或 [::1]:8080"
                    ))
                })
            })
            .collect()
    }

    pub fn metrics_nets(&self) -> Result<Vec<ipnet::IpNet>, ConfigError> {
        self.ops
            .metrics_networks
            .iter()
            .map(|s| {
                s.parse::<ipnet::IpNet>().map_err(|_| {
                    ConfigError(format!(
                        "配置错误：ops.metrics_networks 中的网段 {s:?} 无效，应形如 127.0.0.0/8"
                    ))
                })
            })
            .collect()
    }

    /// The networks that reach the intranet office (`intranet.networks`).
    pub fn intranet_networks(&self) -> Result<NetList, ConfigError> {
        NetList::parse("intranet.networks", &self.intranet.networks)
    }

    /// The intranet's own listen address (`intranet.listen`), if one is set.
    pub fn intranet_listen(&self) -> Result<Option<SocketAddr>, ConfigError> {
        let s = self.intranet.listen.trim();
        if s.is_empty() {
            return Ok(None);
        }
        s.parse::<SocketAddr>().map(Some).map_err(|_| {
            ConfigError(format!(
                "配置错误：intranet.listen 的地址 {s:?} 无效，应形如 10.0.0.5:8443 或留空"
            ))
        })
    }

    /// The proxies whose forwarding headers are believed (`server.trusted_proxies`).
    pub fn trusted_proxies(&self) -> Result<NetList, ConfigError> {
        NetList::parse("server.trusted_proxies", &self.server.trusted_proxies)
    }

    pub fn data_dir(&self) -> PathBuf {
        PathBuf::from(&self.server.data_dir)
    }

    pub fn backup_dir(&self) -> PathBuf {
        if self.backup.dir.is_empty() {
            self.data_dir().join("backups")
        } else {
            PathBuf::from(&self.backup.dir)
        }
    }

    /// Effective config as TOML, secrets masked (for `config show` and the admin page).
    pub fn show(&self) -> String {
        let mut out = String::new();
        let mut section = "";
        for info in Config::infos() {
            if info.section != section {
                section = info.section;
                let _ = writeln!(out, "[{section}]");
            }
            let key = info.key();
            let val = self.value_toml(&key).unwrap_or_default();
            let shown = if info.secret && val != "\"\"" {
                "\"********\"".to_owned()
            } else {
                val
            };
            match self.source_of(&key) {
                Some(from) => {
                    let _ = writeln!(out, "{} = {}  # {from}", info.name, shown);
                }
                None => {
                    let _ = writeln!(out, "{} = {}", info.name, shown);
                }
            }
        }
        out
    }

    /// Where a setting's value comes from, when not from the defaults: the file, an
    /// environment variable, a flag (`locked`), or the panel (`panel`).
    pub fn source_of(&self, key: &str) -> Option<String> {
        self.locked
            .get(key)
            .cloned()
            .or_else(|| self.panel.contains(key).then(|| "管理后台".to_owned()))
    }

    /// Applies settings saved in the panel (key → TOML text) where nothing locks them and
    /// they take effect while running; returns the ones left out, with why. The caller
    /// checks the result as a whole.
    pub fn apply_panel(&mut self, saved: &[(String, String)]) -> Vec<String> {
        let infos = Config::infos();
        let mut skipped = Vec::new();
        for (key, text) in saved {
            let Some(info) = infos.iter().find(|i| i.key() == *key) else {
                skipped.push(format!("{key}：未知的配置项"));
                continue;
            };
            if info.restart || self.locked.contains_key(key) {
                continue;
            }
            let parsed = toml::from_str::<toml::Table>(&format!("v = {text}"))
                .ok()
                .and_then(|t| t.get("v").cloned());
            match parsed.map(|v| self.set_toml(key, &v, "管理后台")) {
                Some(Ok(())) => {
                    self.panel.insert(key.clone());
                }
                _ => skipped.push(format!("{key}：保存的值无效")),
            }
        }
        skipped
    }
}

#[cfg(test)]
mod tests;
