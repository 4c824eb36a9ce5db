#!/usr/bin/env python3
"""Writes the seed corpus in fuzz/corpus/<target>/ (run from anywhere).

The checks and input formats live in testkit/src/fuzz/ (the
grant_engine_testkit::fuzz modules). The token_request input format is
described in testkit/src/fuzz/token_request.rs: a flags byte, the
length-prefixed fields the flags ask for (method, Content-Type,
Authorization), then the body. basic_credentials, scope and
authorize_request take their input as is. bearer
(testkit/src/fuzz/bearer.rs) takes a raw header, or 0x00 and a structured
case. engine (testkit/src/fuzz/engine/) takes 'V' and a conformance vector
(one seed per tests/vectors/*.json, read when this script runs), or an
`arbitrary` encoding of its input grammar (testkit/src/fuzz/engine/grammar.rs),
which the helpers below write.
"""
import base64
import hashlib
import hmac
import json
import pathlib

FUZZ = pathlib.Path(__file__).resolve().parent
CORPUS = FUZZ / "corpus"
VECTORS = FUZZ.parent / "tests" / "vectors"

METHOD, NO_CONTENT_TYPE, CONTENT_TYPE, AUTHORIZATION, BASIC = 1, 2, 4, 8, 16


def token_input(body, method=None, content_type=None, no_content_type=False,
                authorization=None, basic=None):
    """Encodes one token_request input; `basic` is the raw "id:secret"."""
    flags, fields = 0, b""

    def field(value):
        assert len(value) < 256
        return bytes([len(value)]) + value

    if method is not None:
        flags |= METHOD
        fields += field(method)
    if no_content_type:
        flags |= NO_CONTENT_TYPE
    if content_type is not None:
        flags |= CONTENT_TYPE
        fields += field(content_type)
    if authorization is not None or basic is not None:
        flags |= AUTHORIZATION
        if basic is not None:
            flags |= BASIC
        fields += field(basic if basic is not None else authorization)
    return bytes([flags]) + fields + body


AUTH_CODE = (b"grant_type=authorization_code&code=abc123&client_id=your_client_id"
             b"&client_secret=your_client_secret"
             b"&redirect_uri=https%3A%2F%2Fyour-app.com%2Fcallback")
CLIENT_CREDENTIALS = (b"grant_type=client_credentials&client_id=your_client_id"
                      b"&client_secret=your_client_secret&scope=read%20write")
REFRESH = (b"grant_type=refresh_token&refresh_token=def50200641f3e..."
           b"&client_id=your_client_id&client_secret=your_client_secret")
VERIFIER = b"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"

SEEDS = {
    "token_request": {
        "authorization_code": token_input(AUTH_CODE),
        "client_credentials": token_input(CLIENT_CREDENTIALS),
        "refresh_token": token_input(REFRESH),
        "pkce_public_client": token_input(
            b"grant_type=authorization_code&code=abc123&client_id=spa"
            b"&redirect_uri=com.example.app%3A%2Fcb&code_verifier=" + VERIFIER),
        "basic_encoded": token_input(
            b"grant_type=client_credentials&scope=read+write",
            basic=b"your_client_id:your_client_secret"),
        "basic_form_encoded_halves": token_input(
            b"grant_type=refresh_token&refresh_token=rt&client_id=a%3Ab",
            basic=b"a%3Ab:p%25+q"),
        "basic_raw_header": token_input(
            b"grant_type=client_credentials&client_id=your_client_id",
            authorization=b"Basic eW91cl9jbGllbnRfaWQ6eW91cl9jbGllbnRfc2VjcmV0"),
        "get": token_input(CLIENT_CREDENTIALS, method=b"GET"),
        "charset": token_input(
            CLIENT_CREDENTIALS,
            content_type=b"application/x-www-form-urlencoded; charset=UTF-8"),
        "no_content_type": token_input(CLIENT_CREDENTIALS, no_content_type=True),
        "duplicate_scope": token_input(
            b"grant_type=client_credentials&scope=a&scope=b&client_id=m2m"),
        "bad_percent": token_input(b"grant_type=client_credentials&client_id=%zz"),
        "utf8": token_input("grant_type=client_credentials&client_id=%C3%A9&x=\u00e9".encode()),
    },
    "basic_credentials": {
        "basic": b"Basic eW91cl9jbGllbnRfaWQ6eW91cl9jbGllbnRfc2VjcmV0",
        "lower_unpadded": b"basic   aWQ6cw",
        "form_encoded_halves": b"Basic " + base64.b64encode(b"a%3Ab:p%25+q"),
        "bearer": b"Bearer abc",
        "not_base64": b"Basic !!!",
        "empty_secret": b"Basic aWQ6",
    },
    "scope": {
        "read_write": b"read write",
        "repeats": b"write read write",
        "punctuation": b"!#[]~",
        "double_space": b"read  write",
        "oidc": b"openid profile email offline_access",
        "quote": b'a"b',
    },
}



