import "server-only";
import { z } from "zod";
import { Dns1123LabelSchema } from "@/lib/crds/common";
import {
  CreateMySQLClusterRequestSchema,
  MySQLClusterQuerySchema,
  type MySQLClusterList,
} from "@/lib/api/mysql-clusters";
import { MySQLClusterNameSchema, type MySQLCluster } from "@/lib/crds/mysql-cluster";
import { getUser } from "../auth/session";
import { kubeForUser } from "../kube/client";
import { createMySQLCluster, getMySQLCluster, listMySQLClusters } from "../kube/mysql-clusters";
import { moduleLogger } from "../log";
import { apiError, errorResponse, toApiError, unauthorized } from "./errors";
import { queryOf, readJsonBody, validate } from "./request";

/**
 * Handlers of the MySQLCluster REST routes. Each checks the session itself (a route is a public
 * endpoint), validates its input with zod, and calls Kubernetes as the user — RBAC decides.
 */

const log = moduleLogger("api/mysql-clusters");
const NO_STORE = { "Cache-Control": "no-store" };

const ListQuerySchema = MySQLClusterQuerySchema.pick({ namespace: true }).partial();
const PathSchema = z.object({ namespace: Dns1123LabelSchema, name: MySQLClusterNameSchema });

/** `GET /api/v1/mysqlclusters?namespace=demo` → 200 {@link MySQLClusterList}. */
export async function listMySQLClustersHandler(request: Request): Promise<Response> {
  const user = await getUser();
  if (!user) return unauthorized();
  const query = validate(ListQuerySchema, queryOf(request), "Invalid query.");
  if (!query.ok) return errorResponse(query.error);
  try {
    const list = await listMySQLClusters(await kubeForUser(user), query.value);
    return Response.json(list satisfies MySQLClusterList, { headers: NO_STORE });
  } catch (err) {
    return errorResponse(toApiError(err));
  }
}

/** `GET /api/v1/namespaces/{namespace}/mysqlclusters/{name}` → 200 MySQLCluster. */
export async function getMySQLClusterHandler(
  _request: Request,
  params: { namespace: string; name: string },
): Promise<Response> {
  const user = await getUser();
  if (!user) return unauthorized();
  const path = validate(PathSchema, params, "Invalid path.");
  if (!path.ok) return errorResponse(path.error);
  try {
    const { namespace, name } = path.value;
    const cluster = await getMySQLCluster(await kubeForUser(user), namespace, name);
    return Response.json(cluster satisfies MySQLCluster, { headers: NO_STORE });
  } catch (err) {
    return errorResponse(toApiError(err));
  }
}

/**
 * `POST /api/v1/namespaces/{namespace}/mysqlclusters` with a CreateMySQLClusterRequest →
 * 201 MySQLCluster; 422 with field causes when the body (or Kubernetes) rejects the spec;
 * 403/409 from Kubernetes as they are.
 */
export async function createMySQLClusterHandler(
  request: Request,
  params: { namespace: string },
): Promise<Response> {
  const user = await getUser();
  if (!user) return unauthorized();
  const namespace = validate(Dns1123LabelSchema, params.namespace, "Invalid namespace.");
  if (!namespace.ok) return errorResponse(namespace.error);
  const json = await readJsonBody(request);
  if (!json.ok) return errorResponse(json.error);
  const body = validate(CreateMySQLClusterRequestSchema, json.value, "Invalid MySQLCluster.");
  if (!body.ok) return errorResponse(body.error);
  const { metadata, spec } = body.value;
  if (metadata.namespace !== undefined && metadata.namespace !== namespace.value) {
    return errorResponse(
      apiError(422, "Invalid", "Invalid MySQLCluster.", [
        { field: "metadata.namespace", message: `must be ${namespace.value}, as in the URL` },
      ]),
    );
  }
  try {
    const kube = await kubeForUser(user);
    const created = await createMySQLCluster(kube, namespace.value, metadata, spec);
    log.info(
      { user: user.username, namespace: namespace.value, name: metadata.name },
      "created MySQLCluster",
    );
    const location = `/api/v1/namespaces/${namespace.value}/mysqlclusters/${metadata.name}`;
    return Response.json(created satisfies MySQLCluster, {
      status: 201,
      headers: { ...NO_STORE, Location: location },
    });
  } catch (err) {
    return errorResponse(toApiError(err));
  }
}
