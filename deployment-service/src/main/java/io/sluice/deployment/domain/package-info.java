/** The release state machine per model name, its routing-table projection and its recovery: plain Java. */
package io.sluice.deployment.domain;
