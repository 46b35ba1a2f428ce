package io.sluice.evaluation.domain;

import java.time.Instant;

/**
 * An operator's mark on the registry: who, when, why, and the command that made it.
 *
 * @param actor     the caller's principal ({@code <role>:<name>}); never a key
 * @param at        when the command was issued
 * @param reason    why, as given (for a note, the note itself)
 * @param commandId the {@code RegistryCommandIssued} event id
 */
public record Mark(String actor, Instant at, String reason, String commandId) {}
