import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { loadOperatorConfig } from "./config";

const thisFile = new URL(import.meta.url).pathname;

describe("loadOperatorConfig", () => {
  it("defaults everything but the kubeconfig", () => {
    expect(loadOperatorConfig({})).toEqual({
      kubeconfigPath: undefined,
      logLevel: "info",
      workers: 2,
      resyncSeconds: 300,
      shard: undefined,
      instanceName: hostname(),
    });
  });

  it("reads and converts the variables", () => {
    const config = loadOperatorConfig({
      KUBECONFIG: thisFile,
      PILOTHOUSE_OPERATOR_LOG_LEVEL: "debug",
      PILOTHOUSE_OPERATOR_WORKERS: "4",
      PILOTHOUSE_OPERATOR_RESYNC_SECONDS: "60",
      POD_NAME: "pilothouse-operator-7d9f",
      PILOTHOUSE_OPERATOR_SHARD: "it-3f9a2c",
    });
    expect(config).toEqual({
      kubeconfigPath: thisFile,
      logLevel: "debug",
      workers: 4,
      resyncSeconds: 60,
      shard: "it-3f9a2c",
      instanceName: "pilothouse-operator-7d9f",
    });
  });

  it("names every invalid variable", () => {
    expect(() =>
      loadOperatorConfig({
        KUBECONFIG: "/nonexistent/kubeconfig",
        PILOTHOUSE_OPERATOR_WORKERS: "0",
        PILOTHOUSE_OPERATOR_LOG_LEVEL: "loud",
        PILOTHOUSE_OPERATOR_SHARD: "Not A Label",
      }),
    ).toThrow(
      /KUBECONFIG: file does not exist[\s\S]*PILOTHOUSE_OPERATOR_LOG_LEVEL[\s\S]*PILOTHOUSE_OPERATOR_WORKERS[\s\S]*PILOTHOUSE_OPERATOR_SHARD: must be a label value/,
    );
  });
});
