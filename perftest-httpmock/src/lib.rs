//! Typed [httpmock](https://docs.rs/httpmock) helpers for every CPTS operation, generated from
//! `openapi/cpts.yaml` beside the SDK (`cargo xtask codegen`), so tests of code that uses
//! `perftest-sdk` can stub CPTS with typed values instead of hand-written JSON.
//!
//! ```no_run
//! use httpmock::MockServer;
//! use perftest_httpmock::MockServerExt;
//! use perftest_sdk::types;
//!
//! # async fn demo() {
//! let server = MockServer::start_async().await;
//! let task = types::ShowTaskResponse::builder().code("SVCSTG.CPTS.0000000".to_owned());
//! let mock = server.show_task(|when, then| {
//!     when.task_id(7);
//!     then.success(200, &task.try_into().unwrap());
//! });
//! // ... point a perftest_sdk::Client at server.base_url() and call show_task ...
//! mock.assert();
//! # }
//! ```

#[rustfmt::skip]
#[allow(clippy::all, unused, missing_docs, rustdoc::all)]
mod generated;

pub use generated::*;
