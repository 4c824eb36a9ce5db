// A resource server built on a strict OAuth library (oauth4webapi, whose
// RFC 9068 validator accepts only asymmetric algorithms and keys found
// through the authorization server's jwks_uri), run against the demo
// server by server/tests/server.rs:
//
//     node validate.mjs BASE_URL
//
// It discovers the server (RFC 8414), gets a client_credentials token for
// the seed's confidential client, and validates it as a resource server
// would. Prints one JSON line: {"alg", "kid", "sub", "client_id", "scope"}
// on success (exit 0), {"error", "code"} on failure (exit 1).
import * as oauth from 'oauth4webapi'

const base = process.argv[2]
const insecure = { [oauth.allowInsecureRequests]: true } // loopback http

try {
  const issuer = new URL(base)
  const as = await oauth.processDiscoveryResponse(
    issuer,
    await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }),
  )
  const client = { client_id: 'your_client_id' }
  const response = await oauth.clientCredentialsGrantRequest(
    as,
    client,
    oauth.ClientSecretPost('your_client_secret'),
    new URLSearchParams({ scope: 'read' }),
    insecure,
  )
  const token = await oauth.processClientCredentialsResponse(as, client, response)
  const request = new Request(`${base}/api/me`, {
    headers: { authorization: `Bearer ${token.access_token}` },
  })
  const claims = await oauth.validateJwtAccessToken(as, request, as.issuer, insecure)
  const header = JSON.parse(
    Buffer.from(token.access_token.split('.')[0], 'base64url').toString(),
  )
  console.log(JSON.stringify({
    alg: header.alg,
    kid: header.kid,
    sub: claims.sub,
    client_id: claims.client_id,
    scope: claims.scope,
  }))
} catch (error) {
  console.log(JSON.stringify({ error: String(error.message), code: error.code ?? null }))
  process.exit(1)
}
