/**
 * What Pilothouse keeps in next-auth's encrypted JWT cookie and hands to the browser as the
 * session. The cookie (JWE, HttpOnly) also carries the OAuth access and refresh tokens so the
 * server can refresh them; the session object the browser reads carries identity only.
 */
import "next-auth";
import "next-auth/jwt";
import type { SessionEndReason } from "./tokens";

declare module "next-auth" {
  interface Session {
    user: { name: string; email: string; groups: string[] };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    email?: string | null;
    name?: string | null;
    groups?: string[];
    /** The provider's access token; absent once the session has ended. */
    accessToken?: string;
    refreshToken?: string;
    /** Epoch seconds. */
    accessTokenExpiresAt?: number;
    /**
     * The provider's ID token, sent to the apiserver in token-passthrough mode
     * (`PILOTHOUSE_KUBE_AUTH=passthrough`, server/kube/passthrough.ts); replaced on each refresh.
     */
    idToken?: string;
    /** Set when the session has ended; such a token is refused and its cookie cleared. */
    sessionError?: SessionEndReason;
  }
}
