import "server-only";
import { z } from "zod";
import {
  actionRequestSchema,
  type BackupActionRequest,
  type BackupRestoreActionRequest,
  type ClusterRestoreActionRequest,
  type SwitchoverActionRequest,
} from "@/lib/api/action-requests";
import type { ActionName, KindInfo, KindPlural } from "@/lib/api/kinds";
import { OBJECT_NAME_SCHEMAS } from "@/lib/api/requests";
import { RECONCILE_ANNOTATION } from "@/lib/crds/common";
import type { MySQLBackup } from "@/lib/crds/mysql-backup";
import { SWITCHOVER_ANNOTATION } from "@/lib/crds/mysql-replication";
import { KubeApiError } from "../kube/errors";
import {
  createResource,
  getRawResource,
  mergePatchResource,
  type WriteOptions,
} from "../kube/resources";
import {
  backupInProgress,
  backupStorage,
  BACKUPS,
  newBackup,
  newRestore,
  readBackup,
  readCluster,
  restoreInProgress,
  restorePreconditions,
  RESTORES,
  switchoverProblem,
} from "./actions-mysql";
import type { AuditEntry } from "./audit";
import { apiError, errorResponse, type ApiError } from "./errors";
import { DryRunQuerySchema } from "@/lib/api/requests";
import { MAX_BODY_BYTES, queryOf, readJsonBody, readLimitedText, validate } from "./request";
import { NamespaceSchema } from "./resources";
import {
  kindOrNotFound,
  refuse,
  refuseCaught,
  succeed,
  uidOf,
  type Caller,
} from "./resource-context";

/**
 * `POST /api/v1/namespaces/{namespace}/{plural}/{name}/actions/{action}`: the actions of
 * `KindInfo.actions`. Patches and creations run as the caller (RBAC decides); preconditions that
 * make an action impossible now answer 409 with the reason (a second backup while one runs, a
 * restore into a stopped cluster, a stop during a restore). With `?dryRun=All` every check runs
 * and the apiserver admits the patch or creation without storing it (answered as it would be,
 * without `Location`, and not recorded as an Event).
 */

type Params = { namespace: string; plural: string; name: string; action: string };
type Entry = Omit<AuditEntry, "user" | "status" | "code">;

/** The outcome of one action: the object to answer, and the extra audit words. */
type Outcome =
  | { ok: true; status: 200 | 201; object: Record<string, unknown>; detail?: string }
  | { ok: false; error: ApiError };

const patched = (object: Record<string, unknown>, detail?: string): Outcome => ({
  ok: true,
  status: 200,
  object,
  detail,
});

/**
 * Reads an optional JSON body: an empty body is `{}` whatever its `Content-Type` (`curl -X POST`
 * sends none); a non-empty body must be `application/json` (415 otherwise).
 */
async function readActionBody(
  request: Request,
): Promise<{ ok: true; value: unknown } | { ok: false; error: ApiError }> {
  const length = request.headers.get("content-length");
  if (!request.body || length === "0") return { ok: true, value: {} };
  const type = request.headers.get("content-type") ?? "";
  if (/^application\/json\s*(;|$)/i.test(type)) return readJsonBody(request);
  const text = await readLimitedText(request, MAX_BODY_BYTES).catch(() => "");
  if (text !== null && text.trim() === "") return { ok: true, value: {} };
  const message = "Send the body as Content-Type: application/json.";
  return { ok: false, error: apiError(415, "UnsupportedMediaType", message) };
}

/**
 * The backup a restore names: from the cluster's restore action a missing one is the request's
 * mistake (422 on `backupName`); from the backup's own URL it is a 404 like any missing object.
 */
async function readBackupNamed(
  kube: Caller["kube"],
  namespace: string,
  backupName: string,
  plural: KindPlural,
): Promise<{ ok: true; backup: MySQLBackup } | { ok: false; error: ApiError }> {
  try {
    return { ok: true, backup: await readBackup(kube, namespace, backupName) };
  } catch (err) {
    if (plural === "mysqlbackups" || !(err instanceof KubeApiError) || err.status !== 404) {
      throw err;
    }
    const message = `MySQLBackup ${backupName} does not exist in namespace ${namespace}`;
    return {
      ok: false,
      error: apiError(422, "Invalid", "Invalid restore request.", [
        { field: "backupName", message },
      ]),
    };
  }
}

