// Helpers of the decoder tests: the sidecar's real resources from the control plane's translator, and the
// error lines of a failed decode as `path: message`.
import assert from 'node:assert/strict';
import { translate } from '../../../control-plane/translate/index.js';
import type { XdsResource } from '../../../xds/resource.js';
import type { ServedTypeUrl } from '../../../xds/type-urls.js';
import type { Decoded } from '../../../proxy/xds/types.js';
import { smallMesh } from '../translate/fixtures.js';

/** The sidecar's resource of `type` named `name`, as the control plane serves it for smallMesh(). */
export function served(type: ServedTypeUrl, name: string): XdsResource {
  const r = translate(smallMesh(), { role: 'sidecar', namespace: 'default' }).get(type)?.get(name);
  assert.ok(r, `no ${type} ${name} in the translated mesh`);
  return r;
}

export function valueOf<T>(d: Decoded<T>): T {
  if (!d.ok) assert.fail(`unexpected errors: ${d.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  return d.value;
}

export function errorsOf<T>(d: Decoded<T>): string[] {
  if (d.ok) assert.fail('expected errors, got a value');
  return d.errors.map((e) => `${e.path}: ${e.message}`);
}
