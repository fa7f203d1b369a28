//! The mutations, one per line: an id, the part of the API it touches, its label, and the
//! edits that make it. Labels follow the rule the report follows (narrowing what a client may
//! send, or widening what it may receive, breaks it) and were checked against oasdiff's list of
//! breaking-change examples; where they differ it is because of how the client is generated: a
//! new success status is breaking here (a generated client fails on it), and a new value in a
//! response enum of strings is not (every string enum is generated open).

use serde_json::{Value, json};

use super::edit::{Edit, pull, push, remove, rename, reverse, set};
use super::{Category::*, Mutation, Verdict::*};

const START_BODY: &str = "@/agents@/post/requestBody/content/application~1json/schema";
const TEST_BODY: &str = "@/tests@/post/requestBody/content/application~1json/schema";
const GET_AGENT: &str = "@/agents/{agentId}@/get";
const LIST_REVIEWS: &str = "@/code-reviews@/get";
const AGENT: &str = "/components/schemas/Agent";
const SECOND_SCHEME: &str = "/components/securitySchemes/apiKeyAuth";

/// Every mutation, by category.
pub(super) fn all() -> Vec<Mutation> {
    [
        operations(),
        parameters(),
        request_bodies(),
        responses(),
        security(),
        refactors(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn m(
    id: &'static str,
    category: super::Category,
    expected: super::Verdict,
    edits: Vec<Edit>,
) -> Mutation {
    Mutation {
        id,
        category,
        expected,
        edits,
    }
}

fn start_prop(name: &str) -> String {
    format!("{START_BODY}/properties/{name}")
}

fn test_prop(name: &str) -> String {
    format!("{TEST_BODY}/properties/{name}")
}

fn agent_prop(name: &str) -> String {
    format!("{AGENT}/properties/{name}")
}

fn agent_param(index: usize) -> String {
    format!("{GET_AGENT}/parameters/{index}")
}

fn review_param(index: usize) -> String {
    format!("{LIST_REVIEWS}/parameters/{index}")
}

fn string() -> Value {
    json!({"type": "string"})
}

fn api_key() -> Value {
    json!({"type": "apiKey", "in": "header", "name": "X-API-Key"})
}

/// Whole operations: removed, added, moved, renamed, deprecated.
#[rustfmt::skip]
fn operations() -> Vec<Mutation> {
    vec![
        m("operation-removed", Operations, Breaking, vec![remove("@/tests/{testId}@/delete")]),
        m("operation-added", Operations, Additive, vec![
            set("@/agents@/get", json!({"operationId": "listAgents", "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Agent"}}}}}}})),
        ]),
        m("path-added", Operations, Additive, vec![
            Edit::AddPath("/agents", "/health", json!({"get": {"operationId": "health", "responses": {"204": {"description": "up"}}}})),
        ]),
        m("path-changed", Operations, Breaking, vec![
            Edit::ReplaceText("/test-runs/{runId}\"", "/runs/{runId}\""),
        ]),
        m("method-changed", Operations, Breaking, vec![
            rename("@/tests/{testId}@", "put", "patch"),
        ]),
        m("path-parameter-renamed", Operations, NoChange, vec![
            Edit::ReplaceText("/tests/{testId}\"", "/tests/{id}\""),
            Edit::ReplaceText("\"name\":\"testId\"", "\"name\":\"id\""),
        ]),
        m("operation-deprecated", Operations, Additive, vec![
            set("@/agents@/post/deprecated", json!(true)),
        ]),
        m("operation-id-changed", Operations, NoChange, vec![
            set("@/agents@/post/operationId", json!("createAgent")),
        ]),
        m("operation-summary-and-tags-changed", Operations, NoChange, vec![
            set("@/agents@/post/summary", json!("Launch an agent")),
            set("@/agents@/post/tags", json!(["Runs"])),
        ]),
    ]
}

