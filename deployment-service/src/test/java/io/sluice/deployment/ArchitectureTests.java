package io.sluice.deployment;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The domain stays plain Java: no Spring, Kafka or Avro in {@code io.sluice.deployment.domain}. */
@AnalyzeClasses(packages = "io.sluice.deployment", importOptions = {ImportOption.DoNotIncludeTests.class, ImportOption.DoNotIncludeJars.class})
class ArchitectureTests {

    @ArchTest
    static final ArchRule domainIsPlainJava = noClasses().that().resideInAPackage("..deployment.domain..")
            .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "org.apache.kafka..", "org.apache.avro..",
                    "io.sluice.events..")
            .allowEmptyShould(true);
}
