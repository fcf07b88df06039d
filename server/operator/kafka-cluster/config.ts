import "server-only";
import { z } from "zod";
import type { KafkaEndpoint } from "@/server/kafka";

const EndpointSchema = z.object({
  brokers: z.array(z.string().regex(/^[^:\s]+:[0-9]{1,5}$/, "must be host:port")).min(1),
  sasl: z.object({ username: z.string().min(1), password: z.string().min(1) }).optional(),
  tls: z.boolean().optional(),
});

const KafkaOperatorEnvSchema = z.object({
  /**
   * JSON object `{"<namespace>/<cluster>": {"brokers": ["host:port"], "sasl": {...}}}`: Kafka
   * clusters reached at these addresses instead of their bootstrap Service (tests and local
   * development bind a KafkaCluster to a broker outside Kubernetes). Contains credentials: never
   * logged.
   */
  PILOTHOUSE_OPERATOR_KAFKA_ENDPOINTS: z
    .string()
    .optional()
    .transform((text, context) => {
      if (text === undefined || text.trim() === "") return new Map<string, KafkaEndpoint>();
      try {
        const parsed = z.record(z.string(), EndpointSchema).parse(JSON.parse(text));
        return new Map<string, KafkaEndpoint>(Object.entries(parsed));
      } catch (error) {
        context.addIssue({
          code: "custom",
          message: `must be a JSON object of endpoints: ${error instanceof Error ? error.message : String(error)}`,
        });
        return z.NEVER;
      }
    }),
});

/** The Kafka controllers' own settings, from the environment. */
export interface KafkaOperatorConfig {
  kafkaEndpoints: Map<string, KafkaEndpoint>;
}

/**
 * Reads the Kafka controllers' settings (to be merged into `server/operator/config.ts` once the
 * other controllers' work there has landed).
 *
 * @throws Error naming the variable when a value is invalid.
 */
export function loadKafkaOperatorConfig(env: NodeJS.ProcessEnv): KafkaOperatorConfig {
  const parsed = KafkaOperatorEnvSchema.safeParse(env);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`invalid Kafka operator configuration: ${detail}`);
  }
  return { kafkaEndpoints: parsed.data.PILOTHOUSE_OPERATOR_KAFKA_ENDPOINTS };
}
