/**
 * What Pilothouse keeps in next-auth's encrypted JWT cookie and hands to the browser as the
 * session: identity only, never an OAuth token.
 */
import "next-auth";
import "next-auth/jwt";

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
  }
}
