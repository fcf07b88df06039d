/**
 * Admin access to the local platform for the integration tests: which kubeconfigs to use, and
 * installing the project's CRDs and RBAC from `deploy/` the way a user would.
 */
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  ApiextensionsV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  loadAllYaml,
  type KubernetesObject,
} from "@kubernetes/client-node";
import { eventually } from "./eventually";

export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** The kubeconfig files of the platform: admin, and the operator's ServiceAccount. */
export function platformKubeconfigs(): { admin: string; operator: string } {
  const admin = process.env.KUBECONFIG;
  const operator = process.env.PILOTHOUSE_OPERATOR_KUBECONFIG;
  if (!admin || !operator) {
    throw new Error(
      "The integration tests need a running control plane: run `./pilothouse up` and then " +
        "`source ~/.cache/pilothouse/state/dev/env.sh` (sets KUBECONFIG and " +
        `PILOTHOUSE_OPERATOR_KUBECONFIG). Missing: ${[
          admin ? "" : "KUBECONFIG",
          operator ? "" : "PILOTHOUSE_OPERATOR_KUBECONFIG",
        ]
          .filter(Boolean)
          .join(", ")}`,
    );
  }
  return { admin, operator };
}

/** A KubeConfig loaded from one kubeconfig file. */
export function kubeConfigFrom(path: string): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(path);
  return kubeConfig;
}

async function manifestsIn(folder: string): Promise<KubernetesObject[]> {
  const dir = join(REPO_ROOT, folder);
  const files = (await readdir(dir)).filter((file) => file.endsWith(".yaml")).sort();
  const documents = await Promise.all(files.map((file) => readFile(join(dir, file), "utf8")));
  return documents.flatMap((text) => loadAllYaml(text) as KubernetesObject[]).filter(Boolean);
}

/**
 * Applies every manifest in `deploy/crds` and `deploy/rbac` with server-side apply, then waits
 * until each CRD is Established.
 */
export async function installOperatorManifests(admin: KubeConfig): Promise<void> {
  const objects = KubernetesObjectApi.makeApiClient(admin);
  const crds = await manifestsIn("deploy/crds");
  for (const object of [...crds, ...(await manifestsIn("deploy/rbac"))]) {
    await objects.patch(
      object,
      undefined,
      undefined,
      "pilothouse-integration-tests",
      true,
      PatchStrategy.ServerSideApply,
    );
  }
  const extensions = admin.makeApiClient(ApiextensionsV1Api);
  for (const crd of crds) {
    const name = crd.metadata?.name ?? "";
    await eventually(`CRD ${name} to be Established`, async () => {
      const current = await extensions.readCustomResourceDefinition({ name });
      const established = current.status?.conditions?.find((c) => c.type === "Established");
      return established?.status === "True" ? true : undefined;
    });
  }
}
