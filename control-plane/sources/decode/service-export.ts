// multicluster.x-k8s.io/v1alpha1 ServiceExport (KEP-1645 Multi-Cluster Services API): its presence exports the
// Service of the same namespace and name to the cluster set; it has no spec.
import type { ServiceExport } from '../../model/types.js';
import { decodeMeta, type Decoder } from './context.js';
import { dns1035Label } from './validate.js';

export const decodeServiceExport: Decoder<ServiceExport> = (root, ctx) => ({
  kind: 'ServiceExport',
  // Named after the Service it exports, so the name follows the Service naming rule.
  meta: decodeMeta(root, ctx.origin, dns1035Label),
});
