/** The folder watcher that turns files landing in a local ({@code file:}) raw bucket into object events. */
package io.sluice.ingest.watch;
