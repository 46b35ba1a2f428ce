/** Which role each operator route needs ({@code RouteRoles}); credentials, roles and refusals are platform's security. */
package io.sluice.deployment.security;
