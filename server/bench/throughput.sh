#!/usr/bin/env bash
# Throughput of one demo-server process, measured with wrk: the token
# endpoint (client_credentials: one client lookup, no write) and the
# authorization endpoint (one client lookup and one stored code), on
# SQLite in memory, a SQLite file and PostgreSQL, beside the ceiling
# `/bench/constant` (the same response, no engine, no database).
#
#   bash server/bench/throughput.sh [ROUNDS] [SECONDS]
#
# Needs wrk and PostgreSQL's server binaries; starts (and removes) its own
# cluster in a temporary folder. The variants run interleaved, ROUNDS times
# (default 3), so that a noisy machine shifts them alike: compare the
# ratios to the constant route within a round, not absolute numbers.
set -euo pipefail
cd "$(dirname "$0")/../.."

rounds="${1:-3}"
seconds="${2:-4}"
port=18090
pg_port=18091

command -v wrk >/dev/null || { echo "needs wrk" >&2; exit 1; }
pg_bin="${GRANT_ENGINE_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
[ -x "$pg_bin/initdb" ] || pg_bin="$(dirname "$(command -v initdb)")"

cargo build --release -q -p grant-engine-server
server=target/release/grant-engine-server

work="$(mktemp -d)"
as_pg=()
if [ "$(id -u)" = 0 ]; then
    user=postgres
    id -u postgres >/dev/null 2>&1 || user=nobody
    chown "$user" "$work"
    as_pg=(runuser -u "$user" --)
fi
cleanup() {
    "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
"${as_pg[@]}" "$pg_bin/initdb" -D "$work/data" -A trust -U grant_engine -E UTF8 --locale=C >/dev/null
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/data" -l "$work/log" -w \
    -o "-p $pg_port -k $work -c listen_addresses=127.0.0.1" start >/dev/null
"${as_pg[@]}" "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U grant_engine bench
pg_url="postgres://grant_engine@127.0.0.1:$pg_port/bench"
sqlite_file="$work/bench.db"

cat > "$work/token.lua" <<'EOF'
wrk.method = "POST"
wrk.body   = "grant_type=client_credentials&client_id=your_client_id&client_secret=your_client_secret&scope=read%20write"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
EOF
cat > "$work/authorize.lua" <<'EOF'
wrk.method = "GET"
wrk.path = "/oauth/authorize?response_type=code&client_id=your_client_id&redirect_uri=https%3A%2F%2Fyour-app.com%2Fcallback&scope=read%20write&state=xyz"
EOF

# measure NAME SCRIPT PATH [server flags...]: requests per second.
measure() {
    local name=$1 script=$2 path=$3
    shift 3
    GRANT_ENGINE_CLIENT_PEPPER=throughput-bench-client-pepper-0123456789 \
        "$server" --listen "127.0.0.1:$port" --bench-routes --purge-every 0 "$@" >/dev/null 2>&1 &
    local pid=$!
    for _ in $(seq 100); do
        curl -s -o /dev/null "http://127.0.0.1:$port/.well-known/oauth-authorization-server" && break
        sleep 0.1
    done
    local url="http://127.0.0.1:$port$path"
    wrk -t1 -c32 -d1s -s "$work/$script" "$url" >/dev/null
    local out
    out="$(wrk -t1 -c32 -d"${seconds}s" -s "$work/$script" "$url")"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    if grep -q 'Non-2xx' <<<"$out"; then
        echo "$name: some responses failed" >&2
        exit 1
    fi
    awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out"
}

printf '%-6s %9s %9s %9s %9s %9s %9s %9s\n' round constant \
    tok-mem tok-file tok-pg auth-mem auth-file auth-pg
for round in $(seq "$rounds"); do
    constant=$(measure constant token.lua /bench/constant)
    row=()
    row+=("$(measure token-memory token.lua /oauth/token)")
    row+=("$(measure token-file token.lua /oauth/token --db "$sqlite_file")")
    row+=("$(measure token-pg token.lua /oauth/token --db "$pg_url")")
    row+=("$(measure authorize-memory authorize.lua /oauth/authorize)")
    row+=("$(measure authorize-file authorize.lua /oauth/authorize --db "$sqlite_file")")
    row+=("$(measure authorize-pg authorize.lua /oauth/authorize --db "$pg_url")")
    printf '%-6s %9s' "$round" "$constant"
    printf ' %9s' "${row[@]}"
    printf '\n%-6s %9s' "" "1.00"
    for rps in "${row[@]}"; do
        printf ' %9s' "$(awk -v a="$rps" -v b="$constant" 'BEGIN {printf "%.2f", a / b}')"
    done
    printf '\n'
done
