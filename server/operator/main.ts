/**
 * The Pilothouse operator process: `npm run operator`.
 *
 * Reads its configuration from the environment (see ./config.ts), talks to the apiserver as the
 * identity in `KUBECONFIG` (or the in-cluster ServiceAccount), serves /metrics and /healthz,
 * waits for the leader Lease (unless leader election is off), and runs the controllers until
 * SIGINT or SIGTERM. A process that loses the Lease exits at once, so two operators never act
 * together; its restart is a candidate again.
 */
import { KubeConfig } from "@kubernetes/client-node";
import { loadOperatorConfig } from "./config";
import { createLogger } from "./log";
import { startOperatorHttpServer } from "./metrics/http-server";
import { OperatorMetrics } from "./metrics/registry";
import { startMySQLBackupControllers } from "./mysql-backup/setup";
import { startMySQLClusterController } from "./mysql-cluster/setup";
import { startMySQLRestoreController } from "./mysql-restore/setup";
import { loadKafkaOperatorConfig } from "./kafka-cluster/config";
import { startKafkaClusterController } from "./kafka-cluster/setup";
import { startKafkaTopicController } from "./kafka-topic/setup";
import { startKafkaUserController } from "./kafka-user/setup";
import { LeaderElector } from "./runtime/leader-election";
import { kubeLeaseStore, systemClock } from "./runtime/lease-store";

async function main(): Promise<void> {
  const config = loadOperatorConfig();
  const kafkaConfig = loadKafkaOperatorConfig(process.env);
  const logger = createLogger(config.logLevel);
  const kubeConfig = new KubeConfig();
  if (config.kubeconfigPath) kubeConfig.loadFromFile(config.kubeconfigPath);
  else kubeConfig.loadFromCluster();

  logger.info(
    {
      server: kubeConfig.getCurrentCluster()?.server,
      user: kubeConfig.getCurrentUser()?.name,
      identity: config.instanceName,
      workers: config.workers,
      resyncSeconds: config.resyncSeconds,
      probeSeconds: config.probeSeconds,
      databaseChecks: config.databaseChecks,
      shard: config.shard ?? "(unlabelled clusters)",
      lease: config.leaderElection
        ? `${config.leaderElection.namespace}/${config.leaderElection.leaseName}`
        : "(leader election off)",
    },
    "operator starting",
  );
  const metrics = new OperatorMetrics();
  const http =
    config.metricsPort === undefined
      ? undefined
      : await startOperatorHttpServer({
          port: config.metricsPort,
          registry: metrics.registry,
          healthy: () => true,
          logger,
        });

  let controllers: { stop(): Promise<void>; waitForSync(): Promise<void> }[] = [];
  const startControllers = async () => {
    metrics.leader.set(1);
    controllers = [
      startMySQLClusterController({ kubeConfig, logger, metrics, ...config }),
      startMySQLBackupControllers({ kubeConfig, logger, ...config }),
      startMySQLRestoreController({ kubeConfig, logger, metrics, ...config }),
      startKafkaClusterController({ kubeConfig, logger, metrics, ...config, ...kafkaConfig }),
      startKafkaTopicController({ kubeConfig, logger, ...config, ...kafkaConfig }),
      startKafkaUserController({ kubeConfig, logger, ...config, ...kafkaConfig }),
    ];
    await Promise.all(controllers.map((controller) => controller.waitForSync()));
    logger.info("operator running: caches synced");
  };

  const election = config.leaderElection;
  const leaseSeconds = election?.leaseSeconds ?? 15;
  const elector = election
    ? new LeaderElector({
        identity: config.instanceName,
        store: kubeLeaseStore(kubeConfig, election.namespace, election.leaseName),
        leaseDurationSeconds: leaseSeconds,
        // client-go's proportions: renew deadline 2/3 of the lease, retries 2/15 of it.
        renewDeadlineMs: (leaseSeconds * 2000) / 3,
        retryPeriodMs: (leaseSeconds * 2000) / 15,
        clock: systemClock,
        logger,
      })
    : undefined;

  const stopping = new AbortController();
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping.signal.aborted) return;
    stopping.abort();
    logger.info({ signal }, "operator stopping");
    Promise.all(controllers.map((controller) => controller.stop()))
      .then(() => elector?.release())
      .then(() => http?.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, "operator did not stop cleanly");
          process.exit(1);
        },
      );
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);

  if (!elector) return startControllers();
  metrics.leader.set(0);
  logger.info("waiting for the leader lease");
  await elector.lead(
    stopping.signal,
    () => {
      logger.info("leading: starting the controllers");
      startControllers().catch((error: unknown) => {
        logger.error({ err: error }, "controllers failed to start");
        process.exit(1);
      });
    },
    () => {
      metrics.leader.set(0);
      logger.error("lost the leader lease: exiting so that no two operators act at once");
      process.exit(1);
    },
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
