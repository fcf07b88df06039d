/**
 * The MySQLCluster deletionPolicy finalizer against the real control plane (kube-apiserver,
 * controller-manager with its garbage collector and the hostPath provisioner, KWOK nodes), with
 * the operator process as shipped (its own ServiceAccount, a test shard, database checks off: no
 * server runs behind KWOK pods).
 *
 * Needs the local platform: `./pilothouse up`, then `source "$(./pilothouse env)"`.
 */
import { randomBytes } from "node:crypto";
import type { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "./support/eventually";
import {
  installOperatorManifests,
  kubeConfigFrom,
  platformKubeconfigs,
} from "./support/kube-admin";
import { conditionOf } from "./support/mysql-cluster-api";
import { UNUSABLE_STORAGE, lifecycleFixtures } from "./support/mysql-cluster-lifecycle";
import { OperatorProcess } from "./support/operator-process";

const suffix = randomBytes(3).toString("hex");
const namespace = `mysqlc-life-${suffix}`;
const shard = `it-life-${suffix}`;

let admin: KubeConfig;
let operator: OperatorProcess | undefined;
let f: ReturnType<typeof lifecycleFixtures>;

beforeAll(async () => {
  const kubeconfigs = platformKubeconfigs();
  admin = kubeConfigFrom(kubeconfigs.admin);
  f = lifecycleFixtures(admin, namespace, shard, () => operator?.assertRunning());
  await installOperatorManifests(admin);
  await f.api.core.createNamespace({ body: { metadata: { name: namespace } } });
  operator = await OperatorProcess.start(kubeconfigs.operator, shard, {
    env: { PILOTHOUSE_OPERATOR_DATABASE_CHECKS: "disabled" },
  });
});

afterAll(async () => {
  await operator?.stop();
  if (admin) await OperatorProcess.removeLease(admin, shard);
  await f?.releaseAll();
  await f?.api.core.deleteNamespace({ name: namespace }).catch(() => undefined);
});

describe("MySQLCluster deletionPolicy", () => {
  it("Retain (the default): the cluster goes, its volumes and Secret stay for a new cluster", async () => {
    await f.runningCluster("kept", {});
    await f.deleteCluster("kept");
    await f.gone("kept");
    await f.podCount("kept", 0);
    expect((await f.volumeClaims("kept")).map((c) => c.name).sort()).toEqual([
      "data-kept-0",
      "data-kept-1",
    ]);
    const secret = await f.api.core.readNamespacedSecret({ namespace, name: "kept-credentials" });
    expect(secret.metadata?.ownerReferences ?? []).toEqual([]);
    expect((await f.event("kept", "DataRetained")).type).toBe("Normal");
    // A new cluster of the same name runs on the same volumes and password.
    await f.runningCluster("kept", {});
    const again = await f.api.core.readNamespacedSecret({ namespace, name: "kept-credentials" });
    expect(again.data?.["root-password"]).toBe(secret.data?.["root-password"]);
  });

  it("Delete: the servers stop, then the volumes and the Secret are deleted", async () => {
    await f.runningCluster("dropped", { deletionPolicy: "Delete" });
    await f.deleteCluster("dropped");
    await f.gone("dropped");
    await eventually(
      "the volume claims to be deleted",
      async () => ((await f.volumeClaims("dropped")).length === 0 ? true : undefined),
      { check: () => operator?.assertRunning() },
    );
    expect(await f.secretExists("dropped")).toBe(false);
    expect((await f.event("dropped", "DataDeleted")).message).toContain("data-dropped-0");
  });

  it("BackupThenDelete: a failing final backup blocks the deletion and says why; Retain lets it go", async () => {
    // The storage's credentials Secret does not exist, so the final backup fails.
    const cluster = await f.runningCluster("blocked", {
      deletionPolicy: "BackupThenDelete",
      backup: { storages: [UNUSABLE_STORAGE] },
    });
    await f.deleteCluster("blocked");
    const finalBackup = `blocked-final-${(cluster.metadata.uid ?? "").slice(0, 8)}`;
    const blocked = await eventually(
      "the deletion to report the failed final backup",
      async () => {
        const current = await f.api.read("blocked");
        const reason = conditionOf(current, "Deleting")?.reason;
        return reason === "FinalBackupFailed" ? current : undefined;
      },
      { check: () => operator?.assertRunning() },
    );
    expect(blocked.status?.phase).toBe("Deleting");
    const deleting = conditionOf(blocked, "Deleting");
    expect(deleting?.status).toBe("False");
    expect(deleting?.message).toContain(
      `final MySQLBackup ${finalBackup} failed (CredentialsNotFound`,
    );
    expect(deleting?.message).toContain("set it to Retain");
    expect((await f.event("blocked", "FinalBackupFailed")).type).toBe("Warning");
    expect(await f.volumeClaims("blocked")).toHaveLength(2);
    // Nothing was deleted while blocked; switching to Retain finishes the deletion.
    await f.api.patchSpec("blocked", { deletionPolicy: "Retain" });
    await f.gone("blocked");
    expect(await f.volumeClaims("blocked")).toHaveLength(2);
    expect(await f.secretExists("blocked")).toBe(true);
  });

  it("BackupThenDelete: waits for the final backup, deletes the data once it succeeded, keeps the backup", async () => {
    const cluster = await f.runningCluster("archived", {
      deletionPolicy: "BackupThenDelete",
      backup: { storages: [UNUSABLE_STORAGE] },
    });
    // KWOK runs no backup container: the test holds the run (the operator adopts the backup of
    // that name) and records it as a verified run ends.
    const finalBackup = `archived-final-${(cluster.metadata.uid ?? "").slice(0, 8)}`;
    await f.heldBackup(finalBackup, "archived");
    await f.deleteCluster("archived");
    await eventually(
      "the deletion to wait for the final backup",
      async () => {
        const deleting = conditionOf(await f.api.read("archived"), "Deleting");
        return deleting?.reason === "WaitingForFinalBackup" ? deleting : undefined;
      },
      { check: () => operator?.assertRunning() },
    );
    expect(await f.volumeClaims("archived")).toHaveLength(2);
    await f.recordBackup(finalBackup, "archived", "Succeeded");
    await f.releaseBackup(finalBackup);
    await f.gone("archived");
    await eventually(
      "the volume claims to be deleted",
      async () => ((await f.volumeClaims("archived")).length === 0 ? true : undefined),
      { check: () => operator?.assertRunning() },
    );
    expect(await f.secretExists("archived")).toBe(false);
    const backup = (await f.custom.getNamespacedCustomObject({
      ...f.crd("mysqlbackups"),
      name: finalBackup,
    })) as { status?: { phase?: string } };
    expect(backup.status?.phase).toBe("Succeeded");
  });
});
