//! The PostgreSQL store (`--db postgres://...`) against a real server each
//! test starts itself (`grant_engine_testkit::postgres::Cluster`): the
//! store conformance suite, migrations when processes start together, a
//! schema newer than the server, and the race that only a real concurrent
//! database shows (a family revoked while a successor is being stored).
//!
//! Without PostgreSQL these tests are ignored, and say so (server/build.rs);
//! CI sets `GRANT_ENGINE_REQUIRE_POSTGRES=1`, which makes a missing
//! PostgreSQL fail the build instead.

use std::sync::atomic::{AtomicUsize, Ordering};

use grant_engine::store::RefreshTokenState;
use grant_engine::values::{ClientSecret, FamilyId, SecretHash};
use grant_engine::{AsyncStore, ClientRecord, Effect};
use grant_engine_server::store::error::StoreError;
use grant_engine_server::store::postgres::clients;
use grant_engine_server::store::postgres::db::PgDb;
use grant_engine_server::store::postgres::schema::MIGRATIONS;
use grant_engine_testkit::conformance::check;
use grant_engine_testkit::postgres::Cluster;
use grant_engine_testkit::world::{NOW, WEB, client_secrets, id, refresh_record};

/// The folder of PostgreSQL's programs, as the build script found it.
fn bin() -> &'static str {
    match option_env!("GRANT_ENGINE_PG_BIN_FOUND") {
        Some(bin) => bin,
        None => panic!("the build script found no PostgreSQL"),
    }
}

/// A fresh database `name` in `cluster`, migrated, holding `clients`.
async fn database(cluster: &Cluster, name: &str, clients: &[ClientRecord]) -> PgDb {
    cluster.create_database(name);
    let db = PgDb::connect(cluster.url(name).parse().expect("a URL"), 40)
        .await
        .expect("the database opens");
    let connection = db.connection().await.expect("a connection");
    for client in clients {
        clients::insert_if_absent(&connection, client)
            .await
            .expect("the client is registered");
    }
    db
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(postgres), ignore = "PostgreSQL not found (see server/build.rs)")]
async fn the_postgres_store_passes_the_suite() {
    let cluster = Cluster::start(bin());
    let n = AtomicUsize::new(0);
    let report = check(|clients| {
        let name = format!("check_{}", n.fetch_add(1, Ordering::Relaxed));
        let cluster = &cluster;
        async move { database(cluster, &name, &clients).await }
    })
    .await;
    assert!(report.passed(), "{report}");
    assert_eq!(report.checks.len(), 20);
}

/// Two processes starting at once on an empty database: both come up, and
/// the schema is migrated once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(postgres), ignore = "PostgreSQL not found (see server/build.rs)")]
async fn concurrent_starts_migrate_once() {
    let cluster = Cluster::start(bin());
    cluster.create_database("fresh");
    let url = cluster.url("fresh");
    let open = || PgDb::connect(url.parse().expect("a URL"), 2);
    let (a, b, c) = tokio::join!(open(), open(), open());
    let db = a.expect("the first start");
    b.expect("the second start");
    c.expect("the third start");
    let connection = db.connection().await.expect("a connection");
    let rows = connection
        .query("SELECT version FROM grant_engine_schema", &[])
        .await
        .expect("the version table");
    let versions: Vec<i32> = rows.iter().map(|row| row.get(0)).collect();
    assert_eq!(versions, [i32::try_from(MIGRATIONS.len()).unwrap()]);
}

/// A database migrated by a newer server is refused, not used.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(postgres), ignore = "PostgreSQL not found (see server/build.rs)")]
async fn a_newer_schema_is_refused() {
    let cluster = Cluster::start(bin());
    let db = database(&cluster, "newer", &[]).await;
    db.connection()
        .await
        .expect("a connection")
        .execute("UPDATE grant_engine_schema SET version = 99", &[])
        .await
        .expect("the version is bumped");
    let again = PgDb::connect(cluster.url("newer").parse().expect("a URL"), 2).await;
    assert!(
        matches!(again, Err(StoreError::SchemaTooNew { found: 99, known }) if known == MIGRATIONS.len()),
        "{:?}",
        again.err()
    );
}

