/**
 * SCRAM credentials across a broker restart, on throwaway Apache Kafka 4.4 brokers
 * (`platform/scripts/kafka.sh` in a state folder of their own, formatted fresh).
 *
 * The cause, proved here: Kafka 4.4.0's `ScramDelta.apply()` removes a mechanism from the new
 * metadata image as soon as a credential *removal* leaves that mechanism's user map empty, in the
 * middle of iterating the delta's changes (a `HashMap` keyed by user name); the upserts iterated
 * after it go into the detached map and are lost. A running broker never meets that case (its
 * image already holds the admin), but a restarted one replays the metadata log from the last
 * snapshot: with no snapshot, from an empty image, so a removed user whose name hashes into an
 * earlier bucket than every surviving user wipes every SCRAM credential — the admin formatted in
 * with `kafka-storage format --add-scram` included. Kafka's own `kafka-configs` triggers it the
 * same way; the operator's AlterUserScramCredentials encoding is not involved.
 *
 * The remedy: a metadata snapshot soon after changes (`metadata.log.max.snapshot.interval.ms`;
 * Kafka's default is one hour), so every replay starts from an image that holds the admin.
 */
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { deleteScramUser, scramLoginWorks, upsertScramUser } from "@/server/kafka";
import { eventually } from "./support/eventually";
import { startScratchBroker, type ScratchBroker } from "./support/kafka-broker";

/** Ports of the scratch brokers: this far past the profile's own broker. */
const PORT_SHIFT = 50;
// Java String.hashCode buckets in a 16-bucket HashMap: "admin" and "alice" 9, "bob" 4, "erin" 13.
const KEPT = { username: "alice", password: "alice-password" };
let broker: ScratchBroker | undefined;

afterEach(async () => {
  await broker?.remove();
  broker = undefined;
});

async function scratch(snapshotIntervalMs: number): Promise<ScratchBroker> {
  const state = join(tmpdir(), `pilothouse-kafka-scram-${randomBytes(3).toString("hex")}`);
  broker = await startScratchBroker(state, PORT_SHIFT, {
    KAFKA_SNAPSHOT_INTERVAL_MS: String(snapshotIntervalMs),
  });
  return broker;
}

/** Creates and deletes `victim`'s credential, restarts, and says who can still log in. */
async function removeAndRestart(scratchBroker: ScratchBroker, victim: string) {
  await upsertScramUser(scratchBroker.admin, victim, "victim-password");
  await deleteScramUser(scratchBroker.admin, victim);
  await scratchBroker.restart();
  const adminPassword = scratchBroker.admin.sasl?.password ?? "";
  return {
    admin: await scramLoginWorks(scratchBroker.admin, "admin", adminPassword),
    kept: await scramLoginWorks(scratchBroker.admin, KEPT.username, KEPT.password),
  };
}

/** Each test starts a broker and restarts it twice: about 40 s alone, minutes on a loaded machine. */
const RESTARTS_TIMEOUT_MS = 300_000;

describe("SCRAM credentials across a broker restart", () => {
  it(
    "without a metadata snapshot, replaying a removal that hashes first drops every credential (Kafka 4.4.0)",
    async () => {
      const fresh = await scratch(3_600_000);
      await upsertScramUser(fresh.admin, KEPT.username, KEPT.password);
      // A removal iterated after the survivors is harmless...
      expect(await removeAndRestart(fresh, "erin")).toEqual({ admin: true, kept: true });
      // ...one iterated before them wipes them all, the bootstrap admin included.
      expect(await fresh.snapshots()).toBe(0);
      expect(await removeAndRestart(fresh, "bob")).toEqual({ admin: false, kept: false });
    },
    RESTARTS_TIMEOUT_MS,
  );

  it(
    "with a snapshot taken after the credentials, a restart keeps them",
    async () => {
      const snapshotting = await scratch(1_000);
      await upsertScramUser(snapshotting.admin, KEPT.username, KEPT.password);
      const before = await snapshotting.snapshots();
      await eventually("a metadata snapshot holding the credentials", async () =>
        (await snapshotting.snapshots()) > before ? true : undefined,
      );
      expect(await removeAndRestart(snapshotting, "bob")).toEqual({ admin: true, kept: true });
    },
    RESTARTS_TIMEOUT_MS,
  );
});
