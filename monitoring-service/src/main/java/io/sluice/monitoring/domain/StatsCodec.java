package io.sluice.monitoring.domain;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.store.UnboundedSizeDenseStore;

/** Compact binary form of a {@link ModelWindow}, for state stores and changelogs (format version 1). */
public final class StatsCodec {

    private static final int FORMAT = 1;

    private StatsCodec() {}

    public static byte[] encode(ModelWindow window) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(FORMAT);
            out.writeInt(window.versions().size());
            for (Map.Entry<String, VersionStats> e : window.versions().entrySet()) {
                out.writeUTF(e.getKey());
                write(out, e.getValue());
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ModelWindow decode(byte[] data) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
            int format = in.readUnsignedByte();
            if (format != FORMAT) {
                throw new IllegalArgumentException("unknown stats format " + format);
            }
            ModelWindow window = new ModelWindow();
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                String version = in.readUTF();
                window.version(version).merge(read(in));
            }
            return window;
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt stats: " + e.getMessage(), e);
        }
    }

    private static void write(DataOutputStream out, VersionStats s) throws IOException {
        out.writeLong(s.requests);
        out.writeLong(s.errors);
        GrowingByteArrayOutput sketch = GrowingByteArrayOutput.withDefaultInitialCapacity();
        s.latencyMs.encode(sketch, false);
        out.writeInt(sketch.numWrittenBytes());
        out.write(sketch.backingArray(), 0, sketch.numWrittenBytes());
        out.writeLong(s.confidenceCount);
        out.writeDouble(s.confidenceSum);
        out.writeDouble(s.confidenceSumSq);
        out.writeInt(s.classCounts.size());
        for (Map.Entry<String, long[]> c : s.classCounts.entrySet()) {
            out.writeUTF(c.getKey());
            out.writeLong(c.getValue()[0]);
        }
        out.writeLong(s.labelled);
        out.writeLong(s.correct);
        out.writeInt(s.inputMoments.size());
        for (Map.Entry<String, double[]> m : s.inputMoments.entrySet()) {
            out.writeUTF(m.getKey());
            out.writeDouble(m.getValue()[0]);
            out.writeDouble(m.getValue()[1]);
            out.writeDouble(m.getValue()[2]);
        }
    }

    private static VersionStats read(DataInputStream in) throws IOException {
        long requests = in.readLong();
        long errors = in.readLong();
        byte[] sketchBytes = new byte[in.readInt()];
        in.readFully(sketchBytes);
        DDSketch sketch = DDSketch.decode(ByteArrayInput.wrap(sketchBytes), UnboundedSizeDenseStore::new);
        VersionStats s = new VersionStats(sketch);
        s.requests = requests;
        s.errors = errors;
        s.confidenceCount = in.readLong();
        s.confidenceSum = in.readDouble();
        s.confidenceSumSq = in.readDouble();
        int classes = in.readInt();
        for (int i = 0; i < classes; i++) {
            s.classCounts.put(in.readUTF(), new long[] {in.readLong()});
        }
        s.labelled = in.readLong();
        s.correct = in.readLong();
        int inputs = in.readInt();
        for (int i = 0; i < inputs; i++) {
            s.inputMoments.put(in.readUTF(), new double[] {in.readDouble(), in.readDouble(), in.readDouble()});
        }
        return s;
    }
}
