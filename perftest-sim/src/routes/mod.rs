//! The 46 CPTS operations: one handler per operation id, grouped by tag, and what a handler sees
//! of the request.

mod agents;
mod cases;
mod directories;
mod projects;
mod reports;
mod tasks;
mod templates;
mod variables;

use std::time::SystemTime;

use http::StatusCode;
use perftest_sdk::types;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::config::SimConfig;
use crate::error::{codes, ApiError};
use crate::state::Store;

/// A handler: the decoded request and the locked state in, a reply or an error out.
pub(crate) type Handler = fn(&Call<'_>, &mut Store) -> Result<Reply, ApiError>;

/// Every operation id with its handler.
pub(crate) const HANDLERS: &[(&str, Handler)] = &[
    ("list_project_sets", projects::list_project_sets),
    ("create_project", projects::create_project),
    ("show_project", projects::show_project),
    ("update_project", projects::update_project),
    ("delete_project", projects::delete_project),
    ("show_process", projects::show_process),
    ("list_project_test_case", directories::list_project_test_case),
    ("create_directory", directories::create_directory),
    ("update_directory", directories::update_directory),
    ("delete_directory", directories::delete_directory),
    ("create_case", cases::create_case),
    ("create_new_case", cases::create_new_case),
    ("debug_case", cases::debug_case),
    ("delete_case", cases::delete_case),
    ("show_case", cases::show_case),
    ("update_new_case", cases::update_new_case),
    ("delete_new_case", cases::delete_new_case),
    ("update_case", cases::update_case),
    ("batch_update_task_status", tasks::batch_update_task_status),
    ("create_new_task", tasks::create_new_task),
    ("create_task", tasks::create_task),
    ("update_task_related_test_case", tasks::update_task_related_test_case),
    ("delete_new_task", tasks::delete_task),
    ("show_task", tasks::show_task),
    ("update_task", tasks::update_task),
    ("delete_task", tasks::delete_task),
    ("list_task_cases", tasks::list_task_cases),
    ("show_task_set", tasks::show_task_set),
    ("update_task_status", tasks::update_task_status),
    ("create_temp", templates::create_temp),
    ("show_temp", templates::show_temp),
    ("update_temp", templates::update_temp),
    ("delete_temp", templates::delete_temp),
    ("show_temp_set", templates::show_temp_set),
    ("update_variable", variables::update_variable),
    ("create_variable", variables::create_variable),
    ("delete_variable", variables::delete_variable),
    ("list_variables", variables::list_variables),
    ("show_history_run_info", reports::show_history_run_info),
    ("show_merge_case_detail", reports::show_merge_case_detail),
    ("show_merge_report_logs_outline", reports::show_merge_report_logs_outline),
    ("show_merge_task_case", reports::show_merge_task_case),
    ("show_report", reports::show_report),
    ("show_task_case_aw_chart", reports::show_task_case_aw_chart),
    ("show_agent_config", agents::show_agent_config),
    ("update_agent_health_status", agents::update_agent_health_status),
];

/// The handler of an operation id.
pub(crate) fn handler(operation: &str) -> Option<Handler> {
    HANDLERS.iter().find(|(id, _)| *id == operation).map(|(_, h)| *h)
}

/// A request as a handler sees it.
pub(crate) struct Call<'a> {
    /// Path parameters, percent-decoded.
    pub params: Vec<(&'static str, String)>,
    /// Query pairs, decoded.
    pub query: Vec<(String, String)>,
    pub body: &'a [u8],
    pub now: SystemTime,
    pub config: &'a SimConfig,
}

impl Call<'_> {
    /// Simulated seconds per clock second.
    pub(crate) fn scale(&self) -> f64 {
        self.config.effective_time_scale()
    }

    /// A path parameter as a string.
    pub(crate) fn path_str(&self, name: &str) -> Result<&str, ApiError> {
        self.params
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
            .ok_or_else(|| ApiError::bad_request(codes::BAD_PARAM, format!("missing path parameter {name}")))
    }

    /// A path parameter that must be an integer id.
    pub(crate) fn path_id(&self, name: &str) -> Result<i32, ApiError> {
        let raw = self.path_str(name)?;
        parse_int(name, raw, "path")
    }

    /// An optional integer query parameter (must not be negative).
    pub(crate) fn query_int(&self, name: &str) -> Result<Option<i32>, ApiError> {
        match self.query.iter().rev().find(|(k, _)| k == name) {
            None => Ok(None),
            Some((_, v)) => {
                let n = parse_int(name, v, "query")?;
                if n < 0 {
                    return Err(ApiError::bad_request(
                        codes::BAD_PARAM,
                        format!("Invalid parameter: query parameter {name} must not be negative, got {n}"),
                    ));
                }
                Ok(Some(n))
            }
        }
    }

    /// A required integer query parameter.
    pub(crate) fn query_required(&self, name: &str) -> Result<i32, ApiError> {
        self.query_int(name)?.ok_or_else(|| {
            ApiError::bad_request(codes::BAD_PARAM, format!("Invalid parameter: query parameter {name} is required"))
        })
    }

    /// The JSON body decoded as `T`; errors name the offending field path.
    pub(crate) fn body<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        decode_body(self.body)
    }
}

