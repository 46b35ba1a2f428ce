package io.sluice.training.vertex;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.cloud.aiplatform.v1.CancelCustomJobRequest;
import com.google.cloud.aiplatform.v1.CreateCustomJobRequest;
import com.google.cloud.aiplatform.v1.CreateHyperparameterTuningJobRequest;
import com.google.cloud.aiplatform.v1.GetHyperparameterTuningJobRequest;
import com.google.cloud.aiplatform.v1.HyperparameterTuningJob;
import com.google.cloud.aiplatform.v1.Trial;
import com.google.cloud.aiplatform.v1.CustomJob;
import com.google.cloud.aiplatform.v1.GetCustomJobRequest;
import com.google.cloud.aiplatform.v1.JobServiceClient;
import com.google.cloud.aiplatform.v1.JobServiceSettings;
import com.google.cloud.aiplatform.v1.JobState;
import com.google.protobuf.Empty;
import com.google.rpc.Status;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;

/**
 * An in-process gRPC server implementing the Vertex AI JobService methods the backends use
 * (CreateCustomJob, GetCustomJob, CancelCustomJob, CreateHyperparameterTuningJob, GetHyperparameterTuningJob), with scripted states, injected UNAVAILABLE
 * errors, and a hook standing in for the job's container. The real {@link JobServiceClient} talks to it.
 */
final class FakeJobService implements AutoCloseable {

    private static final String SERVICE = "google.cloud.aiplatform.v1.JobService";

    final Map<String, CustomJob> jobs = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> polls = new ConcurrentHashMap<>();
    final List<String> calls = new CopyOnWriteArrayList<>();
    final AtomicInteger unavailable = new AtomicInteger();
    volatile List<JobState> states = List.of(JobState.JOB_STATE_PENDING, JobState.JOB_STATE_RUNNING, JobState.JOB_STATE_SUCCEEDED);
    volatile String error;
    volatile Consumer<CustomJob> onSucceeded = job -> {};
    final Map<String, HyperparameterTuningJob> tuningJobs = new ConcurrentHashMap<>();
    /** The trials a tuning job ran, given the job as submitted. */
    volatile Function<HyperparameterTuningJob, List<Trial>> trials = job -> List.of();

    private final Server server;
    private final ManagedChannel channel;

