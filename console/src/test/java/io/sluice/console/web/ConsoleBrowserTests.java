package io.sluice.console.web;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.sluice.events.EventHeader;
import io.sluice.events.Events;
import io.sluice.platform.events.SluiceTopics;
import io.sluice.platform.testkit.SluiceKafka;

/**
 * The console in a real browser: headless Chromium loads the page against a console booted on the
 * embedded broker, sees live events arrive, and clicks through to a timeline and a deployment.
 * Skipped where Chromium is not installed ({@code apt-get install -y chromium}).
 */
@EnabledIf("io.sluice.console.web.Chromium#available")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ConsoleBrowserTests {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static SluiceKafka kafka = new SluiceKafka();

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        kafka.register(registry);
        registry.add("sluice.data-dir", () -> System.getProperty("java.io.tmpdir") + "/sluice-test-console-browser");
        registry.add("sluice.console.admin-token", () -> "browser-admin");
    }

    static Chromium chromium;

    @BeforeAll
    static void startBrowser() throws Exception {
        chromium = new Chromium();
    }

    @AfterAll
    static void stopBrowser() throws Exception {
        if (chromium != null) {
            chromium.close();
        }
    }

    @LocalServerPort
    int port;

    @Test
    void showsLiveEventsAndClicksThroughToATimelineAndADeployment() throws Exception {
        String dataset = "tulips-" + UUID.randomUUID().toString().substring(0, 8);
        String model = "model-" + UUID.randomUUID().toString().substring(0, 8);
        chromium.navigate("http://localhost:" + port + "/");
        chromium.await("the live stream to connect", "document.getElementById('stream-state').textContent === 'live'", WAIT);

        EventHeader upload = Events.header().setCorrelationId(dataset + "@v1").build();
        kafka.publish(SluiceTopics.DATASETS, dataset, Events.datasetReady().setHeader(upload).setDatasetName(dataset).build());
        kafka.publish(SluiceTopics.TRAINING, "run-" + dataset, Events.trainingStarted().setDatasetName(dataset).setModelName(model)
                .setHeader(Events.header().setCorrelationId(upload.getCorrelationId()).setCausationId(upload.getEventId())
                        .setOccurredAt(upload.getOccurredAt().plusMillis(10)).build()).build());
        kafka.publish(SluiceTopics.DEPLOYMENT_STATE, model, Events.deploymentState().setModelName(model).build());

        String row = "[...document.querySelectorAll('#events tr.record')].find(r => r.textContent.includes('" + dataset + "')"
                + " && r.dataset.type === 'DatasetReady')";
        chromium.await("the DatasetReady row to arrive live", row, WAIT);

        chromium.eval(row + ".click()");
        chromium.await("the row's JSON", "[...document.querySelectorAll('#events pre')].some(p => !p.closest('tr').hidden"
                + " && p.textContent.includes('\"datasetName\": \"" + dataset + "\"'))", WAIT);
        chromium.eval("[...document.querySelectorAll('#events a')].find(a => a.textContent === '" + dataset + "@v1').click()");
        chromium.await("the run's timeline", "!document.getElementById('runs').hidden"
                + " && document.getElementById('timeline').innerText.includes('DatasetReady')"
                + " && document.getElementById('timeline').innerText.includes('TrainingStarted')"
                + " && document.getElementById('timeline').innerText.includes('caused by DatasetReady')", WAIT);

        chromium.eval("document.querySelector('#tabs button[data-tab=models]').click()");
        chromium.await("the deployment card", "[...document.querySelectorAll('#model-list .card')].some(c => c.innerText.includes('"
                + model + "') && c.innerText.includes('CANARY') && c.innerText.includes('10 %'))", WAIT);
        chromium.await("admin buttons disabled for an anonymous viewer",
                "[...document.querySelectorAll('#model-list button[data-needs=admin]')].every(b => b.disabled)", WAIT);
    }
}
