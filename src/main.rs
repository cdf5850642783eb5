//! The command line. Everything real lives in the library; this file parses
//! arguments, prints one clear line on failure and exits with code 2.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use gongkai::clock::{Clock, SharedClock, SystemClock};
use gongkai::config::{Config, Overrides};
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "gongkai",
    version,
    about = "一个程序运行区政府门户网站、政务公开与协同办公"
)]
struct Cli {
    /// Config file (TOML). Without it the embedded defaults apply.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Data folder (overrides server.data_dir).
    #[arg(long, global = true, value_name = "DIR")]
    data: Option<PathBuf>,
    /// Listen address, IPv4 or IPv6; may be given more than once (overrides server.listen).
    #[arg(long, global = true, value_name = "ADDR")]
    listen: Vec<String>,
    /// Fill an empty data folder with the demo district before serving.
    #[arg(long, global = true)]
    demo: bool,
    #[command(subcommand)]
    cmd: Option<Cmd>,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run the server (the default).
    Serve,
    /// Administrator accounts.
    Admin {
        #[command(subcommand)]
        cmd: AdminCmd,
    },
    /// Staff accounts.
    User {
        #[command(subcommand)]
        cmd: UserCmd,
    },
    /// Write a consistent backup (works whether or not the server runs).
    Backup {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Restore a backup into an empty data folder (given with --data).
    Restore {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        cmd: AuditCmd,
    },
    /// Fill the data folder with the demo district (if empty), plus generated items for load tests.
    Demo {
        /// Generated items to add across the demo's list channels (e.g. 100000 for benchmarks).
        #[arg(long, default_value_t = 0)]
        articles: usize,
        /// Generated letters to add to the 区长信箱 (e.g. 20000 for benchmarks).
        #[arg(long, default_value_t = 0)]
        letters: usize,
    },
    /// Rebuild the search index from the store (the server must be stopped).
    Reindex,
    /// The configuration.
    Config {
        #[command(subcommand)]
        cmd: ConfigCmd,
    },
}

#[derive(Subcommand)]
enum AdminCmd {
    /// Create the first system administrator (works before the server ever ran).
    Create {
        #[arg(long)]
        username: String,
        /// Read the password from standard input.
        #[arg(long)]
        password_stdin: bool,
        #[arg(long, default_value = "系统管理员")]
        display_name: String,
    },
}

#[derive(Subcommand)]
enum UserCmd {
    /// Add a staff account with one role.
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        unit: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        password_stdin: bool,
        #[arg(long)]
        display_name: Option<String>,
    },
    /// Reset an account's password and/or two-factor login from the server (no approval
    /// needed: server access is the trust anchor).
    Reset {
        #[arg(long)]
        username: String,
        /// Read the new password from standard input (it must be changed at the next login).
        #[arg(long)]
        password_stdin: bool,
        /// Remove two-factor login; the owner enrols again at the next login.
        #[arg(long)]
        totp: bool,
    },
}

#[derive(Subcommand)]
enum AuditCmd {
    /// Check the hash chain; report the first broken record.
    Verify,
}

#[derive(Subcommand)]
enum ConfigCmd {
    /// Print the effective configuration, secrets masked.
    Show,
    /// Print the default config file with every setting documented.
    Default,
}

fn main() -> ExitCode {
    gongkai::ops::memory::tune_allocator();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("{msg}");
            ExitCode::from(2)
        }
    }
}

fn load_config(cli: &Cli) -> Result<Config, String> {
    let env: BTreeMap<String, String> = std::env::vars().collect();
    let flags = Overrides {
        data_dir: cli.data.clone(),
        listen: cli.listen.clone(),
    };
    Config::load(cli.config.as_deref(), &env, &flags).map_err(|e| e.0)
}

fn read_password(flag: bool) -> Result<String, String> {
    if !flag {
        return Err("请用 --password-stdin 从标准输入提供密码".into());
    }
    let mut s = String::new();
    std::io::stdin()
        .read_to_string(&mut s)
        .map_err(|e| format!("无法读取标准输入：{e}"))?;
    let p = s.trim_end_matches(['\r', '\n']).to_owned();
    if p.is_empty() {
        return Err("标准输入中没有密码".into());
    }
    Ok(p)
}

