package io.sluice.platform.datasets;

/** Which part of a dataset a sample belongs to. */
public enum Split { TRAIN, VALIDATION, TEST }
