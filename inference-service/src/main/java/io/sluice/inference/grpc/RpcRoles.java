package io.sluice.inference.grpc;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;

import io.sluice.inference.grpc.v2.GRPCInferenceServiceGrpc;
import io.sluice.platform.security.Access;

/**
 * Every RPC of the gRPC API with what it needs, as the REST routes declare theirs ({@code web/WebConfiguration}):
 * liveness, readiness and server metadata are open for probes; model readiness, metadata and inference need an API key
 * when client keys are configured. An RPC not declared here stops the service at start-up.
 */
final class RpcRoles {

    private final Map<String, Access> byMethod;

    private RpcRoles(Map<String, Access> byMethod) {
        this.byMethod = Map.copyOf(byMethod);
    }

    static RpcRoles inference() {
        return new RpcRoles(Map.of(
                GRPCInferenceServiceGrpc.getServerLiveMethod().getFullMethodName(), Access.PUBLIC,
                GRPCInferenceServiceGrpc.getServerReadyMethod().getFullMethodName(), Access.PUBLIC,
                GRPCInferenceServiceGrpc.getServerMetadataMethod().getFullMethodName(), Access.PUBLIC,
                GRPCInferenceServiceGrpc.getModelReadyMethod().getFullMethodName(), Access.CLIENT,
                GRPCInferenceServiceGrpc.getModelMetadataMethod().getFullMethodName(), Access.CLIENT,
                GRPCInferenceServiceGrpc.getModelInferMethod().getFullMethodName(), Access.CLIENT));
    }

    /** What an RPC needs; null when it is not declared (refused). */
    Access of(String fullMethodName) {
        return byMethod.get(fullMethodName);
    }

    /**
     * @throws IllegalStateException naming the RPCs of the service that are not declared
     */
    RpcRoles coverEvery(ServiceDescriptor service) {
        Set<String> missing = service.getMethods().stream().map(MethodDescriptor::getFullMethodName)
                .filter(name -> !byMethod.containsKey(name)).collect(Collectors.toCollection(java.util.TreeSet::new));
        if (!missing.isEmpty()) {
            throw new IllegalStateException("gRPC methods without a declared role: " + missing);
        }
        return this;
    }
}
