//! The client generated from `hostile-api.yaml`, over HTTP on loopback: what it sends is what the
//! document says, where progenitor alone would send something else. Copied into the generated
//! crate's `tests/` by `xtask/tests/generated_client.rs`, which runs it there.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use corpus_hostile_api::{Client, ClientConfig, Error, RetryPolicy, types};
use test_server::{Reply, TestServer};

fn client(server: &TestServer) -> Client {
    Client::from_config(&server.url(), &ClientConfig::new())
        .unwrap()
        .with_retry(RetryPolicy::none())
}

#[tokio::test]
async fn renamed_parameters_cookies_and_deep_objects_travel_under_their_names() {
    let server = TestServer::start(|_| {
        Reply::json(200, r#"{"id": "t1", "mark": ".", "size": null, "level": 2}"#)
    });
    let thing = client(&server)
        .get_thing()
        .id("t1")
        .id_query("q")
        .x_id("header-one")
        .x_id_header("header-two")
        .cookie("session=s1")
        .filter_name("n")
        .filter_size(3)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(thing.id, "t1");
    assert_eq!(thing.mark.as_deref(), Some("."));
    assert_eq!(thing.size, None);
    let request = &server.requests()[0];
    assert_eq!(request.method, "GET");
    assert_eq!(
        request.target,
        "/things/t1?filter%5Bname%5D=n&filter%5Bsize%5D=3&id=q"
    );
    assert_eq!(request.header("x-id"), Some("header-one"));
    assert_eq!(request.header("x_id"), Some("header-two"));
    assert_eq!(request.header("cookie"), Some("session=s1"));
}

#[tokio::test]
async fn get_and_head_sharing_an_operation_id_are_two_methods() {
    let server = TestServer::start(|_| Reply::text(200, "text/plain", ""));
    client(&server)
        .get_thing_head()
        .id("t1")
        .send()
        .await
        .unwrap();
    assert_eq!(server.requests()[0].method, "HEAD");
}

#[tokio::test]
async fn options_is_sent_and_an_operation_named_post_keeps_the_hooks_apart() {
    let server = TestServer::start(|_| Reply::text(204, "text/plain", ""));
    client(&server).post_options().id("t1").send().await.unwrap();
    let request = &server.requests()[0];
    assert_eq!(request.method, "OPTIONS");
    assert_eq!(request.target, "/things/t1");
}

#[tokio::test]
async fn a_json_body_of_another_media_type_is_sent_as_it() {
    let server = TestServer::start(|_| Reply::json(200, r#"{"id": "t1"}"#));
    client(&server)
        .patch_thing()
        .id("t1")
        .body(types::Thing::builder().id("t1").failure(types::Failure {
            message: Some("boom".into()),
            ..Default::default()
        }))
        .send()
        .await
        .unwrap();
    let request = &server.requests()[0];
    assert_eq!(
        request.header("content-type"),
        Some("application/merge-patch+json")
    );
    // Only what was set: an unset field, the recursive `cause` too, is left out, not `null`.
    let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"id": "t1", "failure": {"message": "boom"}})
    );
}

#[tokio::test]
async fn bytes_are_sent_with_their_media_type() {
    let server = TestServer::start(|_| Reply::text(204, "text/plain", ""));
    client(&server)
        .put_thing_xml()
        .id("t1")
        .body("<thing/>")
        .send()
        .await
        .unwrap();
    let request = &server.requests()[0];
    assert_eq!(request.header("content-type"), Some("application/xml"));
    assert_eq!(request.body, b"<thing/>");
}

