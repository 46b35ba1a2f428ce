/** The operators' HTTP API: GET /deployments and POST /deployments/{model}/promote|rollback|pause|resume. */
package io.sluice.deployment.web;
