//! The `codes` table.

use grant_engine::store::{CodeState, PkceChallenge};
use grant_engine::values::{CodeChallenge, CodeChallengeMethod, TokenId};
use grant_engine::{CodeRecord, RedirectUri, Subject, TokenHash};
use rusqlite::{Connection, OptionalExtension};

use crate::store::columns::{
    from_sql_time, join, parse_client_id, parse_ids, parse_scope, to_sql_time,
};
use crate::store::error::StoreError;

/// Stores a new code (the `StoreCode` effect). Returns `false`, and
/// stores nothing, if a code with its digest is already stored: the
/// effect expects it absent, and nothing is overwritten.
pub fn insert(conn: &Connection, code: &CodeRecord) -> Result<bool, StoreError> {
    let (redeemed, ids) = match &code.state {
        CodeState::Unused => (false, String::new()),
        CodeState::Redeemed { access_token_ids } => {
            (true, join(access_token_ids.iter().map(TokenId::as_str)))
        }
    };
    let inserted = conn
        .prepare_cached(
            "INSERT INTO codes
             (code_hash, client_id, redirect_uri, scope, subject, code_challenge,
              challenge_method, issued_at, expires_at, redeemed, access_token_ids)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT (code_hash) DO NOTHING",
        )?
        .execute(rusqlite::params![
            code.code_hash.to_string(),
            code.client_id.as_str(),
            code.redirect_uri.as_ref().map(RedirectUri::as_str),
            code.scope.to_string(),
            code.subject.as_str(),
            code.pkce.as_ref().map(|p| p.challenge.as_str()),
            code.pkce.as_ref().map(|p| p.method.as_str()),
            to_sql_time(code.issued_at),
            to_sql_time(code.expires_at),
            redeemed,
            ids,
        ])?;
    Ok(inserted == 1)
}

/// The code with this digest, as stored.
pub fn get(conn: &Connection, code_hash: &TokenHash) -> Result<Option<CodeRecord>, StoreError> {
    type Row = (
        String,
        Option<String>,
        String,
        String,
        Option<String>,
        Option<String>,
        i64,
        i64,
        bool,
        String,
    );
    let row: Option<Row> = conn
        .prepare_cached(
            "SELECT client_id, redirect_uri, scope, subject, code_challenge,
                    challenge_method, issued_at, expires_at, redeemed, access_token_ids
             FROM codes WHERE code_hash = ?1",
        )?
        .query_row([code_hash.to_string()], |row| {
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
                row.get(5)?,
                row.get(6)?,
                row.get(7)?,
                row.get(8)?,
                row.get(9)?,
            ))
        })
        .optional()?;
    let Some((
        client_id,
        redirect_uri,
        scope,
        subject,
        challenge,
        method,
        issued_at,
        expires_at,
        redeemed,
        ids,
    )) = row
    else {
        return Ok(None);
    };
    let pkce = match (challenge, method) {
        (Some(challenge), Some(method)) => Some(PkceChallenge {
            challenge: CodeChallenge::new(challenge)
                .map_err(|_| StoreError::Corrupt("code_challenge"))?,
            method: CodeChallengeMethod::from_name(&method)
                .ok_or(StoreError::Corrupt("code_challenge_method"))?,
        }),
        (None, None) => None,
        _ => return Err(StoreError::Corrupt("PKCE challenge")),
    };
    let state = if redeemed {
        CodeState::Redeemed {
            access_token_ids: parse_ids(&ids)?,
        }
    } else {
        CodeState::Unused
    };
    Ok(Some(CodeRecord {
        code_hash: *code_hash,
        client_id: parse_client_id(client_id)?,
        redirect_uri: redirect_uri
            .map(RedirectUri::new)
            .transpose()
            .map_err(|_| StoreError::Corrupt("redirect_uri"))?,
        scope: parse_scope(&scope)?,
        subject: Subject::new(subject).map_err(|_| StoreError::Corrupt("subject"))?,
        pkce,
        issued_at: from_sql_time(issued_at)?,
        expires_at: from_sql_time(expires_at)?,
        state,
    }))
}

/// Marks an unused code redeemed with the access tokens it issued (the
/// `RedeemCode` effect). Returns `false`, and changes nothing, if the code
/// is not stored or was already redeemed: of concurrent redemptions only
/// one finds it unused.
pub fn redeem(
    conn: &Connection,
    code_hash: &TokenHash,
    access_token_ids: &[TokenId],
) -> Result<bool, StoreError> {
    let ids = join(access_token_ids.iter().map(TokenId::as_str));
    let changed = conn
        .prepare_cached(
            "UPDATE codes SET redeemed = 1, access_token_ids = ?2
             WHERE code_hash = ?1 AND redeemed = 0",
        )?
        .execute(rusqlite::params![code_hash.to_string(), ids])?;
    Ok(changed == 1)
}
