//! The command line as a user meets it: the real binary, its exit codes and its one-line
//! messages. Every config error must stop start-up with exit code 2 and one line on
//! stderr naming the key or path.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::{PASSWORD, TestApp};

pub const BIN: &str = env!("CARGO_BIN_EXE_gongkai");

/// What a finished `gongkai` run left behind.
#[derive(Debug)]
pub struct Out {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    /// Asserts exit code 2 with exactly one line on stderr, and returns that line.
    pub fn fails(&self) -> &str {
        assert_eq!(self.code, Some(2), "expected exit code 2: {self:?}");
        let err = self.stderr.trim_end();
        assert_eq!(
            err.lines().count(),
            1,
            "expected one line on stderr: {self:?}"
        );
        err
    }

    pub fn succeeds(&self) -> &str {
        assert_eq!(self.code, Some(0), "expected success: {self:?}");
        &self.stdout
    }
}

/// Runs the real binary to completion (killing it after 60 s, which fails the test),
/// with `GONGKAI_*` variables from the test environment removed and `env` added.
pub fn gongkai(args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Out {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, _) in std::env::vars() {
        if k.starts_with("GONGKAI_") {
            cmd.env_remove(k);
        }
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn gongkai");
    {
        let mut input = child.stdin.take().expect("stdin");
        if let Some(s) = stdin {
            // A process that exits before reading makes this fail; that is fine.
            let _ = input.write_all(s.as_bytes());
        }
    }
    let mut so = child.stdout.take().expect("stdout");
    let mut se = child.stderr.take().expect("stderr");
    let t_out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = so.read_to_string(&mut s);
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = se.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(st) = child.try_wait().expect("wait") {
            break st;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("gongkai {args:?} did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Out {
        code: status.code(),
        stdout: t_out.join().unwrap_or_default(),
        stderr: t_err.join().unwrap_or_default(),
    }
}

fn p(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// Starts `serve` with a config file holding `toml` and returns the failed run.
fn serve_with_config(toml: &str) -> (Out, String) {
    let d = tempfile::tempdir().unwrap();
    let cfg = d.path().join("bad.toml");
    std::fs::write(&cfg, toml).unwrap();
    let data = d.path().join("data");
    let out = gongkai(
        &[
            "--config",
            p(&cfg),
            "--data",
            p(&data),
            "--listen",
            "127.0.0.1:0",
        ],
        &[],
        None,
    );
    (out, cfg.display().to_string())
}

#[test]
fn config_unknown_key_in_file() {
    let (out, path) = serve_with_config("[server]\nlisen = \"127.0.0.1:1\"\n");
    let line = out.fails();
    assert!(line.contains("server.lisen"), "{line}");
    assert!(line.contains(&path), "names the file: {line}");
}

#[test]
fn config_wrong_type() {
    let (out, _) = serve_with_config("[server]\nmax_body_bytes = \"x\"\n");
    let line = out.fails();
    assert!(line.contains("server.max_body_bytes"), "{line}");
}

#[test]
fn config_invalid_toml() {
    let (out, path) = serve_with_config("[server\nlisten = [\n");
    let line = out.fails();
    assert!(line.contains("TOML"), "{line}");
    assert!(line.contains(&path), "names the file: {line}");
}

#[test]
fn config_section_that_is_not_a_table() {
    let (out, _) = serve_with_config("server = 1\n");
    let line = out.fails();
    assert!(line.contains("server"), "{line}");
}

#[test]
fn config_missing_file() {
    let d = tempfile::tempdir().unwrap();
    let missing = d.path().join("nope.toml");
    let out = gongkai(&["--config", p(&missing), "config", "show"], &[], None);
    let line = out.fails();
    assert!(line.contains(p(&missing)), "{line}");
}

#[test]
fn config_unknown_env_var() {
    let d = tempfile::tempdir().unwrap();
    let out = gongkai(
        &["--data", p(d.path()), "--listen", "127.0.0.1:0"],
        &[("GONGKAI_SERVER__LISEN", "127.0.0.1:1")],
        None,
    );
    let line = out.fails();
    assert!(line.contains("GONGKAI_SERVER__LISEN"), "{line}");
}

#[test]
fn config_env_var_of_wrong_type() {
    let d = tempfile::tempdir().unwrap();
    let out = gongkai(
        &["--data", p(d.path()), "--listen", "127.0.0.1:0"],
        &[("GONGKAI_SERVER__MAX_BODY_BYTES", "lots")],
        None,
    );
    let line = out.fails();
    assert!(line.contains("server.max_body_bytes"), "{line}");
}

#[test]
fn config_retention_below_minimum() {
    let (out, _) = serve_with_config("[audit]\nretention_days = 100\n");
    let line = out.fails();
    assert!(line.contains("audit.retention_days"), "{line}");
    // The same through the environment.
    let d = tempfile::tempdir().unwrap();
    let out = gongkai(
        &["--data", p(d.path()), "config", "show"],
        &[("GONGKAI_AUDIT__RETENTION_DAYS", "179")],
        None,
    );
    assert!(out.fails().contains("audit.retention_days"));
    // 180 is allowed.
    let out = gongkai(
        &["--data", p(d.path()), "config", "show"],
        &[("GONGKAI_AUDIT__RETENTION_DAYS", "180")],
        None,
    );
    assert!(out.succeeds().contains("retention_days = 180"));
}

#[test]
fn config_bad_listen_address() {
    let d = tempfile::tempdir().unwrap();
    let out = gongkai(
        &["--data", p(d.path()), "--listen", "localhost-ish:http"],
        &[],
        None,
    );
    let line = out.fails();
    assert!(line.contains("server.listen"), "{line}");
    assert!(line.contains("localhost-ish:http"), "{line}");
}

#[test]
fn config_bad_trusted_proxy() {
    let (out, _) = serve_with_config("[server]\ntrusted_proxies = [\"10.0.0.0/33\"]\n");
    let line = out.fails();
    assert!(line.contains("server.trusted_proxies"), "{line}");
    assert!(line.contains("10.0.0.0/33"), "names the bad entry: {line}");
}

#[test]
fn config_port_in_use() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let d = tempfile::tempdir().unwrap();
    let out = gongkai(&["--data", p(d.path()), "--listen", &addr], &[], None);
    let line = out.fails();
    assert!(line.contains("server.listen"), "{line}");
    assert!(line.contains(&addr), "names the address: {line}");
    drop(taken);
}

#[test]
fn config_data_folder_not_writable() {
    let d = tempfile::tempdir().unwrap();
    let file = d.path().join("a-file");
    std::fs::write(&file, b"not a folder").unwrap();
    let data = file.join("data");
    let out = gongkai(&["--data", p(&data), "--listen", "127.0.0.1:0"], &[], None);
    let line = out.fails();
    assert!(line.contains("server.data_dir"), "{line}");
    assert!(line.contains(p(&data)), "names the path: {line}");
    // The CLI commands that open the folder say the same.
    let out = gongkai(&["--data", p(&data), "audit", "verify"], &[], None);
    assert!(out.fails().contains(p(&data)));
}

#[test]
fn version_flag() {
    let out = gongkai(&["--version"], &[], None);
    let s = out.succeeds();
    assert!(s.contains(env!("CARGO_PKG_VERSION")), "{s}");
    assert!(s.starts_with("gongkai"), "{s}");
}

#[test]
fn config_show_masks_secrets() {
    let d = tempfile::tempdir().unwrap();
    let out = gongkai(
        &["--data", p(d.path()), "config", "show"],
        &[
            ("GONGKAI_OPS__METRICS_TOKEN", "very-secret-token-42"),
            ("GONGKAI_SITE__NAME", "环境区"),
        ],
        None,
    );
    let s = out.succeeds();
    assert!(!s.contains("very-secret-token-42"), "{s}");
    assert!(s.contains("metrics_token = \"********\""), "{s}");
    assert!(
        s.contains("name = \"环境区\""),
        "effective values shown: {s}"
    );
    assert!(
        s.contains(&format!("data_dir = \"{}\"", p(d.path()))),
        "{s}"
    );
    // `config show` must not create the data folder.
    let never = d.path().join("never");
    gongkai(&["--data", p(&never), "config", "show"], &[], None).succeeds();
    assert!(!never.exists());
}

#[test]
fn config_default_prints_documented_file() {
    let out = gongkai(&["config", "default"], &[], None);
    assert_eq!(out.succeeds(), gongkai::config::default_file());
}

#[tokio::test]
async fn admin_create_and_user_add_before_first_start() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_path_buf();
    let pw = format!("{PASSWORD}\n");
    let d = p(&data);
    // Works on an empty folder, before any server ran.
    gongkai(
        &[
            "admin",
            "create",
            "--username",
            "root1",
            "--password-stdin",
            "--data",
            d,
        ],
        &[],
        Some(&pw),
    )
    .succeeds();
    // A second system administrator through the same command.
    gongkai(
        &[
            "admin",
            "create",
            "--username",
            "root2",
            "--password-stdin",
            "--data",
            d,
        ],
        &[],
        Some(&pw),
    )
    .succeeds();
    // The same name twice is refused.
    let out = gongkai(
        &[
            "admin",
            "create",
            "--username",
            "root1",
            "--password-stdin",
            "--data",
            d,
        ],
        &[],
        Some(&pw),
    );
    out.fails();
    // A weak password is refused.
    let out = gongkai(
        &[
            "admin",
            "create",
            "--username",
            "root3",
            "--password-stdin",
            "--data",
            d,
        ],
        &[],
        Some("short\n"),
    );
    assert!(out.fails().contains("密码"));
    // A password containing the username is refused.
    let out = gongkai(
        &[
            "admin",
            "create",
            "--username",
            "root4",
            "--password-stdin",
            "--data",
            d,
        ],
        &[],
        Some("Xx-root4-Yy-99\n"),
    );
    out.fails();
    // Without --password-stdin, or with nothing on stdin.
    gongkai(
        &["admin", "create", "--username", "root5", "--data", d],
        &[],
        None,
    )
    .fails();
    gongkai(
        &[
            "admin",
            "create",
            "--username",
            "root5",
            "--password-stdin",
            "--data",
            d,
        ],
        &[],
        Some(""),
    )
    .fails();
    // A staff account in the root unit (created with the first administrator).
    gongkai(
        &[
            "user",
            "add",
            "--username",
            "user1",
            "--unit",
            "gov",
            "--role",
            "reporter",
            "--password-stdin",
            "--data",
            d,
        ],
        &[],
        Some(&pw),
    )
    .succeeds();
    let out = gongkai(
        &[
            "user",
            "add",
            "--username",
            "user2",
            "--unit",
            "gov",
            "--role",
            "chief",
            "--password-stdin",
            "--data",
            d,
        ],
        &[],
        Some(&pw),
    );
    assert!(out.fails().contains("chief"));
    let out = gongkai(
        &[
            "user",
            "add",
            "--username",
            "user3",
            "--unit",
            "nowhere",
            "--role",
            "reporter",
            "--password-stdin",
            "--data",
            d,
        ],
        &[],
        Some(&pw),
    );
    out.fails();
    let out = gongkai(
        &[
            "user",
            "add",
            "--username",
            "user4",
            "--unit",
            "gov",
            "--role",
            "reporter",
            "--password-stdin",
            "--data",
            d,
        ],
        &[],
        Some("weak\n"),
    );
    out.fails();

    // What the commands wrote: the accounts, and one audit record each, chained.
    {
        let store = gongkai::store::Store::open(&data, &*crate::helpers::test_clock()).unwrap();
        let users = store
            .read_blocking(gongkai::auth::store::list_users)
            .unwrap();
        let mut names: Vec<String> = users.iter().map(|u| u.username.clone()).collect();
        names.sort();
        assert_eq!(names, ["root1", "root2", "user1"]);
        let v = gongkai::auth::audit::verify(&store).unwrap();
        assert_eq!(v.broken, None);
        assert_eq!(v.count, 3);
    }
    gongkai(&["audit", "verify", "--data", d], &[], None).succeeds();

    // A server on this folder issues no setup link, and the accounts can log in.
    let app = TestApp::start_in(dir, |_| {}).await;
    assert!(app.setup_token.is_none());
    // While it runs, commands that need the database say so in one line.
    let data = app.dir.path().to_path_buf();
    let shown = data.display().to_string();
    let out = tokio::task::spawn_blocking(move || {
        gongkai(
            &[
                "admin",
                "create",
                "--username",
                "root9",
                "--password-stdin",
                "--data",
                p(&data),
            ],
            &[],
            Some(PASSWORD),
        )
    })
    .await
    .unwrap();
    // Exit code 2 and exactly this one line (`fails` checks both): the folder and why.
    assert_eq!(
        out.fails(),
        format!("数据目录 {shown} 正被另一个 gongkai 进程使用"),
        "{out:?}"
    );
    let c = app.client();
    assert_eq!(c.login("root2", PASSWORD).await.status, 303);
    let c = app.client();
    assert_eq!(c.login("user1", PASSWORD).await.status, 303);
    app.stop().await;
}

#[tokio::test]
async fn fresh_folder_gets_a_setup_token() {
    let app = TestApp::start().await;
    assert!(app.setup_token.is_some());
    app.stop().await;
}

#[test]
fn config_show_says_where_each_value_comes_from() {
    let d = tempfile::tempdir().unwrap();
    let out = gongkai(
        &["--data", p(d.path()), "config", "show"],
        &[("GONGKAI_SITE__NAME", "环境区")],
        None,
    );
    let s = out.succeeds();
    assert!(
        s.contains("name = \"环境区\"  # 环境变量 GONGKAI_SITE__NAME"),
        "{s}"
    );
    assert!(s.contains("# 命令行参数 --data"), "{s}");
    // A setting nobody gave is the default, unmarked.
    assert!(s.contains("lockout_threshold = 5\n"), "{s}");
}
