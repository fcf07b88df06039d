/**
 * For the REST API tests: the demo users (platform/oidc/users.ts) as in-process callers of the
 * route handlers, against the real apiserver through the dashboard's own kubeconfig (which may
 * only impersonate and create Events), and a namespace bound exactly like `demo` by
 * platform/manifests/demo-rbac.yaml.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  CoreV1Api,
  CustomObjectsApi,
  RbacAuthorizationV1Api,
  loadAllYaml,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
  type V1RoleBinding,
} from "@kubernetes/client-node";
import { expect } from "vitest";
import { ApiErrorBodySchema, type ApiErrorBody } from "@/lib/api/errors";
import { kindByPlural } from "@/lib/api/kinds";
import type { UserIdentity } from "@/server/auth/identity";
import type { Caller } from "@/server/api/resource-context";
import { KubeClientFactory } from "@/server/kube/client";
import { eventRecorderFromFile } from "@/server/kube/events";
import { DEMO_USERS } from "@/platform/oidc/users";
import { installOperatorManifests, kubeConfigFrom, REPO_ROOT } from "./kube-admin";

export type DemoUserName = "alice" | "bob" | "carol" | "eve";

/** The demo users' identities; `eve` is signed in but bound to nothing. */
export function identityOf(user: DemoUserName): UserIdentity {
  if (user === "eve") {
    return { username: "eve@pilothouse.dev", email: "eve@pilothouse.dev", name: "Eve", groups: [] };
  }
  const demo = DEMO_USERS.find((u) => u.email.startsWith(`${user}@`));
  if (!demo) throw new Error(`no demo user ${user}`);
  return { username: demo.email, email: demo.email, name: demo.name, groups: [...demo.groups] };
}

/** What the API tests run with. */
export interface ApiTestPlatform {
  admin: KubeConfig;
  caller(user: DemoUserName): Caller;
}

/**
 * Installs the CRDs and RBAC of deploy/ (the dashboard's Events right included), creates
 * `namespace` and binds it like `demo`.
 */
export async function apiTestPlatform(namespace: string): Promise<ApiTestPlatform> {
  const adminPath = process.env.KUBECONFIG;
  const dashboardPath = process.env.PILOTHOUSE_DASHBOARD_KUBECONFIG;
  if (!adminPath || !dashboardPath) {
    throw new Error(
      "Start the platform and source its env.sh (KUBECONFIG, PILOTHOUSE_DASHBOARD_KUBECONFIG)",
    );
  }
  const admin = kubeConfigFrom(adminPath);
  await installOperatorManifests(admin);
  await admin.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
  const text = await readFile(join(REPO_ROOT, "platform/manifests/demo-rbac.yaml"), "utf8");
  const bindings = (loadAllYaml(text) as { kind?: string }[]).filter(
    (o): o is V1RoleBinding => o?.kind === "RoleBinding",
  );
  const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
  for (const binding of bindings) {
    await rbac.createNamespacedRoleBinding({
      namespace,
      body: { ...binding, metadata: { name: binding.metadata?.name, namespace } },
    });
  }
  const factory = await KubeClientFactory.fromFile(dashboardPath);
  const events = eventRecorderFromFile(dashboardPath);
  return {
    admin,
    caller: (user) => ({ user: identityOf(user), kube: factory.forUser(identityOf(user)), events }),
  };
}

/** A request as a browser sends it to a route. */
export function jsonRequest(method: string, path: string, body?: unknown): Request {
  return new Request(`http://localhost${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** The error body of a response, after checking its status and shape. */
export async function expectError(
  response: Response,
  status: number,
): Promise<ApiErrorBody["error"]> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return ApiErrorBodySchema.parse(JSON.parse(text)).error;
}

/** The JSON body of a response, after checking its status. */
export async function expectJson<T = Record<string, unknown>>(
  response: Response,
  status: number,
): Promise<T> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return JSON.parse(text) as T;
}

/** Admin access to objects of one kind in one namespace (setup and checks, not under test). */
export function adminObjects(admin: KubeConfig, plural: string, namespace: string) {
  const kind = kindByPlural(plural);
  if (!kind) throw new Error(`unknown kind ${plural}`);
  const custom = admin.makeApiClient(CustomObjectsApi);
  const resource = { group: kind.group, version: kind.version, plural, namespace };
  return {
    create: (name: string, spec: object, labels: Record<string, string> = {}) =>
      custom.createNamespacedCustomObject({
        ...resource,
        body: { apiVersion: kind.apiVersion, kind: kind.kind, metadata: { name, labels }, spec },
      }) as Promise<{ metadata: { resourceVersion: string } }>,
    get: (name: string) =>
      custom.getNamespacedCustomObject({ ...resource, name }) as Promise<Record<string, unknown>>,
    /** The names of the kind's objects in the namespace. */
    names: async () =>
      (
        (await custom.listNamespacedCustomObject(resource)) as {
          items: { metadata: { name: string } }[];
        }
      ).items.map((o) => o.metadata.name),
    setStatus: (name: string, status: object) =>
      custom.patchNamespacedCustomObjectStatus(
        { ...resource, name, body: [{ op: "add", path: "/status", value: status }] },
        setHeaderOptions("Content-Type", PatchStrategy.JsonPatch),
      ),
  };
}

/** The Events recorded on one object, newest last. */
export async function eventsOn(admin: KubeConfig, namespace: string, name: string) {
  const list = await admin.makeApiClient(CoreV1Api).listNamespacedEvent({
    namespace,
    fieldSelector: `involvedObject.name=${name}`,
  });
  return list.items;
}
