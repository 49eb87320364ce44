// ConfigError construction and the one-line form used in logs and on the command line.
import { ErrorCode } from '../../common/errors.js';
import type { ConfigError } from '../model/types.js';

export function configError(
  file: string,
  object: string,
  field: string,
  message: string,
  code: string = ErrorCode.INVALID_OBJECT,
  line?: number,
): ConfigError {
  return { file, object, field, message, code, ...(line !== undefined && { line }) };
}

/** `dir/svc.yaml:12: Service default/web: spec.ports[1].port: must be an integer 1-65535, got 70000 (MESHLET_ERR_INVALID_OBJECT)` */
export function formatConfigError(e: ConfigError): string {
  const where = e.line !== undefined ? `${e.file}:${e.line}` : e.file;
  const parts = [where, e.object, e.field ? `${e.field}: ${e.message}` : e.message].filter((p) => p !== '');
  return `${parts.join(': ')} (${e.code})`;
}
