/**
 * The local Apache Kafka 4.x broker (KRaft, `platform/scripts/kafka.sh`, profile from
 * PILOTHOUSE_PROFILE, `dev` by default) for the Kafka tests: start it, read its addresses and
 * admin credentials from `$STATE/kafka.env`, stop and start it for health tests, and leave it as
 * it was found.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
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
  /** The SASL_PLAINTEXT bootstrap address, for clients with their own credentials. */
  saslBootstrap: string;
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

/** Runs `kafka.sh <args>` and returns its stdout. */
export async function kafkaScript(...args: string[]): Promise<string> {
  const { stdout } = await run("bash", [SCRIPT, ...args], { env: process.env, timeout: 170_000 });
  return stdout;
}

async function readEnv(): Promise<Record<string, string>> {
  const text = await readFile(join(stateDir(), "kafka.env"), "utf8");
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

/**
 * Starts the broker (a no-op when it runs), makes sure its admin can log in, and returns how to
 * reach it.
 *
 * Kafka 4.4 issue seen here (not yet understood, see the Kafka test note): after SCRAM users were
 * created and deleted and ACLs changed, a restarted broker authenticates no SCRAM user at all —
 * not even the admin formatted into the bootstrap metadata — although its controller log shows
 * the credential records replayed. New credential changes do apply, so the admin credential is
 * written again through the PLAINTEXT listener (the local platform's anonymous super user).
 */
export async function startBroker(): Promise<LocalBroker> {
  // `status` prints "kafka <address> running" or "kafka not running".
  const runningBefore = /^kafka \S+:\d+ running$/m.test(await kafkaScript("status"));
  await kafkaScript("start");
  const env = await readEnv();
  const plaintext = env.KAFKA_BOOTSTRAP;
  const adminPassword = env.KAFKA_ADMIN_PASSWORD;
  const sasl = env.KAFKA_SASL_BOOTSTRAP;
  if (plaintext && adminPassword && sasl) {
    if (!(await scramLoginWorks({ brokers: [sasl] }, "admin", adminPassword))) {
      console.warn("kafka: the broker lost its SCRAM credentials on restart; restoring admin");
      await upsertScramUser({ brokers: [plaintext] }, "admin", adminPassword);
    }
  }
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
    saslBootstrap,
    clusterId: need("KAFKA_CLUSTER_ID"),
    runningBefore,
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