# --- authorize_request: the query of GET /oauth/authorize -------------------
# The clients are fixed in testkit/src/fuzz/authorize_request.rs.

CHALLENGE = b"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"  # S256 of VERIFIER

SEEDS["authorize_request"] = {
    "confidential": b"response_type=code&client_id=app&state=xyz"
                    b"&redirect_uri=https%3A%2F%2Fapp.example%2Fcb",
    "public_s256": b"response_type=code&client_id=spa&state=s%20t+u%2B&code_challenge="
                   + CHALLENGE + b"&code_challenge_method=S256",
    "registered_query": b"response_type=code&client_id=q&state=abc&code_challenge="
                        + CHALLENGE + b"&code_challenge_method=S256",
    "registered_query_ends_with_question_mark":
        b"response_type=code&client_id=qq&scope=read"
        b"&redirect_uri=https%3A%2F%2Fqq.example%2Fcb%3F",
    "several_registered_one_chosen": b"response_type=code&client_id=multi&scope=admin"
                                     b"&redirect_uri=https%3A%2F%2Fb.example%2Fcb2",
    "several_registered_none_chosen": b"response_type=code&client_id=multi",
    "unregistered_uri": b"response_type=code&client_id=app"
                        b"&redirect_uri=https%3A%2F%2Fevil.example%2Fcb",
    "unknown_client": b"response_type=code&client_id=nobody&state=1",
    "no_client": b"response_type=code&state=1",
    "client_id_repeated": b"client_id=app&client_id=spa&response_type=code",
    "state_repeated": b"response_type=code&client_id=app&state=a&state=b",
    "implicit": b"response_type=token&client_id=app&state=%E2%82%AC",
    "no_response_type": b"client_id=app&state=x",
    "plain_pkce": b"response_type=code&client_id=spa&code_challenge=" + VERIFIER
                  + b"&code_challenge_method=plain",
    "unauthorized_client": b"response_type=code&client_id=m2m&state=s",
    "no_redirect_registered": b"response_type=code&client_id=nowhere",
    "bad_scope": b"response_type=code&client_id=app&scope=read%20%20write&state=q",
    "wider_scope": b"response_type=code&client_id=app&scope=admin",
    "bad_percent": b"response_type=code&client_id=app&state=%zz",
    "not_utf8": b"response_type=code&client_id=app&state=%ff",
    "short_challenge": b"response_type=code&client_id=spa&code_challenge=abc",
    "state_with_controls": b"response_type=code&client_id=app&state=a%0Ab",
}

# --- bearer: a raw Authorization header, or 0x00 and a structured case ------
# testkit/src/fuzz/bearer.rs mints with kid k1 = 32 bytes of 7 at MINTED_AT and
# checks raw headers at MINTED_AT + 60, so a token signed the same way here
# is valid in raw mode.

MINTED_AT = 1_800_000_000


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def jwt(header, claims, key):
    signing_input = (b64url(json.dumps(header, separators=(",", ":")).encode()) + b"."
                     + b64url(json.dumps(claims, separators=(",", ":")).encode()))
    signature = hmac.new(key, signing_input, hashlib.sha256).digest()
    return signing_input + b"." + b64url(signature)


K1 = bytes([7] * 32)
CLAIMS = {"iss": "https://as.example", "sub": "rs-client", "aud": "https://api.example",
          "exp": MINTED_AT + 3600, "iat": MINTED_AT, "jti": "seed-jti",
          "client_id": "rs-client", "scope": "read write"}
VALID_JWT = jwt({"alg": "HS256", "typ": "at+jwt", "kid": "k1"}, CLAIMS, K1)
NONE_JWT = (b64url(b'{"alg":"none","typ":"at+jwt","kid":"k1"}') + b"."
            + b64url(json.dumps(CLAIMS).encode()) + b".")


