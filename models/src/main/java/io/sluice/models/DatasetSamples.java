package io.sluice.models;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.sluice.platform.datasets.CsvTable;
import io.sluice.platform.datasets.DatasetManifest;
import io.sluice.platform.datasets.Split;
import io.sluice.platform.storage.ObjectKeys;
import io.sluice.platform.storage.ObjectStore;

/**
 * One split of a dataset version read into memory as raw network inputs (images decoded, resized
 * and scaled to [0,1]; CSV rows parsed; neither normalised yet) with class indices. Training
 * profiles these; evaluation normalises them with a card ({@link #normalised}) to score the test split.
 *
 * @param inputs  raw inputs, in manifest order
 * @param labels  class index of each input in the manifest's class order
 * @param ids     sample id of each input (key, or key#row for CSV)
 */
public record DatasetSamples(List<float[]> inputs, int[] labels, List<String> ids) {

    /** Number of samples. */
    public int size() {
        return inputs.size();
    }

    /**
     * Reads a split. Sample keys are resolved under the manifest's rawUri, never used as paths.
     *
     * @param input how to decode (the card's input spec, or the one training derives from the manifest)
     * @throws IOException naming the sample that could not be read or decoded
     */
    public static DatasetSamples load(ObjectStore store, DatasetManifest manifest, Split split, ModelCard.InputSpec input)
            throws IOException {
        URI raw = URI.create(manifest.rawUri().endsWith("/") ? manifest.rawUri() : manifest.rawUri() + "/");
        Map<String, CsvTable> csvFiles = new HashMap<>();
        List<DatasetManifest.Sample> samples = manifest.split(split).toList();
        List<float[]> inputs = new ArrayList<>(samples.size());
        int[] labels = new int[samples.size()];
        List<String> ids = new ArrayList<>(samples.size());
        for (int i = 0; i < samples.size(); i++) {
            DatasetManifest.Sample sample = samples.get(i);
            try {
                if (input.isImage()) {
                    inputs.add(Inputs.imagePixels(store.read(ObjectKeys.resolve(raw, sample.key())), input));
                } else {
                    CsvTable file = csvFiles.get(sample.key());
                    if (file == null) {
                        file = CsvTable.parse(store.read(ObjectKeys.resolve(raw, sample.key())));
                        csvFiles.put(sample.key(), file);
                    }
                    if (sample.row() == null) {
                        throw new IOException("a CSV sample needs a row number");
                    }
                    inputs.add(Inputs.csvRaw(file.values(sample.row(), input.featureNames()), input.featureNames()));
                }
            } catch (IOException | IllegalArgumentException e) {
                throw new IOException("sample " + sample.id() + " of " + manifest.name() + "@" + manifest.version()
                        + " cannot be read: " + e.getMessage(), e);
            }
            labels[i] = manifest.classIndex(sample.label());
            ids.add(sample.id());
        }
        return new DatasetSamples(inputs, labels, ids);
    }

    /** Copies of the inputs standardised with the card's normalisation (what the network sees). */
    public List<float[]> normalised(ModelCard card) {
        return inputs.stream().map(x -> Inputs.normalise(x.clone(), card.input(), card.normalisation())).toList();
    }
}
