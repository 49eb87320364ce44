// Container-style configuration for the demo apps: environment variables read once at start, checked, and
// turned into a typed config; every problem is reported with the variable's name. Also the `main` shared by
// the four app files (start from process.env, print where it listens, stop cleanly on SIGTERM/SIGINT).
import { pathToFileURL } from 'node:url';

export type Env = Readonly<Record<string, string | undefined>>;

export interface CommonConfig {
  /** Address to listen on; HOST, default 0.0.0.0. */
  readonly host: string;
  /** PORT (0 = any free port). */
  readonly port: number;
  /** POD_NAME, default the host name of the process. */
  readonly podName: string;
  /** POD_IP (downward API), '' when not set (run alone). */
  readonly podIp: string;
  /** NODE_NAME (downward API), '' when not set (run alone). */
  readonly nodeName: string;
}

export interface RunningApp {
  /** The bound port (useful with PORT=0). */
  readonly port: number;
  /** Exports spans still buffered. */
  flush(): Promise<void>;
  /** Stops listening, closes clients, exports what is buffered. */
  close(): Promise<void>;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`bad configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Collects problems while reading variables; `done()` throws them all at once. */
export class EnvReader {
  private readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  string(name: string, fallback?: string): string {
    const value = this.env[name]?.trim();
    if (value !== undefined && value !== '') return value;
    if (fallback !== undefined) return fallback;
    this.problems.push(`${name} is required`);
    return '';
  }

  port(name: string, fallback?: number): number {
    const raw = this.string(name, fallback === undefined ? undefined : String(fallback));
    const port = Number(raw);
    if (raw !== '' && (!/^\d+$/.test(raw) || port > 65535)) this.problems.push(`${name}: "${raw}" is not a port`);
    return port;
  }

  url(name: string): string {
    const raw = this.string(name);
    if (raw !== '' && !(URL.canParse(raw) && /^https?:$/.test(new URL(raw).protocol))) {
      this.problems.push(`${name}: "${raw}" is not an http(s) URL`);
    }
    return raw.replace(/\/+$/, '');
  }

  /** host:port, as gRPC and TCP clients take it. */
  address(name: string): { host: string; port: number } {
    const raw = this.string(name);
    const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(raw);
    const port = Number(m?.[2]);
    if (raw !== '' && (!m || port > 65535)) this.problems.push(`${name}: "${raw}" is not host:port`);
    return { host: (m?.[1] ?? '').replace(/^\[|\]$/g, ''), port };
  }

  common(defaultPort: number): CommonConfig {
    return {
      host: this.string('HOST', '0.0.0.0'),
      port: this.port('PORT', defaultPort),
      podName: this.string('POD_NAME', process.env['HOSTNAME'] ?? 'local'),
      podIp: this.string('POD_IP', ''),
      nodeName: this.string('NODE_NAME', ''),
    };
  }

  done(): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
  }
}

/** Runs `start(process.env)` when `moduleUrl` is the entry point (`node --import tsx examples/demo-app/x.ts`). */
export function runIfMain(moduleUrl: string, name: string, start: (env: Env) => Promise<RunningApp>): void {
  const entry = process.argv[1];
  if (entry === undefined || pathToFileURL(entry).href !== moduleUrl) return;
  start(process.env).then(
    (app) => {
      console.log(`${name} listening on port ${app.port}`);
      const stop = (): void => {
        app.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    },
    (err: unknown) => {
      console.error(`${name}: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
