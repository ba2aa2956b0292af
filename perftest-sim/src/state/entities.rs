//! The stored resources (everything but runs).

use std::time::SystemTime;

use perftest_sdk::types;
use serde_json::Value;

use crate::profile::Profile;

/// A CPTS project (test suite).
#[derive(Debug, Clone)]
pub(crate) struct Project {
    pub id: i32,
    pub name: String,
    pub description: Option<String>,
    pub source: i32,
    pub external_params: Option<Value>,
    pub created: SystemTime,
    pub updated: SystemTime,
}

/// A case directory of a project.
#[derive(Debug, Clone)]
pub(crate) struct Directory {
    pub id: i32,
    pub project_id: i32,
    pub name: String,
    pub created: SystemTime,
    pub updated: SystemTime,
}

/// Which API family a case belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CaseOwner {
    /// Old edition (`/v1/task-cases`): the case belongs to one task.
    Task(i32),
    /// New edition (`/v2/test-cases`): the case lives in a directory.
    Directory(i32),
}

/// A test case, of either edition.
#[derive(Debug, Clone)]
pub(crate) struct Case {
    pub id: i32,
    pub project_id: i32,
    pub owner: CaseOwner,
    /// The script and stages, `case_id` filled in.
    pub detail: types::CaseInfoDetail,
    pub created: SystemTime,
    pub updated: SystemTime,
}

impl Case {
    pub(crate) fn name(&self) -> String {
        self.detail.name.clone().unwrap_or_default()
    }

    /// The request cards of the script (`content_type` 2), in script order.
    pub(crate) fn request_cards(&self) -> impl Iterator<Item = &types::ContentInfo> {
        self.detail
            .contents
            .iter()
            .flatten()
            .flat_map(|c| c.content.iter().flatten())
            .filter(|c| c.content_type == Some(2))
            .filter_map(|c| c.content.as_ref())
    }

    /// The directory shown as the case's parent (0 for old-edition cases).
    pub(crate) fn parent_id(&self) -> i32 {
        match self.owner {
            CaseOwner::Directory(d) => d,
            CaseOwner::Task(_) => 0,
        }
    }
}

/// Task edition: `run_type`/`type` 0 (v1 APIs) or 1 (v3 APIs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Edition {
    V1,
    V3,
}

impl Edition {
    pub(crate) fn code(self) -> i32 {
        match self {
            Self::V1 => 0,
            Self::V3 => 1,
        }
    }

    pub(crate) fn label(self) -> &'static str {
        match self {
            Self::V1 => "old-edition (v1)",
            Self::V3 => "new-edition (v3)",
        }
    }
}

/// A task.
#[derive(Debug, Clone)]
pub(crate) struct Task {
    pub id: i32,
    pub project_id: i32,
    pub edition: Edition,
    pub name: String,
    pub description: Option<String>,
    pub parallel: bool,
    pub operate_mode: i32,
    pub bench_concurrent: Option<i32>,
    pub enable_full_link: Option<bool>,
    pub case_ids: Vec<i32>,
    pub temps: Vec<String>,
    /// Set through the control API; `None` = the configured default.
    pub profile: Option<Profile>,
    /// Run ids, oldest first.
    pub runs: Vec<i32>,
    /// Start requests accepted.
    pub starts: u64,
    /// Stop requests accepted.
    pub stops: u64,
    pub created: SystemTime,
    pub updated: SystemTime,
}

/// A transaction (template).
#[derive(Debug, Clone)]
pub(crate) struct Template {
    pub id: i32,
    pub project_id: i32,
    pub name: String,
    pub description: Option<String>,
    pub temp_type: i32,
    pub contents: Vec<Value>,
    pub for_loop_params: Option<Vec<Value>>,
    pub enable_pre: Option<bool>,
    pub updated: SystemTime,
}

/// A global variable of a project.
#[derive(Debug, Clone)]
pub(crate) struct Variable {
    pub id: i32,
    pub project_id: i32,
    pub name: String,
    pub variable_type: i32,
    pub values: Vec<Value>,
    pub is_quoted: bool,
}

/// A full-link stress agent.
#[derive(Debug, Clone)]
pub(crate) struct Agent {
    pub id: i32,
    pub app_id: i32,
    pub last_update_ms: Option<i64>,
}
