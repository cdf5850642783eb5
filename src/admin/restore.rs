//! 从备份恢复 on the system page (系统管理员; its form is `system_page::restore_section`): a backup file uploaded, written to disk as it
//! arrives, checked entry by entry and staged (`ops::restore`); the server swaps it in at
//! its next start, keeping the previous data. The upload route has its own body limit
//! (`MAX_UPLOAD`) and an hour instead of the usual request timeout (`app::router`).

use axum::extract::{Request, State};
use axum::response::Response;
use tokio::io::AsyncWriteExt;

use super::system_page::{self, HOME};
use crate::auth::audit;
use crate::auth::permission::{Action, Object};
use crate::error::Result;
use crate::http::Shared;
use crate::http::extract::{Ctx, Posted};
use crate::http::respond::see_other;
use crate::ops::restore;
use crate::staff::shell::{event, require};
use crate::views::form::FormState;

/// The upload route.
pub use super::system_page::RESTORE_PATH as PATH;
/// The largest backup the panel takes; larger ones are restored with `gongkai restore`.
pub const MAX_UPLOAD: usize = 8 * 1024 * 1024 * 1024;

fn refused(msg: impl Into<String>) -> FormState {
    let mut fs = FormState::default();
    fs.add_error("backup", msg);
    fs
}

/// Takes the upload: the token first, then the file, to disk as it arrives.
pub async fn upload(State(st): State<Shared>, ctx: Ctx, req: Request) -> Result<Response> {
    let s = ctx.staff(&st)?;
    require(&st, &s, Action::RunSystem, Object::System).await?;
    let mut mp = crate::http::upload_form::open(req, &st, &s.csrf).await?;
    let bad = crate::http::upload_form::interrupted;
    let data = st.store.dir().to_path_buf();
    let part = data.join(restore::UPLOAD);
    let mut file_name = String::new();
    let mut size = 0usize;
    while let Some(mut f) = mp.next_field().await.map_err(bad)? {
        if f.name() != Some("backup") || f.file_name().is_none_or(str::is_empty) {
            while f.chunk().await.map_err(bad)?.is_some() {}
            continue;
        }
        file_name = f.file_name().unwrap_or_default().to_owned();
        let mut out = tokio::fs::File::create(&part).await?;
        while let Some(c) = f.chunk().await.map_err(|e| {
            let _ = std::fs::remove_file(&part);
            bad(e)
        })? {
            size = size.saturating_add(c.len());
            if size > MAX_UPLOAD {
                drop(out);
                let _ = tokio::fs::remove_file(&part).await;
                return system_page::invalid(
                    &st,
                    &s,
                    &refused(format!(
                        "备份文件超过 {} GiB，请在服务器上用命令行 gongkai restore 恢复",
                        MAX_UPLOAD >> 30
                    )),
                )
                .await;
            }
            out.write_all(&c).await?;
        }
        out.sync_all().await?;
    }
    if file_name.is_empty() || size == 0 {
        let _ = tokio::fs::remove_file(&part).await;
        return system_page::invalid(&st, &s, &refused("请选择要上传的备份文件")).await;
    }
    let (by, now) = (s.user.username.clone(), st.now_ms());
    let name2 = file_name.clone();
    let r =
        tokio::task::spawn_blocking(move || restore::stage(&part, &data, &name2, &by, now)).await?;
    let (ok, detail) = match &r {
        Ok(x) => (true, format!("{file_name}：{} 个文件，已准备恢复", x.files)),
        Err(e) => (false, format!("{file_name}：{e}")),
    };
    let ev = event(&s.user, &ctx, "restore_stage", "restore".into(), ok, detail);
    st.store
        .write(move |txn| audit::append(txn, ev, now).map(|_| ()))
        .await?;
    match r {
        Ok(_) => Ok(see_other(&format!("{HOME}?done=staged"))),
        Err(e) => {
            system_page::invalid(&st, &s, &refused(format!("未通过校验，未做任何改动：{e}"))).await
        }
    }
}

/// Removes a staged restore before the restart.
pub async fn cancel(State(st): State<Shared>, p: Posted) -> Result<Response> {
    let s = p.staff(&st)?;
    require(&st, &s, Action::RunSystem, Object::System).await?;
    let data = st.store.dir().to_path_buf();
    tokio::task::spawn_blocking(move || restore::cancel(&data)).await??;
    let ev = event(
        &s.user,
        &p.ctx,
        "restore_cancel",
        "restore".into(),
        true,
        String::new(),
    );
    let now = st.now_ms();
    st.store
        .write(move |txn| audit::append(txn, ev, now).map(|_| ()))
        .await?;
    Ok(see_other(&format!("{HOME}?done=cancelled")))
}
