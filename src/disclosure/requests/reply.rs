//! The reply (`POST /admin/gk/requests/{id}/reply`, multipart): one outcome from the annual
//! report's taxonomy, its reasons where the outcome needs them, and the reply document,
//! typed by its bytes (PDF or a picture).

use axum::extract::{Path, Request, State};
use axum::response::Response;

use super::outcome::Outcome;
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::respond::{html_invalid, see_other};
use crate::publishing::editor::received::{Rules, Upload};
use crate::views::form::FormState;

pub async fn post_reply(
    State(st): State<Shared>,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response> {
    let id: u64 = id.parse().map_err(|_| Error::NotFound)?;
    let up = Upload::read(
        req,
        &st,
        Rules {
            max_file: 20 * 1024 * 1024,
            images_only: false,
            keeps_text: false,
        },
    )
    .await?;
    let s = up.staff.clone();
    let mut fs = FormState {
        values: up.posted.kept(),
        ..Default::default()
    };
    let outcome = Outcome::parse(up.posted.get("outcome"));
    let reason = crate::disclosure::fields::text(
        &up.posted.fields,
        &mut fs,
        "reply_reason",
        "理由与说明",
        2000,
        false,
    );
    match outcome {
        None => fs.add_error("outcome", "请选择处理结果"),
        Some(o) if o.def().needs_reason && reason.is_empty() => fs.add_error(
            "reply_reason",
            format!("“{}”须写明理由和依据", o.full_label()),
        ),
        _ => {}
    }
    if let Some(r) = up.refusal() {
        fs.add_error("document", r);
    } else if up.files.len() != 1 {
        fs.add_error("document", "请上传一份答复书");
    } else if up.files.iter().any(|f| {
        let k = f.kind();
        !(k.is_raster() || k.mime() == "application/pdf")
    }) {
        fs.add_error("document", "答复书应为 PDF 或图片（按文件内容判断）");
    }
    let Some(outcome) = outcome.filter(|_| !fs.has_errors()) else {
        if !up.files.is_empty() && !fs.errors.iter().any(|(k, _)| k == "document") {
            fs.add_error("document", "答复书未保存，请改正后重新选择。");
        }
        return Ok(html_invalid(
            super::staff_view::render(&st, &s, id, &fs).await?,
        ));
    };
    let ip = up.posted.ctx.ip_string();
    let mut stored = up.commit(&st).await?;
    let (_, doc) = stored
        .pop()
        .ok_or(Error::BadRequest("请上传一份答复书".into()))?;
    let now = st.now_ms();
    match super::act::reply(&st, id, s.user.clone(), outcome, reason, doc, ip, now).await {
        Ok(()) => Ok(see_other(&format!("/admin/gk/requests/{id}"))),
        Err(Error::Conflict(m)) => {
            fs.notice = Some(m);
            Ok(html_invalid(
                super::staff_view::render(&st, &s, id, &fs).await?,
            ))
        }
        Err(e) => Err(e),
    }
}
