/** Retention of the models and staging buckets: what may go, what stays and why, and the sweeper that deletes it. */
package io.sluice.platform.storage.retention;
