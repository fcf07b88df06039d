/**
 * The local Apache Kafka 4.x broker (KRaft, `platform/scripts/kafka.sh`, profile from
 * PILOTHOUSE_PROFILE, `dev` by default) for the Kafka tests: start it, read its addresses and
 * admin credentials from `$STATE/kafka.env`, stop and start it for health tests, and leave it as
 * it was found.
 */
import { execFile } from "node:child_process";
import { readdir, readFile, rm } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Kafka, logLevel } from "kafkajs";
import { scramLoginWorks, upsertScramUser, type KafkaEndpoint } from "@/server/kafka";
import { REPO_ROOT } from "./kube-admin";

const run = promisify(execFile);
const SCRIPT = join(REPO_ROOT, "platform/scripts/kafka.sh");

export interface LocalBroker {
  /** The SASL_PLAINTEXT listener with the admin super user: what the operator uses. */
  admin: KafkaEndpoint;
  /** The PLAINTEXT listener: no authentication, the anonymous super user. */
  plaintextBootstrap: string;
  /** The SASL_PLAINTEXT bootstrap address, for clients with their own credentials. */
  saslBootstrap: string;
  /** The SASL_SSL bootstrap address, when the broker was started with `KAFKA_TLS_DIR`. */
  sslBootstrap?: string;
  clusterId: string;
  /** Whether the broker ran before the tests (then it is left running). */
  runningBefore: boolean;
}

function stateDir(): string {
  const profile = process.env.PILOTHOUSE_PROFILE ?? "dev";
  const cache =
    process.env.PILOTHOUSE_CACHE ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "pilothouse");
  return process.env.PILOTHOUSE_STATE ?? join(cache, "state", profile);
}

/** Runs `kafka.sh <args>` (with `env` added to the environment) and returns its stdout. */
export async function kafkaScript(...args: string[]): Promise<string> {
  return scriptWithEnv({}, ...args);
}

async function scriptWithEnv(env: Record<string, string>, ...args: string[]): Promise<string> {
  const { stdout } = await run("bash", [SCRIPT, ...args], {
    env: { ...process.env, ...env },
    timeout: 170_000,
  });
  return stdout;
}

