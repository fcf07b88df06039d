import "server-only";
import type { V1Secret } from "@kubernetes/client-node";
import type { BackupStorage } from "@/lib/crds/backup-storage";
import type { BackupStorageSpec } from "@/lib/crds/cluster-backup";
import type { MySQLCluster } from "@/lib/crds/mysql-cluster";
import { storageLocation } from "./resources";

/** Why a storage cannot be used; `code` becomes the MySQLBackup's error code. */
export class StorageAccessError extends Error {
  override readonly name = "StorageAccessError";

  constructor(
    readonly code: "StorageNotFound" | "CredentialsNotFound",
    message: string,
  ) {
    super(message);
  }
}

/** The storage called `name` in the cluster's `spec.backup.storages`, if any. */
export function findStorage(cluster: MySQLCluster, name: string): BackupStorageSpec | undefined {
  return cluster.spec.backup?.storages.find((storage) => storage.name === name);
}

/** The value of `key` in a Secret (`data` is base64, `stringData` is never returned by reads). */
function secretValue(secret: V1Secret | undefined, key: string): string | undefined {
  const encoded = secret?.data?.[key];
  return encoded === undefined ? undefined : Buffer.from(encoded, "base64").toString("utf8");
}

/**
 * Resolves a storage of a cluster's spec into what the backup engine uses: the location, the
 * access keys from its credentials Secret and the CA bundle from its CA Secret, all read through
 * the Kubernetes API in the cluster's namespace.
 *
 * @param readSecret reads a Secret, undefined when it does not exist.
 * @throws StorageAccessError `CredentialsNotFound` naming the missing Secret or key.
 */
export async function resolveStorage(
  namespace: string,
  storage: BackupStorageSpec,
  readSecret: (namespace: string, name: string) => Promise<V1Secret | undefined>,
): Promise<BackupStorage> {
  const ref = storage.s3.credentialsSecretRef;
  const secret = await readSecret(namespace, ref.name);
  if (!secret) {
    throw new StorageAccessError(
      "CredentialsNotFound",
      `Secret ${namespace}/${ref.name} (credentials of storage ${storage.name}) does not exist`,
    );
  }
  const accessKeyId = secretValue(secret, ref.accessKeyIdKey);
  const secretAccessKey = secretValue(secret, ref.secretAccessKeyKey);
  const missing = [
    accessKeyId ? "" : ref.accessKeyIdKey,
    secretAccessKey ? "" : ref.secretAccessKeyKey,
  ].filter(Boolean);
  if (!accessKeyId || !secretAccessKey) {
    throw new StorageAccessError(
      "CredentialsNotFound",
      `Secret ${namespace}/${ref.name} has no ${missing.join(" or ")} key (credentials of storage ${storage.name})`,
    );
  }
  let caBundle: string | undefined;
  const caRef = storage.s3.caBundleSecretRef;
  if (caRef) {
    caBundle = secretValue(await readSecret(namespace, caRef.name), caRef.key);
    if (!caBundle) {
      throw new StorageAccessError(
        "CredentialsNotFound",
        `Secret ${namespace}/${caRef.name} has no ${caRef.key} key (CA bundle of storage ${storage.name})`,
      );
    }
  }
  return { ...storageLocation(storage, caBundle), credentials: { accessKeyId, secretAccessKey } };
}
