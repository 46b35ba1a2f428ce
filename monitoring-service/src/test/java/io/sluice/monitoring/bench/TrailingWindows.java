package io.sluice.monitoring.bench;

import java.util.ArrayList;
import java.util.List;

import io.sluice.monitoring.domain.Recent;
import io.sluice.monitoring.domain.VersionStats;

/**
 * One side-by-side stream of a candidate and its baseline cut into the service's aggregation windows
 * (10 s by default), giving the trailing ranges {@code CanaryWatch} hands to the recent judgement:
 * the current window (partial) plus the 1, 3, 7 ... windows before it, each only when shorter than
 * everything recorded (a range as long as the whole step is the totals' and judged there).
 */
final class TrailingWindows {

    private final int windowSeconds;
    private final List<Integer> lengths;
    /** Closed windows, oldest first: {candidate, baseline}. */
    private final List<VersionStats[]> closed = new ArrayList<>();
    /** Merges of the last {@code lengths[i] - 1} closed windows, rebuilt when a window closes. */
    private final List<VersionStats[]> suffixes = new ArrayList<>();
    private VersionStats[] current;
    private int currentWindow = -1;

    TrailingWindows(int windowSeconds, long recentMillis) {
        this.windowSeconds = windowSeconds;
        this.lengths = Recent.lengths(windowSeconds * 1000L, recentMillis);
    }

    /** How many trailing ranges a full judgement has. */
    int ranges() {
        return lengths.size();
    }

    /** Forgets everything (a new step). */
    void clear() {
        closed.clear();
        suffixes.clear();
        current = null;
        currentWindow = -1;
    }

    /** Adds second {@code t}'s requests of both sides. */
    void add(int t, VersionStats candidate, VersionStats baseline) {
        int window = t / windowSeconds;
        if (window != currentWindow) {
            if (current != null) {
                closed.add(current);
                rebuildSuffixes();
            }
            current = new VersionStats[] {new VersionStats(), new VersionStats()};
            currentWindow = window;
        }
        current[0].merge(candidate);
        current[1].merge(baseline);
    }

    private void rebuildSuffixes() {
        suffixes.clear();
        VersionStats c = new VersionStats();
        VersionStats b = new VersionStats();
        int merged = 0;
        for (int length : lengths) {
            if (length - 1 >= closed.size()) {
                break; // as long as everything recorded: the totals' range
            }
            while (merged < length - 1) {
                VersionStats[] w = closed.get(closed.size() - 1 - merged);
                c.merge(w[0]);
                b.merge(w[1]);
                merged++;
            }
            suffixes.add(new VersionStats[] {c.copy(), b.copy()});
        }
    }

    /** The trailing ranges ending at second {@code t}, shortest first. */
    List<Recent.Span> spans(int t) {
        List<Recent.Span> spans = new ArrayList<>(suffixes.size());
        if (current == null) {
            return spans;
        }
        for (int i = 0; i < suffixes.size(); i++) {
            int length = lengths.get(i);
            long from = (long) (currentWindow - (length - 1)) * windowSeconds;
            VersionStats[] s = suffixes.get(i);
            VersionStats c = length == 1 ? current[0] : current[0].copy().merge(s[0]);
            VersionStats b = length == 1 ? current[1] : current[1].copy().merge(s[1]);
            spans.add(new Recent.Span((t + 1 - from) * 1000L, c, b));
        }
        return spans;
    }
}