/// Query, path, header and path-level parameters.
#[rustfmt::skip]
fn parameters() -> Vec<Mutation> {
    vec![
        m("query-parameter-optional-added", Parameters, Additive, vec![
            push(format!("{GET_AGENT}/parameters"), json!({"name": "include", "in": "query", "schema": {"type": "string"}})),
        ]),
        m("query-parameter-required-added", Parameters, Breaking, vec![
            push(format!("{GET_AGENT}/parameters"), json!({"name": "projectId", "in": "query", "required": true, "schema": {"type": "string"}})),
        ]),
        m("query-parameter-removed", Parameters, Breaking, vec![remove(review_param(1))]),
        m("query-parameter-became-required", Parameters, Breaking, vec![
            set(format!("{}/required", review_param(1)), json!(true)),
        ]),
        m("query-parameter-became-optional", Parameters, Additive, vec![
            set(format!("{}/required", review_param(0)), json!(false)),
        ]),
        m("query-parameter-type-changed", Parameters, Breaking, vec![
            set(format!("{}/schema/type", review_param(1)), json!("string")),
        ]),
        m("query-parameter-type-widened", Parameters, Additive, vec![
            set(format!("{}/schema/type", review_param(1)), json!("number")),
        ]),
        m("query-parameter-maximum-lowered", Parameters, Breaking, vec![
            set(format!("{}/schema/maximum", agent_param(1)), json!(200)),
        ]),
        m("query-parameter-maximum-raised", Parameters, Additive, vec![
            set(format!("{}/schema/maximum", agent_param(1)), json!(1000)),
        ]),
        m("query-parameter-maximum-removed", Parameters, Additive, vec![
            remove(format!("{}/schema/maximum", agent_param(1))),
        ]),
        m("query-parameter-minimum-added", Parameters, Breaking, vec![
            set(format!("{}/schema/minimum", review_param(1)), json!(10)),
        ]),
        m("query-parameter-enum-added", Parameters, Breaking, vec![
            set(format!("{}/schema/enum", review_param(1)), json!([10, 50, 100])),
        ]),
        m("query-parameter-maximum-made-exclusive", Parameters, Breaking, vec![
            remove(format!("{}/schema/maximum", agent_param(1))),
            set(format!("{}/schema/exclusiveMaximum", agent_param(1)), json!(500)),
        ]),
        m("query-parameter-default-changed", Parameters, Breaking, vec![
            set(format!("{}/schema/default", agent_param(1)), json!(50)),
        ]),
        m("query-parameter-style-changed", Parameters, Breaking, vec![
            set(format!("{}/style", review_param(0)), json!("spaceDelimited")),
        ]),
        m("query-parameter-defaults-spelled-out", Parameters, NoChange, vec![
            set(format!("{}/style", review_param(0)), json!("form")),
            set(format!("{}/explode", review_param(0)), json!(true)),
        ]),
        m("query-parameter-described", Parameters, NoChange, vec![
            set(format!("{}/description", review_param(1)), json!("How many reviews to return.")),
        ]),
        m("query-parameter-moved-to-header", Parameters, Breaking, vec![
            set(format!("{}/in", review_param(1)), json!("header")),
        ]),
        m("path-parameter-type-changed", Parameters, Breaking, vec![
            set(format!("{}/schema/type", agent_param(0)), json!("integer")),
        ]),
        m("path-parameter-pattern-added", Parameters, Breaking, vec![
            set(format!("{}/schema/pattern", agent_param(0)), json!("^ag_[a-z0-9]+$")),
        ]),
        m("header-parameter-required-added", Parameters, Breaking, vec![
            push(format!("{GET_AGENT}/parameters"), json!({"name": "X-Workspace", "in": "header", "required": true, "schema": {"type": "string"}})),
        ]),
        m("header-parameter-optional-added", Parameters, Additive, vec![
            push(format!("{GET_AGENT}/parameters"), json!({"name": "X-Request-Id", "in": "header", "schema": {"type": "string"}})),
        ]),
        m("path-level-parameter-required-added", Parameters, Breaking, vec![
            push("@/agents/{agentId}@/parameters", json!({"name": "X-Workspace", "in": "header", "required": true, "schema": {"type": "string"}})),
        ]),
        m("path-parameter-moved-to-path-item", Parameters, NoChange, vec![
            remove("@/tests/{testId}@/get/parameters"),
            remove("@/tests/{testId}@/put/parameters"),
            remove("@/tests/{testId}@/delete/parameters"),
            push("@/tests/{testId}@/parameters", json!({"name": "testId", "in": "path", "required": true, "schema": {"type": "string"}})),
        ]),
    ]
}

