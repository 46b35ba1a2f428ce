/** The local stack: a real KRaft broker and every Sluice service as child processes, started and stopped as one. */
package io.sluice.local;
