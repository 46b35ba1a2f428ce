package io.sluice.inference.grpc;

import java.util.function.Supplier;

import io.grpc.stub.StreamObserver;
import tools.jackson.databind.json.JsonMapper;

import io.sluice.inference.domain.Answer;
import io.sluice.inference.domain.ModelHost;
import io.sluice.inference.domain.ModelInfo;
import io.sluice.inference.domain.ModelRoutes;
import io.sluice.inference.domain.Predictions;
import io.sluice.inference.domain.RoutingTable;
import io.sluice.inference.domain.UnknownModelException;
import io.sluice.inference.grpc.v2.GRPCInferenceServiceGrpc;
import io.sluice.inference.grpc.v2.ModelInferRequest;
import io.sluice.inference.grpc.v2.ModelInferResponse;
import io.sluice.inference.grpc.v2.ModelMetadataRequest;
import io.sluice.inference.grpc.v2.ModelMetadataResponse;
import io.sluice.inference.grpc.v2.ModelReadyRequest;
import io.sluice.inference.grpc.v2.ModelReadyResponse;
import io.sluice.inference.grpc.v2.ServerLiveRequest;
import io.sluice.inference.grpc.v2.ServerLiveResponse;
import io.sluice.inference.grpc.v2.ServerMetadataRequest;
import io.sluice.inference.grpc.v2.ServerMetadataResponse;
import io.sluice.inference.grpc.v2.ServerReadyRequest;
import io.sluice.inference.grpc.v2.ServerReadyResponse;
import io.sluice.inference.web.ModelMetadata;

/**
 * {@code inference.GRPCInferenceService}: the REST API's answers in the protocol's messages. Readiness is a
 * {@code ready} flag (false with status OK, as the protocol's gRPC form has no reason field), an unknown model or a
 * version not in the table {@code NOT_FOUND}; {@code ModelInfer} runs {@link Predictions#infer}, the path REST infer
 * runs (routing, shedding, batching, telemetry), an empty {@code model_version} letting the routing table choose.
 */
final class InferenceGrpcService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {

    private final Predictions predictions;
    private final RoutingTable table;
    private final ModelHost host;
    private final JsonMapper json;
    private final String serverVersion;

    InferenceGrpcService(Predictions predictions, RoutingTable table, ModelHost host, JsonMapper json, String serverVersion) {
        this.predictions = predictions;
        this.table = table;
        this.host = host;
        this.json = json;
        this.serverVersion = serverVersion;
    }

    @Override
    public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> response) {
        answer(response, () -> ServerLiveResponse.newBuilder().setLive(true).build());
    }

    @Override
    public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> response) {
        answer(response, () -> ServerReadyResponse.newBuilder().setReady(host.notReady(table.all().values()).isEmpty()).build());
    }

    @Override
    public void serverMetadata(ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> response) {
        answer(response, () -> ServerMetadataResponse.newBuilder().setName(ModelMetadata.SERVER_NAME).setVersion(serverVersion)
                .addAllExtensions(ModelMetadata.EXTENSIONS).build());
    }

    @Override
    public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> response) {
        answer(response, () -> ModelReadyResponse.newBuilder()
                .setReady(host.notReady(routes(request.getName()), version(request.getVersion())).isEmpty()).build());
    }

    @Override
    public void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> response) {
        answer(response, () -> {
            ModelRoutes routes = routes(request.getName());
            ModelMetadata.Summary summary = ModelMetadata.summary(routes, version(request.getVersion()), host);
            ModelMetadataResponse.Builder metadata = ModelMetadataResponse.newBuilder().setName(routes.model())
                    .addAllVersions(summary.versions()).setPlatform(ModelMetadata.PLATFORM);
            ModelInfo signature = summary.signature();
            if (signature != null) {
                ModelMetadataResponse.TensorMetadata.Builder input = ModelMetadataResponse.TensorMetadata.newBuilder()
                        .setName("input").setDatatype("FP32").addShape(-1);
                signature.inputShape().forEach(size -> input.addShape(size));
                metadata.addInputs(input)
                        .addOutputs(ModelMetadataResponse.TensorMetadata.newBuilder().setName(GrpcTensors.PROBABILITIES)
                                .setDatatype("FP32").addShape(-1).addShape(signature.classNames().size()))
                        .addOutputs(ModelMetadataResponse.TensorMetadata.newBuilder().setName(GrpcTensors.LABEL)
                                .setDatatype("BYTES").addShape(-1));
            }
            return metadata.build();
        });
    }

    @Override
    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> response) {
        answer(response, () -> {
            CallerCheck.CallHeaders headers = CallerCheck.HEADERS.get();
            long arrived = headers == null ? System.nanoTime() : headers.arrived();
            GrpcTensors.checkOutputs(request);
            Answer answer = predictions.infer(request.getModelName(), version(request.getModelVersion()),
                    headers == null ? null : headers.routingKey(), headers == null ? null : headers.requestId(), arrived,
                    GrpcTensors.source(request));
            return GrpcTensors.response(request, answer, json.writeValueAsString(answer.classNames()));
        });
    }

    private ModelRoutes routes(String model) {
        return table.get(model).orElseThrow(() -> new UnknownModelException("unknown model '" + model + "'"));
    }

    /** The protocol's "no version": empty. */
    private static String version(String version) {
        return version == null || version.isEmpty() ? null : version;
    }

    private static <T> void answer(StreamObserver<T> response, Supplier<T> body) {
        T message;
        try {
            message = body.get();
        } catch (RuntimeException e) {
            response.onError(GrpcStatuses.of(e));
            return;
        }
        response.onNext(message);
        response.onCompleted();
    }
}
