package io.sluice.platform.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.sluice.platform.security.Access;
import io.sluice.platform.security.RouteRoles;

/** The README's route table as the route walks read it. */
class RouteWalkTests {

    @Test
    void theReadmeListsTheRoutesThePlatformOpensInEveryService() {
        RouteWalk.assertReadmeTable("every service", new RouteRoles(RouteRoles.platformRoutes()));
    }

    @Test
    void readsContinuationRowsAndVariablesAsWildcards() {
        assertThat(RouteWalk.readmeRoutes("deployment")).startsWith("GET /deployments viewer", "GET /deployments/* viewer",
                "POST /deployments/*/pause writer");
        assertThat(RouteWalk.readmeRoutes("training")).containsExactly("POST /tuning/* writer");
        assertThat(RouteWalk.readmeRoutes("nobody")).isEmpty();
    }

    @Test
    void failsWhenTheTableAndTheDeclarationDisagree() {
        RouteRoles fewer = RouteRoles.builder().get(Access.READ, "/deployments", "/deployments/*").build();
        RouteRoles otherRole = RouteRoles.builder().get(Access.PUBLIC, "/monitoring/*").build();

        assertThatThrownBy(() -> RouteWalk.assertReadmeTable("deployment", fewer)).hasMessageContaining("POST /deployments/*/pause writer");
        assertThatThrownBy(() -> RouteWalk.assertReadmeTable("monitoring", otherRole)).hasMessageContaining("GET /monitoring/* public");
    }
}
