import "server-only";
import type { z } from "zod";
import { NamespaceListSchema, PermissionsSchema } from "@/lib/api/permissions";
import { AlertsResponseSchema, EventListSchema, PodListSchema } from "@/lib/api/related";
import { WATCH_EVENT, WatchQuerySchema } from "@/lib/api/watch-events";
import { AlertsQuerySchema } from "./alerts";

/**
 * The routes of the REST API that are not one kind's resource operations (those are
 * `openapi-operations.ts`): namespaces, permissions, pods, events, alerts, the watch stream and
 * the document itself, with the schemas their handlers validate with or answer.
 * `openapi-routes.test.ts` walks `app/api/v1` so that a route file cannot be left out.
 */

/** How a route's response is described. */
export interface RouteResponse {
  description: string;
  /** `application/json` (a zod schema) or `text/event-stream` (a description of the events). */
  json?: { schema: z.ZodType; name: string };
  eventStream?: string;
}

/** One `GET` route of the document. */
export interface OtherRoute {
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  /** Path parameters: `plural` is restricted to the kinds of the API. */
  pathParams: ("namespace" | "plural" | "name")[];
  query?: z.ZodObject;
  response: RouteResponse;
  errors: number[];
  /** Served without a session (the document itself). */
  public?: boolean;
}

const related = "/api/v1/namespaces/{namespace}/{plural}/{name}";

/** Every route of the API besides the kinds' resource operations. */
export const OTHER_ROUTES: OtherRoute[] = [
  {
    path: "/api/v1/namespaces",
    operationId: "listNamespaces",
    summary: "The namespaces the caller may see (RoleBindings included)",
    tag: "Access",
    pathParams: [],
    response: {
      description: "The namespace names",
      json: { schema: NamespaceListSchema, name: "NamespaceList" },
    },
    errors: [403],
  },
  {
    path: "/api/v1/namespaces/{namespace}/permissions",
    operationId: "getPermissions",
    summary: "What the caller may do in a namespace, per kind and action (one rules review)",
    tag: "Access",
    pathParams: ["namespace"],
    response: {
      description: "Decisions per kind and verb, with the reason of each refusal",
      json: { schema: PermissionsSchema, name: "Permissions" },
    },
    errors: [403, 422],
  },
  {
    path: `${related}/pods`,
    operationId: "listPods",
    summary: "The Pods of a cluster (MySQLCluster, KafkaCluster); empty for other kinds",
    tag: "Related",
    pathParams: ["namespace", "plural", "name"],
    response: { description: "The Pods", json: { schema: PodListSchema, name: "PodList" } },
    errors: [403, 404, 422],
  },
  {
    path: `${related}/events`,
    operationId: "listEvents",
    summary: "The Kubernetes Events about an object, newest first",
    tag: "Related",
    pathParams: ["namespace", "plural", "name"],
    response: { description: "The Events", json: { schema: EventListSchema, name: "EventList" } },
    errors: [403, 404, 422],
  },
  {
    path: "/api/v1/alerts",
    operationId: "listAlerts",
    summary: "Alerts of a namespace: Warning Events and, when configured, Alertmanager's alerts",
    tag: "Alerts",
    pathParams: [],
    query: AlertsQuerySchema,
    response: {
      description: "The alerts",
      json: { schema: AlertsResponseSchema, name: "AlertsResponse" },
    },
    errors: [403, 422],
  },
  {
    path: "/api/v1/watch/{plural}",
    operationId: "watch",
    summary: "Live changes of a kind in a namespace (Server-Sent Events)",
    tag: "Watch",
    pathParams: ["plural"],
    query: WatchQuerySchema,
    response: {
      description: "The stream stays open",
      eventStream: `Server-Sent Events (${Object.values(WATCH_EVENT).join(", ")}; see lib/api/watch-events.ts). The id of an event is a resourceVersion: send it back as Last-Event-ID to resume. Comment heartbeats come under 30 s.`,
    },
    errors: [403, 404, 422],
  },
  {
    path: "/api/v1/openapi.json",
    operationId: "getOpenApiDocument",
    summary: "This document (no session needed; cache-able)",
    tag: "Meta",
    pathParams: [],
    response: { description: "The OpenAPI 3.1 document", json: undefined },
    errors: [],
    public: true,
  },
];
