import { describe, expect, it } from "vitest";
import { KubeApiError, KubeConnectionError } from "../kube/errors";
import { normalizeKubeCauses, toApiError } from "./errors";

const kube = (status: number, reason: string, causes = [] as KubeApiError["causes"]) =>
  new KubeApiError({ status, reason, message: `kube says ${reason}`, causes });

describe("toApiError", () => {
  it("passes 403 through with Kubernetes' message (it names user, verb and namespace)", () => {
    expect(toApiError(kube(403, "Forbidden"))).toEqual({
      status: 403,
      body: { error: { code: "Forbidden", message: "kube says Forbidden", causes: [] } },
    });
  });

  it("passes 422 through with field causes", () => {
    const error = kube(422, "Invalid", [
      { field: "spec.replicas", reason: "FieldValueInvalid", message: "must be <= 9" },
    ]);
    expect(toApiError(error)).toEqual({
      status: 422,
      body: {
        error: {
          code: "Invalid",
          message: "kube says Invalid",
          causes: [{ field: "spec.replicas", message: "must be <= 9" }],
        },
      },
    });
  });

  it("keeps AlreadyExists apart from other conflicts", () => {
    expect(toApiError(kube(409, "AlreadyExists")).body.error.code).toBe("AlreadyExists");
    expect(toApiError(kube(409, "Conflict")).body.error.code).toBe("Conflict");
  });

  it("treats a 401 from the apiserver as the dashboard's fault, not the user's", () => {
    const { status, body } = toApiError(kube(401, "Unauthorized"));
    expect(status).toBe(502);
    expect(body.error.code).toBe("InternalError");
  });

  it("maps an unreachable apiserver to 503 and hides unexpected errors", () => {
    expect(toApiError(new KubeConnectionError("ECONNREFUSED")).status).toBe(503);
    const hidden = toApiError(new Error("secret detail"));
    expect(hidden.status).toBe(500);
    expect(hidden.body.error.message).not.toContain("secret");
  });
});

describe("normalizeKubeCauses", () => {
  it("puts a CEL rule's <nil> cause about metadata.name on metadata.name, once", () => {
    const message = 'Invalid value: "object": metadata.name must be at most 52 characters';
    expect(
      normalizeKubeCauses([
        { field: "<nil>", reason: "FieldValueInvalid", message },
        { field: "<nil>", reason: "FieldValueInvalid", message },
        { field: "spec.replicas", message: "must be <= 9" },
      ]),
    ).toEqual([
      { field: "metadata.name", message: "must be at most 52 characters" },
      { field: "spec.replicas", message: "must be <= 9" },
    ]);
  });

  it("leaves a cause without a field path in its message on the whole object", () => {
    expect(normalizeKubeCauses([{ field: "<nil>", message: "something else" }])).toEqual([
      { field: undefined, message: "something else" },
    ]);
  });
});
