package io.sluice.models;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import ai.djl.Device;
import ai.djl.nn.Block;
import io.sluice.platform.storage.ObjectKeys;
import io.sluice.platform.storage.ObjectStore;

/**
 * Writes model versions to {@code <models bucket>/models/<model>/<version>/} and reads them back:
 * the parameters ({@value #PARAMETERS_FILE}), any extra files, and last the card
 * ({@value #CARD_FILE}) holding the SHA-256 and size of every other file. Reading downloads into
 * a local cache folder and verifies every file against the card before anything is loaded; a
 * changed or truncated file raises {@link ModelIntegrityException} naming it. Thread-safe.
 */
public final class ModelPackage {

    /** The model card's file name. */
    public static final String CARD_FILE = "model-card.json";
    /** The network parameters' file name (DJL's parameter encoding of the block built by {@link Networks}). */
    public static final String PARAMETERS_FILE = "parameters.params";

    private final ObjectStore store;
    private final Path cacheDir;

    /**
     * @param store    reads and writes the models bucket (any scheme the store serves)
     * @param cacheDir local folder verified copies are kept in, {@code <cacheDir>/<model>/<version>/}
     */
    public ModelPackage(ObjectStore store, Path cacheDir) {
        this.store = store;
        this.cacheDir = cacheDir;
    }

    /** The store the models bucket is read and written through. */
    public ObjectStore store() {
        return store;
    }

    /**
     * Where a version lives, and what was written there.
     *
     * @param card         the card as written (with file digests)
     * @param modelUri     prefix {@code models/<model>/<version>/}
     * @param cardUri      the card object
     * @param artifactUris every object of the version, the card last
     */
    public record Written(ModelCard card, URI modelUri, URI cardUri, List<URI> artifactUris) {}

    /**
     * A version copied into the local cache and verified.
     *
     * @param card      its card
     * @param directory local folder holding every file of the version
     */
    public record Fetched(ModelCard card, Path directory) {

        /** The verified local parameters file. */
        public Path parameters() {
            return directory.resolve(PARAMETERS_FILE);
        }
    }

    /** The prefix of a version: {@code <modelsBucket>models/<model>/<version>/}. */
    public static URI modelUri(URI modelsBucket, String modelName, String version) {
        requireSegment(modelName, "model name");
        requireSegment(version, "version");
        URI bucket = modelsBucket.toString().endsWith("/") ? modelsBucket : URI.create(modelsBucket + "/");
        return ObjectKeys.resolve(bucket, "models/" + modelName + "/" + version + "/");
    }

