//! Housekeeping: the purge deletes expired codes, refresh-token families
//! whose newest token expired, and revocations older than an access
//! token's lifetime, and nothing else; on SQLite, on PostgreSQL, and as the
//! server's periodic task.

use std::time::{Duration, Instant};

use grant_engine::store::RefreshTokenState;
use grant_engine::values::{ClientSecret, FamilyId, SecretHash, TokenId};
use grant_engine::{AsyncStore, Config, Effect, TokenHash};
use grant_engine_server::cli::{self, Command};
use grant_engine_server::store::purge::{Cutoffs, MARGIN, Purged};
use grant_engine_server::store::storage::Storage;
use grant_engine_server::store::target::{DbTarget, PgUrl};
use grant_engine_testkit::postgres::Cluster;
use grant_engine_testkit::world::{WEB, client_secrets, code_record, config, id, refresh_record};

/// Long expired, by the records' own clock (the purge compares against the
/// `now` it is given).
const PAST: u64 = 1_000;
const FUTURE: u64 = 4_000_000_000;

fn code_expiring(name: &str, expires_at: u64) -> Effect {
    let mut code = code_record(name, WEB);
    code.issued_at = expires_at - 600;
    code.expires_at = expires_at;
    Effect::StoreCode(code)
}

fn token_expiring(name: &str, family: &str, expires_at: u64, rotated: bool) -> Effect {
    let mut token = refresh_record(name, WEB, family, expires_at - 60);
    token.expires_at = expires_at;
    if rotated {
        token.state = RefreshTokenState::Rotated {
            at: expires_at - 30,
            successor: TokenHash::of("whatever"),
            nonce: Some(String::from("n")),
        };
    }
    Effect::StoreRefreshToken(token)
}

/// Two codes (one expired), two families (one wholly expired, one with an
/// expired rotated token and a live newest token), a revoked family and a
/// revoked access token.
async fn seed(storage: &Storage) {
    let effects = [
        code_expiring("old-code", PAST),
        code_expiring("live-code", FUTURE),
        token_expiring("dead-1", "dead-family", PAST, true),
        token_expiring("dead-2", "dead-family", PAST + 10, false),
        token_expiring("old-rotated", "live-family", PAST, true),
        token_expiring("newest", "live-family", FUTURE, false),
        Effect::RevokeFamily {
            family: FamilyId::new("revoked-family").unwrap(),
        },
        Effect::RevokeAccessTokens {
            token_ids: vec![TokenId::new("revoked-jti").unwrap()],
        },
    ];
    storage
        .apply(&effects)
        .await
        .expect("the records are stored");
}

async fn exists(storage: &Storage, name: &str) -> (bool, bool) {
    let hash = TokenHash::of(name);
    (
        storage.code(&hash).await.expect("a lookup").is_some(),
        storage
            .refresh_token(&hash)
            .await
            .expect("a lookup")
            .is_some(),
    )
}

/// The scenario on any backend: first a purge that keeps revocations
/// (they are young), then one far enough in the future to drop them.
async fn purges_exactly_what_expired(storage: Storage) {
    seed(&storage).await;
    let keep_revocations = Cutoffs {
        expired_before: i64::try_from(PAST + 100).unwrap(),
        revoked_before: 0,
    };
    let purged = storage.purge(keep_revocations).await.expect("a purge");
    let expected = Purged {
        codes: 1,
        refresh_tokens: 2,
        ..Purged::default()
    };
    assert_eq!(purged, expected);
    assert_eq!(exists(&storage, "old-code").await, (false, false));
    assert_eq!(exists(&storage, "live-code").await, (true, false));
    assert_eq!(exists(&storage, "dead-1").await, (false, false));
    assert_eq!(exists(&storage, "dead-2").await, (false, false));
    // Reuse detection still needs the rotated token of a live family.
    assert_eq!(exists(&storage, "old-rotated").await, (false, true));
    assert_eq!(exists(&storage, "newest").await, (false, true));
    let jti = TokenId::new("revoked-jti").unwrap();
    let family = FamilyId::new("revoked-family").unwrap();
    assert!(storage.is_revoked(&jti, None).await.unwrap());
    let other = TokenId::new("other-jti").unwrap();
    assert!(storage.is_revoked(&other, Some(&family)).await.unwrap());

    let drop_revocations = Cutoffs {
        expired_before: i64::try_from(PAST + 100).unwrap(),
        revoked_before: i64::MAX,
    };
    let purged = storage.purge(drop_revocations).await.expect("a purge");
    let expected = Purged {
        revoked_families: 1,
        revoked_access_tokens: 1,
        ..Purged::default()
    };
    assert_eq!(purged, expected);
    assert!(!storage.is_revoked(&jti, Some(&family)).await.unwrap());
    assert!(storage.purge(drop_revocations).await.unwrap().is_empty());
}

