/**
 * The provider's own login page: a username/password form checked against the demo users, and
 * consent granted automatically for the first-party dashboard client.
 *
 * @see https://github.com/panva/node-oidc-provider/blob/main/docs/README.md#interactions
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type Provider from "oidc-provider";
import { findUser } from "./users";

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid: string, error?: string, login = ""): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in · Pilothouse ID</title>
<link rel="icon" href="data:,">
<style>body{font-family:system-ui,sans-serif;background:#f0f0f0;display:grid;place-items:center;height:100vh;margin:0}
form{background:#fff;padding:2rem;border-radius:8px;box-shadow:0 2px 8px #0002;display:grid;gap:.75rem;width:20rem}
label{display:grid;gap:.25rem;font-size:.9rem}input{padding:.5rem;font-size:1rem}button{padding:.6rem;font-size:1rem}
.error{color:#a30000}</style></head><body>
<form method="post" action="/interaction/${escape(uid)}/login">
<h1>Pilothouse ID</h1><p>Local demo identity provider</p>
${error ? `<p class="error" role="alert">${escape(error)}</p>` : ""}
<label>Email<input name="login" type="email" autocomplete="username" value="${escape(login)}" required autofocus></label>
<label>Password<input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button></form></body></html>`;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > 16_384) throw new Error("form body too large");
    chunks.push(buf);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
  });
  res.end(html);
}

/**
 * Handles `/interaction/:uid` (GET: login form or automatic consent) and
 * `/interaction/:uid/login` (POST: password check). Returns false for other paths.
 */
export async function handleInteraction(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const match = /^\/interaction\/([^/]+)(\/login)?$/.exec((req.url ?? "").split("?")[0] ?? "");
  if (!match) return false;
  const details = await provider.interactionDetails(req, res);
  if (match[2] && req.method === "POST") {
    const form = await readForm(req);
    const login = form.get("login") ?? "";
    const user = findUser(login);
    if (!user || user.password !== form.get("password")) {
      send(res, 401, loginPage(details.uid, "Wrong email or password.", login));
      return true;
    }
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: user.email } },
      {
        mergeWithLastSubmission: false,
      },
    );
    return true;
  }
  if (details.prompt.name === "login") {
    send(res, 200, loginPage(details.uid));
    return true;
  }
  // Consent: the dashboard is a first-party client, so grant what it asked for.
  const accountId = details.session?.accountId;
  const clientId = details.params.client_id;
  if (typeof accountId !== "string" || typeof clientId !== "string") {
    send(res, 400, "<p>Interaction without a session or client.</p>");
    return true;
  }
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId, clientId });
  if (!grant) throw new Error(`grant ${details.grantId ?? ""} not found`);
  const missing = details.prompt.details;
  if (Array.isArray(missing.missingOIDCScope))
    grant.addOIDCScope(missing.missingOIDCScope.join(" "));
  if (Array.isArray(missing.missingOIDCClaims))
    grant.addOIDCClaims(missing.missingOIDCClaims as string[]);
  const grantId = await grant.save();
  await provider.interactionFinished(
    req,
    res,
    { consent: { grantId } },
    {
      mergeWithLastSubmission: true,
    },
  );
  return true;
}
