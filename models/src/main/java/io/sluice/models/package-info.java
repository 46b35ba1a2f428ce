/** Model cards and the shared DJL code that builds, saves, verifies and loads Sluice networks. */
package io.sluice.models;
