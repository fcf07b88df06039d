/**
 * Request and response shapes of the MySQLCluster routes of the REST API, shared by the browser
 * (forms, react-query) and the server (route handlers). Built on the CRD's own schema in
 * `lib/crds/mysql-cluster.ts`, so the form, the API and the CRD cannot disagree.
 */
import { z } from "zod";
import { Dns1123LabelSchema } from "../crds/common";
import {
  MYSQL_API_VERSION,
  MySQLClusterNameSchema,
  MySQLClusterNames,
  MySQLClusterSchema,
  MySQLClusterSpecSchema,
} from "../crds/mysql-cluster";
import { AnnotationsSchema, LabelsSchema } from "./object-meta";

/**
 * The CRD's spec, strict at the HTTP boundary: an unknown field in `spec` or `spec.storage` is
 * refused (422 with its path) instead of silently dropped, so a typo such as `spec.replica` is
 * not mistaken for a default. The CRD schema itself stays as it is (wrapped, not edited).
 */
const storage = MySQLClusterSpecSchema.shape.storage;
const StrictSpecSchema = MySQLClusterSpecSchema.safeExtend({
  storage: storage
    .safeExtend({
      // A zero size fails the CRD's quantity pattern too, but its message ("a whole number with
      // an optional unit") does not say what is wrong with 0Gi; say it first.
      size: z
        .string()
        .refine((size) => !/^0+[A-Za-z]*$/.test(size), {
          message: "must be greater than zero, e.g. 10Gi",
          abort: true,
        })
        .pipe(storage.shape.size),
    })
    .strict(),
}).strict();

/**
 * `POST /api/v1/namespaces/{namespace}/mysqlclusters`. `metadata.namespace` may be omitted; when
 * given it must equal the namespace of the URL. `apiVersion` and `kind` may be sent (a manifest
 * as kubectl would send it) and must then be the MySQLCluster's. Every object is strict: unknown
 * fields are refused with their path.
 */
export const CreateMySQLClusterRequestSchema = z.strictObject({
  apiVersion: z.literal(MYSQL_API_VERSION).optional(),
  kind: z.literal(MySQLClusterNames.kind).optional(),
  metadata: z.strictObject({
    name: MySQLClusterNameSchema,
    namespace: Dns1123LabelSchema.optional(),
    labels: LabelsSchema.optional(),
    annotations: AnnotationsSchema.optional(),
  }),
  spec: StrictSpecSchema,
});
export type CreateMySQLClusterRequest = z.infer<typeof CreateMySQLClusterRequestSchema>;
/** What a client sends (defaults of the spec not yet applied). */
export type CreateMySQLClusterInput = z.input<typeof CreateMySQLClusterRequestSchema>;

/** `GET /api/v1/mysqlclusters`: the items and the list's resourceVersion to watch from. */
export const MySQLClusterListSchema = z.object({
  items: z.array(MySQLClusterSchema),
  /** Opaque; pass it to the watch route to receive every change after this list. */
  resourceVersion: z.string(),
});
export type MySQLClusterList = z.infer<typeof MySQLClusterListSchema>;

/** Query of the list and watch routes. */
export const MySQLClusterQuerySchema = z.object({
  namespace: Dns1123LabelSchema,
  /** Only this object (detail views). */
  name: MySQLClusterNameSchema.optional(),
  /** Opaque resourceVersion to start watching from (a list's, or the last event's id). */
  resourceVersion: z.string().min(1).max(64).optional(),
});
export type MySQLClusterQuery = z.infer<typeof MySQLClusterQuerySchema>;
