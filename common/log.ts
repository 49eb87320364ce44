// One pino logger per process, JSON lines on stderr (stdout stays free for command output such as tables).
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(component: string, level: string = process.env['MESHLET_LOG_LEVEL'] ?? 'info'): Logger {
  return pino({ name: component, level, base: { component } }, pino.destination({ fd: 2, sync: false }));
}

/** A logger that drops everything: for tests and benchmarks that do not read logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
