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
    fn from_toml(v: &toml::Value) -> Option<Self>;
    fn from_text(s: &str) -> Option<Self>;
    fn to_toml(&self) -> String;
}

impl SettingValue for String {
    const TYPE_NAME: &'static str = "字符串";
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
    ($( $section:ident : $Sec:ident { $( $(#[doc = $doc:literal])+ $name:ident : $ty:ty = $default:expr $(, secret = $secret:literal)? ; )* } )*) => {
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
        listen: Vec<String> = vec!["127.0.0.1:8080".to_owned()];
        /// Data folder: gongkai.redb, blobs/, backups/. Created on first start.
        data_dir: String = "gongkai-data".to_owned();
        /// Largest request body accepted by ordinary forms, in bytes.
        max_body_bytes: u64 = 1024 * 1024;
        /// Largest request head (request line + headers), in bytes.
        max_header_bytes: u64 = 16 * 1024;
        /// Seconds a client may take to send the request head (defends against slowloris).
        header_read_timeout_secs: u64 = 10;
        /// Seconds a request may take from head to response.
        request_timeout_secs: u64 = 30;
        /// Most simultaneous connections; more wait in the kernel's backlog.
        max_connections: u64 = 1024;
        /// Seconds in-flight requests get to finish on SIGTERM/SIGINT.
        shutdown_grace_secs: u64 = 10;
        /// Reverse proxies (CIDR networks or single addresses) whose X-Forwarded-For and
        /// X-Forwarded-Proto headers are believed, e.g. ["10.0.0.5", "192.168.10.0/24"].
        /// The client is the right-most X-Forwarded-For address that is not one of them.
        /// Empty: nobody's; the client is the connection's own address.
        trusted_proxies: Vec<String> = Vec::new();
        /// Mark the session and form cookies Secure even though this server speaks plain HTTP
        /// (set it behind a TLS-terminating proxy). Under TLS, or when a trusted proxy says the
        /// request came over HTTPS, they are Secure anyway.
        secure_cookies: bool = false;
    }
    tls: Tls {
        /// PEM certificate chain file. Empty: plain HTTP (e.g. behind a TLS-terminating proxy).
        cert_file: String = String::new();
        /// PEM private key file for cert_file.
        key_file: String = String::new();
    }
    site: Site {
        /// Site name shown in the header, titles and the SiteName meta tag.
        name: String = "示范区人民政府".to_owned();
        /// 主办单位 shown in the footer.
        sponsor: String = "示范区人民政府办公室".to_owned();
        /// 承办单位 shown in the footer.
        organizer: String = "示范区大数据中心".to_owned();
        /// Public domain of the portal (SiteDomain meta tag, absolute URLs in feeds and sitemaps).
        domain: String = "www.example.gov.cn".to_owned();
        /// Domain suffixes a sub-site's bound host name must end in (e.g. "example.gov.cn"). Empty: the portal domain without its first label, so www.example.gov.cn allows *.example.gov.cn.
        host_suffixes: Vec<String> = Vec::new();
        /// URL of the emblem picture shown beside the site name. Empty: none.
        emblem: String = String::new();
        /// Contact telephone shown in the footer.
        phone: String = "0000-0000000".to_owned();
        /// Postal address shown in the footer.
        address: String = "示范区政务服务大道1号".to_owned();
        /// 政府网站标识码 (footer and SiteIDCode meta tag).
        site_id_code: String = "0000000000".to_owned();
        /// ICP备案编号 (footer, links to the MIIT record site).
        icp_no: String = "示ICP备00000000号".to_owned();
        /// 公安机关备案号 (footer).
        psb_no: String = "示公网安备00000000000000号".to_owned();
    }
    auth: Auth {
        /// Minimum password length.
        password_min_len: u64 = 10;
        /// How many of the 4 character classes (lower, upper, digit, symbol) a password needs.
        password_min_classes: u64 = 3;
        /// Wrong passwords in a row for one account from one client address (IPv6: one /64)
        /// that lock the account for that address; also wrong 动态验证码 in a row that lock
        /// the account everywhere.
        lockout_threshold: u64 = 5;
        /// Minutes such a lock lasts.
        lockout_minutes: u64 = 30;
        /// Wrong passwords for one account from all addresses together (with no quiet spell
        /// of lockout_minutes between them) after which the account slows down: from addresses
        /// it has not logged in from, one attempt per account_backoff_seconds is checked and
        /// the others are refused. Addresses it logged in from are not slowed.
        account_backoff_after: u64 = 20;
        /// Seconds between the password attempts checked while an account is slowed down.
        account_backoff_seconds: u64 = 60;
        /// Login attempts (password and 动态验证码 steps together) allowed per client address
        /// per minute, whatever the account.
        ip_attempts_per_minute: u64 = 20;
        /// Minutes without a request after which a session ends.
        session_idle_minutes: u64 = 30;
        /// Hours after login after which a session ends regardless of activity.
        session_absolute_hours: u64 = 12;
        /// Require two-factor login (TOTP) for the admin roles sysadmin, secadmin, auditor and unit_admin.
        totp_required_for_admins: bool = false;
        /// Minutes the first-run setup link stays valid.
        setup_token_minutes: u64 = 60;
    }
    audit: Audit {
        /// Days audit records are kept at least (law: 6 months; below 180 is refused).
        retention_days: u64 = 190;
    }
    backup: Backup {
        /// Make a backup every day at `hour`.
        daily: bool = false;
        /// Local hour (Asia/Shanghai, 0-23) for the daily backup.
        hour: u64 = 2;
        /// How many scheduled backups to keep; older ones are deleted.
        keep: u64 = 7;
        /// Folder for scheduled backups. Empty: <data_dir>/backups. Best on another disk.
        dir: String = String::new();
    }
    ops: Ops {
        /// Networks (CIDR) whose clients may read /metrics.
        metrics_networks: Vec<String> = vec!["127.0.0.0/8".to_owned(), "::1/128".to_owned()];
        /// Bearer token that also opens /metrics from other networks. Empty: none.
        metrics_token: String = String::new(), secret = true;
        /// /readyz fails when free disk space in the data folder falls below this many MiB.
        min_free_disk_mib: u64 = 256;
    }
    memory: Memory {
        /// MiB of database pages redb keeps in memory. Reads beyond it come from the OS file
        /// cache, which the kernel can reclaim; pages are kept as they are read or written.
        store_cache_mib: u64 = 8;
        /// MiB of rendered public pages kept ready to send (each with its gzip and brotli
        /// variants); least recently used pages make room for new ones.
        page_cache_mib: u64 = 16;
        /// Decompressed document blocks (about 16 KiB each) the search reader keeps per index
        /// segment, for the titles and snippets of results.
        search_doc_blocks: u64 = 4;
        /// MiB the search indexer fills before it writes a segment (15 at least). Used while
        /// indexing only; more makes a full rebuild a little faster.
        search_writer_mib: u64 = 15;
    }
    log: Log {
        /// Log filter (tracing syntax), e.g. "info" or "gongkai=debug,info".
        level: String = "info".to_owned();
    }
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
        "# gongkai configuration. Every setting is listed with its default value.\n\
         # Precedence: default < this file < environment (GONGKAI_SECTION__NAME) < command-line flag.\n\
         # Lists in environment variables are comma-separated.\n",
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
        let _ = writeln!(out, "{} = {}\n", info.name, info.default_toml);
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
                Some(info) => cfg.set_text(&info.key(), v, &format!("环境变量 {k}"))?,
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
        }
        if !flags.listen.is_empty() {
            cfg.server.listen = flags.listen.clone();
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
                self.set_toml(&format!("{section}.{name}"), v, source)?;
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
            let _ = writeln!(out, "{} = {}", info.name, shown);
        }
        out
    }
}

#[cfg(test)]
mod tests;
