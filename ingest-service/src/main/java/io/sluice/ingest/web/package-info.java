/** The authenticated notification webhooks ({@code POST /notifications/{provider}}). */
package io.sluice.ingest.web;
