/** Helpers every producer and reader of Sluice events shares: headers, the topic list, JSON for people. */
package io.sluice.platform.events;
