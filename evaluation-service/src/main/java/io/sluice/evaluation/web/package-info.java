/** HTTP adapter: the model registry's read-only query API. */
package io.sluice.evaluation.web;
