/** Every schema an event type ever had, and the check that keeps new ones compatible with them. */
package io.sluice.events.history;
