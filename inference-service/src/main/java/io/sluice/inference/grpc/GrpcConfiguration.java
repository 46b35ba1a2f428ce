package io.sluice.inference.grpc;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import tools.jackson.databind.json.JsonMapper;

import io.sluice.inference.InferenceProperties;
import io.sluice.inference.domain.ModelHost;
import io.sluice.inference.domain.Predictions;
import io.sluice.inference.domain.RoutingTable;
import io.sluice.inference.grpc.v2.GRPCInferenceServiceGrpc;
import io.sluice.inference.web.ModelMetadata;
import io.sluice.inference.web.RateLimits;
import io.sluice.platform.security.Credentials;

/** The KServe v2 gRPC server ({@code sluice.inference.grpc.*}) on the REST API's path, keys and limits. */
@Configuration(proxyBeanMethods = false)
class GrpcConfiguration {

    @Bean
    GrpcServer grpcServer(InferenceProperties properties, Predictions predictions, RoutingTable table, ModelHost host, JsonMapper json,
                          Credentials credentials, RateLimits limits,
                          @Value("${sluice.producer:inference-service}") String producer) {
        RpcRoles roles = RpcRoles.inference().coverEvery(GRPCInferenceServiceGrpc.getServiceDescriptor());
        return new GrpcServer(properties.grpc().port(), (int) Math.min(Integer.MAX_VALUE, properties.maxRequestSize().toBytes()),
                properties.grpc().shutdownGrace(),
                new InferenceGrpcService(predictions, table, host, json, ModelMetadata.serverVersion(producer)),
                new CallerCheck(credentials, roles, limits));
    }
}
