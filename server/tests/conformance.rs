//! The store conformance suite against the demo server's SQLite store, in
//! memory and on a file (WAL), on the server's kind of runtime.

use grant_engine_server::store::error::StoreError;
use grant_engine_server::store::sqlite::clients;
use grant_engine_server::store::sqlite::db::SqliteDb;
use grant_engine_testkit::conformance::check;

async fn sqlite(
    clients: Vec<grant_engine::ClientRecord>,
    path: Option<std::path::PathBuf>,
) -> SqliteDb {
    let db = SqliteDb::open(path.as_deref()).expect("the database opens");
    db.write(move |tx| {
        for client in &clients {
            clients::insert_if_absent(tx, client)?;
        }
        Ok::<_, StoreError>(())
    })
    .await
    .expect("the clients are seeded");
    db
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_in_memory_sqlite_store_passes_the_suite() {
    let report = check(|clients| sqlite(clients, None)).await;
    assert!(report.passed(), "{report}");
    assert_eq!(report.checks.len(), 20);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sqlite_file_store_passes_the_suite() {
    let dir = std::env::temp_dir().join(format!("grant-engine-conformance-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let counter = std::sync::atomic::AtomicUsize::new(0);
    let report = check(|clients| {
        let n = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        sqlite(clients, Some(dir.join(format!("store-{n}.db"))))
    })
    .await;
    let _ = std::fs::remove_dir_all(&dir);
    assert!(report.passed(), "{report}");
}
