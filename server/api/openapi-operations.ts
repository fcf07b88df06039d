import "server-only";
import type { z } from "zod";
import { actionRequestSchema } from "@/lib/api/action-requests";
import { KINDS, type ActionName, type KindInfo, type KindPlural } from "@/lib/api/kinds";
import {
  DeleteResponseSchema,
  DryRunQuerySchema,
  ListQuerySchema,
  REQUEST_SCHEMAS,
  ResourceListSchema,
} from "@/lib/api/requests";

/**
 * Every operation of the REST API, one per kind and route, with the very schema instances the
 * handlers validate with: `openapi.ts` renders them, `openapi.test.ts` checks that they are the
 * handlers' own.
 */

export type HttpMethod = "get" | "post" | "put" | "delete";

/** A response of an operation. */
export interface OperationResponse {
  status: 200 | 201;
  description: string;
  /** A schema instance, or a kind whose object is answered. */
  body: { schema: z.ZodType; name: string } | { kind: KindInfo };
}

/** One operation of the document. */
export interface Operation {
  method: HttpMethod;
  /** OpenAPI path template, e.g. `/api/v1/namespaces/{namespace}/mysqlclusters/{name}`. */
  path: string;
  operationId: string;
  summary: string;
  kind: KindInfo;
  action?: ActionName;
  pathParams: ("namespace" | "name")[];
  query?: z.ZodObject;
  request?: { schema: z.ZodType; name: string; optional?: boolean };
  response: OperationResponse;
  /** Error statuses the operation may answer besides 401 and 500. */
  errors: number[];
}

const ACTION_SUMMARY: Record<ActionName, string> = {
  start: "Start (spec.stopped: false)",
  stop: "Stop (spec.stopped: true); 409 while a restore into the cluster runs",
  backup: "Back up now (creates a MySQLBackup); 409 while a backup of the cluster runs",
  restore: "Restore (creates a MySQLRestore); 409 when the cluster is stopped or busy",
  switchover: "Promote a replica (annotation pilothouse.dev/switchover-to)",
  pause: "Pause reconciliation (annotation pilothouse.dev/reconcile: paused)",
  resume: "Resume reconciliation",
};

const schemaName = (schema: z.ZodType, fallback: string) => {
  const meta = schema.meta() as { id?: unknown } | undefined;
  return typeof meta?.id === "string" ? meta.id : fallback;
};

/** The operations of one kind. */
function operationsOf(kind: KindInfo & { plural: KindPlural }): Operation[] {
  const k = kind.kind;
  const collection = `/api/v1/namespaces/{namespace}/${kind.plural}`;
  const object = `${collection}/{name}`;
  const schemas = REQUEST_SCHEMAS[kind.plural];
  const ops: Operation[] = [
    {
      method: "get",
      path: `/api/v1/${kind.plural}`,
      operationId: `list${k}`,
      summary: `List ${k}s of one namespace, or of every namespace`,
      kind,
      pathParams: [],
      query: ListQuerySchema,
      response: {
        status: 200,
        description: "The items and the list's resourceVersion",
        body: { schema: ResourceListSchema, name: "ResourceList" },
      },
      errors: [403, 422],
    },
    {
      method: "post",
      path: collection,
      operationId: `create${k}`,
      summary: `Create a ${k}`,
      kind,
      pathParams: ["namespace"],
      query: DryRunQuerySchema,
      request: { schema: schemas.create, name: `Create${k}Request` },
      response: { status: 201, description: `The new ${k}`, body: { kind } },
      errors: [400, 403, 409, 413, 415, 422],
    },
    {
      method: "get",
      path: object,
      operationId: `get${k}`,
      summary: `Read a ${k}`,
      kind,
      pathParams: ["namespace", "name"],
      response: { status: 200, description: `The ${k}`, body: { kind } },
      errors: [403, 404, 422],
    },
    {
      method: "put",
      path: object,
      operationId: `update${k}`,
      summary: `Replace the spec (and labels, annotations) of a ${k}`,
      kind,
      pathParams: ["namespace", "name"],
      query: DryRunQuerySchema,
      request: { schema: schemas.update, name: `Update${k}Request` },
      response: { status: 200, description: `The updated ${k}`, body: { kind } },
      errors: [400, 403, 404, 409, 413, 415, 422],
    },
    {
      method: "delete",
      path: object,
      operationId: `delete${k}`,
      summary: `Delete a ${k}`,
      kind,
      pathParams: ["namespace", "name"],
      response: {
        status: 200,
        description: "Deleted, or finalizing",
        body: { schema: DeleteResponseSchema, name: "DeleteResponse" },
      },
      errors: [403, 404, 422],
    },
  ];
  for (const action of kind.actions) {
    const schema = actionRequestSchema(kind.plural, action);
    const creates = action === "backup" || action === "restore";
    const created = KINDS.find(
      (x) => x.kind === (action === "backup" ? "MySQLBackup" : "MySQLRestore"),
    );
    ops.push({
      method: "post",
      path: `${object}/actions/${action}`,
      operationId: `${action}${k}`,
      summary: ACTION_SUMMARY[action],
      kind,
      action,
      pathParams: ["namespace", "name"],
      query: DryRunQuerySchema,
      request: {
        schema,
        name: schemaName(schema, `${action}ActionRequest`),
        optional: !["backup", "restore", "switchover"].includes(action),
      },
      response:
        creates && created
          ? { status: 201, description: `The new ${created.kind}`, body: { kind: created } }
          : { status: 200, description: `The changed ${k}`, body: { kind } },
      errors: [400, 403, 404, 409, 413, 415, 422],
    });
  }
  return ops;
}

/** Every operation of the API, kind by kind. */
export const OPERATIONS: Operation[] = KINDS.flatMap((kind) => operationsOf(kind));
