package io.sluice.training;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import javax.imageio.ImageIO;

import io.sluice.platform.datasets.DatasetManifest;
import io.sluice.platform.datasets.Splits;
import io.sluice.platform.storage.ObjectKeys;
import io.sluice.platform.storage.ObjectStore;

/**
 * Small datasets generated in code and written like ingest writes them: raw files under
 * {@code datasets/<name>/} in the raw bucket, the manifest under {@code datasets/<name>/<version>/} in
 * the training bucket. Image classes are separable by shape (a bright horizontal bar, a vertical bar,
 * or none) under noise; {@code shuffleLabels} assigns random labels, so nothing can be learned.
 */
public final class SyntheticDatasets {

    /** 25% validation, 10% test: enough validation samples for accuracy to mean something. */
    static final Splits SPLITS = new Splits(0.25, 0.1);

    private SyntheticDatasets() {}

    /** A written dataset: its manifest and where the manifest is. */
    public record Written(DatasetManifest manifest, URI manifestUri) {}

    public static Written images(ObjectStore store, URI rawBucket, URI trainingBucket, String name, int perClass, int size,
                                 boolean shuffleLabels, long seed) throws IOException {
        List<String> classes = List.of("horizontal", "none", "vertical");
        Random random = new Random(seed);
        URI raw = ObjectKeys.resolve(rawBucket, "datasets/" + name + "/");
        List<DatasetManifest.Sample> samples = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            for (int i = 0; i < perClass; i++) {
                byte[] png = png(c, size, random);
                String label = shuffleLabels ? classes.get(random.nextInt(classes.size())) : classes.get(c);
                String key = classes.get(c) + "/" + i + ".png";
                store.put(ObjectKeys.resolve(raw, key), png);
                samples.add(new DatasetManifest.Sample(key, null, label, SPLITS.assign(key), png.length, sha256(png)));
            }
        }
        return write(store, trainingBucket, new DatasetManifest(name, version(samples, seed), DatasetManifest.IMAGE_FOLDER, raw.toString(),
                classes, List.of(1, size, size), List.of(), null, samples));
    }

    /** Two blobs in two features of very different scales (x around ±1000, y around ±1): standardisation matters. */
    public static Written csv(ObjectStore store, URI rawBucket, URI trainingBucket, String name, int perClass, long seed) throws IOException {
        Random random = new Random(seed);
        URI raw = ObjectKeys.resolve(rawBucket, "datasets/" + name + "/");
        StringBuilder csv = new StringBuilder("x,y,label\n");
        List<DatasetManifest.Sample> samples = new ArrayList<>();
        int row = 0;
        for (int i = 0; i < perClass; i++) {
            for (String label : List.of("left", "right")) {
                double sign = label.equals("left") ? -1 : 1;
                String line = String.format(java.util.Locale.ROOT, "%.3f,%.4f,%s", 1000 + sign * 300 + random.nextGaussian() * 100,
                        sign * 1 + random.nextGaussian() * 0.3, label);
                csv.append(line).append('\n');
                String id = "data.csv#" + row;
                samples.add(new DatasetManifest.Sample("data.csv", row, label, SPLITS.assign(id), line.length(),
                        sha256(line.getBytes(StandardCharsets.UTF_8))));
                row++;
            }
        }
        store.put(ObjectKeys.resolve(raw, "data.csv"), csv.toString().getBytes(StandardCharsets.UTF_8));
        return write(store, trainingBucket, new DatasetManifest(name, version(samples, seed), DatasetManifest.CSV, raw.toString(),
                List.of("left", "right"), List.of(2), List.of("x", "y"), "label", samples));
    }

    private static Written write(ObjectStore store, URI trainingBucket, DatasetManifest manifest) throws IOException {
        URI uri = ObjectKeys.resolve(trainingBucket, "datasets/" + manifest.name() + "/" + manifest.version() + "/manifest.json");
        store.put(uri, manifest.toJson());
        return new Written(manifest, uri);
    }

    private static byte[] png(int shape, int size, Random random) throws IOException {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
        int line = random.nextInt(size);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                boolean on = shape == 0 && y == line || shape == 2 && x == line;
                int value = on ? 200 + random.nextInt(56) : random.nextInt(90);
                image.getRaster().setSample(x, y, 0, value);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static String version(List<DatasetManifest.Sample> samples, long seed) {
        StringBuilder all = new StringBuilder(Long.toString(seed));
        samples.forEach(s -> all.append(s.id()).append(s.sha256()).append(s.label()));
        return sha256(all.toString().getBytes(StandardCharsets.UTF_8));
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
