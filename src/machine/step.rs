//! Where a run stands: a question for the host, or what it ended in. One
//! vocabulary for every endpoint.

use core::fmt;

use crate::machine::endpoint::Endpoint;
use crate::store::client_record::ClientRecord;
use crate::store::code_record::CodeRecord;
use crate::store::refresh_token_record::RefreshTokenRecord;
use crate::values::client_id::ClientId;
use crate::values::digest::TokenHash;
use crate::values::ids::{FamilyId, TokenId};

/// Where a run of endpoint `E` stands: a question for the host, or the end.
///
/// Each question is a handle consumed by answering it, so a question cannot
/// be answered twice or with the wrong kind of record. Steps are owned and
/// `Send`, so an async task can hold one across `.await`. The enum is
/// exhaustive on purpose: a new kind of question must be a compile error in
/// every host that steps by hand, not a silent fallthrough. (A question an
/// endpoint never asks has no value at all.)
#[must_use = "answer the question, or act on the output"]
pub enum Step<'c, E: Endpoint> {
    /// Look up the client named by [`ClientQuestion::client_id`].
    NeedClient(ClientQuestion<'c, E>),
    /// Look up the code whose digest is [`CodeQuestion::code_hash`].
    NeedCode(CodeQuestion<'c, E>),
    /// Look up the refresh token whose digest is
    /// [`RefreshTokenQuestion::token_hash`].
    NeedRefreshToken(RefreshTokenQuestion<'c, E>),
    /// Say whether an access token or its family was revoked.
    NeedRevocationStatus(RevocationQuestion<'c, E>),
    /// The run is over.
    Done(E::Output),
}

impl<E: Endpoint> fmt::Debug for Step<'_, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::NeedClient(q) => f.debug_tuple("NeedClient").field(q).finish(),
            Step::NeedCode(q) => f.debug_tuple("NeedCode").field(q).finish(),
            Step::NeedRefreshToken(q) => f.debug_tuple("NeedRefreshToken").field(q).finish(),
            Step::NeedRevocationStatus(q) => {
                f.debug_tuple("NeedRevocationStatus").field(q).finish()
            }
            Step::Done(output) => f.debug_tuple("Done").field(output).finish(),
        }
    }
}

/// Asks for a client's record.
#[must_use = "answer the question with `provide`"]
pub struct ClientQuestion<'c, E: Endpoint> {
    wait: E::ClientWait<'c>,
}

impl<'c, E: Endpoint> ClientQuestion<'c, E> {
    pub(crate) fn new(wait: E::ClientWait<'c>) -> Self {
        ClientQuestion { wait }
    }

    /// The client to look up.
    pub fn client_id(&self) -> &ClientId {
        E::client_id(&self.wait)
    }

    /// Answers with the client's record, or `None` if there is no such
    /// client. The engine authenticates the client against it.
    pub fn provide(self, record: Option<ClientRecord>) -> Step<'c, E> {
        E::provide_client(self.wait, record)
    }
}

/// Asks for an authorization code's record.
#[must_use = "answer the question with `provide`"]
pub struct CodeQuestion<'c, E: Endpoint> {
    wait: E::CodeWait<'c>,
}

impl<'c, E: Endpoint> CodeQuestion<'c, E> {
    pub(crate) fn new(wait: E::CodeWait<'c>) -> Self {
        CodeQuestion { wait }
    }

    /// The digest of the presented code.
    pub fn code_hash(&self) -> &TokenHash {
        E::code_hash(&self.wait)
    }

    /// Answers with the code's record as stored, or `None`. Only read it:
    /// redeeming it is the [`Effect::RedeemCode`](crate::Effect::RedeemCode)
    /// this run reports.
    pub fn provide(self, record: Option<CodeRecord>) -> Step<'c, E> {
        E::provide_code(self.wait, record)
    }
}

/// Asks for a refresh token's record: the presented one; or, when a
/// rotated-out token is replayed within the grace period, its successor
/// (handed out again only while it is still unused).
#[must_use = "answer the question with `provide`"]
pub struct RefreshTokenQuestion<'c, E: Endpoint> {
    wait: E::RefreshTokenWait<'c>,
}

impl<'c, E: Endpoint> RefreshTokenQuestion<'c, E> {
    pub(crate) fn new(wait: E::RefreshTokenWait<'c>) -> Self {
        RefreshTokenQuestion { wait }
    }

    /// The digest of the token to look up.
    pub fn token_hash(&self) -> &TokenHash {
        E::token_hash(&self.wait)
    }

    /// Answers with the token's record, or `None`.
    pub fn provide(self, record: Option<RefreshTokenRecord>) -> Step<'c, E> {
        E::provide_refresh_token(self.wait, record)
    }
}

/// Asks whether a verified access token was revoked, by itself or with its
/// family.
#[must_use = "answer the question with `provide`"]
pub struct RevocationQuestion<'c, E: Endpoint> {
    wait: E::RevocationWait<'c>,
}

impl<'c, E: Endpoint> RevocationQuestion<'c, E> {
    pub(crate) fn new(wait: E::RevocationWait<'c>) -> Self {
        RevocationQuestion { wait }
    }

    /// The token's `jti`.
    pub fn jti(&self) -> &TokenId {
        E::revocation_of(&self.wait).0
    }

    /// The token's family, if it has one.
    pub fn family(&self) -> Option<&FamilyId> {
        E::revocation_of(&self.wait).1
    }

    /// Answers whether the token or its family was revoked.
    pub fn provide(self, revoked: bool) -> Step<'c, E> {
        E::provide_revocation(self.wait, revoked)
    }
}

macro_rules! question_debug {
    ($question:ident, $field:literal, $accessor:ident) => {
        impl<E: Endpoint> fmt::Debug for $question<'_, E> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($question))
                    .field($field, self.$accessor())
                    .finish_non_exhaustive()
            }
        }
    };
}

question_debug!(ClientQuestion, "client_id", client_id);
question_debug!(CodeQuestion, "code_hash", code_hash);
question_debug!(RefreshTokenQuestion, "token_hash", token_hash);
question_debug!(RevocationQuestion, "jti", jti);
