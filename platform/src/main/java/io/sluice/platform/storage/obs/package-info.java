/** The {@code obs:} object store: Huawei Cloud OBS through {@code esdk-obs-java}, with resilience4j retries and timeouts. */
package io.sluice.platform.storage.obs;