fn parse_int(name: &str, raw: &str, place: &str) -> Result<i32, ApiError> {
    raw.parse::<i32>().map_err(|_| {
        let shown: String = raw.chars().take(64).collect();
        ApiError::bad_request(
            codes::BAD_PARAM,
            format!("Invalid parameter: {place} parameter {name} must be an integer, got {shown:?}"),
        )
    })
}

/// Decodes a JSON request body, naming the field on type errors.
pub(crate) fn decode_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(codes::BAD_JSON, "Invalid request body: a JSON body is required"));
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            ApiError::bad_request(codes::BAD_JSON, format!("Invalid request body: not valid JSON ({inner})"))
        } else if path == "." || path.is_empty() {
            ApiError::bad_request(codes::BAD_FIELD, format!("Invalid request body: {inner}"))
        } else {
            ApiError::bad_request(codes::BAD_FIELD, format!("Invalid request body: field {path}: {inner}"))
        }
    })?;
    de.end()
        .map_err(|e| ApiError::bad_request(codes::BAD_JSON, format!("Invalid request body: not valid JSON ({e})")))?;
    Ok(value)
}

/// A successful answer.
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: StatusCode,
    pub body: Vec<u8>,
}

/// `200` with `value` as JSON.
pub(crate) fn ok<T: Serialize>(value: &T) -> Result<Reply, ApiError> {
    reply(StatusCode::OK, value)
}

/// `201` with `value` as JSON (what CPTS answers to creates).
pub(crate) fn created<T: Serialize>(value: &T) -> Result<Reply, ApiError> {
    reply(StatusCode::CREATED, value)
}

/// `200` with the bare success envelope (operations whose SDK model has no fields).
pub(crate) fn done() -> Result<Reply, ApiError> {
    ok(&types::CodeMessageResq { code: success_code(), message: success_message() })
}

fn reply<T: Serialize>(status: StatusCode, value: &T) -> Result<Reply, ApiError> {
    serde_json::to_vec(value)
        .map(|body| Reply { status, body })
        .map_err(|e| ApiError::internal(format!("cannot encode the response: {e}")))
}

/// `Some("SVCSTG.CPTS.0000000")`.
pub(crate) fn success_code() -> Option<String> {
    Some(codes::SUCCESS.to_owned())
}

/// `Some("success")`.
pub(crate) fn success_message() -> Option<String> {
    Some("success".to_owned())
}

/// Rejects names that are empty or only whitespace.
pub(crate) fn require_name(field: &str, name: &str) -> Result<(), ApiError> {
    if name.trim().is_empty() {
        return Err(ApiError::bad_value(format!("Invalid parameter: {field} must not be empty")));
    }
    if name.chars().count() > 256 {
        return Err(ApiError::bad_value(format!("Invalid parameter: {field} is longer than 256 characters")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_has_a_handler_and_no_more() {
        for op in perftest_sdk::dispatch::OPERATIONS {
            assert!(handler(op.id).is_some(), "no handler for {}", op.id);
        }
        assert_eq!(HANDLERS.len(), perftest_sdk::dispatch::OPERATIONS.len());
    }

    #[test]
    fn body_errors_name_the_field() {
        let e = decode_body::<types::CreateProjectRequestBody>(br#"{"name": 5}"#).unwrap_err();
        let ApiError::Service { code, message, .. } = e else { panic!("{e:?}") };
        assert_eq!(code, codes::BAD_FIELD);
        assert!(message.contains("name"), "{message}");
        let e = decode_body::<types::CreateProjectRequestBody>(br#"{"description": "x"}"#).unwrap_err();
        assert!(format!("{e:?}").contains("missing field `name`"), "{e:?}");
        let e = decode_body::<types::CreateProjectRequestBody>(b"{nope").unwrap_err();
        assert!(format!("{e:?}").contains(codes::BAD_JSON), "{e:?}");
        let e = decode_body::<types::CreateProjectRequestBody>(br#"{"name":"a"} x"#).unwrap_err();
        assert!(format!("{e:?}").contains(codes::BAD_JSON), "{e:?}");
    }
}
