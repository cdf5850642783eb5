//! The control socket `<data>/control.sock`: lets the CLI ask a running server to do
//! things that need the open database (redb allows one process), such as a backup.
//! One JSON line in, one JSON line out. The socket is created owner-only (0600).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::watch;

use crate::http::Shared;

pub const SOCKET: &str = "control.sock";

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "cmd", rename_all = "snake_case")]
pub enum Command {
    Ping,
    Backup {
        out: PathBuf,
    },
    AuditVerify,
    /// The configuration in effect, with where each value comes from (the panel's too).
    ConfigShow,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Reply {
    pub ok: bool,
    pub message: String,
}

pub fn socket_path(data: &Path) -> PathBuf {
    data.join(SOCKET)
}

pub fn listen(
    st: Shared,
    mut stop: watch::Receiver<bool>,
) -> std::io::Result<tokio::task::JoinHandle<()>> {
    let path = socket_path(st.store.dir());
    // A stale socket from a killed process would make bind fail.
    let _ = std::fs::remove_file(&path);
    let listener = UnixListener::bind(&path)?;
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(tokio::spawn(async move {
        loop {
            tokio::select! {
                r = listener.accept() => {
                    if let Ok((stream, _)) = r {
                        let st = st.clone();
                        tokio::spawn(async move { let _ = handle(st, stream).await; });
                    }
                }
                _ = stop.changed() => break,
            }
        }
        let _ = std::fs::remove_file(&path);
    }))
}

async fn handle(st: Shared, stream: UnixStream) -> std::io::Result<()> {
    let (r, mut w) = stream.into_split();
    let mut line = String::new();
    BufReader::new(r).read_line(&mut line).await?;
    let reply = match serde_json::from_str::<Command>(&line) {
        Err(e) => Reply {
            ok: false,
            message: format!("无法识别的命令：{e}"),
        },
        Ok(Command::Ping) => Reply {
            ok: true,
            message: "pong".into(),
        },
        Ok(Command::ConfigShow) => Reply {
            ok: true,
            message: st.cfg().show(),
        },
        Ok(Command::AuditVerify) => {
            let store = st.store.clone();
            match tokio::task::spawn_blocking(move || crate::auth::audit::verify(&store)).await {
                Ok(Ok(v)) => verify_reply(&v),
                Ok(Err(e)) => Reply {
                    ok: false,
                    message: format!("审计日志无法读取：{e}"),
                },
                Err(e) => Reply {
                    ok: false,
                    message: format!("审计日志校验中断：{e}"),
                },
            }
        }
        Ok(Command::Backup { out }) => {
            match crate::ops::backup::backup_now(&st, &out, "命令行").await {
                Ok(m) => Reply {
                    ok: true,
                    message: format!("备份已写入 {}（{} 个文件）", out.display(), m.files.len()),
                },
                Err(e) => Reply {
                    ok: false,
                    message: format!("备份失败：{e}"),
                },
            }
        }
    };
    let mut text = serde_json::to_string(&reply).unwrap_or_default();
    text.push('\n');
    w.write_all(text.as_bytes()).await?;
    w.shutdown().await
}

/// The one-line verdict on the audit chain, for the CLI whichever way it ran.
pub fn verify_reply(v: &crate::auth::audit::Verified) -> Reply {
    match &v.broken {
        None => Reply {
            ok: true,
            message: format!("审计日志完整：{} 条记录，哈希链校验通过", v.count),
        },
        Some((seq, why)) => Reply {
            ok: false,
            message: format!(
                "审计日志校验失败：第 {seq} 条记录{why}（此前 {} 条完好）",
                v.count
            ),
        },
    }
}

/// Sends a command to a running server. `None` when no server is listening.
pub fn request(data: &Path, cmd: &Command) -> Option<Reply> {
    use std::io::{BufRead, Write};
    let mut s = std::os::unix::net::UnixStream::connect(socket_path(data)).ok()?;
    // A large backup takes a while; a hung server must not hang the CLI for ever.
    s.set_read_timeout(Some(std::time::Duration::from_secs(3600)))
        .ok()?;
    let mut text = serde_json::to_string(cmd).ok()?;
    text.push('\n');
    s.write_all(text.as_bytes()).ok()?;
    let mut line = String::new();
    std::io::BufReader::new(s).read_line(&mut line).ok()?;
    serde_json::from_str(&line).ok()
}
