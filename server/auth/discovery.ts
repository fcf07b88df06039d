import "server-only";
import { z } from "zod";

/**
 * The OpenID provider's metadata that the dashboard itself uses (next-auth's openid-client reads
 * its own copy for the login flow): the token endpoint for refreshing access tokens and the JWKS
 * for validating bearer tokens.
 *
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata
 */
export const ProviderMetadataSchema = z.object({
  issuer: z.url(),
  token_endpoint: z.url(),
  jwks_uri: z.url(),
  revocation_endpoint: z.url().optional(),
});
export type ProviderMetadata = z.infer<typeof ProviderMetadataSchema>;

/** How long fetched metadata is reused, in milliseconds. */
const METADATA_TTL_MS = 10 * 60 * 1000;
/** Timeout of the discovery request, in milliseconds. */
const DISCOVERY_TIMEOUT_MS = 5_000;

const cache = new Map<string, { at: number; metadata: Promise<ProviderMetadata> }>();

/**
 * Fetches `{issuer}/.well-known/openid-configuration`, checks that it names the same issuer, and
 * caches the answer for ten minutes (a failed fetch is not cached).
 *
 * @param issuer - the configured issuer URL, without a trailing slash.
 * @throws Error when the provider cannot be reached, answers non-2xx, or its metadata is invalid
 *   or names another issuer.
 */
export function providerMetadata(issuer: string): Promise<ProviderMetadata> {
  const hit = cache.get(issuer);
  if (hit && Date.now() - hit.at < METADATA_TTL_MS) return hit.metadata;
  const metadata = fetchMetadata(issuer);
  cache.set(issuer, { at: Date.now(), metadata });
  metadata.catch(() => cache.delete(issuer));
  return metadata;
}

async function fetchMetadata(issuer: string): Promise<ProviderMetadata> {
  const url = `${issuer}/.well-known/openid-configuration`;
  const response = await fetch(url, { signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`OpenID discovery at ${url} answered ${response.status}`);
  const metadata = ProviderMetadataSchema.parse(await response.json());
  if (metadata.issuer.replace(/\/+$/, "") !== issuer) {
    throw new Error(`OpenID discovery at ${url} names another issuer: ${metadata.issuer}`);
  }
  return metadata;
}