#[test]
fn cutoffs_keep_a_margin_and_an_access_token_lifetime() {
    let config: Config = config();
    let now = 1_000_000;
    let cutoffs = Cutoffs::at(now, &config);
    let expired = i64::try_from(now - MARGIN).unwrap();
    let ttl = i64::try_from(config.access_token_ttl()).unwrap();
    assert_eq!(cutoffs.expired_before, expired);
    assert_eq!(cutoffs.revoked_before, expired - ttl);
    assert_eq!(Cutoffs::at(0, &config).revoked_before, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sqlite_purge_deletes_exactly_what_expired() {
    let storage = Storage::open(&DbTarget::Memory, 1, &[]).await.unwrap();
    purges_exactly_what_expired(storage).await;
}

fn bin() -> &'static str {
    match option_env!("GRANT_ENGINE_PG_BIN_FOUND") {
        Some(bin) => bin,
        None => panic!("the build script found no PostgreSQL"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(postgres), ignore = "PostgreSQL not found (see server/build.rs)")]
async fn the_postgres_purge_deletes_exactly_what_expired() {
    let cluster = Cluster::start(bin());
    cluster.create_database("purge");
    let target = DbTarget::Postgres(PgUrl::new(&cluster.url("purge")).unwrap());
    let storage = Storage::open(&target, 4, &[]).await.unwrap();
    purges_exactly_what_expired(storage).await;
}

/// `--purge-every 1`: an expired code stored behind the server's back is
/// gone within a few seconds, a live one stays.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_purges_periodically() {
    let Ok(Command::Serve(options)) = cli::parse(["--listen", "127.0.0.1:0", "--purge-every", "1"])
    else {
        panic!("arguments");
    };
    let server = grant_engine_server::Server::bind(*options).await.unwrap();
    let storage = server.app().db().clone();
    let serving = tokio::spawn(server.serve(std::future::pending()));
    storage
        .apply(&[
            code_expiring("old-code", PAST),
            code_expiring("live-code", FUTURE),
        ])
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while exists(&storage, "old-code").await.0 {
        assert!(Instant::now() < deadline, "no purge ran");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(exists(&storage, "live-code").await.0);
    serving.abort();
}

/// A SQLite file from before the numbered migrations (the version-1
/// tables, `user_version` 0) is migrated in place: its revocations are
/// kept, and count from the migration, so no purge drops them early; its
/// refresh families end 90 days after their earliest stored token; its
/// unkeyed SHA-256 client-secret digests become keyed verifiers that the
/// original secrets still match.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_old_sqlite_file_is_migrated_in_place() {
    let path = std::env::temp_dir().join(format!("grant-engine-v1-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE revoked_families (family TEXT PRIMARY KEY) STRICT;
             CREATE TABLE revoked_access_tokens (jti TEXT PRIMARY KEY) STRICT;
             INSERT INTO revoked_families VALUES ('old-family');
             CREATE TABLE clients (
                 client_id TEXT PRIMARY KEY, secret_hash TEXT, grant_types TEXT NOT NULL,
                 scope TEXT NOT NULL, redirect_uris TEXT NOT NULL,
                 introspect_any INTEGER NOT NULL DEFAULT 0) STRICT;
             INSERT INTO clients VALUES ('spa', NULL, 'authorization_code', 'read', '', 0);
             CREATE TABLE refresh_tokens (
                 token_hash TEXT PRIMARY KEY, client_id TEXT NOT NULL,
                 subject TEXT NOT NULL, scope TEXT NOT NULL, family TEXT NOT NULL,
                 issued_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
                 state TEXT NOT NULL CHECK (state IN ('active', 'rotated', 'revoked')),
                 rotated_at INTEGER, successor TEXT, nonce TEXT) STRICT;",
        )
        .unwrap();
        conn.execute(
            "INSERT INTO clients VALUES ('legacy', ?1, 'client_credentials', 'read', '', 0)",
            [SecretHash::of("legacy-secret").to_string()],
        )
        .unwrap();
        // A family of two tokens, the first issued at 1000.
        for (token, issued_at) in [("old-first", 1000), ("old-second", 2000)] {
            conn.execute(
                "INSERT INTO refresh_tokens VALUES (?1, 'web', 'alice', 'read', 'fam',
                 ?2, 4000000000, 'active', NULL, NULL, NULL)",
                rusqlite::params![TokenHash::of(token).to_string(), issued_at],
            )
            .unwrap();
        }
    }
    let storage = Storage::open(&DbTarget::File(path.clone()), 1, &[])
        .await
        .unwrap();
    let family = FamilyId::new("old-family").unwrap();
    let jti = TokenId::new("any").unwrap();
    assert!(storage.is_revoked(&jti, Some(&family)).await.unwrap());
    let now = grant_engine_server::clock::system_now().unwrap();
    let purged = storage.purge(Cutoffs::at(now, &config())).await.unwrap();
    assert_eq!(purged, Purged::default());
    assert!(storage.is_revoked(&jti, Some(&family)).await.unwrap());
    let version: i64 = storage
        .sqlite()
        .unwrap()
        .read(|conn| Ok(conn.query_row("PRAGMA user_version", [], |row| row.get(0))?))
        .await
        .unwrap();
    assert_eq!(version, 4);
    // Version 4: the digests are re-keyed with the pepper, once.
    let secrets = client_secrets();
    assert_eq!(storage.upgrade_secrets(&secrets).await.unwrap(), 1);
    assert_eq!(storage.upgrade_secrets(&secrets).await.unwrap(), 0);
    let legacy = storage.client(&id("legacy")).await.unwrap().expect("kept");
    let expected = secrets
        .verifier(&id("legacy"), &ClientSecret::new("legacy-secret").unwrap())
        .unwrap();
    assert_eq!(legacy.secret_verifier, Some(expected));
    let public = storage.client(&id("spa")).await.unwrap().expect("kept");
    assert!(public.is_public());
    // Version 3: the family ends 90 days after its earliest stored token.
    for token in ["old-first", "old-second"] {
        let record = storage
            .refresh_token(&TokenHash::of(token))
            .await
            .unwrap()
            .expect("kept");
        assert_eq!(record.family_expires_at, 1000 + 90 * 86_400, "{token}");
    }
    drop(storage);
    for suffix in ["", "-wal", "-shm"] {
        let mut file = path.clone().into_os_string();
        file.push(suffix);
        let _ = std::fs::remove_file(file);
    }
}
