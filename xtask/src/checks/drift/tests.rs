use super::*;
use serde_json::json;

fn spec(paths: Value, schemas: Value) -> Value {
    json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths,
           "components": {"schemas": schemas}})
}

fn op(body: Value, response: Value) -> Value {
    json!({"/agents": {"post": {
        "requestBody": {"required": true, "content": {"application/json": {"schema": body}}},
        "responses": {"202": {"description": "ok", "content": {"application/json": {"schema": response}}}}}}})
}

fn lines(old: Value, new: Value) -> Vec<String> {
    compare(&old, &new)
        .changes
        .into_iter()
        .map(|c| format!("{:?} {}: {}", c.impact, c.place, c.what))
        .collect()
}

fn get(path: &str, parameters: Value, security: Option<Value>) -> Value {
    let mut op = json!({"parameters": parameters,
        "responses": {"200": {"description": "ok"}}});
    if let Some(security) = security {
        op["security"] = security;
    }
    json!({path: {"get": op}})
}

fn id_param(name: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}})
}

#[test]
fn moving_a_parameter_to_the_path_item_or_renaming_a_path_parameter_changes_nothing() {
    let old = spec(
        get("/agents/{agentId}", json!([id_param("agentId")]), None),
        json!({}),
    );
    let mut moved = spec(get("/agents/{agentId}", json!([]), None), json!({}));
    moved["paths"]["/agents/{agentId}"]["parameters"] = json!([id_param("agentId")]);
    assert!(lines(old.clone(), moved).is_empty());
    let renamed = spec(
        get("/agents/{id}", json!([id_param("id")]), None),
        json!({}),
    );
    assert!(lines(old.clone(), renamed).is_empty());
    // A different shape is another operation.
    let other = spec(
        get("/agents/{id}/runs", json!([id_param("id")]), None),
        json!({}),
    );
    assert_eq!(lines(old, other).len(), 2);
}

#[test]
fn security_requirements_are_compared_as_what_an_old_client_sends() {
    let with = |security: Option<Value>, global: Option<Value>| {
        let mut doc = spec(get("/a", json!([]), security), json!({}));
        doc["components"]["securitySchemes"] = json!({
            "bearer": {"type": "http", "scheme": "bearer"},
            "key": {"type": "apiKey", "in": "header", "name": "X-Key"}});
        if let Some(global) = global {
            doc["security"] = global;
        }
        doc
    };
    let open = with(None, None);
    let bearer = with(None, Some(json!([{"bearer": []}])));
    assert_eq!(
        lines(open.clone(), bearer.clone()),
        ["Breaking GET /a security: authentication is now required"]
    );
    assert_eq!(
        lines(bearer.clone(), open),
        ["Additive GET /a security: authentication is no longer required"]
    );
    let key = with(Some(json!([{"key": []}])), Some(json!([{"bearer": []}])));
    assert_eq!(
        lines(bearer.clone(), key),
        ["Breaking GET /a security: requires key instead of bearer"]
    );
    let either = with(Some(json!([{"bearer": []}, {"key": []}])), None);
    assert_eq!(
        lines(bearer.clone(), either),
        ["Additive GET /a security: also accepts bearer or key"]
    );
    let mut moved = bearer.clone();
    moved["components"]["securitySchemes"]["bearer"] =
        json!({"type": "apiKey", "in": "query", "name": "token"});
    assert_eq!(
        lines(bearer, moved),
        ["Breaking GET /a security: bearer is sent differently (type, scheme, location or name)"]
    );
}

#[test]
fn a_change_in_a_shared_schema_is_judged_on_each_side_naming_who_reaches_it_there() {
    let doc = |status: Value| {
        let agent = json!({"application/json": {"schema": {"$ref": "#/components/schemas/Agent"}}});
        let answer = json!({"description": "ok", "content": agent.clone()});
        let list = json!({"description": "ok", "content": {"application/json": {
            "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Page"}}}}});
        let mut doc = spec(
            json!({"/agents/{id}": {"get": {"responses": {"200": answer}},
                                    "put": {"requestBody": {"content": agent.clone()},
                                            "responses": {"204": {"description": "ok"}}}},
                   "/agents": {"get": {"responses": {"200": list}}}}),
            json!({"Agent": {"type": "object", "properties": {"status": status}},
                   "Page": {"type": "object", "properties": {
                       "items": {"type": "array", "items": {"$ref": "#/components/schemas/Agent"}}}}}),
        );
        doc["openapi"] = json!("3.1.0");
        doc["webhooks"] = json!({"agent.done": {"post": {"requestBody": {"content": agent},
            "responses": {"200": {"description": "ok"}}}}});
        prepare(doc, "doc").expect("prepared")
    };
    let report = compare(
        &doc(json!({"type": "string"})),
        &doc(json!({"type": "integer"})),
    );
    let found: Vec<(&str, &str, Vec<&str>)> = report
        .changes
        .iter()
        .map(|c| {
            let affects = c.affects.iter().map(String::as_str).collect();
            (c.rule.id(), c.place.as_str(), affects)
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "request-type-changed",
                "schema Agent .status",
                vec!["PUT /agents/{id} (request)"]
            ),
            (
                "response-type-changed",
                "schema Agent .status",
                vec![
                    "GET /agents (response)",
                    "GET /agents/{id} (response)",
                    "webhook agent.done (POST payload)"
                ]
            ),
        ]
    );
    assert!(report.render("a", "b").contains(
        "affects GET /agents (response), GET /agents/{id} (response), webhook agent.done (POST payload)"
    ));
}