    FakeJobService() throws IOException {
        String name = "vertex-" + UUID.randomUUID();
        ServerServiceDefinition service = ServerServiceDefinition.builder(SERVICE)
                .addMethod(unary("CreateCustomJob", CreateCustomJobRequest.getDefaultInstance(), CustomJob.getDefaultInstance()),
                        ServerCalls.asyncUnaryCall(this::create))
                .addMethod(unary("GetCustomJob", GetCustomJobRequest.getDefaultInstance(), CustomJob.getDefaultInstance()),
                        ServerCalls.asyncUnaryCall(this::get))
                .addMethod(unary("CancelCustomJob", CancelCustomJobRequest.getDefaultInstance(), Empty.getDefaultInstance()),
                        ServerCalls.asyncUnaryCall(this::cancel))
                .addMethod(unary("CreateHyperparameterTuningJob", CreateHyperparameterTuningJobRequest.getDefaultInstance(),
                        HyperparameterTuningJob.getDefaultInstance()), ServerCalls.asyncUnaryCall(this::createTuning))
                .addMethod(unary("GetHyperparameterTuningJob", GetHyperparameterTuningJobRequest.getDefaultInstance(),
                        HyperparameterTuningJob.getDefaultInstance()), ServerCalls.asyncUnaryCall(this::getTuning))
                .build();
        server = InProcessServerBuilder.forName(name).directExecutor().addService(service).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    /** A real client wired to this server. */
    JobServiceClient client() throws IOException {
        return JobServiceClient.create(JobServiceSettings.newBuilder()
                .setTransportChannelProvider(FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel)))
                .setCredentialsProvider(NoCredentialsProvider.create())
                .build());
    }

    private static <Q extends com.google.protobuf.Message, R extends com.google.protobuf.Message> MethodDescriptor<Q, R> unary(
            String method, Q request, R response) {
        return MethodDescriptor.<Q, R>newBuilder().setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, method))
                .setRequestMarshaller(ProtoUtils.marshaller(request)).setResponseMarshaller(ProtoUtils.marshaller(response)).build();
    }

    private boolean failed(StreamObserver<?> observer) {
        if (unavailable.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            observer.onError(io.grpc.Status.UNAVAILABLE.withDescription("backend busy").asRuntimeException());
            return true;
        }
        return false;
    }

    private void create(CreateCustomJobRequest request, StreamObserver<CustomJob> observer) {
        calls.add("create " + request.getParent());
        if (failed(observer)) {
            return;
        }
        String name = request.getParent() + "/customJobs/" + Math.abs(UUID.randomUUID().getMostSignificantBits());
        CustomJob job = request.getCustomJob().toBuilder().setName(name).setState(JobState.JOB_STATE_QUEUED).build();
        jobs.put(name, job);
        polls.put(name, new AtomicInteger());
        observer.onNext(job);
        observer.onCompleted();
    }

    private void get(GetCustomJobRequest request, StreamObserver<CustomJob> observer) {
        calls.add("get " + request.getName());
        if (failed(observer)) {
            return;
        }
        CustomJob job = jobs.get(request.getName());
        if (job == null) {
            observer.onError(io.grpc.Status.NOT_FOUND.asRuntimeException());
            return;
        }
        if (job.getState() != JobState.JOB_STATE_CANCELLED) {
            List<JobState> script = states;
            int poll = polls.get(request.getName()).getAndIncrement();
            JobState state = script.get(Math.min(poll, script.size() - 1));
            CustomJob.Builder next = job.toBuilder().setState(state);
            if (state == JobState.JOB_STATE_FAILED && error != null) {
                next.setError(Status.newBuilder().setCode(13).setMessage(error));
            }
            if (state == JobState.JOB_STATE_SUCCEEDED && job.getState() != JobState.JOB_STATE_SUCCEEDED) {
                onSucceeded.accept(job);
            }
            job = next.build();
            jobs.put(request.getName(), job);
        }
        observer.onNext(job);
        observer.onCompleted();
    }

    private void createTuning(CreateHyperparameterTuningJobRequest request, StreamObserver<HyperparameterTuningJob> observer) {
        calls.add("create tuning " + request.getParent());
        if (failed(observer)) {
            return;
        }
        String name = request.getParent() + "/hyperparameterTuningJobs/" + Math.abs(UUID.randomUUID().getMostSignificantBits());
        HyperparameterTuningJob job = request.getHyperparameterTuningJob().toBuilder().setName(name).setState(JobState.JOB_STATE_QUEUED)
                .build();
        tuningJobs.put(name, job);
        polls.put(name, new AtomicInteger());
        observer.onNext(job);
        observer.onCompleted();
    }

    /** Follows {@link #states}; on success the job carries the trials {@link #trials} ran (standing in for Vertex AI's study). */
    private void getTuning(GetHyperparameterTuningJobRequest request, StreamObserver<HyperparameterTuningJob> observer) {
        calls.add("get tuning " + request.getName());
        if (failed(observer)) {
            return;
        }
        HyperparameterTuningJob job = tuningJobs.get(request.getName());
        if (job == null) {
            observer.onError(io.grpc.Status.NOT_FOUND.asRuntimeException());
            return;
        }
        List<JobState> script = states;
        JobState state = script.get(Math.min(polls.get(request.getName()).getAndIncrement(), script.size() - 1));
        HyperparameterTuningJob.Builder next = job.toBuilder().setState(state);
        if (state == JobState.JOB_STATE_SUCCEEDED && job.getTrialsCount() == 0) {
            next.addAllTrials(trials.apply(job));
        }
        job = next.build();
        tuningJobs.put(request.getName(), job);
        observer.onNext(job);
        observer.onCompleted();
    }

    private void cancel(CancelCustomJobRequest request, StreamObserver<Empty> observer) {
        calls.add("cancel " + request.getName());
        jobs.computeIfPresent(request.getName(), (name, job) -> job.toBuilder().setState(JobState.JOB_STATE_CANCELLED).build());
        observer.onNext(Empty.getDefaultInstance());
        observer.onCompleted();
    }

    @Override
    public void close() {
        channel.shutdownNow();
        server.shutdownNow();
    }
}
