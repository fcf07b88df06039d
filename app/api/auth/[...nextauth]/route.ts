import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { getAuthOptions } from "@/server/auth/options";

/** next-auth's endpoints: sign-in, the OIDC callback (`/api/auth/callback/oidc`), sign-out, session. */
async function handler(
  request: NextRequest,
  context: { params: Promise<{ nextauth: string[] }> },
): Promise<Response> {
  const response: unknown = await NextAuth(request, context, getAuthOptions());
  if (!(response instanceof Response)) throw new Error("next-auth returned no Response");
  return response;
}

export { handler as GET, handler as POST };
