"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { ActionGroup, Alert, Button, Form, PageSection, Title } from "@patternfly/react-core";
import { useRouter } from "next/navigation";
import { useForm, type FieldPath } from "react-hook-form";
import {
  CreateMySQLClusterRequestSchema,
  type CreateMySQLClusterInput,
  type CreateMySQLClusterRequest,
} from "@/lib/api/mysql-clusters";
import { DEFAULT_VERSION, MySQLEngineSchema } from "@/lib/crds/mysql-cluster";
import { ApiRequestError } from "../api/fetch-json";
import { SelectField, TextField } from "./form-fields";
import { useCreateMySQLCluster } from "./use-mysql-clusters";

type FormInput = CreateMySQLClusterInput;

/** Fields of the form, by the request body path that Kubernetes and the API report errors on. */
const FIELDS = new Set<string>([
  "metadata.name",
  "metadata.namespace",
  "spec.engine",
  "spec.version",
  "spec.replicas",
  "spec.storage.size",
]);
const isFormField = (field: string | undefined): field is FieldPath<FormInput> =>
  field !== undefined && FIELDS.has(field);

const ENGINE_LABELS = { mysql: "MySQL 8.4 LTS", mariadb: "MariaDB" } as const;

/**
 * The create form: validated in the browser with the CRD's own zod schema, then again by the
 * API and by Kubernetes; their field errors are shown on the fields.
 */
export function CreateClusterForm({ namespace }: { namespace: string }) {
  const router = useRouter();
  const create = useCreateMySQLCluster();
  const form = useForm<FormInput, unknown, CreateMySQLClusterRequest>({
    resolver: zodResolver(CreateMySQLClusterRequestSchema),
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

  const onSubmit = handleSubmit(async (request) => {
    try {
      const created = await create.mutateAsync(request);
      const ns = created.metadata.namespace ?? request.metadata.namespace ?? namespace;
      router.push(`/mysqlclusters?namespace=${encodeURIComponent(ns)}`);
    } catch (err) {
      const error = err instanceof ApiRequestError ? err : undefined;
      const unplaced: string[] = [];
      for (const cause of error?.causes ?? []) {
        if (isFormField(cause.field))
          setError(cause.field, { type: "server", message: cause.message });
        else unplaced.push(cause.field ? `${cause.field}: ${cause.message}` : cause.message);
      }
      if (error?.code === "AlreadyExists") {
        setError("metadata.name", { type: "server", message: "a cluster with this name exists" });
      }
      const message = [error?.message ?? String(err), ...unplaced].join(" — ");
      setError("root.server", { type: String(error?.status ?? "error"), message });
    }
  });

  return (
    <PageSection>
      <Title headingLevel="h1">Create MySQL cluster</Title>
      <Form onSubmit={(event) => void onSubmit(event)} noValidate style={{ maxWidth: "40rem" }}>
        {rootError ? (
          <Alert isInline variant="danger" title="Not created">
            {rootError}
          </Alert>
        ) : null}
        <TextField
          control={control}
          name="metadata.name"
          label="Name"
          isRequired
          hint="Lower-case letters, digits and '-'."
        />
        <TextField control={control} name="metadata.namespace" label="Namespace" isRequired />
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
        <ActionGroup>
          <Button
            type="submit"
            isLoading={formState.isSubmitting}
            isDisabled={formState.isSubmitting}
          >
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
