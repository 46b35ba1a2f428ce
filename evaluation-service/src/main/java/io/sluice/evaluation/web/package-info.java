/** HTTP adapter: the model registry's query API and operators' registry commands. */
package io.sluice.evaluation.web;
