"use client";

import {
  ActionGroup,
  Alert,
  Button,
  Form,
  PageSection,
  ToggleGroup,
  ToggleGroupItem,
} from "@patternfly/react-core";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useRef, useState } from "react";
import type { KindInfo } from "@/lib/api/kinds";
import { PageHeading } from "../layout/page-heading";
import { parseYaml, toYaml } from "../yaml-editor/yaml-text";
import { YamlEditor } from "../yaml-editor/yaml-editor";
import { ErrorSummary } from "./error-summary";
import { ResourceFormContext, type ResourceFormState } from "./form-context";
import { isJsonObject, setAt, type FieldPath, type JsonObject } from "./object-path";
import {
  followFieldChange,
  kindLabel,
  requestSchemaFor,
  serverFieldErrors,
  validateDocument,
  type FieldErrors,
  type FormMode,
} from "./resource-document";
import { PropertyFields, SchemaField } from "./schema-field";
import {
  immutableReason,
  isRequiredAt,
  nodeAt,
  specJsonSchema,
  type SchemaNode,
} from "./schema-node";
import { sendResource, useKindPermission } from "./use-resource-api";

const REASON_ID = "form-refused-reason";
const YAML_PROBLEM_ID = "form-yaml-problem";
const NAME_NODE: SchemaNode = { type: "string" };
const LABELS_NODE: SchemaNode = {
  type: "object",
  additionalProperties: { type: "string" },
  description: "Labels of the object, e.g. team: payments.",
};
const ANNOTATIONS_NODE: SchemaNode = {
  type: "object",
  additionalProperties: { type: "string" },
  description: "Annotations of the object.",
};

/** Props of {@link ResourceForm}. */
export interface ResourceFormProps {
  kind: KindInfo;
  mode: FormMode;
  /** The document to start from: a new object's defaults, or the editable part of one. */
  initial: JsonObject;
}

/**
 * The create or edit form of any kind, generated from its CRD schema: every spec field with its
 * default, description and required mark; a Form | YAML toggle over one document, so switching
 * loses nothing; validation in the browser with the kind's zod schema, then a server dry run
 * (`?dryRun=All`: admission and the CRD's CEL rules) and only then the real call, each refusal's
 * field causes shown on their fields.
 */
