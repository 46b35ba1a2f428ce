/** Where a running local stack ({@code ./sluice up}) is: the file it writes into its data directory and the pointer to it, read by the CLI. */
package io.sluice.platform.local;
