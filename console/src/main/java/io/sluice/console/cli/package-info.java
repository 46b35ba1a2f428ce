/** The {@code sluice} operator command line: a plain main (no Spring context) built on picocli. */
package io.sluice.console.cli;
