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

/** Parses the environment; throws a ZodError naming each bad variable. */
export function readOidcEnv(env: NodeJS.ProcessEnv = process.env): OidcEnv {
  return OidcEnvSchema.parse(env);
}
