/** DJL adapter: fetches, verifies and loads model versions through the shared models code, and runs their batches. */
package io.sluice.inference.djl;