#[test]
fn type_format_and_constraint_changes_are_judged_by_direction() {
    let field = |schema: Value| json!({"type": "object", "properties": {"x": schema}});
    let judge = |old: Value, new: Value| -> (Vec<String>, Vec<String>) {
        let request = lines(
            spec(op(field(old.clone()), json!({})), json!({})),
            spec(op(field(new.clone()), json!({})), json!({})),
        );
        let response = lines(
            spec(op(json!({}), field(old)), json!({})),
            spec(op(json!({}), field(new)), json!({})),
        );
        (request, response)
    };
    let impacts = |lines: &[String]| -> Vec<String> {
        lines
            .iter()
            .map(|l| l.split(' ').next().unwrap_or("").to_string())
            .collect()
    };
    for (old, new, request, response) in [
        (
            json!({"type": "integer"}),
            json!({"type": "number"}),
            "Additive",
            "Breaking",
        ),
        (
            json!({"type": "number"}),
            json!({"type": "integer"}),
            "Breaking",
            "Additive",
        ),
        (
            json!({"type": "string", "format": "uuid"}),
            json!({"type": "string"}),
            "Additive",
            "Breaking",
        ),
        (
            json!({"type": "string"}),
            json!({"type": "string", "format": "uuid"}),
            "Breaking",
            "Additive",
        ),
        (
            json!({"type": "integer", "format": "int32"}),
            json!({"type": "integer", "format": "int64"}),
            "Additive",
            "Breaking",
        ),
        (
            json!({"type": "string", "maxLength": 10}),
            json!({"type": "string", "maxLength": 5}),
            "Breaking",
            "Additive",
        ),
        (
            json!({"type": "string"}),
            json!({"type": "string", "maxLength": 5}),
            "Breaking",
            "Additive",
        ),
        (
            json!({"type": "integer", "minimum": 1}),
            json!({"type": "integer", "minimum": 0}),
            "Additive",
            "Breaking",
        ),
        (
            json!({"type": "integer", "minimum": 0}),
            json!({"type": "integer", "minimum": 1}),
            "Breaking",
            "Additive",
        ),
        (
            json!({"type": "string", "pattern": "^a"}),
            json!({"type": "string"}),
            "Additive",
            "Breaking",
        ),
        (
            json!({"type": "string"}),
            json!({"type": "string", "pattern": "^a"}),
            "Breaking",
            "Additive",
        ),
    ] {
        let (req, resp) = judge(old.clone(), new.clone());
        assert_eq!(impacts(&req), [request], "request {old} -> {new}: {req:?}");
        assert_eq!(
            impacts(&resp),
            [response],
            "response {old} -> {new}: {resp:?}"
        );
    }
}

fn hostile_report() -> Report {
    Report {
        changes: vec![
            Change {
                impact: Impact::Breaking,
                rule: Rule::RequestParameterRequiredAdded,
                place: "GET /a query `q```\u{202e}|<b>@x[y](z)\n- forged".into(),
                what: "required parameter added".into(),
                pointer: "/paths/~1a/get/parameters/0".into(),
                affects: vec!["GET /a```\u{202e}".into()],
            },
            Change {
                impact: Impact::Additive,
                rule: Rule::OperationAdded,
                place: "GET /b".into(),
                what: "operation added".into(),
                pointer: "/paths/~1b/get".into(),
                affects: Vec::new(),
            },
        ],
        api: CrateApi::NotCompared,
    }
}

#[test]
fn the_text_report_escapes_what_the_document_says_and_ends_with_the_bump() {
    let text = hostile_report().render("old.json", "new.json");
    assert!(!text.contains('\u{202e}'), "{text}");
    assert!(!text.contains("```"), "{text}");
    // The newline in the document cannot forge a line of the report.
    assert_eq!(
        text.lines().filter(|l| l.starts_with("  - ")).count(),
        1,
        "{text}"
    );
    assert!(
        text.trim_end().ends_with(
            "Wire verdict: breaking (a client generated from the old document can fail \
             against the new API; exit code 1).\nVersion bump the generated crate needs: major \
             (estimated from the wire verdict: a change breaks clients generated from the old \
             document)."
        ),
        "{text}"
    );
}

#[test]
fn the_markdown_report_renders_document_strings_as_plain_text() {
    let markdown = hostile_report().render_markdown("old.json", "new.json");
    for markup in ["<b>", "```", "](", "|<", " @x", "\u{202e}"] {
        assert!(!markdown.contains(markup), "{markup}: {markdown}");
    }
    // A mention is escaped, so it pings nobody.
    assert!(markdown.contains("\\@x"), "{markdown}");
    let rows: Vec<&str> = markdown.lines().filter(|l| l.starts_with("| ")).collect();
    assert_eq!(
        rows.len(),
        4,
        "two tables, a header and a change each: {markdown}"
    );
    assert!(markdown.contains("**major**"));
}

