import "server-only";
import { z } from "zod";

/**
 * The dashboard's configuration, read from the environment in this one module and validated with
 * zod. Secrets (client secret, NextAuth secret, kubeconfig path) live only on the server: nothing
 * here is ever passed to a client component.
 *
 * Validation is lazy (first call of {@link getConfig}) so that `next build` can import route
 * modules without the runtime environment; `instrumentation.ts` calls it at server start-up so a
 * misconfigured process fails before serving a request.
 */

/** An absolute http(s) URL without a trailing slash. */
const UrlSchema = z.url({ protocol: /^https?$/ }).transform((value) => value.replace(/\/+$/, ""));

/** The environment variables the dashboard reads, as the platform sets them. */
export const DashboardEnvSchema = z.object({
  PILOTHOUSE_DASHBOARD_KUBECONFIG: z
    .string()
    .min(1, "must be the path of the dashboard ServiceAccount's kubeconfig"),
  OIDC_ISSUER: UrlSchema,
  OIDC_CLIENT_ID: z.string().min(1),
  OIDC_CLIENT_SECRET: z.string().min(1),
  NEXTAUTH_URL: UrlSchema,
  NEXTAUTH_SECRET: z.string().min(32, "must be at least 32 characters of random data"),
  PILOTHOUSE_DEMO_NAMESPACE: z.string().min(1).default("default"),
  /**
   * Comma-separated namespaces offered to users who may not list namespaces (bound only by
   * RoleBindings); each is shown only where a rules review says the user can read in it.
   */
  PILOTHOUSE_NAMESPACES: z
    .string()
    .optional()
    .transform((value) =>
      (value ?? "")
        .split(",")
        .map((ns) => ns.trim())
        .filter(Boolean),
    ),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace"]).default("info"),
  /**
   * How the dashboard acts as the user towards the apiserver: `impersonation` (its own
   * credentials plus `Impersonate-User`/`Impersonate-Group`) or `passthrough` (the user's ID
   * token as bearer, for an apiserver that trusts the same OpenID issuer).
   */
  PILOTHOUSE_KUBE_AUTH: z.enum(["impersonation", "passthrough"]).default("impersonation"),
  /**
   * Passthrough mode: a kubeconfig of the read-only ServiceAccount `pilothouse-dashboard-watch`,
   * for the watch hub's shared upstream (default: the dashboard's own kubeconfig).
   */
  PILOTHOUSE_WATCH_KUBECONFIG: z.string().min(1).optional(),
});
export type DashboardEnv = z.infer<typeof DashboardEnvSchema>;

/** The validated configuration, in the dashboard's own terms. */
export interface DashboardConfig {
  /** Path of the kubeconfig whose identity may only impersonate users and groups. */
  kubeconfigPath: string;
  oidc: { issuer: string; clientId: string; clientSecret: string };
  /** Public base URL of the dashboard, e.g. `http://localhost:3000`. */
  publicUrl: string;
  /** Key that encrypts the session cookie. */
  sessionSecret: string;
  /** Namespace the UI opens by default. */
  defaultNamespace: string;
  /** Namespaces offered without list rights (always includes the default namespace). */
  namespaces: string[];
  logLevel: DashboardEnv["LOG_LEVEL"];
  /** How user requests authenticate to the apiserver (see `PILOTHOUSE_KUBE_AUTH`). */
  kubeAuth: DashboardEnv["PILOTHOUSE_KUBE_AUTH"];
  /** Passthrough mode: the watch hub's read-only kubeconfig (`PILOTHOUSE_WATCH_KUBECONFIG`). */
  watchKubeconfigPath?: string;
}

/**
 * Parses an environment into a {@link DashboardConfig}.
 *
 * @param env - the variables to read, usually `process.env`.
 * @throws Error naming every missing or invalid variable (never its value).
 */
export function parseConfig(env: Record<string, string | undefined>): DashboardConfig {
  const result = DashboardEnvSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues
      .map((issue) => `${issue.path.join(".")}: ${issue.message}`)
      .join("; ");
    throw new Error(`Invalid dashboard configuration: ${problems}`, { cause: result.error });
  }
  const e = result.data;
  return {
    kubeconfigPath: e.PILOTHOUSE_DASHBOARD_KUBECONFIG,
    oidc: { issuer: e.OIDC_ISSUER, clientId: e.OIDC_CLIENT_ID, clientSecret: e.OIDC_CLIENT_SECRET },
    publicUrl: e.NEXTAUTH_URL,
    sessionSecret: e.NEXTAUTH_SECRET,
    defaultNamespace: e.PILOTHOUSE_DEMO_NAMESPACE,
    namespaces: [...new Set([e.PILOTHOUSE_DEMO_NAMESPACE, ...e.PILOTHOUSE_NAMESPACES])],
    logLevel: e.LOG_LEVEL,
    kubeAuth: e.PILOTHOUSE_KUBE_AUTH,
    watchKubeconfigPath: e.PILOTHOUSE_WATCH_KUBECONFIG,
  };
}

/**
 * The log level alone, readable even when the rest of the configuration is invalid (so that the
 * configuration error itself can be logged). Falls back to `info` on an unknown value.
 */
export function getLogLevel(
  env: Record<string, string | undefined> = process.env,
): DashboardEnv["LOG_LEVEL"] {
  const result = DashboardEnvSchema.shape.LOG_LEVEL.safeParse(env.LOG_LEVEL);
  return result.success ? result.data : "info";
}

let cached: DashboardConfig | undefined;

/**
 * The process's configuration, validated once from `process.env`.
 *
 * @throws Error when a variable is missing or invalid (see {@link parseConfig}).
 */
export function getConfig(): DashboardConfig {
  cached ??= parseConfig(process.env);
  return cached;
}
