import "server-only";

/**
 * The Kafka Admin API actions of the Kafka operator: topics, SCRAM users, ACLs and health. Every
 * action takes a {@link KafkaEndpoint} (bootstrap addresses and admin credentials) that the
 * operator resolved from the cluster — the one seam tests bind to a local broker — and opens its
 * own short-lived connection.
 */
export {
  kafkaClient,
  tlsConnectionOptions,
  withAdmin,
  type KafkaEndpoint,
  type KafkaTlsTrust,
  type ResolveKafkaEndpoint,
} from "./connection";
export {
  deleteTopic,
  ensureTopic,
  isKafkaError,
  type EnsureTopicResult,
  type TopicSpec,
} from "./topics";
export { aclBindings, setAcls, type AclRuleSpec, type SetAclsResult } from "./acls";
export { deleteScramUser, scramLoginWorks, upsertScramUser, SCRAM_ITERATIONS } from "./scram";
export { SaslAuthenticationError } from "./scram-auth";
export { clusterHealth, type ClusterHealth, type GroupLag, type TopicLag } from "./health";
