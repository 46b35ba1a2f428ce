package io.sluice.models;

import java.util.List;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;

/**
 * Turns a model card's architecture into a DJL {@link Block}: the only place the networks are
 * defined, so the parameters training saves always fit the block evaluation and inference build.
 */
public final class Networks {

    private Networks() {}

    /** A fresh, uninitialised block for the card's architecture, input and classes. */
    public static Block build(ModelCard card) {
        return build(card.architecture(), card.input(), card.classNames().size());
    }

    /** A fresh, uninitialised block: {@code cnn} or {@code mlp} ending in one logit per class. */
    public static Block build(ModelCard.Architecture architecture, ModelCard.InputSpec input, int classes) {
        SequentialBlock net = new SequentialBlock();
        if (ModelCard.Architecture.CNN.equals(architecture.name())) {
            if (!input.isImage()) {
                throw new IllegalArgumentException("a cnn needs image input, not " + input.layout());
            }
            int smallestSide = Math.min(input.shape().get(1), input.shape().get(2));
            if (smallestSide >> architecture.filters().size() < 1) {
                throw new IllegalArgumentException("a " + input.shape().get(1) + "x" + input.shape().get(2) + " input is too small for "
                        + architecture.filters().size() + " pooling stages");
            }
            for (int filters : architecture.filters()) {
                net.add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(filters).build())
                        .add(Activation.reluBlock())
                        .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
            }
        } else if (!ModelCard.Architecture.MLP.equals(architecture.name())) {
            throw new IllegalArgumentException("unknown architecture " + architecture.name());
        }
        net.add(Blocks.batchFlattenBlock());
        for (int units : architecture.hidden()) {
            net.add(Linear.builder().setUnits(units).build()).add(Activation.reluBlock());
            if (architecture.dropout() > 0) {
                net.add(Dropout.builder().optRate((float) architecture.dropout()).build());
            }
        }
        net.add(Linear.builder().setUnits(classes).build());
        return net;
    }

    /** The input shape of one batch of the given size: (batch, C, H, W) or (batch, features). */
    public static Shape inputShape(ModelCard.InputSpec input, int batchSize) {
        List<Integer> shape = input.shape();
        long[] dims = new long[shape.size() + 1];
        dims[0] = batchSize;
        for (int i = 0; i < shape.size(); i++) {
            dims[i + 1] = shape.get(i);
        }
        return new Shape(dims);
    }
}
