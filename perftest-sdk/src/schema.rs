//! JSON Schemas of the hand-written types the generated ones refer to (feature `schemars`): every
//! generated type derives `schemars::JsonSchema` when the feature is on.
//! `tests/tests/schemas.rs` checks the schemas against the catalog's enums.

use crate::{RunStatus, TaskStatus};

impl schemars::JsonSchema for TaskStatus {
    fn schema_name() -> String {
        "TaskStatus".into()
    }
    fn json_schema(_: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        int_enum_schema(&[9, 2])
    }
}

impl schemars::JsonSchema for RunStatus {
    fn schema_name() -> String {
        "RunStatus".into()
    }
    fn json_schema(_: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        schemars::schema::SchemaObject {
            instance_type: Some(schemars::schema::InstanceType::Integer.into()),
            format: Some("int32".into()),
            ..Default::default()
        }
        .into()
    }
}

fn int_enum_schema(values: &[i32]) -> schemars::schema::Schema {
    schemars::schema::SchemaObject {
        instance_type: Some(schemars::schema::InstanceType::Integer.into()),
        format: Some("int32".into()),
        enum_values: Some(values.iter().map(|v| (*v).into()).collect()),
        ..Default::default()
    }
    .into()
}
