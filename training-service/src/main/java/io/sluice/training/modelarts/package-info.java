/** The Huawei ModelArts training backend: the training-jobs REST API (create, poll, terminate) with IAM token or AK/SK (SDK-HMAC-SHA256) authentication. */
package io.sluice.training.modelarts;