#[test]
fn the_json_report_and_the_bump_follow_the_changes() {
    let json: Value =
        serde_json::from_str(&hostile_report().render_json("old.json", "new.json")).unwrap();
    assert_eq!(json["bump"], "major");
    assert_eq!(json["breaking"], 1);
    assert_eq!(json["changes"][1]["impact"], "additive");
    assert_eq!(json["changes"][1]["rule"], "operation-added");
    assert_eq!(json["changes"][0]["pointer"], "/paths/~1a/get/parameters/0");
    let additive = Report {
        changes: vec![hostile_report().changes[1].clone()],
        api: CrateApi::NotCompared,
    };
    assert_eq!(additive.bump(), Bump::Minor);
    assert_eq!(Report::default().bump(), Bump::Patch);
    assert!(
        Report::default()
            .render("a", "b")
            .contains("needs: patch (estimated from the wire verdict: no change a client can see)")
    );
}

#[test]
fn identical_documents_have_no_drift() {
    let doc = spec(
        op(json!({"type": "object"}), json!({"type": "object"})),
        json!({}),
    );
    assert!(compare(&doc, &doc).changes.is_empty());
}

#[test]
fn request_and_response_fields_are_classified_by_side() {
    let old = spec(
        op(
            json!({"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}, "b": {"type": "string"}}}),
            json!({"type": "object", "required": ["x"], "properties": {"x": {"type": "string"}, "y": {"type": "integer"}}}),
        ),
        json!({}),
    );
    let new = spec(
        op(
            json!({"type": "object", "required": ["a", "b", "c"], "properties": {"a": {"type": "string"}, "b": {"type": "string"}, "c": {"type": "string"}, "d": {"type": "boolean"}}}),
            json!({"type": "object", "properties": {"x": {"type": "string", "nullable": true}, "y": {"type": "number"}, "z": {"type": "string"}}}),
        ),
        json!({}),
    );
    assert_eq!(
        lines(old, new),
        [
            "Breaking POST /agents request body .b: field became required",
            "Breaking POST /agents request body .c: required field added (string)",
            "Breaking POST /agents response 202 .x: field may now be missing",
            "Breaking POST /agents response 202 .x: may now be null",
            "Breaking POST /agents response 202 .y: type changed from integer to number",
            "Additive POST /agents request body .d: optional field added (boolean)",
            "Additive POST /agents response 202 .z: field added (string)",
        ]
    );
}

#[test]
fn enum_values_removed_from_requests_or_added_to_closed_responses_break() {
    let model = |values: Value| json!({"type": "string", "enum": values});
    let open = |values: Value| json!({"anyOf": [model(values), {"type": "string"}]});
    let level = |values: Value| json!({"type": "integer", "enum": values});
    let doc = |values: Value, levels: Value| {
        spec(
            op(
                json!({"type": "object", "properties": {"model": {"$ref": "#/components/schemas/Selectable"}}}),
                json!({"type": "object", "properties": {
                    "model": {"$ref": "#/components/schemas/Model"},
                    "state": {"$ref": "#/components/schemas/State"},
                    "level": {"$ref": "#/components/schemas/Level"}}}),
            ),
            json!({"Selectable": model(values.clone()), "Model": model(values.clone()),
                   "State": open(values), "Level": level(levels)}),
        )
    };
    assert_eq!(
        lines(
            doc(json!(["a", "b"]), json!([1, 2])),
            doc(json!(["b", "c"]), json!([2, 3]))
        ),
        [
            // An old client cannot read 3 into its closed enum of numbers...
            "Breaking schema Level: enum value `3` added",
            "Breaking schema Selectable: enum value `a` removed",
            "Additive schema Level: enum value `1` removed",
            // ...but reads any string: every enum of strings is generated open, whether the
            // document says so or not.
            "Additive schema Model: enum value `a` removed",
            "Additive schema Model: enum value `c` added",
            "Additive schema Selectable: enum value `c` added",
            "Additive schema State: enum value `a` removed",
            "Additive schema State: enum value `c` added",
        ]
    );
    // A response string no longer limited to a list is read into the old open enum too.
    let free = spec(
        op(
            json!({"type": "object"}),
            json!({"type": "object", "properties": {"model": {"type": "string"}}}),
        ),
        json!({}),
    );
    let listed = spec(
        op(
            json!({"type": "object"}),
            json!({"type": "object", "properties": {"model": model(json!(["a"]))}}),
        ),
        json!({}),
    );
    assert_eq!(
        compare(&listed, &free)
            .changes
            .iter()
            .map(|c| c.rule.id())
            .collect::<Vec<_>>(),
        ["response-open-enum-unrestricted"]
    );
    // A `const` changed leaves none of the values old code handles.
    let constant = |value: &str| {
        spec(
            op(
                json!({"type": "object"}),
                json!({"type": "object", "properties": {"status": {"type": "string", "const": value}}}),
            ),
            json!({}),
        )
    };
    let old = prepare(constant("ok"), "old").expect("prepared");
    let new = prepare(constant("success"), "new").expect("prepared");
    assert_eq!(
        compare(&old, &new)
            .changes
            .iter()
            .map(|c| (c.rule.id(), c.what.as_str()))
            .collect::<Vec<_>>(),
        [(
            "response-enum-values-replaced",
            "values `ok` replaced by `success`"
        )]
    );
}

#[test]
fn operations_parameters_and_statuses() {
    let get = |params: Value, responses: Value| json!({"/a": {"get": {"parameters": params, "responses": responses}}});
    let ok = json!({"description": "ok"});
    let old = spec(
        get(
            json!([{"in": "query", "name": "limit", "schema": {"type": "integer"}},
                   {"in": "query", "name": "gone", "schema": {"type": "string"}}]),
            json!({"200": ok, "404": ok}),
        ),
        json!({}),
    );
    let mut new = spec(
        get(
            json!([{"in": "query", "name": "limit", "required": true, "schema": {"type": "integer"}},
                   {"in": "query", "name": "cursor", "schema": {"type": "string"}}]),
            json!({"200": ok, "202": ok, "409": ok}),
        ),
        json!({}),
    );
    new["paths"]["/b"] = json!({"get": {"responses": {"200": ok}}});
    assert_eq!(
        lines(old, new),
        [
            "Breaking GET /a query `gone`: parameter removed",
            "Breaking GET /a query `limit`: parameter became required",
            "Breaking GET /a response 202: success status added (older clients treat it as unexpected)",
            "Additive GET /a query `cursor`: optional parameter added",
            "Additive GET /a response 404: error response removed",
            "Additive GET /a response 409: error response added",
            "Additive GET /b: operation added",
        ]
    );
}

#[test]
fn a_shared_schema_is_reported_once_and_recursion_ends() {
    let tree = |extra: bool| {
        let mut props =
            json!({"children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}});
        if extra {
            props["label"] = json!({"type": "string"});
        }
        json!({"Node": {"type": "object", "properties": props}})
    };
    let body = json!({"$ref": "#/components/schemas/Node"});
    let paths = |b: &Value| {
        json!({"/a": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": b}}}}}},
               "/b": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": b}}}}}}})
    };
    let report = compare(
        &spec(paths(&body), tree(false)),
        &spec(paths(&body), tree(true)),
    );
    assert_eq!(report.changes.len(), 1, "{:?}", report.changes);
    assert_eq!(report.changes[0].place, "schema Node .label");
    assert_eq!(report.breaking(), 0);
}

#[test]
fn the_rendered_report_groups_by_impact_and_gives_both_verdicts() {
    let get = |path: &str, id: &str| {
        json!({path: {"get": {"operationId": id, "responses": {"200": {"description": "ok",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}}}}})
    };
    let thing = |extra: Value| {
        let mut properties = json!({"id": {"type": "string"}});
        properties
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        json!({"Thing": {"type": "object", "required": ["id"], "properties": properties}})
    };
    let input = |doc: Value, name: &str| Input::plain(doc, name.to_string(), None);
    let old = spec(get("/a", "getA"), thing(json!({})));
    let new = spec(get("/b", "getB"), thing(json!({})));
    let text = diff(
        input(old.clone(), "old.json"),
        input(new, "new.json"),
        &api::Generator::InProcess,
    )
    .unwrap()
    .render("old.json", "new.json");
    assert_eq!(
        text,
        "API drift from old.json to new.json: 1 breaking, 1 additive.\n\nBreaking:\n  - GET /a: \
         operation removed [operation-removed]\n\nAdditive:\n  + GET /b: operation added \
         [operation-added]\n\nThe generated crate's public API: 4 changes.\n  major Client::get_a: \
         method removed\n  major builder::GetA: struct removed\n  minor Client::get_b: method \
         added\n  minor builder::GetB: struct added\n\nWire verdict: breaking (a client generated \
         from the old document can fail against the new API; exit code 1).\nVersion bump the \
         generated crate needs: major (code compiled against the old crate can stop compiling).\n"
    );
    // An optional response field breaks no client, but is a new public field of a struct.
    let grown = spec(
        get("/a", "getA"),
        thing(json!({"cost": {"type": "number"}})),
    );
    let report = diff(
        input(old.clone(), "old.json"),
        input(grown, "new.json"),
        &api::Generator::InProcess,
    )
    .unwrap();
    assert_eq!(report.wire(), Wire::Additive);
    assert_eq!(report.bump(), Bump::Major);
    let text = report.render("old.json", "new.json");
    assert!(
        text.contains(
            "  major types::Thing::cost: field added: struct literals and patterns of \
             `types::Thing` need it\n"
        ),
        "{text}"
    );
    assert_eq!(
        diff(
            input(old.clone(), "a"),
            input(old.clone(), "b"),
            &api::Generator::InProcess
        )
        .unwrap()
        .render("a", "b"),
        "No API changes from a to b.\n\nThe generated crate's public API is unchanged.\n\nWire \
         verdict: unchanged (no change a client can see).\nVersion bump the generated crate \
         needs: patch (the crate's public API is the same).\n"
    );
    // When a document does not generate, the bump is estimated, and the report says why.
    let report = Report {
        changes: Vec::new(),
        api: CrateApi::Failed("new.json: no operation generates".into()),
    };
    assert!(
        report.render("a", "b").ends_with(
            "needs: patch (estimated from the wire verdict, as the crates could not be \
             compared: new.json: no operation generates).\n"
        ),
        "{}",
        report.render("a", "b")
    );
}

#[test]
fn union_branches_are_matched_by_content_not_position() {
    let step = |name: &str| json!({"type": "object", "properties": {name: {"type": "string"}}});
    let doc = |branches: Value| {
        spec(
            op(json!({"oneOf": branches}), json!({"type": "object"})),
            json!({}),
        )
    };
    let old = doc(json!([step("click"), step("type"), {"type": "string"}]));
    let reordered = doc(json!([{"type": "string"}, step("type"), step("click")]));
    assert_eq!(lines(old.clone(), reordered), Vec::<String>::new());
    let mut changed = step("type");
    changed["properties"]["delay"] = json!({"type": "integer"});
    let grown = doc(json!([step("click"), {"type": "string"}, changed]));
    assert_eq!(
        lines(old, grown),
        ["Additive POST /agents request body oneOf[2] .delay: optional field added (integer)"]
    );
}

/// A 3.1 document whose request and response bodies are both `schema`, prepared as drift
/// prepares any input.
fn prepared_31(schema: Value) -> Value {
    let doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
        "paths": op(schema.clone(), schema)});
    prepare(doc, "test.json").unwrap()
}

#[test]
fn json_schema_2020_keywords_are_compared_by_side_even_though_3_0_drops_them() {
    let plain = json!({"type": "array", "items": {"type": "string"}});
    let mut contains = plain.clone();
    contains["contains"] = json!({"const": "x"});
    // Added: the server refuses arrays old clients send; old clients read what passes.
    assert_eq!(
        lines(prepared_31(plain.clone()), prepared_31(contains.clone())),
        [
            "Breaking POST /agents request body: `contains` added",
            "Additive POST /agents response 202: `contains` added",
        ]
    );
    // Removed: the reverse.
    assert_eq!(
        lines(prepared_31(contains), prepared_31(plain)),
        [
            "Breaking POST /agents response 202: `contains` removed",
            "Additive POST /agents request body: `contains` removed",
        ]
    );
}

#[test]
fn a_count_or_a_dependency_list_changes_in_one_direction_a_subschema_in_both() {
    let object = |extra: Value| {
        let mut schema = json!({"type": "object", "properties": {
            "card": {"type": "string"}, "billing": {"type": "string"}, "cvc": {"type": "string"}}});
        for (k, v) in extra.as_object().unwrap() {
            schema[k] = v.clone();
        }
        schema
    };
    let one = object(json!({"dependentRequired": {"card": ["billing"]}}));
    let two = object(json!({"dependentRequired": {"card": ["billing", "cvc"]}}));
    assert_eq!(
        lines(prepared_31(one.clone()), prepared_31(two.clone())),
        [
            "Breaking POST /agents request body: `dependentRequired` changed",
            "Additive POST /agents response 202: `dependentRequired` changed",
        ]
    );
    assert_eq!(
        lines(prepared_31(two), prepared_31(one)),
        [
            "Breaking POST /agents response 202: `dependentRequired` changed",
            "Additive POST /agents request body: `dependentRequired` changed",
        ]
    );
    let when = |pattern: &str| {
        object(json!({"if": {"properties": {"card": {"pattern": pattern}}},
                      "then": {"required": ["cvc"]}}))
    };
    assert_eq!(
        lines(prepared_31(when("^4")), prepared_31(when("^5"))),
        [
            "Breaking POST /agents request body: `if` changed",
            "Breaking POST /agents response 202: `if` changed",
        ]
    );
    // The same keywords with the same values are no change.
    assert!(lines(prepared_31(when("^4")), prepared_31(when("^4"))).is_empty());
    // A property named like a keyword is a property, not the keyword.
    let mut named = object(json!({}));
    named["properties"]["contains"] = json!({"type": "string"});
    assert_eq!(
        lines(prepared_31(object(json!({}))), prepared_31(named)),
        [
            "Additive POST /agents request body .contains: optional field added (string)",
            "Additive POST /agents response 202 .contains: field added (string)",
        ]
    );
}

#[test]
fn an_empty_pattern_is_no_pattern() {
    let with = |pattern: &str| {
        spec(
            op(
                json!({"type": "string", "pattern": pattern}),
                json!({"type": "string"}),
            ),
            json!({}),
        )
    };
    assert!(
        lines(with("^\\w+$"), with(""))
            .iter()
            .all(|l| l.starts_with("Additive"))
    );
    assert!(lines(with(""), with("^\\w+$"))[0].starts_with("Breaking"));
}

#[test]
fn a_response_header_documented_as_any_string_may_become_a_narrower_type() {
    let header = |schema: Value| {
        let mut doc = spec(
            op(json!({"type": "string"}), json!({"type": "string"})),
            json!({}),
        );
        doc["paths"]["/agents"]["post"]["responses"]["202"]["headers"] =
            json!({"X-Rate": {"schema": schema}});
        doc
    };
    let text = json!({"type": "string"});
    let number = json!({"type": "integer"});
    let date = json!({"type": "string", "format": "date-time"});
    assert_eq!(
        lines(header(text.clone()), header(number.clone())),
        ["Additive POST /agents response 202 header `X-Rate`: type changed from string to integer"]
    );
    // A date is not any string, and text is not a number.
    assert!(lines(header(date), header(number.clone()))[0].starts_with("Breaking"));
    assert!(lines(header(number), header(text))[0].starts_with("Breaking"));
}

#[test]
fn a_union_narrowed_to_one_branch_loses_variants_and_a_schema_in_one_of_changes_type() {
    let a = json!({"type": "string", "enum": ["a"]});
    let b = json!({"enum": ["b"]});
    let union = json!({"oneOf": [a.clone(), b]});
    // In a response, a variant fewer is additive; in a request, breaking.
    let narrowed = lines(
        spec(op(json!({"type": "string"}), union.clone()), json!({})),
        spec(op(json!({"type": "string"}), a.clone()), json!({})),
    );
    assert_eq!(narrowed.len(), 1, "{narrowed:?}");
    assert!(narrowed[0].starts_with("Additive") && narrowed[0].contains("variant"));
    let request = lines(
        spec(op(union, json!({"type": "string"})), json!({})),
        spec(op(a.clone(), json!({"type": "string"})), json!({})),
    );
    assert!(request[0].starts_with("Breaking") && request[0].contains("variant"));
    // Wrapped in a oneOf whose branches overlap, a body old clients send may match two.
    let object = json!({"type": "object", "properties": {"foo": {"type": "string"}}});
    let wrapped = json!({"oneOf": [object.clone(), object.clone()]});
    let changed = lines(
        spec(op(object, json!({"type": "string"})), json!({})),
        spec(op(wrapped, json!({"type": "string"})), json!({})),
    );
    assert!(changed[0].starts_with("Breaking"), "{changed:?}");
}

#[test]
fn a_nullable_inline_enum_moved_behind_a_reference_still_admits_null() {
    let inline = json!({"type": "object", "properties": {"role": {
        "type": "string", "enum": ["user", "admin"], "nullable": true}}});
    let referred = json!({"type": "object", "properties": {"role": {
        "allOf": [{"$ref": "#/components/schemas/Role"}], "nullable": true}}});
    let role = json!({"Role": {"type": "string", "enum": ["user", "admin"]}});
    let old = spec(op(inline.clone(), inline), json!({}));
    let new = spec(op(referred.clone(), referred), role);
    assert_eq!(lines(old, new), Vec::<String>::new());
}

#[test]
fn a_webhook_removed_breaks_receivers_and_one_added_does_not() {
    let with = |events: &[&str]| {
        let mut hooks = serde_json::Map::new();
        for event in events {
            hooks.insert(
                event.to_string(),
                json!({"post": {"requestBody": {"content": {"application/json": {
                    "schema": {"type": "object"}}}},
                    "responses": {"200": {"description": "ok"}}}}),
            );
        }
        let doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
            "paths": {}, "webhooks": hooks});
        prepare(doc, "test.json").unwrap()
    };
    let report = compare(
        &with(&["orderCreated", "orderDeleted"]),
        &with(&["orderCreated", "orderUpdated"]),
    );
    let found: Vec<(String, &str, String)> = report
        .changes
        .iter()
        .map(|c| (c.place.clone(), c.rule.id(), c.pointer.clone()))
        .collect();
    assert_eq!(
        found,
        [
            (
                "webhook orderDeleted (POST)".to_string(),
                "webhook-removed",
                "/webhooks/orderDeleted/post".to_string()
            ),
            (
                "webhook orderUpdated (POST)".to_string(),
                "webhook-added",
                "/webhooks/orderUpdated/post".to_string()
            ),
        ]
    );
}

#[test]
fn a_webhook_payload_is_judged_as_what_receivers_read() {
    let hook = |required: bool, properties: Value, needed: Value| {
        let doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
            "paths": {}, "webhooks": {"orderCreated": {"post": {"requestBody": {
                "required": required, "content": {"application/json": {"schema": {
                    "type": "object", "properties": properties, "required": needed}}}},
                "responses": {"200": {"description": "ok"}}}}}});
        prepare(doc, "test.json").unwrap()
    };
    let id = json!({"orderId": {"type": "string"}});
    let both = json!({"orderId": {"type": "string"}, "amount": {"type": "number"}});
    // Always sent now, with a new field: old receivers read it as before. (The conversion to
    // 3.0 makes the payload a component, so its types are generated.)
    let report = compare(
        &hook(false, id.clone(), json!([])),
        &hook(true, both.clone(), json!([])),
    );
    let found: Vec<String> = report
        .changes
        .iter()
        .map(|c| format!("{:?} {}: {} {:?}", c.impact, c.place, c.what, c.affects))
        .collect();
    assert_eq!(
        found,
        [
            "Additive schema OrderCreatedPayload .amount: field added (number) \
             [\"webhook orderCreated (POST payload)\"]",
            "Additive webhook orderCreated (POST) payload: payload always sent now []",
        ]
    );
    // A field receivers read is gone, or may be left out; so may the whole payload.
    assert_eq!(
        lines(
            hook(true, both, json!(["orderId"])),
            hook(false, id, json!([]))
        ),
        [
            "Breaking schema OrderCreatedPayload .amount: field removed",
            "Breaking schema OrderCreatedPayload .orderId: field may now be missing",
            "Breaking webhook orderCreated (POST) payload: payload may now be left out",
        ]
    );
}

