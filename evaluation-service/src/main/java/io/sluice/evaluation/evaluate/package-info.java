/** The evaluation use case: score challenger and champion, apply the gates, write the reports, remember the decision. */
package io.sluice.evaluation.evaluate;
