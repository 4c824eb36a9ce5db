#!/usr/bin/env python3
"""Replays conformance vectors through the grant-engine oracle CLI.

This is the recipe a test suite in another language uses: for each vector,
write its request as raw HTTP/1.1 bytes, send them to a server, parse the
raw response, and compare it with the vector's expected response (and, with
the oracle, the effects it prints on stderr). Here the "server" is the
oracle itself, so the script must pass on every vector; point the same
comparison at your own server to check it.

    python3 oracle/oracle_check.py                      # all of tests/vectors
    python3 oracle/oracle_check.py --oracle target/debug/grant-engine-oracle
    python3 oracle/oracle_check.py tests/vectors/seed-refresh-token.json

Without --oracle each vector runs
`cargo run -q -p grant-engine-oracle -- --fixture VECTOR`.
Standard library only.
"""

import argparse
import base64
import json
import pathlib
import subprocess
import sys

REPO = pathlib.Path(__file__).resolve().parent.parent


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def raw_request(request):
    """The vector's request as HTTP/1.1 bytes (a Content-Length is added
    unless the vector gives one)."""
    if request.get("body_base64") is not None:
        body = b64url_decode(request["body_base64"])
    else:
        body = request.get("body", "").encode("utf-8")
    head = f"{request['method']} {request['target']} HTTP/1.1\r\n"
    headers = request.get("headers", [])
    for name, value in headers:
        head += f"{name}: {value}\r\n"
    if not any(name.lower() == "content-length" for name, _ in headers):
        head += f"Content-Length: {len(body)}\r\n"
    return head.encode("utf-8") + b"\r\n" + body


def parse_response(raw):
    """(status, [(lower-case name, value)], body) of a raw HTTP/1.1 response."""
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        raise ValueError("no blank line after the response head")
    lines = head.decode("utf-8").split("\r\n")
    version, status, _reason = (lines[0].split(" ", 2) + [""])[:3]
    if not version.startswith("HTTP/1."):
        raise ValueError(f"not an HTTP/1.x status line: {lines[0]!r}")
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.append((name.strip().lower(), value.strip()))
    return int(status), headers, body


def differences(vector, status, headers, body):
    """What differs between an actual response and the vector's expectation.

    Header names compare case-insensitively, in order; `content-length` must
    match the body. A harness checking its own server may relax the order
    or allow extra headers (Date, Server) as its policy says.
    """
    expected = vector["response"]
    out = []
    if status != expected["status"]:
        out.append(f"status {status}, expected {expected['status']}")
    want = [(n.lower(), v) for n, v in expected["headers"]]
    got = [(n, v) for n, v in headers if n != "content-length"]
    if got != want:
        out.append(f"headers {got}, expected {want}")
    lengths = [v for n, v in headers if n == "content-length"]
    if lengths and lengths != [str(len(body))]:
        out.append(f"content-length {lengths} for a body of {len(body)} bytes")
    if body != expected["body"].encode("utf-8"):
        out.append(f"body {body[:200]!r}, expected {expected['body'][:200]!r}")
    return out


def run_oracle(command, vector_path, request_bytes):
    result = subprocess.run(
        command + ["--fixture", str(vector_path)],
        input=request_bytes,
        capture_output=True,
        cwd=REPO,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr.decode("utf-8", "replace").strip())
    return result.stdout, result.stderr


def vector_paths(args):
    paths = []
    for arg in args or [str(REPO / "tests" / "vectors")]:
        path = pathlib.Path(arg)
        paths.extend(sorted(path.glob("*.json")) if path.is_dir() else [path])
    return paths


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("vectors", nargs="*", help="vector files or directories")
    parser.add_argument("--oracle", help="a prebuilt oracle binary")
    parser.add_argument(
        "--no-effects", action="store_true", help="compare responses only"
    )
    args = parser.parse_args()
    if args.oracle:
        command = [str(pathlib.Path(args.oracle).resolve())]
    else:
        command = ["cargo", "run", "-q", "-p", "grant-engine-oracle", "--"]

    failures = 0
    paths = vector_paths(args.vectors)
    for path in paths:
        vector = json.loads(path.read_text(encoding="utf-8"))
        try:
            stdout, stderr = run_oracle(command, path, raw_request(vector["request"]))
            problems = differences(vector, *parse_response(stdout))
            if not args.no_effects:
                effects = json.loads(stderr)
                if effects != vector["effects"]:
                    problems.append(f"effects {effects}, expected {vector['effects']}")
        except (RuntimeError, ValueError) as error:
            problems = [str(error)]
        if problems:
            failures += 1
            print(f"FAIL {vector['name']}")
            for problem in problems:
                print(f"     {problem}")
    print(f"{len(paths) - failures} of {len(paths)} vectors match")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
