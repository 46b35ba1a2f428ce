package io.sluice.inference;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

import javax.imageio.ImageIO;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import io.sluice.models.ModelCard;
import io.sluice.models.ModelPackage;
import io.sluice.models.Networks;
import io.sluice.platform.storage.ObjectStore;

/** Tiny untrained model versions written with the shared models code, and inputs for them. */
public final class TestModels {

    public static final List<String> CLASSES = List.of("cross", "dot", "line");

    private TestModels() {}

    /** A card for a small image classifier; {@code side}×{@code side} grayscale, a two-stage CNN. */
    public static ModelCard imageCard(String model, String version, int side, List<Integer> filters, List<Integer> hidden) {
        ModelCard.InputSpec input = new ModelCard.InputSpec(ModelCard.InputSpec.IMAGE_FOLDER, List.of(1, side, side),
                ModelCard.InputSpec.GRAYSCALE, List.of());
        return new ModelCard(ModelCard.FORMAT_VERSION, model, version, new ModelCard.Architecture("cnn", filters, hidden, 0.0),
                CLASSES, input, new ModelCard.Normalisation(List.of(0.5), List.of(0.25)), Map.of(), List.of(), 0,
                new ModelCard.DatasetRef("shapes", "a".repeat(64), "file:/nowhere/manifest.json"), null, "run-1",
                Instant.parse("2026-11-22T20:00:00Z"), Map.of(), new ModelCard.DataSummary(0, Map.of(), List.of()));
    }

    public static ModelCard imageCard(String model, String version) {
        return imageCard(model, version, 8, List.of(4, 8), List.of(16));
    }

    /** A card for a CSV classifier over features x and y. */
    public static ModelCard csvCard(String model, String version) {
        ModelCard.InputSpec input = new ModelCard.InputSpec(ModelCard.InputSpec.CSV, List.of(2), null, List.of("x", "y"));
        return new ModelCard(ModelCard.FORMAT_VERSION, model, version, new ModelCard.Architecture("mlp", List.of(), List.of(8), 0.0),
                List.of("left", "right"), input, new ModelCard.Normalisation(List.of(0.0, 0.0), List.of(1.0, 1.0)), Map.of(), List.of(),
                0, new ModelCard.DatasetRef("points", "b".repeat(64), "file:/nowhere/manifest.json"), null, "run-2",
                Instant.parse("2026-11-22T20:00:00Z"), Map.of(), new ModelCard.DataSummary(0, Map.of(), List.of()));
    }

    /** Builds the card's network with random parameters and writes it as a version; returns its model URI. */
    public static URI write(ObjectStore store, URI modelsBucket, ModelCard card, long seed) throws IOException {
        Path cache = Files.createTempDirectory("sluice-test-write-");
        Engine.getInstance().setRandomSeed((int) seed);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Block block = Networks.build(card);
            block.initialize(manager, DataType.FLOAT32, Networks.inputShape(card.input(), 1));
            return new ModelPackage(store, cache).write(modelsBucket, card, block, Map.of()).modelUri();
        }
    }

    /** Flips one byte of the version's parameters in the bucket, as an attacker or a broken disk would. */
    public static void tamper(Path parameters) throws IOException {
        byte[] bytes = Files.readAllBytes(parameters);
        bytes[bytes.length / 2] ^= 0x5A;
        Files.write(parameters, bytes);
    }

    /** A random grayscale PNG. */
    public static byte[] png(int width, int height, long seed) {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int v = random.nextInt(256);
                image.getRaster().setSample(x, y, 0, v);
            }
        }
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A KServe v2 infer request body for one random [1, 1, side, side] FP32 tensor. */
    public static String inferBody(int side, long seed) {
        Random random = new Random(seed);
        StringBuilder data = new StringBuilder();
        for (int i = 0; i < side * side; i++) {
            data.append(i == 0 ? "" : ",").append(random.nextFloat());
        }
        return "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,1," + side + "," + side + "],\"datatype\":\"FP32\",\"data\":[" + data + "]}]}";
    }
}
