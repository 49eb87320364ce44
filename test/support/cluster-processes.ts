// Processes a localcluster e2e test starts in its namespaces, and the backstop that removes them and the
// cluster's namespaces when the test process exits, also after a failure or an interrupt.
import type { ChildProcess } from 'node:child_process';
import { destroyCluster } from '../../localcluster/network/apply.js';

export class ClusterProcesses {
  private readonly started = new Set<ChildProcess>();

  /** `enabled` false (the suite is skipped): no exit hook. */
  constructor(cluster: string, enabled: boolean) {
    if (!enabled) return;
    process.on('exit', () => {
      this.stopAll();
      try {
        destroyCluster(cluster);
      } catch (e) {
        console.error(`# could not remove cluster ${cluster}: ${(e as Error).message}`);
      }
    });
  }

  add(child: ChildProcess): ChildProcess {
    this.started.add(child);
    return child;
  }

  /** SIGKILL to the process group of every child still running. */
  stopAll(): void {
    for (const child of this.started) {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) continue;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    this.started.clear();
  }
}
