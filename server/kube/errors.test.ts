import { ApiException } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { KubeApiError, KubeConnectionError, kubeApiErrorFrom, toKubeError } from "./errors";

const invalid = JSON.stringify({
  kind: "Status",
  apiVersion: "v1",
  status: "Failure",
  message: 'MySQLCluster.mysql.pilothouse.dev "a" is invalid: spec.replicas: Invalid value: 12',
  reason: "Invalid",
  details: {
    name: "a",
    group: "mysql.pilothouse.dev",
    kind: "MySQLCluster",
    causes: [{ reason: "FieldValueInvalid", message: "Invalid value: 12", field: "spec.replicas" }],
  },
  code: 422,
});

describe("toKubeError", () => {
  it("reads status, reason, message and field causes from an ApiException's Status body", () => {
    const error = toKubeError(new ApiException(422, "Unknown API Status Code!", invalid, {}), {
      namespace: "demo",
    });
    expect(error).toBeInstanceOf(KubeApiError);
    const e = error as KubeApiError;
    expect(e.status).toBe(422);
    expect(e.reason).toBe("Invalid");
    expect(e.namespace).toBe("demo");
    expect(e.objectName).toBe("a");
    expect(e.message).toContain("spec.replicas");
    expect(e.causes).toEqual([
      { field: "spec.replicas", reason: "FieldValueInvalid", message: "Invalid value: 12" },
    ]);
    expect(e.cause).toBeInstanceOf(ApiException);
  });

  it("names the reason from the status when there is no Status body", () => {
    const e = toKubeError(new ApiException(401, "Unauthorized", undefined, {})) as KubeApiError;
    expect([e.status, e.reason, e.message]).toEqual([401, "Unauthorized", "Unauthorized"]);
  });

  it("maps Watch's statusCode errors (e.g. 410 Gone)", () => {
    const watchError = Object.assign(new Error("Gone"), { statusCode: 410 });
    const e = toKubeError(watchError) as KubeApiError;
    expect([e.status, e.reason]).toEqual([410, "Expired"]);
  });

  it("turns anything else into a connection error with the cause kept", () => {
    const cause = new TypeError("fetch failed");
    const e = toKubeError(cause);
    expect(e).toBeInstanceOf(KubeConnectionError);
    expect(e.cause).toBe(cause);
  });

  it("accepts parsed Status objects from in-stream ERROR events", () => {
    const e = kubeApiErrorFrom(410, {
      kind: "Status",
      code: 410,
      reason: "Expired",
      message: "too old",
    });
    expect([e.status, e.reason, e.message]).toEqual([410, "Expired", "too old"]);
  });
});
