import { describe, expect, it } from "vitest";
import { parseConfig } from "../config";

const env = {
  PILOTHOUSE_DASHBOARD_KUBECONFIG: "/state/dashboard.kubeconfig",
  OIDC_ISSUER: "https://127.0.0.1:5557",
  OIDC_CLIENT_ID: "pilothouse-dashboard",
  OIDC_CLIENT_SECRET: "s3cret-value-of-the-client",
  NEXTAUTH_URL: "http://localhost:3000",
  NEXTAUTH_SECRET: "x".repeat(32),
};

describe("PILOTHOUSE_KUBE_AUTH", () => {
  it("defaults to impersonation", () => {
    expect(parseConfig(env).kubeAuth).toBe("impersonation");
  });

  it("selects passthrough", () => {
    expect(parseConfig({ ...env, PILOTHOUSE_KUBE_AUTH: "passthrough" }).kubeAuth).toBe(
      "passthrough",
    );
  });

  it("takes the watch hub's read-only kubeconfig when given, and none otherwise", () => {
    expect(parseConfig(env).watchKubeconfigPath).toBeUndefined();
    const config = parseConfig({
      ...env,
      PILOTHOUSE_KUBE_AUTH: "passthrough",
      PILOTHOUSE_WATCH_KUBECONFIG: "/state/dashboard-watch.kubeconfig",
    });
    expect(config.watchKubeconfigPath).toBe("/state/dashboard-watch.kubeconfig");
    expect(config.kubeconfigPath).toBe("/state/dashboard.kubeconfig");
  });

  it("refuses another mode, naming the variable", () => {
    expect(() => parseConfig({ ...env, PILOTHOUSE_KUBE_AUTH: "token" })).toThrow(
      /PILOTHOUSE_KUBE_AUTH/,
    );
  });
});
