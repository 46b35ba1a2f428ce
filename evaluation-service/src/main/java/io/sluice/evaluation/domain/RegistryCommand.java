package io.sluice.evaluation.domain;

import java.time.Instant;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An operator's change to the registry, as issued (an audited command, folded in the order of its topic).
 *
 * @param id        command id (the event id)
 * @param modelName model name
 * @param action    what was asked
 * @param alias     the alias for {@link Action#SET_ALIAS} and {@link Action#REMOVE_ALIAS}, else null
 * @param version   the target of {@link Action#SET_ALIAS}, the version of block, unblock and annotate, else null
 * @param actor     the caller's principal
 * @param role      the caller's role
 * @param reason    why (for {@link Action#ANNOTATE}: the note)
 * @param at        when it was issued
 */
public record RegistryCommand(String id, String modelName, Action action, String alias, String version, String actor, String role,
                              String reason, Instant at) {

    /** Aliases: lower-case letters, digits and dashes, starting with a letter, at most 40 characters. */
    public static final Pattern ALIAS = Pattern.compile("[a-z][a-z0-9-]{0,39}");

    /** Aliases the registry derives and nobody sets: the canary ({@code challenger}) and the newest version ({@code latest}). */
    public static boolean derivedAlias(String alias) {
        return "challenger".equals(alias) || "latest".equals(alias);
    }

    /** What an operator may do to the registry. */
    public enum Action {
        /** Point an alias ({@code champion} or a custom one) at a version, or move it; never at a blocked version. */
        SET_ALIAS,
        /** Remove an alias; {@code champion} falls back to the version the routing table serves as stable. */
        REMOVE_ALIAS,
        /** Mark a version as never to be deployed; aliases pointing at it are removed. */
        BLOCK,
        /** Lift a block. */
        UNBLOCK,
        /** Attach a note to a version. */
        ANNOTATE,
        /** A symbol this reader does not know: audited as refused. */
        UNKNOWN;

        /** The action named by a CLI/HTTP word ({@code set-alias}, {@code block} …), or null. */
        public static Action parse(String word) {
            try {
                return Action.valueOf(word.toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }

    /**
     * A command folded into the registry, applied or refused.
     *
     * @param command what was issued
     * @param applied whether it changed the registry
     * @param note    what it did, or why it was refused
     */
    public record Audited(RegistryCommand command, boolean applied, String note) {}
}
