import "server-only";
import kafkajs, { type AclEntry } from "kafkajs";
import { withAdmin, type KafkaEndpoint } from "./connection";

// kafkajs is CommonJS; Node's ESM loader cannot see its enum exports as named imports.
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;

/** One allow rule as the KafkaUser spec writes it. */
export interface AclRuleSpec {
  resource: {
    type: "topic" | "group" | "cluster" | "transactionalId";
    name: string;
    patternType: "literal" | "prefixed";
  };
  operations: readonly string[];
  host: string;
}

const RESOURCE_TYPES = {
  topic: AclResourceTypes.TOPIC,
  group: AclResourceTypes.GROUP,
  cluster: AclResourceTypes.CLUSTER,
  transactionalId: AclResourceTypes.TRANSACTIONAL_ID,
} as const;

const OPERATIONS: Record<string, AclEntry["operation"]> = {
  All: AclOperationTypes.ALL,
  Read: AclOperationTypes.READ,
  Write: AclOperationTypes.WRITE,
  Create: AclOperationTypes.CREATE,
  Delete: AclOperationTypes.DELETE,
  Alter: AclOperationTypes.ALTER,
  Describe: AclOperationTypes.DESCRIBE,
  ClusterAction: AclOperationTypes.CLUSTER_ACTION,
  DescribeConfigs: AclOperationTypes.DESCRIBE_CONFIGS,
  AlterConfigs: AclOperationTypes.ALTER_CONFIGS,
  IdempotentWrite: AclOperationTypes.IDEMPOTENT_WRITE,
};

/** The cluster resource has exactly one name in Kafka. */
const CLUSTER_RESOURCE_NAME = "kafka-cluster";

/**
 * The ACL bindings (one per operation) that `rules` grant to `principal` (`User:<name>`).
 *
 * @throws Error for an operation name Kafka does not know (the CRD enum prevents it).
 */
export function aclBindings(principal: string, rules: readonly AclRuleSpec[]): AclEntry[] {
  return rules.flatMap((rule) =>
    rule.operations.map((operation) => {
      const code = OPERATIONS[operation];
      if (code === undefined) throw new Error(`unknown ACL operation ${operation}`);
      const cluster = rule.resource.type === "cluster";
      return {
        principal,
        host: rule.host,
        operation: code,
        permissionType: AclPermissionTypes.ALLOW,
        resourceType: RESOURCE_TYPES[rule.resource.type],
        resourceName: cluster ? CLUSTER_RESOURCE_NAME : rule.resource.name,
        resourcePatternType:
          cluster || rule.resource.patternType === "literal"
            ? ResourcePatternTypes.LITERAL
            : ResourcePatternTypes.PREFIXED,
      };
    }),
  );
}

function bindingKey(entry: AclEntry): string {
  return [
    entry.resourceType,
    entry.resourcePatternType,
    entry.resourceName,
    entry.host,
    entry.operation,
    entry.permissionType,
  ].join("\u0000");
}

/** What {@link setAcls} changed, in ACL bindings. */
export interface SetAclsResult {
  created: number;
  deleted: number;
  /** Bindings the principal holds after the call. */
  total: number;
}

async function principalBindings(
  admin: Parameters<Parameters<typeof withAdmin>[1]>[0],
  principal: string,
): Promise<AclEntry[]> {
  const { resources } = await admin.describeAcls({
    principal,
    resourceType: AclResourceTypes.ANY,
    resourcePatternType: ResourcePatternTypes.ANY,
    operation: AclOperationTypes.ANY,
    permissionType: AclPermissionTypes.ANY,
  });
  return resources.flatMap(({ acls, ...resource }) => acls.map((acl) => ({ ...resource, ...acl })));
}

/**
 * Makes `principal`'s ACL bindings exactly `desired`: creates the missing ones, deletes the ones
 * not desired (including any added by hand). An empty `desired` removes all of them (a deleted
 * KafkaUser).
 *
 * @see https://kafka.apache.org/documentation/#security_authz_cli
 * @see https://kafka.apache.org/protocol#The_Messages_CreateAcls
 */
export async function setAcls(
  endpoint: KafkaEndpoint,
  principal: string,
  desired: readonly AclEntry[],
): Promise<SetAclsResult> {
  return withAdmin(endpoint, async (admin) => {
    const existing = await principalBindings(admin, principal);
    const existingKeys = new Set(existing.map(bindingKey));
    const desiredKeys = new Set(desired.map(bindingKey));
    const missing = desired.filter((entry) => !existingKeys.has(bindingKey(entry)));
    const extra = existing.filter((entry) => !desiredKeys.has(bindingKey(entry)));
    if (missing.length > 0) await admin.createAcls({ acl: missing });
    if (extra.length > 0) await admin.deleteAcls({ filters: extra });
    return { created: missing.length, deleted: extra.length, total: desiredKeys.size };
  });
}