/// The rule ids `compare` gives, on the request side and on the response side, for a field
/// whose schema goes from `old` to `new`.
fn rule_ids(old: Value, new: Value) -> (Vec<&'static str>, Vec<&'static str>) {
    let field = |schema: &Value| json!({"type": "object", "properties": {"x": schema}});
    let ids = |report: Report| report.changes.iter().map(|c| c.rule.id()).collect();
    (
        ids(compare(
            &spec(op(field(&old), json!({})), json!({})),
            &spec(op(field(&new), json!({})), json!({})),
        )),
        ids(compare(
            &spec(op(json!({}), field(&old)), json!({})),
            &spec(op(json!({}), field(&new)), json!({})),
        )),
    )
}

#[test]
fn each_limit_keyword_has_its_own_rules() {
    let cases = [
        (
            json!({"type": "string"}),
            json!({"type": "string", "maxLength": 5}),
            "max-length",
        ),
        (
            json!({"type": "string", "minLength": 2}),
            json!({"type": "string", "minLength": 3}),
            "min-length",
        ),
        (
            json!({"type": "integer", "maximum": 9}),
            json!({"type": "integer", "maximum": 5}),
            "maximum",
        ),
        (
            json!({"type": "integer"}),
            json!({"type": "integer", "minimum": 1}),
            "minimum",
        ),
        (
            json!({"type": "array"}),
            json!({"type": "array", "maxItems": 3}),
            "max-items",
        ),
        (
            json!({"type": "array", "minItems": 0}),
            json!({"type": "array", "minItems": 1}),
            "min-items",
        ),
        (
            json!({"type": "array"}),
            json!({"type": "array", "uniqueItems": true}),
            "unique-items",
        ),
        (
            json!({"type": "object"}),
            json!({"type": "object", "maxProperties": 3}),
            "max-properties",
        ),
        (
            json!({"type": "object"}),
            json!({"type": "object", "minProperties": 1}),
            "min-properties",
        ),
        (
            json!({"type": "number", "multipleOf": 2}),
            json!({"type": "number", "multipleOf": 4}),
            "multiple-of",
        ),
    ];
    for (looser, tighter, keyword) in cases {
        let (request, response) = rule_ids(looser.clone(), tighter.clone());
        assert_eq!(
            request,
            [format!("request-{keyword}-tightened")],
            "{keyword}"
        );
        assert_eq!(
            response,
            [format!("response-{keyword}-tightened")],
            "{keyword}"
        );
        let (request, response) = rule_ids(tighter, looser);
        assert_eq!(
            request,
            [format!("request-{keyword}-loosened")],
            "{keyword}"
        );
        assert_eq!(
            response,
            [format!("response-{keyword}-loosened")],
            "{keyword}"
        );
    }
    // A step that neither divides nor is divided by the old one breaks on both sides.
    let (request, response) = rule_ids(
        json!({"type": "number", "multipleOf": 2}),
        json!({"type": "number", "multipleOf": 3}),
    );
    assert_eq!(
        (request, response),
        (
            vec!["request-multiple-of-tightened"],
            vec!["response-multiple-of-loosened"]
        )
    );
    let verdicts = |id: &str| Rule::ALL.iter().find(|r| r.id() == id).map(|r| r.impact());
    assert_eq!(
        verdicts("request-max-length-tightened"),
        Some(Impact::Breaking)
    );
    assert_eq!(
        verdicts("response-max-length-loosened"),
        Some(Impact::Breaking)
    );
    assert_eq!(
        verdicts("response-max-length-tightened"),
        Some(Impact::Additive)
    );
}