#[tokio::test]
async fn a_multipart_body_is_a_struct_of_its_fields_and_files() {
    let server = TestServer::start(|_| Reply::json(201, r#"{"stored": true}"#));
    let file = corpus_hostile_api::Upload::new(b"file contents".to_vec())
        .file_name("notes.txt")
        .content_type("text/plain");
    let stored: types::ResultModel = client(&server)
        .upload()
        .body(
            types::UploadBody::builder()
                .name(Some("notes.txt".to_string()))
                .file(Some(file)),
        )
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(stored.stored, Some(true));
    let request = &server.requests()[0];
    assert!(
        request
            .header("content-type")
            .unwrap()
            .starts_with("multipart/form-data; boundary="),
        "{:?}",
        request.header("content-type")
    );
    let body = String::from_utf8_lossy(&request.body);
    assert!(body.contains("name=\"name\"\r\n\r\nnotes.txt"), "{body}");
    assert!(
        body.contains(
            "name=\"file\"; filename=\"notes.txt\"\r\nContent-Type: text/plain\r\n\r\nfile contents"
        ),
        "{body}"
    );
}

#[tokio::test]
#[allow(deprecated)]
async fn statuses_without_a_body_are_none_next_to_json_ones() {
    let answers = std::sync::Mutex::new(vec![
        Reply::json(503, r#"{"title": "later", "status": 503}"#),
        Reply::json(409, r#"{"title": "busy", "status": 409}"#),
        Reply::text(404, "text/plain", ""),
        Reply::text(204, "text/plain", ""),
        Reply::json(200, r#"{"id": "t1"}"#),
    ]);
    let server = TestServer::start(move |_| answers.lock().unwrap().pop().unwrap());
    let client = client(&server);
    let deleted = client.delete_thing().id("t1").send().await.unwrap();
    assert_eq!(deleted.into_inner().unwrap().id, "t1");
    let deleted = client.delete_thing().id("t1").send().await.unwrap();
    assert_eq!(deleted.status(), 204);
    assert!(deleted.into_inner().is_none());
    match client.delete_thing().id("t1").send().await {
        Err(Error::ErrorResponse(error)) => {
            assert_eq!(error.status(), 404);
            assert!(error.into_inner().is_none());
        }
        other => panic!("expected a 404 error, got {other:?}"),
    }
    match client.delete_thing().id("t1").send().await {
        Err(Error::ErrorResponse(error)) => {
            assert_eq!(error.into_inner().unwrap().title.as_deref(), Some("busy"));
        }
        other => panic!("expected a 409 error, got {other:?}"),
    }
    // The documented `default`, through its 5XX range.
    match client.delete_thing().id("t1").send().await {
        Err(Error::ErrorResponse(error)) => {
            assert_eq!(error.status(), 503);
            assert_eq!(error.into_inner().unwrap().title.as_deref(), Some("later"));
        }
        other => panic!("expected a 503 error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_default_problem_json_answer_is_the_typed_error() {
    let server = TestServer::start(|_| {
        Reply::text(
            404,
            "application/problem+json",
            r#"{"title": "Not Found", "status": 404}"#,
        )
    });
    let result = client(&server)
        .get_thing()
        .id("t1")
        .cookie("session=s1")
        .send()
        .await;
    match result {
        Err(Error::ErrorResponse(problem)) => {
            assert_eq!(problem.title.as_deref(), Some("Not Found"));
        }
        other => panic!("expected the problem as an error, got {other:?}"),
    }
    // The request asked for every media type the operation documents, so a negotiating
    // server may answer with the documented problem.
    assert_eq!(
        server.requests()[0].header("accept"),
        Some("application/json, application/problem+json")
    );
}

#[test]
fn renamed_and_repaired_types_keep_their_wire_names() {
    let thing: types::Thing = serde_json::from_value(serde_json::json!({
        "id": "t1",
        "owner": {"name": "lower"},
        "other": {"nick": "upper"},
        "level": 3,
    }))
    .unwrap();
    let owner: &types::User = thing.owner.as_ref().unwrap();
    let other: &types::User2 = thing.other.as_ref().unwrap();
    assert_eq!(owner.name.as_deref(), Some("lower"));
    assert_eq!(other.nick.as_deref(), Some("upper"));
    assert!(serde_json::from_value::<types::Thing>(serde_json::json!({"id": "t", "level": 7})).is_err());
}

#[tokio::test]
async fn a_union_of_a_string_arrays_and_an_object_travels_as_each() {
    // Each shape the `anyOf` allows reads into the type and writes back as it came.
    for labels in [
        serde_json::json!("urgent"),
        serde_json::json!(["urgent", "home"]),
        serde_json::json!({"name": "urgent"}),
        serde_json::json!([{"name": "urgent"}, {"name": "home"}]),
    ] {
        let answer = serde_json::json!({"id": "t1", "labels": labels}).to_string();
        let server = TestServer::start(move |_| Reply::json(200, answer.clone()));
        let thing = client(&server)
            .get_thing()
            .id("t1")
            .cookie("session=s1")
            .send()
            .await
            .unwrap()
            .into_inner();
        assert_eq!(serde_json::to_value(&thing.labels).unwrap(), labels);
        client(&server)
            .patch_thing()
            .id("t1")
            .body(thing)
            .send()
            .await
            .unwrap();
        let sent: serde_json::Value = serde_json::from_slice(&server.requests()[1].body).unwrap();
        assert_eq!(sent["labels"], labels);
    }
}

#[tokio::test]
async fn a_head_error_without_its_documented_content_is_still_the_error() {
    let server = TestServer::start(|_| Reply::text(404, "application/json", ""));
    match client(&server).get_thing_head().id("t1").send().await {
        Err(Error::ErrorResponse(error)) => assert_eq!(error.status(), 404),
        other => panic!("expected the 404 as an error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_form_body_sends_a_list_as_repeated_fields() {
    let server = TestServer::start(|_| Reply::json(200, r#"{"stored": true}"#));
    let body = types::SubmitFormBody::builder()
        .name("n")
        .tags(vec!["a".to_string(), "b c".to_string()]);
    client(&server).submit_form().body(body).send().await.unwrap();
    let request = &server.requests()[0];
    assert_eq!(
        request.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(request.body, b"name=n&tags=a&tags=b+c");
}

#[tokio::test]
async fn a_lone_default_answer_is_the_type_of_failures_too() {
    let server = TestServer::start(|_| Reply::json(503, r#"{"stored": false}"#));
    match client(&server).submit_form().body(types::SubmitFormBody::builder().name("n")).send().await {
        Err(Error::ErrorResponse(error)) => {
            assert_eq!(error.status(), 503);
            assert_eq!(error.into_inner().stored, Some(false));
        }
        other => panic!("expected the documented failure, got {other:?}"),
    }
}

#[tokio::test]
async fn a_field_the_document_lets_be_null_is_sent_as_null_on_request() {
    let server = TestServer::start(|_| Reply::json(200, r#"{"id": "t1"}"#));
    client(&server)
        .patch_thing()
        .id("t1")
        .body(types::Thing::builder().id("t1").size(std::num::NonZeroU64::new(3)))
        .null_fields(["size"])
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = serde_json::from_slice(&server.requests()[0].body).unwrap();
    assert_eq!(body["size"], serde_json::Value::Null);
    assert_eq!(body["id"], "t1");

    let refused = client(&server)
        .patch_thing()
        .id("t1")
        .body(types::Thing::builder().id("t1"))
        .null_fields(["id"])
        .send()
        .await;
    match refused {
        Err(Error::InvalidRequest(message)) => {
            assert!(message.contains("`id` cannot be sent as null"), "{message}");
        }
        other => panic!("expected the request refused, got {other:?}"),
    }
    assert_eq!(server.requests().len(), 1, "the refused request was sent");
}

#[tokio::test]
async fn an_inline_error_body_is_its_own_type_not_the_success_one() {
    let answers = std::sync::Mutex::new(vec![
        Reply::json(401, r#"{"error": "expired"}"#),
        Reply::json(200, r#"{"genres": ["jazz"]}"#),
    ]);
    let server = TestServer::start(move |_| answers.lock().unwrap().pop().unwrap());
    let client = client(&server);
    let genres = client.list_genres().send().await.unwrap().into_inner();
    assert_eq!(genres.genres, ["jazz"]);
    match client.list_genres().send().await {
        Err(Error::ErrorResponse(error)) => {
            let error: types::ListGenresError = error.into_inner();
            assert_eq!(error.error, "expired");
        }
        other => panic!("expected the 401 as its own type, got {other:?}"),
    }
}

#[tokio::test]
async fn each_form_of_a_body_has_a_method_sent_to_the_same_route() {
    let server = TestServer::start(|_| Reply::json(201, r#"{"stored": true}"#));
    let client = client(&server);
    let pet = || types::NewPet::builder().name("rex").tags(vec!["a".to_string(), "b".to_string()]);
    client.create_pet().body(pet()).send().await.unwrap();
    client.create_pet_form().body(pet()).send().await.unwrap();
    client.create_pet_multipart().body(pet()).send().await.unwrap();
    let requests = server.requests();
    for request in &requests {
        assert_eq!((request.method.as_str(), request.target.as_str()), ("POST", "/pets"));
    }
    assert_eq!(requests[0].header("content-type"), Some("application/json"));
    let json: serde_json::Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(json, serde_json::json!({"name": "rex", "tags": ["a", "b"]}));
    assert_eq!(
        requests[1].header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(String::from_utf8_lossy(&requests[1].body), "name=rex&tags=a&tags=b");
    assert!(
        requests[2]
            .header("content-type")
            .unwrap()
            .starts_with("multipart/form-data; boundary="),
        "{:?}",
        requests[2].header("content-type")
    );
    let parts = String::from_utf8_lossy(&requests[2].body);
    assert!(parts.contains("name=\"name\"\r\n\r\nrex"), "{parts}");
    assert_eq!(parts.matches("name=\"tags\"").count(), 2, "{parts}");
}

#[tokio::test]
async fn a_text_error_next_to_a_json_one_is_a_typed_error_too() {
    let answers = std::sync::Mutex::new(vec![
        Reply::json(422, r#"{"title": "bad size", "status": 422}"#),
        Reply::text(404, "text/plain", "no such thing"),
    ]);
    let server = TestServer::start(move |_| answers.lock().unwrap().pop().unwrap());
    let client = client(&server);
    let patch = || client.patch_thing().id("t1").body(types::Thing::builder().id("t1"));
    match patch().send().await {
        Err(Error::ErrorResponse(error)) => match error.into_inner() {
            types::ProblemOrNotJson::NotJsonError(text) => {
                assert_eq!(text.error, "no such thing");
            }
            other => panic!("expected the text as NotJsonError, got {other:?}"),
        },
        other => panic!("expected the 404 as a typed error, got {other:?}"),
    }
    match patch().send().await {
        Err(Error::ErrorResponse(error)) => match error.into_inner() {
            types::ProblemOrNotJson::Problem(problem) => {
                assert_eq!(problem.title.as_deref(), Some("bad size"));
            }
            other => panic!("expected the 422 as a Problem, got {other:?}"),
        },
        other => panic!("expected the 422 as a typed error, got {other:?}"),
    }
}
