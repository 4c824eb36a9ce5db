//! The structured input grammar: a small state and 1-4 requests, decoded
//! from the fuzzer's bytes with `arbitrary`. The state is built into a
//! fixture by [`super::fixture`], the requests into raw HTTP by
//! [`super::request`]; indexes pick from the pools of [`super::pools`].

use arbitrary::{Arbitrary, Unstructured};

/// A whole structured input.
#[derive(Debug, Arbitrary)]
pub struct EngineInput {
    pub state: StateSpec,
    pub first: RequestSpec,
    /// At most three more are used.
    pub more: Vec<RequestSpec>,
}

/// The state. Masks over pools are "denied" bits, so zeros allow everything.
#[derive(Debug, Arbitrary)]
pub struct StateSpec {
    pub clients: [ClientSpec; 3],
    pub fourth_client: Option<ClientSpec>,
    /// At most four are used, as `code-a`..`code-d`.
    pub codes: Vec<CodeSpec>,
    /// At most four are used, as `rt-a`..`rt-d`.
    pub refresh_tokens: Vec<RefreshSpec>,
    pub revoked_families: u8,
    pub revoked_jtis: u8,
    /// `now` is `BASE_NOW` plus this.
    pub clock: u16,
    pub settings: SettingsSpec,
    pub consent: ConsentSpec,
    pub second_key: bool,
    /// The scope `/api/me` requires, bits 0-2 over SCOPES.
    pub api_scope: u8,
    pub entropy: [u8; 32],
}

#[derive(Debug, Arbitrary)]
pub struct ClientSpec {
    pub public: bool,
    pub secret: u8,
    /// Bits 0-2: authorization_code, refresh_token, client_credentials.
    pub denied_grants: u8,
    /// Bits 0-2: read, write, admin.
    pub denied_scopes: u8,
    /// Bits 0-3 over REDIRECTS, with bit 0 flipped (zero: the first only).
    pub redirects: u8,
    pub introspect_any: bool,
}

#[derive(Debug, Arbitrary)]
pub struct CodeSpec {
    /// Index into the registered clients; past them, `ghost`.
    pub client: u8,
    /// 0-3: that redirect URI was given at authorize; 4, 5: none was.
    pub redirect: u8,
    pub denied_scopes: u8,
    pub pkce: PkceSpec,
    pub age: u8,
    pub lifetime: u8,
    pub state: CodeStateSpec,
}

#[derive(Debug, Arbitrary)]
pub enum PkceSpec {
    None,
    S256(u8),
    Plain(u8),
}

#[derive(Debug, Arbitrary)]
pub enum CodeStateSpec {
    Unused,
    Redeemed,
    RedeemedWithTokens,
}

#[derive(Debug, Arbitrary)]
pub struct RefreshSpec {
    pub client: u8,
    pub denied_scopes: u8,
    pub family: u8,
    pub age: u8,
    pub lifetime: u8,
    pub state: RefreshStateSpec,
}

#[derive(Debug, Arbitrary)]
pub enum RefreshStateSpec {
    Active,
    /// Rotated `AGES[ago]` seconds ago, to `REFRESH_TOKENS[successor]` (or
    /// an unknown token past them).
    Rotated {
        ago: u8,
        successor: u8,
    },
    Revoked,
}

#[derive(Debug, Arbitrary)]
pub struct SettingsSpec {
    pub access_ttl: Option<u8>,
    pub refresh_ttl: Option<u8>,
    pub code_ttl: Option<u8>,
    pub grace: Option<u8>,
    pub pkce_for_all: bool,
    pub allow_plain: bool,
}

#[derive(Debug, Arbitrary)]
pub struct ConsentSpec {
    pub deny: bool,
    /// A granted scope over SCOPES (bits 0-3 denied); none: as requested.
    pub denied_scopes: Option<u8>,
}

