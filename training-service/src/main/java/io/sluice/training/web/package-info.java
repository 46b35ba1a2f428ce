/** The training-service's HTTP surface as platform's security sees it: its declared routes (none besides the actuator's). */
package io.sluice.training.web;
