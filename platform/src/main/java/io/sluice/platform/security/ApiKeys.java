package io.sluice.platform.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API keys a service accepts, held as SHA-256 digests only. Entries are {@code name:role:<64 hex SHA-256 of the
 * key>}, from the environment ({@code sluice.security.keys}, comma- or newline-separated) and from a secret file
 * ({@code sluice.security.keys-file}, one per line, {@code #} comments), which is read again when it changes (checked at
 * most every {@code reload-interval}), so keys rotate without a restart. A plain admin token (the local stack's
 * {@code SLUICE_ADMIN_TOKEN}) is hashed on start and named {@code admin}. A bad entry is skipped with a log line that
 * never shows a digest; a file that cannot be read keeps the keys it had.
 */
public final class ApiKeys {

    private static final Logger log = LoggerFactory.getLogger(ApiKeys.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
    private static final Pattern DIGEST = Pattern.compile("[0-9a-fA-F]{64}");

    /** One accepted key: who, what it may do, and the SHA-256 of the key. */
    record Entry(String name, Role role, byte[] digest) {}

    /**
     * A key given in plain, hashed when the keys are built.
     *
     * @param name who (never the key)
     * @param role what it may do
     * @param key  the key; blank: ignored
     */
    public record PlainKey(String name, Role role, String key) {
        @Override
        public String toString() {
            return "PlainKey[" + name + ", " + role + ", ****]";
        }
    }

    private final List<Entry> fixed;
    private final Path file;
    private final Duration reloadInterval;
    private final Clock clock;
    private volatile List<Entry> fromFile = List.of();
    private volatile FileTime fileTime;
    private volatile long fileSize = -1;
    private volatile Instant nextCheck = Instant.MIN;

    /**
     * @param entries        {@code name:role:sha256hex} entries separated by commas or newlines; may be blank
     * @param adminToken     a plain admin token hashed here; blank: none
     * @param file           secret file of entries, read again when it changes; null: none
     * @param reloadInterval how often the file's modification time is looked at
     */
    public ApiKeys(String entries, String adminToken, Path file, Duration reloadInterval, Clock clock) {
        this(entries, List.of(new PlainKey("admin", Role.ADMIN, adminToken)), file, reloadInterval, clock);
    }

    /**
     * @param entries        {@code name:role:sha256hex} entries separated by commas or newlines; may be blank
     * @param plain          keys given in plain (the admin token, a service's own older settings), hashed here
     * @param file           secret file of entries, read again when it changes; null: none
     * @param reloadInterval how often the file's modification time is looked at
     */
    public ApiKeys(String entries, List<PlainKey> plain, Path file, Duration reloadInterval, Clock clock) {
        List<Entry> parsed = new ArrayList<>(parse(entries == null ? null : entries.replace(',', '\n'), "sluice.security.keys"));
        for (PlainKey key : plain) {
            if (key.key() != null && !key.key().isBlank()) {
                parsed.add(new Entry(key.name(), key.role(), digest(key.key().strip())));
            }
        }
        this.fixed = List.copyOf(parsed);
        this.file = file;
        this.reloadInterval = reloadInterval;
        this.clock = clock;
        reloadIfChanged();
    }

    /** The caller a presented key belongs to; compares every digest in constant time. */
    public Optional<Caller> authenticate(String presented) {
        if (presented == null || presented.isBlank()) {
            return Optional.empty();
        }
        byte[] given = digest(presented.strip());
        Entry found = null;
        for (Entry entry : all()) { // every entry, so the time taken does not tell which one matched
            if (MessageDigest.isEqual(given, entry.digest()) && found == null) {
                found = entry;
            }
        }
        return found == null ? Optional.empty() : Optional.of(new Caller(found.name(), found.role(), null));
    }

    /** Whether any key of the {@code client} role is configured (then predict and feedback need one). */
    public boolean hasClientKeys() {
        return all().stream().anyMatch(e -> e.role() == Role.CLIENT);
    }

    /** Whether any key is configured at all. */
    public boolean isEmpty() {
        return all().isEmpty();
    }

    private List<Entry> all() {
        reloadIfChanged();
        List<Entry> file = fromFile;
        if (file.isEmpty()) {
            return fixed;
        }
        List<Entry> all = new ArrayList<>(fixed);
        all.addAll(file);
        return all;
    }

    private void reloadIfChanged() {
        if (file == null) {
            return;
        }
        Instant now = clock.instant();
        if (now.isBefore(nextCheck)) {
            return;
        }
        synchronized (this) {
            nextCheck = now.plus(reloadInterval);
            try {
                FileTime time = Files.getLastModifiedTime(file);
                long size = Files.size(file);
                if (time.equals(fileTime) && size == fileSize) {
                    return;
                }
                List<Entry> read = parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
                fromFile = List.copyOf(read);
                fileTime = time;
                fileSize = size;
                log.info("read {} API key(s) from {}", read.size(), LogSafe.text(file));
            } catch (IOException | RuntimeException e) {
                if (fileSize != -2) {
                    log.warn("cannot read the API key file {} ({}); keeping the {} key(s) read before", LogSafe.text(file),
                            LogSafe.text(e.getMessage()), fromFile.size());
                }
                fileSize = -2;
            }
        }
    }

    static List<Entry> parse(String text, String source) {
        List<Entry> entries = new ArrayList<>();
        if (text == null) {
            return entries;
        }
        int number = 0;
        for (String raw : text.split("\n")) {
            number++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split(":");
            Role role = null;
            if (parts.length == 3) {
                try {
                    role = Role.parse(parts[1]);
                } catch (IllegalArgumentException unknown) {
                    role = null;
                }
            }
            if (parts.length != 3 || !NAME.matcher(parts[0].strip()).matches() || role == null
                    || !DIGEST.matcher(parts[2].strip()).matches()) {
                log.warn("{}: entry {} is not name:role:sha256-hex (role viewer, writer, admin, client or webhook); skipped",
                        LogSafe.text(source), number);
                continue;
            }
            entries.add(new Entry(parts[0].strip(), role, HexFormat.of().parseHex(parts[2].strip())));
        }
        return entries;
    }

    /** SHA-256 of a key's UTF-8 bytes. */
    public static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The entry that accepts a key: {@code name:role:<sha256 hex>} (what to put in a key file). */
    public static String entryFor(String name, Role role, String key) {
        return name + ":" + role.label() + ":" + HexFormat.of().formatHex(digest(key));
    }
}
