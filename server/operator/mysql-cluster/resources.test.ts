import type { V1Container } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import {
  CONFIG_HASH_ANNOTATION,
  appliedObjects,
  configMap,
  credentialsSecret,
  headlessService,
  ownerReference,
  primaryService,
  replicasService,
  statefulSet,
} from "./resources";
import { aCluster } from "./test-fixtures";

const cluster = aCluster({ replicas: 3 });

function serverContainer(sts = statefulSet(cluster)): V1Container {
  const container = sts.spec?.template.spec?.containers[0];
  if (!container) throw new Error("no container");
  return container;
}

describe("owner references", () => {
  it("make the cluster the controlling owner that blocks deletion", () => {
    expect(ownerReference(cluster)).toEqual({
      apiVersion: "mysql.pilothouse.dev/v1alpha1",
      kind: "MySQLCluster",
      name: "orders",
      uid: "5f1c0a8e-0000-4000-8000-000000000001",
      controller: true,
      blockOwnerDeletion: true,
    });
  });

  it("are on every owned object, which all live in the cluster's namespace", () => {
    const passwords = { root: "pw", replication: "rpw" };
    const objects = [credentialsSecret(cluster, passwords), ...appliedObjects(cluster)];
    expect(objects.map((object) => `${object.kind}/${object.metadata?.name}`)).toEqual([
      "Secret/orders-credentials",
      "ConfigMap/orders-config",
      "Service/orders-headless",
      "Service/orders-primary",
      "Service/orders-replicas",
      "StatefulSet/orders",
    ]);
    for (const object of objects) {
      expect(object.metadata?.namespace).toBe("shop");
      expect(object.metadata?.ownerReferences).toEqual([ownerReference(cluster)]);
    }
  });

  it("cannot be built for a cluster that was never stored (no uid)", () => {
    const unsaved = aCluster({}, { uid: undefined });
    expect(() => statefulSet(unsaved)).toThrow(/has no uid/);
  });
});

describe("StatefulSet", () => {
  it("runs spec.replicas servers, and none while stopped", () => {
    expect(statefulSet(aCluster({ replicas: 5 })).spec?.replicas).toBe(5);
    expect(statefulSet(aCluster({ replicas: 5, stopped: true })).spec?.replicas).toBe(0);
  });

  it("selects its pods by labels the pod template carries", () => {
    const sts = statefulSet(cluster);
    const selector = sts.spec?.selector.matchLabels ?? {};
    expect(selector).toEqual({
      "app.kubernetes.io/name": "mysql",
      "app.kubernetes.io/instance": "orders",
    });
    expect(sts.spec?.template.metadata?.labels).toMatchObject(selector);
    expect(sts.spec?.template.metadata?.labels?.["app.kubernetes.io/managed-by"]).toBe(
      "pilothouse-operator",
    );
    expect(sts.spec?.serviceName).toBe("orders-headless");
  });

  it("uses the engine's image at the requested version and its password variable", () => {
    const mysql = serverContainer();
    expect(mysql.image).toBe("mysql:8.4");
    expect(mysql.env?.[0]).toEqual({
      name: "MYSQL_ROOT_PASSWORD",
      valueFrom: { secretKeyRef: { name: "orders-credentials", key: "root-password" } },
    });
    const mariadb = serverContainer(
      statefulSet(aCluster({ engine: "mariadb", version: "11.4.3" })),
    );
    expect(mariadb.image).toBe("mariadb:11.4.3");
    expect(mariadb.env?.[0]?.name).toBe("MARIADB_ROOT_PASSWORD");
  });

  it("claims a volume of spec.storage.size per server, in the given class or the default", () => {
    const [claim] =
      statefulSet(aCluster({ storage: { size: "20Gi", storageClassName: "fast" } })).spec
        ?.volumeClaimTemplates ?? [];
    expect(claim?.spec?.resources?.requests).toEqual({ storage: "20Gi" });
    expect(claim?.spec?.storageClassName).toBe("fast");
    const [defaultClaim] = statefulSet(cluster).spec?.volumeClaimTemplates ?? [];
    expect(defaultClaim?.spec && "storageClassName" in defaultClaim.spec).toBe(false);
    expect(serverContainer().volumeMounts).toContainEqual({
      name: "data",
      mountPath: "/var/lib/mysql",
    });
  });

  it("keeps volumes when scaled down or deleted (stopping never deletes data)", () => {
    expect(statefulSet(cluster).spec?.persistentVolumeClaimRetentionPolicy).toEqual({
      whenDeleted: "Retain",
      whenScaled: "Retain",
    });
  });

  it("rolls the pods when my.cnf changes, and only then", () => {
    const hash = (engine: "mysql" | "mariadb", replicas = 3) =>
      statefulSet(aCluster({ engine, replicas, version: engine === "mysql" ? "8.4" : "11.4" })).spec
        ?.template.metadata?.annotations?.[CONFIG_HASH_ANNOTATION];
    expect(hash("mysql")).toMatch(/^[0-9a-f]{16}$/);
    expect(hash("mysql")).toBe(hash("mysql", 5));
    expect(hash("mysql")).not.toBe(hash("mariadb"));
  });
});

describe("Services", () => {
  it("headless: no cluster IP, every server, published before it is ready", () => {
    const spec = headlessService(cluster).spec;
    expect(spec?.clusterIP).toBe("None");
    expect(spec?.publishNotReadyAddresses).toBe(true);
    expect(spec?.selector).toEqual({
      "app.kubernetes.io/name": "mysql",
      "app.kubernetes.io/instance": "orders",
    });
  });

  it("primary and replicas: select pods by the role label the operator moves", () => {
    expect(primaryService(cluster).spec?.selector).toEqual({
      "app.kubernetes.io/name": "mysql",
      "app.kubernetes.io/instance": "orders",
      "pilothouse.dev/role": "primary",
    });
    expect(replicasService(cluster).metadata?.name).toBe("orders-replicas");
    expect(replicasService(cluster).spec?.selector).toEqual({
      "app.kubernetes.io/name": "mysql",
      "app.kubernetes.io/instance": "orders",
      "pilothouse.dev/role": "replica",
    });
    for (const service of [primaryService(cluster), replicasService(cluster)]) {
      expect(service.spec?.type).toBe("ClusterIP");
      expect(service.spec?.ports).toEqual([{ name: "mysql", port: 3306, targetPort: "mysql" }]);
    }
  });
});

describe("ConfigMap and Secret", () => {
  it("my.cnf turns on GTIDs for MySQL and the binary log for both engines", () => {
    const mysql = configMap(cluster).data?.["pilothouse.cnf"] ?? "";
    expect(mysql).toContain("gtid_mode = ON");
    expect(mysql).toContain("log_bin = mysql-bin");
    const mariadb =
      configMap(aCluster({ engine: "mariadb", version: "11.4" })).data?.["pilothouse.cnf"] ?? "";
    expect(mariadb).not.toContain("gtid_mode");
    expect(mariadb).toContain("log_bin = mariadb-bin");
    expect(mariadb.startsWith("[mysqld]\n")).toBe(true);
  });

  it("the Secret holds exactly the passwords it was given", () => {
    expect(credentialsSecret(cluster, { root: "s3cret", replication: "r3pl" }).stringData).toEqual({
      "root-password": "s3cret",
      "replication-password": "r3pl",
    });
  });
});
