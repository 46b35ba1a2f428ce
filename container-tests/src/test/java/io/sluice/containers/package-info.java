/** Sluice's real images in containers, and the Kubernetes manifests of deploy/ checked against the services. */
package io.sluice.containers;
