//! Full-link stress agents: `/v1/{project_id}/stress/agents...`.

use perftest_sdk::types;

use super::{ok, success_code, success_message, Call, Reply};
use crate::error::{codes, ApiError};
use crate::state::{Agent, Store};
use crate::timefmt::unix_millis;

fn config_of(agent: &Agent) -> types::AgentConfig {
    types::AgentConfig {
        agent_id: Some(agent.id),
        log_level: Some("INFO".into()),
        log_path: Some("/var/log/cpts-agent".into()),
        app_log_level: Some("INFO".into()),
        app_log_path: Some("/var/log/app".into()),
        main_switch: Some(false),
        db_enable: Some(false),
        redis_enable: Some(false),
        kafka_enable: Some(false),
        pulsar_enable: Some(false),
        clickhouse_enable: Some(false),
        mock_rule_list: Some(Vec::new()),
        ..Default::default()
    }
}

/// Registers an agent (no `agent_id`) or updates and returns an existing one's configuration.
pub(crate) fn show_agent_config(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    let body: types::ShowAgentConfigRequestBody = call.body()?;
    if body.address.trim().is_empty() {
        return Err(ApiError::bad_value("Invalid parameter: address must not be empty"));
    }
    let id = match body.agent_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(raw) => {
            let id: i32 = raw.parse().map_err(|_| {
                ApiError::bad_request(
                    codes::BAD_FIELD,
                    format!("Invalid request body: field agent_id must be a numeric id, got {raw:?}"),
                )
            })?;
            store.agent(id)?;
            id
        }
        None => store.alloc()?,
    };
    let agent = Agent { id, app_id: body.app_id, last_update_ms: store.agents.get(&id).and_then(|a| a.last_update_ms) };
    let config = config_of(&agent);
    store.agents.insert(id, agent);
    ok(&types::ShowAgentConfigResponse {
        code: success_code(),
        message: success_message(),
        extend: None,
        result: Some(config),
    })
}

/// Heartbeat: records the time and returns the application status.
pub(crate) fn update_agent_health_status(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    let id = call.path_id("agent_id")?;
    let body: types::UpdateAgentHealthStatusRequestBody = call.body()?;
    store.agent(id)?;
    let agent = store.agents.get_mut(&id).ok_or_else(|| ApiError::not_found("agent_id", id))?;
    agent.last_update_ms = Some(body.update_time);
    let config = config_of(agent);
    ok(&types::UpdateAgentHealthStatusResponse {
        code: success_code(),
        message: success_message(),
        extend: None,
        result: Some(types::UpdateAgentStatusResponseDetail {
            id: Some(agent.app_id),
            status: Some("NORMAL".into()),
            update_time: Some(unix_millis(call.now)),
            result: Some(config),
        }),
    })
}
