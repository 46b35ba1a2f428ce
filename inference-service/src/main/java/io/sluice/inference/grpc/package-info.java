/** The Open Inference Protocol (KServe v2) over gRPC: {@code inference.GRPCInferenceService} beside the REST API, on one shared path. */
package io.sluice.inference.grpc;