export function ResourceForm({ kind, mode, initial }: ResourceFormProps) {
  const router = useRouter();
  const label = kindLabel(kind);
  const spec = useMemo(() => specJsonSchema(kind.specSchema), [kind]);
  const requestSchema = useMemo(() => requestSchemaFor(kind, mode), [kind, mode]);
  const [document, setDocument] = useState<JsonObject>(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [validated, setValidated] = useState(false);
  const [view, setView] = useState<"form" | "yaml">("form");
  const [yamlText, setYamlText] = useState("");
  const [yamlProblem, setYamlProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const [done, setDone] = useState(false);
  // Set synchronously, so a double click cannot send a second request before React re-renders.
  const inFlight = useRef(false);

  const metadata = isJsonObject(document.metadata) ? document.metadata : {};
  const namespace = typeof metadata.namespace === "string" ? metadata.namespace : "";
  const permission = useKindPermission(kind, namespace, mode === "create" ? "create" : "update");
  const locked = busy || done;

  const keepEmpty = (path: FieldPath) =>
    path.length <= 1 || (path[0] === "spec" && isRequiredAt(spec, path.slice(1)));
  const update = (next: JsonObject) => {
    setDocument(next);
    if (validated) setErrors(validateDocument(requestSchema, next));
  };
  const state: ResourceFormState = {
    plural: kind.plural,
    document,
    errors,
    setValue: (path, value) =>
      update(followFieldChange(kind.plural, setAt(document, path, value, keepEmpty), path)),
    readOnly: (path) => {
      // Refused by RBAC: every field says so (the namespace stays, to pick one that allows it).
      const picksNamespace = mode === "create" && path.join(".") === "metadata.namespace";
      if (!permission.allowed && !picksNamespace) return permission.reason;
      if (mode !== "update") return undefined;
      if (path[0] === "metadata" && (path[1] === "name" || path[1] === "namespace")) {
        return "cannot change: it names the object";
      }
      return path[0] === "spec" ? immutableReason(nodeAt(spec, path.slice(1))) : undefined;
    },
  };

  // PatternFly's ToggleGroupItem passes no aria props to its button: name the disabled Form
  // button's reason (the YAML problem) on the button itself.
  const formToggleDisabled = view === "yaml" && yamlProblem !== null;
  useEffect(() => {
    const button = window.document.getElementById("view-form");
    if (formToggleDisabled) button?.setAttribute("aria-describedby", YAML_PROBLEM_ID);
    else button?.removeAttribute("aria-describedby");
  }, [formToggleDisabled]);

  const showYaml = () => {
    setYamlText(toYaml(document));
    setYamlProblem(null);
    setView("yaml");
  };
  const editYaml = (text: string) => {
    setYamlText(text);
    const parsed = parseYaml(text);
    if (!parsed.ok) {
      setYamlProblem(parsed.line ? `line ${parsed.line}: ${parsed.message}` : parsed.message);
      return;
    }
    setYamlProblem(null);
    update(parsed.value);
  };

  const submit = async () => {
    const problems = validateDocument(requestSchema, document);
    setValidated(true);
    setErrors(problems);
    if (Object.keys(problems).length > 0 || yamlProblem) {
      setAttempt((n) => n + 1);
      return;
    }
    setBusy(true);
    try {
      await sendResource(kind, mode, document, true);
      const saved = await sendResource(kind, mode, document, false);
      setDone(true);
      const ns = saved.metadata.namespace ?? namespace;
      router.push(
        `/${kind.plural}/${encodeURIComponent(ns)}/${encodeURIComponent(saved.metadata.name)}`,
      );
    } catch (err) {
      setErrors(serverFieldErrors(err, label));
      setAttempt((n) => n + 1);
    } finally {
      setBusy(false);
    }
  };

  const verb = mode === "create" ? "create" : "update";

  return (
    <PageSection>
      <PageHeading>
        {mode === "create"
          ? `Create ${label}`
          : `Edit ${label} ${typeof metadata.name === "string" ? metadata.name : ""}`}
      </PageHeading>
      <ResourceFormContext.Provider value={state}>
        <Form
          onSubmit={(event) => {
            event.preventDefault();
            if (inFlight.current || !permission.allowed) return;
            inFlight.current = true;
            void submit().finally(() => {
              inFlight.current = false;
            });
          }}
          noValidate
          style={{ maxWidth: view === "yaml" ? "60rem" : "44rem" }}
          aria-describedby={permission.allowed ? undefined : REASON_ID}
        >
          {permission.allowed ? null : (
            <Alert
              isInline
              variant={permission.pending ? "info" : "warning"}
              title={
                permission.pending
                  ? "Checking your permissions…"
                  : `You may not ${verb} ${label}s here`
              }
              data-testid={mode === "create" ? "create-refused" : "edit-refused"}
            >
              <span id={REASON_ID}>{permission.reason}</span>
            </Alert>
          )}
          <ErrorSummary
            title={mode === "create" ? "Not created" : "Not saved"}
            errors={errors}
            attempt={attempt}
          />
          <ToggleGroup aria-label="View">
            <ToggleGroupItem
              text="Form"
              buttonId="view-form"
              isSelected={view === "form"}
              isDisabled={formToggleDisabled}
              onChange={() => setView("form")}
            />
            <ToggleGroupItem
              text="YAML"
              buttonId="view-yaml"
              isSelected={view === "yaml"}
              onChange={() => (view === "yaml" ? undefined : showYaml())}
            />
          </ToggleGroup>
          {view === "yaml" ? (
            <>
              {yamlProblem ? (
                <Alert
                  isInline
                  variant="warning"
                  title="The YAML is not valid"
                  data-testid="yaml-problem"
                >
                  <span id={YAML_PROBLEM_ID}>
                    {yamlProblem}. Fix it to switch back to the form or to {verb}.
                  </span>
                </Alert>
              ) : null}
              <fieldset disabled={!permission.allowed || locked} style={{ display: "contents" }}>
                <YamlEditor
                  value={yamlText}
                  onChange={editYaml}
                  ariaLabel={`YAML of the ${label}`}
                  readOnly={!permission.allowed || locked}
                />
              </fieldset>
            </>
          ) : (
            <>
              <SchemaField
                path={["metadata", "namespace"]}
                node={NAME_NODE}
                label="Namespace"
                required
              />
              <fieldset disabled={!permission.allowed || locked} style={{ display: "contents" }}>
                <SchemaField path={["metadata", "name"]} node={NAME_NODE} label="Name" required />
                <PropertyFields path={["spec"]} node={spec} />
                <SchemaField
                  path={["metadata", "labels"]}
                  node={LABELS_NODE}
                  label="Labels"
                  required={false}
                />
                <SchemaField
                  path={["metadata", "annotations"]}
                  node={ANNOTATIONS_NODE}
                  label="Annotations"
                  required={false}
                />
              </fieldset>
            </>
          )}
          <ActionGroup>
            <Button
              type="submit"
              isLoading={locked}
              isDisabled={locked || !permission.allowed || yamlProblem !== null}
            >
              {mode === "create" ? "Create" : "Save"}
            </Button>
            <Button
              variant="link"
              onClick={() =>
                router.push(`/${kind.plural}?namespace=${encodeURIComponent(namespace)}`)
              }
            >
              Cancel
            </Button>
          </ActionGroup>
        </Form>
      </ResourceFormContext.Provider>
    </PageSection>
  );
}
