package io.sluice.models;

import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.Batchifier;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;

/**
 * Feeds one preprocessed input (from {@link Inputs}) to the network and turns its logits into a
 * {@link Prediction}; tensors never leave this class. Batches through DJL's stack batchifier.
 */
public final class ProbabilitiesTranslator implements Translator<float[], Prediction> {

    private final ModelCard card;

    public ProbabilitiesTranslator(ModelCard card) {
        this.card = card;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, float[] input) {
        if (input.length != card.input().size()) {
            throw new IllegalArgumentException("input has " + input.length + " values, the model expects " + card.input().size());
        }
        long[] shape = card.input().shape().stream().mapToLong(Integer::longValue).toArray();
        return new NDList(ctx.getNDManager().create(input, new ai.djl.ndarray.types.Shape(shape)));
    }

    @Override
    public Prediction processOutput(TranslatorContext ctx, NDList list) {
        NDArray logits = list.singletonOrThrow();
        float[] probabilities = logits.softmax(-1).toFloatArray();
        int best = 0;
        for (int i = 1; i < probabilities.length; i++) {
            if (probabilities[i] > probabilities[best]) {
                best = i;
            }
        }
        List<String> classes = card.classNames();
        return new Prediction(classes.get(best), best, probabilities, classes);
    }

    @Override
    public Batchifier getBatchifier() {
        return Batchifier.STACK;
    }

    /** A translator that hands the raw logits through, for tools that need them. */
    public static NoopTranslator logits() {
        return new NoopTranslator(Batchifier.STACK);
    }
}
