/** The local model cache and its size cap: least-recently-used versions go, never one the host holds. */
package io.sluice.inference.cache;
