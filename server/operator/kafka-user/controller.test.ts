import type { V1Secret } from "@kubernetes/client-node";
import { pino } from "pino";
import { describe, expect, it, vi } from "vitest";
import { KAFKA_USER_FINALIZER, type KafkaUserStatus } from "@/lib/crds/kafka-user";
import { aclBindings, type KafkaEndpoint, type SetAclsResult, type setAcls } from "@/server/kafka";
import type { KafkaObjectApi, RawObject } from "../kafka-common/api";
import type { KafkaEvent } from "../kafka-common/events";
import { MissingClusterWaiters } from "../kafka-common/cluster-waiters";
import { USER_RESYNC_MS, USER_RETRY_MS, kafkaUserReconciler } from "./controller";

const endpoint: KafkaEndpoint = { brokers: ["127.0.0.1:9093"] };

function aUser(extra: { deleting?: boolean } = {}) {
  return {
    apiVersion: "kafka.pilothouse.dev/v1alpha1",
    kind: "KafkaUser",
    metadata: {
      name: "billing",
      namespace: "shop",
      uid: "u-1",
      generation: 1,
      finalizers: [KAFKA_USER_FINALIZER],
      ...(extra.deleting ? { deletionTimestamp: "2026-11-30T00:00:00Z" } : {}),
    },
    spec: {
      clusterName: "events",
      acls: [{ resource: { type: "topic", name: "orders" }, operations: ["Read", "Describe"] }],
    },
  };
}

function setUp(
  object: RawObject,
  options: {
    loginWorks?: boolean;
    unreachable?: boolean;
    clusterExists?: boolean;
    databaseChecks?: boolean;
  } = {},
) {
  const clusterWaiters = new MissingClusterWaiters();
  const secrets = new Map<string, V1Secret>();
  const written: RawObject[] = [];
  const finalizers: string[][] = [];
  const events: KafkaEvent[] = [];
  const api: KafkaObjectApi = {
    recordEvent: (_, event) => Promise.resolve(void events.push(event)),
    get: () => Promise.resolve(object),
    replaceStatus: (next) => Promise.resolve(void written.push(next)),
    setFinalizers: (_, next) => Promise.resolve(void finalizers.push(next)),
    readSecret: (_, name) => Promise.resolve(secrets.get(name)),
    createSecret: (secret) => {
      const password = secret.stringData?.password ?? "";
      secrets.set(secret.metadata?.name ?? "", {
        ...secret,
        data: { password: Buffer.from(password).toString("base64") },
      });
      return Promise.resolve("created");
    },
  };
  const fail = () => Promise.reject<SetAclsResult>(new Error("Connection timeout"));
  const actions = {
    aclBindings,
    setAcls: vi.fn<typeof setAcls>(() =>
      options.unreachable
        ? fail()
        : Promise.resolve<SetAclsResult>({ created: 2, deleted: 0, total: 2 }),
    ),
    upsertScramUser: vi.fn(() => Promise.resolve()),
    deleteScramUser: vi.fn(() => Promise.resolve()),
    scramLoginWorks: vi.fn(() => Promise.resolve(options.loginWorks ?? false)),
  };
  const reconcile = kafkaUserReconciler({
    api,
    resolveEndpoint: () => Promise.resolve(endpoint),
    actions,
    readCluster: (namespace, name) =>
      Promise.resolve(
        options.clusterExists === false ? undefined : { metadata: { namespace, name } },
      ),
    clusterWaiters,
    databaseChecks: options.databaseChecks,
    logger: pino({ level: "silent" }),
    shard: undefined,
    now: () => new Date("2026-11-30T00:00:00Z"),
  });
  return { reconcile, secrets, written, finalizers, actions, events, clusterWaiters };
}

describe("kafkaUserReconciler", () => {
  it("creates the Secret, writes the credential and the ACLs, and reports Ready", async () => {
    const { reconcile, secrets, written, actions } = setUp(aUser());
    expect(await reconcile("shop/billing")).toEqual({ requeueAfterMs: USER_RESYNC_MS });
    const secret = secrets.get("billing-kafka-user");
    expect(secret?.metadata?.ownerReferences?.[0]).toMatchObject({ kind: "KafkaUser", uid: "u-1" });
    const password = secret?.stringData?.password ?? "";
    expect(password).toHaveLength(43);
    expect(actions.upsertScramUser).toHaveBeenCalledWith(endpoint, "billing", password);
    expect(actions.setAcls.mock.calls[0]?.[2]).toHaveLength(2);
    expect(written[0]?.status as KafkaUserStatus).toMatchObject({
      phase: "Ready",
      observedGeneration: 1,
      secretName: "billing-kafka-user",
      acls: 2,
    });
  });

  it("does not rewrite a credential that still logs in", async () => {
    const { reconcile, actions } = setUp(aUser(), { loginWorks: true });
    await reconcile("shop/billing");
    expect(actions.upsertScramUser).not.toHaveBeenCalled();
  });

  it("reports an unreachable cluster and retries", async () => {
    const { reconcile, written, events } = setUp(aUser(), { unreachable: true });
    expect(await reconcile("shop/billing")).toEqual({ requeueAfterMs: USER_RETRY_MS });
    expect((written[0]?.status as KafkaUserStatus).conditions?.[0]).toMatchObject({
      status: "False",
      reason: "ClusterUnreachable",
    });
    expect(events).toEqual([
      { type: "Warning", reason: "ClusterUnreachable", message: "Connection timeout" },
    ]);
  });

  it("removes ACLs and the credential before releasing the finalizer", async () => {
    const { reconcile, finalizers, actions } = setUp(aUser({ deleting: true }));
    await reconcile("shop/billing");
    expect(actions.setAcls).toHaveBeenCalledWith(endpoint, "User:billing", []);
    expect(actions.deleteScramUser).toHaveBeenCalledWith(endpoint, "billing");
    expect(finalizers).toEqual([[]]);
  });

  it("names a KafkaCluster that does not exist and waits for it", async () => {
    const { reconcile, written, secrets, actions, clusterWaiters } = setUp(aUser(), {
      clusterExists: false,
    });
    expect(await reconcile("shop/billing")).toBeUndefined();
    expect(actions.setAcls).not.toHaveBeenCalled();
    expect(secrets.size).toBe(0);
    const condition = (written[0]?.status as KafkaUserStatus).conditions?.[0];
    expect(condition).toMatchObject({ status: "False", reason: "ClusterNotFound" });
    expect(condition?.message).toMatch(/^KafkaCluster shop\/events does not exist/);
    expect(clusterWaiters.take("shop/events")).toEqual(["shop/billing"]);
  });

  it("says the user is not applied when database checks are disabled, never Ready", async () => {
    const { reconcile, written, actions } = setUp(aUser(), { databaseChecks: false });
    await reconcile("shop/billing");
    expect(actions.upsertScramUser).not.toHaveBeenCalled();
    expect(actions.setAcls).not.toHaveBeenCalled();
    const status = written[0]?.status as KafkaUserStatus;
    expect(status.phase).toBe("Pending");
    expect(status.conditions?.[0]).toMatchObject({
      type: "Ready",
      status: "Unknown",
      reason: "DatabaseChecksDisabled",
    });
    expect(status.conditions?.[0]?.message).toMatch(
      /^User billing not applied: the operator runs without service checks/,
    );
  });
});
