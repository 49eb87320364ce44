export interface OriginalDestination {
  /** The address the client connected to before REDIRECT, e.g. a ClusterIP. */
  readonly address: string;
  readonly port: number;
  readonly family: 4 | 6;
}
/** The original destination of an accepted, redirected TCP connection; null when it was not redirected. */
export function getOriginalDst(fd: number): OriginalDestination | null;
