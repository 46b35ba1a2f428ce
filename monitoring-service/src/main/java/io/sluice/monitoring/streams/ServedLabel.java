package io.sluice.monitoring.streams;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import io.sluice.events.PredictionServed;

/**
 * The part of a served prediction that its feedback label needs — model, version and predicted
 * class — which is all the feedback join keeps in its window store, instead of the whole
 * PredictionServed (header, input stats, ...) re-encoded as Avro for every prediction.
 *
 * @param model          model name
 * @param version        model version
 * @param predictedClass predicted class, null when the request failed
 * @param revision       routing revision that served it, -1 when unknown
 */
record ServedLabel(String model, String version, String predictedClass, long revision) {

    private static final byte FORMAT_1 = 1;
    private static final byte FORMAT_2 = 2;

    ServedLabel(String model, String version, String predictedClass) {
        this(model, version, predictedClass, -1);
    }

    static ServedLabel of(PredictionServed served) {
        return new ServedLabel(served.getModelName(), served.getModelVersion(), served.getPredictedClass(), served.getRoutingRevision());
    }

    /**
     * Compact binary serde: a format byte, then model, version and (flagged) class as modified UTF-8,
     * then (format 2) the routing revision; format 1, written before revisions existed, still reads.
     */
    static Serde<ServedLabel> serde() {
        return Serdes.serdeFrom((topic, label) -> label == null ? null : encode(label),
                (topic, bytes) -> bytes == null ? null : decode(bytes));
    }

    static byte[] encode(ServedLabel label) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + label.model().length() + label.version().length());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT_2);
            out.writeUTF(label.model());
            out.writeUTF(label.version());
            out.writeBoolean(label.predictedClass() != null);
            if (label.predictedClass() != null) {
                out.writeUTF(label.predictedClass());
            }
            out.writeLong(label.revision());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static ServedLabel decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte format = in.readByte();
            if (format != FORMAT_1 && format != FORMAT_2) {
                throw new SerializationException("unknown served-label format " + bytes[0]);
            }
            String model = in.readUTF();
            String version = in.readUTF();
            String predicted = in.readBoolean() ? in.readUTF() : null;
            return new ServedLabel(model, version, predicted, format == FORMAT_2 ? in.readLong() : -1);
        } catch (IOException e) {
            throw new SerializationException("undecodable served label", e);
        }
    }
}