def bearer_case(op, prefix=0, clock=0, bits=0, args=b""):
    return bytes([0, op, prefix, clock, bits]) + args


SEEDS["bearer"] = {
    "valid": b"Bearer " + VALID_JWT,
    "valid_lowercase_scheme": b"bearer " + VALID_JWT,
    "alg_none": b"Bearer " + NONE_JWT,
    "basic": b"Basic eW91cl9jbGllbnRfaWQ6eW91cl9jbGllbnRfc2VjcmV0",
    "not_a_jwt": b"Bearer abc",
    "bad_token68": b"Bearer a b",
    "scheme_only": b"Bearer",
    "minted": bearer_case(0),
    "minted_expired": bearer_case(0, clock=3),
    "minted_leeway": bearer_case(0, clock=4, bits=8),
    "minted_revoked": bearer_case(0, bits=4),
    "minted_insufficient_scope": bearer_case(0, bits=3),
    "minted_tab_after_scheme": bearer_case(0, prefix=6),
    "minted_trailing_space": bearer_case(0, prefix=12),
    "flip_signature": bearer_case(1, args=bytes([0xff, 0x00, 0x01])),
    "flip_header": bearer_case(1, args=bytes([3, 0, 0x20])),
    "truncate": bearer_case(2, args=bytes([40, 0])),
    "header_alg_none_unsigned": bearer_case(3, args=bytes([1, 0, 0, 0, 3])),
    "header_kid_k2_signed_k2": bearer_case(3, args=bytes([0, 2, 1, 0, 1])),
    "header_crit": bearer_case(3, args=bytes([0, 0, 0, 1, 0])),
    "header_typ_jwt": bearer_case(3, args=bytes([0, 3, 0, 0, 0])),
    "resign_k2_as_k2": bearer_case(4, args=bytes([2])),
    "resign_outsider": bearer_case(4, args=bytes([1])),
    "claims_wrong_aud": bearer_case(5, args=bytes([1, 0])),
    "claims_exp_float": bearer_case(5, args=bytes([2, 4])),
    "claims_bad_scope": bearer_case(5, args=bytes([4, 1])),
    "claims_no_iat": bearer_case(5, args=bytes([3, 0x80])),
    "append": bearer_case(6, args=b"=="),
    "replace_signature": bearer_case(7, args=b"\x02AAAA"),
    # With the asymmetric keys es1, ed1, rs1 (testkit feature `asymmetric`).
    "resign_es256": bearer_case(4, args=bytes([4, 0, 0])),
    "resign_eddsa": bearer_case(4, args=bytes([4, 1, 0])),
    "resign_rs256": bearer_case(4, args=bytes([4, 2, 0])),
    "resign_es256_under_ed1": bearer_case(4, args=bytes([5, 0, 1])),
    "header_rs256_kid_rs1_signed_rs1": bearer_case(3, args=bytes([3, 0, 8, 0, 5, 2])),
    "header_es256_kid_rs1_signed_es1": bearer_case(3, args=bytes([7, 0, 8, 0, 5, 0])),
    "header_hs256_kid_es1_keyed_with_its_pem": bearer_case(3, args=bytes([0, 0, 6, 0, 6, 0])),
    "header_hs256_kid_rs1_keyed_with_its_pem": bearer_case(3, args=bytes([0, 0, 8, 0, 6, 2])),
}

# --- engine: vectors, and structured inputs ---------------------------------
# The `arbitrary` encoding (arbitrary 1.x, derive): integers little-endian,
# a bool is a byte (low bit), Option a bool then the value, Vec a "more"
# bool before each element and a false after the last, an enum variant a
# u32 x with (x * variants) >> 32 == index, then its fields. Field order and
# variant order follow testkit/src/fuzz/engine/grammar.rs;
# testkit/tests/fuzz_corpus.rs checks that the named seeds below still mean
# what they say.


def u8(v):
    return bytes([v])


def u16(v):
    return v.to_bytes(2, "little")


def flag(b):
    return b"\x01" if b else b"\x00"


