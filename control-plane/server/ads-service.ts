// The gRPC service definition of envoy.service.discovery.v3.AggregatedDiscoveryService (ads.proto), written out
// by hand so that requests decode into the server's own types (wire-decode.ts) and responses go out as the
// buffers wire-encode.ts built from pre-encoded resources.
import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';
import {
  decodeDeltaDiscoveryRequest,
  decodeDiscoveryRequest,
  type DeltaRequest,
  type SotwRequest,
} from './wire-decode.js';

export const ADS_SERVICE_NAME = 'envoy.service.discovery.v3.AggregatedDiscoveryService';

const identity = (b: Buffer): Buffer => b;
function notUsed(): never {
  throw new Error('the ADS server does not serialize requests nor deserialize responses');
}

export const STREAM_AGGREGATED_RESOURCES: MethodDefinition<SotwRequest, Buffer> = {
  path: `/${ADS_SERVICE_NAME}/StreamAggregatedResources`,
  requestStream: true,
  responseStream: true,
  requestSerialize: notUsed,
  requestDeserialize: decodeDiscoveryRequest,
  responseSerialize: identity,
  responseDeserialize: notUsed,
  originalName: 'streamAggregatedResources',
};

export const DELTA_AGGREGATED_RESOURCES: MethodDefinition<DeltaRequest, Buffer> = {
  path: `/${ADS_SERVICE_NAME}/DeltaAggregatedResources`,
  requestStream: true,
  responseStream: true,
  requestSerialize: notUsed,
  requestDeserialize: decodeDeltaDiscoveryRequest,
  responseSerialize: identity,
  responseDeserialize: notUsed,
  originalName: 'deltaAggregatedResources',
};

export const ADS_SERVICE = {
  StreamAggregatedResources: STREAM_AGGREGATED_RESOURCES,
  DeltaAggregatedResources: DELTA_AGGREGATED_RESOURCES,
} satisfies ServiceDefinition;
