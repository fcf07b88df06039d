/**
 * Request and response shapes of the MySQLCluster routes of the REST API, shared by the browser
 * (forms, react-query) and the server (route handlers). Built on the CRD's own schema in
 * `lib/crds/mysql-cluster.ts`, so the form, the API and the CRD cannot disagree.
 */
import { z } from "zod";
import { Dns1123LabelSchema } from "../crds/common";
import { MySQLClusterSchema, MySQLClusterSpecSchema } from "../crds/mysql-cluster";

/**
 * `POST /api/v1/namespaces/{namespace}/mysqlclusters`. `metadata.namespace` may be omitted; when
 * given it must equal the namespace of the URL.
 */
export const CreateMySQLClusterRequestSchema = z.object({
  metadata: z.object({
    name: Dns1123LabelSchema,
    namespace: Dns1123LabelSchema.optional(),
  }),
  spec: MySQLClusterSpecSchema,
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
  name: Dns1123LabelSchema.optional(),
  /** Opaque resourceVersion to start watching from (a list's, or the last event's id). */
  resourceVersion: z.string().min(1).max(64).optional(),
});
export type MySQLClusterQuery = z.infer<typeof MySQLClusterQuerySchema>;
