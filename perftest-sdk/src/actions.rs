//! Ready-made bodies for the start/stop operations, so callers do not repeat the resource-group
//! boilerplate CPTS requires on every call.

use crate::{types, TaskStatus};

impl types::UpdateTaskStatusRequestBody {
    /// Start or stop a task on the shared resource group (the default for most runs).
    ///
    /// ```
    /// use perftest_sdk::{types::UpdateTaskStatusRequestBody, TaskStatus};
    /// let body = UpdateTaskStatusRequestBody::shared(TaskStatus::Start);
    /// assert_eq!(body.cluster_id, 0);
    /// ```
    pub fn shared(status: TaskStatus) -> Self {
        Self::on_cluster(status, 0, types::ClusterType::SharedClusterInternet)
    }

    /// Start or stop a task on a private resource group (cluster) of the account.
    ///
    /// ```
    /// use perftest_sdk::{types::{ClusterType, UpdateTaskStatusRequestBody}, TaskStatus};
    /// let body = UpdateTaskStatusRequestBody::private(TaskStatus::Start, 17);
    /// assert_eq!(body.cluster_type, ClusterType::PrivateCluster);
    /// ```
    pub fn private(status: TaskStatus, cluster_id: i32) -> Self {
        Self::on_cluster(status, cluster_id, types::ClusterType::PrivateCluster)
    }

    fn on_cluster(status: TaskStatus, cluster_id: i32, cluster_type: types::ClusterType) -> Self {
        Self {
            status,
            cluster_id,
            cluster_type,
            without_package: 0,
            network_info: internet(),
            enterprise_project_id: None,
        }
    }
}

impl types::BatchUpdateTaskStatusRequestBody {
    /// Start or stop several tasks of one CPTS project on the shared resource group.
    ///
    /// ```
    /// use perftest_sdk::{types::BatchUpdateTaskStatusRequestBody, TaskStatus};
    /// let body = BatchUpdateTaskStatusRequestBody::shared(TaskStatus::Stop, 7, vec![11, 12]);
    /// assert_eq!(body.task_id_list, vec![11, 12]);
    /// ```
    pub fn shared(status: TaskStatus, project_id: i32, task_ids: Vec<i32>) -> Self {
        Self {
            status,
            project_id,
            task_id_list: task_ids,
            cluster_id: 0,
            cluster_type: types::ClusterType::SharedClusterInternet,
            without_package: Some(0),
            network_info: Some(internet()),
            enterprise_project_id: None,
            type_: None,
        }
    }
}

fn internet() -> types::NetworkInfo {
    types::NetworkInfo { network_type: types::NetworkType::Internet }
}
