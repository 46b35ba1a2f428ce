/** The demo: a generated image dataset, its upload to the local raw bucket, and simulated traffic with feedback labels. */
package io.sluice.local.demo;