fn run(cli: Cli) -> Result<(), String> {
    if let Some(Cmd::Config {
        cmd: ConfigCmd::Default,
    }) = &cli.cmd
    {
        print!("{}", gongkai::config::default_file());
        return Ok(());
    }
    if let Some(Cmd::Restore { file }) = &cli.cmd {
        let Some(target) = &cli.data else {
            return Err("请用 --data DIR 指定恢复到的空目录".into());
        };
        let m = gongkai::store::backup::restore(file, target)?;
        println!(
            "已恢复到 {}：{} 个文件校验通过（备份时间 {}）",
            target.display(),
            m.files.len(),
            gongkai::clock::show(m.created_ms)
        );
        return Ok(());
    }
    let cfg = load_config(&cli)?;
    // The one place the binary picks the real clock; everything below takes it as given.
    let system_clock: SharedClock = Arc::new(SystemClock);
    let clock = &*system_clock;
    match cli.cmd {
        None | Some(Cmd::Serve) => serve(cfg, cli.demo, system_clock),
        Some(Cmd::Config {
            cmd: ConfigCmd::Show,
        }) => {
            print!("{}", config_show(cfg, clock));
            Ok(())
        }
        Some(Cmd::Config { .. }) | Some(Cmd::Restore { .. }) => Ok(()),
        Some(Cmd::Admin {
            cmd:
                AdminCmd::Create {
                    username,
                    password_stdin,
                    display_name,
                },
        }) => {
            let pw = read_password(password_stdin)?;
            let store = open_store(&cfg, clock)?;
            let cx = gongkai::admin::cli::Ctx {
                store: &store,
                cfg: &cfg,
                clock,
            };
            gongkai::admin::cli::create_admin(&cx, &username, &display_name, &pw)?;
            println!("已创建系统管理员 {username}");
            println!("{}。", gongkai::admin::cli::TOTP_NOTE);
            Ok(())
        }
        Some(Cmd::User {
            cmd:
                UserCmd::Add {
                    username,
                    unit,
                    role,
                    password_stdin,
                    display_name,
                },
        }) => {
            let pw = read_password(password_stdin)?;
            let store = open_store(&cfg, clock)?;
            let name = display_name.unwrap_or_else(|| username.clone());
            let cx = gongkai::admin::cli::Ctx {
                store: &store,
                cfg: &cfg,
                clock,
            };
            gongkai::admin::cli::add_user(&cx, &username, &name, &unit, &role, &pw)?;
            println!("已创建账号 {username}（{role} @ {unit}）");
            if gongkai::auth::model::Role::parse(&role).is_some_and(|r| r.is_separated_admin()) {
                println!("{}。", gongkai::admin::cli::TOTP_NOTE);
            }
            Ok(())
        }
        Some(Cmd::User {
            cmd:
                UserCmd::Reset {
                    username,
                    password_stdin,
                    totp,
                },
        }) => {
            let pw = if password_stdin {
                Some(read_password(true)?)
            } else {
                None
            };
            let store = open_store(&cfg, clock)?;
            let cx = gongkai::admin::cli::Ctx {
                store: &store,
                cfg: &cfg,
                clock,
            };
            let said = gongkai::admin::cli::reset_user(&cx, &username, pw.as_deref(), totp)?;
            println!("{said}");
            Ok(())
        }
        Some(Cmd::Backup { out }) => backup(&cfg, clock, &out),
        Some(Cmd::Demo { articles, letters }) => {
            let store = open_store(&cfg, clock)?;
            let now = gongkai::clock::to_ms(clock.now());
            if let Some(accounts) =
                gongkai::demo::fill(&store, &cfg, now).map_err(|e| e.to_string())?
            {
                println!("已创建演示区数据。演示账号（密码只显示这一次）：");
                print_demo_accounts(&accounts);
            }
            if articles > 0 {
                // Instant measures how long the fill took; it stamps nothing.
                let t0 = std::time::Instant::now();
                let added = gongkai::publishing::demo::bulk(&store, articles, now)
                    .map_err(|e| e.to_string())?;
                println!(
                    "已生成 {} 条演示信息，用时 {:.1} 秒",
                    added,
                    t0.elapsed().as_secs_f64()
                );
            }
            if letters > 0 {
                let t0 = std::time::Instant::now();
                let added = gongkai::mailbox::demo::bulk(&store, letters, now)
                    .map_err(|e| e.to_string())?;
                println!(
                    "已生成 {} 封演示信件，用时 {:.1} 秒",
                    added,
                    t0.elapsed().as_secs_f64()
                );
            }
            reindex(&cfg, &store)
        }
        Some(Cmd::Reindex) => {
            let store = open_store(&cfg, clock)?;
            reindex(&cfg, &store)
        }
        Some(Cmd::Audit {
            cmd: AuditCmd::Verify,
        }) => {
            use gongkai::ops::control;
            let reply = match control::request(&cfg.data_dir(), &control::Command::AuditVerify) {
                Some(r) => r,
                None => {
                    let store = open_store(&cfg, clock)?;
                    let v = gongkai::auth::audit::verify(&store).map_err(|e| e.to_string())?;
                    control::verify_reply(&v)
                }
            };
            if reply.ok {
                println!("{}", reply.message);
                Ok(())
            } else {
                Err(reply.message)
            }
        }
    }
}

fn print_demo_accounts(accounts: &[gongkai::demo::DemoAccount]) {
    for a in accounts {
        let note = if a.totp_first {
            "  首次登录须先启用两步验证"
        } else {
            ""
        };
        println!(
            "  {:<18} {:<10} {}{note}",
            a.username, a.role_label, a.password
        );
    }
    if accounts.iter().any(|a| a.totp_first) {
        println!(
            "系统管理员、安全管理员、审计管理员（三员）登录后先进入“启用两步验证”页面：用手机身份验证器应用添加页面上的密钥并输入 6 位验证码即可继续。"
        );
    }
}

