//! RFC-RULES "Metadata" (RFC 8414): the document has every field with the
//! right value, derived from the configuration, and never advertises what
//! the engine does not accept.

use grant_engine::config::{PkcePolicy, PkceRequirement};
use grant_engine::{EndpointUrls, HttpResponse, Scope, metadata_document};
use grant_engine_testkit::checks::{headers, param, redirect_params};
use grant_engine_testkit::requests::{authorize, expect_consent, pkce_query, run};
use grant_engine_testkit::world::*;
use serde_json::{Value, json};

fn document(response: &HttpResponse) -> Value {
    assert_eq!(response.status, 200);
    assert_eq!(
        headers(response),
        vec![("content-type", "application/json")]
    );
    serde_json::from_slice(&response.body).unwrap()
}

fn default_document() -> Value {
    document(&metadata_document(
        &config(),
        &EndpointUrls::under(ISSUER),
        &scope("read write profile"),
    ))
}

#[test]
fn the_document_has_every_field_with_the_right_value() {
    let expected = json!({
        "issuer": ISSUER,
        "authorization_endpoint": "https://auth.example.com/oauth/authorize",
        "token_endpoint": "https://auth.example.com/oauth/token",
        "revocation_endpoint": "https://auth.example.com/oauth/revoke",
        "introspection_endpoint": "https://auth.example.com/oauth/introspect",
        "grant_types_supported": ["authorization_code", "client_credentials", "refresh_token"],
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": ["profile", "read", "write"],
        "authorization_response_iss_parameter_supported": true,
    });
    assert_eq!(default_document(), expected);
}

#[test]
fn every_field_the_rules_name_is_present() {
    let doc = default_document();
    for field in [
        "issuer",
        "authorization_endpoint",
        "token_endpoint",
        "revocation_endpoint",
        "introspection_endpoint",
        "grant_types_supported",
        "response_types_supported",
        "token_endpoint_auth_methods_supported",
        "code_challenge_methods_supported",
        "scopes_supported",
        "authorization_response_iss_parameter_supported",
    ] {
        assert!(doc.get(field).is_some(), "{field} missing");
    }
}

#[test]
fn the_issuer_is_the_configurations_and_matches_the_iss_of_responses() {
    let doc = default_document();
    assert_eq!(doc["issuer"], config().issuer());
    // The iss of an authorization response is the same string (RFC 9207 2.4).
    let mut store = store();
    let consent = expect_consent(authorize(&mut store, &config(), &pkce_query(SPA, "s")));
    let decision = consent.approve(subject(SUBJECT), scope(SCOPE));
    let approval = run(&mut store, &config(), call(NOW, 1), decision);
    let params = redirect_params(approval.response(), REDIRECT);
    assert_eq!(param(&params, "iss"), doc["issuer"].as_str());
}

#[test]
fn implicit_and_password_are_never_advertised() {
    for pkce in [
        PkcePolicy::default(),
        PkcePolicy {
            required_for: PkceRequirement::AllClients,
            allow_plain: true,
        },
    ] {
        let doc = document(&metadata_document(
            &config().with_pkce(pkce),
            &EndpointUrls::under(ISSUER),
            &scope(SCOPE),
        ));
        let grants = doc["grant_types_supported"].as_array().unwrap();
        for forbidden in [
            "implicit",
            "password",
            "urn:ietf:params:oauth:grant-type:device_code",
        ] {
            assert!(!grants.contains(&json!(forbidden)), "{forbidden}");
        }
        assert_eq!(doc["response_types_supported"], json!(["code"]));
        let text = serde_json::to_string(&doc).unwrap();
        assert!(!text.contains("implicit"));
        assert!(!text.contains("password"));
    }
}

#[test]
fn plain_appears_only_if_enabled() {
    let doc = default_document();
    assert_eq!(doc["code_challenge_methods_supported"], json!(["S256"]));
    for required_for in [PkceRequirement::PublicClients, PkceRequirement::AllClients] {
        let strict = document(&metadata_document(
            &config().with_pkce(PkcePolicy {
                required_for,
                allow_plain: false,
            }),
            &EndpointUrls::under(ISSUER),
            &scope(SCOPE),
        ));
        assert_eq!(strict["code_challenge_methods_supported"], json!(["S256"]));
        let lenient = document(&metadata_document(
            &config().with_pkce(PkcePolicy {
                required_for,
                allow_plain: true,
            }),
            &EndpointUrls::under(ISSUER),
            &scope(SCOPE),
        ));
        assert_eq!(
            lenient["code_challenge_methods_supported"],
            json!(["S256", "plain"])
        );
    }
}

#[test]
fn endpoints_are_the_hosts() {
    // A trailing slash on the base is not doubled.
    assert_eq!(
        EndpointUrls::under("https://auth.example.com/"),
        EndpointUrls::under("https://auth.example.com")
    );
    let custom = EndpointUrls {
        authorization: "https://login.example.com/authorize".into(),
        token: "https://api.example.com/token".into(),
        revocation: "https://api.example.com/revoke".into(),
        introspection: "https://internal.example.com/introspect".into(),
        jwks: "https://keys.example.com/jwks.json".into(),
    };
    let doc = document(&metadata_document(&config(), &custom, &scope(SCOPE)));
    assert_eq!(
        doc["authorization_endpoint"],
        "https://login.example.com/authorize"
    );
    assert_eq!(doc["token_endpoint"], "https://api.example.com/token");
    assert_eq!(doc["revocation_endpoint"], "https://api.example.com/revoke");
    assert_eq!(
        doc["introspection_endpoint"],
        "https://internal.example.com/introspect"
    );
}

#[test]
fn scopes_supported_lists_the_given_set_in_a_stable_order() {
    let doc = document(&metadata_document(
        &config(),
        &EndpointUrls::under(ISSUER),
        &scope("write read write"),
    ));
    assert_eq!(doc["scopes_supported"], json!(["read", "write"]));
    // No scopes to advertise: the optional field is left out.
    let doc = document(&metadata_document(
        &config(),
        &EndpointUrls::under(ISSUER),
        &Scope::default(),
    ));
    assert!(doc.get("scopes_supported").is_none());
}

#[test]
fn the_document_is_deterministic() {
    let a = metadata_document(&config(), &EndpointUrls::under(ISSUER), &scope(SCOPE));
    let b = metadata_document(&config(), &EndpointUrls::under(ISSUER), &scope(SCOPE));
    assert_eq!(a, b);
    // Key order is stable: issuer first.
    assert!(
        a.body_str()
            .starts_with(r#"{"issuer":"https://auth.example.com","#)
    );
}
