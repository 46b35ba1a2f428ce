/** The local training backend: trains the shared networks with DJL on this machine's GPU or CPU, checkpointing every epoch so an interrupted run resumes. */
package io.sluice.training.djl;
