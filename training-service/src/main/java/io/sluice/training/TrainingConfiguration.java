package io.sluice.training;

import java.io.IOException;
import java.time.Clock;

import org.springframework.boot.ApplicationRunner;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.sluice.models.ModelPackage;
import io.sluice.platform.storage.ObjectStore;
import io.sluice.training.djl.DjlTrainingBackend;
import io.sluice.training.domain.ProductionModels;
import io.sluice.training.domain.TrainingListener;
import io.sluice.training.domain.TrainingRuns;
import io.sluice.training.journal.FileRunJournal;

/** Builds the domain: the run journal, the local DJL backend and the run scheduler. */
@Configuration(proxyBeanMethods = false)
class TrainingConfiguration {

    @Bean
    DjlTrainingBackend djlTrainingBackend(ObjectStore store, TrainingProperties properties) {
        return new DjlTrainingBackend(store, new ModelPackage(store, properties.modelCacheDir()), properties.modelsBucket(), Clock.systemUTC());
    }

    @Bean(destroyMethod = "close")
    TrainingRuns trainingRuns(TrainingProperties properties, DjlTrainingBackend backend, TrainingListener listener,
                              ProductionModels production) throws IOException {
        return new TrainingRuns(new FileRunJournal(properties.runsDir()), backend, listener, production,
                model -> TrainingModels.settingsFor(properties, model), properties.maxConcurrentRuns(), Clock.systemUTC());
    }

    /** After a restart: redo every journaled run that never published its outcome. */
    @Bean
    ApplicationRunner recoverUnfinishedRuns(TrainingRuns runs) {
        return arguments -> runs.recover();
    }

    /** On shutdown, stops running runs (left unfinished in the journal) before the Kafka bindings stop. */
    @Bean
    SmartLifecycle stopRunsBeforeBindings(TrainingRuns runs) {
        return new SmartLifecycle() {
            private volatile boolean running;

            @Override
            public void start() {
                running = true;
            }

            @Override
            public void stop() {
                runs.close();
                running = false;
            }

            @Override
            public boolean isRunning() {
                return running;
            }

            @Override
            public int getPhase() {
                return Integer.MAX_VALUE; // stopped first
            }
        };
    }
}
