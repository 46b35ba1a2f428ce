package io.sluice.deployment.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.avro.specific.SpecificRecord;

import io.sluice.deployment.domain.Decision;
import io.sluice.deployment.domain.ReleaseEvent;
import io.sluice.deployment.domain.ReleaseInput;
import io.sluice.deployment.domain.ReleaseMachine;
import io.sluice.deployment.domain.ReleasePolicy;
import io.sluice.deployment.domain.ReleasePublisher;
import io.sluice.deployment.domain.Releases;
import io.sluice.deployment.domain.RoutingTable;
import io.sluice.deployment.domain.Strategy;
import io.sluice.events.EventHeader;
import io.sluice.events.OperatorAction;
import io.sluice.events.OperatorCommandIssued;

/**
 * {@code OperatorCommandIssued} records as any producer could write them (every action including UNKNOWN, model names,
 * actors and reasons with control characters, empty or very long, odd times and ids) fed to the bean that consumes
 * {@code sluice.deployment-commands}, against a model in a canary and models that do not exist: no record throws (which
 * would send it to the dead-letter topic without a decision); a command either changes nothing with a note saying why
 * or is executed and audited under the record's actor and reason.
 */
class OperatorCommandFuzzTests {

    private static final ReleasePolicy POLICY = new ReleasePolicy(List.of(10, 25, 50, 100), Map.of(), Strategy.CANARY, Map.of(), 100,
            Duration.ofMinutes(30), 1024);

    @Property(tries = 1000)
    void everyCommandIsDecidedWithANoteOrAudited(@ForAll("commands") List<OperatorCommandIssued> commands) {
        List<ReleaseEvent> published = new ArrayList<>();
        Releases releases = new Releases(new ReleaseMachine(POLICY), new ReleasePublisher() {
            @Override
            public void event(ReleaseEvent event) {
                published.add(event);
            }

            @Override
            public void table(RoutingTable table, ReleaseEvent cause) {
            }
        });
        Consumer<SpecificRecord> inputs = new DeploymentBindings().inputs(releases);
        for (String version : List.of("v1", "v2")) { // production v1, canary v2
            releases.handle(new ReleaseInput.Approved(UUID.randomUUID().toString(), Instant.now(), "run", "digits", version,
                    "file:/models/" + version + "/", null));
        }

        for (OperatorCommandIssued command : commands) {
            int before = published.size();
            inputs.accept(command);
            ReleaseInput.Command mapped = ReleaseMapping.command(command);
            if (mapped == null) {
                assertThat(command.getAction()).isEqualTo(OperatorAction.UNKNOWN);
                assertThat(published).hasSize(before);
                continue;
            }
            Decision again = releases.preview(mapped); // what the state now says of the same command: never an exception
            assertThat(again.rejected() ? again.note() : "executable").isNotBlank();
            for (ReleaseEvent event : published.subList(before, published.size())) {
                assertThat(event.meta().causationId()).isEqualTo(command.getHeader().getEventId());
                if (event instanceof ReleaseEvent.RolledBack rolledBack) {
                    assertThat(rolledBack.actor()).isEqualTo(command.getActor());
                    assertThat(rolledBack.reason()).isEqualTo(command.getReason());
                } else if (event instanceof ReleaseEvent.Promoted promoted) {
                    assertThat(promoted.actor()).isEqualTo(command.getActor());
                }
            }
        }
    }

    private static Arbitrary<String> text() {
        return Arbitraries.oneOf(Arbitraries.of("", " ", "digits", "unknown-model", "a\nforged INFO line", "\u0000", "x".repeat(5000),
                "admin:alice", "writer:ops-1 via console", "../../etc", "%0A"), Arbitraries.strings().ofMaxLength(40));
    }

    @Provide
    Arbitrary<List<OperatorCommandIssued>> commands() {
        Arbitrary<EventHeader> header = Combinators.combine(Arbitraries.oneOf(Arbitraries.just("").map(s -> UUID.randomUUID().toString()),
                        text()), Arbitraries.longs().between(-10_000_000_000_000L, 10_000_000_000_000L))
                .as((id, millis) -> new EventHeader(id, Instant.ofEpochMilli(millis), "operator:x", null, "fuzz"));
        Arbitrary<String> model = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, Arbitraries.just("digits")),
                net.jqwik.api.Tuple.of(1, text()));
        Arbitrary<OperatorCommandIssued> command = Combinators.combine(header, model, Arbitraries.of(OperatorAction.values()), text(),
                Arbitraries.of("viewer", "writer", "admin", "", "root"), text()).as(OperatorCommandIssued::new);
        return command.list().ofMinSize(1).ofMaxSize(6);
    }
}
