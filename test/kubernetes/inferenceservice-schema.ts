// A JSON Schema for the part of serving.kserve.io/v1beta1 InferenceService that mlwatch
// generates, written from KServe's Go types (pkg/apis/serving/v1beta1: LoggerSpec with url,
// mode enum all|request|response, metadataHeaders, metadataAnnotations; ModelSpec with
// modelFormat, protocolVersion, storageUri, runtime). No KServe CRD package is on npm, so this
// is not the full CRD: it is strict (no unknown keys) over the keys mlwatch writes.
export const INFERENCE_SERVICE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'serving.kserve.io/v1beta1' },
    kind: { const: 'InferenceService' },
    metadata: {
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string', pattern: '^[a-z]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 }, namespace: { type: 'string' }, labels: { type: 'object' }, annotations: { type: 'object' } },
    },
    spec: {
      type: 'object',
      additionalProperties: false,
      required: ['predictor'],
      properties: {
        predictor: {
          type: 'object',
          additionalProperties: false,
          properties: {
            minReplicas: { type: 'integer', minimum: 0 },
            maxReplicas: { type: 'integer', minimum: 0 },
            logger: {
              type: 'object',
              additionalProperties: false,
              properties: {
                url: { type: 'string', pattern: '^https?://' },
                mode: { enum: ['all', 'request', 'response'] },
                metadataHeaders: { type: 'array', items: { type: 'string' } },
                metadataAnnotations: { type: 'array', items: { type: 'string' } },
              },
            },
            model: {
              type: 'object',
              additionalProperties: false,
              required: ['modelFormat'],
              properties: {
                modelFormat: { type: 'object', additionalProperties: false, required: ['name'], properties: { name: { type: 'string' }, version: { type: 'string' } } },
                protocolVersion: { enum: ['v1', 'v2', 'grpc-v1', 'grpc-v2'] },
                storageUri: { type: 'string' },
                runtime: { type: 'string' },
              },
            },
          },
        },
      },
    },
  },
} as const;
