"use client";

import {
  Button,
  FormFieldGroup,
  FormFieldGroupHeader,
  FormGroup,
  TextInput,
} from "@patternfly/react-core";
import { MinusCircleIcon, PlusCircleIcon } from "@patternfly/react-icons";
import { useId, useState, type ReactNode } from "react";
import { FieldHelp, fieldId, useField } from "./form-context";
import { isJsonObject, type FieldPath } from "./object-path";
import { blankValueOf, type SchemaNode } from "./schema-node";

/** Renders one item (array) or one value (map) with the schema walker. */
export type RenderItem = (path: FieldPath, node: SchemaNode, label: string) => ReactNode;

interface CollectionProps {
  path: FieldPath;
  node: SchemaNode;
  label: string;
  renderItem: RenderItem;
}

/** An array: one row per item, each removable, and a button that adds a row. */
export function ArrayField({ path, node, label, renderItem }: CollectionProps) {
  const field = useField(path);
  const items = Array.isArray(field.value) ? (field.value as unknown[]) : [];
  const itemNode = node.items ?? {};
  const titleId = useId();
  const add = () => {
    field.set([...items, blankValueOf(itemNode)]);
  };
  return (
    <div data-testid={`${field.id}-array`}>
      <FormFieldGroup
        header={
          <FormFieldGroupHeader
            titleText={{ text: label, id: titleId }}
            titleDescription={node.description}
          />
        }
      >
        {items.map((_item, index) => (
          <div key={index} style={{ display: "flex", gap: "0.5rem", alignItems: "flex-start" }}>
            <div style={{ flex: 1 }}>
              {renderItem([...path, index], itemNode, `${label} ${index + 1}`)}
            </div>
            <Button
              variant="plain"
              aria-label={`Remove ${label} ${index + 1}`}
              icon={<MinusCircleIcon />}
              isDisabled={field.readOnly}
              onClick={() => field.set(items.filter((_, i) => i !== index))}
            />
          </div>
        ))}
        <FieldHelp id={field.id} error={field.error} />
        <div>
          <Button
            variant="link"
            icon={<PlusCircleIcon />}
            onClick={add}
            isDisabled={field.readOnly}
          >
            Add to {label.toLowerCase()}
          </Button>
        </div>
      </FormFieldGroup>
    </div>
  );
}

interface MapRow {
  id: number;
  key: string;
  value: unknown;
}

let nextRowId = 0;
const rowsOf = (value: unknown): MapRow[] =>
  Object.entries(isJsonObject(value) ? value : {}).map(([key, item]) => ({
    id: nextRowId++,
    key,
    value: item,
  }));

/** The object a list of rows means: rows without a key are kept in the form but not sent. */
function objectOf(rows: MapRow[]): Record<string, unknown> {
  return Object.fromEntries(rows.filter((row) => row.key !== "").map((r) => [r.key, r.value]));
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * A map (`additionalProperties`, e.g. labels or topic configs): key and value rows. The rows live
 * in the component while keys are typed (a half-typed key must not merge with another), and are
 * rebuilt when the document changes elsewhere (the YAML view).
 */
export function MapField({ path, node, label, renderItem }: CollectionProps) {
  const field = useField(path);
  const [rows, setRows] = useState<MapRow[]>(() => rowsOf(field.value));
  const current = isJsonObject(field.value) ? field.value : {};
  const shownRows = sameJson(objectOf(rows), current) ? rows : rowsOf(current);
  if (shownRows !== rows) setRows(shownRows);
  const valueNode = isJsonObject(node.additionalProperties) ? node.additionalProperties : {};
  const titleId = useId();
  const update = (next: MapRow[]) => {
    setRows(next);
    const object = objectOf(next);
    field.set(Object.keys(object).length === 0 && next.length === 0 ? undefined : object);
  };
  const duplicates = new Set(
    shownRows.map((row) => row.key).filter((key, i, all) => key !== "" && all.indexOf(key) !== i),
  );
  return (
    <div data-testid={`${field.id}-map`}>
      <FormFieldGroup
        header={
          <FormFieldGroupHeader
            titleText={{ text: label, id: titleId }}
            titleDescription={node.description}
          />
        }
      >
        {shownRows.map((row, index) => {
          const keyId = `${fieldId(path)}-key-${index}`;
          return (
            <div key={row.id} style={{ display: "flex", gap: "0.5rem", alignItems: "flex-start" }}>
              <FormGroup label={`${label} key ${index + 1}`} fieldId={keyId} style={{ flex: 1 }}>
                <TextInput
                  id={keyId}
                  value={row.key}
                  validated={duplicates.has(row.key) ? "error" : "default"}
                  readOnlyVariant={field.readOnly ? "default" : undefined}
                  onChange={(_event, key) =>
                    update(shownRows.map((r) => (r.id === row.id ? { ...r, key } : r)))
                  }
                />
                {duplicates.has(row.key) ? (
                  <FieldHelp id={keyId} error="this key is used twice; the last row wins" />
                ) : null}
              </FormGroup>
              <div style={{ flex: 2 }}>
                {row.key === ""
                  ? null
                  : renderItem([...path, row.key], valueNode, `${label} value ${index + 1}`)}
              </div>
              <Button
                variant="plain"
                aria-label={`Remove ${label} ${index + 1}`}
                icon={<MinusCircleIcon />}
                isDisabled={field.readOnly}
                onClick={() => update(shownRows.filter((r) => r.id !== row.id))}
              />
            </div>
          );
        })}
        <FieldHelp id={field.id} error={field.error} />
        <div>
          <Button
            variant="link"
            icon={<PlusCircleIcon />}
            isDisabled={field.readOnly}
            onClick={() =>
              setRows([...shownRows, { id: nextRowId++, key: "", value: blankValueOf(valueNode) }])
            }
          >
            Add to {label.toLowerCase()}
          </Button>
        </div>
      </FormFieldGroup>
    </div>
  );
}
