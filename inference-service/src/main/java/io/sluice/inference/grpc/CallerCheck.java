package io.sluice.inference.grpc;

import java.util.Optional;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

import io.sluice.inference.web.RateLimits;
import io.sluice.platform.security.Access;
import io.sluice.platform.security.Caller;
import io.sluice.platform.security.Credentials;

/**
 * The REST API's guard for every gRPC call, through platform's {@link Credentials}: the credential from the metadata
 * ({@code authorization: Bearer <key or session>} or {@code x-api-key}) — one that proves no caller is
 * {@code UNAUTHENTICATED} at once —, the RPC's declared {@link Access} ({@code UNAUTHENTICATED} without a caller,
 * {@code PERMISSION_DENIED} with too little role), then the caller's rate limit ({@code RESOURCE_EXHAUSTED} with
 * {@code retry-after: 1}). It also takes the arrival time, the routing key ({@code x-sluice-routing-key}) and the
 * request id ({@code x-request-id}) from the headers, before the message is read.
 */
final class CallerCheck implements ServerInterceptor {

    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> API_KEY = Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> ROUTING_KEY = Metadata.Key.of("x-sluice-routing-key", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> REQUEST_ID = Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);

    /** What the headers said of a call, for the service. */
    record CallHeaders(long arrived, String routingKey, String requestId) {}

    static final Context.Key<CallHeaders> HEADERS = Context.key("sluice-call-headers");

    private final Credentials credentials;
    private final RpcRoles roles;
    private final RateLimits limits;

    CallerCheck(Credentials credentials, RpcRoles roles, RateLimits limits) {
        this.credentials = credentials;
        this.roles = roles;
        this.limits = limits;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        long arrived = System.nanoTime(); // before the message is read: reading it is part of the call's time
        Access access = roles.of(call.getMethodDescriptor().getFullMethodName());
        String presented = presented(headers);
        Caller caller = null;
        if (presented != null) {
            Optional<Caller> proven = credentials.authenticate(presented);
            if (proven.isEmpty()) {
                return refuse(call, Status.UNAUTHENTICATED.withDescription("the API key is not valid"), null);
            }
            caller = proven.get();
        }
        if (access == null) {
            return refuse(call, (caller == null ? Status.UNAUTHENTICATED : Status.PERMISSION_DENIED)
                    .withDescription("undeclared methods are refused"), null);
        }
        switch (credentials.decide(access, caller)) {
            case ALLOWED -> { }
            case UNAUTHENTICATED -> {
                return refuse(call, Status.UNAUTHENTICATED.withDescription("this needs " + Credentials.needs(access)
                        + ": send authorization: Bearer <API key or session> (or x-api-key)"), null);
            }
            case DENIED -> {
                return refuse(call, Status.PERMISSION_DENIED.withDescription("signed in as " + caller.getName() + "; this needs "
                        + Credentials.needs(access)), null);
            }
        }
        if (access != Access.PUBLIC && !limits.acquire(caller)) {
            Metadata trailers = new Metadata();
            trailers.put(GrpcStatuses.RETRY_AFTER, "1");
            return refuse(call, Status.RESOURCE_EXHAUSTED.withDescription("rate limit exceeded for " + caller.getName()), trailers);
        }
        Context context = Context.current().withValue(HEADERS, new CallHeaders(arrived, blankToNull(headers.get(ROUTING_KEY)),
                blankToNull(headers.get(REQUEST_ID))));
        return Contexts.interceptCall(context, call, headers, next);
    }

    private static String presented(Metadata headers) {
        String authorization = headers.get(AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).strip();
        }
        String key = headers.get(API_KEY);
        return key == null || key.isBlank() ? null : key.strip();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status, Metadata trailers) {
        call.close(status, trailers == null ? new Metadata() : trailers);
        return new ServerCall.Listener<>() { };
    }
}