#[test]
fn a_field_becoming_read_only_or_write_only_is_judged_on_its_side() {
    let plain = json!({"type": "string"});
    let read_only = json!({"type": "string", "readOnly": true});
    let write_only = json!({"type": "string", "writeOnly": true});
    assert_eq!(
        rule_ids(plain.clone(), read_only.clone()),
        (vec!["request-property-became-read-only"], vec![])
    );
    assert_eq!(
        rule_ids(read_only, plain.clone()),
        (vec!["request-property-no-longer-read-only"], vec![])
    );
    assert_eq!(
        rule_ids(plain.clone(), write_only.clone()),
        (vec![], vec!["response-property-became-write-only"])
    );
    assert_eq!(
        rule_ids(write_only, plain),
        (vec![], vec!["response-property-no-longer-write-only"])
    );
}

#[test]
fn a_discriminator_is_compared_by_property_and_mapped_values() {
    let pet = |property: Option<&str>, mapped: &[&str]| {
        let mut union = json!({"oneOf": [
            {"type": "object", "properties": {"kind": {"type": "string"}, "bark": {"type": "string"}}},
            {"type": "object", "properties": {"kind": {"type": "string"}, "purr": {"type": "string"}}}]});
        if let Some(property) = property {
            let mapping: serde_json::Map<String, Value> = mapped
                .iter()
                .map(|v| (v.to_string(), json!("#/components/schemas/Any")))
                .collect();
            union["discriminator"] = json!({"propertyName": property, "mapping": mapping});
        }
        union
    };
    assert_eq!(
        rule_ids(pet(None, &[]), pet(Some("kind"), &["dog"])),
        (
            vec!["request-discriminator-added"],
            vec!["response-discriminator-added"]
        )
    );
    assert_eq!(
        rule_ids(pet(Some("kind"), &[]), pet(Some("type"), &[])),
        (
            vec!["request-discriminator-property-changed"],
            vec!["response-discriminator-property-changed"]
        )
    );
    assert_eq!(
        rule_ids(
            pet(Some("kind"), &["dog", "cat"]),
            pet(Some("kind"), &["dog", "fox"])
        ),
        (
            vec![
                "request-discriminator-value-removed",
                "request-discriminator-value-added"
            ],
            vec![
                "response-discriminator-value-added",
                "response-discriminator-value-removed"
            ]
        )
    );
}