/// Request bodies: fields, required flags, types and formats both ways, enums, limits both ways, media types.
#[rustfmt::skip]
fn request_bodies() -> Vec<Mutation> {
    vec![
        m("request-field-optional-added", RequestBodies, Additive, vec![
            set(start_prop("label"), string()),
        ]),
        m("request-field-required-added", RequestBodies, Breaking, vec![
            set(start_prop("label"), string()),
            push(format!("{START_BODY}/required"), json!("label")),
        ]),
        m("request-field-removed", RequestBodies, Breaking, vec![remove(start_prop("userEmail"))]),
        m("request-field-became-required", RequestBodies, Breaking, vec![
            push(format!("{START_BODY}/required"), json!("userEmail")),
        ]),
        m("request-field-became-optional", RequestBodies, Additive, vec![
            pull(format!("{START_BODY}/required"), "model"),
        ]),
        m("request-field-type-changed", RequestBodies, Breaking, vec![
            set(format!("{}/type", start_prop("prompt")), json!("integer")),
        ]),
        m("request-field-integer-to-number", RequestBodies, Additive, vec![
            set(format!("{}/type", test_prop("timeoutMinutes")), json!("number")),
        ]),
        m("request-field-number-to-integer", RequestBodies, Breaking, vec![
            set(format!("{}/type", test_prop("graphStartX")), json!("integer")),
        ]),
        m("request-field-format-added", RequestBodies, Breaking, vec![
            set(format!("{}/format", start_prop("appId")), json!("uuid")),
        ]),
        m("request-field-format-removed", RequestBodies, Additive, vec![
            remove(format!("{}/format", start_prop("userEmail"))),
        ]),
        m("request-field-max-length-added", RequestBodies, Breaking, vec![
            set(format!("{}/maxLength", start_prop("prompt")), json!(4000)),
        ]),
        m("request-field-min-length-added", RequestBodies, Breaking, vec![
            set(format!("{}/minLength", start_prop("prompt")), json!(10)),
        ]),
        m("request-field-minimum-added", RequestBodies, Breaking, vec![
            set(format!("{}/minimum", test_prop("timeoutMinutes")), json!(1)),
        ]),
        m("request-field-max-items-added", RequestBodies, Breaking, vec![
            set(format!("{}/maxItems", start_prop("permittedBranches")), json!(5)),
        ]),
        m("request-field-pattern-added", RequestBodies, Breaking, vec![
            set(format!("{}/pattern", start_prop("appId")), json!("^[0-9]+x[0-9]+$")),
        ]),
        m("request-field-multiple-of-added", RequestBodies, Breaking, vec![
            set(format!("{}/multipleOf", test_prop("timeoutMinutes")), json!(5)),
        ]),
        m("request-field-unique-items-added", RequestBodies, Breaking, vec![
            set(format!("{}/uniqueItems", start_prop("permittedBranches")), json!(true)),
        ]),
        m("request-composed-field-became-required", RequestBodies, Breaking, vec![
            Edit::Compose("TestStepInput", json!({"required": ["instruction"]})),
        ]),
        m("request-enum-value-removed", RequestBodies, Breaking, vec![
            pull(format!("{}/enum", test_prop("viewportPreset")), "tablet"),
        ]),
        m("request-enum-value-added", RequestBodies, Additive, vec![
            push(format!("{}/enum", test_prop("viewportPreset")), json!("watch")),
        ]),
        m("request-open-enum-value-added", RequestBodies, Additive, vec![
            push("/components/schemas/SelectableModel/oneOf", json!({"type": "string", "const": "claude-opus-5", "description": "Opus 5"})),
        ]),
        m("request-open-enum-value-removed", RequestBodies, Breaking, vec![
            remove("/components/schemas/SelectableModel/oneOf/0"),
        ]),
        m("request-field-nullable-added", RequestBodies, Additive, vec![
            set(format!("{}/type", start_prop("prompt")), json!(["string", "null"])),
        ]),
        m("request-field-nullable-removed", RequestBodies, Breaking, vec![
            set(format!("{}/type", test_prop("description")), json!("string")),
        ]),
        m("request-field-default-changed", RequestBodies, Breaking, vec![
            set(format!("{}/default", start_prop("reasoningEffort")), json!("high")),
        ]),
        m("request-nested-field-became-required", RequestBodies, Breaking, vec![
            push("/components/schemas/TestStepInput/required", json!("instruction")),
        ]),
        m("request-body-became-optional", RequestBodies, Additive, vec![
            set("@/agents@/post/requestBody/required", json!(false)),
        ]),
        m("request-body-removed", RequestBodies, Breaking, vec![
            remove("@/agents@/post/requestBody"),
        ]),
        m("request-body-required-added", RequestBodies, Breaking, vec![
            set("@/automations/{automationId}/run@/post/requestBody", json!({"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {"branch": {"type": "string"}}, "required": ["branch"]}}}})),
        ]),
        m("request-body-optional-added", RequestBodies, Additive, vec![
            set("@/automations/{automationId}/run@/post/requestBody", json!({"content": {"application/json": {"schema": {"type": "object", "properties": {"branch": {"type": "string"}}}}}})),
        ]),
        m("request-media-type-added", RequestBodies, Additive, vec![
            set("@/agents@/post/requestBody/content/application~1x-www-form-urlencoded", json!({"schema": {"type": "object", "properties": {"appId": {"type": "string"}, "prompt": {"type": "string"}}}})),
        ]),
        m("request-media-type-replaced", RequestBodies, Breaking, vec![
            rename("@/agents@/post/requestBody/content", "application/json", "multipart/form-data"),
        ]),
        m("request-media-type-charset-added", RequestBodies, NoChange, vec![
            rename("@/agents@/post/requestBody/content", "application/json", "application/json; charset=utf-8"),
        ]),
    ]
}

/// Responses: fields, nullability, types, enums, statuses, headers, media types.
#[rustfmt::skip]
fn responses() -> Vec<Mutation> {
    vec![
        m("response-field-added", Responses, Additive, vec![set(agent_prop("branch"), string())]),
        m("response-field-removed", Responses, Breaking, vec![remove(agent_prop("appId"))]),
        m("response-field-became-required", Responses, Additive, vec![
            push(format!("{AGENT}/required"), json!("updatedAt")),
        ]),
        m("response-field-became-optional", Responses, Breaking, vec![
            pull(format!("{AGENT}/required"), "status"),
        ]),
        m("response-field-nullable-added", Responses, Breaking, vec![
            set(format!("{}/type", agent_prop("appId")), json!(["string", "null"])),
        ]),
        m("response-field-nullable-removed", Responses, Additive, vec![
            set(format!("{}/type", agent_prop("lastError")), json!("string")),
        ]),
        m("response-field-number-to-integer", Responses, Additive, vec![
            set(format!("{}/type", agent_prop("createdAt")), json!("integer")),
        ]),
        m("response-field-type-changed", Responses, Breaking, vec![
            set(format!("{}/type", agent_prop("createdAt")), json!("string")),
        ]),
        m("response-items-type-changed", Responses, Breaking, vec![
            set(format!("{}/items/type", agent_prop("permittedBranches")), json!("integer")),
        ]),
        m("response-field-format-added", Responses, Additive, vec![
            set(format!("{}/format", agent_prop("createdAt")), json!("int64")),
        ]),
        m("response-field-max-length-added", Responses, Additive, vec![
            set(format!("{}/maxLength", agent_prop("appId")), json!(64)),
        ]),
        m("response-enum-value-added", Responses, Additive, vec![
            push("/components/schemas/RunStatus/enum", json!("canceled")),
        ]),
        m("response-enum-value-removed", Responses, Additive, vec![
            pull("/components/schemas/RunStatus/enum", "error"),
        ]),
        m("response-open-enum-value-added", Responses, Additive, vec![
            push("/components/schemas/Model/anyOf/0/enum", json!("claude-opus-5")),
        ]),
        m("response-error-code-added", Responses, Additive, vec![
            push("/components/schemas/Error/properties/code/anyOf/0/enum", json!("rate_limited")),
        ]),
        m("response-nested-field-removed", Responses, Breaking, vec![
            remove("/components/schemas/HistoryMessage/properties/role"),
        ]),
        m("response-header-added", Responses, Additive, vec![
            set(format!("{GET_AGENT}/responses/200/headers"), json!({"X-RateLimit-Remaining": {"schema": {"type": "integer"}}})),
        ]),
        m("response-success-status-added", Responses, Breaking, vec![
            set("@/agents@/post/responses/200", json!({"description": "Already running", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Agent"}}}})),
        ]),
        m("response-success-status-changed", Responses, Breaking, vec![
            rename("@/agents@/post/responses", "202", "201"),
        ]),
        m("response-success-status-removed", Responses, Breaking, vec![
            remove("@/tests/{testId}@/delete/responses/200"),
        ]),
        m("response-error-status-added", Responses, Additive, vec![
            set("@/agents@/post/responses/429", json!({"description": "Too many requests", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})),
        ]),
        m("response-error-status-removed", Responses, Additive, vec![
            remove("@/agents@/post/responses/409"),
        ]),
        m("response-media-type-added", Responses, Additive, vec![
            set(format!("{GET_AGENT}/responses/200/content/text~1plain"), json!({"schema": {"type": "string"}})),
        ]),
        m("response-media-type-replaced", Responses, Breaking, vec![
            rename(format!("{GET_AGENT}/responses/200/content"), "application/json", "application/xml"),
        ]),
        m("response-body-removed", Responses, Breaking, vec![
            remove("@/tests/{testId}@/delete/responses/200/content"),
        ]),
        m("response-variant-added", Responses, Breaking, vec![
            set(format!("{GET_AGENT}/responses/200/content/application~1json/schema"), json!({"oneOf": [{"$ref": "#/components/schemas/Agent"}, {"$ref": "#/components/schemas/ReviewAgent"}]})),
        ]),
    ]
}

/// Security schemes and requirements, globally and per operation.
#[rustfmt::skip]
fn security() -> Vec<Mutation> {
    vec![
        m("security-removed-globally", Security, Additive, vec![set("/security", json!([]))]),
        m("security-removed-from-operation", Security, Additive, vec![
            set("@/agents@/post/security", json!([])),
        ]),
        m("security-alternative-added", Security, Additive, vec![
            set(SECOND_SCHEME, api_key()),
            push("/security", json!({"apiKeyAuth": []})),
        ]),
        m("security-scheme-replaced-on-operation", Security, Breaking, vec![
            set(SECOND_SCHEME, api_key()),
            set("@/agents@/post/security", json!([{"apiKeyAuth": []}])),
        ]),
        m("security-second-scheme-required", Security, Breaking, vec![
            set(SECOND_SCHEME, api_key()),
            set("/security", json!([{"bearerAuth": [], "apiKeyAuth": []}])),
        ]),
        m("security-scheme-changed", Security, Breaking, vec![
            set("/components/securitySchemes/bearerAuth", json!({"type": "apiKey", "in": "query", "name": "apiKey"})),
        ]),
        m("security-scheme-renamed", Security, NoChange, vec![
            Edit::ReplaceText("bearerAuth", "tokenAuth"),
        ]),
        m("security-scheme-described", Security, NoChange, vec![
            set("/components/securitySchemes/bearerAuth/description", json!("A workspace token.")),
        ]),
        m("security-repeated-on-operation", Security, NoChange, vec![
            set("@/agents@/post/security", json!([{"bearerAuth": []}])),
        ]),
        m("security-unused-scheme-added", Security, NoChange, vec![set(SECOND_SCHEME, api_key())]),
    ]
}

/// Changes of form that describe the same API.
#[rustfmt::skip]
fn refactors() -> Vec<Mutation> {
    vec![
        m("component-renamed", Refactors, NoChange, vec![
            Edit::ReplaceText("schemas/Agent\"", "schemas/AgentRun\""),
            rename("/components/schemas", "Agent", "AgentRun"),
        ]),
        m("component-extracted", Refactors, NoChange, vec![
            Edit::Extract("@/agents@/post/responses/202/content/application~1json/schema".into(), "/components/schemas/StartAgentAnswer"),
        ]),
        m("component-inlined", Refactors, NoChange, vec![
            Edit::Inline("@/tests/{testId}@/delete/responses/200/content/application~1json/schema".into()),
        ]),
        m("component-split-into-all-of", Refactors, NoChange, vec![
            Edit::SplitAllOf("Agent", &["agentId", "kind", "status", "createdAt", "updatedAt"]),
        ]),
        m("reference-wrapped-in-all-of", Refactors, NoChange, vec![
            set(format!("{GET_AGENT}/responses/200/content/application~1json/schema"), json!({"allOf": [{"$ref": "#/components/schemas/Agent"}]})),
        ]),
        m("null-as-any-of", Refactors, NoChange, vec![
            set(agent_prop("lastError"), json!({ "anyOf": [{"type": "string"}, {"type": "null"}], "description": "Last error message recorded for the run."})),
        ]),
        m("null-as-one-of", Refactors, NoChange, vec![
            Edit::ReplaceText("\"reasoningEffort\":{\"anyOf\":[{\"$ref\":\"#/components/schemas/ReasoningEffort\"},{\"type\":\"null\"}]", "\"reasoningEffort\":{\"oneOf\":[{\"type\":\"null\"},{\"$ref\":\"#/components/schemas/ReasoningEffort\"}]"),
        ]),
        m("enum-as-const-one-of", Refactors, NoChange, vec![
            set("/components/schemas/RunEnvironment", json!({ "oneOf": [{"const": "test", "type": "string"}, {"const": "live", "type": "string"}], "description": "Which Bubble environment the run targets."})),
        ]),
        m("properties-reordered", Refactors, NoChange, vec![
            reverse(format!("{AGENT}/properties")),
        ]),
        m("paths-reordered", Refactors, NoChange, vec![reverse("/paths")]),
        m("enum-values-reordered", Refactors, NoChange, vec![
            reverse("/components/schemas/RunStatus/enum"),
        ]),
        m("required-reordered", Refactors, NoChange, vec![reverse(format!("{AGENT}/required"))]),
        m("descriptions-changed", Refactors, NoChange, vec![
            set(format!("{AGENT}/description"), json!("An agent run.")),
            set(format!("{}/description", start_prop("prompt")), json!("What the agent should do.")),
        ]),
        m("examples-added", Refactors, NoChange, vec![
            set("@/agents@/post/requestBody/content/application~1json/example", json!({"appId": "1", "prompt": "hi", "model": "claude-sonnet-4.6"})),
        ]),
        m("info-and-servers-changed", Refactors, NoChange, vec![
            set("/info/version", json!("2026-12-01")),
            set("/servers", json!([{"url": "https://eu.buildprint.ai"}])),
        ]),
        m("openapi-version-changed", Refactors, NoChange, vec![set("/openapi", json!("3.1.1"))]),
        m("response-extracted-to-components", Refactors, NoChange, vec![
            Edit::Extract("@/tests/{testId}@/get/responses/404".into(), "/components/responses/NotFound"),
        ]),
        m("parameter-extracted-to-components", Refactors, NoChange, vec![
            Edit::Extract(format!("{GET_AGENT}/parameters/1"), "/components/parameters/HistoryLimit"),
        ]),
        m("request-body-extracted-to-components", Refactors, NoChange, vec![
            Edit::Extract("@/tests@/post/requestBody".into(), "/components/requestBodies/CreateTest"),
        ]),
        m("extension-added", Refactors, NoChange, vec![
            set("@/agents@/post/x-codegen-name", json!("start")),
        ]),
    ]
}
