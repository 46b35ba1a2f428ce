/** What the console knows, folded from the event stream: recent events, timelines, deployments, curves, traffic (plain Java). */
package io.sluice.console.domain;
