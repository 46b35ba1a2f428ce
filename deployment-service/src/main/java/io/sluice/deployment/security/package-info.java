/** Bearer-token authentication of operators with viewer, writer and admin roles (Spring Security). */
package io.sluice.deployment.security;
