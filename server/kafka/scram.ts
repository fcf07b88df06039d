import "server-only";
import { randomBytes } from "node:crypto";
import { tlsConnectionOptions, type KafkaEndpoint } from "./connection";
import { SaslAuthenticationError, saltedPassword, scramAuthenticate } from "./scram-auth";
import { openWireConnection, WireWriter, type WireConnection } from "./wire";

/**
 * SCRAM-SHA-512 credentials of Kafka users through the Admin API's AlterUserScramCredentials
 * request (KIP-554), which kafkajs 2.2.4 does not implement: the operator speaks that one request
 * itself over an authenticated connection (see `wire.ts`). No CLI, no ZooKeeper.
 *
 * @see https://kafka.apache.org/protocol#The_Messages_AlterUserScramCredentials
 * @see https://cwiki.apache.org/confluence/display/KAFKA/KIP-554%3A+Add+Broker-side+SCRAM+Config+API
 */

const ALTER_USER_SCRAM_CREDENTIALS = 51;
const SCRAM_SHA_512 = 2;
/** PBKDF2 iterations of stored credentials (Kafka's minimum for SHA-512 is 4096). */
export const SCRAM_ITERATIONS = 8192;
const TIMEOUT_MS = 10_000;

async function withConnection<T>(
  endpoint: KafkaEndpoint,
  credentials: { username: string; password: string } | undefined,
  action: (connection: WireConnection) => Promise<T>,
): Promise<T> {
  const [address] = endpoint.brokers;
  if (address === undefined) throw new Error("no bootstrap address for the Kafka cluster");
  const host = address.slice(0, address.lastIndexOf(":"));
  const connection = await openWireConnection(address, {
    tls: tlsConnectionOptions(endpoint, host),
    clientId: "pilothouse-operator",
    timeoutMs: TIMEOUT_MS,
  });
  try {
    if (credentials)
      await scramAuthenticate(connection, credentials.username, credentials.password);
    return await action(connection);
  } finally {
    connection.close();
  }
}

async function alter(
  endpoint: KafkaEndpoint,
  change: { upsert?: { username: string; password: string }; delete?: string },
): Promise<void> {
  const body = new WireWriter();
  body.uvarint(change.delete === undefined ? 1 : 2);
  if (change.delete !== undefined) body.compactString(change.delete).int8(SCRAM_SHA_512).noTags();
  body.uvarint(change.upsert === undefined ? 1 : 2);
  if (change.upsert) {
    const salt = randomBytes(32);
    body
      .compactString(change.upsert.username)
      .int8(SCRAM_SHA_512)
      .int32(SCRAM_ITERATIONS)
      .compactBytes(salt)
      .compactBytes(saltedPassword(change.upsert.password, salt, SCRAM_ITERATIONS))
      .noTags();
  }
  body.noTags();
  const reader = await withConnection(endpoint, endpoint.sasl, (connection) =>
    connection.send({
      apiKey: ALTER_USER_SCRAM_CREDENTIALS,
      apiVersion: 0,
      flexible: true,
      body: body.build(),
    }),
  );
  reader.int32(); // throttle_time_ms
  for (let count = reader.uvarint() - 1; count > 0; count--) {
    const user = reader.compactString();
    const errorCode = reader.int16();
    const message = reader.compactString();
    reader.skipTags();
    // 91 RESOURCE_NOT_FOUND: deleting a credential that does not exist.
    if (errorCode !== 0 && !(change.delete !== undefined && errorCode === 91)) {
      throw new Error(
        `AlterUserScramCredentials for ${user ?? "?"} failed: error ${errorCode} ${message ?? ""}`,
      );
    }
  }
}

/**
 * Sets `username`'s SCRAM-SHA-512 password (creating the user if needed). Kafka stores only the
 * salted keys; the salt is new on every call, so call it when the password changed or
 * {@link scramLoginWorks} says the stored one does not match.
 *
 * @throws Error with Kafka's error code when the broker refuses the change.
 */
export async function upsertScramUser(
  endpoint: KafkaEndpoint,
  username: string,
  password: string,
): Promise<void> {
  await alter(endpoint, { upsert: { username, password } });
}

/**
 * Removes `username`'s SCRAM-SHA-512 credential; a missing credential counts as removed.
 *
 * Kafka 4.4.0 caveat (not this encoding's: Kafka's own `kafka-configs` does the same): a node
 * that restarts and replays this removal from a metadata log with no snapshot holding the other
 * credentials before it can drop every SCRAM credential (`ScramDelta.apply`). The operator
 * renders `metadata.log.max.snapshot.interval.ms` so that such a snapshot exists within a minute
 * of a cluster's first start (`kraft-config.ts`; tests/integration/kafka-scram-restart.test.ts).
 */
export async function deleteScramUser(endpoint: KafkaEndpoint, username: string): Promise<void> {
  await alter(endpoint, { delete: username });
}

/**
 * True when `username` can log in with `password` on the endpoint's SASL listener: how the
 * operator checks, without re-salting, that the stored credential matches the Secret.
 *
 * @throws Error when the broker cannot be reached (a refused login is `false`, not an error).
 */
export async function scramLoginWorks(
  endpoint: KafkaEndpoint,
  username: string,
  password: string,
): Promise<boolean> {
  try {
    await withConnection(endpoint, { username, password }, () => Promise.resolve());
    return true;
  } catch (error) {
    if (error instanceof SaslAuthenticationError) return false;
    throw error;
  }
}
