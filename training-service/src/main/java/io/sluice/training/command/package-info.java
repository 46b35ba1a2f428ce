/** The trainer as a command ({@code train --dataset <manifest> --output <version prefix>}): what cloud training jobs run. */
package io.sluice.training.command;
