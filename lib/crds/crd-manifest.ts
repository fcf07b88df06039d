/**
 * Builds CustomResourceDefinition manifests from the zod schemas in this folder, so the CRD YAML
 * in `deploy/crds/` is generated from the one source of truth (`npm run generate`). Pure: no I/O.
 *
 * @see https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/
 */
import { stringify } from "yaml";
import { z } from "zod";
import {
  MYSQL_GROUP,
  MYSQL_VERSION,
  MySQLClusterNameRules,
  MySQLClusterNames,
  MySQLClusterSpecSchema,
  MySQLClusterStatusSchema,
} from "./mysql-cluster";
import { MySQLBackupCrdSource } from "./mysql-backup";
import { MySQLRestoreCrdSource } from "./mysql-restore";
import { structuralSchemaErrors, toStructural, type JsonSchema } from "./structural-schema";

/** One `additionalPrinterColumns` entry of a CRD version. */
export interface PrinterColumn {
  name: string;
  type: "string" | "integer" | "number" | "boolean" | "date";
  jsonPath: string;
  description?: string;
  /** 0 = shown by `kubectl get`, 1 = only with `-o wide`. */
  priority?: number;
}

/**
 * A CEL validation rule (`x-kubernetes-validations` entry). `messageExpression` (CEL, a string)
 * replaces `message` when it evaluates; `fieldPath` (e.g. `.version`) is where the apiserver
 * reports the error; `reason` is `FieldValueInvalid` unless set.
 */
export interface ValidationRule {
  rule: string;
  message: string;
  messageExpression?: string;
  fieldPath?: string;
  reason?:
    "FieldValueInvalid" | "FieldValueForbidden" | "FieldValueRequired" | "FieldValueDuplicate";
}

/** Everything that distinguishes one custom resource kind's CRD from another's. */
export interface CrdSource {
  group: string;
  version: string;
  names: {
    kind: string;
    listKind: string;
    plural: string;
    singular: string;
    shortNames: readonly string[];
    categories: readonly string[];
  };
  description: string;
  spec: z.ZodType;
  status: z.ZodType;
  printerColumns: PrinterColumn[];
  /** Rules on the whole object, e.g. on `metadata.name` (the only metadata CEL may read). */
  rootValidations: ValidationRule[];
}

/** A CRD manifest as plain data, ready to be written as YAML. */
export type CrdManifest = JsonSchema;

/** The `Ready` condition's status as a printer column: the one users look at first. */
export const READY_COLUMN: PrinterColumn = {
  name: "Ready",
  type: "string",
  jsonPath: '.status.conditions[?(@.type=="Ready")].status',
  description: "Status of the Ready condition.",
};

/** The `Age` column kubectl shows for built-in kinds. */
export const AGE_COLUMN: PrinterColumn = {
  name: "Age",
  type: "date",
  jsonPath: ".metadata.creationTimestamp",
};

function schemaOf(zodSchema: z.ZodType): JsonSchema {
  const emitted = z.toJSONSchema(zodSchema, { target: "openapi-3.0", io: "input" });
  return toStructural(JSON.parse(JSON.stringify(emitted)) as JsonSchema);
}

/**
 * Builds the CRD for one kind: a single served and stored version, the status subresource,
 * printer columns, short names and categories, and a structural OpenAPI schema.
 *
 * @throws Error listing every reason the generated schema is not structural.
 */
export function buildCrd(source: CrdSource): CrdManifest {
  const openAPIV3Schema: JsonSchema = {
    type: "object",
    description: source.description,
    properties: {
      apiVersion: { type: "string" },
      kind: { type: "string" },
      metadata: { type: "object" },
      spec: schemaOf(source.spec),
      status: schemaOf(source.status),
    },
    required: ["spec"],
  };
  if (source.rootValidations.length > 0) {
    openAPIV3Schema["x-kubernetes-validations"] = source.rootValidations.map((rule) => ({
      ...rule,
    }));
  }
  const errors = structuralSchemaErrors(openAPIV3Schema, "openAPIV3Schema");
  if (errors.length > 0) {
    throw new Error(`${source.names.kind}: schema is not structural:\n  ${errors.join("\n  ")}`);
  }
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: {
      name: `${source.names.plural}.${source.group}`,
      labels: { "app.kubernetes.io/part-of": "pilothouse" },
    },
    spec: {
      group: source.group,
      names: {
        ...source.names,
        shortNames: [...source.names.shortNames],
        categories: [...source.names.categories],
      },
      scope: "Namespaced",
      versions: [
        {
          name: source.version,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: source.printerColumns.map((column) => ({ ...column })),
          schema: { openAPIV3Schema },
        },
      ],
    },
  };
}

const { maxLength, pattern, patternMessage } = MySQLClusterNameRules;

/** The MySQLCluster kind as a {@link CrdSource}. */
export const MySQLClusterCrdSource: CrdSource = {
  group: MYSQL_GROUP,
  version: MYSQL_VERSION,
  names: MySQLClusterNames,
  description:
    "MySQLCluster is a MySQL (8.4 LTS) or MariaDB cluster managed by Pilothouse: one primary and replicas - 1 read replicas.",
  spec: MySQLClusterSpecSchema,
  status: MySQLClusterStatusSchema,
  printerColumns: [
    READY_COLUMN,
    { name: "Phase", type: "string", jsonPath: ".status.phase" },
    { name: "Replicas", type: "integer", jsonPath: ".spec.replicas" },
    { name: "Engine", type: "string", jsonPath: ".spec.engine", priority: 1 },
    { name: "Version", type: "string", jsonPath: ".spec.version", priority: 1 },
    { name: "Primary", type: "string", jsonPath: ".status.primary", priority: 1 },
    AGE_COLUMN,
  ],
  rootValidations: [
    {
      rule: `self.metadata.name.size() <= ${maxLength}`,
      message: `metadata.name must be at most ${maxLength} characters`,
    },
    {
      rule: `self.metadata.name.matches(r'${pattern.source}')`,
      message: `metadata.name ${patternMessage}`,
    },
  ],
};

/** Every CRD Pilothouse installs, by file name under `deploy/crds/`. */
export function allCrds(): Record<string, CrdManifest> {
  const sources = [MySQLClusterCrdSource, MySQLBackupCrdSource, MySQLRestoreCrdSource];
  return Object.fromEntries(
    sources.map((source) => [`${source.group}_${source.names.plural}.yaml`, buildCrd(source)]),
  );
}

const GENERATED_HEADER =
  "# generated — do not edit.\n" +
  "# Source: the zod schemas in lib/crds/. Regenerate with `npm run generate`.\n";

/** The exact text of one generated CRD file: the header, then the manifest as YAML. */
export function renderCrdYaml(manifest: CrdManifest): string {
  return GENERATED_HEADER + stringify(manifest, { lineWidth: 0 });
}
