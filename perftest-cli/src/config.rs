//! The SDK client from the global flags, the environment and the credentials file, with
//! configuration errors that say what to set.

use perftest_sdk::auth::CredentialsError;
use perftest_sdk::auth::credentials::{ENV_AK, ENV_PROJECT_ID, ENV_SK};
use perftest_sdk::region::RegionError;
use perftest_sdk::{Client, ConfigError};

use crate::cli::GlobalArgs;
use crate::exit::Fail;

/// Environment variable read when `--region` is not given.
pub const ENV_REGION: &str = "PERFTEST_REGION";
/// Environment variable read when `--endpoint` is not given.
pub const ENV_ENDPOINT: &str = "PERFTEST_ENDPOINT";

/// Build the client exactly as the SDK configures itself: credentials from the environment
/// (`HUAWEICLOUD_SDK_AK`, `_SK`, `_SECURITY_TOKEN`, `_PROJECT_ID`) or the credentials file, the
/// endpoint from `--endpoint` or `--region`.
pub fn client(global: &GlobalArgs) -> Result<Client, Fail> {
    let mut builder = Client::builder().user_agent_suffix(concat!("perftest-cli/", env!("CARGO_PKG_VERSION")));
    // A blank value counts as unset, as for the SDK's own variables (a CI secret that is not defined
    // often arrives as an empty variable).
    let given = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
    if let Some(region) = given(&global.region) {
        builder = builder.region(region);
    }
    if let Some(endpoint) = given(&global.endpoint) {
        builder = builder.endpoint(endpoint);
    }
    if let Some(project_id) = &global.project_id {
        builder = builder.project_id(project_id);
    }
    let client = builder.build().map_err(config_error)?;
    // Logged only once accepted: an endpoint the SDK refused may carry `user:secret@`.
    tracing::debug!(region = ?global.region, endpoint = ?global.endpoint, "client configured");
    Ok(client)
}

/// A configuration error in the CLI's words (flags and variables rather than builder methods).
pub fn config_error(e: ConfigError) -> Fail {
    let message = match &e {
        ConfigError::NoEndpoint => format!(
            "no CPTS endpoint: pass --region REGION (for example --region cn-north-4) or set {ENV_REGION}; \
             or pass --endpoint URL or set {ENV_ENDPOINT}"
        ),
        ConfigError::MissingProjectId => format!(
            "no IAM project id: set {ENV_PROJECT_ID}, add `project_id = ...` to the [basiccredentials] section \
             of the credentials file (~/.huaweicloud/credentials), or pass --project-id"
        ),
        ConfigError::Credentials(CredentialsError::IncompleteEnv { present, missing })
            if std::env::var_os(missing).is_some() =>
        {
            format!(
                "configuration error: environment variable {missing} is empty (while {present} is set): \
                 set it, or unset both to use the credentials file"
            )
        }
        ConfigError::Region(RegionError::InvalidEndpoint { endpoint, origin, reason }) => {
            let origin = if origin == "argument" { format!("--endpoint or {ENV_ENDPOINT}") } else { origin.clone() };
            format!(
                "configuration error: invalid endpoint {endpoint:?} from {origin}: {reason}; write it as \
                 https://HOST[:PORT] (http:// for a local simulator), without a path, query or user info"
            )
        }
        ConfigError::Credentials(inner) => {
            let text = inner.to_string().replace(", or pass credentials explicitly", "");
            if text.contains(ENV_AK) || text.contains(ENV_SK) || text.contains("credentials file") {
                format!("configuration error: {text}")
            } else {
                format!("configuration error: {text} (credentials come from {ENV_AK}/{ENV_SK} or the credentials file)")
            }
        }
        other => format!("configuration error: {other}"),
    };
    Fail::config(message)
}
