package io.sluice.models;

import java.io.IOException;

/** A file of a model version is missing or does not match the SHA-256 or size its model card records. */
public class ModelIntegrityException extends IOException {

    private final String fileName;

    public ModelIntegrityException(String fileName, String message) {
        super(fileName + ": " + message);
        this.fileName = fileName;
    }

    /** The file of the model version that failed the check. */
    public String fileName() {
        return fileName;
    }
}
