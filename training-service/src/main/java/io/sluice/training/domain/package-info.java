/** Training runs as plain Java: accepting, journaling, scheduling, recovering and superseding runs; ports for backends and events. */
package io.sluice.training.domain;
