/**
 * Configuration of the local OpenID provider, read once from the environment and validated.
 */
import { z } from "zod";

const seconds = z.coerce.number().int().positive();

export const OidcEnvSchema = z
  .object({
    OIDC_ISSUER: z.url(),
    OIDC_CLIENT_ID: z.string().min(1).default("pilothouse-dashboard"),
    OIDC_CLIENT_SECRET: z.string().min(16),
    /** Comma-separated redirect URIs of the dashboard(s), e.g. http://localhost:3000/api/auth/callback/oidc */
    OIDC_REDIRECT_URIS: z.string().min(1),
    /** Path of the JSON file that keeps the signing key and cookie keys across restarts. */
    OIDC_KEYS_FILE: z.string().min(1),
    /** Lifetime of access tokens in seconds (tests use short ones). */
    OIDC_ACCESS_TOKEN_TTL: seconds.default(900),
    /** Lifetime of ID tokens in seconds. */
    OIDC_ID_TOKEN_TTL: seconds.default(900),
    /** Lifetime of refresh tokens in seconds. */
    OIDC_REFRESH_TOKEN_TTL: seconds.default(86_400),
    /**
     * When a refresh rotates the refresh token: `always` (every use, as Keycloak's "Revoke
     * Refresh Token" and Okta's rotation do: a second use of the old one is a reuse, refused,
     * and the grant revoked), `never`, or `default` (oidc-provider's own policy: public clients,
     * or a token past 70% of its lifetime). Tests of racing refreshes use `always`.
     */
    OIDC_ROTATE_REFRESH_TOKEN: z.enum(["default", "always", "never"]).default("default"),
    /**
     * PEM serving certificate and key, required when `OIDC_ISSUER` is https (the issuer the
     * apiserver trusts for token passthrough); unused for an http issuer.
     */
    OIDC_TLS_CERT_FILE: z.string().min(1).optional(),
    OIDC_TLS_KEY_FILE: z.string().min(1).optional(),
  })
  .refine(
    (env) =>
      !env.OIDC_ISSUER.startsWith("https:") || (env.OIDC_TLS_CERT_FILE && env.OIDC_TLS_KEY_FILE),
    {
      path: ["OIDC_TLS_CERT_FILE"],
      message: "an https issuer needs OIDC_TLS_CERT_FILE and OIDC_TLS_KEY_FILE",
    },
  );
export type OidcEnv = z.infer<typeof OidcEnvSchema>;

/**
 * The provider configuration for `OIDC_ROTATE_REFRESH_TOKEN`, to spread into oidc-provider's
 * configuration: `{ rotateRefreshToken: true | false }`, or nothing for its default policy.
 *
 * @see https://github.com/panva/node-oidc-provider/tree/main/docs#rotaterefreshtoken
 */
export function refreshTokenRotation(env: Pick<OidcEnv, "OIDC_ROTATE_REFRESH_TOKEN">): {
  rotateRefreshToken?: boolean;
} {
  if (env.OIDC_ROTATE_REFRESH_TOKEN === "default") return {};
  return { rotateRefreshToken: env.OIDC_ROTATE_REFRESH_TOKEN === "always" };
}

/** Parses the environment; throws a ZodError naming each bad variable. */
export function readOidcEnv(env: NodeJS.ProcessEnv = process.env): OidcEnv {
  return OidcEnvSchema.parse(env);
}
