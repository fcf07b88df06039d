/**
 * The apiserver refuses lowering a MySQLCluster's server version (the CEL transition rule
 * generated from lib/crds/mysql-cluster.ts), naming spec.version and both versions, and lets
 * upgrades through. No operator is needed: this is the CRD as installed from deploy/crds.
 *
 * Needs the local platform: `./pilothouse up`, then `source "$(./pilothouse env)"`.
 */
import { randomBytes } from "node:crypto";
import { ApiException, type KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { MySQLClusterSpecInput } from "@/lib/crds/mysql-cluster";
import {
  installOperatorManifests,
  kubeConfigFrom,
  platformKubeconfigs,
} from "./support/kube-admin";
import { clusterApi } from "./support/mysql-cluster-api";

const suffix = randomBytes(3).toString("hex");
const namespace = `mysqlc-ver-${suffix}`;
/** No operator serves this shard: the objects stay as written. */
const shard = `it-ver-nobody-${suffix}`;

let admin: KubeConfig;
let api: ReturnType<typeof clusterApi>;

const StatusCausesSchema = z.object({
  details: z.object({ causes: z.array(z.object({ field: z.string(), message: z.string() })) }),
});

/** The apiserver's causes (field → message) for a refused spec patch; undefined if accepted. */
async function refusal(name: string, spec: Partial<MySQLClusterSpecInput>) {
  const error = await api.patchSpec(name, spec).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error === undefined) return undefined;
  expect(error).toBeInstanceOf(ApiException);
  const status = error as ApiException<string>;
  expect(status.code).toBe(422);
  const body = StatusCausesSchema.parse(JSON.parse(status.body));
  return Object.fromEntries(body.details.causes.map((c) => [c.field, c.message]));
}

beforeAll(async () => {
  admin = kubeConfigFrom(platformKubeconfigs().admin);
  api = clusterApi(admin, namespace);
  await installOperatorManifests(admin);
  await api.core.createNamespace({ body: { metadata: { name: namespace } } });
});

afterAll(async () => {
  await api?.core.deleteNamespace({ name: namespace }).catch(() => undefined);
});

describe("MySQLCluster version changes", () => {
  it("refuses a MariaDB downgrade naming spec.version, and allows upgrades", async () => {
    await api.create("maria", shard, {
      engine: "mariadb",
      version: "11.4",
      storage: { size: "1Gi" },
    });
    expect((await refusal("maria", { version: "10.11" }))?.["spec.version"]).toBe(
      "Invalid value: " +
        "spec.version cannot be lowered from 11.4 to 10.11: a server cannot run on data a newer version has written; restore a backup into a new cluster instead",
    );
    expect(await refusal("maria", { version: "11.8" })).toBeUndefined();
    expect((await api.read("maria")).spec.version).toBe("11.8");
    // Unset means the engine's default (11.4): lower than 11.8 as well.
    expect((await refusal("maria", { version: null } as never))?.["spec.version"]).toContain(
      "from 11.8 to 11.4",
    );
    expect(await refusal("maria", { version: "12.0" })).toBeUndefined();
  });

  it("compares patch versions only when both name one", async () => {
    await api.create("my", shard, { engine: "mysql", version: "8.4.3", storage: { size: "1Gi" } });
    expect((await refusal("my", { version: "8.4.2" }))?.["spec.version"]).toContain(
      "from 8.4.3 to 8.4.2",
    );
    expect(await refusal("my", { version: "8.4" })).toBeUndefined();
    expect(await refusal("my", { version: "8.4.5" })).toBeUndefined();
    expect((await api.read("my")).spec.version).toBe("8.4.5");
  });
});
