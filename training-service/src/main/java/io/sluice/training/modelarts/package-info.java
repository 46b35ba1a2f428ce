/** The Huawei ModelArts training backend: the training-jobs REST API (create, poll, terminate) with IAM token authentication. */
package io.sluice.training.modelarts;
