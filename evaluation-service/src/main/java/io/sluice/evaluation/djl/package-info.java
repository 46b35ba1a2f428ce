/** DJL adapter: loads a verified model version through the shared models code and scores a dataset's test split. */
package io.sluice.evaluation.djl;
