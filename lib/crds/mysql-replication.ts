/**
 * The replication part of a MySQLCluster: `spec.failover`, and the status the operator reports
 * about its servers (`status.instances`, `status.primary`, `status.primaryGtid`,
 * `status.lastFailover`, `status.lastSwitchover`), plus the label and annotation that carry the
 * topology and switchover requests. Referenced from ./mysql-cluster.ts, which stays the one
 * schema of the kind; the CRD YAML is generated from both.
 *
 * @see https://dev.mysql.com/doc/refman/8.4/en/replication-gtids.html
 */
import { z } from "zod";

/**
 * Label the operator sets on each server pod: `primary` on the pod that accepts writes,
 * `replica` on pods that replicate from it; absent on pods that do neither (unreachable,
 * broken, fenced). The `<cluster>-primary` and `<cluster>-replicas` Services select on it, so
 * they follow failovers and switchovers.
 */
export const ROLE_LABEL = "pilothouse.dev/role";

/**
 * Annotation that asks for a switchover: its value is the pod name of the replica to promote,
 * e.g. `orders-1`. The operator removes it once handled and reports the outcome in
 * `status.lastSwitchover` and an Event.
 */
export const SWITCHOVER_ANNOTATION = "pilothouse.dev/switchover-to";

/** Condition types of a MySQLCluster beyond the common ones. */
export const ReplicationConditionType = {
  /** True when every server replicates from the primary without errors. */
  ReplicationHealthy: "ReplicationHealthy",
} as const;

/** `spec.failover`: automatic promotion of a replica when the primary is lost. */
export const FailoverSpecSchema = z
  .object({
    enabled: z
      .boolean()
      .default(true)
      .describe("Promote a replica automatically when the primary is unreachable."),
    unreachableSeconds: z
      .int("must be a whole number")
      .min(5, "must be at least 5")
      .max(3600, "must be at most 3600")
      .default(30)
      .describe("Seconds the primary must be unreachable before a replica is promoted."),
  })
  .describe("Automatic failover.");
export type FailoverSpec = z.infer<typeof FailoverSpecSchema>;

/** An instance's role as the operator last saw it. */
export const InstanceRoleSchema = z.enum(["primary", "replica", "unknown"]);
export type InstanceRole = z.infer<typeof InstanceRoleSchema>;

const time = () => z.iso.datetime({ offset: true });

/** One server of the cluster, as the operator last probed it. */
export const MySQLInstanceStatusSchema = z.object({
  name: z.string().describe("Pod name."),
  role: InstanceRoleSchema.describe(
    "primary, replica (replicates from the primary without errors), or unknown.",
  ),
  ready: z.boolean().describe("The pod is Ready."),
  reachable: z.boolean().describe("The operator could connect to the server."),
  readOnly: z.boolean().optional().describe("The server refuses client writes."),
  replicationLagSeconds: z
    .int()
    .min(0)
    .optional()
    .describe("Seconds behind the primary; unset when not replicating."),
  gtidExecuted: z.string().optional().describe("GTID set the server has executed."),
  errantTransactions: z
    .string()
    .optional()
    .describe(
      "Transactions the server has that the primary has not: it is kept read-only and out of the topology until rebuilt.",
    ),
  lastError: z.string().max(2048).optional().describe("The last connection or replication error."),
  unreachableSince: time().optional().describe("When the server was first seen unreachable."),
});
export type MySQLInstanceStatus = z.infer<typeof MySQLInstanceStatusSchema>;

/** `status.instances`: a list keyed by pod name. */
export const MySQLInstanceStatusListSchema = z
  .array(MySQLInstanceStatusSchema)
  .meta({ "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"] });

/** `status.lastFailover`: the last automatic promotion. */
export const LastFailoverSchema = z.object({
  from: z.string().describe("The primary that was lost."),
  to: z.string().describe("The replica promoted in its place."),
  at: time().describe("When the new primary accepted writes."),
  reason: z.string().max(2048).describe("Why the failover happened."),
});
export type LastFailover = z.infer<typeof LastFailoverSchema>;

/** `status.lastSwitchover`: the outcome of the last switchover request. */
export const LastSwitchoverSchema = z.object({
  from: z.string().optional().describe("The primary when the request was handled."),
  to: z.string().describe("The requested new primary."),
  at: time().describe("When the request was handled."),
  outcome: z.enum(["Succeeded", "Refused", "Failed"]),
  message: z.string().max(2048).describe("What happened, or why it was refused."),
});
export type LastSwitchover = z.infer<typeof LastSwitchoverSchema>;
