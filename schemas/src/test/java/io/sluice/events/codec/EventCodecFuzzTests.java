package io.sluice.events.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.avro.specific.SpecificRecord;

import io.sluice.events.Events;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Whatever bytes arrive on a topic, the codec answers with an event or an {@link EventDecodingException} carrying a
 * reason (what the serde turns into a dead-letter record) — never another exception, never an allocation sized by a
 * forged length.
 */
class EventCodecFuzzTests {

    private static final EventCodec CODEC = EventCodec.singleObject();
    private static final List<byte[]> VALID = Events.oneOfEach().stream().map(CODEC::encode).toList();

    @Property(tries = 1000)
    void damagedEventsDecodeOrFailWithAReason(@ForAll("damaged") byte[] bytes) {
        String outcome = outcome(bytes);
        Statistics.label("outcome").collect(outcome.substring(0, outcome.indexOf(':')));
        // the damage really reaches the body: both answers occur, so the property is not vacuous
        Statistics.label("outcome").coverage(coverage -> {
            coverage.check("refused").count(n -> n > 100);
            coverage.check("decoded").count(n -> n > 0);
        });
    }

    @Property(tries = 1000)
    void arbitraryBytesDecodeOrFailWithAReason(@ForAll byte[] bytes) {
        assertThat(outcome(bytes)).isNotNull();
    }

    /** {@code decoded:<type>} or {@code refused:<reason>}; anything else escapes and fails the property. */
    private static String outcome(byte[] bytes) {
        try {
            SpecificRecord event = CODEC.decode(bytes);
            return "decoded:" + event.getSchema().getName();
        } catch (EventDecodingException e) {
            assertThat(e.reason()).isNotNull();
            assertThat(e.getMessage()).isNotBlank();
            return "refused:" + e.reason().name();
        }
    }

    /** A valid event of any type with a few bytes overwritten (lengths and counts included), cut short or extended. */
    @Provide
    Arbitrary<byte[]> damaged() {
        Arbitrary<byte[]> valid = Arbitraries.of(VALID);
        Arbitrary<int[]> edits = Arbitraries.integers().between(0, Integer.MAX_VALUE).array(int[].class).ofMinSize(1).ofMaxSize(6);
        Arbitrary<Integer> mode = Arbitraries.integers().between(0, 2);
        return Combinators.combine(valid, edits, mode).as((event, positions, how) -> {
            byte[] bytes = event.clone();
            for (int position : positions) {
                // keep the 10-byte single-object prefix most of the time so the body itself gets damaged
                int at = 10 + position % Math.max(1, bytes.length - 10);
                bytes[Math.min(at, bytes.length - 1)] = (byte) (position >>> 8);
            }
            return switch (how) {
                case 0 -> bytes;
                case 1 -> java.util.Arrays.copyOf(bytes, Math.max(1, bytes.length - 1 - positions[0] % bytes.length));
                default -> java.util.Arrays.copyOf(bytes, bytes.length + 1 + positions[0] % 16);
            };
        });
    }
}
