//! One integration-test binary. Each test starts the real server on 127.0.0.1:0 with a
//! temp data folder and a settable clock, and drives it over HTTP.

mod helpers;

mod assets;
mod audit_viewer;
mod auth_flows;
mod browser;
mod browser_admin;
mod browser_daily;
mod browser_editor;
mod browser_transfer;
mod browser_workflow;
mod calendar;
mod checks;
mod cli;
mod confirm;
mod crash;
mod editor;
mod editor_upload;
mod feeds;
mod files;
mod first_run;
mod http_hygiene;
mod intranet_files;
mod item_form_files;
mod kept;
mod login_guard;
mod notify;
mod plug_in;
mod portal;
mod proxy;
mod routes;
mod search;
mod security;
mod selfcheck;
mod settings;
mod site_images;
mod site_layout;
mod stats;
mod storage;
mod system_page;
mod three_duties;
mod tls;
mod units_admin;
mod users_admin;
mod workflow;
