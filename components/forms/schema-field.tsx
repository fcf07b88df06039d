"use client";

import {
  Button,
  CodeBlock,
  CodeBlockCode,
  FormFieldGroup,
  FormFieldGroupHeader,
  FormGroup,
  FormSelect,
  FormSelectOption,
} from "@patternfly/react-core";
import { AngleDownIcon, AngleRightIcon } from "@patternfly/react-icons";
import { useId, useState } from "react";
import { BackupStorageField } from "./backup-storage-field";
import { ClusterRefField } from "./cluster-ref-field";
import { RestoreBackupField } from "./restore-backup-field";
import { ArrayField, MapField } from "./collection-fields";
import { FieldHelp, hasErrorWithin, useField, useResourceForm } from "./form-context";
import { dotted, type FieldPath } from "./object-path";
import {
  BooleanField,
  EnumField,
  IntOrStringField,
  NumberField,
  StringField,
  type FieldProps,
} from "./scalar-fields";
import {
  alternativeIndexFor,
  alternativesOf,
  blankValueOf,
  fieldKindOf,
  humanize,
  type SchemaNode,
} from "./schema-node";

/** The fields that name a cluster in the same namespace, by `plural path`, and its kind. */
const CLUSTER_REFS: Record<string, "mysqlclusters" | "kafkaclusters" | undefined> = {
  "mysqlbackups spec.clusterName": "mysqlclusters",
  "mysqlrestores spec.target.clusterName": "mysqlclusters",
  "kafkatopics spec.clusterName": "kafkaclusters",
  "kafkausers spec.clusterName": "kafkaclusters",
};

/**
 * The field for one schema node, chosen by {@link fieldKindOf}; a field naming a cluster lists
 * the namespace's clusters (see {@link CLUSTER_REFS}); a MySQLBackup's
 * `spec.storageName` offers its cluster's storages, a MySQLRestore's `spec.backupName` the
 * namespace's backups.
 */
export function SchemaField(props: FieldProps) {
  const { plural } = useResourceForm();
  if (plural === "mysqlbackups" && dotted(props.path) === "spec.storageName") {
    return <BackupStorageField {...props} />;
  }
  if (plural === "mysqlrestores" && dotted(props.path) === "spec.backupName") {
    return <RestoreBackupField {...props} />;
  }
  const clusterRef = CLUSTER_REFS[`${plural} ${dotted(props.path)}`];
  if (clusterRef) return <ClusterRefField {...props} plural={clusterRef} />;
  switch (fieldKindOf(props.node)) {
    case "string":
      return <StringField {...props} />;
    case "integer":
    case "number":
      return <NumberField {...props} />;
    case "boolean":
      return <BooleanField {...props} />;
    case "enum":
      return <EnumField {...props} />;
    case "int-or-string":
      return <IntOrStringField {...props} />;
    case "any-of":
      return <AnyOfField {...props} />;
    case "object":
      return <ObjectSection {...props} />;
    case "array":
      return <ArrayField {...props} renderItem={renderItem} />;
    case "map":
      return <MapField {...props} renderItem={renderItem} />;
    case "free-form":
      return <FreeFormField {...props} />;
  }
}

const renderItem = (path: FieldPath, node: SchemaNode, label: string) => (
  <SchemaField path={path} node={node} label={label} required />
);

/** The fields of an object's properties, in the schema's order. */
export function PropertyFields({ path, node }: { path: FieldPath; node: SchemaNode }) {
  const required = new Set(node.required ?? []);
  return (
    <>
      {Object.entries(node.properties ?? {}).map(([name, child]) => (
        <SchemaField
          key={name}
          path={[...path, name]}
          node={child}
          label={child.title ?? humanize(name)}
          required={required.has(name)}
        />
      ))}
    </>
  );
}

/**
 * A nested object as a collapsible section. Required sections and sections with a value start
 * open; a section with an error inside is always open, so the error can be seen.
 */
function ObjectSection({ path, node, label, required }: FieldProps) {
  const field = useField(path);
  const { errors } = useResourceForm();
  // `null` until the user toggles: open when required or when it has a value (which may arrive
  // later, e.g. a pool added when the KRaft mode changes).
  const [open, setOpen] = useState<boolean | null>(null);
  const forced = hasErrorWithin(errors, path);
  const expanded = (open ?? (required || field.value !== undefined)) || forced;
  const toggle = () => {
    if (!forced) setOpen(!expanded);
  };
  const titleId = useId();
  return (
    <div data-testid={`${field.id}-section`}>
      <FormFieldGroup
        header={
          <FormFieldGroupHeader
            titleText={{
              text: (
                // The title toggles too, a bigger mouse target; the keyboard and assistive
                // technology use the icon button, which says whether the section is expanded.
                <span
                  onClick={toggle}
                  style={{ cursor: forced ? undefined : "pointer" }}
                  data-testid={`${field.id}-title`}
                >
                  {label}
                </span>
              ),
              id: titleId,
            }}
            titleDescription={node.description}
            actions={
              <Button
                variant="plain"
                aria-expanded={expanded}
                aria-label={`${expanded ? "Collapse" : "Expand"} ${label}`}
                icon={expanded ? <AngleDownIcon /> : <AngleRightIcon />}
                isDisabled={forced}
                onClick={toggle}
              />
            }
          />
        }
      >
        {expanded ? (
          <>
            <FieldHelp id={field.id} error={field.error} />
            <PropertyFields path={path} node={node} />
          </>
        ) : null}
      </FormFieldGroup>
    </div>
  );
}

const alternativeLabel = (node: SchemaNode, index: number) =>
  node.title ??
  node.description ??
  (node.enum ? node.enum.join(" | ") : (node.type ?? `option ${index + 1}`));

/**
 * `anyOf` (a zod union): a select of the alternatives, then the field of the chosen one.
 * Switching alternatives starts the value afresh from the new alternative's default.
 */
function AnyOfField({ path, node, label, required }: FieldProps) {
  const field = useField(path);
  const alternatives = alternativesOf(node);
  const chosen = alternativeIndexFor(node, field.value);
  const selectId = `${field.id}-alternative`;
  const alternative = alternatives[chosen] ?? {};
  return (
    <>
      <FormGroup label={`${label}: kind of value`} fieldId={selectId} isRequired={required}>
        <FormSelect
          id={selectId}
          value={String(chosen)}
          isDisabled={field.readOnly}
          onChange={(_event, value) => {
            const next = alternatives[Number(value)];
            field.set(next ? blankValueOf(next) : undefined);
          }}
        >
          {alternatives.map((option, index) => (
            <FormSelectOption
              key={index}
              value={String(index)}
              label={alternativeLabel(option, index)}
            />
          ))}
        </FormSelect>
        <FieldHelp id={selectId} hint={node.description} />
      </FormGroup>
      <SchemaField
        path={path}
        node={{ ...alternative, description: alternative.description ?? node.description }}
        label={label}
        required={required}
      />
    </>
  );
}

/** A value the schema leaves open (preserve-unknown-fields): shown, edited in the YAML view. */
function FreeFormField({ path, node, label }: FieldProps) {
  const field = useField(path);
  return (
    <FormGroup label={label} fieldId={field.id}>
      <CodeBlock id={field.id}>
        <CodeBlockCode>{JSON.stringify(field.value ?? null, null, 2)}</CodeBlockCode>
      </CodeBlock>
      <FieldHelp
        id={field.id}
        error={field.error}
        hint={[node.description, "Edit this value in the YAML view."].filter(Boolean).join(" ")}
      />
    </FormGroup>
  );
}
