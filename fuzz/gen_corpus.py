#!/usr/bin/env python3
"""Writes the seed corpus in fuzz/corpus/<target>/ (run from anywhere).

The token_request input format is described in fuzz/common/token_request.rs:
a flags byte, the length-prefixed fields the flags ask for (method,
Content-Type, Authorization), then the body. The other two targets take
their input as is.
"""
import base64
import pathlib

CORPUS = pathlib.Path(__file__).resolve().parent / "corpus"

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

for target, seeds in SEEDS.items():
    directory = CORPUS / target
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in seeds.items():
        (directory / f"seed-{name}").write_bytes(data)