#[test]
fn oauth_scopes_required_and_flow_urls_are_compared() {
    let doc = |scopes: Value, token_url: &str| {
        json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"/pets": {"post": {"security": [{"oauth": scopes}],
                "responses": {"200": {"description": "ok"}}}}},
            "components": {"securitySchemes": {"oauth": {"type": "oauth2", "flows": {
                "clientCredentials": {"tokenUrl": token_url, "scopes": {"read": "", "write": ""}}}}}}})
    };
    let found = |old: Value, new: Value| -> Vec<String> {
        compare(&old, &new)
            .changes
            .iter()
            .map(|c| format!("{} {}: {} [{}]", c.rule.id(), c.place, c.what, c.pointer))
            .collect()
    };
    assert_eq!(
        found(
            doc(json!(["write"]), "https://a/token"),
            doc(json!(["write", "read"]), "https://b/token")
        ),
        [
            "security-scope-added POST /pets security: oauth now requires scope `read` \
             [/paths/~1pets/post/security]",
            "security-flow-changed security scheme oauth flow clientCredentials: `tokenUrl` \
             changed from https://a/token to https://b/token \
             [/components/securitySchemes/oauth/flows/clientCredentials/tokenUrl]",
        ]
    );
    assert_eq!(
        found(
            doc(json!(["write", "read"]), "https://a/token"),
            doc(json!(["write"]), "https://a/token")
        ),
        [
            "security-scope-removed POST /pets security: oauth no longer requires scope `read` \
          [/paths/~1pets/post/security]"
        ]
    );
}

