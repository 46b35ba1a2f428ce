/** HTTP side: the Open Inference Protocol (KServe v2) REST API, predict and feedback, API keys and rate limits. */
package io.sluice.inference.web;
