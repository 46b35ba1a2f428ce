package io.sluice.training;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import io.sluice.models.ModelCard;
import io.sluice.models.ModelPackage;
import io.sluice.training.domain.EpochResult;
import io.sluice.training.domain.TrainingOutcome;

/** Reads a cloud job's result back from the model version it wrote: the same mapping for every cloud backend. */
public final class CloudJobOutcomes {

    private CloudJobOutcomes() {}

    /** The outcome described by a model card found at {@code modelUri}. */
    public static TrainingOutcome fromCard(ModelCard card, URI modelUri, String modelVersion, String backend, String device) {
        List<EpochResult> history = card.history().stream()
                .map(m -> new EpochResult(m.epoch(), m.trainLoss(), m.trainAccuracy(), m.validationLoss(), m.validationAccuracy())).toList();
        List<String> artifacts = new ArrayList<>();
        card.files().keySet().stream().sorted().forEach(file -> artifacts.add(modelUri + file));
        artifacts.add(modelUri + ModelPackage.CARD_FILE);
        return new TrainingOutcome(modelVersion, modelUri.toString(), modelUri + ModelPackage.CARD_FILE, artifacts,
                card.architecture().name(), card.bestEpoch(), history, card.parentVersion(), backend, device);
    }
}
