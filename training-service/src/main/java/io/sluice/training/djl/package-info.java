/** The local training backend: trains the shared networks with DJL on this machine's GPU or CPU. */
package io.sluice.training.djl;
