/** The operator console (web app on port 8080) and, in {@code cli}, the {@code sluice} command line, built from one jar. */
package io.sluice.console;
