import { redirect } from "next/navigation";
import { SignInCard } from "@/components/auth/sign-in-card";
import { getUser } from "@/server/auth/session";
import { safeReturnPath } from "@/server/console";

// Per-user pages: rendered for each request with its session, never prerendered at build time.
export const dynamic = "force-dynamic";

export const metadata = { title: "Sign in" };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const callbackUrl = safeReturnPath(params.callbackUrl);
  if (await getUser()) redirect(callbackUrl);
  const error = typeof params.error === "string" ? params.error : undefined;
  return <SignInCard callbackUrl={callbackUrl} error={error} />;
}