/** Runs one validated action. */
async function run(
  caller: Caller,
  kind: KindInfo & { plural: KindPlural },
  action: ActionName,
  namespace: string,
  name: string,
  body: unknown,
  options: WriteOptions,
): Promise<Outcome> {
  const patch = (p: Record<string, unknown>) =>
    mergePatchResource(caller.kube, kind, namespace, name, p, options);
  switch (action) {
    case "start":
      return patched(await patch({ spec: { stopped: false } }));
    case "stop": {
      if (kind.plural === "mysqlclusters") {
        const busy = await restoreInProgress(caller.kube, namespace, name);
        if (busy) return { ok: false, error: busy };
      }
      return patched(await patch({ spec: { stopped: true } }));
    }
    case "pause":
      return patched(
        await patch({ metadata: { annotations: { [RECONCILE_ANNOTATION]: "paused" } } }),
      );
    case "resume":
      return patched(await patch({ metadata: { annotations: { [RECONCILE_ANNOTATION]: null } } }));
    case "switchover": {
      const { targetInstance } = body as SwitchoverActionRequest;
      const cluster = await readCluster(caller.kube, namespace, name);
      const problem = switchoverProblem(cluster, targetInstance);
      if (problem) return { ok: false, error: problem };
      const pending = cluster.metadata.annotations?.[SWITCHOVER_ANNOTATION];
      if (pending) {
        const message = `A switchover of ${name} to ${pending} is already pending.`;
        return { ok: false, error: apiError(409, "Conflict", message) };
      }
      const annotations = { [SWITCHOVER_ANNOTATION]: targetInstance };
      return patched(await patch({ metadata: { annotations } }), `to ${targetInstance}`);
    }
    case "backup": {
      const { storageName } = body as BackupActionRequest;
      const cluster = await readCluster(caller.kube, namespace, name);
      const storage = backupStorage(cluster, storageName);
      if (!storage.ok) return storage;
      const busy = await backupInProgress(caller.kube, namespace, name);
      if (busy) return { ok: false, error: busy };
      const created = await createResource(
        caller.kube,
        BACKUPS,
        namespace,
        newBackup(cluster, storage.storageName),
        options,
      );
      return { ok: true, status: 201, object: created, detail: `to ${storage.storageName}` };
    }
    case "restore": {
      const { backupName, target } =
        kind.plural === "mysqlbackups"
          ? { backupName: name, target: (body as BackupRestoreActionRequest).target }
          : {
              backupName: (body as ClusterRestoreActionRequest).backupName,
              target: { clusterName: name },
            };
      const backup = await readBackupNamed(caller.kube, namespace, backupName, kind.plural);
      if (!backup.ok) return backup;
      const problem = await restorePreconditions(caller.kube, namespace, backup.backup, target);
      if (problem) return { ok: false, error: problem };
      const created = await createResource(
        caller.kube,
        RESTORES,
        namespace,
        newRestore(backup.backup, target),
        options,
      );
      return { ok: true, status: 201, object: created, detail: `from MySQLBackup ${backupName}` };
    }
  }
}

/** `POST .../{name}/actions/{action}` → 200 the changed object, or 201 the created run. */
export async function actionHandler(
  caller: Caller,
  request: Request,
  params: Params,
): Promise<Response> {
  const found = kindOrNotFound(params.plural);
  if (!found.ok) return found.response;
  const kind = found.kind;
  const action = (kind.actions as readonly string[]).find((a) => a === params.action) as
    ActionName | undefined;
  if (!action) {
    const known = kind.actions.join(", ");
    const message = `${kind.kind} has no action "${params.action}"; its actions: ${known}.`;
    return errorResponse(apiError(404, "NotFound", message));
  }
  const entry: Entry = { verb: action, kind, namespace: params.namespace, name: params.name };
  const pathSchema = z.object({
    namespace: NamespaceSchema,
    name: OBJECT_NAME_SCHEMAS[kind.plural],
  });
  const path = validate(pathSchema, params, "Invalid path.");
  if (!path.ok) return refuse(caller, entry, path.error);
  const query = validate(DryRunQuerySchema, queryOf(request), "Invalid query.");
  if (!query.ok) return refuse(caller, entry, query.error);
  const dryRun = query.value.dryRun;
  entry.dryRun = !!dryRun;
  const json = await readActionBody(request);
  if (!json.ok) return refuse(caller, entry, json.error);
  const body = validate(
    actionRequestSchema(kind.plural, action),
    json.value,
    `Invalid ${action} request.`,
  );
  if (!body.ok) return refuse(caller, entry, body.error);
  const { namespace, name } = path.value;
  let uid: string | undefined;
  try {
    uid = uidOf(await getRawResource(caller.kube, kind, namespace, name));
    const outcome = await run(caller, kind, action, namespace, name, body.value, { dryRun });
    if (!outcome.ok) return refuse(caller, { ...entry, uid }, outcome.error);
    const headers: Record<string, string> = {};
    if (outcome.status === 201 && !dryRun) {
      const created = outcome.object as { kind?: string; metadata?: { name?: string } };
      const plural = created.kind === BACKUPS.kind ? BACKUPS.plural : RESTORES.plural;
      headers.Location = `/api/v1/namespaces/${namespace}/${plural}/${created.metadata?.name ?? ""}`;
    }
    const detail = outcome.detail;
    return succeed(caller, { ...entry, uid, detail }, outcome.object, outcome.status, headers);
  } catch (err) {
    return refuseCaught(caller, { ...entry, uid }, err);
  }
}
