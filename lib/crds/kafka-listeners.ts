/**
 * `spec.listeners` of a KafkaCluster: the internal listener (clients inside Kubernetes, through
 * the bootstrap Service) and an optional external one (a LoadBalancer or NodePort Service), each
 * with TLS and SCRAM-SHA-512 authentication options.
 *
 * @see https://kafka.apache.org/documentation/#listener_configuration
 * @see https://kafka.apache.org/documentation/#security_sasl_scram
 */
import { z } from "zod";

export const ListenerAuthenticationSchema = z.enum(["none", "scram-sha-512"]);

const ListenerSecuritySchema = {
  tls: z
    .boolean()
    .default(false)
    .describe(
      "Encrypt the listener with TLS. The operator creates a cluster CA and the broker certificate; clients trust the CA in the ConfigMap <cluster>-kafka-ca-cert (key ca.crt, also status.tls).",
    ),
  authentication: ListenerAuthenticationSchema.default("scram-sha-512").describe(
    "Client authentication: scram-sha-512 (KafkaUser credentials) or none.",
  ),
};

export const InternalListenerSchema = z.object({
  port: z.int().min(1024).max(65535).default(9092).describe("Port inside the cluster."),
  ...ListenerSecuritySchema,
});

export const ExternalListenerSchema = z
  .object({
    type: z.enum(["LoadBalancer", "NodePort"]).describe("How the listener is exposed."),
    port: z.int().min(1024).max(65535).default(9094).describe("Service port."),
    ...ListenerSecuritySchema,
  })
  .superRefine((listener, context) => {
    if (listener.authentication === "none") {
      context.addIssue({
        code: "custom",
        path: ["authentication"],
        message: "an external listener must authenticate clients (scram-sha-512)",
      });
    }
  })
  .meta({
    "x-kubernetes-validations": [
      {
        rule: "!has(self.authentication) || self.authentication != 'none'",
        message: "an external listener must authenticate clients (scram-sha-512)",
        fieldPath: ".authentication",
      },
    ],
  });

export const KafkaListenersSchema = z
  .object({
    internal: InternalListenerSchema.prefault({}).describe("Listener for clients in the cluster."),
    external: ExternalListenerSchema.optional().describe(
      "Listener for clients outside Kubernetes.",
    ),
  })
  .superRefine((listeners, context) => {
    if (listeners.external && listeners.external.port === listeners.internal.port) {
      context.addIssue({
        code: "custom",
        path: ["external", "port"],
        message: "must differ from internal.port",
      });
    }
  })
  .meta({
    "x-kubernetes-validations": [
      {
        rule: "!has(self.external) || !has(self.internal) || !has(self.external.port) || !has(self.internal.port) || self.external.port != self.internal.port",
        message: "must differ from internal.port",
        fieldPath: ".external.port",
      },
    ],
  })
  .describe("Client listeners. The operator adds its own controller and replication listeners.");
export type KafkaListeners = z.infer<typeof KafkaListenersSchema>;
