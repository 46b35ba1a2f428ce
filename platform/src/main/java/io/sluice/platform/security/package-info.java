/**
 * Who may do what, in every service with HTTP: API keys (hashed at rest, rotatable), signed console sessions,
 * the viewer ⊂ writer ⊂ admin role hierarchy, each service's {@link io.sluice.platform.security.RouteRoles},
 * RFC 9457 problem details for refusals, body limits on the bytes read, and {@link io.sluice.platform.security.LogSafe}.
 */
package io.sluice.platform.security;
