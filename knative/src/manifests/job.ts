import { containerEnvironment } from "./environment.ts";
import { type DeploymentSettings, imageOf, partOf, type Resource } from "./settings.ts";

export const migrateJobName = "mesh-six-migrate";

/**
 * Applies the SQL migrations and registers the agents' capabilities (the `migrate`
 * bundle). A finished Job is removed after an hour, so the next `kubectl apply -k`
 * creates it again (a Job's template cannot be changed in place); migrating twice is safe.
 */
export function migrationJob(settings: DeploymentSettings): Resource {
  const { env } = containerEnvironment(["DATABASE_URL", "LOG_LEVEL"], settings);
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: migrateJobName, namespace: settings.namespace, labels: { ...partOf } },
    spec: {
      backoffLimit: 6,
      ttlSecondsAfterFinished: 3600,
      template: {
        metadata: { labels: { ...partOf, "mesh-six.dev/job": "migrate" } },
        spec: {
          restartPolicy: "Never",
          containers: [
            {
              name: "migrate",
              image: imageOf("migrate", settings),
              env,
              resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
            },
          ],
        },
      },
    },
  };
}
