package io.sluice.monitoring.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;

/**
 * The trailing ranges of a release step the recent judgement looks at, each ending now, shortest
 * first: the candidate and the baseline over the same range, so that a change late in a long step
 * is judged on the traffic after it instead of being diluted by the healthy traffic before it.
 * {@code step} ranges lie within the current step (error rate, latency); {@code release} ranges
 * within the release (feedback accuracy, whose labels accumulate across steps).
 *
 * @param ranges  how many trailing ranges a full judgement has (once the step is long enough): the recent judgement's
 *                share of alpha is split evenly over them
 * @param step    trailing ranges of the step, shortest first
 * @param release trailing ranges of the release, shortest first
 */
public record Recent(int ranges, List<Span> step, List<Span> release) {

    /** Candidate and baseline over one trailing range of {@code millis} (ending now). */
    public record Span(long millis, VersionStats candidate, VersionStats baseline) {}

    public Recent {
        step = List.copyOf(step);
        release = List.copyOf(release);
    }

    /** No trailing range (yet): the totals alone decide, at their share of alpha. */
    public static Recent none() {
        return new Recent(0, List.of(), List.of());
    }

    /**
     * The trailing ranges of a release step at {@code now}, from the model's windows (keyed by window start) of the last
     * {@code recentMillis}: for each length of {@link #lengths}, the windows from the one holding {@code now} back that
     * many windows; a range reaching back to the step's first window ({@code stepFrom}) or further is the totals' and left
     * out of {@code step}, one reaching back to the release's first window ({@code releaseFrom}) left out of
     * {@code release}. Step ranges count, like the step's totals, only requests served at the step's routing
     * {@code revision} or later (or of unknown revision); release ranges every request and label of both versions.
     */
    public static Recent trailing(NavigableMap<Instant, ModelWindow> windows, String candidate, String baseline, long revision,
                                  Instant stepFrom, Instant releaseFrom, Instant now, long windowMillis, long recentMillis) {
        List<Integer> lengths = lengths(windowMillis, recentMillis);
        long size = Math.max(1, windowMillis);
        long current = now.toEpochMilli() - Math.floorMod(now.toEpochMilli(), size);
        List<Span> step = new ArrayList<>();
        List<Span> release = new ArrayList<>();
        ModelWindow merged = new ModelWindow();
        Iterator<Map.Entry<Instant, ModelWindow>> newestFirst = windows.headMap(now, true).descendingMap().entrySet().iterator();
        Map.Entry<Instant, ModelWindow> next = newestFirst.hasNext() ? newestFirst.next() : null;
        for (int length : lengths) {
            Instant start = Instant.ofEpochMilli(current - (length - 1) * size);
            if (!start.isAfter(releaseFrom)) {
                break; // as long as the release: the totals' range
            }
            while (next != null && !next.getKey().isBefore(start)) {
                merged.merge(next.getValue());
                next = newestFirst.hasNext() ? newestFirst.next() : null;
            }
            long millis = now.toEpochMilli() - start.toEpochMilli();
            if (start.isAfter(stepFrom)) {
                step.add(new Span(millis, merged.versionSince(candidate, revision), merged.versionSince(baseline, revision)));
            }
            release.add(new Span(millis, merged.versionOrEmpty(candidate), merged.versionOrEmpty(baseline)));
        }
        return new Recent(lengths.size(), step, release);
    }

    /**
     * The lengths of the trailing ranges, in windows, for windows of {@code windowMillis} and ranges up to
     * {@code recentMillis}: 1, 2, 4, 8 ... (the current window, partial, counts as one).
     */
    public static List<Integer> lengths(long windowMillis, long recentMillis) {
        List<Integer> lengths = new ArrayList<>();
        for (int k = 1; (long) k * windowMillis <= recentMillis && k > 0; k *= 2) {
            lengths.add(k);
        }
        return lengths;
    }
}
