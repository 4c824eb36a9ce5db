#!/usr/bin/env bash
# Fuzzes every target for SECONDS each, for CI:
#
#     fuzz/run.sh SECONDS [TARGET...]
#
# Works on plain stable Rust: `--sanitizer none` needs no nightly flag (libFuzzer
# is linked by libfuzzer-sys and the coverage instrumentation is a stable -C
# flag). Each target starts from a temporary copy of fuzz/corpus/<target>/, so
# the committed corpus never grows, plus the fixed reproducers in
# fuzz/regressions/<target>/ (the open-* ones, bugs not fixed yet, would stop
# the run at once; `cargo test -p grant-engine-testkit --test fuzz_corpus`
# checks them). The checks themselves are grant_engine_testkit::fuzz
# (testkit/src/fuzz/); the targets only call them. A crash
# leaves its input in fuzz/artifacts/<target>/ and makes the script exit 1
# after the remaining targets have run; exec/s and run counts are printed per
# target at the end.
#
# AddressSanitizer: FUZZ_SANITIZER=address fuzz/run.sh SECONDS. The crate has
# no unsafe code, so `none` loses little. `-Zsanitizer` is a nightly flag; on a
# stable toolchain this script sets RUSTC_BOOTSTRAP=1 for it, and
# `RUSTC_BOOTSTRAP=1 cargo fuzz run <target>` (default address sanitizer) was
# verified to build and run on stable 1.95.0 with cargo-fuzz 0.13.2.
#
# Reproduce a crash:  cargo fuzz run --sanitizer none <target> fuzz/artifacts/<target>/crash-...
# Then save it as fuzz/regressions/<target>/open-<name> until src/ is fixed,
# and without the open- prefix after: `cargo test -p grant-engine-testkit
# --test fuzz_corpus` replays it on stable without libFuzzer.
set -euo pipefail

usage() {
    echo "usage: $0 SECONDS [TARGET...]" >&2
    exit 2
}
[[ $# -ge 1 && $1 =~ ^[0-9]+$ && $1 -gt 0 ]] || usage
duration=$1
shift

fuzz_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$fuzz_dir/.."

# Inputs longer than this are never generated: past the 4 KiB Basic limit and
# well past a useful token request (the 16 KiB body limit is pinned by tests);
# a query past the 32-parameter limit; a bearer header past the 8 KiB token
# limit; an engine input as long as most conformance vectors (the few larger
# ones, huge-body 413 vectors, are truncated and rejected by the target).
declare -A max_len=([token_request]=4096 [basic_credentials]=8192 [scope]=1024
    [authorize_request]=4096 [bearer]=9216 [engine]=8192)
if [[ $# -gt 0 ]]; then
    targets=("$@")
else
    targets=(token_request basic_credentials scope authorize_request bearer engine)
fi
for target in "${targets[@]}"; do
    [[ -n ${max_len[$target]:-} ]] || {
        echo "unknown target: $target" >&2
        exit 2
    }
done

export PATH="$HOME/.cargo/bin:$PATH"
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install --locked cargo-fuzz
fi

sanitizer=${FUZZ_SANITIZER:-none}
if [[ $sanitizer != none ]] && ! rustc --version | grep -q nightly; then
    export RUSTC_BOOTSTRAP=1
fi
# -a: debug assertions, so integer overflow panics too.
build_flags=(--sanitizer "$sanitizer" --debug-assertions)

# Build first, so that a build failure is not reported as a crash.
cargo fuzz build "${build_flags[@]}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

status=0
summary=()
for target in "${targets[@]}"; do
    cp -r "fuzz/corpus/$target" "$work/$target"
    for reproducer in "fuzz/regressions/$target"/*; do
        [[ -f $reproducer && $(basename "$reproducer") != open-* ]] || continue
        cp "$reproducer" "$work/$target/"
    done
    options=(
        "-max_total_time=$duration"
        "-max_len=${max_len[$target]}"
        -timeout=10
        -rss_limit_mb=4096
        -print_final_stats=1
    )
    if [[ -f fuzz/dict/$target.dict ]]; then
        options+=("-dict=$fuzz_dir/dict/$target.dict")
    fi
    log="$work/$target.log"
    echo "== $target: fuzzing for ${duration}s"
    outcome=ok
    if ! cargo fuzz run "${build_flags[@]}" "$target" "$work/$target" -- "${options[@]}" \
        >"$log" 2>&1; then
        outcome=FAILED
        status=1
        tail -n 80 "$log"
        echo "== $target FAILED; the input is in fuzz/artifacts/$target/" >&2
    fi
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 || true)
    line=$(printf '%-18s %-6s %10s exec/s %12s runs  %s' \
        "$target" "$outcome" "${speed:-?}" "${runs:-?}" "$cov")
    echo "$line"
    summary+=("$line")
done

echo "== summary (${duration}s per target, sanitizer $sanitizer)"
printf '%s\n' "${summary[@]}"
exit "$status"
