import { describe, expect, it } from "vitest";
import { backupJobName } from "./names";
import { backupCommand, backupJob } from "./resources";
import { aBackup, aCluster } from "./test-fixtures";

const options = {
  image: "registry.example/pilothouse:1.0",
  workingDir: "/app",
  activeDeadlineSeconds: 3600,
};
const cluster = aCluster();
const storage = cluster.spec.backup?.storages[0];
if (!storage) throw new Error("fixture has no storage");
const job = backupJob(aBackup(), cluster, storage, options);
const container = job.spec?.template.spec?.containers[0];
const env = Object.fromEntries((container?.env ?? []).map((v) => [v.name, v]));

describe("backupJob", () => {
  it("runs the backup command of the operator's image once, within a deadline", () => {
    expect(container?.image).toBe("registry.example/pilothouse:1.0");
    expect(container?.workingDir).toBe("/app");
    expect(container?.command).toEqual([
      "node",
      "--conditions=react-server",
      "--import",
      "tsx",
      "server/backup/cli.ts",
      "backup",
      "--name",
      "shop/orders/orders-manual",
    ]);
    expect(job.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 3600 });
    expect(job.spec?.template.spec).toMatchObject({
      restartPolicy: "Never",
      automountServiceAccountToken: false,
    });
    expect(container?.terminationMessagePolicy).toBe("File");
  });

  it("is owned by its MySQLBackup and labelled for the Job informer", () => {
    expect(job.metadata?.name).toBe("orders-manual-backup");
    expect(job.metadata?.ownerReferences).toEqual([
      {
        apiVersion: "mysql.pilothouse.dev/v1alpha1",
        kind: "MySQLBackup",
        name: "orders-manual",
        uid: "b-uid",
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(job.metadata?.labels).toMatchObject({
      "app.kubernetes.io/name": "mysql-backup",
      "app.kubernetes.io/managed-by": "pilothouse-operator",
      "mysql.pilothouse.dev/backup": "orders-manual",
    });
  });

  it("reaches the primary Service and takes every secret from secretKeyRef", () => {
    expect(env.PILOTHOUSE_BACKUP_ENGINE?.value).toBe("mariadb");
    expect(env.PILOTHOUSE_BACKUP_DB_HOST?.value).toBe("orders-primary.shop.svc");
    expect(env.PILOTHOUSE_BACKUP_DB_PASSWORD?.valueFrom?.secretKeyRef).toEqual({
      name: "orders-credentials",
      key: "root-password",
    });
    expect(env.PILOTHOUSE_BACKUP_S3_ACCESS_KEY_ID?.valueFrom?.secretKeyRef).toEqual({
      name: "s3-keys",
      key: "accessKeyId",
    });
    expect(env.PILOTHOUSE_BACKUP_S3_SECRET_ACCESS_KEY?.valueFrom?.secretKeyRef).toEqual({
      name: "s3-keys",
      key: "secretAccessKey",
    });
    expect(JSON.parse(env.PILOTHOUSE_BACKUP_STORAGE?.value ?? "")).toEqual({
      endpoint: "http://s3.example:7070",
      region: "us-east-1",
      bucket: "backups",
      prefix: "prod",
      forcePathStyle: true,
    });
    const values = JSON.stringify(job);
    expect(values).not.toContain("SK");
  });

  it("inlines the CA bundle (public certificates) in the storage JSON", () => {
    const withCa = backupJob(aBackup(), cluster, storage, options, "-----BEGIN CERTIFICATE-----");
    const storageEnv = withCa.spec?.template.spec?.containers[0]?.env?.find(
      (v) => v.name === "PILOTHOUSE_BACKUP_STORAGE",
    );
    expect(JSON.parse(storageEnv?.value ?? "")).toMatchObject({
      caBundle: "-----BEGIN CERTIFICATE-----",
    });
  });

  it("refuses a backup that was not read from the apiserver", () => {
    const unsaved = aBackup({ metadata: { name: "x", namespace: "shop" } });
    expect(() => backupJob(unsaved, cluster, storage, options)).toThrow(/has no uid/);
  });
});

describe("backupJobName", () => {
  it("keeps short names readable and long ones unique within 63 characters", () => {
    expect(backupJobName("orders-nightly-202601010200")).toBe("orders-nightly-202601010200-backup");
    const long = `${"a".repeat(50)}-nightly-202601010200`;
    const other = `${"a".repeat(50)}-nightly-202601010300`;
    expect(backupJobName(long).length).toBeLessThanOrEqual(63);
    expect(backupJobName(long)).not.toBe(backupJobName(other));
    expect(backupJobName(long)).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });

  it("names the object in storage by namespace, cluster and backup", () => {
    expect(backupCommand("shop/orders/b").slice(-2)).toEqual(["--name", "shop/orders/b"]);
  });
});
