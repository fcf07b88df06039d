/**
 * The Pilothouse operator process: `npm run operator`.
 *
 * Reads its configuration from the environment (see ./config.ts), talks to the apiserver as the
 * identity in `KUBECONFIG` (or the in-cluster ServiceAccount) and runs the controllers until
 * SIGINT or SIGTERM.
 */
import { KubeConfig } from "@kubernetes/client-node";
import { loadOperatorConfig } from "./config";
import { createLogger } from "./log";
import { startMySQLClusterController } from "./mysql-cluster/setup";

async function main(): Promise<void> {
  const config = loadOperatorConfig();
  const logger = createLogger(config.logLevel);
  const kubeConfig = new KubeConfig();
  if (config.kubeconfigPath) kubeConfig.loadFromFile(config.kubeconfigPath);
  else kubeConfig.loadFromCluster();

  logger.info(
    {
      server: kubeConfig.getCurrentCluster()?.server,
      user: kubeConfig.getCurrentUser()?.name,
      workers: config.workers,
      resyncSeconds: config.resyncSeconds,
      shard: config.shard ?? "(unlabelled clusters)",
    },
    "operator starting",
  );
  const mysqlClusters = startMySQLClusterController({ kubeConfig, logger, ...config });

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "operator stopping");
    mysqlClusters.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "operator did not stop cleanly");
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);

  await mysqlClusters.waitForSync();
  logger.info("operator running: caches synced");
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
