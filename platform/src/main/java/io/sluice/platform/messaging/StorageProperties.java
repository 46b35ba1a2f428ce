package io.sluice.platform.messaging;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where local buckets live.
 *
 * @param localRoot folder holding one sub-folder per local bucket; {@code file:} URIs outside it are refused
 */
@Validated
@ConfigurationProperties("sluice.storage")
public record StorageProperties(@DefaultValue("${user.home}/.sluice/buckets") Path localRoot) {}
