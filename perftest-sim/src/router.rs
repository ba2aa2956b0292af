//! Matching a raw request path against the operation table of the SDK
//! (`perftest_sdk::dispatch::OPERATIONS`), so server and client share one list of paths.

use http::Method;
use percent_encoding::percent_decode_str;
use perftest_sdk::dispatch::{OperationMeta, OPERATIONS};

use crate::routes::{self, Handler};

#[derive(Debug, Clone, Copy)]
enum Segment {
    Literal(&'static str),
    Param(&'static str),
}

/// One operation's route.
pub(crate) struct Route {
    pub op: &'static OperationMeta,
    pub handler: Handler,
    method: Method,
    segments: Vec<Segment>,
    literals: usize,
}

/// A matched request: the route and its path parameters (percent-decoded), `project_id` included.
pub(crate) struct Matched<'r> {
    pub route: &'r Route,
    pub params: Vec<(&'static str, String)>,
}

impl Matched<'_> {
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }
}

/// The route table.
pub(crate) struct Router {
    routes: Vec<Route>,
}

impl Router {
    /// Every operation that has a handler (all 46; a unit test checks it).
    pub(crate) fn new() -> Self {
        let routes = OPERATIONS
            .iter()
            .filter_map(|op| {
                let handler = routes::handler(op.id)?;
                let method = Method::from_bytes(op.method.as_bytes()).ok()?;
                let segments: Vec<Segment> = op
                    .path
                    .split('/')
                    .map(|s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                        Some(name) => Segment::Param(name),
                        None => Segment::Literal(s),
                    })
                    .collect();
                let literals = segments.iter().filter(|s| matches!(s, Segment::Literal(_))).count();
                Some(Route { op, handler, method, segments, literals })
            })
            .collect();
        Self { routes }
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.routes.len()
    }

    /// The route for `method` and the raw (percent-encoded) `path`; literal segments win over
    /// parameters (`/tasks/history-run-list/{id}` before `/tasks/{id}`, `/test-suites/upload/processes`
    /// before `/test-suites/{id}/...`).
    pub(crate) fn find(&self, method: &Method, path: &str) -> Option<Matched<'_>> {
        let decoded: Vec<String> =
            path.split('/').map(|s| percent_decode_str(s).decode_utf8_lossy().into_owned()).collect();
        self.routes
            .iter()
            .filter(|r| r.method == *method && r.segments.len() == decoded.len())
            .filter_map(|r| {
                let mut params = Vec::new();
                for (seg, value) in r.segments.iter().zip(&decoded) {
                    match seg {
                        Segment::Literal(l) if *l == value => {}
                        Segment::Literal(_) => return None,
                        Segment::Param(_) if value.is_empty() => return None,
                        Segment::Param(name) => params.push((*name, value.clone())),
                    }
                }
                Some(Matched { route: r, params })
            })
            .max_by_key(|m| m.route.literals)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_segments_win_and_params_are_decoded() {
        let r = Router::new();
        assert_eq!(r.len(), OPERATIONS.len());
        let m = r.find(&Method::GET, "/v1/p/tasks/history-run-list/7").unwrap();
        assert_eq!(m.route.op.id, "show_history_run_info");
        assert_eq!(m.param("task_id"), Some("7"));
        assert_eq!(r.find(&Method::GET, "/v1/p/tasks/7").unwrap().route.op.id, "show_task");
        assert_eq!(r.find(&Method::GET, "/v1/p/test-suites/upload/processes").unwrap().route.op.id, "show_process");
        let m = r.find(&Method::PUT, "/v1/p/task-cases/3/target/a%20b").unwrap();
        assert_eq!(m.route.op.id, "update_case");
        assert_eq!(m.param("target"), Some("a b"));
        assert_eq!(
            r.find(&Method::POST, "/v1/p/test-suites/1/tasks/batch-update-task-status").unwrap().route.op.id,
            "batch_update_task_status"
        );
        assert!(r.find(&Method::PATCH, "/v1/p/tasks/7").is_none());
        assert!(r.find(&Method::GET, "/v1/p/tasks/7/").is_none());
        assert!(r.find(&Method::GET, "/v9/p/tasks/7").is_none());
    }
}
