// The processes around the sidecar: the origin (nginx answering `hello\n` over HTTP/1.1 and h2c) and the two
// peers it is measured against — haproxy in TCP mode (the L4 peer) and nginx as an HTTP reverse proxy with
// upstream keep-alive (the L7 peer). Each peer runs one worker / one thread, as the sidecar is one Node.js
// event loop. Configuration files live in a directory the caller owns; every process runs in the foreground in
// a namespace of the world, so it is killed with the world.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Host, WorldProcess } from '../../test/support/world.js';

export const ORIGIN_HTTP_PORT = 8080;
export const ORIGIN_H2C_PORT = 8081;
export const BODY = 'hello\n';
/** Where the peers listen in the client pod (loopback, so that the pod's capture rules leave them alone). */
export const HAPROXY_LISTEN = '127.0.0.3:80';
export const NGINX_LISTEN = '127.0.0.4:80';

/** Long-lived connections everywhere: no server closes a keep-alive connection during a run. */
const KEEPALIVE = 'keepalive_requests 1000000;\n  keepalive_timeout 300s;';

function nginxConf(dir: string, servers: string): string {
  const tmp = (name: string): string => `${name}_temp_path ${path.join(dir, name)};`;
  return `daemon off;
worker_processes 1;
pid ${path.join(dir, 'nginx.pid')};
error_log ${path.join(dir, 'error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
  default_type text/plain;
  ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(tmp).join('\n  ')}
  ${KEEPALIVE}
${servers}
}
`;
}

/** The origin: HTTP/1.1 on :8080 and h2c (prior knowledge, nginx's `listen … http2` without TLS) on :8081. */
export function originServers(ip: string): string {
  const answer = `location / { return 200 ${JSON.stringify(BODY)}; }`;
  return `  server { listen ${ip}:${ORIGIN_HTTP_PORT}; ${answer} }
  server { listen ${ip}:${ORIGIN_H2C_PORT} http2; ${answer} }`;
}

/** nginx as the L7 peer: proxy_pass with an upstream keep-alive pool, HTTP/1.1 both sides. */
export function nginxProxyServers(originIp: string): string {
  return `  upstream origin {
    server ${originIp}:${ORIGIN_HTTP_PORT};
    keepalive 64;
    ${KEEPALIVE}
  }
  server {
    listen ${NGINX_LISTEN};
    location / { proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }`;
}

/** haproxy as the L4 peer: TCP mode, one thread. */
export function haproxyConf(originIp: string): string {
  return `global
  nbthread 1
  maxconn 4000
defaults
  mode tcp
  timeout connect 5s
  timeout client 300s
  timeout server 300s
listen echo
  bind ${HAPROXY_LISTEN}
  server origin ${originIp}:${ORIGIN_HTTP_PORT}
`;
}

/** Starts nginx (master + one worker) with `servers` in the http block, its files under `dir/<label>`. */
export function startNginx(host: Host, dir: string, label: string, servers: string): WorldProcess {
  const own = path.join(dir, label);
  mkdirSync(own, { recursive: true });
  const conf = path.join(own, 'nginx.conf');
  writeFileSync(conf, nginxConf(own, servers));
  return host.spawn(label, 'nginx', ['-p', `${own}/`, '-c', conf, '-e', path.join(own, 'error.log')]);
}

export function startHaproxy(host: Host, dir: string, originIp: string): WorldProcess {
  const conf = path.join(dir, 'haproxy.cfg');
  writeFileSync(conf, haproxyConf(originIp));
  return host.spawn('haproxy', 'haproxy', ['-db', '-f', conf]);
}