#[test]
fn a_parameter_deprecated_is_reported_and_breaks_nothing() {
    let doc = |deprecated: bool| {
        spec(
            get(
                "/a",
                json!([{"name": "q", "in": "query", "deprecated": deprecated,
                "schema": {"type": "string"}}]),
                None,
            ),
            json!({}),
        )
    };
    assert_eq!(
        lines(doc(false), doc(true)),
        ["Additive GET /a query `q`: parameter deprecated"]
    );
    assert_eq!(
        lines(doc(true), doc(false)),
        ["Additive GET /a query `q`: parameter no longer deprecated"]
    );
}

#[test]
fn a_parameter_that_becomes_an_array_of_what_it_took_breaks_nothing() {
    let doc = |schema: Value| {
        spec(
            get(
                "/a",
                json!([{"name": "q", "in": "query", "schema": schema}]),
                None,
            ),
            json!({}),
        )
    };
    let either = json!({"anyOf": [{"type": "string"}, {"type": "integer"}]});
    let array = |items: Value| json!({"type": "array", "items": items});
    // `?q=5` is an array of one string.
    assert_eq!(
        lines(doc(either.clone()), doc(array(json!({"type": "string"})))),
        ["Additive GET /a query `q`: now an array of string"]
    );
    assert_eq!(
        lines(
            doc(json!({"type": "integer"})),
            doc(array(json!({"type": "number"})))
        ),
        ["Additive GET /a query `q`: now an array of number"]
    );
    // Items that may refuse an old value: a string is no integer; a pattern may not match.
    for items in [
        json!({"type": "integer"}),
        json!({"type": "string", "pattern": "^[a-z]+$"}),
    ] {
        let found = compare(&doc(either.clone()), &doc(array(items)));
        assert!(found.breaking() > 0, "{:?}", found.changes);
    }
}
