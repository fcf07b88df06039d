import "server-only";
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from "jose";
import { getConfig } from "../config";
import { moduleLogger } from "../log";
import { providerMetadata } from "./discovery";
import { identityFromClaims, type UserIdentity } from "./identity";

const log = moduleLogger("auth/bearer");

/**
 * Bearer tokens for automation: `Authorization: Bearer <JWT>` where the JWT is an ID token (or
 * a JWT access token, RFC 9068) that the dashboard's OpenID provider issued for the dashboard's
 * client: signature checked against the provider's JWKS (fetched from discovery, cached and
 * refetched on an unknown `kid` by jose), `iss` = the configured issuer, `aud` contains the
 * client id, `exp`/`nbf` within 5 s of clock skew. The claims become the identity exactly as for
 * a browser session (server/auth/identity.ts). Opaque access tokens cannot be checked locally and
 * are refused with a message saying what to send instead.
 *
 * @see https://datatracker.ietf.org/doc/html/rfc6750
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation
 */

export type BearerResult =
  { ok: true; user: UserIdentity } | { ok: false; status: 401 | 503; message: string };

/** Signature algorithms accepted (never `none`, never HMAC with a public key). */
const ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "EdDSA",
];
const CLOCK_TOLERANCE_SECONDS = 5;

const jwksByUri = new Map<string, JWTVerifyGetKey>();

function jwksFor(uri: string): JWTVerifyGetKey {
  let jwks = jwksByUri.get(uri);
  if (!jwks) {
    jwks = createRemoteJWKSet(new URL(uri), { timeoutDuration: 5_000, cooldownDuration: 30_000 });
    jwksByUri.set(uri, jwks);
  }
  return jwks;
}

/** The token of an `Authorization: Bearer` header; undefined when the header is another scheme. */
export function bearerTokenOf(request: Request): string | undefined {
  const header = request.headers.get("authorization");
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/** Words for a jose failure, for the 401's message. */
function refusal(err: unknown, issuer: string): string {
  if (err instanceof errors.JWTExpired) return "The bearer token has expired; get a new one.";
  if (err instanceof errors.JWTClaimValidationFailed) {
    return `The bearer token's "${err.claim}" claim is not accepted (${err.reason}): it must be issued by ${issuer} for the Pilothouse dashboard.`;
  }
  if (
    err instanceof errors.JWSSignatureVerificationFailed ||
    err instanceof errors.JWKSNoMatchingKey
  ) {
    return `The bearer token is not signed by ${issuer}.`;
  }
  if (err instanceof errors.JOSEAlgNotAllowed)
    return "The bearer token's signature algorithm is not accepted.";
  return `The bearer token is not a JWT from ${issuer}: send an ID token (or a JWT access token) issued for the Pilothouse dashboard.`;
}

/**
 * Validates a bearer token and maps its claims to the identity to act as.
 *
 * @returns the user, or 401 with the reason (expired, wrong issuer or audience, bad signature,
 *   not a JWT, no usable email), or 503 when the provider's metadata or keys cannot be fetched.
 */
export async function verifyBearerToken(token: string): Promise<BearerResult> {
  const { oidc } = getConfig();
  let jwks: JWTVerifyGetKey;
  try {
    jwks = jwksFor((await providerMetadata(oidc.issuer)).jwks_uri);
  } catch (err) {
    log.warn({ err }, "OpenID provider metadata unavailable");
    return {
      ok: false,
      status: 503,
      message: "The OpenID provider cannot be reached to check the bearer token.",
    };
  }
  try {
    const { payload } = await jwtVerify(token, jwks, {
      issuer: oidc.issuer,
      audience: oidc.clientId,
      algorithms: ALGORITHMS,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ["exp", "sub"],
    });
    const user = identityFromClaims(payload);
    if (!user) {
      return {
        ok: false,
        status: 401,
        message: "The bearer token carries no usable email claim, or a reserved (system:) name.",
      };
    }
    return { ok: true, user };
  } catch (err) {
    if (err instanceof errors.JWKSTimeout) {
      return {
        ok: false,
        status: 503,
        message: "The OpenID provider's keys cannot be fetched to check the bearer token.",
      };
    }
    return { ok: false, status: 401, message: refusal(err, oidc.issuer) };
  }
}
