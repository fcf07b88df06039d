import "server-only";
import { randomBytes } from "node:crypto";
import type { V1Secret } from "@kubernetes/client-node";
import { KAFKA_API_VERSION } from "@/lib/crds/kafka-common";
import { KafkaUserNames, kafkaUserSecretName, type KafkaUser } from "@/lib/crds/kafka-user";

/** A new SCRAM password: 32 random bytes, base64url (43 characters). */
export function generatePassword(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * The Secret with a KafkaUser's credentials, owned by the KafkaUser (so it goes with it): keys
 * `username`, `password` and `sasl.jaas.config` (ready for Java clients). Created once; the
 * password is never rewritten.
 *
 * @see https://kafka.apache.org/documentation/#security_sasl_scram_clientconfig
 */
export function userSecret(user: KafkaUser, password: string): V1Secret {
  const username = user.metadata.name;
  const jaas = `org.apache.kafka.common.security.scram.ScramLoginModule required username="${username}" password="${password}";`;
  return {
    apiVersion: "v1",
    kind: "Secret",
    type: "Opaque",
    metadata: {
      name: kafkaUserSecretName(username),
      namespace: user.metadata.namespace,
      labels: {
        "app.kubernetes.io/managed-by": "pilothouse-operator",
        "app.kubernetes.io/part-of": "pilothouse",
        "kafka.pilothouse.dev/cluster": user.spec.clusterName,
      },
      ownerReferences: [
        {
          apiVersion: KAFKA_API_VERSION,
          kind: KafkaUserNames.kind,
          name: username,
          uid: user.metadata.uid ?? "",
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    stringData: { username, password, "sasl.jaas.config": jaas },
  };
}

/** The password stored in a user Secret, or undefined. */
export function secretPassword(secret: V1Secret | undefined): string | undefined {
  const encoded = secret?.data?.password;
  return encoded === undefined ? undefined : Buffer.from(encoded, "base64").toString("utf8");
}
