package io.sluice.monitoring.domain;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.function.Supplier;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.store.SparseStore;
import com.datadoghq.sketch.ddsketch.store.Store;
import com.datadoghq.sketch.ddsketch.store.UnboundedSizeDenseStore;

/**
 * Compact binary form of a {@link ModelWindow}, for state stores and changelogs. Writes format 2
 * (slices by routing revision, left-out counts, strata, shadow agreement, time span, input
 * sketches); reads format 1 as well (one slice per version, revision unknown), so the stores of an
 * earlier version are still read after an upgrade.
 */
public final class StatsCodec {

    private static final int FORMAT_1 = 1;
    private static final int FORMAT_2 = 2;

    private StatsCodec() {}

    public static byte[] encode(ModelWindow window) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(FORMAT_2);
            out.writeInt(window.slices().size());
            for (Map.Entry<ModelWindow.Slice, VersionStats> e : window.slices().entrySet()) {
                out.writeUTF(e.getKey().version());
                out.writeLong(e.getKey().revision());
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
            if (format != FORMAT_1 && format != FORMAT_2) {
                throw new IllegalArgumentException("unknown stats format " + format);
            }
            ModelWindow window = new ModelWindow();
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                String version = in.readUTF();
                long revision = format == FORMAT_2 ? in.readLong() : -1;
                window.slice(version, revision).merge(read(in, format));
            }
            return window;
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt stats: " + e.getMessage(), e);
        }
    }

    private static void write(DataOutputStream out, VersionStats s) throws IOException {
        out.writeLong(s.requests);
        out.writeLong(s.errors);
        writeSketch(out, s.latencyMs);
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
        // format 2
        out.writeLong(s.clientErrors);
        out.writeLong(s.capacity);
        out.writeLong(s.flaggedInputs);
        out.writeLong(s.compared);
        out.writeLong(s.agreed);
        out.writeLong(s.firstMillis);
        out.writeLong(s.lastMillis);
        out.writeInt(s.strata.size());
        for (Map.Entry<String, VersionStats.Stratum> e : s.strata.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeLong(e.getValue().requests);
            out.writeLong(e.getValue().errors);
            writeSketch(out, e.getValue().latencyMs);
        }
        out.writeInt(s.inputSketches.size());
        for (Map.Entry<String, DDSketch> e : s.inputSketches.entrySet()) {
            out.writeUTF(e.getKey());
            writeSketch(out, e.getValue());
        }
    }

    private static VersionStats read(DataInputStream in, int format) throws IOException {
        long requests = in.readLong();
        long errors = in.readLong();
        VersionStats s = new VersionStats(readSketch(in, UnboundedSizeDenseStore::new));
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
        if (format == FORMAT_1) {
            // every request of format 1 was one stratum; errors then also held rejections
            VersionStats.Stratum stratum = new VersionStats.Stratum(s.latencyMs.copy());
            stratum.requests = requests;
            stratum.errors = errors;
            s.strata.put(Strata.DEFAULT, stratum);
            return s;
        }
        s.clientErrors = in.readLong();
        s.capacity = in.readLong();
        s.flaggedInputs = in.readLong();
        s.compared = in.readLong();
        s.agreed = in.readLong();
        s.firstMillis = in.readLong();
        s.lastMillis = in.readLong();
        int strata = in.readInt();
        for (int i = 0; i < strata; i++) {
            String name = in.readUTF();
            long n = in.readLong();
            long e = in.readLong();
            VersionStats.Stratum stratum = new VersionStats.Stratum(readSketch(in, UnboundedSizeDenseStore::new));
            stratum.requests = n;
            stratum.errors = e;
            s.strata.put(name, stratum);
        }
        int sketches = in.readInt();
        for (int i = 0; i < sketches; i++) {
            s.inputSketches.put(in.readUTF(), readSketch(in, SparseStore::new));
        }
        return s;
    }

    private static void writeSketch(DataOutputStream out, DDSketch sketch) throws IOException {
        GrowingByteArrayOutput bytes = GrowingByteArrayOutput.withDefaultInitialCapacity();
        sketch.encode(bytes, false);
        out.writeInt(bytes.numWrittenBytes());
        out.write(bytes.backingArray(), 0, bytes.numWrittenBytes());
    }

    private static DDSketch readSketch(DataInputStream in, Supplier<Store> store) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return DDSketch.decode(ByteArrayInput.wrap(bytes), store);
    }
}
