//! Publishing's routes, handed to the composition root (`app::router`).

use crate::http::Shared;
use crate::http::routes::Routes;

/// The editor's pages and form posts (ordinary body limit).
pub fn router() -> Routes {
    Routes::new()
        .get("/admin/selfcheck", crate::publishing::selfcheck::page::show)
        .post(
            "/admin/selfcheck/scan",
            crate::publishing::selfcheck::page::scan_now,
        )
        .get(
            crate::publishing::catalog::codes_admin::PATH,
            crate::publishing::catalog::codes_admin::show,
        )
        .post(
            crate::publishing::catalog::codes_admin::PATH,
            crate::publishing::catalog::codes_admin::submit,
        )
        .get("/admin/sites", crate::publishing::editor::sites::list)
        .post("/admin/sites", crate::publishing::editor::sites::create)
        .get(
            "/admin/sites/{unit}",
            crate::publishing::editor::sites::edit_form,
        )
        .post(
            "/admin/sites/{unit}",
            crate::publishing::editor::sites::edit_submit,
        )
        .post(
            "/admin/sites/{unit}/images",
            crate::publishing::editor::site_images::upload,
        )
        .get(
            "/admin/sites/{unit}/layout",
            crate::publishing::editor::site_layout::form,
        )
        .post(
            "/admin/sites/{unit}/layout",
            crate::publishing::editor::site_layout::submit,
        )
        .get(
            "/admin/sites/{unit}/channels",
            crate::publishing::editor::channels::channels,
        )
        .post(
            "/admin/sites/{unit}/channels",
            crate::publishing::editor::channels::channel_create,
        )
        .get(
            "/admin/sites/{unit}/channels/{id}",
            crate::publishing::editor::channels::channel_form,
        )
        .post(
            "/admin/sites/{unit}/channels/{id}",
            crate::publishing::editor::channels::channel_submit,
        )
        .get("/admin/articles", crate::publishing::editor::articles::list)
        .get(
            "/admin/articles/new",
            crate::publishing::editor::articles::new_form,
        )
        .get(
            "/admin/articles/{id}",
            crate::publishing::editor::articles::edit_form,
        )
        .post(
            "/admin/articles/new/autosave",
            crate::publishing::editor::autosave::new_item,
        )
        .post(
            "/admin/articles/{id}/autosave",
            crate::publishing::editor::autosave::item,
        )
        .post(
            "/admin/articles/{id}/flow",
            crate::publishing::review::handlers::take_step,
        )
        .get(
            "/admin/articles/{id}/preview",
            crate::publishing::review::preview::preview,
        )
        .get(
            "/admin/articles/{id}/history",
            crate::publishing::editor::history::history,
        )
        .get(
            "/admin/checks",
            crate::publishing::checks::rules_admin::page_get,
        )
        .post(
            "/admin/checks",
            crate::publishing::checks::rules_admin::submit,
        )
}

/// The routes that take files, with bodies larger than the global limit: the item form and
/// the uploads. They carry their own limits and are merged outside the global
/// `RequestBodyLimitLayer` (src/app/router.rs).
pub fn upload_routes() -> Routes {
    Routes::new()
        // The item form: its text and its files in one post.
        .post(
            "/admin/articles/new",
            crate::publishing::editor::articles::new_submit,
        )
        .post(
            "/admin/articles/{id}",
            crate::publishing::editor::articles::edit_submit,
        )
        .post(
            "/admin/articles/{id}/files",
            crate::publishing::editor::upload::upload,
        )
        .post(
            "/admin/articles/{id}/images",
            crate::publishing::editor::upload::image,
        )
}

/// The upload routes' own limits, applied by the composition root to them alone.
pub fn upload_limits(r: axum::Router<Shared>) -> axum::Router<Shared> {
    r.layer(axum::extract::DefaultBodyLimit::max(
        crate::publishing::editor::upload::MAX_REQUEST,
    ))
    .layer(tower_http::limit::RequestBodyLimitLayer::new(
        crate::publishing::editor::upload::MAX_REQUEST,
    ))
}
