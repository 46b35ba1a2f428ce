package io.sluice.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;

import io.sluice.training.modelarts.ModelArtsAuthentication;
import org.junit.jupiter.api.Test;

class ModelArtsCredentialsTests {

    static TrainingProperties.ModelArts modelArts(String token, String ak, String sk) {
        return new TrainingProperties.ModelArts(URI.create("https://modelarts.example"), "project-1", token, ak, sk, "swr/trainer:1", "java -jar /app/service.jar train",
                "modelarts.vm.cpu.8u", 1, Duration.ofSeconds(30), Duration.ofHours(6), 4);
    }

    @Test
    void signsWithAkSkWhenAnAccessKeyIsConfigured() {
        assertThat(modelArts("a-token", "AK1", "secret-1").authentication(Clock.systemUTC())).isInstanceOf(ModelArtsAuthentication.AkSk.class);
    }

    @Test
    void usesTheIamTokenWhenNoAccessKeyIsConfigured() {
        assertThat(modelArts("a-token", "", "").authentication(Clock.systemUTC())).isInstanceOf(ModelArtsAuthentication.IamToken.class);
    }

    @Test
    void refusesAnAccessKeyWithoutSecretKeyAndMissingCredentials() {
        assertThatThrownBy(() -> modelArts("", "AK1", "").authentication(Clock.systemUTC())).hasMessageContaining("sluice.training.modelarts.sk");
        assertThatThrownBy(() -> modelArts("", "", "").authentication(Clock.systemUTC())).hasMessageContaining("needs credentials");
    }

    @Test
    void masksTheTokenAndSecretKeyInItsDescription() {
        assertThat(modelArts("a-token", "AK1", "secret-1").toString()).contains("AK1").doesNotContain("a-token").doesNotContain("secret-1");
    }
}
