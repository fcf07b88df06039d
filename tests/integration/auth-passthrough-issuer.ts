/**
 * The https OpenID issuer that the local apiserver trusts for token passthrough
 * (platform/scripts/certs.sh `write_authentication_config`): a second instance of the platform's
 * provider (platform/oidc/server.ts, same demo users and client), serving TLS with a certificate
 * of the platform's CA on port 5557 + offset. The http issuer the dashboard logs in with is left
 * as it is.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Agent } from "undici";

export interface HttpsIssuer {
  /** e.g. `https://127.0.0.1:5557` (+ the profile's port offset). */
  url: string;
  /** PEM of the platform CA, which signed the issuer's and the apiserver's certificates. */
  ca: string;
  /** A dispatcher that trusts {@link ca}, for fetch calls to the issuer. */
  dispatcher: Agent;
  stop: () => Promise<void>;
}

const answers = (url: string, dispatcher: Agent) =>
  fetch(`${url}/.well-known/openid-configuration`, { dispatcher } as RequestInit)
    .then((r) => r.ok)
    .catch(() => false);

/**
 * Starts the https issuer of the platform whose env file is loaded and waits for its discovery
 * document. When the platform already runs it (`./pilothouse test`, or `up` in passthrough mode:
 * platform/scripts/services.sh `start_oidc_https`), that one is used and `stop` leaves it running.
 *
 * @throws Error when the environment lacks the platform's variables or the issuer does not
 *   answer within 60 s.
 */
export async function startHttpsIssuer(env: NodeJS.ProcessEnv = process.env): Promise<HttpsIssuer> {
  const { KUBECONFIG, NEXTAUTH_URL, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET } = env;
  if (!KUBECONFIG || !NEXTAUTH_URL || !OIDC_CLIENT_ID || !OIDC_CLIENT_SECRET) {
    throw new Error("source the platform's env.sh (KUBECONFIG, NEXTAUTH_URL, OIDC_CLIENT_*)");
  }
  const state = dirname(KUBECONFIG);
  const url = `https://127.0.0.1:${5557 + Number(env.PILOTHOUSE_PORT_OFFSET ?? 0)}`;
  const ca = readFileSync(join(state, "pki", "ca.crt"), "utf8");
  const dispatcher = new Agent({ connect: { ca } });
  if (await answers(url, dispatcher)) return { url, ca, dispatcher, stop: () => Promise.resolve() };
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", "platform/oidc/server.ts"],
    {
      env: {
        ...env,
        OIDC_ISSUER: url,
        OIDC_REDIRECT_URIS: `${NEXTAUTH_URL}/api/auth/callback/oidc`,
        OIDC_KEYS_FILE: join(state, "oidc-https-keys.json"),
        OIDC_TLS_CERT_FILE: join(state, "pki", "oidc.crt"),
        OIDC_TLS_KEY_FILE: join(state, "pki", "oidc.key"),
      },
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the https issuer exited (${child.exitCode})`);
    if (await answers(url, dispatcher)) return { url, ca, dispatcher, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the https issuer at ${url} did not answer within 60 s`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
