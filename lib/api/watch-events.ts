/**
 * The Server-Sent Events of the watch routes (`GET /api/v1/watch/{plural}`, one per kind of
 * `lib/api/kinds.ts`). Every event's
 * `id` is a Kubernetes resourceVersion — an opaque string, never compared as a number — so a
 * reconnecting EventSource resumes with `Last-Event-ID` exactly where it stopped.
 *
 * - `snapshot`: the complete current state (first event without a start point, and again after
 *   the apiserver answered 410 Gone): replace what you have.
 * - `change`: one object was ADDED, MODIFIED or DELETED.
 * - `bookmark`: nothing changed, but the stream has progressed to this resourceVersion.
 * - `stream-error`: the watch stopped for a reason retrying will not fix (e.g. 403); the server
 *   closes the stream after it.
 * - `status`: the state of the upstream Kubernetes watch, sent on every change of it: `live` once
 *   a watch request is accepted (the view is current from here; a stream is not live before its
 *   first `status: live`), `reconnecting` when the apiserver cannot be watched (unreachable,
 *   5xx) with `since`, the moment the view stopped being current. No `id`: it is not a position.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html
 * @see https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes
 */
import { z } from "zod";
import { Dns1123LabelSchema } from "../crds/common";
import { MySQLClusterSchema } from "../crds/mysql-cluster";
import { ApiErrorBodySchema } from "./errors";
import { KIND_PLURALS } from "./kinds";

export const WATCH_EVENT = {
  snapshot: "snapshot",
  change: "change",
  bookmark: "bookmark",
  streamError: "stream-error",
  status: "status",
} as const;

/** The path segment of a watch route: one of the kinds' plurals. */
export const WatchPluralSchema = z.enum(KIND_PLURALS);

/**
 * The query of `GET /api/v1/watch/{plural}`. A `Last-Event-ID` header, when present, wins over
 * `resourceVersion` as the start point.
 */
export const WatchQuerySchema = z.object({
  namespace: Dns1123LabelSchema,
  /** Only this object (detail views): a DNS-1123 subdomain, as every object name is. */
  name: z
    .string()
    .min(1)
    .max(253)
    .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "must be a lower case DNS subdomain")
    .optional(),
  /** Opaque resourceVersion to start watching from (a list's, or the last event's id). */
  resourceVersion: z.string().min(1).max(64).optional(),
});
export type WatchQuery = z.infer<typeof WatchQuerySchema>;

/** The `snapshot` event of a kind whose objects `object` parses. */
export function snapshotEventSchema<T extends z.ZodType>(object: T) {
  return z.object({ resourceVersion: z.string(), items: z.array(object) });
}

/** The `change` event of a kind whose objects `object` parses. */
export function changeEventSchema<T extends z.ZodType>(object: T) {
  return z.object({ type: z.enum(["ADDED", "MODIFIED", "DELETED"]), object });
}

/** MySQLCluster's `snapshot` event. */
export const SnapshotEventSchema = snapshotEventSchema(MySQLClusterSchema);
export type SnapshotEvent = z.infer<typeof SnapshotEventSchema>;

/** MySQLCluster's `change` event. */
export const ChangeEventSchema = changeEventSchema(MySQLClusterSchema);
export type ChangeEvent = z.infer<typeof ChangeEventSchema>;

export const BookmarkEventSchema = z.object({ resourceVersion: z.string() });
export type BookmarkEvent = z.infer<typeof BookmarkEventSchema>;

export const StreamErrorEventSchema = ApiErrorBodySchema;

export const StreamStatusEventSchema = z.discriminatedUnion("state", [
  z.object({ state: z.literal("live") }),
  z.object({
    state: z.literal("reconnecting"),
    /** ISO 8601 time the upstream watch was lost. */
    since: z.iso.datetime(),
    /** Why, in words for the user. */
    reason: z.string(),
  }),
]);
export type StreamStatusEvent = z.infer<typeof StreamStatusEventSchema>;
