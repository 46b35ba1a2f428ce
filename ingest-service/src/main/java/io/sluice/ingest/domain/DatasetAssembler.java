package io.sluice.ingest.domain;

import static io.sluice.ingest.domain.ValidationRules.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.sluice.platform.datasets.CsvTable;
import io.sluice.platform.datasets.DatasetManifest;
import io.sluice.platform.datasets.Splits;
import io.sluice.platform.storage.ObjectKeys;
import io.sluice.platform.storage.ObjectStore;
import io.sluice.platform.storage.StoredObject;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Lists a dataset through the {@link ObjectStore} (notifications only say when to look, never what
 * is there), hashes every data file, decodes every image, validates, and builds the manifest.
 */
public final class DatasetAssembler {

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final int CACHE_ENTRIES = 250_000;

    private final ObjectStore store;
    private final RawBucket raw;
    private final ValidationRules rules;
    private final Splits splits;
    private final ForkJoinPool pool;
    /** Facts per (uri, size, modification time): a duplicate notification does not re-read a dataset. */
    private final Map<String, FileFacts> cache = Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, FileFacts> eldest) {
            return size() > CACHE_ENTRIES;
        }
    });

    public DatasetAssembler(ObjectStore store, RawBucket raw, ValidationRules rules, Splits splits, int parallelism) {
        this.store = store;
        this.raw = raw;
        this.rules = rules;
        this.splits = splits;
        this.pool = new ForkJoinPool(Math.max(1, parallelism));
    }

    public RawBucket rawBucket() {
        return raw;
    }

    /** Reads and validates the dataset as it is in storage now. */
    public Assembly assemble(String dataset) throws IOException {
        return assemble(list(dataset));
    }

    /**
     * What a dataset's prefix holds right now.
     *
     * @param dataset        dataset name
     * @param prefix         the dataset's prefix
     * @param files          data files by key relative to the prefix (markers and hidden files excluded)
     * @param manifestMarker the uploader's manifest.json, or null
     * @param latestMarker   when the newest completion marker was written, or null without one
     */
    public record Listing(String dataset, URI prefix, Map<String, StoredObject> files, StoredObject manifestMarker,
                          java.time.Instant latestMarker) {

        /**
         * True when the dataset has a completion marker older than some of its data: an upload of
         * new content is under way and its own marker has not been written yet.
         */
        public boolean markerIsStale() {
            return latestMarker != null && files.values().stream().anyMatch(f -> f.updated().isAfter(latestMarker));
        }

        /**
         * Hex SHA-256 of what the store says about the data files (key, size, modification time,
         * store checksum): equal fingerprints mean nothing was written since, so the content — and
         * the version — cannot have changed. Cheap: no file is read.
         */
        public String fingerprint() {
            StringBuilder lines = new StringBuilder();
            files.forEach((key, f) -> lines.append(key).append('\t').append(f.size()).append('\t').append(f.updated())
                    .append('\t').append(f.checksum()).append('\n'));
            if (manifestMarker != null) {
                lines.append(DatasetLayouts.MANIFEST_MARKER).append('\t').append(manifestMarker.size()).append('\t')
                        .append(manifestMarker.updated()).append('\n');
            }
            return FileFacts.sha256(lines.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Lists a dataset's prefix. */
    public Listing list(String dataset) throws IOException {
        URI prefix = raw.datasetPrefix(dataset);
        Map<String, StoredObject> files = new TreeMap<>();
        StoredObject manifestMarker = null;
        java.time.Instant latestMarker = null;
        try (Stream<StoredObject> listing = store.list(prefix)) {
            for (StoredObject object : (Iterable<StoredObject>) listing::iterator) {
                String key = ObjectKeys.relativize(prefix, object.uri());
                if (DatasetLayouts.isMarker(key)) {
                    latestMarker = latestMarker == null || object.updated().isAfter(latestMarker) ? object.updated() : latestMarker;
                    if (DatasetLayouts.MANIFEST_MARKER.equals(key)) {
                        manifestMarker = object;
                    }
                } else if (!DatasetLayouts.isHidden(key)) {
                    files.put(key, object);
                }
            }
        }
        return new Listing(dataset, prefix, files, manifestMarker, latestMarker);
    }

    /** Hashes, decodes and validates a listed dataset. */
    public Assembly assemble(Listing listing) throws IOException {
        String dataset = listing.dataset();
        URI prefix = listing.prefix();
        Map<String, StoredObject> files = listing.files();
        StoredObject manifestMarker = listing.manifestMarker();
        ValidationReport report = new ValidationReport(rules);
        Spec spec = manifestMarker == null ? Spec.NONE : readSpec(manifestMarker, report);

        Map<String, byte[]> csvContent = new TreeMap<>();
        Map<String, FileFacts> facts = factsOf(files, csvContent);
        String version = version(facts);

        List<String> images = files.keySet().stream().filter(DatasetLayouts::isImage).toList();
        List<String> csvs = files.keySet().stream().filter(DatasetLayouts::isCsv).toList();
        files.keySet().stream().filter(k -> !DatasetLayouts.isImage(k) && !DatasetLayouts.isCsv(k))
                .forEach(k -> report.add(UNEXPECTED_FILE, k, "neither an image (.png, .jpg) nor a CSV file"));

        Assembly.Layout layout;
        Built built;
        if (!images.isEmpty() && !csvs.isEmpty()) {
            report.add(MIXED_LAYOUT, null, images.size() + " image(s) and " + csvs.size()
                    + " CSV file(s): a dataset is either an image folder or CSV");
            layout = Assembly.Layout.UNKNOWN;
            built = Built.EMPTY;
        } else if (!images.isEmpty()) {
            layout = Assembly.Layout.IMAGE_FOLDER;
            built = images(images, facts, spec, report);
        } else if (!csvs.isEmpty()) {
            layout = Assembly.Layout.CSV;
            built = csv(csvContent, spec, report);
        } else {
            report.add(NO_SAMPLES, null, "no images (<class>/<file>.png|jpg) and no CSV file under " + prefix);
            layout = Assembly.Layout.UNKNOWN;
            built = Built.EMPTY;
        }
        if (layout != Assembly.Layout.UNKNOWN) {
            checkClasses(built, report);
        }
        Map<String, Long> classCounts = built.classCounts();
        DatasetManifest manifest = report.rejected() ? null
                : new DatasetManifest(dataset, version, layout.name(), prefix.toString(), built.classNames, built.inputShape,
                        built.featureNames, built.labelColumn, built.samples);
        return new Assembly(dataset, version, layout, prefix.toString(), manifest, report.issues(), built.samples.size(),
                classCounts);
    }

    private Map<String, FileFacts> factsOf(Map<String, StoredObject> files, Map<String, byte[]> csvContent) throws IOException {
        Map<String, FileFacts> facts = new TreeMap<>();
        Function<Map.Entry<String, StoredObject>, FileFacts> inspect = entry -> {
            String key = entry.getKey();
            StoredObject object = entry.getValue();
            String cacheKey = object.uri() + "|" + object.size() + "|" + object.updated() + "|" + object.checksum();
            boolean csv = DatasetLayouts.isCsv(key);
            FileFacts cached = csv ? null : cache.get(cacheKey);
            if (cached != null) {
                return cached;
            }
            byte[] content;
            try {
                content = store.read(object.uri());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + object.uri(), e);
            }
            if (csv) {
                synchronized (csvContent) {
                    csvContent.put(key, content);
                }
            }
            FileFacts found = DatasetLayouts.isImage(key) ? FileFacts.ofImage(key, content) : FileFacts.of(content);
            if (!csv) {
                cache.put(cacheKey, found);
            }
            return found;
        };
        try {
            List<FileFacts> results = pool.submit(() -> files.entrySet().parallelStream().map(inspect).toList()).get();
            int i = 0;
            for (String key : files.keySet()) {
                facts.put(key, results.get(i++));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading the dataset", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            throw new IOException("cannot read the dataset: " + e.getCause(), e.getCause());
        }
        return facts;
    }

    /** Hex SHA-256 of the sorted "key \t size \t sha256 \n" lines. */
    static String version(Map<String, FileFacts> facts) {
        StringBuilder lines = new StringBuilder();
        new TreeMap<>(facts).forEach((key, f) -> lines.append(key).append('\t').append(f.size()).append('\t')
                .append(f.sha256()).append('\n'));
        return FileFacts.sha256(lines.toString().getBytes(StandardCharsets.UTF_8));
    }

    private Built images(List<String> images, Map<String, FileFacts> facts, Spec spec, ValidationReport report) {
        Map<FileFacts.ImageShape, Long> shapes = images.stream().map(facts::get).filter(f -> f.image() != null)
                .collect(Collectors.groupingBy(FileFacts::image, Collectors.counting()));
        FileFacts.ImageShape expected = shapes.entrySet().stream()
                .max(Map.Entry.<FileFacts.ImageShape, Long>comparingByValue()
                        .thenComparing(e -> e.getKey().toString(), Comparator.reverseOrder()))
                .map(Map.Entry::getKey).orElse(null);
        List<String> declared = declaredClasses(spec);
        Built built = new Built();
        TreeSet<String> seen = new TreeSet<>();
        for (String key : images) {
            FileFacts f = facts.get(key);
            int slash = key.indexOf('/');
            if (slash < 0) {
                report.add(MISSING_LABEL, key, "image is not in a class folder (<class>/<file>)");
                continue;
            }
            String label = key.substring(0, slash);
            if (f.error() != null) {
                report.add(CORRUPT_FILE, key, f.error());
                continue;
            }
            if (!f.image().equals(expected)) {
                report.add(INCONSISTENT_IMAGE, key, "image is " + f.image() + " (width x height x channels), the dataset's images are "
                        + expected);
                continue;
            }
            if (!declared.isEmpty() && !declared.contains(label)) {
                report.add(UNKNOWN_LABEL, key, "class '" + label + "' is not one of " + declared);
                continue;
            }
            seen.add(label);
            built.samples.add(new DatasetManifest.Sample(key, null, label, splits.assign(key), f.size(), f.sha256()));
        }
        built.classNames = declared.isEmpty() ? List.copyOf(seen) : declared;
        built.inputShape = expected == null ? List.of() : List.of(expected.channels(), expected.height(), expected.width());
        return built;
    }

    private Built csv(Map<String, byte[]> contents, Spec spec, ValidationReport report) {
        Built built = new Built();
        List<String> header = null;
        String labelColumn = spec.labelColumn != null ? spec.labelColumn : rules.csvLabelColumn();
        int labelIndex = -1;
        List<String> declared = declaredClasses(spec);
        TreeSet<String> seen = new TreeSet<>();
        for (Map.Entry<String, byte[]> file : contents.entrySet()) {
            String key = file.getKey();
            CsvTable table = CsvTable.parse(file.getValue());
            if (table.header().isEmpty()) {
                report.add(NO_SAMPLES, key, "empty CSV file");
                continue;
            }
            if (header == null) {
                header = table.header();
                labelIndex = header.indexOf(labelColumn);
                if (labelIndex < 0) {
                    report.add(MISSING_LABEL_COLUMN, key, "no label column '" + labelColumn + "' in the header " + header);
                    return built;
                }
                built.labelColumn = labelColumn;
                List<String> features = new ArrayList<>(header);
                features.remove(labelIndex);
                built.featureNames = List.copyOf(features);
            } else if (!header.equals(table.header())) {
                report.add(HEADER_MISMATCH, key, "header " + table.header() + " differs from " + header);
                continue;
            }
            for (CsvTable.Row row : table.rows()) {
                String path = key + "#" + row.index();
                if (row.empty()) {
                    report.add(EMPTY_ROW, path, "empty row");
                    continue;
                }
                if (row.cells().size() != header.size()) {
                    report.add(RAGGED_ROW, path, row.cells().size() + " cells, the header has " + header.size());
                    continue;
                }
                String label = row.cells().get(labelIndex).trim();
                if (label.isEmpty()) {
                    report.add(MISSING_LABEL, path, "empty label in column '" + labelColumn + "'");
                    continue;
                }
                if (!declared.isEmpty() && !declared.contains(label)) {
                    report.add(UNKNOWN_LABEL, path, "label '" + label + "' is not one of " + declared);
                    continue;
                }
                String bad = firstNonNumeric(row.cells(), header, labelIndex);
                if (bad != null) {
                    report.add(NON_NUMERIC, path, bad);
                    continue;
                }
                seen.add(label);
                byte[] text = row.text().getBytes(StandardCharsets.UTF_8);
                built.samples.add(new DatasetManifest.Sample(key, row.index(), label, splits.assign(key + "#" + row.index()),
                        text.length, FileFacts.sha256(text)));
            }
        }
        built.classNames = declared.isEmpty() ? List.copyOf(seen) : declared;
        built.inputShape = List.of(built.featureNames.size());
        return built;
    }

    private static String firstNonNumeric(List<String> cells, List<String> header, int labelIndex) {
        for (int i = 0; i < cells.size(); i++) {
            if (i == labelIndex) {
                continue;
            }
            String cell = cells.get(i).trim();
            try {
                double value = Double.parseDouble(cell);
                if (Double.isNaN(value) || Double.isInfinite(value)) {
                    return "column '" + header.get(i) + "' is " + cell;
                }
            } catch (NumberFormatException e) {
                return "column '" + header.get(i) + "' is not a number: '" + (cell.length() > 40 ? cell.substring(0, 40) + "…" : cell) + "'";
            }
        }
        return null;
    }

    private void checkClasses(Built built, ValidationReport report) {
        Map<String, Long> counts = built.classCounts();
        if (built.samples.isEmpty()) {
            report.add(NO_SAMPLES, null, "no valid samples");
            return;
        }
        if (built.classNames.size() < rules.minClasses()) {
            report.add(MIN_CLASSES, null, built.classNames.size() + " class(es) " + built.classNames + ", at least "
                    + rules.minClasses() + " needed");
        }
        counts.forEach((label, count) -> {
            if (count < rules.minSamplesPerClass()) {
                report.add(MIN_SAMPLES, label, "class '" + label + "' has " + count + " sample(s), at least "
                        + rules.minSamplesPerClass() + " needed");
            }
        });
        long max = counts.values().stream().mapToLong(Long::longValue).max().orElse(0);
        long min = counts.values().stream().mapToLong(Long::longValue).min().orElse(0);
        if (min > 0 && (double) max / min > rules.maxImbalanceRatio()) {
            report.add(CLASS_IMBALANCE, null, String.format(java.util.Locale.ROOT,
                    "largest class has %d samples, smallest %d: ratio %.1f exceeds %.1f", max, min, (double) max / min,
                    rules.maxImbalanceRatio()));
        }
    }

    private List<String> declaredClasses(Spec spec) {
        List<String> declared = spec.classes != null ? spec.classes : rules.classes();
        return declared.stream().sorted().distinct().toList();
    }

    private Spec readSpec(StoredObject manifest, ValidationReport report) throws IOException {
        byte[] content = store.read(manifest.uri());
        if (content.length == 0 || new String(content, StandardCharsets.UTF_8).isBlank()) {
            return Spec.NONE;
        }
        try {
            JsonNode root = JSON.readTree(content);
            if (!root.isObject()) {
                report.add(INVALID_MANIFEST, DatasetLayouts.MANIFEST_MARKER, "manifest.json is not a JSON object");
                return Spec.NONE;
            }
            List<String> classes = null;
            JsonNode classNode = root.get("classes");
            if (classNode != null && classNode.isArray()) {
                classes = new ArrayList<>();
                for (JsonNode c : classNode) {
                    classes.add(c.asString());
                }
            }
            JsonNode label = root.get("labelColumn");
            return new Spec(classes, label != null && label.isString() ? label.asString() : null);
        } catch (JacksonException e) {
            report.add(INVALID_MANIFEST, DatasetLayouts.MANIFEST_MARKER, "manifest.json is not valid JSON: " + e.getOriginalMessage());
            return Spec.NONE;
        }
    }

    /** What an uploader's manifest.json may declare. */
    private record Spec(List<String> classes, String labelColumn) {
        static final Spec NONE = new Spec(null, null);
    }

    /** Samples and shape found while validating. */
    private static final class Built {
        static final Built EMPTY = new Built();
        final List<DatasetManifest.Sample> samples = new ArrayList<>();
        List<String> classNames = List.of();
        List<Integer> inputShape = List.of();
        List<String> featureNames = List.of();
        String labelColumn;

        Map<String, Long> classCounts() {
            Map<String, Long> counts = new TreeMap<>();
            classNames.forEach(c -> counts.put(c, 0L));
            samples.forEach(s -> counts.merge(s.label(), 1L, Long::sum));
            return counts;
        }
    }
}
