/** The console's HTTP side: the JSON and server-sent-event API under {@code /api}, sign-in, and proxies to the deployment and inference services. */
package io.sluice.console.web;
