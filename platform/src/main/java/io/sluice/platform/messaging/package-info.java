/** Spring wiring every service gets: the event codec and its Spring Cloud Stream converter, the object stores. */
package io.sluice.platform.messaging;
