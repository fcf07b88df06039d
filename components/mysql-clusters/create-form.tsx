"use client";

import { ActionGroup, Alert, Button, Form, PageSection } from "@patternfly/react-core";
import { useRouter } from "next/navigation";
import { useRef } from "react";
import { useForm, useWatch } from "react-hook-form";
import {
  CreateMySQLClusterRequestSchema,
  type CreateMySQLClusterInput,
  type CreateMySQLClusterRequest,
} from "@/lib/api/mysql-clusters";
import { Dns1123LabelSchema } from "@/lib/crds/common";
import { DEFAULT_VERSION, MySQLEngineSchema } from "@/lib/crds/mysql-cluster";
import { PageHeading } from "../layout/page-heading";
import { showServerError } from "./form-errors";
import { SelectField, TextField } from "./form-fields";
import { apiSchemaResolver } from "./form-resolver";
import { useCreateMySQLCluster, useCreatePermission } from "./use-mysql-clusters";

const REASON_ID = "create-refused-reason";
const ENGINE_LABELS = { mysql: "MySQL 8.4 LTS", mariadb: "MariaDB" } as const;

type FormInput = CreateMySQLClusterInput;
/**
 * The create form: validated in the browser with the CRD's own zod schema, then again by the
 * API and by Kubernetes; their field errors are shown on the fields.
 */
export function CreateClusterForm({ namespace }: { namespace: string }) {
  const router = useRouter();
  const create = useCreateMySQLCluster();
  const form = useForm<FormInput, unknown, CreateMySQLClusterRequest>({
    resolver: apiSchemaResolver(CreateMySQLClusterRequestSchema),
    mode: "onTouched",
    defaultValues: {
      metadata: { name: "", namespace },
      spec: {
        engine: "mysql",
        version: DEFAULT_VERSION.mysql,
        replicas: 3,
        storage: { size: "10Gi" },
      },
    },
  });
  const { control, handleSubmit, setError, setValue, getFieldState, formState } = form;
  const rootError = formState.errors.root?.server?.message;

  const formNamespace = useWatch({ control, name: "metadata.namespace" }) ?? namespace;
  const permission = useCreatePermission(
    Dns1123LabelSchema.safeParse(formNamespace).success ? formNamespace : namespace,
  );
  // Set synchronously, so a double click cannot send a second POST before React re-renders.
  const inFlight = useRef(false);
  const busy = formState.isSubmitting || create.isPending || formState.isSubmitSuccessful;

  const submit = async (request: CreateMySQLClusterRequest) => {
    if (!permission.allowed) return;
    try {
      const created = await create.mutateAsync(request);
      const ns = created.metadata.namespace ?? request.metadata.namespace ?? namespace;
      router.push(
        `/mysqlclusters/${encodeURIComponent(ns)}/${encodeURIComponent(created.metadata.name)}`,
      );
    } catch (err) {
      showServerError(err, setError);
      throw err; // keeps isSubmitSuccessful false
    }
  };

  return (
    <PageSection>
      <PageHeading>Create MySQL cluster</PageHeading>
      <Form
        onSubmit={(event) => {
          event.preventDefault();
          if (inFlight.current) return;
          inFlight.current = true;
          void handleSubmit(submit)(event)
            .catch(() => undefined)
            .finally(() => {
              inFlight.current = false;
            });
        }}
        noValidate
        style={{ maxWidth: "40rem" }}
        aria-describedby={permission.allowed ? undefined : REASON_ID}
      >
        {permission.allowed ? null : (
          <Alert
            isInline
            variant={permission.pending ? "info" : "warning"}
            title={
              permission.pending
                ? "Checking your permissions…"
                : "You may not create MySQL clusters here"
            }
            data-testid="create-refused"
          >
            <span id={REASON_ID}>{permission.reason}</span>
          </Alert>
        )}
        {rootError ? (
          <Alert isInline variant="danger" title="Not created" data-testid="create-error">
            {rootError}
          </Alert>
        ) : null}
        <TextField
          control={control}
          name="metadata.namespace"
          label="Namespace"
          isRequired
          isDisabled={busy}
        />
        <fieldset disabled={!permission.allowed || busy} style={{ display: "contents" }}>
          <TextField
            control={control}
            name="metadata.name"
            label="Name"
            isRequired
            hint="Starts with a lower-case letter; lower-case letters, digits and '-'; at most 52 characters."
          />
          <SelectField
            control={control}
            name="spec.engine"
            label="Engine"
            isRequired
            options={MySQLEngineSchema.options.map((e) => ({ value: e, label: ENGINE_LABELS[e] }))}
            onValueChange={(engine) => {
              const parsed = MySQLEngineSchema.safeParse(engine);
              if (parsed.success && !getFieldState("spec.version").isDirty) {
                setValue("spec.version", DEFAULT_VERSION[parsed.data]);
              }
            }}
          />
          <TextField
            control={control}
            name="spec.version"
            label="Version"
            isRequired
            hint="major.minor, e.g. 8.4"
          />
          <TextField
            control={control}
            name="spec.replicas"
            label="Replicas"
            type="number"
            isRequired
            hint="One primary and replicas − 1 read replicas (1–9)."
          />
          <TextField
            control={control}
            name="spec.storage.size"
            label="Storage size"
            isRequired
            hint="Per server, e.g. 10Gi."
          />
        </fieldset>
        <ActionGroup>
          <Button type="submit" isLoading={busy} isDisabled={busy || !permission.allowed}>
            Create
          </Button>
          <Button
            variant="link"
            onClick={() => router.push(`/mysqlclusters?namespace=${encodeURIComponent(namespace)}`)}
          >
            Cancel
          </Button>
        </ActionGroup>
      </Form>
    </PageSection>
  );
}