/// A revocation of a family racing a refresh that rotates one of its
/// tokens, many times over: whichever commits first, the family ends with
/// no active token. (Row locks alone would let the successor through when
/// the revocation's snapshot predates it: the family's advisory lock is
/// what orders the two.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(postgres), ignore = "PostgreSQL not found (see server/build.rs)")]
async fn a_family_revoked_during_a_rotation_stays_revoked() {
    let cluster = Cluster::start(bin());
    let db = database(&cluster, "race", &[]).await;
    for round in 0..60 {
        let family = format!("family-{round}");
        let parent = refresh_record(&format!("parent-{round}"), WEB, &family, NOW);
        let successor = refresh_record(&format!("successor-{round}"), WEB, &family, NOW + 1);
        db.apply(&[Effect::StoreRefreshToken(parent.clone())])
            .await
            .expect("the parent is stored");
        let rotate = [
            Effect::RotateRefreshToken {
                token_hash: parent.token_hash,
                at: NOW + 1,
                successor: successor.token_hash,
                nonce: None,
            },
            Effect::StoreRefreshToken(successor.clone()),
        ];
        let revoke = [Effect::RevokeFamily {
            family: FamilyId::new(family.clone()).unwrap(),
        }];
        let (rotated, revoked) = tokio::join!(db.apply(&rotate), db.apply(&revoke));
        revoked.expect("a revocation always applies");
        // The rotation applies, or conflicts because the revocation got to
        // the parent first; either way nothing of the family is active.
        let _ = rotated;
        for token in [parent.token_hash, successor.token_hash] {
            let state = db.refresh_token(&token).await.expect("a lookup");
            assert!(
                state
                    .as_ref()
                    .is_none_or(|r| r.state == RefreshTokenState::Revoked),
                "round {round}: {state:?}"
            );
        }
    }
}

/// A database from before peppers (schema version 2, client secrets as
/// unkeyed SHA-256 digests) is migrated: the column is renamed, and the
/// digests become keyed verifiers that the original secrets still match,
/// once however often the upgrade runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(postgres), ignore = "PostgreSQL not found (see server/build.rs)")]
async fn a_version_2_database_gets_keyed_verifiers() {
    let cluster = Cluster::start(bin());
    cluster.create_database("old");
    let url = cluster.url("old");
    let (raw, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .expect("a raw connection");
    let driver = tokio::spawn(connection);
    let old_schema = MIGRATIONS.get(..2).expect("two old migrations").concat();
    raw.batch_execute(&old_schema).await.expect("version 2");
    raw.batch_execute(
        "CREATE TABLE grant_engine_schema (version INTEGER NOT NULL);
         INSERT INTO grant_engine_schema VALUES (2);",
    )
    .await
    .expect("recorded");
    raw.execute(
        "INSERT INTO clients VALUES ('legacy', $1, 'client_credentials', 'read', '', false)",
        &[&SecretHash::of("legacy-secret").to_string()],
    )
    .await
    .expect("a legacy client");
    drop(raw);
    driver.await.expect("closed").expect("cleanly");

    let db = PgDb::connect(url.parse().expect("a URL"), 2)
        .await
        .expect("migrated");
    let connection = db.connection().await.expect("a connection");
    let secrets = client_secrets();
    let upgraded = clients::upgrade_legacy(&connection, &secrets).await;
    assert_eq!(upgraded.expect("upgraded"), 1);
    let again = clients::upgrade_legacy(&connection, &secrets).await;
    assert_eq!(again.expect("nothing left"), 0);
    let stored = db.client(&id("legacy")).await.expect("read").expect("kept");
    let expected = secrets
        .verifier(&id("legacy"), &ClientSecret::new("legacy-secret").unwrap())
        .unwrap();
    assert_eq!(stored.secret_verifier, Some(expected));
}
