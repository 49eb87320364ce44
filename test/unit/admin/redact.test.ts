// The control plane's config_dump hides private keys as Envoy's does.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactSecrets } from '../../../control-plane/admin/redact.js';

test('every private_key, at any depth, becomes "[redacted]"; certificates and everything else stay', () => {
  const dump = {
    configs: [{
      resources: [{
        resource: {
          filter_chains: [{
            transport_socket: { typed_config: { common_tls_context: { tls_certificates: [{ certificate_chain: { inline_string: 'CERT' }, private_key: { inline_string: 'KEY' } }] } } },
          }],
        },
      }],
    }],
    other: { private_key_provider: 'kept', n: 1 },
  };
  const out = redactSecrets(dump);
  const cert = out.configs[0]?.resources[0]?.resource.filter_chains[0]?.transport_socket.typed_config.common_tls_context.tls_certificates[0];
  assert.deepEqual(cert, { certificate_chain: { inline_string: 'CERT' }, private_key: { inline_string: '[redacted]' } });
  assert.deepEqual(out.other, { private_key_provider: 'kept', n: 1 });
  assert.equal(dump.configs[0]?.resources[0]?.resource.filter_chains[0]?.transport_socket.typed_config.common_tls_context.tls_certificates[0]?.private_key.inline_string, 'KEY', 'the input is not changed');
  assert.doesNotMatch(JSON.stringify(out), /KEY/);
});
