/**
 * Request and response shapes of the generic resource routes (see `kinds.ts` for the URL
 * scheme), one set per kind, built from the CRD schemas of `lib/crds/`. Handlers validate with
 * exactly these instances and the OpenAPI document is generated from them, so the two cannot
 * drift (checked by `server/api/openapi.test.ts`).
 */
import { z } from "zod";
import { Dns1123LabelSchema } from "../crds/common";
import { KafkaClusterNameSchema } from "../crds/kafka-common";
import { MySQLClusterNameSchema } from "../crds/mysql-cluster";
import { KINDS, type KindInfo, type KindPlural } from "./kinds";
import { CreateMySQLClusterRequestSchema } from "./mysql-clusters";
import { AnnotationsSchema, LabelsSchema } from "./object-meta";
import { strictDeep } from "./strict-schema";

/**
 * A DNS-1123 subdomain: what Kubernetes accepts as the name of most objects.
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-subdomain-names
 */
export const Dns1123SubdomainSchema = z
  .string()
  .min(1, "must not be empty")
  .max(253, "must be at most 253 characters")
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
    "must consist of lower case letters, digits, '-' and '.', and start and end with a letter or digit",
  );

/** What an object of each kind may be called (clusters: names that fit their Services). */
export const OBJECT_NAME_SCHEMAS: Record<KindPlural, z.ZodString> = {
  mysqlclusters: MySQLClusterNameSchema,
  mysqlbackups: Dns1123SubdomainSchema,
  mysqlrestores: Dns1123SubdomainSchema,
  kafkaclusters: KafkaClusterNameSchema,
  kafkatopics: Dns1123SubdomainSchema,
  kafkausers: Dns1123SubdomainSchema,
};

/**
 * The spec each kind accepts at the boundary: the CRD's spec made strict. MySQLCluster uses the
 * form's own request schema (which adds a clearer message for a zero storage size).
 */
const SPEC_SCHEMAS = Object.fromEntries(
  KINDS.map((k): [string, z.ZodType] => [
    k.plural,
    k.plural === "mysqlclusters"
      ? strictDeep(CreateMySQLClusterRequestSchema.shape.spec)
      : strictDeep(k.specSchema),
  ]),
) as Record<KindPlural, z.ZodType>;

function createSchema(kind: KindInfo, plural: KindPlural) {
  return z
    .strictObject({
      apiVersion: z.literal(kind.apiVersion).optional(),
      kind: z.literal(kind.kind).optional(),
      metadata: z.strictObject({
        name: OBJECT_NAME_SCHEMAS[plural],
        namespace: Dns1123LabelSchema.optional().describe("Must be the namespace of the URL."),
        labels: LabelsSchema.optional(),
        annotations: AnnotationsSchema.optional(),
      }),
      spec: SPEC_SCHEMAS[plural],
    })
    .meta({ id: `Create${kind.kind}Request`, description: `A new ${kind.kind}.` });
}

/**
 * The `metadata` fields the apiserver manages, accepted in an update body so that an object can
 * be sent back exactly as `GET` returned it (read-modify-write) and ignored: the stored values are
 * kept whatever the body says (finalizers and ownerReferences included, so that a PUT can never
 * remove a finalizer or an owner). Shapes are checked loosely (an object as the apiserver writes
 * it); unknown fields next to them are still refused.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/object-meta/
 */
const ignored = (what: string) => `Ignored on update: ${what} (the stored value is kept).`;
export const SERVER_MANAGED_METADATA = {
  uid: z.string().optional().describe(ignored("set by the apiserver")),
  generation: z.number().int().optional().describe(ignored("set by the apiserver")),
  creationTimestamp: z.string().nullable().optional().describe(ignored("set by the apiserver")),
  deletionTimestamp: z.string().nullable().optional().describe(ignored("set by the apiserver")),
  deletionGracePeriodSeconds: z
    .number()
    .int()
    .nullable()
    .optional()
    .describe(ignored("set by the apiserver")),
  selfLink: z.string().optional().describe(ignored("set by the apiserver")),
  generateName: z.string().optional().describe(ignored("used at creation only")),
  managedFields: z
    .array(z.record(z.string(), z.unknown()))
    .optional()
    .describe(ignored("server-side apply bookkeeping")),
  finalizers: z.array(z.string()).optional().describe(ignored("the operator's finalizers")),
  ownerReferences: z
    .array(z.record(z.string(), z.unknown()))
    .optional()
    .describe(ignored("owners are not changed through this API")),
};