def variant(index, count):
    return ((((index << 32) + count - 1) // count)).to_bytes(4, "little")


def opt(encoded):
    return b"\x00" if encoded is None else b"\x01" + encoded


def vec(items):
    return b"".join(b"\x01" + item for item in items) + b"\x00"


def client(public=False, secret=0, denied_grants=0, denied_scopes=0, redirects=0,
           introspect_any=False):
    return (flag(public) + u8(secret) + u8(denied_grants) + u8(denied_scopes)
            + u8(redirects) + flag(introspect_any))


def code(client_index=0, redirect=0, denied_scopes=0, pkce=None, age=1, lifetime=0, state=0):
    pkce_enc = (variant(0, 3) if pkce is None
                else variant(1, 3) + u8(pkce[1]) if pkce[0] == "S256"
                else variant(2, 3) + u8(pkce[1]))
    return (u8(client_index) + u8(redirect) + u8(denied_scopes) + pkce_enc + u8(age)
            + u8(lifetime) + variant(state, 3))


def refresh(client_index=0, denied_scopes=0, family=0, age=3, lifetime=0, rotated=None,
            revoked=False):
    if rotated is not None:
        state = variant(1, 3) + u8(rotated[0]) + u8(rotated[1])
    else:
        state = variant(2 if revoked else 0, 3)
    return (u8(client_index) + u8(denied_scopes) + u8(family) + u8(age) + u8(lifetime)
            + state)


def state(codes=(), refresh_tokens=(), grace=None, revoked_families=0, consent_deny=False,
          api_scope=0):
    clients = (client()  # app: confidential (s3cret), every grant and scope
               # spa: public, no client_credentials, com.example.app:/cb only
               + client(public=True, denied_grants=4, redirects=5)
               # m2m: confidential (hunter2), client_credentials, read, a resource server
               + client(secret=1, denied_grants=3, denied_scopes=6, redirects=1,
                        introspect_any=True))
    settings = (opt(None) + opt(None) + opt(None) + opt(None if grace is None else u8(grace))
                + flag(False) + flag(False))
    consent = flag(consent_deny) + opt(None)
    return (clients + opt(None) + vec(codes) + vec(refresh_tokens) + u8(revoked_families)
            + u8(0) + u16(0) + settings + consent + flag(False) + u8(api_scope)
            + bytes([42] * 32))


def value(kind, arg=None):
    kinds = ["ClientId", "Secret", "Code", "RefreshToken", "Earlier", "Verifier",
             "Challenge", "RedirectUri", "Scope", "GrantType", "ResponseType", "Method",
             "Hint", "Bytes", "Empty"]
    index = kinds.index(kind)
    if kind == "Bytes":
        return variant(index, 15) + vec([u8(b) for b in arg])
    if kind == "Empty":
        return variant(index, 15)
    return variant(index, 15) + u8(arg)


OWN = variant(0, 3)


def auth(kind, secret=OWN):
    index = ["Post", "Basic", "None"].index(kind)
    return variant(index, 6) + (b"" if kind == "None" else secret)


def request(kind, advance=0, mutation=None):
    return kind + u8(advance) + opt(mutation)


def authorization_code(client_index, auth_enc, code_value, redirect=None, verifier=None):
    return (variant(0, 9) + u8(client_index) + auth_enc + code_value + opt(redirect)
            + opt(verifier))


def refresh_grant(client_index, auth_enc, token, scope=None):
    return variant(1, 9) + u8(client_index) + auth_enc + token + opt(scope)


def client_credentials(client_index, auth_enc, scope=None):
    return variant(2, 9) + u8(client_index) + auth_enc + opt(scope)


def authorize(client_index=None, redirect=None, response_type=None, scope=None,
              state_value=None, challenge=None, method=None):
    return (variant(3, 9) + opt(None if client_index is None else u8(client_index))
            + opt(redirect) + opt(response_type) + opt(scope) + opt(state_value)
            + opt(challenge) + opt(method))


def revoke(client_index, auth_enc, token=None, hint=None, introspect=False):
    return variant(5 if introspect else 4, 9) + u8(client_index) + auth_enc + opt(token) + opt(hint)


def api_me(token, lowercase=False):
    return variant(6, 9) + token + flag(lowercase)


METADATA = variant(7, 9)


def free(endpoint, method, content_type, params, authorization=None):
    encoded = [variant(0, 2) + u8(name) + val for name, val in params]
    return (variant(8, 9) + u8(endpoint) + u8(method) + u8(content_type)
            + opt(authorization) + vec(encoded))


def engine_input(state_enc, requests):
    return state_enc + requests[0] + vec(requests[1:])


CODES = [code(),  # code-a: app, https://app.example/cb, issued 1 s ago, unused
         # code-b: spa, com.example.app:/cb, S256 of VERIFIERS[0], 59 s ago
         code(client_index=1, redirect=2, pkce=("S256", 0), age=2),
         code(state=1)]  # code-c: app, already redeemed
REFRESH = [refresh(),  # rt-a: app, fam-1, active
           refresh(client_index=1, family=1),  # rt-b: spa, fam-2, active
           refresh(rotated=(1, 0))]  # rt-c: app, fam-1, rotated 1 s ago to rt-a
STATE = state(CODES, REFRESH)

ENGINE_STRUCTURED = {
    # code -> refresh with the new token -> /api/me with the new access token
    # -> revoke the newest refresh token: 200, 200, 200, 200
    "code_refresh_bearer_revoke": engine_input(STATE, [
        request(authorization_code(0, auth("Post"), value("Code", 0),
                                   redirect=value("RedirectUri", 0))),
        request(refresh_grant(0, auth("Basic"), value("Earlier", 1)), advance=1),
        request(api_me(value("Earlier", 2))),
        request(revoke(0, auth("Basic"), value("Earlier", 3))),
    ]),
    # a public client's PKCE redemption, then the same again: 200, 400
    "pkce_code_reuse": engine_input(STATE, [
        request(authorization_code(1, auth("None"), value("Code", 1),
                                   redirect=value("RedirectUri", 2),
                                   verifier=value("Verifier", 0))),
        request(authorization_code(1, auth("None"), value("Code", 1),
                                   redirect=value("RedirectUri", 2),
                                   verifier=value("Verifier", 0))),
    ]),
    # client_credentials, then a resource server introspects the token: 200, 200
    "client_credentials_introspect": engine_input(STATE, [
        request(client_credentials(2, auth("Basic"), value("Scope", 1))),
        request(revoke(2, auth("Post"), value("Earlier", 0), introspect=True)),
    ]),
    # authorize (spa, S256), then redeem the code it returned: 302, 200
    "authorize_then_redeem": engine_input(STATE, [
        request(authorize(1, scope=value("Scope", 1), state_value=value("Bytes", b"xyz"),
                          challenge=value("Challenge", 0), method=value("Method", 0))),
        request(authorization_code(1, auth("None"), value("Earlier", 0),
                                   verifier=value("Verifier", 0)), advance=2),
    ]),
    # refresh, replay the old token (reuse: the family is revoked), then the
    # successor no longer works: 200, 400, 400
    "refresh_reuse": engine_input(STATE, [
        request(refresh_grant(0, auth("Post"), value("RefreshToken", 0))),
        request(refresh_grant(0, auth("Post"), value("RefreshToken", 0)), advance=1),
        request(refresh_grant(0, auth("Post"), value("Earlier", 1)), advance=1),
    ]),
    # with a 60 s grace period, the replay within it gets the same successor: 200, 200
    "refresh_grace": engine_input(state(CODES, REFRESH, grace=2), [
        request(refresh_grant(0, auth("Post"), value("RefreshToken", 0))),
        request(refresh_grant(0, auth("Post"), value("RefreshToken", 0)), advance=2),
    ]),
    # metadata, then a GET to the token endpoint with a query: 200, 405
    "metadata_and_free": engine_input(STATE, [
        request(METADATA),
        request(free(0, 1, 0, [(1, value("ClientId", 0)), (0, value("GrantType", 2))])),
    ]),
    # a client_credentials request whose raw bytes get one byte flipped
    "wire_mutation": engine_input(STATE, [
        request(client_credentials(2, auth("Post"), value("Scope", 1)),
                mutation=variant(7, 8) + u16(3) + u8(0x20)),
    ]),
    # every byte zero: the all-defaults state and request
    "zeros": bytes(64),
}

SEEDS["engine"] = {f"struct_{name}": data for name, data in ENGINE_STRUCTURED.items()}

for target, seeds in SEEDS.items():
    directory = CORPUS / target
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in seeds.items():
        (directory / f"seed-{name}").write_bytes(data)

# One engine seed per conformance vector, whatever vectors exist now; stale
# vector seeds (of vectors since removed) are deleted.
engine_dir = CORPUS / "engine"
wanted = set()
for path in sorted(VECTORS.glob("*.json")):
    name = f"seed-vector-{path.stem}"
    wanted.add(name)
    (engine_dir / name).write_bytes(b"V" + path.read_bytes())
for stale in engine_dir.glob("seed-vector-*"):
    if stale.name not in wanted:
        stale.unlink()
