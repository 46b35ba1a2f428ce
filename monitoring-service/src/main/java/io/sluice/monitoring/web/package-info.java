/** HTTP and Prometheus views of the monitoring board. */
package io.sluice.monitoring.web;
