import "server-only";
import { z } from "zod";
import { ApiErrorBodySchema } from "@/lib/api/errors";
import { WatchPluralSchema } from "@/lib/api/watch-events";
import { CSRF_HEADER } from "../auth/csrf";
import { OPERATIONS, type Operation } from "./openapi-operations";
import { OTHER_ROUTES, type OtherRoute } from "./openapi-routes";

/**
 * The OpenAPI 3.1 document of the REST API, generated from {@link OPERATIONS}: the zod schemas
 * the handlers validate with, turned into JSON Schema (draft 2020-12, which OpenAPI 3.1 uses)
 * by zod's own `z.toJSONSchema`. Nothing here is written by hand twice, so it cannot drift.
 *
 * @see https://spec.openapis.org/oas/v3.1.0
 * @see https://zod.dev/json-schema
 */

type JsonSchema = Record<string, unknown>;
const REF_PREFIX = "#/components/schemas/";

/**
 * A zod schema as JSON Schema for a component: `$defs` (schemas with an `id`) are moved to the
 * document's components and references rewritten to point there.
 *
 * @param io - `input` for request bodies (defaults optional), `output` for responses.
 */
export function toComponentSchema(
  schema: z.ZodType,
  io: "input" | "output",
  components: Record<string, JsonSchema>,
): JsonSchema {
  const raw = z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" });
  const rewritten = JSON.parse(JSON.stringify(raw).replaceAll('"#/$defs/', `"${REF_PREFIX}`)) as {
    $schema?: string;
    $defs?: Record<string, JsonSchema>;
  } & JsonSchema;
  const { $schema: _schema, $defs, ...root } = rewritten;
  void _schema;
  for (const [name, def] of Object.entries($defs ?? {})) components[name] ??= def;
  return root;
}

/**
 * Adds a schema under `name` (a schema with its own `id` is already added under it by
 * {@link toComponentSchema}).
 */
function addComponent(
  components: Record<string, JsonSchema>,
  name: string,
  schema: z.ZodType,
  io: "input" | "output",
) {
  const root = toComponentSchema(schema, io, components);
  components[name] ??= root;
}

const ref = (name: string) => ({ $ref: `${REF_PREFIX}${name}` });

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "Bad request (not JSON, too deeply nested)",
  401: "Not signed in",
  403: "Forbidden: Kubernetes RBAC's reason, or a CSRF refusal",
  404: "No such object, resource type or action",
  409: "AlreadyExists, Conflict (stale metadata.resourceVersion), or busy (the message says why)",
  413: "Body too large",
  415: "Body not sent as application/json",
  422: "Invalid: causes[] with field paths (from zod or from the apiserver)",
  429: "Too many mutating requests",
  500: "Internal error",
  503: "Kubernetes unreachable",
};

function parameters(op: Operation, components: Record<string, JsonSchema>) {
  const result: JsonSchema[] = op.pathParams.map((name) => ({
    name,
    in: "path",
    required: true,
    schema: { type: "string" },
  }));
  if (op.query) {
    for (const [name, schema] of Object.entries(op.query.shape)) {
      result.push({
        name,
        in: "query",
        required: !(schema as z.ZodType).safeParse(undefined).success,
        schema: toComponentSchema(schema as z.ZodType, "input", components),
      });
    }
  }
  return result;
}

/**
 * Who may call an operation: a browser session (mutating requests also need the CSRF header), or
 * a bearer JWT of the same OpenID provider. The document itself needs neither.
 */
function security(mutating: boolean) {
  return [mutating ? { session: [], csrf: [] } : { session: [] }, { bearer: [] }];
}

const errorRefs = (statuses: number[], always: number[]) =>
  Object.fromEntries(
    [...new Set([...always, ...statuses])]
      .sort((a, b) => a - b)
      .map((status) => [status, { $ref: `#/components/responses/${status}` }]),
  );

