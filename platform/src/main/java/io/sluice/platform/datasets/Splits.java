package io.sluice.platform.datasets;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Stable split assignment: a sample's split is a hash of its id (its path), so it never moves
 * between dataset versions and champion and challenger are always scored on the same test set.
 *
 * @param validation fraction of samples in the validation split (0..1)
 * @param test       fraction of samples in the test split (0..1)
 */
public record Splits(double validation, double test) {

    /** 80 / 10 / 10. */
    public static final Splits DEFAULT = new Splits(0.1, 0.1);

    public Splits {
        if (validation < 0 || test < 0 || validation + test >= 1) {
            throw new IllegalArgumentException("split fractions must be >= 0 and leave room for training: " + validation + ", " + test);
        }
    }

    /** The split of a sample id; the same id always gets the same split. */
    public Split assign(String sampleId) {
        double position = unitHash(sampleId);
        if (position < test) {
            return Split.TEST;
        }
        return position < test + validation ? Split.VALIDATION : Split.TRAIN;
    }

    /** First 8 bytes of SHA-256 of the id, as a number in [0, 1). */
    static double unitHash(String id) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            long bits = 0;
            for (int i = 0; i < 8; i++) {
                bits = (bits << 8) | (digest[i] & 0xFF);
            }
            return (bits >>> 11) * 0x1.0p-53;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
