/** How many cluster names a hint lists before it says how many more there are. */
const LISTED = 8;

function listed(names: readonly string[]): string {
  const shown = names.slice(0, LISTED).join(", ");
  return names.length > LISTED ? `${shown} and ${names.length - LISTED} more` : shown;
}

/**
 * The words under a field that names a cluster (a MySQLBackup's `spec.clusterName`, a
 * KafkaTopic's, …), from the clusters of that kind in the form's namespace: which exist while
 * the field is empty, and that the typed name is not one of them. `undefined` when the names are
 * not known (still loading, or not readable): the schema's description is shown then.
 *
 * @param kind - the cluster kind, e.g. `MySQLCluster`.
 * @param names - the names of the namespace's clusters of that kind, or `undefined`.
 */
export function clusterRefHint(
  kind: string,
  namespace: string,
  value: string,
  names: readonly string[] | undefined,
): string | undefined {
  if (names === undefined || namespace === "") return undefined;
  const sorted = [...names].sort();
  if (sorted.length === 0) return `There is no ${kind} in namespace ${namespace} yet.`;
  const typed = value.trim();
  if (typed === "") return `${kind}s in namespace ${namespace}: ${listed(sorted)}.`;
  if (sorted.includes(typed)) return `${kind} ${typed}, in namespace ${namespace}.`;
  return `${kind} ${typed} does not exist in namespace ${namespace}; it has ${listed(sorted)}.`;
}