    /**
     * Writes a trained block as a version: parameters and extra files first, then the card with
     * their digests (so a reader that finds the card finds a complete version).
     *
     * @param card       the card without files (its {@code files} are replaced)
     * @param block      the trained block, built by {@link Networks#build} from this card
     * @param extraFiles further files by name (e.g. a confusion-matrix PNG), may be empty
     */
    public Written write(URI modelsBucket, ModelCard card, Block block, Map<String, Path> extraFiles) throws IOException {
        URI modelUri = modelUri(modelsBucket, card.modelName(), card.version());
        Path staging = Files.createTempDirectory("sluice-model-");
        try {
            Map<String, Path> files = new LinkedHashMap<>();
            Path parameters = staging.resolve(PARAMETERS_FILE);
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(parameters)))) {
                block.saveParameters(out);
            }
            files.put(PARAMETERS_FILE, parameters);
            extraFiles.forEach((name, path) -> {
                if (files.putIfAbsent(name, path) != null || CARD_FILE.equals(name)) {
                    throw new IllegalArgumentException("extra file name " + name + " is reserved");
                }
            });
            Map<String, ModelCard.FileDigest> digests = new TreeMap<>();
            for (Map.Entry<String, Path> file : files.entrySet()) {
                digests.put(file.getKey(), new ModelCard.FileDigest(sha256(file.getValue()), Files.size(file.getValue())));
            }
            ModelCard written = card.withFiles(digests);
            written.validate();
            List<URI> uris = new ArrayList<>();
            for (Map.Entry<String, Path> file : files.entrySet()) {
                URI uri = ObjectKeys.resolve(modelUri, file.getKey());
                store.put(uri, file.getValue());
                uris.add(uri);
            }
            URI cardUri = ObjectKeys.resolve(modelUri, CARD_FILE);
            store.put(cardUri, written.toJson());
            uris.add(cardUri);
            return new Written(written, modelUri, cardUri, List.copyOf(uris));
        } finally {
            deleteRecursively(staging);
        }
    }

    /** Reads and validates the card of a version, without downloading anything else. */
    public ModelCard readCard(URI modelUri) throws IOException {
        URI cardUri = ObjectKeys.resolve(folder(modelUri), CARD_FILE);
        byte[] json;
        try {
            json = store.read(cardUri);
        } catch (FileNotFoundException e) {
            throw new FileNotFoundException("no model card at " + cardUri + " (not a model version, or not completely written)");
        }
        ModelCard card = ModelCard.fromJson(json);
        String path = folder(modelUri).getPath();
        if (path != null && !path.endsWith("/" + card.modelName() + "/" + card.version() + "/")) {
            throw new InvalidModelCardException("invalid model card: it describes " + card.modelName() + "/" + card.version()
                    + " but lies at " + modelUri);
        }
        return card;
    }

    /** Copies every file of a version into the cache, verifying each against the card; cached copies are re-verified. */
    public Fetched fetch(URI modelUri) throws IOException {
        URI folder = folder(modelUri);
        ModelCard card = readCard(folder);
        Path directory = Files.createDirectories(cacheDir.resolve(card.modelName()).resolve(card.version()));
        for (Map.Entry<String, ModelCard.FileDigest> file : new TreeMap<>(card.files()).entrySet()) {
            String name = file.getKey();
            ModelCard.FileDigest expected = file.getValue();
            Path local = directory.resolve(name);
            if (Files.isRegularFile(local) && Files.size(local) == expected.size() && sha256(local).equals(expected.sha256())) {
                continue;
            }
            Path temp = Files.createTempFile(directory, name, ".part");
            try {
                MessageDigest digest = newDigest();
                try (InputStream in = new DigestInputStream(openFile(folder, name), digest); OutputStream out = Files.newOutputStream(temp)) {
                    in.transferTo(out);
                }
                long size = Files.size(temp);
                String actual = HexFormat.of().formatHex(digest.digest());
                if (size != expected.size()) {
                    throw new ModelIntegrityException(name, "size is " + size + " bytes, the model card says " + expected.size()
                            + "; refusing to load " + card.modelName() + "/" + card.version());
                }
                if (!actual.equals(expected.sha256())) {
                    throw new ModelIntegrityException(name, "SHA-256 is " + actual + ", the model card says " + expected.sha256()
                            + "; the file changed after training, refusing to load " + card.modelName() + "/" + card.version());
                }
                move(temp, local);
            } finally {
                Files.deleteIfExists(temp);
            }
        }
        Files.write(directory.resolve(CARD_FILE), card.toJson());
        return new Fetched(card, directory);
    }

    /** Fetches and verifies a version, then rebuilds its network and loads its parameters on the device. */
    public LoadedModel load(URI modelUri, Device device) throws IOException {
        return LoadedModel.open(fetch(modelUri), device);
    }

    private InputStream openFile(URI folder, String name) throws IOException {
        try {
            return store.open(ObjectKeys.resolve(folder, name));
        } catch (FileNotFoundException e) {
            throw new ModelIntegrityException(name, "listed in the model card but missing from " + folder);
        }
    }

    private static URI folder(URI modelUri) {
        return modelUri.toString().endsWith("/") ? modelUri : URI.create(modelUri + "/");
    }

    private static void requireSegment(String value, String what) {
        if (value == null || value.isEmpty() || value.contains("/")) {
            throw new IllegalArgumentException(what + " '" + value + "' must be a single path segment");
        }
        ObjectKeys.requireSafe(value);
    }

    /** Lower-case hex SHA-256 of a file. */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest = newDigest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteRecursively(Path folder) throws IOException {
        try (var paths = Files.walk(folder)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