/// One request: what to send, how long after the previous one, and an
/// optional raw mutation.
#[derive(Debug, Arbitrary)]
pub struct RequestSpec {
    pub kind: RequestKind,
    pub advance: u8,
    pub mutation: Option<Mutation>,
}

/// `client` fields index CLIENT_IDS.
#[derive(Debug, Arbitrary)]
pub enum RequestKind {
    AuthorizationCode {
        client: u8,
        auth: Auth,
        code: Value,
        redirect_uri: Option<Value>,
        verifier: Option<Value>,
    },
    RefreshToken {
        client: u8,
        auth: Auth,
        token: Value,
        scope: Option<Value>,
    },
    ClientCredentials {
        client: u8,
        auth: Auth,
        scope: Option<Value>,
    },
    /// `response_type` defaults to `code`.
    Authorize {
        client: Option<u8>,
        redirect_uri: Option<Value>,
        response_type: Option<Value>,
        scope: Option<Value>,
        state: Option<Value>,
        challenge: Option<Value>,
        method: Option<Value>,
    },
    Revoke {
        client: u8,
        auth: Auth,
        token: Option<Value>,
        hint: Option<Value>,
    },
    Introspect {
        client: u8,
        auth: Auth,
        token: Option<Value>,
        hint: Option<Value>,
    },
    ApiMe {
        token: Value,
        lowercase: bool,
    },
    Metadata,
    /// Parameters go to the query for GET, to the body otherwise.
    Free {
        endpoint: u8,
        method: u8,
        content_type: u8,
        authorization: Option<Value>,
        params: Vec<(Name, Value)>,
    },
}

/// How the client authenticates.
#[derive(Debug, Arbitrary)]
pub enum Auth {
    Post(Secret),
    Basic(Secret),
    /// `client_id` alone.
    None,
    BasicAndBodyId(Secret, u8),
    BasicAndBodySecret(Secret),
    /// This value as the Authorization header, and `client_id` in the body.
    Header(Value),
}

#[derive(Debug, Arbitrary)]
pub enum Secret {
    /// The client's registered secret.
    Own,
    Pool(u8),
    Value(Value),
}

/// A parameter value.
#[derive(Debug, Arbitrary)]
pub enum Value {
    ClientId(u8),
    Secret(u8),
    Code(u8),
    RefreshToken(u8),
    /// A token or code an earlier response returned.
    Earlier(u8),
    Verifier(u8),
    /// 0-3: the S256 challenge of that verifier; 4-7: the verifier (plain).
    Challenge(u8),
    RedirectUri(u8),
    /// Bits 0-3 over SCOPES; bit 4 joins them with two spaces.
    Scope(u8),
    GrantType(u8),
    ResponseType(u8),
    Method(u8),
    Hint(u8),
    /// Sent exactly as given (not encoded).
    Bytes(Vec<u8>),
    Empty,
}

#[derive(Debug, Arbitrary)]
pub enum Name {
    Known(u8),
    Bytes(Vec<u8>),
}

#[derive(Debug, Arbitrary)]
pub enum Mutation {
    BodyFlip {
        at: u16,
        xor: u8,
    },
    BodyTruncate {
        at: u16,
    },
    BodyInsert {
        at: u16,
        bytes: Vec<u8>,
    },
    /// Repeat the first parameter of the body (or of the query).
    DuplicateParam,
    DuplicateHeader(u8),
    DropHeader(u8),
    TargetSuffix(Vec<u8>),
    /// Flip a byte of the raw HTTP request and parse it again.
    Wire {
        at: u16,
        xor: u8,
    },
}

impl EngineInput {
    /// Decodes the `arbitrary` encoding of an input (missing bytes decode
    /// as zeros); `None` if `arbitrary` refuses the bytes.
    pub fn from_bytes(data: &[u8]) -> Option<EngineInput> {
        EngineInput::arbitrary(&mut Unstructured::new(data)).ok()
    }
}
