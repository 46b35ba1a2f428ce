package io.sluice.console.web;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import io.sluice.console.domain.ConsoleState;
import io.sluice.console.domain.TrainingRun;
import io.sluice.console.events.EventFilter;
import io.sluice.console.events.EventView;
import io.sluice.platform.security.LogSafe;
import io.sluice.platform.storage.ObjectStore;

/** What the console page reads: events (also as a live stream), timelines, models, training runs and their comparison, artifacts. */
@RestController
@RequestMapping("/api")
class ApiController {

    /** The most runs one comparison shows (the page's chart has as many colours). */
    static final int MAX_COMPARED = 6;

    private final ConsoleState state;
    private final EventStreams streams;
    private final ObjectStore store;
    private final URI modelsBucket;

    ApiController(ConsoleState state, EventStreams streams, ObjectStore store, @Value("${sluice.buckets.models}") URI modelsBucket) {
        this.state = state;
        this.streams = streams;
        this.store = store;
        this.modelsBucket = modelsBucket;
    }

    static EventFilter filter(List<String> topic, List<String> type, String model, String dataset, String correlation) {
        return new EventFilter(topic == null ? Set.of() : Set.copyOf(topic), type == null ? Set.of() : Set.copyOf(type), model, dataset,
                correlation);
    }

    /** Recent records that match, oldest first (the same JSON as {@code sluice events}). */
    @GetMapping("/events")
    List<Map<String, Object>> events(@RequestParam(required = false) List<String> topic, @RequestParam(required = false) List<String> type,
                                     @RequestParam(required = false) String model, @RequestParam(required = false) String dataset,
                                     @RequestParam(required = false) String correlation, @RequestParam(defaultValue = "200") int limit) {
        return state.recent(filter(topic, type, model, dataset, correlation), Math.max(1, Math.min(limit, 5000))).stream()
                .map(EventView::toTree).toList();
    }

    /** Server-sent events named {@code record}, each one JSON record; replays up to {@code replay} recent matches first. */
    @GetMapping(path = "/events/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter stream(@RequestParam(required = false) List<String> topic, @RequestParam(required = false) List<String> type,
                      @RequestParam(required = false) String model, @RequestParam(required = false) String dataset,
                      @RequestParam(required = false) String correlation, @RequestParam(defaultValue = "100") int replay) {
        return streams.open(filter(topic, type, model, dataset, correlation), Math.max(0, Math.min(replay, 5000)));
    }

    /** Pipeline runs, the most recently active first. */
    @GetMapping("/runs")
    List<ConsoleState.RunSummary> runs() {
        return state.runs();
    }

    /** The events of one run in the order they happened; each carries eventId and causationId for the lineage. */
    @GetMapping("/timeline/{correlationId}")
    ResponseEntity<List<Map<String, Object>>> timeline(@PathVariable String correlationId) {
        List<EventView> events = state.timeline(correlationId);
        if (events.isEmpty()) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no run with correlation id " + correlationId);
        }
        return ResponseEntity.ok(events.stream().map(EventView::toTree).toList());
    }

    /** Every model: deployment state (routing table), recent releases and verdicts, evaluated versions, traffic per version. */
    @GetMapping("/models")
    List<ConsoleState.ModelView> models() {
        return state.models();
    }

    /** Training runs with one point per epoch. */
    @GetMapping("/training")
    List<TrainingRun.View> training(@RequestParam(required = false) String model) {
        return state.trainingRuns(model);
    }

    /** Training runs on one line each (model, version, dataset version, status, accuracy), the most recently started first. */
    @GetMapping("/training/runs")
    List<TrainingRun.Summary> trainingRuns(@RequestParam(required = false) String model) {
        return state.trainingRunSummaries(model);
    }

    /**
     * Two to {@value #MAX_COMPARED} training runs side by side, in the order named (repeats count once): parameters,
     * curves, evaluation metrics and confusion matrices. 400 for fewer or more, 404 naming the ids not known.
     */
    @GetMapping("/training/compare")
    List<TrainingRun.View> compare(@RequestParam List<String> ids) {
        List<String> wanted = ids.stream().map(String::strip).filter(id -> !id.isEmpty()).distinct().toList();
        if (wanted.size() < 2 || wanted.size() > MAX_COMPARED) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
                    "name 2 to " + MAX_COMPARED + " different run ids to compare, not " + wanted.size());
        }
        Map<String, TrainingRun.View> found = state.trainingRuns(wanted);
        List<String> unknown = wanted.stream().filter(id -> !found.containsKey(id)).toList();
        if (!unknown.isEmpty()) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no training run " + LogSafe.text(String.join(", ", unknown)));
        }
        return wanted.stream().map(found::get).toList();
    }

    /** A PNG from the models bucket (confusion matrices); nothing else is served. */
    @GetMapping("/artifact")
    ResponseEntity<byte[]> artifact(@RequestParam URI uri) throws IOException {
        String path = uri.getPath();
        if (!uri.toString().startsWith(modelsBucket.toString()) || path == null || !path.toLowerCase().endsWith(".png")) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "only PNGs under the models bucket are served");
        }
        try (InputStream in = store.open(uri)) {
            return ResponseEntity.ok().contentType(MediaType.IMAGE_PNG).cacheControl(CacheControl.noCache()).body(in.readNBytes(20 * 1024 * 1024));
        } catch (FileNotFoundException | IllegalArgumentException e) { // includes InvalidObjectKeyException
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no such artifact");
        }
    }
}
