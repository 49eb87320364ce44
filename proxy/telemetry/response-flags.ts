// Envoy's response flags: why a request or connection ended the way it did, in the short codes Envoy prints in
// %RESPONSE_FLAGS% (and Istio puts in its access log and its `response_flags` metric label). Only the flags a
// sidecar can raise are here. A set of flags is a bit mask, so the hot path combines them with `|=` and the text
// is formatted once per distinct mask and cached.

/** A set of response flags: the bitwise OR of `ResponseFlag` values; 0 is none. */
export type ResponseFlags = number;

// The bit values and their order are Envoy's (envoy/stream_info/stream_info.h, ResponseFlagUtils' table), so a
// combination prints in the order Envoy prints it: 'UF,URX', never 'URX,UF'.
export const ResponseFlag = {
  /** UH: no healthy upstream host in the cluster. */
  NoHealthyUpstream: 0x2,
  /** UT: upstream request timeout (the route's timeout fired). */
  UpstreamRequestTimeout: 0x4,
  /** LR: the proxy reset the connection or stream itself. */
  LocalReset: 0x8,
  /** UR: the upstream reset the stream. */
  UpstreamRemoteReset: 0x10,
  /** UF: connecting to the upstream failed. */
  UpstreamConnectionFailure: 0x20,
  /** UC: the upstream connection closed before the response was complete. */
  UpstreamConnectionTermination: 0x40,
  /** UO: upstream overflow, a circuit breaker (max connections, pending requests, requests) tripped. */
  UpstreamOverflow: 0x80,
  /** NR: no route matched the request (or no filter chain matched the connection). */
  NoRouteFound: 0x100,
  /** DC: the downstream connection closed before the response was complete. */
  DownstreamConnectionTermination: 0x4000,
  /** URX: the retry limit (or the TCP proxy's connect attempts) ran out. */
  UpstreamRetryLimitExceeded: 0x8000,
  /** DPE: the downstream request broke the HTTP protocol. */
  DownstreamProtocolError: 0x40000,
  /** NC: the route or filter chain names a cluster the proxy does not have. */
  NoClusterFound: 0x1000000,
} as const;

export interface ResponseFlagInfo {
  readonly flag: number;
  readonly code: string;
  readonly meaning: string;
}

/** Every flag with its short code and meaning, in Envoy's print order. */
export const RESPONSE_FLAGS: readonly ResponseFlagInfo[] = [
  { flag: ResponseFlag.NoHealthyUpstream, code: 'UH', meaning: 'no healthy upstream' },
  { flag: ResponseFlag.UpstreamRequestTimeout, code: 'UT', meaning: 'upstream request timeout' },
  { flag: ResponseFlag.LocalReset, code: 'LR', meaning: 'local reset' },
  { flag: ResponseFlag.UpstreamRemoteReset, code: 'UR', meaning: 'upstream remote reset' },
  { flag: ResponseFlag.UpstreamConnectionFailure, code: 'UF', meaning: 'upstream connection failure' },
  { flag: ResponseFlag.UpstreamConnectionTermination, code: 'UC', meaning: 'upstream connection termination' },
  { flag: ResponseFlag.UpstreamOverflow, code: 'UO', meaning: 'upstream overflow (circuit breaker)' },
  { flag: ResponseFlag.NoRouteFound, code: 'NR', meaning: 'no route' },
  { flag: ResponseFlag.DownstreamConnectionTermination, code: 'DC', meaning: 'downstream connection termination' },
  { flag: ResponseFlag.UpstreamRetryLimitExceeded, code: 'URX', meaning: 'upstream retry limit exceeded' },
  { flag: ResponseFlag.DownstreamProtocolError, code: 'DPE', meaning: 'downstream protocol error' },
  { flag: ResponseFlag.NoClusterFound, code: 'NC', meaning: 'no cluster found' },
];

/** Every known flag at once; `flags & ALL_RESPONSE_FLAGS` drops unknown bits. */
export const ALL_RESPONSE_FLAGS: ResponseFlags = RESPONSE_FLAGS.reduce((mask, f) => mask | f.flag, 0);

/** What Envoy prints when no flag is set. */
export const NO_RESPONSE_FLAGS = '-';

// Masks seen so far → their text. Few distinct combinations occur in practice, so this stays tiny.
const formatted = new Map<ResponseFlags, string>([[0, NO_RESPONSE_FLAGS]]);

/** The flags as Envoy prints them: 'UF,URX', or '-' for none. Bits that are not a known flag are ignored. */
export function formatResponseFlags(flags: ResponseFlags): string {
  let text = formatted.get(flags);
  if (text === undefined) {
    const codes = RESPONSE_FLAGS.filter((f) => (flags & f.flag) !== 0).map((f) => f.code);
    text = codes.length === 0 ? NO_RESPONSE_FLAGS : codes.join(',');
    formatted.set(flags, text);
  }
  return text;
}
