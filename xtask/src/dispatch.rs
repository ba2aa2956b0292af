//! Generates `dispatch`: call any operation by its id with JSON arguments. It backs `perftest api`,
//! the request-shape snapshots and the wire conformance test, and stays in step with the spec because
//! it is generated from it beside the client.

use openapiv3::{OpenAPI, Parameter, ReferenceOr, Schema, SchemaKind, Type};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

pub fn generate(spec: &OpenAPI) -> TokenStream {
    let mut metas = Vec::new();
    let mut arms = Vec::new();
    let mut decode_arms = Vec::new();
    for (path, method, op) in spec.operations() {
        let Some(id) = op.operation_id.as_deref() else { continue };
        let method_upper = method.to_uppercase();
        let tag = op.tags.first().cloned().unwrap_or_default();
        let summary = op.summary.clone().unwrap_or_default();
        let op_ident = Ident::new(id, Span::call_site());
        let mut setters = Vec::new();
        let mut param_metas = Vec::new();
        for p in op.parameters.iter().filter_map(ReferenceOr::as_item) {
            let (data, location) = match p {
                Parameter::Path { parameter_data, .. } => (parameter_data, "path"),
                Parameter::Query { parameter_data, .. } => (parameter_data, "query"),
                _ => continue,
            };
            let name = data.name.as_str();
            if name == "project_id" && location == "path" {
                continue; // filled from the client configuration
            }
            let ty = param_type(data);
            let kind = if ty.to_string().contains("String") { "string" } else { "integer" };
            let setter = Ident::new(name, Span::call_site());
            let required = data.required;
            let desc = data.description.clone().unwrap_or_default();
            param_metas.push(quote! {
                ParamMeta { name: #name, location: #location, kind: #kind, required: #required, description: #desc }
            });
            setters.push(if required {
                quote! { b = b.#setter(required_arg::<#ty>(args, #name)?); }
            } else {
                quote! { if let Some(v) = optional_arg::<#ty>(args, #name)? { b = b.#setter(v); } }
            });
        }
        let (body_ty, body_model) = match op.request_body.as_ref().and_then(ReferenceOr::as_item) {
            Some(rb) => match rb.content.get("application/json").and_then(|m| m.schema.as_ref()) {
                Some(ReferenceOr::Reference { reference }) => {
                    let t = Ident::new(ref_name(reference), Span::call_site());
                    (Some(quote!(types::#t)), ref_name(reference).to_string())
                }
                Some(ReferenceOr::Item(Schema { schema_kind: SchemaKind::Type(Type::Array(a)), .. })) => {
                    let r = a.items.as_ref().and_then(|i| match i {
                        ReferenceOr::Reference { reference } => Some(ref_name(reference).to_string()),
                        _ => None,
                    });
                    let r = r.unwrap_or_default();
                    let t = Ident::new(&r, Span::call_site());
                    (Some(quote!(::std::vec::Vec<types::#t>)), format!("[{r}]"))
                }
                _ => (None, String::new()),
            },
            None => (None, String::new()),
        };
        let response = op
            .responses
            .responses
            .iter()
            .find(|(code, _)| code.to_string().starts_with('2'))
            .and_then(|(_, r)| r.as_item())
            .and_then(|r| r.content.get("application/json"))
            .and_then(|m| m.schema.as_ref());
        decode_arms.push(match response {
            Some(ReferenceOr::Reference { reference }) => {
                let t = Ident::new(ref_name(reference), Span::call_site());
                quote! { #id => Some(serde_json::from_slice::<types::#t>(body).and_then(serde_json::to_value)) }
            }
            _ => quote! { #id => Some(Ok(serde_json::Value::Null)) },
        });
        if let Some(t) = &body_ty {
            setters.push(quote! { b = b.body(required_body::<#t>(body)?); });
        }
        let has_body = body_ty.is_some();
        metas.push(quote! {
            OperationMeta {
                id: #id, method: #method_upper, path: #path, tag: #tag, summary: #summary,
                params: &[#(#param_metas),*], body: if #has_body { Some(#body_model) } else { None },
            }
        });
        arms.push(quote! {
            #id => {
                let mut b = client.#op_ident();
                #(#setters)*
                let r = b.send().await?;
                Ok(Reply { status: r.status(), body: to_json(r.into_inner())? })
            }
        });
    }
    quote! {
        /// Call any operation by its id with JSON arguments (generated from the spec).
        pub mod dispatch {
            use super::types;
            use crate::Error;

            /// One path or query parameter of an operation (`project_id` is left out: the client fills it).
            #[derive(Debug, Clone, Copy)]
            pub struct ParamMeta {
                pub name: &'static str,
                pub location: &'static str,
                pub kind: &'static str,
                pub required: bool,
                pub description: &'static str,
            }

            /// An operation as the spec declares it.
            #[derive(Debug, Clone, Copy)]
            pub struct OperationMeta {
                pub id: &'static str,
                pub method: &'static str,
                pub path: &'static str,
                pub tag: &'static str,
                pub summary: &'static str,
                pub params: &'static [ParamMeta],
                /// The body schema name (`[Name]` for a JSON array), if the operation takes a body.
                pub body: Option<&'static str>,
            }

            /// Every operation of the spec, in spec order.
            pub const OPERATIONS: &[OperationMeta] = &[#(#metas),*];

            /// Look an operation up by id.
            pub fn operation(id: &str) -> Option<&'static OperationMeta> {
                OPERATIONS.iter().find(|o| o.id == id)
            }

            /// A decoded answer: the status and the typed body re-encoded as JSON (`null` when the
            /// operation declares no body).
            #[derive(Debug, Clone, PartialEq)]
            pub struct Reply {
                pub status: reqwest::StatusCode,
                pub body: serde_json::Value,
            }

            /// Call `operation` with path and query arguments from `args` (by parameter name) and the
            /// JSON `body`. Arguments are checked against the parameter types before anything is sent.
            pub async fn call(
                client: &super::Client,
                operation: &str,
                args: &serde_json::Map<String, serde_json::Value>,
                body: Option<serde_json::Value>,
            ) -> Result<Reply, Error> {
                match operation {
                    #(#arms)*
                    other => Err(Error::InvalidRequest(format!(
                        "unknown operation `{other}`; known operations: {}",
                        OPERATIONS.iter().map(|o| o.id).collect::<Vec<_>>().join(", ")
                    ))),
                }
            }

            /// Decode a success body of `operation` with its response type, re-encoded as JSON
            /// (`null` for operations without a response body); `None` for an unknown operation.
            pub fn decode_response(operation: &str, body: &[u8]) -> Option<Result<serde_json::Value, serde_json::Error>> {
                match operation {
                    #(#decode_arms,)*
                    _ => None,
                }
            }

            fn required_arg<T: serde::de::DeserializeOwned>(
                args: &serde_json::Map<String, serde_json::Value>,
                name: &str,
            ) -> Result<T, Error> {
                optional_arg(args, name)?
                    .ok_or_else(|| Error::InvalidRequest(format!("missing required parameter `{name}`")))
            }

            fn optional_arg<T: serde::de::DeserializeOwned>(
                args: &serde_json::Map<String, serde_json::Value>,
                name: &str,
            ) -> Result<Option<T>, Error> {
                match args.get(name) {
                    None | Some(serde_json::Value::Null) => Ok(None),
                    Some(v) => serde_json::from_value(v.clone())
                        .map(Some)
                        .map_err(|e| Error::InvalidRequest(format!("parameter `{name}`: {e}"))),
                }
            }

            fn required_body<T: serde::de::DeserializeOwned>(body: Option<serde_json::Value>) -> Result<T, Error> {
                let body = body.ok_or_else(|| Error::InvalidRequest("this operation needs a JSON body".into()))?;
                serde_json::from_value(body).map_err(|e| Error::InvalidRequest(format!("body: {e}")))
            }

            fn to_json<T: serde::Serialize>(value: T) -> Result<serde_json::Value, Error> {
                serde_json::to_value(value).map_err(|e| Error::InvalidRequest(format!("re-encoding the response: {e}")))
            }
        }
    }
}

fn ref_name(reference: &str) -> &str {
    reference.rsplit('/').next().unwrap_or(reference)
}

fn param_type(data: &openapiv3::ParameterData) -> TokenStream {
    let schema = match &data.format {
        openapiv3::ParameterSchemaOrContent::Schema(ReferenceOr::Item(s)) => Some(&s.schema_kind),
        _ => None,
    };
    match schema {
        Some(SchemaKind::Type(Type::Integer(i))) => match &i.format {
            openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int64) => quote!(i64),
            _ => quote!(i32),
        },
        Some(SchemaKind::Type(Type::Boolean(_))) => quote!(bool),
        _ => quote!(::std::string::String),
    }
}
