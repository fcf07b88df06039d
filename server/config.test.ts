import { describe, expect, it } from "vitest";
import { getLogLevel, parseConfig } from "./config";

const valid = {
  PILOTHOUSE_DASHBOARD_KUBECONFIG: "/state/dashboard.kubeconfig",
  OIDC_ISSUER: "http://127.0.0.1:5556/",
  OIDC_CLIENT_ID: "pilothouse-dashboard",
  OIDC_CLIENT_SECRET: "s3cret-value-of-the-client",
  NEXTAUTH_URL: "http://localhost:3000",
  NEXTAUTH_SECRET: "x".repeat(32),
  PILOTHOUSE_DEMO_NAMESPACE: "demo",
};

describe("parseConfig", () => {
  it("maps the environment to the dashboard's terms and trims trailing slashes", () => {
    const config = parseConfig(valid);
    expect(config).toMatchObject({
      kubeconfigPath: "/state/dashboard.kubeconfig",
      oidc: { issuer: "http://127.0.0.1:5556", clientId: "pilothouse-dashboard" },
      publicUrl: "http://localhost:3000",
      defaultNamespace: "demo",
      logLevel: "info",
    });
  });

  it("names every missing or invalid variable and never echoes a value", () => {
    const env = { ...valid, OIDC_ISSUER: "ftp://idp", NEXTAUTH_SECRET: "short-secret-value" };
    delete (env as Record<string, string | undefined>).OIDC_CLIENT_SECRET;
    const error = (() => {
      try {
        parseConfig(env);
      } catch (err) {
        return err as Error;
      }
    })();
    expect(error?.message).toContain("OIDC_ISSUER");
    expect(error?.message).toContain("OIDC_CLIENT_SECRET");
    expect(error?.message).toContain("NEXTAUTH_SECRET");
    expect(error?.message).not.toContain("short-secret-value");
  });

  it("defaults the namespace when unset", () => {
    const env: Record<string, string | undefined> = { ...valid };
    delete env.PILOTHOUSE_DEMO_NAMESPACE;
    expect(parseConfig(env).defaultNamespace).toBe("default");
  });
});

describe("getLogLevel", () => {
  it("reads LOG_LEVEL alone and falls back to info", () => {
    expect(getLogLevel({ LOG_LEVEL: "debug" })).toBe("debug");
    expect(getLogLevel({ LOG_LEVEL: "loud" })).toBe("info");
    expect(getLogLevel({})).toBe("info");
  });
});