function updateSchema(kind: KindInfo, plural: KindPlural) {
  return z
    .strictObject({
      apiVersion: z.literal(kind.apiVersion).optional(),
      kind: z.literal(kind.kind).optional(),
      metadata: z.strictObject({
        name: OBJECT_NAME_SCHEMAS[plural].describe("Must be the name of the URL."),
        namespace: Dns1123LabelSchema.optional().describe("Must be the namespace of the URL."),
        resourceVersion: z
          .string()
          .min(1)
          .max(64)
          .optional()
          .describe("The version the change was made on; a stale one is refused with 409."),
        labels: LabelsSchema.optional(),
        annotations: AnnotationsSchema.optional(),
        ...SERVER_MANAGED_METADATA,
      }),
      spec: SPEC_SCHEMAS[plural],
      status: z
        .unknown()
        .optional()
        .describe("Ignored: the status belongs to the operator (accepted for read-modify-write)."),
    })
    .meta({
      id: `Update${kind.kind}Request`,
      description: `The whole new spec of a ${kind.kind}; labels and annotations replace the current ones when given and are kept when omitted.`,
    });
}

/** A strict create body: metadata (name, labels, annotations) and spec. */
export type CreateResourceRequest = {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: Record<string, unknown>;
};
/**
 * A strict update body: as a create, plus the resourceVersion it was made on; the server-managed
 * metadata ({@link SERVER_MANAGED_METADATA}) and `status` of a `GET` answer are accepted and ignored.
 */
export type UpdateResourceRequest = CreateResourceRequest & {
  metadata: { resourceVersion?: string; uid?: string } & Record<string, unknown>;
  status?: unknown;
};

/** The request schemas of one kind. */
export interface KindRequestSchemas {
  create: z.ZodType<CreateResourceRequest>;
  update: z.ZodType<UpdateResourceRequest>;
}

/** `POST` and `PUT` bodies of every kind: the instances handlers validate with. */
export const REQUEST_SCHEMAS = Object.fromEntries(
  KINDS.map((k) => [
    k.plural,
    { create: createSchema(k, k.plural), update: updateSchema(k, k.plural) },
  ]),
) as unknown as Record<KindPlural, KindRequestSchemas>;

/** `?namespace=` of the list route: one namespace, or every namespace the user may list. */
export const ListQuerySchema = z.object({
  namespace: Dns1123LabelSchema.optional(),
});
export type ListQuery = z.infer<typeof ListQuerySchema>;

/** `?dryRun=All` of create and update: the apiserver validates and admits, but stores nothing. */
export const DryRunQuerySchema = z.object({
  dryRun: z.literal("All").optional(),
});

/** `GET /api/v1/{plural}`: the items and the list's resourceVersion to watch from. */
export const ResourceListSchema = z
  .object({
    items: z.array(z.record(z.string(), z.unknown())),
    /** Opaque; pass it to the watch route to receive every change after this list. */
    resourceVersion: z.string(),
  })
  .meta({ id: "ResourceList" });
export type ResourceList<T = Record<string, unknown>> = { items: T[]; resourceVersion: string };

/**
 * `DELETE .../{name}`: `finalizing` is true when the object still exists, marked for deletion,
 * until its finalizers are done (e.g. a MySQLBackup deleting its stored object).
 */
export const DeleteResponseSchema = z
  .object({
    kind: z.string(),
    namespace: z.string(),
    name: z.string(),
    finalizing: z.boolean(),
  })
  .meta({ id: "DeleteResponse" });
export type DeleteResponse = z.infer<typeof DeleteResponseSchema>;
