package io.sluice.platform.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.sluice.events.DatasetReady;
import io.sluice.events.Events;
import tools.jackson.databind.json.JsonMapper;

class EventJsonTests {

    @Test
    void writesPlainJsonWithTypeTimesAndEnumsAsText() {
        DatasetReady event = Events.datasetReady().setClassCounts(Map.of("a", 3L)).build();

        String json = EventJson.toJson(event);
        @SuppressWarnings("unchecked")
        Map<String, Object> parsed = JsonMapper.builder().build().readValue(json, Map.class);

        assertThat(parsed.get("type")).isEqualTo("DatasetReady");
        assertThat(parsed.get("layout")).isEqualTo("IMAGE_FOLDER");
        assertThat(parsed.get("classCounts")).isEqualTo(Map.of("a", 3));
        assertThat(parsed.get("inputShape")).isEqualTo(List.of(1, 28, 28));
        @SuppressWarnings("unchecked")
        Map<String, Object> header = (Map<String, Object>) parsed.get("header");
        assertThat(header.get("occurredAt")).isEqualTo(event.getHeader().getOccurredAt().toString());
        assertThat(header.get("causationId")).isNull();
    }

    @Test
    void writesEveryEventType() {
        Events.oneOfEach().forEach(event -> assertThat(EventJson.toJson(event)).startsWith("{\"type\":\"" + event.getSchema().getName()));
    }
}