fn reindex(cfg: &Config, store: &gongkai::store::Store) -> Result<(), String> {
    let t0 = std::time::Instant::now();
    let (index, _) =
        gongkai::search::open_or_recreate(&cfg.data_dir().join("search"), cfg.search_memory())
            .map_err(|e| format!("搜索索引无法打开：{e}"))?;
    let n =
        gongkai::search::indexer::rebuild(&index, store, gongkai::app::registry::SEARCH_SOURCES)
            .map_err(|e| e.to_string())?;
    println!(
        "搜索索引已重建：{n} 条信息，用时 {:.1} 秒",
        t0.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The configuration in effect with each value's source: asked of the running server (which
/// has the panel's settings), else read with the data folder's saved settings, else the file,
/// environment and flags alone.
fn config_show(cfg: Config, clock: &dyn Clock) -> String {
    use gongkai::ops::control;
    if let Some(r) = control::request(&cfg.data_dir(), &control::Command::ConfigShow)
        && r.ok
    {
        return r.message;
    }
    if cfg.data_dir().join("gongkai.redb").exists()
        && let Ok(store) = open_store(&cfg, clock)
        && let Ok(saved) = store.read_blocking(gongkai::admin::settings::saved)
    {
        let mut with_panel = cfg.clone();
        with_panel.apply_panel(&saved);
        if with_panel.check().is_ok() {
            return with_panel.show();
        }
    }
    cfg.show()
}

fn open_store(cfg: &Config, clock: &dyn Clock) -> Result<gongkai::store::Store, String> {
    gongkai::store::Store::open_with_cache(&cfg.data_dir(), clock, cfg.store_cache_bytes())
        .map_err(|e| e.0)
}

fn backup(cfg: &Config, clock: &dyn Clock, out: &std::path::Path) -> Result<(), String> {
    let out = std::path::absolute(out).map_err(|e| e.to_string())?;
    if let Some(reply) = gongkai::ops::control::request(
        &cfg.data_dir(),
        &gongkai::ops::control::Command::Backup { out: out.clone() },
    ) {
        return if reply.ok {
            println!("{}", reply.message);
            Ok(())
        } else {
            Err(reply.message)
        };
    }
    let store = open_store(cfg, clock)?;
    let now = gongkai::clock::to_ms(clock.now());
    let m = gongkai::store::backup::backup_to(&store, &out, now).map_err(|e| e.to_string())?;
    let cx = gongkai::admin::cli::Ctx {
        store: &store,
        cfg,
        clock,
    };
    gongkai::admin::cli::audit_cli(&cx, "backup", &out.display().to_string())?;
    println!("备份已写入 {}（{} 个文件）", out.display(), m.files.len());
    Ok(())
}

fn serve(cfg: Config, demo: bool, clock: SharedClock) -> Result<(), String> {
    let filter = tracing_subscriber::EnvFilter::try_new(&cfg.log.level)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Log lines go through a writer thread that batches them while requests pour in
    // and flushes as soon as it is idle: one line per request without one write per request.
    // The queue is preallocated: tracing-appender's default of 128,000 lines is 4 MB resident
    // from the start; 8,192 lines is more than a second of the busiest load measured.
    let (writer, _log_guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(8192)
        .lossy(false)
        .finish(std::io::stdout());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .init();
    // A small blocking pool: each argon2 hash takes 19 MiB, so a burst of logins or
    // searches must not fan out into hundreds of threads on a 2-core box.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(16)
        .build()
        .map_err(|e| format!("无法启动运行时：{e}"))?;
    rt.block_on(async move {
        if demo {
            let store = open_store(&cfg, &*clock)?;
            let now = gongkai::clock::to_ms(clock.now());
            match gongkai::demo::fill(&store, &cfg, now).map_err(|e| e.to_string())? {
                Some(accounts) => {
                    println!("已创建演示区数据。演示账号（密码只显示这一次）：");
                    print_demo_accounts(&accounts);
                }
                None => println!("数据目录已有数据，未写入演示数据。"),
            }
            drop(store);
        }
        let minutes = cfg.auth.setup_token_minutes;
        let app = gongkai::App::build(cfg, clock).await.map_err(|e| e.0)?;
        for a in app.addrs() {
            println!("gongkai {} 正在监听 http://{a}", env!("CARGO_PKG_VERSION"));
        }
        if let Some(url) = app.setup_url() {
            println!("尚无系统管理员。请在 {minutes} 分钟内打开以下一次性链接完成初始化（只能使用一次）：\n  {url}");
        }
        let (tx, rx) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            shutdown_signal().await;
            tracing::info!("shutting down: finishing in-flight requests");
            let _ = tx.send(true);
        });
        app.run(rx).await.map_err(|e| e.0)?;
        tracing::info!("stopped");
        Ok(())
    })
}

async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = match signal(SignalKind::terminate()) {
        Ok(s) => s,
        Err(_) => return std::future::pending().await,
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}
