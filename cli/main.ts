#!/usr/bin/env node
// The `meshlet` command: parses flags and wires components; no logic worth testing lives here.
import { Command } from 'commander';
import { registerCluster } from './cluster.js';
import { registerControlPlane } from './control-plane.js';
import { registerDemo } from './demo.js';
import { registerDns } from './dns.js';
import { registerGateway } from './gateway.js';
import { registerGet } from './get.js';
import { registerNodeProxy } from './node-proxy.js';
import { registerProxyStatus } from './proxy-status.js';
import { registerSidecar } from './sidecar.js';

const program = new Command()
  .name('meshlet')
  .description(
    'meshlet: a service mesh for learning and prototyping Kubernetes networking.\n' +
      'Every flag can also be set as MESHLET_<FLAG> in the environment (e.g. MESHLET_XDS_LISTEN).',
  )
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)');

registerControlPlane(program);
registerSidecar(program);
registerNodeProxy(program);
registerGateway(program);
registerDns(program);
registerProxyStatus(program);
registerGet(program);
registerCluster(program);
registerDemo(program);

await program.parseAsync(process.argv);