/** The `get` operation of a route of {@link OTHER_ROUTES}. */
function otherOperation(route: OtherRoute, components: Record<string, JsonSchema>) {
  const params: JsonSchema[] = route.pathParams.map((name) => ({
    name,
    in: "path",
    required: true,
    schema:
      name === "plural"
        ? toComponentSchema(WatchPluralSchema, "input", components)
        : { type: "string" },
  }));
  for (const [name, schema] of Object.entries(route.query?.shape ?? {})) {
    params.push({
      name,
      in: "query",
      required: !(schema as z.ZodType).safeParse(undefined).success,
      schema: toComponentSchema(schema as z.ZodType, "input", components),
    });
  }
  const { json, eventStream, description } = route.response;
  if (json) addComponent(components, json.name, json.schema, "output");
  const content = json
    ? { "application/json": { schema: ref(json.name) } }
    : eventStream
      ? { "text/event-stream": { schema: { type: "string", description: eventStream } } }
      : { "application/json": { schema: { type: "object", description: "OpenAPI 3.1" } } };
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    security: route.public ? [] : security(false),
    parameters: params,
    responses: {
      200: { description, content },
      ...errorRefs(route.errors, route.public ? [] : [401, 500, 503]),
    },
  };
}

function operationObject(op: Operation, components: Record<string, JsonSchema>) {
  const responseName =
    "kind" in op.response.body ? op.response.body.kind.kind : op.response.body.name;
  const responseSchema =
    "kind" in op.response.body ? op.response.body.kind.schema : op.response.body.schema;
  addComponent(components, responseName, responseSchema, "output");
  if (op.request) addComponent(components, op.request.name, op.request.schema, "input");
  const mutating = op.method !== "get";
  return {
    operationId: op.operationId,
    summary: op.summary,
    tags: [op.kind.kind],
    security: security(mutating),
    parameters: parameters(op, components),
    ...(op.request && {
      requestBody: {
        required: !op.request.optional,
        content: { "application/json": { schema: ref(op.request.name) } },
      },
    }),
    responses: {
      [op.response.status]: {
        description: op.response.description,
        content: { "application/json": { schema: ref(responseName) } },
      },
      ...errorRefs(op.errors, [401, 500, 503, ...(mutating ? [429] : [])]),
    },
  };
}

/** The whole OpenAPI 3.1 document. */
export function buildOpenApiDocument(): Record<string, unknown> {
  const components: Record<string, JsonSchema> = {};
  addComponent(components, "ApiError", ApiErrorBodySchema, "output");
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    paths[op.path] = { ...paths[op.path], [op.method]: operationObject(op, components) };
  }
  for (const route of OTHER_ROUTES) {
    paths[route.path] = { ...paths[route.path], get: otherOperation(route, components) };
  }
  const responses = Object.fromEntries(
    Object.entries(ERROR_DESCRIPTIONS).map(([status, description]) => [
      status,
      { description, content: { "application/json": { schema: ref("ApiError") } } },
    ]),
  );
  return {
    openapi: "3.1.0",
    info: {
      title: "Pilothouse API",
      version: "v1",
      description:
        "Resources and actions of the Pilothouse operator (MySQL and Kafka), acting as the caller through Kubernetes impersonation: Kubernetes RBAC decides. Errors are { error: { code, message, causes[] } }.",
    },
    servers: [{ url: "/" }],
    security: security(false),
    paths,
    components: {
      schemas: components,
      responses,
      securitySchemes: {
        session: {
          type: "apiKey",
          in: "cookie",
          name: "next-auth.session-token",
          description:
            "The browser session of a sign-in through the dashboard (`__Secure-next-auth.session-token` when served over HTTPS).",
        },
        csrf: {
          type: "apiKey",
          in: "header",
          name: "X-CSRF-Token",
          description: `With a session cookie, every mutating request (POST, PUT, PATCH, DELETE) must send next-auth's CSRF token in this header (${CSRF_HEADER}), from the same origin.`,
        },
        bearer: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description:
            "An ID or access token of the dashboard's OpenID provider, validated against its JWKS (automation clients; no CSRF).",
        },
      },
    },
  };
}

let cached: Record<string, unknown> | undefined;

/**
 * `GET /api/v1/openapi.json`: the document (built once per process), served to anyone: it
 * describes the API and holds no data, so shared caches may keep it for 5 minutes.
 */
export function openApiHandler(): Response {
  cached ??= buildOpenApiDocument();
  return Response.json(cached, { headers: { "Cache-Control": "public, max-age=300" } });
}
