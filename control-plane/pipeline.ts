// The control plane's data flow, wired once: manifests (watched, debounced) → model → translate → snapshot cache.
// The ADS server and the admin server read the cache and the model's errors; nothing here touches sockets.
import type { Logger } from '../common/log.js';
import type { ControlPlaneMetrics } from './admin/metrics.js';
import type { SnapshotCache } from './cache/snapshot-cache.js';
import { buildModel, type ModelOptions } from './model/index.js';
import type { ConfigError, MeshSnapshot } from './model/types.js';
import { formatConfigError, watchManifests, type ManifestWatcher, type StoreUpdate } from './sources/index.js';
import { translate } from './translate/index.js';

export interface PipelineOptions extends ModelOptions {
  readonly manifestsDir: string;
  readonly debounceMs: number;
  readonly cache: SnapshotCache;
  readonly logger: Logger;
  readonly metrics?: ControlPlaneMetrics;
  /** Clock for the "changed at" stamp that push-time metrics measure from. */
  readonly now?: () => number;
}

export interface Pipeline {
  /** The current model; undefined only before the first scan finished. */
  snapshot(): MeshSnapshot | undefined;
  /** Errors of the manifests and the model as last built (each names file, object and field). */
  errors(): readonly ConfigError[];
  warnings(): readonly ConfigError[];
  close(): Promise<void>;
}

export async function startPipeline(options: PipelineOptions): Promise<Pipeline> {
  const { cache, logger: log, metrics } = options;
  const now = options.now ?? Date.now;
  let snapshot: MeshSnapshot | undefined;
  let errors: readonly ConfigError[] = [];
  let warnings: readonly ConfigError[] = [];
  let reported = new Set<string>();

  /** Logs each error once, when it appears, and says when one is fixed: a rebuild is not news. */
  const report = (current: readonly ConfigError[]): void => {
    const next = new Set(current.map(formatConfigError));
    for (const e of current) {
      const text = formatConfigError(e);
      if (reported.has(text)) continue;
      log.error({ code: e.code, file: e.file, object: e.object, field: e.field }, text);
      metrics?.configErrors.add(1, { code: e.code });
    }
    for (const text of reported) if (!next.has(text)) log.info(`resolved: ${text}`);
    reported = next;
  };

  const onUpdate = ({ state }: StoreUpdate): void => {
    const changedAt = now();
    const started = performance.now();
    const result = buildModel(state, snapshot, options);
    errors = [...state.errors, ...result.errors];
    warnings = result.warnings;
    report([...errors, ...warnings]);
    if (result.snapshot === snapshot) return;
    const model = result.snapshot;
    snapshot = model;
    cache.update((group) => translate(model, group), changedAt);
    log.info(
      { generation: model.generation, services: model.services.length, ms: +(performance.now() - started).toFixed(1) },
      'configuration updated',
    );
  };

  const watcher: ManifestWatcher = await watchManifests(options.manifestsDir, {
    onUpdate,
    debounceMs: options.debounceMs,
    logger: log,
  });
  log.info({ dir: options.manifestsDir, mode: watcher.mode }, 'watching manifests');

  return {
    snapshot: () => snapshot,
    errors: () => errors,
    warnings: () => warnings,
    close: () => watcher.close(),
  };
}