async function readEnv(state = stateDir()): Promise<Record<string, string>> {
  const text = await readFile(join(state, "kafka.env"), "utf8");
  return Object.fromEntries(
    text
      .split("\n")
      .filter((line) => line.includes("="))
      .map((line) => {
        const at = line.indexOf("=");
        return [line.slice(0, at), line.slice(at + 1).replace(/^['"]|['"]$/g, "")];
      }),
  );
}

function brokerFromEnv(env: Record<string, string>, runningBefore: boolean): LocalBroker {
  const need = (key: string): string => {
    const value = env[key];
    if (!value) throw new Error(`kafka.env has no ${key}`);
    return value;
  };
  const saslBootstrap = need("KAFKA_SASL_BOOTSTRAP");
  return {
    admin: {
      brokers: [saslBootstrap],
      sasl: { username: need("KAFKA_ADMIN_USER"), password: need("KAFKA_ADMIN_PASSWORD") },
    },
    plaintextBootstrap: need("KAFKA_BOOTSTRAP"),
    saslBootstrap,
    ...(env.KAFKA_SSL_BOOTSTRAP ? { sslBootstrap: env.KAFKA_SSL_BOOTSTRAP } : {}),
    clusterId: need("KAFKA_CLUSTER_ID"),
    runningBefore,
  };
}

/**
 * Starts the broker (a no-op when it runs), makes sure its admin can log in, and returns how to
 * reach it.
 *
 * The admin repair below is for broker state formatted before `kafka.sh` took metadata
 * snapshots: Kafka 4.4.0 drops every SCRAM credential when it replays, at start, a credential
 * removal with no snapshot holding the credentials before it (`kafka-scram-restart.test.ts`
 * proves both the cause and that a state with snapshots keeps its credentials). A state
 * formatted since then never needs it; an older one needs it once, until its first snapshot.
 */
export async function startBroker(): Promise<LocalBroker> {
  // `status` prints "kafka <address> running" or "kafka not running".
  const runningBefore = /^kafka \S+:\d+ running$/m.test(await kafkaScript("status"));
  await kafkaScript("start");
  const broker = brokerFromEnv(await readEnv(), runningBefore);
  const password = broker.admin.sasl?.password ?? "";
  if (!(await scramLoginWorks({ brokers: [broker.saslBootstrap] }, "admin", password))) {
    console.warn("kafka: state from before metadata snapshots lost its SCRAM credentials");
    await upsertScramUser({ brokers: [broker.plaintextBootstrap] }, "admin", password);
  }
  return broker;
}

/** A throwaway broker of its own (state folder, ports), formatted fresh, for restart tests. */
export interface ScratchBroker extends LocalBroker {
  stop(): Promise<void>;
  start(): Promise<void>;
  restart(): Promise<void>;
  /** Stops it and deletes its data. */
  remove(): Promise<void>;
  /** Metadata snapshots on disk (KRaft `.checkpoint` files after the one `format` writes). */
  snapshots(): Promise<number>;
}

/**
 * Formats and starts a broker in `state` with ports shifted `portShift` past the profile's,
 * `env` added (e.g. `KAFKA_SNAPSHOT_INTERVAL_MS`). Never touches the profile's own broker.
 */
export async function startScratchBroker(
  state: string,
  portShift: number,
  env: Record<string, string> = {},
): Promise<ScratchBroker> {
  const offset = Number(process.env.PILOTHOUSE_PORT_OFFSET ?? 0) + portShift;
  const scratchEnv = {
    ...env,
    PILOTHOUSE_STATE: state,
    PILOTHOUSE_PORT_OFFSET: String(offset),
    PILOTHOUSE_PROFILE: process.env.PILOTHOUSE_PROFILE ?? "dev",
  };
  const script = (...args: string[]) => scriptWithEnv(scratchEnv, ...args);
  await script("reset");
  await script("start");
  const metadataDir = join(state, "kafka/data/__cluster_metadata-0");
  return {
    ...brokerFromEnv(await readEnv(state), false),
    async stop() {
      await script("stop");
    },
    async start() {
      await script("start");
    },
    async restart() {
      await script("stop");
      await script("start");
    },
    async remove() {
      await script("reset");
      await rm(state, { recursive: true, force: true });
    },
    async snapshots() {
      const files = await readdir(metadataDir);
      return files.filter(
        (file) => /^\d{20}-\d{10}\.checkpoint$/.test(file) && !file.startsWith("0".repeat(20)),
      ).length;
    },
  };
}

/** Stops the broker unless it ran before the tests started. */
export async function releaseBroker(broker: LocalBroker): Promise<void> {
  if (!broker.runningBefore) await kafkaScript("stop");
}

/** A kafkajs client logging in as `username` over SCRAM-SHA-512 on the SASL listener. */
export function clientAs(broker: LocalBroker, username: string, password: string): Kafka {
  return new Kafka({
    clientId: `test-${username}`,
    brokers: [broker.saslBootstrap],
    sasl: { mechanism: "scram-sha-512", username, password },
    connectionTimeout: 3_000,
    retry: { retries: 1, initialRetryTime: 200 },
    logLevel: logLevel.NOTHING,
  });
}

/**
 * Produces `produce` messages to partition 0 of `topic`, then consumes the first `consume` of
 * them with consumer group `groupId` and commits its offset there: the group is left
 * `produce - consume` messages behind. As the admin super user.
 */
export async function produceAndConsumeSome(
  broker: LocalBroker,
  topic: string,
  groupId: string,
  counts: { produce: number; consume: number },
): Promise<void> {
  const kafka = clientAs(broker, "admin", broker.admin.sasl?.password ?? "");
  const producer = kafka.producer();
  await producer.connect();
  await producer
    .send({
      topic,
      messages: Array.from({ length: counts.produce }, (_, i) => ({
        value: `m${i}`,
        partition: 0,
      })),
    })
    .finally(() => producer.disconnect());
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      let seen = 0;
      const timer = setTimeout(
        () => reject(new Error(`${groupId} consumed ${seen} in 30 s`)),
        30_000,
      );
      void consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          if (++seen !== counts.consume) return;
          const offset = (BigInt(message.offset) + 1n).toString();
          await consumer.commitOffsets([{ topic, partition, offset }]);
          clearTimeout(timer);
          resolve();
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
}
